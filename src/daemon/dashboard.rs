//! The station's live dashboard at `/`: today's plan with what became of each occurrence,
//! what is on air and what comes next, the outbox, recent failures and the schedule state.
//!
//! Server-rendered HTML that reloads itself (`<meta http-equiv="refresh">`): no script, no
//! framework, works in any browser on the office PC. Read-only. Built from the schedule set in
//! use, the history and the outbox's public columns, so it holds nothing secret; the response
//! also forbids scripts outright with a Content-Security-Policy.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;

use super::state::Shared;
use crate::domain::broadcast::{LOUDSPEAKER, Priority};
use crate::domain::event::Kind;
use crate::history::query::{self, Filter, describe};
use crate::history::store::Store;
use crate::outbox::{Row, State};
use crate::report::tally::LATE_AFTER_MS;

/// Seconds between reloads of the page.
pub const REFRESH_SECONDS: u32 = 5;
const RECENT_FAILURES: usize = 20;
const OUTBOX_ROWS: usize = 50;

/// Where an occurrence of today's plan stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Upcoming,
    Playing,
    Done,
    Late,
    Missed,
    Failed,
    Interrupted,
    /// Due before the station's history began (a new box's first day): never loaxa's to play.
    BeforeStart,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Upcoming => "upcoming",
            Stage::Playing => "playing",
            Stage::Done => "done",
            Stage::Late => "late",
            Stage::Missed => "missed",
            Stage::Failed => "failed",
            Stage::Interrupted => "interrupted",
            Stage::BeforeStart => "before_start",
        }
    }

    fn label(self) -> String {
        match self {
            Stage::Upcoming => t!("dash-stage-upcoming"),
            Stage::Playing => t!("dash-stage-playing"),
            Stage::Done => t!("dash-stage-done"),
            Stage::Late => t!("dash-stage-late"),
            Stage::Missed => t!("dash-stage-missed"),
            Stage::Failed => t!("dash-stage-failed"),
            Stage::Interrupted => t!("dash-stage-interrupted"),
            Stage::BeforeStart => t!("dash-stage-before-start"),
        }
    }
}

/// One line of today's plan.
#[derive(Clone, Debug)]
pub struct Line {
    pub at: DateTime<Utc>,
    pub key: String,
    pub id: String,
    pub title: String,
    pub priority: Priority,
    pub stage: Stage,
    pub note: String,
    /// Web channel → where its post stands, for the channels the broadcast lists.
    pub posts: Vec<(String, PostState)>,
}

/// Where one of an occurrence's posts stands on one channel, from the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostState {
    /// Its time has not come.
    Upcoming,
    /// Due, and not yet answered by the channel.
    Pending,
    Posted,
    Failed,
    Skipped,
    /// Sent, but the platform's answer was lost: the office checks the page.
    Unconfirmed,
}

impl PostState {
    /// The state's stable name (the page's CSS classes and `data-state`).
    pub fn as_str(self) -> &'static str {
        match self {
            PostState::Upcoming => "upcoming",
            PostState::Pending => "pending",
            PostState::Posted => "posted",
            PostState::Failed => "failed",
            PostState::Skipped => "skipped",
            PostState::Unconfirmed => "unconfirmed",
        }
    }

    fn label(self) -> String {
        match self {
            PostState::Upcoming => t!("dash-post-upcoming"),
            PostState::Pending => t!("dash-post-waiting"),
            PostState::Posted => t!("dash-post-posted"),
            PostState::Failed => t!("dash-post-failed"),
            PostState::Skipped => t!("dash-post-skipped"),
            PostState::Unconfirmed => t!("dash-post-unconfirmed"),
        }
    }

    /// From the history's last word on the post, if any.
    fn of(kind: Option<&Kind>, upcoming: bool) -> PostState {
        match kind {
            Some(Kind::PostSucceeded) => PostState::Posted,
            Some(Kind::PostFailed) => PostState::Failed,
            Some(Kind::PostSkipped) => PostState::Skipped,
            Some(Kind::PostUnconfirmed) => PostState::Unconfirmed,
            Some(_) => PostState::Pending,
            None if upcoming => PostState::Upcoming,
            None => PostState::Pending,
        }
    }
}

