//! The box's side of the province's central history (issue #18): a task that pushes what the
//! centre does not hold yet, every few seconds, and again with a growing pause when the link is
//! down (a 4G modem that drops). It reads the history read-only and talks to the network on its
//! own task: playout and the local history never wait for it. What it knows is on `/status`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::state::Shared;
use crate::central;

/// Between pushes while the link is up.
const EVERY: Duration = Duration::from_secs(5);
/// The longest pause while it is down.
const MAX_PAUSE: Duration = Duration::from_secs(120);

/// What `/status` shows under `central`.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct CentralState {
    pub station_id: String,
    /// The last seq the centre holds (as of the last push).
    pub shipped_seq: i64,
    pub local_seq: i64,
    pub lag_events: i64,
    pub last_push: Option<DateTime<Utc>>,
    /// The link's or the centre's last error, while it lasts.
    pub error: Option<String>,
    /// A refusal (seq and reason): what follows it waits on the box.
    pub refused: Option<central::ship::Rejection>,
}

pub async fn run(shared: Arc<Shared>, stop: Arc<Notify>) {
    let Some(cfg) = shared.config.central.clone() else {
        return;
    };
    let history = crate::history::store::Store::path_in(&shared.config.station.data);
    let mut client: Option<tokio_postgres::Client> = None;
    let mut pause = EVERY;
    loop {
        if client.as_ref().is_none_or(|c| c.is_closed()) {
            client = central::connect_box(&cfg)
                .await
                .map_err(|e| note(&shared, &cfg.station_id, Err(e)))
                .ok();
        }
        if let Some(c) = &client {
            match central::ship::push(c, &cfg.station_id, &history).await {
                Ok(p) => {
                    // A refusal does not go away by itself: asked again once a minute.
                    pause = if p.refused.is_some() {
                        Duration::from_secs(60)
                    } else {
                        EVERY
                    };
                    note(&shared, &cfg.station_id, Ok(p));
                }
                Err(e) => {
                    note(&shared, &cfg.station_id, Err(e));
                    client = None;
                }
            }
        }
        if client.is_none() {
            pause = (pause * 2).clamp(Duration::from_secs(5), MAX_PAUSE);
        }
        tokio::select! {
            _ = stop.notified() => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

fn note(shared: &Shared, station: &str, outcome: Result<central::ship::Pushed, central::CentralError>) {
    let mut state = shared.central.lock().unwrap_or_else(|p| p.into_inner());
    let s = state.get_or_insert_with(CentralState::default);
    s.station_id = station.to_string();
    match outcome {
        Ok(p) => {
            if s.error.take().is_some() {
                tracing::info!(head = p.head, "{}", t!("log-central-back"));
            }
            if let Some(r) = &p.refused
                && s.refused.as_ref() != Some(r)
            {
                let line = t!("log-central-refused", seq = r.seq, reason = r.reason.clone());
                tracing::error!("{line}");
                shared.error(line);
            }
            s.shipped_seq = p.head;
            s.local_seq = p.local_head;
            s.lag_events = (p.local_head - p.head).max(0);
            s.last_push = Some(Utc::now());
            s.refused = p.refused;
        }
        Err(e) => {
            // The box's own head is known without the centre: the lag counts what the centre
            // has not confirmed (all of it, after a restart with the link down).
            if let Ok(local) =
                central::ship::local_head(&crate::history::store::Store::path_in(&shared.config.station.data))
            {
                s.local_seq = local;
                s.lag_events = (local - s.shipped_seq).max(0);
            }
            let why = crate::redact::redact(&e.to_string());
            if s.error.as_deref() != Some(&why) {
                tracing::warn!(why, "{}", t!("log-central-down"));
            }
            s.error = Some(why);
        }
    }
}
