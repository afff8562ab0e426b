//! The scheduler: walks the plan on the wall clock and hands every occurrence over once.
//!
//! Once a second it plans the window from `now − grace` to just past the pre-roll, and hands
//! each occurrence it has not handed yet to the loudspeaker engine (a few seconds ahead; the
//! engine places the start on the second) and, when due, to the outbox. The handed-over set
//! is seeded from the history at start-up, so a restart never plays anything twice; an
//! occurrence older than the grace period that never played is recorded missed, never skipped
//! silently. Planning from the wall clock every second means a clock step (NTP, a manual
//! change) simply moves the window: nothing jumped over is lost, nothing fires twice.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::sync::Notify;

use super::line::Line;
use super::state::Shared;
use crate::agenda::Agenda;
use crate::domain::event::Kind;
use crate::domain::localtime::show_span;
use crate::domain::plan::{self, Occurrence};
use crate::history::event::{Event, Fingerprints, OccurrenceKey};
use crate::history::query::{self, Filter};
use crate::history::{History, Store};
use crate::outbox;
use crate::playout::Programme;
use crate::seen::Seen;
use crate::shutdown::Listener;

/// How far back a start or a forward clock step looks for what was missed. Beyond it, one
/// line says how long loaxa was away instead of thousands of `playout_missed` rows.
pub const MAX_LOOKBACK: chrono::Duration = chrono::Duration::days(1);

/// Why an occurrence older than the grace period never played.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gap {
    /// loaxa was not running; it was last seen alive at this instant.
    Down { last_seen: Option<DateTime<Utc>> },
    /// The wall clock stepped forward over it, from `from` to `to`.
    Jump { from: DateTime<Utc>, to: DateTime<Utc> },
}

pub async fn run(shared: Arc<Shared>, engine: Line, wake: Arc<Notify>, mut stop: Listener) {
    let mut walk = Walk::start(shared, engine, wake).await;
    loop {
        crate::failpoint::hit("scheduler");
        walk.step().await;
        tokio::select! {
            _ = stop.stopped() => return,
            _ = tokio::time::sleep(Duration::from_millis(1000)) => {}
        }
    }
}

/// The scheduler's walk along the plan, one step a second: what it remembers between steps.
struct Walk {
    shared: Arc<Shared>,
    engine: Line,
    wake: Arc<Notify>,
    tz: chrono_tz::Tz,
    grace: chrono::Duration,
    /// How far ahead of now a step plans: the pre-roll and a margin.
    lookahead: chrono::Duration,
    ledger: Ledger,
    /// When the daemon was last alive before this start.
    last_seen: Option<DateTime<Utc>>,
    /// Where the next step's window starts.
    window_start: DateTime<Utc>,
    /// Nothing before this is aired, posted or called missed (see [`Walk::start`]).
    floor: DateTime<Utc>,
    /// When each broadcast's current definition was loaded (see [`Seeded::defined`]).
    defined: HashMap<String, DateTime<Utc>>,
    prints: Fingerprints,
    /// The wall clock's forward steps, from → to, while they can still explain a gap.
    jumps: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// The last step's wall-clock and monotonic instants, to see the clock step between them.
    last: (DateTime<Utc>, Instant),
    /// The set the agenda was built for (held, so a new set can never share its address).
    agenda: Option<(Arc<crate::schedule::ScheduleSet>, Agenda)>,
    last_forget: Instant,
    /// Relay connections opened ahead of their windows, by occurrence key; None once handed
    /// over (so the same window is not connected twice).
    connecting: HashMap<String, Option<crate::playout::relay::RelayFeed>>,
}

