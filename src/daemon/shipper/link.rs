//! What the shipper knows of the province's centre: kept in the daemon's shared state for
//! `/status` and the dashboard, written only by the shipper's task ([`super`]).

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::central;

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
    /// The last seq the box's history and the centre's hold alike, when they part (the box's
    /// history was lost or restored): nothing ships until the province accepts the new chain.
    pub parted_after: Option<i64>,
    /// Since when every push has failed (the link, the centre, a statement it refuses), while it
    /// lasts.
    pub failing_since: Option<DateTime<Utc>>,
    /// Failing for longer than `[central] alert_after_seconds`: what the centre holds is going
    /// stale, whatever it says it holds (see [`CentralState::as_of`]).
    pub failing: bool,
    #[serde(skip)]
    pub(super) alert_after: Duration,
    /// The alarm was raised for the current run of failures (once in the journal).
    #[serde(skip)]
    pub(super) alarmed: bool,
}

impl CentralState {
    /// The state as of `now`: whether the failures have lasted long enough to be an alarm.
    pub fn as_of(mut self, now: DateTime<Utc>) -> CentralState {
        self.failing = self.failing_for(now);
        self
    }

    pub(super) fn failing_for(&self, now: DateTime<Utc>) -> bool {
        self.failing_since
            .is_some_and(|t| (now - t).to_std().is_ok_and(|d| d >= self.alert_after))
    }

    pub(super) fn heads(&mut self, local: i64, shipped: i64) {
        self.local_seq = local;
        self.shipped_seq = shipped;
        self.lag_events = (local - shipped).max(0);
    }
}
