//! Operator controls through the running daemon's control socket (issue #17): `loaxa now`,
//! `loaxa stop`, `loaxa queue`, against a real daemon on the test sound card.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::audio::tone;
use common::daemon::*;
use common::paced::PacedDevice;

fn details(e: &loaxa::history::store::StoredEvent) -> serde_json::Value {
    serde_json::from_str(&e.details).unwrap()
}

fn whoami() -> String {
    String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_string()
}

/// A station with one broadcast, `dai`, due years from now: nothing airs unless asked.
fn quiet_station(rt: &tokio::runtime::Runtime) -> (wiremock::MockServer, Station) {
    let server = rt.block_on(webhook());
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &schedule("dai", "\"2030-01-01T06:00:00\"", "long.wav", ""),
    );
    tone(&st.path().join("media/long.wav"), 440.0, 1.0, 0.5);
    (server, st)
}

fn socket_ready(st: &Station) {
    let sock = st.path().join("var/control.sock");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !sock.exists() {
        assert!(Instant::now() < deadline, "no control socket");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The storm warning: an emergency aired with `loaxa now` while a normal programme plays cuts
/// in at once, the interrupted programme is replayed after it, its post goes out, and the
/// history says who did it.
#[test]
fn now_airs_an_emergency_over_a_programme_and_records_who() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let far = "2030-01-01T06:00:00";
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &(schedule("sang", &format!("\"{}\"", at(3)), "long.wav", "")
            + &schedule("bao-lu", &format!("\"{far}\""), "alarm.wav", "priority = \"normal\"\n")),
    );
    tone(&st.path().join("media/long.wav"), 440.0, 4.0, 0.5);
    tone(&st.path().join("media/alarm.wav"), 880.0, 1.0, 0.5);
    // A device that plays in real time, so the programme is still on air when the command comes.
    let paced = PacedDevice::start();
    let mut child = st.command().env("ALSA_CONFIG_PATH", paced.config()).spawn().unwrap();
    socket_ready(&st);
    st.wait_for("playout_started", Some("sang"), 20);
    std::thread::sleep(Duration::from_millis(500));

    let asked = Utc::now();
    let o = loaxa(&st, &["now", "bao-lu", "--priority", "khẩn cấp"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("on the line now: bao-lu (") && !said(&o).contains("Z)"),
        "{}",
        said(&o)
    );
    let started = st.wait_for("playout_started", Some("bao-lu"), 10);
    let heard: DateTime<Utc> = details(&started)["started_at"].as_str().unwrap().parse().unwrap();
    let after = (heard - asked).num_milliseconds();
    assert!(after < 500, "the emergency went on air {after} ms after the command");
    st.wait_for("playout_finished", Some("bao-lu"), 10);
    // The normal programme was cut off, and plays again after the emergency.
    let interrupted = st.wait_for("playout_interrupted", Some("sang"), 10);
    assert!(details(&interrupted)["by"].as_str().unwrap().starts_with("bao-lu@"));
    st.wait_for("playout_finished", Some("sang"), 20);
    // The replay is a resumption, recorded and counted apart: the lateness figures are the
    // first starts', so no lateness alert fires on an emergency (issue #33).
    let starts: Vec<_> = st
        .events()
        .into_iter()
        .filter(|e| e.kind == "playout_started" && e.broadcast_id.as_deref() == Some("sang"))
        .map(|e| details(&e)["resumed"].as_bool() == Some(true))
        .collect();
    assert_eq!(starts, [false, true]);
    let metrics = st.get("/metrics");
    let value = |name: &str| -> f64 {
        metrics
            .lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or_else(|| panic!("{name} not in {metrics}"))
    };
    assert_eq!(value("loaxa_playouts_resumed_total"), 1.0);
    // Issue #33: an announcement made with `now` is in today's list on the dashboard, with
    // its level, not only in the history.
    let page = st.get("/");
    let row = page
        .split("<tr")
        .find(|r| r.contains("data-key=\"bao-lu@"))
        .unwrap_or_else(|| panic!("bao-lu is not in today's list"));
    assert!(row.contains("data-state=\"done\""), "{row}");
    assert_eq!(
        value("loaxa_playout_lateness_seconds_count"),
        2.0,
        "sang's first start and bao-lu's"
    );
    assert!(value("loaxa_playout_lateness_max_seconds") < 1.0, "{metrics}");
    let action = st.wait_for("operator_action", None, 5);
    let d = details(&action);
    assert_eq!((d["action"].as_str(), d["id"].as_str()), (Some("now"), Some("bao-lu")));
    assert_eq!(d["priority"], "emergency");
    assert_eq!(d["user"], whoami());
    // Its post, once.
    let deadline = Instant::now() + Duration::from_secs(10);
    while posts(&server, &rt) < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(posts(&server, &rt), 2, "sang's post and bao-lu's");
    assert!(sigterm(&mut child).success());
    let heard = paced.finish();
    // Heard, in 20 ms windows: the programme, the alarm, the programme again from its start.
    let window = (common::paced::RATE / 50) as usize;
    let what = |from: usize| {
        let w = &heard.left[from..(from + window).min(heard.left.len())];
        let rms = (w.iter().map(|x| x * x).sum::<f32>() / w.len().max(1) as f32).sqrt();
        let f = heard.freq(from, window);
        if rms < 0.1 {
            "other"
        } else if (f - 880.0).abs() < 60.0 {
            "alarm"
        } else if (f - 440.0).abs() < 50.0 {
            "programme"
        } else {
            "other"
        }
    };
    let windows: Vec<&str> = (0..heard.left.len() / window).map(|i| what(i * window)).collect();
    // Runs of at least 60 ms: a window that straddles the 8 ms cross-fade reads as either.
    let mut runs: Vec<&str> = Vec::new();
    for chunk in windows.chunk_by(|a, b| a == b) {
        if chunk[0] != "other" && chunk.len() >= 3 && runs.last() != Some(&chunk[0]) {
            runs.push(chunk[0]);
        }
    }
    assert_eq!(runs, ["programme", "alarm", "programme"]);
    // On the loudspeaker within 500 ms of the command (what a listener hears, not what the
    // daemon reports).
    let from = heard.frame_at(asked);
    let first = (from / window..heard.left.len() / window)
        .map(|i| i * window)
        .find(|&f| what(f) == "alarm")
        .expect("the alarm was heard");
    let delay = (heard.time_of(first) - asked).num_milliseconds();
    eprintln!("command to alarm heard: {delay} ms");
    assert!(delay < 500, "the alarm was heard {delay} ms after the command");
}

/// `loaxa stop` ends what is on air (recorded as the operator's interruption, not replayed);
/// `loaxa queue` shows the line; a bad id or level is refused with a reason.
#[test]
fn stop_and_queue_through_the_socket() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let when = format!("\"{}\"", at(3));
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &(schedule("dai", &when, "long.wav", "") + &schedule("ke", &when, "short.wav", "")),
    );
    tone(&st.path().join("media/long.wav"), 440.0, 30.0, 0.5);
    tone(&st.path().join("media/short.wav"), 660.0, 1.0, 0.5);
    // A device that plays in real time: on the capture file, 30 s of audio "plays" in about
    // half a second of CPU, and under a full suite it ended before `stop` came (CI, 2026-12-07).
    let paced = PacedDevice::start();
    let mut child = st.command().env("ALSA_CONFIG_PATH", paced.config()).spawn().unwrap();
    socket_ready(&st);
    st.wait_for("playout_started", Some("dai"), 20);
    st.wait_for("playout_waiting", Some("ke"), 5);

    let o = loaxa(&st, &["queue"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("on air:")
            && said(&o).contains("  dai  ")
            && said(&o).contains("  ke  ")
            && !said(&o).contains('@'),
        "{}",
        said(&o)
    );

    let o = loaxa(&st, &["now", "da"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("did you mean `dai`"), "{}", said(&o));
    let o = loaxa(&st, &["now", "dai", "--priority", "urgent"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("is not a level"), "{}", said(&o));

    // `stop` silences the line: what had fallen due behind the programme is held back too,
    // each named in the answer and recorded as the operator's, none dropped silently.
    let o = loaxa(&st, &["stop"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("stopped: dai ("), "{}", said(&o));
    assert!(said(&o).contains("held back, not aired: ke ("), "{}", said(&o));
    let e = st.wait_for("playout_interrupted", Some("dai"), 5);
    assert_eq!(details(&e)["by"], format!("operator:{}", whoami()));
    let e = st.wait_for("playout_interrupted", Some("ke"), 5);
    assert_eq!(details(&e)["by"], format!("operator:{}", whoami()));
    assert_eq!(details(&e)["replay"], false);
    let o = loaxa(&st, &["stop"]);
    assert!(said(&o).contains("nothing is on air"), "{}", said(&o));
    // Not replayed, and `ke` not started: the line stays quiet.
    std::thread::sleep(Duration::from_secs(2));
    let starts = st.events().iter().filter(|e| e.kind == "playout_started").count();
    assert_eq!(starts, 1);
    let actions: Vec<String> = st
        .events()
        .iter()
        .filter(|e| e.kind == "operator_action")
        .map(|e| details(e)["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["stop", "stop"]);

    // The socket: the daemon's user and group only.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(st.path().join("var/control.sock"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o660);
    assert!(sigterm(&mut child).success());
    assert!(
        !st.path().join("var/control.sock").exists(),
        "the socket outlived the daemon"
    );
}

/// `skip` stops what is on air and the next programme due takes the line at once.
#[test]
fn skip_moves_on_to_the_next_programme() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let when = format!("\"{}\"", at(3));
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &(schedule("dai", &when, "long.wav", "") + &schedule("ke", &when, "short.wav", "")),
    );
    tone(&st.path().join("media/long.wav"), 440.0, 30.0, 0.5);
    tone(&st.path().join("media/short.wav"), 660.0, 1.0, 0.5);
    let mut child = st.start();
    socket_ready(&st);
    st.wait_for("playout_started", Some("dai"), 20);
    st.wait_for("playout_waiting", Some("ke"), 5);
    let o = loaxa(&st, &["skip"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("skipped: dai ("), "{}", said(&o));
    assert!(said(&o).contains("next: ke ("), "{}", said(&o));
    let e = st.wait_for("playout_interrupted", Some("dai"), 5);
    assert_eq!(details(&e)["by"], format!("operator:{}", whoami()));
    st.wait_for("playout_finished", Some("ke"), 10);
    let o = loaxa(&st, &["skip"]);
    assert!(said(&o).contains("nothing is on air"), "{}", said(&o));
    let actions: Vec<String> = st
        .events()
        .iter()
        .filter(|e| e.kind == "operator_action")
        .map(|e| details(e)["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["skip", "skip"]);
    assert!(sigterm(&mut child).success());
}

/// Commands from several terminals at once are taken one at a time: every one is answered,
/// each accepted one airs exactly once and is recorded once, the line never carries two
/// programmes, and a second `now` of a broadcast in the same second is refused, not dropped.
#[test]
fn concurrent_commands_are_serialised() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let later = "\"2030-01-01T06:00:00\"";
    let ids = ["a1", "a2", "a3", "a4"];
    let schedules: String = ids.iter().map(|id| schedule(id, later, "short.wav", "")).collect();
    let st = Station::new(&format!("{}/hook", server.uri()), &schedules);
    tone(&st.path().join("media/short.wav"), 660.0, 0.3, 0.5);
    let mut child = st.start();
    socket_ready(&st);
    let asks: Vec<&str> = ids.iter().copied().chain(["a1", "a1", "a1"]).collect();
    let outputs: Vec<Output> = std::thread::scope(|s| {
        let handles: Vec<_> = asks
            .iter()
            .map(|id| s.spawn(|| loaxa(&st, &["now", id, "--no-post"])))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let accepted = outputs.iter().filter(|o| o.status.success()).count();
    for o in outputs.iter().filter(|o| !o.status.success()) {
        assert_eq!(o.status.code(), Some(1), "{}", said(o));
        assert!(said(o).contains("already on the line"), "{}", said(o));
    }
    assert!(accepted >= ids.len(), "{accepted} accepted");
    // Every accepted command airs once.
    let deadline = Instant::now() + Duration::from_secs(30);
    while st.events().iter().filter(|e| e.kind == "playout_finished").count() < accepted {
        assert!(Instant::now() < deadline, "{:?}", st.kinds());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(1));
    let events = st.events();
    let count = |kind: &str| events.iter().filter(|e| e.kind == kind).count();
    assert_eq!(count("operator_action"), accepted);
    assert_eq!(count("playout_started"), accepted);
    assert_eq!(count("playout_finished"), accepted);
    // One programme at a time: starts and ends alternate.
    let line: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == "playout_started" || e.kind == "playout_finished")
        .map(|e| e.kind.as_str())
        .collect();
    for pair in line.chunks(2) {
        assert_eq!(pair, ["playout_started", "playout_finished"], "{line:?}");
    }
    assert!(sigterm(&mut child).success());
    assert_eq!(posts(&server, &rt), 0);
}

/// `now --file` airs a recording of the media folder as a programme of its own; a file outside
/// the media folder is refused.
#[test]
fn now_airs_a_file_of_the_media_folder() {
    let rt = runtime();
    let (server, st) = quiet_station(&rt);
    tone(&st.path().join("media/thong-bao.wav"), 660.0, 0.5, 0.5);
    let mut child = st.start();
    socket_ready(&st);
    for outside in ["../loaxa.toml", "/etc/passwd", "khong-co.wav"] {
        let o = loaxa(&st, &["now", "--file", outside]);
        assert_eq!(o.status.code(), Some(1), "{outside}: {}", said(&o));
        assert!(
            said(&o).contains("must be an audio file inside the media folder"),
            "{}",
            said(&o)
        );
    }
    let o = loaxa(
        &st,
        &[
            "now",
            "--file",
            "thong-bao.wav",
            "--title",
            "Thông báo họp",
            "--priority",
            "priority",
        ],
    );
    assert!(o.status.success(), "{}", said(&o));
    let done = st.wait_for("playout_finished", Some("now:thong-bao"), 10);
    assert!(done.scheduled_at.is_some());
    let started = st.wait_for("playout_started", Some("now:thong-bao"), 1);
    assert_eq!(details(&started)["title"], "Thông báo họp");
    let actions: Vec<serde_json::Value> = st
        .events()
        .iter()
        .filter(|e| e.kind == "operator_action")
        .map(details)
        .collect();
    assert_eq!(actions.len(), 1, "refusals are not actions: {actions:?}");
    assert_eq!(actions[0]["file"], "thong-bao.wav");
    assert!(sigterm(&mut child).success());
    assert_eq!(posts(&server, &rt), 0, "a file has nothing to post");
}

/// `now --say`: a text typed now is read aloud by the station's voice, between the chimes, as a
/// programme of its own; a text the speech cannot read is refused before anything airs.
#[test]
fn now_says_a_text_typed_now() {
    let rt = runtime();
    let (server, st) = quiet_station(&rt);
    let mut child = st.start();
    socket_ready(&st);
    let o = loaxa(
        &st,
        &["now", "--say", "Theo QXYZ, mất điện.", "--priority", "emergency"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("`QXYZ` is not in the reading lexicon"),
        "{}",
        said(&o)
    );
    let o = loaxa(
        &st,
        &[
            "now",
            "--say",
            "Khẩn: bão số 3 đổ bộ lúc 14h, bà con chằng chống nhà cửa.",
            "--priority",
            "emergency",
        ],
    );
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("on the line now: now:say ("), "{}", said(&o));
    let started = st.wait_for("playout_started", Some("now:say"), 10);
    st.wait_for("playout_finished", Some("now:say"), 30);
    let d = details(&started);
    assert_eq!(d["speech"]["provider"], "espeak-ng", "{d}");
    assert_eq!(d["priority"], "emergency");
    assert!(d["title"].as_str().unwrap().starts_with("Khẩn: bão số 3"), "{d}");
    let actions: Vec<serde_json::Value> = st
        .events()
        .iter()
        .filter(|e| e.kind == "operator_action")
        .map(details)
        .collect();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["action"], "now");
    assert!(actions[0]["say"].as_str().unwrap().contains("bão số 3"));
    assert!(sigterm(&mut child).success());
    assert_eq!(posts(&server, &rt), 0);
}

/// `now ID --channels`: only the channels named; without the loudspeaker it is posted, not aired.
#[test]
fn now_on_chosen_channels() {
    let rt = runtime();
    let (server, st) = quiet_station(&rt);
    let mut child = st.start();
    socket_ready(&st);
    let o = loaxa(&st, &["now", "dai", "--channels", "loudspeaker,facebok"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("no channel `facebok` (channels: loudspeaker, hook)"),
        "{}",
        said(&o)
    );
    // Posted only.
    let o = loaxa(&st, &["now", "dai", "--channels", "hook"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("posts queued for: hook"), "{}", said(&o));
    let deadline = Instant::now() + Duration::from_secs(10);
    while posts(&server, &rt) < 1 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(posts(&server, &rt), 1);
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        st.events().iter().all(|e| e.kind != "playout_started"),
        "{:?}",
        st.kinds()
    );
    // Aired only.
    std::thread::sleep(Duration::from_millis(1100));
    let o = loaxa(&st, &["now", "dai", "--channels", "loudspeaker"]);
    assert!(o.status.success(), "{}", said(&o));
    st.wait_for("playout_finished", Some("dai"), 10);
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(posts(&server, &rt), 1, "not posted again");
    assert!(sigterm(&mut child).success());
}

/// Without a running daemon the command says so and how to start it.
#[test]
fn without_the_daemon_the_command_says_how_to_start_it() {
    let st = Station::new(
        "http://127.0.0.1:9/hook",
        &schedule("dai", "\"2030-01-01T06:00:00\"", "long.wav", ""),
    );
    tone(&st.path().join("media/long.wav"), 440.0, 1.0, 0.5);
    let o = loaxa(&st, &["now", "dai"]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(
        said(&o).contains("the daemon is not running") && said(&o).contains("systemctl start loaxa"),
        "{}",
        said(&o)
    );
}

/// Another user, who cannot reach the data folder, is refused by the kernel and told how to get
/// the right. Needs root to run a command as `nobody`; elsewhere it checks nothing.
#[test]
fn another_user_is_refused() {
    if !Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
    {
        eprintln!("not root: cannot run as another user here");
        return;
    }
    let rt = runtime();
    let (_server, st) = quiet_station(&rt);
    use std::os::unix::fs::PermissionsExt;
    // `nobody` may read the configuration, not the data folder (loaxa makes it 0700).
    std::fs::set_permissions(st.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(st.path().join("loaxa.toml"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let mut child = st.start();
    socket_ready(&st);
    let o = Command::new("runuser")
        .args(["-u", "nobody", "--"])
        .arg(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .args(["now", "dai"])
        .env("LOAXA_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("you may not operate this station"), "{}", said(&o));
    assert!(sigterm(&mut child).success());
    assert!(st.events().iter().all(|e| e.kind != "operator_action"));
}

/// SHA-256 of a file, in hex.
fn sha256_of(path: &std::path::Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Issue #31, finding 7: the media folder was checked by resolving the path, then opened by
/// name, so a subfolder swapped for a link in between (`renameat2(RENAME_EXCHANGE)`, in a loop)
/// aired files from outside `media/` (4 of 79 accepted attempts recorded the outside file's
/// hash). Every path is now opened beneath the folder's descriptor: the kernel refuses the step
/// out, whenever the swap happens.
#[test]
fn swapping_a_media_subfolder_for_a_link_never_airs_a_file_from_outside() {
    let rt = runtime();
    let (_server, st) = quiet_station(&rt);
    let media = st.path().join("media");
    std::fs::create_dir(media.join("sub")).unwrap();
    // Outside the media folder, under the same names: a different tone, so different hashes.
    let outside = st.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let mut secrets = Vec::new();
    for i in 0..40 {
        tone(&media.join(format!("sub/tin{i}.wav")), 660.0, 0.2, 0.5);
        tone(&outside.join(format!("tin{i}.wav")), 880.0 + i as f32, 0.2, 0.5);
        secrets.push(sha256_of(&outside.join(format!("tin{i}.wav"))));
    }
    std::os::unix::fs::symlink(&outside, media.join("swap")).unwrap();
    let mut child = st.start();
    socket_ready(&st);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swaps = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let swapper = {
        let (stop, swaps) = (stop.clone(), swaps.clone());
        let a = std::ffi::CString::new(media.join("sub").to_str().unwrap()).unwrap();
        let b = std::ffi::CString::new(media.join("swap").to_str().unwrap()).unwrap();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // SAFETY: renameat2 reads the two paths, alive for the call.
                let r = unsafe {
                    libc::renameat2(
                        libc::AT_FDCWD,
                        a.as_ptr(),
                        libc::AT_FDCWD,
                        b.as_ptr(),
                        libc::RENAME_EXCHANGE,
                    )
                };
                assert_eq!(r, 0, "{}", std::io::Error::last_os_error());
                swaps.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // Each state held for a moment, so that attempts land on both and in between.
                std::thread::sleep(Duration::from_micros(300));
            }
        })
    };
    let (mut accepted, mut refused) = (0, 0);
    for i in 0..40 {
        let file = format!("sub/tin{i}.wav");
        let o = loaxa(&st, &["now", "--file", &file]);
        if o.status.success() {
            accepted += 1;
        } else {
            refused += 1;
            assert!(
                !said(&o).contains("outside/"),
                "the refusal names a path outside: {}",
                said(&o)
            );
        }
        // One programme at a time, so each accepted attempt is one airing.
        let ended = || {
            st.events()
                .iter()
                .filter(|e| e.broadcast_id.as_deref().is_some_and(|b| b.starts_with("now:tin")))
                .filter(|e| {
                    matches!(
                        e.kind.as_str(),
                        "playout_finished" | "playout_failed" | "playout_interrupted"
                    )
                })
                .count()
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while ended() < accepted {
            assert!(Instant::now() < deadline, "attempt {i} never ended");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    assert!(sigterm(&mut child).success());
    let leaked: Vec<String> = st
        .events()
        .iter()
        .filter(|e| secrets.iter().any(|s| e.details.contains(s.as_str())))
        .map(|e| format!("{} {}", e.kind, e.details))
        .collect();
    eprintln!(
        "security: media folder swapped {} times during 40 `now --file`: {accepted} accepted, {refused} refused, {} events with an outside file's hash",
        swaps.load(std::sync::atomic::Ordering::Relaxed),
        leaked.len()
    );
    assert!(accepted > 0, "nothing was accepted: the test proves nothing");
    assert!(leaked.is_empty(), "{leaked:#?}");
    // And what was heard, if anything aired, is the media folder's tone only.
    let aired = st.events().iter().filter(|e| e.kind == "playout_finished").count();
    eprintln!("security: {aired} aired");
    if aired > 0 {
        let heard = common::audio::segments(&st.capture.wav());
        assert!(
            !heard.iter().any(|s| s.freq > 860.0),
            "the outside file was heard: {heard:#?}"
        );
    }
}

/// Issue #31, finding 10: a `--say` over 64 KiB was answered "not a loaxa control request: EOF
/// while parsing". The command says what is wrong before sending; the daemon says it too, to a
/// client that sends more.
#[test]
fn a_request_too_large_is_refused_with_why() {
    let rt = runtime();
    let (_server, st) = quiet_station(&rt);
    let mut child = st.start();
    socket_ready(&st);
    let long = "Thông báo về thủ tục hành chính. ".repeat(2500);
    let o = loaxa(&st, &["now", "--say", &long]);
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(
        said(&o).contains("more than the 64 kB the daemon takes"),
        "{}",
        said(&o)
    );
    // A client of its own that sends 70 kB.
    use std::io::{BufRead, Write};
    let mut s = std::os::unix::net::UnixStream::connect(st.path().join("var/control.sock")).unwrap();
    let _ = s.write_all(&vec![b'{'; 70 * 1024]);
    let mut answer = String::new();
    std::io::BufReader::new(s).read_line(&mut answer).unwrap();
    assert!(answer.contains("larger than 64 kB"), "{answer}");
    assert!(sigterm(&mut child).success());
}

/// Issue #31, finding 9: a member of the group that held about 1,100 control-socket connections
/// took every file descriptor the daemon had; every programme then failed with "Too many open
/// files", and nothing said who. Now a user holds at most 8 at once, the daemon's limit is
/// raised, programmes air, and the refusal names the user.
#[test]
fn hoarding_control_connections_silences_nothing_and_is_named() {
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("sau", &at(8), "tone.wav", ""));
    let mut child = st.start();
    socket_ready(&st);
    let sock = st.path().join("var/control.sock");
    let hoard: Vec<std::os::unix::net::UnixStream> = (0..1100)
        .filter_map(|_| std::os::unix::net::UnixStream::connect(&sock).ok())
        .collect();
    // The ones over the user's share are closed at once: a read sees the end.
    let mut open = 0;
    for s in &hoard {
        use std::io::Read;
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut b = [0u8; 1];
        if matches!((&*s).read(&mut b), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut)
        {
            open += 1;
        }
    }
    eprintln!(
        "security: 1,100 control connections asked for, {} made, {open} held open by the daemon",
        hoard.len()
    );
    assert!(open <= 8, "{open} held");
    // The scheduled programme airs while the hoard is held.
    st.wait_for("playout_finished", Some("sau"), 30);
    assert!(st.events().iter().all(|e| e.kind != "playout_failed"));
    let status: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
    let errors = status["last_errors"].to_string();
    assert!(errors.contains("refused connections from user"), "{errors}");
    drop(hoard);
    let o = loaxa(&st, &["queue"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(sigterm(&mut child).success());
}

/// Issue #31, finding 5: `execute` held the socket's one-at-a-time turn while speech rendered,
/// so with a cloud voice that never answers an emergency `now --file` was accepted only after
/// 29 s, behind another officer's `now --say`. Rendering is done before the turn now: the
/// emergency waits for the hand-over only.
#[test]
fn an_emergency_never_waits_behind_another_officers_speech() {
    let rt = runtime();
    let (_server, st) = quiet_station(&rt);
    tone(&st.path().join("media/bao-dong.wav"), 880.0, 0.5, 0.5);
    // A cloud voice that takes the connection and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    {
        let accepted = accepted.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for c in silent.incoming().flatten() {
                accepted.store(true, std::sync::atomic::Ordering::SeqCst);
                held.push(c);
            }
        });
    }
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!(
            "{config}[tts]\nprovider = \"fpt\"\n[tts.fpt]\nkind = \"fpt\"\nurl = \"http://127.0.0.1:{port}/fpt\"\n\
             token_env = \"LOAXA_TEST_FPT_SILENT\"\ntimeout_seconds = 60\n"
        ),
    )
    .unwrap();
    let mut child = st.command().env("LOAXA_TEST_FPT_SILENT", "khoa-thu").spawn().unwrap();
    socket_ready(&st);
    let config_path = st.path().join("loaxa.toml");
    let speaking = std::thread::spawn(move || {
        Command::new(env!("CARGO_BIN_EXE_loaxa"))
            .arg("--config")
            .arg(&config_path)
            .args(["now", "--say", "Người dân lưu ý lịch họp thôn."])
            .env("LOAXA_LANG", "en")
            .output()
            .unwrap()
    });
    // The other officer's text is with the voice now.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !accepted.load(std::sync::atomic::Ordering::SeqCst) {
        assert!(Instant::now() < deadline, "the voice was never asked");
        std::thread::sleep(Duration::from_millis(20));
    }
    let asked = Instant::now();
    let o = loaxa(&st, &["now", "--file", "bao-dong.wav", "--priority", "emergency"]);
    let took = asked.elapsed();
    assert!(o.status.success(), "{}", said(&o));
    eprintln!(
        "reliability: an emergency behind a hung voice: accepted in {:.2} s",
        took.as_secs_f64()
    );
    assert!(took < Duration::from_secs(5), "the emergency waited {took:?}");
    st.wait_for("playout_finished", Some("now:bao-dong"), 20);
    assert!(sigterm(&mut child).success());
    let _ = speaking.join();
}
