#!/usr/bin/env bash
# Relay figures for docs/benchmarks.md (issue #15): CPU and memory of the daemon (and of the
# ffmpeg that decodes the stream) while it relays a 128 kbps MP3 from a real Icecast server for
# 120 s, playing on a real PulseAudio null sink (a device that consumes audio in real time).
# Needs icecast2, ffmpeg and pulseaudio (make test installs them). Run by scripts/bench.sh.
set -euo pipefail
bin=${1:-target/release/loaxa}
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
ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi -i "sine=frequency=440:sample_rate=44100" -af volume=4 -ac 2 \
  -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3 "icecast://source:hackme@127.0.0.1:$port/vov1.mp3" &
sleep 2
export HOME="$work" XDG_RUNTIME_DIR="$work" PULSE_RUNTIME_PATH="$work/pulse" PULSE_SERVER="unix:$work/native"
pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=false --disallow-module-loading=false \
  -L "module-null-sink sink_name=loaxa rate=44100 channels=2" \
  -L "module-native-protocol-unix socket=$work/native auth-anonymous=1" >/dev/null 2>&1 &
sleep 1
mkdir -p "$work/station/schedules" "$work/station/media"
start=$(TZ=Asia/Ho_Chi_Minh date -d "+15 seconds" +%Y-%m-%dT%H:%M:%S)
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
duration = "140s"
TOML
env -u ALSA_CONFIG_PATH "$bin" --config "$work/station/loaxa.toml" run >"$work/daemon.log" 2>&1 &
pid=$!
sleep 30
ff=$(pgrep -P $pid ffmpeg | head -1) || { echo "no relay running:"; tail -20 "$work/daemon.log"; exit 1; }
ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
d0=$(ticks $pid); f0=$(ticks "$ff"); t0=$(date +%s.%N)
peak=0
for i in $(seq 1 120); do
  r=$(awk '/VmRSS/{print $2}' "/proc/$pid/status"); [ "$r" -gt "$peak" ] && peak=$r
  sleep 1
done
d1=$(ticks $pid); f1=$(ticks "$ff"); t1=$(date +%s.%N)
hz=$(getconf CLK_TCK)
el=$(echo "$t1 - $t0" | bc)
echo "relay of a 128 kbps MP3 for $(printf %.0f "$el") s on a PulseAudio null sink:"
echo "  daemon CPU $(echo "scale=2; 100*($d1-$d0)/$hz/$el" | bc) % of a core; ffmpeg (decoding) $(echo "scale=2; 100*($f1-$f0)/$hz/$el" | bc) %"
echo "  daemon RSS: peak $peak KiB (VmHWM $(awk '/VmHWM/{print $2}' "/proc/$pid/status") KiB)"
kill -TERM $pid; wait $pid || true
grep -c "relay" "$work/daemon.log" >/dev/null || true
