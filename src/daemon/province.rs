//! Province bulletins on the box (issue #18): a task that keeps a session with the centre open,
//! `LISTEN`s for new bulletins, and fetches what follows its cursor, on every notification, every
//! 30 s, and always on (re)connecting (a notification sent while the box was offline is lost).
//!
//! What it receives is kept in `<data>/province/` (the audio, and the bulletin's description),
//! recorded (`bulletin_received`, shipped back to the centre with the rest of the history), and
//! aired like an operator's `now`: at once, or at its `air_from`; an emergency cuts in. One that
//! is received but not yet aired when the daemon stops is aired after the restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio::sync::Notify;

use super::state::Shared;
use crate::central::bulletins::Bulletin;
use crate::history::event::{Event, Kind};
use crate::playout::Engine;

/// Between fetches when no notification comes.
const POLL: Duration = Duration::from_secs(30);

pub async fn run(shared: Arc<Shared>, engine: Arc<Mutex<Option<Engine>>>, stop: Arc<Notify>) {
    let Some(cfg) = shared.config.central.clone() else {
        return;
    };
    let dir = shared.config.station.data.join("province");
    if let Err(e) = crate::history::store::create_private_dir(&dir) {
        shared.error(t!("province-no-folder", path = dir.display(), why = e));
        return;
    }
    // Received before a restart, not aired yet: aired now (or at their time).
    let waiting = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || pending(&dir))
            .await
            .unwrap_or_default()
    };
    for b in waiting {
        schedule(&shared, &engine, &dir, b);
    }
    let mut cursor = read_cursor(&dir);
    let mut pause = Duration::from_secs(2);
    loop {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let session = match crate::central::connect_box(&cfg, Some(tx)).await {
            Ok(c) => crate::central::within(c.batch_execute("LISTEN loaxa_bulletins"))
                .await
                .map(|_| c),
            Err(e) => Err(e),
        };
        match session {
            Err(e) => tracing::debug!(why = %e, "{}", t!("log-central-down")),
            Ok(client) => {
                pause = Duration::from_secs(2);
                loop {
                    match crate::central::bulletins::after(&client, cursor).await {
                        Ok(list) => {
                            for b in list {
                                cursor = b.id;
                                receive(&shared, &engine, &dir, b).await;
                                write_cursor(&dir, cursor);
                            }
                        }
                        Err(e) => {
                            tracing::warn!(why = %e, "{}", t!("log-central-down"));
                            break;
                        }
                    }
                    tokio::select! {
                        _ = stop.notified() => return,
                        _ = rx.recv() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                    if client.is_closed() {
                        break;
                    }
                }
            }
        }
        tokio::select! {
            _ = stop.notified() => return,
            _ = tokio::time::sleep(pause) => {}
        }
        // At most 30 s: with a connection attempt's 20 s, an emergency published while the link
        // was down is fetched within a minute of its return.
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

fn read_cursor(dir: &Path) -> i64 {
    std::fs::read_to_string(dir.join("cursor"))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

fn write_cursor(dir: &Path, cursor: i64) {
    let tmp = dir.join("cursor.tmp");
    if std::fs::write(&tmp, format!("{cursor}\n")).is_ok() {
        let _ = std::fs::rename(&tmp, dir.join("cursor"));
    }
}

/// The audio's file: `<id>.<ext>`, the extension from the province's file name (letters and
/// digits only: the name is the province's, the path is ours).
fn audio_path(dir: &Path, id: i64, name: &str) -> PathBuf {
    let ext: String = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    dir.join(format!("{id}.{}", if ext.is_empty() { "bin" } else { &ext }))
}

/// Keeps a bulletin, records its receipt, and airs it (now or at its time).
async fn receive(shared: &Arc<Shared>, engine: &Arc<Mutex<Option<Engine>>>, dir: &Path, b: Bulletin) {
    use sha2::Digest;
    let described = dir.join(format!("{}.json", b.id));
    if described.exists() {
        return;
    }
    let audio = match &b.audio {
        Some((name, bytes)) => {
            let path = audio_path(dir, b.id, name);
            if let Err(e) = tokio::fs::write(&path, bytes).await {
                shared.error(t!("province-cannot-keep", id = b.id, why = e));
                return;
            }
            Some((path, crate::schedule::hex(&sha2::Sha256::digest(bytes))))
        }
        None => None,
    };
    let description = json!({
        "id": b.id,
        "title": b.title,
        "priority": b.priority.as_str(),
        "text": b.text,
        "audio": audio.as_ref().map(|(p, _)| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        "air_from": crate::history::event::utc_text(b.air_from),
        "air_until": b.air_until.map(crate::history::event::utc_text),
    });
    if let Err(e) = tokio::fs::write(&described, format!("{description:#}\n")).await {
        shared.error(t!("province-cannot-keep", id = b.id, why = e));
        return;
    }
    let mut details = description.clone();
    details["audio_sha256"] = json!(audio.as_ref().map(|(_, h)| h));
    details["text_sha256"] = json!(
        b.text
            .as_ref()
            .map(|t| crate::schedule::hex(&sha2::Sha256::digest(t.as_bytes())))
    );
    details["text"] = json!(null);
    let _ = shared.history.record(Event::new(Kind::BulletinReceived, details)).await;
    tracing::info!(id = b.id, title = b.title, "{}", t!("log-province-received"));
    // From here on the audio is the kept file (as after a restart).
    let b = Bulletin {
        audio: audio.and_then(|(p, _)| p.file_name().map(|n| (n.to_string_lossy().into_owned(), Vec::new()))),
        ..b
    };
    schedule(shared, engine, dir, b);
}

/// Received and not yet aired (after a restart): from their descriptions.
fn pending(dir: &Path) -> Vec<Bulletin> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Bulletin> = entries
        .flatten()
        .filter_map(|e| {
            let path = e.path();
            let id: i64 = path.file_name()?.to_str()?.strip_suffix(".json")?.parse().ok()?;
            if dir.join(format!("{id}.done")).exists() {
                return None;
            }
            let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).ok()?).ok()?;
            let time = |k: &str| {
                v[k].as_str()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&Utc))
            };
            Some(Bulletin {
                id,
                title: v["title"].as_str()?.to_string(),
                priority: crate::schedule::Priority::parse(v["priority"].as_str()?)?,
                text: v["text"].as_str().map(str::to_string),
                audio: v["audio"].as_str().map(|f| (f.to_string(), Vec::new())),
                air_from: time("air_from")?,
                air_until: time("air_until"),
            })
        })
        .collect();
    out.sort_by_key(|b| b.id);
    out
}

