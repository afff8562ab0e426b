//! The outbox: every post to every channel, written down before any call is made, sent by
//! per-channel workers, each exactly once.
//!
//! One row per occurrence × channel (broadcast id + scheduled instant + channel, the primary
//! key), so there can never be two posts for one key. A row moves pending → sending → one of
//! succeeded, failed or unconfirmed, and back to pending only when a retry is proven safe. The
//! row is marked `sending` durably before the request leaves, so after a crash a row found in
//! `sending` is checked on the remote side (or marked unconfirmed) rather than sent again.
//! Every attempt and its outcome go into the history.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use tokio::sync::{Notify, Semaphore};

use crate::channels::settings::ChannelConfig;
use crate::channels::{self, Ctx, Delivery, Outcome, template};
use crate::config::Config;
use crate::domain::broadcast::Broadcast;
use crate::domain::event::Kind;
use crate::domain::time::utc_text;
use crate::history::event::{Event, OccurrenceKey, text_sha256};
use crate::history::{History, Store};
use crate::shutdown::Listener;

/// Where a row stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Pending,
    Sending,
    Succeeded,
    Failed,
    Unconfirmed,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Sending => "sending",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
            State::Unconfirmed => "unconfirmed",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "sending" => State::Sending,
            "succeeded" => State::Succeeded,
            "failed" => State::Failed,
            "unconfirmed" => State::Unconfirmed,
            _ => State::Pending,
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, State::Succeeded | State::Failed | State::Unconfirmed)
    }
}

/// An outbox row.
#[derive(Clone, Debug)]
pub struct Row {
    pub delivery: Delivery,
    pub state: State,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// The last attempt may have reached the platform: look before sending again.
    pub check_first: bool,
    pub last_error: Option<String>,
    pub remote_id: Option<String>,
    pub url: Option<String>,
}

/// The outbox table, through its own connection to the history database.
pub struct Outbox {
    conn: Mutex<Opened>,
    path: std::path::PathBuf,
}

const COLUMNS: &str = "delivery, state, attempts, next_attempt_at, check_first, last_error, remote_id, url";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let delivery: String = r.get(0)?;
    let state: String = r.get(1)?;
    let next: String = r.get(3)?;
    let delivery = serde_json::from_str(&delivery)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(Row {
        delivery,
        state: State::parse(&state),
        attempts: r.get(2)?,
        next_attempt_at: DateTime::parse_from_rfc3339(&next)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default(),
        check_first: r.get::<_, i64>(4)? != 0,
        last_error: r.get(5)?,
        remote_id: r.get(6)?,
        url: r.get(7)?,
    })
}

/// The outbox's connection and the WAL it opened (see [`crate::history::store::rescue_moved_wal`]).
struct Opened {
    conn: Connection,
    wal: Option<(u64, u64)>,
}

impl std::ops::Deref for Opened {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.conn
    }
}

impl std::ops::DerefMut for Opened {
    fn deref_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }
}

