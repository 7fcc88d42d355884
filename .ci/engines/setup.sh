#!/usr/bin/env bash
# Install the independent RDF engines the interop tests run against (issue 4).
#
#   Apache Jena 4.5   Debian's libapache-jena-java (riot, arq, shacl via .ci/engines/{riot,arq,shacl})
#   Virtuoso 7.2      Debian's virtuoso-opensource (started by .ci/engines/virtuoso.sh)
#   Oxigraph server   the `oxigraph` command from PyPI, into the project's venv
#
# Idempotent; run as root on a fresh Debian (CI does: bash .ci/engines/setup.sh).
# Environment: VENV (default: <repo>/.venv), ENGINES_VAR (default: <repo>/.ci/engines/var,
# gitignored by the scripts' own .gitignore) where the generated classpath helper jar goes.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
VAR="${ENGINES_VAR:-$HERE/var}"
OXIGRAPH_VERSION="${OXIGRAPH_VERSION:-0.5.13}"
start=$(date +%s)

log() { printf '[engines/setup] %s\n' "$*" >&2; }

# --- Debian packages ------------------------------------------------------------------
need=()
for pkg in default-jre-headless libapache-jena-java virtuoso-opensource python3; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need+=("$pkg")
done
if ((${#need[@]})); then
    log "apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # the virtuoso package asks for a dba password and starts a system-wide server: answer
    # with an empty password (we never use that database) and keep every service stopped
    # (our own private instance is started by virtuoso.sh)
    echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password" | debconf-set-selections || true
    echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password" | debconf-set-selections || true
    policy=/usr/sbin/policy-rc.d
    had_policy=0; [[ -e $policy ]] && had_policy=1
    if ((!had_policy)); then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; fi
    trap '((had_policy)) || rm -f "$policy"' EXIT
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    ((had_policy)) || rm -f "$policy"
    trap - EXIT
fi
# a system-wide virtuoso may have been started anyway (not under policy-rc.d): stop it,
# it would hold port 1111/8890 and is not ours to use
if [[ -x /etc/init.d/virtuoso-opensource-7 ]] && pgrep -x virtuoso-t >/dev/null 2>&1; then
    /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
fi

# --- Jena: the resource bundles its relocated xerces classes look for -------------------
# Debian's jena-core.jar relocates its copy of xerces to the package `xerces.*` but keeps
# that copy's message bundles at org/apache/jena/ext/xerces/...: the classes do not find
# `xerces.impl.xpath.regex.message` and every command dies while Jena initialises with
# "RuntimeException: internal error". jena-classpath.sh copies the bundles, out of
# jena-core.jar itself, to where the classes look (ENGINES_VAR/jena-xerces-msg/).
bash "$HERE/jena-classpath.sh" --setup >/dev/null

# --- Oxigraph server (the `oxigraph` CLI from PyPI) -------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
    log "no venv at $VENV: python3 -m venv"
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/oxigraph" --version 2>/dev/null | grep -q "$OXIGRAPH_VERSION"; then
    log "pip install oxigraph==$OXIGRAPH_VERSION"
    "$VENV/bin/python" -m pip install -q "oxigraph==$OXIGRAPH_VERSION"
fi

# --- check: every engine answers ------------------------------------------------------
"$HERE/riot" --version >/dev/null
"$HERE/arq" --version >/dev/null
command -v virtuoso-t >/dev/null || [[ -x /usr/bin/virtuoso-t ]]
"$VENV/bin/oxigraph" --version >/dev/null
log "ready in $(( $(date +%s) - start ))s: $("$HERE/riot" --version 2>&1 | head -1 | tr -s ' '); $(virtuoso-t -? 2>&1 | grep -m1 -o 'Version [^ ]*'); $("$VENV/bin/oxigraph" --version)"
