//! Reading the history back: filters, per-broadcast and per-channel summaries, and the
//! table, CSV and JSON forms `loaxa history` prints.

use std::collections::BTreeMap;
use std::io::Write;

use chrono::{DateTime, Utc};
use rusqlite::types::Value as Sql;
use serde_json::Value;
use serde_json::value::RawValue;

use super::store::{Store, StoreError, StoredEvent};
use crate::domain::event::{Kind, Status};
use crate::domain::time::utc_text;

/// Which events to read. Empty fields match everything.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub broadcast_id: Option<String>,
    pub channel: Option<String>,
    pub kinds: Vec<Kind>,
    pub status: Option<Status>,
    pub campaign: Option<String>,
}

impl Filter {
    fn sql(&self) -> (String, Vec<Sql>) {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Sql> = Vec::new();
        let mut time = Vec::new();
        let mut time_args = Vec::new();
        if let Some(f) = self.from {
            time.push("at_utc >= ?");
            time_args.push(Sql::Text(utc_text(f)));
        }
        if let Some(t) = self.to {
            time.push("at_utc < ?");
            time_args.push(Sql::Text(utc_text(t)));
        }
        if !time.is_empty() {
            // Find the seq range through the time index, then scan that range in seq order:
            // no sort of a month of rows. The `+` keeps SQLite from using the time index twice.
            let t = time.join(" AND ");
            clauses.push(format!("seq >= (SELECT min(seq) FROM events WHERE {t})"));
            clauses.push(format!("seq <= (SELECT max(seq) FROM events WHERE {t})"));
            clauses.push(format!("+{}", time.join(" AND +")));
            for _ in 0..3 {
                args.extend(time_args.iter().cloned());
            }
        }
        if let Some(id) = &self.broadcast_id {
            clauses.push("broadcast_id = ?".into());
            args.push(Sql::Text(id.clone()));
        }
        if let Some(c) = &self.channel {
            clauses.push("channel = ?".into());
            args.push(Sql::Text(c.clone()));
        }
        if let Some(c) = &self.campaign {
            clauses.push("campaign = ?".into());
            args.push(Sql::Text(c.clone()));
        }
        let mut kinds: Vec<Kind> = self.kinds.clone();
        if let Some(s) = self.status {
            let by_status = s.kinds();
            kinds = if kinds.is_empty() {
                by_status
            } else {
                kinds.into_iter().filter(|k| by_status.contains(k)).collect()
            };
            if kinds.is_empty() {
                clauses.push("0".into());
            }
        }
        if !kinds.is_empty() {
            clauses.push(format!("kind IN ({})", vec!["?"; kinds.len()].join(",")));
            args.extend(kinds.iter().map(|k| Sql::Text(k.as_str().into())));
        }
        let wher = if clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", clauses.join(" AND "))
        };
        (wher, args)
    }
}

/// The events matching a filter, oldest first, their details redacted (a history written
/// before every event was redacted on its way in may still hold a secret; see
/// [`crate::redact`]).
pub fn events(store: &Store, filter: &Filter) -> Result<Vec<StoredEvent>, StoreError> {
    let (wher, args) = filter.sql();
    let mut stmt = store.connection().prepare(&format!(
        "SELECT {} FROM events{wher} ORDER BY seq",
        StoredEvent::COLUMNS
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), StoredEvent::from_row)?;
    rows.map(|r| {
        r.map(|mut e| {
            e.details = crate::redact::redact(&e.details);
            e
        })
        .map_err(StoreError::from)
    })
    .collect()
}

/// Outcome counts for one broadcast or one channel.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub started: u64,
    pub ok: u64,
    pub failed: u64,
    pub interrupted: u64,
    pub missed: u64,
    pub unconfirmed: u64,
    pub attempts: u64,
}

impl Counts {
    fn add(&mut self, kind: Kind, n: u64) {
        match kind {
            Kind::PlayoutStarted => self.started += n,
            Kind::PostAttempt => self.attempts += n,
            _ => {}
        }
        match kind.status() {
            Some(Status::Ok) => self.ok += n,
            Some(Status::Failed) => self.failed += n,
            Some(Status::Interrupted) => self.interrupted += n,
            Some(Status::Missed) => self.missed += n,
            Some(Status::Unconfirmed) => self.unconfirmed += n,
            None => {}
        }
    }
}

