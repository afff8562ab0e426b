//! Counting a period's history: what each occurrence and each post came to.
//!
//! Pure: history events in, tables out. Every figure in the report comes from here, so the
//! tests can build a history with known outcomes and check the counts without any I/O.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::Period;
use crate::domain::broadcast::LOUDSPEAKER;
use crate::domain::event::Kind;
use crate::history::query::describe;
use crate::history::store::StoredEvent;

/// A programme that starts more than this after its time is counted late.
pub const LATE_AFTER_MS: i64 = 1000;

/// Outcome counts for one campaign, broadcast or channel.
///
/// Each scheduled loudspeaker occurrence ends in exactly one of on time, late, missed, failed,
/// interrupted, stopped by an officer or pending (no outcome recorded yet); each scheduled post
/// in exactly one of posted, post failed, skipped by the policy, unconfirmed or pending.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub scheduled: u64,
    pub on_time: u64,
    pub late: u64,
    pub missed: u64,
    pub failed: u64,
    pub interrupted: u64,
    /// An officer's `stop`: an action, recorded with who, not a failure.
    pub stopped: u64,
    pub posted: u64,
    pub post_failed: u64,
    /// Not posted on purpose: the occurrence was missed and `[policy] post_missed` is off.
    pub post_skipped: u64,
    pub unconfirmed: u64,
    pub pending: u64,
}

impl Counts {
    fn add_air(&mut self, o: AirOutcome) {
        self.scheduled += 1;
        match o {
            AirOutcome::OnTime => self.on_time += 1,
            AirOutcome::Late => self.late += 1,
            AirOutcome::Missed => self.missed += 1,
            AirOutcome::Failed => self.failed += 1,
            AirOutcome::Interrupted => self.interrupted += 1,
            AirOutcome::Stopped => self.stopped += 1,
            AirOutcome::Pending => self.pending += 1,
        }
    }

    fn add_post(&mut self, o: PostOutcome) {
        self.scheduled += 1;
        match o {
            PostOutcome::Posted => self.posted += 1,
            PostOutcome::Failed => self.post_failed += 1,
            PostOutcome::Skipped => self.post_skipped += 1,
            PostOutcome::Unconfirmed => self.unconfirmed += 1,
            PostOutcome::Pending => self.pending += 1,
        }
    }

    /// Failed, missed, interrupted or unconfirmed: what needs a look.
    pub fn problems(&self) -> u64 {
        self.missed + self.failed + self.interrupted + self.post_failed + self.unconfirmed
    }
}

/// What a loudspeaker occurrence came to, judged by its last outcome (a programme interrupted
/// and then replayed to the end counts as played, late).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AirOutcome {
    OnTime,
    Late,
    Missed,
    Failed,
    Interrupted,
    /// Ended by an officer's `stop`.
    Stopped,
    Pending,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostOutcome {
    Posted,
    Failed,
    Skipped,
    Unconfirmed,
    Pending,
}

/// An interruption an officer asked for (`loaxa stop`, the panel): `by` names the operator.
fn by_an_officer(details: &Value) -> bool {
    details
        .get("by")
        .and_then(Value::as_str)
        .is_some_and(|b| b.starts_with("operator:"))
}

/// One loudspeaker occurrence.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Airing {
    pub broadcast_id: String,
    pub scheduled_at: DateTime<Utc>,
    pub outcome: AirOutcome,
    /// Of the first start, if it started.
    pub lateness_ms: Option<i64>,
    pub airtime_s: f64,
}

/// Start lateness over the period's first starts.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Lateness {
    pub starts: u64,
    pub within_1s: u64,
    pub mean_ms: f64,
    pub median_ms: i64,
    pub p95_ms: i64,
    pub max_ms: i64,
}

/// Something that went wrong, with the reason the history gives.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Failure {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub broadcast_id: Option<String>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub channel: Option<String>,
    pub reason: String,
}

