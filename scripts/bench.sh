#!/usr/bin/env bash
# The benchmarks behind docs/benchmarks.md. Prints each figure with the command that made it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/bench
mkdir -p "$out"
cargo build --release --quiet
cargo run --release --quiet --example gen_load -- "$out/station" 100 100
bin=target/release/loaxa
cfg="$out/station/loaxa.toml"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

hyperfine --warmup 2 --runs 20 --export-markdown "$out/schedules.md" \
  -n "check (10,000 broadcasts, 100 files)" "$bin --config $cfg check --from 2026-12-01 2>/dev/null" \
  -n "plan --days 30 (table)" "$bin --config $cfg plan --from 2026-12-01 --days 30 >/dev/null" \
  -n "plan --days 30 --json" "$bin --config $cfg plan --from 2026-12-01 --days 30 --json >/dev/null"
cat "$out/schedules.md"

echo
echo "peak memory (max RSS, KiB):"
for args in "check --from 2026-12-01" "plan --from 2026-12-01 --days 30 --json"; do
  /usr/bin/time -f "  loaxa $args: %M KiB" $bin --config "$cfg" $args >/dev/null 2>"$out/time.txt" || true
  tail -1 "$out/time.txt"
done