impl Walk {
    /// Seeds the walk from the history: what was already handed over, posted or skipped, and
    /// how far back to look for what was missed while loaxa was down.
    async fn start(shared: Arc<Shared>, engine: Line, wake: Arc<Notify>) -> Walk {
        let tz = shared.config.station.timezone;
        let grace = chrono::Duration::minutes(i64::from(shared.config.policy.grace_minutes));
        let lookahead =
            chrono::Duration::from_std(shared.config.audio.preroll + Duration::from_secs(2)).unwrap_or_default();
        // When the daemon started, not when this task first ran: under load the task can start
        // seconds later, and a clock step in between must not hide the occurrences before it.
        let boot = shared.started_at;
        let seeded = seed_from_history(&shared, boot - grace - MAX_LOOKBACK).await;
        // Look back to when the daemon itself was last alive (its last own event or heartbeat,
        // never a `loaxa post` run meanwhile), at most a day: what fell due since then was missed.
        // A first start has nothing to catch up on beyond the grace.
        let last_seen = seeded.last_seen;
        if let Some(t) = last_seen
            && t < boot - MAX_LOOKBACK
        {
            let away = show_span(boot - t);
            let line = t!(
                "sched-long-away",
                away = away,
                since = t.with_timezone(&tz).format("%d/%m/%Y %H:%M")
            );
            tracing::warn!("{line}");
            shared.error(line);
        }
        // A first start plans from the start itself: before it there was no station on this line,
        // so what fell due in the grace before it is neither played nor called missed (a station
        // set up at 17:02 must not air the 16:55 and 17:00 programmes back to back).
        let window_start = match last_seen {
            Some(t) => t.max(boot - MAX_LOOKBACK).min(boot - grace),
            None => {
                before_first_start(&shared, boot, grace);
                boot
            }
        };
        // After a history reset, nothing before the old run's last heartbeat comes back: the
        // history that knew what went out is gone. On a first start, nothing before the start.
        let floor = match (shared.reset_floor, last_seen) {
            (Some(t), _) => t,
            (None, None) => boot,
            (None, Some(_)) => seeded.first_start.unwrap_or(DateTime::<Utc>::MIN_UTC),
        };
        // From the start, not from this task's first run: a step while the history opened, the
        // summary was printed or the task waited for a thread is a step all the same (under load
        // one used to fall between the two and a programme was recorded as missed while down).
        let last = (boot, shared.started_mono);
        Walk {
            engine,
            wake,
            tz,
            grace,
            lookahead,
            ledger: seeded.ledger,
            last_seen,
            window_start: window_start.max(floor),
            floor,
            defined: seeded.defined,
            prints: Fingerprints::default(),
            jumps: Vec::new(),
            last,
            agenda: None,
            last_forget: Instant::now(),
            connecting: HashMap::new(),
            shared,
        }
    }

    /// One step: notice a clock step, plan the window, hand over and queue what fell due, and
    /// move the window on.
    async fn step(&mut self) {
        let now = Utc::now();
        self.watch_clock(now).await;
        let set = self.shared.set();
        let window_end = now + self.lookahead;
        let occ = self.plan(&set, now, window_end);
        let (to_build, unqueued) = self.hand_over(&occ, now).await;
        if !to_build.is_empty() {
            // Hashing the audio files reads them: off the runtime, so a slow or hostile file
            // never holds up the status page or the signals.
            let prints = std::mem::take(&mut self.prints);
            let built = build_programmes(&self.shared, to_build, prints, &mut self.connecting).await;
            self.prints = built.1;
            for p in built.0 {
                self.shared
                    .programmes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(p.key.clone(), p.clone());
                self.engine.now(|e| e.submit(p));
            }
        }
        // The next window starts a few seconds back (posts fall due after they were planned), or
        // at this window's end if the clock jumped forward past that: nothing is left unplanned.
        self.window_start = (now - chrono::Duration::seconds(5)).min(window_end);
        // Forget what can no longer come back into the window.
        let horizon = horizon(now, self.grace);
        if let Some(t) = unqueued {
            self.window_start = self.window_start.min(t.max(horizon));
        }
        self.window_start = self.window_start.max(self.floor);
        // Once a minute: remembering a minute longer is harmless, and walking days of
        // occurrences every second is not (issue #19).
        if self.last_forget.elapsed() >= Duration::from_secs(60) {
            self.last_forget = Instant::now();
            self.forget(now, horizon);
        }
    }

