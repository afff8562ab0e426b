//! The office's monthly report: what went out in a period, built from the history alone and
//! stamped with the history's head and its verification, so it can be handed upward as it is.
//!
//! - [`tally`]: the counts (pure);
//! - [`html`]: one self-contained page with inline SVG charts, for A4;
//! - [`csv`]: the same tables for spreadsheets;
//! - [`labels`]: Vietnamese and English wording.

pub mod csv;
pub mod html;
pub mod labels;
pub mod tally;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use crate::history::query::{self, Filter};
use crate::history::store::{Head, Store, StoreError};
use crate::history::verify::{Break, verify};
pub use labels::Lang;
pub use tally::{Counts, Tally};

/// A report period: whole local days, `first_day` to `last_day` inclusive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn days(first_day: NaiveDate, last_day: NaiveDate, tz: Tz) -> Result<Period, String> {
        if last_day < first_day {
            return Err(t!(
                "report-period-inverted",
                last = last_day.format("%d/%m/%Y"),
                first = first_day.format("%d/%m/%Y")
            ));
        }
        let midnight = |d: NaiveDate| {
            tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .earliest()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| t!("report-no-midnight", day = d.format("%d/%m/%Y"), timezone = tz.name()))
        };
        let next = last_day.succ_opt().ok_or_else(|| t!("report-too-far"))?;
        Ok(Period {
            first_day,
            last_day,
            from: midnight(first_day)?,
            to: midnight(next)?,
        })
    }

    /// `2024-05` or `05/2024`.
    pub fn month(s: &str, tz: Tz) -> Result<Period, String> {
        let s = s.trim();
        let parsed = s
            .split_once('-')
            .or_else(|| s.split_once('/').map(|(m, y)| (y, m)))
            .and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)));
        let (y, m) = parsed.ok_or_else(|| t!("report-not-a-month", text = s))?;
        let first = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| t!("report-month-range", text = s))?;
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .ok_or_else(|| t!("report-month-out-of-range"))?;
        Period::days(first, last, tz)
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    /// A whole calendar month?
    pub fn is_month(&self) -> bool {
        self.first_day.day() == 1
            && self
                .first_day
                .checked_add_months(chrono::Months::new(1))
                .and_then(|d| d.pred_opt())
                == Some(self.last_day)
    }
}

/// A day as the office writes it: `2024-05-31` or `31/05/2024`.
pub fn parse_day(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("`{s}` is not a date; write it as 2024-05-31 (or 31/05/2024)"))
}

/// What `loaxa verify` found, as the report prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integrity {
    pub events: i64,
    pub head: Option<Head>,
    pub first_break: Option<Break>,
}

impl Integrity {
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// A report, ready to render.
#[derive(Clone, Debug)]
pub struct Report {
    pub station: String,
    pub timezone: Tz,
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub tally: Tally,
    pub integrity: Integrity,
}

/// How far past the period's end events still count: posts retry for hours, a programme
/// scheduled at 23:59 ends the next day.
const SETTLE_MARGIN_DAYS: i64 = 8;

/// Reads the period from the history and verifies the whole chain.
pub fn build(store: &Store, station: &str, period: Period) -> Result<Report, StoreError> {
    let tz = store.timezone();
    // Verify first, then read: both inside the daemon's appends, but the head printed is the
    // one the verification walked to, never newer than the counted events.
    let v = verify(store, None)?;
    let filter = Filter {
        from: Some(period.from - chrono::Duration::days(1)),
        to: Some(period.to + chrono::Duration::days(SETTLE_MARGIN_DAYS)),
        ..Filter::default()
    };
    let mut events = query::events(store, &filter)?;
    if let Some(h) = &v.head {
        events.retain(|e| e.seq <= h.seq);
    }
    Ok(Report {
        station: station.to_string(),
        timezone: tz,
        tally: tally::tally(&events, &period, tz),
        period,
        generated_at: Utc::now(),
        integrity: Integrity {
            events: v.events,
            head: v.head,
            first_break: v.first_break,
        },
    })
}

/// `dd/mm/yyyy`, the way Vietnamese documents write dates.
pub fn date_text(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// Minutes with one decimal, or `h giờ m phút` style for long spans, per language.
pub fn duration_text(seconds: f64, lang: Lang) -> String {
    let total = seconds.round() as i64;
    let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60);
    match (lang, h) {
        (Lang::Vi, 0) => format!("{m} phút {s:02} giây"),
        (Lang::Vi, _) => format!("{h} giờ {m:02} phút"),
        (Lang::En, 0) => format!("{m} min {s:02} s"),
        (Lang::En, _) => format!("{h} h {m:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TZ: Tz = chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn a_month_is_its_local_days() {
        let p = Period::month("2024-05", TZ).unwrap();
        assert_eq!(p.first_day, NaiveDate::from_ymd_opt(2024, 5, 1).unwrap());
        assert_eq!(p.last_day, NaiveDate::from_ymd_opt(2024, 5, 31).unwrap());
        assert_eq!(p.from.to_rfc3339(), "2024-04-30T17:00:00+00:00");
        assert_eq!(p.to.to_rfc3339(), "2024-05-31T17:00:00+00:00");
        assert!(p.is_month());
        assert_eq!(Period::month("02/2024", TZ).unwrap().last_day.day(), 29);
        assert!(Period::month("2024-13", TZ).unwrap_err().contains("01 to 12"));
        assert!(Period::month("may", TZ).unwrap_err().contains("2024-05"));
    }

    #[test]
    fn days_are_inclusive_and_ordered() {
        let d = |s| parse_day(s).unwrap();
        let p = Period::days(d("01/05/2024"), d("2024-05-01"), TZ).unwrap();
        assert_eq!((p.to - p.from).num_hours(), 24);
        assert!(!p.is_month());
        assert!(
            Period::days(d("2024-05-02"), d("2024-05-01"), TZ)
                .unwrap_err()
                .contains("before it starts")
        );
        assert!(parse_day("31/02/2024").is_err());
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(75.4, Lang::Vi), "1 phút 15 giây");
        assert_eq!(duration_text(3725.0, Lang::Vi), "1 giờ 02 phút");
        assert_eq!(duration_text(59.6, Lang::En), "1 min 00 s");
    }
}
