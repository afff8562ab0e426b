//! Reading one schedule file: `[campaign]` and `[[broadcast]]` tables into [`Broadcast`]s.
//!
//! Every check that concerns a single broadcast lives here, next to the spans it points at:
//! times, days, cron, date ranges, quiet hours, audio files, channels and the post.

use std::ops::Range;
use std::time::Duration;

use chrono::{NaiveDate, NaiveTime};
use toml::de::{DeTable, DeValue};

use super::fields::{Ctx, Decorate, Fields, Sp, wrong_type};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::broadcast::LOUDSPEAKER;
use crate::domain::broadcast::{AudioItem, Broadcast, Chime, DateFilter, Origin, Post, Priority, Rule, Speak};
use crate::domain::localtime::{QuietHours, Weekdays, parse_clock};
use crate::domain::plan;
use crate::domain::text::did_you_mean;
use crate::media::{Library, MediaError};

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
    "speak",
    "speech",
    "relay",
];
const RELAY_KEYS: &[&str] = &["source", "until", "duration", "fallback", "fade_seconds"];
const POST_KEYS: &[&str] = &["title", "text", "link", "image"];
const SPEECH_KEYS: &[&str] = &["provider", "voice", "speed"];

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
            cx.warning(root_span, t!("check-no-broadcasts"))
                .label(t!("check-no-broadcasts-label"))
                .hint(t!("check-no-broadcasts-hint"));
        }
        Some((DeValue::Array(items), _)) => {
            for item in items.iter() {
                match item.get_ref() {
                    DeValue::Table(t) => {
                        let header = header_span(text, item.span());
                        if let Some(b) =
                            parse_broadcast(config, media, &mut cx, &campaign, (t, text), header, &mut parsed.ids)
                        {
                            parsed.broadcasts.push(b);
                        }
                    }
                    _ => {
                        cx.error(item.span(), t!("check-broadcast-not-table"))
                            .hint(t!("check-broadcast-not-table-hint"));
                    }
                }
            }
        }
        Some((_, span)) => {
            cx.error(header_span(text, span), t!("check-single-brackets"))
                .label(t!("check-single-brackets-label"))
                .hint(t!("check-single-brackets-hint"));
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
    let mut unclosed = false;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[line_start..line_end];
    // `[broadcast]` written twice: TOML sees the second as a duplicate table. The officer
    // meant `[[broadcast]]` each time, so the first one is where to look.
    if message.contains("duplicate key") && line.trim() == "[broadcast]" {
        let first = single_bracket_headers(text).next().unwrap_or(line_start);
        cx.error(first..first + "[broadcast]".len(), t!("check-single-brackets"))
            .label(t!("check-single-brackets-label"))
            .hint(t!("check-single-brackets-hint"));
        return;
    }
    // An unclosed list is reported by toml on the next line; point at the list instead.
    if message.contains("array") && line_start > 0 {
        let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |i| i + 1);
        let prev = &text[prev_start..line_start - 1];
        if prev.contains('[') && !prev.contains(']') && prev.contains('=') {
            start = line_start - 1;
            unclosed = true;
            message = t!("check-list-not-closed");
        }
    }
    // A missing comma: the hint is the line with it put back.
    let at = start.saturating_sub(line_start).min(line.len());
    if message.contains("missing comma") && !unclosed && line.is_char_boundary(at) {
        let (before, after) = line.split_at(at);
        cx.error(start..start, t!("check-syntax-missing-comma"))
            .code("toml-syntax")
            .label(t!("check-syntax-label"))
            .hint(t!(
                "check-syntax-missing-comma-hint",
                fixed = format!("{}, {}", before.trim_end(), after.trim_start())
            ));
        return;
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
        .then(|| crate::domain::localtime::parse_date(value))
        .flatten();
    let hint: String = if let Some(date) = day_first {
        t!(
            "check-syntax-day-first-hint",
            key = key,
            value = value,
            iso = date.format("%Y-%m-%d")
        )
    } else if value.starts_with('"') && value.contains('\\') {
        t!(
            "check-syntax-backslash-hint",
            key = key,
            fixed = value.replace('\\', "/")
        )
    } else if line.contains(['“', '”', '‘', '’']) {
        t!("check-syntax-curly-quotes-hint")
    } else if message.contains("recurs") {
        t!("check-syntax-too-deep-hint")
    } else if unclosed {
        t!("check-syntax-unclosed-list-hint")
    } else if message.contains("duplicate key") {
        t!("check-syntax-duplicate-key-hint")
    } else if line.matches('"').count() % 2 == 1 {
        t!("check-syntax-unclosed-quote-hint")
    } else if message.contains("quoted") || message.contains("invalid string") {
        t!("check-syntax-unquoted-hint")
    } else if !line.contains('=') && !line.trim_start().starts_with('[') {
        t!("check-syntax-line-shape-hint")
    } else {
        t!("check-syntax-generic-hint")
    };
    // toml's own message is English and kept as it is: it names the exact token.
    cx.error(start..end, t!("check-syntax", message = message))
        .code("toml-syntax")
        .label(t!("check-syntax-label"))
        .hint(hint);
}

