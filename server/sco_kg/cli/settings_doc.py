"""The README's table of every limit and setting, generated from the code so it cannot drift.

``python -m sco_kg.cli.settings_doc`` prints it; README.md holds it between the markers
``<!-- settings:begin -->`` and ``<!-- settings:end -->``, and
tests/web/test_hostile_readme.py checks that the two are the same. Rows: every
:data:`.limits.SETTINGS` entry (with its ``serve`` option when it has one), then the
settings of ``POST /data`` (:mod:`.ingest_route`).
"""

from __future__ import annotations

from ..web import ingest_route as ingest
from ..web.limits import SETTINGS, config_key
from . import main

BEGIN = "<!-- settings:begin (generated: python -m sco_kg.cli.settings_doc) -->"
END = "<!-- settings:end -->"


def _serve_options() -> dict[str, str]:
    serve = main.commands["serve"]
    return {p.name: p.opts[0] for p in serve.params if p.opts and p.opts[0].startswith("--")}


def _default(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return f"`{value}`"


def rows() -> list[tuple[str, str, str, str]]:
    """(config key / environment variable, serve option, default, meaning) of every setting."""
    options = _serve_options()
    out = [(config_key(s.name), options.get(s.name, ""), _default(s.default), s.help)
           for s in SETTINGS]
    out += [
        ("SCO_KG_INGEST_TOKEN", options.get("ingest_token_file", ""), "none (read-only)",
         "Bearer token(s) of POST /data, one per line (NAME TOKEN, or TOKEN); compared in constant time, never "
         "logged or echoed."),
        ("SCO_KG_UPDATE_TOKEN", options.get("update_token_file", ""), "none (read-only)",
         "Bearer token(s) of /update, Graph Store writes and reverts, one per line (NAME TOKEN, or TOKEN): the "
         "name goes into the history, never the token. A token in both settings may do both."),
        ("SCO_KG_CURATE_BUILD_GRAPHS", options.get("curate_build_graphs", ""), "off",
         "Let changes touch the build's own graphs (data/, the ontology); else 409."),
        ("SCO_KG_INGEST_MAX_TRIPLES", "", _default(ingest.DEFAULT_MAX_TRIPLES), "Most triples one POST /data may hold (413 beyond)."),
        ("SCO_KG_INGEST_TIMEOUT", "", _default(ingest.DEFAULT_TIMEOUT), "Seconds for the check and the store of one ingest (503 beyond)."),
        ("SCO_KG_INGEST_MAX_MEMORY_MB", "", _default(ingest.DEFAULT_MAX_MEMORY_MB),
         "Address space of the process that checks an ingest (MiB; 0: no cap; 413 beyond)."),
    ]
    return out


def table() -> str:
    lines = ["| Setting (config key, environment) | `serve` option | Default | What it bounds |",
             "|---|---|---|---|"]
    for key, option, default, meaning in rows():
        lines.append(f"| `{key}` | {f'`{option}`' if option else ''} | {default} | {meaning.replace('|', '/')} |")
    return "\n".join([BEGIN, *lines, END])


if __name__ == "__main__":
    print(table())
