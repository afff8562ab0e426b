//! Occurrence planning: calendar edge cases, ordering, and the window-splitting property.
//! These tests build broadcasts directly and never touch the disk.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use loaxa::domain::broadcast::{AudioItem, Broadcast, DateFilter, Origin, Priority, Rule};
use loaxa::domain::localtime::Weekdays;
use loaxa::domain::plan::occurrences;
use loaxa::domain::time::to_utc;
use proptest::prelude::*;

const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn local(s: &str) -> DateTime<Utc> {
    to_utc(TZ, s.parse::<NaiveDateTime>().unwrap())
}

fn times(list: &[&str]) -> Vec<NaiveTime> {
    list.iter()
        .map(|t| loaxa::domain::localtime::parse_clock(t).unwrap())
        .collect()
}

fn broadcast(id: &str, rule: Rule) -> Broadcast {
    Broadcast {
        id: id.into(),
        title: id.into(),
        campaign: None,
        rule,
        dates: DateFilter::default(),
        priority: Priority::Normal,
        audio: vec![AudioItem {
            path: "a.ogg".into(),
            duration: Duration::from_secs(10),
        }],
        repeat: 1,
        gap: Duration::ZERO,
        volume: 1.0,
        chime: Default::default(),
        channels: vec!["loudspeaker".into()],
        post: None,
        speak: None,
        relay: None,
        origin: Origin { file: 0, id_span: 0..0 },
    }
}

fn daily(id: &str, at: &[&str], days: &str) -> Broadcast {
    broadcast(
        id,
        Rule::Daily {
            times: times(at),
            days: days
                .split(',')
                .map(|d| Weekdays::parse_word(d).unwrap())
                .fold(Weekdays::NONE, Weekdays::union),
        },
    )
}

fn cron(id: &str, expr: &str) -> Broadcast {
    broadcast(id, Rule::Cron(loaxa::domain::cron::CronExpr::new(expr).unwrap()))
}

/// The local "YYYY-MM-DD HH:MM:SS" of each occurrence.
fn plan(bs: &[Broadcast], from: &str, to: &str) -> Vec<String> {
    occurrences(bs, local(from)..local(to), TZ)
        .iter()
        .map(|o| {
            format!(
                "{} {}",
                o.at.with_timezone(&TZ).format("%Y-%m-%d %H:%M:%S"),
                o.broadcast.id
            )
        })
        .collect()
}

#[test]
fn local_times_are_station_times() {
    let b = [daily("a", &["06:15"], "daily")];
    let occ = occurrences(&b, local("2024-04-15T00:00:00")..local("2024-04-16T00:00:00"), TZ);
    assert_eq!(occ.len(), 1);
    assert_eq!(occ[0].at, Utc.with_ymd_and_hms(2024, 4, 14, 23, 15, 0).unwrap());
    assert_eq!(occ[0].key(), "a@2024-04-14T23:15:00Z");
}

#[test]
fn across_month_and_year_ends() {
    let b = [daily("late", &["23:30"], "daily")];
    assert_eq!(
        plan(&b, "2024-01-30T00:00:00", "2024-02-02T00:00:00"),
        [
            "2024-01-30 23:30:00 late",
            "2024-01-31 23:30:00 late",
            "2024-02-01 23:30:00 late"
        ]
    );
    assert_eq!(
        plan(&b, "2024-12-31T12:00:00", "2025-01-01T23:59:59"),
        ["2024-12-31 23:30:00 late", "2025-01-01 23:30:00 late"]
    );
}

#[test]
fn leap_days() {
    let b = [daily("d", &["07:00"], "daily")];
    assert_eq!(plan(&b, "2024-02-01T00:00:00", "2024-03-01T00:00:00").len(), 29);
    assert_eq!(plan(&b, "2023-02-01T00:00:00", "2023-03-01T00:00:00").len(), 28);
    let leap = [cron("leap", "0 0 7 29 2 *")];
    assert_eq!(
        plan(&leap, "2024-01-01T00:00:00", "2030-01-01T00:00:00"),
        ["2024-02-29 07:00:00 leap", "2028-02-29 07:00:00 leap"]
    );
}