/// Where each line that is only `[broadcast]` begins.
fn single_bracket_headers(text: &str) -> impl Iterator<Item = usize> + '_ {
    let mut offset = 0;
    text.split_inclusive('\n').filter_map(move |l| {
        let here = offset;
        offset += l.len();
        (l.trim() == "[broadcast]").then(|| here + (l.len() - l.trim_start().len()))
    })
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
        cx.error(until.span(), t!("check-campaign-inverted"))
            .label(t!(
                "check-until-before-from",
                from = crate::domain::localtime::show_date(*from.get_ref())
            ))
            .hint(t!("check-dates-inverted-hint"));
    }
    f.finish(cx);
    c
}

fn parse_broadcast(
    config: &Config,
    media: &mut Library,
    cx: &mut Ctx,
    campaign: &Campaign,
    (t, text): (&DeTable<'_>, &str),
    header: Range<usize>,
    ids: &mut Vec<(String, Origin)>,
) -> Option<Broadcast> {
    let errors_before = cx.diagnostics.iter().filter(|d| d.is_error()).count();
    let mut f = Fields::new(t, header.clone(), "[[broadcast]]", BROADCAST_KEYS);

    let id = f.required_string(cx, "id", "\"ban-tin-sang\"");
    if let Some(id) = &id
        && !valid_id(id.get_ref())
    {
        cx.error(id.span(), t!("check-bad-id", id = id.get_ref()))
            .label(t!("check-bad-id-label"))
            .hint(t!("check-bad-id-hint"));
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
    let speak = read_speak(config, cx, &mut f, post.as_ref(), text);
    let relay_span = f.key_span("relay");
    let (relay, relay_end_span) = read_relay(config, media, cx, &mut f).unzip();
    let channels_span = f.key_span("channels");
    f.finish(cx);

    let on_loudspeaker = channels.as_ref().is_some_and(|c| c.iter().any(|c| c == LOUDSPEAKER));
    if on_loudspeaker
        && !f_has_audio(&audio)
        && !t.contains_key("audio")
        && !t.contains_key("speak")
        && !t.contains_key("relay")
    {
        cx.error(header.clone(), t!("check-no-audio"))
            .label(t!("check-nothing-to-play"))
            .hint(t!("check-no-audio-hint"));
    }
    let web: Vec<&String> = channels.iter().flatten().filter(|c| *c != LOUDSPEAKER).collect();
    if !web.is_empty() && post.is_none() && !t.contains_key("post") {
        let span = channels_span.unwrap_or(header.clone());
        cx.error(span, t!("check-no-post", channel = web[0]))
            .label(t!("check-no-post-label"))
            .hint(t!("check-no-post-hint"));
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
        post: post.map(|(p, _)| p),
        speak,
        relay,
        origin: Origin {
            file: cx.file,
            id_span: id.as_ref().map(|i| i.span()).unwrap_or(header),
        },
    };
    if let (Some(post), Some(span)) = (&b.post, &post_span) {
        check_posts(config, cx, &b, post, span.clone());
    }
    if let Some(r) = &b.relay
        && matches!(r.end, crate::domain::broadcast::RelayEnd::At { .. })
        && !matches!(b.rule, Rule::Daily { .. })
    {
        cx.error(
            relay_span.clone().unwrap_or(b.origin.id_span.clone()),
            t!("check-relay-until-rule"),
        )
        .hint(t!("check-relay-until-rule-hint"));
    }
    if let (Some(r), Some(end_span)) = (&b.relay, relay_end_span) {
        check_relay_window(config, cx, &b, r, end_span);
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
        cx.error(b.span(), t!("check-broadcast-inverted"))
            .label(t!(
                "check-until-before-from",
                from = crate::domain::localtime::show_date(*a.get_ref())
            ))
            .hint(t!("check-dates-inverted-hint"));
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
                t!(
                    "check-except-outside",
                    date = crate::domain::localtime::show_date(*d.get_ref())
                ),
            )
            .hint(t!("check-except-outside-hint"));
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
            Some(s) => t!("check-did-you-mean", word = s),
            None => t!("check-priority-hint"),
        };
        cx.error(p.span(), t!("check-unknown-priority", priority = p.get_ref()))
            .label(t!("check-unknown-priority-label"))
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
        cx.error(span, t!("check-rule-conflict", first = given[0], second = given[1]))
            .label(t!("check-rule-conflict-label"))
            .hint(t!("check-rule-conflict-hint"));
    }
    if f.has("days") && !f.has("at") {
        let span = f.key_span("days").unwrap_or(header.clone());
        let d = cx
            .error(span, t!("check-days-without-at"))
            .label(t!("check-days-without-at-label"));
        if f.has("cron") {
            d.hint(t!("check-days-with-cron-hint"));
        } else {
            d.hint(t!("check-days-without-at-hint"));
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
            cx.error(header.clone(), t!("check-no-rule"))
                .label(t!("check-no-rule-label"))
                .hint(t!("check-no-rule-hint"));
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

/// The `at` list written on the 24-hour clock, `"06:30", "17:00"`: each time as it reads, a
/// 12-hour one as the time it means. None if one of them is no time at all.
fn rewritten_times(at: &[Sp<String>]) -> Option<String> {
    let one = |s: &str| {
        parse_clock(s)
            .ok()
            .map(crate::domain::localtime::show_time)
            .or_else(|| crate::domain::localtime::twelve_hour(s))
    };
    let times: Option<Vec<String>> = at
        .iter()
        .map(|s| one(s.get_ref()).map(|t| format!("\"{t}\"")))
        .collect();
    Some(times?.join(", "))
}

fn read_daily(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<(Rule, RuleSpans)> {
    let at = f.strings(cx, "at")?;
    if at.get_ref().is_empty() {
        cx.error(at.span(), t!("check-empty-list", key = "at"))
            .hint(t!("check-empty-at-hint"));
        return None;
    }
    let mut times: Vec<(NaiveTime, Range<usize>)> = Vec::new();
    let mut ok = true;
    for s in at.get_ref() {
        if let Some(items) = several(s.get_ref()) {
            ok = false;
            cx.error(s.span(), t!("check-several-times", text = s.get_ref()))
                .code("several-in-one")
                .label(t!("check-several-times-label"))
                .hint(t!("check-several-times-hint", items = items));
            continue;
        }
        match parse_clock(s.get_ref()) {
            Ok(t) => {
                if let Some((_, first)) = times.iter().find(|(x, _)| *x == t) {
                    let first = first.clone();
                    let d = Diagnostic::warning(cx.file, s.span(), t!("check-time-twice", time = s.get_ref()))
                        .with_note(cx.file, first, t!("check-first-listed-here"))
                        .with_hint(t!("check-time-twice-hint"));
                    cx.diagnostics.push(d);
                } else {
                    times.push((t, s.span()));
                }
            }
            Err(msg) => {
                ok = false;
                let hint = match crate::domain::localtime::twelve_hour(s.get_ref()) {
                    // In a list, the hint is the whole list rewritten: following it must not
                    // drop the other times.
                    Some(_) if at.get_ref().len() > 1 => match rewritten_times(at.get_ref()) {
                        Some(list) => t!("check-write-at-list", times = list),
                        None => t!("check-time-hint"),
                    },
                    Some(h24) => t!("check-write-at", time = h24),
                    None => t!("check-time-hint"),
                };
                cx.error(s.span(), msg).label(t!("check-not-a-time")).hint(hint);
            }
        }
    }
    let days = match f.strings(cx, "days") {
        None => Weekdays::ALL,
        Some(list) => {
            if list.get_ref().is_empty() {
                cx.error(list.span(), t!("check-empty-list", key = "days"))
                    .hint(t!("check-empty-days-hint"));
                ok = false;
            }
            let mut set = Weekdays::NONE;
            for w in list.get_ref() {
                if let Some(items) = several(w.get_ref()) {
                    ok = false;
                    cx.error(w.span(), t!("check-several-days", text = w.get_ref()))
                        .code("several-in-one")
                        .label(t!("check-several-days-label"))
                        .hint(t!("check-several-days-hint", items = items));
                    continue;
                }
                match Weekdays::parse_word(w.get_ref()) {
                    Some(d) => set = set.union(d),
                    None => {
                        ok = false;
                        cx.error(w.span(), t!("check-not-a-day", word = w.get_ref()))
                            .label(t!("check-not-a-day-label"))
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
        Some(s) => t!("check-did-you-mean", word = s),
        None => t!("check-day-hint"),
    }
}

fn read_cron(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<(Rule, RuleSpans)> {
    let expr = f.string(cx, "cron")?;
    let fields = expr.get_ref().split_whitespace().count();
    if !(fields == 5 || fields == 6) {
        cx.error(expr.span(), t!("check-cron-fields", fields = fields))
            .label(t!("check-cron-fields-label"))
            .hint(t!("check-cron-fields-hint"));
        return None;
    }
    match crate::domain::cron::CronExpr::new(expr.get_ref()) {
        Ok(cron) => Some((Rule::Cron(cron), vec![expr.span()])),
        Err(e) => {
            cx.error(expr.span(), t!("check-bad-cron", why = e))
                .label(t!("check-bad-cron-label"))
                .hint(t!("check-bad-cron-hint"));
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
            cx.error(span, t!("check-empty-list", key = "on"))
                .hint(t!("check-empty-on-hint"));
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
                t!("check-on-excluded", date = crate::domain::localtime::show_date(day)),
            )
            .label(t!("check-on-excluded-label"))
            .hint(t!("check-on-excluded-hint"));
        } else if !dates.allows(day) {
            ok = false;
            cx.error(dt.span(), t!("check-on-outside"))
                .label(t!(
                    "check-on-outside-label",
                    from = opt_date(dates.from),
                    until = opt_date(dates.until)
                ))
                .hint(t!("check-on-outside-hint"));
        }
    }
    if !ok {
        return None;
    }
    let spans = list.iter().map(|d| d.span()).collect();
    Some((Rule::On(list.into_iter().map(|d| d.into_inner()).collect()), spans))
}

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(crate::domain::localtime::show_date).unwrap_or_else(|| "…".into())
}

fn read_channels(config: &Config, cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<Vec<String>> {
    let Some(list) = f.strings(cx, "channels") else {
        return (!f.has("channels")).then(|| vec![LOUDSPEAKER.to_string()]);
    };
    if list.get_ref().is_empty() {
        cx.error(list.span(), t!("check-empty-channels"))
            .hint(t!("check-empty-channels-hint"));
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    let mut ok = true;
    for c in list.get_ref() {
        let name = c.get_ref();
        if out.contains(name) {
            cx.warning(c.span(), t!("check-channel-twice", channel = name))
                .hint(t!("check-channel-twice-hint"));
            continue;
        }
        if !config.channel_names().any(|n| n == name) {
            ok = false;
            let hint = match did_you_mean(name, config.channel_names()) {
                // `loa`, `loa truyền thanh`: the officer means the loudspeaker, not a new channel.
                _ if means_loudspeaker(name) => t!("check-loudspeaker-is-written", channel = name),
                Some(s) => t!("check-did-you-mean", word = s),
                None => t!(
                    "check-unknown-channel-hint",
                    known = config.channel_names().collect::<Vec<_>>().join(", "),
                    channel = name,
                    config = config.path.file_name().and_then(|n| n.to_str()).unwrap_or("loaxa.toml")
                ),
            };
            cx.error(c.span(), t!("check-unknown-channel", channel = name))
                .label(t!("check-unknown-channel-label"))
                .hint(hint);
            continue;
        }
        out.push(name.clone());
    }
    ok.then_some(out)
}

/// A channel name that says "the loudspeaker" in the words an officer uses for it.
fn means_loudspeaker(name: &str) -> bool {
    let n = name.trim().to_lowercase();
    [
        "loa",
        "loa xã",
        "loa xa",
        "loa truyền thanh",
        "loa truyen thanh",
        "loa phát thanh",
        "loa phat thanh",
        "truyền thanh",
        "truyen thanh",
        "phát thanh",
        "phat thanh",
        "speaker",
        "loud speaker",
        "loudspeakers",
    ]
    .contains(&n.as_str())
}

fn read_audio(media: &mut Library, cx: &mut Ctx, f: &mut Fields<'_, '_>) -> Option<Vec<AudioItem>> {
    let list = f.strings(cx, "audio")?;
    if list.get_ref().is_empty() {
        cx.error(list.span(), t!("check-empty-list", key = "audio"))
            .hint(t!("check-empty-audio-hint"));
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
                cx.warning(v.span(), t!("check-chime-none"))
                    .label(t!("check-nothing-to-play"))
                    .hint(t!("check-chime-none-hint"));
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
            cx.error(v.span(), t!("check-chime-type"))
                .code("wrong-type")
                .label(t!("check-chime-type-label"))
                .hint(t!("check-chime-type-hint"));
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
            t!("check-backslash-path-hint")
        } else {
            t!("check-backslash-path-fixed", fixed = fixed)
        };
        cx.error(span, t!("check-backslash-path"))
            .code("backslash-path")
            .label(t!("check-backslash-path-label"))
            .hint(hint);
        return;
    }
    let hint = match e {
        MediaError::NotFound { .. } => match media.similar(rel) {
            Some(s) => t!("check-did-you-mean", word = s),
            None => t!("check-media-not-found-hint", folder = media.root().display()),
        },
        MediaError::Absolute(_) | MediaError::Escapes(_) | MediaError::SymlinkOut(_) => {
            t!("check-media-outside-hint")
        }
        MediaError::NotAudio { .. } => t!("check-media-not-audio-hint"),
        _ => t!("check-media-unreadable-hint"),
    };
    cx.error(span, e.to_string()).label(t!("check-media-label")).hint(hint);
}

fn read_repeat(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> u32 {
    match f.integer(cx, "repeat") {
        None => 1,
        Some(n) if (1..=MAX_REPEAT).contains(n.get_ref()) => *n.get_ref() as u32,
        Some(n) => {
            cx.error(n.span(), t!("check-between", key = "repeat", min = 1, max = MAX_REPEAT))
                .label(t!("check-out-of-range"))
                .hint(t!("check-repeat-hint"));
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
                t!("check-between", key = "gap_seconds", min = 0, max = MAX_GAP_SECONDS),
            )
            .label(t!("check-out-of-range"))
            .hint(t!("check-gap-hint"));
            Duration::ZERO
        }
    }
}

fn read_volume(cx: &mut Ctx, f: &mut Fields<'_, '_>) -> f32 {
    match f.number(cx, "volume") {
        None => 1.0,
        Some(v) if (0.0..=1.0).contains(v.get_ref()) => *v.get_ref() as f32,
        Some(v) => {
            cx.error(v.span(), t!("check-between", key = "volume", min = 0, max = 1))
                .label(t!("check-out-of-range"))
                .hint(t!("check-volume-hint"));
            1.0
        }
    }
}

/// The post, and where its text is written (for a `speak = true` that cannot be read).
fn read_post(media: &mut Library, cx: &mut Ctx, t: &DeTable<'_>, span: Range<usize>) -> Option<(Post, Range<usize>)> {
    let mut f = Fields::new(t, span, "[broadcast.post]", POST_KEYS);
    let title = f.string(cx, "title");
    let text = f.required_string(cx, "text", "\"Nội dung bài đăng…\"");
    let link = f.string(cx, "link");
    if let Some(l) = &link
        && !crate::domain::text::is_http_url(l.get_ref())
    {
        cx.error(l.span(), t!("check-link"))
            .label(t!("check-link-label"))
            .hint(t!("check-link-hint"));
    }
    let image = f.string(cx, "image");
    if let Some(img) = &image
        && let Err(e) = media.resolve(img.get_ref())
    {
        media_error(media, cx, img.span(), img.get_ref(), &e);
    }
    f.finish(cx);
    let text = text?;
    let text_span = text.span();
    Some((
        Post {
            title: title.map(|t| t.into_inner()).unwrap_or_default(),
            text: text.into_inner(),
            link: link.map(|l| l.into_inner()),
            image: image.map(|i| i.into_inner()),
        },
        text_span,
    ))
}

/// `speak = true` (read the post's text) or `speak = "…"`, and `[broadcast.speech]`. The text
/// is normalised here, so what cannot be read aloud with certainty is an error at its word.
fn read_speak(
    config: &Config,
    cx: &mut Ctx,
    f: &mut Fields<'_, '_>,
    post: Option<&(Post, Range<usize>)>,
    source: &str,
) -> Option<Speak> {
    let speech = f.table(cx, "speech");
    let raw = f.raw("speak")?;
    let (text, span) = match raw.get_ref() {
        DeValue::Boolean(false) => return None,
        DeValue::Boolean(true) => match post {
            Some((p, span)) => (p.text.clone(), span.clone()),
            None => {
                cx.error(raw.span(), t!("check-speak-no-post"))
                    .hint(t!("check-speak-no-post-hint"));
                return None;
            }
        },
        DeValue::String(s) if !s.trim().is_empty() => (s.to_string(), raw.span()),
        other => {
            wrong_type(cx, "speak", raw.span(), other, &t!("check-want-speak"));
            return None;
        }
    };
    let chars = text.chars().count();
    if chars > crate::speech::settings::MAX_SPEAK_CHARS {
        cx.error(
            span.clone(),
            t!(
                "check-speak-too-long",
                n = chars,
                max = crate::speech::settings::MAX_SPEAK_CHARS
            ),
        )
        .hint(t!("check-speak-too-long-hint"));
        return None;
    }
    let mut provider = None;
    let mut voice = None;
    let mut speed = None;
    if let Some((t, table_span)) = speech {
        let mut sf = Fields::new(t, table_span, "[broadcast.speech]", SPEECH_KEYS);
        if let Some(p) = sf.string(cx, "provider") {
            if config.tts.providers.contains_key(p.get_ref()) {
                provider = Some(p.into_inner());
            } else {
                let known = config.tts.providers.keys().map(String::as_str);
                let near = crate::domain::text::did_you_mean(p.get_ref(), known);
                let names = config.tts.providers.keys().cloned().collect::<Vec<_>>().join(", ");
                let d = cx.error(p.span(), t!("check-speech-provider", name = p.get_ref()));
                match near {
                    Some(n) => d.hint(t!("check-did-you-mean", word = n)),
                    None => d.hint(t!("check-speech-provider-hint", known = names)),
                };
            }
        }
        voice = sf.string(cx, "voice").and_then(|v| {
            if crate::speech::settings::voice_name_ok(v.get_ref()) {
                Some(v.into_inner())
            } else {
                cx.error(v.span(), t!("check-speech-voice", voice = v.get_ref()))
                    .hint(t!("check-speech-voice-hint"));
                None
            }
        });
        if let Some(s) = sf.number(cx, "speed") {
            if (0.5..=2.0).contains(s.get_ref()) {
                speed = Some(*s.get_ref() as f32);
            } else {
                cx.error(s.span(), t!("check-speech-speed"))
                    .hint(t!("check-speech-speed-hint"));
            }
        }
        sf.finish(cx);
    }
    let spoken = match crate::speech::normalise::normalise(&text, &config.tts.lexicon) {
        Ok(s) => s,
        Err(e) => {
            cx.error(token_span(source, &span, &e.token), e.message.clone())
                .label(t!("check-speak-label"))
                .hint(e.hint.clone());
            return None;
        }
    };
    let syllables = spoken.split_whitespace().count() as f64;
    let estimate = Duration::from_secs_f64(syllables / 3.0 / f64::from(speed.unwrap_or(config.tts.speed)));
    Some(Speak {
        text,
        spoken,
        provider,
        voice,
        speed,
        estimate,
    })
}

/// `[broadcast.relay]`: the source (a `[sources]` name or a URL), where the window ends
/// (`until = "06:30"` or `duration = "30m"`), a fallback file and the fades.
/// `[broadcast.relay]`, and the span of the value that says where its window ends.
fn read_relay(
    config: &Config,
    media: &mut Library,
    cx: &mut Ctx,
    f: &mut Fields<'_, '_>,
) -> Option<(crate::domain::broadcast::Relay, Range<usize>)> {
    let (t, span) = f.table(cx, "relay")?;
    let mut rf = Fields::new(t, span.clone(), "[broadcast.relay]", RELAY_KEYS);
    let source = rf.required_string(cx, "source", "\"vov1\"");
    let until = rf.string(cx, "until");
    let duration = rf.string(cx, "duration");
    let fallback = rf.string(cx, "fallback");
    let fade = rf.number(cx, "fade_seconds");
    rf.finish(cx);
    let source = source?;
    let (url, auth) = match config.sources.get(source.get_ref()) {
        Some(s) => (s.url.clone(), s.auth.clone()),
        None if !crate::redact::url_credentials(source.get_ref()).is_empty() => {
            cx.error(source.span(), t!("check-relay-credential"))
                .hint(t!("check-relay-credential-hint"));
            return None;
        }
        None if crate::playout::relay::settings::valid_url(source.get_ref()) => (source.get_ref().clone(), None),
        None => {
            let known = config.sources.keys().map(String::as_str);
            let d = cx.error(source.span(), t!("check-relay-source", source = source.get_ref()));
            match did_you_mean(source.get_ref(), known) {
                Some(s) => d.hint(t!("check-did-you-mean", word = s)),
                None => d.hint(t!("check-relay-source-hint")),
            };
            return None;
        }
    };
    let end_span = until.as_ref().or(duration.as_ref()).map(|v| v.span());
    let end = match (until, duration) {
        (Some(u), None) => {
            let (clock, next_day) = next_day(u.get_ref());
            match parse_clock(clock) {
                Ok(time) => crate::domain::broadcast::RelayEnd::At { time, next_day },
                Err(e) => {
                    cx.error(u.span(), e).hint(t!("check-relay-until-hint"));
                    return None;
                }
            }
        }
        (None, Some(d)) => match crate::domain::localtime::parse_span(d.get_ref())
            .filter(|d| !d.is_zero() && *d <= Duration::from_secs(24 * 3600))
        {
            Some(d) => crate::domain::broadcast::RelayEnd::After(d),
            None => {
                cx.error(d.span(), t!("check-relay-duration", given = d.get_ref()))
                    .hint(t!("check-relay-duration-hint"));
                return None;
            }
        },
        (Some(u), Some(_)) => {
            cx.error(u.span(), t!("check-relay-both"))
                .hint(t!("check-relay-both-hint"));
            return None;
        }
        (None, None) => {
            cx.error(span, t!("check-relay-no-end"))
                .hint(t!("check-relay-both-hint"));
            return None;
        }
    };
    if let Some(fb) = &fallback
        && let Err(e) = media.duration(fb.get_ref())
    {
        media_error(media, cx, fb.span(), fb.get_ref(), &e);
        return None;
    }
    let fade = match fade {
        Some(s) if (0.0..=30.0).contains(s.get_ref()) => Duration::from_secs_f64(*s.get_ref()),
        Some(s) => {
            cx.error(s.span(), t!("check-between", key = "fade_seconds", min = 0, max = 30));
            return None;
        }
        None => Duration::from_secs(2),
    };
    let relay = crate::domain::broadcast::Relay {
        source: source.into_inner(),
        url,
        auth,
        end,
        fallback: fallback.map(|f| f.into_inner()),
        fade,
    };
    Some((relay, end_span.unwrap_or(span)))
}

/// An `until` that says the window crosses midnight: `"05:00 hôm sau"` (also without the
/// diacritics, or in English, `"05:00 next day"`). Gives the clock time and whether it did.
fn next_day(until: &str) -> (&str, bool) {
    let lower = until.trim().to_lowercase();
    for mark in ["hôm sau", "hom sau", "next day"] {
        if lower.ends_with(mark) {
            // The marks are the same length in bytes lowercased or not (ASCII and `ô`).
            let clock = until.trim();
            return (clock.get(..clock.len() - mark.len()).unwrap_or(clock).trim_end(), true);
        }
    }
    (until, false)
}

/// A relay's window, for each daily or one-off start: an `until` at or before the start only
/// when written as the next day (else it would run through the night unseen), and no window
/// that plays on into the quiet hours. The session limit is checked with every programme's.
fn check_relay_window(
    config: &Config,
    cx: &mut Ctx,
    b: &Broadcast,
    r: &crate::domain::broadcast::Relay,
    end_span: Range<usize>,
) {
    use crate::domain::broadcast::RelayEnd;
    use crate::domain::localtime::{show_span, show_time};
    let starts: Vec<NaiveTime> = match &b.rule {
        Rule::Daily { times, .. } => times.clone(),
        Rule::On(list) => list.iter().map(|t| t.time()).collect(),
        Rule::Cron(_) => return,
    };
    for start in starts {
        if let RelayEnd::At { time, next_day } = r.end {
            if !next_day && time <= start {
                let length = chrono::Duration::from_std(r.length_from(start)).unwrap_or_default();
                cx.error(
                    end_span,
                    t!(
                        "check-relay-until-before",
                        end = show_time(time),
                        start = show_time(start),
                        length = show_span(length)
                    ),
                )
                .label(t!("check-relay-until-before-label"))
                .hint(t!(
                    "check-relay-until-before-hint",
                    end = show_time(time),
                    start = show_time(start)
                ));
                return;
            }
            if next_day && time > start {
                cx.error(
                    end_span,
                    t!(
                        "check-relay-next-day-same",
                        end = show_time(time),
                        start = show_time(start)
                    ),
                )
                .hint(t!("check-relay-next-day-same-hint", end = show_time(time)));
                return;
            }
        }
        if let Some(q) = config.policy.quiet_hours
            && b.priority != Priority::Emergency
            && !q.contains(start)
            && q.overlaps(start, r.length_from(start))
        {
            let end = start + chrono::Duration::from_std(r.length_from(start)).unwrap_or_default();
            cx.error(
                end_span,
                t!(
                    "check-relay-into-quiet",
                    start = show_time(start),
                    end = show_time(end),
                    quiet = q
                ),
            )
            .label(t!("check-relay-into-quiet-label"))
            .hint(t!("check-relay-into-quiet-hint", quiet_start = show_time(q.start)));
            return;
        }
    }
}

/// Where `token` is written inside the string at `span` (the whole string if not found, say
/// when an escape changed it).
fn token_span(source: &str, span: &Range<usize>, token: &str) -> Range<usize> {
    let source = source.get(span.clone()).unwrap_or("");
    match source.find(token) {
        Some(i) if !token.is_empty() => span.start + i..span.start + i + token.len(),
        _ => span.clone(),
    }
}

/// Checks that need the whole rule: quiet hours and "never fires".
fn check_timing(config: &Config, cx: &mut Ctx, b: &Broadcast, spans: &RuleSpans) {
    let tz = config.station.timezone;
    if b.priority != Priority::Emergency
        && b.on_loudspeaker()
        && let Some(q) = config.policy.quiet_hours
    {
        let quiet_hint = t!(
            "check-quiet-hint",
            quiet = q,
            start = crate::domain::localtime::show_time(q.start),
            end = crate::domain::localtime::show_time(q.end)
        );
        let quiet_label = t!("check-quiet-label", priority = b.priority.label());
        match &b.rule {
            Rule::Daily { times, .. } => {
                for (t, span) in times.iter().zip(spans) {
                    if q.contains(*t) {
                        cx.error(
                            span.clone(),
                            t!(
                                "check-in-quiet-hours",
                                when = crate::domain::localtime::show_time(*t),
                                quiet = q
                            ),
                        )
                        .label(quiet_label.clone())
                        .hint(quiet_hint.clone());
                    }
                }
            }
            Rule::On(list) => {
                for (dt, span) in list.iter().zip(spans) {
                    if q.contains(dt.time()) {
                        cx.error(
                            span.clone(),
                            t!(
                                "check-in-quiet-hours",
                                when = crate::domain::localtime::show_date_time(*dt),
                                quiet = q
                            ),
                        )
                        .label(quiet_label.clone())
                        .hint(quiet_hint.clone());
                    }
                }
            }
            Rule::Cron(cron) => {
                if let Some(t) = cron.pattern().ok().and_then(|c| cron_time_in(&c, q)) {
                    cx.error(
                        spans[0].clone(),
                        t!(
                            "check-cron-in-quiet-hours",
                            quiet = q,
                            when = crate::domain::localtime::show_time(t)
                        ),
                    )
                    .label(quiet_label)
                    .hint(quiet_hint);
                }
            }
        }
    }
    if plan::first_matching(b, tz, |_| true).is_none() {
        let span = match &b.rule {
            Rule::Cron(_) => spans[0].clone(),
            _ => b.origin.id_span.clone(),
        };
        cx.error(span, t!("check-never-airs"))
            .label(match &b.rule {
                Rule::Cron(_) => t!("check-never-airs-cron"),
                _ => t!("check-never-airs-days"),
            })
            .hint(t!("check-never-airs-hint"));
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
                .label(t!("check-post-too-long-label"))
                .hint(t!("check-post-too-long-hint"));
        }
    }
}
