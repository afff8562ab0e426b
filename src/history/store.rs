//! The history database: an append-only, hash-chained event table in SQLite.
//!
//! `<data>/history.db` is the station's evidence of what went out. It is opened in WAL mode
//! (readers never block the writer) with `synchronous = FULL` (a committed event survives a
//! power cut), carries an application id so a foreign file is never mistaken for it or
//! overwritten, and refuses UPDATE and DELETE through triggers. Each event's hash covers the
//! previous hash and the event's canonical bytes, so any edit, deletion, insertion or
//! reordering breaks the chain at a named sequence number.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, params};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::event::Event;
use crate::domain::text::hex;
use crate::domain::time::utc_text;

/// "LOAX": marks the file as a loaxa history in the SQLite header.
const APPLICATION_ID: i32 = 0x4C4F_4158;

/// Schema migrations; `PRAGMA user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    // 1: the event chain.
    "CREATE TABLE events (
        seq          INTEGER PRIMARY KEY,
        at_utc       TEXT NOT NULL,
        at_local     TEXT NOT NULL,
        kind         TEXT NOT NULL,
        broadcast_id TEXT,
        scheduled_at TEXT,
        channel      TEXT,
        campaign     TEXT,
        details      TEXT NOT NULL,
        prev_hash    TEXT NOT NULL,
        hash         TEXT NOT NULL
     );
     CREATE INDEX events_at ON events(at_utc);
     CREATE INDEX events_broadcast ON events(broadcast_id, scheduled_at);
     CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
     CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;",
    // 2: the outbox (one row per occurrence × channel, written before any call) and the board.
    "CREATE TABLE outbox (
        broadcast_id    TEXT NOT NULL,
        scheduled_at    TEXT NOT NULL,
        channel         TEXT NOT NULL,
        state           TEXT NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        check_first     INTEGER NOT NULL DEFAULT 0,
        delivery        TEXT NOT NULL,
        last_error      TEXT,
        remote_id       TEXT,
        url             TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, scheduled_at, channel)
     );
     CREATE INDEX outbox_due ON outbox(state, channel, next_attempt_at);
     CREATE TABLE board_posts (
        id           TEXT PRIMARY KEY,
        channel      TEXT NOT NULL,
        broadcast_id TEXT NOT NULL,
        scheduled_at TEXT NOT NULL,
        title        TEXT NOT NULL,
        text         TEXT NOT NULL,
        link         TEXT,
        published_at TEXT NOT NULL
     );
     CREATE INDEX board_recent ON board_posts(channel, published_at);",
    // 3: who claimed a row `sending` (see crate::claim), so a killed `loaxa post` is told
    // apart from a process sending right now.
    "ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
     CREATE INDEX outbox_by_broadcast ON outbox(broadcast_id, channel, created_at);",
];

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", t!("store-corrupt", path = .path.display(), why = .reason))]
    Corrupt { path: PathBuf, reason: String },
    #[error("{}", t!("store-foreign", path = .path.display()))]
    Foreign { path: PathBuf },
    #[error("{}", t!("store-too-new", path = .path.display(), found = .found, known = .known))]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("{}", t!("store-missing", path = .0.display()))]
    Missing(PathBuf),
    /// The open file is no longer the one at its path (deleted or replaced while open).
    #[error("{0}")]
    Lost(String),
    #[error("{}", t!("store-sqlite", why = .0))]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", t!("store-folder", path = .path.display(), why = .source))]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The newest event: what the office writes into its monthly report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: i64,
    pub hash: String,
}

impl std::fmt::Display for Head {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// A connection to the history file.
pub struct Store {
    conn: Connection,
    tz: Tz,
    /// The WAL this connection opened (see [`rescue_moved_wal`]); read-only stores keep none.
    wal: Option<(u64, u64)>,
}

impl Store {
    /// The history file inside a data folder.
    pub fn path_in(data: &Path) -> PathBuf {
        data.join("history.db")
    }