#[test]
fn date_range_and_except_days_filter_every_rule() {
    let mut b = daily("d", &["06:00", "17:00"], "daily");
    b.dates = DateFilter {
        from: Some(date("2024-04-29")),
        until: Some(date("2024-05-02")),
        except: vec![date("2024-04-30"), date("2024-05-01")],
    };
    assert_eq!(
        plan(&[b.clone()], "2024-04-01T00:00:00", "2024-06-01T00:00:00"),
        [
            "2024-04-29 06:00:00 d",
            "2024-04-29 17:00:00 d",
            "2024-05-02 06:00:00 d",
            "2024-05-02 17:00:00 d"
        ]
    );
    let mut c = cron("c", "0 0 6 * * *");
    c.dates = b.dates.clone();
    assert_eq!(
        plan(&[c], "2024-04-01T00:00:00", "2024-06-01T00:00:00"),
        ["2024-04-29 06:00:00 c", "2024-05-02 06:00:00 c"]
    );
}

#[test]
fn weekdays_english_and_vietnamese() {
    // 2024-04-15 is a Monday.
    let b = [daily("w", &["06:15"], "t2,wed,t6")];
    assert_eq!(
        plan(&b, "2024-04-15T00:00:00", "2024-04-22T00:00:00"),
        [
            "2024-04-15 06:15:00 w",
            "2024-04-17 06:15:00 w",
            "2024-04-19 06:15:00 w"
        ]
    );
    let we = [daily("we", &["08:00"], "weekends")];
    assert_eq!(
        plan(&we, "2024-04-15T00:00:00", "2024-04-22T00:00:00"),
        ["2024-04-20 08:00:00 we", "2024-04-21 08:00:00 we"]
    );
}

#[test]
fn one_off_instants() {
    let b = [broadcast(
        "on",
        Rule::On(vec![
            "2024-05-19T07:00:00".parse().unwrap(),
            "2024-05-19T06:00:00".parse().unwrap(),
        ]),
    )];
    assert_eq!(
        plan(&b, "2024-05-19T00:00:00", "2024-05-20T00:00:00"),
        ["2024-05-19 06:00:00 on", "2024-05-19 07:00:00 on"]
    );
    assert!(plan(&b, "2024-05-19T07:00:01", "2024-05-20T00:00:00").is_empty());
}

#[test]
fn cron_day_of_week_and_day_of_month() {
    let wk = [cron("wk", "0 15 6 * * mon-fri")];
    assert_eq!(plan(&wk, "2024-04-13T00:00:00", "2024-04-20T00:00:00").len(), 5);
    let five = [cron("five", "15 6 * * sat")];
    assert_eq!(
        plan(&five, "2024-04-13T00:00:00", "2024-04-20T00:00:00"),
        ["2024-04-13 06:15:00 five"]
    );
    let dom = [cron("dom", "0 0 8 1,15 * *")];
    assert_eq!(
        plan(&dom, "2024-01-31T00:00:00", "2024-03-02T00:00:00"),
        [
            "2024-02-01 08:00:00 dom",
            "2024-02-15 08:00:00 dom",
            "2024-03-01 08:00:00 dom"
        ]
    );
    let last = [cron("last", "0 0 8 L * *")];
    assert_eq!(
        plan(&last, "2024-01-15T00:00:00", "2024-03-15T00:00:00"),
        ["2024-01-31 08:00:00 last", "2024-02-29 08:00:00 last"]
    );
    // Day of month and day of week together: either matches (as in Vixie cron).
    let both = [cron("both", "0 0 8 13 * fri")];
    let got = plan(&both, "2024-09-01T00:00:00", "2024-09-16T00:00:00");
    assert_eq!(got, ["2024-09-06 08:00:00 both", "2024-09-13 08:00:00 both"]);
}

#[test]
fn same_instant_sorts_by_priority_then_id() {
    let mut e = daily("z-emergency", &["06:00"], "daily");
    e.priority = Priority::Emergency;
    let mut p = daily("y-priority", &["06:00"], "daily");
    p.priority = Priority::Priority;
    let b = [
        daily("b-normal", &["06:00"], "daily"),
        daily("a-normal", &["06:00"], "daily"),
        p,
        e,
    ];
    assert_eq!(
        plan(&b, "2024-04-15T00:00:00", "2024-04-16T00:00:00"),
        [
            "2024-04-15 06:00:00 z-emergency",
            "2024-04-15 06:00:00 y-priority",
            "2024-04-15 06:00:00 a-normal",
            "2024-04-15 06:00:00 b-normal"
        ]
    );
}

#[test]
fn window_is_half_open() {
    let b = [daily("d", &["06:00"], "daily")];
    assert_eq!(
        plan(&b, "2024-04-15T06:00:00", "2024-04-16T06:00:00"),
        ["2024-04-15 06:00:00 d"]
    );
    assert!(plan(&b, "2024-04-15T06:00:01", "2024-04-16T06:00:00").is_empty());
}

