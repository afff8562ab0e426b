//! Pushing a box's history to the centre: what follows the centre's head for this station, in
//! seq order, in batches, each batch one statement. It is idempotent: the centre says where its
//! copy of the chain ends, and a batch sent twice (its acknowledgement lost) is recognised there
//! by hash and stored once.
//!
//! A box whose history was lost, or restored from an older copy, has a chain that leaves the
//! centre's at some seq. Its events after that point cannot link, and while its head is below
//! the centre's there is nothing "after the head" to send at all: the commune would go dark at
//! the centre without a word. So each push first checks that the box's chain passes through the
//! centre's head; where it does not, it finds the last seq both hold alike and sends the event
//! after it, which the centre refuses as a fork and keeps until the province accepts the new
//! chain (`loaxa central accept-reset`).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::{CentralError, within, within_for};
use crate::history::store::{Store, StoredEvent};

/// Events per statement.
pub const BATCH: i64 = 1000;

/// What the centre holds of this station, and what it refused.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Remote {
    pub head_seq: i64,
    /// The hash of the centre's head (hex).
    pub head_hash: String,
    pub last_contact: Option<DateTime<Utc>>,
    /// The refusals, newest first (at most 10): seq, reason, how many times.
    pub rejections: Vec<Rejection>,
}

#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub struct Rejection {
    pub seq: i64,
    pub reason: String,
    pub times: i64,
}

/// One push's outcome.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Pushed {
    /// Events sent (a replayed one counts: the centre stored it once).
    pub sent: u64,
    /// The centre's head before and after.
    pub from: i64,
    pub head: i64,
    /// The box's own head.
    pub local_head: i64,
    /// Set when the centre refused what followed its head: it holds back the rest.
    pub refused: Option<Rejection>,
    /// The last seq the box's chain and the centre's hold alike, where they part (the box's
    /// history was lost or restored): nothing more ships until the province accepts the new
    /// chain.
    pub parted_after: Option<i64>,
}

/// The centre's view of this station (as the box's role: its own row only).
pub async fn remote(client: &tokio_postgres::Client, station: &str) -> Result<Remote, CentralError> {
    // Every contact is recorded, not only those that carry events: a quiet box is not a silent one.
    let row = within(client.query_opt(
        "SELECT head_seq, last_contact, head_hash FROM loaxa_contact() WHERE station_id = $1",
        &[&station],
    ))
    .await?
    .ok_or_else(|| CentralError::UnknownStation(station.to_string()))?;
    let rejections = within(client.query(
        "SELECT seq, reason, times FROM loaxa_rejections WHERE station_id = $1 \
         AND accepted_in IS NULL ORDER BY last_at DESC, seq LIMIT 10",
        &[&station],
    ))
    .await?
    .iter()
    .map(|r| Rejection {
        seq: r.get(0),
        reason: r.get(1),
        times: r.get(2),
    })
    .collect();
    Ok(Remote {
        head_seq: row.get(0),
        last_contact: row.get(1),
        head_hash: crate::domain::text::hex(row.get::<_, &[u8]>(2)),
        rejections,
    })
}

/// A refusal's reason (the centre's stable id) in words.
pub fn meaning(reason: &str) -> String {
    match reason {
        "tampered" => t!("central-reason-tampered"),
        "out_of_order" => t!("central-reason-out-of-order"),
        "fork" => t!("central-reason-fork"),
        "unreadable" => t!("central-reason-unreadable"),
        "oversized" => t!("central-reason-oversized"),
        _ => t!("central-reason-unknown"),
    }
}

/// The box's events after `after`, at most `limit` (read-only; the daemon may be writing).
pub fn local_after(history: &Path, after: i64, limit: i64) -> Result<Vec<StoredEvent>, CentralError> {
    let store = Store::open_read_only(history, chrono_tz::UTC).map_err(|e| CentralError::Local(e.to_string()))?;
    let sql = format!(
        "SELECT {} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        StoredEvent::COLUMNS
    );
    let local = |e: rusqlite::Error| CentralError::Local(e.to_string());
    let mut stmt = store.connection().prepare(&sql).map_err(local)?;
    let rows = stmt
        .query_map([after, limit], StoredEvent::from_row)
        .map_err(local)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(local)?;
    Ok(rows)
}

/// The hash of the box's event `seq` (hex), if it holds one; the genesis hash at 0.
fn local_hash(history: &Path, seq: i64) -> Result<Option<String>, CentralError> {
    if seq == 0 {
        return Ok(Some(crate::domain::text::hex(&[0u8; 32])));
    }
    Ok(local_after(history, seq - 1, 1)?
        .into_iter()
        .find(|e| e.seq == seq)
        .map(|e| e.hash))
}

/// Off the runtime: reading the history is file I/O.
async fn blocking<T: Send + 'static>(
    history: &Path,
    f: impl FnOnce(&Path) -> Result<T, CentralError> + Send + 'static,
) -> Result<T, CentralError> {
    let path = history.to_path_buf();
    tokio::task::spawn_blocking(move || f(&path))
        .await
        .map_err(|e| CentralError::Local(e.to_string()))?
}

