//! Every file in tests/fixtures/invalid is a schedule with one mistake. Its first lines say
//! where the error must be reported and what it must say:
//!
//! ```text
//! # expect: LINE:COLUMN part of the message
//! # hint: part of the hint            (optional)
//! ```

mod common;

use common::Station;

struct Expect {
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
}

fn expectation(text: &str) -> Expect {
    let mut line = 0;
    let mut column = 0;
    let mut message = String::new();
    let mut hint = None;
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("# expect: ") {
            let (pos, msg) = rest.split_once(' ').expect("LINE:COL message");
            let (a, b) = pos.split_once(':').expect("LINE:COL");
            line = a.parse().expect("line");
            column = b.parse().expect("column");
            message = msg.to_string();
        } else if let Some(rest) = l.strip_prefix("# hint: ") {
            hint = Some(rest.to_string());
        }
    }
    assert!(line > 0, "fixture has no `# expect:` line");
    Expect {
        line,
        column,
        message,
        hint,
    }
}

/// Every fixture, rendered in Vietnamese and in English: the same problems at the same
/// places, every text in its language (issue #14).
#[test]
fn each_fixture_is_explained_in_both_languages() {
    let mut failures = Vec::new();
    let mut rendered = 0;
    for folder in ["tests/fixtures/invalid", "tests/fixtures/valid"] {
        let dir = common::repo().join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut names: Vec<_> = entries
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        for name in &names {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let station = Station::new(&[(name.as_str(), text.as_str())]);
            if let Err(why) = common::says_the_same_in_both_languages(&station) {
                failures.push(format!("{folder}/{name}: {why}"));
            }
            // As a person sees it: the quoted line, the caret and the hint, in each language.
            for (lang, error, help) in [
                (loaxa::i18n::Lang::Vi, "lỗi", "gợi ý"),
                (loaxa::i18n::Lang::En, "error", "help"),
            ] {
                loaxa::i18n::scoped(lang, || {
                    let loaded = station.load();
                    for d in loaded.diagnostics.iter().filter(|d| d.is_error()) {
                        let shown = loaded.sources.render(d, false);
                        rendered += 1;
                        if !shown.starts_with(&format!("{error}: "))
                            || (d.hint.is_some() && !shown.contains(&format!("{help}: ")))
                        {
                            failures.push(format!("{folder}/{name} ({lang:?}):\n{shown}"));
                        }
                    }
                });
            }
        }
    }
    assert!(rendered >= 60, "only {rendered} diagnostics rendered");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_invalid_fixture_reports_its_error_at_the_right_place() {
    let dir = common::repo().join("tests/fixtures/invalid");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "only {} fixtures", names.len());
    let mut failures = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let want = expectation(&text);
        let station = Station::new(&[(name.as_str(), text.as_str())]);
        let loaded = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || station.load());
        let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
        let found = errors.iter().find(|d| {
            let (line, column) = loaded.sources.line_column(d.file, d.span.start);
            line == want.line
                && column == want.column
                && d.message.contains(&want.message)
                && want
                    .hint
                    .as_ref()
                    .is_none_or(|h| d.hint.as_deref().unwrap_or("").contains(h.as_str()))
        });
        if found.is_none() {
            let got: Vec<String> = errors
                .iter()
                .map(|d| {
                    format!(
                        "{} {} [hint: {}]",
                        loaded.sources.location(d),
                        d.message,
                        d.hint.clone().unwrap_or_default()
                    )
                })
                .collect();
            failures.push(format!(
                "{name}: wanted {}:{} `{}`{}\n   got: {}",
                want.line,
                want.column,
                want.message,
                want.hint.as_ref().map(|h| format!(" hint `{h}`")).unwrap_or_default(),
                if got.is_empty() {
                    "no errors".to_string()
                } else {
                    got.join("\n        ")
                }
            ));
        }
        // A broken file never contributes a broadcast.
        assert!(loaded.has_errors());
    }
    assert!(
        failures.is_empty(),
        "{} fixtures failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn all_errors_of_a_file_are_reported_not_just_the_first() {
    let text = "[[broadcast]]\nid = \"a\"\ntitle = \"A\"\nat = [\"25:00\", \"06:61\"]\naudio = \"missing.ogg\"\nchanels = []\n";
    let station = Station::new(&[("many.toml", text)]);
    let loaded = station.load();
    let lines: Vec<usize> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| loaded.sources.line_column(d.file, d.span.start).0)
        .collect();
    assert_eq!(lines, vec![4, 4, 5, 6], "{:?}", loaded.diagnostics);
}

