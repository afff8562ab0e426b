//! Station-local time vocabulary: clock times, weekdays (English and Vietnamese), quiet hours,
//! and the Vietnamese way of writing dates.
//!
//! Everything here is pure parsing and formatting, shared by the config loader, the schedule
//! reader and the plan printer, so one spelling of "Thứ Hai" or "06:15" is accepted everywhere.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

/// Parses `HH:MM` or `HH:MM:SS` (24-hour clock).
pub fn parse_clock(s: &str) -> Result<NaiveTime, String> {
    let parts: Vec<&str> = s.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return Err(format!("`{s}` is not a time: write HH:MM or HH:MM:SS, e.g. \"06:15\""));
    }
    let num = |p: &str| {
        p.parse::<u32>()
            .map_err(|_| format!("`{s}` is not a time: use digits, e.g. \"06:15\""))
    };
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let sec = if parts.len() == 3 { num(parts[2])? } else { 0 };
    if h > 23 {
        return Err(format!("hour {h} in `{s}` is out of range: hours go from 00 to 23"));
    }
    if m > 59 {
        return Err(format!("minute {m} in `{s}` is out of range: minutes go from 00 to 59"));
    }
    if sec > 59 {
        return Err(format!(
            "second {sec} in `{s}` is out of range: seconds go from 00 to 59"
        ));
    }
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(|| format!("`{s}` is not a valid time"))
}

/// A set of weekdays, as a bit mask (bit 0 = Monday).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const ALL: Weekdays = Weekdays(0b111_1111);
    pub const NONE: Weekdays = Weekdays(0);

    pub fn contains(self, d: Weekday) -> bool {
        self.0 & (1 << d.num_days_from_monday()) != 0
    }

    pub fn union(self, other: Weekdays) -> Weekdays {
        Weekdays(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn of(days: &[Weekday]) -> Weekdays {
        Weekdays(days.iter().fold(0, |m, d| m | (1 << d.num_days_from_monday())))
    }

    /// Parses one entry of `days`: `mon`…`sun`, `t2`…`t7`, `cn`, `daily`, `weekdays`, `weekends`.
    pub fn parse_word(s: &str) -> Option<Weekdays> {
        use Weekday::*;
        let w = s.trim().to_lowercase();
        let set = match w.as_str() {
            "mon" | "monday" | "t2" | "thu2" | "thứ hai" | "thứ 2" => Weekdays::of(&[Mon]),
            "tue" | "tuesday" | "t3" | "thu3" | "thứ ba" | "thứ 3" => Weekdays::of(&[Tue]),
            "wed" | "wednesday" | "t4" | "thu4" | "thứ tư" | "thứ 4" => Weekdays::of(&[Wed]),
            "thu" | "thursday" | "t5" | "thu5" | "thứ năm" | "thứ 5" => Weekdays::of(&[Thu]),
            "fri" | "friday" | "t6" | "thu6" | "thứ sáu" | "thứ 6" => Weekdays::of(&[Fri]),
            "sat" | "saturday" | "t7" | "thu7" | "thứ bảy" | "thứ 7" => Weekdays::of(&[Sat]),
            "sun" | "sunday" | "cn" | "chủ nhật" => Weekdays::of(&[Sun]),
            "daily" | "every day" | "hằng ngày" | "hàng ngày" => Weekdays::ALL,
            "weekdays" | "ngày thường" => Weekdays::of(&[Mon, Tue, Wed, Thu, Fri]),
            "weekends" | "cuối tuần" => Weekdays::of(&[Sat, Sun]),
            _ => return None,
        };
        Some(set)
    }

    /// The words `parse_word` accepts, for "did you mean" suggestions.
    pub const WORDS: &'static [&'static str] = &[
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "t2", "t3", "t4", "t5", "t6", "t7", "cn", "daily", "weekdays",
        "weekends",
    ];
}

/// A daily window in which normal and priority broadcasts must not air, e.g. `21:00-05:00`.
/// The window may wrap past midnight; the end is exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    pub fn parse(s: &str) -> Result<QuietHours, String> {
        let (a, b) = s
            .split_once('-')
            .ok_or_else(|| format!("`{s}` is not a time range: write START-END, e.g. \"21:00-05:00\""))?;
        let start = parse_clock(a)?;
        let end = parse_clock(b)?;
        if start == end {
            return Err(format!(
                "`{s}` starts and ends at the same time: the window would be empty"
            ));
        }
        Ok(QuietHours { start, end })
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            t >= self.start && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }
}

impl std::fmt::Display for QuietHours {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.start.format("%H:%M"), self.end.format("%H:%M"))
    }
}

/// "Thứ Hai", "Chủ Nhật", …
pub fn weekday_vi(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ Nhật",
    }
}

/// A date as Vietnamese readers write it: `Thứ Hai, 15/04/2024`.
pub fn date_vi(d: NaiveDate) -> String {
    format!("{}, {}", weekday_vi(d.weekday()), d.format("%d/%m/%Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_times() {
        assert_eq!(
            parse_clock("06:15").unwrap(),
            NaiveTime::from_hms_opt(6, 15, 0).unwrap()
        );
        assert_eq!(
            parse_clock("17:10:30").unwrap(),
            NaiveTime::from_hms_opt(17, 10, 30).unwrap()
        );
        assert!(parse_clock("25:00").unwrap_err().contains("hour 25"));
        assert!(parse_clock("06:60").unwrap_err().contains("minute 60"));
        assert!(parse_clock("6h15").is_err());
        assert!(parse_clock("06:15:00:00").is_err());
    }

    #[test]
    fn weekday_words() {
        assert!(Weekdays::parse_word("T2").unwrap().contains(Weekday::Mon));
        assert!(Weekdays::parse_word("cn").unwrap().contains(Weekday::Sun));
        let wk = Weekdays::parse_word("weekdays").unwrap();
        assert!(wk.contains(Weekday::Fri) && !wk.contains(Weekday::Sat));
        assert_eq!(Weekdays::parse_word("daily"), Some(Weekdays::ALL));
        assert_eq!(Weekdays::parse_word("mondey"), None);
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let q = QuietHours::parse("21:00-05:00").unwrap();
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert!(q.contains(t(21, 0)) && q.contains(t(23, 59)) && q.contains(t(4, 59)));
        assert!(!q.contains(t(5, 0)) && !q.contains(t(20, 59)) && !q.contains(t(12, 0)));
        let day = QuietHours::parse("12:00-13:30").unwrap();
        assert!(day.contains(t(12, 30)) && !day.contains(t(13, 30)));
        assert!(QuietHours::parse("21:00").is_err());
        assert!(QuietHours::parse("05:00-05:00").is_err());
    }

    #[test]
    fn vietnamese_dates() {
        let d = NaiveDate::from_ymd_opt(2024, 4, 15).unwrap();
        assert_eq!(date_vi(d), "Thứ Hai, 15/04/2024");
    }
}
