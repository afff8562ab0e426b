#!/usr/bin/env bash
# Schedules benchmark (scripts/bench.sh's first section) for two commits side by side, for a
# change that must not change performance: scripts/bench-compare.sh BEFORE AFTER.
# Builds each commit in release in its own worktree under target/compare/, then runs both on
# the same generated station, back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:?usage: scripts/bench-compare.sh BEFORE AFTER}
after=${2:?usage: scripts/bench-compare.sh BEFORE AFTER}
dir=$PWD/target/compare
mkdir -p "$dir"
for side in before after; do
  rev=${!side}
  rm -rf "$dir/$side"
  git worktree add -f -q --detach "$dir/$side" "$rev"
  (cd "$dir/$side" && CARGO_TARGET_DIR="$dir/$side/target" cargo build --release --quiet --bin loaxa --example gen_load)
done
"$dir/after/target/release/examples/gen_load" "$dir/station" 100 100 >/dev/null
cfg=$dir/station/loaxa.toml
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
hyperfine --warmup 2 --runs 20 \
  -n "before ($before): check" "$dir/before/target/release/loaxa --config $cfg check --from 2026-12-01 2>/dev/null" \
  -n "after ($after): check" "$dir/after/target/release/loaxa --config $cfg check --from 2026-12-01 2>/dev/null" \
  -n "before ($before): plan --days 30 --json" "$dir/before/target/release/loaxa --config $cfg plan --from 2026-12-01 --days 30 --json >/dev/null" \
  -n "after ($after): plan --days 30 --json" "$dir/after/target/release/loaxa --config $cfg plan --from 2026-12-01 --days 30 --json >/dev/null"
echo "peak memory (max RSS):"
for side in before after; do
  for args in "check --from 2026-12-01" "plan --from 2026-12-01 --days 30 --json"; do
    /usr/bin/time -f "  $side loaxa $args: %M KiB" "$dir/$side/target/release/loaxa" --config "$cfg" $args >/dev/null 2>"$dir/time.txt" || true
    tail -1 "$dir/time.txt"
  done
done
for side in before after; do git worktree remove --force "$dir/$side"; done
