//! The audio engine: one OS thread owns the sound device and the loudspeaker line.
//!
//! Async code submits [`Programme`]s and receives [`PlayoutEvent`]s. The thread pre-rolls each
//! programme a few seconds ahead (opens the device, decodes every file once, opens the
//! decoders that will play), then hands it to the open output [`HANDOVER`] before its instant;
//! the audio callback starts it on the frame the device will play at that instant (see
//! [`super::output`]). Lateness is that frame's predicted play-out time, what a listener hears;
//! the moment the callback pulled it is reported beside. Waits are re-checked against the
//! wall clock at least every 250 ms, so a clock step is noticed instead of slept through.
//!
//! tokio-cron-scheduler is not used here: it polls every 500 ms and its one-shot jobs fire up to
//! a second early. It suits housekeeping, not starting audio on the second.

use std::collections::{HashMap, HashSet};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rodio::source::{EmptyCallback, Zero};

use super::fade::{Fade, FadeOut};
use rodio::{ChannelCount, Player, SampleRate, Source};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use super::output::{Output, Start, Started};
use super::programme::{Programme, Segment};
use super::queue::{Queue, interrupts};
use super::settings::AfterInterrupt;
use crate::media::decode::{self, Opened};

/// How the engine runs.
#[derive(Clone, Debug)]
pub struct EngineSettings {
    /// `"default"` or a device name.
    pub device: String,
    pub preroll: Duration,
    pub after_interrupt: AfterInterrupt,
    /// How long past its scheduled time a programme may wait for a missing device before it fails.
    pub give_up: Duration,
    /// What the device or sound server is asked for (see [`super::output::Output::open`]).
    pub latency: Duration,
    /// Close the device between programmes instead of holding it open on silence.
    pub release_when_idle: bool,
}

