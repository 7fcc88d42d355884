"""``python -m sco_kg`` is the ``sco-kg`` command."""

from .cli import main

main(prog_name="sco-kg")