    /// Opens (creating if absent) the history for writing.
    pub fn open(path: &Path, tz: Tz) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            crate::files::create_private_dir(dir).map_err(|source| StoreError::Folder {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        // Switching a new file to WAL takes an exclusive lock that SQLite does not wait for
        // through the busy handler: two first starts at once retry rather than fail.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let prepared = identify(&conn, path)
                .and_then(|()| {
                    conn.pragma_update(None, "journal_mode", "WAL")
                        .map_err(|e| corrupt(path, e))
                })
                .and_then(|()| {
                    conn.pragma_update(None, "synchronous", "FULL")?;
                    // SQLite checkpoints the WAL every 1000 pages; this caps what the file keeps
                    // on disk afterwards, so loaxa's own journal cannot fill the data volume.
                    conn.pragma_update(None, "journal_size_limit", 4 * 1024 * 1024)?;
                    migrate(&conn, path)
                });
            match prepared {
                Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => break other?,
            }
        }
        let wal = identity(&wal_path(path));
        Ok(Store { conn, tz, wal })
    }

    /// Copies a deleted or replaced WAL's frames into the database (see [`rescue_moved_wal`]);
    /// true when this store must be opened again.
    pub fn rescue_moved_wal(&self, path: &Path) -> bool {
        rescue_moved_wal(&self.conn, path, self.wal)
    }

    /// Opens an existing history read-only, for reports and verification while the daemon writes.
    pub fn open_read_only(path: &Path, tz: Tz) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(10))?;
        identify(&conn, path)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version == 0 {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        if version > MIGRATIONS.len() as i64 {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found: version,
                known: MIGRATIONS.len() as i64,
            });
        }
        Ok(Store { conn, tz, wal: None })
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    pub fn head(&self) -> Result<Option<Head>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok(Head {
                    seq: r.get(0)?,
                    hash: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Appends events in one durable transaction. Either all are written or none.
    pub fn append(&mut self, events: &[Event]) -> Result<Vec<Head>, StoreError> {
        let tz = self.tz;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let heads = append_in(&tx, tz, events)?;
        tx.commit()?;
        Ok(heads)
    }

    /// Limits the file size in pages: SQLite then fails writes with SQLITE_FULL exactly as on a
    /// full disk. Used by tests of the disk-full path.
    #[doc(hidden)]
    pub fn limit_pages(&self, pages: u32) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "max_page_count", pages)?;
        Ok(())
    }
}

