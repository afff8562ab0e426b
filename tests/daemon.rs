//! End to end: the real `loaxa run` binary, a temporary station, occurrences a few seconds
//! ahead, the ALSA capture device, and a local HTTP server as a webhook channel.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use common::audio::{segments, tone};
use common::daemon::*;
use loaxa::history::store::StoredEvent;
use serde_json::json;

#[test]
fn plays_posts_once_records_and_stops_cleanly() {
    let Hooked { rt, server, st } = Hooked::new(&schedule("sang", &at(4), "tone.wav", ""));
    let mut child = st.start();
    let started = st.wait_for("playout_started", Some("sang"), 20);
    let lateness = started.details_json()["lateness_ms"].as_i64().unwrap();
    assert!((0..2000).contains(&lateness), "lateness {lateness} ms");
    st.wait_for("playout_finished", Some("sang"), 20);
    st.wait_for("post_succeeded", Some("sang"), 20);
    // Status and metrics answer while running.
    let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
    assert_eq!(status["station"], "Đài xã Thử");
    assert_eq!(status["outbox"]["succeeded"], 1);
    let metrics = st.get("/metrics");
    assert!(metrics.contains("loaxa_playouts_finished_total 1"), "{metrics}");
    assert_eq!(st.get("/healthz").trim(), "ok");
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .arg("status")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("Đài xã Thử") && text.contains("outbox: 0 pending"),
        "{text}"
    );
    let status = sigterm(&mut child);
    assert!(status.success(), "exit {status:?}");
    assert_eq!(posts(&server, &rt), 1, "posted exactly once");
    assert_tone(&st, 660.0);
    let kinds = st.kinds();
    assert_eq!(kinds.first().map(String::as_str), Some("daemon_started "));
    assert_eq!(kinds.last().map(String::as_str), Some("daemon_stopped "));
    // Self-contained rows: the title and the audio file's hash are in the playout event.
    let d = started.details_json();
    assert_eq!(d["title"], "Bản tin sang");
    assert_eq!(d["audio"][0]["sha256"].as_str().map(str::len), Some(64));
    // The chain verifies.
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .arg("verify")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn assert_tone(st: &Station, freq: f32) {
    let segs = segments(&st.capture.wav());
    assert!(
        segs.iter().any(|s| (s.freq - freq).abs() / freq < 0.06),
        "{freq} Hz not captured: {segs:?}"
    );
}

#[test]
fn an_edit_reloads_and_an_invalid_edit_keeps_the_old_set() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("cu", &at(12), "tone.wav", ""));
    let mut child = st.running();
    std::thread::sleep(Duration::from_millis(500));
    // A new file with an occurrence a few seconds ahead.
    std::fs::write(
        st.path().join("schedules/moi.toml"),
        schedule("moi", &at(4), "tone.wav", ""),
    )
    .unwrap();
    let loaded = st.wait_for_n("schedule_loaded", 2, 10);
    assert_eq!(loaded.details_json()["added"], json!(["moi"]));
    st.wait_for("playout_finished", Some("moi"), 20);
    // A broken edit (written by rename, as editors do) is rejected; `cu` still fires.
    let tmp = st.path().join("schedules/.moi.toml.swp");
    std::fs::write(&tmp, "[[broadcast]]\nid = \"moi\"\ntitle = \"x\"\nat = [\"25:00\"]\n").unwrap();
    std::fs::rename(&tmp, st.path().join("schedules/moi.toml")).unwrap();
    let rejected = st.wait_for("schedule_rejected", None, 10);
    // Where, and what kind of problem; never the file's text (issue #13).
    assert!(
        rejected.details_json()["places"]
            .as_array()
            .unwrap()
            .contains(&json!({"file": "schedules/moi.toml", "line": 4, "column": 7, "code": "invalid-value"})),
        "{rejected:?}"
    );
    assert!(!rejected.details.contains("25:00"), "{}", rejected.details);
    let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
    let report = status["schedule"]["rejected_edit"]["report"].as_str().unwrap();
    assert!(
        report.contains("moi.toml:4:7") && report.contains("loaxa check"),
        "{report}"
    );
    assert!(!report.contains("25:00"), "{report}");
    st.wait_for("playout_finished", Some("cu"), 20);
    // Reading the files to check them is not an edit: one save, one rejection.
    std::thread::sleep(Duration::from_secs(2));
    let rejections = st.kinds().iter().filter(|k| k.starts_with("schedule_rejected")).count();
    assert_eq!(rejections, 1, "{:#?}", st.kinds());
    assert!(sigterm(&mut child).success());
}

