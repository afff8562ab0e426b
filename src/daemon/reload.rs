//! Hot reload: the schedules folder is watched (debounced, because editors save by writing a
//! temporary file and renaming it), rescanned every few seconds in case the watch was lost
//! with a replaced folder, and SIGHUP asks for the same. A valid edited set is swapped
//! in whole and recorded with what changed; an invalid one is rejected with the report
//! `loaxa check` gives, and the previous set keeps running.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use serde_json::{Value, json};

use super::state::{Shared, Source};
use crate::domain::broadcast::{Broadcast, Rule};
use crate::domain::event::Kind;
use crate::history::event::Event;
use crate::schedule::{self, Loaded, ScheduleSet};

/// The `schedule_loaded` event: every file with its SHA-256, and the changes from `old`.
pub fn loaded_event(set: &ScheduleSet, old: Option<&ScheduleSet>) -> Event {
    let files: Vec<_> = set
        .files
        .iter()
        .map(|f| json!({"name": f.name, "sha256": f.sha256}))
        .collect();
    let mut details = json!({ "files": files, "broadcasts": set.broadcasts.len() });
    if let Some(old) = old {
        let (added, removed, changed) = diff(old, set);
        details["added"] = json!(added);
        details["removed"] = json!(removed);
        details["changed"] = json!(changed);
    }
    Event::new(Kind::ScheduleLoaded, details)
}

/// What a broadcast says, without where it was written (moving lines is not a change).
fn fingerprint(b: &Broadcast) -> String {
    format!(
        "{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}",
        b.title,
        rule_text(b),
        b.dates,
        b.priority,
        b.audio,
        b.repeat,
        b.gap,
        b.volume,
        b.channels,
        b.post,
        b.campaign
    )
}

fn rule_text(b: &Broadcast) -> String {
    match &b.rule {
        Rule::Daily { times, days } => format!("{times:?} {days:?}"),
        Rule::Cron(expr) => expr.as_str().to_string(),
        Rule::On(list) => format!("{list:?}"),
    }
}

pub fn diff(old: &ScheduleSet, new: &ScheduleSet) -> (Vec<String>, Vec<String>, Vec<String>) {
    let a: BTreeMap<&str, String> = old.broadcasts.iter().map(|b| (b.id.as_str(), fingerprint(b))).collect();
    let b: BTreeMap<&str, String> = new.broadcasts.iter().map(|b| (b.id.as_str(), fingerprint(b))).collect();
    let added = b
        .keys()
        .filter(|k| !a.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    let removed = a
        .keys()
        .filter(|k| !b.contains_key(*k))
        .map(|k| k.to_string())
        .collect();
    let changed = b
        .iter()
        .filter(|(k, v)| a.get(*k).is_some_and(|o| o != *v))
        .map(|(k, _)| k.to_string())
        .collect();
    (added, removed, changed)
}

/// Places of a rejected edit kept in the history, the status and the dashboard: a broken file
/// of thousands of errors must not make every page megabytes long.
pub const MAX_PLACES: usize = 50;

/// Where an invalid set is wrong (the first [`MAX_PLACES`] errors), as one line, and the
/// `schedule_rejected` event with the places and the files' hashes.
///
/// Never a word of the files' text: a rejected file may be anything (a token pasted by
/// mistake, a link to a secret), and the history can never forget what it was given. The
/// quoted report is for the terminal of whoever runs `loaxa check`.
pub fn rejection(loaded: &Loaded) -> (String, Event) {
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    let places: Vec<Value> = errors
        .iter()
        .take(MAX_PLACES)
        .map(|d| {
            let (line, column) = loaded.sources.line_column(d.file, d.span.start);
            json!({"file": loaded.sources.name(d.file), "line": line, "column": column, "code": d.code})
        })
        .collect();
    let files: Vec<_> = loaded
        .set
        .files
        .iter()
        .map(|f| json!({"name": f.name, "sha256": f.sha256}))
        .collect();
    let details = json!({
        "errors": errors.len(),
        "places": places,
        "more": errors.len().saturating_sub(MAX_PLACES),
        "files": files,
    });
    (
        crate::history::query::places_summary(&details),
        Event::new(Kind::ScheduleRejected, details),
    )
}

/// Keeps a copy of a set that loaded whole, for a start with broken files (see
/// [`super::last_good`]). A failure to save is shown, never fatal.
pub async fn keep_as_last_good(shared: &Shared, loaded: &Loaded) {
    keep_snapshot(shared, super::last_good::snapshot(loaded)).await;
}

/// Writes a snapshot taken by [`super::last_good::snapshot`].
pub async fn keep_snapshot(shared: &Shared, snapshot: Result<Vec<u8>, std::io::Error>) {
    let data = shared.config.station.data.clone();
    let saved = match snapshot {
        Ok(bytes) => tokio::task::spawn_blocking(move || super::last_good::write(&data, &bytes))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e))),
        Err(e) => Err(e),
    };
    if let Err(e) = saved {
        let line = t!("reload-cannot-keep", why = e);
        tracing::error!("{line}");
        shared.error(line);
    }
}

