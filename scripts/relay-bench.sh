#!/usr/bin/env bash
# Relay figures for docs/benchmarks.md (issue #15), from a real Icecast server fed by ffmpeg with
# a 128 kbps MP3, relayed onto a real PulseAudio null sink (a device that consumes audio in real
# time):
#  1. STEADY seconds (default 120; 3600 for the hour): the daemon's CPU, and its RSS every 5 s;
#  2. CYCLES times (default 10): the source killed for 10 s and started again; from the daemon's
#     log, how long until the fallback played (stall detected) and until the stream was back.
# Needs icecast2, ffmpeg and pulseaudio (make test installs them). Run by scripts/bench.sh.
set -euo pipefail
bin=${1:-target/release/loaxa}
steady=${STEADY:-120}
cycles=${CYCLES:-10}
work=$(mktemp -d)
chmod 777 "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; pkill -f "$work" 2>/dev/null || true; sleep 1; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
cat >"$work/icecast.xml" <<XML
<icecast><location>bench</location><admin>b@l</admin>
<limits><clients>10</clients><sources>2</sources><burst-size>16384</burst-size><source-timeout>5</source-timeout></limits>
<authentication><source-password>hackme</source-password><admin-user>admin</admin-user><admin-password>hackme</admin-password></authentication>
<hostname>127.0.0.1</hostname><listen-socket><port>$port</port><bind-address>127.0.0.1</bind-address></listen-socket>
<paths><basedir>/usr/share/icecast2</basedir><logdir>$work</logdir><webroot>/usr/share/icecast2/web</webroot>
<adminroot>/usr/share/icecast2/admin</adminroot><pidfile>$work/icecast.pid</pidfile></paths>
<logging><errorlog>error.log</errorlog><accesslog>access.log</accesslog><loglevel>2</loglevel></logging>
<security><chroot>0</chroot></security></icecast>
XML
if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- icecast2 -c "$work/icecast.xml" & else icecast2 -c "$work/icecast.xml" & fi
sleep 1
feed() {
  ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=44100" -af volume=4 -ac 2 \
    -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3 "icecast://source:hackme@127.0.0.1:$port/vov1.mp3" &
  feeder=$!
}
feed
sleep 2
export HOME="$work" XDG_RUNTIME_DIR="$work" PULSE_RUNTIME_PATH="$work/pulse" PULSE_SERVER="unix:$work/native"
pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=false --disallow-module-loading=false \
  -L "module-null-sink sink_name=loaxa rate=44100 channels=2" \
  -L "module-native-protocol-unix socket=$work/native auth-anonymous=1" >/dev/null 2>&1 &
sleep 1
mkdir -p "$work/station/schedules" "$work/station/media"
start=$(TZ=Asia/Ho_Chi_Minh date -d "+15 seconds" +%Y-%m-%dT%H:%M:%S)
window=$((steady + cycles * 25 + 40))
cat >"$work/station/loaxa.toml" <<TOML
[station]
name = "Bench"
[http]
listen = "127.0.0.1:$((port + 1))"
[sources.vov1]
url = "http://127.0.0.1:$port/vov1.mp3"
TOML
cat >"$work/station/schedules/relay.toml" <<TOML
[[broadcast]]
id = "tiep-song"
title = "Tiếp sóng"
on = ["$start"]
chime = false
[broadcast.relay]
source = "vov1"
duration = "${window}s"
TOML
LOAXA_LANG=en env -u ALSA_CONFIG_PATH "$bin" --config "$work/station/loaxa.toml" run >"$work/daemon.log" 2>&1 &
pid=$!
sleep 30
grep -q "relay" "$work/daemon.log" && grep -i "relay" "$work/daemon.log" | tail -3
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/{print $2}' "/proc/$pid/status"; }
d0=$(ticks $pid); t0=$(date +%s.%N)
peak=0; first=$(rss); samples=""
for i in $(seq 1 $((steady / 5))); do
  r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
  samples="$samples $r"
  sleep 5
done
d1=$(ticks $pid); t1=$(date +%s.%N); last=$(rss)
hz=$(getconf CLK_TCK)
el=$(echo "$t1 - $t0" | bc)
decoders=$( (pgrep -P $pid ffmpeg || true) | wc -l)
echo "relay of a 128 kbps MP3 for $(printf %.0f "$el") s on a PulseAudio null sink ($decoders ffmpeg children: decoded natively when 0):"
echo "  daemon CPU $(echo "scale=2; 100*($d1-$d0)/$hz/$el" | bc) % of a core"
echo "  daemon RSS: $((first / 1024)) MiB at the start of the measure, $((last / 1024)) MiB at its end, peak $((peak / 1024)) MiB (VmHWM $(($(awk '/VmHWM/{print $2}' "/proc/$pid/status") / 1024)) MiB)"
# Kills and returns. The daemon's log lines are UTC with microseconds.
stamp() { date -u -d "$1" +%s.%N; }
: >"$work/stall"; : >"$work/back"
for c in $(seq 1 "$cycles"); do
  kill "$feeder"; wait "$feeder" 2>/dev/null || true
  killed=$(date +%s.%N)
  sleep 10
  feed
  returned=$(date +%s.%N)
  sleep 14
  fb=$(grep "fallback plays" "$work/daemon.log" | tail -1 | awk '{print $1}')
  bk=$(grep "back on air" "$work/daemon.log" | tail -1 | awk '{print $1}')
  [ -n "$fb" ] && echo "$(stamp "$fb") - $killed" | bc >>"$work/stall"
  [ -n "$bk" ] && echo "$(stamp "$bk") - $returned" | bc >>"$work/back"
done
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; printf "%.1f", a[i]}'; }
echo "  $cycles kills: fallback on air after the source died: median $(pct "$work/stall" 50) s, p95 $(pct "$work/stall" 95) s, max $(pct "$work/stall" 100) s ($(wc -l <"$work/stall") measured)"
echo "  $cycles returns: stream back on air after the source returned: median $(pct "$work/back" 50) s, p95 $(pct "$work/back" 95) s, max $(pct "$work/back" 100) s ($(wc -l <"$work/back") measured)"
echo "  RSS after the kills: $(($(rss) / 1024)) MiB"
kill -TERM $pid; wait $pid || true
