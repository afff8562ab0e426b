//! Playout through the real sound stack: rodio → cpal → ALSA, captured by the ALSA `file`
//! plugin (see tests/common/audio.rs). Each scenario runs in a child process, because alsa-lib
//! reads `ALSA_CONFIG_PATH` once per process.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use chrono::DateTime;
use chrono::Utc;
use common::audio::{Capture, assert_tones, left_channel, segments, tone, tone_at};
use common::paced::{Heard, PacedDevice};
use loaxa::domain::broadcast::Priority;
use loaxa::playout::settings::AfterInterrupt;
use loaxa::playout::{Engine, EngineSettings, PlayoutEvent, Programme, Segment, programme};

fn loaxa(capture: &Capture, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["--config", "/nonexistent/loaxa.toml"])
        .args(args)
        .env("ALSA_CONFIG_PATH", capture.config())
        .output()
        .expect("run loaxa")
}

/// Runs one of the `scenario_*` tests below in a child process with the capture device.
fn scenario(name: &str, capture: &Capture, tones: &Path) -> Vec<String> {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("ALSA_CONFIG_PATH", capture.config())
        .env("LOAXA_SCENARIO_DIR", tones)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scenario {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("EVENT "))
        .map(str::to_string)
        .collect()
}

fn scenario_dir() -> Option<PathBuf> {
    std::env::var_os("LOAXA_SCENARIO_DIR").map(PathBuf::from)
}

fn settings() -> EngineSettings {
    EngineSettings {
        device: "default".into(),
        preroll: Duration::from_millis(0),
        after_interrupt: AfterInterrupt::Replay,
        give_up: Duration::from_secs(5),
        latency: Duration::from_millis(40),
        // Released between programmes, as before issue #37: these tests hear the line through
        // ALSA's `file` plugin, which would spin a core on silence.
        release_when_idle: true,
    }
}

fn programme(key: &str, priority: Priority, segments: Vec<Segment>, volume: f32) -> Programme {
    let mut p = Programme::of_files(key, &[], volume);
    p.priority = priority;
    p.segments = segments;
    p
}

/// Prints events as `EVENT Name key [detail]` until `done` says stop.
fn print_events(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<PlayoutEvent>,
    mut on: impl FnMut(&PlayoutEvent) -> bool,
) {
    while let Some(e) = events.blocking_recv() {
        let line = match &e {
            PlayoutEvent::Started {
                key,
                lateness_ms,
                scheduled_at,
                started_at,
                pulled_at,
                resumed,
            } => format!(
                "Started {key} {lateness_ms} {} {} {}{}",
                scheduled_at.to_rfc3339(),
                started_at.to_rfc3339(),
                pulled_at.to_rfc3339(),
                if *resumed { " resumed" } else { "" }
            ),
            PlayoutEvent::Finished { key, .. } => format!("Finished {key}"),
            PlayoutEvent::Failed { key, reason } => format!("Failed {key} {reason}"),
            PlayoutEvent::Interrupted { key, by, replay } => format!("Interrupted {key} {by} {replay}"),
            PlayoutEvent::Waiting { key, behind } => format!("Waiting {key} {behind}"),
            PlayoutEvent::DeviceError { reason } => format!("DeviceError {reason}"),
            PlayoutEvent::Queued { key } => format!("Queued {key}"),
            PlayoutEvent::Prerolled { key } => format!("Prerolled {key}"),
            PlayoutEvent::DeviceReady => "DeviceReady".to_string(),
            PlayoutEvent::Latency { granted } => format!("Latency {}", granted.as_millis()),
        };
        println!("EVENT {line}");
        if !on(&e) {
            return;
        }
    }
}

fn names(events: &[String]) -> Vec<String> {
    events
        .iter()
        .filter(|e| {
            !e.starts_with("Queued")
                && !e.starts_with("Prerolled")
                && !e.starts_with("DeviceReady")
                && !e.starts_with("Latency")
        })
        .map(|e| e.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect()
}

// ---------------------------------------------------------------------------------------------

#[test]
fn chime_items_repeats_and_gap_come_out_in_order_and_length() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    tone(&dir.join("chime.wav"), 1500.0, 0.3, 0.5);
    tone(&dir.join("a.wav"), 440.0, 0.5, 0.5);
    tone(&dir.join("b.wav"), 660.0, 0.4, 0.5);
    let events = scenario("scenario_programme", &capture, dir);
    assert_eq!(names(&events), ["Started prog", "Finished prog"]);
    assert_tones(
        &segments(&capture.wav()),
        &[
            (1500.0, 0.3),
            (440.0, 0.5),
            (660.0, 0.4),
            (440.0, 0.5),
            (660.0, 0.4),
            (1500.0, 0.3),
        ],
    );
}

