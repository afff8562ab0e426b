//! `loaxa post ID`: post a broadcast to its web and social channels now, through the outbox.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use chrono_tz::Tz;
use serde_json::json;
use tokio::sync::Notify;

use super::load_config;
use crate::channels::Delivery;
use crate::channels::settings::ChannelConfig;
use crate::channels::{self, Ctx};
use crate::cli::PostArgs;
use crate::domain::broadcast::LOUDSPEAKER;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::history::{History, Store};
use crate::outbox::{self, Outbox, State, Worker};
use crate::shutdown::{Shutdown, Stage};

pub fn run(config_path: &Path, args: &PostArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let usage = |msg: String| {
        crate::console::error(msg);
        ExitCode::from(EXIT_USAGE)
    };
    let set = match super::load_valid_schedules(&config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(b) = set.get(&args.id) else {
        let ids = set.broadcasts.iter().map(|b| b.id.as_str());
        let hint = crate::domain::text::did_you_mean(&args.id, ids)
            .map(|s| format!(" ({})", t!("check-did-you-mean-key", key = s)))
            .unwrap_or_default();
        return usage(t!("post-no-broadcast", id = args.id, hint = hint));
    };
    let names: Vec<&String> = match &args.channel {
        Some(c) if config.channels.contains_key(c) => {
            vec![config.channels.get_key_value(c).map(|(k, _)| k).unwrap_or(c)]
        }
        Some(c) => {
            return usage(t!("post-no-channel", channel = c, config = config.path.display()));
        }
        None => b.channels.iter().filter(|c| *c != LOUDSPEAKER).collect(),
    };
    if names.is_empty() {
        return usage(t!("post-no-web-channel", id = b.id));
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
        print_dry_run(&config, &deliveries);
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return usage(t!("post-cannot-start", why = e)),
    };
    let campaign = b.campaign.clone();
    let b_id = b.id.clone();
    let args_again = args.again;
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
            Err(e) => return usage(e.to_string()),
        };
        // Rows a killed daemon or `loaxa post` left `sending`: due now, checked before any resend.
        if let Ok(released) = outbox.recover()
            && !released.is_empty()
        {
            tracing::warn!(rows = released.len(), "{}", t!("daemon-recovered-sending"));
        }
        let mut ok = true;
        for (ch, d) in deliveries {
            let ctx = match Ctx::new(&ch, tz, &station, &data) {
                Ok(c) => Arc::new(c.with_media(&media)),
                Err(e) => {
                    errln!("{}", t!("post-not-sent", channel = ch.name, why = e));
                    ok = false;
                    continue;
                }
            };
            // What an earlier attempt left decides: resume it, refuse, or post anew.
            let (d, note) = match earlier(&outbox, &b_id, &ch.name, args_again, tz) {
                Earlier::None => (d, Some(json!({ "manual": true }))),
                Earlier::Resume(old) => {
                    outln!("{}", t!("post-resume", channel = ch.name));
                    (old, None)
                }
                Earlier::Refuse(why) => {
                    errln!("{}", t!("post-not-posted", channel = ch.name, why = why));
                    ok = false;
                    continue;
                }
                Earlier::Again(state) => (d, Some(json!({ "manual": true, "again": true, "earlier": state }))),
            };
            if let Some(note) = note
                && let Err(e) = outbox::queue_noted(&outbox, &history, d.clone(), campaign.clone(), note).await
            {
                errln!("{}", t!("post-not-queued", channel = ch.name, why = e));
                ok = false;
                continue;
            }
            let row = send(ctx, &outbox, &history, &d).await;
            ok &= tell(&ch.name, row, tz);
        }
        history.close().await;
        if ok {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(EXIT_INVALID)
        }
    })
}

