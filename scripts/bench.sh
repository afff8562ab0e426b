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
# The generated station counts its dates from today; so do the plans and checks measured here.
today=$(TZ=Asia/Ho_Chi_Minh date +%F)
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

hyperfine --warmup 2 --runs 20 --export-markdown "$out/schedules.md" \
  -n "check (10,000 broadcasts, 100 files)" "$bin --config $cfg check --from $today 2>/dev/null" \
  -n "plan --days 30 (table)" "$bin --config $cfg plan --from $today --days 30 >/dev/null" \
  -n "plan --days 30 --json" "$bin --config $cfg plan --from $today --days 30 --json >/dev/null"
cat "$out/schedules.md"

echo
echo "peak memory (max RSS, KiB):"
for args in "check --from $today" "plan --from $today --days 30 --json"; do
  /usr/bin/time -f "  loaxa $args: %M KiB" $bin --config "$cfg" $args >/dev/null 2>"$out/time.txt" || true
  tail -1 "$out/time.txt"
done

echo
echo "== messages (issue #14)"
cargo run --release --quiet --example i18n_bench -- 200000
hyperfine --warmup 1 --runs 10 \
  -n "check, English" "env LOAXA_LANG=en $bin --config $cfg check --from $today 2>/dev/null" \
  -n "check, Vietnamese" "env LOAXA_LANG=vi $bin --config $cfg check --from $today 2>/dev/null"

echo
echo "== history (issue #3)"
cargo build --release --quiet --example history_load
hl=target/release/examples/history_load
$hl append "$out/append.db" 1000
mkdir -p "$out/hstation/var"
printf '[station]\nname = "Bench"\n' > "$out/hstation/loaxa.toml"
$hl fill "$out/hstation/var/history.db" 1000000
ls -l "$out/hstation/var/history.db"
$hl query "$out/hstation/var/history.db" 20
hcfg="$out/hstation/loaxa.toml"
hyperfine --warmup 1 --runs 10 --export-markdown "$out/history.md" \
  -n "verify (1,000,000 events)" "$bin --config $hcfg verify" \
  -n "history, one month, --format json" "$bin --config $hcfg history --from 2024-05-01 --to 2024-06-01 --format json >/dev/null" \
  -n "history, one month, --summary" "$bin --config $hcfg history --from 2024-05-01 --to 2024-06-01 --summary >/dev/null"
cat "$out/history.md"

echo
echo "== report (issue #7)"
hyperfine --warmup 1 --runs 10 --export-markdown "$out/report.md" \
  -n "report --month 2024-05 (html, verifies 1,000,000 events)" "$bin --config $hcfg report --month 2024-05 --out $out/report.html" \
  -n "report --month 2024-05 --format csv" "$bin --config $hcfg report --month 2024-05 --out $out/report.csv"
cat "$out/report.md"
ls -l "$out/report.html" "$out/report.csv"
/usr/bin/time -f "report peak RSS %M KB" "$bin" --config "$hcfg" report --month 2024-05 --out "$out/report.html"

echo
echo "== playout (issue #4)"
cargo build --release --quiet --example playout_bench
# A sound device that swallows everything: ALSA's file plugin writing raw samples to /dev/null.
cat > "$out/null-asound.conf" <<'CONF'
pcm.!default {
  type plug
  slave { pcm { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }; format S16_LE; rate 44100; channels 2 }
}
CONF
export ALSA_CONFIG_PATH="$out/null-asound.conf"
# Load both cores with busy loops while the starts are measured.
sh -c 'while :; do :; done' & l1=$!
sh -c 'while :; do :; done' & l2=$!
target/release/examples/playout_bench 150 250
unset ALSA_CONFIG_PATH
# The same starts on a paced device (a FIFO drained in real time), and unannounced cut-ins.
target/release/examples/playout_bench paced 150 250 20
export ALSA_CONFIG_PATH="$out/null-asound.conf"
kill $l1 $l2
cargo run --release --quiet --example gen_load -- "$out/idle-station" 10 100
target/release/examples/playout_bench idle "$out/idle-station/loaxa.toml" 60
unset ALSA_CONFIG_PATH

