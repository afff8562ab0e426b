//! `loaxa report`: the office's report for a month or a range of days, as HTML or CSV.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::cli::{ReportArgs, ReportFormat};
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::history::Store;
use crate::report::{self, Period, parse_day};

pub fn run(config_path: &Path, args: &ReportArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    config.remember_secrets();
    let tz = config.station.timezone;
    let usage = |msg: String| {
        crate::console::error(msg);
        ExitCode::from(EXIT_USAGE)
    };
    let period = match (&args.month, &args.from, &args.to) {
        (Some(m), _, _) => Period::month(m, tz),
        (None, Some(f), Some(t)) => parse_day(f).and_then(|f| Period::days(f, parse_day(t)?, tz)),
        _ => Err(t!("report-which-period")),
    };
    let period = match period {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let format =
        args.format.unwrap_or_else(
            || match args.out.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
                Some(e) if e.eq_ignore_ascii_case("csv") => ReportFormat::Csv,
                _ => ReportFormat::Html,
            },
        );
    let path = Store::path_in(&config.station.data);
    let built = Store::open_read_only(&path, tz).and_then(|s| report::build(&s, &config.station.name, period));
    let r = match built {
        Ok(r) => r,
        Err(e) => return usage(e.to_string()),
    };
    let mut bytes = Vec::new();
    let lang = args
        .lang
        .unwrap_or_else(|| crate::i18n::choose(config.station.language));
    let written = match format {
        ReportFormat::Html => bytes.write_all(report::html::render(&r, lang).as_bytes()),
        ReportFormat::Csv => report::csv::write(&mut bytes, &r, lang),
    };
    if let Err(e) = written {
        return usage(t!("cli-report-cannot-render", why = e));
    }
    let saved = match &args.out {
        // Written whole to a temporary file and renamed: a failed write never leaves half a report.
        Some(out) => write_atomically(out, &bytes).map_err(|e| t!("cli-cannot-write", path = out.display(), why = e)),
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .or_else(|e| {
                if e.kind() == std::io::ErrorKind::BrokenPipe {
                    Ok(())
                } else {
                    Err(e)
                }
            })
            .map_err(|e| t!("cli-cannot-write-output", why = e)),
    };
    if let Err(e) = saved {
        return usage(e);
    }
    let t = &r.tally;
    if let Some(out) = &args.out {
        let airings = t
            .by_channel
            .get(crate::domain::broadcast::LOUDSPEAKER)
            .map_or(0, |c| c.scheduled);
        eprintln!(
            "{}",
            t!(
                "cli-report-wrote",
                path = out.display(),
                first = report::date_text(r.period.first_day),
                last = report::date_text(r.period.last_day),
                airings = airings,
                posts = t.total.scheduled - airings,
                failures = t.failures.len()
            )
        );
    }
    match (&r.integrity.first_break, &r.integrity.head) {
        (Some(b), _) => {
            eprintln!("{}", t!("cli-report-broken", why = b));
            eprintln!("{}", t!("cli-report-broken-hint"));
            ExitCode::from(EXIT_INVALID)
        }
        (None, Some(h)) => {
            eprintln!("{}", t!("cli-report-verified", head = h));
            ExitCode::SUCCESS
        }
        (None, None) => ExitCode::SUCCESS,
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("report");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
