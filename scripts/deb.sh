#!/usr/bin/env bash
# Builds the Debian package into target/debian/ with cargo-deb (installed here at a pinned
# version if missing): the release binary, man pages and completions generated from the
# command line (examples/dist_assets.rs), and /etc/loaxa/loaxa.toml made from the example
# station's loaxa.toml with the package's folders. The layout is in Cargo.toml and README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-deb >/dev/null 2>&1 || cargo install cargo-deb --locked --version 3.8.0
cargo build --release
rm -rf target/assets
cargo run --release --quiet --example dist_assets -- target/assets
sed -E \
  -e 's|^schedules = "[^"]*"|schedules = "/etc/loaxa/schedules"|' \
  -e 's|^media = "[^"]*"|media = "/var/lib/loaxa/media"|' \
  -e 's|^data = "[^"]*"|data = "/var/lib/loaxa"|' \
  loaxa.toml > target/assets/loaxa.toml
for want in 'schedules = "/etc/loaxa/schedules"' 'media = "/var/lib/loaxa/media"' 'data = "/var/lib/loaxa"'; do
  grep -q "^$want" target/assets/loaxa.toml || { echo "deb: loaxa.toml has no line for $want" >&2; exit 1; }
done
# /usr/share/doc/loaxa/copyright in Debian's machine-readable format, from the licence files:
# the MIT text whole, Apache-2.0 by reference to the copy every Debian system has.
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: loaxa"
  echo ""
  echo "Files: *"
  echo "Copyright: 2026 the loaxa developers"
  echo "License: MIT or Apache-2.0"
  echo ""
  echo "License: MIT"
  sed -e '1,2d' -e 's/^$/./' -e 's/^/ /' LICENSE-MIT
  echo ""
  echo "License: Apache-2.0"
  echo " Licensed under the Apache License, Version 2.0 (the \"License\"); you may not use"
  echo " this software except in compliance with the License."
  echo " ."
  echo " On Debian systems, the full text of the Apache License, Version 2.0 is in"
  echo " /usr/share/common-licenses/Apache-2.0."
} > target/assets/copyright
cargo deb --no-build
