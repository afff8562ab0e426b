#!/usr/bin/env bash
# Fetches the W3C Nu HTML Checker (vnu.jar) that tests/validators.rs runs on the dashboard, the
# bulletin board and the report: the npm registry's `vnu-jar` package, pinned by version and
# SHA-256, unpacked into target/tools/. Java comes from Debian (default-jre-headless).
set -euo pipefail

version=26.9.27
sha256=5970d3ffca91a627cf0965e5d91bb2e4242307c29292998de0b419d6a901b2b7
dir="$(dirname "$0")/../target/tools"
jar="$dir/vnu-$version.jar"

[ -f "$jar" ] && exit 0
mkdir -p "$dir"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "deps: fetching the Nu HTML Checker $version"
curl -fsSL -o "$tmp/vnu.tgz" "https://registry.npmjs.org/vnu-jar/-/vnu-jar-$version.tgz"
echo "$sha256  $tmp/vnu.tgz" | sha256sum -c --quiet
tar -xzf "$tmp/vnu.tgz" -C "$tmp" package/build/dist/vnu.jar
mv "$tmp/package/build/dist/vnu.jar" "$jar"
