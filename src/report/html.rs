//! The report as one self-contained HTML page: no scripts, no fonts or images fetched, charts
//! drawn as inline SVG, laid out to print on A4. maud escapes every value, so a title or a
//! failure reason can never break the page.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::labels::{Labels, Lang};
use super::tally::Counts;
use super::{Report, date_text, duration_text};

/// The outcome columns, in table order, with their chart colours.
const COLUMNS: &[(&str, &str)] = &[
    ("on_time", "#2e7d32"),
    ("late", "#f9a825"),
    ("missed", "#6d4c41"),
    ("failed", "#c62828"),
    ("interrupted", "#ef6c00"),
    ("stopped", "#455a64"),
    ("posted", "#1565c0"),
    ("post_failed", "#ad1457"),
    ("post_skipped", "#5d4037"),
    ("unconfirmed", "#6a1b9a"),
    ("pending", "#9e9e9e"),
];

pub fn column_label(l: &Labels, col: &str) -> &'static str {
    match col {
        "scheduled" => l.scheduled,
        "on_time" => l.on_time,
        "late" => l.late,
        "missed" => l.missed,
        "failed" => l.failed,
        "interrupted" => l.interrupted,
        "stopped" => l.stopped,
        "posted" => l.posted,
        "post_failed" => l.post_failed,
        "post_skipped" => l.post_skipped,
        "unconfirmed" => l.unconfirmed,
        _ => l.pending,
    }
}

pub fn column_value(c: &Counts, col: &str) -> u64 {
    match col {
        "scheduled" => c.scheduled,
        "on_time" => c.on_time,
        "late" => c.late,
        "missed" => c.missed,
        "failed" => c.failed,
        "interrupted" => c.interrupted,
        "stopped" => c.stopped,
        "posted" => c.posted,
        "post_failed" => c.post_failed,
        "post_skipped" => c.post_skipped,
        "unconfirmed" => c.unconfirmed,
        _ => c.pending,
    }
}

/// All count columns: scheduled first, then the outcomes.
pub fn count_columns() -> impl Iterator<Item = &'static str> {
    std::iter::once("scheduled").chain(COLUMNS.iter().map(|(c, _)| *c))
}