/// An outbox row's state, as the office reads it.
fn outbox_label(state: State) -> String {
    match state {
        State::Succeeded => t!("dash-post-posted"),
        State::Failed => t!("dash-post-failed"),
        State::Unconfirmed => t!("dash-post-unconfirmed"),
        State::Sending => t!("dash-post-sending"),
        State::Pending => t!("dash-post-waiting"),
    }
}

/// A failure from the history.
pub struct Failure {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub what: String,
    pub reason: String,
}

/// Everything the page shows, read at one moment.
pub struct Snapshot {
    pub station: String,
    pub tz: Tz,
    pub now: DateTime<Utc>,
    pub started_at: DateTime<Utc>,
    pub playing: Option<(String, String, DateTime<Utc>)>,
    /// The relay on air, if the programme on air relays (issue #15).
    pub relay: Option<crate::playout::relay::RelayNow>,
    pub today: Vec<Line>,
    pub next: Option<(DateTime<Utc>, String, String)>,
    pub outbox_counts: Vec<(State, usize)>,
    pub outbox: Vec<Row>,
    pub failures: Vec<Failure>,
    pub daemon_errors: Vec<(DateTime<Utc>, String)>,
    pub schedule_loaded_at: DateTime<Utc>,
    /// The control page is on (`[http] control`): the header links to it.
    pub control: bool,
    pub schedule_files: Vec<(String, String)>,
    pub broadcasts: usize,
    pub rejected: Option<(DateTime<Utc>, String)>,
    pub channel_problems: BTreeMap<String, String>,
    pub history_error: Option<String>,
    /// The disk refuses the history; events wait in memory.
    pub outage: Option<crate::history::Outage>,
    pub chain: crate::history::ChainState,
    pub device_name: String,
    pub device: super::state::Device,
    /// The schedules folder is invalid and the last good set airs (saved then).
    pub last_good: Option<DateTime<Utc>>,
    /// Why edits are not picked up at once, if so.
    pub watching: Option<String>,
    /// The server is reachable from the network (the warning's text).
    pub exposed: Option<String>,
    /// The province's centre, with `[central]`: what it holds and how far behind it is.
    pub central: Option<super::shipper::link::CentralState>,
}

fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// What the history says about today's occurrences (the loudspeaker's last word and each post's,
/// by occurrence key) and the problems of the last two days.
#[derive(Default)]
struct Seen {
    air: HashMap<String, (Kind, Value)>,
    /// What each programme that started today was (title, level), from `playout_started`:
    /// an operator's `now` has no place in the plan, and is listed from this.
    started: HashMap<String, (String, Priority)>,
    /// When the history began, if that was within the window read (its first event): what
    /// was due before it was never loaxa's to play.
    began: Option<DateTime<Utc>>,
    /// Start lateness, from `playout_started`.
    lateness: HashMap<String, i64>,
    posted: HashMap<(String, String), Kind>,
    failures: Vec<Failure>,
}

fn read_history(s: &Shared, since: DateTime<Utc>, day: std::ops::Range<DateTime<Utc>>) -> Result<Seen, String> {
    let store = Store::open_read_only(&Store::path_in(&s.config.station.data), s.config.station.timezone)
        .map_err(|e| e.to_string())?;
    let filter = Filter {
        from: Some(since),
        ..Filter::default()
    };
    let mut seen = Seen::default();
    for e in query::events(&store, &filter).map_err(|e| e.to_string())? {
        if e.seq == 1 {
            seen.began = instant(&e.at_utc);
        }
        let Some(kind) = Kind::parse(&e.kind) else { continue };
        let details = e.details_json();
        if kind.is_problem()
            && let Some(at) = instant(&e.at_utc)
        {
            let what = match (&e.broadcast_id, &e.channel) {
                (Some(id), Some(ch)) => format!("{id} → {ch}"),
                (Some(id), None) => format!("{id} → {}", t!("report-loudspeaker")),
                _ => String::new(),
            };
            seen.failures.push(Failure {
                at,
                kind: e.kind.clone(),
                what,
                reason: describe(&details, s.config.station.timezone),
            });
        }
        let (Some(id), Some(sched)) = (&e.broadcast_id, e.scheduled_at.as_deref().and_then(instant)) else {
            continue;
        };
        if !day.contains(&sched) {
            continue;
        }
        let key = crate::domain::plan::key(id, sched);
        match &e.channel {
            Some(ch) => {
                seen.posted.insert((key, ch.clone()), kind);
            }
            // Waiting never overrides what is already known of the programme.
            None if kind == Kind::PlayoutWaiting => {
                seen.air.entry(key).or_insert((kind, details));
            }
            None => {
                if let Some(l) = details.get("lateness_ms").and_then(Value::as_i64)
                    && kind == Kind::PlayoutStarted
                {
                    seen.lateness.insert(key.clone(), l);
                }
                if kind == Kind::PlayoutStarted {
                    let title = details.get("title").and_then(Value::as_str).unwrap_or(id).to_string();
                    let level = details
                        .get("priority")
                        .and_then(Value::as_str)
                        .and_then(Priority::parse)
                        .unwrap_or(Priority::Normal);
                    seen.started.insert(key.clone(), (title, level));
                }
                seen.air.insert(key, (kind, details));
            }
        }
    }
    Ok(seen)
}

