//! What a listener hears through a sound server (issue #37): the release daemon on a private
//! PulseAudio and on a private PipeWire (the tests' set-up, tests/common/pulse.rs), each with
//! a null sink whose monitor is recorded with every read stamped on this program's clock.
//!
//! `cargo run --release --example sound_server_bench -- [ROUNDS] [LATENCY_MS]` reports, for
//! each server and the daemon's `[audio] latency_ms` (default 40),
//! with the sink to itself and with another low-latency client on it (`pacat --latency-msec=10`
//! playing silence, as a desktop's other programs do):
//! - scheduled starts: heard - instant;
//! - unannounced emergencies on a line idle for 3 s: the spawn of `loaxa now` - heard;
//! - unannounced emergencies cutting into a programme: the same;
//! - `loaxa now` itself: spawn to the daemon's answer;
//! - the idle daemon's CPU, holding its line open on silence, over 10 s.
//!
//! Heard is when the monitor's read that held the first loud frame arrived, less the frames
//! after it in that read: the capture path (parec at 5 ms) is inside every figure, so they are
//! upper bounds. `scripts/bench.sh` runs it; the daemon is `target/release/loaxa`.

#[path = "../tests/common/audio.rs"]
mod audio;
#[path = "../tests/common/pulse.rs"]
mod pulse;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pulse::Pulse;

const TZ: chrono_tz::Tz = chrono_tz::Tz::Asia__Ho_Chi_Minh;

fn stats(name: &str, mut ms: Vec<f64>) {
    if ms.is_empty() {
        println!("{name:<52} no figure");
        return;
    }
    ms.sort_by(f64::total_cmp);
    let p = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<52} n={:>3}  p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms  min {:>7.1} ms",
        ms.len(),
        p(0.5),
        p(0.99),
        ms[ms.len() - 1],
        ms[0]
    );
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    // Without LATENCY_MS the daemon's default, and no `latency_ms` key: an older loaxa (the
    // "before" of issue #37, LOAXA_BIN) does not know it.
    let latency: Option<u64> = std::env::args().nth(2).and_then(|a| a.parse().ok());
    let bin = std::env::var("LOAXA_BIN").unwrap_or_else(|_| "target/release/loaxa".into());
    let bin = std::fs::canonicalize(&bin).unwrap_or_else(|e| panic!("{bin}: {e} (cargo build --release)"));
    for (server, start) in [
        ("PulseAudio", Pulse::start as fn() -> Pulse),
        ("PipeWire", Pulse::pipewire),
    ] {
        for other in [false, true] {
            let pulse = start();
            let label = format!(
                "{server}{}, latency_ms = {}",
                if other { ", another client" } else { ", alone" },
                latency.map_or("default".to_string(), |l| l.to_string())
            );
            run(&pulse, &bin, &label, other, rounds, latency);
        }
    }
}

