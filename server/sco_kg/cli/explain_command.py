"""``sco-kg explain``: why a triple holds, down to the words it rests on."""

from __future__ import annotations

import json
import sys

import click

from ..pipeline.explain import as_json, as_text, display_name, explain, parse_triple
from ..pipeline.load import load
from .common import EXIT_DATA, EXIT_OK, handle_errors, sources_from, sources_options


@click.command("explain")
@click.argument("triple")
@sources_options
@click.option("--json", "as_json_output", is_flag=True, help="Print the proof tree as JSON.")
@handle_errors
def explain_command(triple: str, data_files, extra, data_dirs, as_json_output: bool) -> None:
    """Why TRIPLE holds: the OWL 2 RL rules and premises that infer it, down to asserted
    triples, each with the named graph that states it and the sentence it comes from.

    TRIPLE is one triple in Turtle, with the project's prefixes (kg:, skg:, org:, schema:,
    foaf:, prov:, skos:, time:, oa:, rdf:, rdfs:, owl:, xsd:, dcterms:), e.g.

        sco-kg explain 'kg:event-defence-ministers-meeting-patriot-park schema:attendee kg:sergei-shoigu'

    Every step shown is checked by a checker that shares no code with the reasoner.
    Exit 0 explained (or asserted), 1 TRIPLE is neither asserted nor entailed, 2 bad usage.
    """
    wanted = parse_triple(triple)
    dataset = load(sources_from(extra, data_dirs, data_files))
    explanation = explain(dataset, wanted)
    name = display_name

    if explanation is None:
        click.echo(f"{' '.join(name(t) for t in wanted)}: neither asserted nor entailed by the OWL 2 RL closure")
        sys.exit(EXIT_DATA)
    if as_json_output:
        click.echo(json.dumps(as_json(explanation, name), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(as_text(explanation, name)))
    sys.exit(EXIT_OK)