/// What the history says of today, to place each of today's occurrences.
struct Today<'a> {
    now: DateTime<Utc>,
    began: Option<DateTime<Utc>>,
    tz: chrono_tz::Tz,
    grace: chrono::Duration,
    /// The key of the programme on air.
    playing: Option<&'a str>,
    air: &'a HashMap<String, (Kind, Value)>,
    lateness: &'a HashMap<String, i64>,
    posted: &'a HashMap<(String, String), Kind>,
}

impl Today<'_> {
    fn line(&self, o: &crate::domain::plan::Occurrence<'_>) -> Line {
        let key = o.key();
        let (stage, note) = if self.playing == Some(key.as_str()) {
            (Stage::Playing, String::new())
        } else if !o.broadcast.on_loudspeaker() {
            self.web_stage(o, &key)
        } else {
            self.air_stage(o, &key)
        };
        // A programme that started late and played says so.
        let (stage, note) = match (stage, self.lateness.get(&key)) {
            (Stage::Done, Some(late)) if *late > LATE_AFTER_MS => {
                (Stage::Late, t!("dash-note-played-late", seconds = late / 1000))
            }
            other => (other.0, note),
        };
        let posts = o
            .broadcast
            .channels
            .iter()
            .filter(|c| *c != LOUDSPEAKER)
            .map(|ch| {
                let kind = self.posted.get(&(key.clone(), ch.clone()));
                (ch.clone(), PostState::of(kind, o.at > self.now))
            })
            .collect();
        Line {
            at: o.at,
            key,
            id: o.broadcast.id.clone(),
            title: o.broadcast.title.clone(),
            priority: o.broadcast.priority,
            stage,
            note,
            posts,
        }
    }

    /// A web-only occurrence, judged by its posts.
    fn web_stage(&self, o: &crate::domain::plan::Occurrence<'_>, key: &str) -> (Stage, String) {
        let kinds: Vec<Option<&Kind>> = o
            .broadcast
            .channels
            .iter()
            .map(|ch| self.posted.get(&(key.to_string(), ch.clone())))
            .collect();
        if o.at > self.now {
            (Stage::Upcoming, String::new())
        } else if kinds
            .iter()
            .any(|k| matches!(k, Some(Kind::PostFailed | Kind::PostUnconfirmed | Kind::PostSkipped)))
        {
            (Stage::Failed, String::new())
        } else if kinds.iter().all(|k| matches!(k, Some(Kind::PostSucceeded))) {
            (Stage::Done, String::new())
        } else {
            (Stage::Late, t!("dash-note-posting"))
        }
    }

    /// An occurrence on the loudspeaker, judged by the line's last event for it.
    fn air_stage(&self, o: &crate::domain::plan::Occurrence<'_>, key: &str) -> (Stage, String) {
        self.seen_stage(key).unwrap_or_else(|| {
            if self.began.is_some_and(|b| o.at < b) {
                (Stage::BeforeStart, t!("dash-note-before-start"))
            } else if o.at > self.now {
                (Stage::Upcoming, String::new())
            } else if o.at > self.now - self.grace {
                (Stage::Late, t!("dash-note-not-yet"))
            } else {
                (Stage::Missed, t!("dash-note-unrecorded"))
            }
        })
    }

    /// A programme outside the plan (an operator's `now`), from what the line did with it.
    fn unplanned(&self, key: &str, at: DateTime<Utc>, (title, priority): &(String, Priority)) -> Line {
        let (stage, note) = if self.playing == Some(key) {
            (Stage::Playing, String::new())
        } else {
            self.seen_stage(key).unwrap_or((Stage::Playing, String::new()))
        };
        Line {
            at,
            key: key.to_string(),
            id: key.rsplit_once('@').map_or(key, |(id, _)| id).to_string(),
            title: title.clone(),
            priority: *priority,
            stage,
            note,
            posts: Vec::new(),
        }
    }

    /// What the line's last event for a programme says of it, if one does.
    fn seen_stage(&self, key: &str) -> Option<(Stage, String)> {
        Some(match self.air.get(key)? {
            (Kind::PlayoutFinished, _) => (Stage::Done, String::new()),
            (Kind::PlayoutStarted, d) => {
                let late = d.get("lateness_ms").and_then(Value::as_i64).unwrap_or(0);
                (
                    Stage::Playing,
                    if late > LATE_AFTER_MS {
                        t!("dash-note-late", seconds = late / 1000)
                    } else {
                        String::new()
                    },
                )
            }
            (Kind::PlayoutFailed, d) => (Stage::Failed, describe(d, self.tz)),
            (Kind::PlayoutMissed, d) => (Stage::Missed, describe(d, self.tz)),
            (Kind::PlayoutInterrupted, d) => (Stage::Interrupted, describe(d, self.tz)),
            (Kind::PlayoutWaiting, d) => (
                Stage::Late,
                match d.get("behind").and_then(Value::as_str) {
                    Some(behind) => t!("dash-note-waiting", behind = behind),
                    None => t!("dash-note-waiting-other"),
                },
            ),
            _ => return None,
        })
    }
}

