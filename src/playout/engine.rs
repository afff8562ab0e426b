//! The audio engine: one OS thread owns the sound device and the loudspeaker line.
//!
//! Async code submits [`Programme`]s and receives [`PlayoutEvent`]s. The thread pre-rolls each
//! programme a few seconds ahead (opens the device, decodes every file once, opens the
//! decoders that will play), then waits for the scheduled instant on the wall clock, finishing
//! with a short spin so the first sample reaches the mixer on time. It measures lateness as
//! the moment the device pulled the first sample. Waits are re-checked against the wall clock
//! at least every 250 ms, so a clock step is noticed instead of slept through.
//!
//! tokio-cron-scheduler is not used here: it polls every 500 ms and its one-shot jobs fire up to
//! a second early. It suits housekeeping, not starting audio on the second.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rodio::source::{EmptyCallback, Zero};

use super::fade::{FADE, Fade, FadeOut};
use rodio::{ChannelCount, MixerDeviceSink, Player, SampleRate, Source};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::decode::{self, Opened};
use super::programme::{Programme, Segment};
use super::queue::{Queue, interrupts};
use crate::config::AfterInterrupt;

/// How the engine runs.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    /// `"default"` or a device name.
    pub device: String,
    pub preroll: Duration,
    pub after_interrupt: AfterInterrupt,
    /// How long past its scheduled time a programme may wait for a missing device before it fails.
    pub give_up: Duration,
}

impl EngineSettings {
    pub fn from_config(audio: &crate::config::AudioConfig) -> EngineSettings {
        EngineSettings {
            device: audio.device.clone(),
            preroll: audio.preroll,
            after_interrupt: audio.after_interrupt,
            give_up: Duration::from_secs(60),
        }
    }
}

/// What the engine reports. Every programme ends with exactly one of `Finished`, `Failed` or
/// `Interrupted` (an interrupted programme that is replayed ends again later).
#[derive(Clone, Debug, PartialEq)]
pub enum PlayoutEvent {
    Queued {
        key: String,
    },
    /// Due, but another programme holds the line.
    Waiting {
        key: String,
        behind: String,
    },
    Prerolled {
        key: String,
    },
    Started {
        key: String,
        scheduled_at: DateTime<Utc>,
        started_at: DateTime<Utc>,
        lateness_ms: i64,
    },
    Finished {
        key: String,
        at: DateTime<Utc>,
    },
    Failed {
        key: String,
        reason: String,
    },
    Interrupted {
        key: String,
        by: String,
        replay: bool,
    },
    DeviceError {
        reason: String,
    },
    /// The device opened (it is opened for each run of programmes and closed between them).
    DeviceReady,
}

enum Msg {
    Submit(Programme),
    Shutdown { cut: bool },
    FirstSample { token: u64, at: DateTime<Utc> },
    Ended { token: u64 },
    DeviceError(String),
}

