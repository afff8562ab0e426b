//! The control socket's protocol: what an operator's command asks and what the daemon answers,
//! one JSON object per line, with a version. `loaxa now`, `stop`, `skip`, `queue` and `live`
//! (in `cmd/`) speak it, and the socket's server (`control`, `live`) answers in it; neither side
//! owns it, so both import it from here.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::playout::live::{Recorded, Summary};

/// The largest request the socket reads (a spoken announcement's text included).
pub const MAX_REQUEST: usize = 64 * 1024;
/// The protocol's version: a client and a daemon that disagree say so instead of guessing.
pub const VERSION: u32 = 1;

/// The socket's place in the data folder.
pub fn socket_path(data: &Path) -> PathBuf {
    data.join("control.sock")
}

/// What an operator asks.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Request {
    /// Air the broadcast `id` now, at its own level or `priority`; post it unless `post` is false.
    /// `channels`, when given, replaces the broadcast's own (without `loudspeaker`: post only).
    Now {
        id: Option<String>,
        /// Instead of a broadcast: a file of the media folder, titled `title`.
        #[serde(default)]
        file: Option<String>,
        /// Or a text read aloud by the station's voice.
        #[serde(default)]
        say: Option<String>,
        #[serde(default)]
        title: Option<String>,
        priority: Option<String>,
        post: bool,
        #[serde(default)]
        channels: Option<Vec<String>>,
    },
    /// Stop what is on air, and hold back what had fallen due behind it.
    Stop,
    /// Stop what is on air; the next programme due takes the line.
    Skip,
    /// What is on air and what waits.
    Queue,
    /// Go live from a capture input; the connection stays open while it lasts.
    Live(LiveRequest),
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub v: u32,
    #[serde(flatten)]
    pub request: Request,
}

/// A programme on the line, as the answer carries it.
#[derive(Debug, Serialize, Deserialize)]
pub struct LineEntry {
    pub key: String,
    pub title: String,
    pub priority: String,
    pub at: DateTime<Utc>,
}

/// The daemon's answer: `ok`, or `error` in the station's language.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Answer {
    pub v: u32,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// `now`: the occurrence key it airs under. `stop`, `skip`: what was stopped (none: nothing
    /// was on air).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `stop`: the programmes due that were held back and will not air.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub held: Vec<String>,
    /// `skip`: the programme that takes the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// `now`: the channels its posts were queued for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub posted: Vec<String>,
    /// `queue`: on air, then waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_air: Option<LineEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<LineEntry>,
    /// `live`, in its second answer: how it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveReport>,
}

impl Answer {
    pub(super) fn ok() -> Answer {
        Answer {
            v: VERSION,
            ok: true,
            ..Answer::default()
        }
    }

    pub(super) fn error(e: impl Into<String>) -> Answer {
        Answer {
            v: VERSION,
            error: Some(e.into()),
            ..Answer::default()
        }
    }
}

/// What an officer asks for.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveRequest {
    /// The capture device; the station's `[audio] live_input` when absent.
    pub from: Option<String>,
    /// The end, as an instant (the command line turns the station's HH:MM into it).
    pub until: Option<DateTime<Utc>>,
    /// Or how long on air, counted from when the microphone is heard.
    pub for_seconds: Option<u64>,
    pub priority: Option<String>,
    pub title: Option<String>,
    #[serde(default)]
    pub record: bool,
}

/// Why a live ended, and what went on air: the second answer on the connection.
#[derive(Debug, Serialize, Deserialize)]
pub struct LiveReport {
    /// `bound`, `limit`, `operator`, `stopped`, `device` or `shutdown`.
    pub reason: String,
    #[serde(flatten)]
    pub summary: Summary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<Recorded>,
}