/// What went wrong with the outbox's table. Shown, it says what could not be done and why.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    /// The station's history database, which holds the outbox, could not be opened.
    #[error(transparent)]
    Store(#[from] crate::history::StoreError),
    #[error("{}", t!("outbox-cannot-open", path = .path.display(), why = .source))]
    Open {
        path: std::path::PathBuf,
        source: rusqlite::Error,
    },
    #[error("{}", t!("outbox-unreadable", why = .0))]
    Read(#[source] rusqlite::Error),
    #[error("{}", t!("outbox-unwritable", why = .0))]
    Write(#[source] rusqlite::Error),
    #[error("{}", t!("outbox-unupdatable", why = .0))]
    Update(#[source] rusqlite::Error),
    /// The blocking task that wrote the row ended without an answer (the runtime is stopping).
    #[error("{}", t!("outbox-task-lost", why = .0))]
    Lost(String),
}

impl OutboxError {
    /// The disk is full: nothing will be written until an operator frees space.
    pub fn is_disk_full(&self) -> bool {
        let e = match self {
            OutboxError::Open { source: e, .. }
            | OutboxError::Read(e)
            | OutboxError::Write(e)
            | OutboxError::Update(e) => e,
            OutboxError::Store(_) | OutboxError::Lost(_) => return false,
        };
        e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
    }
}

fn connect(path: &Path) -> Result<Opened, OutboxError> {
    let opening = |source| OutboxError::Open {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(opening)?;
    conn.busy_timeout(Duration::from_secs(10)).map_err(opening)?;
    conn.pragma_update(None, "synchronous", "FULL").map_err(opening)?;
    conn.pragma_update(None, "journal_size_limit", 4 * 1024 * 1024)
        .map_err(opening)?;
    // Reading once creates the WAL index, so the WAL's presence means something from here on.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
        .map_err(opening)?;
    let wal = crate::history::store::identity(&crate::history::store::wal_path(path));
    Ok(Opened { conn, wal })
}

fn key(d: &Delivery) -> (String, String, String) {
    (d.broadcast_id.clone(), utc_text(d.scheduled_at), d.channel.clone())
}

impl Outbox {
    /// Opens the outbox in the station's history database (creating or migrating it).
    pub fn open(data: &Path, tz: chrono_tz::Tz) -> Result<Outbox, OutboxError> {
        let path = Store::path_in(data);
        drop(Store::open(&path, tz)?);
        let conn = connect(&path)?;
        Ok(Outbox {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The connection, made anew if someone deleted the WAL under it (after copying what the
    /// deleted WAL held into the database), so no state change goes into a deleted file.
    fn conn(&self) -> std::sync::MutexGuard<'_, Opened> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        if crate::history::store::rescue_moved_wal(&conn.conn, &self.path, conn.wal) {
            match connect(&self.path) {
                Ok(c) => *conn = c,
                Err(e) => tracing::error!(error = %e, "{}", t!("log-outbox-reopen-failed")),
            }
        }
        conn
    }

    /// Writes the row for a delivery if there is none yet. True if it is new.
    pub fn enqueue(&self, d: &Delivery) -> Result<bool, OutboxError> {
        let (b, s, c) = key(d);
        let now = utc_text(Utc::now());
        let n = self
            .conn()
            .execute(
                "INSERT OR IGNORE INTO outbox (broadcast_id, scheduled_at, channel, state, next_attempt_at, delivery, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?4, ?4)",
                params![b, s, c, now, serde_json::to_string(d).unwrap_or_default()],
            )
            .map_err(OutboxError::Write)?;
        Ok(n == 1)
    }

    /// Takes up to `limit` due rows of a channel and marks them `sending`, durably, in one
    /// transaction: the mark is on disk before any request leaves.
    pub fn claim(&self, channel: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Row>, OutboxError> {
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(OutboxError::Update)?;
        let rows: Vec<Row> = {
            let mut stmt = tx
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM outbox WHERE state = 'pending' AND channel = ?1 AND next_attempt_at <= ?2
                     ORDER BY next_attempt_at LIMIT ?3"
                ))
                .map_err(OutboxError::Update)?;
            stmt.query_map(params![channel, utc_text(now), limit as i64], row)
                .map_err(OutboxError::Update)?
                .collect::<Result<_, _>>()
                .map_err(OutboxError::Update)?
        };
        for r in &rows {
            let (b, s, c) = key(&r.delivery);
            tx.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?4, claimed_by = ?5
                 WHERE broadcast_id = ?1 AND scheduled_at = ?2 AND channel = ?3",
                params![b, s, c, utc_text(Utc::now()), crate::claim::this_process()],
            )
            .map_err(OutboxError::Update)?;
        }
        tx.commit().map_err(OutboxError::Update)?;
        Ok(rows
            .into_iter()
            .map(|mut r| {
                r.attempts += 1;
                r.state = State::Sending;
                r
            })
            .collect())
    }

    /// Records where a row ends up after an attempt.
    #[allow(clippy::too_many_arguments)]
    pub fn settle(
        &self,
        d: &Delivery,
        state: State,
        next_attempt_at: DateTime<Utc>,
        check_first: bool,
        error: Option<&str>,
        remote_id: Option<&str>,
        url: Option<&str>,
    ) -> Result<(), OutboxError> {
        let (b, s, c) = key(d);
        self.conn()
            .execute(
                "UPDATE outbox SET state = ?4, next_attempt_at = ?5, check_first = ?6, last_error = ?7,
                   remote_id = coalesce(?8, remote_id), url = coalesce(?9, url), updated_at = ?10
                 WHERE broadcast_id = ?1 AND scheduled_at = ?2 AND channel = ?3",
                params![
                    b,
                    s,
                    c,
                    state.as_str(),
                    utc_text(next_attempt_at),
                    check_first as i64,
                    error,
                    remote_id,
                    url,
                    utc_text(Utc::now())
                ],
            )
            .map_err(OutboxError::Update)?;
        Ok(())
    }

    /// Rows left `sending` by a process that is gone (a daemon or a `loaxa post` that was
    /// killed) may have reached the platform. They go back to pending with `check_first`, due
    /// now, so the remote side is looked at before any resend. Rows a live process is sending
    /// are left to it. Returns the rows released.
    pub fn recover(&self) -> Result<Vec<Row>, OutboxError> {
        let conn = self.conn();
        let claimed: Vec<(Row, Option<String>)> = {
            let mut stmt = conn
                .prepare(&format!(
                    "SELECT {COLUMNS}, claimed_by FROM outbox WHERE state = 'sending'"
                ))
                .map_err(OutboxError::Update)?;
            stmt.query_map([], |r| Ok((row(r)?, r.get::<_, Option<String>>(8)?)))
                .map_err(OutboxError::Update)?
                .collect::<Result<_, _>>()
                .map_err(OutboxError::Update)?
        };
        let now = utc_text(Utc::now());
        let mut released = Vec::new();
        for (r, owner) in claimed {
            if owner.as_deref().is_some_and(crate::claim::alive) {
                continue;
            }
            let (b, s, c) = key(&r.delivery);
            conn.execute(
                "UPDATE outbox SET state = 'pending', check_first = 1, next_attempt_at = ?4, updated_at = ?4, claimed_by = NULL
                 WHERE broadcast_id = ?1 AND scheduled_at = ?2 AND channel = ?3 AND state = 'sending'",
                params![b, s, c, now],
            )
            .map_err(OutboxError::Update)?;
            released.push(Row {
                state: State::Pending,
                check_first: true,
                ..r
            });
        }
        Ok(released)
    }

    /// The rows of one broadcast on one channel created since `since`, newest first, with who
    /// is sending each (for `loaxa post`, which must not post what may be out already).
    pub fn rows_of(
        &self,
        broadcast_id: &str,
        channel: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Row, Option<String>)>, OutboxError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS}, claimed_by FROM outbox WHERE broadcast_id = ?1 AND channel = ?2 AND created_at >= ?3
                 ORDER BY created_at DESC"
            ))
            .map_err(OutboxError::Read)?;
        stmt.query_map(params![broadcast_id, channel, utc_text(since)], |r| {
            Ok((row(r)?, r.get::<_, Option<String>>(8)?))
        })
        .map_err(OutboxError::Read)?
        .collect::<Result<_, _>>()
        .map_err(OutboxError::Read)
    }

    /// After an older history was accepted (`--accept-history-reset`): posts still waiting in
    /// it for occurrences due before `before` may already be on their platform (the newer
    /// history that knew is gone), so they are held as unconfirmed instead of sent again.
    /// Returns the rows held.
    pub fn hold_after_reset(&self, before: DateTime<Utc>, reason: &str) -> Result<Vec<Row>, OutboxError> {
        let rows: Vec<Row> = self
            .list(None)?
            .into_iter()
            .filter(|r| matches!(r.state, State::Pending | State::Sending) && r.delivery.scheduled_at <= before)
            .collect();
        let conn = self.conn();
        for r in &rows {
            let (b, s, c) = key(&r.delivery);
            conn.execute(
                "UPDATE outbox SET state = 'unconfirmed', last_error = ?4, updated_at = ?5
                 WHERE broadcast_id = ?1 AND scheduled_at = ?2 AND channel = ?3",
                params![b, s, c, reason, utc_text(Utc::now())],
            )
            .map_err(OutboxError::Update)?;
        }
        Ok(rows)
    }

    pub fn get(&self, d: &Delivery) -> Result<Option<Row>, OutboxError> {
        let (b, s, c) = key(d);
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM outbox WHERE broadcast_id = ?1 AND scheduled_at = ?2 AND channel = ?3"),
                params![b, s, c],
                row,
            )
            .optional()
            .map_err(OutboxError::Read)
    }

    /// Rows in a state (all when `None`), oldest first.
    pub fn list(&self, state: Option<State>) -> Result<Vec<Row>, OutboxError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE ?1 IS NULL OR state = ?1 ORDER BY scheduled_at, channel"
            ))
            .map_err(OutboxError::Read)?;
        stmt.query_map(params![state.map(State::as_str)], row)
            .map_err(OutboxError::Read)?
            .collect::<Result<_, _>>()
            .map_err(OutboxError::Read)
    }

    /// The newest `limit` rows in a state, newest first (the dashboard's view of a long tail).
    pub fn recent(&self, state: State, limit: usize) -> Result<Vec<Row>, OutboxError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {COLUMNS} FROM outbox WHERE state = ?1 ORDER BY scheduled_at DESC, channel LIMIT ?2"
            ))
            .map_err(OutboxError::Read)?;
        stmt.query_map(params![state.as_str(), limit as i64], row)
            .map_err(OutboxError::Read)?
            .collect::<Result<_, _>>()
            .map_err(OutboxError::Read)
    }

    /// How many rows are in a state.
    pub fn count(&self, state: State) -> Result<usize, OutboxError> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM outbox WHERE state = ?1",
                params![state.as_str()],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(OutboxError::Read)
    }

    /// When the channel's next pending row falls due.
    pub fn next_due(&self, channel: &str) -> Result<Option<DateTime<Utc>>, OutboxError> {
        let t: Option<String> = self
            .conn()
            .query_row(
                "SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending' AND channel = ?1",
                params![channel],
                |r| r.get(0),
            )
            .map_err(OutboxError::Read)?;
        Ok(t.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }
}

