//! What the history records of the loudspeaker line: one history event per playout event,
//! carrying the programme's self-contained details (title, audio files with SHA-256).

use chrono::Utc;
use serde_json::json;

use super::engine::PlayoutEvent;
use super::programme::Programme;
use crate::domain::event::Kind;
use crate::domain::time::utc_text;
use crate::history::event::{Event, OccurrenceKey, merge};

/// The history event for a playout event. `programme` is the one the event's key names
/// (absent only for device errors).
pub fn history_event(e: &PlayoutEvent, programme: Option<&Programme>) -> Option<Event> {
    let (kind, extra) = match e {
        PlayoutEvent::Queued { .. } | PlayoutEvent::Prerolled { .. } => return None,
        PlayoutEvent::Waiting { behind, .. } => (Kind::PlayoutWaiting, json!({ "behind": behind })),
        PlayoutEvent::Started {
            scheduled_at,
            started_at,
            lateness_ms,
            pulled_at,
            resumed,
            ..
        } => {
            let mut body = json!({
                "scheduled_at": utc_text(*scheduled_at),
                "started_at": utc_text(*started_at),
                "lateness_ms": lateness_ms,
                "pulled_at": utc_text(*pulled_at),
            });
            if *resumed {
                body["resumed"] = json!(true);
            }
            (Kind::PlayoutStarted, body)
        }
        PlayoutEvent::Finished { at, glitches, .. } => {
            let mut body = json!({ "finished_at": utc_text(*at) });
            if *glitches > 0 {
                body["device_glitches"] = json!(glitches);
            }
            (Kind::PlayoutFinished, body)
        }
        PlayoutEvent::Failed { reason, .. } => (Kind::PlayoutFailed, json!({ "reason": reason })),
        PlayoutEvent::Interrupted { by, replay, .. } => (
            Kind::PlayoutInterrupted,
            json!({ "reason": format!("interrupted by {by}"), "by": by, "replay": replay }),
        ),
        PlayoutEvent::DeviceReady | PlayoutEvent::Latency { .. } => return None,
        PlayoutEvent::DeviceError { reason } => {
            return Some(Event::new(Kind::DeviceError, json!({ "reason": reason })).at(Utc::now()));
        }
    };
    let p = programme?;
    let mut extra = extra;
    // A relay session's end: what it carried (source, fallback and silence seconds, stalls).
    if matches!(
        kind,
        Kind::PlayoutFinished | Kind::PlayoutInterrupted | Kind::PlayoutFailed
    ) && let Some(feed) = p.segments.iter().find_map(|s| match s {
        super::Segment::Relay(feed) => Some(feed),
        _ => None,
    }) {
        let stats = serde_json::to_value(feed.stats()).unwrap_or_default();
        extra["relay"] = merge(p.record.get("relay").cloned().unwrap_or_default(), stats);
    }
    let mut event = Event::new(kind, merge(p.record.clone(), extra));
    event.occurrence = Some(OccurrenceKey {
        broadcast_id: p.broadcast_id.clone(),
        scheduled_at: p.scheduled_at,
    });
    event.campaign = p.campaign.clone();
    if let serde_json::Value::Object(m) = &mut event.details {
        m.entry("title").or_insert_with(|| json!(p.title));
        m.entry("priority").or_insert_with(|| json!(p.priority.as_str()));
    }
    Some(event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn started_and_failed_carry_the_occurrence_and_the_programme() {
        let mut p = Programme::of_files("vneid", &["a.ogg".into()], 1.0);
        p.record = json!({"title": "Kích hoạt VNeID", "audio": [{"path": "a.ogg", "sha256": "ab"}]});
        p.campaign = Some("Đề án 06".into());
        let e = history_event(
            &PlayoutEvent::Started {
                key: p.key.clone(),
                scheduled_at: p.scheduled_at,
                started_at: p.scheduled_at + chrono::Duration::milliseconds(3),
                lateness_ms: 3,
                pulled_at: p.scheduled_at - chrono::Duration::milliseconds(40),
                resumed: false,
            },
            Some(&p),
        )
        .unwrap();
        assert_eq!(e.kind, Kind::PlayoutStarted);
        assert_eq!(e.details["lateness_ms"], 3);
        assert_eq!(e.details["title"], "Kích hoạt VNeID");
        assert_eq!(e.details["audio"][0]["sha256"], "ab");
        assert_eq!(e.occurrence.as_ref().unwrap().broadcast_id, "vneid");
        assert_eq!(e.campaign.as_deref(), Some("Đề án 06"));
        let f = history_event(
            &PlayoutEvent::Failed {
                key: p.key.clone(),
                reason: "gone".into(),
            },
            Some(&p),
        )
        .unwrap();
        assert_eq!(
            (f.kind, f.details["reason"].as_str()),
            (Kind::PlayoutFailed, Some("gone"))
        );
        assert!(history_event(&PlayoutEvent::Queued { key: p.key.clone() }, Some(&p)).is_none());
    }
}