/// Counts per broadcast (loudspeaker) and per channel (posts) for a filter.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub by_broadcast: BTreeMap<String, Counts>,
    pub by_channel: BTreeMap<String, Counts>,
}

pub fn summary(store: &Store, filter: &Filter) -> Result<Summary, StoreError> {
    let (wher, args) = filter.sql();
    let mut stmt = store.connection().prepare(&format!(
        "SELECT broadcast_id, channel, kind, count(*) FROM events{wher} GROUP BY broadcast_id, channel, kind"
    ))?;
    let mut out = Summary::default();
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    while let Some(r) = rows.next()? {
        let id: Option<String> = r.get(0)?;
        let channel: Option<String> = r.get(1)?;
        let Some(kind) = Kind::parse(&r.get::<_, String>(2)?) else {
            continue;
        };
        let n: i64 = r.get(3)?;
        let n = n as u64;
        if let Some(c) = &channel {
            out.by_channel.entry(c.clone()).or_default().add(kind, n);
        } else if let Some(id) = &id {
            out.by_broadcast.entry(id.clone()).or_default().add(kind, n);
        }
    }
    Ok(out)
}

/// A short human description of an event: its reason, error, link or title, in the station's
/// language and time (`tz`).
pub fn describe(details: &Value, tz: chrono_tz::Tz) -> String {
    // An interruption by a programme, an officer or the stop is told from whom it was by (its
    // `reason` is the machine's English); one by a restart keeps the reason it was given.
    if let Some(by) = details.get("by").and_then(Value::as_str)
        && (by == "shutdown" || by.starts_with("operator:") || by.contains('@'))
    {
        return interrupted_by(by, tz);
    }
    for key in ["reason", "error", "url", "message", "title"] {
        if let Some(s) = details.get(key).and_then(Value::as_str) {
            return s.to_string();
        }
    }
    if details.get("places").is_some() {
        return places_summary(details);
    }
    // Rejections recorded before 2026-11 carry the quoted report.
    if let Some(report) = details.get("report").and_then(Value::as_str) {
        return report_summary(report);
    }
    if let Some(files) = details.get("files").and_then(Value::as_array) {
        return format!("{} files", files.len());
    }
    String::new()
}

/// "interrupted by bao-lu (07/12/2026 13:15:05)", "… by the officer root", "… as loaxa stopped".
fn interrupted_by(by: &str, tz: chrono_tz::Tz) -> String {
    if by == "shutdown" {
        return t!("reason-interrupted-shutdown");
    }
    let who = match by.strip_prefix("operator:") {
        Some(name) => t!("reason-by-officer", name = name),
        None => crate::domain::plan::show_key(by, tz),
    };
    t!("reason-interrupted-by", by = who)
}

/// "2 errors, at schedules/a.toml:3:1, schedules/a.toml:9:5; `loaxa check` shows them", from a
/// `schedule_rejected` event's details.
pub fn places_summary(details: &Value) -> String {
    let n = details["errors"].as_u64().unwrap_or(0);
    let places: Vec<String> = details["places"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    format!(
                        "{}:{}:{} ({})",
                        p["file"].as_str().unwrap_or("?"),
                        p["line"],
                        p["column"],
                        p["code"].as_str().unwrap_or("invalid-value")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let more = details["more"].as_u64().unwrap_or(0);
    // Shown on the dashboard and by `status` and `history`: in the station's language.
    t!("rejected-summary", n = n, places = places.join(", "), more = more)
}

/// One line from a `loaxa check` report: its first error and where it is.
fn report_summary(report: &str) -> String {
    let first = report.lines().find(|l| l.starts_with("error")).unwrap_or("").trim();
    let place = report
        .lines()
        .find_map(|l| l.trim().strip_prefix("┌─"))
        .map(str::trim)
        .unwrap_or("");
    let errors = report.lines().filter(|l| l.starts_with("error")).count();
    match (errors, place.is_empty()) {
        (0, _) => report.lines().next().unwrap_or("").to_string(),
        (1, true) => first.to_string(),
        (1, false) => format!("{place}: {first}"),
        (n, _) => format!("{place}: {first} (and {} more)", n - 1),
    }
}

fn local_short(text: &Option<String>, store: &Store) -> String {
    text.as_ref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&store.timezone()).format("%d/%m %H:%M:%S").to_string())
        .unwrap_or_default()
}