impl Station {
    fn wait_for_n(&self, kind: &str, n: usize, secs: u64) -> StoredEvent {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let found: Vec<StoredEvent> = self.events().into_iter().filter(|e| e.kind == kind).collect();
            if found.len() >= n {
                return found[n - 1].clone();
            }
            assert!(
                Instant::now() < deadline,
                "fewer than {n} {kind}; history: {:#?}",
                self.kinds()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

#[test]
fn sigkill_during_playback_then_restart_records_interrupted_and_posts_once() {
    let Hooked { rt, server, st } = Hooked::new("");
    // Ten minutes of audio: still playing when killed, even on the unpaced capture device.
    tone(&st.path().join("media/long.wav"), 440.0, 60.0, 0.5);
    std::fs::write(
        st.path().join("schedules/main.toml"),
        schedule("dai", &at(3), "long.wav", "repeat = 10\n"),
    )
    .unwrap();
    let mut child = st.start();
    st.wait_for("playout_started", Some("dai"), 20);
    st.wait_for("post_succeeded", Some("dai"), 20);
    child.kill().unwrap();
    child.wait().unwrap();
    let mut child = st.start();
    let interrupted = st.wait_for("playout_interrupted", Some("dai"), 20);
    assert_eq!(interrupted.details_json()["reason"], "loaxa stopped during playback");
    std::thread::sleep(Duration::from_secs(3));
    assert!(sigterm(&mut child).success());
    let kinds = st.kinds();
    assert_eq!(
        kinds.iter().filter(|k| *k == "playout_started dai").count(),
        1,
        "not replayed: {kinds:#?}"
    );
    // Once: one webhook-id (a receiver dedupes by it, so a retry after a lost answer under
    // load repeats the same id and is not a second post), one success.
    let ids: std::collections::BTreeSet<String> = rt
        .block_on(server.received_requests())
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.headers
                .get("webhook-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .collect();
    assert_eq!(ids.len(), 1, "posted once across the restart: {kinds:#?}");
    assert_eq!(
        kinds.iter().filter(|k| *k == "post_succeeded dai").count(),
        1,
        "{kinds:#?}"
    );
}

#[test]
fn a_restart_after_a_gap_plays_late_within_grace_and_records_missed_after() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&format!(
        "{}{}",
        schedule("tre", &at(-5 * 60), "tone.wav", ""),
        schedule("lo", &at(-20 * 60), "tone.wav", "")
    ));
    // The previous run stopped half an hour ago.
    last_ran(&st, 30);
    let mut child = st.start();
    let late = st.wait_for("playout_started", Some("tre"), 20);
    let lateness = late.details_json()["lateness_ms"].as_i64().unwrap();
    assert!(lateness >= 5 * 60 * 1000 - 2000, "flagged late: {lateness} ms");
    let missed = st.wait_for("playout_missed", Some("lo"), 20);
    assert!(
        missed.details_json()["reason"]
            .as_str()
            .unwrap()
            .contains("grace period (10 min)")
    );
    st.wait_for("playout_finished", Some("tre"), 20);
    assert!(sigterm(&mut child).success());
    let kinds = st.kinds();
    assert!(!kinds.contains(&"playout_started lo".to_string()), "{kinds:#?}");
}

#[test]
fn invalid_schedules_refuse_to_start() {
    let st = Station::new("http://127.0.0.1:9/hook", "[[broadcast]]\nid = \"x\"\n");
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .arg("run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("schedules/main.toml:1:1") && err.contains("will not start"),
        "{err}"
    );
}

#[test]
fn a_first_start_does_not_call_the_past_missed() {
    let Hooked { rt, server, st } = Hooked::new(&format!(
        "{}{}{}",
        schedule("cu", &at(-3 * 3600), "tone.wav", ""),
        // Within the grace before the first start (issue #21: a brand-new station played
        // these back to back, minutes late).
        schedule("vua", &at(-90), "tone.wav", ""),
        schedule("ngay", &at(-2), "tone.wav", "priority = \"emergency\"\n")
    ));
    let mut child = st.running();
    std::thread::sleep(Duration::from_secs(3));
    assert!(sigterm(&mut child).success());
    let kinds = st.kinds();
    assert!(
        !kinds
            .iter()
            .any(|k| k.starts_with("playout_") || k.starts_with("post_")),
        "nothing was due since loaxa began: {kinds:#?}"
    );
    assert_eq!(posts(&server, &rt), 0);
}

#[test]
fn after_an_outage_only_a_few_late_programmes_air_and_the_rest_are_missed_with_the_reason() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    // Eight programmes fell due in the last eight minutes while loaxa was down; one of the
    // oldest is a priority bulletin.
    let mut files = String::new();
    for m in 1..=8 {
        let extra = if m == 7 { "priority = \"priority\"\n" } else { "" };
        files += &schedule(&format!("m{m}"), &at(-60 * m), "tone.wav", extra);
    }
    let st = Station::new(&format!("{}/hook", server.uri()), &files);
    last_ran(&st, 30);
    let mut child = st.start();
    for id in ["m7", "m1", "m2"] {
        st.wait_for("playout_finished", Some(id), 20);
    }
    for id in ["m3", "m4", "m5", "m6", "m8"] {
        let missed = st.wait_for("playout_missed", Some(id), 5);
        let reason = missed.details_json()["reason"].as_str().unwrap().to_string();
        assert!(
            reason.contains("not running") && reason.contains("at most 3 play") && reason.contains("catch_up"),
            "{id}: {reason}"
        );
    }
    // Within the grace, the posts of all eight still go out: only the loudspeaker is bounded.
    for m in 1..=8 {
        st.wait_for("post_succeeded", Some(&format!("m{m}")), 20);
    }
    std::thread::sleep(Duration::from_secs(1));
    assert!(sigterm(&mut child).success());
    let events = st.events();
    let started: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == "playout_started")
        .filter_map(|e| e.broadcast_id.as_deref())
        .collect();
    // The priority bulletin first, then the newest two in the order they were scheduled.
    assert_eq!(started, ["m7", "m2", "m1"], "{:#?}", st.kinds());
}

