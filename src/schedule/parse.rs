//! Reading one schedule file: `[campaign]` and `[[broadcast]]` tables into [`Broadcast`]s.
//!
//! Every check that concerns a single broadcast lives here, next to the spans it points at:
//! times, days, cron, date ranges, quiet hours, audio files, channels and the post.

use std::ops::Range;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use croner::parser::{CronParser, Seconds, Year};
use toml::de::{DeTable, DeValue};

use super::fields::{Ctx, Decorate, Fields, Sp};
use super::{AudioItem, Broadcast, Chime, DateFilter, Origin, Post, Priority, Rule};
use crate::config::{Config, LOUDSPEAKER};
use crate::diagnostic::{Diagnostic, FileId, did_you_mean};
use crate::localtime::{QuietHours, Weekdays, parse_clock};
use crate::media::{Library, MediaError};
use crate::plan;

const ROOT_KEYS: &[&str] = &["campaign", "broadcast"];
const CAMPAIGN_KEYS: &[&str] = &["name", "from", "until", "except"];
const BROADCAST_KEYS: &[&str] = &[
    "id",
    "title",
    "at",
    "days",
    "cron",
    "on",
    "from",
    "until",
    "except",
    "priority",
    "audio",
    "repeat",
    "gap_seconds",
    "volume",
    "chime",
    "channels",
    "post",
];
const POST_KEYS: &[&str] = &["title", "text", "link", "image"];

/// The most times a programme may repeat; more is almost certainly a typo.
const MAX_REPEAT: i64 = 20;
const MAX_GAP_SECONDS: f64 = 600.0;

/// `[campaign]` values that broadcasts inherit.
#[derive(Default)]
struct Campaign {
    name: Option<String>,
    from: Option<Sp<NaiveDate>>,
    until: Option<Sp<NaiveDate>>,
    except: Option<Vec<Sp<NaiveDate>>>,
}

/// What one file yields: its valid broadcasts, every id it declares (valid or not, for the
/// duplicate check) and its diagnostics.
#[derive(Default)]
pub struct ParsedFile {
    pub broadcasts: Vec<Broadcast>,
    pub ids: Vec<(String, Origin)>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse_file(config: &Config, media: &mut Library, file: FileId, text: &str) -> ParsedFile {
    let mut cx = Ctx::new(file);
    let mut parsed = ParsedFile::default();
    let (root, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // Only the first: the ones after it are usually echoes of the same mistake.
        syntax_error(&mut cx, text, &syntax_errors[0]);
        parsed.diagnostics = cx.diagnostics;
        return parsed;
    }
    let root_span = 0..text.len().min(1);
    let mut top = Fields::new(root.get_ref(), root_span.clone(), "a schedule file", ROOT_KEYS);

    let campaign = match top.table(&mut cx, "campaign") {
        Some((t, span)) => parse_campaign(&mut cx, t, header_span(text, span)),
        None => Campaign::default(),
    };

    match top.raw("broadcast").map(|v| (v.get_ref(), v.span())) {
        None => {
            cx.warning(root_span, "this file has no broadcasts")
                .label("nothing here will air")
                .hint("add a [[broadcast]] section, or move the file out of the schedules folder");
        }
        Some((DeValue::Array(items), _)) => {
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::Table(t) => {
                        let header = header_span(text, item.span());
                        if let Some(b) = parse_broadcast(config, media, &mut cx, &campaign, t, header, &mut parsed.ids)
                        {
                            parsed.broadcasts.push(b);
                        }
                    }
                    _ => {
                        cx.error(item.span(), "each broadcast must be a table")
                            .hint("write each broadcast as a [[broadcast]] section");
                    }
                }
            }
        }
        Some((_, span)) => {
            cx.error(
                header_span(text, span),
                "`broadcast` must be written with double brackets",
            )
            .label("a single table")
            .hint("write [[broadcast]] (two brackets on each side), once before every broadcast");
        }
    }
    top.finish(&mut cx);
    parsed.diagnostics = cx.diagnostics;
    parsed
}

