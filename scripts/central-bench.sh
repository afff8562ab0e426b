#!/usr/bin/env bash
# The central history's figures for docs/benchmarks.md (issue #18): a private PostgreSQL cluster
# (Debian's, as nobody when root) on a free loopback port, then examples/central_bench.rs
# against it (126 stations × 2,000 events through the verifying trigger, the chain sweep, a
# day's backlog). Needs postgresql (make bench installs it). Run by scripts/bench.sh.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
chmod 777 "$work"
port=$((20000 + RANDOM % 20000))
as() { if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
echo bench >"$work/pw"
chmod 644 "$work/pw"
trap 'as "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
as "$bin/initdb" -D "$work/data" -U postgres -A scram-sha-256 --pwfile="$work/pw" -E UTF8 >/dev/null
as "$bin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c shared_buffers=256MB" start >/dev/null
cargo build --release --quiet --example central_bench
LOAXA_CENTRAL_URL="postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable" PGPASSWORD=bench \
  target/release/examples/central_bench
