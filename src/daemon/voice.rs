//! The daemon's speech: every spoken broadcast rendered ahead of air time (at start and at each
//! reload), and each occurrence's speech made ready for its programme, with the urgency rule:
//! an emergency or priority bulletin never waits for a cloud voice, and a normal one waits only
//! until shortly before its time, then the offline voice reads it and the record says why.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::state::Shared;
use crate::domain::broadcast::{Broadcast, Priority};
use crate::playout::programme::SpeechPart;
use crate::speech::render::{Rendered, Spec};

/// Renders every spoken broadcast of the set in use that is not in the cache yet, one at a
/// time (cloud voices have rate limits), on a task of its own.
pub fn render_ahead(shared: &Arc<Shared>) {
    let shared = shared.clone();
    tokio::spawn(async move {
        let set = shared.set();
        let due: Vec<_> = set
            .broadcasts
            .iter()
            .filter(|b| b.on_loudspeaker())
            .filter_map(|b| b.speak.as_ref().map(Spec::from))
            .collect();
        shared.speech.set_due(&due);
        let mut seen = HashSet::new();
        for b in set.broadcasts.iter().filter(|b| b.on_loudspeaker()) {
            let Some(speak) = &b.speak else { continue };
            if !seen.insert((speak.spoken.clone(), speak.provider.clone(), speak.voice.clone())) {
                continue;
            }
            let spec = Spec::from(speak);
            if shared.speech.cached(&spec).is_some() {
                continue;
            }
            match shared.speech.render(&spec, false).await {
                Ok(r) => tracing::info!(
                    id = b.id,
                    seconds = r.duration_s,
                    provider = r.provider,
                    "{}",
                    t!("log-tts-rendered")
                ),
                Err(why) => shared.error(t!("tts-render-failed", id = b.id.clone(), why = why)),
            }
        }
    });
}

/// The speech of an occurrence, ready to air (None when the broadcast does not speak); an
/// error says why it cannot be rendered at all.
pub async fn for_occurrence(shared: &Shared, b: &Broadcast, at: DateTime<Utc>) -> Option<Result<SpeechPart, String>> {
    let speak = b.speak.as_ref()?;
    let spec = Spec::from(speak);
    let urgent = b.priority != Priority::Normal;
    // A normal bulletin may wait for its voice until a second before its time.
    let left = (at - Utc::now())
        .to_std()
        .unwrap_or_default()
        .saturating_sub(Duration::from_secs(1));
    // Only a cloud voice is given up on: the offline voice standing in for a local one would
    // be a second engine reading the same text beside the first.
    let wait = if shared.speech.is_cloud(&spec) {
        left.max(Duration::from_millis(200))
    } else {
        Duration::MAX
    };
    let rendered = match tokio::time::timeout(wait, shared.speech.render(&spec, urgent)).await {
        Ok(r) => r,
        Err(_) => {
            let offline = crate::speech::render::Spec {
                provider: Some(crate::speech::settings::ESPEAK.into()),
                voice: None,
                ..spec.clone()
            };
            shared.speech.render(&offline, false).await.map(|mut r| {
                r.fallback = Some(t!("tts-fallback-late"));
                r
            })
        }
    };
    Some(rendered.map(|r| part(shared, &r)))
}

/// The files to play and the record: the rendering as the history keeps it, with the archived
/// copy's place (what aired stays for the audit even when the cache moves on). The archived
/// copies are what plays: the cache may evict its own before the programme's time.
pub fn part(shared: &Shared, r: &Rendered) -> SpeechPart {
    let (archived, files) = match shared.speech.archive(r) {
        Ok(paths) => {
            let files = paths.iter().map(|p| shared.speech.path(p)).collect();
            (json!(paths), files)
        }
        Err(e) => {
            shared.error(t!("tts-archive-failed", why = e));
            (
                serde_json::Value::Null,
                r.parts.iter().map(|p| shared.speech.path(p)).collect(),
            )
        }
    };
    let mut record = serde_json::to_value(r).unwrap_or_default();
    if let serde_json::Value::Object(m) = &mut record {
        m.remove("parts");
        m.remove("key");
        m.insert("archived".into(), archived);
    }
    SpeechPart { files, record }
}
