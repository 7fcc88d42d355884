"""``sco-kg synth``: deterministic synthetic data in the shape of the project's graph (for the benchmarks)."""

from __future__ import annotations

import click

from ..pipeline.synth import write


@click.command("synth")
@click.option("--triples", type=click.IntRange(min=1), default=10_000, show_default=True, help="How many triples, about.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed: the same seed gives the same file.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), required=True, help="Output file: .trig or .nq.")
@click.option("--same-as", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of the entities that also go by a second IRI, stated owl:sameAs the first.")
def synth_command(triples: int, seed: int, out: str, same_as: float) -> None:
    """Write deterministic synthetic data in the shape of the project's graph."""
    n = write(out, triples, seed, same_as)
    click.echo(f"wrote {n} triples to {out}", err=True)