fn append_in(tx: &Transaction<'_>, tz: Tz, events: &[Event]) -> Result<Vec<Head>, StoreError> {
    let (mut seq, mut prev): (i64, String) = tx
        .query_row("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let mut stmt = tx.prepare_cached(
        "INSERT INTO events (seq, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut heads = Vec::with_capacity(events.len());
    for e in events {
        seq += 1;
        let row = StoredEvent::from_event(seq, e, tz, prev.clone());
        stmt.execute(params![
            row.seq,
            row.at_utc,
            row.at_local,
            row.kind,
            row.broadcast_id,
            row.scheduled_at,
            row.channel,
            row.campaign,
            row.details,
            row.prev_hash,
            row.hash
        ])?;
        prev = row.hash.clone();
        heads.push(Head { seq, hash: row.hash });
    }
    Ok(heads)
}

/// An event as stored: every column, text exactly as hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredEvent {
    pub seq: i64,
    pub at_utc: String,
    pub at_local: String,
    pub kind: String,
    pub broadcast_id: Option<String>,
    pub scheduled_at: Option<String>,
    pub channel: Option<String>,
    pub campaign: Option<String>,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    fn from_event(seq: i64, e: &Event, tz: Tz, prev_hash: String) -> StoredEvent {
        let mut row = StoredEvent {
            seq,
            at_utc: utc_text(e.at),
            at_local: local_text(e.at, tz),
            kind: e.kind.as_str().to_string(),
            broadcast_id: e.occurrence.as_ref().map(|o| o.broadcast_id.clone()),
            scheduled_at: e.occurrence.as_ref().map(|o| utc_text(o.scheduled_at)),
            channel: e.channel.clone(),
            campaign: e.campaign.clone(),
            details: e.details.to_string(),
            prev_hash,
            hash: String::new(),
        };
        row.hash = row.compute_hash();
        row
    }

    /// The (at_utc, kind, details) texts an event is stored with, to find it again.
    pub fn row_text(e: &Event, _tz: Tz) -> (String, String, String) {
        (utc_text(e.at), e.kind.as_str().to_string(), e.details.to_string())
    }

    /// The bytes the hash covers: every column but the hashes, as a compact JSON array.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut buf = Vec::with_capacity(256 + self.details.len());
        write_canonical(&mut buf, self.seq, &self.text_columns());
        buf
    }

    fn text_columns(&self) -> [Option<&str>; 8] {
        [
            Some(&self.at_utc),
            Some(&self.at_local),
            Some(&self.kind),
            self.broadcast_id.as_deref(),
            self.scheduled_at.as_deref(),
            self.channel.as_deref(),
            self.campaign.as_deref(),
            Some(&self.details),
        ]
    }

    /// hash_n = SHA-256(hash_{n-1} ‖ canonical bytes of event n), with hash_{n-1} as raw bytes.
    pub fn compute_hash(&self) -> String {
        let mut buf = Vec::new();
        hex(&chain_hash(
            &unhex(&self.prev_hash),
            self.seq,
            &self.text_columns(),
            &mut buf,
        ))
    }

    pub fn details_json(&self) -> Value {
        serde_json::from_str(&self.details).unwrap_or(Value::Null)
    }

    pub const COLUMNS: &'static str =
        "seq, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details, prev_hash, hash";

    pub fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredEvent> {
        Ok(StoredEvent {
            seq: r.get(0)?,
            at_utc: r.get(1)?,
            at_local: r.get(2)?,
            kind: r.get(3)?,
            broadcast_id: r.get(4)?,
            scheduled_at: r.get(5)?,
            channel: r.get(6)?,
            campaign: r.get(7)?,
            details: r.get(8)?,
            prev_hash: r.get(9)?,
            hash: r.get(10)?,
        })
    }
}

pub fn local_text(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

/// Writes `[seq,"col",…,null,…]` exactly as serde_json's compact form of that array.
pub(crate) fn write_canonical(buf: &mut Vec<u8>, seq: i64, columns: &[Option<&str>; 8]) {
    use std::io::Write;
    buf.push(b'[');
    // Writing into a Vec cannot fail.
    let _ = write!(buf, "{seq}");
    for c in columns {
        buf.push(b',');
        match c {
            Some(s) => {
                let _ = serde_json::to_writer(&mut *buf, s);
            }
            None => buf.extend_from_slice(b"null"),
        }
    }
    buf.push(b']');
}

/// One link of the chain. `buf` is scratch space reused across calls.
pub(crate) fn chain_hash(prev: &[u8; 32], seq: i64, columns: &[Option<&str>; 8], buf: &mut Vec<u8>) -> [u8; 32] {
    buf.clear();
    write_canonical(buf, seq, columns);
    let mut h = Sha256::new();
    h.update(prev);
    h.update(&buf[..]);
    h.finalize().into()
}

/// Decodes a 64-digit hex hash; anything else decodes to a value no real hash has.
pub(crate) fn unhex(s: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    let b = s.as_bytes();
    if b.len() != 64 {
        return [0xff; 32];
    }
    // A table, not a match per digit: a million rows have 128 million digits.
    const DIGIT: [u8; 256] = {
        let mut t = [0xffu8; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            t[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(b.chunks_exact(2)) {
        let (h, l) = (DIGIT[usize::from(pair[0])], DIGIT[usize::from(pair[1])]);
        bad |= h | l;
        *o = (h << 4) | (l & 0xf);
    }
    if bad & 0xf0 != 0 {
        return [0xff; 32];
    }
    out
}

/// A file's (device, inode): what an open handle holds, whatever is at the path now.
pub fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// The WAL beside a history file.
pub fn wal_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}-wal", path.display()))
}

/// Someone deleted `history.db-wal` under an open connection: that connection would go on
/// writing into the deleted file, unseen by any other, and a power cut would take every event
/// since the last checkpoint with it. Whether a WAL is at the path says nothing: another
/// connection (the outbox's, a report's) starts a new one there at its next read. So the WAL
/// at the path is compared with the one `conn` opened (`opened`, its device and inode); when
/// they differ, the frames `conn` still holds through its handle are copied into the database.
/// True when that copy is complete and the caller must reconnect (a new connection opens the
/// WAL at the path); false, to try again later, while readers keep the copy from finishing.
pub fn rescue_moved_wal(conn: &Connection, path: &Path, opened: Option<(u64, u64)>) -> bool {
    if !path.exists() || identity(&wal_path(path)) == opened {
        return false;
    }
    // (busy, frames in the log, frames copied): busy means a reader held the copy back.
    match conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0)) {
        Ok(0) => true,
        Ok(_) => {
            tracing::warn!("{}", t!("log-wal-copy-busy"));
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "{}", t!("log-wal-copy-failed"));
            false
        }
    }
}