/// The delivery for one broadcast occurrence on one channel: the post rendered with the
/// channel's template. Fails when the post does not fit the platform.
pub fn delivery(config: &Config, b: &Broadcast, at: DateTime<Utc>, ch: &ChannelConfig) -> Result<Delivery, String> {
    let post = b.post.as_ref().ok_or_else(|| t!("post-no-post", id = b.id))?;
    let title = template::title(post, &b.title).to_string();
    let vars = template::Vars {
        title: &title,
        text: &post.text,
        link: post.link.as_deref().unwrap_or(""),
        at,
        tz: config.station.timezone,
        station: &config.station.name,
    };
    Ok(Delivery {
        broadcast_id: b.id.clone(),
        scheduled_at: at,
        channel: ch.name.clone(),
        text: template::text_for(ch, &vars)?,
        title,
        link: post.link.clone(),
        image: post.image.as_ref().map(|i| config.station.media.join(i)),
        audio: b.audio.iter().map(|a| config.station.media.join(&a.path)).collect(),
    })
}

/// The history event for a post, with the occurrence, the channel and the text's hash.
pub fn post_event(kind: Kind, d: &Delivery, campaign: Option<&str>, extra: serde_json::Value) -> Event {
    let mut e = Event::new(
        kind,
        crate::history::event::merge(
            json!({ "title": d.title, "text_sha256": text_sha256(&d.text), "link": d.link }),
            extra,
        ),
    );
    e.occurrence = Some(OccurrenceKey {
        broadcast_id: d.broadcast_id.clone(),
        scheduled_at: d.scheduled_at,
    });
    e.channel = Some(d.channel.clone());
    e.campaign = campaign.map(str::to_string);
    e
}

