//! `loaxa now`, `loaxa stop`, `loaxa skip`, `loaxa queue`, `loaxa live`: an operator's commands to the running daemon,
//! over its control socket (see `daemon::control`).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::load_config;
use crate::cli::{LiveArgs, NowArgs};
use crate::config::Config;
use crate::daemon::protocol::{Answer, Envelope, LineEntry, LiveRequest, Request, VERSION, socket_path};
use crate::exit::{EXIT_INVALID, EXIT_USAGE};

pub fn now(config_path: &Path, args: &NowArgs) -> ExitCode {
    let request = Request::Now {
        id: args.id.clone(),
        file: args.file.clone(),
        say: args.say.clone(),
        title: args.title.clone(),
        priority: args.priority.clone(),
        post: !args.no_post,
        channels: args.channels.clone(),
    };
    ask(config_path, request, |config, a| {
        let key = a.key.unwrap_or_default();
        println!("{}", t!("cli-now-queued", key = shown(config, &key)));
        if !a.posted.is_empty() {
            println!("{}", t!("cli-now-posted", channels = a.posted.join(", ")));
        }
    })
}

pub fn stop(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Stop, |config, a| {
        match a.key {
            Some(key) => println!("{}", t!("cli-stopped", key = shown(config, &key))),
            None => println!("{}", t!("cli-nothing-on-air")),
        }
        if !a.held.is_empty() {
            let held: Vec<String> = a.held.iter().map(|k| shown(config, k)).collect();
            println!("{}", t!("cli-held", keys = held.join(", ")));
        }
    })
}

pub fn skip(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Skip, |config, a| {
        match a.key {
            Some(key) => println!("{}", t!("cli-skipped", key = shown(config, &key))),
            None => println!("{}", t!("cli-nothing-on-air")),
        }
        match a.next {
            Some(key) => println!("{}", t!("cli-next", key = shown(config, &key))),
            None => println!("{}", t!("cli-nothing-next")),
        }
    })
}

/// An occurrence key as an operator reads it: `dai (08/12/2026 06:15:00)`, in station time.
fn shown(config: &Config, key: &str) -> String {
    crate::domain::plan::show_key(key, config.station.timezone)
}