/// Files that look meant as schedules but are not read (`ban-tin.toml.txt`): each is told
/// once, on the dashboard and in the log, with the name to give it, as `check` tells it.
fn tell_unread(shared: &Shared, loaded: &schedule::Loaded) {
    let now: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "not-read")
        .map(|d| loaded.sources.name(d.file).to_string())
        .collect();
    let new: Vec<String> = {
        let mut st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        let new = now.iter().filter(|n| !st.unread.contains(n)).cloned().collect();
        st.unread = now;
        new
    };
    for file in new {
        let fixed = schedule::meant_as_schedule(std::path::Path::new(&file)).unwrap_or_default();
        let line = t!("reload-not-read", file = file, fixed = fixed);
        tracing::warn!("{line}");
        shared.error(line);
    }
}

/// Validates the folder and swaps the set in, or records the rejection.
pub async fn reload(shared: &Arc<Shared>) {
    let s = shared.clone();
    let loaded = tokio::task::spawn_blocking(move || schedule::load(&s.config)).await;
    let loaded = match loaded {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => {
            shared.error(t!("reload-failed", why = e));
            return;
        }
        Err(e) => {
            shared.error(t!("reload-failed", why = e));
            return;
        }
    };
    tell_unread(shared, &loaded);
    if loaded.has_errors() {
        let (report, event) = rejection(&loaded);
        tracing::error!("{}", t!("reload-rejected", places = report));
        shared.counters.rejected_reloads.fetch_add(1, Ordering::Relaxed);
        shared.schedule.lock().unwrap_or_else(|p| p.into_inner()).rejected = Some((Utc::now(), report));
        let _ = shared.history.record(event).await;
        return;
    }
    let old = shared.set();
    let (added, removed, changed) = diff(&old, &loaded.set);
    let fallback = {
        let st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        st.rejected.is_some() || st.source != Source::Files
    };
    if !fallback && added.is_empty() && removed.is_empty() && changed.is_empty() && old.files == loaded.set.files {
        return;
    }
    tracing::info!(?added, ?removed, ?changed, "{}", t!("reload-done"));
    keep_as_last_good(shared, &loaded).await;
    let event = loaded_event(&loaded.set, Some(&old));
    {
        let mut st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        st.loaded_at = Utc::now();
        st.files = loaded
            .set
            .files
            .iter()
            .map(|f| (f.name.clone(), f.sha256.clone()))
            .collect();
        st.broadcasts = loaded.set.broadcasts.len();
        st.rejected = None;
        st.source = Source::Files;
    }
    // Parsing left the files' texts and syntax trees behind; the set is copied out of the
    // parse thread's arena (see `memory::settled`).
    drop((loaded.sources, loaded.diagnostics));
    let set = crate::memory::settled(loaded.set);
    *shared.set.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(set);
    drop(old);
    crate::memory::give_back();
    shared.counters.reloads.fetch_add(1, Ordering::Relaxed);
    let _ = shared.history.record(event).await;
    super::voice::render_ahead(shared);
}

/// How long the folder must stay quiet before a reload: editors save by writing a temporary
/// file and renaming it, and one save should give one reload.
const QUIET: Duration = Duration::from_millis(500);

/// How often the folder is looked at even without a notification: the safety net for a folder
/// replaced whole (rsync, git, an editor), which silently ends an inotify watch.
pub const RESCAN: Duration = Duration::from_secs(5);

