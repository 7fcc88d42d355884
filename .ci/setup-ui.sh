#!/usr/bin/env bash
# The web UI's setup on a fresh Debian machine (run as root by CI; idempotent):
#
#   1. apt: nodejs + npm (YASGUI from npm), chromium + chromium-driver (the browser tests,
#      tests/browser/, drive Debian's chromium with Selenium; nothing downloads a browser)
#   2. tools/vendor-ui.sh: npm ci (package.json + package-lock.json at the repository
#      root) and copy YASGUI into server/sco_kg/web/static/vendor/ (gitignored; must exist
#      before `pip install .` so the wheel ships it)
#   3. when .venv exists: selenium into it (the browser tests' client)
#
# Run it before .ci/setup's `pip install .` (or run .ci/setup again afterwards).
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '\n== %s\n' "$*" >&2; }

APT_PACKAGES=(chromium chromium-driver fonts-dejavu-core)
command -v npm >/dev/null || APT_PACKAGES+=(nodejs npm)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "warning: missing system packages: ${missing[*]} (not root: install them yourself)" >&2
    fi
fi

if [ -f server/sco_kg/web/static/vendor/yasgui/yasgui.min.js ] && [ node_modules/.package-lock.json -nt package-lock.json ] \
        && [ server/sco_kg/web/static/vendor/yasgui/yasgui.min.js -nt package-lock.json ]; then
    log "web vendor files are up to date"
else
    log "npm ci + copy YASGUI to server/sco_kg/web/static/vendor/"
    bash tools/vendor-ui.sh
fi

if [ -x .venv/bin/python ]; then
    if ! .venv/bin/python -c 'import selenium' 2>/dev/null; then
        log "pip install selenium (browser tests)"
        .venv/bin/python -m pip install -q --disable-pip-version-check "selenium>=4.20,<5"
    fi
fi
