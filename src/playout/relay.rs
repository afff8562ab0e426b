//! Relay ("tiếp sóng", issue #15): a higher-level station's live stream on the loudspeaker line
//! for a window of time, with no dead air.
//!
//! A connector thread runs Debian's `ffmpeg` on the source (Icecast/SHOUTcast MP3 or AAC,
//! HE-AAC, HLS, MPEG-TS: one decode path for all, the one that reads every format those
//! stations send) and reads 44.1 kHz stereo PCM from its pipe into a bounded buffer. No bytes
//! for [`STALL`] is a stall: ffmpeg is stopped and started again with a growing pause. The
//! segment's source, on the output's audio thread, plays the stream while it has signal, and the
//! fallback (the broadcast's `fallback` file, looped, else silence) while it is stalled or has
//! been silent for [`SILENCE_FOR`]; it goes back to the stream after [`BACK_AFTER`] of real
//! signal. It fades in at its start and out before the window's end, and never plays past it.
//! What went on air (seconds of source, fallback, silence; stalls and reconnects) is counted
//! for the record.
//!
//! Memory is bounded whatever the window: the buffer holds at most [`MAX_BUFFER`] of audio.

use std::collections::VecDeque;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rodio::{ChannelCount, SampleRate, Source};

/// The stream's format once decoded.
pub const RATE: u32 = 44_100;
const CHANNELS: u16 = 2;
/// No bytes from the source for this long is a stall.
pub const STALL: Duration = Duration::from_secs(5);
/// Below [`SILENCE_DBFS`] for this long is dead air: the fallback plays.
pub const SILENCE_FOR: Duration = Duration::from_secs(10);
const SILENCE_DBFS: f64 = -50.0;
/// Back to the source after this much real signal.
pub const BACK_AFTER: Duration = Duration::from_secs(3);
/// Audio kept ahead of the output: rides over a network's jitter.
const LEAD: Duration = Duration::from_millis(1500);
const MAX_BUFFER: Duration = Duration::from_secs(20);
/// Frames in each span of the source (10 ms).
const SPAN: u64 = 441;
/// Blocks the level is judged on.
const BLOCK: Duration = Duration::from_millis(100);

/// Where the relay comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct RelaySpec {
    /// The source's name in `[sources]`, or the URL itself.
    pub name: String,
    pub url: String,
    pub fallback: Option<PathBuf>,
    pub fade: Duration,
}

/// What the record keeps of a relay session.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RelayStats {
    pub source: String,
    pub url_sha256: String,
    pub decode: String,
    pub source_s: f64,
    pub fallback_s: f64,
    pub silence_s: f64,
    pub stalls: u64,
    pub reconnects: u64,
    /// Why the stream last failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

struct Shared {
    buffer: Mutex<VecDeque<f32>>,
    /// When the last bytes came.
    last_bytes: Mutex<Option<Instant>>,
    stop: AtomicBool,
    stalls: AtomicU64,
    reconnects: AtomicU64,
    source_frames: AtomicU64,
    fallback_frames: AtomicU64,
    silent_frames: AtomicU64,
    last_error: Mutex<Option<String>>,
    /// The stream's level over the last 100 ms, in tenths of a dBFS (for the dashboard's meter).
    level_ddb: std::sync::atomic::AtomicI32,
    /// The fallback is on air.
    on_fallback: AtomicBool,
}

/// What the dashboard shows of a relay on air.
#[derive(Clone, Debug, PartialEq)]
pub struct RelayNow {
    pub source: String,
    pub level_dbfs: f64,
    pub on_fallback: bool,
    pub source_s: f64,
    pub fallback_s: f64,
}

/// A relay's connection, shared by its programme (and its replays after an emergency): the
/// connector runs until the window's end or until nothing holds it any more.
#[derive(Clone)]
pub struct RelayFeed {
    shared: Arc<Shared>,
    pub spec: RelaySpec,
    pub end: DateTime<Utc>,
}

impl std::fmt::Debug for RelayFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RelayFeed({} until {})", self.spec.name, self.end)
    }
}