#[test]
fn errors_in_several_files_are_all_reported_and_name_their_file() {
    let station = Station::new(&[
        (
            "a.toml",
            "[[broadcast]]\nid = \"a\"\ntitle = \"A\"\nat = \"25:00\"\naudio = \"chime.ogg\"\n",
        ),
        (
            "b.toml",
            "[[broadcast]]\nid = \"a\"\ntitle = \"B\"\nat = \"06:00\"\naudio = \"chime.ogg\"\n",
        ),
        (
            "c.toml",
            "[[broadcast]]\nid = \"c\"\ntitle = \"C\"\nat = \"06:30\"\naudio = \"chime.ogg\"\n",
        ),
    ]);
    let loaded = station.load();
    let locations: Vec<String> = loaded.diagnostics.iter().map(|d| loaded.sources.location(d)).collect();
    assert_eq!(locations, vec!["schedules/a.toml:4:6", "schedules/b.toml:2:6"]);
    let dup = &loaded.diagnostics[1];
    assert!(dup.message.contains("duplicate id `a`"));
    assert_eq!(
        loaded.sources.name(dup.notes[0].file),
        "schedules/a.toml",
        "names the first place too"
    );
}

#[cfg(unix)]
#[test]
fn symlink_pointing_out_of_media_is_rejected() {
    let station = Station::with_config(
        &common::CONFIG.replace("MEDIA", "media"),
        &[(
            "s.toml",
            "[[broadcast]]\nid = \"a\"\ntitle = \"A\"\nat = \"06:00\"\naudio = \"evil.ogg\"\n",
        )],
    );
    let media = station.path().join("media");
    std::fs::create_dir(&media).unwrap();
    std::fs::copy(
        common::repo().join("media/chime.ogg"),
        station.path().join("outside.ogg"),
    )
    .unwrap();
    std::os::unix::fs::symlink(station.path().join("outside.ogg"), media.join("evil.ogg")).unwrap();
    let loaded = station.load();
    assert_eq!(loaded.error_count(), 1);
    assert!(
        loaded.diagnostics[0]
            .message
            .contains("points outside the media folder"),
        "{:?}",
        loaded.diagnostics
    );
    // A link that stays inside is fine.
    std::fs::remove_file(media.join("evil.ogg")).unwrap();
    std::fs::copy(common::repo().join("media/chime.ogg"), media.join("real.ogg")).unwrap();
    std::os::unix::fs::symlink(media.join("real.ogg"), media.join("evil.ogg")).unwrap();
    assert!(!station.load().has_errors());
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let station = Station::new(&[]);
    std::fs::write(
        station.path().join("schedules/latin1.toml"),
        b"[[broadcast]]\nid = \"a\"\ntitle = \"B\xe1n tin\"\n",
    )
    .unwrap();
    let loaded = station.load();
    assert_eq!(loaded.error_count(), 1);
    let d = &loaded.diagnostics[0];
    assert!(d.message.contains("not valid UTF-8"));
    assert_eq!(loaded.sources.line_column(d.file, d.span.start), (3, 11));
}

#[test]
fn warnings_do_not_fail_and_include_overlaps_with_real_durations() {
    // kiem-soat-thu-tuc.ogg lasts about 13.5 s; the second programme starts 10 s in.
    let text = r#"
[[broadcast]]
id = "first"
title = "A"
at = "06:00:00"
audio = "mot-cua/kiem-soat-thu-tuc.ogg"

[[broadcast]]
id = "second"
title = "B"
at = "06:00:10"
audio = "chime.ogg"
"#;
    let station = Station::new(&[("o.toml", text)]);
    let config = station.config();
    let loaded = station.load();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let start = loaxa::domain::time::to_utc(config.station.timezone, "2024-06-03T00:00:00".parse().unwrap());
    let w = loaxa::schedule::lint(&config, &loaded.set, start..start + chrono::Duration::days(7));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].message
            .contains("`second` starts at 03/06/2024 06:00:10 while `first` is still playing"),
        "{}",
        w[0].message
    );
    assert!(w[0].message.contains("7 times"), "{}", w[0].message);
    // Move it past the end: no warning.
    let station = Station::new(&[("o.toml", &text.replace("06:00:10", "06:00:14"))]);
    let loaded = station.load();
    assert!(loaxa::schedule::lint(&config, &loaded.set, start..start + chrono::Duration::days(7)).is_empty());
}