fn syntax_error(cx: &mut Ctx, text: &str, e: &toml::de::Error) {
    // Point at where reading stopped; a span running over several lines only confuses.
    let mut start = e.span().map_or(0, |s| s.start).min(text.len());
    let mut message = e.message().lines().next().unwrap_or("invalid TOML").trim().to_string();
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    // An unclosed list is reported by toml on the next line; point at the list instead.
    if message.contains("array") && line_start > 0 {
        let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &text[prev_start..line_start - 1];
        if prev.contains('[') && !prev.contains(']') && prev.contains('=') {
            start = line_start - 1;
            message = "a list is not closed".into();
        }
    }
    let end = text[start..]
        .chars()
        .next()
        .map_or(start, |c| if c == '\n' { start } else { start + c.len_utf8() });
    // `from = 01/12/2026`: a day-first date without quotes, which TOML cannot read.
    let (key, value) = line.split_once('=').map_or(("", ""), |(k, v)| (k.trim(), v.trim()));
    let day_first = value
        .chars()
        .all(|c| c.is_ascii_digit() || c == '/' || c == '.')
        .then(|| crate::localtime::parse_date(value))
        .flatten();
    let hint: String = if let Some(date) = day_first {
        format!(
            "a date written day first goes in double quotes: {key} = \"{value}\" (or without quotes as {})",
            date.format("%Y-%m-%d")
        )
    } else if value.starts_with('"') && value.contains('\\') {
        format!(
            "a backslash (\\) starts an escape in TOML: separate folders with /, e.g. {key} = {}",
            value.replace('\\', "/")
        )
    } else if line.contains(['“', '”', '‘', '’']) {
        "these are typographic quotes (from Word): use straight double quotes \" on both sides, e.g. title = \"Bản tin sáng\"".into()
    } else if message.contains("recurs") {
        "lists or tables are nested far too deeply here; a schedule never needs more than a list inside a [[broadcast]]"
            .into()
    } else if message == "a list is not closed" {
        "end the list with `]` on the same line, e.g. at = [\"06:15\", \"17:10\"]".into()
    } else if message.contains("duplicate key") {
        "each key may appear once per section; for several values use a list, e.g. at = [\"06:15\", \"17:10\"]".into()
    } else if line.matches('"').count() % 2 == 1 {
        "a quote is not closed: text goes between two double quotes, e.g. title = \"Bản tin sáng\"".into()
    } else if message.contains("quoted") || message.contains("invalid string") {
        "text must be in double quotes, e.g. title = \"Bản tin sáng\"".into()
    } else if !line.contains('=') && !line.trim_start().starts_with('[') {
        "each line is `key = value`, a [section] header, or a comment starting with #".into()
    } else {
        "text needs double quotes, dates are written 2024-04-15, lists use [ ] with commas".into()
    };
    cx.error(start..end, format!("TOML syntax error: {message}"))
        .code("toml-syntax")
        .label("the file cannot be read past this point")
        .hint(hint);
}

/// Narrows a table's span to its header line (`[[broadcast]]`), which is where a person looks.
fn header_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let header = text[line_start..]
        .find("[[broadcast]]")
        .or_else(|| text[line_start..].find('['))
        .map(|i| line_start + i)
        .filter(|&i| i <= start.max(line_start));
    let s = header.unwrap_or(start);
    let e = text[s..].find('\n').map(|i| s + i).unwrap_or(text.len());
    s..e.max(s)
}

fn parse_campaign(cx: &mut Ctx, t: &DeTable<'_>, header: Range<usize>) -> Campaign {
    let mut f = Fields::new(t, header, "[campaign]", CAMPAIGN_KEYS);
    let c = Campaign {
        name: f.string(cx, "name").map(|s| s.into_inner()),
        from: f.date(cx, "from"),
        until: f.date(cx, "until"),
        except: f.dates(cx, "except"),
    };
    if let (Some(from), Some(until)) = (&c.from, &c.until)
        && until.get_ref() < from.get_ref()
    {
        cx.error(until.span(), "the campaign ends before it starts")
            .label(format!("`until` is before `from` ({})", from.get_ref()))
            .hint("swap the two dates, or correct the year");
    }
    f.finish(cx);
    c
}

