//! Hot reload: the schedules folder is watched (debounced, because editors save by writing a
//! temporary file and renaming it), and SIGHUP asks for the same. A valid edited set is swapped
//! in whole and recorded with what changed; an invalid one is rejected with the report
//! `loaxa check` gives, and the previous set keeps running.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;

use super::state::{Shared, Source};
use crate::history::event::{Event, Kind};
use crate::schedule::{self, Broadcast, Loaded, ScheduleSet};

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
        schedule::Rule::Daily { times, days } => format!("{times:?} {days:?}"),
        schedule::Rule::Cron { expr, .. } => expr.clone(),
        schedule::Rule::On(list) => format!("{list:?}"),
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

/// The report `loaxa check` would give for an invalid set, and the `schedule_rejected` event.
pub fn rejection(loaded: &Loaded) -> (String, Event) {
    let report: String = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| loaded.sources.render(d, false))
        .collect();
    let files: Vec<_> = loaded
        .set
        .files
        .iter()
        .map(|f| json!({"name": f.name, "sha256": f.sha256}))
        .collect();
    let e = Event::new(
        Kind::ScheduleRejected,
        json!({ "errors": loaded.error_count(), "report": report, "files": files }),
    );
    (report, e)
}

/// Keeps a copy of a set that loaded whole, for a start with broken files (see
/// [`super::last_good`]). A failure to save is shown, never fatal.
pub async fn keep_as_last_good(shared: &Shared, loaded: &Loaded) {
    let data = shared.config.station.data.clone();
    let saved = match super::last_good::snapshot(loaded) {
        Ok(bytes) => tokio::task::spawn_blocking(move || super::last_good::write(&data, &bytes))
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e))),
        Err(e) => Err(e),
    };
    if let Err(e) = saved {
        tracing::error!(error = %e, "cannot keep a copy of the schedules for a restart");
        shared.error(format!("cannot keep a copy of the schedules for a restart: {e}"));
    }
}

/// Validates the folder and swaps the set in, or records the rejection.
pub async fn reload(shared: &Arc<Shared>) {
    let s = shared.clone();
    let loaded = tokio::task::spawn_blocking(move || schedule::load(&s.config)).await;
    let loaded = match loaded {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => {
            shared.error(format!("schedule reload: {e}"));
            return;
        }
        Err(e) => {
            shared.error(format!("schedule reload: {e}"));
            return;
        }
    };
    if loaded.has_errors() {
        let (report, event) = rejection(&loaded);
        tracing::error!("the edited schedules are invalid; the previous set keeps running:\n{report}");
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
    tracing::info!(?added, ?removed, ?changed, "schedules reloaded");
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
    *shared.set.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(loaded.set);
    shared.counters.reloads.fetch_add(1, Ordering::Relaxed);
    let _ = shared.history.record(event).await;
}

/// How long the folder must stay quiet before a reload: editors save by writing a temporary
/// file and renaming it, and one save should give one reload.
const QUIET: Duration = Duration::from_millis(500);

/// Starts watching the schedules folder. The watcher stops when the returned value is dropped.
///
/// Only changes count. Reading the files (which every reload does) makes inotify report
/// open and access events; reacting to those would reload forever, and an invalid edit would
/// be recorded as rejected again and again.
pub fn watch(shared: Arc<Shared>) -> Option<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handler = move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && !matches!(event.kind, EventKind::Access(_))
        {
            let _ = tx.send(());
        }
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(w) => w,
        Err(e) => {
            tracing::error!(error = %e, "cannot watch the schedules folder; use SIGHUP to reload");
            return None;
        }
    };
    if let Err(e) = watcher.watch(&shared.config.station.schedules, RecursiveMode::NonRecursive) {
        tracing::error!(error = %e, "cannot watch the schedules folder; use SIGHUP to reload");
        return None;
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            // Wait for the burst of events a save makes to end.
            while let Ok(Some(())) = tokio::time::timeout(QUIET, rx.recv()).await {}
            reload(&shared).await;
        }
    });
    Some(watcher)
}