pub fn queue(config_path: &Path) -> ExitCode {
    ask(config_path, Request::Queue, |config, a| {
        let tz = config.station.timezone;
        let line = |e: &LineEntry| {
            let priority =
                crate::domain::broadcast::Priority::parse(&e.priority).map_or(e.priority.clone(), |p| p.label());
            format!(
                "{}  {}  {}  {}",
                e.at.with_timezone(&tz).format("%d/%m %H:%M:%S"),
                priority,
                // The time is the key's instant, in station time: the id is the rest of it.
                e.key.rsplit_once('@').map_or(e.key.as_str(), |(id, _)| id),
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

/// `loaxa live`: asks the daemon to go live, then waits, in the officer's terminal, until the
/// live ends. Ctrl-C does not kill the command: it tells the daemon to end the live (the
/// closing chime plays) and shows how it went.
pub fn live(config_path: &Path, args: &LiveArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let for_seconds = match args
        .span
        .as_deref()
        .map(|s| (s, crate::domain::localtime::parse_span(s)))
    {
        None => None,
        Some((_, Some(d))) => Some(d.as_secs()),
        Some((given, None)) => {
            crate::console::error(t!("cli-live-bad-span", given = given));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let until = match args.until.as_deref() {
        None => None,
        Some(given) => match crate::domain::localtime::parse_clock(given) {
            Ok(time) => Some(next_at(time, config.station.timezone)),
            Err(why) => {
                crate::console::error(why);
                return ExitCode::from(EXIT_USAGE);
            }
        },
    };
    let request = Request::Live(LiveRequest {
        from: args.from.clone(),
        until,
        for_seconds,
        priority: args.priority.clone(),
        title: args.title.clone(),
        record: args.record,
    });
    let path = socket_path(&config.station.data);
    let (first, mut session) = match open_live(&path, &Envelope { v: VERSION, request }) {
        Ok(x) => x,
        Err(e) => return unreachable_daemon(&path, &e),
    };
    if !first.ok {
        crate::console::error(first.error.unwrap_or_default());
        return ExitCode::from(EXIT_INVALID);
    }
    println!(
        "{}",
        t!("cli-live-on", key = shown(&config, &first.key.unwrap_or_default()))
    );
    let tz = config.station.timezone;
    match (until, for_seconds) {
        (Some(t), _) => println!(
            "{}",
            t!(
                "cli-live-ends-at",
                time = t.with_timezone(&tz).format("%H:%M").to_string()
            )
        ),
        (None, Some(s)) => println!("{}", t!("cli-live-ends-after", seconds = s)),
        (None, None) => println!(
            "{}",
            t!("cli-live-ends-limit", minutes = config.audio.live_max.as_secs() / 60)
        ),
    }
    ctrl_c::catch();
    let report = loop {
        match session.next(ctrl_c::pressed()) {
            Ok(Some(answer)) => break answer.live,
            Ok(None) => {}
            Err(e) => {
                crate::console::error(t!("cli-control-failed", path = path.display(), why = e));
                return ExitCode::from(EXIT_USAGE);
            }
        }
    };
    let Some(report) = report else {
        return ExitCode::SUCCESS;
    };
    println!(
        "{}",
        match report.reason.as_str() {
            "bound" => t!("cli-live-ended-bound"),
            "limit" => t!("cli-live-ended-limit"),
            "operator" => t!("cli-live-ended-operator"),
            "device" => t!("cli-live-ended-device"),
            "shutdown" => t!("cli-live-ended-shutdown"),
            _ => t!("cli-live-ended-stopped"),
        }
    );
    let s = &report.summary;
    let db = |x: Option<f64>| x.map_or_else(|| "−∞".to_string(), |v| format!("{v:.1}"));
    println!(
        "{}",
        t!(
            "cli-live-summary",
            seconds = format!("{:.1}", s.seconds_on_air),
            peak = db(s.peak_dbfs),
            rms = db(s.rms_dbfs),
            silent = format!("{:.1}", s.silent_seconds)
        )
    );
    if let Some(r) = &report.recording {
        println!(
            "{}",
            t!(
                "cli-live-recorded",
                path = config.station.data.join(&r.path).display(),
                sha = r.sha256.clone()
            )
        );
    }
    ExitCode::SUCCESS
}

/// The next time the station's clock shows `time` (today, or tomorrow if it has passed).
fn next_at(time: chrono::NaiveTime, tz: chrono_tz::Tz) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    [today, today + chrono::Duration::days(1)]
        .into_iter()
        .filter_map(|d| tz.from_local_datetime(&d.and_time(time)).earliest())
        .map(|t| t.with_timezone(&chrono::Utc))
        .find(|t| *t > now)
        .unwrap_or(now)
}

/// The live's connection: the first answer now, the second when the live ends.
struct LiveConnection {
    reader: BufReader<UnixStream>,
    stream: UnixStream,
    line: String,
    ended: bool,
}

impl LiveConnection {
    /// Waits a little for the daemon's last answer; when `end` is set, first tells the daemon
    /// to end the live (once).
    fn next(&mut self, end: bool) -> std::io::Result<Option<Answer>> {
        if end && !self.ended {
            self.ended = true;
            self.stream.shutdown(std::net::Shutdown::Write)?;
        }
        match self.reader.read_line(&mut self.line) {
            Ok(0) => Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(_) if self.line.ends_with('\n') => {
                let answer = serde_json::from_str(&self.line).map_err(std::io::Error::other)?;
                Ok(Some(answer))
            }
            Ok(_) => Ok(None),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut | std::io::ErrorKind::Interrupted
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

fn open_live(path: &Path, envelope: &Envelope) -> std::io::Result<(Answer, LiveConnection)> {
    let mut stream = UnixStream::connect(path)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut line = serde_json::to_vec(envelope).map_err(std::io::Error::other)?;
    line.push(b'\n');
    stream.write_all(&line)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let answer: Answer = serde_json::from_str(&first).map_err(std::io::Error::other)?;
    // From here the wait is the live's length: read in short steps, to notice Ctrl-C.
    stream.set_read_timeout(Some(Duration::from_millis(200)))?;
    Ok((
        answer,
        LiveConnection {
            reader,
            stream,
            line: String::new(),
            ended: false,
        },
    ))
}

/// Ctrl-C (SIGINT) as a flag the live's loop looks at, instead of the end of the process: the
/// daemon is told, the closing chime plays, and the officer sees how it went.
mod ctrl_c {
    use std::sync::atomic::{AtomicBool, Ordering};

    static PRESSED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_: libc::c_int) {
        PRESSED.store(true, Ordering::SeqCst);
    }

    pub fn catch() {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t) };
    }

    pub fn pressed() -> bool {
        PRESSED.load(Ordering::SeqCst)
    }
}

/// Sends one request to the daemon of the station `config_path` names and shows its answer.
fn ask(config_path: &Path, request: Request, show: impl FnOnce(&Config, Answer)) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let path = socket_path(&config.station.data);
    let envelope = Envelope { v: VERSION, request };
    // Refused here, with why, rather than cut off by the daemon.
    let size = serde_json::to_vec(&envelope).map_or(0, |v| v.len() + 1);
    if size > crate::daemon::protocol::MAX_REQUEST {
        crate::console::error(t!(
            "cli-control-too-large",
            kb = size.div_ceil(1024),
            max = crate::daemon::protocol::MAX_REQUEST / 1024
        ));
        return ExitCode::from(EXIT_USAGE);
    }
    let answer = match exchange(&path, &envelope) {
        Ok(a) => a,
        Err(e) => return unreachable_daemon(&path, &e),
    };
    if !answer.ok {
        crate::console::error(answer.error.unwrap_or_default());
        return ExitCode::from(EXIT_INVALID);
    }
    show(&config, answer);
    ExitCode::SUCCESS
}

/// Says why the daemon could not be asked, and how to fix it.
fn unreachable_daemon(path: &Path, e: &std::io::Error) -> ExitCode {
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
    ExitCode::from(EXIT_USAGE)
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
