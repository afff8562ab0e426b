//! What keeps the daemon's history from vanishing or rolling back without anyone noticing.
//!
//! The chain proves that rows were not edited, but not that the file is the one loaxa has been
//! writing: a deleted `history.db` starts a new chain that verifies, and a restored backup is
//! an older chain that verifies too, after which programmes replay and posts go out twice. So
//! beside the database the daemon keeps:
//! - **the anchor** (`history.anchor`): the head it last wrote and its last heartbeat. A start
//!   on a history that lacks the anchored head (missing, replaced, older) is refused unless the
//!   operator says `--accept-history-reset`, which is recorded;
//! - **the spill file** (`history-spill.jsonl`): events the database refuses (disk full,
//!   read-only, file deleted) are appended there, synced, as they arrive, and written into the
//!   history at the next start, instead of being dropped at exit;
//! - **the file's identity** (device, inode): a `history.db` deleted or replaced while the
//!   daemon runs is noticed at the next write or heartbeat, not after a restart.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::event::{Event, Kind, OccurrenceKey};
use super::store::{Head, Store, StoreError};

const ANCHOR: &str = "history.anchor";
const SPILL: &str = "history-spill.jsonl";

/// The head the daemon last wrote, and when it was last alive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub heartbeat: DateTime<Utc>,
}

pub fn anchor_path(data: &Path) -> PathBuf {
    data.join(ANCHOR)
}

pub fn spill_path(data: &Path) -> PathBuf {
    data.join(SPILL)
}

/// The anchor, if the daemon ever wrote one. A damaged anchor is an error, never "none".
pub fn read_anchor(data: &Path) -> Result<Option<Anchor>, String> {
    let p = anchor_path(data);
    match crate::files::read_regular(&p, 64 * 1024) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{} is damaged: {e}", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", p.display())),
    }
}

/// Replaces the anchor atomically (a power cut leaves the old one or the new one).
pub fn write_anchor(data: &Path, a: &Anchor) -> std::io::Result<()> {
    let p = anchor_path(data);
    let tmp = data.join(format!("{ANCHOR}.tmp"));
    let bytes = serde_json::to_vec(a).map_err(std::io::Error::other)?;
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(tmp, p)
}

/// How the history on disk compares with the anchor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// No anchor yet (a first start, or a history from before anchors): nothing to compare.
    New,
    /// The anchored head is in the history: it is the file loaxa has been writing.
    Intact(Anchor),
    /// The history is missing, replaced or older than the anchor.
    RolledBack {
        anchor: Anchor,
        found: Option<Head>,
        why: String,
    },
}

/// Compares the history at `path` with the anchor in `data`, without creating anything. A
/// damaged anchor (a power cut on a filesystem that lost the rename) is reported and treated
/// as none: it must not keep the station off the air, and deleting it would do the same.
pub fn standing(data: &Path, path: &Path, tz: chrono_tz::Tz) -> Result<Standing, String> {
    let anchor = match read_anchor(data) {
        Ok(a) => a,
        Err(e) => {
            let line = t!("guard-anchor-unreadable", why = e);
            tracing::warn!("{line}");
            crate::console::warning(line);
            None
        }
    };
    let Some(anchor) = anchor else {
        return Ok(Standing::New);
    };
    let rolled = |found: Option<Head>, why: String| {
        Ok(Standing::RolledBack {
            anchor: anchor.clone(),
            found,
            why,
        })
    };
    let store = match Store::open_read_only(path, tz) {
        Ok(s) => s,
        Err(StoreError::Missing(_)) => {
            return rolled(None, t!("guard-missing", path = path.display(), n = anchor.seq));
        }
        Err(e) => return Err(e.to_string()),
    };
    let head = store.head().map_err(|e| e.to_string())?;
    let at_anchor: Option<String> = store
        .connection()
        .query_row("SELECT hash FROM events WHERE seq = ?1", [anchor.seq], |r| r.get(0))
        .optional()
        .map_err(|e| e.to_string())?;
    match at_anchor {
        Some(h) if h == anchor.hash => Ok(Standing::Intact(anchor)),
        Some(_) => rolled(head, t!("guard-replaced", path = path.display(), seq = anchor.seq)),
        None => rolled(
            head.clone(),
            t!(
                "guard-older",
                path = path.display(),
                seq = head.map_or(0, |h| h.seq),
                n = anchor.seq
            ),
        ),
    }
}

