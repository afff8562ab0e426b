//! Typed, span-aware reading of one TOML table, collecting every problem instead of stopping.
//!
//! serde stops at the first error in a file. A station editor fixing a file wants the whole list
//! at once, so schedule files are read from toml's spanned document tree (`DeTable`) through
//! this small reader: each getter checks the type, records a diagnostic pointing at the value
//! when it is wrong, and remembers which keys were read so [`Fields::finish`] can report
//! the unknown ones with a "did you mean".

use std::ops::Range;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::text::did_you_mean;

/// A value with the byte span it came from.
pub type Sp<T> = Spanned<T>;

/// Where diagnostics for one file are collected.
pub struct Ctx {
    pub file: FileId,
    pub diagnostics: Vec<Diagnostic>,
}

impl Ctx {
    pub fn new(file: FileId) -> Self {
        Ctx {
            file,
            diagnostics: Vec::new(),
        }
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::error(self.file, span, message))
    }

    pub fn warning(&mut self, span: Range<usize>, message: impl Into<String>) -> &mut Diagnostic {
        self.push(Diagnostic::warning(self.file, span, message))
    }

    fn push(&mut self, d: Diagnostic) -> &mut Diagnostic {
        self.diagnostics.push(d);
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }
}

/// Builder-style helpers on a freshly pushed diagnostic.
pub trait Decorate {
    fn label(&mut self, l: impl Into<String>) -> &mut Self;
    fn hint(&mut self, h: impl Into<String>) -> &mut Self;
    fn code(&mut self, c: &'static str) -> &mut Self;
}

impl Decorate for Diagnostic {
    fn label(&mut self, l: impl Into<String>) -> &mut Self {
        self.label = l.into();
        self
    }
    fn hint(&mut self, h: impl Into<String>) -> &mut Self {
        self.hint = Some(h.into());
        self
    }
    fn code(&mut self, c: &'static str) -> &mut Self {
        self.code = c;
        self
    }
}

/// Reads the keys of one table.
pub struct Fields<'a, 'i> {
    table: &'a DeTable<'i>,
    /// Where to point when a required key is missing: the table's header.
    pub header: Range<usize>,
    /// What the table is called in messages, e.g. "[[broadcast]]".
    what: &'static str,
    known: &'static [&'static str],
    used: Vec<&'static str>,
}

