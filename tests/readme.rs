//! The README's schedule examples, English reference and Vietnamese quick guide alike, are
//! real: each `toml` block with a broadcast loads without an error, so the two cannot drift
//! from what loaxa accepts.

mod common;

#[test]
fn every_schedule_example_in_the_readme_loads() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            _ => {}
        }
    }
    let schedules: Vec<&String> = blocks.iter().filter(|b| b.contains("[[broadcast]]")).collect();
    assert!(schedules.len() >= 2, "the English example and the Vietnamese guide's");
    assert!(
        schedules
            .iter()
            .any(|b| b.contains("khẩn cấp") && b.contains("6h30") && b.contains("\"01/12/2026")),
        "the Vietnamese guide's example uses the notations it describes"
    );
    for (i, text) in schedules.iter().enumerate() {
        let st = common::Station::new(&[("readme.toml", text.as_str())]);
        let loaded = st.load();
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", loaded.sources.location(d), d.message))
            .collect();
        assert!(errors.is_empty(), "README example {i}: {errors:?}\n{text}");
        assert!(!loaded.set.broadcasts.is_empty());
    }
}

/// Issue #20: the README's `loaxa …` command lines run as written, on a copy of the shipped
/// station with a month of history (the ones that need root, systemd or /etc are left out).
#[test]
fn every_offline_command_in_the_readme_runs() {
    use loaxa::domain::event::Kind;
    use loaxa::history::{Event, Store};
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        match line.trim_end() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && l.starts_with("loaxa ") && !l.contains("/etc/") => commands.push(l.to_string()),
            _ => {}
        }
    }
    assert!(commands.len() >= 8, "{commands:#?}");
    // The shipped station, in a folder of its own (`loaxa new` writes into it).
    let dir = tempfile::tempdir().unwrap();
    let repo = common::repo();
    let config = std::fs::read_to_string(repo.join("loaxa.toml")).unwrap().replace(
        "media = \"media\"",
        &format!("media = \"{}\"", repo.join("media").display()),
    );
    std::fs::write(dir.path().join("loaxa.toml"), config).unwrap();
    std::fs::create_dir(dir.path().join("schedules")).unwrap();
    for f in std::fs::read_dir(repo.join("schedules")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join("schedules").join(f.file_name().unwrap())).unwrap();
    }
    // May 2024, as the examples ask for it.
    let tz = chrono_tz::Tz::Asia__Ho_Chi_Minh;
    let mut store = Store::open(&Store::path_in(&dir.path().join("var")), tz).unwrap();
    let may = |d: u32| chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2024, 5, d, 0, 15, 0).unwrap();
    store
        .append(&[
            Event::new(Kind::DaemonStarted, serde_json::json!({})).at(may(1)),
            Event::new(Kind::PostFailed, serde_json::json!({"reason": "token expired"}))
                .at(may(2))
                .channel("facebook"),
            Event::new(Kind::DaemonStopped, serde_json::json!({"reason": "signal"})).at(may(20)),
        ])
        .unwrap();
    drop(store);
    let bin = env!("CARGO_BIN_EXE_loaxa");
    for command in &commands {
        let line = format!("{bin}{}", &command["loaxa".len()..]);
        let out = std::process::Command::new("sh")
            .args(["-c", &line])
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README: `{command}` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(dir.path().join("schedules/ban-tin-sang.toml").exists());
    assert!(dir.path().join("bao-cao-05-2024.html").exists() && dir.path().join("half-may.html").exists());
}