/// Peak memory of a daemon that finds `late` programmes due at once after an outage and may
/// play `catch_up` of them back to back: read once the first one is on air.
fn peak_kb_after_burst(late: i64, catch_up: u32) -> u64 {
    let mut files = String::new();
    for i in 1..=late {
        files += &schedule(&format!("b{i}"), &at(-5 * i), "long.ogg", "");
    }
    let st = Station::new("http://127.0.0.1:9/hook", &files);
    std::fs::copy(
        common::repo().join("media/de-an-06/vneid-muc-2.ogg"),
        st.path().join("media/long.ogg"),
    )
    .unwrap();
    let config = st.path().join("loaxa.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}[policy]\ncatch_up = {catch_up}\n")).unwrap();
    last_ran(&st, 20);
    let mut child = st.start();
    st.wait_for("playout_started", None, 30);
    std::thread::sleep(Duration::from_secs(2));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(sigterm(&mut child).success());
    kb
}

#[test]
fn a_long_catch_up_prepares_only_the_next_programmes() {
    // An operator who lets all 60 replay: the line still prepares only the next ones, so peak
    // memory is that of a single late programme, not sixty Vorbis decoders (before issue #21's
    // fix: 63 MB against 39 MB).
    let one = peak_kb_after_burst(60, 1);
    let sixty = peak_kb_after_burst(60, 60);
    eprintln!("catch-up burst: peak RSS {one} kB playing 1 late programme, {sixty} kB with 60 queued");
    assert!(sixty < one + 8 * 1024, "60 late: {sixty} kB, 1 late: {one} kB");
}

