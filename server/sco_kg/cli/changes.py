"""``sco-kg history``, ``sco-kg revert``, ``sco-kg changes export``: the curated changes of a
store (:mod:`sco_kg.store.changes_export` reads them; the server makes and reverts them).

``history`` and ``changes export`` read the store's folder and write nothing, so they run
beside the server. ``revert`` asks the server (``POST /history/ID/revert`` with a token
that may update): the server holds the store's one writer and serves the new state at
once; a revert is a change like any other, checked by the one pipeline.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from ..core.errors import ConfigError, DataError
from .common import echo_err, handle_errors

STORE_OPTION = click.option("--store", "store_path", required=True,
                            type=click.Path(exists=True, file_okay=False, path_type=Path),
                            help="The on-disk store (serve --store DIR).")


@click.command("history")
@STORE_OPTION
@click.option("--limit", type=click.IntRange(1, None), default=50, show_default=True, help="Newest changes shown.")
@click.option("--json", "as_json", is_flag=True, help="JSON, as GET /history answers.")
@handle_errors
def history_command(store_path, limit, as_json):
    """The accepted changes of a store, newest first: who, when, why, what."""
    from ..store.changes_export import changes_of  # pyoxigraph and the store: loaded by the commands that use them

    changes = changes_of(store_path)
    if as_json:
        click.echo(json.dumps({"changes": [c.as_json() for c in changes[:limit]], "total": len(changes)}, indent=2))
        return
    if not changes:
        echo_err("no changes")
    for c in changes[:limit]:
        undo = f" (reverts {c.reverts})" if c.reverts else ""
        click.echo(f"{c.entry} {c.id} {c.time} {c.agent}: +{c.added} -{c.removed} in {len(c.graphs)} graph(s){undo}")
        click.echo(f"    {' '.join(c.request.split())[:200]}")
        if c.reason:
            click.echo(f"    reason: {c.reason}")


@click.command("revert")
@click.argument("change")
@click.option("--server", "server_url", required=True, metavar="URL",
              help="The server that holds the store (http://HOST:PORT).")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file holding a token that may update (or SCO_KG_UPDATE_TOKEN).")
@click.option("--reason", help="Why (recorded in the history).")
@click.option("--timeout", type=float, default=600.0, show_default=True)
@handle_errors
def revert_command(change, server_url, token_file, reason, timeout):
    """Undo CHANGE (its id, from `sco-kg history`), through the server: a checked change itself."""
    from ..store.http_client import Credentials, HttpClient, RemoteError, check_url, error_detail  # only here

    if not re.fullmatch(r"[0-9a-f]{32}", change):
        raise ConfigError(f"{change!r} is not a change id (32 hexadecimal digits, from sco-kg history)")
    token = token_file.read_text(encoding="utf-8").strip() if token_file else os.environ.get("SCO_KG_UPDATE_TOKEN", "")
    token = token.split()[-1] if token else ""
    if not token:
        raise ConfigError("a revert needs a token that may update: --token-file FILE or SCO_KG_UPDATE_TOKEN")
    url = check_url(server_url.rstrip("/"), "--server") + f"/history/{change}/revert"
    headers = {"X-Change-Reason": reason.encode("utf-8").decode("latin-1")} if reason else {}
    try:
        resp = HttpClient([url], Credentials.parse(None, token)).request("POST", url, headers=headers, timeout=timeout)
    except RemoteError as exc:
        raise ConfigError(str(exc)) from None
    if resp.status >= 400:
        detail = error_detail(resp.status, resp.headers, resp.body)
        if resp.status == 422:
            raise DataError(f"the revert was refused: the state it would make does not pass the checks:\n{detail}")
        raise ConfigError(f"the server answered {resp.status}: {detail}")
    body = json.loads(resp.body or b"{}")
    if body.get("change"):
        echo_err(f"reverted {change}: change {body['change']} (+{body['added']} -{body['removed']})", fg="green")
    else:
        echo_err(f"nothing to revert: {change} left nothing that is still there")


@click.group("changes")
def changes_group():
    """The curated changes of a store."""


@changes_group.command("export")
@STORE_OPTION
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
@handle_errors
def export_changes(store_path, out):
    """Every graph the changes touched, as it is now, as TriG for data/ (with who, when, why)."""
    from ..store.changes_export import changes_trig  # pyoxigraph and the store: loaded by the commands that use them

    text = changes_trig(store_path)
    if out:
        out.write_text(text, encoding="utf-8")
        echo_err(f"wrote {out}")
    else:
        click.echo(text, nl=False)
