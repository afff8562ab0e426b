//! The ffmpeg decode path: Debian's `ffmpeg` as a subprocess, decoding the source to PCM on a
//! pipe. It reads what the native path does not (HLS, MPEG-TS, HE-AAC, Ogg, SHOUTcast v1), and
//! `ffprobe` says what a source sends for `check --online`.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::gate::Gate;
use super::{STALL, Shared};

/// The ffmpeg that decodes `url` to 44.1 kHz stereo PCM on its standard output, every request
/// of it through `gate` when there is one (see [`Gate`]).
pub fn decoder(url: &str, gate: Option<&Gate>) -> Command {
    let mut cmd = Command::new("ffmpeg");
    cmd.args(["-nostdin", "-hide_banner", "-loglevel", "error"])
        .args([
            "-reconnect",
            "1",
            "-reconnect_streamed",
            "1",
            "-reconnect_delay_max",
            "2",
        ])
        .args(["-rw_timeout", "5000000"]);
    gated(&mut cmd, gate);
    // A stream's format told by its address: probing an Icecast MP3 stream without it took
    // ffmpeg 7 s, or failed outright with small probe sizes.
    cmd.args(super::input_format(url).map_or(Vec::new(), |f| vec!["-f", f]))
        .args(["-i", url, "-vn", "-ac", "2", "-ar", "44100", "-f", "s16le", "pipe:1"]);
    cmd
}

/// ffmpeg's HTTP through the gate: the option for the input, and the environment for what the
/// input opens in turn (an HLS playlist's variants and segments).
fn gated(cmd: &mut Command, gate: Option<&Gate>) {
    if let Some(g) = gate {
        cmd.args(["-http_proxy", &g.proxy()])
            .env("http_proxy", g.proxy())
            .env_remove("no_proxy")
            .env_remove("NO_PROXY");
    }
}

/// One ffmpeg run: until it ends, stalls, the window ends, or the feed is dropped.
pub fn run(feed: &Weak<Shared>, url: &str, end: DateTime<Utc>) -> Result<(), String> {
    if let Some(shared) = feed.upgrade() {
        *shared.last_bytes.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
    let gate = Gate::for_source(url).map_err(|e| t!("relay-no-gate", why = e))?;
    let mut child: Child = decoder(url, gate.as_ref())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| t!("relay-no-ffmpeg", why = e))?;
    let mut out = child.stdout.take().ok_or_else(|| t!("control-internal"))?;
    let mut err = child.stderr.take().ok_or_else(|| t!("control-internal"))?;
    let errors = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    // Reading blocks: a watchdog ends ffmpeg when no bytes come for STALL.
    let pid = child.id();
    let watch_feed = feed.clone();
    let done = Arc::new(AtomicBool::new(false));
    let watch_done = done.clone();
    let opened = Instant::now();
    let watchdog = std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(200));
            if watch_done.load(Ordering::Acquire) {
                return false;
            }
            let Some(shared) = watch_feed.upgrade() else {
                kill(pid);
                return false;
            };
            // Before the first audio, probing a stream of unknown format may take a few seconds
            // more.
            let last = *shared.last_bytes.lock().unwrap_or_else(|p| p.into_inner());
            let stalled = match last {
                Some(t) => t.max(opened).elapsed() > STALL,
                None => opened.elapsed() > STALL * 2,
            };
            if shared.stop.load(Ordering::Acquire) || Utc::now() >= end || stalled {
                kill(pid);
                return stalled;
            }
        }
    });
    let mut buf = vec![0u8; 8192];
    let mut carry: Option<u8> = None;
    loop {
        let n = match out.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let Some(shared) = feed.upgrade() else { break };
        *shared.last_bytes.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        let mut bytes: Vec<u8> = carry.take().into_iter().chain(buf[..n].iter().copied()).collect();
        if bytes.len() % 2 == 1 {
            carry = bytes.pop();
        }
        shared.push(
            &bytes
                .chunks_exact(2)
                .map(|s| f32::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0)
                .collect::<Vec<_>>(),
        );
    }
    done.store(true, Ordering::Release);
    let stalled = watchdog.join().unwrap_or(false);
    let _ = child.kill();
    let status = child.wait();
    let said = errors.join().unwrap_or_default();
    if stalled {
        return Err(t!("relay-stalled", seconds = STALL.as_secs()));
    }
    if let Some(why) = gate.as_ref().and_then(Gate::refused) {
        return Err(why);
    }
    match status {
        Ok(s) if s.success() => Err(t!("relay-ended")),
        // ffmpeg names the address in its errors; the record names the source.
        _ => Err(said
            .lines()
            .last()
            .map_or_else(|| t!("relay-ended"), |l| l.trim().replace(url, "<source>"))),
    }
}

/// What a source sends, asked of it now with Debian's ffprobe (`loaxa check --online`): its
/// format, codec, rate, channels and bitrate, in one line; or why it does not answer.
pub fn probe(url: &str) -> Result<String, String> {
    let gate = Gate::for_source(url).map_err(|e| t!("relay-no-gate", why = e))?;
    let mut cmd = Command::new("ffprobe");
    cmd.args(["-v", "error", "-rw_timeout", "8000000"]);
    gated(&mut cmd, gate.as_ref());
    if let Some(f) = super::input_format(url) {
        cmd.args(["-f", f]);
    }
    let mut child = cmd
        .args([
            "-show_entries",
            "stream=codec_name,profile,sample_rate,channels,bit_rate:format=format_name,bit_rate",
        ])
        .args(["-of", "json", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| t!("relay-no-ffmpeg", why = e))?;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(t!("relay-probe-timeout", seconds = 15));
            }
        }
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if let Some(why) = gate.as_ref().and_then(Gate::refused) {
        return Err(why);
    }
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().last().unwrap_or("").trim().replace(url, "<source>"));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let s = &v["streams"][0];
    let text = |x: &serde_json::Value| {
        x.as_str()
            .map(str::to_string)
            .or_else(|| x.as_i64().map(|n| n.to_string()))
    };
    let kbps = text(&s["bit_rate"])
        .or_else(|| text(&v["format"]["bit_rate"]))
        .and_then(|b| b.parse::<u64>().ok())
        .map(|b| format!(", {} kb/s", b / 1000))
        .unwrap_or_default();
    let (container, codec) = (
        text(&v["format"]["format_name"]).unwrap_or_default(),
        text(&s["codec_name"]).unwrap_or_default(),
    );
    let profile = text(&s["profile"]);
    // The path the relay will take (see `native`): MP3, and AAC-LC outside HLS and MPEG-TS.
    let native = !container.contains("hls")
        && !container.contains("mpegts")
        && (codec == "mp3" || (codec == "aac" && profile.as_deref() == Some("LC")));
    Ok(format!(
        "{container} / {codec}{}, {} Hz, {} ch{kbps} · {}",
        profile.map(|p| format!(" ({p})")).unwrap_or_default(),
        text(&s["sample_rate"]).unwrap_or_default(),
        text(&s["channels"]).unwrap_or_default(),
        if native {
            t!("relay-decoded-natively")
        } else {
            t!("relay-decoded-by-ffmpeg")
        }
    ))
}

fn kill(pid: u32) {
    // SAFETY: a signal to the ffmpeg this thread's connector started.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
}