#[test]
fn wall_clock_steps_neither_skip_nor_repeat() {
    let Hooked { rt, server, st } = Hooked::new(&format!(
        "{}{}",
        schedule("a", &at(8), "tone.wav", ""),
        schedule("b", &at(16), "tone.wav", "")
    ));
    let offset = st.path().join("faketime");
    let mut child = fake_clock(&mut st.command(), &offset).spawn().unwrap();
    st.wait_for("schedule_loaded", None, 10);
    // Step forward 14 s: `a` (due at +8) is jumped over and plays late; `b` follows on time.
    std::fs::write(&offset, "+14\n").unwrap();
    let a = st.wait_for("playout_started", Some("a"), 10);
    // Judged by the event's own time on the daemon's clock: the lateness inside is measured on
    // the sound callback thread, which libfaketime does not always reach.
    let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let late = t(&a.at_utc) - t(a.scheduled_at.as_deref().unwrap());
    assert!(late.num_milliseconds() >= 3000, "played late: {a:?}");
    st.wait_for("playout_finished", Some("b"), 15);
    // Step back 14 s: both instants are in the future again, and must not fire a second time.
    std::fs::write(&offset, "+0\n").unwrap();
    let deadline = Instant::now() + Duration::from_secs(19);
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(sigterm(&mut child).success());
    let kinds = st.kinds();
    for id in ["a", "b"] {
        assert_eq!(
            kinds.iter().filter(|k| **k == format!("playout_started {id}")).count(),
            1,
            "{kinds:#?}"
        );
        assert_eq!(
            kinds.iter().filter(|k| **k == format!("post_succeeded {id}")).count(),
            1,
            "{kinds:#?}"
        );
    }
    assert_eq!(posts(&server, &rt), 2);
}

