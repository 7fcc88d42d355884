#!/usr/bin/env bash
# Install the web UI's npm packages (package.json + package-lock.json at the repository
# root, exact versions) and copy the files the pages load into
# server/sco_kg/web/static/vendor/ (gitignored; the wheel ships it as a hatch artifact).
#
#   tools/vendor-ui.sh               npm ci, then copy
#   tools/vendor-ui.sh --no-install  copy from an existing node_modules/
#
# Nothing is loaded from a CDN at run time: the copy is checked for stylesheets or fonts
# fetched from another host.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != "--no-install" ]; then
    command -v npm >/dev/null || { echo "vendor-ui: npm is missing (apt-get install nodejs npm)" >&2; exit 2; }
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
fi

SRC=node_modules/@zazuko/yasgui
DEST=server/sco_kg/web/static/vendor/yasgui
[ -f "$SRC/build/yasgui.min.js" ] || { echo "vendor-ui: $SRC/build/yasgui.min.js is missing" >&2; exit 2; }
rm -rf "$DEST"
mkdir -p "$DEST"
cp "$SRC/build/yasgui.min.js" "$SRC/build/yasgui.min.css" "$DEST/"
cp "$SRC/LICENSE"* "$DEST/" 2>/dev/null || true
node -e 'const p=require("./'"$SRC"'/package.json"); process.stdout.write(JSON.stringify({name:p.name,version:p.version,license:p.license},null,1)+"\n")' > "$DEST/VERSION.json"

# no remote stylesheet, font or import in what the pages load
if grep -Eq '@import|url\((["'"'"']?)https?:' "$DEST/yasgui.min.css"; then
    echo "vendor-ui: yasgui.min.css loads something from another host" >&2; exit 1
fi
echo "vendor-ui: $(cat "$DEST/VERSION.json" | tr -d '\n ') -> $DEST" >&2
