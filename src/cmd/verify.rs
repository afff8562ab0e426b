//! `loaxa verify`: walk the history's hash chain and print its head.

use std::path::Path;
use std::process::ExitCode;

use super::{EXIT_INVALID, EXIT_USAGE, load_config};
use crate::cli::VerifyArgs;
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
            eprintln!("error: --head: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let path = Store::path_in(&config.station.data);
    if !path.exists() {
        eprintln!("error: there is no history at {}", path.display());
        eprintln!("help: check [station] data in the config; loaxa creates the history when it first runs");
        return ExitCode::from(EXIT_USAGE);
    }
    // Past this point anything that stops the walk is damage: a file that is not a database, a
    // malformed page, a column of the wrong type, a dropped table. All exit 1, like a broken
    // link, so a script that checks `verify` misses none of them.
    let report = Store::open_read_only(&path, config.station.timezone).and_then(|s| verify(&s, published.as_ref()));
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("BROKEN: the history cannot be read to the end: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    match (&report.first_break, &report.head) {
        (Some(b), _) => {
            eprintln!("BROKEN: {b}");
            eprintln!("first broken event: {}", b.seq());
            if let Some(h) = &report.head {
                eprintln!("last event in the file: {h}");
            }
            ExitCode::from(EXIT_INVALID)
        }
        (None, Some(head)) => {
            println!("ok: {} events, chain intact", report.events);
            println!("head: {head}");
            ExitCode::SUCCESS
        }
        (None, None) => {
            println!("ok: the history is empty");
            ExitCode::SUCCESS
        }
    }
}