#[test]
fn scenario_programme() {
    let Some(dir) = scenario_dir() else { return };
    let segs = programme::segments(
        Some(dir.join("chime.wav")),
        &[],
        &[dir.join("a.wav"), dir.join("b.wav")],
        2,
        Duration::from_millis(250),
        Some(dir.join("chime.wav")),
    );
    let (engine, mut events) = Engine::start(settings());
    engine.submit(programme("prog", Priority::Normal, segs, 1.0));
    print_events(&mut events, |e| {
        !matches!(e, PlayoutEvent::Finished { .. } | PlayoutEvent::Failed { .. })
    });
    engine.shutdown(false);
}

#[test]
fn the_gap_between_repeats_is_silence_of_the_right_length() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    tone(&dir.join("chime.wav"), 1500.0, 0.3, 0.5);
    tone(&dir.join("a.wav"), 440.0, 0.5, 0.5);
    tone(&dir.join("b.wav"), 660.0, 0.4, 0.5);
    scenario("scenario_programme", &capture, dir);
    // Find the silence between the first 660 Hz tone and the second 440 Hz tone.
    let mut r = hound::WavReader::open(capture.wav()).unwrap();
    let left: Vec<i16> = r.samples::<i16>().step_by(2).map(Result::unwrap).collect();
    let loud: Vec<bool> = left.chunks(441).map(|w| w.iter().any(|s| s.abs() > 300)).collect();
    // Sound runs (10 ms resolution): chime+a+b, then a+b+chime after the gap.
    let mut runs = Vec::new();
    let mut i = 0;
    while i < loud.len() {
        let start = i;
        while i < loud.len() && loud[i] == loud[start] {
            i += 1;
        }
        runs.push((loud[start], i - start));
    }
    let sound: Vec<usize> = runs.iter().filter(|r| r.0).map(|r| r.1).collect();
    assert_eq!(sound.len(), 2, "two stretches of sound around the gap: {runs:?}");
    let first_sound = runs.iter().position(|r| r.0).unwrap();
    let gap = runs[first_sound + 1];
    assert!(
        !gap.0 && (24..=26).contains(&gap.1),
        "gap of 250 ms, got {} ms",
        gap.1 * 10
    );
}