fn parse_broadcast(
    config: &Config,
    media: &mut Library,
    cx: &mut Ctx,
    campaign: &Campaign,
    t: &DeTable<'_>,
    header: Range<usize>,
    ids: &mut Vec<(String, Origin)>,
) -> Option<Broadcast> {
    let errors_before = cx.diagnostics.iter().filter(|d| d.is_error()).count();
    let mut f = Fields::new(t, header.clone(), "[[broadcast]]", BROADCAST_KEYS);

    let id = f.required_string(cx, "id", "\"ban-tin-sang\"");
    if let Some(id) = &id
        && !valid_id(id.get_ref())
    {
        cx.error(id.span(), format!("`{}` is not a usable id", id.get_ref()))
            .label("ids are short codes")
            .hint("use lowercase letters, digits and dashes, e.g. id = \"vneid-muc-2\"");
    }
    if let Some(id) = &id {
        ids.push((
            id.get_ref().clone(),
            Origin {
                file: cx.file,
                id_span: id.span(),
            },
        ));
    }
    let title = f.required_string(cx, "title", "\"Bản tin sáng\"");

    let dates = read_dates(cx, &mut f, campaign);
    let priority = read_priority(cx, &mut f);
    let rule = read_rule(cx, &mut f, &header, &dates);
    let channels = read_channels(config, cx, &mut f);
    let audio = read_audio(media, cx, &mut f);
    let repeat = read_repeat(cx, &mut f);
    let gap = read_gap(cx, &mut f);
    let volume = read_volume(cx, &mut f);
    let chime = read_chime(config, media, cx, &mut f);
    let post_table = f.table(cx, "post");
    let post_span = post_table.as_ref().map(|(_, span)| span.clone());
    let post = post_table.and_then(|(t, span)| read_post(media, cx, t, span));
    let channels_span = f.key_span("channels");
    f.finish(cx);

    let on_loudspeaker = channels.as_ref().is_some_and(|c| c.iter().any(|c| c == LOUDSPEAKER));
    if on_loudspeaker && !f_has_audio(&audio) && !t.contains_key("audio") {
        cx.error(
            header.clone(),
            "this broadcast goes to the loudspeaker but has no `audio`",
        )
        .label("nothing to play")
        .hint(
            "add audio = [\"folder/file.mp3\"] (relative to the media folder), or remove \"loudspeaker\" from channels",
        );
    }
    let web: Vec<&String> = channels.iter().flatten().filter(|c| *c != LOUDSPEAKER).collect();
    if !web.is_empty() && post.is_none() && !t.contains_key("post") {
        let span = channels_span.unwrap_or(header.clone());
        cx.error(
            span,
            format!("channel `{}` needs a [broadcast.post] with the text to publish", web[0]),
        )
        .label("nothing to post")
        .hint("add a [broadcast.post] section with at least text = \"…\" under this broadcast");
    }

    let b = Broadcast {
        id: id.as_ref().map(|i| i.get_ref().clone()).unwrap_or_default(),
        title: title.map(|t| t.into_inner()).unwrap_or_default(),
        campaign: campaign.name.clone(),
        rule: rule.as_ref().map(|r| r.0.clone())?,
        dates,
        priority,
        audio: audio.unwrap_or_default(),
        repeat,
        gap,
        volume,
        chime,
        channels: channels.clone().unwrap_or_default(),
        post,
        origin: Origin {
            file: cx.file,
            id_span: id.as_ref().map(|i| i.span()).unwrap_or(header),
        },
    };
    if let (Some(post), Some(span)) = (&b.post, &post_span) {
        check_posts(config, cx, &b, post, span.clone());
    }
    let dates_inverted = matches!((b.dates.from, b.dates.until), (Some(f), Some(u)) if u < f);
    if !dates_inverted && let Some((_, spans)) = &rule {
        check_timing(config, cx, &b, spans);
    }
    let errors_after = cx.diagnostics.iter().filter(|d| d.is_error()).count();
    (errors_after == errors_before && id.is_some() && channels.is_some()).then_some(b)
}

fn f_has_audio(a: &Option<Vec<AudioItem>>) -> bool {
    a.as_ref().is_some_and(|a| !a.is_empty())
}

fn valid_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

fn read_dates(cx: &mut Ctx, f: &mut Fields<'_, '_>, campaign: &Campaign) -> DateFilter {
    let from = f.date(cx, "from");
    let until = f.date(cx, "until");
    let except = f.dates(cx, "except");
    let own = from.is_some() || until.is_some();
    // The campaign's days off apply to each of its broadcasts; one that falls outside a
    // broadcast's own dates is simply not needed there (19 public holidays used to give 19
    // warnings per broadcast). Only the broadcast's own `except` is checked against its dates.
    let own_except = except.is_some();
    let from = from.or_else(|| campaign.from.clone());
    let until = until.or_else(|| campaign.until.clone());
    let except = except.or_else(|| campaign.except.clone()).unwrap_or_default();
    if own
        && let (Some(a), Some(b)) = (&from, &until)
        && b.get_ref() < a.get_ref()
    {
        cx.error(b.span(), "this broadcast ends before it starts")
            .label(format!("`until` is before `from` ({})", a.get_ref()))
            .hint("swap the two dates, or correct the year");
    }
    let filter = DateFilter {
        from: from.as_ref().map(|d| *d.get_ref()),
        until: until.as_ref().map(|d| *d.get_ref()),
        except: Vec::new(),
    };
    let mut days: Vec<NaiveDate> = Vec::new();
    for d in &except {
        if own_except && !filter.allows(*d.get_ref()) {
            cx.warning(
                d.span(),
                format!(
                    "{} is outside the broadcast's dates, so excluding it changes nothing",
                    crate::localtime::show_date(*d.get_ref())
                ),
            )
            .hint("check the year of this date");
        }
        days.push(*d.get_ref());
    }
    days.sort();
    days.dedup();
    DateFilter { except: days, ..filter }
}

