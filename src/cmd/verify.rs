//! `loaxa verify`: walk the history's hash chain and print its head.

use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::cli::VerifyArgs;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::history::Store;
use crate::history::verify::{parse_head, verify};

pub fn run(config_path: &Path, args: &VerifyArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let published = match args.head.as_deref().map(parse_head).transpose() {
        Ok(h) => h,
        Err(e) => {
            crate::console::error(format!("--head: {e}"));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let path = Store::path_in(&config.station.data);
    if !path.exists() {
        crate::console::error(t!("cli-no-history", path = path.display()));
        crate::console::help(t!("cli-no-history-hint"));
        return ExitCode::from(EXIT_USAGE);
    }
    // Past this point anything that stops the walk is damage: a file that is not a database, a
    // malformed page, a column of the wrong type, a dropped table. All exit 1, like a broken
    // link, so a script that checks `verify` misses none of them.
    let report = Store::open_read_only(&path, config.station.timezone).and_then(|s| verify(&s, published.as_ref()));
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            errln!("{}", t!("cli-verify-unreadable", why = e));
            return ExitCode::from(EXIT_INVALID);
        }
    };
    match (&report.first_break, &report.head) {
        (Some(b), _) => {
            errln!("{}", t!("cli-verify-broken", why = b));
            errln!("{}", t!("cli-verify-first-broken", seq = b.seq()));
            if let Some(h) = &report.head {
                errln!("{}", t!("cli-verify-last", head = h));
            }
            ExitCode::from(EXIT_INVALID)
        }
        (None, Some(head)) => {
            println!("{}", t!("cli-verify-ok", n = report.events));
            println!("{}", t!("cli-verify-head", head = head));
            ExitCode::SUCCESS
        }
        (None, None) => {
            println!("{}", t!("cli-verify-empty"));
            ExitCode::SUCCESS
        }
    }
}
