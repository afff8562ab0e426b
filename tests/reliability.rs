//! The reliability campaign: the real daemon killed at random, its channels misbehaving, its
//! clock stepped, its disk full, its HTTP port poked. After each, the same invariants:
//! - the history chain verifies;
//! - every due occurrence has exactly one loudspeaker outcome;
//! - every post (occurrence × channel) reached its platform at most once, and none was lost:
//!   each ends succeeded (and the platform has exactly that post), failed (and the platform has
//!   none) or unconfirmed, with a reason;
//! - no planted secret appears in any log, history, status page or dashboard.
//!
//! `make test` runs short campaigns; `make soak` runs long ones through the same code, scaled
//! by `LOAXA_CRASH_KILLS`, `LOAXA_FAULT_SECONDS` and `LOAXA_SEED`. Each prints a summary line
//! (`reliability: …`) that docs/reliability.md records.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::Rng;
use common::audio::{Capture, segments, tone};
use common::daemon::{TZ, fake_clock, free_port, sigterm, ureq_get};
use common::mockapi::{self, Fault, MockApi};
use loaxa::history::Store;
use loaxa::history::query::{self, Filter};
use loaxa::history::store::StoredEvent;
use loaxa::outbox::{Outbox, State};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn seed() -> u64 {
    let s = env_or("LOAXA_SEED", Utc::now().timestamp_nanos_opt().unwrap_or(1) as u64);
    eprintln!("seed: LOAXA_SEED={s}");
    s
}

const CHANNELS: [(&str, &str); 3] = [("tg", "telegram"), ("md", "mastodon"), ("wp", "wordpress")];

/// A station with the loudspeaker (the ALSA capture device) and three web channels on the mock.
struct Station {
    dir: tempfile::TempDir,
    capture: Capture,
    port: u16,
    log: PathBuf,
    /// Broadcast ids and their instants.
    plan: Vec<(String, chrono::DateTime<Utc>)>,
}