/// The daemon on a station whose one broadcast airs `rounds` times, a second and a half apart,
/// from a few seconds from now.
fn run(pulse: &Pulse, bin: &Path, label: &str, other: bool, rounds: usize, latency: Option<u64>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let station = dir.path();
    std::fs::create_dir_all(station.join("media")).unwrap();
    std::fs::create_dir_all(station.join("schedules")).unwrap();
    // Loud programmes over a quiet one: the onset of a loud one is its first frame above 0.3.
    audio::tone(&station.join("media/beep.wav"), 1000.0, 0.3, 0.5);
    audio::tone(&station.join("media/alarm.wav"), 1500.0, 0.4, 0.5);
    audio::tone(&station.join("media/long.wav"), 440.0, 30.0, 0.1);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    std::fs::write(
        station.join("loaxa.toml"),
        format!(
            "[station]\nname = \"Bench\"\nlanguage = \"en\"\n[audio]\npreroll_seconds = 2\nafter_interrupt = \"drop\"\n{}\
             [http]\nlisten = \"127.0.0.1:{port}\"\n",
            latency.map_or(String::new(), |l| format!("latency_ms = {l}\n"))
        ),
    )
    .unwrap();
    let first = Utc::now() + chrono::Duration::seconds(8);
    let instants: Vec<DateTime<Utc>> = (0..rounds)
        .map(|i| first + chrono::Duration::milliseconds(1500 * i as i64))
        .map(|t| t - chrono::Duration::nanoseconds(i64::from(t.timestamp_subsec_nanos())))
        .collect();
    let on: Vec<String> = instants
        .iter()
        .map(|t| format!("\"{}\"", t.with_timezone(&TZ).format("%Y-%m-%dT%H:%M:%S")))
        .collect();
    // Whole seconds: two of the instants may share one; the set keeps each once.
    let mut on = on;
    on.dedup();
    std::fs::write(
        station.join("schedules/bench.toml"),
        format!(
            "[[broadcast]]\nid = \"beep\"\ntitle = \"Beep\"\non = [{}]\naudio = [\"beep.wav\"]\nchannels = [\"loudspeaker\"]\n",
            on.join(", ")
        ),
    )
    .unwrap();
    let instants: Vec<DateTime<Utc>> = on
        .iter()
        .map(|s| {
            let local = chrono::NaiveDateTime::parse_from_str(s.trim_matches('"'), "%Y-%m-%dT%H:%M:%S").unwrap();
            local.and_local_timezone(TZ).unwrap().with_timezone(&Utc)
        })
        .collect();

    let mut client = None;
    if other {
        let mut cmd = Command::new("pacat");
        pulse.client(&mut cmd);
        client = Some(Kill(
            cmd.args(["--playback", "-d", "loaxa", "--raw", "--latency-msec=10", "/dev/zero"])
                .stderr(Stdio::null())
                .spawn()
                .expect("pacat"),
        ));
    }
    let config = station.join("loaxa.toml");
    let mut cmd = Command::new(bin);
    pulse.client(&mut cmd);
    let daemon = Kill(
        cmd.arg("--config")
            .arg(&config)
            .arg("run")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("loaxa run"),
    );
    let rec = pulse.record_timed();
    let (base_i, base_u) = (Instant::now(), Utc::now());
    let instant_of = |t: DateTime<Utc>| {
        let d = (t - base_u).to_std().unwrap_or_default();
        base_i + d
    };
    // The scheduled ones, then the emergencies.
    let last = *instants.last().unwrap();
    while Utc::now() < last + chrono::Duration::seconds(1) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let now = |args: &[&str]| {
        let mut cmd = Command::new(bin);
        pulse.client(&mut cmd);
        let at = Instant::now();
        let out = cmd
            .arg("--config")
            .arg(&config)
            .arg("now")
            .args(args)
            .output()
            .expect("loaxa now");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (at, at.elapsed())
    };
    let mut second = 0;
    let mut new_second = || {
        while Utc::now().timestamp() <= second {
            std::thread::sleep(Duration::from_millis(5));
        }
        second = Utc::now().timestamp();
    };
    let (mut idle, mut cut, mut command) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        // Idle long enough for a sink no client holds to fall back to its own buffer.
        std::thread::sleep(Duration::from_millis(3000));
        new_second();
        let (at, took) = now(&["--file", "alarm.wav", "--priority", "emergency", "--no-post"]);
        idle.push(at);
        command.push(took.as_secs_f64() * 1000.0);
    }
    for _ in 0..rounds {
        std::thread::sleep(Duration::from_millis(700));
        new_second();
        now(&["--file", "long.wav", "--no-post"]);
        std::thread::sleep(Duration::from_millis(1200));
        new_second();
        let (at, took) = now(&["--file", "alarm.wav", "--priority", "emergency", "--no-post"]);
        cut.push(at);
        command.push(took.as_secs_f64() * 1000.0);
    }
    std::thread::sleep(Duration::from_millis(1000));
    let cpu = cpu_seconds(daemon.0.id());
    std::thread::sleep(Duration::from_secs(10));
    let idle_cpu = (cpu_seconds(daemon.0.id()) - cpu) / 10.0 * 100.0;
    drop(client);
    let heard = rec.stop();
    let after = |at: Instant| -> Option<f64> {
        let onset = heard.onset(heard.frame_at(at), 0.3)?;
        Some(signed_ms(heard.time_of(onset)?, at))
    };
    let scheduled: Vec<f64> = instants
        .iter()
        .filter_map(|t| {
            let at = instant_of(*t);
            // From a little before the instant, to see an early start too.
            let onset = heard.onset(heard.frame_at(at.checked_sub(Duration::from_millis(200))?), 0.3)?;
            Some(signed_ms(heard.time_of(onset)?, at))
        })
        .collect();
    println!("{label}:");
    stats("  scheduled start, heard - instant", scheduled);
    stats(
        "  emergency on the idle line, command - heard",
        idle.iter().filter_map(|a| after(*a)).collect(),
    );
    stats(
        "  emergency cutting in, command - heard",
        cut.iter().filter_map(|a| after(*a)).collect(),
    );
    stats("  `loaxa now`, spawn to answer", command);
    println!("  idle daemon, line held open: {idle_cpu:.2} % of a core over 10 s");
}

/// `when - at` in milliseconds, negative when `when` came first.
fn signed_ms(when: Instant, at: Instant) -> f64 {
    if when >= at {
        (when - at).as_secs_f64() * 1000.0
    } else {
        -((at - when).as_secs_f64() * 1000.0)
    }
}

/// The CPU time process `pid` has used (user + system), from /proc.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command's closing parenthesis; utime and stime are 14th and 15th.
    let after = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// A child killed when this goes out of scope, however the run ends.
struct Kill(Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