/// Queues a delivery: writes the row and, if it is new, a `post_queued` event.
pub async fn queue(
    outbox: &Arc<Outbox>,
    history: &History,
    d: Delivery,
    campaign: Option<String>,
) -> Result<bool, OutboxError> {
    queue_noted(outbox, history, d, campaign, json!({})).await
}

/// [`queue`], with details for the `post_queued` event (a manual `--again`, say).
pub async fn queue_noted(
    outbox: &Arc<Outbox>,
    history: &History,
    d: Delivery,
    campaign: Option<String>,
    details: serde_json::Value,
) -> Result<bool, OutboxError> {
    let o = outbox.clone();
    let d2 = d.clone();
    let new = tokio::task::spawn_blocking(move || o.enqueue(&d2))
        .await
        .map_err(|e| OutboxError::Lost(e.to_string()))??;
    if new {
        let _ = history
            .record(post_event(Kind::PostQueued, &d, campaign.as_deref(), details))
            .await;
    }
    Ok(new)
}

/// Delay before attempt `n + 1`: exponential from 5 s, capped at 15 min, with ±25 % jitter
/// derived from the key (so a burst of failures does not retry in lockstep).
pub fn backoff(d: &Delivery, attempts: u32) -> Duration {
    let base = 5.0 * 2f64.powi(attempts.saturating_sub(1).min(10) as i32);
    let capped = base.min(900.0);
    let h = d
        .idempotency_key()
        .bytes()
        .fold(attempts as u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64));
    let jitter = 0.75 + (h % 1000) as f64 / 2000.0;
    Duration::from_secs_f64(capped * jitter)
}

