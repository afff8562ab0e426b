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
    let report = Store::open_read_only(&path, config.station.timezone).and_then(|s| verify(&s, published.as_ref()));
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_USAGE);
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
