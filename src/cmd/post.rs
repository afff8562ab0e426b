//! `loaxa post ID`: post a broadcast to its web and social channels now, through the outbox.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DurationRound, Utc};
use tokio::sync::Notify;

use super::{EXIT_INVALID, EXIT_USAGE, load_config};
use crate::channels::{self, Ctx};
use crate::cli::PostArgs;
use crate::config::{ChannelConfig, LOUDSPEAKER};
use crate::history::{History, Store};
use crate::outbox::{self, Outbox, State, Worker};

pub fn run(config_path: &Path, args: &PostArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let usage = |msg: String| {
        errln!("error: {msg}");
        ExitCode::from(EXIT_USAGE)
    };
    let set = match super::load_valid_schedules(&config, "fix them first") {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(b) = set.get(&args.id) else {
        let ids = set.broadcasts.iter().map(|b| b.id.as_str());
        let hint = crate::diagnostic::did_you_mean(&args.id, ids)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return usage(format!("no broadcast with id `{}`{hint}", args.id));
    };
    let names: Vec<&String> = match &args.channel {
        Some(c) if config.channels.contains_key(c) => {
            vec![config.channels.get_key_value(c).map(|(k, _)| k).unwrap_or(c)]
        }
        Some(c) => {
            return usage(format!(
                "no channel `{c}` in {} (`loudspeaker` is not posted to)",
                config.path.display()
            ));
        }
        None => b.channels.iter().filter(|c| *c != LOUDSPEAKER).collect(),
    };
    if names.is_empty() {
        return usage(format!(
            "broadcast `{}` lists no web channel; name one with --channel",
            b.id
        ));
    }
    let at = Utc::now()
        .duration_trunc(chrono::Duration::seconds(1))
        .unwrap_or_else(|_| Utc::now());
    let mut deliveries = Vec::new();
    for name in names {
        let ch: &ChannelConfig = &config.channels[name];
        match outbox::delivery(&config, b, at, ch) {
            Ok(d) => deliveries.push((ch.clone(), d)),
            Err(e) => return usage(e),
        }
    }
    let tz = config.station.timezone;
    if args.dry_run {
        for (ch, d) in &deliveries {
            let ctx = Ctx::for_dry_run(ch, tz, &config.station.name, &config.station.data);
            outln!("# channel {} ({})", ch.name, ch.kind.as_str());
            let calls = channels::plan(&ctx, d);
            if calls.is_empty() {
                outln!("(published on loaxa's own board; no HTTP request)\n");
            }
            for c in calls {
                outln!("{}", c.describe());
            }
        }
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(format!("cannot start: {e}")),
    };
    let campaign = b.campaign.clone();
    let data = config.station.data.clone();
    let station = config.station.name.clone();
    let media = config.station.media.clone();
    runtime.block_on(async move {
        let history = match History::start(&Store::path_in(&data), tz) {
            Ok(h) => h,
            Err(e) => return usage(e.to_string()),
        };
        let outbox = match Outbox::open(&data, tz) {
            Ok(o) => Arc::new(o),
            Err(e) => return usage(e),
        };
        let mut ok = true;
        for (ch, d) in deliveries {
            let ctx = match Ctx::new(&ch, tz, &station, &data) {
                Ok(c) => Arc::new(c.with_media(&media)),
                Err(e) => {
                    errln!("{}: not sent: {e}", ch.name);
                    ok = false;
                    continue;
                }
            };
            if let Err(e) = outbox::queue(&outbox, &history, d.clone(), campaign.clone()).await {
                errln!("{}: not queued: {e}", ch.name);
                ok = false;
                continue;
            }
            let stop = Arc::new(Notify::new());
            let worker = Worker {
                ctx,
                outbox: outbox.clone(),
                history: history.clone(),
                campaigns: Arc::new(HashMap::new()),
                wake: Arc::new(Notify::new()),
            };
            let task = tokio::spawn(worker.run(stop.clone()));
            let row = loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                let Ok(Some(row)) = outbox.get(&d) else { continue };
                let waiting_long =
                    row.state == State::Pending && row.next_attempt_at > Utc::now() + chrono::Duration::seconds(60);
                if row.state.is_final() || waiting_long {
                    break row;
                }
            };
            stop.notify_one();
            let _ = task.await;
            match row.state {
                State::Succeeded => outln!(
                    "{}: posted ({}{})",
                    ch.name,
                    row.remote_id.unwrap_or_default(),
                    row.url.map(|u| format!(", {u}")).unwrap_or_default()
                ),
                State::Pending => {
                    ok = false;
                    outln!(
                        "{}: not yet: {}; the daemon retries at {}",
                        ch.name,
                        row.last_error.unwrap_or_default(),
                        row.next_attempt_at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
                    );
                }
                s => {
                    ok = false;
                    outln!("{}: {}: {}", ch.name, s.as_str(), row.last_error.unwrap_or_default());
                }
            }
        }
        history.close().await;
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_INVALID)
        }
    })
}
