//! `loaxa now`, `loaxa stop`, `loaxa skip`, `loaxa queue`: an operator's commands to the running daemon,
//! over its control socket (see `daemon::control`).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::{EXIT_INVALID, EXIT_USAGE, load_config};
use crate::cli::NowArgs;
use crate::config::Config;
use crate::daemon::control::{Answer, Envelope, LineEntry, Request, VERSION, socket_path};

pub fn now(config_path: &Path, args: &NowArgs) -> ExitCode {
    let request = Request::Now {
        id: args.id.clone(),
        file: args.file.clone(),
        title: args.title.clone(),
        priority: args.priority.clone(),
        post: !args.no_post,
    };
    ask(config_path, request, |_, a| {
        println!("{}", t!("cli-now-queued", key = a.key.unwrap_or_default()));
        if !a.posted.is_empty() {
            println!("{}", t!("cli-now-posted", channels = a.posted.join(", ")));
        }
    })
}

pub fn stop(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Stop, |_, a| {
        match a.key {
            Some(key) => println!("{}", t!("cli-stopped", key = key)),
            None => println!("{}", t!("cli-nothing-on-air")),
        }
        if !a.held.is_empty() {
            println!("{}", t!("cli-held", keys = a.held.join(", ")));
        }
    })
}

pub fn skip(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Skip, |_, a| {
        match a.key {
            Some(key) => println!("{}", t!("cli-skipped", key = key)),
            None => println!("{}", t!("cli-nothing-on-air")),
        }
        match a.next {
            Some(key) => println!("{}", t!("cli-next", key = key)),
            None => println!("{}", t!("cli-nothing-next")),
        }
    })
}

pub fn queue(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Queue, |config, a| {
        let tz = config.station.timezone;
        let line = |e: &LineEntry| {
            let priority = crate::schedule::Priority::parse(&e.priority).map_or(e.priority.clone(), |p| p.label());
            format!(
                "{}  {}  {}  {}",
                e.at.with_timezone(&tz).format("%d/%m %H:%M:%S"),
                priority,
                e.key,
                e.title
            )
        };
        match &a.on_air {
            Some(e) => println!("{}\n  {}", t!("cli-queue-on-air"), line(e)),
            None => println!("{}", t!("cli-nothing-on-air")),
        }
        if a.waiting.is_empty() {
            println!("{}", t!("cli-queue-empty"));
        } else {
            println!("{}", t!("cli-queue-waiting", count = a.waiting.len()));
            for e in &a.waiting {
                println!("  {}", line(e));
            }
        }
    })
}

/// Sends one request to the daemon of the station `config_path` names and shows its answer.
fn ask(config_path: &Path, request: Request, show: impl FnOnce(&Config, Answer)) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let path = socket_path(&config.station.data);
    let answer = match exchange(&path, &Envelope { v: VERSION, request }) {
        Ok(a) => a,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused => {
                    t!("cli-daemon-not-running", path = path.display())
                }
                std::io::ErrorKind::PermissionDenied => {
                    let user = std::env::var("USER").unwrap_or_else(|_| "USER".into());
                    t!("cli-control-denied", path = path.display(), user = user)
                }
                _ => t!("cli-control-failed", path = path.display(), why = e),
            };
            crate::console::error(why);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if !answer.ok {
        crate::console::error(answer.error.unwrap_or_default());
        return ExitCode::from(EXIT_INVALID);
    }
    show(&config, answer);
    ExitCode::SUCCESS
}

fn exchange(path: &Path, envelope: &Envelope) -> std::io::Result<Answer> {
    let mut stream = UnixStream::connect(path)?;
    // Building a programme reads its files: seconds at most; a daemon that does not answer in
    // 30 s is stuck, and saying so beats hanging the officer's terminal.
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut line = serde_json::to_vec(envelope).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut answer = String::new();
    BufReader::new(stream).read_line(&mut answer)?;
    serde_json::from_str(&answer).map_err(std::io::Error::other)
}
