//! `loaxa live` (issue #17): the capture input (a microphone, line-in, the phone hybrid) on the
//! loudspeaker line between the station's chimes, ended at its bound or by Ctrl-C, recorded for
//! the audit, against a real daemon.
//!
//! The output is the paced device (heard in real time); the input is an ALSA capture PCM of
//! type `pulse` reading a real PulseAudio server's null-sink monitor, fed with a known tone by
//! `pacat`. ALSA's `file` plugin cannot stand in for the input: its `infile` is read as fast as
//! it is asked (a 2 s capture returns in 0.16 s, padded with the null slave's zeros), and this
//! kernel has no snd-aloop. The server paces the capture as a sound card would.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::audio::tone;
use common::daemon::*;
use common::paced::{Heard, PacedDevice, RATE};
use common::pulse::Pulse;

/// The microphone's tone: 440 Hz at a quarter of full scale (−12 dBFS peak, −15 dBFS RMS).
const MIC_HZ: f32 = 440.0;
const MIC_AMPLITUDE: f32 = 0.25;

struct Studio {
    st: Station,
    pulse: Pulse,
    paced: PacedDevice,
    conf: PathBuf,
    mic: Child,
}

impl Studio {
    /// A quiet station with an opening and a closing chime, whose `live_input` is `mic`.
    fn new() -> Studio {
        let pulse = Pulse::start();
        pulse.add_sink("mic");
        let raw = pulse.dir.path().join("mic.raw");
        write_tone_raw(&raw, MIC_HZ, 60.0, MIC_AMPLITUDE);
        let mic = pulse.feed("mic", &raw);
        let paced = PacedDevice::start();
        let conf = paced.dir.path().join("studio.conf");
        let mut text = std::fs::read_to_string(paced.config()).unwrap();
        // Hinted, as a station names its input in its ALSA configuration, so it is listed.
        text.push_str(
            "pcm.mic {\n  type pulse\n  device \"mic.monitor\"\n  hint { show on description \"Micro\" }\n}\n",
        );
        std::fs::write(&conf, text).unwrap();
        let st = Station::new(
            "http://127.0.0.1:9/hook",
            &schedule("dai", "\"2030-01-01T06:00:00\"", "tone.wav", ""),
        );
        tone(&st.path().join("media/chime.wav"), 880.0, 0.4, 0.5);
        tone(&st.path().join("media/end.wav"), 1320.0, 0.4, 0.5);
        let path = st.path().join("loaxa.toml");
        let config = std::fs::read_to_string(&path).unwrap().replace(
            "[audio]\n",
            "[audio]\nchime = \"chime.wav\"\nclosing_chime = \"end.wav\"\nlive_input = \"mic\"\n",
        );
        std::fs::write(&path, config).unwrap();
        Studio {
            st,
            pulse,
            paced,
            conf,
            mic,
        }
    }

    fn daemon(&self) -> Child {
        let mut cmd = self.st.command();
        cmd.env("ALSA_CONFIG_PATH", &self.conf);
        self.pulse.server(&mut cmd);
        let child = cmd.spawn().unwrap();
        let sock = self.st.path().join("var/control.sock");
        let deadline = Instant::now() + Duration::from_secs(20);
        while !sock.exists() {
            assert!(Instant::now() < deadline, "no control socket");
            std::thread::sleep(Duration::from_millis(50));
        }
        child
    }

    fn loaxa(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_loaxa"));
        cmd.arg("--config")
            .arg(self.st.path().join("loaxa.toml"))
            .env("LOAXA_LANG", "en");
        cmd
    }

    fn finish(mut self) -> (Station, Heard) {
        let _ = self.mic.kill();
        let _ = self.mic.wait();
        (self.st, self.paced.finish())
    }
}

