//! `loaxa run`: the daemon, on the configuration the command line names, and the exit code
//! for how it ended (the unit's restart policy reads it).

use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::daemon::Ended;
use crate::exit::{EXIT_INVALID, EXIT_SOFTWARE, EXIT_USAGE};

pub fn run(config_path: &Path, accept_history_reset: bool) -> ExitCode {
    // A stop asked for while the configuration loads is a clean stop, not a kill; and the
    // descriptors are raised before anything opens one.
    crate::daemon::starting();
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match crate::daemon::run(config, accept_history_reset) {
        Ended::Stopped => ExitCode::SUCCESS,
        Ended::CouldNotStart => ExitCode::from(EXIT_USAGE),
        Ended::NothingToAir | Ended::Unwritten(_) => ExitCode::from(EXIT_INVALID),
        Ended::PartFailed => ExitCode::from(EXIT_SOFTWARE),
    }
}
