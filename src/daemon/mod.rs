//! `loaxa run`: the daemon. Schedule files → plan → occurrences → loudspeaker and outbox →
//! history, on its own, for months.
//!
//! - [`scheduler`]: walks the plan on the wall clock and hands each occurrence over once;
//! - [`reload`]: watches the schedules folder and swaps in a valid edited set;
//! - [`state`]: what `/status` and `/metrics` show;
//! - [`http`]: the status server and the public board;
//! - [`dashboard`]: the office's live view at `/`.

pub mod dashboard;
pub mod http;
pub mod last_good;
pub mod lock;
pub mod reload;
pub mod scheduler;
pub mod state;

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::Notify;

use crate::channels::Ctx;
use crate::cmd::{EXIT_INVALID, EXIT_USAGE};
use crate::config::{AfterInterrupt, Config};
use crate::history::event::{Event, Kind};
use crate::history::guard::{self, Standing};
use crate::history::{History, Store};
use crate::outbox::{Outbox, Worker};
use crate::playout::record::history_event;
use crate::playout::{Engine, EngineSettings, PlayoutEvent};
use crate::schedule;
use state::{ScheduleState, Shared, Source};

/// Runs the daemon until SIGTERM or SIGINT.
pub fn run(config_path: &Path, accept_history_reset: bool) -> ExitCode {
    let config = match crate::cmd::load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
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
            errln!("error: {e}");
            if matches!(e, lock::LockError::Held { .. }) {
                errln!(
                    "help: stop the other one first (`systemctl stop loaxa`), or give this configuration its own [station] data folder"
                );
            }
            return ExitCode::from(EXIT_USAGE);
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
            errln!("error: cannot start the runtime: {e}");
            return ExitCode::from(EXIT_USAGE);
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
            errln!(
                "warning: {} can be read by other users (mode {:o}); it holds the station's record and tokens: chmod go-rwx {}",
                p.display(),
                m.permissions().mode() & 0o777,
                p.display()
            );
        }
    }
}

/// The set the daemon starts with, and what was wrong with the folder if it is not that.
struct Initial {
    loaded: schedule::Loaded,
    source: Source,
    /// The folder's own set was invalid: its report and `schedule_rejected` event.
    rejected: Option<(String, Event)>,
}

/// The schedules folder if it is valid; otherwise the last set that loaded, so one typo on disk
/// after a power cut does not keep the station off the air. Only with no good set ever does
/// loaxa refuse to start (there is nothing to air).
fn initial_set(config: &Config) -> Result<Initial, ExitCode> {
    let folder = schedule::load(config);
    let (rejected, why) = match folder {
        Ok(loaded) if !loaded.has_errors() => {
            return Ok(Initial {
                loaded,
                source: Source::Files,
                rejected: None,
            });
        }
        Ok(loaded) => {
            let rejected = reload::rejection(&loaded);
            // The quoted report only on a person's terminal; under systemd stderr is the
            // journal, which gets the places.
            if std::io::stderr().is_terminal() {
                loaded.sources.emit_all(&loaded.diagnostics);
            } else {
                errln!("error: the schedules are invalid: {}", rejected.0);
            }
            let why = format!("{} errors in the schedules", loaded.error_count());
            (Some(rejected), why)
        }
        Err(e) => {
            errln!("error: {e}");
            let why = e.to_string();
            let event = Event::new(Kind::ScheduleRejected, json!({ "errors": 1, "reason": why }));
            (Some((why.clone(), event)), why)
        }
    };
    match last_good::load(config) {
        Ok(good) => {
            let saved = good.saved_at.with_timezone(&config.station.timezone);
            errln!(
                "warning: {why}; loaxa runs the last set that loaded, saved at {} ({} broadcasts). \
                 Fix the files (`loaxa check` shows the errors again): the fixed set goes on air as soon as it is saved",
                saved.format("%d/%m/%Y %H:%M:%S"),
                good.loaded.set.broadcasts.len()
            );
            if good.loaded.has_errors() {
                errln!(
                    "warning: {} broadcasts of that set no longer validate (media removed?) and are left out:",
                    good.loaded.error_count()
                );
                good.loaded.sources.emit_all(&good.loaded.diagnostics);
            }
            Ok(Initial {
                loaded: good.loaded,
                source: Source::LastGood(good.saved_at),
                rejected,
            })
        }
        Err(e) => {
            errln!("error: {why}; loaxa will not start: {e}, so there is nothing to fall back on");
            errln!("help: fix the files (`loaxa check` shows the errors again), then start loaxa again");
            Err(ExitCode::from(EXIT_INVALID))
        }
    }
}

