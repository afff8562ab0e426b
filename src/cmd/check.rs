//! `loaxa check`: validate the configuration and every schedule file as one set.

use std::path::Path;
use std::process::ExitCode;

use chrono::{Duration, Utc};

use super::{EXIT_INVALID, EXIT_USAGE, load_config, parse_local};
use crate::cli::CheckArgs;
use crate::schedule;

pub fn run(config_path: &Path, args: &CheckArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(w) = config.http.exposure_warning() {
        eprintln!("warning: {w}");
    }
    let tz = config.station.timezone;
    let start = match &args.from {
        Some(s) => match parse_local(s, tz) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("error: --from: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None => {
            let today = Utc::now().with_timezone(&tz).date_naive();
            crate::plan::to_utc(tz, today.and_time(chrono::NaiveTime::MIN))
        }
    };
    let mut loaded = match schedule::load(&config) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("help: create the folder, or set `schedules = \"…\"` under [station] in the config");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if !loaded.has_errors() {
        let Some(end) = start.checked_add_signed(Duration::days(i64::from(args.days))) else {
            eprintln!("error: --days: the window ends after the last date loaxa can handle");
            return ExitCode::from(EXIT_USAGE);
        };
        let window = start..end;
        let lints = schedule::lint(&config, &loaded.set, window);
        loaded.diagnostics.extend(lints);
    }
    loaded.sources.emit_all(&loaded.diagnostics);
    // Secrets are read at run time, but a missing one is better learnt now.
    let mut secret_warnings = 0;
    for ch in config.channels.values() {
        for src in ch.token.iter().chain(ch.app_secret.iter()) {
            if let Err(reason) = crate::channels::secret::load(src) {
                secret_warnings += 1;
                eprintln!(
                    "warning: channel `{}`: {reason}; its posts will fail until it is set",
                    ch.name
                );
            }
        }
    }
    use crate::config::plural;
    let summary = format!(
        "{}, {}: {}, {}",
        plural(loaded.set.files.len(), "schedule file"),
        plural(loaded.set.broadcasts.len(), "broadcast"),
        plural(loaded.error_count(), "error"),
        plural(loaded.warning_count() + secret_warnings, "warning")
    );
    if loaded.has_errors() {
        eprintln!("error: {summary}. Fix the errors above; nothing from these files will be used until then.");
        ExitCode::from(EXIT_INVALID)
    } else {
        println!("ok: {summary}");
        ExitCode::SUCCESS
    }
}