pub fn write_table(out: &mut impl Write, store: &Store, rows: &[StoredEvent]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:>6}  {:<19}  {:<19}  {:<24}  {:<14}  {:<10}  {}",
        t!("history-col-seq"),
        t!("history-col-time"),
        t!("history-col-kind"),
        t!("history-col-broadcast"),
        t!("history-col-scheduled"),
        t!("history-col-channel"),
        t!("history-col-details")
    )?;
    for e in rows {
        let time = DateTime::parse_from_rfc3339(&e.at_local)
            .map(|t| t.format("%d/%m/%Y %H:%M:%S").to_string())
            .unwrap_or_else(|_| e.at_local.clone());
        writeln!(
            out,
            "{:>6}  {:<19}  {:<19}  {:<24}  {:<14}  {:<10}  {}",
            e.seq,
            time,
            e.kind,
            e.broadcast_id.as_deref().unwrap_or(""),
            local_short(&e.scheduled_at, store),
            e.channel.as_deref().unwrap_or(""),
            describe(&e.details_json(), store.timezone())
        )?;
    }
    Ok(())
}

/// CSV with a UTF-8 byte-order mark, so Excel and LibreOffice show Vietnamese text correctly.
pub fn write_csv(out: &mut impl Write, store: &Store, rows: &[StoredEvent]) -> std::io::Result<()> {
    out.write_all("\u{feff}".as_bytes())?;
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "seq",
        "time_local",
        "time_utc",
        "kind",
        "status",
        "broadcast_id",
        "scheduled_local",
        "channel",
        "campaign",
        "title",
        "description",
        "details",
        "hash",
    ])?;
    for e in rows {
        let d = e.details_json();
        let status = Kind::parse(&e.kind)
            .and_then(Kind::status)
            .map(|s| format!("{s:?}").to_lowercase())
            .unwrap_or_default();
        let scheduled = e
            .scheduled_at
            .as_ref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| super::store::local_text(t.with_timezone(&Utc), store.timezone()))
            .unwrap_or_default();
        w.write_record(
            [
                e.seq.to_string().as_str(),
                &e.at_local,
                &e.at_utc,
                &e.kind,
                &status,
                e.broadcast_id.as_deref().unwrap_or(""),
                &scheduled,
                e.channel.as_deref().unwrap_or(""),
                e.campaign.as_deref().unwrap_or(""),
                d.get("title").and_then(Value::as_str).unwrap_or(""),
                &describe(&d, store.timezone()),
                &e.details,
                &e.hash,
            ]
            // Titles and reasons are written by people: a cell a spreadsheet would run as a
            // formula is neutralised.
            .map(|c| crate::domain::text::spreadsheet_safe(c).into_owned()),
        )?;
    }
    w.flush()?;
    Ok(())
}

