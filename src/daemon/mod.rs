//! `loaxa run`: the daemon. Schedule files → plan → occurrences → loudspeaker and outbox →
//! history, on its own, for months.
//!
//! - [`scheduler`]: walks the plan on the wall clock and hands each occurrence over once;
//! - [`reload`]: watches the schedules folder and swaps in a valid edited set;
//! - [`state`]: what `/status` and `/metrics` show;
//! - [`http`]: the status server and the public board;
//! - [`dashboard`]: the office's live view at `/`;
//! - [`protocol`]: the control socket's requests and answers, shared with `cmd/`;
//! - [`control`] and [`live`]: the socket's server, and a live session over it;
//! - [`air`]: putting an operator's programme on the line and recording who did it (control,
//!   live and the province's bulletins);
//! - [`shipper`]: pushing the history to the province's centre, and what it knows of it.

pub mod air;
pub mod control;
pub mod dashboard;
pub mod http;
pub mod last_good;
pub mod line;
pub mod live;
pub mod lock;
pub mod login_guard;
pub mod panel;
pub mod protocol;
pub mod province;
pub mod reload;
pub mod scheduler;
pub mod shipper;
pub mod signals;
pub mod state;
pub mod voice;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::Notify;

use crate::channels::Ctx;
use crate::config::Config;
use crate::domain::event::Kind;
use crate::history::event::Event;
use crate::history::guard::{self, Standing};
use crate::history::{History, Store};
use crate::outbox::{Outbox, Worker};
use crate::playout::record::history_event;
use crate::playout::{Engine, EngineSettings, PlayoutEvent};
use crate::schedule;
use crate::shutdown::{Shutdown, Stage};
use line::Line;
use reload::FolderState;
use state::{ScheduleState, Shared, Source};

/// How a run of the daemon ended; `cmd/run.rs` gives each its exit code. Whatever went wrong
/// has been told already (on the console and, once the history is open, in it).
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// Stopped by a signal, every event written.
    Stopped,
    /// Could not start: the lock, the history, the outbox, the runtime or the listener.
    CouldNotStart,
    /// No valid schedule set in the folder, and none saved to fall back on: nothing to air.
    NothingToAir,
    /// A part ended on its own (a bug); the service manager starts loaxa again.
    PartFailed,
    /// Stopped, but this many events could not be written to the history.
    Unwritten(usize),
}

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run(config: Config, accept_history_reset: bool) -> Ended {
    // Everything the daemon creates (history, spill, anchor, tokens) is for loaxa's eyes only,
    // also outside systemd (whose unit sets the same).
    // SAFETY: umask only sets the process's file-creation mask.
    unsafe {
        libc::umask(0o077);
    }
    // Before anything is written: a second daemon on this data folder must leave no trace.
    let lock = match lock::acquire(&config.station.data) {
        Ok(l) => l,
        Err(e) => {
            crate::console::error(&e);
            if matches!(e, lock::LockError::Held { .. }) {
                crate::console::help(t!("daemon-lock-held-hint"));
            }
            return Ended::CouldNotStart;
        }
    };
    warn_if_readable(&config.station.data);
    let initial = match initial_set(&config) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let standing = match history_standing(&config, accept_history_reset) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            crate::console::error(t!("daemon-no-runtime", why = e));
            return Ended::CouldNotStart;
        }
    };
    let code = runtime.block_on(main(config, initial, standing));
    drop(lock);
    code
}

/// Says so when the data folder or the history can be read by other users (created before
/// loaxa made them private, or copied in by hand).
fn warn_if_readable(data: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for p in [data.to_path_buf(), Store::path_in(data)] {
        if let Ok(m) = std::fs::metadata(&p)
            && m.permissions().mode() & 0o077 != 0
        {
            crate::console::warning(t!(
                "daemon-data-readable",
                path = p.display(),
                mode = format!("{:o}", m.permissions().mode() & 0o777)
            ));
        }
    }
}

/// The set the daemon starts with, and what was wrong with the folder if it is not that.
struct Initial {
    loaded: schedule::Loaded,
    source: Source,
    /// The folder's own set was invalid: its report and `schedule_rejected` event.
    rejected: Option<(String, Event)>,
    /// The folder as it was just before it was read (the reloader's first baseline).
    folder: reload::FolderState,
}