impl PartialEq for RelayFeed {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

impl RelayFeed {
    /// Starts connecting now (before the window: the stream is buffered when it opens).
    pub fn connect(spec: RelaySpec, end: DateTime<Utc>) -> RelayFeed {
        let shared = Arc::new(Shared {
            buffer: Mutex::new(VecDeque::new()),
            last_bytes: Mutex::new(None),
            stop: AtomicBool::new(false),
            stalls: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            source_frames: AtomicU64::new(0),
            fallback_frames: AtomicU64::new(0),
            silent_frames: AtomicU64::new(0),
            last_error: Mutex::new(None),
            level_ddb: std::sync::atomic::AtomicI32::new(-1000),
            on_fallback: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&shared);
        let (url, stop_at) = (spec.url.clone(), end);
        let _ = std::thread::Builder::new()
            .name("loaxa-relay".into())
            .spawn(move || connector(&weak, &url, stop_at));
        RelayFeed { shared, spec, end }
    }

    /// The source that plays it (built each time its programme starts).
    pub fn source(&self) -> RelaySource {
        RelaySource::new(self.clone())
    }

    /// The relay as it is now: level, stream or fallback, and what it carried so far.
    pub fn now(&self) -> RelayNow {
        let s = &self.shared;
        let secs = |n: &AtomicU64| n.load(Ordering::Relaxed) as f64 / f64::from(RATE);
        RelayNow {
            source: self.spec.name.clone(),
            level_dbfs: f64::from(s.level_ddb.load(Ordering::Relaxed)) / 10.0,
            on_fallback: s.on_fallback.load(Ordering::Relaxed),
            source_s: secs(&s.source_frames),
            fallback_s: secs(&s.fallback_frames),
        }
    }

    pub fn stats(&self) -> RelayStats {
        let s = &self.shared;
        let secs = |n: &AtomicU64| (n.load(Ordering::Relaxed) as f64 / f64::from(RATE) * 100.0).round() / 100.0;
        use sha2::Digest;
        RelayStats {
            source: self.spec.name.clone(),
            url_sha256: crate::schedule::hex(&sha2::Sha256::digest(self.spec.url.as_bytes())),
            decode: match input_format(&self.spec.url) {
                Some(f) => format!("ffmpeg ({f})"),
                None => "ffmpeg (probed)".into(),
            },
            source_s: secs(&s.source_frames),
            fallback_s: secs(&s.fallback_frames),
            silence_s: secs(&s.silent_frames),
            stalls: s.stalls.load(Ordering::Relaxed),
            reconnects: s.reconnects.load(Ordering::Relaxed),
            last_error: s.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        }
    }
}

/// Whether a source address is one ffmpeg is let to open: a web stream (Icecast, SHOUTcast,
/// HLS), never a local file or another protocol.
pub fn valid_url(url: &str) -> bool {
    (url.starts_with("http://") || url.starts_with("https://")) && !url.contains(char::is_whitespace) && url.len() > 10
}

fn samples(d: Duration) -> usize {
    (d.as_secs_f64() * f64::from(RATE)) as usize * usize::from(CHANNELS)
}

/// Runs ffmpeg on the source until the window ends or the feed is dropped; again after a stall
/// or an exit, with a growing pause.
fn connector(feed: &std::sync::Weak<Shared>, url: &str, end: DateTime<Utc>) {
    let mut pause = Duration::from_millis(500);
    let mut first = true;
    loop {
        let Some(shared) = feed.upgrade() else { return };
        if shared.stop.load(Ordering::Acquire) || Utc::now() >= end {
            return;
        }
        if !first {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        first = false;
        drop(shared);
        let started = Instant::now();
        let why = run_once(feed, url, end).err();
        let Some(shared) = feed.upgrade() else { return };
        if let Some(why) = why {
            tracing::warn!(why, "{}", t!("log-relay-lost"));
            *shared.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        }
        shared.stalls.fetch_add(1, Ordering::Relaxed);
        drop(shared);
        // A connection that played a while starts again quickly; one that keeps failing waits
        // longer each time.
        if started.elapsed() > Duration::from_secs(30) {
            pause = Duration::from_millis(500);
        }
        std::thread::sleep(pause);
        // At most 3 s: a station's stream that comes back is back on air within seconds.
        pause = (pause * 2).min(Duration::from_secs(3));
    }
}

/// One ffmpeg run: until it ends, stalls, the window ends, or the feed is dropped.
fn run_once(feed: &std::sync::Weak<Shared>, url: &str, end: DateTime<Utc>) -> Result<(), String> {
    if let Some(shared) = feed.upgrade() {
        *shared.last_bytes.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
    let mut child: Child = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error"])
        .args([
            "-reconnect",
            "1",
            "-reconnect_streamed",
            "1",
            "-reconnect_delay_max",
            "2",
        ])
        .args(["-rw_timeout", "5000000"])
        // A stream's format told by its address: probing an Icecast MP3 stream without it took
        // ffmpeg 7 s, or failed outright with small probe sizes.
        .args(input_format(url).map_or(Vec::new(), |f| vec!["-f", f]))
        .args(["-i", url, "-vn", "-ac", "2", "-ar", "44100", "-f", "s16le", "pipe:1"])
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
        let cap = samples(MAX_BUFFER);
        let mut b = shared.buffer.lock().unwrap_or_else(|p| p.into_inner());
        b.extend(
            bytes
                .chunks_exact(2)
                .map(|s| f32::from(i16::from_le_bytes([s[0], s[1]])) / 32768.0),
        );
        if b.len() > cap {
            let drop = (b.len() - cap) / 2 * 2;
            b.drain(..drop);
        }
    }
    done.store(true, Ordering::Release);
    let stalled = watchdog.join().unwrap_or(false);
    let _ = child.kill();
    let status = child.wait();
    let said = errors.join().unwrap_or_default();
    if stalled {
        return Err(t!("relay-stalled", seconds = STALL.as_secs()));
    }
    match status {
        Ok(s) if s.success() => Err(t!("relay-ended")),
        _ => Err(said
            .lines()
            .last()
            .map_or_else(|| t!("relay-ended"), |l| l.trim().to_string())),
    }
}

/// The container a stream's address names, for ffmpeg's `-f`; None lets ffmpeg probe (HLS
/// playlists and MPEG-TS are recognised quickly; so is anything with a header).
pub fn input_format(url: &str) -> Option<&'static str> {
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|last| last.rsplit_once('.'))
        .map(|(_, e)| e.to_string());
    match ext.as_deref() {
        Some("mp3") => Some("mp3"),
        Some("aac" | "aacp") => Some("aac"),
        Some("ogg" | "oga" | "opus") => Some("ogg"),
        _ => None,
    }
}

/// What a source sends, asked of it now with Debian's ffprobe (`loaxa check --online`): its
/// format, codec, rate, channels and bitrate, in one line; or why it does not answer.
pub fn probe(url: &str) -> Result<String, String> {
    let mut cmd = Command::new("ffprobe");
    cmd.args(["-v", "error", "-rw_timeout", "8000000"]);
    if let Some(f) = input_format(url) {
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
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().last().unwrap_or("").trim().to_string());
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
    Ok(format!(
        "{} / {}{}, {} Hz, {} ch{kbps}",
        text(&v["format"]["format_name"]).unwrap_or_default(),
        text(&s["codec_name"]).unwrap_or_default(),
        text(&s["profile"]).map(|p| format!(" ({p})")).unwrap_or_default(),
        text(&s["sample_rate"]).unwrap_or_default(),
        text(&s["channels"]).unwrap_or_default(),
    ))
}

fn kill(pid: u32) {
    // SAFETY: a signal to the ffmpeg this thread's connector started.
    unsafe { libc::kill(pid as i32, libc::SIGTERM) };
}

/// What the source plays at a moment.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Playing {
    Stream,
    Fallback,
}