/// Whether the history on disk is the one the daemon was writing (see [`guard`]). A missing,
/// replaced or older history is refused, unless the operator accepts it.
fn history_standing(config: &Config, accept: bool) -> Result<Standing, ExitCode> {
    let data = &config.station.data;
    let standing = match guard::standing(data, &Store::path_in(data), config.station.timezone) {
        Ok(s) => s,
        Err(e) => {
            errln!("error: {e}");
            return Err(ExitCode::from(EXIT_USAGE));
        }
    };
    if let Standing::RolledBack { why, .. } = &standing
        && !accept
    {
        errln!("error: {why}. loaxa will not start on it");
        errln!(
            "help: put back the newest history.db if you have it; otherwise start once with `loaxa run --accept-history-reset` \
             (recorded in the history; posts that may already have gone out are held as unconfirmed, not sent again)"
        );
        return Err(ExitCode::from(EXIT_USAGE));
    }
    Ok(standing)
}

async fn main(config: Config, initial: Initial, standing: Standing) -> ExitCode {
    // Taken first: the scheduler plans from here, so a clock step while the history opens or
    // the device is probed cannot move the start of the plan past an occurrence.
    let boot = Utc::now();
    let tz = config.station.timezone;
    let data = config.station.data.clone();
    let (history, recovered_spill) = match History::start_daemon(&Store::path_in(&data), &data, tz) {
        Ok(h) => h,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if recovered_spill > 0 {
        outln!("  {recovered_spill} events kept in the spill file by the last run were written into the history");
    }
    let outbox = match Outbox::open(&data, tz) {
        Ok(o) => Arc::new(o),
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let _ = history
        .record(Event::new(
            Kind::DaemonStarted,
            json!({"version": env!("CARGO_PKG_VERSION"), "pid": std::process::id(), "station": config.station.name}),
        ))
        .await;
    let last_heartbeat = match &standing {
        Standing::New => None,
        Standing::Intact(a) | Standing::RolledBack { anchor: a, .. } => Some(a.heartbeat),
    };
    if let Standing::RolledBack { anchor, found, why } = &standing {
        accept_reset(&config, &history, &outbox, anchor, found.as_ref(), why).await;
    }
    let Initial {
        loaded,
        source,
        rejected,
    } = initial;
    let report = match rejected {
        Some((report, event)) => {
            let _ = history.record(event).await;
            Some((Utc::now(), report))
        }
        None => None,
    };
    let mut event = reload::loaded_event(&loaded.set, None);
    event.details["source"] = json!(source.as_str());
    if let Source::LastGood(t) = source {
        event.details["saved_at"] = json!(crate::history::event::utc_text(t));
    }
    let _ = history.record(event).await;
    let files: Vec<(String, String)> = loaded
        .set
        .files
        .iter()
        .map(|f| (f.name.clone(), f.sha256.clone()))
        .collect();
    let broadcasts = loaded.set.broadcasts.len();
    let shared = Arc::new(Shared {
        schedule: Mutex::new(ScheduleState {
            loaded_at: Utc::now(),
            files,
            broadcasts,
            rejected: report,
            source,
            watching: None,
        }),
        set: RwLock::new(Arc::new(loaded.set.clone())),
        programmes: Mutex::new(HashMap::new()),
        now_playing: Mutex::new(None),
        errors: Mutex::new(Default::default()),
        counters: Default::default(),
        outbox: outbox.clone(),
        history: history.clone(),
        started_at: boot,
        last_heartbeat,
        reset_floor: match &standing {
            Standing::RolledBack { anchor, .. } => Some(anchor.heartbeat),
            _ => None,
        },
        channel_problems: Mutex::new(HashMap::new()),
        device: Mutex::new(state::Device::default()),
        config,
    });
    if source == Source::Files {
        reload::keep_as_last_good(&shared, &loaded).await;
    } else {
        shared.error("the schedules folder is invalid: the last set that loaded is on the air");
    }
    let recovered = outbox.recover().map(|r| r.len()).unwrap_or(0);
    if recovered > 0 {
        tracing::warn!(
            rows = recovered,
            "posts were being sent when loaxa stopped; they are checked before any resend"
        );
    }

    // The loudspeaker line.
    let (engine, events) = Engine::start(EngineSettings::from_config(&shared.config.audio));
    let engine = Arc::new(Mutex::new(Some(engine)));
    let events_task = tokio::spawn(record_playout(shared.clone(), events));

    // One worker per web channel, each with its own stop signal (a stored permit, so a worker
    // busy at the moment of shutdown still sees it).
    let wake = Arc::new(Notify::new());
    let mut workers = Vec::new();
    let campaigns: Arc<HashMap<String, String>> = Arc::new(
        shared
            .set()
            .broadcasts
            .iter()
            .filter_map(|b| Some((b.id.clone(), b.campaign.clone()?)))
            .collect(),
    );
    for ch in shared.config.channels.values() {
        match Ctx::new(ch, tz, &shared.config.station.name, &data) {
            Ok(ctx) => {
                let ctx = ctx.with_media(&shared.config.station.media);
                let w = Worker {
                    ctx: Arc::new(ctx),
                    outbox: outbox.clone(),
                    history: history.clone(),
                    campaigns: campaigns.clone(),
                    wake: wake.clone(),
                };
                let stop = Arc::new(Notify::new());
                let s = stop.clone();
                workers.push((ch.name.clone(), stop, tokio::spawn(async move { w.run(s).await })));
            }
            Err(reason) => {
                tracing::error!(
                    channel = ch.name,
                    reason,
                    "channel disabled: its posts wait in the outbox"
                );
                shared.error(format!("channel {}: {reason}", ch.name));
                shared
                    .channel_problems
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(ch.name.clone(), reason);
            }
        }
    }

    // Status over HTTP.
    let listener = match tokio::net::TcpListener::bind(&shared.config.http.listen).await {
        Ok(l) => l,
        Err(e) => {
            errln!(
                "error: cannot listen on {}: {e} (set [http] listen)",
                shared.config.http.listen
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_default();
    let server = tokio::spawn(http::serve(listener, http::router(shared.clone())));

    // Housekeeping on tokio-cron-scheduler: half a second of slack does not matter here.
    let housekeeping = housekeeping(wake.clone(), outbox.clone()).await;

    let scheduler_stop = Arc::new(Notify::new());
    let sched = tokio::spawn(scheduler::run(
        shared.clone(),
        engine.clone(),
        wake.clone(),
        scheduler_stop.clone(),
    ));
    let reloader = reload::spawn(shared.clone());

    summary(&shared, &addr);
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);

    // A part that ended on its own (a bug: they only end when told) would leave a process that
    // looks up but plays, posts or records nothing. Stopping instead lets the service manager
    // start loaxa again, and the restart catches up on what fell due.
    let failed = wait_for_stop(&reloader, || {
        if sched.is_finished() {
            return Some("the scheduler".to_string());
        }
        if events_task.is_finished() {
            return Some("the loudspeaker line".to_string());
        }
        if !history.is_alive() {
            return Some("the history writer".to_string());
        }
        workers
            .iter()
            .find(|(_, _, w)| w.is_finished())
            .map(|(name, _, _)| format!("the worker of channel {name}"))
    })
    .await;
    match &failed {
        None => tracing::info!("stopping"),
        Some(what) => {
            tracing::error!("internal failure: {what} stopped on its own; loaxa stops so that systemd starts it again");
            errln!("error: internal failure: {what} stopped on its own; loaxa stops so that systemd starts it again");
        }
    }
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    scheduler_stop.notify_one();
    let _ = sched.await;
    drop(reloader);
    if let Some(mut h) = housekeeping {
        let _ = h.shutdown().await;
    }
    let cut = shared.config.audio.on_shutdown_cut;
    let engine = engine.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(engine) = engine {
        let _ = tokio::task::spawn_blocking(move || engine.shutdown(cut)).await;
    }
    let _ = events_task.await;
    for (_, stop, _) in &workers {
        stop.notify_one();
    }
    for (_, _, w) in workers {
        // A request in flight finishes (or times out) and is recorded before loaxa exits.
        let _ = tokio::time::timeout(Duration::from_secs(30), w).await;
    }
    server.abort();
    let reason = match &failed {
        None => "signal".to_string(),
        Some(what) => format!("internal failure: {what} stopped on its own"),
    };
    let _ = history
        .record(Event::new(Kind::DaemonStopped, json!({ "reason": reason })))
        .await;
    let unwritten = history.close().await;
    if failed.is_some() {
        return ExitCode::from(EXIT_SOFTWARE);
    }
    if unwritten > 0 {
        errln!("error: {unwritten} history events could not be written");
        return ExitCode::from(EXIT_INVALID);
    }
    ExitCode::SUCCESS
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
    tracing::warn!("{why}; running on it as told (--accept-history-reset)");
    let _ = history
        .record(Event::new(
            Kind::HistoryReset,
            json!({
                "reason": why,
                "expected_head": format!("{}:{}", anchor.seq, anchor.hash),
                "found_head": found.map(|h| h.to_string()),
                "last_heartbeat": crate::history::event::utc_text(anchor.heartbeat),
            }),
        ))
        .await;
    let reason = format!(
        "the history was reset to an older copy; this post may already have gone out before {} (check the platform, then `loaxa post` it if it did not)",
        anchor.heartbeat.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
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
        Err(e) => tracing::error!(error = e, "cannot hold the outbox after the history reset"),
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
            PlayoutEvent::DeviceError { .. } | PlayoutEvent::DeviceReady => None,
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
                ..
            } => {
                c.starts.fetch_add(1, Ordering::Relaxed);
                c.lateness_ms_sum.fetch_add(*lateness_ms, Ordering::Relaxed);
                c.lateness_ms_max.fetch_max(*lateness_ms, Ordering::Relaxed);
                let title = programme.as_ref().map(|p| p.title.clone()).unwrap_or_default();
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = Some((key.clone(), title, *started_at));
            }
            PlayoutEvent::Finished { .. } => {
                c.played.fetch_add(1, Ordering::Relaxed);
                *shared.now_playing.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            PlayoutEvent::Failed { key, reason } => {
                c.failed.fetch_add(1, Ordering::Relaxed);
                // The one line an operator reads about it, in the station's time.
                let what = match &programme {
                    Some(p) => format!(
                        "{} ({}, {}) was not played: {reason}",
                        p.title,
                        p.broadcast_id,
                        p.scheduled_at
                            .with_timezone(&shared.config.station.timezone)
                            .format("%d/%m/%Y %H:%M:%S")
                    ),
                    None => format!("{key} was not played: {reason}"),
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
                shared.error(format!("sound device `{}`: {reason}", shared.config.audio.device));
                shared
                    .device
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .failing(reason.clone());
            }
            PlayoutEvent::DeviceReady => shared.device.lock().unwrap_or_else(|p| p.into_inner()).ready(),
            _ => {}
        }
        if let Some(event) = history_event(&e, programme.as_ref()) {
            let _ = shared.history.record(event).await;
        }
        // A programme that ended for good is not needed any more (an interrupted one may be
        // replayed, and is forgotten by the scheduler's horizon instead).
        let done = match &e {
            PlayoutEvent::Finished { .. } | PlayoutEvent::Failed { .. } => true,
            PlayoutEvent::Interrupted { .. } => shared.config.audio.after_interrupt != AfterInterrupt::Replay,
            _ => false,
        };
        if let (true, Some(k)) = (done, key) {
            shared.programmes.lock().unwrap_or_else(|p| p.into_inner()).remove(&k);
        }
    }
}

async fn housekeeping(wake: Arc<Notify>, outbox: Arc<Outbox>) -> Option<tokio_cron_scheduler::JobScheduler> {
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
                tracing::warn!(
                    rows = released.len(),
                    "posts left sending by a loaxa that stopped are checked before any resend"
                );
            }
            w.notify_waiters();
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

/// Exit code when a part of the daemon failed (sysexits' EX_SOFTWARE).
const EXIT_SOFTWARE: u8 = 70;

/// Waits for SIGTERM or SIGINT (None), reloading on SIGHUP, and checks every second that no
/// part has died: `dead` names one that has (Some).
async fn wait_for_stop(reloader: &reload::Reloader, dead: impl Fn() -> Option<String>) -> Option<String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut vitals = tokio::time::interval(Duration::from_secs(1));
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
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
                tracing::info!("SIGHUP: reloading the schedules");
                reloader.request();
            }
            _ = vitals.tick() => if let Some(what) = dead() { return Some(what) },
        }
    }
}

