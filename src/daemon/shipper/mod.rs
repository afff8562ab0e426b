//! The box's side of the province's central history (issue #18): a task that pushes what the
//! centre does not hold yet, every few seconds, and again with a growing pause when the link is
//! down (a 4G modem that drops). It reads the history read-only and talks to the network on its
//! own task: playout and the local history never wait for it. What it knows is on `/status`.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

pub mod link;

use link::CentralState;

use super::state::Shared;
use crate::central;
use crate::shutdown::Listener;

/// Between pushes while the link is up.
const EVERY: Duration = Duration::from_secs(5);
/// The longest pause while it is down.
const MAX_PAUSE: Duration = Duration::from_secs(120);

pub async fn run(shared: Arc<Shared>, mut stop: Listener) {
    let Some(cfg) = shared.config.central.clone() else {
        return;
    };
    let history = crate::history::store::Store::path_in(&shared.config.station.data);
    let mut client: Option<tokio_postgres::Client> = None;
    let mut pause = EVERY;
    // The centre says when the province accepts this box's new chain (`accept-reset`).
    let accepted = central::Wake::on(&cfg.station_id);
    loop {
        if client.as_ref().is_none_or(|c| c.is_closed()) {
            let session = match central::connect_box(&cfg, Some(accepted.clone())).await {
                Ok(c) => central::within(c.batch_execute("LISTEN loaxa_resets")).await.map(|_| c),
                Err(e) => Err(e),
            };
            client = match session {
                Ok(c) => Some(c),
                Err(e) => {
                    down(&shared, &cfg.station_id, &history, e).await;
                    None
                }
            };
        }
        if let Some(c) = &client {
            match central::ship::push(c, &cfg.station_id, &history).await {
                Ok(p) => {
                    // A refusal does not go away by itself: asked again once a minute.
                    pause = if p.refused.is_some() || p.parted_after.is_some() {
                        Duration::from_secs(60)
                    } else {
                        EVERY
                    };
                    pushed(&shared, &cfg.station_id, p);
                }
                Err(e) => {
                    down(&shared, &cfg.station_id, &history, e).await;
                    client = None;
                }
            }
        }
        if client.is_none() {
            pause = (pause * 2).clamp(Duration::from_secs(5), MAX_PAUSE);
        }
        let wait = tokio::time::sleep(pause);
        tokio::pin!(wait);
        tokio::select! {
            _ = stop.stopped() => return,
            _ = &mut wait => {}
            _ = accepted.notified() => {}
        }
    }
}

fn state<'a>(shared: &'a Shared, station: &str) -> std::sync::MutexGuard<'a, Option<CentralState>> {
    let mut state = shared.central.lock().unwrap_or_else(|p| p.into_inner());
    let s = state.get_or_insert_with(CentralState::default);
    s.station_id = station.to_string();
    s.alert_after = shared.config.central.as_ref().map_or(Duration::ZERO, |c| c.alert_after);
    state
}

fn pushed(shared: &Shared, station: &str, p: central::ship::Pushed) {
    let mut state = state(shared, station);
    let Some(s) = state.as_mut() else { return };
    if s.error.take().is_some() {
        tracing::info!(head = p.head, "{}", t!("log-central-back"));
    }
    if let Some(r) = &p.refused
        && s.refused.as_ref() != Some(r)
    {
        let line = t!(
            "log-central-refused",
            seq = r.seq,
            reason = r.reason.clone(),
            meaning = central::ship::meaning(&r.reason)
        );
        tracing::error!("{line}");
        shared.error(line);
    }
    if let Some(seq) = p.parted_after
        && s.parted_after != Some(seq)
    {
        let line = t!("log-central-parted", seq = seq, id = station.to_string());
        tracing::error!("{line}");
        shared.error(line);
    }
    if s.failing_since.take().is_some() && s.alarmed {
        tracing::info!("{}", t!("log-central-failing-over"));
    }
    s.alarmed = false;
    s.heads(p.local_head, p.head);
    s.last_push = Some(Utc::now());
    s.refused = p.refused;
    s.parted_after = p.parted_after;
}

/// The link or the centre failed. The box's own head is known without the centre (read off the
/// runtime): the lag counts what the centre has not confirmed, all of it after a restart with
/// the link down.
async fn down(shared: &Shared, station: &str, history: &std::path::Path, e: central::CentralError) {
    let path = history.to_path_buf();
    let local = tokio::task::spawn_blocking(move || central::ship::local_head(&path))
        .await
        .ok()
        .and_then(Result::ok);
    let mut state = state(shared, station);
    let Some(s) = state.as_mut() else { return };
    if let Some(local) = local {
        let shipped = s.shipped_seq;
        s.heads(local, shipped);
    }
    let why = crate::redact::redact(&e.to_string());
    if s.error.as_deref() != Some(&why) {
        tracing::warn!(why, "{}", t!("log-central-down"));
    }
    let now = Utc::now();
    let since = *s.failing_since.get_or_insert(now);
    if s.failing_for(now) && !s.alarmed {
        s.alarmed = true;
        let tz = shared.config.station.timezone;
        let line = t!(
            "log-central-failing",
            since = since.with_timezone(&tz).format("%H:%M:%S %d/%m/%Y"),
            why = why.clone()
        );
        tracing::error!("{line}");
        shared.error(line);
    }
    s.error = Some(why);
}
