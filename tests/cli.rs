//! End to end: the built `loaxa` binary on the shipped example station and on broken ones.

mod common;

use std::process::{Command, Output};

use common::Station;

fn loaxa(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run loaxa")
}

fn shipped() -> String {
    common::repo().join("loaxa.toml").display().to_string()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn shipped_example_passes_check() {
    // The shipped station speaks Vietnamese, whatever the machine's locale.
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["--config", &shipped(), "check", "--from", "2026-11-30"])
        .env("LANG", "C")
        .env("LOAXA_LANG", "en")
        .output()
        .expect("run loaxa");
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("tốt: 3 tệp lịch phát, 6 bản tin: 0 lỗi"), "{stdout}");
    // The shipped channels name token variables a test machine does not set: warned, not failed.
    let err = text(&out.stderr);
    assert!(
        err.is_empty() || err.contains("cảnh báo: kênh `facebook`: biến môi trường LOAXA_FACEBOOK_TOKEN chưa được đặt"),
        "{err}"
    );

    // The same station set to English, on a server whose locale names no language.
    let en = Station::shipped("en");
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(en.config_path())
        .args(["check", "--from", "2026-11-30"])
        .env("LANG", "C")
        .output()
        .expect("run loaxa");
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("ok: 3 schedule files, 6 broadcasts: 0 errors"),
        "{stdout}"
    );
    let err = text(&out.stderr);
    assert!(
        err.is_empty()
            || err.contains("warning: channel `facebook`: the environment variable LOAXA_FACEBOOK_TOKEN is not set"),
        "{err}"
    );
}

