//! What the running daemon knows about itself, shared between its tasks and shown by
//! `/status`, `/metrics` and `loaxa status`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::config::Config;
use crate::history::History;
use crate::outbox::{Outbox, State};
use crate::playout::Programme;
use crate::schedule::ScheduleSet;

/// Counters exported at `/metrics`.
#[derive(Default)]
pub struct Counters {
    pub played: AtomicU64,
    pub failed: AtomicU64,
    pub interrupted: AtomicU64,
    /// Passing device trouble (underruns, a busy sound server) during programmes.
    pub device_glitches: AtomicU64,
    pub missed: AtomicU64,
    pub lateness_ms_sum: AtomicI64,
    pub lateness_ms_max: AtomicI64,
    /// First starts: what the lateness figures are over.
    pub starts: AtomicU64,
    /// Programmes that started again after an emergency cut them off; not in the lateness.
    pub resumed: AtomicU64,
    pub reloads: AtomicU64,
    pub rejected_reloads: AtomicU64,
    pub dashboard_builds: AtomicU64,
}

/// The schedule set in use and what became of the last edit.
pub struct ScheduleState {
    pub loaded_at: DateTime<Utc>,
    pub files: Vec<(String, String)>,
    pub broadcasts: usize,
    /// The last rejected edit: when, and the report `loaxa check` would give.
    pub rejected: Option<(DateTime<Utc>, String)>,
    pub source: Source,
    /// Why edits are not seen at once (the folder cannot be watched), if so.
    pub watching: Option<String>,
    /// Files in the folder that look meant as schedules but are not read (`x.toml.txt`),
    /// told once each while they stay.
    pub unread: Vec<String>,
}

/// Where the set on the air came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The schedules folder, as it is now.
    Files,
    /// The copy kept from the last set that loaded (the folder is invalid), saved then.
    LastGood(DateTime<Utc>),
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Files => "files",
            Source::LastGood(_) => "last_good",
        }
    }
}

pub struct Shared {
    pub config: Config,
    /// The dashboard page last built, and when: viewers within a second share it.
    pub dashboard: tokio::sync::Mutex<Option<(std::time::Instant, axum::body::Bytes)>>,
    pub set: RwLock<Arc<ScheduleSet>>,
    pub schedule: Mutex<ScheduleState>,
    pub programmes: Mutex<HashMap<String, Programme>>,
    pub now_playing: Mutex<Option<(String, String, DateTime<Utc>)>>,
    pub errors: Mutex<VecDeque<(DateTime<Utc>, String)>>,
    pub counters: Counters,
    pub outbox: Arc<Outbox>,
    pub history: History,
    pub started_at: DateTime<Utc>,
    /// The monotonic instant taken with `started_at`: the scheduler measures clock steps from
    /// the start, so a step before its first tick is seen as one.
    pub started_mono: std::time::Instant,
    /// The previous run's last heartbeat (from the history's anchor), if any.
    pub last_heartbeat: Option<DateTime<Utc>>,
    /// After `--accept-history-reset`: nothing due before this is played or posted again (the
    /// history that knew what went out is gone).
    pub reset_floor: Option<DateTime<Utc>>,
    pub device: Mutex<Device>,
    /// Broken channels (a missing secret) and why.
    pub channel_problems: Mutex<HashMap<String, String>>,
    /// The daemon's stop, in stages: a live session listens for [`Stage::Lives`] and holds its
    /// listener until its end is recorded, so the daemon can wait for it.
    ///
    /// [`Stage::Lives`]: crate::shutdown::Stage::Lives
    pub shutdown: crate::shutdown::Shutdown,
    /// The station's voices, render cache and archive.
    pub speech: Arc<crate::speech::render::Speech>,
    /// What the shipper knows of the province's centre (with `[central]`).
    pub central: Mutex<Option<super::shipper::link::CentralState>>,
}

/// What is known of the loudspeaker's sound device. It is opened for each run of programmes
/// and closed between them, so "unused" is normal between sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// False until a programme needed it.
    pub used: bool,
    /// Why it could not be opened last time, and since when it fails.
    pub failing: Option<(DateTime<Utc>, String)>,
    pub last_ok: Option<DateTime<Utc>>,
    /// How long a sound takes from loaxa to the loudspeaker, as the open device reported it.
    pub latency: Option<std::time::Duration>,
}

impl Device {
    /// The device opened: its latency is known again once it has settled.
    pub fn ready(&mut self) {
        self.used = true;
        self.failing = None;
        self.last_ok = Some(Utc::now());
        self.latency = None;
    }

    pub fn failing(&mut self, reason: String) {
        self.used = true;
        let since = self.failing.as_ref().map_or_else(Utc::now, |(t, _)| *t);
        self.failing = Some((since, reason));
    }

    /// `ok`, `failing` or `unused`: the stable identifier `/status` gives.
    pub fn state(&self) -> &'static str {
        match (self.used, &self.failing) {
            (_, Some(_)) => "failing",
            (true, None) => "ok",
            (false, None) => "unused",
        }
    }
}

