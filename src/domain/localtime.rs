//! Station-local time vocabulary: clock times, weekdays (English and Vietnamese), quiet hours,
//! and the Vietnamese way of writing dates.
//!
//! Everything here is pure parsing and formatting, shared by the config loader, the schedule
//! reader and the plan printer, so one spelling of "Thứ Hai" or "06:15" is accepted everywhere.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

/// Parses a time of day as officers write it: `06:15`, `6:15`, `06:15:30`, and the
/// Vietnamese notations `6h30`, `6g30`, `06h30`, `17h05`, `6h` (24-hour clock). A 12-hour
/// time (`6:30 PM`, `6h30 chiều`) is refused with the 24-hour time it means.
pub fn parse_clock(s: &str) -> Result<NaiveTime, String> {
    let t = s.trim();
    if let Some(h24) = twelve_hour(t) {
        return Err(t!("time-twelve-hour", text = s, h24 = h24));
    }
    if let Some(time) = vietnamese_clock(t) {
        return time;
    }
    let parts: Vec<&str> = t.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return Err(t!("time-not-a-time", text = s));
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| t!("time-not-digits", text = s));
    let h = num(parts[0])?;
    let m = num(parts[1])?;
    let sec = if parts.len() == 3 { num(parts[2])? } else { 0 };
    clock(s, h, m, sec)
}

fn clock(s: &str, h: u32, m: u32, sec: u32) -> Result<NaiveTime, String> {
    if h > 23 {
        return Err(t!("time-hour-range", hour = h, text = s));
    }
    if m > 59 {
        return Err(t!("time-minute-range", minute = m, text = s));
    }
    if sec > 59 {
        return Err(t!("time-second-range", second = sec, text = s));
    }
    NaiveTime::from_hms_opt(h, m, sec).ok_or_else(|| t!("time-invalid", text = s))
}

/// `6h30`, `6g30`, `6H`, `17h05`: hours, `h` or `g` (giờ), then minutes or nothing. None when
/// `t` is not written that way.
fn vietnamese_clock(t: &str) -> Option<Result<NaiveTime, String>> {
    let at = t.find(['h', 'H', 'g', 'G'])?;
    let (hours, minutes) = (&t[..at], &t[at + 1..]);
    let digits = |x: &str, max: usize| !x.is_empty() && x.len() <= max && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours, 2) || !(minutes.is_empty() || (digits(minutes, 2) && minutes.len() == 2)) {
        return None;
    }
    let h = hours.parse().ok()?;
    let m = if minutes.is_empty() { 0 } else { minutes.parse().ok()? };
    Some(clock(t, h, m, 0))
}

/// The 24-hour time a 12-hour one means (`6:30 PM` → `18:30`, `6h30 chiều` → `18:30`,
/// `12 AM` → `00:00`), or None when `t` has no AM/PM or sáng/trưa/chiều/tối/đêm.
pub fn twelve_hour(t: &str) -> Option<String> {
    let lower = t.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    let (clock_part, marker) = match words.as_slice() {
        [c, m] => (c.to_string(), m.to_string()),
        [c] => {
            let split = c.find(|ch: char| ch.is_alphabetic() && !matches!(ch, 'h' | 'g'))?;
            (c[..split].to_string(), c[split..].to_string())
        }
        _ => return None,
    };
    let marker = marker.replace('.', "");
    let (h, m) = {
        let c = clock_part.trim_end_matches(['h', 'g']);
        let (h, m) = c.split_once([':', 'h', 'g']).unwrap_or((c, "0"));
        let m = if m.is_empty() { "0" } else { m };
        (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)
    };
    if h == 0 || h > 12 || m > 59 {
        return None;
    }
    let h24 = match marker.as_str() {
        "am" | "a" | "sáng" => h % 12,
        "pm" | "p" | "chiều" | "tối" => h % 12 + 12,
        "trưa" if h <= 3 => h + 12,
        "trưa" => h,
        "đêm" if h == 12 => 0,
        "đêm" if h >= 7 => h + 12,
        "đêm" => h,
        _ => return None,
    };
    Some(format!("{h24:02}:{m:02}"))
}