#[test]
fn duration_counts_repeats_and_gaps() {
    let mut b = daily("d", &["06:00"], "daily");
    b.audio.push(AudioItem {
        path: "b.ogg".into(),
        duration: Duration::from_millis(2500),
    });
    b.repeat = 3;
    b.gap = Duration::from_secs(2);
    assert_eq!(b.duration(), Duration::from_millis(3 * 12_500 + 2 * 2000));
}

#[test]
fn zones_with_daylight_saving_still_plan_every_day() {
    // Europe/Berlin jumps from 02:00 to 03:00 on 2024-03-31: 02:30 does not exist that day.
    let b = [daily("dst", &["02:30"], "daily")];
    let tz = Tz::Europe__Berlin;
    let from = to_utc(tz, "2024-03-30T00:00:00".parse().unwrap());
    let to = to_utc(tz, "2024-04-02T00:00:00".parse().unwrap());
    let got: Vec<String> = occurrences(&b, from..to, tz)
        .iter()
        .map(|o| o.at.with_timezone(&tz).format("%m-%d %H:%M").to_string())
        .collect();
    assert_eq!(got, ["03-30 02:30", "03-31 03:00", "04-01 02:30"]);
}

fn arb_broadcast() -> impl Strategy<Value = Broadcast> {
    let times = prop::collection::vec((0u32..24, 0u32..60, 0u32..60), 1..4);
    let daily = (times, 1u8..128).prop_map(|(ts, mask)| {
        let mut b = broadcast(
            "x",
            Rule::Daily {
                times: vec![],
                days: Weekdays::NONE,
            },
        );
        let days = (0..7)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| Weekdays::parse_word(["mon", "tue", "wed", "thu", "fri", "sat", "sun"][i]).unwrap())
            .fold(Weekdays::NONE, Weekdays::union);
        let mut times: Vec<NaiveTime> = ts
            .iter()
            .map(|&(h, m, s)| NaiveTime::from_hms_opt(h, m, s).unwrap())
            .collect();
        times.sort();
        times.dedup();
        b.rule = Rule::Daily { times, days };
        b
    });
    let crons = prop::sample::select(vec![
        "0 15 6 * * mon-fri",
        "*/20 * * * *",
        "0 0 7 29 2 *",
        "0 30 17 1,15 * *",
        "0 0 8 L * *",
        "7 */7 * * * *",
    ])
    .prop_map(|e| cron("x", e));
    let on = prop::collection::vec(0i64..40 * 24 * 3600, 0..5).prop_map(|offs| {
        let base: NaiveDateTime = "2024-02-20T00:00:00".parse().unwrap();
        broadcast(
            "x",
            Rule::On(offs.iter().map(|s| base + chrono::Duration::seconds(*s)).collect()),
        )
    });
    let rule = prop_oneof![daily, crons, on];
    (
        rule,
        prop::option::of(0i64..30),
        prop::option::of(0i64..40),
        prop::collection::vec(0i64..40, 0..4),
        0u8..3,
    )
        .prop_map(|(mut b, from, until, except, p)| {
            let base = date("2024-02-20");
            b.dates = DateFilter {
                from: from.map(|d| base + chrono::Duration::days(d)),
                until: until.map(|d| base + chrono::Duration::days(d)),
                except: {
                    let mut e: Vec<NaiveDate> = except.iter().map(|d| base + chrono::Duration::days(*d)).collect();
                    e.sort();
                    e.dedup();
                    e
                },
            };
            b.priority = [Priority::Normal, Priority::Priority, Priority::Emergency][p as usize];
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Planning [a, c) is the same as planning [a, b) and then [b, c).
    #[test]
    fn splitting_the_window_changes_nothing(
        mut set in prop::collection::vec(arb_broadcast(), 1..6),
        a in 0i64..30 * 86_400,
        ab in 0i64..15 * 86_400,
        bc in 0i64..15 * 86_400,
    ) {
        for (i, b) in set.iter_mut().enumerate() {
            b.id = format!("b{i}");
        }
        let base = local("2024-02-15T00:00:00");
        let a = base + chrono::Duration::seconds(a);
        let b = a + chrono::Duration::seconds(ab);
        let c = b + chrono::Duration::seconds(bc);
        let key = |o: &loaxa::domain::plan::Occurrence<'_>| (o.at, o.broadcast.id.clone());
        let whole: Vec<_> = occurrences(&set, a..c, TZ).iter().map(key).collect();
        let mut parts: Vec<_> = occurrences(&set, a..b, TZ).iter().map(key).collect();
        parts.extend(occurrences(&set, b..c, TZ).iter().map(key));
        prop_assert_eq!(whole, parts);
    }

    /// The scheduler's agenda (issue #19) answers every window exactly as planning it from
    /// scratch does: windows that overlap (the last seconds asked again), jump ahead by days,
    /// or span weeks.
    #[test]
    fn the_agenda_plans_what_planning_from_scratch_plans(
        mut set in prop::collection::vec(arb_broadcast(), 1..6),
        a in 0i64..30 * 86_400,
        steps in prop::collection::vec((0i64..3 * 86_400, 1i64..2 * 86_400, 0i64..600), 1..12),
    ) {
        for (i, b) in set.iter_mut().enumerate() {
            b.id = format!("b{i}");
        }
        let base = local("2024-02-15T00:00:00");
        let mut start = base + chrono::Duration::seconds(a);
        let mut agenda = loaxa::agenda::Agenda::new(&set, start, TZ);
        let key = |o: &loaxa::domain::plan::Occurrence<'_>| (o.at, o.broadcast.id.clone());
        for (advance, length, back) in steps {
            // The next window starts later, but up to ten minutes before the last one ended.
            let end = start + chrono::Duration::seconds(length);
            let expected: Vec<_> = occurrences(&set, start..end, TZ).iter().map(key).collect();
            let got: Vec<_> = agenda.window(&set, start..end).iter().map(key).collect();
            prop_assert_eq!(got, expected, "window {}..{}", start, end);
            start = (start + chrono::Duration::seconds(advance)).max(end - chrono::Duration::seconds(back));
            prop_assert!(agenda.covers(start));
        }
    }

    /// A reload carries the agenda over (issue #19): broadcasts kept, changed, removed, added
    /// and reordered, and every window after it is what planning the new set from scratch gives.
    #[test]
    fn a_carried_over_agenda_plans_what_the_new_set_plans(
        mut old in prop::collection::vec(arb_broadcast(), 1..6),
        replacements in prop::collection::vec(arb_broadcast(), 0..4),
        edits in prop::collection::vec((0usize..8, 0u8..3), 0..6),
        a in 0i64..30 * 86_400,
        before in prop::collection::vec((0i64..86_400, 1i64..86_400), 1..4),
        after in prop::collection::vec((0i64..86_400, 1i64..86_400), 1..4),
    ) {
        for (i, b) in old.iter_mut().enumerate() {
            b.id = format!("b{i}");
        }
        // The new set: each edit replaces a broadcast's timing (same id), removes one, or
        // adds a new one; then the order is reversed.
        let mut new = old.clone();
        let mut spare = replacements.into_iter();
        let mut added = 0;
        for (at, kind) in edits {
            match (kind, spare.next()) {
                (0, Some(r)) if !new.is_empty() => {
                    let i = at % new.len();
                    new[i].rule = r.rule;
                    new[i].dates = r.dates;
                }
                (1, _) if new.len() > 1 => {
                    new.remove(at % new.len());
                }
                (_, Some(mut r)) => {
                    r.id = format!("new{added}");
                    added += 1;
                    new.push(r);
                }
                _ => {}
            }
        }
        new.reverse();
        let key = |o: &loaxa::domain::plan::Occurrence<'_>| (o.at, o.broadcast.id.clone());
        let base = local("2024-02-15T00:00:00");
        let mut start = base + chrono::Duration::seconds(a);
        let mut agenda = loaxa::agenda::Agenda::new(&old, start, TZ);
        let mut end = start;
        for (advance, length) in before {
            end = start + chrono::Duration::seconds(length);
            agenda.window(&old, start..end);
            start = (start + chrono::Duration::seconds(advance)).min(end);
        }
        let mut agenda = agenda.carry_over(&old, &new);
        // The first window after the reload reaches back to the last one's start.
        for (advance, length) in after {
            let window_end = end.max(start) + chrono::Duration::seconds(length);
            let expected: Vec<_> = occurrences(&new, start..window_end, TZ).iter().map(key).collect();
            let got: Vec<_> = agenda.window(&new, start..window_end).iter().map(key).collect();
            prop_assert_eq!(got, expected, "window {}..{}", start, window_end);
            end = window_end;
            start = (start + chrono::Duration::seconds(advance)).min(end);
        }
    }
}
