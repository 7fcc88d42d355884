"""How far the OWL RL closure may grow before the reasoner stops: :class:`ReasoningLimits`.

A few kilobytes of RDF can entail far more than they say: a chain of 1,000 places in one
``owl:TransitiveProperty`` (116 KB of Turtle) entails 500k triples, and the reasoner took
minutes and gigabytes on it. The doors that reason over strangers' data pass a bound;
fastrl checks it while it reasons, as triples are added, and raises
:class:`~sco_kg.core.errors.ReasoningLimitExceeded` when the closure passes it. The
project's own build is not bounded (its data are the project's).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..core.errors import ConfigError

__all__ = [
    "ReasoningLimits",
    "STRANGERS_MAX_INFERRED",
    "STRANGERS_MAX_INFERRED_PER_TRIPLE",
    "STRANGERS_LIMITS",
    "PER_TRIPLE",
    "ABSOLUTE",
]

#: the two limits, as :attr:`ReasoningLimitExceeded.limit <sco_kg.core.errors.ReasoningLimitExceeded.limit>` names them
ABSOLUTE = "inferred triples"
PER_TRIPLE = "inferred triples per asserted triple"

# The bounds for strangers' data (the lead wires them to settings). Per asserted triple:
# the project's data and sco-kg synth's entail 1.0 to 1.2 inferred triples per asserted
# one (10k and 100k synthetic triples, the article), so 10 leaves room for any honest
# ontology use and stops a chain of 1,000 places at 10k of its 500k. Absolute: two million
# inferred triples held by fastrl take about 1 GiB, which one request may use.
STRANGERS_MAX_INFERRED_PER_TRIPLE = 10
STRANGERS_MAX_INFERRED = 2_000_000
# The per-triple bound never falls below this many inferred triples: an empty or nearly
# empty dataset (an update's CLEAR ALL) still has the few the rules conclude from nothing
# (rdf:type owl:Class of the built-in classes: 2 on an empty graph were refused at 0).
PER_TRIPLE_FLOOR = 1_000


@dataclass(frozen=True)
class ReasoningLimits:
    """A bound on the inferred triples of one closure: ``min(max_inferred,
    max_inferred_per_triple * asserted triples read by the reasoner)``; None is no bound of
    that kind, and both None (the default) no bound at all."""

    max_inferred: int | None = None
    max_inferred_per_triple: float | None = None

    def __post_init__(self) -> None:
        for name in ("max_inferred", "max_inferred_per_triple"):
            value = getattr(self, name)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0 or math.isinf(value):
                raise ConfigError(f"reasoning limit {name} must be a finite number >= 0 or None, not {value!r}")

    @property
    def bounded(self) -> bool:
        return self.max_inferred is not None or self.max_inferred_per_triple is not None

    def bound(self, asserted: int) -> tuple[int, str] | None:
        """``(bound in triples, the limit that sets it)`` for a closure of ``asserted``
        triples, or None when nothing is bounded."""
        found = None
        if self.max_inferred_per_triple is not None:
            found = (max(math.floor(self.max_inferred_per_triple * asserted),
                         PER_TRIPLE_FLOOR if self.max_inferred_per_triple else 0), PER_TRIPLE)
        if self.max_inferred is not None and (found is None or self.max_inferred < found[0]):
            found = (int(self.max_inferred), ABSOLUTE)
        return found


#: what the doors that take strangers' data pass
STRANGERS_LIMITS = ReasoningLimits(STRANGERS_MAX_INFERRED, STRANGERS_MAX_INFERRED_PER_TRIPLE)