/// Airs `b` at its time (on the wall clock, checked each second: a monotonic sleep would not
/// follow a clock step), or says why it is not aired.
fn schedule(shared: &Arc<Shared>, engine: &Arc<Mutex<Option<Engine>>>, dir: &Path, b: Bulletin) {
    let (shared, engine, dir) = (shared.clone(), engine.clone(), dir.to_path_buf());
    tokio::spawn(async move {
        while Utc::now() < b.air_from {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let outcome = match b.air_until {
            Some(until) if Utc::now() > until => Err(NotAired::Never(t!("province-expired"))),
            _ => air(&shared, &engine, &dir, &b).await,
        };
        match outcome {
            // The line is gone (the daemon is stopping): not done, so aired after the restart.
            Err(NotAired::NotNow(why)) => {
                tracing::warn!(id = b.id, why, "{}", t!("log-province-not-aired"));
                return;
            }
            Err(NotAired::Never(why)) => {
                tracing::warn!(id = b.id, why, "{}", t!("log-province-not-aired"));
                let details = json!({ "id": b.id, "title": b.title, "reason": why });
                let _ = shared.history.record(Event::new(Kind::BulletinNotAired, details)).await;
            }
            Ok(()) => {}
        }
        let _ = tokio::fs::write(dir.join(format!("{}.done", b.id)), b"").await;
    });
}

/// Why a bulletin did not air.
enum NotAired {
    /// Never will: expired, no text that can be read, nothing to air.
    Never(String),
    /// Not now: the line is gone (the daemon is stopping).
    NotNow(String),
}

/// Hands the bulletin to the line, as an operator's `now`: its audio, or its text read by the
/// station's voice, between the station's chimes.
async fn air(
    shared: &Arc<Shared>,
    engine: &Arc<Mutex<Option<Engine>>>,
    dir: &Path,
    b: &Bulletin,
) -> Result<(), NotAired> {
    let id = format!("province:{}", b.id);
    let mut record =
        json!({ "title": b.title, "priority": b.priority.as_str(), "province_bulletin": b.id, "audio": [] });
    let mut programme = match (&b.audio, &b.text) {
        (Some((name, _)), _) => {
            let path = dir.join(name);
            record["audio"] = json!([{ "path": path.file_name().map(|n| n.to_string_lossy().into_owned()) }]);
            let mut p = super::control::ad_hoc(shared, &id, &b.title, b.priority, (&[], &[path]), record);
            // The file is loaxa's own, in the data folder, not the media folder.
            p.root = None;
            p
        }
        (None, Some(text)) => {
            let spoken = crate::speech::normalise::normalise(text, &shared.config.tts.lexicon)
                .map_err(|e| NotAired::Never(format!("{} ({})", e.message, e.hint)))?;
            let spec = crate::speech::render::Spec {
                text: text.clone(),
                spoken,
                provider: None,
                voice: None,
                speed: None,
            };
            let urgent = b.priority != crate::schedule::Priority::Normal;
            let rendered = shared.speech.render(&spec, urgent).await.map_err(NotAired::Never)?;
            let part = super::voice::part(shared, &rendered);
            record["speech"] = part.record.clone();
            super::control::ad_hoc(shared, &id, &b.title, b.priority, (&part.files, &[]), record)
        }
        (None, None) => return Err(NotAired::Never(t!("province-empty"))),
    };
    programme.campaign = None;
    super::control::not_yet_on_the_line(engine, &programme)
        .await
        .map_err(|a| NotAired::NotNow(a.error.unwrap_or_default()))?;
    super::control::hand_over(shared, engine, programme)
        .await
        .map_err(|a| NotAired::NotNow(a.error.unwrap_or_default()))
}
