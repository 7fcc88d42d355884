"""The ``sco-kg`` command: the only place that prints and picks exit codes (0 fine, 1 the
data is wrong, 2 the tool could not run). Each command lives in a module of this package
and is added to :func:`main` here; :mod:`.common` gives them the shared options and the
error handling."""

from __future__ import annotations

import click

from .. import __version__
from .changes import changes_group, history_command, revert_command
from .explain_command import explain_command
from .pipeline_commands import build, export, validate
from .push import push_command
from .serve import serve
from .synth import synth_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sco-kg")
def main() -> None:
    """sco-kg: a knowledge graph of news articles about the Shanghai Cooperation Organisation.

    Exit codes: 0 fine, 1 the data is wrong, 2 the tool could not run.
    """


for command in (build, validate, export, explain_command, serve, push_command, synth_command, history_command,
                revert_command, changes_group):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
