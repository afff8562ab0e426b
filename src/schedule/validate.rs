//! Checks across the whole set of schedule files.
//!
//! Errors that only show when files are taken together (a duplicate id in two files) come from
//! [`check_set`]. Warnings about how the plan sounds on the air (two programmes overlapping,
//! sessions that run too long or too often) come from [`lint`], which plans a window of real
//! days with the audio files' real durations.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};

use super::ScheduleSet;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::domain::broadcast::{Broadcast, Origin};
use crate::domain::plan::{self, Occurrence};

/// An error for every id declared a second time, in any file.
pub fn duplicate_ids(ids: &[(String, Origin)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<&str, &Origin> = HashMap::with_capacity(ids.len());
    for (id, origin) in ids {
        if let Some(first) = seen.get(id.as_str()) {
            out.push(
                Diagnostic::error(origin.file, origin.id_span.clone(), t!("check-duplicate-id", id = id))
                    .with_code("duplicate-id")
                    .with_label(t!("check-duplicate-id-label"))
                    .with_note(first.file, first.id_span.clone(), t!("check-first-used-here"))
                    .with_hint(t!("check-duplicate-id-hint")),
            );
        } else {
            seen.insert(id, origin);
        }
    }
    out
}

/// Warnings from planning `window`: loudspeaker overlaps and over-long or too many sessions.
/// Each distinct problem is reported once, with the number of times it happens in the window.
pub fn lint(config: &Config, set: &ScheduleSet, window: Range<DateTime<Utc>>) -> Vec<Diagnostic> {
    let tz = config.station.timezone;
    let window_start = window.start;
    let occ: Vec<Occurrence<'_>> = plan::occurrences(&set.broadcasts, window, tz)
        .into_iter()
        .filter(|o| o.broadcast.on_loudspeaker())
        .collect();
    // Each occurrence's end, once: with 100,000 broadcasts there are millions of occurrences,
    // and summing a broadcast's audio for every comparison was an eighth of `check`.
    let ends: Vec<DateTime<Utc>> = occ.iter().map(Occurrence::end).collect();
    let mut out = overlaps(&occ, &ends, tz);
    let (long, too_many) = sessions(config, &occ, &ends);
    out.extend(long);
    out.extend(past_one_offs(set, window_start, tz));
    out.extend(too_many);
    out
}

/// Overlaps: a programme starting before the previous one has ended. One warning per
/// broadcast that starts too early, with how often and behind how many others: a set of
/// thousands of broadcasts used to give one warning per pair (3.7 MB for 10,000).
/// Broadcasts are told apart by address, not by comparing their ids.
fn overlaps(occ: &[Occurrence<'_>], ends: &[DateTime<Utc>], tz: chrono_tz::Tz) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut overlaps: HashMap<*const Broadcast, Overlap<'_>> = HashMap::new();
    let mut running: Option<usize> = None;
    for (i, o) in occ.iter().enumerate() {
        if let Some(r) = running
            && o.at < ends[r]
        {
            let prev = occ[r];
            let e = overlaps.entry(std::ptr::from_ref(o.broadcast)).or_insert(Overlap {
                first: prev,
                second: *o,
                count: 0,
                behind: HashSet::new(),
            });
            e.count += 1;
            e.behind.insert(std::ptr::from_ref(prev.broadcast));
        }
        if running.is_none_or(|r| ends[i] > ends[r]) {
            running = Some(i);
        }
    }
    let mut overlaps: Vec<Overlap<'_>> = overlaps.into_values().collect();
    overlaps.sort_by_key(|o| (o.second.broadcast.origin.file, o.second.broadcast.origin.id_span.start));
    let hidden = overlaps.len().saturating_sub(MAX_SHOWN);
    for Overlap {
        first,
        second,
        count,
        behind,
    } in overlaps.iter().take(MAX_SHOWN)
    {
        let (first, second, count) = (*first, *second, *count);
        let local = |t: DateTime<Utc>| crate::domain::localtime::show_date_time(t.with_timezone(&tz).naive_local());
        let others = if behind.len() > 1 {
            t!("check-overlap-others", others = behind.len())
        } else {
            String::new()
        };
        out.push(
            Diagnostic::warning(
                second.broadcast.origin.file,
                second.broadcast.origin.id_span.clone(),
                t!(
                    "check-overlap",
                    second = second.broadcast.id,
                    at = local(second.at),
                    first = first.broadcast.id,
                    until = local(first.end()),
                    times = format!("{others}{}", times(count))
                ),
            )
            .with_label(t!("check-overlap-label"))
            .with_note(
                first.broadcast.origin.file,
                first.broadcast.origin.id_span.clone(),
                t!("check-still-playing"),
            )
            .with_hint(t!("check-overlap-hint")),
        );
    }
    if let Some(next) = overlaps.get(MAX_SHOWN) {
        out.push(
            Diagnostic::warning(
                next.second.broadcast.origin.file,
                next.second.broadcast.origin.id_span.clone(),
                t!("check-overlap-more", n = hidden),
            )
            .with_code("overlaps-not-shown")
            .with_label(t!("check-overlap-label"))
            .with_hint(t!("check-overlap-more-hint")),
        );
    }
    out
}

/// Sessions: programmes separated by less than the session gap form one session. Gives a
/// warning per broadcast that opens an over-long session, and one for days with too many.
fn sessions(config: &Config, occ: &[Occurrence<'_>], ends: &[DateTime<Utc>]) -> (Vec<Diagnostic>, Option<Diagnostic>) {
    let tz = config.station.timezone;
    let gap = chrono::Duration::minutes(i64::from(config.policy.session_gap_minutes));
    let max_len = chrono::Duration::minutes(i64::from(config.policy.max_session_minutes));
    // By the broadcast that takes a session over the limit: the session's start, its length,
    // and how many times.
    let mut long: BTreeMap<&str, (Occurrence<'_>, Occurrence<'_>, chrono::Duration, usize)> = BTreeMap::new();
    let mut per_day: BTreeMap<NaiveDate, (usize, Occurrence<'_>)> = BTreeMap::new();
    let mut i = 0;
    while i < occ.len() {
        let start = occ[i];
        let mut end = ends[i];
        // The first programme that, joining the session, takes it over the limit.
        let mut over = (end - start.at > max_len).then_some(start);
        let mut j = i + 1;
        while j < occ.len() && occ[j].at <= end + gap {
            end = end.max(ends[j]);
            if over.is_none() && end - start.at > max_len {
                over = Some(occ[j]);
            }
            j += 1;
        }
        let length = end - start.at;
        if let Some(over) = over {
            long.entry(over.broadcast.id.as_str())
                .or_insert((over, start, length, 0))
                .3 += 1;
        }
        let day = start.at.with_timezone(&tz).date_naive();
        let e = per_day.entry(day).or_insert((0, start));
        e.0 += 1;
        e.1 = start;
        i = j;
    }
    let mut out = Vec::new();
    for (_, (over, start, length, count)) in long {
        let at = crate::domain::localtime::show_date_time(start.at.with_timezone(&tz).naive_local());
        let (minutes, max) = ((length.num_seconds() + 59) / 60, config.policy.max_session_minutes);
        let message = if over.broadcast.id == start.broadcast.id {
            t!(
                "check-session-too-long",
                id = start.broadcast.id,
                at = at,
                minutes = minutes,
                max = max,
                times = times(count)
            )
        } else {
            t!(
                "check-session-too-long-by",
                over = over.broadcast.id,
                id = start.broadcast.id,
                at = at,
                minutes = minutes,
                max = max,
                times = times(count)
            )
        };
        out.push(
            Diagnostic::warning(
                over.broadcast.origin.file,
                over.broadcast.origin.id_span.clone(),
                message,
            )
            .with_label(t!("check-session-too-long-label"))
            .with_hint(t!("check-session-too-long-hint")),
        );
    }
    let too_many = config.policy.max_sessions_per_day.and_then(|max| {
        let over: Vec<_> = per_day.iter().filter(|(_, (n, _))| *n > max as usize).collect();
        over.first().map(|(day, (n, last))| {
            Diagnostic::warning(
                last.broadcast.origin.file,
                last.broadcast.origin.id_span.clone(),
                t!(
                    "check-too-many-sessions",
                    day = crate::domain::localtime::show_date(**day),
                    n = n,
                    max = max,
                    times = times(over.len())
                ),
            )
            .with_label(t!("check-too-many-sessions-label"))
            .with_hint(t!("check-too-many-sessions-hint"))
        })
    });
    (out, too_many)
}

/// A one-off whose every instant is already past airs never again: most likely the year or
/// the month is wrong (or the file only keeps a record; then it can go).
fn past_one_offs(set: &ScheduleSet, window_start: DateTime<Utc>, tz: chrono_tz::Tz) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for b in &set.broadcasts {
        if let crate::domain::broadcast::Rule::On(instants) = &b.rule
            && let Some(last) = instants.iter().max()
            && crate::domain::time::to_utc(tz, *last) < window_start
        {
            out.push(
                Diagnostic::warning(
                    b.origin.file,
                    b.origin.id_span.clone(),
                    t!(
                        "check-on-in-the-past",
                        id = b.id,
                        last = crate::domain::localtime::show_date_time(*last)
                    ),
                )
                .with_code("on-in-the-past")
                .with_label(t!("check-on-in-the-past-label"))
                .with_hint(t!("check-on-in-the-past-hint")),
            );
        }
    }
    out
}

/// How many overlap warnings `check` shows one by one; the rest are counted in one more.
pub const MAX_SHOWN: usize = 100;

/// One broadcast that starts while another still plays, in the checked window.
struct Overlap<'a> {
    /// The first time it happens: the programme still playing and this one.
    first: Occurrence<'a>,
    second: Occurrence<'a>,
    count: usize,
    /// The broadcasts it starts behind.
    behind: HashSet<*const Broadcast>,
}

fn times(count: usize) -> String {
    if count > 1 {
        t!("check-times-in-period", count = count)
    } else {
        String::new()
    }
}