/// Asks the reloader for a reload (SIGHUP). Never waits for it: signals stay responsive.
#[derive(Clone)]
pub struct Reloader {
    tx: tokio::sync::mpsc::UnboundedSender<()>,
}

impl Reloader {
    pub fn request(&self) {
        let _ = self.tx.send(());
    }
}

/// What the folder looks like, without opening any file: names, sizes, times and inodes.
pub type FolderState = Option<Vec<(std::ffi::OsString, u64, i64, u64)>>;

/// The schedules folder's [`FolderState`] now.
pub fn folder_state(dir: &std::path::Path) -> FolderState {
    use std::os::unix::fs::MetadataExt;
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((
                e.file_name(),
                m.len(),
                m.mtime_nsec() + m.mtime() * 1_000_000_000,
                m.ino(),
            ))
        })
        .collect();
    v.sort();
    let own = std::fs::metadata(dir).ok()?;
    v.push(("..".into(), 0, 0, own.ino()));
    Some(v)
}

/// Starts the reloader: a watch on the schedules folder (re-armed when the folder is
/// replaced), a rescan every [`RESCAN`], and SIGHUP requests, all going through one task so
/// reloads never overlap and nothing waits on them. `loaded_from` is the folder as it was just
/// before the running set was read from it: an edit saved between that read and the watch
/// (the daemon's first moments) is a change the first rescan finds, not one lost until the
/// next edit.
pub fn spawn(shared: Arc<Shared>, loaded_from: FolderState) -> Reloader {
    use notify::{EventKind, RecursiveMode, Watcher};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let notify_tx = tx.clone();
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && !matches!(event.kind, EventKind::Access(_))
        {
            let _ = notify_tx.send(());
        }
    };
    let dir = shared.config.station.schedules.clone();
    let mut watcher = notify::recommended_watcher(handler)
        .map_err(|e| tracing::error!(error = %e, "{}", t!("reload-no-watcher", seconds = RESCAN.as_secs())))
        .ok();
    let arm = move |w: &mut Option<notify::RecommendedWatcher>, shared: &Shared| {
        let armed = match w.as_mut() {
            Some(w) => {
                let _ = w.unwatch(&dir);
                w.watch(&dir, RecursiveMode::NonRecursive).map_err(|e| e.to_string())
            }
            None => Err(t!("reload-watcher-refused")),
        };
        let mut st = shared.schedule.lock().unwrap_or_else(|p| p.into_inner());
        st.watching = match &armed {
            Ok(()) => None,
            Err(e) => Some(t!(
                "reload-cannot-watch",
                path = dir.display(),
                why = e,
                seconds = RESCAN.as_secs()
            )),
        };
        armed.is_ok()
    };
    arm(&mut watcher, &shared);
    let handle = Reloader { tx };
    tokio::spawn(async move {
        let dir = shared.config.station.schedules.clone();
        let folder_id = |d: &std::path::Path| {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(d).ok().map(|m| (m.dev(), m.ino()))
        };
        let mut seen_folder = folder_id(&dir);
        let mut seen = loaded_from;
        let mut ticker = tokio::time::interval(RESCAN);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let changed = tokio::select! {
                msg = rx.recv() => {
                    if msg.is_none() {
                        return;
                    }
                    // Wait for the burst of events a save makes to end.
                    while let Ok(Some(())) = tokio::time::timeout(QUIET, rx.recv()).await {}
                    true
                }
                _ = ticker.tick() => {
                    let now_folder = folder_id(&dir);
                    if now_folder != seen_folder {
                        // Replaced (or gone, or back): the old watch is dead; arm a new one.
                        seen_folder = now_folder;
                        if arm(&mut watcher, &shared) {
                            tracing::info!("{}", t!("reload-folder-replaced"));
                        }
                    }
                    let d = dir.clone();
                    let now = tokio::task::spawn_blocking(move || folder_state(&d)).await.ok().flatten();
                    now != seen
                }
            };
            if changed {
                let d = dir.clone();
                seen = tokio::task::spawn_blocking(move || folder_state(&d))
                    .await
                    .ok()
                    .flatten();
                reload(&shared).await;
            }
        }
    });
    handle
}
