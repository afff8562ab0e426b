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
//!   history at the next start, instead of being dropped at exit. Its room is taken at start
//!   ([`SPILL_RESERVE`], zeros past its last line), because a file created when the disk is
//!   already full stays empty; the anchor is likewise rewritten in place, never by a new file;
//! - **the file's identity** (device, inode): a `history.db` deleted or replaced while the
//!   daemon runs is noticed at the next write or heartbeat, not after a restart.

use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::event::{Event, OccurrenceKey};
use super::store::{Head, Store, StoreError};
use crate::domain::event::Kind;

const ANCHOR: &str = "history.anchor";
const SPILL: &str = "history-spill.jsonl";

/// The head the daemon last wrote, and when it was last alive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub seq: i64,
    pub hash: String,
    pub heartbeat: DateTime<Utc>,
    /// Events accepted after `seq` that the database had not taken (a full disk): a start
    /// that finds fewer of them, in the database and the spill file together, was told less
    /// than happened.
    #[serde(default)]
    pub waiting: usize,
    /// Which write this is: of the file's two slots, the higher one counts.
    #[serde(default)]
    pub n: u64,
}

pub fn anchor_path(data: &Path) -> PathBuf {
    data.join(ANCHOR)
}

pub fn spill_path(data: &Path) -> PathBuf {
    data.join(SPILL)
}

/// The anchor file holds two slots of this size, written in turn, in place: on a full disk
/// a rewrite needs no new block, and a write torn by a power cut spoils one slot only.
const SLOT: usize = 512;

