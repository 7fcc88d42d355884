"""The load test reuses the real-server helper of the web tests (tests/web/serve_process.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "web"))
