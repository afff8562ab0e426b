//! History events: what happened, when, to which occurrence and on which channel.
//!
//! An event carries everything an auditor needs to read it on its own: the title, the audio
//! files with their SHA-256 and duration, the hash of the posted text. Deleting media or
//! editing schedules later never changes what the history says.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::domain::broadcast::Broadcast;
use crate::domain::event::Kind;
use crate::domain::plan::Occurrence;
use crate::domain::text::hex;

/// Which occurrence an event is about: broadcast id + scheduled instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OccurrenceKey {
    pub broadcast_id: String,
    pub scheduled_at: DateTime<Utc>,
}

/// One event, before it gets its sequence number and hash.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: Kind,
    pub occurrence: Option<OccurrenceKey>,
    pub channel: Option<String>,
    pub campaign: Option<String>,
    /// A JSON object. Keys are stored sorted, so the stored text is canonical.
    pub details: Value,
}

impl Event {
    /// The event with every known secret redacted (see [`crate::redact`]): the history is
    /// append-only, so what enters it can never be taken out.
    pub fn redacted(mut self) -> Event {
        crate::redact::redact_json(&mut self.details);
        for s in [&mut self.channel, &mut self.campaign].into_iter().flatten() {
            *s = crate::redact::redact(s);
        }
        self
    }

    pub fn new(kind: Kind, details: Value) -> Event {
        Event {
            at: Utc::now(),
            kind,
            occurrence: None,
            channel: None,
            campaign: None,
            details,
        }
    }

    pub fn at(mut self, at: DateTime<Utc>) -> Event {
        self.at = at;
        self
    }

    pub fn channel(mut self, channel: impl Into<String>) -> Event {
        self.channel = Some(channel.into());
        self
    }

    /// Ties the event to an occurrence, copying the broadcast's title and campaign into it.
    pub fn for_occurrence(mut self, o: &Occurrence<'_>) -> Event {
        self.occurrence = Some(OccurrenceKey {
            broadcast_id: o.broadcast.id.clone(),
            scheduled_at: o.at,
        });
        self.campaign = o.broadcast.campaign.clone();
        if let Value::Object(m) = &mut self.details {
            m.entry("title")
                .or_insert_with(|| Value::String(o.broadcast.title.clone()));
            m.entry("priority")
                .or_insert_with(|| Value::String(o.broadcast.priority.as_str().into()));
        }
        self
    }
}

/// What a playout event records about the programme: every audio file with its SHA-256 and
/// duration, the airtime and the repeat settings. Hashes are cached per file path, size and
/// modification time, so a file replaced under the same name is hashed again.
#[derive(Default)]
pub struct Fingerprints {
    cache: HashMap<(std::path::PathBuf, u64, Option<std::time::SystemTime>), Option<String>>,
}

impl Fingerprints {
    /// SHA-256 of a file inside `root`, or `None` if it cannot be read (recorded as such,
    /// never hidden). Only a regular file is read, and no further than its size: a FIFO or a
    /// link to a device cannot hold the caller up.
    pub fn sha256(&mut self, root: &Path, path: &Path) -> Option<String> {
        let meta = std::fs::metadata(path).ok();
        let key = (
            path.to_path_buf(),
            meta.as_ref().map_or(0, |m| m.len()),
            meta.and_then(|m| m.modified().ok()),
        );
        self.cache
            .entry(key)
            .or_insert_with(|| {
                use std::io::Read;
                let (file, meta, _) = crate::files::open_inside(root, path).ok()?;
                let mut h = Sha256::new();
                let mut buf = vec![0u8; 64 * 1024];
                let mut rest = file.take(meta.len());
                loop {
                    match rest.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => h.update(&buf[..n]),
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(_) => return None,
                    }
                }
                Some(hex(&h.finalize()))
            })
            .clone()
    }

    pub fn programme(&mut self, b: &Broadcast, media_root: &Path) -> Value {
        let audio: Vec<Value> = b
            .audio
            .iter()
            .map(|a| {
                json!({
                    "path": a.path,
                    "sha256": self.sha256(media_root, &media_root.join(&a.path)),
                    "duration_s": (a.duration.as_secs_f64() * 1000.0).round() / 1000.0,
                })
            })
            .collect();
        json!({
            "title": b.title,
            "priority": b.priority.as_str(),
            "audio": audio,
            "repeat": b.repeat,
            "gap_s": b.gap.as_secs_f64(),
            "airtime_s": (b.duration().as_secs_f64() * 1000.0).round() / 1000.0,
        })
    }
}

/// The SHA-256 of a posted text, so the history proves what was said without storing it twice.
pub fn text_sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// Merges `extra` into the object `base`.
pub fn merge(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}