/// The schedules folder if it is valid; otherwise the last set that loaded, so one typo on disk
/// after a power cut does not keep the station off the air. Only with no good set ever does
/// loaxa refuse to start (there is nothing to air).
fn initial_set(config: &Config) -> Result<Initial, Ended> {
    // On a thread of its own, so the parse's allocations fill an arena of their own (see
    // `memory::settled`).
    let before = reload::folder_state(&config.station.schedules);
    let folder = std::thread::scope(|s| s.spawn(|| schedule::load(config)).join())
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let (rejected, why) = match folder {
        Ok(loaded) if !loaded.has_errors() => {
            return Ok(Initial {
                loaded,
                source: Source::Files,
                rejected: None,
                folder: before,
            });
        }
        Ok(loaded) => {
            let rejected = reload::rejection(&loaded);
            // The quoted report only on a person's terminal; under systemd stderr is the
            // journal, which gets the places.
            if std::io::stderr().is_terminal() {
                loaded.sources.emit_all(&loaded.diagnostics);
            } else {
                crate::console::error(t!("daemon-schedules-invalid", places = rejected.0));
            }
            let why = t!("daemon-schedule-errors", n = loaded.error_count());
            (Some(rejected), why)
        }
        Err(e) => {
            crate::console::error(&e);
            let why = e.to_string();
            let event = Event::new(Kind::ScheduleRejected, json!({ "errors": 1, "reason": why }));
            (Some((why.clone(), event)), why)
        }
    };
    match last_good::load(config) {
        Ok(good) => {
            let saved = good.saved_at.with_timezone(&config.station.timezone);
            crate::console::warning(t!(
                "daemon-last-good",
                why = why,
                saved = saved.format("%d/%m/%Y %H:%M:%S"),
                n = good.loaded.set.broadcasts.len()
            ));
            if good.loaded.has_errors() {
                crate::console::warning(t!("daemon-last-good-partly", n = good.loaded.error_count()));
                good.loaded.sources.emit_all(&good.loaded.diagnostics);
            }
            Ok(Initial {
                loaded: good.loaded,
                source: Source::LastGood(good.saved_at),
                rejected,
                folder: before,
            })
        }
        Err(e) => {
            crate::console::error(t!("daemon-no-fallback", why = why, reason = e));
            crate::console::help(t!("daemon-no-fallback-hint"));
            Err(Ended::NothingToAir)
        }
    }
}

/// The set the last run ran, when the files changed while loaxa was down (`None` when they did
/// not, or there is no copy): the start records what was added and changed then, so that a
/// restart neither airs nor calls missed what a broadcast defined while loaxa was down would
/// have done before it was loaded. Only parsed when the files' hashes differ, on a thread of
/// its own (see `memory::settled`).
fn edited_while_down(config: &Config, loaded: &schedule::Loaded, source: Source) -> Option<schedule::ScheduleSet> {
    if source != Source::Files {
        return None;
    }
    let mut before = last_good::hashes(&config.station.data)?;
    before.sort();
    let mut now: Vec<(String, String)> = loaded
        .set
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    now.sort();
    if before == now {
        return None;
    }
    std::thread::scope(|s| s.spawn(|| last_good::load(config).ok().map(|g| g.loaded.set)).join())
        .ok()
        .flatten()
}

/// What comes before the configuration is read: a stop asked for while the daemon starts is a
/// clean stop, not a kill, and the descriptor limit is raised before anything opens one.
pub fn starting() {
    signals::hold();
    more_descriptors();
}

/// Raises the soft limit on open files to the hard one: the default 1,024 is little for a daemon
/// that holds the history, the outbox, sockets, streams and the sound device, and running out
/// fails every programme.
fn more_descriptors() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct given, owned here.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// Whether the history on disk is the one the daemon was writing (see [`guard`]). A missing,
/// replaced or older history is refused, unless the operator accepts it.
fn history_standing(config: &Config, accept: bool) -> Result<Standing, Ended> {
    let data = &config.station.data;
    let standing = match guard::standing(data, &Store::path_in(data), config.station.timezone) {
        Ok(s) => s,
        Err(e) => {
            crate::console::error(&e);
            return Err(Ended::CouldNotStart);
        }
    };
    if let Standing::RolledBack { why, .. } = &standing
        && !accept
    {
        crate::console::error(t!("daemon-rolled-back", why = why));
        crate::console::help(t!("daemon-rolled-back-hint"));
        return Err(Ended::CouldNotStart);
    }
    Ok(standing)
}