impl<'a, 'i> Fields<'a, 'i> {
    pub fn new(
        table: &'a DeTable<'i>,
        header: Range<usize>,
        what: &'static str,
        known: &'static [&'static str],
    ) -> Self {
        Fields {
            table,
            header,
            what,
            known,
            used: Vec::new(),
        }
    }

    /// The raw value of a key, marking it as read.
    pub fn raw(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        debug_assert!(self.known.contains(&key), "{key} missing from the known keys");
        self.used.push(key);
        self.table.get(key)
    }

    /// The span of a key's name, for "this key conflicts with that key" messages.
    pub fn key_span(&self, key: &str) -> Option<Range<usize>> {
        self.table.get_key_value(key).map(|(k, _)| k.span())
    }

    pub fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    /// True when some unknown key is `key` in other case or misspelt (`At`, `att`): the
    /// unknown-key report names it with "did you mean", so a second error about `key` being
    /// missing would only mislead. Known keys never count (the report is guaranteed).
    pub fn has_misspelt(&self, key: &str) -> bool {
        self.table.keys().any(|k| {
            let k: &str = k.get_ref().as_ref();
            !self.known.contains(&k)
                && (k.eq_ignore_ascii_case(key) || (k.len() >= 3 && did_you_mean(k, [key]).is_some()))
        })
    }

    pub fn string(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Sp<String>> {
        let v = self.raw(key)?;
        expect_str(cx, key, v)
    }

    pub fn required_string(&mut self, cx: &mut Ctx, key: &'static str, example: &str) -> Option<Sp<String>> {
        if !self.has(key) {
            let what = self.shown();
            cx.error(self.header.clone(), t!("check-missing-key", what = what, key = key))
                .code("missing-key")
                .label(t!("check-missing-key-label", what = what, key = key))
                .hint(t!("check-missing-key-hint", key = key, example = example));
            return None;
        }
        let s = self.string(cx, key)?;
        if s.get_ref().trim().is_empty() {
            cx.error(s.span(), t!("check-empty-value", key = key)).hint(t!(
                "check-empty-value-hint",
                key = key,
                example = example
            ));
            return None;
        }
        Some(s)
    }

    /// A string or an array of strings (`audio = "a.mp3"` or `audio = ["a.mp3", "b.mp3"]`).
    pub fn strings(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Sp<Vec<Sp<String>>>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::String(_) => expect_str(cx, key, v).map(|one| Spanned::new(v.span(), vec![one])),
            // A bare time of day (`at = 06:30`); see `expect_str`.
            DeValue::Datetime(dt) if dt.date.is_none() => {
                expect_str(cx, key, v).map(|one| Spanned::new(v.span(), vec![one]))
            }
            DeValue::Array(items) => {
                let list = items.iter().filter_map(|item| expect_str(cx, key, item)).collect();
                Some(Spanned::new(v.span(), list))
            }
            other => {
                wrong_type(cx, key, v.span(), other, &t!("check-want-strings"));
                None
            }
        }
    }

    pub fn integer(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Sp<i64>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
                Ok(n) => Some(Spanned::new(v.span(), n)),
                Err(_) => {
                    cx.error(v.span(), t!("check-too-large", key = key));
                    None
                }
            },
            other => {
                wrong_type(cx, key, v.span(), other, &t!("check-want-integer"));
                None
            }
        }
    }

    /// An integer or a float.
    pub fn number(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Sp<f64>> {
        let v = self.raw(key)?;
        let n = match v.get_ref() {
            DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                .ok()
                .map(|n| n as f64),
            DeValue::Float(f) => f
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite()),
            other => {
                wrong_type(cx, key, v.span(), other, &t!("check-want-number"));
                return None;
            }
        };
        match n {
            Some(n) => Some(Spanned::new(v.span(), n)),
            None => {
                cx.error(v.span(), t!("check-bad-number", key = key));
                None
            }
        }
    }

    /// A single local date.
    pub fn date(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Sp<NaiveDate>> {
        let v = self.raw(key)?;
        expect_date(cx, key, v)
    }

    /// A date or a list of dates.
    pub fn dates(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Vec<Sp<NaiveDate>>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Array(items) => Some(items.iter().filter_map(|i| expect_date(cx, key, i)).collect()),
            _ => expect_date(cx, key, v).map(|d| vec![d]),
        }
    }

    /// A local date-time or a list of them.
    pub fn datetimes(&mut self, cx: &mut Ctx, key: &'static str) -> Option<Vec<Sp<NaiveDateTime>>> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Array(items) => Some(items.iter().filter_map(|i| expect_datetime(cx, key, i)).collect()),
            _ => expect_datetime(cx, key, v).map(|d| vec![d]),
        }
    }

    /// A sub-table such as `[broadcast.post]`.
    pub fn table(&mut self, cx: &mut Ctx, key: &'static str) -> Option<(&'a DeTable<'i>, Range<usize>)> {
        let v = self.raw(key)?;
        match v.get_ref() {
            DeValue::Table(t) => Some((t, v.span())),
            other => {
                wrong_type(cx, key, v.span(), other, &t!("check-want-table", key = key));
                None
            }
        }
    }

    /// What the table is called in a message: its header, or "a schedule file" in words.
    fn shown(&self) -> String {
        if self.what.starts_with('[') {
            self.what.to_string()
        } else {
            t!("check-what-file")
        }
    }

    /// Reports every key that no getter asked for.
    pub fn finish(self, cx: &mut Ctx) {
        let mut unknown: Vec<_> = self
            .table
            .iter()
            .filter(|(k, _)| !self.used.contains(&k.get_ref().as_ref()))
            .map(|(k, _)| k)
            .collect();
        unknown.sort_by_key(|k| k.span().start);
        for k in unknown {
            let name = k.get_ref().as_ref();
            let what = self.shown();
            let hint = match did_you_mean(name, self.known.iter().copied()) {
                Some(s) => t!("check-did-you-mean-key", key = s),
                None => t!("check-keys-allowed", what = what, keys = self.known.join(", ")),
            };
            cx.error(k.span(), t!("check-unknown-key", key = name, what = what))
                .code("unknown-key")
                .label(t!("check-unknown-key-label"))
                .hint(hint);
        }
    }
}

fn expect_str(cx: &mut Ctx, key: &str, v: &Spanned<DeValue<'_>>) -> Option<Sp<String>> {
    match v.get_ref() {
        DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
        // `at = 06:30` without quotes is a TOML time of day: it can only mean that time.
        DeValue::Datetime(dt) if dt.date.is_none() && dt.offset.is_none() => dt.time.map(|t| {
            Spanned::new(
                v.span(),
                format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second.unwrap_or(0)),
            )
        }),
        other => {
            wrong_type(cx, key, v.span(), other, &t!("check-want-text"));
            None
        }
    }
}