impl Shared {
    pub fn error(&self, what: impl Into<String>) {
        let mut e = self.errors.lock().unwrap_or_else(|p| p.into_inner());
        e.push_back((Utc::now(), what.into()));
        while e.len() > 20 {
            e.pop_front();
        }
    }

    pub fn set(&self) -> Arc<ScheduleSet> {
        self.set.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The `/status` document.
    pub fn status(&self) -> Value {
        let tz = self.config.station.timezone;
        let now = Utc::now();
        let local = |t: DateTime<Utc>| t.with_timezone(&tz).to_rfc3339();
        let set = self.set();
        let next: Vec<Value> = crate::domain::cron::planning_all(|| {
            crate::domain::plan::occurrences(&set.broadcasts, now..now + chrono::Duration::days(2), tz)
                .iter()
                .take(10)
                .map(|o| {
                    json!({
                        "at": local(o.at),
                        "in_seconds": (o.at - now).num_seconds(),
                        "id": o.broadcast.id,
                        "title": o.broadcast.title,
                        "priority": o.broadcast.priority.as_str(),
                        "channels": o.broadcast.channels,
                    })
                })
                .collect()
        });
        let playing = self.now_playing.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let count = |s| self.outbox.count(s).unwrap_or(0);
        let unconfirmed: Vec<Value> = self
            .outbox
            .list(Some(State::Unconfirmed))
            .unwrap_or_default()
            .iter()
            .map(|r| {
                json!({
                    "id": r.delivery.broadcast_id,
                    "scheduled_at": local(r.delivery.scheduled_at),
                    "channel": r.delivery.channel,
                    "reason": r.last_error,
                })
            })
            .collect();
        let schedule = self.schedule.lock().unwrap_or_else(|p| p.into_inner());
        let errors: Vec<Value> = self
            .errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .rev()
            .map(|(t, e)| json!({"at": local(*t), "error": e}))
            .collect();
        let d = self.device.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let device = json!({
            "name": self.config.audio.device,
            "state": d.state(),
            "since": d.failing.as_ref().map(|(t, _)| local(*t)),
            "reason": d.failing.as_ref().map(|(_, r)| r.clone()),
            "last_ok": d.last_ok.map(local),
            "latency_ms": d.latency.map(|l| l.as_millis()),
        });
        let chain = self.history.chain();
        let chain = json!({
            "verified_to": chain.verified_to,
            "head": chain.head,
            "ok": chain.broken.is_none(),
            "break": chain.broken,
            "last_full_check": chain.last_full_check.map(local),
        });
        let history = match self.history.outage() {
            None => json!({"ok": true, "chain": chain}),
            Some(o) => {
                json!({"ok": false, "since": local(o.since), "error": o.error, "waiting": o.waiting, "spilled": o.spilled, "chain": chain})
            }
        };
        json!({
            "station": self.config.station.name,
            "clock": { "utc": crate::domain::time::utc_text(now), "local": local(now), "timezone": tz.name() },
            "started_at": local(self.started_at),
            "now_playing": playing.map(|(key, title, since)| json!({"key": key, "title": title, "since": local(since)})),
            "next": next,
            "outbox": {
                "pending": count(State::Pending) + count(State::Sending),
                "failed": count(State::Failed),
                "unconfirmed": count(State::Unconfirmed),
                "succeeded": count(State::Succeeded),
                "unconfirmed_items": unconfirmed,
            },
            "schedule": {
                "loaded_at": local(schedule.loaded_at),
                "files": schedule.files.iter().map(|(n, h)| json!({"name": n, "sha256": h})).collect::<Vec<_>>(),
                "broadcasts": schedule.broadcasts,
                "rejected_edit": schedule.rejected.as_ref().map(|(t, report)| json!({"at": local(*t), "report": report})),
                "source": schedule.source.as_str(),
                "hot_reload": match &schedule.watching {
                    None => json!({"active": true}),
                    Some(why) => json!({"active": false, "reason": why}),
                },
                "last_good_saved_at": match schedule.source { Source::LastGood(t) => Some(local(t)), Source::Files => None },
            },
            "history": history,
            "central": self.central.lock().unwrap_or_else(|p| p.into_inner()).clone().map(|c| c.as_of(Utc::now())),
            "device": device,
            "http": { "listen": self.config.http.listen, "exposed": self.config.http.exposed() },
            "channels": self.channel_problems.lock().unwrap_or_else(|p| p.into_inner()).clone(),
            "last_errors": errors,
        })
    }

    /// The `/metrics` text, in Prometheus exposition format.
    pub fn metrics(&self) -> String {
        let c = &self.counters;
        let mut out = String::new();
        for m in self.playout_metrics() {
            exposition(&mut out, m);
        }
        // Prometheus' shapes (promtool checks them): a summary in seconds, without quantiles,
        // and the largest as a gauge of its own.
        out += &format!(
            "# HELP loaxa_playout_lateness_seconds Start lateness: when the device plays a programme's first frame, after its instant (first starts only).\n\
             # TYPE loaxa_playout_lateness_seconds summary\n\
             loaxa_playout_lateness_seconds_sum {}\nloaxa_playout_lateness_seconds_count {}\n",
            seconds(c.lateness_ms_sum.load(Ordering::Relaxed)),
            c.starts.load(Ordering::Relaxed)
        );
        for m in self.station_metrics() {
            exposition(&mut out, m);
        }
        out
    }

    /// What the line did since loaxa started.
    fn playout_metrics(&self) -> Vec<Metric> {
        let c = &self.counters;
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        vec![
            (
                "loaxa_dashboard_builds_total",
                "counter",
                "Dashboard pages built (viewers within a second share one).",
                g(&c.dashboard_builds).to_string(),
            ),
            (
                "loaxa_playouts_finished_total",
                "counter",
                "Programmes played to the end.",
                g(&c.played).to_string(),
            ),
            (
                "loaxa_playouts_failed_total",
                "counter",
                "Programmes that failed.",
                g(&c.failed).to_string(),
            ),
            (
                "loaxa_playouts_interrupted_total",
                "counter",
                "Programmes cut off.",
                g(&c.interrupted).to_string(),
            ),
            (
                "loaxa_playouts_resumed_total",
                "counter",
                "Programmes that started again after an emergency cut them off (not counted in the start lateness).",
                g(&c.resumed).to_string(),
            ),
            (
                "loaxa_sound_device_glitches_total",
                "counter",
                "Passing sound device problems during programmes (underruns, a busy sound server); each can be a short gap.",
                g(&c.device_glitches).to_string(),
            ),
            (
                "loaxa_playouts_missed_total",
                "counter",
                "Occurrences missed.",
                g(&c.missed).to_string(),
            ),
            (
                "loaxa_playout_starts_total",
                "counter",
                "Programme starts measured.",
                g(&c.starts).to_string(),
            ),
        ]
    }

    /// The outbox, the schedules, the history, the device and the set, as they stand now.
    fn station_metrics(&self) -> Vec<Metric> {
        let c = &self.counters;
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let count = |s| self.outbox.count(s).unwrap_or(0);
        let chain = self.history.chain();
        let broadcasts = self.set().broadcasts.len();
        vec![
            (
                "loaxa_playout_lateness_max_seconds",
                "gauge",
                "Largest start lateness seen since loaxa started.",
                seconds(c.lateness_ms_max.load(Ordering::Relaxed)),
            ),
            (
                "loaxa_outbox_pending",
                "gauge",
                "Posts waiting to be sent.",
                (count(State::Pending) + count(State::Sending)).to_string(),
            ),
            (
                "loaxa_outbox_unconfirmed",
                "gauge",
                "Posts that may or may not have gone out.",
                count(State::Unconfirmed).to_string(),
            ),
            (
                "loaxa_outbox_failed",
                "gauge",
                "Posts that failed.",
                count(State::Failed).to_string(),
            ),
            (
                "loaxa_schedule_reloads_total",
                "counter",
                "Schedule sets loaded after an edit.",
                g(&c.reloads).to_string(),
            ),
            (
                "loaxa_schedule_rejected_total",
                "counter",
                "Schedule edits rejected.",
                g(&c.rejected_reloads).to_string(),
            ),
            (
                "loaxa_history_waiting",
                "gauge",
                "Events kept in memory because the history cannot be written (disk full or failing).",
                self.history.outage().map_or(0, |o| o.waiting).to_string(),
            ),
            (
                "loaxa_history_degraded",
                "gauge",
                "1 while the history cannot be written (disk full, file deleted or read-only).",
                u8::from(self.history.outage().is_some()).to_string(),
            ),
            (
                "loaxa_history_chain_ok",
                "gauge",
                "1 while the daemon's own check of the hash chain has found no break.",
                u8::from(chain.broken.is_none()).to_string(),
            ),
            (
                "loaxa_history_verified_events",
                "gauge",
                "Events the daemon has verified in the chain so far.",
                chain.verified_to.to_string(),
            ),
            (
                "loaxa_sound_device_ok",
                "gauge",
                "0 while the sound device cannot be opened.",
                u8::from(self.device.lock().unwrap_or_else(|p| p.into_inner()).failing.is_none()).to_string(),
            ),
            (
                "loaxa_schedule_hot_reload_active",
                "gauge",
                "0 while the schedules folder cannot be watched (edits are then picked up by a rescan).",
                u8::from(
                    self.schedule
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .watching
                        .is_none(),
                )
                .to_string(),
            ),
            (
                "loaxa_broadcasts",
                "gauge",
                "Broadcasts in the schedule set in use.",
                broadcasts.to_string(),
            ),
        ]
    }
}

/// A metric: its name, type, help text and value.
type Metric = (&'static str, &'static str, &'static str, String);

fn exposition(out: &mut String, (name, kind, help, value): Metric) {
    *out += &format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n");
}

fn seconds(ms: i64) -> String {
    format!("{}", ms as f64 / 1000.0)
}