async fn main(config: Config, initial: Initial, standing: Standing) -> Ended {
    // Taken first: the scheduler plans from here, so a clock step while the history opens or
    // the device is probed cannot move the start of the plan past an occurrence.
    let boot = Utc::now();
    // On this, the main thread: a stop held since `run` began is taken now, and the daemon
    // starts its parts only to stop them at once, in order, the history closed.
    let signals = signals::Signals::install();
    let boot_mono = std::time::Instant::now();
    let (history, outbox) = match open_records(&config).await {
        Ok(records) => records,
        Err(code) => return code,
    };
    if let Standing::RolledBack { anchor, found, why } = &standing {
        accept_reset(&config, &history, &outbox, anchor, found.as_ref(), why).await;
    }
    let (shared, folder) = share(config, initial, &standing, history, outbox, boot, boot_mono).await;
    let parts = match Parts::start(&shared, folder).await {
        Ok(parts) => parts,
        Err(code) => return code,
    };
    device_verdict(&shared).await;
    summary(&shared, &parts.addr);
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);

    // A part that ended on its own (a bug: they only end when told) would leave a process that
    // looks up but plays, posts or records nothing. Stopping instead lets the service manager
    // start loaxa again, and the restart catches up on what fell due.
    let failed = wait_for_stop(signals, &parts.reloader, || parts.dead(&shared)).await;
    match &failed {
        None => tracing::info!("{}", t!("daemon-stopping")),
        Some(what) => {
            let line = t!("daemon-internal-failure", part = what);
            tracing::error!("{line}");
            crate::console::error(line);
        }
    }
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    parts.stop(&shared).await;
    finish(shared.history.clone(), failed).await
}

/// Opens the history and the outbox, and records the start.
async fn open_records(config: &Config) -> Result<(History, Arc<Outbox>), Ended> {
    let data = &config.station.data;
    let tz = config.station.timezone;
    let (history, recovered_spill) = History::start_daemon(&Store::path_in(data), data, tz).map_err(|e| {
        crate::console::error(&e);
        Ended::CouldNotStart
    })?;
    if recovered_spill > 0 {
        outln!("  {}", t!("daemon-spill-recovered", n = recovered_spill));
    }
    let outbox = Outbox::open(data, tz).map_err(|e| {
        crate::console::error(&e);
        Ended::CouldNotStart
    })?;
    let _ = history
        .record(Event::new(
            Kind::DaemonStarted,
            json!({"version": env!("CARGO_PKG_VERSION"), "pid": std::process::id(), "station": config.station.name}),
        ))
        .await;
    Ok((history, Arc::new(outbox)))
}

/// Records the schedules the daemon starts with (and a rejected edit, if any), and builds the
/// state every part shares. Gives back the folder's state, for the reloader.
async fn share(
    config: Config,
    initial: Initial,
    standing: &Standing,
    history: History,
    outbox: Arc<Outbox>,
    boot: chrono::DateTime<Utc>,
    boot_mono: std::time::Instant,
) -> (Arc<Shared>, FolderState) {
    let Initial {
        loaded,
        source,
        rejected,
        folder,
    } = initial;
    let report = match rejected {
        Some((report, event)) => {
            let _ = history.record(event).await;
            Some((Utc::now(), report))
        }
        None => None,
    };
    let mut event = reload::loaded_event(&loaded.set, edited_while_down(&config, &loaded, source).as_ref());
    event.details["source"] = json!(source.as_str());
    if let Source::LastGood(t) = source {
        event.details["saved_at"] = json!(crate::domain::time::utc_text(t));
    }
    let _ = history.record(event).await;
    let files: Vec<(String, String)> = loaded
        .set
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    let broadcasts = loaded.set.broadcasts.len();
    // The snapshot needs the files' texts; the set itself then moves into `shared` and the rest
    // is freed before the daemon settles (a copy of the set, made while the parse's leftovers
    // were still live, kept 100 MB of half-used pages at 100,000 broadcasts).
    let snapshot = (source == Source::Files).then(|| last_good::snapshot(&loaded));
    drop((loaded.sources, loaded.diagnostics));
    let set = crate::memory::settled(loaded.set);
    let shared = Arc::new(Shared {
        dashboard: Default::default(),
        schedule: Mutex::new(ScheduleState {
            loaded_at: Utc::now(),
            files,
            broadcasts,
            rejected: report,
            source,
            watching: None,
            unread: Vec::new(),
        }),
        set: RwLock::new(Arc::new(set)),
        programmes: Mutex::new(HashMap::new()),
        now_playing: Mutex::new(None),
        errors: Mutex::new(Default::default()),
        counters: Default::default(),
        outbox: outbox.clone(),
        history,
        started_at: boot,
        started_mono: boot_mono,
        last_heartbeat: match standing {
            Standing::New => None,
            Standing::Intact(a) | Standing::RolledBack { anchor: a, .. } => Some(a.heartbeat),
        },
        reset_floor: match standing {
            Standing::RolledBack { anchor, .. } => Some(anchor.heartbeat),
            _ => None,
        },
        channel_problems: Mutex::new(HashMap::new()),
        shutdown: Shutdown::new(),
        speech: Arc::new(crate::speech::render::Speech::new(
            config.tts.clone(),
            &config.station.data,
        )),
        device: Mutex::new(state::Device::default()),
        central: Mutex::new(None),
        config,
    });
    match snapshot {
        Some(snapshot) => reload::keep_snapshot(&shared, snapshot).await,
        None => shared.error(t!("daemon-status-last-good")),
    }
    crate::memory::give_back();
    let recovered = outbox.recover().map(|r| r.len()).unwrap_or(0);
    if recovered > 0 {
        tracing::warn!(rows = recovered, "{}", t!("daemon-recovered-sending"));
    }
    (shared, folder)
}

