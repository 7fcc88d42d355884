"""Typed errors of the library. Only :mod:`sco_kg.cli` turns them into messages and exit codes.

``ScoKgError`` (base, "could not run": exit 2)
  ``DataError`` (the data is wrong: exit 1)
    ``InputError``          a file is unreadable or unparseable (path, line, column)
    ``ValidationError``     SHACL violations (carries the report)
    ``InconsistencyError``  the OWL RL reasoner found a contradiction (its messages)
    ``ReasoningLimitExceeded``  the OWL RL closure grew past its bound (strangers' data)
  ``ConfigError``           a bad setting: an unknown reasoner, a missing resource
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline.report import ValidationReport


class ScoKgError(Exception):
    """Base of every error the library raises on purpose."""


class ConfigError(ScoKgError):
    """The tool cannot run as asked (unknown reasoner, missing resource directory...)."""


class DataError(ScoKgError):
    """The input data is wrong; fixing the data fixes the error."""


class InputError(DataError):
    """A file is unreadable, badly encoded or not valid RDF, or breaks a loading rule.

    ``line`` and ``column`` are 1-based when known, else None.
    """

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = Path(path)
        self.message = message
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class ValidationError(DataError):
    """The data does not conform to the SHACL shapes; ``report`` says why. ``dataset`` is
    the pipeline's dataset when it stopped (None if not given), from which the refusal's
    report proves the inferred triples it involves (:func:`sco_kg.pipeline.check.report_of`)."""

    def __init__(self, report: "ValidationReport", stage: str = "asserted", dataset=None):
        self.report = report
        self.stage = stage
        self.dataset = dataset
        super().__init__(
            f"{stage} data does not conform to the shapes: {len(report.violations)} violation(s)"
        )


class InconsistencyError(DataError):
    """The OWL RL closure is inconsistent; ``messages`` are the reasoner's own words.
    ``inconsistencies``: the same, each with its rule, axiom and clashing triples, when the
    reasoner gives them (fastrl's :class:`~sco_kg.pipeline.fastrl.Inconsistency`);
    ``dataset``: the asserted data, from which the refusal's report proves those triples."""

    def __init__(self, messages: Sequence[str], engine: str = "owlrl", inconsistencies: Sequence = (),
                 dataset=None):
        self.messages = list(messages)
        self.engine = engine
        self.inconsistencies = list(inconsistencies)
        self.dataset = dataset
        super().__init__(f"{engine} found the data inconsistent: " + "; ".join(self.messages))


class ReasoningLimitExceeded(DataError):
    """The OWL RL closure grew past the bound set on it (strangers' data); the reasoner stopped.

    ``limit`` is the limit passed: ``"inferred triples"`` or ``"inferred triples per asserted
    triple"`` (then ``per_triple`` is its setting); ``bound`` the bound in triples;
    ``inferred`` how many the reasoner had inferred when it stopped; ``asserted`` how many it
    read; ``grew`` the property, or ``rdf:type`` and the class, that produced the most
    inferred triples, with their number (``("skg:locatedIn", 29950)``); ``rule`` what the
    ontology says of it that made it grow (``"owl:TransitiveProperty"``), or "".
    """

    def __init__(
        self,
        limit: str,
        bound: int,
        inferred: int,
        asserted: int,
        grew: tuple[str, int],
        per_triple: float | None = None,
        rule: str = "",
    ):
        self.limit = limit
        self.bound = bound
        self.inferred = inferred
        self.asserted = asserted
        self.grew = grew
        self.per_triple = per_triple
        self.rule = rule
        rate = f" ({per_triple:g} per asserted triple)" if per_triple is not None else ""
        because = f" ({rule})" if rule else ""
        super().__init__(
            f"the OWL RL closure passed its limit of {bound:,} inferred triples{rate} after {inferred:,}: "
            f"{grew[0]} grew by {grew[1]:,}{because}"
        )

    def __reduce__(self):  # picklable: the default would call __init__ with the message alone
        return (
            type(self),
            (self.limit, self.bound, self.inferred, self.asserted, self.grew, self.per_triple, self.rule),
        )
