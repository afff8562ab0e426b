//! The subcommands. Each returns the process exit code; `main` only dispatches.

pub mod central;
pub mod check;
pub mod control;
pub mod devices;
pub mod history;
pub mod new;
pub mod passwd;
pub mod plan;
pub mod play;
pub mod post;
pub mod report;
pub mod run;
pub mod speak;
pub mod status;
pub mod verify;

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::{Config, ConfigError};

use crate::exit::{EXIT_INVALID, EXIT_USAGE};

/// Loads the configuration, or prints why not and gives the exit code to stop with.
pub fn load_config(path: &std::path::Path) -> Result<Config, ExitCode> {
    // Until the file says otherwise, the environment chooses (its errors need a language too).
    crate::i18n::set(crate::i18n::choose(crate::config::language_of(path)));
    let config = Config::load(path).map_err(|e| {
        match &e {
            ConfigError::Read { path, source } if source.kind() == std::io::ErrorKind::NotFound => {
                crate::console::error(t!("cli-config-not-found", path = path.display()));
                crate::console::help(t!("cli-config-not-found-hint"));
            }
            ConfigError::Read { .. } => crate::console::error(e),
            ConfigError::Invalid { sources, diagnostics } => {
                sources.emit_all(diagnostics);
                crate::console::error(t!("cli-config-invalid", why = e));
            }
        }
        ExitCode::from(EXIT_USAGE)
    })?;
    crate::i18n::set(crate::i18n::choose(config.station.language));
    Ok(config)
}

/// Loads the schedules for a command that needs a valid set: on errors, prints the report
/// and gives the exit code to stop with.
pub fn load_valid_schedules(config: &Config) -> Result<crate::schedule::ScheduleSet, ExitCode> {
    let loaded = crate::schedule::load(config).map_err(|e| {
        crate::console::error(e);
        ExitCode::from(EXIT_USAGE)
    })?;
    if loaded.has_errors() {
        loaded.sources.emit_all(&loaded.diagnostics);
        crate::console::error(t!("cli-schedules-invalid", n = loaded.error_count()));
        return Err(ExitCode::from(EXIT_INVALID));
    }
    Ok(loaded.set)
}

/// Parses a command-line DATE or DATETIME in the station's timezone.
pub fn parse_local(s: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Some(d) = crate::domain::localtime::parse_date(s) {
        return Ok(crate::domain::time::to_utc(tz, d.and_time(chrono::NaiveTime::MIN)));
    }
    match crate::domain::localtime::parse_date_time(s) {
        Some(Ok(dt)) => Ok(crate::domain::time::to_utc(tz, dt)),
        Some(Err(why)) => Err(why),
        None => Err(t!("cli-not-a-date", text = s)),
    }
}