impl Station {
    /// `n` broadcasts `b0…`, one every `step_ms`, the first `first_s` seconds from now.
    fn new(api: &MockApi, n: usize, first_s: i64, step_ms: i64, extra_config: &str) -> Station {
        let mut dir = tempfile::tempdir().unwrap();
        // LOAXA_KEEP=1 keeps the station folder (daemon.log, history) to read after a failure.
        if std::env::var_os("LOAXA_KEEP").is_some() {
            dir.disable_cleanup(true);
            eprintln!("station folder kept: {}", dir.path().display());
        }
        let capture = Capture::new();
        let port = free_port();
        std::fs::create_dir(dir.path().join("media")).unwrap();
        tone(&dir.path().join("media/tone.wav"), 660.0, 0.3, 0.5);
        let mut config = format!(
            "[station]\nname = \"Đài xã Thử\"\n[audio]\npreroll_seconds = 1\nrelease_when_idle = true\n[http]\nlisten = \"127.0.0.1:{port}\"\n{extra_config}\n"
        );
        for (name, kind) in CHANNELS {
            let (key, extra) = match kind {
                "telegram" => ("api_base", "chat_id = \"@xa_thu\"\n"),
                "mastodon" => ("api_base", ""),
                _ => ("url", "username = \"loaxa\"\n"),
            };
            config += &format!(
                "[channels.{name}]\nkind = \"{kind}\"\n{key} = \"{}\"\n{extra}token_env = \"LOAXA_REL_{}\"\n\
                 timeout_seconds = 2\nmax_attempts = 4\nrate_per_minute = 600\n",
                api.base(),
                kind.to_uppercase()
            );
        }
        std::fs::write(dir.path().join("loaxa.toml"), config).unwrap();
        std::fs::create_dir(dir.path().join("schedules")).unwrap();
        let start = Utc::now() + chrono::Duration::seconds(first_s);
        let plan: Vec<(String, chrono::DateTime<Utc>)> = (0..n)
            .map(|i| {
                (
                    format!("b{i}"),
                    start + chrono::Duration::milliseconds(step_ms * i as i64),
                )
            })
            .collect();
        let text: String = plan
            .iter()
            .map(|(id, at)| {
                format!(
                    "[[broadcast]]\nid = \"{id}\"\ntitle = \"Bản tin {id}\"\non = [{}]\naudio = [\"tone.wav\"]\n\
                     channels = [\"loudspeaker\", \"tg\", \"md\", \"wp\"]\n[broadcast.post]\ntext = \"Nội dung {id}: bà con chú ý.\"\n\n",
                    at.with_timezone(&TZ).format("%Y-%m-%dT%H:%M:%S")
                )
            })
            .collect();
        std::fs::write(dir.path().join("schedules/main.toml"), text).unwrap();
        let log = dir.path().join("daemon.log");
        Station {
            dir,
            capture,
            port,
            log,
            plan,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self) -> PathBuf {
        self.path().join("var")
    }

    fn command(&self) -> Command {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut c = Command::new(env!("CARGO_BIN_EXE_loaxa"));
        c.arg("--config")
            .arg(self.path().join("loaxa.toml"))
            .arg("run")
            .env("ALSA_CONFIG_PATH", self.capture.config())
            .env("LOAXA_REL_TELEGRAM", mockapi::TELEGRAM_TOKEN)
            .env("LOAXA_REL_MASTODON", mockapi::MASTODON_TOKEN)
            .env("LOAXA_REL_WORDPRESS", mockapi::WORDPRESS_PASSWORD)
            .env(
                "LOAXA_LOG",
                "debug,symphonia_core=warn,symphonia_format_ogg=warn,hyper=info,reqwest=info",
            )
            .stdout(Stdio::null())
            .stderr(log);
        c
    }

    fn start(&self) -> Child {
        self.command().spawn().unwrap()
    }

    fn events(&self) -> Vec<StoredEvent> {
        let Ok(store) = Store::open_read_only(&Store::path_in(&self.data()), TZ) else {
            return vec![];
        };
        query::events(&store, &Filter::default()).unwrap_or_default()
    }

    fn wait_for(&self, kind: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        while !self.events().iter().any(|e| e.kind == kind) {
            assert!(Instant::now() < deadline, "no {kind} within {secs} s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until every occurrence is past and settled: a loudspeaker outcome each, and every
    /// outbox row final.
    fn settle(&self, secs: u64) {
        let last = self.plan.last().map(|(_, t)| *t).unwrap_or_else(Utc::now);
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let events = self.events();
            let ended = events.iter().filter(|e| TERMINAL.contains(&e.kind.as_str())).count();
            let rows = Outbox::open(&self.data(), TZ)
                .and_then(|o| o.list(None))
                .unwrap_or_default();
            let open = rows.iter().filter(|r| !r.state.is_final()).count();
            if Utc::now() > last + chrono::Duration::seconds(2)
                && ended >= self.plan.len()
                && rows.len() >= self.plan.len() * CHANNELS.len()
                && open == 0
            {
                return;
            }
            if Instant::now() > deadline {
                eprintln!("not settled: {ended} outcomes, {} rows, {open} open", rows.len());
                return;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn get(&self, path: &str) -> String {
        ureq_get(&format!("http://127.0.0.1:{}{path}", self.port)).unwrap_or_default()
    }
}

const TERMINAL: [&str; 4] = [
    "playout_finished",
    "playout_failed",
    "playout_interrupted",
    "playout_missed",
];

fn sigkill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Outcome counts of one campaign, for the summary line.
#[derive(Debug, Default)]
struct Tally {
    loudspeaker: HashMap<String, usize>,
    posts: HashMap<&'static str, usize>,
    requests: usize,
}

/// Checks every invariant; returns what the campaign came to.
fn invariants(st: &Station, api: &MockApi, pages: &[String]) -> Tally {
    let mut t = Tally::default();
    // The chain verifies.
    let v = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .arg("verify")
        .output()
        .unwrap();
    assert!(v.status.success(), "verify: {}", String::from_utf8_lossy(&v.stderr));

    // One loudspeaker outcome per due occurrence, none for the rest.
    let events = st.events();
    for (id, at) in &st.plan {
        let ends: Vec<&StoredEvent> = events
            .iter()
            .filter(|e| {
                e.broadcast_id.as_deref() == Some(id) && e.channel.is_none() && TERMINAL.contains(&e.kind.as_str())
            })
            .collect();
        assert_eq!(
            ends.len(),
            1,
            "{id} at {at}: {:?}",
            ends.iter().map(|e| &e.kind).collect::<Vec<_>>()
        );
        *t.loudspeaker.entry(ends[0].kind.clone()).or_default() += 1;
    }

    // Every post accounted for, at most once on the platform.
    let rows = Outbox::open(&st.data(), TZ).unwrap().list(None).unwrap();
    assert_eq!(
        rows.len(),
        st.plan.len() * CHANNELS.len(),
        "an outbox row per occurrence and channel"
    );
    let created = api.created();
    for ((platform, key), ids) in &created {
        assert!(ids.len() <= 1, "{platform} has {} posts for {key}: {ids:?}", ids.len());
    }
    for r in &rows {
        let platform = CHANNELS.iter().find(|(n, _)| *n == r.delivery.channel).unwrap().1;
        let made = created
            .get(&(platform, r.delivery.broadcast_id.clone()))
            .cloned()
            .unwrap_or_default();
        match r.state {
            State::Succeeded => {
                assert_eq!(
                    made.len(),
                    1,
                    "{platform}/{}: succeeded but the platform has {made:?}",
                    r.delivery.broadcast_id
                );
                assert_eq!(
                    r.remote_id.as_ref(),
                    made.first(),
                    "{platform}/{}: the id recorded is the platform's",
                    r.delivery.broadcast_id
                );
                *t.posts.entry("succeeded").or_default() += 1;
            }
            State::Failed => {
                assert!(
                    made.is_empty(),
                    "{platform}/{}: failed but the platform has {made:?}",
                    r.delivery.broadcast_id
                );
                assert!(
                    r.last_error.as_deref().is_some_and(|e| !e.is_empty()),
                    "a failure says why"
                );
                *t.posts.entry("failed").or_default() += 1;
            }
            State::Unconfirmed => {
                assert!(
                    r.last_error.as_deref().is_some_and(|e| !e.is_empty()),
                    "unconfirmed says why"
                );
                *t.posts.entry("unconfirmed").or_default() += 1;
            }
            s => panic!("{platform}/{}: left {s:?}", r.delivery.broadcast_id),
        }
    }
    t.requests = api.seen().len();

    // No secret anywhere: logs, the history file, what the HTTP server showed.
    let mut places: Vec<(String, Vec<u8>)> = vec![("daemon log".into(), std::fs::read(&st.log).unwrap_or_default())];
    for f in ["history.db", "history.db-wal"] {
        places.push((f.into(), std::fs::read(st.data().join(f)).unwrap_or_default()));
    }
    for (i, p) in pages.iter().enumerate() {
        places.push((format!("page {i}"), p.clone().into_bytes()));
    }
    for secret in [
        mockapi::TELEGRAM_TOKEN,
        mockapi::MASTODON_TOKEN,
        mockapi::WORDPRESS_PASSWORD,
        "AAF-planted",
    ] {
        for (name, bytes) in &places {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the secret {secret:?} appears in the {name}"
            );
        }
    }
    t
}

fn pages(st: &Station) -> Vec<String> {
    ["/status", "/", "/metrics"].iter().map(|p| st.get(p)).collect()
}

fn runtime() -> tokio::runtime::Runtime {
    common::daemon::runtime()
}

#[test]
fn crash_loop_loses_nothing_and_repeats_nothing() {
    let kills = env_or("LOAXA_CRASH_KILLS", 5);
    let mut rng = Rng(seed());
    let rt = runtime();
    let api = rt.block_on(MockApi::start(rng.next()));
    // Enough occurrences, one a second, to span the kills (about 1.6 s apart on average).
    let n = (kills * 2 + 10) as usize;
    let st = Station::new(&api, n, 3, 1000, "");
    let mut child = st.start();
    let started = Instant::now();
    for _ in 0..kills {
        std::thread::sleep(rng.millis(300, 2900));
        sigkill(&mut child);
        child = st.start();
    }
    st.settle(180);
    let shown = pages(&st);
    assert!(sigterm(&mut child).success());
    let t = invariants(&st, &api, &shown);
    let restarts = st.events().iter().filter(|e| e.kind == "daemon_started").count();
    assert_eq!(restarts as u64, kills + 1);
    eprintln!(
        "reliability: crash loop: {kills} SIGKILLs in {:.0} s, {n} occurrences, loudspeaker {:?}, posts {:?}, {} requests; lost 0, duplicated 0",
        started.elapsed().as_secs_f64(),
        t.loudspeaker,
        t.posts,
        t.requests
    );
}

/// RSS of a process, in KiB.
fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[test]
fn channel_faults_lose_nothing_and_memory_stays_bounded() {
    let seconds = env_or("LOAXA_FAULT_SECONDS", 30);
    let rt = runtime();
    let api = rt.block_on(MockApi::start(seed()));
    api.set_mix(&[
        (Fault::None, 50),
        (Fault::Slow, 8),
        (Fault::ServerError, 10),
        (Fault::RateLimited, 10),
        (Fault::ResetBefore, 7),
        (Fault::ResetAfter, 8),
        (Fault::Truncated, 7),
    ]);
    let st = Station::new(&api, seconds as usize, 3, 1000, "");
    let mut child = st.start();
    let pid = child.id();
    st.wait_for("schedule_loaded", 10);
    let mut samples = Vec::new();
    let end = Instant::now() + Duration::from_secs(seconds + 4);
    while Instant::now() < end {
        if let Some(kb) = rss_kib(pid) {
            samples.push(kb);
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    // Faults stop; what is left settles (retries, remote checks).
    api.set_mix(&[(Fault::None, 1)]);
    st.settle(240);
    if let Some(kb) = rss_kib(pid) {
        samples.push(kb);
    }
    let shown = pages(&st);
    assert!(sigterm(&mut child).success());
    let t = invariants(&st, &api, &shown);
    let faults = api.seen().iter().filter(|s| s.fault != Fault::None).count();
    let (first, max, last) = (samples[0], *samples.iter().max().unwrap(), *samples.last().unwrap());
    assert!(max < 100 * 1024, "RSS reached {max} KiB");
    eprintln!(
        "reliability: channel faults: {seconds} s, {} occurrences, {} requests of which {faults} faulty, posts {:?}, RSS first/max/last {first}/{max}/{last} KiB; lost 0, duplicated 0",
        st.plan.len(),
        t.requests,
        t.posts
    );
}

#[test]
fn a_clock_jump_past_the_grace_records_missed_and_a_jump_back_repeats_nothing() {
    let rt = runtime();
    let api = rt.block_on(MockApi::start(seed()));
    // b0 at +20 s, b1 at +120 s; grace 1 minute. A 110 s step forward jumps over b0 by more
    // than the grace (recorded missed, never skipped silently) and lands 10 s before b1. b0 is
    // far enough ahead that even a slow start-up cannot hand it to the loudspeaker before the
    // step.
    // post_missed: this campaign checks that a missed slot's posts still go out exactly once
    // when the station asks for late posts (the default skips them; see tests/unattended.rs).
    let st = Station::new(
        &api,
        2,
        20,
        100_000,
        "[policy]\ngrace_minutes = 1\npost_missed = true\n",
    );
    let offset = st.path().join("faketime");
    let mut child = fake_clock(&mut st.command(), &offset).spawn().unwrap();
    st.wait_for("schedule_loaded", 10);
    assert!(
        Utc::now() < st.plan[0].1 - chrono::Duration::seconds(5),
        "the daemon took too long to start for this test to mean anything"
    );
    std::fs::write(&offset, "+110\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !st
        .events()
        .iter()
        .any(|e| e.kind == "playout_finished" && e.broadcast_id.as_deref() == Some("b1"))
    {
        assert!(
            Instant::now() < deadline,
            "b1 did not play: {:?}",
            st.events().iter().map(|e| e.kind.clone()).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    // Back again: both instants are in the future of the daemon's clock once more.
    std::fs::write(&offset, "+0\n").unwrap();
    std::thread::sleep(Duration::from_secs(8));
    // Forward again, so the posts of both have fallen due on the daemon's clock.
    std::fs::write(&offset, "+110\n").unwrap();
    let settle_until = Instant::now() + Duration::from_secs(30);
    loop {
        let rows = Outbox::open(&st.data(), TZ)
            .and_then(|o| o.list(None))
            .unwrap_or_default();
        if rows.len() == 6 && rows.iter().all(|r| r.state.is_final()) {
            break;
        }
        assert!(Instant::now() < settle_until, "posts did not settle");
        std::thread::sleep(Duration::from_millis(250));
    }
    let shown = pages(&st);
    assert!(sigterm(&mut child).success());
    let all: Vec<String> = st
        .events()
        .iter()
        .map(|e| {
            format!(
                "{} {} {} {}",
                e.at_utc,
                e.kind,
                e.broadcast_id.as_deref().unwrap_or(""),
                e.details
            )
        })
        .collect();
    let missed: Vec<StoredEvent> = st.events().into_iter().filter(|e| e.kind == "playout_missed").collect();
    assert_eq!(missed.len(), 1, "{all:#?}");
    assert_eq!(missed[0].broadcast_id.as_deref(), Some("b0"));
    assert!(
        missed[0].details_json()["reason"]
            .as_str()
            .unwrap()
            .contains("the clock jumped forward"),
        "the true reason: {:?}",
        missed[0].details
    );
    // Invariants with the plan as the daemon's clock saw it (both occurrences are due).
    let t = invariants(&st, &api, &shown);
    assert_eq!(t.loudspeaker.get("playout_missed"), Some(&1));
    assert_eq!(t.loudspeaker.get("playout_finished"), Some(&1));
    assert_eq!(
        t.posts.get("succeeded"),
        Some(&6),
        "a missed loudspeaker slot still posts, once"
    );
    eprintln!(
        "reliability: clock: +110 s over b0 (grace 60 s) then -110 s: b0 missed with reason, b1 on air once, 6 posts once each"
    );
}

/// A tmpfs of `size`, mounted at `dir` (root, or passwordless sudo, is needed to mount).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Tmpfs {
        std::fs::create_dir_all(dir).unwrap();
        let args = [
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            dir.to_str().unwrap(),
        ];
        let ok = Command::new("mount").args(args).status().is_ok_and(|s| s.success())
            || Command::new("sudo")
                .arg("-n")
                .arg("mount")
                .args(args)
                .status()
                .is_ok_and(|s| s.success());
        assert!(
            ok,
            "cannot mount a tmpfs at {} (the disk test needs root or passwordless sudo)",
            dir.display()
        );
        Tmpfs(dir.to_path_buf())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let target = self.0.to_str().unwrap_or_default().to_string();
        let ok = Command::new("umount").arg(&target).status().is_ok_and(|s| s.success());
        if !ok {
            let _ = Command::new("sudo").args(["-n", "umount", &target]).status();
        }
    }
}

/// Fills a filesystem to the last byte; returns the filler's path.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    let mut small = [0u8; 512];
    small.fill(1);
    while f.write_all(&small).is_ok() {}
    let _ = f.sync_all();
    path
}

/// Issue #31, finding 8: on a full disk the events wait in memory and in the spill file; the
/// spill file was created only then, so it stayed empty (0 bytes), and a SIGKILL lost every
/// event of the outage while the restart accepted the shorter history in silence.
#[test]
fn a_full_disk_then_a_power_cut_loses_no_event() {
    let rt = runtime();
    let api = rt.block_on(MockApi::start(seed()));
    let st = Station::new(&api, 5, 8, 1500, "");
    let _fs = Tmpfs::mount(&st.data(), "3m");
    let mut child = st.start();
    st.wait_for("schedule_loaded", 10);
    let filler = fill(&st.data());
    // Every occurrence plays while nothing can be written, and is acknowledged as waiting.
    let last = st.plan.last().map(|(_, t)| *t).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut history = serde_json::Value::Null;
    loop {
        let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap_or_default();
        history = status.get("history").cloned().unwrap_or(history);
        let finished = if st.capture.wav().exists() {
            segments(&st.capture.wav()).len()
        } else {
            0
        };
        if Utc::now() > last + chrono::Duration::seconds(3) && history["ok"] == false && finished >= st.plan.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the outage and the five programmes: {history}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    sigkill(&mut child);
    std::fs::remove_file(&filler).unwrap();
    let mut child = st.start();
    st.wait_for("daemon_started", 10);
    st.settle(60);
    let events = st.events();
    sigterm(&mut child);
    let outcome = |id: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e.broadcast_id.as_deref() == Some(id) && e.channel.is_none())
            .filter(|e| TERMINAL.contains(&e.kind.as_str()))
            .map(|e| e.kind.clone())
            .collect()
    };
    for (id, _) in &st.plan {
        assert_eq!(
            outcome(id),
            vec!["playout_finished"],
            "{id} aired during the outage and the record says so once; /status said {history}"
        );
    }
    let recovered = events.iter().filter(|e| e.kind == "history_recovered").count();
    assert!(recovered >= 1, "the recovery is recorded");
    eprintln!(
        "reliability: disk: full, then SIGKILL: {} programmes aired during the outage, all recorded after the restart (/status said waiting {}, spilled {})",
        st.plan.len(),
        history["waiting"],
        history["spilled"]
    );
}

/// The same, when even the spill file cannot hold the events (its room gone too): the events
/// are in the log only, and a restart that finds fewer events than the anchor counted refuses,
/// as for a restored backup, until the operator accepts the loss, which is recorded.
#[test]
fn a_lost_backlog_is_refused_at_the_restart_not_accepted_in_silence() {
    let rt = runtime();
    let api = rt.block_on(MockApi::start(seed()));
    let st = Station::new(&api, 2, 8, 1500, "");
    let _fs = Tmpfs::mount(&st.data(), "3m");
    let mut child = st.start();
    st.wait_for("schedule_loaded", 10);
    let filler = st.data().join("filler1");
    std::fs::rename(fill(&st.data()), &filler).unwrap();
    // The spill file's room taken away too: a new one cannot hold a byte.
    std::fs::remove_file(st.data().join("history-spill.jsonl")).unwrap();
    let more = fill(&st.data());
    let last = st.plan.last().map(|(_, t)| *t).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut history = serde_json::Value::Null;
    while !(Utc::now() > last + chrono::Duration::seconds(3) && history["waiting"].as_u64() > Some(0)) {
        let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap_or_default();
        history = status.get("history").cloned().unwrap_or(history);
        assert!(Instant::now() < deadline, "the outage: {history}");
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(history["spilled"], 0, "nothing could be spilled: {history}");
    sigkill(&mut child);
    std::fs::remove_file(&filler).unwrap();
    std::fs::remove_file(&more).unwrap();
    let out = st.command().stderr(Stdio::piped()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "refused: {err}");
    assert!(err.contains("the disk was full"), "{err}");
    let mut child = st.command().arg("--accept-history-reset").spawn().unwrap();
    st.wait_for("history_reset", 15);
    sigterm(&mut child);
    let reset = st.events().into_iter().find(|e| e.kind == "history_reset").unwrap();
    assert!(reset.details.contains("the disk was full"), "{}", reset.details);
    eprintln!(
        "reliability: disk: full with no room for the spill, then SIGKILL: {} events lost, restart refused (exit 2), accepted with history_reset",
        history["waiting"]
    );
}

#[test]
fn a_full_disk_keeps_the_loudspeaker_going_and_writes_the_backlog_later() {
    let rt = runtime();
    let api = rt.block_on(MockApi::start(seed()));
    let st = Station::new(&api, 8, 8, 1500, "");
    let _fs = Tmpfs::mount(&st.data(), "3m");
    let mut child = st.start();
    st.wait_for("schedule_loaded", 10);
    let filler = fill(&st.data());
    let full_from = Utc::now();
    // The occurrences play while nothing can be written.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut outage_seen = None;
    while Utc::now() < st.plan[5].1 + chrono::Duration::seconds(1) {
        let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap_or_default();
        if status["history"]["ok"] == false {
            outage_seen = Some(status["history"].clone());
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(300));
    }
    let outage = outage_seen.expect("/status reports that the history cannot be written");
    assert!(
        outage["error"].as_str().unwrap().to_lowercase().contains("full"),
        "{outage}"
    );
    assert!(outage["waiting"].as_u64().unwrap() > 0);
    let dashboard = st.get("/");
    assert!(dashboard.contains("history-outage"), "the dashboard shows the outage");
    // Space returns: the backlog is written, in order, with a history_recovered event.
    let full_until = Utc::now();
    std::fs::remove_file(&filler).unwrap();
    st.settle(120);
    let events = st.events();
    let recovered: Vec<&StoredEvent> = events.iter().filter(|e| e.kind == "history_recovered").collect();
    assert!(!recovered.is_empty(), "a history_recovered event says what happened");
    // The programmes that played while the disk was full, by the times recorded for them.
    let during = |e: &&StoredEvent| {
        chrono::DateTime::parse_from_rfc3339(&e.at_utc).is_ok_and(|t| t > full_from && t < full_until)
    };
    let played = events
        .iter()
        .filter(|e| e.kind == "playout_finished")
        .filter(during)
        .count();
    assert!(
        played >= 4,
        "the loudspeaker kept going with the disk full: {played} programmes"
    );
    assert!(!segments(&st.capture.wav()).is_empty(), "sound reached the device");
    let shown = pages(&st);
    assert!(sigterm(&mut child).success());
    let t = invariants(&st, &api, &shown);
    assert_eq!(t.loudspeaker.get("playout_finished"), Some(&8), "{:?}", t.loudspeaker);
    eprintln!(
        "reliability: disk: 3 MB tmpfs filled after start; {played} programmes played while full, outage shown ({}), backlog of {} events written with history_recovered; loudspeaker {:?}, posts {:?}",
        outage["error"], outage["waiting"], t.loudspeaker, t.posts
    );
}
