//! `loaxa plan`: print the occurrences of a time window, as a table by day or as JSON lines.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::{load_config, parse_local};
use crate::cli::PlanArgs;
use crate::domain::broadcast::Priority;
use crate::domain::localtime::show_day;
use crate::domain::plan::{Occurrence, occurrences};
use crate::exit::EXIT_USAGE;

pub fn run(config_path: &Path, args: &PlanArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let tz = config.station.timezone;
    let window = match window(args, tz) {
        Ok(w) => w,
        Err(e) => {
            crate::console::error(e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let set = match super::load_valid_schedules(&config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let occ = occurrences(&set.broadcasts, window.0..window.1, tz);
    let stdout = std::io::stdout();
    // Titles and reasons come from files and platforms: no control character reaches the
    // terminal.
    let mut out = BufWriter::new(crate::console::Printable::new(stdout.lock()));
    let result = if args.json {
        write_json(&mut out, &occ, tz)
    } else {
        write_table(&mut out, &occ, tz, &window)
    };
    match result.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            crate::console::error(t!("cli-plan-cannot-write", why = e));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn window(args: &PlanArgs, tz: Tz) -> Result<(DateTime<Utc>, DateTime<Utc>), String> {
    let from = match &args.from {
        Some(s) => parse_local(s, tz).map_err(|e| format!("--from: {e}"))?,
        None => Utc::now(),
    };
    let to = match &args.to {
        Some(s) => parse_local(s, tz).map_err(|e| format!("--to: {e}"))?,
        None => from
            .checked_add_signed(Duration::days(i64::from(args.days)))
            .ok_or_else(|| t!("cli-days-too-far"))?,
    };
    if to <= from {
        return Err(t!("cli-to-before-from"));
    }
    if to - from > Duration::days(crate::cli::MAX_DAYS) {
        return Err(t!("cli-window-too-long", days = crate::cli::MAX_DAYS));
    }
    Ok((from, to))
}

#[derive(Serialize)]
struct JsonOccurrence<'a> {
    at: String,
    id: &'a str,
    title: &'a str,
    priority: &'static str,
    channels: &'a [String],
    audio: Vec<&'a str>,
    duration_s: f64,
}

fn write_json(out: &mut impl Write, occ: &[Occurrence<'_>], tz: Tz) -> std::io::Result<()> {
    for o in occ {
        let b = o.broadcast;
        let line = JsonOccurrence {
            at: o.at.with_timezone(&tz).to_rfc3339(),
            id: &b.id,
            title: &b.title,
            priority: b.priority.as_str(),
            channels: &b.channels,
            audio: b.audio.iter().map(|a| a.path.as_str()).collect(),
            duration_s: (b.duration().as_secs_f64() * 1000.0).round() / 1000.0,
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn write_table(
    out: &mut impl Write,
    occ: &[Occurrence<'_>],
    tz: Tz,
    window: &(DateTime<Utc>, DateTime<Utc>),
) -> std::io::Result<()> {
    let fmt = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string();
    let heading = t!(
        "cli-plan-heading",
        from = fmt(window.0),
        to = fmt(window.1),
        timezone = tz.name(),
        n = occ.len()
    );
    writeln!(out, "{heading}")?;
    let columns = [
        t!("cli-plan-time"),
        t!("cli-plan-priority"),
        t!("cli-plan-length"),
        t!("cli-plan-id"),
        t!("cli-plan-channels"),
        t!("cli-plan-title"),
    ];
    let level_width = [Priority::Normal, Priority::Priority, Priority::Emergency]
        .iter()
        .map(|p| p.label().chars().count())
        .chain([columns[1].chars().count()])
        .max()
        .unwrap_or(9);
    let id_width = occ.iter().map(|o| o.broadcast.id.len()).max().unwrap_or(2).max(2);
    let ch_width = occ
        .iter()
        .map(|o| o.broadcast.channels.join(",").len())
        .max()
        .unwrap_or(8)
        .max(8);
    let mut day = None;
    for o in occ {
        let local = o.at.with_timezone(&tz);
        if day != Some(local.date_naive()) {
            day = Some(local.date_naive());
            writeln!(out)?;
            writeln!(out, "{}", show_day(local.date_naive()))?;
            writeln!(
                out,
                "  {:<8}  {:<level_width$}  {:>8}  {:<id_width$}  {:<ch_width$}  {}",
                columns[0], columns[1], columns[2], columns[3], columns[4], columns[5]
            )?;
        }
        let b = o.broadcast;
        let secs = b.duration().as_secs_f64().round() as u64;
        writeln!(
            out,
            "  {}  {:<level_width$}  {:>8}  {:<id_width$}  {:<ch_width$}  {}",
            local.format("%H:%M:%S"),
            b.priority.label(),
            format!("{}:{:02}", secs / 60, secs % 60),
            b.id,
            b.channels.join(","),
            b.title
        )?;
    }
    if occ.is_empty() {
        writeln!(out, "\n{}", t!("cli-plan-nothing"))?;
    }
    Ok(())
}