/// A web channel's worker: its name and its task.
type ChannelWorker = (String, tokio::task::JoinHandle<()>);

/// The daemon's running parts, started in the order each needs the others and stopped in the
/// order that loses nothing.
struct Parts {
    line: Line,
    events_task: tokio::task::JoinHandle<()>,
    workers: Vec<ChannelWorker>,
    /// Where the status server listens, as bound.
    addr: String,
    server: tokio::task::JoinHandle<()>,
    housekeeping: Option<tokio_cron_scheduler::JobScheduler>,
    scheduler: tokio::task::JoinHandle<()>,
    reloader: reload::Reloader,
    control: tokio::task::JoinHandle<()>,
    shipper: tokio::task::JoinHandle<()>,
    province: tokio::task::JoinHandle<()>,
}

impl Parts {
    async fn start(shared: &Arc<Shared>, folder: FolderState) -> Result<Parts, Ended> {
        // The loudspeaker line.
        let (engine, events) = Engine::start(EngineSettings::from_config(&shared.config.audio));
        let line = Line::new(engine);
        let events_task = tokio::spawn(record_playout(shared.clone(), events));
        let wake = Arc::new(Notify::new());
        let workers = channel_workers(shared, &wake);

        // Status over HTTP.
        let listener = match tokio::net::TcpListener::bind(&shared.config.http.listen).await {
            Ok(l) => l,
            Err(e) => {
                crate::console::error(t!("daemon-cannot-listen", listen = shared.config.http.listen, why = e));
                return Err(Ended::CouldNotStart);
            }
        };
        let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
        // Spoken bulletins are rendered now, not at their time; what aired long ago is let go.
        let pruned = shared.speech.prune_archive();
        if pruned > 0 {
            tracing::info!(files = pruned, "{}", t!("log-tts-pruned"));
        }
        voice::render_ahead(shared);
        let panel = shared
            .config
            .http
            .control
            .then(|| panel::Panel::new(shared.clone(), line.clone(), wake.clone()));
        let server = tokio::spawn(http::serve(listener, http::router(shared.clone(), panel)));

        // Housekeeping on tokio-cron-scheduler: half a second of slack does not matter here.
        let housekeeping = housekeeping(wake.clone(), shared.outbox.clone(), shared.speech.clone()).await;

        let stop = &shared.shutdown;
        let scheduler = tokio::spawn(scheduler::run(
            shared.clone(),
            line.clone(),
            wake.clone(),
            stop.listen(Stage::Scheduler),
        ));
        let reloader = reload::spawn(shared.clone(), folder);
        let control = tokio::spawn(control::serve(shared.clone(), line.clone(), wake.clone()));
        let shipper = tokio::spawn(shipper::run(shared.clone(), stop.listen(Stage::Centre)));
        let province = tokio::spawn(province::run(shared.clone(), line.clone(), stop.listen(Stage::Centre)));
        Ok(Parts {
            line,
            events_task,
            workers,
            addr,
            server,
            housekeeping,
            scheduler,
            reloader,
            control,
            shipper,
            province,
        })
    }