#[test]
fn volume_scales_the_level() {
    let capture = Capture::new();
    let t = capture.dir.path().join("t.wav");
    tone(&t, 440.0, 0.5, 0.8);
    let t = t.display().to_string();
    let out = loaxa(&capture, &["play", &t]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full = segments(&capture.wav());
    std::fs::remove_file(capture.wav()).unwrap();
    let out = loaxa(&capture, &["play", "--volume", "0.5", &t]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let half = segments(&capture.wav());
    assert_eq!((full.len(), half.len()), (1, 1), "{full:?} {half:?}");
    let ratio = half[0].rms / full[0].rms;
    assert!((ratio - 0.5).abs() < 0.03, "RMS ratio {ratio}");
    assert!(
        (full[0].rms - 0.8 / 2f32.sqrt()).abs() < 0.03,
        "full-volume RMS {}",
        full[0].rms
    );
}

#[test]
fn every_format_plays() {
    let capture = Capture::new();
    let fx = common::repo().join("tests/fixtures/audio");
    let files: Vec<String> = [
        "tone-523.mp3",
        "tone-659.flac",
        "tone-784.ogg",
        "tone-988.m4a",
        "tone-1175.wav",
    ]
    .iter()
    .map(|f| fx.join(f).display().to_string())
    .collect();
    let mut args = vec!["play"];
    args.extend(files.iter().map(String::as_str));
    let out = loaxa(&capture, &args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = segments(&capture.wav());
    let freqs: Vec<f32> = got.iter().map(|s| s.freq).collect();
    assert_eq!(got.len(), 5, "{got:#?}");
    for (g, want) in freqs.iter().zip([523.0, 659.0, 784.0, 988.0, 1175.0]) {
        assert!((g - want).abs() / want < 0.06, "{freqs:?}");
    }
}

#[test]
fn broken_files_fail_with_a_reason_and_nothing_plays() {
    let capture = Capture::new();
    let fx = common::repo().join("tests/fixtures/audio");
    for (file, reason) in [
        ("not-audio.mp3", "cannot be decoded"),
        ("empty.wav", "is empty"),
        ("truncated.mp3", "is damaged"),
        ("missing.ogg", "is missing"),
    ] {
        let path = fx.join(file).display().to_string();
        let out = loaxa(&capture, &["play", &path]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(reason), "{file}: {err}");
    }
    assert!(
        !capture.wav().exists() || segments(&capture.wav()).is_empty(),
        "nothing reached the device"
    );
}

#[test]
fn a_broken_file_fails_its_programme_and_the_next_one_still_plays() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    tone(&dir.join("good.wav"), 880.0, 0.5, 0.5);
    std::fs::copy(
        common::repo().join("tests/fixtures/audio/not-audio.mp3"),
        dir.join("bad.mp3"),
    )
    .unwrap();
    let events = scenario("scenario_broken_then_good", &capture, dir);
    let n = names(&events);
    assert_eq!(n, ["Failed bad", "Started good", "Finished good"], "{events:?}");
    assert!(
        events[names_index(&events, "Failed bad")].contains("cannot be decoded"),
        "{events:?}"
    );
    assert_tones(&segments(&capture.wav()), &[(880.0, 0.5)]);
}

fn names_index(events: &[String], prefix: &str) -> usize {
    events.iter().position(|e| e.starts_with(prefix)).unwrap()
}

#[test]
fn scenario_broken_then_good() {
    let Some(dir) = scenario_dir() else { return };
    let (engine, mut events) = Engine::start(settings());
    engine.submit(programme(
        "bad",
        Priority::Normal,
        vec![Segment::Audio(dir.join("bad.mp3"))],
        1.0,
    ));
    let mut good = programme(
        "good",
        Priority::Normal,
        vec![Segment::Audio(dir.join("good.wav"))],
        1.0,
    );
    good.scheduled_at = Utc::now() + chrono::Duration::milliseconds(300);
    engine.submit(good);
    print_events(&mut events, |e| !matches!(e, PlayoutEvent::Finished { .. }));
    engine.shutdown(false);
}

#[test]
fn an_emergency_cuts_in_and_the_interrupted_programme_is_replayed() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    // 120 s of programme: long enough to still be running when the emergency arrives, even on
    // the capture device, which is not paced in real time.
    tone(&dir.join("long.wav"), 440.0, 30.0, 0.5);
    tone(&dir.join("alarm.wav"), 1000.0, 1.0, 0.5);
    let events = scenario("scenario_emergency", &capture, dir);
    let n = names(&events);
    assert!(
        n.contains(&"Waiting normal".to_string()),
        "the replay waits for the emergency: {events:?}"
    );
    assert_eq!(
        n.into_iter().filter(|e| !e.starts_with("Waiting")).collect::<Vec<_>>(),
        [
            "Started normal",
            "Interrupted normal",
            "Started emergency",
            "Finished emergency",
            "Started normal",
            "Finished normal"
        ],
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| e == "Interrupted normal emergency true"),
        "{events:?}"
    );
    // The replay is told as a resumption, so the lateness figures leave it out (issue #33).
    let resumed: Vec<bool> = events
        .iter()
        .filter(|e| e.starts_with("Started "))
        .map(|e| e.ends_with(" resumed"))
        .collect();
    assert_eq!(resumed, [false, false, true], "{events:?}");
    let got = segments(&capture.wav());
    assert_eq!(got.len(), 3, "{got:#?}");
    assert!(
        (got[0].freq - 440.0).abs() < 25.0 && got[0].seconds < 119.0,
        "cut short: {got:#?}"
    );
    assert!(
        (got[1].freq - 1000.0).abs() < 50.0 && (got[1].seconds - 1.0).abs() < 0.05,
        "{got:#?}"
    );
    assert!(
        (got[2].freq - 440.0).abs() < 25.0 && (got[2].seconds - 120.0).abs() < 0.1,
        "replayed whole: {got:#?}"
    );
    // Issue #19: the interrupted programme fades out in a few milliseconds instead of being
    // cut mid-wave. The tones step at most 0.031 (440 Hz) and 0.071 (1 kHz) a sample at this
    // level; a cut drops the line by up to 0.5 in one sample.
    let left = left_channel(&capture.wav());
    let (at, step) = left
        .windows(2)
        .map(|p| (p[1] - p[0]).abs())
        .enumerate()
        .fold((0, 0.0f32), |m, (i, d)| if d > m.1 { (i, d) } else { m });
    assert!(
        step < 0.12,
        "a click of {step:.3} at {:.3} s (the cut-in is at {:.3} s)",
        at as f32 / 44_100.0,
        got[0].seconds
    );
}