/// What an operator sees when loaxa starts.
fn summary(shared: &Arc<Shared>, addr: &str) {
    let tz = shared.config.station.timezone;
    let set = shared.set();
    let now = Utc::now();
    outln!("loaxa {} — {}", env!("CARGO_PKG_VERSION"), shared.config.station.name);
    outln!(
        "  {} schedule files, {} broadcasts; timezone {}",
        set.files.len(),
        set.broadcasts.len(),
        tz.name()
    );
    outln!("  status: http://{addr}/status");
    if let Some(w) = shared.config.http.exposure_warning() {
        outln!("  WARNING: {w}");
        tracing::warn!("{w}");
    }
    let device = &shared.config.audio.device;
    match crate::playout::device::find(device) {
        Ok(()) => outln!("  loudspeaker: sound device `{device}` found (opened for each programme)"),
        Err(e) => outln!("  loudspeaker: sound device `{device}` PROBLEM: {e} (see `loaxa devices`)"),
    }
    {
        let st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        if let Source::LastGood(t) = st.source {
            outln!(
                "  SCHEDULES: the folder is invalid; airing the last set that loaded (saved {})",
                t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
            );
        }
    }
    let next = crate::plan::occurrences(&set.broadcasts, now..now + chrono::Duration::days(7), tz);
    outln!("  next:");
    for o in next.iter().take(5) {
        let secs = (o.at - now).num_seconds();
        outln!(
            "    {}  in {}h{:02}m  {}  {}",
            o.at.with_timezone(&tz).format("%d/%m %H:%M:%S"),
            secs / 3600,
            secs % 3600 / 60,
            o.broadcast.id,
            o.broadcast.channels.join(",")
        );
    }
    if next.is_empty() {
        outln!("    nothing in the next 7 days");
    }
    let problems = shared
        .channel_problems
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    for ch in shared.config.channels.keys() {
        match problems.get(ch) {
            Some(p) => outln!("  channel {ch}: DISABLED: {p}"),
            None => outln!("  channel {ch}: ready"),
        }
    }
}
