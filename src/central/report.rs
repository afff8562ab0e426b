//! The province's report (`loaxa central report`): one row per commune for a month, from the
//! central history: programmes aired, missed and failed, posts, hours relayed, province
//! bulletins received, the last contact, and whether the commune's chain holds.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use maud::{DOCTYPE, PreEscaped, html};

use super::{CentralError, said};

/// One commune's month.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub station_id: String,
    pub aired: i64,
    pub missed: i64,
    pub failed: i64,
    pub posted: i64,
    pub post_failed: i64,
    pub relay_h: f64,
    pub bulletins: i64,
    pub head_seq: i64,
    pub last_contact: Option<DateTime<Utc>>,
    /// None: the chain holds; else the first seq that breaks it.
    pub first_break: Option<i64>,
    pub rejections: i64,
    /// The resets the province accepted for this commune, oldest first (whatever the month:
    /// like the chain's state, they are the chain's).
    pub resets: Vec<Reset>,
}

/// A reset as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reset {
    pub after_seq: i64,
    pub old_head: i64,
    pub reason: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The month `YYYY-MM` as an instant range in `tz`.
pub fn month(text: &str, tz: Tz) -> Result<(NaiveDate, DateTime<Utc>, DateTime<Utc>), String> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .map_err(|_| t!("cli-central-month", given = text.to_string()))?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(|| t!("cli-central-month", given = text.to_string()))?;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or_else(|| t!("cli-central-month", given = text.to_string()))
    };
    Ok((first, at(first)?, at(next)?))
}

pub async fn rows(
    client: &tokio_postgres::Client,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    station: Option<&str>,
) -> Result<Vec<Row>, CentralError> {
    let q = |e: tokio_postgres::Error| CentralError::Query(said(&e));
    let rows = client
        .query(
            "SELECT s.station_id, \
               count(e.seq) FILTER (WHERE e.kind = 'playout_finished'), \
               count(e.seq) FILTER (WHERE e.kind = 'playout_missed'), \
               count(e.seq) FILTER (WHERE e.kind = 'playout_failed'), \
               count(e.seq) FILTER (WHERE e.kind = 'post_succeeded'), \
               count(e.seq) FILTER (WHERE e.kind = 'post_failed'), \
               coalesce(sum((e.details -> 'relay' ->> 'source_s')::float8) \
                 FILTER (WHERE e.kind = 'playout_finished' AND e.details ? 'relay'), 0) / 3600, \
               count(e.seq) FILTER (WHERE e.kind = 'bulletin_received'), \
               s.head_seq, s.last_contact, \
               (SELECT count(*) FROM loaxa_rejections r WHERE r.station_id = s.station_id) + s.rejections_beyond \
             FROM loaxa_stations s \
             LEFT JOIN loaxa_events e ON e.station_id = s.station_id AND e.at >= $1 AND e.at < $2 \
             WHERE $3::text IS NULL OR s.station_id = $3 \
             GROUP BY s.station_id ORDER BY s.station_id",
            &[&from, &to, &station],
        )
        .await
        .map_err(q)?;
    let swept: std::collections::HashMap<String, Option<i64>> = client
        .query("SELECT station_id, first_break FROM loaxa_sweep()", &[])
        .await
        .map_err(q)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut resets: std::collections::HashMap<String, Vec<Reset>> = std::collections::HashMap::new();
    for r in client
        .query(
            "SELECT station_id, base_seq, old_head_seq, reason, accepted_by::text, accepted_at \
             FROM loaxa_resets ORDER BY station_id, epoch",
            &[],
        )
        .await
        .map_err(q)?
    {
        resets.entry(r.get(0)).or_default().push(Reset {
            after_seq: r.get(1),
            old_head: r.get(2),
            reason: r.get(3),
            by: r.get(4),
            at: r.get(5),
        });
    }
    Ok(rows
        .iter()
        .map(|r| {
            let id: String = r.get(0);
            Row {
                resets: resets.remove(&id).unwrap_or_default(),
                first_break: swept.get(&id).copied().flatten(),
                station_id: id,
                aired: r.get(1),
                missed: r.get(2),
                failed: r.get(3),
                posted: r.get(4),
                post_failed: r.get(5),
                relay_h: r.get(6),
                bulletins: r.get(7),
                head_seq: r.get(8),
                last_contact: r.get(9),
                rejections: r.get(10),
            }
        })
        .collect())
}