#[test]
fn scenario_emergency() {
    let Some(dir) = scenario_dir() else { return };
    let (engine, mut events) = Engine::start(settings());
    let long = vec![Segment::Audio(dir.join("long.wav")); 4];
    engine.submit(programme("normal", Priority::Normal, long, 1.0));
    let mut finished = 0;
    print_events(&mut events, |e| {
        if matches!(e, PlayoutEvent::Started { key, .. } if key == "normal") && finished == 0 {
            // Let some of it reach the device first (seconds of audio on the unpaced capture).
            std::thread::sleep(Duration::from_millis(40));
            engine.submit(programme(
                "emergency",
                Priority::Emergency,
                vec![Segment::Audio(dir.join("alarm.wav"))],
                1.0,
            ));
        }
        if matches!(e, PlayoutEvent::Finished { .. }) {
            finished += 1;
        }
        finished < 2
    });
    engine.shutdown(false);
}

#[test]
fn colliding_programmes_wait_their_turn_by_priority() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    tone(&dir.join("first.wav"), 440.0, 20.0, 0.5);
    tone(&dir.join("normal.wav"), 660.0, 0.5, 0.5);
    tone(&dir.join("priority.wav"), 880.0, 0.5, 0.5);
    let events = scenario("scenario_collision", &capture, dir);
    let n = names(&events);
    let order: Vec<&String> = n.iter().filter(|e| e.starts_with("Started")).collect();
    assert_eq!(
        order,
        ["Started first", "Started priority", "Started normal"],
        "{events:?}"
    );
    assert!(
        n.contains(&"Waiting normal".to_string()) && n.contains(&"Waiting priority".to_string()),
        "{events:?}"
    );
    let got = segments(&capture.wav());
    let freqs: Vec<f32> = got.iter().map(|s| s.freq).collect();
    assert_eq!(got.len(), 3, "never two at once, so three separate tones: {got:#?}");
    // The same 6 % tolerance as the other tone checks (the estimate wobbles by a few Hz).
    let near = |f: f32, want: f32| (f - want).abs() / want < 0.06;
    assert!(near(freqs[1], 880.0) && near(freqs[2], 660.0), "{freqs:?}");
}

#[test]
fn scenario_collision() {
    let Some(dir) = scenario_dir() else { return };
    let (engine, mut events) = Engine::start(settings());
    engine.submit(programme(
        "first",
        Priority::Normal,
        vec![Segment::Audio(dir.join("first.wav")); 6],
        1.0,
    ));
    let mut finished = 0;
    print_events(&mut events, |e| {
        if matches!(e, PlayoutEvent::Started { key, .. } if key == "first") {
            // Both fall due while `first` holds the line; the normal one was due earlier.
            let mut n = programme(
                "normal",
                Priority::Normal,
                vec![Segment::Audio(dir.join("normal.wav"))],
                1.0,
            );
            n.scheduled_at = Utc::now() - chrono::Duration::seconds(1);
            engine.submit(n);
            engine.submit(programme(
                "priority",
                Priority::Priority,
                vec![Segment::Audio(dir.join("priority.wav"))],
                1.0,
            ));
        }
        if matches!(e, PlayoutEvent::Finished { .. }) {
            finished += 1;
        }
        finished < 3
    });
    engine.shutdown(false);
}