    /// A wall-clock step of more than two seconds since the last step is recorded; a forward
    /// one is remembered (it explains what it skipped) and bounds the look-back.
    async fn watch_clock(&mut self, now: DateTime<Utc>) {
        let expected = self.last.0 + chrono::Duration::from_std(self.last.1.elapsed()).unwrap_or_default();
        let jump = now - expected;
        if jump.num_milliseconds().abs() > 2000 {
            clock_jumped(&self.shared, expected, now).await;
            if jump > chrono::Duration::zero() {
                self.jumps.push((expected, now));
                // The same bound as a restart: a board that boots two days behind and is then
                // set right by NTP does not replay two days.
                self.window_start = self.window_start.max(now - MAX_LOOKBACK);
            }
        }
        self.last = (now, Instant::now());
    }

    /// The occurrences of `set` from the window's start to `window_end`, from the agenda while
    /// it covers the window; relays due within their connect-ahead time start connecting.
    fn plan<'a>(
        &mut self,
        set: &'a Arc<crate::schedule::ScheduleSet>,
        now: DateTime<Utc>,
        window_end: DateTime<Utc>,
    ) -> Vec<Occurrence<'a>> {
        // From the agenda while the window does not reach back past what it remembers, carried
        // over to a reloaded set; otherwise (start, clock step back, posts to retry) a new
        // agenda from this window's start.
        let (_, current) = match self.agenda.take() {
            Some((s, a)) if Arc::ptr_eq(&s, set) && a.covers(self.window_start) => self.agenda.insert((s, a)),
            // A reload: what did not change is carried over.
            Some((old, a)) if a.covers(self.window_start) => {
                let carried = a.carry_over(&old.broadcasts, &set.broadcasts);
                crate::domain::cron::forget_parsed();
                crate::memory::give_back();
                self.agenda.insert((set.clone(), carried))
            }
            _ => {
                let built = Agenda::new(&set.broadcasts, self.window_start, self.tz);
                // Building it parsed every cron pattern of the set; an idle daemon keeps none.
                crate::domain::cron::forget_parsed();
                crate::memory::give_back();
                self.agenda.insert((set.clone(), built))
            }
        };
        // Relays are asked for further ahead: their connection opens before their window.
        let ahead = now + chrono::Duration::from_std(crate::playout::relay::CONNECT_AHEAD).unwrap_or_default();
        let mut occ = current.window(&set.broadcasts, self.window_start..window_end.max(ahead));
        occ.retain(|o| {
            if o.at < window_end {
                return true;
            }
            if o.broadcast.on_loudspeaker() && o.broadcast.relay.is_some() {
                self.connecting
                    .entry(o.key())
                    .or_insert_with(|| relay_feed(&self.shared, o.broadcast, o.at));
            }
            false
        });
        occ
    }

    /// Decides each occurrence of the window: to build for the line (on time or, within the
    /// catch-up bound, late), missed, and its posts queued or skipped. Gives back what to build
    /// and the oldest occurrence whose posts could not be queued (the outbox's disk is full or
    /// failing): the next window reaches back to it, so none is dropped.
    async fn hand_over<'a>(
        &mut self,
        occ: &[Occurrence<'a>],
        now: DateTime<Utc>,
    ) -> (Vec<Occurrence<'a>>, Option<DateTime<Utc>>) {
        let shared = &self.shared;
        let mut unqueued: Option<DateTime<Utc>> = None;
        let mut to_build = Vec::new();
        let mut late = Vec::new();
        for o in occ {
            // Before its current definition was loaded, this instant never existed for the
            // station: not aired, not posted, not missed.
            if self.defined.get(&o.broadcast.id).is_some_and(|t| o.at < *t) {
                continue;
            }
            // A relay is state, not an event: inside its window it airs for what is left of it,
            // after a restart or a clock step too.
            let in_window =
                o.broadcast.relay.as_ref().is_some_and(|r| {
                    now < o.at + chrono::Duration::from_std(r.window(o.at, self.tz)).unwrap_or_default()
                });
            let stale = o.at < now - self.grace && !in_window;
            let gap = || {
                self.jumps
                    .iter()
                    .find(|(from, to)| *from <= o.at && o.at <= *to)
                    .map(|&(from, to)| Gap::Jump { from, to })
                    .unwrap_or(Gap::Down {
                        last_seen: self.last_seen,
                    })
            };
            if o.broadcast.on_loudspeaker() && self.ledger.hand(&o.broadcast.id, o.at) {
                if stale {
                    missed(shared, o, now, gap()).await;
                } else if o.at < now {
                    late.push((*o, gap()));
                } else {
                    to_build.push(*o);
                }
            }
            if o.at <= now {
                if stale && !shared.config.policy.post_missed {
                    skip_posts(shared, &mut self.ledger, o, gap()).await;
                } else if !queue_posts(shared, o, &mut self.ledger, &self.wake).await {
                    unqueued = unqueued.or(Some(o.at));
                }
            }
        }
        let (catch_up, too_many) = bound_catch_up(late, shared.config.policy.catch_up as usize);
        for (o, gap) in too_many {
            missed_in_burst(shared, &o, gap).await;
        }
        for o in catch_up {
            tracing::warn!(
                key = o.key(),
                late_s = (now - o.at).num_seconds(),
                "{}",
                t!("sched-playing-late")
            );
            to_build.push(o);
        }
        (to_build, unqueued)
    }

    /// Lets go of what can no longer come back into the window.
    fn forget(&mut self, now: DateTime<Utc>, horizon: DateTime<Utc>) {
        self.ledger.forget_before(horizon);
        // A relay connected ahead that was never handed over (its broadcast was edited
        // away): closed once its window would have begun.
        let grace = self.grace;
        self.connecting.retain(|k, feed| {
            let keep_after = if feed.is_some() { now - grace } else { horizon };
            key_time(k).is_none_or(|t| t > keep_after)
        });
        self.jumps.retain(|(_, to)| *to > horizon);
        crate::domain::cron::forget_parsed();
        forget_programmes(
            &mut self.shared.programmes.lock().unwrap_or_else(|p| p.into_inner()),
            horizon,
        );
    }
}