/// Spaces request starts at least `60 / rate_per_minute` seconds apart, plus 2 %: requests
/// reach the platform with a few milliseconds of jitter, and exactly-on-the-limit spacing lets
/// a jittered pair land eleven in one second of the platform's clock.
struct Pacer {
    interval: Duration,
    next: tokio::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    fn new(rate_per_minute: f64) -> Pacer {
        Pacer {
            interval: Duration::from_secs_f64(60.0 / rate_per_minute * 1.02),
            next: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn wait(&self) {
        let mut next = self.next.lock().await;
        let now = tokio::time::Instant::now();
        let at = (*next).max(now);
        *next = at + self.interval;
        drop(next);
        tokio::time::sleep_until(at).await;
    }
}

/// A channel's worker: claims due rows, sends them with the channel's concurrency and pace,
/// and records every attempt. Runs until its stage of the stop is reached.
pub struct Worker {
    pub ctx: Arc<Ctx>,
    pub outbox: Arc<Outbox>,
    pub history: History,
    /// Campaign names by broadcast id, for the history events.
    pub campaigns: Arc<HashMap<String, String>>,
    pub wake: Arc<Notify>,
}

impl Worker {
    pub async fn run(self, mut stop: Listener) {
        let this = Arc::new(self);
        let permits = Arc::new(Semaphore::new(this.ctx.cfg.concurrency as usize));
        let pacer = Arc::new(Pacer::new(this.ctx.cfg.rate_per_minute));
        loop {
            crate::failpoint::hit("worker");
            let ob = this.outbox.clone();
            let channel = this.ctx.cfg.name.clone();
            let limit = this.ctx.cfg.concurrency as usize;
            // Claim only what can start now: one row per free permit.
            let free = permits.available_permits().min(limit);
            let rows = if free > 0 {
                tokio::task::spawn_blocking(move || ob.claim(&channel, Utc::now(), free))
                    .await
                    .ok()
                    .and_then(Result::ok)
            } else {
                None
            }
            .unwrap_or_default();
            for r in rows {
                let Ok(permit) = permits.clone().acquire_owned().await else {
                    return;
                };
                let (w, p) = (this.clone(), pacer.clone());
                tokio::spawn(async move {
                    w.attempt_paced(r, Some(&p)).await;
                    drop(permit);
                });
            }
            let ob = this.outbox.clone();
            let channel = this.ctx.cfg.name.clone();
            let next = tokio::task::spawn_blocking(move || ob.next_due(&channel))
                .await
                .ok()
                .and_then(Result::ok)
                .flatten();
            let nap = next
                .map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO))
                .unwrap_or(Duration::from_secs(5))
                .clamp(Duration::from_millis(20), Duration::from_secs(5));
            tokio::select! {
                _ = stop.stopped() => return,
                _ = this.wake.notified() => {}
                _ = tokio::time::sleep(nap) => {}
            }
        }
    }

    /// One attempt at one row, without pacing.
    pub async fn attempt(&self, r: Row) {
        self.attempt_paced(r, None).await
    }