/// Reads the snapshot: the plan for today's local day, today's history, the outbox.
pub fn snapshot(s: &Shared) -> Snapshot {
    let tz = s.config.station.timezone;
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let midnight = |d: chrono::NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .map_or(now, |t| t.with_timezone(&Utc))
    };
    let (day_start, day_end) = (midnight(today), midnight(today.succ_opt().unwrap_or(today)));
    let set = s.set();
    let playing = s.now_playing.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let relay = playing.as_ref().and_then(|(key, _, _)| {
        let programmes = s.programmes.lock().unwrap_or_else(|p| p.into_inner());
        programmes.get(key)?.segments.iter().find_map(|seg| match seg {
            crate::playout::Segment::Relay(feed) => Some(feed.now()),
            _ => None,
        })
    });

    let since = day_start.min(now - chrono::Duration::days(2));
    let (seen, history_error) = match read_history(s, since, day_start..day_end) {
        Ok(seen) => (seen, None),
        Err(e) => (Seen::default(), Some(e)),
    };
    let Seen {
        air,
        started,
        began,
        lateness,
        posted,
        mut failures,
    } = seen;
    failures.reverse();
    failures.truncate(RECENT_FAILURES);

    let seen = Today {
        now,
        began,
        tz,
        grace: chrono::Duration::minutes(i64::from(s.config.policy.grace_minutes)),
        playing: playing.as_ref().map(|(k, _, _)| k.as_str()),
        air: &air,
        lateness: &lateness,
        posted: &posted,
    };
    let mut today_lines: Vec<Line> = crate::domain::plan::occurrences(&set.broadcasts, day_start..day_end, tz)
        .iter()
        .map(|o| seen.line(o))
        .collect();
    // An operator's `now` is not in the plan: listed from what the line did with it.
    let planned: std::collections::HashSet<String> = today_lines.iter().map(|l| l.key.clone()).collect();
    for (key, what) in &started {
        let at = key.rsplit_once('@').and_then(|(_, at)| instant(at));
        if let (false, Some(at)) = (planned.contains(key), at) {
            today_lines.push(seen.unplanned(key, at, what));
        }
    }
    today_lines.sort_by_key(|l| l.at);
    let next = crate::domain::plan::occurrences(&set.broadcasts, now..now + chrono::Duration::days(7), tz)
        .iter()
        .find(|o| o.broadcast.on_loudspeaker())
        .map(|o| (o.at, o.broadcast.id.clone(), o.broadcast.title.clone()));

    let states = [
        State::Pending,
        State::Sending,
        State::Unconfirmed,
        State::Failed,
        State::Succeeded,
    ];
    let outbox_counts = states
        .iter()
        .map(|st| (*st, s.outbox.count(*st).unwrap_or(0)))
        .collect();
    let mut outbox = Vec::new();
    for st in [State::Sending, State::Pending, State::Unconfirmed, State::Failed] {
        outbox.extend(s.outbox.recent(st, OUTBOX_ROWS).unwrap_or_default());
    }
    let schedule = s.schedule.lock().unwrap_or_else(|p| p.into_inner());
    let daemon_errors: Vec<_> = s
        .errors
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .rev()
        .cloned()
        .collect();
    Snapshot {
        station: s.config.station.name.clone(),
        tz,
        now,
        started_at: s.started_at,
        playing,
        relay,
        today: today_lines,
        next,
        outbox_counts,
        outbox,
        failures,
        daemon_errors,
        schedule_loaded_at: schedule.loaded_at,
        control: s.config.http.control,
        schedule_files: schedule.files.clone(),
        broadcasts: schedule.broadcasts,
        rejected: schedule.rejected.clone(),
        channel_problems: s
            .channel_problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        history_error,
        outage: s.history.outage(),
        chain: s.history.chain(),
        device_name: s.config.audio.device.clone(),
        device: s.device.lock().unwrap_or_else(|p| p.into_inner()).clone(),
        last_good: match schedule.source {
            super::state::Source::LastGood(t) => Some(t),
            super::state::Source::Files => None,
        },
        watching: schedule.watching.clone(),
        exposed: s.config.http.exposure_warning(),
        central: s
            .central
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .map(|c| c.as_of(chrono::Utc::now())),
    }
}