/// A bulletin read aloud by a voice (issue #16): which voice read it, for how long, and whether
/// the offline voice stood in.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Spoken {
    pub at: DateTime<Utc>,
    pub broadcast_id: String,
    pub title: String,
    pub provider: String,
    pub voice: String,
    pub engine: String,
    pub duration_s: f64,
    pub fallback: Option<String>,
}

/// One day's relays (issue #15).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct RelayDay {
    pub sessions: u64,
    pub source_s: f64,
    pub fallback_s: f64,
}

impl RelayDay {
    /// The share of relay time the stream itself was on air, in percent.
    pub fn availability(&self) -> f64 {
        let total = self.source_s + self.fallback_s;
        if total > 0.0 {
            100.0 * self.source_s / total
        } else {
            0.0
        }
    }
}

/// Everything the report shows, computed from the history alone.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Tally {
    pub by_campaign: BTreeMap<String, Counts>,
    /// Broadcast id → (title, campaign, counts).
    pub by_broadcast: BTreeMap<String, (String, String, Counts)>,
    /// Channel name → counts; the loudspeaker is the channel `loudspeaker`.
    pub by_channel: BTreeMap<String, Counts>,
    pub total: Counts,
    pub airings: Vec<Airing>,
    pub airtime_s: f64,
    /// Every local day of the period, with the seconds on air that started that day.
    pub airtime_by_day: BTreeMap<NaiveDate, f64>,
    pub lateness: Lateness,
    pub failures: Vec<Failure>,
    /// The spoken bulletins that went on air, in order.
    pub spoken: Vec<Spoken>,
    /// Relays by day: seconds of the stream on air, and of fallback (dead air avoided).
    pub relay_by_day: BTreeMap<NaiveDate, RelayDay>,
    /// The first and last history events the tally read.
    pub seq_range: Option<(i64, i64)>,
}

/// Campaign label for broadcasts without one.
pub const NO_CAMPAIGN: &str = "—";

fn instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

#[derive(Default)]
struct AirState {
    title: String,
    campaign: String,
    first_lateness: Option<i64>,
    started: Option<DateTime<Utc>>,
    last_lateness: Option<i64>,
    outcome: Option<AirOutcome>,
    airtime_s: f64,
    /// Local day of the first start, for the airtime chart.
    day: Option<NaiveDate>,
}

struct PostState {
    title: String,
    campaign: String,
    outcome: PostOutcome,
}

/// Counts the events of a period. `events` may reach beyond the period (posts settle late,
/// events are read with a margin): events about an occurrence count if the occurrence was
/// scheduled inside the period, other events if they happened inside it.
pub fn tally(events: &[StoredEvent], period: &Period, tz: Tz) -> Tally {
    let mut airs: BTreeMap<(DateTime<Utc>, String), AirState> = BTreeMap::new();
    let mut posts: BTreeMap<(DateTime<Utc>, String, String), PostState> = BTreeMap::new();
    let mut out = Tally::default();
    for e in events {
        let Some(kind) = Kind::parse(&e.kind) else { continue };
        let Some(at) = instant(&e.at_utc) else { continue };
        let scheduled = e.scheduled_at.as_deref().and_then(instant);
        let counts = match scheduled {
            Some(s) => period.contains(s),
            None => period.contains(at),
        };
        if !counts {
            continue;
        }
        out.seq_range = Some(match out.seq_range {
            None => (e.seq, e.seq),
            Some((a, b)) => (a.min(e.seq), b.max(e.seq)),
        });
        let details = e.details_json();
        let title = details
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let campaign = e.campaign.clone().unwrap_or_else(|| NO_CAMPAIGN.into());
        // A policy's skip and an officer's stop are counted in their own columns, not listed
        // among the failures (the province's report counts neither as failed either).
        let deliberate = kind == Kind::PostSkipped || (kind == Kind::PlayoutInterrupted && by_an_officer(&details));
        if kind.is_problem() && !deliberate {
            out.failures.push(Failure {
                seq: e.seq,
                at,
                kind: e.kind.clone(),
                broadcast_id: e.broadcast_id.clone(),
                scheduled_at: scheduled,
                channel: e.channel.clone(),
                reason: describe(&details, tz),
            });
        }
        let (Some(id), Some(scheduled)) = (e.broadcast_id.clone(), scheduled) else {
            continue;
        };
        match &e.channel {
            Some(ch) => note_post(&mut posts, (scheduled, id, ch.clone()), kind, &title, &campaign),
            None => {
                let a = airs.entry((scheduled, id.clone())).or_default();
                fill(&mut a.title, &title);
                fill(&mut a.campaign, &campaign);
                let seen = AirEvent {
                    kind,
                    at,
                    details: &details,
                    id: &id,
                    title: &title,
                };
                note_air(a, &mut out, seen, tz);
            }
        }
    }
    add_up(&mut out, airs, posts, period);
    out
}