thread_local! {
    /// ALSA's messages on the engine thread (alsa-lib's handler is per thread).
    static ALSA_MESSAGES: std::cell::RefCell<Option<std::rc::Rc<std::cell::RefCell<alsa::Output>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Handle to the engine thread.
pub struct Engine {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl Engine {
    pub fn start(settings: EngineSettings) -> (Engine, UnboundedReceiver<PlayoutEvent>) {
        let (tx, rx) = mpsc::channel();
        let (events, events_rx) = unbounded_channel();
        let line = Line::new(settings, events, tx.clone());
        let thread = std::thread::Builder::new()
            .name("loaxa-playout".into())
            .spawn(move || line.run(rx))
            .ok();
        if thread.is_none() {
            tracing::error!("{}", t!("log-no-playout-thread"));
        }
        (Engine { tx, thread }, events_rx)
    }

    /// Queues a programme for its scheduled instant (now or in the past means at once).
    pub fn submit(&self, p: Programme) {
        let _ = self.tx.send(Msg::Submit(p));
    }

    /// Stops taking work; `cut` stops the programme on air, otherwise it finishes first.
    pub fn shutdown(mut self, cut: bool) {
        let _ = self.tx.send(Msg::Shutdown { cut });
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A programme ready to air: its decoders, opened at pre-roll.
struct Prepared {
    sources: Vec<Option<Opened>>,
    expected: Duration,
}

struct OnAir {
    programme: Programme,
    token: u64,
    player: Player,
    fade: Fade,
    since: Instant,
    expected: Duration,
}

impl OnAir {
    /// Off the line in a few milliseconds' fade, not a cut (no click). The player is let go
    /// without stopping its source: the fade ends it.
    fn fade_out(self) -> Programme {
        self.fade.now();
        self.player.detach();
        self.programme
    }
}

/// How far ahead of a start the thread stops sleeping and starts watching the clock closely.
const LEAD: Duration = Duration::from_millis(30);
/// The last stretch before a start is spun, not slept.
const SPIN: Duration = Duration::from_millis(1);
/// Longest sleep between wall-clock checks.
const MAX_NAP: Duration = Duration::from_millis(250);
/// How many programmes waiting for the line are prepared (files checked, decoders open) at once.
const PREPARED_AHEAD: usize = 2;
/// A programme that runs this much longer than its audio has stalled (device gone quiet).
const STALL_MARGIN: Duration = Duration::from_secs(30);

struct Line {
    settings: EngineSettings,
    events: UnboundedSender<PlayoutEvent>,
    tx: mpsc::Sender<Msg>,
    queue: Queue,
    prepared: HashMap<String, Prepared>,
    sink: Option<MixerDeviceSink>,
    device_retry: Option<(Instant, Duration)>,
    device_problem: Option<String>,
    on_air: Option<OnAir>,
    next_token: u64,
    waiting_reported: HashSet<String>,
    stopping: bool,
    /// Pre-roll stopped early to start a programme; continue on the next tick without napping.
    pending_preroll: bool,
}

impl Line {
    fn new(settings: EngineSettings, events: UnboundedSender<PlayoutEvent>, tx: mpsc::Sender<Msg>) -> Line {
        Line {
            settings,
            events,
            tx,
            queue: Queue::default(),
            prepared: HashMap::new(),
            sink: None,
            device_retry: None,
            device_problem: None,
            on_air: None,
            next_token: 0,
            waiting_reported: HashSet::new(),
            stopping: false,
            pending_preroll: false,
        }
    }

    fn emit(&self, e: PlayoutEvent) {
        let _ = self.events.send(e);
    }

    fn run(mut self, rx: mpsc::Receiver<Msg>) {
        // ALSA's own messages ("ALSA lib pcm.c:…") would go raw to stderr, several lines per
        // retry; on this thread (where the device is opened) they are caught instead and
        // folded into one line of the failure's reason.
        ALSA_MESSAGES.set(alsa::Output::local_error_handler().ok());
        loop {
            match rx.recv_timeout(self.nap(Utc::now())) {
                Ok(msg) => self.handle(msg),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => self.stopping = true,
            }
            while let Ok(msg) = rx.try_recv() {
                self.handle(msg);
            }
            crate::failpoint::hit("playout");
            self.tick();
            if self.stopping && self.on_air.is_none() {
                break;
            }
        }
        self.sink = None;
        tracing::info!("playout stopped");
    }

    /// How long to wait for a message before looking at the clock again.
    fn nap(&self, now: DateTime<Utc>) -> Duration {
        if self.pending_preroll {
            return Duration::ZERO;
        }
        let mut next: Vec<DateTime<Utc>> = Vec::new();
        if let Some(t) = self.queue.earliest() {
            next.push(t - chrono::Duration::from_std(self.settings.preroll).unwrap_or_default());
            next.push(t);
        }
        let until = next
            .into_iter()
            .filter(|t| *t > now)
            .min()
            .map(|t| (t - now).to_std().unwrap_or_default().saturating_sub(LEAD));
        let mut nap = until.unwrap_or(MAX_NAP).min(MAX_NAP);
        if let Some((at, _)) = self.device_retry {
            nap = nap.min(at.saturating_duration_since(Instant::now()));
        }
        nap
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::Submit(p) => {
                let key = p.key.clone();
                if self.queue.push(p) {
                    tracing::info!(key, "programme queued");
                    self.emit(PlayoutEvent::Queued { key });
                } else {
                    tracing::info!(key, "{}", t!("log-already-queued"));
                }
            }
            Msg::Shutdown { cut } => {
                self.stopping = true;
                if cut && let Some(on_air) = self.on_air.take() {
                    let programme = on_air.fade_out();
                    // The device closes when the line stops: let the fade reach it first.
                    std::thread::sleep(FADE * 3);
                    self.emit(PlayoutEvent::Interrupted {
                        key: programme.key,
                        by: "shutdown".into(),
                        replay: false,
                    });
                }
            }
            Msg::FirstSample { token, at } => {
                if let Some(on_air) = self.on_air.as_ref().filter(|o| o.token == token) {
                    let p = &on_air.programme;
                    let lateness_ms = (at - p.scheduled_at).num_milliseconds();
                    tracing::info!(key = p.key, lateness_ms, "{}", t!("log-on-air"));
                    self.emit(PlayoutEvent::Started {
                        key: p.key.clone(),
                        scheduled_at: p.scheduled_at,
                        started_at: at,
                        lateness_ms,
                    });
                }
            }
            Msg::Ended { token } => {
                if let Some(on_air) = self.on_air.take_if(|o| o.token == token) {
                    tracing::info!(key = on_air.programme.key, "programme finished");
                    self.emit(PlayoutEvent::Finished {
                        key: on_air.programme.key,
                        at: Utc::now(),
                    });
                }
            }
            Msg::DeviceError(reason) => {
                tracing::error!(reason, "{}", t!("log-device-error"));
                self.sink = None;
                self.emit(PlayoutEvent::DeviceError { reason: reason.clone() });
                if let Some(on_air) = self.on_air.take() {
                    self.emit(PlayoutEvent::Failed {
                        key: on_air.programme.key,
                        reason: t!("playout-device-failed", why = reason),
                    });
                }
                self.device_retry = Some((Instant::now() + Duration::from_millis(500), Duration::from_millis(500)));
            }
        }
    }

    fn tick(&mut self) {
        let now = Utc::now();
        self.cut_in_for_emergency(now);
        self.preroll(now);
        self.give_up_without_device(now);
        if !self.stopping {
            self.start_next();
        }
        self.watch_for_stall();
        if self.on_air.is_none() && self.queue.is_empty() && self.sink.is_some() {
            // Close the device between programmes: an idle open stream keeps running.
            self.sink = None;
            give_back_memory();
        }
    }

    fn cut_in_for_emergency(&mut self, now: DateTime<Utc>) {
        let Some(on_air) = &self.on_air else { return };
        let Some(next) = self.queue.next_due(now) else { return };
        if !interrupts(on_air.programme.priority, next.priority) {
            return;
        }
        let by = next.key.clone();
        let Some(on_air) = self.on_air.take() else { return };
        let programme = on_air.fade_out();
        let replay = self.settings.after_interrupt == AfterInterrupt::Replay;
        tracing::warn!(key = programme.key, by, replay, "{}", t!("log-emergency"));
        self.emit(PlayoutEvent::Interrupted {
            key: programme.key.clone(),
            by,
            replay,
        });
        if replay {
            self.queue.requeue(programme);
        }
    }

    /// Checks files and opens decoders and the device for everything due within the pre-roll.
    fn preroll(&mut self, now: DateTime<Utc>) {
        self.pending_preroll = false;
        let horizon = now
            + chrono::Duration::from_std(self.settings.preroll).unwrap_or_default()
            + chrono::Duration::from_std(LEAD).unwrap_or_default();
        // Only the next few in line: after an outage dozens can be due at once, and decoding
        // them all at once left tens of MB in the allocator for the rest of the run (issue #21).
        let todo: Vec<Programme> = self
            .queue
            .ranked_due_by(horizon)
            .into_iter()
            .take(PREPARED_AHEAD)
            .filter(|p| !self.prepared.contains_key(&p.key))
            .cloned()
            .collect();
        let idle_line = self.on_air.is_none();
        for p in todo {
            let due_now = p.scheduled_at <= now + chrono::Duration::from_std(LEAD).unwrap_or_default();
            match prepare(&p) {
                Ok(prepared) => {
                    self.prepared.insert(p.key.clone(), prepared);
                    self.emit(PlayoutEvent::Prerolled { key: p.key });
                    if due_now && idle_line {
                        // Start it before preparing the ones that wait behind it.
                        self.pending_preroll = true;
                        break;
                    }
                }
                Err(reason) => {
                    tracing::error!(key = p.key, reason, "{}", t!("log-cannot-play"));
                    self.queue.take(&p.key);
                    self.emit(PlayoutEvent::Failed { key: p.key, reason });
                }
            }
        }
        if self.sink.is_none() && self.queue.due_by(horizon).next().is_some() {
            self.open_device();
        }
    }

    fn open_device(&mut self) {
        if let Some((at, _)) = self.device_retry
            && Instant::now() < at
        {
            return;
        }
        let tx = self.tx.clone();
        match super::device::open(&self.settings.device, move |e| {
            let _ = tx.send(Msg::DeviceError(e.to_string()));
        }) {
            Ok(sink) => {
                let _ = self.alsa_noise();
                if self.device_problem.take().is_some() {
                    tracing::info!(device = self.settings.device, "{}", t!("log-device-back"));
                }
                self.emit(PlayoutEvent::DeviceReady);
                self.sink = Some(sink);
                self.device_retry = None;
            }
            Err(reason) => {
                let reason = match self.alsa_noise() {
                    Some(noise) => format!("{reason} (ALSA: {noise})"),
                    None => reason,
                };
                let backoff = self.device_retry.map_or(Duration::from_millis(500), |(_, b)| {
                    (b * 2).min(Duration::from_secs(10))
                });
                self.device_retry = Some((Instant::now() + backoff, backoff));
                if self.device_problem.as_deref() != Some(reason.as_str()) {
                    tracing::error!(reason, "{}", t!("log-device-retry"));
                    self.emit(PlayoutEvent::DeviceError { reason: reason.clone() });
                    self.device_problem = Some(reason);
                }
            }
        }
    }

    /// What ALSA said since the last call, as one line; the buffer starts again empty.
    fn alsa_noise(&mut self) -> Option<String> {
        let text = ALSA_MESSAGES.with_borrow(|o| o.as_ref().map(|o| o.borrow().to_string()))?;
        if text.trim().is_empty() {
            return None;
        }
        // A fresh buffer: the crate's way to empty it.
        ALSA_MESSAGES.set(alsa::Output::local_error_handler().ok());
        let mut lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        lines.dedup();
        Some(lines.join(" | "))
    }

    fn give_up_without_device(&mut self, now: DateTime<Utc>) {
        if self.sink.is_some() {
            return;
        }
        let limit = now - chrono::Duration::from_std(self.settings.give_up).unwrap_or_default();
        let expired: Vec<String> = self.queue.due_by(limit).map(|p| p.key.clone()).collect();
        for key in expired {
            self.queue.take(&key);
            self.prepared.remove(&key);
            let reason = t!(
                "playout-no-device",
                seconds = self.settings.give_up.as_secs(),
                why = self
                    .device_problem
                    .clone()
                    .unwrap_or_else(|| t!("playout-device-unavailable"))
            );
            self.emit(PlayoutEvent::Failed { key, reason });
        }
    }

    fn start_next(&mut self) {
        let now = Utc::now();
        let lead = chrono::Duration::from_std(LEAD).unwrap_or_default();
        let Some(next) = self.queue.next_due(now + lead) else {
            return;
        };
        if let Some(on_air) = &self.on_air {
            if next.scheduled_at <= now && self.waiting_reported.insert(next.key.clone()) {
                tracing::info!(key = next.key, behind = on_air.programme.key, "{}", t!("log-waits"));
                self.emit(PlayoutEvent::Waiting {
                    key: next.key.clone(),
                    behind: on_air.programme.key.clone(),
                });
            }
            return;
        }
        let key = next.key.clone();
        let at = next.scheduled_at;
        if self.sink.is_none() {
            self.open_device();
        }
        let Some(sink) = &self.sink else { return };
        let Some(prepared) = self.prepared.remove(&key) else {
            return;
        };
        let Some(programme) = self.queue.take(&key) else { return };
        wait_until(at);
        self.next_token += 1;
        let token = self.next_token;
        // Connected to the mixer only once the queue holds the programme: the mixer sets its
        // converter up from the source's format when the source is added, and an empty queue
        // reports its placeholder (48 kHz mono) for the first 512 samples. Those were the
        // programme's first ~11 ms, played at the wrong speed: a chirp and a click at every
        // start (issue #19).
        let (player, queue) = Player::new();
        let fade = Fade::default();
        player.set_volume(programme.volume);
        let silence_format = (ChannelCount::MIN, SampleRate::new(44_100).unwrap_or(SampleRate::MIN));
        let mut first = true;
        for (segment, source) in programme.segments.iter().zip(prepared.sources) {
            let source: Box<dyn Source + Send> = match (segment, source) {
                (Segment::Audio(_), Some(decoder)) => Box::new(decoder),
                (Segment::Silence(d), _) => {
                    let samples = (d.as_secs_f64() * f64::from(silence_format.1.get())) as usize;
                    Box::new(Zero::new_samples(silence_format.0, silence_format.1, samples))
                }
                (Segment::Audio(_), None) => continue,
            };
            if first {
                first = false;
                let tx = self.tx.clone();
                player.append(FirstSample::new(source, move |at| {
                    let _ = tx.send(Msg::FirstSample { token, at });
                }));
            } else {
                player.append(source);
            }
        }
        let tx = self.tx.clone();
        player.append(EmptyCallback::new(Box::new(move || {
            let _ = tx.send(Msg::Ended { token });
        })));
        sink.mixer().add(FadeOut::new(queue, fade.clone()));
        self.waiting_reported.remove(&key);
        self.on_air = Some(OnAir {
            programme,
            token,
            player,
            fade,
            since: Instant::now(),
            expected: prepared.expected,
        });
    }

    fn watch_for_stall(&mut self) {
        let stalled = self
            .on_air
            .as_ref()
            .is_some_and(|o| o.since.elapsed() > o.expected + STALL_MARGIN);
        if stalled && let Some(on_air) = self.on_air.take() {
            on_air.player.stop();
            self.sink = None;
            self.emit(PlayoutEvent::Failed {
                key: on_air.programme.key,
                reason: t!("playout-stalled", seconds = STALL_MARGIN.as_secs()),
            });
        }
    }
}

/// Decodes every file once and opens the decoders that will play.
fn prepare(p: &Programme) -> Result<Prepared, String> {
    let mut lengths: HashMap<&std::path::Path, Duration> = HashMap::new();
    for f in p.files() {
        lengths.insert(f, decode::check(f, p.root.as_deref())?);
    }
    let mut sources = Vec::with_capacity(p.segments.len());
    let mut expected = Duration::ZERO;
    for s in &p.segments {
        match s {
            Segment::Audio(path) => {
                expected += lengths.get(path.as_path()).copied().unwrap_or_default();
                sources.push(Some(decode::open(path, p.root.as_deref())?));
            }
            Segment::Silence(d) => {
                expected += *d;
                sources.push(None);
            }
        }
    }
    Ok(Prepared { sources, expected })
}

/// Hands memory freed after a run of programmes back to the system: glibc otherwise keeps a
/// burst's decode buffers in its arenas, and the daemon's RSS stays at its peak for days.
fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas, under their locks.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Waits for a wall-clock instant: sleeps most of the way, then spins the last stretch.
fn wait_until(t: DateTime<Utc>) {
    loop {
        let left = t - Utc::now();
        let Ok(left) = left.to_std() else { return };
        if left.is_zero() {
            return;
        }
        // Sleep wake-ups run late by a few ms on a loaded machine: spin the last stretch.
        if left > SPIN {
            std::thread::sleep((left - SPIN).min(MAX_NAP));
        } else {
            std::hint::spin_loop();
        }
    }
}

/// A source that reports the wall-clock moment the device pulls its first sample.
struct FirstSample<F: FnMut(DateTime<Utc>)> {
    inner: Box<dyn Source + Send>,
    on_first: Option<F>,
}

impl<F: FnMut(DateTime<Utc>)> FirstSample<F> {
    fn new(inner: Box<dyn Source + Send>, on_first: F) -> Self {
        FirstSample {
            inner,
            on_first: Some(on_first),
        }
    }
}

impl<F: FnMut(DateTime<Utc>)> Iterator for FirstSample<F> {
    type Item = rodio::Sample;
    fn next(&mut self) -> Option<rodio::Sample> {
        if let Some(mut f) = self.on_first.take() {
            f(Utc::now());
        }
        self.inner.next()
    }
}

impl<F: FnMut(DateTime<Utc>)> Source for FirstSample<F> {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }
    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }
    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }
    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }
}
