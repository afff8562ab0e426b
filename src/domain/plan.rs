//! Occurrence planning: (broadcasts, time window, timezone) → the ordered list of instants at
//! which something airs.
//!
//! This is a pure function. The daemon, `loaxa plan`, the overlap check and the tests all call
//! it, so they can never disagree about when a broadcast airs. Windows are half-open
//! `[from, to)`, which makes planning two adjacent windows the same as planning their union.

use std::cmp::Reverse;
use std::ops::Range;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use croner::Direction;

use crate::domain::broadcast::{Broadcast, Rule};
use crate::domain::time::to_utc;

/// One airing of one broadcast.
#[derive(Clone, Copy, Debug)]
pub struct Occurrence<'a> {
    /// The scheduled instant.
    pub at: DateTime<Utc>,
    pub broadcast: &'a Broadcast,
}

/// An occurrence's key, `id@YYYY-MM-DDTHH:MM:SSZ`, from its parts (as the history stores them).
pub fn key(broadcast_id: &str, at: DateTime<Utc>) -> String {
    format!("{broadcast_id}@{}", at.format("%Y-%m-%dT%H:%M:%SZ"))
}

/// An occurrence key as a person reads it: `bao-lu (07/12/2026 13:15:05)`, the instant in
/// the station's time. A text that is not a key is given back as it is.
pub fn show_key(key: &str, tz: Tz) -> String {
    key.rsplit_once('@')
        .and_then(|(id, at)| {
            let at = DateTime::parse_from_rfc3339(at).ok()?;
            Some(format!("{id} ({})", at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")))
        })
        .unwrap_or_else(|| key.to_string())
}

impl Occurrence<'_> {
    /// The key that names this occurrence everywhere (history, outbox): id + scheduled instant.
    pub fn key(&self) -> String {
        key(&self.broadcast.id, self.at)
    }

    pub fn end(&self) -> DateTime<Utc> {
        self.at + self.broadcast.duration()
    }
}

impl PartialEq for Occurrence<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && self.broadcast.id == other.broadcast.id
    }
}

/// Every occurrence in `[window.start, window.end)`, sorted by instant, then priority
/// (emergency first), then id.
pub fn occurrences<'a>(broadcasts: &'a [Broadcast], window: Range<DateTime<Utc>>, tz: Tz) -> Vec<Occurrence<'a>> {
    let mut out = Vec::new();
    if window.start >= window.end {
        return out;
    }
    for b in broadcasts {
        for_each_instant(b, &window, tz, &mut |at| {
            out.push(Occurrence { at, broadcast: b });
            true
        });
    }
    sort(&mut out);
    out
}

/// The planning order: by instant, then priority (emergency first), then id.
pub fn sort(occurrences: &mut [Occurrence<'_>]) {
    occurrences.sort_by(|a, b| {
        (a.at, Reverse(a.broadcast.priority), &a.broadcast.id).cmp(&(
            b.at,
            Reverse(b.broadcast.priority),
            &b.broadcast.id,
        ))
    });
}

/// `b`'s earliest instant in `window`.
pub fn first_in(b: &Broadcast, window: Range<DateTime<Utc>>, tz: Tz) -> Option<DateTime<Utc>> {
    let mut first: Option<DateTime<Utc>> = None;
    // A list of one-offs is in the order written; rules yield their instants in order.
    let whole_list = matches!(b.rule, Rule::On(_));
    for_each_instant(b, &window, tz, &mut |at| {
        first = Some(first.map_or(at, |f| f.min(at)));
        whole_list
    });
    first
}

/// The first local date-time at which `b` airs and `pred` holds, searching the broadcast's whole
/// date range (bounded, so an impossible rule ends the search instead of looping).
pub fn first_matching(b: &Broadcast, tz: Tz, mut pred: impl FnMut(NaiveDateTime) -> bool) -> Option<NaiveDateTime> {
    const SEARCH_DAYS: i64 = 4 * 366 + 1;
    // One-offs are their own list: a search window would miss an instant years ahead (a
    // one-off for 2029 was "never airs" when searched from 2024).
    if let Rule::On(list) = &b.rule {
        let mut instants: Vec<NaiveDateTime> = list.iter().copied().filter(|t| b.dates.allows(t.date())).collect();
        instants.sort();
        return instants.into_iter().find(|t| pred(*t));
    }
    let start_day = b
        .dates
        .from
        .or_else(|| b.dates.until.map(|u| u - Duration::days(SEARCH_DAYS)))
        .unwrap_or(NaiveDate::from_ymd_opt(2024, 1, 1)?);
    let end_day = b.dates.until.unwrap_or(start_day + Duration::days(SEARCH_DAYS));
    let window =
        to_utc(tz, start_day.and_hms_opt(0, 0, 0)?)..to_utc(tz, (end_day + Duration::days(1)).and_hms_opt(0, 0, 0)?);
    let mut found = None;
    for_each_instant(b, &window, tz, &mut |at| {
        let local = at.with_timezone(&tz).naive_local();
        if pred(local) {
            found = Some(local);
            false
        } else {
            true
        }
    });
    found
}

/// Calls `f` with each instant of `b` inside `window`, in order, until `f` returns false.
fn for_each_instant(b: &Broadcast, window: &Range<DateTime<Utc>>, tz: Tz, f: &mut dyn FnMut(DateTime<Utc>) -> bool) {
    let in_window = |t: &DateTime<Utc>| *t >= window.start && *t < window.end;
    let first_day = window.start.with_timezone(&tz).date_naive();
    let last_day = window.end.with_timezone(&tz).date_naive();
    match &b.rule {
        Rule::Daily { times, days } => {
            let first_day = b.dates.from.map_or(first_day, |f| f.max(first_day));
            let last_day = b.dates.until.map_or(last_day, |u| u.min(last_day));
            let mut day = first_day;
            while day <= last_day {
                if days.contains(day.weekday()) && b.dates.allows(day) {
                    for t in times {
                        let at = to_utc(tz, day.and_time(*t));
                        if in_window(&at) && !f(at) {
                            return;
                        }
                    }
                }
                let Some(next) = day.succ_opt() else { return };
                day = next;
            }
        }
        Rule::On(list) => {
            for local in list {
                let at = to_utc(tz, *local);
                if in_window(&at) && b.dates.allows(local.date()) && !f(at) {
                    return;
                }
            }
        }
        Rule::Cron(expr) => {
            let Ok(cron) = expr.pattern() else {
                return;
            };
            let mut start = window.start;
            if let Some(from) = b.dates.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
                start = start.max(to_utc(tz, from));
            }
            for t in cron.iter_from(start.with_timezone(&tz), Direction::Forward) {
                let at = t.with_timezone(&Utc);
                if at >= window.end {
                    return;
                }
                let day = t.date_naive();
                if b.dates.until.is_some_and(|u| day > u) {
                    return;
                }
                if b.dates.allows(day) && in_window(&at) && !f(at) {
                    return;
                }
            }
        }
    }
}