/// Parses a date as it is written in Vietnam or in ISO form: `2026-12-01`, `01/12/2026`,
/// `1/12/2026`, `01-12-2026`, `01.12.2026` (day first: Vietnamese never writes month first).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let num = |x: &str, max_len: usize| {
        (!x.is_empty() && x.len() <= max_len && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(num(y, 4)? as i32, num(m, 2)?, num(d, 2)?)
}

/// Why a text that is nearly a date is not one: what `check` says instead of "not a date".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotADate {
    /// `25/12`: a day and a month, no year.
    NoYear { day: u32, month: u32 },
    /// `01/13/2026` (month first, most likely: `day_first`) or `2026-13-01`.
    NoSuchMonth { month: u32, day_first: bool },
    /// `31/11/2026`: the month has `days` days.
    NoSuchDay { month: u32, year: i32, days: u32 },
}

/// Why `s`, written as dates are ([`parse_date`]), is not a date; None if it is one, or is
/// too far from one to say.
pub fn why_not_a_date(s: &str) -> Option<NotADate> {
    if parse_date(s).is_some() {
        return None;
    }
    let num = |x: &str| {
        (!x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse::<u32>().ok())
            .flatten()
    };
    let parts: Vec<&str> = s.trim().split(['/', '-', '.']).collect();
    let (day, month, year, day_first) = match parts.as_slice() {
        [d, m] => {
            let (day, month) = (num(d)?, num(m)?);
            return ((1..=31).contains(&day) && (1..=12).contains(&month)).then_some(NotADate::NoYear { day, month });
        }
        [y, m, d] if y.len() == 4 => (num(d)?, num(m)?, num(y)?, false),
        [d, m, y] if y.len() == 4 => (num(d)?, num(m)?, num(y)?, true),
        _ => return None,
    };
    if !(1..=12).contains(&month) {
        return Some(NotADate::NoSuchMonth { month, day_first });
    }
    let year = i32::try_from(year).ok()?;
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    let days = u32::try_from((next - first).num_days()).ok()?;
    (day == 0 || day > days).then_some(NotADate::NoSuchDay { month, year, days })
}

/// A local date with a time: the date as [`parse_date`] takes it, then `T` or spaces, then
/// the time as [`parse_clock`] takes it (`01/12/2026 7h`, `2026-12-01T07:00:00`). Errors
/// explain the time; None when the date part is not a date.
pub fn parse_date_time(s: &str) -> Option<Result<NaiveDateTime, String>> {
    let t = s.trim();
    let (date, time) = t
        .split_once('T')
        .filter(|(d, _)| parse_date(d).is_some())
        .or_else(|| t.split_once(char::is_whitespace))?;
    let date = parse_date(date)?;
    Some(parse_clock(time.trim()).map(|clock| date.and_time(clock)))
}

/// A date as officers read it: `19/05/2024`.
pub fn show_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// A local date and time as officers read it: `19/05/2024 07:00` (seconds only when set).
pub fn show_date_time(t: NaiveDateTime) -> String {
    if t.second() == 0 {
        t.format("%d/%m/%Y %H:%M").to_string()
    } else {
        t.format("%d/%m/%Y %H:%M:%S").to_string()
    }
}