/// Where the box's chain leaves the centre's: `None` while it passes through the centre's head,
/// else the last seq both hold alike (a chain that agrees at a seq agrees at every one before
/// it, so a binary search finds it).
pub async fn parted(
    client: &tokio_postgres::Client,
    station: &str,
    history: &Path,
    remote: &Remote,
    local_head: i64,
) -> Result<Option<i64>, CentralError> {
    let at = remote.head_seq;
    if blocking(history, move |h| local_hash(h, at)).await?.as_deref() == Some(remote.head_hash.as_str()) {
        return Ok(None);
    }
    let (mut same, mut differs) = (0, remote.head_seq.min(local_head) + 1);
    while differs - same > 1 {
        let mid = same + (differs - same) / 2;
        let theirs: Option<Vec<u8>> = within(client.query_one("SELECT loaxa_hash_at($1, $2)", &[&station, &mid]))
            .await?
            .get(0);
        let ours = blocking(history, move |h| local_hash(h, mid)).await?;
        if theirs.map(|h| crate::domain::text::hex(&h)) == ours && ours.is_some() {
            same = mid;
        } else {
            differs = mid;
        }
    }
    Ok(Some(same))
}

/// The box's head (0 for an empty history).
pub fn local_head(history: &Path) -> Result<i64, CentralError> {
    let store = Store::open_read_only(history, chrono_tz::UTC).map_err(|e| CentralError::Local(e.to_string()))?;
    Ok(store
        .head()
        .map_err(|e| CentralError::Local(e.to_string()))?
        .map_or(0, |h| h.seq))
}

/// Sends one batch; returns the centre's head after it.
pub async fn send(client: &tokio_postgres::Client, station: &str, events: &[StoredEvent]) -> Result<i64, CentralError> {
    let unhex = |h: &str| crate::history::store::unhex(h).to_vec();
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    let prevs: Vec<Vec<u8>> = events.iter().map(|e| unhex(&e.prev_hash)).collect();
    let hashes: Vec<Vec<u8>> = events.iter().map(|e| unhex(&e.hash)).collect();
    let bytes: Vec<Vec<u8>> = events.iter().map(StoredEvent::canonical_bytes).collect();
    // In seq order: the trigger checks each link against the head the previous row moved.
    let size = bytes.iter().map(|b| b.len() + 96).sum();
    within_for(
        size,
        client.execute(
            "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) \
             SELECT $1, s, p, h, c FROM unnest($2::bigint[], $3::bytea[], $4::bytea[], $5::bytea[]) \
             WITH ORDINALITY AS t(s, p, h, c, n) ORDER BY n",
            &[&station, &seqs, &prevs, &hashes, &bytes],
        ),
    )
    .await?;
    let head: i64 = within(client.query_one("SELECT head_seq FROM loaxa_stations WHERE station_id = $1", &[&station]))
        .await?
        .get(0);
    Ok(head)
}

/// Pushes everything the centre does not hold yet, batch by batch, until the box's head (or a
/// refusal: what follows a refused event cannot link, and is held back).
pub async fn push(client: &tokio_postgres::Client, station: &str, history: &Path) -> Result<Pushed, CentralError> {
    let start = remote(client, station).await?;
    let mut out = Pushed {
        from: start.head_seq,
        head: start.head_seq,
        local_head: blocking(history, local_head).await?,
        ..Pushed::default()
    };
    if let Some(same) = parted(client, station, history, &start, out.local_head).await? {
        out.parted_after = Some(same);
        // The first event of the new chain, for the centre to keep (as a fork) until the
        // province accepts it; none yet when the box holds only what the centre has.
        let first = blocking(history, move |h| local_after(h, same, 1)).await?;
        if !first.is_empty() {
            send(client, station, &first).await?;
            out.sent = 1;
        }
        out.refused = remote(client, station)
            .await?
            .rejections
            .into_iter()
            .filter(|r| r.seq == same + 1)
            .min_by_key(|r| r.reason != "fork");
        return Ok(out);
    }
    loop {
        let after = out.head;
        let batch = blocking(history, move |h| local_after(h, after, BATCH)).await?;
        let Some(last) = batch.last().map(|e| e.seq) else {
            break;
        };
        let head = send(client, station, &batch).await?;
        out.sent += batch.len() as u64;
        if head < last {
            out.head = head;
            let now = remote(client, station).await?;
            // The first that did not link: what follows it is refused for that alone.
            let mut after: Vec<Rejection> = now.rejections.into_iter().filter(|r| r.seq > head).collect();
            after.sort_by_key(|r| r.seq);
            out.refused = after.into_iter().next().or(Some(Rejection {
                seq: head + 1,
                reason: "unknown".into(),
                times: 1,
            }));
            break;
        }
        out.head = head;
    }
    out.local_head = out.local_head.max(out.head);
    Ok(out)
}