/// One JSON object per line. `details` is copied through as stored, without re-parsing.
pub fn write_json(out: &mut impl Write, rows: &[StoredEvent]) -> std::io::Result<()> {
    #[derive(serde::Serialize)]
    struct Line<'a> {
        seq: i64,
        at: &'a str,
        at_utc: &'a str,
        kind: &'a str,
        broadcast_id: Option<&'a str>,
        scheduled_at: Option<&'a str>,
        channel: Option<&'a str>,
        campaign: Option<&'a str>,
        details: &'a RawValue,
        hash: &'a str,
    }
    let null = RawValue::from_string("null".into()).map_err(std::io::Error::other)?;
    for e in rows {
        let details: Box<RawValue>;
        let details = match serde_json::from_str::<&RawValue>(&e.details) {
            Ok(d) => d,
            Err(_) => {
                details = null.clone();
                &details
            }
        };
        let line = Line {
            seq: e.seq,
            at: &e.at_local,
            at_utc: &e.at_utc,
            kind: &e.kind,
            broadcast_id: e.broadcast_id.as_deref(),
            scheduled_at: e.scheduled_at.as_deref(),
            channel: e.channel.as_deref(),
            campaign: e.campaign.as_deref(),
            details,
            hash: &e.hash,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

pub fn write_summary(out: &mut impl Write, s: &Summary) -> std::io::Result<()> {
    writeln!(out, "{}", t!("history-summary-loudspeaker"))?;
    writeln!(
        out,
        "  {:<32} {:>8} {:>8} {:>8} {:>12} {:>8}",
        t!("history-col-broadcast"),
        t!("history-col-started"),
        t!("history-col-played"),
        t!("history-col-failed"),
        t!("history-col-interrupted"),
        t!("history-col-missed")
    )?;
    for (id, c) in &s.by_broadcast {
        writeln!(
            out,
            "  {:<32} {:>8} {:>8} {:>8} {:>12} {:>8}",
            id, c.started, c.ok, c.failed, c.interrupted, c.missed
        )?;
    }
    writeln!(out, "\n{}", t!("history-summary-posts"))?;
    writeln!(
        out,
        "  {:<32} {:>8} {:>8} {:>8} {:>12}",
        t!("history-col-channel"),
        t!("history-col-attempts"),
        t!("history-col-posted"),
        t!("history-col-failed"),
        t!("history-col-unconfirmed")
    )?;
    for (ch, c) in &s.by_channel {
        writeln!(
            out,
            "  {:<32} {:>8} {:>8} {:>8} {:>12}",
            ch, c.attempts, c.ok, c.failed, c.unconfirmed
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue #33: "interrupted by operator:root" and "… @2026-12-07T06:15:05Z" on a Vietnamese
    /// dashboard and report. Who interrupted is told in the station's language and time.
    #[test]
    fn an_interruption_says_by_whom_in_the_stations_language_and_time() {
        let tz = chrono_tz::Asia::Ho_Chi_Minh;
        let by = |by: &str| serde_json::json!({"reason": format!("interrupted by {by}"), "by": by, "replay": true});
        let vi = |d: &Value| crate::i18n::scoped(crate::i18n::Lang::Vi, || describe(d, tz));
        assert_eq!(
            vi(&by("bao-lu@2026-12-07T06:15:05Z")),
            "bị ngắt bởi bao-lu (07/12/2026 13:15:05)"
        );
        assert_eq!(vi(&by("operator:root")), "bị ngắt bởi cán bộ root");
        assert_eq!(vi(&by("shutdown")), "bị ngắt khi loaxa dừng");
        let en = crate::i18n::scoped(crate::i18n::Lang::En, || describe(&by("operator:root"), tz));
        assert_eq!(en, "interrupted by the officer root");
        // A restart's interruption keeps the reason it was recorded with.
        let restart = serde_json::json!({"reason": "stopped during playback", "by": "restart", "replay": true});
        assert_eq!(describe(&restart, tz), "stopped during playback");
    }

    /// Issue #33: the rejected-edit summary was English on a Vietnamese dashboard.
    #[test]
    fn a_rejected_edit_is_summed_up_in_the_stations_language() {
        let details = serde_json::json!({
            "errors": 3,
            "places": [{"file": "schedules/a.toml", "line": 6, "column": 7, "code": "invalid-value"}],
            "more": 2,
        });
        let vi = crate::i18n::scoped(crate::i18n::Lang::Vi, || places_summary(&details));
        assert_eq!(
            vi,
            "3 lỗi, tại schedules/a.toml:6:7 (invalid-value) và 2 chỗ khác; chạy `loaxa check` để xem"
        );
        let en = crate::i18n::scoped(crate::i18n::Lang::En, || places_summary(&details));
        assert_eq!(
            en,
            "3 errors, at schedules/a.toml:6:7 (invalid-value) and 2 more; run `loaxa check` to see them"
        );
        let one = serde_json::json!({"errors": 1, "places": [], "more": 0});
        let one = crate::i18n::scoped(crate::i18n::Lang::En, || places_summary(&one));
        assert!(one.starts_with("1 error, at ") && !one.contains("more"), "{one}");
    }
}