pub(super) const STYLE: &str = r#"
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; margin: 0; background: #f4f5f7; color: #111; }
header { background: #0d47a1; color: #fff; padding: .6rem 1rem; display: flex; justify-content: space-between; flex-wrap: wrap; gap: .5rem; }
header h1 { font-size: 1.2rem; margin: 0; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(28rem, 1fr)); gap: .8rem; padding: .8rem; }
section { background: #fff; border: 1px solid #d0d4da; border-radius: 4px; padding: .6rem .8rem; }
section.wide { grid-column: 1 / -1; }
h2 { font-size: 1rem; margin: 0 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #e3e5e8; vertical-align: top; }
th { font-size: .8rem; color: #444; }
.badge { display: inline-block; padding: .05rem .4rem; border-radius: 3px; font-size: .8rem; color: #fff; background: #757575; white-space: nowrap; }
.upcoming { background: #607d8b; } .playing { background: #1565c0; } .done, .posted, .succeeded { background: #2e7d32; }
.late { background: #f9a825; color: #111; } .missed { background: #6d4c41; } .failed { background: #c62828; }
.interrupted { background: #ef6c00; } .before_start { background: #616161; } .unconfirmed { background: #6a1b9a; } .pending, .sending { background: #9e9e9e; }
.onair { font-size: 1.3rem; font-weight: 700; }
.muted { color: #666; }
.alert { border-left: 4px solid #c62828; padding-left: .6rem; }
pre { white-space: pre-wrap; font-size: .8rem; background: #fafafa; border: 1px solid #eee; padding: .5rem; overflow-x: auto; }
tr.current td { background: #e3f2fd; }
"#;

fn time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%H:%M:%S").to_string()
}

fn day_time(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string()
}

/// The three levels of Circular 39/2020/TT-BTTTT, as the office names them.
fn priority_label(p: Priority) -> String {
    capitalise(&p.label())
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn in_words(secs: i64) -> String {
    match secs {
        s if s < 60 => t!("dash-span-seconds", s = s),
        s if s < 3600 => t!("dash-span-minutes", m = s / 60, s = s % 60),
        s => t!("dash-span-hours", h = s / 3600, m = (s % 3600) / 60),
    }
}

/// The page. Pure: the same snapshot gives the same page.
pub fn render(s: &Snapshot) -> String {
    let tz = s.tz;
    html! {
        (DOCTYPE)
        html lang=(crate::i18n::current().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="refresh" content=(REFRESH_SECONDS);
                title { "loaxa — " (s.station) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (s.station) }
                    div #clock data-utc=(crate::domain::time::utc_text(s.now)) {
                        (day_time(s.now, tz)) " (" (tz.name()) ") · " (t!("dash-running-since", since = day_time(s.started_at, tz)))
                    }
                    @if s.control {
                        a href="/control" { (t!("dash-control-link")) }
                    }
                }
                main {
                    (on_air(s))
                    (schedule_state(s))
                    (today(s))
                    (outbox(s))
                    (central(s))
                    (failures(s))
                }
            }
        }
    }
    .into_string()
}

fn on_air(s: &Snapshot) -> Markup {
    let tz = s.tz;
    html! {
        section #now {
            h2 { (t!("dash-stage-playing")) }
            @match &s.playing {
                Some((key, title, since)) => p.onair #now-playing data-key=(key) {
                    span.badge.playing { (t!("dash-stage-playing")) } " " (title)
                    br; span.muted { (t!("dash-since", since = time(*since, tz))) " · " (in_words((s.now - *since).num_seconds().max(0))) }
                    @if let Some(r) = &s.relay {
                        br;
                        span #relay data-source=(r.source) data-fallback=(r.on_fallback) data-level=(format!("{:.1}", r.level_dbfs))
                            data-uptime=(r.since.map_or(0, |t| (s.now - t).num_seconds().max(0))) data-title=(r.title.clone().unwrap_or_default()) {
                            @if r.on_fallback {
                                strong { (t!("dash-relay-fallback", source = r.source.clone())) }
                            } @else {
                                (t!("dash-relay-source", source = r.source.clone()))
                            }
                            " · " (t!("dash-relay-level", level = format!("{:.1}", r.level_dbfs)))
                            " · " (t!("dash-relay-carried", source = in_words(r.source_s as i64), fallback = in_words(r.fallback_s as i64)))
                            @if let Some(since) = r.since {
                                " · " (t!("dash-relay-uptime", uptime = in_words((s.now - since).num_seconds().max(0))))
                            }
                            @if let Some(title) = &r.title {
                                br; span.muted { (t!("dash-relay-title", title = title.clone())) }
                            }
                        }
                    }
                },
                None => p #now-playing.muted data-key="" { (t!("dash-idle")) },
            }
            @match &s.device.failing {
                Some((since, reason)) => div #device.alert data-state="failing" {
                    p { strong { (t!("dash-device-failing", device = s.device_name)) } " " (t!("dash-since", since = day_time(*since, tz))) ": " (reason) }
                    p { (t!("dash-device-failing-help")) }
                },
                None => p #device.muted data-state=(s.device.state()) {
                    (t!("dash-device", device = s.device_name))
                    @if let Some(t) = s.device.last_ok { " · " (t!("dash-device-last-ok", at = day_time(t, tz))) }
                    @else { " · " (t!("dash-device-unused")) }
                    @if let Some(l) = s.device.latency { " · " (t!("dash-device-latency", ms = l.as_millis())) }
                },
            }
            h2 { (t!("dash-next")) }
            @match &s.next {
                Some((at, id, title)) => p #next data-id=(id) {
                    strong { (time(*at, tz)) } " " (title)
                    span.muted { " · " (at.with_timezone(&tz).format("%d/%m")) ", " (t!("dash-in", span = in_words((*at - s.now).num_seconds().max(0)))) }
                },
                None => p #next.muted { (t!("dash-nothing-next")) },
            }
        }
    }
}

fn schedule_state(s: &Snapshot) -> Markup {
    let tz = s.tz;
    html! {
        section #schedule data-rejected=(s.rejected.is_some()) {
            h2 { (t!("dash-schedules")) }
            p { (t!("dash-schedules-loaded", broadcasts = s.broadcasts, files = s.schedule_files.len(), at = day_time(s.schedule_loaded_at, tz))) }
            table {
                thead { tr { th { (t!("dash-file")) } th { "SHA-256" } } }
                tbody {
                    @for (name, sha) in &s.schedule_files {
                        tr { td { (name) } td.muted { code { (sha.get(..12).unwrap_or(sha)) "…" } } }
                    }
                }
            }
            @if let Some(saved) = s.last_good {
                div #last-good.alert {
                    p { strong { (t!("dash-last-good")) } ": " (t!("dash-last-good-detail", saved = day_time(saved, tz))) }
                }
            }
            @if let Some(why) = &s.exposed {
                p #exposed.alert { strong { (t!("dash-exposed")) } ": " (why) }
            }
            @if let Some(why) = &s.watching {
                p #hot-reload.alert data-active="false" { (t!("dash-not-watching")) ": " (why) }
            }
            @if let Some((at, report)) = &s.rejected {
                div #rejected.alert {
                    p { strong { (t!("dash-rejected", at = day_time(*at, tz))) } ": " (t!("dash-rejected-detail")) }
                    pre { (report) }
                }
            }
            @if !s.channel_problems.is_empty() {
                div #channel-problems.alert {
                    p { strong { (t!("dash-channels-down")) } }
                    ul { @for (ch, why) in &s.channel_problems { li data-channel=(ch) { strong { (ch) } ": " (why) } } }
                }
            }
            @if let Some(o) = &s.outage {
                div #history-outage.alert {
                    p { strong { (t!("dash-history-down")) } " " (t!("dash-since", since = day_time(o.since, tz))) ": " (o.error) }
                    p { (t!("dash-history-down-detail", waiting = o.waiting, spilled = o.spilled)) }
                }
            }
            @match &s.chain.broken {
                Some(b) => p #chain.alert data-ok="false" { strong { (t!("dash-chain-broken")) } ": " (b) },
                None => p #chain.muted data-ok="true" {
                    (t!("dash-chain-ok", verified = s.chain.verified_to, head = s.chain.head))
                },
            }
            @if let Some(e) = &s.history_error {
                p.alert { (t!("dash-history-unreadable")) ": " (e) }
            }
        }
    }
}

