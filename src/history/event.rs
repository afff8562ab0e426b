//! History events: what happened, when, to which occurrence and on which channel.
//!
//! An event carries everything an auditor needs to read it on its own: the title, the audio
//! files with their SHA-256 and duration, the hash of the posted text. Deleting media or
//! editing schedules later never changes what the history says.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::domain::broadcast::Broadcast;
use crate::domain::plan::Occurrence;
use crate::domain::text::hex;

/// The kinds of event. The string forms are what the database and exports hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    DaemonStarted,
    DaemonStopped,
    ScheduleLoaded,
    ScheduleRejected,
    /// Due, but another programme holds the line (the queue's decision, made visible).
    PlayoutWaiting,
    PlayoutStarted,
    PlayoutFinished,
    PlayoutFailed,
    PlayoutInterrupted,
    PlayoutMissed,
    PostQueued,
    PostAttempt,
    /// An attempt failed in a way that proves nothing was created; another follows.
    PostRetry,
    PostSucceeded,
    PostFailed,
    PostUnconfirmed,
    /// Not sent: the occurrence was missed beyond the grace period, and `[policy] post_missed`
    /// does not ask for late posts. Recorded so the post is accounted for, never dropped.
    PostSkipped,
    /// The daemon was told to run on a history that lacks its anchored head (restored from an
    /// older copy, or started anew): what it expected and what it found.
    HistoryReset,
    /// The wall clock stepped (NTP, a board without a clock battery): from when to when.
    ClockJumped,
    DeviceError,
    /// Events that waited in memory (disk full, I/O error) were written once the disk recovered.
    HistoryRecovered,
    /// An operator acted through the control socket (`loaxa now`, `loaxa stop`): what, on
    /// what, and who (the Unix user the kernel vouches for).
    OperatorAction,
    /// A live (`loaxa live`) ended: why, who, for how long and how loud, and its recording.
    LiveEnded,
    /// A province bulletin came from the centre: which, what it carries (hashes), and when it
    /// is to air. Its airing is the `province:ID` programme's own events.
    BulletinReceived,
    /// A province bulletin that was received and not aired: why (expired, unreadable text).
    BulletinNotAired,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::DaemonStarted,
        Kind::DaemonStopped,
        Kind::ScheduleLoaded,
        Kind::ScheduleRejected,
        Kind::PlayoutWaiting,
        Kind::PlayoutStarted,
        Kind::PlayoutFinished,
        Kind::PlayoutFailed,
        Kind::PlayoutInterrupted,
        Kind::PlayoutMissed,
        Kind::PostQueued,
        Kind::PostAttempt,
        Kind::PostRetry,
        Kind::PostSucceeded,
        Kind::PostFailed,
        Kind::PostUnconfirmed,
        Kind::PostSkipped,
        Kind::HistoryReset,
        Kind::ClockJumped,
        Kind::DeviceError,
        Kind::HistoryRecovered,
        Kind::OperatorAction,
        Kind::LiveEnded,
        Kind::BulletinReceived,
        Kind::BulletinNotAired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DaemonStarted => "daemon_started",
            Kind::DaemonStopped => "daemon_stopped",
            Kind::ScheduleLoaded => "schedule_loaded",
            Kind::ScheduleRejected => "schedule_rejected",
            Kind::PlayoutWaiting => "playout_waiting",
            Kind::PlayoutStarted => "playout_started",
            Kind::PlayoutFinished => "playout_finished",
            Kind::PlayoutFailed => "playout_failed",
            Kind::PlayoutInterrupted => "playout_interrupted",
            Kind::PlayoutMissed => "playout_missed",
            Kind::PostQueued => "post_queued",
            Kind::PostAttempt => "post_attempt",
            Kind::PostRetry => "post_retry",
            Kind::PostSucceeded => "post_succeeded",
            Kind::PostFailed => "post_failed",
            Kind::PostUnconfirmed => "post_unconfirmed",
            Kind::PostSkipped => "post_skipped",
            Kind::HistoryReset => "history_reset",
            Kind::ClockJumped => "clock_jumped",
            Kind::DeviceError => "device_error",
            Kind::HistoryRecovered => "history_recovered",
            Kind::OperatorAction => "operator_action",
            Kind::LiveEnded => "live_ended",
            Kind::BulletinReceived => "bulletin_received",
            Kind::BulletinNotAired => "bulletin_not_aired",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Failed, missed, interrupted or unconfirmed: what the report and the dashboard list as
    /// failures.
    pub fn is_problem(self) -> bool {
        self.status().is_some_and(|s| s != Status::Ok)
    }

    /// The outcome class `loaxa history --status` filters on, for kinds that end something.
    pub fn status(self) -> Option<Status> {
        match self {
            Kind::PlayoutFinished | Kind::PostSucceeded => Some(Status::Ok),
            Kind::PlayoutFailed | Kind::PostFailed | Kind::DeviceError | Kind::ScheduleRejected => Some(Status::Failed),
            Kind::PlayoutMissed | Kind::PostSkipped => Some(Status::Missed),
            Kind::PostUnconfirmed => Some(Status::Unconfirmed),
            Kind::PlayoutInterrupted => Some(Status::Interrupted),
            _ => None,
        }
    }
}