#[test]
fn a_start_is_never_early_and_its_lateness_is_measured() {
    let capture = Capture::new();
    let dir = capture.dir.path();
    tone(&dir.join("t.wav"), 440.0, 0.2, 0.5);
    let events = scenario("scenario_timed", &capture, dir);
    let started: Vec<i64> = events
        .iter()
        .filter_map(|e| e.strip_prefix("Started "))
        .map(|e| e.split(' ').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(started.len(), 3, "{events:?}");
    // Measured against the wall clock at the first sample pulled: never before the instant.
    // (Tight figures live in the benchmark, not here: CI machines are noisy.)
    assert!(started.iter().all(|ms| (0..2000).contains(ms)), "{started:?}");
}

/// Plays `programmes` on an engine with this pre-roll, printing its events, until each has
/// finished: the body of the timed scenarios below.
fn play_in_order(preroll: Duration, programmes: Vec<Programme>) {
    let mut s = settings();
    s.preroll = preroll;
    let (engine, mut events) = Engine::start(s);
    let n = programmes.len();
    for p in programmes {
        engine.submit(p);
    }
    let mut finished = 0;
    print_events(&mut events, |e| {
        if matches!(e, PlayoutEvent::Finished { .. }) {
            finished += 1;
        }
        finished < n
    });
    engine.shutdown(false);
}

/// A normal programme of one file at `at`.
fn timed(key: &str, file: PathBuf, at: chrono::DateTime<Utc>) -> Programme {
    let mut p = programme(key, Priority::Normal, vec![Segment::Audio(file)], 1.0);
    p.scheduled_at = at;
    p
}

#[test]
fn scenario_timed() {
    let Some(dir) = scenario_dir() else { return };
    let now = Utc::now();
    play_in_order(
        Duration::from_millis(200),
        (0..3)
            .map(|i| {
                timed(
                    &format!("t{i}"),
                    dir.join("t.wav"),
                    now + chrono::Duration::milliseconds(400 + 400 * i),
                )
            })
            .collect(),
    );
}

#[test]
fn no_device_fails_with_the_reason_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("asound.conf");
    std::fs::write(&conf, "pcm.!default { type hw card 7 }\n").unwrap();
    let t = dir.path().join("t.wav");
    tone(&t, 440.0, 0.2, 0.5);
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["--config", "/nonexistent/loaxa.toml", "play"])
        .arg(&t)
        .env("ALSA_CONFIG_PATH", &conf)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no sound device") && err.contains("cannot"), "{err}");
}