#[test]
fn the_dashboard_shows_the_day_in_chromium_and_holds_no_secret() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    // (The test sound card is not paced in real time, so "playing" lasts milliseconds here; the
    // page's look for every state is checked in tests/dashboard.rs.)
    let plan = format!(
        "{}{}",
        schedule("sang", &at(3), "tone.wav", ""),
        schedule("sau", &at(150), "tone.wav", "")
    );
    // The station's people read Vietnamese: so does its dashboard.
    let st = Station::new(&format!("{}/hook", server.uri()), &plan).speaking("vi");
    let mut child = st.start();
    st.wait_for("post_succeeded", Some("sang"), 20);
    // A broken edit: rejected, shown with its errors; the old set keeps running.
    let tmp = st.path().join("schedules/.moi.tmp");
    std::fs::write(&tmp, "[[broadcast]]\nid = \"moi\"\ntitle = \"x\"\nat = [\"25:00\"]\n").unwrap();
    std::fs::rename(&tmp, st.path().join("schedules/moi.toml")).unwrap();
    st.wait_for("schedule_rejected", None, 10);

    let url = format!("http://127.0.0.1:{}/", st.port);
    let raw = st.get("/");
    assert!(!raw.contains("<script"), "no script on the page");
    assert!(!raw.contains("whsec_"), "the webhook secret leaked into the dashboard");
    let doc = common::browser::dump_dom(&url);
    use common::browser::{count, text};
    assert!(text(&doc, "header h1").contains("Đài xã Thử"));
    assert_eq!(
        count(&doc, r#"meta[http-equiv="refresh"]"#),
        1,
        "the page refreshes itself"
    );
    assert_eq!(text(&doc, "#now-playing"), "Loa đang nghỉ.");
    let sang = r#"#today tr[data-key^="sang@"]"#;
    assert!(
        count(&doc, &format!(r#"{sang}[data-state="done"]"#)) == 1
            || count(&doc, &format!(r#"{sang}[data-state="late"]"#)) == 1,
        "sang: {}",
        text(&doc, sang)
    );
    assert_eq!(
        count(&doc, &format!(r#"{sang} [data-channel="hook"][data-state="posted"]"#)),
        1
    );
    let same_day = |secs: i64| {
        let local = |t: chrono::DateTime<Utc>| t.with_timezone(&TZ).date_naive();
        local(Utc::now()) == local(Utc::now() + chrono::Duration::seconds(secs))
    };
    if same_day(150) {
        assert_eq!(count(&doc, r#"#today tr[data-key^="sau@"][data-state="upcoming"]"#), 1);
    }
    assert!(text(&doc, "#next").contains("Bản tin sau"), "{}", text(&doc, "#next"));
    assert_eq!(count(&doc, r#"#schedule[data-rejected="true"]"#), 1);
    let rejected = text(&doc, "#rejected");
    assert!(
        rejected.contains("moi.toml:4:7") && rejected.contains("loaxa check"),
        "{rejected}"
    );
    assert!(
        !rejected.contains("25:00"),
        "the dashboard quotes no schedule text: {rejected}"
    );
    assert_eq!(count(&doc, r#"#outbox [data-state="succeeded"][data-count="1"]"#), 1);
    assert!(
        text(&doc, "#failures").contains("moi.toml"),
        "{}",
        text(&doc, "#failures")
    );
    common::browser::screenshot(&url, "dashboard", 1400);

    // Served with a policy that forbids scripts, on loopback only; other methods are refused.
    let head = raw_request(st.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-security-policy: default-src 'none'"),
        "{head:.400}"
    );
    let post = raw_request(
        st.port,
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post:.100}");
    assert!(sigterm(&mut child).success());
}

fn raw_request(port: u16, req: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(req.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

/// Issue #19: eight viewers opening the dashboard at once used to cost eight builds of the
/// page (and eight pages in memory). They now share one built page for a second.
#[test]
fn viewers_at_once_share_one_dashboard_build() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("a", &at(600), "tone.wav", ""));
    let mut child = st.start();
    st.wait_for("schedule_loaded", None, 15);
    let builds = |st: &Station| -> u64 {
        st.get("/metrics")
            .lines()
            .find_map(|l| l.strip_prefix("loaxa_dashboard_builds_total "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the metric is exported")
    };
    assert_eq!(builds(&st), 0);
    let url = format!("http://127.0.0.1:{}/", st.port);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let pages: Vec<String> = (0..8)
        .map(|_| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                ureq_get(&url).unwrap()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(
        pages.iter().all(|p| p.contains("Đài xã Thử")),
        "every viewer got the page"
    );
    let n = builds(&st);
    assert!((1..8).contains(&n), "8 viewers at once: {n} builds");
    // A viewer a while later gets a fresh page.
    std::thread::sleep(Duration::from_millis(1200));
    st.get("/");
    assert_eq!(builds(&st), n + 1);
    assert!(sigterm(&mut child).success());
    eprintln!("dashboard: 8 viewers at once, {n} build(s)");
}

/// Issue #20: with `--log-format json` every line the daemon writes is JSON (the start-up
/// summary was 23 lines of plain text), and logs written to a pipe carry no colour codes.
#[test]
fn logs_to_a_pipe_are_plain_and_json_logs_are_json_throughout() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("sang", &at(3), "tone.wav", ""));
    for json in [false, true] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_loaxa"));
        cmd.arg("--config").arg(st.path().join("loaxa.toml")).arg("run");
        if json {
            cmd.args(["--log-format", "json"]);
        }
        let mut child = cmd
            .env("ALSA_CONFIG_PATH", st.capture.config())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        st.wait_for("schedule_loaded", None, 10);
        std::thread::sleep(Duration::from_secs(1));
        assert!(sigterm(&mut child).success());
        let out = child.wait_with_output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!text.contains('\u{1b}'), "colour codes in a pipe:\n{text}");
        assert!(text.lines().count() > 5, "{text}");
        if json {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                assert!(
                    serde_json::from_str::<serde_json::Value>(line).is_ok_and(|v| v.is_object()),
                    "not JSON: {line}"
                );
            }
            assert!(text.contains("Đài xã Thử"), "the summary is there: {text}");
        }
    }
}

/// Issue #20: `/metrics` as a real Prometheus reads it. `promtool check metrics` (Debian's
/// `prometheus` package, installed by `make test`) exited 3 on `loaxa_playout_lateness_ms_sum`
/// and `_max`: reserved suffixes and a unit that is not the base unit.
#[test]
fn metrics_pass_promtool() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("sang", &at(3), "tone.wav", ""));
    let mut child = st.start();
    st.wait_for("playout_finished", Some("sang"), 20);
    let metrics = st.get("/metrics");
    assert!(sigterm(&mut child).success());
    let mut check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus; make test installs it)");
    use std::io::Write as _;
    check.stdin.take().unwrap().write_all(metrics.as_bytes()).unwrap();
    let out = check.wait_with_output().unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success() && said.trim().is_empty(),
        "promtool: {said}\n{metrics}"
    );
    // The lateness is a summary in seconds, and its count is the starts measured.
    assert!(
        metrics.contains("# TYPE loaxa_playout_lateness_seconds summary"),
        "{metrics}"
    );
    assert!(metrics.contains("loaxa_playout_lateness_seconds_count 1"), "{metrics}");
}

/// Issue #33: a schedule saved as `.toml.txt` while the daemon runs was skipped without a
/// word (`check` names it; the running station did not). Its broadcasts would never air.
#[test]
fn a_schedule_saved_under_another_name_while_running_is_reported() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("sang", &at(600), "tone.wav", ""));
    let mut child = st.running();
    std::fs::write(
        st.path().join("schedules/chieu.toml.txt"),
        schedule("chieu", &at(900), "tone.wav", ""),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let errors = loop {
        let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
        let errors = status["last_errors"].to_string();
        if errors.contains("chieu.toml.txt") || Instant::now() > deadline {
            break errors;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        errors.contains("chieu.toml.txt") && errors.contains("chieu.toml"),
        "the unread file is named with the name to give it: {errors}"
    );
    // Told once, not at every later reload.
    std::fs::write(
        st.path().join("schedules/main.toml"),
        schedule("sang", &at(700), "tone.wav", ""),
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while st.kinds().iter().filter(|k| k.starts_with("schedule_loaded")).count() < 2 {
        assert!(Instant::now() < deadline, "the edit was not loaded: {:?}", st.kinds());
        std::thread::sleep(Duration::from_millis(200));
    }
    let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
    let told = status["last_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.to_string().contains("chieu.toml.txt"))
        .count();
    assert_eq!(told, 1, "{status:#}");
    assert!(sigterm(&mut child).success());
}

/// A raw GET with extra header lines; the reply's head and body.
fn get_with(port: u16, path: &str, headers: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n"
    )
    .unwrap();
    let mut reply = String::new();
    s.read_to_string(&mut reply).unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap_or((&reply, ""));
    (head.to_lowercase(), body.to_string())
}

/// Issue #33: the public board and its feed had no ETag or Last-Modified, so every reader's
/// poll fetched it whole. A conditional GET is answered 304 when nothing changed.
#[test]
fn the_board_and_its_feed_answer_conditional_gets() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("a", &at(3600), "tone.wav", ""));
    st.with_board();
    let mut child = st.running();
    st.get("/healthz");
    for path in ["/board/web", "/board/web/feed.xml"] {
        let (head, _) = get_with(st.port, path, "");
        assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
        let etag = head
            .lines()
            .find_map(|l| l.strip_prefix("etag: "))
            .unwrap_or_else(|| panic!("{path} has no ETag: {head}"))
            .to_string();
        if path == "/board/web" {
            let (again, body) = get_with(st.port, path, &format!("If-None-Match: {etag}\r\n"));
            assert!(again.starts_with("http/1.1 304"), "{path}: {again}");
            assert!(body.is_empty(), "a 304 has no body: {body}");
            assert!(again.contains(&format!("etag: {etag}")), "{again}");
            let (other, _) = get_with(st.port, path, "If-None-Match: \"not-it\"\r\n");
            assert!(other.starts_with("http/1.1 200"), "{other}");
        }
    }
    assert!(sigterm(&mut child).success());
}

/// Issue #33: on a box with no sound card the start-up summary said the device was found:
/// ALSA's `default` exists as a name whatever it leads to. The line is opened at start now,
/// and the summary says what the open said.
#[test]
fn the_start_up_summary_says_whether_the_loudspeaker_opens() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("a", &at(3600), "tone.wav", ""));
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path)
        .unwrap()
        .replace("release_when_idle = true", "release_when_idle = false");
    std::fs::write(&path, config).unwrap();
    // `default` is a card that is not there.
    let asound = st.path().join("no-card.conf");
    std::fs::write(&asound, "pcm.!default { type hw card 9 device 0 }\n").unwrap();
    let summary = st.path().join("summary.txt");
    let mut child = st
        .command()
        .env("ALSA_CONFIG_PATH", &asound)
        .stdout(std::fs::File::create(&summary).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = std::fs::read_to_string(&summary).unwrap_or_default();
        if text.contains("loudspeaker:") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let line = text.lines().find(|l| l.contains("loudspeaker:")).unwrap_or_default();
    assert!(line.contains("PROBLEM") && !line.contains("found"), "{text}");
    assert!(sigterm(&mut child).success());
}

/// Issue #33: on a new box's first day, what was scheduled before loaxa first ran showed as
/// missed, in red, on the dashboard. It was never loaxa's to play: it is told as before
/// loaxa ran. The daemon's clock is set to 10:00 station time, the bulletin is at 08:00.
#[test]
fn a_new_box_does_not_call_the_morning_before_it_ran_missed() {
    let text = "[[broadcast]]\nid = \"sang\"\ntitle = \"Bản tin sáng\"\nat = \"08:00\"\naudio = [\"tone.wav\"]\nchannels = [\"loudspeaker\"]\n";
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(text);
    let offset = st.path().join("faketime");
    let mut cmd = st.command();
    fake_clock(&mut cmd, &offset);
    use chrono::TimeZone;
    let today = Utc::now().with_timezone(&TZ).date_naive();
    let ten = TZ
        .from_local_datetime(&today.and_hms_opt(10, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&Utc);
    std::fs::write(&offset, format!("{:+}\n", (ten - Utc::now()).num_seconds())).unwrap();
    let mut child = cmd.spawn().unwrap();
    st.wait_for("schedule_loaded", None, 10);
    let page = st.get("/");
    let row = page
        .split("<tr")
        .find(|r| r.contains("data-key=\"sang@"))
        .unwrap_or_else(|| panic!("08:00 is not in today's list: {page}"));
    assert!(row.contains("data-state=\"before_start\""), "{row}");
    assert!(!row.contains("data-state=\"missed\""), "{row}");
    assert!(sigterm(&mut child).success());
}
