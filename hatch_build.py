"""Wheel build hook: ship ontology/, data/ and queries/ inside the package.

They land in ``sco_kg/_resources/{ontology,data,queries}``, where
``sco_kg.pipeline.sources`` finds them in an installed package. ontology/ and data/ are
required; queries/ is shipped when present.
"""

from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

REQUIRED = ("ontology", "data")
OPTIONAL = ("queries",)


class ResourcesHook(BuildHookInterface):
    PLUGIN_NAME = "sco-kg-resources"

    def initialize(self, version, build_data):
        root = Path(self.root)
        for name in REQUIRED + OPTIONAL:
            source = root / name
            if not source.is_dir():
                if name in REQUIRED:
                    raise FileNotFoundError(f"sco-kg wheel: {source} is missing")
                continue
            build_data["force_include"][str(source)] = f"sco_kg/_resources/{name}"
