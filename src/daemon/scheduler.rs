//! The scheduler: walks the plan on the wall clock and hands every occurrence over once.
//!
//! Once a second it plans the window from `now − grace` to just past the pre-roll, and hands
//! each occurrence it has not handed yet to the loudspeaker engine (a few seconds ahead; the
//! engine places the start on the second) and, when due, to the outbox. The handed-over set
//! is seeded from the history at start-up, so a restart never plays anything twice; an
//! occurrence older than the grace period that never played is recorded missed, never skipped
//! silently. Planning from the wall clock every second means a clock step (NTP, a manual
//! change) simply moves the window: nothing jumped over is lost, nothing fires twice.

use std::collections::HashSet;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::Notify;

use super::state::Shared;
use crate::history::event::{Event, Fingerprints, Kind, OccurrenceKey};
use crate::history::query::{self, Filter};
use crate::history::{History, Store};
use crate::outbox;
use crate::plan::{self, Occurrence};
use crate::playout::{Engine, Programme};

pub async fn run(shared: Arc<Shared>, engine: Arc<Mutex<Option<Engine>>>, wake: Arc<Notify>, stop: Arc<Notify>) {
    let tz = shared.config.station.timezone;
    let grace = chrono::Duration::minutes(i64::from(shared.config.policy.grace_minutes));
    let lookahead =
        chrono::Duration::from_std(shared.config.audio.preroll + Duration::from_secs(2)).unwrap_or_default();
    // When the daemon started, not when this task first ran: under load the task can start
    // seconds later, and a clock step in between must not hide the occurrences before it.
    let boot = shared.started_at;
    let (mut handed, last_activity) = seed_from_history(&shared, boot - grace - chrono::Duration::days(1)).await;
    // Look back to the last thing the history saw (at most a day): what fell due since then was
    // missed while loaxa was down. A first start has nothing to catch up on beyond the grace.
    let mut window_start = last_activity
        .map(|t| t.max(boot - grace - chrono::Duration::days(1)))
        .unwrap_or(boot - grace)
        .min(boot - grace);
    let mut posted: HashSet<(String, String)> = HashSet::new();
    let mut prints = Fingerprints::default();
    let mut last = (Utc::now(), Instant::now());
    loop {
        let now = Utc::now();
        let expected = last.0 + chrono::Duration::from_std(last.1.elapsed()).unwrap_or_default();
        let jump = (now - expected).num_milliseconds();
        if jump.abs() > 2000 {
            tracing::warn!(jump_ms = jump, "the wall clock jumped; re-planning from the new time");
            shared.error(format!("wall clock jumped by {:.1} s", jump as f64 / 1000.0));
        }
        last = (now, Instant::now());
        let set = shared.set();
        let window_end = now + lookahead;
        let occ = plan::occurrences(&set.broadcasts, window_start..window_end, tz);
        // The oldest occurrence whose posts could not be queued (the outbox's disk is full or
        // failing): the next window reaches back to it, so none is dropped.
        let mut unqueued: Option<DateTime<Utc>> = None;
        for o in &occ {
            let key = o.key();
            if o.broadcast.on_loudspeaker() && !handed.contains(&key) {
                handed.insert(key.clone());
                if o.at < now - grace {
                    missed(&shared, o, now).await;
                } else {
                    let p =
                        Programme::for_occurrence(o, &shared.config.audio, &shared.config.station.media, &mut prints);
                    shared
                        .programmes
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(key.clone(), p.clone());
                    if o.at < now {
                        tracing::warn!(key, late_s = (now - o.at).num_seconds(), "playing late (within grace)");
                    }
                    if let Some(e) = engine.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
                        e.submit(p);
                    }
                }
            }
            if o.at <= now && !queue_posts(&shared, o, &mut posted, &wake).await {
                unqueued = unqueued.or(Some(o.at));
            }
        }
        // The next window starts a few seconds back (posts fall due after they were planned), or
        // at this window's end if the clock jumped forward past that: nothing is left unplanned.
        window_start = (now - chrono::Duration::seconds(5)).min(window_end);
        // Forget what can no longer come back into the window.
        let horizon = now - grace - chrono::Duration::days(2);
        if let Some(t) = unqueued {
            window_start = window_start.min(t.max(horizon));
        }
        handed.retain(|k| key_time(k).is_none_or(|t| t > horizon));
        posted.retain(|(k, _)| key_time(k).is_none_or(|t| t > horizon));
        tokio::select! {
            _ = stop.notified() => return,
            _ = tokio::time::sleep(Duration::from_millis(1000)) => {}
        }
    }
}

/// Occurrence keys end in `@YYYY-MM-DDTHH:MM:SSZ`.
fn key_time(key: &str) -> Option<DateTime<Utc>> {
    let t = key.rsplit('@').next()?;
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc))
}