/// A post's event: its outcome so far (a final outcome is final).
fn note_post(
    posts: &mut BTreeMap<(DateTime<Utc>, String, String), PostState>,
    key: (DateTime<Utc>, String, String),
    kind: Kind,
    title: &str,
    campaign: &str,
) {
    let outcome = match kind {
        Kind::PostSucceeded => PostOutcome::Posted,
        Kind::PostFailed => PostOutcome::Failed,
        Kind::PostSkipped => PostOutcome::Skipped,
        Kind::PostUnconfirmed => PostOutcome::Unconfirmed,
        Kind::PostQueued | Kind::PostAttempt | Kind::PostRetry => PostOutcome::Pending,
        _ => return,
    };
    let p = posts.entry(key).or_insert(PostState {
        title: String::new(),
        campaign: String::new(),
        outcome: PostOutcome::Pending,
    });
    fill(&mut p.title, title);
    fill(&mut p.campaign, campaign);
    // A final outcome is final: a stray later attempt event does not reopen it.
    if p.outcome == PostOutcome::Pending || outcome != PostOutcome::Pending {
        p.outcome = outcome;
    }
}

/// An event of the loudspeaker line, as the tally reads it.
struct AirEvent<'a> {
    kind: Kind,
    at: DateTime<Utc>,
    details: &'a Value,
    id: &'a str,
    title: &'a str,
}

impl AirEvent<'_> {
    /// The instant its details give under `key` (when the device really started or ended),
    /// or the event's own.
    fn instant(&self, key: &str) -> DateTime<Utc> {
        self.details
            .get(key)
            .and_then(Value::as_str)
            .and_then(instant)
            .unwrap_or(self.at)
    }
}

/// A line event: what was spoken, when it started and how late, how long it aired, what the
/// relay took from its source, and how it ended.
fn note_air(a: &mut AirState, out: &mut Tally, e: AirEvent<'_>, tz: Tz) {
    match e.kind {
        Kind::PlayoutStarted => {
            if let Some(s) = e.details.get("speech").filter(|s| s.is_object()) {
                let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
                out.spoken.push(Spoken {
                    at: e.at,
                    broadcast_id: e.id.to_string(),
                    title: e.title.to_string(),
                    provider: text("provider"),
                    voice: text("voice"),
                    engine: text("engine"),
                    duration_s: s.get("duration_s").and_then(Value::as_f64).unwrap_or(0.0),
                    fallback: s.get("fallback").and_then(Value::as_str).map(str::to_string),
                });
            }
            let lateness = e.details.get("lateness_ms").and_then(Value::as_i64);
            let started = e.instant("started_at");
            a.first_lateness = a.first_lateness.or(lateness);
            // Resumed after an emergency: it was on time, and the emergency's length is not
            // the line's lateness.
            if e.details.get("resumed").and_then(Value::as_bool) != Some(true) {
                a.last_lateness = lateness;
            }
            a.started = Some(started);
            a.day = a.day.or(Some(started.with_timezone(&tz).date_naive()));
            a.outcome = None;
        }
        Kind::PlayoutFinished | Kind::PlayoutInterrupted | Kind::PlayoutFailed => {
            if let Some(r) = e.details.get("relay").filter(|r| r.get("source_s").is_some()) {
                let day = a.day.unwrap_or_else(|| e.at.with_timezone(&tz).date_naive());
                let d = out.relay_by_day.entry(day).or_default();
                d.sessions += 1;
                d.source_s += r.get("source_s").and_then(Value::as_f64).unwrap_or(0.0);
                d.fallback_s += r.get("fallback_s").and_then(Value::as_f64).unwrap_or(0.0);
            }
            if let Some(s) = a.started.take() {
                let end = e.instant("finished_at");
                a.airtime_s += (end - s).num_milliseconds().max(0) as f64 / 1000.0;
            }
            a.outcome = Some(match e.kind {
                Kind::PlayoutFinished if a.last_lateness.unwrap_or(0) > LATE_AFTER_MS => AirOutcome::Late,
                Kind::PlayoutFinished => AirOutcome::OnTime,
                Kind::PlayoutInterrupted if by_an_officer(e.details) => AirOutcome::Stopped,
                Kind::PlayoutInterrupted => AirOutcome::Interrupted,
                _ => AirOutcome::Failed,
            });
        }
        Kind::PlayoutMissed => a.outcome = Some(AirOutcome::Missed),
        _ => {}
    }
}

