//! A live input on the loudspeaker line (`loaxa live`, issue #17): the microphone, the line-in
//! or the phone hybrid, taken from a capture device and played as one segment of a programme,
//! between the station's chimes, on the same single line as everything else.
//!
//! The capture runs on a thread of its own (a cpal stream belongs to the thread that made it)
//! and fills a bounded buffer; the segment's source empties it on the output's audio thread.
//! When the segment starts it drops what was captured while the chime played (or while the line
//! was busy), keeping [`LAG`]: what the officer says now is heard now, not seconds later. What
//! went on air is measured there (level, silence, gaps) and, if asked, copied to a recorder
//! thread that writes it as WAV for the audit. Nothing on the audio thread blocks or allocates
//! for long: the buffer lock is held for one copy, and the recorder is fed with `try_send`.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rodio::cpal::traits::{DeviceTrait, StreamTrait};
use rodio::cpal::{self, SampleFormat};
use rodio::{ChannelCount, SampleRate, Source};

use super::device::DeviceError;

/// Why a live input could not be opened or recorded.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Device(#[from] DeviceError),
    /// What the sound system said when the input stream was built or started.
    #[error("{0}")]
    Stream(#[from] cpal::Error),
    #[error("{}", t!("live-input-hung"))]
    Hung,
    #[error("{}", t!("live-input-silent", seconds = .0))]
    Silent(u64),
    /// The machine would not start a thread (out of memory or of processes).
    #[error("{0}")]
    Thread(#[source] std::io::Error),
    #[error("{}: {source}", .path.display())]
    Recording { path: PathBuf, source: hound::Error },
    /// The recording's thread ended without an answer.
    #[error("{}", t!("control-internal"))]
    Lost,
}

impl LiveError {
    fn recording(path: &Path) -> impl FnOnce(hound::Error) -> LiveError + '_ {
        move |source| LiveError::Recording {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// How much of the captured audio is kept ahead of the output: enough to ride over the two
/// devices' periods, little enough that the officer does not hear themselves late.
const LAG: Duration = Duration::from_millis(60);
/// The two devices' clocks drift apart: when the buffer holds more than this, it is cut back
/// to [`LAG`].
const MAX_LAG: Duration = Duration::from_millis(300);
/// What the buffer holds at most while the segment has not started.
const MAX_BUFFER: Duration = Duration::from_secs(2);
/// Blocks of this length below [`SILENCE_DBFS`] count as silence in the summary.
const BLOCK: Duration = Duration::from_millis(100);
const SILENCE_DBFS: f32 = -50.0;

/// The live input as a segment of one programme. Clones share it; the programme (waiting, on
/// air, or replayed after an emergency) and its playing source hold it, and when none does any
/// more the live is over ([`Capture::abandoned`]).
#[derive(Clone)]
pub struct LiveFeed {
    shared: Arc<Shared>,
    /// Counted, never read: while any clone lives, the live is on the line.
    _held: Arc<()>,
}

impl std::fmt::Debug for LiveFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LiveFeed({} ch, {} Hz)", self.shared.channels, self.shared.rate)
    }
}

impl PartialEq for LiveFeed {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

struct Shared {
    channels: u16,
    rate: u32,
    buffer: Mutex<VecDeque<f32>>,
    /// No more input is coming: the source plays what is left and ends.
    ended: AtomicBool,
    /// When the segment first played.
    started: Mutex<Option<(DateTime<Utc>, Instant)>>,
    /// The segment has played out (or its source is gone).
    drained: AtomicBool,
    level: Mutex<Level>,
    /// Frames dropped because the buffer was full, and frames the output asked for that had
    /// not been captured yet (played as silence).
    overflow: AtomicU64,
    underflow: AtomicU64,
    recorder: Mutex<Option<SyncSender<Vec<f32>>>>,
    /// The capture device failed.
    failed: Mutex<Option<String>>,
}

/// What went on air, measured on the samples themselves.
#[derive(Clone, Debug, Default)]
struct Level {
    frames: u64,
    peak: f32,
    sum_squares: f64,
    samples: u64,
    silent_blocks: u64,
    block_squares: f64,
    block_samples: u64,
}

/// The summary the history keeps of a live.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    pub seconds_on_air: f64,
    /// `None` when nothing went on air.
    pub peak_dbfs: Option<f64>,
    pub rms_dbfs: Option<f64>,
    /// Seconds of the live below −50 dBFS (a dead microphone shows here).
    pub silent_seconds: f64,
    /// Seconds the output waited for the capture (heard as silence), and seconds the capture
    /// produced that had to be dropped.
    pub gap_seconds: f64,
    pub dropped_seconds: f64,
}

impl Shared {
    fn new(channels: u16, rate: u32) -> Shared {
        Shared {
            channels,
            rate,
            buffer: Mutex::new(VecDeque::new()),
            ended: AtomicBool::new(false),
            started: Mutex::new(None),
            drained: AtomicBool::new(false),
            level: Mutex::new(Level::default()),
            overflow: AtomicU64::new(0),
            underflow: AtomicU64::new(0),
            recorder: Mutex::new(None),
            failed: Mutex::new(None),
        }
    }

    /// Interleaved samples for `d` of audio.
    fn samples(&self, d: Duration) -> usize {
        (d.as_secs_f64() * f64::from(self.rate)) as usize * usize::from(self.channels)
    }

    /// Called on the capture thread with interleaved samples.
    fn push(&self, samples: impl Iterator<Item = f32>) {
        if self.ended.load(Ordering::Acquire) {
            return;
        }
        let cap = self.samples(MAX_BUFFER);
        let channels = usize::from(self.channels);
        let mut b = self.buffer.lock().unwrap_or_else(|p| p.into_inner());
        b.extend(samples);
        if b.len() > cap {
            let drop = (b.len() - cap) / channels * channels;
            b.drain(..drop);
            self.overflow.fetch_add((drop / channels) as u64, Ordering::Relaxed);
        }
    }
}

impl LiveFeed {
    /// The source that plays it (built each time the programme starts: once, or again after
    /// an emergency cut it off).
    pub fn source(&self) -> LiveSource {
        LiveSource {
            feed: self.clone(),
            buf: Vec::new(),
            pos: 0,
            in_span: 0,
            first: true,
            level: Level::default(),
        }
    }
}

impl Capture {
    /// Waits up to `limit` for the input's first samples: a sound server takes a second or
    /// two to deliver a fresh stream's first audio, and the live must not start on silence
    /// after the chime. False when nothing came (a dead input).
    pub fn warm_up(&self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if !self.shared.buffer.lock().unwrap_or_else(|p| p.into_inner()).is_empty() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// No more input: the source plays what is buffered (at most [`LAG`]) and ends; the
    /// closing chime follows.
    pub fn end(&self) {
        self.shared.ended.store(true, Ordering::Release);
    }

    /// When the live input was first heard.
    pub fn started(&self) -> Option<DateTime<Utc>> {
        self.shared
            .started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|s| s.0)
    }

    /// The same, on the monotonic clock (a `--for` bound counts from it).
    pub fn started_instant(&self) -> Option<Instant> {
        self.shared
            .started
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .map(|s| s.1)
    }

    /// The live's source has played what there was, after [`Capture::end`].
    pub fn drained(&self) -> bool {
        self.shared.drained.load(Ordering::Acquire)
    }

    /// Why the capture device stopped, if it did.
    pub fn failed(&self) -> Option<String> {
        self.shared.failed.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn summary(&self) -> Summary {
        let s = &self.shared;
        let l = s.level.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let rate = f64::from(s.rate.max(1));
        let db = |x: f64| (x > 0.0).then(|| (20.0 * x.log10() * 10.0).round() / 10.0);
        let rms = if l.samples == 0 {
            0.0
        } else {
            (l.sum_squares / l.samples as f64).sqrt()
        };
        Summary {
            seconds_on_air: round2(l.frames as f64 / rate),
            peak_dbfs: db(f64::from(l.peak)),
            rms_dbfs: db(rms),
            silent_seconds: round2(l.silent_blocks as f64 * BLOCK.as_secs_f64()),
            gap_seconds: round2(s.underflow.load(Ordering::Relaxed) as f64 / rate),
            dropped_seconds: round2(s.overflow.load(Ordering::Relaxed) as f64 / rate),
        }
    }

    /// The programme that carried the live is gone (stopped, skipped, failed, or the daemon is
    /// stopping): nothing holds its feed any more.
    pub fn abandoned(&self) -> bool {
        self.held.strong_count() == 0
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The feed as a rodio source on the output's audio thread.
pub struct LiveSource {
    feed: LiveFeed,
    buf: Vec<f32>,
    pos: usize,
    /// Samples given in the current span.
    in_span: usize,
    first: bool,
    level: Level,
}

impl LiveSource {
    /// Takes the next chunk from the buffer (whole frames). False when nothing is there.
    fn refill(&mut self) -> bool {
        let s = &self.feed.shared;
        let channels = usize::from(s.channels);
        let (lag, max_lag) = (s.samples(LAG), s.samples(MAX_LAG));
        self.buf.clear();
        self.pos = 0;
        {
            let mut b = s.buffer.lock().unwrap_or_else(|p| p.into_inner());
            if self.first || b.len() > max_lag {
                // Live means now: what was captured during the chime, or what the clocks'
                // drift has piled up, is skipped.
                let skip = b.len().saturating_sub(lag) / channels * channels;
                b.drain(..skip);
            }
            let n = b.len().min(1024 / channels * channels);
            self.buf.extend(b.drain(..n));
        }
        if self.buf.is_empty() {
            return false;
        }
        if self.first {
            self.first = false;
            *s.started.lock().unwrap_or_else(|p| p.into_inner()) = Some((Utc::now(), Instant::now()));
        }
        self.measure();
        true
    }

    fn measure(&mut self) {
        let s = &self.feed.shared;
        let channels = usize::from(s.channels);
        let block = s.samples(BLOCK) as u64;
        let l = &mut self.level;
        for &x in &self.buf {
            l.peak = l.peak.max(x.abs());
            let sq = f64::from(x) * f64::from(x);
            l.sum_squares += sq;
            l.samples += 1;
            l.block_squares += sq;
            l.block_samples += 1;
            if l.block_samples >= block {
                let rms = (l.block_squares / l.block_samples as f64).sqrt();
                if rms <= 0.0 || 20.0 * rms.log10() < f64::from(SILENCE_DBFS) {
                    l.silent_blocks += 1;
                }
                l.block_squares = 0.0;
                l.block_samples = 0;
            }
        }
        l.frames += (self.buf.len() / channels) as u64;
        if let Ok(mut shared) = s.level.try_lock() {
            *shared = l.clone();
        }
        if let Ok(r) = s.recorder.try_lock()
            && let Some(r) = r.as_ref()
        {
            let _ = r.try_send(self.buf.clone());
        }
    }
}

/// Frames in each of the source's spans. A source of unknown length must still say where its
/// spans end: rodio's queue and mixer read a source's format again only at a span boundary,
/// and without one the closing chime after the live (44.1 kHz mono) was played as if it had
/// the capture's format (48 kHz stereo), 2.18 times too fast.
const SPAN_FRAMES: usize = 441;

impl Iterator for LiveSource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        let span = SPAN_FRAMES * usize::from(self.feed.shared.channels);
        // Once ended, the last span is filled with silence: the source ends on a boundary.
        let x = self.sample().or_else(|| (self.in_span != 0).then_some(0.0))?;
        self.in_span = (self.in_span + 1) % span;
        Some(x)
    }
}

impl LiveSource {
    /// The next captured sample; None once the live has ended and its buffer is played.
    fn sample(&mut self) -> Option<f32> {
        if self.pos < self.buf.len() {
            self.pos += 1;
            return Some(self.buf[self.pos - 1]);
        }
        if self.refill() {
            self.pos = 1;
            return Some(self.buf[0]);
        }
        if self.feed.shared.ended.load(Ordering::Acquire) {
            self.feed.shared.drained.store(true, Ordering::Release);
            return None;
        }
        // Nothing captured yet: a frame of silence, not a stall of the whole line.
        self.feed.shared.underflow.fetch_add(1, Ordering::Relaxed);
        let channels = usize::from(self.feed.shared.channels);
        self.buf.resize(channels, 0.0);
        self.pos = 1;
        Some(0.0)
    }
}

impl Source for LiveSource {
    fn current_span_len(&self) -> Option<usize> {
        Some(SPAN_FRAMES * usize::from(self.feed.shared.channels))
    }

    fn channels(&self) -> ChannelCount {
        ChannelCount::new(self.feed.shared.channels).unwrap_or(ChannelCount::MIN)
    }

    fn sample_rate(&self) -> SampleRate {
        SampleRate::new(self.feed.shared.rate).unwrap_or(SampleRate::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

impl Drop for LiveSource {
    fn drop(&mut self) {
        if let Ok(mut shared) = self.feed.shared.level.lock() {
            *shared = self.level.clone();
        }
        self.feed.shared.drained.store(true, Ordering::Release);
    }
}

/// An open capture device feeding a [`LiveFeed`], as the session that opened it sees it; the
/// stream stops when this is dropped.
pub struct Capture {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    shared: Arc<Shared>,
    /// Alive while a programme or a source holds the feed.
    held: Weak<()>,
}

impl Capture {
    /// Opens the capture device `name` and starts filling the feed it returns for the
    /// programme; the error says why not.
    pub fn open(name: &str) -> Result<(Capture, LiveFeed), LiveError> {
        let (opened, result) = mpsc::channel();
        let (stop, stopped) = mpsc::channel::<()>();
        let name = name.to_string();
        let thread = std::thread::Builder::new()
            .name("loaxa-live-in".into())
            .spawn(move || {
                let _quiet = alsa::Output::local_error_handler().ok();
                match start(&name) {
                    Ok((stream, shared)) => {
                        let _ = opened.send(Ok(shared));
                        // Until the session stops it, or is gone.
                        let _ = stopped.recv();
                        drop(stream);
                    }
                    Err(e) => {
                        let _ = opened.send(Err(e));
                    }
                }
            })
            .map_err(LiveError::Thread)?;
        match result.recv_timeout(Duration::from_secs(10)) {
            Ok(Ok(shared)) => {
                let held = Arc::new(());
                let capture = Capture {
                    stop: Some(stop),
                    thread: Some(thread),
                    shared: shared.clone(),
                    held: Arc::downgrade(&held),
                };
                Ok((capture, LiveFeed { shared, _held: held }))
            }
            Ok(Err(e)) => Err(e),
            Err(_) => Err(LiveError::Hung),
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start(name: &str) -> Result<(cpal::Stream, Arc<Shared>), LiveError> {
    let device = super::device::input(name)?;
    let supported = device.default_input_config()?;
    let feed = Arc::new(Shared::new(supported.channels().max(1), supported.sample_rate().max(1)));
    let mut config = super::output::stream_config(
        &supported,
        std::time::Duration::from_millis(super::settings::DEFAULT_LATENCY_MS),
    );
    let build = |config: cpal::StreamConfig| -> Result<cpal::Stream, cpal::Error> {
        macro_rules! build {
            ($($format:ident => $t:ty),+) => {
                match supported.sample_format() {
                    $(SampleFormat::$format => {
                        let (feed, failed) = (feed.clone(), feed.clone());
                        device.build_input_stream::<$t, _, _>(
                            config,
                            move |data: &[$t], _: &cpal::InputCallbackInfo| {
                                feed.push(data.iter().map(|s| cpal::Sample::to_sample::<f32>(*s)))
                            },
                            move |e| {
                                if !super::device::is_passing(&e) {
                                    *failed.failed.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
                                }
                            },
                            None,
                        )
                    })+
                    _ => Err(cpal::ErrorKind::UnsupportedConfig.into()),
                }
            };
        }
        build!(F32 => f32, F64 => f64, I16 => i16, I32 => i32, U16 => u16, U32 => u32, I8 => i8, U8 => u8)
    };
    // A 20 ms period where the device takes it, its own otherwise.
    let stream = match build(config) {
        Ok(s) => s,
        Err(_) => {
            config.buffer_size = cpal::BufferSize::Default;
            build(config)?
        }
    };
    stream.play()?;
    Ok((stream, feed))
}

/// Writes what went on air to a WAV file, off the audio thread.
pub struct Recorder {
    thread: JoinHandle<Result<Recorded, LiveError>>,
}

/// A finished recording.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Recorded {
    /// Relative to the data folder.
    pub path: String,
    pub sha256: String,
    pub seconds: f64,
}

impl Recorder {
    /// Starts recording what the capture's feed airs into `<data>/live/<name>.wav`.
    pub fn start(capture: &Capture, data: &Path, name: &str) -> Result<Recorder, LiveError> {
        let feed = &capture.shared;
        let dir = data.join("live");
        crate::files::create_private_dir(&dir).map_err(|e| LiveError::recording(&dir)(hound::Error::IoError(e)))?;
        let file = dir.join(format!("{name}.wav"));
        let spec = hound::WavSpec {
            channels: feed.channels,
            sample_rate: feed.rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let writer = hound::WavWriter::create(&file, spec).map_err(LiveError::recording(&file))?;
        // About 10 s of chunks: the disk may stall, the audio thread never waits on it.
        let (tx, rx) = mpsc::sync_channel(512);
        *feed.recorder.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
        let (relative, rate, channels) = (
            PathBuf::from("live").join(format!("{name}.wav")),
            feed.rate,
            feed.channels,
        );
        let thread = std::thread::Builder::new()
            .name("loaxa-live-rec".into())
            .spawn(move || record(writer, rx, &file, &relative, rate, channels))
            .map_err(LiveError::Thread)?;
        Ok(Recorder { thread })
    }

    /// Closes the recording (the feed stops sending) and fingerprints it.
    pub fn finish(self, capture: &Capture) -> Result<Recorded, LiveError> {
        capture.shared.recorder.lock().unwrap_or_else(|p| p.into_inner()).take();
        self.thread.join().map_err(|_| LiveError::Lost)?
    }
}

fn record(
    mut writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
    rx: Receiver<Vec<f32>>,
    file: &Path,
    relative: &Path,
    rate: u32,
    channels: u16,
) -> Result<Recorded, LiveError> {
    let mut samples = 0u64;
    let mut error = None;
    for chunk in rx {
        for x in chunk {
            if error.is_none()
                && let Err(e) = writer.write_sample((x.clamp(-1.0, 1.0) * 32767.0) as i16)
            {
                error = Some(e);
            }
            samples += 1;
        }
    }
    writer.finalize().map_err(LiveError::recording(file))?;
    if let Some(e) = error {
        return Err(LiveError::recording(file)(e));
    }
    let bytes = std::fs::read(file).map_err(|e| LiveError::recording(file)(hound::Error::IoError(e)))?;
    use sha2::Digest;
    Ok(Recorded {
        path: relative.display().to_string(),
        sha256: crate::domain::text::hex(&sha2::Sha256::digest(&bytes)),
        seconds: round2(samples as f64 / f64::from(channels.max(1)) / f64::from(rate.max(1))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(channels: u16, rate: u32) -> (Arc<Shared>, LiveFeed) {
        let shared = Arc::new(Shared::new(channels, rate));
        let feed = LiveFeed {
            shared: shared.clone(),
            _held: Arc::new(()),
        };
        (shared, feed)
    }

    #[test]
    fn starts_on_what_was_just_said_and_ends_on_a_span_boundary() {
        let (shared, feed) = feed(2, 1000);
        // Two seconds captured while the chime played: only the last LAG (60 ms) is kept.
        shared.push((0..4000).map(|i| i as f32 / 4000.0));
        let mut source = feed.source();
        assert_eq!(source.current_span_len(), Some(2 * SPAN_FRAMES));
        let first = source.next().unwrap();
        assert!((first - 3880.0 / 4000.0).abs() < 1e-6, "{first}");
        assert!(feed_started(&shared));
        // Nothing captured yet: silence, counted as a gap, and the source goes on.
        let played: Vec<f32> = source.by_ref().take(119 + 10).collect();
        assert_eq!(played.len(), 129);
        assert!(played[119..].iter().all(|x| *x == 0.0));
        assert_eq!(shared.underflow.load(Ordering::Relaxed), 5);
        shared.ended.store(true, Ordering::Release);
        // Ended mid-span: the span is filled up with silence, then the source ends.
        let rest: Vec<f32> = source.by_ref().collect();
        assert_eq!((130 + rest.len()) % (2 * SPAN_FRAMES), 0);
        assert!(shared.drained.load(Ordering::Acquire));
        let summary = {
            drop(source);
            let l = shared.level.lock().unwrap().clone();
            l.frames
        };
        assert_eq!(summary, 60, "60 ms at 1 kHz on air");
    }

    #[test]
    fn a_full_buffer_drops_the_oldest_and_counts_it() {
        let (shared, _feed) = feed(1, 1000);
        shared.push((0..2500).map(|_| 0.5));
        assert_eq!(shared.buffer.lock().unwrap().len(), 2000);
        assert_eq!(shared.overflow.load(Ordering::Relaxed), 500);
        shared.ended.store(true, Ordering::Release);
        shared.push((0..10).map(|_| 0.5));
        assert_eq!(
            shared.buffer.lock().unwrap().len(),
            2000,
            "nothing is taken after the end"
        );
    }

    fn feed_started(shared: &Shared) -> bool {
        shared.started.lock().unwrap().is_some()
    }
}
