"""Print the offsets of a stretch of an article's text, for writing selectors by hand.

    python tools/spans.py data/articles/<id>/article.txt "first words" "last words"

prints the 0-based code-point offsets [start, end) of the shortest stretch that begins
with the first words and ends with the last words, and the stretch itself, ready to paste
into an oa:TextPositionSelector / oa:TextQuoteSelector pair. The build's tests check every
selector against the text, so a mistake here cannot go unnoticed.
"""
import sys


def find_span(text: str, first: str, last: str) -> tuple[int, int]:
    start = text.index(first)
    end = text.index(last, start) + len(last)
    return start, end


def main(argv: list[str]) -> int:
    path, first, last = argv
    text = open(path, encoding="utf-8").read()
    start, end = find_span(text, first, last)
    print(f"oa:start {start} ; oa:end {end}")
    print(text[start:end])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