/// Before this, nothing can come back into the planning window: not after a restart (it looks
/// back a day), not after the clock steps back (two days are remembered against that).
pub fn horizon(now: DateTime<Utc>, grace: chrono::Duration) -> DateTime<Utc> {
    now - grace - chrono::Duration::days(2)
}

/// Drops the programmes of occurrences before `horizon` (those that never ended: interrupted
/// and replayable, or lost with a dead device).
pub fn forget_programmes(programmes: &mut HashMap<String, Programme>, horizon: DateTime<Utc>) {
    programmes.retain(|k, _| key_time(k).is_none_or(|t| t > horizon));
}

/// What the scheduler has handed over (to the loudspeaker) and queued or skipped (per channel),
/// by occurrence instant, so a reload, a restart or a clock step back never hands anything over
/// twice, and what can no longer come back is forgotten (memory stays flat for months).
#[derive(Default)]
pub struct Ledger {
    handed: Seen,
    posted: Seen,
}

impl Ledger {
    /// True the first time an occurrence is handed to the loudspeaker.
    pub fn hand(&mut self, id: &str, at: DateTime<Utc>) -> bool {
        self.handed.insert(id, None, at)
    }

    /// Forgets that an occurrence was handed over, so it is handed again (a relay whose window
    /// is still open after a restart).
    pub fn unhand(&mut self, id: &str, at: DateTime<Utc>) {
        self.handed.remove(id, None, at);
    }

    /// True the first time an occurrence's post to `channel` is dealt with.
    pub fn post(&mut self, id: &str, channel: &str, at: DateTime<Utc>) -> bool {
        self.posted.insert(id, Some(channel), at)
    }

    /// Forgets a post that could not be queued, so the next pass tries again.
    pub fn unpost(&mut self, id: &str, channel: &str, at: DateTime<Utc>) {
        self.posted.remove(id, Some(channel), at);
    }

    pub fn forget_before(&mut self, horizon: DateTime<Utc>) {
        self.handed.forget_before(horizon);
        self.posted.forget_before(horizon);
    }

