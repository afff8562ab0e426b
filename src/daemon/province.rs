//! Province bulletins on the box (issue #18): a task that keeps a session with the centre open,
//! `LISTEN`s for new bulletins, and fetches what follows its cursor, on every notification, every
//! 30 s, and always on (re)connecting (a notification sent while the box was offline is lost).
//!
//! What it receives is kept in `<data>/province/` (the audio, and the bulletin's description),
//! recorded (`bulletin_received`, shipped back to the centre with the rest of the history), and
//! aired like an operator's `now`: at once, or at its `air_from`; an emergency cuts in. One that
//! is received but not yet aired when the daemon stops is aired after the restart.
//!
//! The audio is streamed to disk a piece at a time (never all in memory), refused beyond what a
//! session can hold, and removed once the bulletin has aired or can no longer air: the history
//! keeps its hash, and the description stays (it is what says the bulletin was received).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::line::Line;
use super::state::Shared;
use crate::central::bulletins::{self, Bulletin};
use crate::domain::event::Kind;
use crate::history::event::Event;
use crate::shutdown::Listener;

/// Between fetches when no notification comes.
const POLL: Duration = Duration::from_secs(30);
/// At most one fetch a second however many notifications come: an emergency is still fetched
/// within a second of its publication, and a flood of notifications costs one query a second.
const AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// A bulletin as kept on the box (in `<data>/province/ID.json`): its audio, if any, is the file
/// there by now.
#[derive(Clone, Debug)]
struct Kept {
    id: i64,
    title: String,
    priority: crate::domain::broadcast::Priority,
    text: Option<String>,
    /// The audio's file name in the province folder.
    audio: Option<String>,
    air_from: chrono::DateTime<Utc>,
    air_until: Option<chrono::DateTime<Utc>>,
}

pub async fn run(shared: Arc<Shared>, engine: Line, mut stop: Listener) {
    let Some(cfg) = shared.config.central.clone() else {
        return;
    };
    let dir = shared.config.station.data.join("province");
    if let Err(e) = crate::files::create_private_dir(&dir) {
        shared.error(t!("province-no-folder", path = dir.display(), why = e));
        return;
    }
    // Received before a restart, not aired yet: aired now (or at their time).
    let waiting = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || {
            sweep(&dir);
            pending(&dir)
        })
        .await
        .unwrap_or_default()
    };
    for b in waiting {
        schedule(&shared, &engine, &dir, b);
    }
    let mut cursor = read_cursor(&dir);
    let mut pause = Duration::from_secs(2);
    loop {
        let wake = crate::central::Wake::any();
        let session = match crate::central::connect_box(&cfg, Some(wake.clone())).await {
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
                    if let Err(e) = fetch(&shared, &client, &engine, &dir, &mut cursor).await {
                        tracing::warn!(why = %e, "{}", t!("log-central-down"));
                        break;
                    }
                    let fetched = tokio::time::Instant::now();
                    tokio::select! {
                        _ = stop.stopped() => return,
                        _ = wake.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                    }
                    tokio::select! {
                        _ = stop.stopped() => return,
                        _ = tokio::time::sleep_until(fetched + AT_MOST_EVERY) => {}
                    }
                    if client.is_closed() {
                        break;
                    }
                }
            }
        }
        tokio::select! {
            _ = stop.stopped() => return,
            _ = tokio::time::sleep(pause) => {}
        }
        // At most 30 s: with a connection attempt's 20 s, an emergency published while the link
        // was down is fetched within a minute of its return.
        pause = (pause * 2).min(Duration::from_secs(30));
    }
}