/// A decimal number the way the language writes it (Vietnamese uses a decimal comma).
pub fn number(x: f64, decimals: usize, lang: Lang) -> String {
    let s = format!("{x:.decimals$}");
    match lang {
        Lang::Vi => s.replace('.', ","),
        Lang::En => s,
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0 auto; max-width: 186mm; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 2mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 1px solid #999; padding-bottom: 1mm; }
header p { margin: 0.5mm 0; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
thead { display: table-header-group; }
tr, th, td { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 1mm 1.5mm; vertical-align: top; }
th { background: #eee; font-weight: 600; font-size: 8.5pt; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.zero { color: #999; }
tr.total td { font-weight: 700; background: #f6f6f6; }
.figures { display: flex; flex-wrap: wrap; gap: 2mm; margin: 2mm 0; }
.figure { border: 1px solid #bbb; padding: 2mm 3mm; min-width: 40mm; }
.figure b { display: block; font-size: 14pt; }
.ok { color: #1b5e20; font-weight: 700; }
.broken { color: #b71c1c; font-weight: 700; border: 2px solid #b71c1c; padding: 2mm; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 8pt; word-break: break-all; }
figure { margin: 2mm 0 4mm; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 1mm; }
svg { width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: 4mm; font-size: 8.5pt; }
.legend i { display: inline-block; width: 3mm; height: 3mm; margin-right: 1mm; vertical-align: middle; }
.reason { overflow-wrap: anywhere; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #444; }
@media print { a { color: inherit; text-decoration: none; } }
"#;

pub fn render(r: &Report, lang: Lang) -> String {
    let l = lang.labels();
    let tz = r.timezone;
    let t = &r.tally;
    let period = format!("{} – {}", date_text(r.period.first_day), date_text(r.period.last_day));
    let generated = r.generated_at.with_timezone(&tz).format("%H:%M %d/%m/%Y").to_string();
    let played = t.total.on_time + t.total.late;
    let page = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (l.title) " — " (r.station) " — " (period) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (l.title) }
                    p #station { (l.station) ": " strong { (r.station) } }
                    p #period {
                        (l.period) ": " strong { (period) }
                        @if r.period.is_month() {
                            " (" (l.month) " " (r.period.first_day.format("%m/%Y")) ")"
                        }
                    }
                    p { (l.generated) ": " (generated) " · " (l.timezone) ": " (tz.name()) }
                }
                section #overview {
                    h2 { (l.overview) }
                    div.figures {
                        div.figure data-figure="scheduled" { (l.loudspeaker) ": " (l.scheduled) b { (t.by_channel.get(crate::domain::broadcast::LOUDSPEAKER).map_or(0, |c| c.scheduled)) } }
                        div.figure data-figure="played" { (l.on_time) " + " (l.late) b { (played) } }
                        div.figure data-figure="problems" { (l.missed) ", " (l.failed) ", " (l.interrupted) b { (t.total.missed + t.total.failed + t.total.interrupted) } }
                        div.figure data-figure="posted" { (l.posted) b { (t.total.posted) } }
                        div.figure data-figure="airtime" data-seconds=(format!("{:.0}", t.airtime_s)) { (l.airtime) b { (duration_text(t.airtime_s, lang)) } }
                    }
                }
                (integrity(r, l))
                section #charts {
                    figure #chart-airtime {
                        figcaption { (l.airtime_per_day) " (" (l.minutes) ")" }
                        (airtime_chart(r, lang))
                    }
                    figure #chart-channels {
                        figcaption { (l.outcomes_per_channel) }
                        (channel_chart(r, l))
                    }
                }
                section #by-campaign {
                    h2 { (l.by_campaign) }
                    (counts_table(l, l.campaign, t.by_campaign.iter().map(|(k, c)| (k.clone(), None, c)), Some(&t.total)))
                }
                section #by-broadcast {
                    h2 { (l.by_broadcast) }
                    (counts_table(l, l.broadcast, t.by_broadcast.iter().map(|(id, (title, _, c))| (id.clone(), Some(title.clone()), c)), None))
                }
                section #by-channel {
                    h2 { (l.by_channel) }
                    (counts_table(l, l.channel, t.by_channel.iter().map(|(ch, c)| (l.channel_name(ch), None, c)), None))
                }
                section #lateness {
                    h2 { (l.lateness) }
                    table {
                        thead { tr { th { (l.starts) } th { (l.within_1s) } th { (l.mean) } th { (l.median) } th { (l.p95) } th { (l.max) } } }
                        tbody { tr {
                            td.n data-col="starts" { (t.lateness.starts) }
                            td.n data-col="within_1s" { (t.lateness.within_1s) }
                            td.n data-col="mean_ms" { (number(t.lateness.mean_ms, 1, lang)) " ms" }
                            td.n data-col="median_ms" { (t.lateness.median_ms) " ms" }
                            td.n data-col="p95_ms" { (t.lateness.p95_ms) " ms" }
                            td.n data-col="max_ms" { (t.lateness.max_ms) " ms" }
                        } }
                    }
                }
                (relay_section(r, lang))
                (spoken_section(r, lang))
                (failures_section(r, lang))
                footer #notes {
                    strong { (l.notes) ": " }
                    (l.late_rule) " " (l.outcome_rule)
                    " loaxa " (env!("CARGO_PKG_VERSION")) "."
                }
            }
        }
    };
    page.into_string()
}

/// The relay windows by day: time on the source and on the fallback.
fn relay_section(r: &Report, lang: Lang) -> Markup {
    let (l, t) = (lang.labels(), &r.tally);
    html! {
        section #relay {
            h2 { (l.relay) }
            @if t.relay_by_day.is_empty() {
                p.none { (l.no_relay) }
            } @else {
                table {
                    thead { tr { th { (l.day) } th { (l.sessions) } th { (l.hours_relayed) } th { (l.hours_fallback) } th { (l.availability) } } }
                    tbody {
                        @for (day, d) in &t.relay_by_day {
                            tr data-day=(day.to_string()) {
                                td { (date_text(*day)) }
                                td.n { (d.sessions) }
                                td.n data-col="source_h" { (number(d.source_s / 3600.0, 2, lang)) }
                                td.n data-col="fallback_h" { (number(d.fallback_s / 3600.0, 2, lang)) }
                                td.n data-col="availability" { (number(d.availability(), 1, lang)) " %" }
                            }
                        }
                    }
                }
            }
    }
    }
}