/// Lines of today's plan the page shows: those around now. A province's set can put
/// thousands on one day, and a page of every one of them weighed 32 MB (issue #19).
pub const TODAY_SHOWN: usize = 200;
/// Outbox rows the page shows; the counts above the table cover them all.
pub const OUTBOX_SHOWN: usize = 100;

/// The part of today's plan shown: a quarter of it before now, the rest from now on.
fn today_window(s: &Snapshot) -> std::ops::Range<usize> {
    let len = s.today.len();
    if len <= TODAY_SHOWN {
        return 0..len;
    }
    let now = s
        .today
        .iter()
        .position(|l| l.stage == Stage::Playing || l.at >= s.now)
        .unwrap_or(len);
    let start = now.saturating_sub(TODAY_SHOWN / 4).min(len - TODAY_SHOWN);
    start..start + TODAY_SHOWN
}

fn today(s: &Snapshot) -> Markup {
    let tz = s.tz;
    let shown = today_window(s);
    let (earlier, later) = (shown.start, s.today.len() - shown.end);
    html! {
        section #today.wide {
            h2 { (t!("dash-today", date = s.now.with_timezone(&tz).format("%d/%m/%Y"))) " (" (s.today.len()) ")" }
            @if s.today.is_empty() {
                p.muted { (t!("dash-today-nothing")) }
            } @else {
                @if earlier + later > 0 {
                    p #today-more.muted data-earlier=(earlier) data-later=(later) {
                        (t!("dash-today-more", earlier = earlier, later = later))
                    }
                }
                table {
                    thead { tr { th { (t!("dash-col-time")) } th { (t!("dash-col-broadcast")) } th { (t!("dash-col-level")) } th { (t!("dash-col-state")) } th { (t!("dash-col-channels")) } th { (t!("dash-col-note")) } } }
                    tbody {
                        @for l in &s.today[shown.clone()] {
                            tr.current[l.stage == Stage::Playing] data-key=(l.key) data-state=(l.stage.as_str()) {
                                td { (time(l.at, tz)) }
                                td { (l.title) br; small.muted { (l.id) } }
                                td.priority data-priority=(l.priority.as_str()) { (priority_label(l.priority)) }
                                td { span class=(format!("badge {}", l.stage.as_str())) { (l.stage.label()) } }
                                td {
                                    @for (ch, st) in &l.posts {
                                        span class=(format!("badge {}", st.as_str())) data-channel=(ch) data-state=(st.as_str()) title=(st.label()) { (ch) } " "
                                    }
                                }
                                td { (l.note) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The province's centre: how much of the history it holds, and since when it has not answered.
fn central(s: &Snapshot) -> Markup {
    let tz = s.tz;
    html! {
        @if let Some(c) = &s.central {
            section #central data-shipped=(c.shipped_seq) data-lag=(c.lag_events) data-error=(c.error.is_some())
                data-failing=(c.failing) data-parted=[c.parted_after] {
                h2 { (t!("dash-central")) }
                p {
                    (t!("dash-central-shipped", shipped = c.shipped_seq, local = c.local_seq, lag = c.lag_events))
                    @if let Some(t) = c.last_push {
                        " · " (t!("dash-central-last", at = time(t, tz)))
                    }
                }
                @if let (true, Some(since)) = (c.failing, c.failing_since) {
                    p.alert { (t!("dash-central-failing", since = day_time(since, tz))) }
                }
                @if let Some(e) = &c.error {
                    p.alert { (t!("dash-central-down", why = e.clone())) }
                }
                @if let Some(seq) = c.parted_after {
                    p.alert { (t!("dash-central-parted", seq = seq, id = c.station_id.clone())) }
                }
                @if let Some(r) = &c.refused {
                    p.alert { (t!("dash-central-refused", seq = r.seq, reason = r.reason.clone(), meaning = crate::central::ship::meaning(&r.reason))) }
                }
            }
        }
    }
}

fn outbox(s: &Snapshot) -> Markup {
    let tz = s.tz;
    html! {
        section #outbox {
            h2 { (t!("dash-outbox")) }
            p {
                @for (st, n) in &s.outbox_counts {
                    span class=(format!("badge {}", st.as_str())) data-state=(st.as_str()) data-count=(n) { (outbox_label(*st)) ": " (n) } " "
                }
            }
            @if s.outbox.is_empty() {
                p.muted { (t!("dash-outbox-empty")) }
            } @else {
                table {
                    thead { tr { th { (t!("dash-col-channel")) } th { (t!("dash-col-broadcast")) } th { (t!("dash-col-scheduled")) } th { (t!("dash-col-state")) } th { (t!("dash-col-attempts")) } th { (t!("dash-col-reason")) } } }
                    tbody {
                        @for r in s.outbox.iter().take(OUTBOX_SHOWN) {
                            tr data-state=(r.state.as_str()) data-channel=(r.delivery.channel) {
                                td { (r.delivery.channel) }
                                td { (r.delivery.broadcast_id) }
                                td { (day_time(r.delivery.scheduled_at, tz)) }
                                td {
                                    span class=(format!("badge {}", r.state.as_str())) { (outbox_label(r.state)) }
                                    @if r.state == State::Pending && r.next_attempt_at > s.now {
                                        br; small.muted { (t!("dash-retry-at", at = time(r.next_attempt_at, tz))) }
                                    }
                                }
                                td { (r.attempts) }
                                td { (r.last_error.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
                @if s.outbox.len() > OUTBOX_SHOWN {
                    p #outbox-more.muted data-more=(s.outbox.len() - OUTBOX_SHOWN) {
                        (t!("dash-outbox-more", n = s.outbox.len() - OUTBOX_SHOWN))
                    }
                }
            }
        }
    }
}

fn failures(s: &Snapshot) -> Markup {
    let tz = s.tz;
    let labels = crate::i18n::current().labels();
    let kind_label = |k: &str| labels.kind(k);
    html! {
        section #failures {
            h2 { (t!("dash-failures")) }
            @if s.failures.is_empty() && s.daemon_errors.is_empty() {
                p.muted { (t!("dash-failures-none")) }
            }
            @if !s.failures.is_empty() {
                table {
                    thead { tr { th { (t!("dash-col-at")) } th { (t!("dash-col-event")) } th { (t!("dash-col-target")) } th { (t!("dash-col-reason")) } } }
                    tbody {
                        @for f in &s.failures {
                            tr data-kind=(f.kind) {
                                td { (day_time(f.at, tz)) }
                                td { (kind_label(&f.kind)) }
                                td { (f.what) }
                                td { (f.reason) }
                            }
                        }
                    }
                }
            }
            @if !s.daemon_errors.is_empty() {
                h2 { (t!("dash-daemon-errors")) }
                ul #daemon-errors { @for (at, e) in &s.daemon_errors { li { (time(*at, tz)) " " (e) } } }
            }
        }
    }
}
