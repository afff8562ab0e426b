//! The shipped station, run as a station runs it: every surface a person reads speaks
//! Vietnamese (`[station] language = "vi"`), and the same station set to English speaks
//! English everywhere, on a server whose locale names no language (`LANG=C`). Issue #14.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::audio::Capture;
use common::daemon::{Station, free_port, sigterm};

/// The shipped configuration, schedules and media in a temporary station folder: only the
/// language, the HTTP port and the paths differ.
fn shipped(language: &str) -> Station {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let config = common::shipped_config(language);
    assert!(
        !config.contains("[http]"),
        "the shipped config now sets [http]: adapt this test"
    );
    let config = format!("{config}\n[http]\nlisten = \"127.0.0.1:{port}\"\n");
    std::fs::write(dir.path().join("loaxa.toml"), config).unwrap();
    Station {
        dir,
        capture: Capture::new(),
        port,
    }
}

fn loaxa(st: &Station, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .args(args)
        .env("LANG", "C")
        .env_remove("LOAXA_LANG")
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// What each surface must say, in one language.
struct Words {
    language: &'static str,
    check: &'static str,
    plan: &'static str,
    summary: &'static [&'static str],
    status: &'static [&'static str],
    dashboard: &'static [&'static str],
    report: &'static str,
    help: &'static str,
}

#[test]
fn the_shipped_station_speaks_its_language_on_every_surface() {
    for words in [
        Words {
            language: "vi",
            check: "tốt: 3 tệp lịch phát, 6 bản tin",
            plan: "lượt phát",
            summary: &[
                "3 tệp lịch phát, 6 bản tin; múi giờ",
                "trạng thái: http://",
                "sắp phát:",
                "kênh facebook: ĐÃ TẮT",
            ],
            status: &["đang phát:", "lịch phát: 6 bản tin", "bài chờ đăng:"],
            dashboard: &[
                r#"<html lang="vi">"#,
                "Lịch phát",
                "Hàng đợi đăng bài",
                "Kênh chưa hoạt động",
            ],
            report: "Báo cáo kết quả phát thanh",
            help: "Cách dùng",
        },
        Words {
            language: "en",
            check: "ok: 3 schedule files, 6 broadcasts",
            plan: "occurrences",
            summary: &[
                "3 schedule files, 6 broadcasts; timezone",
                "status: http://",
                "next:",
                "channel facebook: DISABLED",
            ],
            status: &["on air:", "schedules: 6 broadcasts", "outbox:"],
            dashboard: &[
                r#"<html lang="en">"#,
                "Schedules",
                "Posts queue",
                "Channels not working",
            ],
            report: "Broadcast report",
            help: "Usage",
        },
    ] {
        let lang = words.language;
        let st = shipped(lang);
        let check = loaxa(&st, &["check", "--from", "2026-11-30"]);
        assert!(check.contains(words.check), "{lang}: {check}");
        let plan = loaxa(&st, &["plan", "--from", "2026-11-30"]);
        assert!(plan.contains(words.plan), "{lang}: {plan}");
        let help = loaxa(&st, &["--help"]);
        assert!(help.contains(words.help), "{lang}: {help}");

        let summary = st.path().join("summary.txt");
        let mut child = st
            .command()
            .env("LANG", "C")
            .env_remove("LOAXA_LANG")
            .stdout(std::fs::File::create(&summary).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        st.wait_for("schedule_loaded", None, 15);
        // The listener comes up after the schedules load: asked before it, `status` fails.
        st.get("/healthz");
        let status = loaxa(&st, &["status"]);
        for w in words.status {
            assert!(status.contains(w), "{lang}: `{w}` not in status:\n{status}");
        }
        // Issue #33: what a person reads has no machine instants (2026-12-07T13:16:52.674755718+07:00),
        // no device state identifiers (`unused`) and no durations in thousands of seconds.
        let machine_instant = status.lines().find(|l| {
            l.as_bytes()
                .windows(11)
                .any(|w| w[4] == b'-' && w[7] == b'-' && w[10] == b'T' && w[..4].iter().all(u8::is_ascii_digit))
        });
        assert!(
            machine_instant.is_none(),
            "{lang}: {machine_instant:?} in status:\n{status}"
        );
        assert!(
            !status.contains("unused") && !status.contains(" ok\n"),
            "{lang}: {status}"
        );
        let many_seconds = status
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .any(|w| w[0].parse::<u64>().is_ok_and(|n| n >= 120) && (w[1] == "s" || w[1] == "giây"));
        assert!(!many_seconds, "{lang}: a long wait in seconds:\n{status}");
        let page = st.get("/");
        for w in words.dashboard {
            assert!(page.contains(w), "{lang}: `{w}` not on the dashboard");
        }
        // The machine-readable surfaces stay the same in every language.
        let json = st.get("/status");
        assert!(
            json.contains("\"now_playing\"") && json.contains("\"outbox\""),
            "{json}"
        );
        assert!(st.get("/metrics").contains("loaxa_"));
        assert!(sigterm(&mut child).success());
        let deadline = Instant::now() + Duration::from_secs(5);
        let summary = loop {
            let s = std::fs::read_to_string(&summary).unwrap();
            if words.summary.iter().all(|w| s.contains(w)) || Instant::now() > deadline {
                break s;
            }
            std::thread::sleep(Duration::from_millis(100));
        };
        for w in words.summary {
            assert!(
                summary.contains(w),
                "{lang}: `{w}` not in the start-up summary:\n{summary}"
            );
        }
        let report = loaxa(&st, &["report", "--month", "2026-11"]);
        assert!(report.contains(words.report), "{lang}: {report:.500}");
    }
}