#[test]
fn a_named_device_is_listed_and_can_be_chosen() {
    let capture = Capture::new();
    let out = loaxa(&capture, &["devices"]);
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains("loa_thu"), "{list}");
    // Listing tries each device: the file plugin writes a WAV header, and no sound. Some
    // silence may follow the header: cpal 0.18's ALSA stream, dropped unplayed, releases its
    // worker before it marks itself as dropping, and the worker can write a period or more of
    // the probe's zeros first (seen in CI: 118,188 samples, all zero).
    for wav in [capture.wav(), capture.named_wav()] {
        if wav.exists() {
            let loud = hound::WavReader::open(&wav)
                .unwrap()
                .samples::<i16>()
                .filter(|s| s.as_ref().map_or(true, |s| *s != 0))
                .count();
            assert_eq!(loud, 0, "{} has sound", wav.display());
            std::fs::remove_file(wav).unwrap();
        }
    }
    let t = capture.dir.path().join("t.wav");
    tone(&t, 700.0, 0.3, 0.5);
    let out = loaxa(&capture, &["play", "--device", "loa_thu", &t.display().to_string()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_tones(&segments(&capture.named_wav()), &[(700.0, 0.3)]);
    assert!(!capture.wav().exists(), "the default device stayed silent");
}

/// What is wrong with the start of a 1 kHz tone heard from `onset` on (44.1 kHz samples): not
/// at its pitch or level in the first 10 ms, or a step larger than the steady tone ever makes
/// in the first 50 ms (a click; how large depends on how the source's rate is converted to
/// the device's, so it is measured from 60 ms to 250 ms).
fn start_faults(left: &[f32], onset: usize, label: &str) -> Vec<String> {
    // Back to the zero crossing the tone starts from.
    let start = onset.saturating_sub(3);
    let window = |from: usize, len: usize| &left[(start + from).min(left.len())..(start + from + len).min(left.len())];
    let freq = |w: &[f32]| {
        let crossings = w.windows(2).filter(|p| (p[0] < 0.0) != (p[1] < 0.0)).count();
        crossings as f32 / 2.0 / (w.len().max(1) as f32 / 44_100.0)
    };
    let peak = |w: &[f32]| w.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let step = |w: &[f32]| w.windows(2).map(|p| (p[1] - p[0]).abs()).fold(0.0f32, f32::max);
    let (first, later) = (window(0, 441), window(4410, 441)); // 0–10 ms, 100–110 ms
    let (f0, f1) = (freq(first), freq(later));
    let (jump, steady) = (step(window(0, 2205)), step(window(2646, 8379)));
    let mut faults = Vec::new();
    if (f0 - 1000.0).abs() > 150.0 || (f1 - 1000.0).abs() > 100.0 {
        faults.push(format!("{label}: {f0:.0} Hz in the first 10 ms, {f1:.0} Hz later"));
    }
    if (peak(first) - peak(later)).abs() > 0.08 {
        faults.push(format!(
            "{label}: level {:.2} in the first 10 ms, {:.2} later",
            peak(first),
            peak(later)
        ));
    }
    if jump > steady * 1.1 + 0.01 {
        faults.push(format!(
            "{label}: a step of {jump:.3} in the first 50 ms, {steady:.3} in the steady tone (a click)"
        ));
    }
    faults
}

/// Issue #19, finding 1: the first ~11 ms of every programme played at the wrong speed (rodio's
/// mixer set its converter up for the player's empty queue, 48 kHz mono, for the first 512
/// samples), a click and a chirp at each start. Through the real stack, for sources at 8, 16,
/// 22.05, 44.1 and 48 kHz, mono and stereo: the first 10 ms already have the source's pitch
/// and level, and no sample jumps further than the sine itself does.
#[test]
fn programmes_start_at_their_own_pitch_from_the_first_sample() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (rate, channels) in RATES {
        let capture = Capture::new();
        let path = dir.path().join(format!("tone-{rate}-{channels}.wav"));
        tone_at(&path, 1000.0, 0.3, 0.5, rate, channels);
        let out = loaxa(&capture, &["play", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let left = left_channel(&capture.wav());
        let Some(onset) = left.iter().position(|x| x.abs() > 0.02) else {
            failures.push(format!("{rate} Hz × {channels}: nothing played"));
            continue;
        };
        failures.extend(start_faults(&left, onset, &format!("{rate} Hz × {channels}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// On a paced device (tests/common/paced.rs): what a listener hears, and when.

/// Runs a scenario in a child process on the paced device, after `prepare` has written its
/// files into the scenario folder; returns its events and what the device played.
fn paced_scenario(name: &str, prepare: impl FnOnce(&Path)) -> (Vec<String>, Heard) {
    let device = PacedDevice::start();
    let dir = device.dir.path().to_path_buf();
    prepare(&dir);
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env("ALSA_CONFIG_PATH", device.config())
        .env("LOAXA_SCENARIO_DIR", &dir)
        .output()
        .unwrap();
    // The tail of the last programme.
    std::thread::sleep(Duration::from_millis(300));
    let heard = device.finish();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "scenario {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let events = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("EVENT "))
        .map(str::to_string)
        .collect();
    (events, heard)
}

/// `(key, scheduled, reported start)` of every `Started` event.
fn starts(events: &[String]) -> Vec<(String, DateTime<Utc>, DateTime<Utc>)> {
    let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
    events
        .iter()
        .filter_map(|e| e.strip_prefix("Started "))
        .map(|e| {
            let f: Vec<&str> = e.split(' ').collect();
            (f[0].to_string(), t(f[2]), t(f[3]))
        })
        .collect()
}

fn ms(d: chrono::Duration) -> f64 {
    d.num_microseconds().unwrap_or(0) as f64 / 1000.0
}

/// Issues #19 and #21: heard at the instant, not when a thread woke. Four programmes a
/// second apart; each is found in what the paced device played, and its audible start is
/// compared with its instant and with the start loaxa reported.
#[test]
fn on_a_paced_device_each_programme_is_heard_at_its_instant() {
    let (events, heard) = paced_scenario("scenario_paced_starts", |dir| {
        tone(&dir.join("t.wav"), 1000.0, 0.3, 0.5)
    });
    let starts = starts(&events);
    assert_eq!(starts.len(), 4, "{events:?}");
    let mut report = vec![format!(
        "{} underruns; the drainer itself late by {:.1} ms in all (left out of the times)",
        heard.underruns,
        heard.drainer_late_ms()
    )];
    let mut audible = Vec::new();
    for (key, scheduled, reported) in &starts {
        let from = heard.frame_at(*scheduled - chrono::Duration::milliseconds(200));
        let onset = heard.onset(from, 0.02).unwrap_or_else(|| panic!("{key} never heard"));
        let at = heard.time_of(onset);
        audible.push(ms(at - *scheduled));
        report.push(format!(
            "{key}: heard {:+.1} ms after its instant, reported {:+.1} ms",
            ms(at - *scheduled),
            ms(*reported - *scheduled)
        ));
        // The first 10 ms already at the tone's pitch (no wrong-speed burst).
        let f = heard.freq(onset.saturating_sub(2), 441);
        assert!((f - 1000.0).abs() < 150.0, "{key}: first 10 ms at {f} Hz");
    }
    eprintln!("paced starts: {report:?}");
    // Every start is heard the same time after its instant: the device's own buffer, which
    // ALSA cannot see here (the FIFO and the file plugin's, about 80 ms), and nothing that
    // depends on when a thread woke. Before issue #21 the spread was the wake-up jitter.
    let (lo, hi) = audible
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    assert!(hi - lo <= 6.0, "spread {:.1} ms: {report:#?}", hi - lo);
    assert!((-3.0..=150.0).contains(&lo), "{report:#?}");
}

#[test]
fn scenario_paced_starts() {
    let Some(dir) = scenario_dir() else { return };
    let first = Utc::now() + chrono::Duration::milliseconds(1200);
    play_in_order(
        Duration::from_millis(500),
        (0..4)
            .map(|i| {
                timed(
                    &format!("t{i}"),
                    dir.join("t.wav"),
                    first + chrono::Duration::milliseconds(1000 * i),
                )
            })
            .collect(),
    );
}

/// Issue #19, point 2: an emergency cut-in measured where it is heard. A programme plays; an
/// emergency announced a second ahead must be heard at its instant with the programme gone
/// within the fade, and one that arrives unannounced within about a device period.
#[test]
fn on_a_paced_device_an_emergency_cuts_in_on_time() {
    let (events, heard) = paced_scenario("scenario_paced_cut_in", |dir| {
        tone(&dir.join("long.wav"), 440.0, 6.0, 0.5);
        tone(&dir.join("alarm.wav"), 1000.0, 0.5, 0.5);
    });
    let starts = starts(&events);
    let submitted: Vec<DateTime<Utc>> = events
        .iter()
        .filter_map(|e| e.strip_prefix("Submitted "))
        .map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc))
        .collect();
    let find = |key: &str| {
        starts
            .iter()
            .find(|s| s.0 == key)
            .unwrap_or_else(|| panic!("{key}: {events:?}"))
            .clone()
    };
    // The device's hidden buffer, from the first programme's start: heard minus reported.
    let (_, _, long_reported) = find("long");
    let long_heard = heard.time_of(
        heard
            .onset(
                heard.frame_at(long_reported - chrono::Duration::milliseconds(200)),
                0.02,
            )
            .expect("long heard"),
    );
    let hidden = long_heard - long_reported;
    let mut report = vec![format!("device buffer ALSA cannot see: {:.1} ms", ms(hidden))];
    for (key, announced) in [("announced", true), ("unannounced", false)] {
        let (_, scheduled, _) = find(key);
        // Unannounced: due when it was submitted.
        let instant = if announced { scheduled } else { submitted[0] };
        let from = heard.frame_at(instant - chrono::Duration::milliseconds(100));
        // The alarm's pitch: the first 5 ms window at 1 kHz.
        let onset = (from..heard.left.len().saturating_sub(220))
            .step_by(22)
            .find(|&i| (heard.freq(i, 220) - 1000.0).abs() < 200.0)
            .unwrap_or_else(|| panic!("{key} never heard"));
        let delay = ms(heard.time_of(onset) - hidden - instant);
        // The programme it cut: 440 Hz gone within the fade and a window after the alarm began.
        let after = onset + 44_100 * 3 / 100;
        let rest = heard.freq(after, 441);
        report.push(format!(
            "{key}: alarm heard {delay:+.1} ms after its instant; 30 ms later {rest:.0} Hz"
        ));
        // Announced: on the instant (5 ms windows find the pitch). Unannounced: the next period
        // (20 ms) after pre-roll checked the file; the tight figures are in the benchmark.
        let bound = if announced { 8.0 } else { 150.0 };
        assert!((-6.0..=bound).contains(&delay), "{report:#?} {events:?}");
        assert!((rest - 1000.0).abs() < 150.0, "{report:#?}");
    }
    eprintln!("paced cut-in: {report:?}");
}

#[test]
fn scenario_paced_cut_in() {
    let Some(dir) = scenario_dir() else { return };
    let mut s = settings();
    s.preroll = Duration::from_millis(500);
    s.after_interrupt = AfterInterrupt::Drop;
    let (engine, mut events) = Engine::start(s);
    let t0 = Utc::now() + chrono::Duration::milliseconds(1000);
    let mut long = programme(
        "long",
        Priority::Normal,
        vec![Segment::Audio(dir.join("long.wav"))],
        1.0,
    );
    long.scheduled_at = t0;
    engine.submit(long);
    let mut alarm = programme(
        "announced",
        Priority::Emergency,
        vec![Segment::Audio(dir.join("alarm.wav"))],
        1.0,
    );
    alarm.scheduled_at = t0 + chrono::Duration::milliseconds(1500);
    engine.submit(alarm);
    let mut second = programme(
        "long2",
        Priority::Normal,
        vec![Segment::Audio(dir.join("long.wav"))],
        1.0,
    );
    second.scheduled_at = t0 + chrono::Duration::milliseconds(2500);
    engine.submit(second);
    let mut sent = false;
    let mut finished = 0;
    print_events(&mut events, |e| {
        if let PlayoutEvent::Started { key, .. } = e
            && key == "long2"
            && !sent
        {
            sent = true;
            std::thread::sleep(Duration::from_millis(700));
            let mut p = programme(
                "unannounced",
                Priority::Emergency,
                vec![Segment::Audio(dir.join("alarm.wav"))],
                1.0,
            );
            p.scheduled_at = Utc::now();
            println!("EVENT Submitted {}", p.scheduled_at.to_rfc3339());
            engine.submit(p);
        }
        if matches!(e, PlayoutEvent::Finished { key, .. } if key == "unannounced") {
            finished += 1;
        }
        finished < 1
    });
    engine.shutdown(true);
}

/// The sources of the rate tests, on the capture and the paced device: (rate, channels).
const RATES: [(u32, u16); 6] = [
    (8_000, 1),
    (16_000, 1),
    (22_050, 2),
    (44_100, 1),
    (44_100, 2),
    (48_000, 2),
];

/// Issue #19, done-when: on the paced device too, programmes at every usual rate, mono and
/// stereo, start at their own pitch and level from the first sample, without a click, and
/// each is heard the same time after its instant.
#[test]
fn on_a_paced_device_every_rate_starts_clean_and_on_time() {
    let (events, heard) = paced_scenario("scenario_paced_rates", |dir| {
        for (rate, channels) in RATES {
            tone_at(
                &dir.join(format!("t-{rate}-{channels}.wav")),
                1000.0,
                0.3,
                0.5,
                rate,
                channels,
            );
        }
    });
    let starts = starts(&events);
    assert_eq!(starts.len(), RATES.len(), "{events:?}");
    let mut failures = Vec::new();
    let mut audible = Vec::new();
    for (key, scheduled, _) in &starts {
        let Some(onset) = heard.onset(heard.frame_at(*scheduled - chrono::Duration::milliseconds(200)), 0.02) else {
            failures.push(format!("{key}: never heard"));
            continue;
        };
        audible.push(ms(heard.time_of(onset) - *scheduled));
        failures.extend(start_faults(&heard.left, onset, key));
    }
    let (lo, hi) = audible
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), x| (a.min(*x), b.max(*x)));
    if hi - lo > 6.0 {
        failures.push(format!(
            "heard {audible:?} ms after their instants: spread {:.1} ms",
            hi - lo
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("paced rates: heard {audible:?} ms after their instants");
}

#[test]
fn scenario_paced_rates() {
    let Some(dir) = scenario_dir() else { return };
    let first = Utc::now() + chrono::Duration::milliseconds(1200);
    play_in_order(
        Duration::from_millis(500),
        RATES
            .iter()
            .enumerate()
            .map(|(i, (rate, channels))| {
                let name = format!("t-{rate}-{channels}");
                let at = first + chrono::Duration::milliseconds(600 * i as i64);
                timed(&name, dir.join(format!("{name}.wav")), at)
            })
            .collect(),
    );
}