pub use super::store::identity;

/// An event as one line of the spill file.
pub fn to_line(e: &Event) -> String {
    json!({
        "at": super::event::utc_text(e.at),
        "kind": e.kind.as_str(),
        "broadcast_id": e.occurrence.as_ref().map(|o| o.broadcast_id.clone()),
        "scheduled_at": e.occurrence.as_ref().map(|o| super::event::utc_text(o.scheduled_at)),
        "channel": e.channel,
        "campaign": e.campaign,
        "details": e.details,
    })
    .to_string()
}

pub fn from_line(line: &str) -> Option<Event> {
    let v: Value = serde_json::from_str(line).ok()?;
    let time = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Event {
        at: time("at")?,
        kind: Kind::parse(v.get("kind")?.as_str()?)?,
        occurrence: match (text("broadcast_id"), time("scheduled_at")) {
            (Some(broadcast_id), Some(scheduled_at)) => Some(OccurrenceKey {
                broadcast_id,
                scheduled_at,
            }),
            _ => None,
        },
        channel: text("channel"),
        campaign: text("campaign"),
        details: v.get("details").cloned().unwrap_or(Value::Null),
    })
}

/// Appends events to the spill file and syncs it.
pub fn spill(data: &Path, events: &[&Event]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(spill_path(data))?;
    let mut text = String::new();
    for e in events {
        text += &to_line(e);
        text.push('\n');
    }
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

/// The spilled events (a torn last line from a power cut is skipped and counted).
pub fn read_spill(data: &Path) -> std::io::Result<Option<(Vec<Event>, usize)>> {
    let bytes = match crate::files::read_regular(&spill_path(data), 1 << 30) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut events = Vec::new();
    let mut torn = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match from_line(line) {
            Some(e) => events.push(e),
            None => torn += 1,
        }
    }
    Ok(Some((events, torn)))
}

/// Writes last run's spilled events into the history (those not already there: a power cut
/// may have come between writing them and removing the file). Returns how many.
pub fn write_spill(store: &mut Store, data: &Path) -> usize {
    let (events, torn) = match read_spill(data) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(e) => {
            tracing::error!(error = %e, "{}", t!("guard-spill-unreadable"));
            return 0;
        }
    };
    let tz = store.timezone();
    let mut todo: Vec<Event> = events
        .into_iter()
        .filter(|e| {
            let row = super::store::StoredEvent::row_text(e, tz);
            let known: Option<i64> = store
                .connection()
                .query_row(
                    "SELECT seq FROM events WHERE at_utc = ?1 AND kind = ?2 AND details = ?3",
                    rusqlite::params![row.0, row.1, row.2],
                    |r| r.get(0),
                )
                .ok();
            known.is_none()
        })
        .collect();
    let n = todo.len();
    todo.push(Event::new(
        Kind::HistoryRecovered,
        json!({ "events": n, "from": "spill file", "torn_lines": torn }),
    ));
    match store.append(&todo) {
        Ok(_) => {
            tracing::warn!(events = n, torn, "{}", t!("guard-spill-written"));
            let _ = std::fs::remove_file(spill_path(data));
            n
        }
        Err(e) => {
            tracing::error!(error = %e, "{}", t!("guard-spill-kept"));
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_survives_the_spill_file_unchanged() {
        let e = Event::new(Kind::PlayoutFinished, json!({"title": "Bản tin", "n": 1}))
            .channel("hook")
            .at(DateTime::parse_from_rfc3339("2026-11-27T10:00:00.123Z")
                .unwrap()
                .with_timezone(&Utc));
        assert_eq!(from_line(&to_line(&e)), Some(e));
        assert_eq!(from_line("{\"at\": \"2026"), None);
    }
}