/// What `loaxa post --dry-run` shows: each channel's HTTP requests, secrets redacted.
fn print_dry_run(config: &crate::config::Config, deliveries: &[(ChannelConfig, Delivery)]) {
    let tz = config.station.timezone;
    for (ch, d) in deliveries {
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
}

/// Sends a queued delivery with a worker of its own, until it is settled or waits more than
/// a minute for its next attempt.
async fn send(ctx: Arc<Ctx>, outbox: &Arc<Outbox>, history: &History, d: &Delivery) -> outbox::Row {
    let stop = Shutdown::new();
    let worker = Worker {
        ctx,
        outbox: outbox.clone(),
        history: history.clone(),
        campaigns: Arc::new(HashMap::new()),
        wake: Arc::new(Notify::new()),
    };
    let task = tokio::spawn(worker.run(stop.listen(Stage::Channels)));
    let row = loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let Ok(Some(row)) = outbox.get(d) else { continue };
        let waiting_long =
            row.state == State::Pending && row.next_attempt_at > Utc::now() + chrono::Duration::seconds(60);
        if row.state.is_final() || waiting_long {
            break row;
        }
    };
    stop.reach(Stage::Channels);
    let _ = task.await;
    row
}

/// Says how a channel's post ended; true if it was posted.
fn tell(channel: &str, row: outbox::Row, tz: Tz) -> bool {
    match row.state {
        State::Succeeded => {
            outln!(
                "{}",
                t!(
                    "post-posted",
                    channel = channel,
                    remote = format!(
                        "{}{}",
                        row.remote_id.unwrap_or_default(),
                        row.url.map(|u| format!(", {u}")).unwrap_or_default()
                    )
                )
            );
            true
        }
        State::Pending => {
            outln!(
                "{}",
                t!(
                    "post-not-yet",
                    channel = channel,
                    why = row.last_error.unwrap_or_default(),
                    at = row.next_attempt_at.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S")
                )
            );
            false
        }
        s => {
            outln!("{}: {}: {}", channel, s.as_str(), row.last_error.unwrap_or_default());
            false
        }
    }
}

/// How far back an earlier attempt stops a manual post.
const EARLIER_WINDOW_HOURS: i64 = 24;

/// What an earlier attempt at the same broadcast on the same channel means for this one.
enum Earlier {
    /// Nothing in the way: post anew.
    None,
    /// A killed `loaxa post` (or daemon) left this row: send it, looking first.
    Resume(Delivery),
    /// Not without `--again`: why, and what to do.
    Refuse(String),
    /// `--again` over an earlier row in this state.
    Again(&'static str),
}

fn earlier(outbox: &Outbox, id: &str, channel: &str, again: bool, tz: Tz) -> Earlier {
    let since = Utc::now() - chrono::Duration::hours(EARLIER_WINDOW_HOURS);
    let rows = match outbox.rows_of(id, channel, since) {
        Ok(r) => r,
        Err(e) => return Earlier::Refuse(t!("post-outbox-unreadable", why = e)),
    };
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string();
    let again_hint = format!("`loaxa post {id} --channel {channel} --again`");
    for (r, owner) in &rows {
        let when = local(r.delivery.scheduled_at);
        match r.state {
            // Being sent right now: never twice, not even with --again.
            State::Sending => {
                let who = owner
                    .as_deref()
                    .and_then(crate::claim::pid)
                    .map(|p| format!(" (pid {p})"))
                    .unwrap_or_default();
                return Earlier::Refuse(t!("post-refuse-sending", when = when, who = who, id = id));
            }
            State::Pending if r.check_first && !again => return Earlier::Resume(r.delivery.clone()),
            State::Unconfirmed if !again => {
                let why = r.last_error.clone().unwrap_or_else(|| t!("post-answer-lost"));
                return Earlier::Refuse(t!(
                    "post-refuse-unconfirmed",
                    when = when,
                    why = why,
                    again = again_hint
                ));
            }
            State::Pending if !again => {
                return Earlier::Refuse(t!(
                    "post-refuse-pending",
                    when = when,
                    retry = local(r.next_attempt_at),
                    again = again_hint
                ));
            }
            State::Unconfirmed | State::Pending => return Earlier::Again(r.state.as_str()),
            _ => {}
        }
    }
    Earlier::None
}