    /// One attempt at one row. The pacer is waited on right before each request leaves, so the
    /// platform sees the spacing (the history write before it takes a variable time).
    async fn attempt_paced(&self, r: Row, pacer: Option<&Pacer>) {
        let d = &r.delivery;
        let campaign = self.campaigns.get(&d.broadcast_id).map(String::as_str);
        let _ = self
            .history
            .record(post_event(
                Kind::PostAttempt,
                d,
                campaign,
                json!({ "attempt": r.attempts, "check_first": r.check_first }),
            ))
            .await;
        let pace = || async {
            if let Some(p) = pacer {
                p.wait().await;
            }
        };
        // `maybe_sent`: an attempt so far may have created the post, and nothing has proved
        // otherwise. Such a row never ends `failed`: giving up makes it `unconfirmed`.
        let dedupes = channels::dedupes(self.ctx.cfg.kind);
        let (outcome, maybe_sent) = if r.check_first {
            pace().await;
            match channels::find(&self.ctx, d).await {
                Some(Outcome::Retry { .. }) => {
                    pace().await;
                    let (o, ambiguous) = self.send(d, &pace).await;
                    // A platform that only dedupes proves nothing about the earlier attempt.
                    (o, ambiguous || dedupes)
                }
                Some(found) => (found, false),
                None => (
                    Outcome::Unknown {
                        reason: t!(
                            "post-cannot-check",
                            channel = d.channel,
                            kind = self.ctx.cfg.kind.as_str()
                        ),
                    },
                    true,
                ),
            }
        } else {
            pace().await;
            self.send(d, &pace).await
        };
        self.settle(&r, outcome, campaign, maybe_sent).await;
    }

    /// Sends, and after an ambiguous answer looks on the remote side. The flag says the
    /// attempt may have created the post without that being proved either way.
    async fn send<F: std::future::Future<Output = ()>>(&self, d: &Delivery, pace: &impl Fn() -> F) -> (Outcome, bool) {
        match channels::send(&self.ctx, d).await {
            Outcome::Unknown { reason } => {
                pace().await;
                let found = channels::find(&self.ctx, d).await;
                let dedupes = channels::dedupes(self.ctx.cfg.kind);
                match found {
                    Some(Outcome::Retry { .. }) if dedupes => (
                        Outcome::Retry {
                            reason: t!("post-safe-to-repeat", why = reason),
                            after: None,
                        },
                        true,
                    ),
                    Some(Outcome::Retry { .. }) => (
                        Outcome::Retry {
                            reason: t!("post-checked-not-created", why = reason),
                            after: None,
                        },
                        false,
                    ),
                    Some(found) => (found, false),
                    None => (Outcome::Unknown { reason }, true),
                }
            }
            o => (o, false),
        }
    }