/// Every bulletin read aloud, with its voice and length.
fn spoken_section(r: &Report, lang: Lang) -> Markup {
    let (l, t, tz) = (lang.labels(), &r.tally, r.timezone);
    html! {
        section #spoken {
            h2 { (l.spoken) " (" (t.spoken.len()) ")" }
            @if t.spoken.is_empty() {
                p.none { (l.no_spoken) }
            } @else {
                table {
                    thead { tr { th { (l.time) } th { (l.broadcast) } th { (l.bulletin_title) } th { (l.voice) } th { (l.duration) } } }
                    tbody {
                        @for s in &t.spoken {
                            tr data-provider=(s.provider) {
                                td { (s.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")) }
                                td { (s.broadcast_id) }
                                td { (s.title) }
                                td {
                                    (s.provider) " " (s.voice) " (" (s.engine) ")"
                                    @if let Some(why) = &s.fallback { br; small { (l.stood_in) ": " (why) } }
                                }
                                td.n { (number(s.duration_s, 1, lang)) " s" }
                            }
                        }
                    }
                }
            }
    }
    }
}

/// Every failure of the period, with its reason.
fn failures_section(r: &Report, lang: Lang) -> Markup {
    let (l, t, tz) = (lang.labels(), &r.tally, r.timezone);
    html! {
        section #failures {
            h2 { (l.failures) " (" (t.failures.len()) ")" }
            @if t.failures.is_empty() {
                p.none { (l.no_failures) }
            } @else {
                table {
                    thead { tr { th { (l.time) } th { (l.event) } th { (l.broadcast) } th { (l.scheduled_for) } th { (l.channel) } th { (l.reason) } } }
                    tbody {
                        @for f in &t.failures {
                            tr data-kind=(f.kind) data-seq=(f.seq) {
                                td { (f.at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")) }
                                td { (l.kind(&f.kind)) }
                                td { (f.broadcast_id.as_deref().unwrap_or("")) }
                                td { (f.scheduled_at.map(|s| s.with_timezone(&tz).format("%d/%m %H:%M:%S").to_string()).unwrap_or_default()) }
                                td { (f.channel.as_deref().map(|c| l.channel_name(c)).unwrap_or_default()) }
                                td.reason { (f.reason) }
                            }
                        }
                    }
                }
            }
    }
    }
}

fn integrity(r: &Report, l: &Labels) -> Markup {
    let i = &r.integrity;
    html! {
        section #integrity data-intact=(i.intact()) {
            h2 { (l.integrity) }
            @match (&i.first_break, &i.head) {
                (Some(b), _) => p.broken { (l.broken) " " (b.seq()) ": " (b.to_string()) },
                (None, Some(_)) => p.ok { (l.intact) },
                (None, None) => p { (l.empty_history) },
            }
            table {
                tbody {
                    tr { th { (l.events_in_history) } td #events { (i.events) } }
                    @if let Some(h) = &i.head {
                        tr { th { (l.head) } td { code #head { (h.to_string()) } } }
                    }
                    @if let Some((a, b)) = r.tally.seq_range {
                        tr { th { (l.events_counted) } td { (a) " – " (b) } }
                    }
                }
            }
            @if let Some(h) = &i.head {
                p { small { (l.verify_hint) " " code { (h.to_string()) } } }
            }
        }
    }
}

fn counts_table<'a>(
    l: &Labels,
    what: &str,
    rows: impl Iterator<Item = (String, Option<String>, &'a Counts)>,
    total: Option<&Counts>,
) -> Markup {
    html! {
        table {
            thead { tr {
                th { (what) }
                @for col in count_columns() { th.n { (column_label(l, col)) } }
            } }
            tbody {
                @for (key, title, c) in rows {
                    tr data-key=(key) {
                        td {
                            (key)
                            @if let Some(t) = title.filter(|t| !t.is_empty()) { br; small { (t) } }
                        }
                        @for col in count_columns() {
                            @let v = column_value(c, col);
                            td.n.zero[v == 0] data-col=(col) { (v) }
                        }
                    }
                }
                @if let Some(c) = total {
                    tr.total data-key="total" {
                        td { (l.total) }
                        @for col in count_columns() { td.n data-col=(col) { (column_value(c, col)) } }
                    }
                }
            }
        }
    }
}

/// Bars of minutes on air per local day, with the axis rounded up to a readable step.
fn airtime_chart(r: &Report, lang: Lang) -> Markup {
    let l = lang.labels();
    let days: Vec<_> = r.tally.airtime_by_day.iter().collect();
    let (w, h, left, bottom, top) = (680.0, 220.0, 44.0, 34.0, 10.0);
    let max_min = days.iter().map(|(_, s)| **s / 60.0).fold(0.0, f64::max);
    let step = [1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0]
        .into_iter()
        .find(|s| max_min / s <= 5.0)
        .unwrap_or((max_min / 5.0).ceil());
    let axis_max = ((max_min / step).ceil() * step).max(step);
    let plot_w = w - left - 8.0;
    let plot_h = h - top - bottom;
    let slot = plot_w / days.len().max(1) as f64;
    let label_every = (days.len() as f64 / 16.0).ceil().max(1.0) as usize;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(l.airtime_per_day) {
            @for i in 0..=((axis_max / step) as usize) {
                @let v = i as f64 * step;
                @let y = top + plot_h - v / axis_max * plot_h;
                line x1=(left) x2=(w - 8.0) y1=(y) y2=(y) stroke="#ddd" stroke-width="1" {}
                text x=(left - 4.0) y=(y + 3.0) font-size="9" text-anchor="end" { (number(v, 0, lang)) }
            }
            @for (i, (day, seconds)) in days.iter().enumerate() {
                @let minutes = **seconds / 60.0;
                @let bh = minutes / axis_max * plot_h;
                @let x = left + i as f64 * slot;
                rect.bar x=(format!("{:.1}", x + slot * 0.15)) y=(format!("{:.1}", top + plot_h - bh)) width=(format!("{:.1}", slot * 0.7)) height=(format!("{bh:.1}")) fill="#1565c0" data-day=(day.to_string()) data-minutes=(format!("{minutes:.2}")) {
                    title { (date_text(**day)) ": " (number(minutes, 1, lang)) " " (l.minutes) }
                }
                @if i % label_every == 0 {
                    text x=(format!("{:.1}", x + slot / 2.0)) y=(h - bottom + 12.0) font-size="8" text-anchor="middle" { (day.format("%d/%m")) }
                }
            }
            line x1=(left) x2=(left) y1=(top) y2=(top + plot_h) stroke="#333" {}
            line x1=(left) x2=(w - 8.0) y1=(top + plot_h) y2=(top + plot_h) stroke="#333" {}
            text x=(left + plot_w / 2.0) y=(h - 4.0) font-size="9" text-anchor="middle" { (l.day) }
        }
    }
}

/// The non-empty outcome segments of a stacked bar: (column, colour, count, x, width).
fn segments(c: &Counts, left: f64, plot_w: f64) -> Vec<(&'static str, &'static str, u64, f64, f64)> {
    let mut x = left;
    let mut out = Vec::new();
    for (col, colour) in COLUMNS {
        let v = column_value(c, col);
        if v > 0 {
            let bw = v as f64 / c.scheduled.max(1) as f64 * plot_w;
            out.push((*col, *colour, v, x, bw));
            x += bw;
        }
    }
    out
}

/// One stacked bar per channel: how its scheduled items ended, as shares of the bar.
fn channel_chart(r: &Report, l: &Labels) -> Markup {
    let rows: Vec<_> = r.tally.by_channel.iter().collect();
    let (w, row_h, left) = (680.0, 24.0, 140.0);
    let h = row_h * rows.len().max(1) as f64 + 8.0;
    let plot_w = w - left - 50.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {h}")) role="img" aria-label=(l.outcomes_per_channel) {
            @for (i, (ch, c)) in rows.iter().enumerate() {
                @let y = 4.0 + i as f64 * row_h;
                g.channel data-channel=(ch) {
                    text x=(left - 6.0) y=(y + row_h * 0.62) font-size="10" text-anchor="end" { (l.channel_name(ch)) }
                    @for (col, colour, v, x, bw) in segments(c, left, plot_w) {
                        rect x=(format!("{x:.1}")) y=(y + 3.0) width=(format!("{bw:.1}")) height=(row_h - 6.0) fill=(colour) data-col=(col) data-count=(v) {
                            title { (l.channel_name(ch)) ": " (column_label(l, col)) " " (v) }
                        }
                    }
                    text x=(left + plot_w + 6.0) y=(y + row_h * 0.62) font-size="10" { (c.scheduled) }
                }
            }
        }
        p.legend {
            @for (col, colour) in COLUMNS {
                span { i style=(format!("background:{colour}")) {} (column_label(l, col)) }
            }
        }
    }
}