/// A time of day as officers read it: `21:30` (seconds only when set).
pub fn show_time(t: NaiveTime) -> String {
    if t.second() == 0 {
        t.format("%H:%M").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
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

    /// Parses one entry of `days`: `mon`…`sun` (and full names), `daily`, `weekdays`,
    /// `weekends`, and the Vietnamese forms officers write: `t2`…`t7`, `t.3`, `T3`, `thu 3`,
    /// `thứ 3`, `thứ ba`, `thu ba`, `cn`, `chủ nhật`, `hằng ngày`, `ngày thường`, `cuối tuần`,
    /// composed or decomposed (NFD), with or without diacritics. `thu` alone is Thursday;
    /// `thứ` alone is no day.
    pub fn parse_word(s: &str) -> Option<Weekdays> {
        use Weekday::*;
        use unicode_normalization::UnicodeNormalization;
        let w: String = s.nfc().collect::<String>().to_lowercase();
        let w = w.split_whitespace().collect::<Vec<_>>().join(" ");
        let english = match w.as_str() {
            "mon" | "monday" => Some(Weekdays::of(&[Mon])),
            "tue" | "tues" | "tuesday" => Some(Weekdays::of(&[Tue])),
            "wed" | "wednesday" => Some(Weekdays::of(&[Wed])),
            "thu" | "thur" | "thurs" | "thursday" => Some(Weekdays::of(&[Thu])),
            "fri" | "friday" => Some(Weekdays::of(&[Fri])),
            "sat" | "saturday" => Some(Weekdays::of(&[Sat])),
            "sun" | "sunday" => Some(Weekdays::of(&[Sun])),
            "daily" | "every day" => Some(Weekdays::ALL),
            "weekdays" => Some(Weekdays::of(&[Mon, Tue, Wed, Thu, Fri])),
            "weekends" => Some(Weekdays::of(&[Sat, Sun])),
            _ => None,
        };
        if english.is_some() {
            return english;
        }
        let folded = fold(&w);
        match folded.as_str() {
            "cn" | "c.n" | "chu nhat" | "chunhat" => return Some(Weekdays::of(&[Sun])),
            "hang ngay" | "moi ngay" => return Some(Weekdays::ALL),
            "ngay thuong" => return Some(Weekdays::of(&[Mon, Tue, Wed, Thu, Fri])),
            "cuoi tuan" => return Some(Weekdays::of(&[Sat, Sun])),
            _ => {}
        }
        // `thu 3`, `thứ ba`, `t3`, `t.3`: a prefix, then the day's number or its name.
        let rest = folded
            .strip_prefix("thu")
            .or_else(|| folded.strip_prefix('t'))?
            .trim_start_matches(['.', ' ', '-']);
        let day = match rest {
            "2" | "hai" => Mon,
            "3" | "ba" => Tue,
            "4" | "tu" => Wed,
            "5" | "nam" => Thu,
            "6" | "sau" => Fri,
            "7" | "bay" => Sat,
            _ => return None,
        };
        Some(Weekdays::of(&[day]))
    }

    /// The words `parse_word` accepts, for "did you mean" suggestions.
    pub const WORDS: &'static [&'static str] = &[
        "mon", "tue", "wed", "thu", "fri", "sat", "sun", "t2", "t3", "t4", "t5", "t6", "t7", "cn", "daily", "weekdays",
        "weekends",
    ];
}

/// Vietnamese without its diacritics (`thứ bảy` → `thu bay`, `đêm` → `dem`), composed first.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .map(|c| match c {
            'đ' => 'd',
            'Đ' => 'D',
            c => c,
        })
        .collect()
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
        let (a, b) = s.split_once('-').ok_or_else(|| t!("time-not-a-range", text = s))?;
        let start = parse_clock(a)?;
        let end = parse_clock(b)?;
        if start == end {
            return Err(t!("time-empty-range", text = s));
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

    /// Whether a programme that starts at `start` and plays for `length` is on air during
    /// the quiet hours at any moment (ending exactly as they begin is not).
    pub fn overlaps(&self, start: NaiveTime, length: std::time::Duration) -> bool {
        let length = chrono::Duration::from_std(length).unwrap_or(chrono::Duration::days(1));
        // Not quiet at its start, it is on air during them only if they begin while it plays.
        let begin_after = (self.start - start).num_seconds().rem_euclid(86_400);
        self.contains(start) || (begin_after > 0 && chrono::Duration::seconds(begin_after) < length)
    }
}