/// Says what is wrong with a date: a missing year, a month or day that does not exist, or
/// (when it is far from a date) what a date looks like.
fn not_a_date(cx: &mut Ctx, key: &str, v: &Spanned<DeValue<'_>>) {
    use crate::domain::localtime::{NotADate, why_not_a_date};
    use chrono::Datelike;
    let label = t!("check-not-a-date-label");
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        _ => String::new(),
    };
    match why_not_a_date(&text) {
        Some(NotADate::NoYear { day, month }) => {
            let year = chrono::Utc::now().year();
            cx.error(v.span(), t!("check-date-no-year", text = text.clone()))
                .label(label)
                .hint(t!(
                    "check-date-no-year-hint",
                    date = format!("{day:02}/{month:02}/{year}")
                ));
        }
        Some(NotADate::NoSuchMonth { month, day_first }) => {
            let message = if day_first {
                t!("check-date-no-such-month-day-first", month = month)
            } else {
                t!("check-date-no-such-month", month = month)
            };
            cx.error(v.span(), message)
                .label(label)
                .hint(t!("check-date-no-such-month-hint"));
        }
        Some(NotADate::NoSuchDay { month, year, days }) => {
            let name = chrono::Month::try_from(u8::try_from(month).unwrap_or(1))
                .map(|m| m.name())
                .unwrap_or_default();
            cx.error(
                v.span(),
                t!(
                    "check-date-no-such-day",
                    text = text.clone(),
                    month = month,
                    month_name = name,
                    year = year,
                    days = days
                ),
            )
            .label(label)
            .hint(t!(
                "check-date-no-such-day-hint",
                last = format!("{days:02}/{month:02}/{year}")
            ));
        }
        None => {
            cx.error(v.span(), t!("check-not-a-date", key = key))
                .label(label)
                .hint(t!("check-not-a-date-hint"));
        }
    }
}

fn expect_date(cx: &mut Ctx, key: &str, v: &Spanned<DeValue<'_>>) -> Option<Sp<NaiveDate>> {
    let parsed = match v.get_ref() {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
            _ => None,
        },
        DeValue::String(s) => crate::domain::localtime::parse_date(s),
        other => {
            wrong_type(cx, key, v.span(), other, &t!("check-want-date"));
            return None;
        }
    };
    if parsed.is_none() {
        not_a_date(cx, key, v);
    }
    parsed.map(|d| Spanned::new(v.span(), d))
}

fn expect_datetime(cx: &mut Ctx, key: &str, v: &Spanned<DeValue<'_>>) -> Option<Sp<NaiveDateTime>> {
    let parsed = match v.get_ref() {
        DeValue::Datetime(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), Some(t), None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into())
                .zip(NaiveTime::from_hms_opt(
                    t.hour.into(),
                    t.minute.into(),
                    t.second.unwrap_or(0).into(),
                ))
                .map(|(d, t)| d.and_time(t)),
            (Some(_), Some(_), Some(_)) => {
                cx.error(v.span(), t!("check-utc-offset", key = key))
                    .label(t!("check-utc-offset-label"))
                    .hint(t!("check-utc-offset-hint"));
                return None;
            }
            _ => None,
        },
        DeValue::String(s) => match crate::domain::localtime::parse_date_time(s) {
            Some(Ok(t)) => Some(t),
            Some(Err(why)) => {
                cx.error(v.span(), why)
                    .label(t!("check-not-a-time"))
                    .hint(t!("check-date-time-hint"));
                return None;
            }
            None => None,
        },
        other => {
            wrong_type(cx, key, v.span(), other, &t!("check-want-date-time"));
            return None;
        }
    };
    if parsed.is_none() {
        cx.error(v.span(), t!("check-not-a-date-time", key = key))
            .label(t!("check-not-a-date-time-label"))
            .hint(t!("check-not-a-date-time-hint"));
    }
    parsed.map(|d| Spanned::new(v.span(), d))
}

pub fn wrong_type(cx: &mut Ctx, key: &str, span: Range<usize>, got: &DeValue<'_>, want: &str) {
    cx.error(span, t!("check-wrong-type", key = key, want = want))
        .code("wrong-type")
        .label(t!("check-wrong-type-label", got = type_name(got)))
        .hint(t!("check-wrong-type-hint", key = key, want = want));
}

fn type_name(v: &DeValue<'_>) -> String {
    match v {
        DeValue::String(_) => t!("check-type-text"),
        DeValue::Integer(_) => t!("check-type-integer"),
        DeValue::Float(_) => t!("check-type-float"),
        DeValue::Boolean(_) => t!("check-type-boolean"),
        DeValue::Datetime(_) => t!("check-type-datetime"),
        DeValue::Array(_) => t!("check-type-list"),
        DeValue::Table(_) => t!("check-type-table"),
    }
}
