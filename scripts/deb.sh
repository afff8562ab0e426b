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
cargo deb --no-build
