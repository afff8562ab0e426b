//! Issue #12: unattended operation. Each test reproduces one way an ordinary event (a power cut
//! with a typo on disk, a manual post, a second daemon, a FIFO, a replaced folder, a restored
//! backup, a clock step) silenced the station or falsified its record, through the real binary,
//! the ALSA capture device and a local webhook.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::daemon::*;
use loaxa::history::{Event, Kind, Store};
use serde_json::json;

fn status(st: &Station) -> serde_json::Value {
    serde_json::from_str(&st.get("/status")).expect("/status is JSON")
}

fn loaxa(st: &Station, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .args(args)
        .env("ALSA_CONFIG_PATH", st.capture.config())
        .output()
        .unwrap()
}

fn count(kinds: &[String], what: &str) -> usize {
    kinds.iter().filter(|k| *k == what).count()
}

/// Finding 1: a power cut with a broken file on disk used to keep the station off the air for
/// good (exit 1, restarted every 2 s forever). Now the last set that loaded keeps airing.
#[test]
fn a_power_cut_with_a_typo_on_disk_keeps_the_last_good_schedule_on_air() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let good = schedule("sang", &at(25), "tone.wav", "");
    let st = Station::new(&format!("{}/hook", server.uri()), &good);
    let mut child = st.start();
    st.wait_for("schedule_loaded", None, 10);
    // The officer's edit goes wrong just before the power is cut.
    std::fs::write(
        st.path().join("schedules/main.toml"),
        good.replace("title = ", "tittle = "),
    )
    .unwrap();
    st.wait_for("schedule_rejected", None, 10);
    child.kill().unwrap();
    child.wait().unwrap();

    // `check` stays strict.
    assert_eq!(loaxa(&st, &["check"]).status.code(), Some(1));
    let mut child = st.start();
    let s = status(&st);
    assert_eq!(s["schedule"]["source"], "last_good", "{s:#}");
    assert!(
        s["schedule"]["rejected_edit"]["report"]
            .as_str()
            .unwrap_or_default()
            .contains("main.toml"),
        "{s:#}"
    );
    st.wait_for("playout_finished", Some("sang"), 40);
    st.wait_for("post_succeeded", Some("sang"), 20);
    assert!(sigterm(&mut child).success());
    let events = st.events();
    let start = events.iter().rposition(|e| e.kind == "daemon_started").unwrap();
    let after: Vec<&str> = events[start..].iter().map(|e| e.kind.as_str()).collect();
    assert!(
        after.contains(&"schedule_rejected"),
        "the rejection is recorded: {after:?}"
    );
    let loaded = events[start..].iter().find(|e| e.kind == "schedule_loaded").unwrap();
    assert_eq!(loaded.details_json()["source"], "last_good", "{loaded:?}");
}

/// Finding 1, the other half: with no good set ever, loaxa still refuses (nothing to air).
#[test]
fn with_no_good_set_ever_loaxa_refuses_to_start() {
    let st = Station::new("http://127.0.0.1:9/hook", "[[broadcast]]\nid = \"x\"\n");
    let out = loaxa(&st, &["run"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no schedule set has ever loaded"), "{err}");
}

/// Finding 2: catch-up started at the newest history event, whoever wrote it, so a manual
/// `loaxa post` during the outage hid everything due before it.
#[test]
fn a_manual_post_during_downtime_does_not_hide_what_was_missed() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &format!(
            "{}{}",
            schedule("tre", &at(-5 * 60), "tone.wav", ""),
            schedule("lo", &at(-20 * 60), "tone.wav", "")
        ),
    );
    let mut store = Store::open(&Store::path_in(&st.path().join("var")), TZ).unwrap();
    let ago = |m: i64| Utc::now() - chrono::Duration::minutes(m);
    store
        .append(&[
            Event::new(Kind::DaemonStarted, json!({})).at(ago(40)),
            Event::new(Kind::DaemonStopped, json!({"reason": "signal"})).at(ago(30)),
            // Someone ran `loaxa post` two minutes ago.
            Event::new(Kind::PostSucceeded, json!({"by": "cli"}))
                .at(ago(2))
                .channel("hook"),
        ])
        .unwrap();
    drop(store);
    let mut child = st.start();
    let missed = st.wait_for("playout_missed", Some("lo"), 20);
    let reason = missed.details_json()["reason"].as_str().unwrap().to_string();
    assert!(reason.contains("not running"), "{reason}");
    st.wait_for("playout_finished", Some("tre"), 20);
    st.wait_for("post_succeeded", Some("tre"), 20);
    // Beyond the grace, the post is not sent (no stale post), but it is recorded, not dropped.
    let skipped = st.wait_for("post_skipped", Some("lo"), 10);
    assert_eq!(skipped.channel.as_deref(), Some("hook"));
    assert!(sigterm(&mut child).success());
    assert_eq!(
        posts(&server, &rt),
        1,
        "only the occurrence within the grace was posted"
    );
}

/// Finding 3: a second daemon on the same data folder played everything again and wrote into
/// the first one's history before failing.
#[test]
fn a_second_daemon_on_the_same_data_folder_is_refused_without_a_trace() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &schedule("a", &at(600), "tone.wav", ""),
    );
    let mut first = st.start();
    st.wait_for("schedule_loaded", None, 10);
    let before = st.events().len();
    // Another config (another port) naming the same data folder.
    let other = st.path().join("other.toml");
    let text = std::fs::read_to_string(st.path().join("loaxa.toml"))
        .unwrap()
        .replace(&format!(":{}", st.port), &format!(":{}", free_port()));
    std::fs::write(&other, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(&other)
        .arg("run")
        .env("ALSA_CONFIG_PATH", st.capture.config())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("another loaxa is running") && err.contains(&format!("pid {}", first.id())),
        "{err}"
    );
    assert_eq!(st.events().len(), before, "the second daemon wrote nothing");
    assert!(sigterm(&mut first).success());
}

/// Finding 3: two first starts at once raced the migration ("table events already exists").
#[test]
fn concurrent_first_opens_of_a_new_history_all_succeed() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let path = Store::path_in(dir.path());
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let p = path.clone();
                std::thread::spawn(move || Store::open(&p, TZ).map(|_| ()).map_err(|e| e.to_string()))
            })
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
    }
}

#[allow(dead_code)]
fn wait_until(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