    /// The part that has ended on its own, if one has.
    fn dead(&self, shared: &Shared) -> Option<String> {
        if self.scheduler.is_finished() {
            return Some(t!("daemon-part-scheduler"));
        }
        if self.events_task.is_finished() {
            return Some(t!("daemon-part-line"));
        }
        if !shared.history.is_alive() {
            return Some(t!("daemon-part-history"));
        }
        self.workers
            .iter()
            .find(|(_, w)| w.is_finished())
            .map(|(name, _)| t!("daemon-part-worker", channel = name))
    }

    /// Stops every part, reaching the stages of `shared.shutdown` in order: operators first,
    /// then the centre, lives, the scheduler and the line, and the channels last, so that what
    /// the line did is posted and recorded.
    async fn stop(self, shared: &Shared) {
        let stop = &shared.shutdown;
        // No operator command once stopping; the socket goes with the process.
        self.control.abort();
        // A push under way is let finish (its batch is one statement: it lands whole or not at
        // all); a fetch from the province is not waited for, it is fetched again at the next start.
        stop.reach(Stage::Centre);
        self.province.abort();
        if tokio::time::timeout(Duration::from_secs(3), self.shipper)
            .await
            .is_err()
        {
            tracing::warn!("{}", t!("log-central-down"));
        }
        let _ = std::fs::remove_file(protocol::socket_path(&shared.config.station.data));
        // A live on air ends now (its closing chime plays, its end is recorded), not at its bound.
        stop.reach(Stage::Lives);
        let _ = tokio::time::timeout(Duration::from_secs(5), stop.drained(Stage::Lives)).await;
        stop.reach(Stage::Scheduler);
        let _ = self.scheduler.await;
        drop(self.reloader);
        if let Some(mut h) = self.housekeeping {
            let _ = h.shutdown().await;
        }
        let cut = shared.config.audio.on_shutdown_cut;
        if let Some(engine) = self.line.take() {
            let _ = tokio::task::spawn_blocking(move || engine.shutdown(cut)).await;
        }
        let _ = self.events_task.await;
        stop.reach(Stage::Channels);
        for (_, w) in self.workers {
            // A request in flight finishes (or times out) and is recorded before loaxa exits.
            let _ = tokio::time::timeout(Duration::from_secs(30), w).await;
        }
        self.server.abort();
    }
}

/// One worker per web channel. A channel that cannot start (a secret that cannot be read) is
/// shown on the dashboard and in the log, and the others start.
fn channel_workers(shared: &Arc<Shared>, wake: &Arc<Notify>) -> Vec<ChannelWorker> {
    let campaigns: Arc<HashMap<String, String>> = Arc::new(
        shared
            .set()
            .broadcasts
            .iter()
            .filter_map(|b| Some((b.id.clone(), b.campaign.clone()?)))
            .collect(),
    );
    let config = &shared.config;
    let mut workers = Vec::new();
    for ch in config.channels.values() {
        match Ctx::new(ch, config.station.timezone, &config.station.name, &config.station.data) {
            Ok(ctx) => {
                let ctx = ctx.with_media(&config.station.media);
                let w = Worker {
                    ctx: Arc::new(ctx),
                    outbox: shared.outbox.clone(),
                    history: shared.history.clone(),
                    campaigns: campaigns.clone(),
                    wake: wake.clone(),
                };
                let stop = shared.shutdown.listen(Stage::Channels);
                workers.push((ch.name.clone(), tokio::spawn(w.run(stop))));
            }
            Err(reason) => {
                tracing::error!(channel = ch.name, reason, "{}", t!("daemon-channel-disabled"));
                shared.error(t!("daemon-channel-problem", channel = ch.name, why = reason));
                shared
                    .channel_problems
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(ch.name.clone(), reason);
            }
        }
    }
    workers
}

/// Records the stop and closes the history: how the run ended says whether a part failed or
/// an event could not be written.
async fn finish(history: History, failed: Option<String>) -> Ended {
    let reason = match &failed {
        None => "signal".to_string(),
        Some(what) => format!("internal failure: {what} stopped on its own"),
    };
    let _ = history
        .record(Event::new(Kind::DaemonStopped, json!({ "reason": reason })))
        .await;
    let unwritten = history.close().await;
    if failed.is_some() {
        return Ended::PartFailed;
    }
    if unwritten > 0 {
        crate::console::error(t!("daemon-unwritten", n = unwritten));
        return Ended::Unwritten(unwritten);
    }
    Ended::Stopped
}