    pub fn len(&self) -> usize {
        self.handed.len() + self.posted.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Splits the programmes found late at once into those that air back to back (at most `max`:
/// emergencies first, then priority, then the newest) and those recorded missed.
fn bound_catch_up<'a, G>(
    mut late: Vec<(Occurrence<'a>, G)>,
    max: usize,
) -> (Vec<Occurrence<'a>>, Vec<(Occurrence<'a>, G)>) {
    late.sort_by(|(a, _), (b, _)| {
        (b.broadcast.priority, b.at, &b.broadcast.id).cmp(&(a.broadcast.priority, a.at, &a.broadcast.id))
    });
    let missed = late.split_off(max.min(late.len()));
    let mut play: Vec<Occurrence<'a>> = late.into_iter().map(|(o, _)| o).collect();
    play.sort_by_key(|o| o.at);
    (play, missed)
}

/// Says in the journal what a first start leaves behind: the loudspeaker programmes that fell
/// due in the grace before it (not played, not posted, not recorded: loaxa was not yet the
/// station's).
fn before_first_start(shared: &Shared, boot: DateTime<Utc>, grace: chrono::Duration) {
    let set = shared.set();
    let n = crate::domain::cron::planning_all(|| {
        plan::occurrences(&set.broadcasts, boot - grace..boot, shared.config.station.timezone).len()
    });
    if n > 0 {
        let tz = shared.config.station.timezone;
        tracing::info!(
            "{}",
            t!(
                "sched-first-start",
                n = n,
                at = boot.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
            )
        );
    }
}

/// A relay broadcast's connection, opened now ([`crate::playout::relay::CONNECT_AHEAD`] before
/// its window, so the stream flows when it opens): until the window's end counted from `at`.
pub fn relay_feed(
    shared: &Shared,
    b: &crate::domain::broadcast::Broadcast,
    at: DateTime<Utc>,
) -> Option<crate::playout::relay::RelayFeed> {
    let r = b.relay.as_ref()?;
    let end = at + chrono::Duration::from_std(r.window(at, shared.config.station.timezone)).unwrap_or_default();
    let spec = crate::playout::relay::RelaySpec {
        name: r.source.clone(),
        url: r.url.clone(),
        auth: r.auth.clone(),
        fallback: r.fallback.as_ref().map(|f| shared.config.station.media.join(f)),
        media: shared.config.station.media.clone(),
        fade: r.fade,
    };
    Some(crate::playout::relay::RelayFeed::connect(spec, end))
}

async fn build_programmes(
    shared: &Arc<Shared>,
    occurrences: Vec<Occurrence<'_>>,
    mut prints: Fingerprints,
    connecting: &mut HashMap<String, Option<crate::playout::relay::RelayFeed>>,
) -> (Vec<Programme>, Fingerprints) {
    // Occurrences borrow the set; the blocking task gets owned copies. Speech is made ready
    // first (from the cache, almost always: it was rendered when the schedules loaded).
    let mut owned = Vec::with_capacity(occurrences.len());
    for o in &occurrences {
        let speech = match super::voice::for_occurrence(shared, o.broadcast, o.at).await {
            None => None,
            Some(Ok(part)) => Some(Ok(part)),
            Some(Err(why)) => {
                let reason = t!("tts-render-failed", id = o.broadcast.id.clone(), why = why);
                if o.broadcast.audio.is_empty() {
                    // Nothing else to air: the occurrence fails, and says why.
                    let e = Event::new(Kind::PlayoutFailed, json!({ "reason": reason })).for_occurrence(o);
                    let _ = shared.history.record(e).await;
                    continue;
                }
                shared.error(reason.clone());
                Some(Err(reason))
            }
        };
        // The connection opened ahead, or one now (a restart inside the window, a late start).
        let relay = match connecting.insert(o.key(), None).flatten() {
            // Unless a reload changed its source meanwhile.
            Some(feed) if o.broadcast.relay.as_ref().is_some_and(|r| r.url == feed.spec.url) => Some(feed),
            _ => relay_feed(shared, o.broadcast, o.at),
        };
        owned.push((o.broadcast.clone(), o.at, speech, relay));
    }
    let audio = shared.config.audio.clone();
    let media = shared.config.station.media.clone();
    tokio::task::spawn_blocking(move || {
        let programmes = owned
            .iter()
            .map(|(b, at, speech, relay)| {
                let o = Occurrence { at: *at, broadcast: b };
                let mut p = Programme::for_occurrence(
                    &o,
                    &audio,
                    &media,
                    &mut prints,
                    speech.as_ref().and_then(|s| s.as_ref().ok()),
                    relay.clone(),
                );
                if let Some(Err(why)) = speech {
                    p.record["speech_error"] = json!(why);
                }
                p
            })
            .collect();
        (programmes, prints)
    })
    .await
    .unwrap_or_else(|_| (Vec::new(), Fingerprints::default()))
}

async fn clock_jumped(shared: &Arc<Shared>, from: DateTime<Utc>, to: DateTime<Utc>) {
    let tz = shared.config.station.timezone;
    let jump = to - from;
    let what = t!(
        "sched-clock-jumped",
        direction = if jump > chrono::Duration::zero() {
            "forward"
        } else {
            "back"
        },
        span = show_span(jump.abs()),
        from = from.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S"),
        to = to.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
    );
    tracing::warn!(jump_ms = jump.num_milliseconds(), "{what}");
    shared.error(what);
    let e = Event::new(
        Kind::ClockJumped,
        json!({
            "from": crate::domain::time::utc_text(from),
            "to": crate::domain::time::utc_text(to),
            "jump_s": jump.num_milliseconds() as f64 / 1000.0,
        }),
    );
    record(&shared.history, e).await;
}

/// Occurrence keys end in `@YYYY-MM-DDTHH:MM:SSZ`.
fn key_time(key: &str) -> Option<DateTime<Utc>> {
    let t = key.rsplit('@').next()?;
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.with_timezone(&Utc))
}

struct Seeded {
    ledger: Ledger,
    /// When the daemon was last alive before this start.
    last_seen: Option<DateTime<Utc>>,
    /// The station's first start (its history's first `daemon_started`): before it there was
    /// no station on this line, so nothing before it is aired, posted or called missed.
    first_start: Option<DateTime<Utc>>,
    /// When each broadcast's current definition was loaded, for those (re)defined within the
    /// look-back (a reload's or a start's `added` and `changed`): its instants before that
    /// never existed for the station.
    defined: HashMap<String, DateTime<Utc>>,
}

/// Occurrences the history already accounts for (played, failed, missed, posts queued or
/// skipped), programmes that were on air when loaxa stopped (recorded interrupted now), and
/// when the daemon was last alive.
async fn seed_from_history(shared: &Arc<Shared>, since: DateTime<Utc>) -> Seeded {
    let data = shared.config.station.data.clone();
    let tz = shared.config.station.timezone;
    let (rows, last_event, first_start) = tokio::task::spawn_blocking(move || {
        let store = Store::open_read_only(&Store::path_in(&data), tz).ok()?;
        // The daemon's own newest event before this run's daemon_started. Posts are left out:
        // `loaxa post` writes those too, while the daemon may have been down.
        let last: Option<String> = store
            .connection()
            .query_row(
                "SELECT at_utc FROM events
                 WHERE seq < (SELECT max(seq) FROM events WHERE kind = 'daemon_started')
                   AND (kind LIKE 'daemon_%' OR kind LIKE 'playout_%' OR kind LIKE 'schedule_%'
                        OR kind IN ('clock_jumped', 'device_error', 'history_recovered'))
                 ORDER BY seq DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        let last = last
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let first: Option<String> = store
            .connection()
            .query_row(
                "SELECT at_utc FROM events WHERE kind = 'daemon_started' ORDER BY seq LIMIT 1",
                [],
                |r| r.get(0),
            )
            .ok();
        let first = first
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let filter = Filter {
            from: Some(since),
            kinds: vec![
                Kind::ScheduleLoaded,
                Kind::PlayoutStarted,
                Kind::PlayoutFinished,
                Kind::PlayoutFailed,
                Kind::PlayoutInterrupted,
                Kind::PlayoutMissed,
                Kind::PostQueued,
                Kind::PostSkipped,
            ],
            ..Filter::default()
        };
        Some((query::events(&store, &filter).ok()?, last, first))
    })
    .await
    .ok()
    .flatten()
    .unwrap_or_default();
    // The heartbeat beside the history is newer than any event when loaxa idled before it
    // stopped.
    let last_seen = match (last_event, shared.last_heartbeat) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let mut ledger = Ledger::default();
    let mut defined: HashMap<String, DateTime<Utc>> = HashMap::new();
    let mut open: Vec<(String, crate::history::store::StoredEvent)> = Vec::new();
    for r in rows {
        if r.kind == Kind::ScheduleLoaded.as_str() {
            let at = DateTime::parse_from_rfc3339(&r.at_utc).map(|t| t.with_timezone(&Utc));
            let details = r.details_json();
            for id in ["added", "changed"]
                .iter()
                .filter_map(|k| details[*k].as_array())
                .flatten()
                .filter_map(|v| v.as_str())
            {
                if let Ok(at) = at {
                    // In seq order: the latest definition wins.
                    defined.insert(id.to_string(), at);
                }
            }
            continue;
        }
        let (Some(id), Some(at)) = (&r.broadcast_id, &r.scheduled_at) else {
            continue;
        };
        let Some(at) = DateTime::parse_from_rfc3339(at).ok().map(|t| t.with_timezone(&Utc)) else {
            continue;
        };
        let key = plan::key(id, at);
        if let Some(ch) = &r.channel {
            ledger.post(id, ch, at);
            continue;
        }
        ledger.hand(id, at);
        if r.kind == Kind::PlayoutStarted.as_str() {
            open.push((key, r));
        } else {
            open.retain(|(k, _)| *k != key);
        }
    }
    let set = shared.set();
    let now = Utc::now();
    for (key, started) in open {
        tracing::warn!(key, "{}", t!("sched-was-on-air"));
        // A relay whose window is still open goes on: it is handed over again, and airs for
        // what is left of its window.
        let resume = match (
            started.broadcast_id.as_deref().and_then(|id| set.get(id)),
            key_time(&key),
        ) {
            (Some(b), Some(at)) => b
                .relay
                .as_ref()
                .is_some_and(|r| now < at + chrono::Duration::from_std(r.window(at, tz)).unwrap_or_default()),
            _ => false,
        };
        if let (true, Some(id), Some(at)) = (resume, started.broadcast_id.as_deref(), key_time(&key)) {
            ledger.unhand(id, at);
        }
        let mut details = started.details_json();
        if let serde_json::Value::Object(m) = &mut details {
            m.insert("reason".into(), json!(t!("sched-stopped-during-playback")));
            m.insert("by".into(), json!("restart"));
            m.insert("replay".into(), json!(resume));
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
    Seeded {
        ledger,
        last_seen,
        first_start,
        defined,
    }
}

/// The true reason an occurrence did not air, in the station's time.
fn gap_reason(shared: &Shared, o: &Occurrence<'_>, now: DateTime<Utc>, gap: Gap) -> String {
    let tz = shared.config.station.timezone;
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string();
    let grace = shared.config.policy.grace_minutes;
    match gap {
        Gap::Jump { from, to } => t!(
            "sched-gap-jump",
            span = show_span(to - from),
            from = local(from),
            to = local(to),
            at = local(o.at),
            grace = grace
        ),
        Gap::Down { last_seen } => t!(
            "sched-gap-down",
            at = local(o.at),
            seen = last_seen
                .map(|t| t!("sched-last-seen", at = local(t)))
                .unwrap_or_default(),
            grace = grace,
            now = now.with_timezone(&tz).format("%H:%M:%S")
        ),
    }
}

async fn missed(shared: &Arc<Shared>, o: &Occurrence<'_>, now: DateTime<Utc>, gap: Gap) {
    let tz = shared.config.station.timezone;
    let reason = t!("sched-not-played", why = gap_reason(shared, o, now, gap));
    tracing::warn!(
        broadcast = o.broadcast.id,
        at = %o.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S"),
        "missed: {reason}"
    );
    shared.counters.missed.fetch_add(1, Ordering::Relaxed);
    shared.error(format!(
        "{} ({}): {reason}",
        o.broadcast.id,
        o.at.with_timezone(&tz).format("%d/%m/%Y %H:%M")
    ));
    let e = Event::new(Kind::PlayoutMissed, json!({ "reason": reason })).for_occurrence(o);
    record(&shared.history, e).await;
}

/// Records a late programme left out of a catch-up burst, with the reason.
async fn missed_in_burst(shared: &Arc<Shared>, o: &Occurrence<'_>, gap: Gap) {
    let now = Utc::now();
    let why = match gap {
        Gap::Jump { .. } => gap_reason(shared, o, now, gap),
        Gap::Down { last_seen } => t!(
            "sched-gap-burst-down",
            seen = last_seen
                .map(|t| t!(
                    "sched-last-seen",
                    at = t
                        .with_timezone(&shared.config.station.timezone)
                        .format("%d/%m/%Y %H:%M:%S")
                ))
                .unwrap_or_default()
        ),
    };
    let reason = t!("sched-burst", why = why, max = shared.config.policy.catch_up);
    tracing::warn!(broadcast = o.broadcast.id, "missed: {reason}");
    shared.counters.missed.fetch_add(1, Ordering::Relaxed);
    shared.error(format!("{}: {reason}", o.key()));
    let e = Event::new(
        Kind::PlayoutMissed,
        json!({ "reason": reason, "catch_up": shared.config.policy.catch_up }),
    )
    .for_occurrence(o);
    record(&shared.history, e).await;
}

/// Records, once per channel, that a missed occurrence's post is not sent.
async fn skip_posts(shared: &Arc<Shared>, ledger: &mut Ledger, o: &Occurrence<'_>, gap: Gap) {
    for ch in o
        .broadcast
        .channels
        .iter()
        .filter(|c| *c != crate::domain::broadcast::LOUDSPEAKER)
    {
        if !shared.config.channels.contains_key(ch) || !ledger.post(&o.broadcast.id, ch, o.at) {
            continue;
        }
        let reason = t!("sched-not-posted", why = gap_reason(shared, o, Utc::now(), gap));
        let e = Event::new(Kind::PostSkipped, json!({ "reason": reason }))
            .for_occurrence(o)
            .channel(ch.clone());
        record(&shared.history, e).await;
    }
}

async fn record(history: &History, e: Event) {
    let _ = history.record(e).await;
}

/// Queues the occurrence's posts (once per channel; the outbox itself refuses duplicates).
/// False when some could not be queued and must be tried again.
async fn queue_posts(shared: &Arc<Shared>, o: &Occurrence<'_>, ledger: &mut Ledger, wake: &Arc<Notify>) -> bool {
    let mut all = true;
    let key = o.key();
    for ch in o
        .broadcast
        .channels
        .iter()
        .filter(|c| *c != crate::domain::broadcast::LOUDSPEAKER)
    {
        if !ledger.post(&o.broadcast.id, ch, o.at) {
            continue;
        }
        let Some(cfg) = shared.config.channels.get(ch) else {
            continue;
        };
        match outbox::delivery(&shared.config, o.broadcast, o.at, cfg) {
            Ok(d) => {
                if let Err(e) = outbox::queue(&shared.outbox, &shared.history, d, o.broadcast.campaign.clone()).await {
                    tracing::error!(key, channel = ch, error = %e, "{}", t!("sched-cannot-queue"));
                    shared.error(if e.is_disk_full() {
                        t!("sched-queue-disk-full", key = key, channel = ch)
                    } else {
                        format!("{key} → {ch}: {e}")
                    });
                    ledger.unpost(&o.broadcast.id, ch, o.at);
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
