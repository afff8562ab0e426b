//! Walking the hash chain: `loaxa verify`.
//!
//! Each row's hash covers the previous row's hash, so the walk finds the first row where the
//! story stops adding up and says what kind of break it is. A published head (`SEQ:HASH`, from a
//! monthly report) also catches the one change the chain alone cannot: cutting rows off the end.

use super::store::{GENESIS, Head, Store, StoreError, StoredEvent, chain_hash, unhex};
use crate::schedule::hex;

/// The first place the history does not add up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Break {
    /// Row `seq` is not what was written: its contents do not match its own hash.
    Edited { seq: i64 },
    /// Rows `from..=to` are gone.
    Deleted { from: i64, to: i64 },
    /// Row `seq` does not follow the row before it: a row was inserted, removed and renumbered,
    /// or rows were reordered.
    Relinked { seq: i64 },
    /// The history ends before the published head.
    Truncated { last: i64, head: i64 },
    /// The row at the published head has another hash: the history was rewritten.
    HeadMismatch { seq: i64 },
}

impl Break {
    pub fn seq(&self) -> i64 {
        match self {
            Break::Edited { seq } | Break::Relinked { seq } | Break::HeadMismatch { seq } => *seq,
            Break::Deleted { from, .. } => *from,
            Break::Truncated { last, .. } => last + 1,
        }
    }
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Break::Edited { seq } => f.write_str(&t!("break-edited", seq = seq)),
            Break::Deleted { from, to } if from == to => f.write_str(&t!("break-deleted-one", seq = from)),
            Break::Deleted { from, to } => f.write_str(&t!("break-deleted", from = from, to = to)),
            Break::Relinked { seq } => f.write_str(&t!("break-relinked", seq = seq, before = seq - 1)),
            Break::Truncated { last, head } => f.write_str(&t!("break-truncated", last = last, head = head)),
            Break::HeadMismatch { seq } => f.write_str(&t!("break-head-mismatch", seq = seq)),
        }
    }
}

/// What a walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    pub events: i64,
    pub head: Option<Head>,
    pub first_break: Option<Break>,
}

/// Parses a published head, `SEQ:HASH`.
pub fn parse_head(s: &str) -> Result<Head, String> {
    let (seq, hash) = s.trim().split_once(':').ok_or_else(|| t!("head-shape"))?;
    let seq: i64 = seq.parse().map_err(|_| t!("head-not-a-number", text = seq))?;
    let hash = hash.to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(t!("head-hash"));
    }
    Ok(Head { seq, hash })
}

/// Checks one row against the one before it: its number, its link and its own hash. Returns
/// the row's number and hash, and the break it shows, if any. Column values are borrowed, so
/// a walk allocates nothing per row.
fn check_row(
    r: &rusqlite::Row<'_>,
    expected_seq: i64,
    prev: &[u8; 32],
    buf: &mut Vec<u8>,
) -> rusqlite::Result<(i64, [u8; 32], Option<Break>)> {
    let text = |i: usize| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
    let seq: i64 = r.get(0)?;
    let columns = [
        text(1)?,
        text(2)?,
        text(3)?,
        text(4)?,
        text(5)?,
        text(6)?,
        text(7)?,
        text(8)?,
    ];
    let prev_hash = unhex(text(9)?.unwrap_or(""));
    let hash = unhex(text(10)?.unwrap_or(""));
    let broken = if seq > expected_seq {
        Some(Break::Deleted {
            from: expected_seq,
            to: seq - 1,
        })
    } else if prev_hash != *prev {
        Some(Break::Relinked { seq })
    } else if chain_hash(&prev_hash, seq, &columns, buf) != hash {
        Some(Break::Edited { seq })
    } else {
        None
    };
    Ok((seq, hash, broken))
}

/// Walks the whole chain in order, stopping at the first break.
pub fn verify(store: &Store, published: Option<&Head>) -> Result<Report, StoreError> {
    let conn = store.connection();
    // One read transaction: the walk sees one consistent snapshot while the daemon appends.
    let tx = conn.unchecked_transaction()?;
    let mut stmt = tx.prepare(&format!("SELECT {} FROM events ORDER BY seq", StoredEvent::COLUMNS))?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev = unhex(GENESIS);
    let mut events = 0i64;
    let mut first_break = None;
    let mut last: Option<(i64, [u8; 32])> = None;
    let mut published_seen = false;
    let mut buf = Vec::with_capacity(1024);
    let published_hash = published.map(|p| unhex(&p.hash));
    while let Some(r) = rows.next()? {
        let (seq, hash, broken) = check_row(r, expected_seq, &prev, &mut buf)?;
        events += 1;
        if first_break.is_none() {
            first_break = broken;
        }
        if let (Some(p), Some(ph)) = (published, &published_hash)
            && p.seq == seq
        {
            published_seen = true;
            if *ph != hash && first_break.is_none() {
                first_break = Some(Break::HeadMismatch { seq });
            }
        }
        expected_seq = seq + 1;
        prev = hash;
        last = Some((seq, hash));
    }
    let head = last.map(|(seq, h)| Head { seq, hash: hex(&h) });
    if let Some(p) = published
        && !published_seen
        && first_break.is_none()
    {
        let last = head.as_ref().map_or(0, |h| h.seq);
        first_break = Some(if p.seq > last {
            Break::Truncated { last, head: p.seq }
        } else {
            Break::Deleted { from: p.seq, to: p.seq }
        });
    }
    drop(rows);
    drop(stmt);
    tx.finish()?;
    Ok(Report {
        events,
        head,
        first_break,
    })
}

/// The daemon's running check of its own chain: each step walks the next rows from where the
/// last one stopped, so a history of a million events is verified a slice at a time without
/// holding up writes, and rows changed behind the daemon's back are named within a heartbeat.
#[derive(Clone, Debug)]
pub struct Walker {
    next_seq: i64,
    prev: [u8; 32],
    pub broken: Option<Break>,
}

impl Default for Walker {
    fn default() -> Self {
        Walker {
            next_seq: 1,
            prev: unhex(GENESIS),
            broken: None,
        }
    }
}

impl Walker {
    /// The last event checked (0 before the first step).
    pub fn verified_to(&self) -> i64 {
        self.next_seq - 1
    }

    /// Checks up to `limit` more rows; returns how many were checked.
    pub fn step(&mut self, conn: &rusqlite::Connection, limit: i64) -> Result<usize, StoreError> {
        if self.broken.is_some() {
            return Ok(0);
        }
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {} FROM events WHERE seq >= ?1 ORDER BY seq LIMIT ?2",
            StoredEvent::COLUMNS
        ))?;
        let mut rows = stmt.query([self.next_seq, limit])?;
        let mut buf = Vec::with_capacity(1024);
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let (seq, hash, broken) = check_row(r, self.next_seq, &self.prev, &mut buf)?;
            n += 1;
            self.broken = broken;
            if self.broken.is_some() {
                break;
            }
            self.next_seq = seq + 1;
            self.prev = hash;
        }
        Ok(n)
    }
}