/// Records the operator's `--accept-history-reset`, and holds the posts the lost history may
/// have sent already.
async fn accept_reset(
    config: &Config,
    history: &History,
    outbox: &Outbox,
    anchor: &guard::Anchor,
    found: Option<&crate::history::Head>,
    why: &str,
) {
    let tz = config.station.timezone;
    tracing::warn!("{}", t!("daemon-reset-accepted", why = why));
    let _ = history
        .record(Event::new(
            Kind::HistoryReset,
            json!({
                "reason": why,
                "expected_head": format!("{}:{}", anchor.seq, anchor.hash),
                "found_head": found.map(|h| h.to_string()),
                "last_heartbeat": crate::domain::time::utc_text(anchor.heartbeat),
            }),
        ))
        .await;
    let reason = t!(
        "daemon-reset-unconfirmed",
        before = anchor.heartbeat.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
    );
    match outbox.hold_after_reset(anchor.heartbeat, &reason) {
        Ok(rows) => {
            for r in rows {
                let d = &r.delivery;
                let mut e = Event::new(Kind::PostUnconfirmed, json!({ "reason": reason, "title": d.title }))
                    .channel(d.channel.clone());
                e.occurrence = Some(crate::history::OccurrenceKey {
                    broadcast_id: d.broadcast_id.clone(),
                    scheduled_at: d.scheduled_at,
                });
                let _ = history.record(e).await;
            }
        }
        Err(e) => tracing::error!(error = %e, "{}", t!("daemon-reset-hold-failed")),
    }
}