fn read_priority(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Priority {
    let Some(p) = f.string(cx, "priority") else {
        return Priority::Normal;
    };
    Priority::parse(p.get_ref()).unwrap_or_else(|| {
        let hint = match did_you_mean(p.get_ref(), ["normal", "priority", "emergency"]) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => "use \"normal\" (thông thường), \"priority\" (ưu tiên) or \"emergency\" (khẩn cấp), the levels of Circular 39/2020/TT-BTTTT".into(),
        };
        cx.error(p.span(), format!("unknown priority `{}`", p.get_ref()))
            .label("not a bulletin level")
            .hint(hint);
        Priority::Normal
    })
}

/// The rule plus the spans its checks point at (one per time, instant or the cron string).
type RuleSpans = Vec<Range<usize>>;

fn read_rule(
    cx: &mut Ctx,
    f: &mut Fields<'_, '_>,
    header: &Range<usize>,
    dates: &DateFilter,
) -> Option<(Rule, RuleSpans)> {
    let given: Vec<&str> = ["at", "cron", "on"].into_iter().filter(|k| f.has(k)).collect();
    if given.len() > 1 {
        let span = f.key_span(given[1]).unwrap_or(header.clone());
        cx.error(span, format!("`{}` and `{}` cannot be used together", given[0], given[1]))
            .label("a second way of saying when")
            .hint("give each broadcast one of `at` (with `days`), `cron` or `on`; split it into two broadcasts if you need both");
    }
    if f.has("days") && !f.has("at") {
        let span = f.key_span("days").unwrap_or(header.clone());
        let d = cx
            .error(span, "`days` only works together with `at`")
            .label("no `at` times for these days");
        if f.has("cron") {
            d.hint("put the days into the cron expression instead, e.g. cron = \"0 15 6 * * mon-fri\"");
        } else {
            d.hint("add at = [\"06:15\"] with the times to air on these days");
        }
    }
    // The alternatives and `days` count as read whatever happens below: a mistake in `at`
    // must not also report a correct `days` as an unknown key.
    for k in ["at", "cron", "on", "days"] {
        if f.has(k) {
            let _ = f.raw(k);
        }
    }
    let rule = match given.first().copied() {
        // `At = "06:30"`: the unknown key's own error says "did you mean `at`".
        None if ["at", "cron", "on"].iter().any(|k| f.has_misspelt(k)) => return None,
        None => {
            cx.error(header.clone(), "this broadcast never says when it airs")
                .label("no `at`, `cron` or `on`")
                .hint(
                    "add at = [\"06:15\"] (daily times), cron = \"0 15 6 * * mon-fri\", or on = [2024-05-19T07:00:00]",
                );
            return None;
        }
        Some("at") => read_daily(cx, f)?,
        Some("cron") => read_cron(cx, f)?,
        _ => read_on(cx, f, dates)?,
    };
    // Mark the alternatives as read so they do not also show up as unknown keys.
    for k in ["at", "cron", "on", "days"] {
        if f.has(k) {
            let _ = f.raw(k);
        }
    }
    Some(rule)
}