#[test]
fn plan_json_has_exactly_the_documented_fields() {
    let out = loaxa(&[
        "--config",
        &shipped(),
        "plan",
        "--from",
        "2026-11-30",
        "--days",
        "7",
        "--json",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    // Mon–Fri: 3 morning + 3 afternoon programmes; Saturday and Sunday nothing.
    assert_eq!(lines.len(), 30);
    let first = &lines[0];
    let mut keys: Vec<&str> = first.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["at", "audio", "channels", "duration_s", "id", "priority", "title"]
    );
    assert_eq!(first["at"], "2026-11-30T06:00:00+07:00");
    assert_eq!(first["id"], "kiem-soat-thu-tuc");
    assert_eq!(first["priority"], "normal");
    assert_eq!(
        first["channels"],
        serde_json::json!(["loudspeaker", "facebook", "zalo", "web"])
    );
    assert_eq!(first["audio"], serde_json::json!(["mot-cua/kiem-soat-thu-tuc.ogg"]));
    // 13.5 s of speech, twice, with a 3 s gap.
    let d = first["duration_s"].as_f64().unwrap();
    assert!((29.5..30.5).contains(&d), "{d}");
    let vneid = lines.iter().find(|l| l["id"] == "vneid-muc-2").unwrap();
    assert_eq!(vneid["priority"], "priority");
    let ats: Vec<&str> = lines.iter().map(|l| l["at"].as_str().unwrap()).collect();
    let mut sorted = ats.clone();
    sorted.sort();
    assert_eq!(ats, sorted, "sorted by time");
}

#[test]
fn plan_table_is_grouped_by_vietnamese_day() {
    let out = loaxa(&[
        "--config",
        &shipped(),
        "plan",
        "--from",
        "2026-11-30T12:00",
        "--to",
        "2026-12-01T12:00",
    ]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("Thứ Hai, 30/11/2026"), "{s}");
    assert!(s.contains("Thứ Ba, 01/12/2026"), "{s}");
    assert!(s.contains("17:05:00  ưu tiên"), "{s}");
    assert!(s.contains("giờ       mức"), "the columns are named in Vietnamese: {s}");
    assert!(
        !s.contains("06:00:00  thông thường      0:30  kiem-soat"),
        "window starts at noon: {s}"
    );
    assert!(s.contains(": 6 lượt phát"), "{s}");

    let en = Station::shipped("en");
    let out = en.loaxa(&["plan", "--from", "2026-11-30T12:00", "--to", "2026-12-01T12:00"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("Monday, 30/11/2026"), "{s}");
    assert!(s.contains("17:05:00  priority"), "{s}");
    assert!(s.contains(": 6 occurrences"), "{s}");
}

#[test]
fn holiday_is_skipped_by_except() {
    // 2026-09-02 is National Day: every campaign lists it in `except`.
    let out = loaxa(&[
        "--config",
        &shipped(),
        "plan",
        "--from",
        "2026-09-02",
        "--days",
        "1",
        "--json",
    ]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn invalid_schedules_exit_1_with_file_line_column() {
    let st = Station::new(&[(
        "bad.toml",
        "[[broadcast]]\nid = \"a\"\ntitle = \"A\"\nat = [\"25:00\"]\naudio = \"chime.ogg\"\n",
    )]);
    let cfg = st.config_path().display().to_string();
    let out = loaxa(&["--config", &cfg, "check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("schedules/bad.toml:4:7"), "{err}");
    assert!(err.contains("at = [\"25:00\"]"), "quotes the line: {err}");
    assert!(err.contains("help: write 24-hour local time"), "{err}");
    let out = loaxa(&["--config", &cfg, "plan"]);
    assert_eq!(out.status.code(), Some(1), "plan refuses invalid schedules too");
}

#[test]
fn config_errors_exit_2() {
    let st = Station::with_config("[station]\nname = \"x\"\ntimezone = \"Asia/Saigon2\"\n", &[]);
    let out = loaxa(&["--config", &st.config_path().display().to_string(), "check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("loaxa.toml:3:12"), "{err}");
    assert!(err.contains("unknown timezone"), "{err}");

    let out = loaxa(&["--config", "/nonexistent/loaxa.toml", "check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not found"));

    let out = loaxa(&["--config", &shipped(), "plan", "--from", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    let out = loaxa(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_and_version() {
    // In the station folder (the shipped loaxa.toml says `vi`), help is in Vietnamese.
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--help")
        .current_dir(common::repo())
        .env("LANG", "C")
        .output()
        .unwrap();
    assert!(out.status.success());
    let s = text(&out.stdout);
    for word in [
        "check",
        "plan",
        "--config",
        "Mã thoát",
        "Cách dùng",
        "Kiểm tra cấu hình",
    ] {
        assert!(s.contains(word), "--help lacks {word}: {s}");
    }
    // The configuration named on the command line decides, before it is even parsed.
    let en = Station::shipped("en");
    for args in [
        vec!["--config", en.config_path().to_str().unwrap(), "check", "--help"],
        vec!["check", "--help", "-c", en.config_path().to_str().unwrap()],
    ] {
        let out = loaxa(&args);
        let s = text(&out.stdout);
        for word in ["Usage", "Validate the configuration", "How many days"] {
            assert!(s.contains(word), "{args:?} lacks {word}: {s}");
        }
    }
    let out = loaxa(&["--config", en.config_path().to_str().unwrap(), "--help"]);
    assert!(text(&out.stdout).contains("Exit codes"));
    // `loaxa help COMMAND`, as the README says, in the station's language.
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["help", "check"])
        .current_dir(common::repo())
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Kiểm tra cấu hình"), "{}", text(&out.stdout));
    let out = loaxa(&["--version"]);
    assert_eq!(text(&out.stdout).trim(), format!("loaxa {}", env!("CARGO_PKG_VERSION")));
}

/// An officer in the station's folder types `loaxa check`, and `make run` runs
/// `loaxa --config loaxa.toml check`: a relative configuration path. Since the files were
/// opened beneath their folder (issue #31), a relative folder was joined twice
/// (`schedules/schedules/main.toml`) and every schedule file was "cannot read this file: No
/// such file or directory". The broadcasts must load from a relative path as from an absolute
/// one, and a `loaxa now --file` must find its media the same way.
#[test]
fn a_relative_config_path_reads_the_station_as_an_absolute_one_does() {
    let repo = common::repo();
    for args in [
        &["--config", "loaxa.toml", "check", "--from", "2026-11-30"][..],
        &["check", "--from", "2026-11-30"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
            .args(args)
            .current_dir(&repo)
            .env("LOAXA_LANG", "en")
            .output()
            .expect("run loaxa");
        let said = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(out.status.success(), "loaxa {args:?} in {}: {said}", repo.display());
        assert!(said.contains("3 tệp lịch phát, 6 bản tin: 0 lỗi"), "{said}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["plan", "--from", "2026-11-30", "--json"])
        .current_dir(&repo)
        .output()
        .expect("run loaxa");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The media were found too: each occurrence has its audio's duration.
    let plan = text(&out.stdout);
    assert!(plan.contains("\"id\":\"kiem-soat-thu-tuc\""), "{plan}");
    assert!(plan.contains("\"duration_s\":30.008"), "{plan}");
}