    async fn settle(&self, r: &Row, outcome: Outcome, campaign: Option<&str>, maybe_sent: bool) {
        let d = r.delivery.clone();
        let max = self.ctx.cfg.max_attempts;
        let now = Utc::now();
        // Out of attempts: failed, unless an earlier attempt may have created the post.
        let outcome = match outcome {
            Outcome::Retry { reason, .. } if r.attempts >= max && maybe_sent => Outcome::Unknown {
                reason: t!("post-gave-up-maybe-sent", attempts = r.attempts, why = reason),
            },
            Outcome::Retry { reason, .. } if r.attempts >= max => Outcome::Failed {
                reason: t!("post-gave-up", attempts = r.attempts, why = reason),
            },
            o => o,
        };
        let (state, next, error, remote, url, event) = match outcome {
            Outcome::Posted { remote_id, url } => {
                let e = post_event(
                    Kind::PostSucceeded,
                    &d,
                    campaign,
                    json!({ "remote_id": remote_id, "url": url, "attempt": r.attempts }),
                );
                (State::Succeeded, now, None, Some(remote_id), url, e)
            }
            Outcome::Failed { reason } => {
                let e = post_event(
                    Kind::PostFailed,
                    &d,
                    campaign,
                    json!({ "reason": reason, "attempt": r.attempts }),
                );
                (State::Failed, now, Some(reason), None, None, e)
            }
            Outcome::Unknown { reason } => {
                let e = post_event(
                    Kind::PostUnconfirmed,
                    &d,
                    campaign,
                    json!({ "reason": reason, "attempt": r.attempts }),
                );
                (State::Unconfirmed, now, Some(reason), None, None, e)
            }
            Outcome::Retry { reason, after } => {
                let wait = after
                    .unwrap_or_else(|| backoff(&d, r.attempts))
                    .min(Duration::from_secs(6 * 3600));
                let next = now + chrono::Duration::from_std(wait).unwrap_or_default();
                let e = post_event(
                    Kind::PostRetry,
                    &d,
                    campaign,
                    json!({ "reason": reason, "attempt": r.attempts, "retry_at": utc_text(next) }),
                );
                (State::Pending, next, Some(reason), None, None, e)
            }
        };
        // The outcome is known; until it is in the outbox the row says `sending`. A full or
        // failing disk is waited out (the row must not stay `sending` once space returns).
        let mut wait = Duration::from_millis(500);
        loop {
            let ob = self.outbox.clone();
            let d2 = d.clone();
            let (e2, r2, u2) = (error.clone(), remote.clone(), url.clone());
            let saved = tokio::task::spawn_blocking(move || {
                // A retried row that may already be on the platform is looked for before resending.
                ob.settle(
                    &d2,
                    state,
                    next,
                    maybe_sent,
                    e2.as_deref(),
                    r2.as_deref(),
                    u2.as_deref(),
                )
            })
            .await;
            match saved.map_err(|e| OutboxError::Lost(e.to_string())) {
                Ok(Ok(())) => break,
                Ok(Err(e)) | Err(e) => {
                    tracing::error!(
                        channel = d.channel,
                        error = %e,
                        retry_in_ms = wait.as_millis() as u64,
                        "{}",
                        t!("log-outcome-unrecorded")
                    );
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(30));
                }
            }
        }
        match state {
            State::Succeeded => tracing::info!(
                channel = d.channel,
                id = d.broadcast_id,
                remote = remote.as_deref(),
                "{}",
                t!("log-posted")
            ),
            State::Pending => tracing::warn!(
                channel = d.channel,
                id = d.broadcast_id,
                error = error.as_deref(),
                "{}",
                t!("log-post-retry")
            ),
            _ => tracing::error!(
                channel = d.channel,
                id = d.broadcast_id,
                state = state.as_str(),
                error = error.as_deref(),
                "{}",
                t!("log-post-failed")
            ),
        }
        let _ = self.history.record(event).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A caller tells why the outbox would not open: a database that is not loaxa's is the
    /// history's refusal, not a failed SQLite call to retry.
    #[test]
    fn an_outbox_in_a_foreign_database_says_so_by_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        let path = Store::path_in(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let other = Connection::open(&path).unwrap();
        other.execute_batch("CREATE TABLE notes (t TEXT)").unwrap();
        drop(other);
        let e = match Outbox::open(dir.path(), chrono_tz::Asia::Ho_Chi_Minh) {
            Err(e) => e,
            Ok(_) => panic!("a foreign database was taken for the outbox"),
        };
        assert!(
            matches!(e, OutboxError::Store(crate::history::StoreError::Foreign { .. })),
            "{e:?}"
        );
        assert!(!e.is_disk_full());
    }

    /// A full disk is told apart from other write errors, so the operator reads what to do.
    #[test]
    fn a_full_disk_is_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let outbox = Outbox::open(dir.path(), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
        // SQLite's own cap on the file's pages gives the same SQLITE_FULL as a full volume.
        let pages: i64 = outbox.conn().query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
        outbox.conn().pragma_update(None, "max_page_count", pages).unwrap();
        let d = Delivery {
            broadcast_id: "b".into(),
            scheduled_at: Utc::now(),
            channel: "web".into(),
            title: "x".into(),
            text: "x".repeat(64 * 1024),
            link: None,
            image: None,
            audio: vec![],
        };
        let e = outbox.enqueue(&d).unwrap_err();
        assert!(e.is_disk_full(), "{e:?}");
        assert!(matches!(e, OutboxError::Write(_)), "{e:?}");
    }
}
