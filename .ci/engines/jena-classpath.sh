#!/usr/bin/env bash
# Print the Java classpath for Debian's Apache Jena 4.5 (libapache-jena-java).
#
# Debian's jars declare no dependencies (no Class-Path in their manifests): the classpath
# is every jena-*.jar plus the libraries Jena's poms name, all under /usr/share/java.
#
# Debian's jena-core.jar also relocates its private copy of xerces to the package
# `xerces.*`, but keeps that copy's resource bundles at org/apache/jena/ext/xerces/...
# The classes look them up as `xerces.impl.xpath.regex.message` (the regular expressions
# of the XSD pattern facets), `xerces.impl.msg.XMLSchemaMessages` and
# `xerces.impl.msg.DatatypeMessages`, do not find them, and every command dies while Jena
# initialises its XSD datatypes with "RuntimeException: internal error"
# (XSSimpleTypeDecl.applyFacets1 hiding the InvalidDatatypeFacetException of the
# built-in pattern facets). We copy every resource under org/apache/jena/ext/xerces/ of
# jena-core.jar itself to xerces/ in a directory (ENGINES_VAR/jena-xerces-msg/) put on the
# classpath.
#
#   jena-classpath.sh           print the classpath (creating the bundle directory if needed)
#   jena-classpath.sh --setup   (re)create the bundle directory, print the classpath
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VAR="${ENGINES_VAR:-$HERE/var}"
JAVA_DIR="${JENA_JAVA_DIR:-/usr/share/java}"
MSG="$VAR/jena-xerces-msg"

if [[ ! -f $JAVA_DIR/jena-core.jar ]]; then
    echo "jena-classpath: $JAVA_DIR/jena-core.jar missing: run .ci/engines/setup.sh (apt-get install libapache-jena-java)" >&2
    exit 2
fi

if [[ ${1:-} == --setup || ! -f $MSG/xerces/impl/xpath/regex/message.properties ]]; then
    mkdir -p "$VAR"
    tmp="$(mktemp -d "$VAR/jena-xerces-msg.XXXXXX")"
    python3 - "$JAVA_DIR/jena-core.jar" "$tmp" <<'PY'
import sys, zipfile
from pathlib import Path

jar, out = sys.argv[1], Path(sys.argv[2])
src = "org/apache/jena/ext/xerces/"
with zipfile.ZipFile(jar) as z:
    for name in z.namelist():
        if name.startswith(src) and name.endswith(".properties"):
            dest = out / "xerces" / name[len(src):]
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(z.read(name))
for need in ("impl/msg/XMLSchemaMessages.properties", "impl/xpath/regex/message.properties"):
    if not (out / "xerces" / need).is_file():
        sys.exit(f"jena-classpath: no {src}{need} in {jar}")
PY
    rm -rf "$MSG"
    mv "$tmp" "$MSG"
fi

cp="$MSG"
for jar in "$JAVA_DIR"/jena-*.jar; do
    case $jar in *-[0-9]*.jar) continue ;; esac # versioned duplicates of the same jars
    cp+=":$jar"
done
# what jena-base, jena-core, jena-arq, jena-cmds declare in their poms (Debian names);
# slf4j-simple as the logging backend (warnings go to stderr)
for lib in slf4j-api slf4j-simple jcl-over-slf4j guava commons-cli commons-csv commons-io \
    commons-lang3 commons-codec commons-compress dexx.collection jsonld-java gson \
    httpclient httpcore httpclient-cache jackson-core jackson-databind jackson-annotations \
    titanium-json-ld jakarta.json-api protobuf thrift; do
    if [[ ! -f $JAVA_DIR/$lib.jar ]]; then
        echo "jena-classpath: $JAVA_DIR/$lib.jar missing (a dependency of libapache-jena-java)" >&2
        exit 2
    fi
    cp+=":$JAVA_DIR/$lib.jar"
done
printf '%s\n' "$cp"