/// Takes what follows `cursor`; the cursor moves past each bulletin once it is kept (a link
/// that drops while its audio comes means it is fetched again, whole).
async fn fetch(
    shared: &Arc<Shared>,
    client: &tokio_postgres::Client,
    engine: &Line,
    dir: &Path,
    cursor: &mut i64,
) -> Result<(), crate::central::CentralError> {
    for b in bulletins::after(client, *cursor).await? {
        let id = b.id;
        receive(shared, client, engine, dir, b).await?;
        *cursor = id;
        let (dir, at) = (dir.to_path_buf(), *cursor);
        let _ = tokio::task::spawn_blocking(move || write_cursor(&dir, at)).await;
    }
    Ok(())
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

/// Keeps a bulletin, records its receipt, and airs it (now or at its time). An error: the link
/// failed while the audio came (it is fetched again).
async fn receive(
    shared: &Arc<Shared>,
    client: &tokio_postgres::Client,
    engine: &Line,
    dir: &Path,
    b: Bulletin,
) -> Result<(), crate::central::CentralError> {
    use sha2::Digest;
    let described = dir.join(format!("{}.json", b.id));
    if tokio::fs::try_exists(&described).await.unwrap_or(false) {
        return Ok(());
    }
    let too_large = b.audio.as_ref().is_some_and(|a| a.size > bulletins::MAX_AUDIO);
    let audio = match &b.audio {
        Some(a) if !too_large => {
            let path = audio_path(dir, b.id, &a.name);
            match bulletins::fetch_audio(client, b.id, a, &path).await {
                Ok(()) => {}
                Err(crate::central::CentralError::Local(why)) => {
                    shared.error(why);
                    return Ok(());
                }
                Err(e) => return Err(e),
            }
            path.file_name().map(|n| n.to_string_lossy().into_owned())
        }
        _ => None,
    };
    let description = json!({
        "id": b.id,
        "title": b.title,
        "priority": b.priority.as_str(),
        "text": b.text,
        "audio": audio,
        "air_from": crate::domain::time::utc_text(b.air_from),
        "air_until": b.air_until.map(crate::domain::time::utc_text),
    });
    if let Err(e) = tokio::fs::write(&described, format!("{description:#}\n")).await {
        shared.error(t!("province-cannot-keep", id = b.id, why = e));
        return Ok(());
    }
    let mut details = description.clone();
    details["audio_sha256"] = json!(b.audio.as_ref().map(|a| crate::domain::text::hex(&a.sha256)));
    details["audio_bytes"] = json!(b.audio.as_ref().map(|a| a.size));
    details["text_sha256"] = json!(
        b.text
            .as_ref()
            .map(|t| crate::domain::text::hex(&sha2::Sha256::digest(t.as_bytes())))
    );
    details["text"] = json!(null);
    let _ = shared.history.record(Event::new(Kind::BulletinReceived, details)).await;
    tracing::info!(id = b.id, title = b.title, "{}", t!("log-province-received"));
    let kept = Kept {
        id: b.id,
        title: b.title,
        priority: b.priority,
        text: b.text,
        audio,
        air_from: b.air_from,
        air_until: b.air_until,
    };
    if too_large {
        let size = b.audio.as_ref().map_or(0, |a| a.size);
        not_aired(shared, dir, &kept, t!("province-too-large", mb = size / (1024 * 1024))).await;
        return Ok(());
    }
    schedule(shared, engine, dir, kept);
    Ok(())
}

/// Records why `b` will never air, marks it done and lets its audio go.
async fn not_aired(shared: &Shared, dir: &Path, b: &Kept, why: String) {
    tracing::warn!(id = b.id, why, "{}", t!("log-province-not-aired"));
    let details = json!({ "id": b.id, "title": b.title, "reason": why });
    let _ = shared.history.record(Event::new(Kind::BulletinNotAired, details)).await;
    done(dir, b).await;
}

/// Marks `b` done (aired, or never to air) and removes its audio: the history holds its hash.
async fn done(dir: &Path, b: &Kept) {
    mark_done(dir, b.id).await;
    let_go(dir, b).await;
}

/// Bulletin `id` is not to air again, after a restart either.
async fn mark_done(dir: &Path, id: i64) {
    let _ = tokio::fs::write(dir.join(format!("{id}.done")), b"").await;
}

/// Removes `b`'s audio.
async fn let_go(dir: &Path, b: &Kept) {
    if let Some(name) = &b.audio {
        let _ = tokio::fs::remove_file(dir.join(name)).await;
    }
}

/// At start, nothing is on the line yet: the audio of every bulletin that is done (the daemon
/// stopped while it played) and any piece a dropped link left half-fetched are let go.
fn sweep(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let path = e.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if matches!(ext, "json" | "done") || stem.parse::<i64>().is_err() {
            continue;
        }
        if ext == "partial" || dir.join(format!("{stem}.done")).exists() {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Received and not yet aired (after a restart): from their descriptions.
fn pending(dir: &Path) -> Vec<Kept> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<Kept> = entries
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
            Some(Kept {
                id,
                title: v["title"].as_str()?.to_string(),
                priority: crate::domain::broadcast::Priority::parse(v["priority"].as_str()?)?,
                text: v["text"].as_str().map(str::to_string),
                audio: v["audio"].as_str().map(str::to_string),
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
fn schedule(shared: &Arc<Shared>, engine: &Line, dir: &Path, b: Kept) {
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
            }
            Err(NotAired::Never(why)) => not_aired(&shared, &dir, &b, why).await,
            Ok(key) => {
                mark_done(&dir, b.id).await;
                // The line reads the file while it plays: let go of it once the programme has
                // ended for good (the recorder forgets it then).
                while shared
                    .programmes
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .contains_key(&key)
                {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                let_go(&dir, &b).await;
            }
        }
    });
}

/// Why a bulletin did not air.
enum NotAired {
    /// Never will: expired, no text that can be read, nothing to air.
    Never(String),
    /// Not now: the line is gone (the daemon is stopping).
    NotNow(String),
}

/// Hands the bulletin to the line, as an operator's `now` (its programme's key): its audio, or its text read by the
/// station's voice, between the station's chimes.
async fn air(shared: &Arc<Shared>, engine: &Line, dir: &Path, b: &Kept) -> Result<String, NotAired> {
    let id = format!("province:{}", b.id);
    let mut record =
        json!({ "title": b.title, "priority": b.priority.as_str(), "province_bulletin": b.id, "audio": [] });
    let mut programme = match (&b.audio, &b.text) {
        (Some(name), _) => {
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
            let urgent = b.priority != crate::domain::broadcast::Priority::Normal;
            let rendered = shared.speech.render(&spec, urgent).await.map_err(NotAired::Never)?;
            let part = super::voice::part(shared, &rendered);
            record["speech"] = part.record.clone();
            super::control::ad_hoc(shared, &id, &b.title, b.priority, (&part.files, &[]), record)
        }
        (None, None) => return Err(NotAired::Never(t!("province-empty"))),
    };
    programme.campaign = None;
    super::air::not_yet_on_the_line(engine, &programme)
        .await
        .map_err(|a| NotAired::NotNow(a.error.unwrap_or_default()))?;
    let key = programme.key.clone();
    super::air::hand_over(shared, engine, programme)
        .await
        .map_err(|a| NotAired::NotNow(a.error.unwrap_or_default()))?;
    Ok(key)
}
