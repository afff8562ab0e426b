//! Walking the hash chain: `loaxa verify`.
//!
//! Each row's hash covers the previous row's hash, so the walk finds the first row where the
//! story stops adding up and says what kind of break it is. A published head (`SEQ:HASH`, from a
//! monthly report) also catches the one change the chain alone cannot: cutting rows off the end.

use super::store::{GENESIS, Head, Store, StoreError, StoredEvent, chain_hash, unhex};
use crate::domain::text::hex;

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
/// the row's number, its link (`prev_hash`), its hash, and the break it shows, if any. Without
/// `before` (the first row of a stretch), the number and the link are the caller's to check.
/// Column values are borrowed, so a walk allocates nothing per row.
fn check_row(r: &rusqlite::Row<'_>, before: Option<(i64, &[u8; 32])>, buf: &mut Vec<u8>) -> rusqlite::Result<Checked> {
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
    let broken = match before {
        Some((expected_seq, _)) if seq > expected_seq => Some(Break::Deleted {
            from: expected_seq,
            to: seq - 1,
        }),
        Some((_, prev)) if prev_hash != *prev => Some(Break::Relinked { seq }),
        _ if chain_hash(&prev_hash, seq, &columns, buf) != hash => Some(Break::Edited { seq }),
        _ => None,
    };
    Ok(Checked {
        seq,
        prev_hash,
        hash,
        broken,
    })
}

/// One row, checked.
struct Checked {
    seq: i64,
    prev_hash: [u8; 32],
    hash: [u8; 32],
    broken: Option<Break>,
}

/// A stretch of the chain, walked on its own.
#[derive(Default)]
struct Stretch {
    events: i64,
    /// The first row's number and link, for the caller to check against the row before it.
    first: Option<(i64, [u8; 32])>,
    /// The last row's number and hash.
    last: Option<(i64, [u8; 32])>,
    /// The first break inside the stretch (a published head that does not match counts).
    first_break: Option<Break>,
    published_seen: bool,
}

/// Walks the rows `range` in order.
fn walk(
    conn: &rusqlite::Connection,
    range: std::ops::RangeInclusive<i64>,
    published: Option<&Head>,
) -> Result<Stretch, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM events WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq",
        StoredEvent::COLUMNS
    ))?;
    let mut rows = stmt.query([range.start(), range.end()])?;
    let published_hash = published.map(|p| unhex(&p.hash));
    let mut buf = Vec::with_capacity(1024);
    let mut out = Stretch::default();
    while let Some(r) = rows.next()? {
        let before = out.last.as_ref().map(|(seq, hash)| (seq + 1, hash));
        let Checked {
            seq,
            prev_hash,
            hash,
            broken,
        } = check_row(r, before, &mut buf)?;
        out.events += 1;
        out.first.get_or_insert((seq, prev_hash));
        if out.first_break.is_none() {
            out.first_break = broken;
        }
        if let (Some(p), Some(ph)) = (published, &published_hash)
            && p.seq == seq
        {
            out.published_seen = true;
            if *ph != hash && out.first_break.is_none() {
                out.first_break = Some(Break::HeadMismatch { seq });
            }
        }
        out.last = Some((seq, hash));
    }
    Ok(out)
}

/// The break, if any, where a stretch starting with `first` joins the one that ended with
/// `last` (`None`: the chain's start, after the genesis hash).
fn join(last: Option<(i64, [u8; 32])>, first: Option<(i64, [u8; 32])>) -> Option<Break> {
    let (seq, prev_hash) = first?;
    let (expected, prev) = last.map_or((1, unhex(GENESIS)), |(s, h)| (s + 1, h));
    if seq > expected {
        Some(Break::Deleted {
            from: expected,
            to: seq - 1,
        })
    } else if prev_hash != prev {
        Some(Break::Relinked { seq })
    } else {
        None
    }
}

/// Below this many rows the walk stays on one thread.
const SPLIT_ABOVE: i64 = 20_000;

/// Walks the whole chain, finding the first break. Each row carries its own link, so a long
/// history is walked as two halves on two threads (two read-only connections, each in one
/// statement's snapshot, bounded by the first one's last row) and the halves are joined:
/// a million events in half the time (issue #21).
pub fn verify(store: &Store, published: Option<&Head>) -> Result<Report, StoreError> {
    let conn = store.connection();
    // One read transaction: the walk sees one consistent snapshot while the daemon appends.
    let tx = conn.unchecked_transaction()?;
    let (lo, hi): (Option<i64>, Option<i64>) = tx.query_row("SELECT min(seq), max(seq) FROM events", [], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    let (lo, hi) = (lo.unwrap_or(1), hi.unwrap_or(0));
    let second = conn
        .path()
        .filter(|p| !p.is_empty() && hi - lo > SPLIT_ABOVE)
        .and_then(|p| rusqlite::Connection::open_with_flags(p, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok());
    let (a, b) = match second {
        Some(other) => {
            let mid = lo + (hi - lo) / 2;
            std::thread::scope(|s| {
                let upper = s.spawn(move || walk(&other, mid + 1..=hi, published));
                let lower = walk(&tx, lo..=mid, published);
                // A panic in the walk is a bug, not a verdict on the history: say so.
                let upper = upper
                    .join()
                    .unwrap_or_else(|_| Err(StoreError::Lost(t!("verify-thread-stopped"))));
                (lower, upper)
            })
        }
        None => (walk(&tx, lo..=hi, published), Ok(Stretch::default())),
    };
    let (a, b) = (a?, b?);
    tx.finish()?;
    let mut first_break = join(None, a.first)
        .or(a.first_break)
        .or_else(|| join(a.last, b.first))
        .or(b.first_break);
    let last = b.last.or(a.last);
    let head = last.map(|(seq, h)| Head { seq, hash: hex(&h) });
    if let Some(p) = published
        && !(a.published_seen || b.published_seen)
        && first_break.is_none()
    {
        let last = head.as_ref().map_or(0, |h| h.seq);
        first_break = Some(if p.seq > last {
            Break::Truncated { last, head: p.seq }
        } else {
            Break::Deleted { from: p.seq, to: p.seq }
        });
    }
    Ok(Report {
        events: a.events + b.events,
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
            let Checked { seq, hash, broken, .. } = check_row(r, Some((self.next_seq, &self.prev)), &mut buf)?;
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