fn read_daily(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<(Rule, RuleSpans)> {
    let at = f.strings(cx, "at")?;
    if at.get_ref().is_empty() {
        cx.error(at.span(), "`at` is an empty list")
            .hint("list at least one time, e.g. at = [\"06:15\"]");
        return None;
    }
    let mut times: Vec<(NaiveTime, Range<usize>)> = Vec::new();
    let mut ok = true;
    for s in at.get_ref() {
        if let Some(items) = several(s.get_ref()) {
            ok = false;
            cx.error(s.span(), format!("`{}` is several times in one text", s.get_ref()))
                .code("several-in-one")
                .label("one item per time")
                .hint(format!("write each time as its own item: at = [{items}]"));
            continue;
        }
        match parse_clock(s.get_ref()) {
            Ok(t) => {
                if let Some((_, first)) = times.iter().find(|(x, _)| *x == t) {
                    let first = first.clone();
                    let d = Diagnostic::warning(cx.file, s.span(), format!("{} is listed twice", s.get_ref()))
                        .with_note(cx.file, first, "first listed here")
                        .with_hint("remove one of them: it airs once either way");
                    cx.diagnostics.push(d);
                } else {
                    times.push((t, s.span()));
                }
            }
            Err(msg) => {
                ok = false;
                let hint = match crate::localtime::twelve_hour(s.get_ref()) {
                    Some(h24) => format!("write at = \"{h24}\""),
                    None => "write 24-hour local time as \"HH:MM\" (or 6h30), e.g. \"06:15\" or \"17:10\"".into(),
                };
                cx.error(s.span(), msg).label("not a time of day").hint(hint);
            }
        }
    }
    let days = match f.strings(cx, "days") {
        None => Weekdays::ALL,
        Some(list) => {
            if list.get_ref().is_empty() {
                cx.error(list.span(), "`days` is an empty list")
                    .hint("list days such as [\"mon\", \"fri\"], or remove `days` to air every day");
                ok = false;
            }
            let mut set = Weekdays::NONE;
            for w in list.get_ref() {
                if let Some(items) = several(w.get_ref()) {
                    ok = false;
                    cx.error(w.span(), format!("`{}` is several days in one text", w.get_ref()))
                        .code("several-in-one")
                        .label("one item per day")
                        .hint(format!("use a list: days = [{items}]"));
                    continue;
                }
                match Weekdays::parse_word(w.get_ref()) {
                    Some(d) => set = set.union(d),
                    None => {
                        ok = false;
                        cx.error(w.span(), format!("`{}` is not a day", w.get_ref()))
                            .label("unknown day")
                            .hint(day_hint(w.get_ref()));
                    }
                }
            }
            set
        }
    };
    if !ok {
        return None;
    }
    times.sort_by_key(|(t, _)| *t);
    let spans = times.iter().map(|(_, s)| s.clone()).collect();
    Some((
        Rule::Daily {
            times: times.into_iter().map(|(t, _)| t).collect(),
            days,
        },
        spans,
    ))
}

/// `"06:30, 17:30"` or `"tue; thu"`: several items written as one text, listed as they
/// should be (`"06:30", "17:30"`). None for a single item.
fn several(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()).collect();
    (parts.len() > 1).then(|| parts.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", "))
}