/// "2 days", "3 h 20 min", "45 s": a span as a person reads it (days to the nearest hour).
pub fn show_span(d: chrono::Duration) -> String {
    let s = d.num_seconds().abs();
    if s < 120 {
        return t!("span-seconds", s = s);
    }
    if s < 7200 {
        return t!("span-minutes", m = (s + 30) / 60);
    }
    if s < 86_400 {
        return t!("span-hours", h = s / 3600, m = s % 3600 / 60);
    }
    let hours = (s + 1800) / 3600;
    let (days, h) = (hours / 24, hours % 24);
    if h == 0 {
        t!("span-days", d = days)
    } else {
        t!("span-days-hours", d = days, h = h)
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

/// A day as people read it in the current language: `Thứ Hai, 15/04/2024` or
/// `Monday, 15/04/2024`.
pub fn show_day(d: NaiveDate) -> String {
    match crate::i18n::current() {
        crate::i18n::Lang::Vi => date_vi(d),
        crate::i18n::Lang::En => d.format("%A, %d/%m/%Y").to_string(),
    }
}

/// A date as Vietnamese readers write it: `Thứ Hai, 15/04/2024`.
pub fn date_vi(d: NaiveDate) -> String {
    format!("{}, {}", weekday_vi(d.weekday()), d.format("%d/%m/%Y"))
}

/// A length as officers write it on the command line: `90s`, `10m`, `1h30m`, `2h`, or a bare
/// number of minutes (`45`). None when it is not one.
pub fn parse_span(s: &str) -> Option<std::time::Duration> {
    let t = s.trim().to_ascii_lowercase();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u64>().ok().map(|m| std::time::Duration::from_secs(m * 60));
    }
    let (mut total, mut number, mut units) = (0u64, String::new(), 0);
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let scale = match c {
            'h' | 'g' => 3600,
            'm' | 'p' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = number.parse().ok()?;
        total = total.checked_add(n.checked_mul(scale)?)?;
        number.clear();
        units += 1;
    }
    (number.is_empty() && units > 0).then(|| std::time::Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_date_says_what_is_wrong() {
        assert_eq!(why_not_a_date("25/12"), Some(NotADate::NoYear { day: 25, month: 12 }));
        assert_eq!(
            why_not_a_date("01/13/2026"),
            Some(NotADate::NoSuchMonth {
                month: 13,
                day_first: true
            })
        );
        assert_eq!(
            why_not_a_date("31/11/2026"),
            Some(NotADate::NoSuchDay {
                month: 11,
                year: 2026,
                days: 30
            })
        );
        assert_eq!(
            why_not_a_date("2027-02-29"),
            Some(NotADate::NoSuchDay {
                month: 2,
                year: 2027,
                days: 28
            })
        );
        assert_eq!(why_not_a_date("29/02/2028"), None, "a leap year's day");
        assert_eq!(why_not_a_date("hôm nay"), None);
    }

    #[test]
    fn spans_read_as_a_person_says_them() {
        use chrono::Duration;
        assert_eq!(show_span(Duration::seconds(45)), "45 s");
        assert_eq!(show_span(Duration::minutes(20)), "20 min");
        assert_eq!(show_span(Duration::minutes(200)), "3 h 20 min");
        assert_eq!(show_span(Duration::minutes(47 * 60 + 59)), "2 days");
        assert_eq!(show_span(-Duration::hours(30)), "1 day 6 h");
    }

    #[test]
    fn a_programme_is_in_the_quiet_hours_if_it_starts_or_plays_on_into_them() {
        let q = QuietHours::parse("21:00-05:00").unwrap();
        let t = |s: &str| parse_clock(s).unwrap();
        let m = |n: u64| std::time::Duration::from_secs(n * 60);
        assert!(!q.overlaps(t("20:30"), m(30)), "ends as they begin");
        assert!(q.overlaps(t("20:30"), m(31)));
        assert!(q.overlaps(t("04:59"), m(1)), "starts inside");
        assert!(!q.overlaps(t("05:00"), m(15 * 60 + 59)));
        assert!(q.overlaps(t("05:30"), m(23 * 60 + 30)), "through the night");
        let day = QuietHours::parse("12:00-13:00").unwrap();
        assert!(day.overlaps(t("11:30"), m(45)) && !day.overlaps(t("13:00"), m(60)));
    }

    #[test]
    fn spans() {
        let s = |m: u64| Some(std::time::Duration::from_secs(m));
        assert_eq!(parse_span("90s"), s(90));
        assert_eq!(parse_span("10m"), s(600));
        assert_eq!(parse_span("1h30m"), s(5400));
        assert_eq!(parse_span("2H"), s(7200));
        assert_eq!(parse_span("45"), s(2700));
        assert_eq!(parse_span("10p"), s(600), "phút");
        for bad in ["", "m", "10x", "1h30", "-5m", "1.5h"] {
            assert_eq!(parse_span(bad), None, "{bad}");
        }
    }

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
        assert!(parse_clock("06:15:00:00").is_err());
    }

    #[test]
    fn times_as_officers_write_them() {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        for (s, want) in [
            ("6h30", t(6, 30)),
            ("6g30", t(6, 30)),
            ("06h30", t(6, 30)),
            ("17h05", t(17, 5)),
            ("6h", t(6, 0)),
            ("6H30", t(6, 30)),
            ("6:30", t(6, 30)),
            (" 17G ", t(17, 0)),
        ] {
            assert_eq!(parse_clock(s), Ok(want), "{s}");
        }
        assert!(parse_clock("25h").unwrap_err().contains("hour 25"));
        assert!(parse_clock("6h75").unwrap_err().contains("minute 75"));
        assert!(parse_clock("6h3").is_err(), "one minute digit is ambiguous");
        // A 12-hour time is never guessed: the message gives the 24-hour time it means.
        for (s, means) in [
            ("6:30 PM", "18:30"),
            ("6:30pm", "18:30"),
            ("6:30 a.m.", "06:30"),
            ("12 AM", "00:00"),
            ("12:15 PM", "12:15"),
            ("6h30 chiều", "18:30"),
            ("7h tối", "19:00"),
            ("6h sáng", "06:00"),
            ("12h trưa", "12:00"),
            ("1h trưa", "13:00"),
            ("11h đêm", "23:00"),
        ] {
            let e = parse_clock(s).unwrap_err();
            assert!(e.contains(&format!("\"{means}\"")), "{s}: {e}");
        }
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
    fn dates_day_first_and_iso() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_date("2026-12-01"), d(2026, 12, 1));
        assert_eq!(parse_date("01/12/2026"), d(2026, 12, 1));
        assert_eq!(parse_date("1/12/2026"), d(2026, 12, 1));
        assert_eq!(parse_date("01-12-2026"), d(2026, 12, 1));
        assert_eq!(parse_date("01.12.2026"), d(2026, 12, 1));
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("12/2026"), None);
        assert_eq!(parse_date("01/12/26"), None, "a two-digit year is not guessed");
        let t = parse_date_time("01/12/2026 7h").unwrap().unwrap();
        assert_eq!(t.to_string(), "2026-12-01 07:00:00");
        assert!(
            parse_date_time("01/12/2026 7:30 PM")
                .unwrap()
                .unwrap_err()
                .contains("19:30")
        );
        assert_eq!(parse_date_time("hôm nay"), None);
    }

    #[test]
    fn weekdays_as_officers_write_them() {
        let one = |d| Some(Weekdays::of(&[d]));
        let nfd = |s: &str| {
            use unicode_normalization::UnicodeNormalization;
            s.nfd().collect::<String>()
        };
        for s in [
            "thu ba", "thu 3", "Thu 3", "T3", "t.3", "thứ 3", "thứ ba", "Thứ Ba", "THỨ BA", "thu3", "t 3",
        ] {
            assert_eq!(Weekdays::parse_word(s), one(Weekday::Tue), "{s}");
        }
        assert_eq!(Weekdays::parse_word(&nfd("thứ ba")), one(Weekday::Tue), "decomposed");
        assert_eq!(Weekdays::parse_word("thứ tư"), one(Weekday::Wed));
        assert_eq!(Weekdays::parse_word("thu nam"), one(Weekday::Thu));
        assert_eq!(Weekdays::parse_word("thứ bảy"), one(Weekday::Sat));
        assert_eq!(Weekdays::parse_word("thứ bẩy"), one(Weekday::Sat));
        assert_eq!(Weekdays::parse_word(&nfd("chủ nhật")), one(Weekday::Sun));
        assert_eq!(Weekdays::parse_word("chu nhat"), one(Weekday::Sun));
        assert_eq!(Weekdays::parse_word("Hằng ngày"), Some(Weekdays::ALL));
        // English `thu` is Thursday; a bare `thứ` is no day at all.
        assert_eq!(Weekdays::parse_word("thu"), one(Weekday::Thu));
        assert_eq!(Weekdays::parse_word("thứ"), None);
        assert_eq!(Weekdays::parse_word("t8"), None);
        assert_eq!(Weekdays::parse_word("thứ 8"), None);
        assert_eq!(Weekdays::parse_word("tu"), None);
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