/// The anchor, if the daemon ever wrote one. A damaged anchor is an error, never "none".
pub fn read_anchor(data: &Path) -> Result<Option<Anchor>, String> {
    let p = anchor_path(data);
    match crate::files::read_regular(&p, 64 * 1024) {
        Ok(bytes) => newest_slot(&bytes)
            .map(Some)
            .map_err(|e| format!("{} is damaged: {e}", p.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", p.display())),
    }
}

/// The newest readable slot (a file from before slots is one JSON text).
fn newest_slot(bytes: &[u8]) -> Result<Anchor, serde_json::Error> {
    let text = |b: &[u8]| -> Vec<u8> {
        let b = b.split(|c| *c == 0).next().unwrap_or_default();
        b.trim_ascii().to_vec()
    };
    let slots: Vec<Result<Anchor, serde_json::Error>> =
        bytes.chunks(SLOT).map(|b| serde_json::from_slice(&text(b))).collect();
    let newest = slots
        .iter()
        .filter_map(|s| s.as_ref().ok())
        .max_by_key(|a| a.n)
        .cloned();
    match newest {
        Some(a) => Ok(a),
        None => serde_json::from_slice(&text(bytes)),
    }
}

/// Writes the anchor into the older of the file's two slots and syncs it. The first write
/// makes the file, whole, by rename.
pub fn write_anchor(data: &Path, a: &Anchor) -> std::io::Result<()> {
    let p = anchor_path(data);
    let existing = std::fs::OpenOptions::new().read(true).write(true).open(&p);
    let slots = existing
        .as_ref()
        .ok()
        .and_then(|f| f.metadata().ok())
        .is_some_and(|m| m.len() == 2 * SLOT as u64);
    let slot_text = |a: &Anchor| -> std::io::Result<Vec<u8>> {
        let mut b = serde_json::to_vec(a).map_err(std::io::Error::other)?;
        if b.len() >= SLOT {
            return Err(std::io::Error::other("the anchor does not fit its slot"));
        }
        b.resize(SLOT - 1, b' ');
        b.push(b'\n');
        Ok(b)
    };
    match existing {
        Ok(f) if slots => {
            let mut bytes = vec![0u8; 2 * SLOT];
            f.read_exact_at(&mut bytes, 0)?;
            let parsed: Vec<Option<Anchor>> = bytes
                .chunks(SLOT)
                .map(|b| serde_json::from_slice(b.trim_ascii()).ok())
                .collect();
            let n = |i: usize| parsed[i].as_ref().map(|a| a.n);
            // The slot not holding the newest write; its number follows the newest.
            let (slot, last) = match (n(0), n(1)) {
                (Some(x), Some(y)) if x >= y => (1, x),
                (Some(_), Some(y)) => (0, y),
                (Some(x), None) => (1, x),
                (None, Some(y)) => (0, y),
                (None, None) => (0, 0),
            };
            let a = Anchor {
                n: last + 1,
                ..a.clone()
            };
            f.write_all_at(&slot_text(&a)?, (slot * SLOT) as u64)?;
            f.sync_data()
        }
        _ => {
            let tmp = data.join(format!("{ANCHOR}.tmp"));
            let a = Anchor { n: 1, ..a.clone() };
            let mut bytes = slot_text(&a)?;
            bytes.extend(slot_text(&a)?);
            {
                let mut f = std::fs::File::create(&tmp)?;
                f.write_all(&bytes)?;
                f.sync_all()?;
            }
            std::fs::rename(tmp, p)
        }
    }
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
        Some(h) if h == anchor.hash => {
            // Events the last run accepted but could not write must be here or in the spill.
            let spilled = read_spill(data).ok().flatten().map_or(0, |(e, _)| e.len());
            let expected = anchor.seq + anchor.waiting as i64;
            let found = head.as_ref().map_or(0, |h| h.seq) + spilled as i64;
            if found < expected {
                return rolled(
                    head,
                    t!(
                        "guard-unwritten",
                        path = path.display(),
                        n = expected - found,
                        seq = anchor.seq
                    ),
                );
            }
            Ok(Standing::Intact(anchor))
        }
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

/// An event as one line of the spill file.
pub fn to_line(e: &Event) -> String {
    json!({
        "at": crate::domain::time::utc_text(e.at),
        "kind": e.kind.as_str(),
        "broadcast_id": e.occurrence.as_ref().map(|o| o.broadcast_id.clone()),
        "scheduled_at": e.occurrence.as_ref().map(|o| crate::domain::time::utc_text(o.scheduled_at)),
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

/// Room the spill file takes at start: about 3,000 events.
pub const SPILL_RESERVE: u64 = 1 << 20;

/// Gives the spill file its room, as zeros past its last line, while the disk has space.
/// Returns where its lines end (where the next spill goes).
pub fn reserve_spill(data: &Path) -> std::io::Result<u64> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(spill_path(data))?;
    let end = spill_end(data);
    let len = f.metadata()?.len();
    if len < SPILL_RESERVE {
        f.write_all_at(&vec![0u8; (SPILL_RESERVE - len) as usize], len)?;
        f.sync_all()?;
    }
    Ok(end)
}

/// Writes events into the spill file at `at` (where its lines end) and syncs them; returns
/// the new end. Within the reserved room this needs no new block on a full disk.
pub fn spill(data: &Path, events: &[&Event], at: u64) -> std::io::Result<u64> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(spill_path(data))?;
    let mut text = String::new();
    for e in events {
        text += &to_line(e);
        text.push('\n');
    }
    f.write_all_at(text.as_bytes(), at)?;
    f.sync_data()?;
    Ok(at + text.len() as u64)
}

/// Empties the spill file in place (its room stays taken): zeros over its lines.
pub fn clear_spill(data: &Path, end: u64) -> std::io::Result<()> {
    let f = match std::fs::OpenOptions::new().write(true).open(spill_path(data)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    f.write_all_at(&vec![0u8; end as usize], 0)?;
    if f.metadata()?.len() > SPILL_RESERVE {
        f.set_len(SPILL_RESERVE)?;
    }
    f.sync_data()
}

/// Where the spill file's lines end (0 when there is none).
pub fn spill_end(data: &Path) -> u64 {
    spilled_bytes(data).map_or(0, |b| b.len() as u64)
}

/// The spill file's lines: its bytes up to the zeros of its reserved room.
fn spilled_bytes(data: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = crate::files::read_regular(&spill_path(data), 1 << 30)?;
    if let Some(end) = bytes.iter().position(|b| *b == 0) {
        bytes.truncate(end);
    }
    Ok(bytes)
}

/// The spilled events (a torn last line from a power cut is skipped and counted).
pub fn read_spill(data: &Path) -> std::io::Result<Option<(Vec<Event>, usize)>> {
    let bytes = match spilled_bytes(data) {
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
    if events.is_empty() && torn == 0 {
        return Ok(None);
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
            if let Err(e) = clear_spill(data, spill_end(data)) {
                tracing::error!(error = %e, "{}", t!("guard-spill-kept"));
            }
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

    fn anchor(seq: i64) -> Anchor {
        Anchor {
            seq,
            hash: "ab".repeat(32),
            heartbeat: Utc::now(),
            waiting: 0,
            n: 0,
        }
    }

    #[test]
    fn the_anchor_is_rewritten_in_place_and_a_torn_slot_leaves_the_other() {
        let dir = tempfile::tempdir().unwrap();
        write_anchor(dir.path(), &anchor(1)).unwrap();
        let inode = super::super::store::identity(&anchor_path(dir.path()));
        for seq in 2..=5 {
            write_anchor(dir.path(), &anchor(seq)).unwrap();
        }
        assert_eq!(read_anchor(dir.path()).unwrap().map(|a| a.seq), Some(5));
        // In place: the same file, no temporary one needed on a full disk.
        assert_eq!(super::super::store::identity(&anchor_path(dir.path())), inode);
        // A power cut tears the slot being written: the other one still answers.
        let mut bytes = std::fs::read(anchor_path(dir.path())).unwrap();
        let newest = if String::from_utf8_lossy(&bytes[..SLOT]).contains("\"seq\":5") {
            0
        } else {
            SLOT
        };
        bytes[newest + 10..newest + 40].fill(b'#');
        std::fs::write(anchor_path(dir.path()), &bytes).unwrap();
        assert_eq!(read_anchor(dir.path()).unwrap().map(|a| a.seq), Some(4));
        // An anchor from before the slots is read as it is.
        std::fs::write(anchor_path(dir.path()), serde_json::to_vec(&anchor(9)).unwrap()).unwrap();
        assert_eq!(read_anchor(dir.path()).unwrap().map(|a| a.seq), Some(9));
        write_anchor(dir.path(), &anchor(10)).unwrap();
        assert_eq!(read_anchor(dir.path()).unwrap().map(|a| a.seq), Some(10));
    }

    #[test]
    fn the_spill_file_keeps_its_room_and_reads_only_its_lines() {
        let dir = tempfile::tempdir().unwrap();
        let e = Event::new(Kind::PlayoutFinished, json!({"title": "Bản tin"}));
        assert_eq!(reserve_spill(dir.path()).unwrap(), 0);
        assert_eq!(std::fs::metadata(spill_path(dir.path())).unwrap().len(), SPILL_RESERVE);
        assert!(read_spill(dir.path()).unwrap().is_none(), "room alone is no spill");
        let end = spill(dir.path(), &[&e, &e], 0).unwrap();
        let end = spill(dir.path(), &[&e], end).unwrap();
        assert_eq!(std::fs::metadata(spill_path(dir.path())).unwrap().len(), SPILL_RESERVE);
        assert_eq!(
            read_spill(dir.path()).unwrap().map(|(v, torn)| (v.len(), torn)),
            Some((3, 0))
        );
        assert_eq!(
            reserve_spill(dir.path()).unwrap(),
            end,
            "a restart finds where the lines end"
        );
        clear_spill(dir.path(), end).unwrap();
        assert!(read_spill(dir.path()).unwrap().is_none());
        assert_eq!(std::fs::metadata(spill_path(dir.path())).unwrap().len(), SPILL_RESERVE);
        // Written again from the start, no old line shows through.
        let end = spill(dir.path(), &[&e], 0).unwrap();
        assert_eq!(read_spill(dir.path()).unwrap().map(|(v, _)| v.len()), Some(1));
        assert!(end > 0);
    }

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