/// Another process holds the file for a moment. [`corrupt`] never files this under
/// `Corrupt`, so the code is enough.
fn is_busy(e: &StoreError) -> bool {
    matches!(e, StoreError::Sqlite(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy))
}

fn corrupt(path: &Path, e: rusqlite::Error) -> StoreError {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
        return StoreError::Sqlite(e);
    }
    StoreError::Corrupt {
        path: path.to_path_buf(),
        reason: e.to_string(),
    }
}

/// Makes sure the file is ours (or empty) before anything is written to it.
fn identify(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    // One read transaction: both values from the same snapshot, so another process's
    // first-start migration committing in between cannot look like a foreign file.
    conn.execute_batch("BEGIN DEFERRED").map_err(|e| corrupt(path, e))?;
    let read = (|| {
        let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let objects: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok::<_, rusqlite::Error>((app, objects))
    })();
    let _ = conn.execute_batch("COMMIT");
    let (app, objects) = read.map_err(|e| corrupt(path, e))?;
    if app != APPLICATION_ID && (app != 0 || objects > 0) {
        return Err(StoreError::Foreign {
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

fn migrate(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let known = MIGRATIONS.len() as i64;
    let too_new = |found| StoreError::TooNew {
        path: path.to_path_buf(),
        found,
        known,
    };
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > known {
        return Err(too_new(version));
    }
    if version == known {
        return Ok(());
    }
    // The version is read again inside the write lock: two first starts at once would
    // otherwise both see 0 and the second would fail on "table events already exists".
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let result = (|| {
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > known {
            return Err(too_new(version));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            conn.execute_batch(sql)?;
            conn.execute_batch(&format!(
                "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {};",
                i + 1
            ))?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{unhex, write_canonical};
    use proptest::prelude::*;

    proptest! {
        /// The canonical form written column by column is byte for byte serde_json's compact
        /// form of the same array: every hash ever written must still verify.
        #[test]
        fn the_canonical_form_is_serde_jsons(
            seq in any::<i64>(),
            columns in prop::array::uniform8(prop::option::of("(\\PC|[\"\\\\\u{0}-\u{1f}\u{7f}/éệ🔊])*")),
        ) {
            let columns: [Option<&str>; 8] = std::array::from_fn(|i| columns[i].as_deref());
            let mut buf = Vec::new();
            write_canonical(&mut buf, seq, &columns);
            let mut value = vec![serde_json::json!(seq)];
            value.extend(columns.iter().map(|c| serde_json::json!(c)));
            prop_assert_eq!(buf, serde_json::to_vec(&value).unwrap());
        }
    }

    #[test]
    fn hashes_decode_in_either_case_and_anything_else_is_no_hash() {
        let h = "00ff10Ab".repeat(8);
        assert_eq!(unhex(&h)[..4], [0x00, 0xff, 0x10, 0xab]);
        assert_eq!(unhex(&h[1..]), [0xff; 32]);
        assert_eq!(unhex(&format!("g{}", &h[1..])), [0xff; 32]);
    }
}
