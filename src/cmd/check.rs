//! `loaxa check`: validate the configuration and every schedule file as one set.

use std::path::Path;
use std::process::ExitCode;

use chrono::{Duration, Utc};

use super::{load_config, parse_local};
use crate::cli::CheckArgs;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::schedule;

pub fn run(config_path: &Path, args: &CheckArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(w) = config.http.exposure_warning() {
        crate::console::warning(w);
    }
    let tz = config.station.timezone;
    let start = match &args.from {
        Some(s) => match parse_local(s, tz) {
            Ok(t) => t,
            Err(e) => {
                crate::console::error(format!("--from: {e}"));
                return ExitCode::from(EXIT_USAGE);
            }
        },
        None => {
            let today = Utc::now().with_timezone(&tz).date_naive();
            crate::domain::time::to_utc(tz, today.and_time(chrono::NaiveTime::MIN))
        }
    };
    let mut loaded = match schedule::load(&config) {
        Ok(l) => l,
        Err(e) => {
            crate::console::error(e);
            crate::console::help(t!("cli-no-schedules-folder-hint"));
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if !loaded.has_errors() {
        let Some(end) = start.checked_add_signed(Duration::days(i64::from(args.days))) else {
            crate::console::error(t!("cli-days-too-far"));
            return ExitCode::from(EXIT_USAGE);
        };
        let window = start..end;
        let lints = schedule::lint(&config, &loaded.set, window);
        loaded.diagnostics.extend(lints);
    }
    loaded.sources.emit_all(&loaded.diagnostics);
    // Secrets are read at run time, but a missing one is better learnt now.
    let mut channel_warnings = 0;
    for ch in config.channels.values() {
        for src in ch.token.iter().chain(ch.app_secret.iter()) {
            if let Err(reason) = crate::secret::load(src) {
                channel_warnings += 1;
                crate::console::warning(t!("cli-secret-missing", channel = ch.name, why = reason));
            }
        }
        if ch.kind == crate::channels::settings::ChannelKind::Zalo && ch.cover_url.is_none() {
            channel_warnings += 1;
            crate::console::warning(t!("cli-zalo-no-cover", channel = ch.name));
        }
    }
    if let Some(why) = config
        .central
        .as_ref()
        .and_then(|c| crate::central::weak_sslmode(&c.url))
    {
        channel_warnings += 1;
        crate::console::warning(why);
    }
    if let Some(src) = config.central.as_ref().and_then(|c| c.password.as_ref())
        && let Err(reason) = crate::secret::load(src)
    {
        channel_warnings += 1;
        crate::console::warning(t!("cli-central-secret-missing", why = reason));
    }
    if config.audio.release_when_idle {
        // Not a fault, a choice with a price: say it where the choice is checked.
        println!("{}", t!("cli-check-released-line"));
    }
    // Spoken bulletins: which are rendered already (the daemon renders the rest when it loads
    // the schedules), and whether the offline voice works at all.
    let spoken: Vec<&crate::domain::broadcast::Broadcast> =
        loaded.set.broadcasts.iter().filter(|b| b.speak.is_some()).collect();
    if !spoken.is_empty() {
        let speech = crate::speech::render::Speech::new(config.tts.clone(), &config.station.data);
        if let Err(why) = speech.espeak_version() {
            channel_warnings += 1;
            crate::console::warning(why);
        }
        let missing: Vec<&str> = spoken
            .iter()
            .filter(|b| {
                b.speak
                    .as_ref()
                    .is_some_and(|s| speech.cached(&crate::speech::render::Spec::from(s)).is_none())
            })
            .map(|b| b.id.as_str())
            .collect();
        if missing.is_empty() {
            println!("{}", t!("cli-check-spoken-ready", count = spoken.len()));
        } else {
            let shown: Vec<&str> = missing.iter().take(10).copied().collect();
            println!(
                "{}",
                t!(
                    "cli-check-spoken-missing",
                    count = missing.len(),
                    total = spoken.len(),
                    ids = shown.join(", ")
                )
            );
        }
    }
    if args.online {
        channel_warnings += check_device(&config.audio);
        let mut sources: Vec<(String, crate::playout::relay::settings::Source)> =
            config.sources.iter().map(|(n, s)| (n.clone(), s.clone())).collect();
        for b in &loaded.set.broadcasts {
            if let Some(r) = &b.relay
                && !sources.iter().any(|(_, s)| s.url == r.url)
            {
                let source = crate::playout::relay::settings::Source {
                    url: r.url.clone(),
                    auth: None,
                };
                sources.push((r.source.clone(), source));
            }
        }
        for (name, s) in sources {
            let probed = crate::playout::relay::with_credential(&s.url, s.auth.as_ref())
                .and_then(|url| crate::playout::relay::probe(&url))
                .map_err(|why| crate::redact::redact(&why));
            match probed {
                Ok(what) => println!("{}", t!("cli-check-source-ok", name = name, what = what)),
                Err(why) => {
                    channel_warnings += 1;
                    crate::console::warning(t!("cli-check-source-down", name = name, why = why));
                }
            }
        }
    }
    let summary = t!(
        "cli-check-summary",
        files = loaded.set.files.len(),
        broadcasts = loaded.set.broadcasts.len(),
        errors = loaded.error_count(),
        warnings = loaded.warning_count() + channel_warnings
    );
    if loaded.has_errors() {
        crate::console::error(t!("cli-check-failed", summary = summary));
        ExitCode::from(EXIT_INVALID)
    } else {
        println!("{}: {summary}", t!("cli-ok"));
        ExitCode::SUCCESS
    }
}

/// The loudspeaker's device, opened as the daemon opens it: the latency it grants, and a
/// warning where an unannounced emergency would be heard late or the device does not open.
/// Gives the number of warnings.
fn check_device(audio: &crate::playout::settings::AudioConfig) -> usize {
    let limit = crate::playout::settings::EMERGENCY_LATENCY;
    match crate::playout::device::granted(&audio.device, audio.latency) {
        Ok(Some(granted)) if granted > limit => {
            crate::console::warning(t!(
                "cli-device-slow",
                name = audio.device.clone(),
                ms = granted.as_millis(),
                limit = limit.as_millis()
            ));
            1
        }
        Ok(Some(granted)) => {
            println!(
                "{}",
                t!(
                    "cli-check-device-ok",
                    device = audio.device.clone(),
                    ms = granted.as_millis()
                )
            );
            0
        }
        Ok(None) => {
            crate::console::warning(t!("cli-check-device-unsettled", device = audio.device.clone()));
            1
        }
        Err(why) => {
            crate::console::warning(t!("cli-check-device-fails", why = why));
            1
        }
    }
}