/// Playout events into the history and the status.
async fn record_playout(shared: Arc<Shared>, mut events: tokio::sync::mpsc::UnboundedReceiver<PlayoutEvent>) {
    while let Some(e) = events.recv().await {
        let key = match &e {
            PlayoutEvent::Queued { key }
            | PlayoutEvent::Waiting { key, .. }
            | PlayoutEvent::Prerolled { key }
            | PlayoutEvent::Started { key, .. }
            | PlayoutEvent::Finished { key, .. }
            | PlayoutEvent::Failed { key, .. }
            | PlayoutEvent::Interrupted { key, .. } => Some(key.clone()),
            PlayoutEvent::DeviceError { .. } | PlayoutEvent::DeviceReady | PlayoutEvent::Latency { .. } => None,
        };
        let programme = key.as_ref().and_then(|k| {
            shared
                .programmes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(k)
                .cloned()
        });
        let c = &shared.counters;
        match &e {
            PlayoutEvent::Started {
                key,
                started_at,
                lateness_ms,
                resumed,
                ..
            } => {
                // A resumption is as late as the emergency before it was long: counted apart,
                // so a lateness alert means the line was late.
                if *resumed {
                    c.resumed.fetch_add(1, Ordering::Relaxed);
                } else {
                    c.starts.fetch_add(1, Ordering::Relaxed);
                    c.lateness_ms_sum.fetch_add(*lateness_ms, Ordering::Relaxed);
                    c.lateness_ms_max.fetch_max(*lateness_ms, Ordering::Relaxed);
                }
                let title = programme.as_ref().map(|p| p.title.clone()).unwrap_or_default();
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = Some((key.clone(), title, *started_at));
            }
            PlayoutEvent::Finished { glitches, .. } => {
                c.played.fetch_add(1, Ordering::Relaxed);
                c.device_glitches.fetch_add(u64::from(*glitches), Ordering::Relaxed);
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            PlayoutEvent::Failed { key, reason } => {
                c.failed.fetch_add(1, Ordering::Relaxed);
                // The one line an operator reads about it, in the station's time.
                let what = match &programme {
                    Some(p) => t!(
                        "daemon-not-played",
                        title = p.title,
                        id = p.broadcast_id,
                        at = p
                            .scheduled_at
                            .with_timezone(&shared.config.station.timezone)
                            .format("%d/%m/%Y %H:%M:%S"),
                        why = reason
                    ),
                    None => t!("daemon-not-played-key", key = key, why = reason),
                };
                tracing::error!("{what}");
                shared.error(what);
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            PlayoutEvent::Interrupted { .. } => {
                c.interrupted.fetch_add(1, Ordering::Relaxed);
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            PlayoutEvent::DeviceError { reason } => {
                shared.error(t!(
                    "daemon-device-problem",
                    device = shared.config.audio.device,
                    why = reason
                ));
                shared
                    .device
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .failing(reason.clone());
            }
            PlayoutEvent::DeviceReady => shared.device.lock().unwrap_or_else(|p| p.into_inner()).ready(),
            PlayoutEvent::Latency { granted } => {
                if *granted > crate::playout::settings::EMERGENCY_LATENCY {
                    shared.error(t!(
                        "daemon-device-slow",
                        device = shared.config.audio.device,
                        ms = granted.as_millis()
                    ));
                }
                shared.device.lock().unwrap_or_else(|p| p.into_inner()).latency = Some(*granted);
            }
            _ => {}
        }
        if let Some(event) = history_event(&e, programme.as_ref()) {
            let _ = shared.history.record(event).await;
        }
        // A programme that ended for good is not needed any more (an interrupted one may be
        // replayed, and is forgotten by the scheduler's horizon instead).
        let done = match &e {
            PlayoutEvent::Finished { .. } | PlayoutEvent::Failed { .. } => true,
            // Replayed only when the engine says so: an operator's stop is not.
            PlayoutEvent::Interrupted { replay, .. } => !replay,
            _ => false,
        };
        if let (true, Some(k)) = (done, key) {
            shared.programmes.lock().unwrap_or_else(|p| p.into_inner()).remove(&k);
        }
    }
}

async fn housekeeping(
    wake: Arc<Notify>,
    outbox: Arc<Outbox>,
    speech: Arc<crate::speech::render::Speech>,
) -> Option<tokio_cron_scheduler::JobScheduler> {
    use tokio_cron_scheduler::{Job, JobScheduler};
    let sched = JobScheduler::new().await.ok()?;
    // Sweep the outbox every minute: rows a killed `loaxa post` left `sending` are released
    // (checked before any resend), and the workers wake for rows whose retry time has come.
    let w = wake.clone();
    if let Ok(job) = Job::new_async("0 * * * * *", move |_, _| {
        let (w, outbox) = (w.clone(), outbox.clone());
        Box::pin(async move {
            if let Ok(Ok(released)) = tokio::task::spawn_blocking(move || outbox.recover()).await
                && !released.is_empty()
            {
                tracing::warn!(rows = released.len(), "{}", t!("daemon-recovered-sending"));
            }
            w.notify_waiters();
        })
    }) {
        let _ = sched.add(job).await;
    }
    // Once a day: aired speech older than [tts] keep_days is let go.
    if let Ok(job) = Job::new_async("0 17 3 * * *", move |_, _| {
        let speech = speech.clone();
        Box::pin(async move {
            if let Ok(n) = tokio::task::spawn_blocking(move || speech.prune_archive()).await
                && n > 0
            {
                tracing::info!(files = n, "{}", t!("log-tts-pruned"));
            }
        })
    }) {
        let _ = sched.add(job).await;
    }
    // Hourly: give memory freed by pruned per-occurrence state back to the system (glibc keeps
    // it otherwise; measured in docs/benchmarks.md, "Memory over days").
    if let Ok(job) = Job::new("0 7 * * * *", |_, _| give_back_memory()) {
        let _ = sched.add(job).await;
    }
    // The systemd watchdog, when the unit asks for one.
    if let Some(interval) = sd_notify::watchdog_enabled() {
        let secs = (interval.as_secs() / 2).clamp(1, 59);
        if let Ok(job) = Job::new(format!("*/{secs} * * * * *").as_str(), |_, _| {
            let _ = sd_notify::notify(&[sd_notify::NotifyState::Watchdog]);
        }) {
            let _ = sched.add(job).await;
        }
    }
    sched.start().await.ok()?;
    Some(sched)
}

/// Returns the allocator's free memory to the system. With one occurrence a second, glibc's
/// heap otherwise grows by about 125 bytes an occurrence although every entry is freed.
pub fn give_back_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap memory; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Waits for SIGTERM or SIGINT (None), reloading on SIGHUP, and checks every second that no
/// part has died: `dead` names one that has (Some).
async fn wait_for_stop(
    signals: Option<signals::Signals>,
    reloader: &reload::Reloader,
    dead: impl Fn() -> Option<String>,
) -> Option<String> {
    let mut vitals = tokio::time::interval(Duration::from_secs(1));
    let Some(signals::Signals {
        mut term,
        mut int,
        mut hup,
    }) = signals
    else {
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return None,
                _ = vitals.tick() => if let Some(what) = dead() { return Some(what) },
            }
        }
    };
    loop {
        tokio::select! {
            _ = term.recv() => return None,
            _ = int.recv() => return None,
            _ = hup.recv() => {
                tracing::info!("{}", t!("daemon-sighup"));
                reloader.request();
            }
            _ = vitals.tick() => if let Some(what) = dead() { return Some(what) },
        }
    }
}

/// How long the start-up summary waits for the held line's first open: a sound card answers
/// in milliseconds, a sound server in a second or so.
const DEVICE_VERDICT: Duration = Duration::from_secs(3);

/// Waits until the engine's first open of a held line has said whether the device opens (or
/// [`DEVICE_VERDICT`] has passed), so the summary tells what the open said. A name ALSA knows
/// may lead to no card at all (`default` on a box without one).
async fn device_verdict(shared: &Shared) {
    if shared.config.audio.release_when_idle {
        return;
    }
    let deadline = tokio::time::Instant::now() + DEVICE_VERDICT;
    while !shared.device.lock().unwrap_or_else(|p| p.into_inner()).used && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The summary's line about the loudspeaker: opened and held, failing and why, still opening,
/// or (released between programmes) only found by its name.
fn device_line(shared: &Shared) -> String {
    let device = &shared.config.audio.device;
    if shared.config.audio.release_when_idle {
        return match crate::playout::device::find(device) {
            Ok(()) => t!("daemon-summary-device-released", device = device),
            Err(e) => t!("daemon-summary-device-problem", device = device, why = e),
        };
    }
    let state = shared.device.lock().unwrap_or_else(|p| p.into_inner()).clone();
    match state.failing {
        Some((_, why)) => t!("daemon-summary-device-problem", device = device, why = why),
        None if state.used => t!(
            "daemon-summary-device",
            device = device,
            ms = shared.config.audio.latency.as_millis()
        ),
        None => t!(
            "daemon-summary-device-opening",
            device = device,
            seconds = DEVICE_VERDICT.as_secs()
        ),
    }
}

/// What an operator sees when loaxa starts.
fn summary(shared: &Arc<Shared>, addr: &str) {
    use crate::console::say;
    let tz = shared.config.station.timezone;
    let set = shared.set();
    let now = Utc::now();
    say(format!(
        "loaxa {} — {}",
        env!("CARGO_PKG_VERSION"),
        shared.config.station.name
    ));
    say(format!(
        "  {}",
        t!(
            "daemon-summary-set",
            files = set.files.len(),
            broadcasts = set.broadcasts.len(),
            timezone = tz.name()
        )
    ));
    say(format!(
        "  {}",
        t!("daemon-summary-status", url = format!("http://{addr}/status"))
    ));
    if let Some(w) = shared.config.http.exposure_warning() {
        say(format!("  {}: {w}", t!("daemon-summary-warning")));
        tracing::warn!("{w}");
    }
    say(format!("  {}", device_line(shared)));
    {
        let st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        if let Source::LastGood(t) = st.source {
            say(format!(
                "  {}",
                t!(
                    "status-last-good",
                    saved = t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
                )
            ));
        }
    }
    let next = crate::domain::cron::planning_all(|| {
        crate::domain::plan::occurrences(&set.broadcasts, now..now + chrono::Duration::days(7), tz)
    });
    say(format!("  {}", t!("status-next")));
    for o in next.iter().take(5) {
        let secs = (o.at - now).num_seconds();
        say(format!(
            "    {}  {}  {}  {}",
            o.at.with_timezone(&tz).format("%d/%m %H:%M:%S"),
            t!(
                "daemon-summary-in",
                hours = secs / 3600,
                minutes = format!("{:02}", secs % 3600 / 60)
            ),
            o.broadcast.id,
            o.broadcast.channels.join(",")
        ));
    }
    if next.is_empty() {
        say(format!("    {}", t!("daemon-summary-nothing")));
    }
    let problems = shared
        .channel_problems
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for ch in shared.config.channels.keys() {
        match problems.get(ch) {
            Some(p) => say(format!("  {}", t!("daemon-summary-channel-off", channel = ch, why = p))),
            None => say(format!("  {}", t!("daemon-summary-channel-ready", channel = ch))),
        }
    }
}
