//! `loaxa run`: the daemon, on the configuration the command line names.

use std::path::Path;
use std::process::ExitCode;

use super::load_config;

pub fn run(config_path: &Path, accept_history_reset: bool) -> ExitCode {
    // A stop asked for while the configuration loads is a clean stop, not a kill; and the
    // descriptors are raised before anything opens one.
    crate::daemon::starting();
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    crate::daemon::run(config, accept_history_reset)
}