/// The machine-stable column ids, in order (the CSV's header, the HTML's `data-col`).
pub const COLUMNS: [&str; 12] = [
    "station_id",
    "aired",
    "missed",
    "failed",
    "posted",
    "post_failed",
    "relay_h",
    "bulletins",
    "last_contact",
    "chain",
    "rejections",
    "resets",
];

fn cells(r: &Row, tz: Tz) -> [String; 12] {
    [
        r.station_id.clone(),
        r.aired.to_string(),
        r.missed.to_string(),
        r.failed.to_string(),
        r.posted.to_string(),
        r.post_failed.to_string(),
        format!("{:.2}", r.relay_h),
        r.bulletins.to_string(),
        r.last_contact
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        match r.first_break {
            None => format!("intact:{}", r.head_seq),
            Some(seq) => format!("broken:{seq}"),
        },
        r.rejections.to_string(),
        r.resets.len().to_string(),
    ]
}

/// The rows as CSV: quoted where a cell needs it, and every cell safe for a spreadsheet.
pub fn csv(rows: &[Row], tz: Tz) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for r in rows {
        let _ = w.write_record(
            cells(r, tz)
                .iter()
                .map(|c| crate::domain::text::spreadsheet_safe(c).into_owned()),
        );
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn html(rows: &[Row], first: NaiveDate, tz: Tz, lang: crate::i18n::Lang) -> String {
    let headers = [
        t!("central-report-commune"),
        t!("central-report-aired"),
        t!("central-report-missed"),
        t!("central-report-failed"),
        t!("central-report-posted"),
        t!("central-report-post-failed"),
        t!("central-report-relay"),
        t!("central-report-bulletins"),
        t!("central-report-contact"),
        t!("central-report-chain"),
        t!("central-report-rejections"),
        t!("central-report-resets"),
    ];
    let title = t!("central-report-title", month = first.format("%m/%Y").to_string());
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped("body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}\
                    td,th{border:1px solid #999;padding:.25em .5em;text-align:right}td:first-child,th{text-align:left}\
                    .broken{background:#fdd;font-weight:bold}.reset{background:#ffd;text-align:left}")) }
            }
            body {
                h1 { (title) }
                p { (t!("central-report-zone", zone = tz.name())) }
                table #communes {
                    thead { tr { @for h in &headers { th { (h) } } } }
                    tbody {
                        @for r in rows {
                            tr data-station=(r.station_id) {
                                @for (col, value) in COLUMNS.iter().zip(cells(r, tz)) {
                                    @if *col == "chain" {
                                        // The stable value for machines, the words for people.
                                        @match r.first_break {
                                            Some(seq) => td.broken data-col=(col) data-value=(value) { (t!("central-report-broken", seq = seq)) },
                                            None => td data-col=(col) data-value=(value) { (t!("central-report-intact", head = r.head_seq)) },
                                        }
                                    } @else if *col == "resets" && !r.resets.is_empty() {
                                        td.reset data-col=(col) data-value=(value) {
                                            @for x in &r.resets {
                                                div { (t!(
                                                    "central-report-reset",
                                                    at = x.at.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
                                                    after = x.after_seq,
                                                    old = x.old_head,
                                                    by = x.by.clone(),
                                                    reason = x.reason.clone()
                                                )) }
                                            }
                                        }
                                    } @else {
                                        td data-col=(col) { (value) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}