/// The relay as a rodio source on the output's audio thread.
pub struct RelaySource {
    feed: RelayFeed,
    /// Frames left until the window's end, counted from the first sample.
    left: Option<u64>,
    fade_frames: u64,
    done: u64,
    playing: Playing,
    /// Samples of the current block: its sum of squares, and how many.
    block: (f64, usize),
    silent_for: Duration,
    signal_for: Duration,
    stalled: bool,
    fallback: Option<Box<dyn Iterator<Item = f32> + Send>>,
    frame: [f32; 2],
    in_frame: usize,
}

impl RelaySource {
    fn new(feed: RelayFeed) -> RelaySource {
        let fade_frames = (feed.spec.fade.as_secs_f64() * f64::from(RATE)) as u64;
        RelaySource {
            feed,
            left: None,
            fade_frames,
            done: 0,
            playing: Playing::Stream,
            block: (0.0, 0),
            silent_for: Duration::ZERO,
            signal_for: Duration::ZERO,
            stalled: false,
            fallback: None,
            frame: [0.0; 2],
            in_frame: 2,
        }
    }

    fn fallback_frame(&mut self) -> [f32; 2] {
        if self.fallback.is_none() {
            self.fallback = self.feed.spec.fallback.as_ref().and_then(|p| open_fallback(p));
        }
        let Some(f) = self.fallback.as_mut() else {
            return [0.0; 2];
        };
        match (f.next(), f.next()) {
            (Some(l), Some(r)) => [l, r],
            // Looped: opened again on the next frame.
            _ => {
                self.fallback = None;
                [0.0; 2]
            }
        }
    }