/// Outcome classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Status {
    Ok,
    Failed,
    Missed,
    Unconfirmed,
    Interrupted,
}

impl Status {
    pub fn kinds(self) -> Vec<Kind> {
        Kind::ALL.iter().copied().filter(|k| k.status() == Some(self)).collect()
    }
}

/// Which occurrence an event is about: broadcast id + scheduled instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OccurrenceKey {
    pub broadcast_id: String,
    pub scheduled_at: DateTime<Utc>,
}

/// One event, before it gets its sequence number and hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: Kind,
    pub occurrence: Option<OccurrenceKey>,
    pub channel: Option<String>,
    pub campaign: Option<String>,
    /// A JSON object. Keys are stored sorted, so the stored text is canonical.
    pub details: Value,
}

impl Event {
    /// The event with every known secret redacted (see [`crate::redact`]): the history is
    /// append-only, so what enters it can never be taken out.
    pub fn redacted(mut self) -> Event {
        crate::redact::redact_json(&mut self.details);
        for s in [&mut self.channel, &mut self.campaign].into_iter().flatten() {
            *s = crate::redact::redact(s);
        }
        self
    }

    pub fn new(kind: Kind, details: Value) -> Event {
        Event {
            at: Utc::now(),
            kind,
            occurrence: None,
            channel: None,
            campaign: None,
            details,
        }
    }

    pub fn at(mut self, at: DateTime<Utc>) -> Event {
        self.at = at;
        self
    }

    pub fn channel(mut self, channel: impl Into<String>) -> Event {
        self.channel = Some(channel.into());
        self
    }

    /// Ties the event to an occurrence, copying the broadcast's title and campaign into it.
    pub fn for_occurrence(mut self, o: &Occurrence<'_>) -> Event {
        self.occurrence = Some(OccurrenceKey {
            broadcast_id: o.broadcast.id.clone(),
            scheduled_at: o.at,
        });
        self.campaign = o.broadcast.campaign.clone();
        if let Value::Object(m) = &mut self.details {
            m.entry("title")
                .or_insert_with(|| Value::String(o.broadcast.title.clone()));
            m.entry("priority")
                .or_insert_with(|| Value::String(o.broadcast.priority.as_str().into()));
        }
        self
    }
}

/// What a playout event records about the programme: every audio file with its SHA-256 and
/// duration, the airtime and the repeat settings. Hashes are cached per file path, size and
/// modification time, so a file replaced under the same name is hashed again.
#[derive(Default)]
pub struct Fingerprints {
    cache: HashMap<(std::path::PathBuf, u64, Option<std::time::SystemTime>), Option<String>>,
}

impl Fingerprints {
    /// SHA-256 of a file inside `root`, or `None` if it cannot be read (recorded as such,
    /// never hidden). Only a regular file is read, and no further than its size: a FIFO or a
    /// link to a device cannot hold the caller up.
    pub fn sha256(&mut self, root: &Path, path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok();
        let key = (
            path.to_path_buf(),
            meta.as_ref().map_or(0, |m| m.len()),
            meta.and_then(|m| m.modified().ok()),
        );
        self.cache
            .entry(key)
            .or_insert_with(|| {
                use std::io::Read;
                let (file, meta, _) = crate::files::open_inside(root, path).ok()?;
                let mut h = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut rest = file.take(meta.len());
                loop {
                    match rest.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => h.update(&buf[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => return None,
                    }
                }
                Some(hex(&h.finalize()))
            })
            .clone()
    }

    pub fn programme(&mut self, b: &Broadcast, media_root: &Path) -> Value {
        let audio: Vec<Value> = b
            .audio
            .iter()
            .map(|a| {
                json!({
                    "path": a.path,
                    "sha256": self.sha256(media_root, &media_root.join(&a.path)),
                    "duration_s": (a.duration.as_secs_f64() * 1000.0).round() / 1000.0,
                })
            })
            .collect();
        json!({
            "title": b.title,
            "priority": b.priority.as_str(),
            "audio": audio,
            "repeat": b.repeat,
            "gap_s": b.gap.as_secs_f64(),
            "airtime_s": (b.duration().as_secs_f64() * 1000.0).round() / 1000.0,
        })
    }
}

/// The SHA-256 of a posted text, so the history proves what was said without storing it twice.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Merges `extra` into the object `base`.
pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}
