"""The README's Security section lists every limit and setting as the code has them: the
table between its markers is exactly :func:`sco_kg.cli.settings_doc.table` (regenerate it
with ``python -m sco_kg.cli.settings_doc`` after changing a setting)."""

from __future__ import annotations

from pathlib import Path

from sco_kg.cli.settings_doc import BEGIN, END, table
from sco_kg.web.limits import SETTINGS, config_key

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_table() -> str:
    text = README.read_text(encoding="utf-8")
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "the settings markers of README.md"
    return text[text.index(BEGIN):text.index(END) + len(END)]


def test_readme_settings_table_matches_the_code():
    assert readme_table() == table(), "README.md is out of date: python -m sco_kg.cli.settings_doc"


def test_every_setting_is_in_the_table_with_its_default():
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[3].strip()
            for line in readme_table().splitlines() if line.startswith("| `")}
    for s in SETTINGS:
        assert config_key(s.name) in rows, s.name
        shown = rows[config_key(s.name)].replace(",", "").strip("`")
        expected = ("on" if s.default else "off") if isinstance(s.default, bool) else f"{s.default:g}" if isinstance(
            s.default, float) else str(s.default)
        assert shown == expected, (s.name, shown, expected)


def test_the_security_section_names_what_the_server_never_does():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Security"):text.index(BEGIN)]
    for words in ("Read-only", "No outbound request", "SERVICE", "LOAD", "network namespace", "timeout",
                  "Content-Security-Policy", "Access-Control-Allow-Credentials", "constant time", "UTF-8"):
        assert words in section, words
