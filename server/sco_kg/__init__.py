"""sco-kg: a knowledge graph of news articles about the Shanghai Cooperation Organisation.

The package turns the hand-written ontology and data (ontology/, data/) into one
validated, reasoned ``rdflib.Dataset`` (:func:`sco_kg.pipeline.build.build`), writes it out
(:mod:`sco_kg.store.export`) and serves it. Nothing happens at import time.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sco-kg")
except PackageNotFoundError:  # a source checkout that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