fn write_tone_raw(path: &Path, freq: f32, seconds: f32, amplitude: f32) {
    let n = (seconds * RATE as f32) as usize;
    let mut bytes = Vec::with_capacity(n * 4);
    for i in 0..n {
        let v = (amplitude * (2.0 * std::f32::consts::PI * freq * i as f32 / RATE as f32).sin() * 32767.0) as i16;
        bytes.extend_from_slice(&v.to_le_bytes());
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

fn details(e: &loaxa::history::store::StoredEvent) -> serde_json::Value {
    serde_json::from_str(&e.details).unwrap()
}

/// What was heard, in runs of 20 ms windows: `chime`, `live`, `end`, each with its length in
/// windows and its RMS level.
fn runs(heard: &Heard) -> Vec<(&'static str, usize, f32)> {
    let window = (RATE / 50) as usize;
    let label = |from: usize| {
        let w = &heard.left[from..from + window];
        let rms = (w.iter().map(|x| x * x).sum::<f32>() / window as f32).sqrt();
        let f = heard.freq(from, window);
        let name = if rms < 0.05 {
            "quiet"
        } else if (f - 880.0).abs() < 60.0 {
            "chime"
        } else if (f - 1320.0).abs() < 80.0 {
            "end"
        } else if (f - MIC_HZ).abs() < 40.0 {
            "live"
        } else {
            "other"
        };
        (name, rms)
    };
    let windows: Vec<(&str, f32)> = (0..heard.left.len() / window).map(|i| label(i * window)).collect();
    let mut runs: Vec<(&'static str, usize, f32)> = Vec::new();
    for chunk in windows.chunk_by(|a, b| a.0 == b.0) {
        // A window across a fade or a boundary reads as anything: runs of 60 ms and more count.
        if chunk[0].0 == "quiet" || chunk[0].0 == "other" || chunk.len() < 3 {
            continue;
        }
        let rms = (chunk.iter().map(|w| w.1 * w.1).sum::<f32>() / chunk.len() as f32).sqrt();
        match runs.last_mut() {
            Some(last) if last.0 == chunk[0].0 => last.1 += chunk.len(),
            _ => runs.push((chunk[0].0, chunk.len(), rms)),
        }
    }
    runs
}

fn dbfs(x: f32) -> f32 {
    20.0 * x.log10()
}

/// `loaxa live --for 3s --record`: the chime, three seconds of the microphone at its own level,
/// the closing chime; the history has who, when, how long and how loud, and the recording.
#[test]
fn live_is_heard_between_the_chimes_until_its_bound() {
    let studio = Studio::new();
    let mut daemon = studio.daemon();
    let o = studio
        .loaxa()
        .args(["live", "--for", "3s", "--record"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", said(&o));
    let text = said(&o);
    assert!(text.contains("live on the line: live ("), "{text}");
    assert!(text.contains("ended at its bound"), "{text}");
    let st = &studio.st;
    st.wait_for("playout_finished", Some("live"), 10);
    let ended = st.wait_for("live_ended", None, 5);
    assert!(sigterm(&mut daemon).success());
    let (st, heard) = studio.finish();

    let runs = runs(&heard);
    let names: Vec<&str> = runs.iter().map(|r| r.0).collect();
    assert_eq!(names, ["chime", "live", "end"], "{runs:?}");
    let (_, windows, rms) = runs[1];
    let seconds = windows as f32 / 50.0;
    assert!((2.8..=3.2).contains(&seconds), "the microphone was on air {seconds} s");
    let expected = MIC_AMPLITUDE / 2f32.sqrt();
    assert!(
        (dbfs(rms) - dbfs(expected)).abs() < 1.5,
        "heard at {:.1} dBFS RMS, the microphone gives {:.1}",
        dbfs(rms),
        dbfs(expected)
    );

    let d = details(&ended);
    assert_eq!(d["reason"], "bound", "{d}");
    assert!(d["key"].as_str().unwrap().starts_with("live@"), "{d}");
    assert_eq!(d["device"], "mic");
    let on_air = d["seconds_on_air"].as_f64().unwrap();
    assert!((2.8..=3.2).contains(&on_air), "{d}");
    let peak = d["peak_dbfs"].as_f64().unwrap();
    assert!((-13.5..=-10.5).contains(&peak), "{d}");
    let rms = d["rms_dbfs"].as_f64().unwrap();
    assert!((-16.5..=-13.5).contains(&rms), "{d}");
    assert!(d["user"].as_str().is_some_and(|u| !u.is_empty()), "{d}");
    // The recording: what went on air, with its fingerprint in the history.
    let file = st.path().join("var").join(d["recording"]["path"].as_str().unwrap());
    let bytes = std::fs::read(&file).unwrap();
    use sha2::Digest;
    let sha = loaxa::domain::text::hex(&sha2::Sha256::digest(&bytes));
    assert_eq!(d["recording"]["sha256"], sha);
    let wav = hound::WavReader::open(&file).unwrap();
    let secs = wav.duration() as f32 / wav.spec().sample_rate as f32;
    assert!((2.8..=3.2).contains(&secs), "recorded {secs} s");
    let action = st.wait_for("operator_action", None, 1);
    assert_eq!(details(&action)["action"], "live");
}

/// Ctrl-C in the officer's terminal ends the live at once, with the closing chime; a device
/// that does not exist is refused before anything airs.
#[test]
fn ctrl_c_ends_the_live_and_a_missing_input_is_refused() {
    let studio = Studio::new();
    let mut daemon = studio.daemon();
    let o = studio.loaxa().args(["live", "--from", "khong-co"]).output().unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("cannot open the capture input `khong-co`"),
        "{}",
        said(&o)
    );
    assert!(said(&o).contains("loaxa devices --input"), "{}", said(&o));

    let live = studio
        .loaxa()
        .arg("live")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let st = &studio.st;
    st.wait_for("playout_started", Some("live"), 10);
    std::thread::sleep(Duration::from_secs(2));
    let pressed = Instant::now();
    // SAFETY: a signal to our own child.
    unsafe { libc::kill(live.id() as i32, libc::SIGINT) };
    let o = live.wait_with_output().unwrap();
    let took = pressed.elapsed();
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("ended by you"), "{}", said(&o));
    assert!(took < Duration::from_secs(3), "Ctrl-C took {took:?} to end the live");
    let ended = st.wait_for("live_ended", None, 5);
    st.wait_for("playout_finished", Some("live"), 5);
    assert!(sigterm(&mut daemon).success());
    let (st, heard) = studio.finish();
    let d = details(&ended);
    assert_eq!(d["reason"], "operator", "{d}");
    assert!(d.get("recording").is_none(), "not asked to record: {d}");
    let names: Vec<&str> = runs(&heard).iter().map(|r| r.0).collect();
    assert_eq!(names, ["chime", "live", "end"]);
    let actions = st.events().into_iter().filter(|e| e.kind == "operator_action").count();
    assert_eq!(actions, 1, "the refused live is not an action");
}

/// Stopping the daemon (SIGTERM) during a live ends it at once, with the closing chime and its
/// record, instead of waiting for its bound with the programme "on air".
#[test]
fn stopping_the_daemon_ends_the_live() {
    let studio = Studio::new();
    let mut daemon = studio.daemon();
    let live = studio
        .loaxa()
        .args(["live", "--for", "30m"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    studio.st.wait_for("playout_started", Some("live"), 10);
    std::thread::sleep(Duration::from_secs(1));
    let asked = Instant::now();
    assert!(sigterm(&mut daemon).success());
    let took = asked.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "the daemon took {took:?} to stop during a live"
    );
    let o = live.wait_with_output().unwrap();
    assert!(said(&o).contains("the daemon is stopping"), "{}", said(&o));
    let (st, heard) = studio.finish();
    let ended = st.wait_for("live_ended", None, 1);
    assert_eq!(details(&ended)["reason"], "shutdown");
    let kinds: Vec<String> = st.events().into_iter().map(|e| e.kind).collect();
    let (e, s) = (
        kinds.iter().position(|k| k == "live_ended").unwrap(),
        kinds.iter().position(|k| k == "daemon_stopped").unwrap(),
    );
    assert!(e < s, "{kinds:?}");
    let names: Vec<&str> = runs(&heard).iter().map(|r| r.0).collect();
    assert_eq!(names, ["chime", "live", "end"]);
}
