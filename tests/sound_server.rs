//! Playout on a desktop whose ALSA default is PulseAudio (issue #20, point 9), against a real
//! `pulseaudio` started by the test with a null sink, recorded from the sink's monitor.
//!
//! Station PCs often run an Ubuntu desktop. There the `pulse` plugin reports passing trouble as
//! errors: `snd_pcm_avail_delay` fails with EIO until the server has sent its first timing
//! (alsa-plugins#65), and a busy server makes the client underrun. cpal recovers from both and
//! keeps the stream running; loaxa used to drop the programme at the first one.

mod common;

use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::audio::{segments, tone};
use common::pulse::Pulse;

/// loaxa as a program of the desktop `pulse` serves, with no station configuration.
fn loaxa_cmd(pulse: &Pulse) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loaxa"));
    pulse.client(&mut cmd);
    cmd.args(["--config", "/nonexistent/loaxa.toml"])
        .env("LOAXA_LANG", "en");
    cmd
}

fn loaxa(pulse: &Pulse, args: &[&str]) -> Output {
    loaxa_cmd(pulse).args(args).output().expect("run loaxa")
}

fn said(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Seconds of the captured 440 Hz tone.
fn heard_440(wav: &std::path::Path) -> f32 {
    segments(wav)
        .iter()
        .filter(|s| (s.freq - 440.0).abs() < 30.0)
        .map(|s| s.seconds)
        .sum()
}

/// Seconds of a sine of `amplitude` the capture's energy amounts to. A starved server plays the
/// programme with gaps in it; this counts what reached the sink, wherever it landed.
fn energy_seconds(wav: &std::path::Path, amplitude: f32) -> f32 {
    let left = common::audio::left_channel(wav);
    let energy: f32 = left.iter().map(|x| x * x).sum::<f32>() / common::pulse::RATE as f32;
    energy / (amplitude * amplitude / 2.0)
}

#[test]
fn plays_through_pulseaudio() {
    let pulse = Pulse::start();
    let t = pulse.dir.path().join("t.wav");
    tone(&t, 440.0, 2.0, 0.5);
    let rec = pulse.record();
    let out = loaxa(&pulse, &["play", t.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(300));
    let wav = rec.stop();
    assert!(out.status.success(), "{}", said(&out));
    let heard = heard_440(&wav);
    assert!(
        (1.9..=2.1).contains(&heard),
        "heard {heard} s of 2 s: {:?}",
        segments(&wav)
    );
}

/// A station box also renders speech, decodes streams and builds reports: with every core
/// busy with work of the same priority (three spinning threads per core), the programme still
/// reaches the sink whole. Before the audio crates were optimised in test builds as they ship,
/// 6 runs of 6 under stress-ng heard 0.96 to 1.88 s of the 2 s, in up to 12 pieces, and with
/// these spinning threads as well nothing at all (issue #31).
#[test]
fn a_busy_machine_does_not_break_the_line() {
    let pulse = Pulse::start();
    let t = pulse.dir.path().join("t.wav");
    tone(&t, 440.0, 2.0, 0.5);
    let rec = pulse.record();
    let running = Arc::new(AtomicBool::new(true));
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let hogs: Vec<_> = (0..3 * cores)
        .map(|_| {
            let running = running.clone();
            std::thread::spawn(move || {
                let mut x = 0u64;
                while running.load(Ordering::Relaxed) {
                    x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
                }
            })
        })
        .collect();
    let out = loaxa(&pulse, &["play", t.to_str().unwrap()]);
    running.store(false, Ordering::Relaxed);
    for h in hogs {
        h.join().unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let wav = rec.stop();
    assert!(out.status.success(), "{}", said(&out));
    let heard = heard_440(&wav);
    let pieces = segments(&wav);
    assert!(
        (1.9..=2.1).contains(&heard),
        "heard {heard} s of 2 s in {} pieces: {pieces:?}\n{}",
        pieces.len(),
        said(&out)
    );
}

/// The server is stopped for 60 ms out of every 70 (SIGSTOP/SIGCONT), as a loaded desktop
/// starves it: the client underruns again and again. The programme must play to its end, with
/// the trouble reported as warnings, not as a failure.
#[test]
fn a_starved_sound_server_does_not_stop_the_programme() {
    let pulse = Pulse::start();
    let t = pulse.dir.path().join("t.wav");
    tone(&t, 440.0, 2.0, 0.5);
    let rec = pulse.record();
    let running = Arc::new(AtomicBool::new(true));
    let starver = starve(&pulse, running.clone());
    let out = loaxa(&pulse, &["play", t.to_str().unwrap()]);
    running.store(false, Ordering::Relaxed);
    starver.join().unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let wav = rec.stop();
    assert!(out.status.success(), "loaxa play gave up: {}", said(&out));
    let heard = energy_seconds(&wav, 0.5);
    assert!((1.9..=2.1).contains(&heard), "the sink got {heard} s of the 2 s tone");
}

/// Stops the server for 60 ms out of every 70 until `running` is cleared, then lets it run.
fn starve(pulse: &Pulse, running: Arc<AtomicBool>) -> std::thread::JoinHandle<()> {
    let pid = pulse.pid().to_string();
    std::thread::spawn(move || {
        while running.load(Ordering::Relaxed) {
            let _ = Command::new("kill").args(["-STOP", &pid]).status();
            std::thread::sleep(Duration::from_millis(60));
            let _ = Command::new("kill").args(["-CONT", &pid]).status();
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = Command::new("kill").args(["-CONT", &pid]).status();
    })
}

/// `loaxa devices` lists only what can be opened, and marks the default: every name it prints
/// plays a short tone.
#[test]
fn every_listed_device_plays() {
    let pulse = Pulse::start();
    let t = pulse.dir.path().join("t.wav");
    tone(&t, 440.0, 0.2, 0.5);
    let out = loaxa(&pulse, &["devices"]);
    assert!(out.status.success(), "{}", said(&out));
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    let names: Vec<&str> = listed.lines().filter_map(|l| l.split('\t').next()).collect();
    assert!(!names.is_empty(), "no devices: {listed}");
    assert_eq!(
        listed.lines().filter(|l| l.contains("(default)")).count(),
        1,
        "one default: {listed}"
    );
    for line in listed.lines() {
        let id = line
            .split('\t')
            .nth(1)
            .expect("name and id")
            .trim_start_matches("alsa:");
        let out = loaxa(&pulse, &["play", "--device", id, t.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{line:?} is listed but does not play: {}",
            said(&out)
        );
    }
}

/// The same starved server reached through ALSA's `pulse` plugin under another name, so loaxa
/// cannot route it to its own client: after an underrun the plugin fails every
/// `snd_pcm_avail_delay` with EIO, and cpal retries for ever without asking for audio. loaxa
/// must notice the silent stream (closing it and reporting why) instead of waiting on it, or
/// play through if the plugin recovers; never give up at the first passing error.
#[test]
fn a_stream_that_stops_taking_audio_is_closed() {
    let pulse = Pulse::start();
    let conf = pulse.dir.path().join("asound.conf");
    let socket = pulse.dir.path().join("native");
    std::fs::write(
        &conf,
        format!(
            "pcm.loa {{ type pulse; server \"unix:{}\"; hint {{ show on; description \"Loa\" }} }}\n",
            socket.display()
        ),
    )
    .unwrap();
    let t = pulse.dir.path().join("t.wav");
    tone(&t, 440.0, 2.0, 0.5);
    let running = Arc::new(AtomicBool::new(true));
    let starver = starve(&pulse, running.clone());
    let begun = std::time::Instant::now();
    let out = loaxa_cmd(&pulse)
        .env("ALSA_CONFIG_PATH", &conf)
        .args(["play", "--device", "loa", t.to_str().unwrap()])
        .output()
        .unwrap();
    let took = begun.elapsed();
    running.store(false, Ordering::Relaxed);
    starver.join().unwrap();
    let said = said(&out);
    assert!(took < Duration::from_secs(20), "took {took:?}: {said}");
    assert!(
        out.status.success() || said.contains("stopped taking audio for 2 s"),
        "{said}"
    );
    assert!(
        !said.contains("error: the sound device failed during playback: A buffer underrun"),
        "{said}"
    );
}

/// A station daemon on this server's default sink, holding its line as it does by default.
fn station_on(pulse: &Pulse) -> (common::daemon::Station, std::process::Child) {
    use common::daemon::{Station, schedule};
    let st = Station::new(
        "http://127.0.0.1:9/hook",
        &schedule("sau", "\"2030-01-01T06:00:00\"", "tone.wav", ""),
    );
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("release_when_idle = true\n", "");
    std::fs::write(&path, config).unwrap();
    tone(&st.path().join("media/alarm.wav"), 1000.0, 0.4, 0.5);
    let mut cmd = st.command();
    pulse.client(&mut cmd);
    let daemon = cmd.spawn().expect("start loaxa run");
    st.wait_for("schedule_loaded", None, 30);
    (st, daemon)
}

/// Waits (up to 20 s) until `ok` holds, saying `what` if it never does.
fn until(what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !ok() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Issue #37. The line used to be closed after every programme, and opened only a few seconds
/// before the next: an unannounced emergency on an idle line then waited for the open, and
/// behind a sink that no client asked for less had fallen back to a 2 s buffer (0.1 to 1.8 s
/// late, measured on this set-up). Now the daemon holds its stream open on silence from the
/// start and between programmes, the sink stays at the latency loaxa asks for, and an
/// emergency is heard at once. The bound is generous for a busy machine; `make bench`
/// measures the figure.
#[test]
fn an_idle_line_is_held_open_and_an_emergency_on_it_is_heard_at_once() {
    emergencies_on_an_idle_line(&Pulse::start());
}

/// The same through PipeWire, whose PulseAudio server answers loaxa as PulseAudio does.
#[test]
fn an_idle_line_on_pipewire_is_held_open_and_an_emergency_on_it_is_heard_at_once() {
    emergencies_on_an_idle_line(&Pulse::pipewire());
}

/// Three unannounced emergencies on the daemon's idle line, each heard from the sink's monitor
/// within 500 ms of the command being spawned; the stream stays on the sink throughout.
fn emergencies_on_an_idle_line(pulse: &Pulse) {
    let (st, _daemon) = station_on(pulse);
    let ours = || pulse.sink_inputs().len();
    until("the daemon holds no stream on the idle line", || ours() == 1);
    if !pulse.is_pipewire() {
        until("the sink's latency stays at the server's default", || {
            pulse.sink_latency().is_some_and(|l| l <= Duration::from_millis(100))
        });
    }
    // The line is ready once the device has settled and reported the latency it grants.
    let mut device = serde_json::Value::Null;
    until("the granted latency is not reported", || {
        let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
        device = status["device"].clone();
        device["latency_ms"].is_u64()
    });
    let granted = device["latency_ms"].as_u64();
    assert!(granted.is_some_and(|ms| ms <= 100), "granted: {device}");
    let rec = pulse.record_timed();
    let mut sent = Vec::new();
    let mut second = 0;
    for round in 0..3 {
        // Idle for a moment, and in a new second: `now` takes one ad-hoc programme a second.
        std::thread::sleep(Duration::from_millis(300));
        until("the clock stands still", || chrono::Utc::now().timestamp() > second);
        second = chrono::Utc::now().timestamp();
        let at = std::time::Instant::now();
        let out = common::daemon::loaxa(
            &st,
            &["now", "--file", "alarm.wav", "--priority", "emergency", "--no-post"],
        );
        assert!(out.status.success(), "round {round}: {}", common::daemon::said(&out));
        sent.push(at);
        let finished = || st.events().iter().filter(|e| e.kind == "playout_finished").count();
        until("the emergency did not finish", || finished() > round);
        until("the line is not held open after the programme", || ours() == 1);
    }
    let heard = rec.stop();
    let mut late = Vec::new();
    for at in &sent {
        let from = heard.frame_at(*at);
        let onset = heard.onset(from, 0.1).expect("the emergency was not heard");
        let when = heard.time_of(onset).expect("a time for the onset");
        late.push(when.saturating_duration_since(*at).as_millis());
    }
    eprintln!("submit to heard, ms: {late:?}; granted {granted:?} ms");
    assert!(
        late.iter().all(|ms| *ms <= 500),
        "submit to heard, ms: {late:?} (the line's latency: {granted:?} ms)"
    );
    if !pulse.is_pipewire() {
        assert!(
            pulse.sink_latency().is_some_and(|l| l <= Duration::from_millis(100)),
            "after the programmes the sink went back to {:?}",
            pulse.sink_latency()
        );
    }
}

/// The latency the sound server grants is what `loaxa devices` and `check --online` show, read
/// from the device once it has settled (issue #37): at the default of 40 ms asked, PulseAudio
/// plays a sound about one period after it is handed over.
#[test]
fn the_granted_latency_is_shown() {
    let pulse = Pulse::start();
    let out = loaxa(&pulse, &["devices"]);
    assert!(out.status.success(), "{}", said(&out));
    let listed = String::from_utf8_lossy(&out.stdout).to_string();
    let default = listed
        .lines()
        .find(|l| l.contains("(default)"))
        .unwrap_or_else(|| panic!("no default: {listed}"));
    let ms = |text: &str, after: &str| -> u64 {
        let rest = text
            .split(after)
            .nth(1)
            .unwrap_or_else(|| panic!("no {after:?} in {text}"));
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    let granted = ms(default, "latency ");
    assert!((1..=100).contains(&granted), "{default}");

    let st = common::daemon::Station::new(
        "http://127.0.0.1:9/hook",
        &common::daemon::schedule("sau", "\"2030-01-01T06:00:00\"", "tone.wav", ""),
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loaxa"));
    pulse.client(&mut cmd);
    let out = cmd
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .args(["check", "--online"])
        .env("LOAXA_LANG", "en")
        .output()
        .unwrap();
    let text = said(&out);
    let granted = ms(&text, "a sound reaches it in ");
    assert!((1..=100).contains(&granted), "{text}");
    assert!(text.contains("release_when_idle = true closes the device"), "{text}");
}

/// A held line whose sound server goes away while nothing plays is found by its heartbeat,
/// closed and opened again once the server is back, before any programme needs it; an
/// emergency then plays at once. The outage is in the station's status meanwhile.
#[test]
fn a_held_line_whose_server_restarts_while_idle_is_opened_again() {
    let mut pulse = Pulse::start();
    let (st, _daemon) = station_on(&pulse);
    until("the daemon holds no stream on the idle line", || {
        pulse.sink_inputs().len() == 1
    });
    let status = || -> serde_json::Value { serde_json::from_str(&st.get("/status")).unwrap() };
    until("the line did not settle", || status()["device"]["latency_ms"].is_u64());
    pulse.restart();
    until("the daemon did not open its line again", || {
        pulse.sink_inputs().len() == 1
    });
    // Ready again once the new stream has settled: a fresh server's sink first finishes the
    // 2 s buffer it idled on.
    until("the device is not back to ok", || {
        let device = &status()["device"];
        device["state"] == "ok" && device["latency_ms"].is_u64()
    });
    let rec = pulse.record_timed();
    let at = std::time::Instant::now();
    let out = common::daemon::loaxa(
        &st,
        &["now", "--file", "alarm.wav", "--priority", "emergency", "--no-post"],
    );
    assert!(out.status.success(), "{}", common::daemon::said(&out));
    until("the emergency did not finish", || {
        st.events().iter().any(|e| e.kind == "playout_finished")
    });
    let heard = rec.stop();
    let onset = heard
        .onset(heard.frame_at(at), 0.1)
        .expect("the emergency was not heard");
    let late = heard.time_of(onset).unwrap().saturating_duration_since(at);
    assert!(late <= Duration::from_millis(500), "heard {late:?} after the command");
    assert!(
        st.events().iter().any(|e| e.kind == "device_error"),
        "the outage is not in the history: {:?}",
        st.kinds()
    );
}