/// From every occurrence's outcome to the counts by campaign, broadcast and channel, the
/// airtime by day and the lateness figures.
fn add_up(
    out: &mut Tally,
    airs: BTreeMap<(DateTime<Utc>, String), AirState>,
    posts: BTreeMap<(DateTime<Utc>, String, String), PostState>,
    period: &Period,
) {
    for day in period.first_day.iter_days().take_while(|d| *d <= period.last_day) {
        out.airtime_by_day.insert(day, 0.0);
    }
    let mut lateness: Vec<i64> = Vec::new();
    for ((scheduled_at, id), a) in airs {
        let outcome = a.outcome.unwrap_or(AirOutcome::Pending);
        for c in [
            out.by_campaign.entry(a.campaign.clone()).or_default(),
            &mut out
                .by_broadcast
                .entry(id.clone())
                .or_insert_with(|| (a.title.clone(), a.campaign.clone(), Counts::default()))
                .2,
            out.by_channel.entry(LOUDSPEAKER.into()).or_default(),
            &mut out.total,
        ] {
            c.add_air(outcome);
        }
        if let Some(l) = a.first_lateness {
            lateness.push(l);
        }
        out.airtime_s += a.airtime_s;
        if let Some(d) = a.day {
            *out.airtime_by_day.entry(d).or_default() += a.airtime_s;
        }
        out.airings.push(Airing {
            broadcast_id: id,
            scheduled_at,
            outcome,
            lateness_ms: a.first_lateness,
            airtime_s: a.airtime_s,
        });
    }
    for ((_, id, ch), p) in posts {
        for c in [
            out.by_campaign.entry(p.campaign.clone()).or_default(),
            &mut out
                .by_broadcast
                .entry(id.clone())
                .or_insert_with(|| (p.title.clone(), p.campaign.clone(), Counts::default()))
                .2,
            out.by_channel.entry(ch).or_default(),
            &mut out.total,
        ] {
            c.add_post(p.outcome);
        }
    }
    out.lateness = lateness_stats(lateness);
}

fn fill(slot: &mut String, value: &str) {
    if slot.is_empty() && !value.is_empty() {
        *slot = value.to_string();
    }
}

fn lateness_stats(mut v: Vec<i64>) -> Lateness {
    if v.is_empty() {
        return Lateness::default();
    }
    v.sort_unstable();
    let n = v.len();
    // Nearest-rank percentiles: every figure is a lateness that actually happened.
    let rank = |p: f64| v[((p * n as f64).ceil() as usize).clamp(1, n) - 1];
    Lateness {
        starts: n as u64,
        within_1s: v.iter().filter(|l| **l <= LATE_AFTER_MS).count() as u64,
        mean_ms: v.iter().sum::<i64>() as f64 / n as f64,
        median_ms: rank(0.5),
        p95_ms: rank(0.95),
        max_ms: v[n - 1],
    }
}