#[test]
fn long_sessions_are_warned_about() {
    // 20 × 26 s repeats + gaps ≈ 10 min each; five back to back ≈ 50 min > 45.
    let mut text = String::new();
    for i in 0..5 {
        text += &format!(
            "[[broadcast]]\nid = \"p{i}\"\ntitle = \"P\"\nat = \"06:{:02}\"\naudio = \"de-an-06/vneid-muc-2.ogg\"\nrepeat = 20\ngap_seconds = 19\n\n",
            i * 10
        );
    }
    let station = Station::new(&[("s.toml", &text)]);
    let config = station.config();
    let loaded = station.load();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let start = loaxa::domain::time::to_utc(config.station.timezone, "2024-06-03T00:00:00".parse().unwrap());
    let w = loaxa::schedule::lint(&config, &loaded.set, start..start + chrono::Duration::days(1));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("over the 45-minute limit"), "{}", w[0].message);
    // Issue #33: the warning named the session's first broadcast, one the officer may never
    // have touched. It points at the one that takes the session over the limit, p4 (06:40),
    // and says where the session began.
    let (line, _) = loaded.sources.line_column(w[0].file, w[0].span.start);
    assert_eq!(line, 34, "p4's id: {}", w[0].message);
    assert!(
        w[0].message.contains("`p4`") && w[0].message.contains("`p0`"),
        "{}",
        w[0].message
    );
}

/// Issue #19: a set of thousands of broadcasts used to give one warning per overlapping pair
/// (3.7 MB of warnings for 10,000). Now one per broadcast that starts too early, with how
/// often and behind how many others, and past 100 of them a count of the rest.
#[test]
fn overlap_warnings_are_one_per_broadcast_and_bounded() {
    // 13.5 s of audio every 5 s: each programme starts while the one before still plays.
    let mut text = String::new();
    for i in 0..130 {
        let t = chrono::NaiveTime::from_hms_opt(6, 0, 0).unwrap() + chrono::Duration::seconds(5 * i);
        text += &format!(
            "[[broadcast]]\nid = \"b{i:03}\"\ntitle = \"B\"\nat = \"{}\"\naudio = \"mot-cua/kiem-soat-thu-tuc.ogg\"\n\n",
            t.format("%H:%M:%S")
        );
    }
    // `late` starts behind `mon` on Mondays and behind `tue` on Tuesdays.
    let days = r#"
[[broadcast]]
id = "late"
title = "L"
at = "07:00:10"
audio = "chime.ogg"

[[broadcast]]
id = "mon"
title = "M"
at = "07:00:00"
days = ["mon"]
audio = "mot-cua/kiem-soat-thu-tuc.ogg"

[[broadcast]]
id = "tue"
title = "T"
at = "07:00:00"
days = ["tue"]
audio = "mot-cua/kiem-soat-thu-tuc.ogg"
"#;
    let station = Station::new(&[("a.toml", days), ("o.toml", &text)]);
    let config = station.config();
    let loaded = station.load();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let start = loaxa::domain::time::to_utc(config.station.timezone, "2024-06-03T00:00:00".parse().unwrap());
    let w = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || {
        loaxa::schedule::lint(&config, &loaded.set, start..start + chrono::Duration::days(7))
    });
    let (more, overlaps): (Vec<_>, Vec<_>) = w
        .iter()
        .filter(|d| d.message.contains("still playing"))
        .partition(|d| d.code == "overlaps-not-shown");
    assert_eq!(overlaps.len(), loaxa::schedule::validate::MAX_SHOWN, "{w:#?}");
    // In file order: a.toml first.
    assert!(
        overlaps[0]
            .message
            .contains("`late` starts at 03/06/2024 07:00:10 while `mon` is still playing")
            && overlaps[0].message.contains("behind 2 different programmes")
            && overlaps[0].message.contains("2 times"),
        "{}",
        overlaps[0].message
    );
    assert!(
        overlaps[1]
            .message
            .contains("`b001` starts at 03/06/2024 06:00:05 while `b000` is still playing")
            && overlaps[1].message.contains("7 times")
            && !overlaps[1].message.contains("different"),
        "{}",
        overlaps[1].message
    );
    // 129 of the 130 start too early, and `late`: 100 shown, 30 counted.
    assert_eq!(more.len(), 1, "{w:#?}");
    assert!(more[0].message.contains("30 more broadcasts"), "{}", more[0].message);
    assert_eq!(loaded.sources.name(more[0].file), "schedules/o.toml");
    let (line, _) = loaded.sources.line_column(more[0].file, more[0].span.start);
    assert_eq!(
        line,
        1 + 6 * 100 + 1,
        "it points at the first broadcast not shown (b100)"
    );
}