/// Occurrences the history already accounts for (played, failed, missed, …), and programmes
/// that were on air when loaxa stopped, which are recorded interrupted now.
async fn seed_from_history(shared: &Arc<Shared>, since: DateTime<Utc>) -> (HashSet<String>, Option<DateTime<Utc>>) {
    let data = shared.config.station.data.clone();
    let tz = shared.config.station.timezone;
    let (rows, last_activity) = tokio::task::spawn_blocking(move || {
        let store = Store::open_read_only(&Store::path_in(&data), tz).ok()?;
        // The newest event before this run's daemon_started (which is the newest of all).
        let last: Option<String> = store
            .connection()
            .query_row(
                "SELECT at_utc FROM events WHERE seq < (SELECT max(seq) FROM events WHERE kind = 'daemon_started') ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        let last = last.and_then(|t| DateTime::parse_from_rfc3339(&t).ok()).map(|t| t.with_timezone(&Utc));
        let filter = Filter {
            from: Some(since),
            kinds: vec![
                Kind::PlayoutStarted,
                Kind::PlayoutFinished,
                Kind::PlayoutFailed,
                Kind::PlayoutInterrupted,
                Kind::PlayoutMissed,
            ],
            ..Filter::default()
        };
        Some((query::events(&store, &filter).ok()?, last))
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_default();
    let mut seen = HashSet::new();
    let mut open: Vec<(String, crate::history::store::StoredEvent)> = Vec::new();
    for r in rows {
        let (Some(id), Some(at)) = (&r.broadcast_id, &r.scheduled_at) else {
            continue;
        };
        let Some(at) = DateTime::parse_from_rfc3339(at).ok().map(|t| t.with_timezone(&Utc)) else {
            continue;
        };
        let key = plan::key(id, at);
        seen.insert(key.clone());
        if r.kind == Kind::PlayoutStarted.as_str() {
            open.push((key, r));
        } else {
            open.retain(|(k, _)| *k != key);
        }
    }
    for (key, started) in open {
        tracing::warn!(key, "was on air when loaxa stopped: recorded interrupted");
        let mut details = started.details_json();
        if let serde_json::Value::Object(m) = &mut details {
            m.insert("reason".into(), json!("loaxa stopped during playback"));
            m.insert("by".into(), json!("restart"));
        }
        let mut e = Event::new(Kind::PlayoutInterrupted, details);
        e.occurrence = key_time(&key).map(|t| OccurrenceKey {
            broadcast_id: started.broadcast_id.clone().unwrap_or_default(),
            scheduled_at: t,
        });
        e.campaign = started.campaign.clone();
        let _ = shared.history.record(e).await;
        shared.counters.interrupted.fetch_add(1, Ordering::Relaxed);
    }
    (seen, last_activity)
}

async fn missed(shared: &Arc<Shared>, o: &Occurrence<'_>, now: DateTime<Utc>) {
    let tz = shared.config.station.timezone;
    let reason = format!(
        "not played: loaxa was not running at {} and the grace period ({} min) had passed by {}",
        o.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S"),
        shared.config.policy.grace_minutes,
        now.with_timezone(&tz).format("%H:%M:%S")
    );
    tracing::warn!(key = o.key(), "missed");
    shared.counters.missed.fetch_add(1, Ordering::Relaxed);
    shared.error(format!("{}: missed", o.key()));
    let e = Event::new(Kind::PlayoutMissed, json!({ "reason": reason })).for_occurrence(o);
    record(&shared.history, e).await;
}

async fn record(history: &History, e: Event) {
    let _ = history.record(e).await;
}

/// Queues the occurrence's posts (once per channel; the outbox itself refuses duplicates).
/// False when some could not be queued and must be tried again.
async fn queue_posts(
    shared: &Arc<Shared>,
    o: &Occurrence<'_>,
    posted: &mut HashSet<(String, String)>,
    wake: &Arc<Notify>,
) -> bool {
    let mut all = true;
    let key = o.key();
    for ch in o.broadcast.channels.iter().filter(|c| *c != crate::config::LOUDSPEAKER) {
        if !posted.insert((key.clone(), ch.clone())) {
            continue;
        }
        let Some(cfg) = shared.config.channels.get(ch) else {
            continue;
        };
        match outbox::delivery(&shared.config, o.broadcast, o.at, cfg) {
            Ok(d) => {
                if let Err(e) = outbox::queue(&shared.outbox, &shared.history, d, o.broadcast.campaign.clone()).await {
                    tracing::error!(key, channel = ch, error = e, "cannot queue the post");
                    shared.error(format!("{key} → {ch}: {e}"));
                    posted.remove(&(key.clone(), ch.clone()));
                    all = false;
                }
            }
            Err(reason) => {
                let e = Event::new(Kind::PostFailed, json!({ "reason": reason }))
                    .for_occurrence(o)
                    .channel(ch.clone());
                record(&shared.history, e).await;
            }
        }
    }
    wake.notify_waiters();
    all
}
