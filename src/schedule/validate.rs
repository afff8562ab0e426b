//! Checks across the whole set of schedule files.
//!
//! Errors that only show when files are taken together (a duplicate id in two files) come from
//! [`check_set`]. Warnings about how the plan sounds on the air (two programmes overlapping,
//! sessions that run too long or too often) come from [`lint`], which plans a window of real
//! days with the audio files' real durations.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::{DateTime, NaiveDate, Utc};

use super::{Origin, ScheduleSet};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::plan::{self, Occurrence};

/// An error for every id declared a second time, in any file.
pub fn duplicate_ids(ids: &[(String, Origin)]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: HashMap<&str, &Origin> = HashMap::with_capacity(ids.len());
    for (id, origin) in ids {
        if let Some(first) = seen.get(id.as_str()) {
            out.push(
                Diagnostic::error(origin.file, origin.id_span.clone(), format!("duplicate id `{id}`"))
                    .with_code("duplicate-id")
                    .with_label("used again here")
                    .with_note(first.file, first.id_span.clone(), "first used here")
                    .with_hint("ids must be unique across all schedule files: rename one, e.g. add -2"),
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
    let mut out = Vec::new();

    // Overlaps: a programme starting before the previous one has ended.
    let mut overlaps: BTreeMap<(&str, &str), (Occurrence<'_>, Occurrence<'_>, usize)> = BTreeMap::new();
    let mut running: Option<Occurrence<'_>> = None;
    for o in &occ {
        if let Some(prev) = running
            && o.at < prev.end()
        {
            overlaps
                .entry((prev.broadcast.id.as_str(), o.broadcast.id.as_str()))
                .or_insert((prev, *o, 0))
                .2 += 1;
        }
        if running.is_none_or(|r| o.end() > r.end()) {
            running = Some(*o);
        }
    }
    for ((_, _), (first, second, count)) in overlaps {
        let local = |t: DateTime<Utc>| crate::localtime::show_date_time(t.with_timezone(&tz).naive_local());
        out.push(
            Diagnostic::warning(
                second.broadcast.origin.file,
                second.broadcast.origin.id_span.clone(),
                format!(
                    "`{}` starts at {} while `{}` is still playing (until {}){}",
                    second.broadcast.id,
                    local(second.at),
                    first.broadcast.id,
                    local(first.end()),
                    times(count)
                ),
            )
            .with_label("overlaps on the loudspeaker")
            .with_note(
                first.broadcast.origin.file,
                first.broadcast.origin.id_span.clone(),
                "still playing",
            )
            .with_hint("the later one will wait its turn; move it so they do not collide"),
        );
    }

    // Sessions: programmes separated by less than the session gap form one session.
    let gap = chrono::Duration::minutes(i64::from(config.policy.session_gap_minutes));
    let max_len = chrono::Duration::minutes(i64::from(config.policy.max_session_minutes));
    let mut long: BTreeMap<&str, (Occurrence<'_>, chrono::Duration, usize)> = BTreeMap::new();
    let mut per_day: BTreeMap<NaiveDate, (usize, Occurrence<'_>)> = BTreeMap::new();
    let mut i = 0;
    while i < occ.len() {
        let start = occ[i];
        let mut end = start.end();
        let mut j = i + 1;
        while j < occ.len() && occ[j].at <= end + gap {
            end = end.max(occ[j].end());
            j += 1;
        }
        let length = end - start.at;
        if length > max_len {
            long.entry(start.broadcast.id.as_str()).or_insert((start, length, 0)).2 += 1;
        }
        let day = start.at.with_timezone(&tz).date_naive();
        let e = per_day.entry(day).or_insert((0, start));
        e.0 += 1;
        e.1 = start;
        i = j;
    }
    for (_, (start, length, count)) in long {
        out.push(
            Diagnostic::warning(
                start.broadcast.origin.file,
                start.broadcast.origin.id_span.clone(),
                format!(
                    "the session starting with `{}` at {} runs {} minutes, over the {}-minute limit{}",
                    start.broadcast.id,
                    crate::localtime::show_date_time(start.at.with_timezone(&tz).naive_local()),
                    (length.num_seconds() + 59) / 60,
                    config.policy.max_session_minutes,
                    times(count)
                ),
            )
            .with_label("session too long")
            .with_hint("spread the programmes over another session, or shorten them ([policy] max_session_minutes)"),
        );
    }
    // A one-off whose every instant is already past airs never again: most likely the year
    // or the month is wrong (or the file only keeps a record; then it can go).
    for b in &set.broadcasts {
        if let super::Rule::On(instants) = &b.rule
            && let Some(last) = instants.iter().max()
            && plan::to_utc(tz, *last) < window_start
        {
            out.push(
                Diagnostic::warning(
                    b.origin.file,
                    b.origin.id_span.clone(),
                    format!(
                        "`{}` airs only at instants already past (the last: {})",
                        b.id,
                        last.format("%d/%m/%Y %H:%M")
                    ),
                )
                .with_code("on-in-the-past")
                .with_label("will not air again")
                .with_hint("check the year and the month of `on`; if it has aired, the broadcast can be removed"),
            );
        }
    }
    if let Some(max) = config.policy.max_sessions_per_day {
        let over: Vec<_> = per_day.iter().filter(|(_, (n, _))| *n > max as usize).collect();
        if let Some((day, (n, last))) = over.first() {
            out.push(
                Diagnostic::warning(
                    last.broadcast.origin.file,
                    last.broadcast.origin.id_span.clone(),
                    format!(
                        "{} has {n} loudspeaker sessions, more than the {max} allowed{}",
                        crate::localtime::show_date(**day),
                        times(over.len())
                    ),
                )
                .with_label("starts a session over the limit")
                .with_hint("group programmes into fewer sessions ([policy] max_sessions_per_day)"),
            );
        }
    }
    out
}

fn times(count: usize) -> String {
    if count > 1 {
        format!(" ({count} times in the checked period)")
    } else {
        String::new()
    }
}
