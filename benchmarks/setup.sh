#!/bin/sh
# What benchmarks/run.py needs beyond the project's own dependencies (not part of CI):
# wrk, the HTTP load generator (Debian package), and the oxigraph CLI (PyPI), the peer server.
set -eu
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
    apt-get update -q && apt-get install -y -q wrk
fi
if [ ! -x .venv/bin/oxigraph ]; then
    .venv/bin/pip install -q "oxigraph>=0.5,<0.6"
fi
wrk --version | head -1
.venv/bin/oxigraph --version