impl EngineSettings {
    pub fn from_config(audio: &super::settings::AudioConfig) -> EngineSettings {
        EngineSettings {
            device: audio.device.clone(),
            preroll: audio.preroll,
            after_interrupt: audio.after_interrupt,
            give_up: Duration::from_secs(60),
            latency: audio.latency,
            release_when_idle: audio.release_when_idle,
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
    /// `started_at` is when the device plays the first frame (predicted from its clock), and
    /// `lateness_ms` is measured from it; `pulled_at` is when the audio callback pulled it.
    Started {
        key: String,
        scheduled_at: DateTime<Utc>,
        started_at: DateTime<Utc>,
        lateness_ms: i64,
        pulled_at: DateTime<Utc>,
        /// It starts again after an emergency cut it off: its lateness is the emergency's
        /// length, not the line's, and is counted apart.
        resumed: bool,
    },
    Finished {
        key: String,
        at: DateTime<Utc>,
        /// How many times the device reported trouble it recovered from (an underrun, a sound
        /// server's passing error) while this programme played: each may be an audible gap.
        glitches: u32,
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
    /// The device opened: at start and after a failure, and before each run of programmes
    /// where the line is released between them.
    DeviceReady,
    /// How long a sound takes from loaxa to the loudspeaker on the open device, as it first
    /// reported it: the bound on how late an unannounced emergency is heard.
    Latency {
        granted: Duration,
    },
}

/// A programme on the line, as an operator sees it (`loaxa queue`).
#[derive(Clone, Debug, PartialEq)]
pub struct Lined {
    pub key: String,
    pub title: String,
    pub priority: crate::domain::broadcast::Priority,
    pub scheduled_at: DateTime<Utc>,
}

impl Lined {
    fn of(p: &Programme) -> Lined {
        Lined {
            key: p.key.clone(),
            title: p.title.clone(),
            priority: p.priority,
            scheduled_at: p.scheduled_at,
        }
    }
}

/// What follows an operator's stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterStop {
    /// The line goes quiet: what had fallen due behind the programme is held back too (each
    /// recorded as the operator's); what is scheduled later airs at its time.
    Hold,
    /// The next programme due takes the line at once (`loaxa skip`).
    Next,
}

/// What an operator's stop did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stopped {
    /// The programme taken off the air, if one was on.
    pub on_air: Option<String>,
    /// [`AfterStop::Hold`]: the programmes due that will not air.
    pub held: Vec<String>,
    /// [`AfterStop::Next`]: the programme that takes the line.
    pub next: Option<String>,
}

enum Msg {
    Submit(Programme),
    /// An operator stops what is on air (`by` names them).
    Stop {
        by: String,
        then: AfterStop,
        reply: mpsc::Sender<Stopped>,
    },
    /// Whether an occurrence key is already on the line (waiting, on air, or aired).
    Knows {
        programme: Programme,
        reply: mpsc::Sender<bool>,
    },
    /// What is on air and what waits, for an operator.
    Lineup(mpsc::Sender<(Option<Lined>, Vec<Lined>)>),
    Shutdown {
        cut: bool,
    },
    FirstSample {
        token: u64,
        started: Started,
    },
    Ended {
        token: u64,
    },
    DeviceError(String),
    /// Trouble the device recovered from by itself: the stream keeps running.
    DeviceGlitch(String),
    /// The device open started on its own thread has returned.
    Opened(Result<Output, String>),
}

thread_local! {
    /// ALSA's messages on the thread that opens the device (alsa-lib's handler is per thread).
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

    /// Stops the programme on air, if any (recorded as interrupted `by` an operator, not
    /// replayed), then holds the line or moves on (`then`). `None` when the line is gone.
    pub fn stop(&self, by: &str, then: AfterStop) -> Option<Stopped> {
        let (reply, answer) = mpsc::channel();
        self.tx
            .send(Msg::Stop {
                by: by.into(),
                then,
                reply,
            })
            .ok()?;
        answer.recv_timeout(Duration::from_secs(2)).ok()
    }

    /// Whether the line already has this programme's occurrence (waiting, on air, or aired
    /// within the queue's memory): submitting it again would be a no-op.
    pub fn knows(&self, p: &Programme) -> bool {
        let (reply, answer) = mpsc::channel();
        if self
            .tx
            .send(Msg::Knows {
                programme: p.clone(),
                reply,
            })
            .is_err()
        {
            return false;
        }
        answer.recv_timeout(Duration::from_secs(2)).unwrap_or(false)
    }

    /// What is on air, and what waits for the line in the order it will play.
    pub fn lineup(&self) -> (Option<Lined>, Vec<Lined>) {
        let (reply, answer) = mpsc::channel();
        if self.tx.send(Msg::Lineup(reply)).is_err() {
            return (None, Vec::new());
        }
        answer.recv_timeout(Duration::from_secs(2)).unwrap_or_default()
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
    glitches: u32,
}

impl OnAir {
    /// Lets the programme go without stopping it: the caller triggers the fade (at the frame
    /// another programme starts).
    fn release(self) -> (Programme, Fade) {
        self.player.detach();
        (self.programme, self.fade)
    }

    /// Off the line in a few milliseconds' fade, not a cut (no click). The player is let go
    /// without stopping its source: the fade ends it.
    fn fade_out(self) -> Programme {
        self.fade.now();
        self.player.detach();
        self.programme
    }
}

/// How long before its instant a programme is handed to the output. The audio callback fills
/// the device a buffer (two periods, ~46 ms) ahead, so the hand-over must come before that, with
/// room for a late thread wake-up on a loaded machine.
pub const HANDOVER: Duration = Duration::from_millis(400);
/// Longest sleep between wall-clock checks.
const MAX_NAP: Duration = Duration::from_millis(250);
/// An open that has not returned after this long is reported as a device problem.
const OPEN_LIMIT: Duration = Duration::from_secs(5);
/// A programme's last samples leave the device this long after the callback pulled them (two
/// periods of ~23 ms, with margin): the device stays open that long after it.
const TAIL: Duration = Duration::from_millis(200);
/// How many programmes waiting for the line are prepared (files checked, decoders open) at once.
const PREPARED_AHEAD: usize = 2;
/// A programme that runs this much longer than its audio has stalled (device gone quiet).
const STALL_MARGIN: Duration = Duration::from_secs(30);
/// An open device whose audio callback has not run for this long has stopped (cpal goes on
/// retrying some errors for ever): it is closed and opened again. Ten periods of a loaded
/// sound server are well inside it.
const DEVICE_SILENT_LIMIT: Duration = Duration::from_secs(2);
/// Passing device trouble is logged at most this often; the rest is counted.
const GLITCH_LOG_EVERY: Duration = Duration::from_secs(10);

struct Line {
    settings: EngineSettings,
    events: UnboundedSender<PlayoutEvent>,
    tx: mpsc::Sender<Msg>,
    queue: Queue,
    prepared: HashMap<String, Prepared>,
    output: Option<Output>,
    device_retry: Option<(Instant, Duration)>,
    device_problem: Option<String>,
    on_air: Option<OnAir>,
    next_token: u64,
    waiting_reported: HashSet<String>,
    stopping: bool,
    /// Pre-roll stopped early to start a programme; continue on the next tick without napping.
    pending_preroll: bool,
    /// Since when nothing has been on air or waiting, with the device still open.
    idle_since: Option<Instant>,
    /// A device open under way on its own thread: since when, and whether it was reported as
    /// taking too long.
    opening: Option<(Instant, bool)>,
    /// When passing device trouble was last logged, and how much came since.
    glitch_log: Option<(Instant, u32)>,
    /// The open device's latency has been reported.
    latency_reported: bool,
    /// The device takes audio faster than real time (see [`Output::runs_ahead`]): it is
    /// released between programmes whatever the settings say.
    runs_ahead: bool,
    /// Programmes an emergency cut off and put back in line: their next start is a
    /// resumption.
    resuming: HashSet<String>,
}

impl Line {
    fn new(settings: EngineSettings, events: UnboundedSender<PlayoutEvent>, tx: mpsc::Sender<Msg>) -> Line {
        Line {
            settings,
            events,
            tx,
            queue: Queue::default(),
            prepared: HashMap::new(),
            output: None,
            device_retry: None,
            device_problem: None,
            on_air: None,
            next_token: 0,
            waiting_reported: HashSet::new(),
            stopping: false,
            pending_preroll: false,
            idle_since: None,
            opening: None,
            glitch_log: None,
            latency_reported: false,
            runs_ahead: false,
            resuming: HashSet::new(),
        }
    }

    fn emit(&self, e: PlayoutEvent) {
        let _ = self.events.send(e);
    }

    fn run(mut self, rx: mpsc::Receiver<Msg>) {
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
        if self.output.is_some() {
            // The end of the last programme is still in the device's buffer.
            std::thread::sleep(TAIL);
        }
        self.output = None;
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
            .map(|t| (t - now).to_std().unwrap_or_default().saturating_sub(HANDOVER));
        let mut nap = until.unwrap_or(MAX_NAP).min(MAX_NAP);
        if let Some((at, _)) = self.device_retry {
            nap = nap.min(at.saturating_duration_since(Instant::now()));
        }
        // Only while the tail is still leaving: a line held open past it has nothing to wait for.
        if let Some(since) = self.idle_since
            && since + TAIL > Instant::now()
        {
            nap = nap.min((since + TAIL).saturating_duration_since(Instant::now()));
        }
        if let Some((since, false)) = self.opening {
            nap = nap.min((since + OPEN_LIMIT).saturating_duration_since(Instant::now()));
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
            Msg::Stop { by, then, reply } => {
                let _ = reply.send(self.stop(&by, then));
            }
            Msg::Knows { programme, reply } => {
                let on_air = self.on_air.as_ref().is_some_and(|o| o.programme.key == programme.key);
                let _ = reply.send(on_air || self.queue.knows(&programme));
            }
            Msg::Lineup(reply) => {
                let on_air = self.on_air.as_ref().map(|o| Lined::of(&o.programme));
                let waiting = self.queue.lineup().into_iter().map(Lined::of).collect();
                let _ = reply.send((on_air, waiting));
            }
            Msg::Shutdown { cut } => {
                self.stopping = true;
                if cut && let Some(on_air) = self.on_air.take() {
                    // The device closes when the line stops, after the fade has reached it.
                    let programme = on_air.fade_out();
                    self.emit(PlayoutEvent::Interrupted {
                        key: programme.key,
                        by: "shutdown".into(),
                        replay: false,
                    });
                }
            }
            Msg::FirstSample { token, started } => {
                if let Some(on_air) = self.on_air.as_ref().filter(|o| o.token == token) {
                    let p = &on_air.programme;
                    let lateness_ms = (started.heard - p.scheduled_at).num_milliseconds();
                    let pull_ms = (started.pulled - p.scheduled_at).num_milliseconds();
                    let resumed = self.resuming.remove(&p.key);
                    tracing::info!(key = p.key, lateness_ms, pull_ms, resumed, "{}", t!("log-on-air"));
                    self.emit(PlayoutEvent::Started {
                        key: p.key.clone(),
                        scheduled_at: p.scheduled_at,
                        started_at: started.heard,
                        lateness_ms,
                        pulled_at: started.pulled,
                        resumed,
                    });
                }
            }
            Msg::Ended { token } => {
                if let Some(on_air) = self.on_air.take_if(|o| o.token == token) {
                    let glitches = on_air.glitches;
                    if glitches > 0 {
                        tracing::warn!(
                            key = on_air.programme.key,
                            glitches,
                            "{}",
                            t!("log-finished-with-glitches", count = glitches)
                        );
                    } else {
                        tracing::info!(key = on_air.programme.key, "programme finished");
                    }
                    self.emit(PlayoutEvent::Finished {
                        key: on_air.programme.key,
                        at: Utc::now(),
                        glitches,
                    });
                }
            }
            Msg::Opened(result) => self.opened(result),
            Msg::DeviceGlitch(reason) => self.glitch(reason),
            Msg::DeviceError(reason) => {
                tracing::error!(reason, "{}", t!("log-device-error"));
                self.output = None;
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
        // Pre-roll first: an emergency that arrives unannounced is prepared (emergencies rank
        // first) and cuts in on this same tick.
        self.preroll(now);
        self.cut_in_for_emergency(now);
        self.watch_the_open();
        self.give_up_without_device(now);
        if !self.stopping {
            self.start_next();
        }
        self.watch_the_device();
        self.watch_for_stall();
        self.report_latency();
        self.watch_the_pace(now);
        if self.on_air.is_some() || !self.queue.is_empty() {
            self.idle_since = None;
        } else if self.output.is_some() {
            // Between programmes the line stays open on silence, so that an emergency never
            // waits for an open: on a sound server that costs 50-70 ms, and an idle sink falls
            // back to a buffer of up to 2 s, which an emergency then waits behind (issue #37).
            // Released only where asked, or where the device is no sound card at all; once
            // the last programme's tail has left the device's buffer.
            let since = *self.idle_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= TAIL && !self.holds_the_line() {
                self.release();
            }
        }
        // Held from start-up, whatever is queued for later, and again after a failure.
        if self.output.is_none() && !self.stopping && self.holds_the_line() {
            self.open_device();
        }
    }

    /// Whether the line is held open between programmes.
    fn holds_the_line(&self) -> bool {
        !self.settings.release_when_idle && !self.runs_ahead
    }

    fn release(&mut self) {
        self.output = None;
        self.idle_since = None;
        crate::memory::give_back();
    }

    /// A device that takes audio far faster than real time is no sound card (ALSA's `null` or
    /// `file` plugin): held on silence it spins a core. Once found, it is released whenever
    /// nothing plays and nothing is due before the next pre-roll would open it again.
    /// (A line released when idle keeps its own rule: closed once nothing is queued.)
    fn watch_the_pace(&mut self, now: DateTime<Utc>) {
        if self.settings.release_when_idle || self.on_air.is_some() || self.output.is_none() {
            return;
        }
        if !self.runs_ahead && self.output.as_ref().is_some_and(Output::runs_ahead) {
            tracing::warn!(device = self.settings.device, "{}", t!("log-device-runs-ahead"));
            self.runs_ahead = true;
        }
        let horizon = now + chrono::Duration::from_std(self.settings.preroll).unwrap_or_default() + handover();
        if self.runs_ahead && self.queue.due_by(horizon).next().is_none() {
            self.release();
        }
    }

    /// Reports the open device's latency once it is known (after its first callbacks), with a
    /// warning where an emergency would be heard late.
    fn report_latency(&mut self) {
        if self.latency_reported {
            return;
        }
        let Some(granted) = self.output.as_ref().and_then(Output::granted) else {
            return;
        };
        self.latency_reported = true;
        let ms = granted.as_millis();
        if granted > super::settings::EMERGENCY_LATENCY {
            tracing::warn!(
                device = self.settings.device,
                latency_ms = ms,
                "{}",
                t!("log-device-slow", ms = ms)
            );
        } else {
            tracing::info!(
                device = self.settings.device,
                latency_ms = ms,
                "{}",
                t!("log-device-latency")
            );
        }
        self.emit(PlayoutEvent::Latency { granted });
    }

    /// An operator's stop: the programme on air fades out (not replayed), then what had fallen
    /// due is held back or the next one starts on this tick.
    fn stop(&mut self, by: &str, then: AfterStop) -> Stopped {
        let mut stopped = Stopped::default();
        if let Some(on_air) = self.on_air.take() {
            let programme = on_air.fade_out();
            tracing::info!(key = programme.key, by, "{}", t!("log-stopped-by-operator"));
            self.emit(PlayoutEvent::Interrupted {
                key: programme.key.clone(),
                by: by.into(),
                replay: false,
            });
            stopped.on_air = Some(programme.key);
        }
        let now = Utc::now() + handover();
        match then {
            AfterStop::Hold => {
                let due: Vec<String> = self.queue.ranked_due_by(now).iter().map(|p| p.key.clone()).collect();
                for key in due {
                    self.queue.take(&key);
                    self.prepared.remove(&key);
                    self.waiting_reported.remove(&key);
                    tracing::info!(key, by, "{}", t!("log-held-by-operator"));
                    self.emit(PlayoutEvent::Interrupted {
                        key: key.clone(),
                        by: by.into(),
                        replay: false,
                    });
                    stopped.held.push(key);
                }
            }
            AfterStop::Next => stopped.next = self.queue.next_due(now).map(|p| p.key.clone()),
        }
        stopped
    }

    /// An emergency due within the hand-over takes the line: it is handed to the output with
    /// the programme on air, which fades out on the frame the emergency starts.
    fn cut_in_for_emergency(&mut self, now: DateTime<Utc>) {
        let Some(on_air) = &self.on_air else { return };
        let Some(next) = self.queue.next_due(now + handover()) else {
            return;
        };
        let relay = on_air.programme.segments.iter().any(|s| matches!(s, Segment::Relay(_)));
        let cuts = if relay {
            super::queue::interrupts_relay(on_air.programme.priority, next.priority)
        } else {
            interrupts(on_air.programme.priority, next.priority)
        };
        if !cuts {
            return;
        }
        if !self.prepared.contains_key(&next.key) || self.output.is_none() {
            // Not ready yet (pre-roll runs first on this tick): the programme keeps the line.
            return;
        }
        let by = next.key.clone();
        let Some(on_air) = self.on_air.take() else { return };
        let (programme, fade) = on_air.release();
        // A relay always resumes (live, for what is left of its window).
        let replay = relay || self.settings.after_interrupt == AfterInterrupt::Replay;
        tracing::warn!(key = programme.key, by, replay, "{}", t!("log-emergency"));
        self.emit(PlayoutEvent::Interrupted {
            key: programme.key.clone(),
            by: by.clone(),
            replay,
        });
        if replay {
            self.resuming.insert(programme.key.clone());
            self.queue.requeue(programme);
        }
        if !self.start(&by, Some(fade.clone())) {
            fade.now();
        }
    }

    /// Checks files and opens decoders and the device for everything due within the pre-roll.
    fn preroll(&mut self, now: DateTime<Utc>) {
        self.pending_preroll = false;
        let horizon = now + chrono::Duration::from_std(self.settings.preroll).unwrap_or_default() + handover();
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
            let due_now = p.scheduled_at <= now + handover();
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
                Err(e) => {
                    let reason = e.to_string();
                    tracing::error!(key = p.key, reason, "{}", t!("log-cannot-play"));
                    self.queue.take(&p.key);
                    self.resuming.remove(&p.key);
                    self.emit(PlayoutEvent::Failed { key: p.key, reason });
                }
            }
        }
        if self.output.is_none() && self.queue.due_by(horizon).next().is_some() {
            self.open_device();
        }
    }

    /// Opens the device on a thread of its own: an open can hang (a stalled USB card, a sound
    /// server that does not answer, a FIFO nobody reads), and on this thread it froze the line
    /// and made SIGTERM wait forever (issue #21). The result comes back as a message; an open
    /// that takes longer than [`OPEN_LIMIT`] is reported (see [`Line::watch_the_open`]).
    fn open_device(&mut self) {
        if self.opening.is_some() {
            return;
        }
        if let Some((at, _)) = self.device_retry
            && Instant::now() < at
        {
            return;
        }
        let (tx, name, latency) = (self.tx.clone(), self.settings.device.clone(), self.settings.latency);
        let spawned = std::thread::Builder::new()
            .name("loaxa-device-open".into())
            .spawn(move || {
                // ALSA's messages ("ALSA lib pcm.c:…") are caught on this thread and folded into the
                // reason instead of going raw to stderr.
                ALSA_MESSAGES.set(alsa::Output::local_error_handler().ok());
                let errors = tx.clone();
                let result = super::device::open(&name, latency, move |e| {
                    let _ = errors.send(if super::device::is_passing(&e) {
                        Msg::DeviceGlitch(e.to_string())
                    } else {
                        Msg::DeviceError(e.to_string())
                    });
                });
                let result = result.map_err(|e| match alsa_noise() {
                    Some(noise) => format!("{e} (ALSA: {noise})"),
                    None => e.to_string(),
                });
                let _ = tx.send(Msg::Opened(result));
            });
        match spawned {
            Ok(_) => self.opening = Some((Instant::now(), false)),
            Err(e) => self.device_failed(e.to_string()),
        }
    }

    fn opened(&mut self, result: Result<Output, String>) {
        self.opening = None;
        match result {
            Ok(output) => {
                if self.device_problem.take().is_some() {
                    tracing::info!(device = self.settings.device, "{}", t!("log-device-back"));
                }
                self.emit(PlayoutEvent::DeviceReady);
                self.output = Some(output);
                self.device_retry = None;
                self.latency_reported = false;
            }
            Err(reason) => self.device_failed(reason),
        }
    }

    /// Reports an open that is taking too long, once; the line keeps waiting for it and does
    /// not start another.
    fn watch_the_open(&mut self) {
        if let Some((since, reported)) = &mut self.opening
            && !*reported
            && since.elapsed() >= OPEN_LIMIT
        {
            *reported = true;
            self.device_failed(t!("playout-device-hung", seconds = OPEN_LIMIT.as_secs()));
        }
    }

    /// The device could not be opened: retried with a growing pause, reported when the reason
    /// changes.
    fn device_failed(&mut self, reason: String) {
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

    fn give_up_without_device(&mut self, now: DateTime<Utc>) {
        // Not while an open is under way and not yet overdue: a programme that fell due while
        // loaxa was down is already past the limit when the device starts opening.
        if self.output.is_some() || matches!(self.opening, Some((_, false))) {
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
        let Some(next) = self.queue.next_due(now + handover()) else {
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
        self.start(&key, None);
    }

    /// Hands a prepared programme to the output for its instant (`cut` fades on its first
    /// frame). False when it could not be handed over yet (no device, not prepared).
    fn start(&mut self, key: &str, cut: Option<Fade>) -> bool {
        if self.output.is_none() {
            self.open_device();
        }
        let Some(output) = &self.output else { return false };
        let Some(prepared) = self.prepared.remove(key) else {
            return false;
        };
        let Some(programme) = self.queue.take(key) else {
            return false;
        };
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
        for (segment, source) in programme.segments.iter().zip(prepared.sources) {
            let source: Box<dyn Source + Send> = match (segment, source) {
                (Segment::Audio(_) | Segment::Speech(_), Some(decoder)) => Box::new(decoder),
                (Segment::Silence(d), _) => {
                    let samples = (d.as_secs_f64() * f64::from(silence_format.1.get())) as usize;
                    Box::new(Zero::new_samples(silence_format.0, silence_format.1, samples))
                }
                (Segment::Live { feed, .. }, _) => Box::new(feed.source()),
                (Segment::Relay(feed), _) => Box::new(feed.source()),
                (Segment::Audio(_) | Segment::Speech(_), None) => continue,
            };
            player.append(source);
        }
        let tx = self.tx.clone();
        player.append(EmptyCallback::new(Box::new(move || {
            let _ = tx.send(Msg::Ended { token });
        })));
        // The instant on the monotonic clock, taken now (at most the hand-over before it): a
        // wall-clock step from here on does not move the start.
        let left = (programme.scheduled_at - Utc::now()).to_std().unwrap_or_default();
        let tx = self.tx.clone();
        output.start(Start {
            at: Instant::now() + left,
            source: Box::new(FadeOut::new(queue, fade.clone())),
            fade: fade.clone(),
            cut,
            on_start: Box::new(move |started| {
                let _ = tx.send(Msg::FirstSample { token, started });
            }),
        });
        self.waiting_reported.remove(key);
        self.on_air = Some(OnAir {
            programme,
            token,
            player,
            fade,
            since: Instant::now(),
            expected: prepared.expected + left,
            glitches: 0,
        });
        true
    }

    /// Trouble the stream recovered from: counted against the programme on air, logged at most
    /// every [`GLITCH_LOG_EVERY`].
    fn glitch(&mut self, reason: String) {
        if let Some(on_air) = &mut self.on_air {
            on_air.glitches += 1;
        }
        match &mut self.glitch_log {
            Some((at, since)) if at.elapsed() < GLITCH_LOG_EVERY => *since += 1,
            _ => {
                let more = self.glitch_log.map_or(0, |(_, n)| n);
                tracing::warn!(reason, more, "{}", t!("log-device-glitch"));
                self.glitch_log = Some((Instant::now(), 0));
            }
        }
    }

    /// An open device that has stopped taking audio is treated as failed: closed, the
    /// programme on air failed, and opened again.
    fn watch_the_device(&mut self) {
        if self
            .output
            .as_ref()
            .is_some_and(|o| o.silent_for() >= DEVICE_SILENT_LIMIT)
        {
            let seconds = DEVICE_SILENT_LIMIT.as_secs();
            self.handle(Msg::DeviceError(t!("playout-device-silent", seconds = seconds)));
        }
    }

    fn watch_for_stall(&mut self) {
        let stalled = self
            .on_air
            .as_ref()
            .is_some_and(|o| o.since.elapsed() > o.expected + STALL_MARGIN);
        if stalled && let Some(on_air) = self.on_air.take() {
            on_air.player.stop();
            self.output = None;
            self.emit(PlayoutEvent::Failed {
                key: on_air.programme.key,
                reason: t!("playout-stalled", seconds = STALL_MARGIN.as_secs()),
            });
        }
    }
}

/// What ALSA said on this thread since the last call, as one line; the buffer starts again
/// empty. ALSA's own messages ("ALSA lib pcm.c:…") would go raw to stderr, several lines per
/// retry; on the thread that opens the device they are caught and folded into the reason.
fn alsa_noise() -> Option<String> {
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

/// Decodes every file once and opens the decoders that will play.
fn prepare(p: &Programme) -> Result<Prepared, decode::DecodeError> {
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
            // Written by loaxa into its own data folder, not the media folder.
            Segment::Speech(path) => {
                expected += decode::check(path, None)?;
                sources.push(Some(decode::open(path, None)?));
            }
            Segment::Silence(d) | Segment::Live { max: d, .. } => {
                expected += *d;
                sources.push(None);
            }
            Segment::Relay(feed) => {
                expected += (feed.end - Utc::now()).to_std().unwrap_or_default();
                sources.push(None);
            }
        }
    }
    Ok(Prepared { sources, expected })
}

/// [`HANDOVER`] as a span of the wall clock.
fn handover() -> chrono::Duration {
    chrono::Duration::from_std(HANDOVER).unwrap_or_default()
}