/// The hint for a word that is not a day. A suggestion is offered only when it cannot change
/// the meaning: for a misspelt English name (`tuseday` → `tue`). Vietnamese forms, numbers and
/// several words get the list of what is accepted instead (`thu ba` is Tuesday, and the
/// English `thu` it looks like is Thursday).
fn day_hint(word: &str) -> String {
    let english_typo = word.len() >= 4 && word.chars().all(|c| c.is_ascii_alphabetic());
    let names = [
        ("monday", "mon"),
        ("tuesday", "tue"),
        ("wednesday", "wed"),
        ("thursday", "thu"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
        ("weekdays", "weekdays"),
        ("weekends", "weekends"),
        ("daily", "daily"),
    ];
    let close = english_typo
        .then(|| did_you_mean(&word.to_lowercase(), names.iter().map(|(long, _)| *long)))
        .flatten()
        .and_then(|long| names.iter().find(|(l, _)| *l == long).map(|(_, short)| *short));
    match close {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => "use mon…sun, t2…t7 (or thứ 2…thứ 7), cn (chủ nhật), daily, weekdays or weekends".into(),
    }
}

fn read_cron(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<(Rule, RuleSpans)> {
    let expr = f.string(cx, "cron")?;
    let fields = expr.get_ref().split_whitespace().count();
    if !(fields == 5 || fields == 6) {
        cx.error(
            expr.span(),
            format!("a cron expression has 5 or 6 fields; this one has {fields}"),
        )
        .label("wrong number of fields")
        .hint(
            "write \"SEC MIN HOUR DAY MONTH WEEKDAY\" or \"MIN HOUR DAY MONTH WEEKDAY\", e.g. \"0 15 6 * * mon-fri\"",
        );
        return None;
    }
    let parser = CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build();
    match parser.parse(expr.get_ref()) {
        Ok(cron) => Some((
            Rule::Cron {
                expr: expr.get_ref().clone(),
                cron: Box::new(cron),
            },
            vec![expr.span()],
        )),
        Err(e) => {
            cx.error(expr.span(), format!("invalid cron expression: {e}"))
                .label("cannot be understood")
                .hint("fields are SEC MIN HOUR DAY MONTH WEEKDAY (seconds optional), e.g. \"0 15 6 * * mon-fri\" for 06:15:00 on weekdays");
            None
        }
    }
}

fn read_on(cx: &mut Ctx, f: &mut Fields<'_, '_>, dates: &DateFilter) -> Option<(Rule, RuleSpans)> {
    // Items that are not date-times are reported one by one; "empty" only when it is.
    let written_empty = matches!(f.raw("on").map(|v| v.get_ref()), Some(DeValue::Array(a)) if a.is_empty());
    let list = f.datetimes(cx, "on")?;
    if list.is_empty() {
        if written_empty {
            let span = f.key_span("on").unwrap_or(0..0);
            cx.error(span, "`on` is an empty list")
                .hint("list at least one date-time, e.g. on = [2024-05-19T07:00:00]");
        }
        return None;
    }
    let mut ok = true;
    for dt in &list {
        let day = dt.get_ref().date();
        if dates.except.binary_search(&day).is_ok() {
            ok = false;
            cx.error(
                dt.span(),
                format!(
                    "{} is one of the `except` days, so this instant would never air",
                    crate::localtime::show_date(day)
                ),
            )
            .label("excluded day")
            .hint("remove the instant, or remove the date from `except`");
        } else if !dates.allows(day) {
            ok = false;
            cx.error(dt.span(), "this instant is outside the broadcast's dates")
                .label(format!(
                    "dates run {} to {}",
                    opt_date(dates.from),
                    opt_date(dates.until)
                ))
                .hint("correct the date, or widen `from` / `until`");
        }
    }
    if !ok {
        return None;
    }
    let spans = list.iter().map(|d| d.span()).collect();
    Some((Rule::On(list.into_iter().map(|d| d.into_inner()).collect()), spans))
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(crate::localtime::show_date).unwrap_or_else(|| "…".into())
}

fn read_channels(config: &Config, cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<Vec<String>> {
    let Some(list) = f.strings(cx, "channels") else {
        return (!f.has("channels")).then(|| vec![LOUDSPEAKER.to_string()]);
    };
    if list.get_ref().is_empty() {
        cx.error(list.span(), "`channels` is empty, so this broadcast goes nowhere")
            .hint("list where it goes, e.g. channels = [\"loudspeaker\"]");
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for c in list.get_ref() {
        let name = c.get_ref();
        if out.contains(name) {
            cx.warning(c.span(), format!("channel `{name}` is listed twice"))
                .hint("remove one: it is used once either way");
            continue;
        }
        if !config.channel_names().any(|n| n == name) {
            ok = false;
            let hint = match did_you_mean(name, config.channel_names()) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => format!(
                    "known channels: {}; a new one needs a [channels.{name}] section in {}",
                    config.channel_names().collect::<Vec<_>>().join(", "),
                    config.path.file_name().and_then(|n| n.to_str()).unwrap_or("loaxa.toml")
                ),
            };
            cx.error(c.span(), format!("unknown channel `{name}`"))
                .label("not configured")
                .hint(hint);
            continue;
        }
        out.push(name.clone());
    }
    ok.then_some(out)
}

fn read_audio(media: &mut Library, cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<Vec<AudioItem>> {
    let list = f.strings(cx, "audio")?;
    if list.get_ref().is_empty() {
        cx.error(list.span(), "`audio` is an empty list")
            .hint("list the files to play, e.g. audio = [\"de-an-06/vneid.ogg\"]");
        return None;
    }
    let mut out = Vec::new();
    for item in list.get_ref() {
        match media.duration(item.get_ref()) {
            Ok(duration) => out.push(AudioItem {
                path: item.get_ref().clone(),
                duration,
            }),
            Err(e) => media_error(media, cx, item.span(), item.get_ref(), &e),
        }
    }
    Some(out)
}

/// `chime = true | false | "file.ogg"`: the station's opening chime, none, or another file.
fn read_chime(config: &Config, media: &mut Library, cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Chime {
    let Some(v) = f.raw("chime") else {
        return Chime::Station;
    };
    match v.get_ref() {
        DeValue::Boolean(true) => {
            if config.audio.chime.is_none() {
                cx.warning(v.span(), "`chime = true`, but the station has no chime")
                    .label("nothing to play")
                    .hint("set chime = \"file.ogg\" here, or [audio] chime in loaxa.toml");
            }
            Chime::Station
        }
        DeValue::Boolean(false) => Chime::Off,
        DeValue::String(s) => match media.duration(s) {
            Ok(_) => Chime::File(s.to_string()),
            Err(e) => {
                media_error(media, cx, v.span(), s, &e);
                Chime::Station
            }
        },
        _ => {
            cx.error(v.span(), "`chime` should be true, false or a file")
                .code("wrong-type")
                .label("not a chime")
                .hint("chime = false (no chime), chime = true (the station's), or chime = \"chuong.ogg\" (in media/)");
            Chime::Station
        }
    }
}

fn media_error(media: &Library, cx: &mut Ctx, span: Range<usize>, rel: &str, e: &MediaError) {
    // `"de-an-06\ban-tin.mp3"` from Windows: `\b` is an escape in TOML, so the name arrives
    // with a control character; in single quotes the backslash arrives as it is.
    if rel.contains('\\') || rel.chars().any(char::is_control) {
        let fixed = rel.replace('\\', "/");
        let hint = if fixed.chars().any(char::is_control) {
            "a backslash (\\) is not a folder separator here: use /, e.g. \"de-an-06/ban-tin.mp3\"".to_string()
        } else {
            format!("use / between folders: \"{fixed}\"")
        };
        cx.error(span, "this path uses a backslash (\\)")
            .code("backslash-path")
            .label("folders are separated by /")
            .hint(hint);
        return;
    }
    let hint = match e {
        MediaError::NotFound { .. } => match media.similar(rel) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!(
                "put the file under {} or correct the name (paths are relative to the media folder)",
                media.root().display()
            ),
        },
        MediaError::Absolute(_) | MediaError::Escapes(_) | MediaError::SymlinkOut(_) => {
            "copy the file into the media folder and name it relative to it, e.g. \"de-an-06/vneid.ogg\"".into()
        }
        MediaError::NotAudio { .. } => {
            "re-export the file as mp3, ogg, wav, flac or m4a and check that it plays".into()
        }
        _ => "check that the file exists and is readable".into(),
    };
    cx.error(span, e.to_string()).label("unusable media file").hint(hint);
}

fn read_repeat(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> u32 {
    match f.integer(cx, "repeat") {
        None => 1,
        Some(n) if (1..=MAX_REPEAT).contains(n.get_ref()) => *n.get_ref() as u32,
        Some(n) => {
            cx.error(n.span(), format!("`repeat` must be between 1 and {MAX_REPEAT}"))
                .label("out of range")
                .hint("repeat = 2 plays the audio list twice; remove `repeat` to play it once");
            1
        }
    }
}

fn read_gap(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Duration {
    match f.number(cx, "gap_seconds") {
        None => Duration::ZERO,
        Some(n) if (0.0..=MAX_GAP_SECONDS).contains(n.get_ref()) => Duration::from_secs_f64(*n.get_ref()),
        Some(n) => {
            cx.error(
                n.span(),
                format!("`gap_seconds` must be between 0 and {MAX_GAP_SECONDS}"),
            )
            .label("out of range")
            .hint("the silence between repeats, in seconds, e.g. gap_seconds = 3");
            Duration::ZERO
        }
    }
}

fn read_volume(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> f32 {
    match f.number(cx, "volume") {
        None => 1.0,
        Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref() as f32,
        Some(v) => {
            cx.error(v.span(), "`volume` must be between 0 and 1")
                .label("out of range")
                .hint("1 plays the file as it is, 0.5 at half amplitude; the master volume is [audio] volume");
            1.0
        }
    }
}

fn read_post(media: &mut Library, cx: &mut Ctx, t: &DeTable<'_>, span: Range<usize>) -> Option<Post> {
    let mut f = Fields::new(t, span, "[broadcast.post]", POST_KEYS);
    let title = f.string(cx, "title");
    let text = f.required_string(cx, "text", "\"Nội dung bài đăng…\"");
    let link = f.string(cx, "link");
    if let Some(l) = &link
        && !(l.get_ref().starts_with("https://") || l.get_ref().starts_with("http://"))
    {
        cx.error(l.span(), "`link` must be a web address")
            .label("not a URL")
            .hint("start it with https://, e.g. link = \"https://dichvucong.gov.vn\"");
    }
    let image = f.string(cx, "image");
    if let Some(img) = &image
        && let Err(e) = media.resolve(img.get_ref())
    {
        media_error(media, cx, img.span(), img.get_ref(), &e);
    }
    f.finish(cx);
    Some(Post {
        title: title.map(|t| t.into_inner()).unwrap_or_default(),
        text: text?.into_inner(),
        link: link.map(|l| l.into_inner()),
        image: image.map(|i| i.into_inner()),
    })
}

/// Checks that need the whole rule: quiet hours and "never fires".
fn check_timing(config: &Config, cx: &mut Ctx, b: &Broadcast, spans: &RuleSpans) {
    let tz = config.station.timezone;
    if b.priority != Priority::Emergency
        && b.on_loudspeaker()
        && let Some(q) = config.policy.quiet_hours
    {
        let quiet_hint = format!(
            "quiet hours are {q} ([policy] quiet_hours): move it outside them, or set priority = \"emergency\" if it cannot wait"
        );
        match &b.rule {
            Rule::Daily { times, .. } => {
                for (t, span) in times.iter().zip(spans) {
                    if q.contains(*t) {
                        cx.error(
                            span.clone(),
                            format!("{} is inside quiet hours ({q})", crate::localtime::show_time(*t)),
                        )
                        .label(format!("{} broadcast in quiet hours", b.priority))
                        .hint(quiet_hint.clone());
                    }
                }
            }
            Rule::On(list) => {
                for (dt, span) in list.iter().zip(spans) {
                    if q.contains(dt.time()) {
                        cx.error(
                            span.clone(),
                            format!("{} is inside quiet hours ({q})", crate::localtime::show_date_time(*dt)),
                        )
                        .label(format!("{} broadcast in quiet hours", b.priority))
                        .hint(quiet_hint.clone());
                    }
                }
            }
            Rule::Cron { cron, .. } => {
                if let Some(t) = cron_time_in(cron, q) {
                    cx.error(
                        spans[0].clone(),
                        format!(
                            "this cron expression fires inside quiet hours ({q}), e.g. at {}",
                            crate::localtime::show_time(t)
                        ),
                    )
                    .label(format!("{} broadcast in quiet hours", b.priority))
                    .hint(quiet_hint);
                }
            }
        }
    }
    if plan::first_matching(b, tz, |_| true).is_none() {
        let span = match &b.rule {
            Rule::Cron { .. } => spans[0].clone(),
            _ => b.origin.id_span.clone(),
        };
        cx.error(span, "this broadcast never airs")
            .label(match &b.rule {
                Rule::Cron { .. } => "this cron expression never fires within the broadcast's dates",
                _ => "no day between `from` and `until` matches `days` and `except`",
            })
            .hint("check `days`, the day and month fields, `from`, `until` and `except`");
    }
}

/// A time of day at which `cron` fires inside the quiet window, if there is one. Only the
/// second, minute and hour fields decide the time of day, so this walks at most 24 × 60 × 60
/// combinations and skips whole hours and minutes that lie outside the window.
fn cron_time_in(cron: &croner::Cron, q: QuietHours) -> Option<NaiveTime> {
    let p = &cron.pattern;
    let touches = |from: NaiveTime, to: NaiveTime| {
        q.contains(from) || q.contains(to) || (from..=to).contains(&q.start) || (from..=to).contains(&q.end)
    };
    for h in (0..24).filter(|h| p.hour_match(*h).unwrap_or(false)) {
        if !touches(NaiveTime::from_hms_opt(h, 0, 0)?, NaiveTime::from_hms_opt(h, 59, 59)?) {
            continue;
        }
        for m in (0..60).filter(|m| p.minute_match(*m).unwrap_or(false)) {
            if !touches(NaiveTime::from_hms_opt(h, m, 0)?, NaiveTime::from_hms_opt(h, m, 59)?) {
                continue;
            }
            for s in (0..60).filter(|s| p.second_match(*s).unwrap_or(false)) {
                let t = NaiveTime::from_hms_opt(h, m, s)?;
                if q.contains(t) {
                    return Some(t);
                }
            }
        }
    }
    None
}

/// Renders the post for every web channel the broadcast goes to, as it will be sent, and
/// checks it fits the platform.
fn check_posts(config: &Config, cx: &mut Ctx, b: &Broadcast, post: &Post, span: Range<usize>) {
    let at = chrono::Utc::now();
    for name in b.channels.iter().filter(|c| *c != LOUDSPEAKER) {
        let Some(ch) = config.channels.get(name) else { continue };
        let title = crate::channels::template::title(post, &b.title);
        let vars = crate::channels::template::Vars {
            title,
            text: &post.text,
            link: post.link.as_deref().unwrap_or(""),
            at,
            tz: config.station.timezone,
            station: &config.station.name,
        };
        if let Err(msg) = crate::channels::template::text_for(ch, &vars) {
            cx.error(span.clone(), msg)
                .label("too long for this channel")
                .hint("shorten the text or title, or give the channel a shorter `template` in the config");
        }
    }
}
