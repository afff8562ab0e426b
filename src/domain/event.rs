//! What the history records: the kinds of event and the outcome classes they fall in. The
//! string forms are what the database, the exports and the centre hold, so they never change.
//! On the floor, so that the report, the dashboard and the outbox can name an event's kind
//! without importing the store (issue #32).

/// The kinds of event. The string forms are what the database and exports hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    DaemonStarted,
    DaemonStopped,
    ScheduleLoaded,
    ScheduleRejected,
    /// Due, but another programme holds the line (the queue's decision, made visible).
    PlayoutWaiting,
    PlayoutStarted,
    PlayoutFinished,
    PlayoutFailed,
    PlayoutInterrupted,
    PlayoutMissed,
    PostQueued,
    PostAttempt,
    /// An attempt failed in a way that proves nothing was created; another follows.
    PostRetry,
    PostSucceeded,
    PostFailed,
    PostUnconfirmed,
    /// Not sent: the occurrence was missed beyond the grace period, and `[policy] post_missed`
    /// does not ask for late posts. Recorded so the post is accounted for, never dropped.
    PostSkipped,
    /// The daemon was told to run on a history that lacks its anchored head (restored from an
    /// older copy, or started anew): what it expected and what it found.
    HistoryReset,
    /// The wall clock stepped (NTP, a board without a clock battery): from when to when.
    ClockJumped,
    DeviceError,
    /// Events that waited in memory (disk full, I/O error) were written once the disk recovered.
    HistoryRecovered,
    /// An operator acted through the control socket (`loaxa now`, `loaxa stop`): what, on
    /// what, and who (the Unix user the kernel vouches for).
    OperatorAction,
    /// A live (`loaxa live`) ended: why, who, for how long and how loud, and its recording.
    LiveEnded,
    /// A province bulletin came from the centre: which, what it carries (hashes), and when it
    /// is to air. Its airing is the `province:ID` programme's own events.
    BulletinReceived,
    /// A province bulletin that was received and not aired: why (expired, unreadable text).
    BulletinNotAired,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::DaemonStarted,
        Kind::DaemonStopped,
        Kind::ScheduleLoaded,
        Kind::ScheduleRejected,
        Kind::PlayoutWaiting,
        Kind::PlayoutStarted,
        Kind::PlayoutFinished,
        Kind::PlayoutFailed,
        Kind::PlayoutInterrupted,
        Kind::PlayoutMissed,
        Kind::PostQueued,
        Kind::PostAttempt,
        Kind::PostRetry,
        Kind::PostSucceeded,
        Kind::PostFailed,
        Kind::PostUnconfirmed,
        Kind::PostSkipped,
        Kind::HistoryReset,
        Kind::ClockJumped,
        Kind::DeviceError,
        Kind::HistoryRecovered,
        Kind::OperatorAction,
        Kind::LiveEnded,
        Kind::BulletinReceived,
        Kind::BulletinNotAired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::DaemonStarted => "daemon_started",
            Kind::DaemonStopped => "daemon_stopped",
            Kind::ScheduleLoaded => "schedule_loaded",
            Kind::ScheduleRejected => "schedule_rejected",
            Kind::PlayoutWaiting => "playout_waiting",
            Kind::PlayoutStarted => "playout_started",
            Kind::PlayoutFinished => "playout_finished",
            Kind::PlayoutFailed => "playout_failed",
            Kind::PlayoutInterrupted => "playout_interrupted",
            Kind::PlayoutMissed => "playout_missed",
            Kind::PostQueued => "post_queued",
            Kind::PostAttempt => "post_attempt",
            Kind::PostRetry => "post_retry",
            Kind::PostSucceeded => "post_succeeded",
            Kind::PostFailed => "post_failed",
            Kind::PostUnconfirmed => "post_unconfirmed",
            Kind::PostSkipped => "post_skipped",
            Kind::HistoryReset => "history_reset",
            Kind::ClockJumped => "clock_jumped",
            Kind::DeviceError => "device_error",
            Kind::HistoryRecovered => "history_recovered",
            Kind::OperatorAction => "operator_action",
            Kind::LiveEnded => "live_ended",
            Kind::BulletinReceived => "bulletin_received",
            Kind::BulletinNotAired => "bulletin_not_aired",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// Failed, missed, interrupted or unconfirmed: what the report and the dashboard list as
    /// failures.
    pub fn is_problem(self) -> bool {
        self.status().is_some_and(|s| s != Status::Ok)
    }

    /// The outcome class `loaxa history --status` filters on, for kinds that end something.
    pub fn status(self) -> Option<Status> {
        match self {
            Kind::PlayoutFinished | Kind::PostSucceeded => Some(Status::Ok),
            Kind::PlayoutFailed | Kind::PostFailed | Kind::DeviceError | Kind::ScheduleRejected => Some(Status::Failed),
            Kind::PlayoutMissed | Kind::PostSkipped => Some(Status::Missed),
            Kind::PostUnconfirmed => Some(Status::Unconfirmed),
            Kind::PlayoutInterrupted => Some(Status::Interrupted),
            _ => None,
        }
    }
}

/// Outcome classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Status {
    Ok,
    Failed,
    Missed,
    Unconfirmed,
    Interrupted,
}

impl Status {
    pub fn kinds(self) -> Vec<Kind> {
        Kind::ALL.iter().copied().filter(|k| k.status() == Some(self)).collect()
    }
}
