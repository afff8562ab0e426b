//! `loaxa history`: list, summarise or export the broadcast history.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use super::{load_config, parse_local};
use crate::cli::{Format, HistoryArgs};
use crate::domain::event::Kind;
use crate::exit::EXIT_USAGE;
use crate::history::Store;
use crate::history::query::{self, Filter};

pub fn run(config_path: &Path, args: &HistoryArgs) -> ExitCode {
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
    let mut filter = Filter {
        broadcast_id: args.id.clone(),
        channel: args.channel.clone(),
        campaign: args.campaign.clone(),
        status: args.status,
        ..Filter::default()
    };
    for (arg, slot) in [(&args.from, &mut filter.from), (&args.to, &mut filter.to)] {
        if let Some(s) = arg {
            match parse_local(s, tz) {
                Ok(t) => *slot = Some(t),
                Err(e) => return usage(e),
            }
        }
    }
    for k in &args.kind {
        match Kind::parse(k) {
            Some(kind) => filter.kinds.push(kind),
            None => {
                let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                return usage(t!("cli-unknown-kind", kind = k, kinds = all.join(", ")));
            }
        }
    }
    let path = Store::path_in(&config.station.data);
    let store = match Store::open_read_only(&path, tz) {
        Ok(s) => s,
        Err(e) => return usage(e.to_string()),
    };
    let stdout = std::io::stdout();
    // Titles and reasons come from files and platforms: no control character reaches the
    // terminal.
    let mut out = BufWriter::new(crate::console::Printable::new(stdout.lock()));
    let result = if args.summary {
        match query::summary(&store, &filter) {
            Ok(s) => match args.format {
                Format::Json => serde_json::to_writer_pretty(&mut out, &s).map_err(std::io::Error::from),
                _ => query::write_summary(&mut out, &s),
            },
            Err(e) => return usage(e.to_string()),
        }
    } else {
        let rows = match query::events(&store, &filter) {
            Ok(r) => r,
            Err(e) => return usage(e.to_string()),
        };
        match args.format {
            Format::Table => query::write_table(&mut out, &store, &rows),
            Format::Csv => query::write_csv(&mut out, &store, &rows),
            Format::Json => query::write_json(&mut out, &rows),
        }
    };
    match result.and_then(|_| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => usage(t!("cli-cannot-write-output", why = e)),
    }
}