    /// The next frame of the stream, if the buffer has one (keeping the lead after a stall).
    fn stream_frame(&mut self) -> Option<[f32; 2]> {
        let s = &self.feed.shared;
        let mut b = s.buffer.lock().unwrap_or_else(|p| p.into_inner());
        if self.stalled && b.len() < samples(LEAD) {
            return None;
        }
        match (b.pop_front(), b.pop_front()) {
            (Some(l), Some(r)) => {
                self.stalled = false;
                Some([l, r])
            }
            _ => {
                self.stalled = true;
                None
            }
        }
    }

    fn judge(&mut self, frame: Option<[f32; 2]>) {
        let block = samples(BLOCK) / 2;
        match frame {
            Some([l, r]) => {
                self.block.0 += f64::from(l) * f64::from(l) + f64::from(r) * f64::from(r);
                self.block.1 += 2;
            }
            None => self.block.1 += 2,
        }
        if self.block.1 / 2 < block {
            return;
        }
        let rms = (self.block.0 / self.block.1 as f64).sqrt();
        let db = if rms > 0.0 { 20.0 * rms.log10() } else { -100.0 };
        self.feed
            .shared
            .level_ddb
            .store((db.max(-100.0) * 10.0).round() as i32, Ordering::Relaxed);
        let silent = db < SILENCE_DBFS;
        self.block = (0.0, 0);
        if silent || frame.is_none() {
            self.silent_for += BLOCK;
            self.signal_for = Duration::ZERO;
        } else {
            self.signal_for += BLOCK;
            self.silent_for = Duration::ZERO;
        }
        match self.playing {
            Playing::Stream if self.stalled || self.silent_for >= SILENCE_FOR => {
                tracing::warn!(source = self.feed.spec.name, "{}", t!("log-relay-fallback"));
                self.playing = Playing::Fallback;
            }
            Playing::Fallback if !self.stalled && self.signal_for >= BACK_AFTER => {
                tracing::info!(source = self.feed.spec.name, "{}", t!("log-relay-back"));
                self.playing = Playing::Stream;
            }
            _ => {}
        }
        self.feed
            .shared
            .on_fallback
            .store(self.playing == Playing::Fallback, Ordering::Relaxed);
    }

    fn next_frame(&mut self) -> Option<[f32; 2]> {
        let left = *self.left.get_or_insert_with(|| {
            let ms = (self.feed.end - Utc::now()).num_milliseconds().max(0) as u64;
            // Whole spans, so the source ends on a span's boundary (and never past the end).
            ms * u64::from(RATE) / 1000 / SPAN * SPAN
        });
        if self.done >= left {
            return None;
        }
        let stream = self.stream_frame();
        if let Some([l, r]) = stream
            && (l.abs() < 0.003 && r.abs() < 0.003)
        {
            self.feed.shared.silent_frames.fetch_add(1, Ordering::Relaxed);
        }
        self.judge(stream);
        let s = &self.feed.shared;
        let frame = match (self.playing, stream) {
            (Playing::Stream, Some(f)) => {
                s.source_frames.fetch_add(1, Ordering::Relaxed);
                f
            }
            _ => {
                s.fallback_frames.fetch_add(1, Ordering::Relaxed);
                self.fallback_frame()
            }
        };
        // Fades at the window's edges: in from the first frame, out to the last.
        let gain = if self.fade_frames == 0 {
            1.0
        } else {
            let from_start = self.done as f32 / self.fade_frames as f32;
            let to_end = (left - self.done) as f32 / self.fade_frames as f32;
            from_start.min(to_end).min(1.0)
        };
        self.done += 1;
        Some([frame[0] * gain, frame[1] * gain])
    }
}

fn open_fallback(path: &std::path::Path) -> Option<Box<dyn Iterator<Item = f32> + Send>> {
    let decoder = super::decode::open(path, None).ok()?;
    let uniform =
        rodio::source::UniformSourceIterator::new(decoder, ChannelCount::new(CHANNELS)?, SampleRate::new(RATE)?);
    Some(Box::new(uniform))
}

impl Iterator for RelaySource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.in_frame >= 2 {
            self.frame = self.next_frame()?;
            self.in_frame = 0;
        }
        self.in_frame += 1;
        Some(self.frame[self.in_frame - 1])
    }
}

impl Source for RelaySource {
    fn current_span_len(&self) -> Option<usize> {
        // Spans end on frames, so what follows (the closing chime) is read in its own format.
        Some(2 * SPAN as usize)
    }

    fn channels(&self) -> ChannelCount {
        ChannelCount::new(CHANNELS).unwrap_or(ChannelCount::MIN)
    }

    fn sample_rate(&self) -> SampleRate {
        SampleRate::new(RATE).unwrap_or(SampleRate::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}