echo
echo "== posting (issue #5)"
cargo build --release --quiet --example outbox_bench
target/release/examples/outbox_bench 1000

echo
echo "== memory over simulated days (issue #12)"
cargo build --release --quiet --example memory_day
target/release/examples/memory_day 72 | awk -F, 'NR<=2 || $1%12==0'
target/release/examples/memory_day 24 unpruned | awk -F, 'NR<=2 || $1%12==0'

echo
echo "== redaction (issue #13)"
cargo build --release --quiet --example redact_bench
target/release/examples/redact_bench 9 200000
target/release/examples/redact_bench 50 200000

echo
echo "== at scale: 100,000 broadcasts (issues #19, #21)"
cargo run --release --quiet --example gen_load -- "$out/station100k" 1000 100
big="$out/station100k/loaxa.toml"
/usr/bin/time -f "check, 100,000 broadcasts: %e s, peak %M KiB" $bin --config "$big" check >"$out/check100k.txt" 2>&1 || true
tail -1 "$out/check100k.txt"; echo "output: $(head -n -1 "$out/check100k.txt" | wc -c) bytes"
cargo run --release --quiet --example set_memory -- "$big"
# The daemon on it: idle CPU and RSS, then 8 dashboard clients at once. The generator's
# station airs every few seconds outside its quiet hours (21:00-05:00): the clock starts at
# 23:00 local (libfaketime), so nothing is due.
rm -rf "$out/station100k/var"
faketime_lib=$(ls /usr/lib/*/faketime/libfaketime.so.1 | head -1)
ALSA_CONFIG_PATH="$out/null-asound.conf" LD_PRELOAD="$faketime_lib" FAKETIME="@2026-11-27 16:00:00" \
  FAKETIME_DONT_RESET=1 $bin --config "$big" run >"$out/daemon100k.log" 2>&1 &
pid=$!
sleep 30
t0=$(awk '{print $14+$15}' "/proc/$pid/stat"); sleep 30; t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
r0=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
echo "idle: CPU $(echo "scale=2; ($t1-$t0)/30" | bc) % of a core; RSS $r0 KiB"
clients=""
for i in 1 2 3 4 5 6 7 8; do
  curl -s -o /dev/null -w "dashboard: %{size_download} bytes in %{time_total} s\n" http://127.0.0.1:8640/ & clients="$clients $!"
done
wait $clients
echo "after 8 dashboard clients: RSS $(awk '/VmRSS/{print $2}' "/proc/$pid/status") KiB"
kill -TERM $pid; wait $pid || true

echo
echo "== operator: \`loaxa now\` of an emergency over a playing programme, on the paced device (issue #17)"
for i in 1 2 3 4 5; do
  cargo test --release --quiet --test operator now_airs_an_emergency -- --nocapture 2>&1 | grep "command to alarm heard" || true
done

echo
echo "== speech: the normaliser, rendering 1,000 characters, a cache hit (issue #16)"
cargo run --release --quiet --example speech_bench

echo
echo "== relay: CPU and memory while relaying a 128 kbps MP3 from a real Icecast (issue #15)"
cargo build --release --quiet
scripts/relay-bench.sh target/release/loaxa 2>/dev/null | grep -E "relay of|CPU|RSS|kills|returns"
for t in an_icecast_stream a_dead_source a_silent_source a_daemon_killed; do
  cargo test --release --quiet --test relay "$t" -- --nocapture 2>&1 | grep "→" || true
done

echo
echo "== central history: verified inserts, the chain sweep, a day's backlog (issue #18)"
scripts/central-bench.sh

echo
echo "== sound servers: what a listener hears through PulseAudio and PipeWire (issue #37)"
# pulseaudio, pipewire, wireplumber, pipewire-pulse and dbus: BENCH_DEPS in the Makefile.
cargo build --release --quiet --example sound_server_bench
target/release/examples/sound_server_bench 10
target/release/examples/sound_server_bench 10 20
