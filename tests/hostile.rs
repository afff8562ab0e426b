//! Hostile input: fuzzing the schedule parser and validator and the config loader, and the
//! specific nasty files a station can end up with. Zero panics, and every bad file gets a clear
//! error while the valid ones are kept.
//!
//! The fuzzer is proptest driving mutations of a committed corpus (`tests/fuzz/corpus/`, plus
//! the shipped schedules and every malformed fixture): bit flips, TOML tokens inserted,
//! ranges deleted, duplicated or spliced from another seed, truncation. cargo-fuzz would add
//! coverage guidance, but it needs a nightly toolchain, which this project's machines do not
//! have. `LOAXA_FUZZ_CASES` sets the number of inputs (make test: 4,000 per target; make soak:
//! 100,000). A failing input is shrunk and saved under `proptest-regressions/` to commit.

mod common;

use std::path::{Path, PathBuf};

use chrono::{Duration, TimeZone, Utc};
use loaxa::config::Config;
use loaxa::diagnostic::Sources;
use loaxa::schedule::{self, validate};
use proptest::prelude::*;
use proptest::test_runner::{Config as RunConfig, TestRunner};

fn corpus(dirs: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for d in dirs {
        let dir = common::repo().join(d);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        seeds.extend(paths.iter().map(|p| std::fs::read(p).unwrap()));
    }
    assert!(seeds.len() >= 3, "corpus too small");
    seeds
}

/// Pieces of schedule and config syntax, so mutations make near-valid files, not just noise.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[broadcast]]",
    "[broadcast.post]",
    "[campaign]",
    "[channels.x]",
    "\"",
    "'",
    "\"\"\"",
    "=",
    ",",
    "\n",
    "{",
    "}",
    ".",
    "#",
    "\r\n",
    "\t",
    "\0",
    "at = ",
    "on = ",
    "cron = ",
    "days = ",
    "except = [",
    "audio = [",
    "channels = [",
    "\"06:00\"",
    "\"24:00\"",
    "\"23:59:60\"",
    "2024-02-29",
    "2023-02-29",
    "2024-05-01T06:30:00",
    "2024-05-01T06:30:00+07:00",
    "\"0 0 * * *\"",
    "\"* * * * * *\"",
    "\"0 0 31 2 *\"",
    "\"L\"",
    "\"Thứ Hai\"",
    "\"CN\"",
    "priority = \"emergency\"",
    "repeat = 0",
    "repeat = 4294967296",
    "gap_seconds = -1",
    "volume = 2.0",
    "1e308",
    "nan",
    "inf",
    "-0",
    "9999999999999999999",
    "\"../loaxa.toml\"",
    "\"/etc/passwd\"",
    "\"chime.ogg\"",
    "\"loudspeaker\"",
    "\"facebook\"",
    "text = ",
    "link = \"javascript:x\"",
    "image = ",
    "id = ",
    "title = ",
    "Đề án 06 — định danh",
    "\u{feff}",
    "\u{202e}",
    "\u{ffff}",
    "kind = \"zalo\"",
    "token = \"x\"",
    "timezone = \"Mars/Olympus\"",
    "quiet_hours = \"21:00-05:00\"",
    "listen = \"0.0.0.0:80\"",
];

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Splice(usize, usize, usize, usize),
    Truncate(usize),
    Bytes(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(p, t)| Mutation::Insert(p, t)),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 1usize..256).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
        (any::<usize>(), any::<usize>(), any::<usize>(), 1usize..512)
            .prop_map(|(p, s, f, n)| Mutation::Splice(p, s, f, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..16)).prop_map(|(p, b)| Mutation::Bytes(p, b)),
    ]
}

fn apply(mut s: Vec<u8>, muts: &[Mutation], seeds: &[Vec<u8>]) -> Vec<u8> {
    for m in muts {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
        match m {
            Mutation::Flip(p, b) if !s.is_empty() => {
                let i = p % s.len();
                s[i] ^= b | 1;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(p, t) => {
                let i = at(*p, s.len());
                s.splice(i..i, TOKENS[*t].bytes());
            }
            Mutation::Delete(p, n) => {
                let i = at(*p, s.len());
                let e = (i + n).min(s.len());
                s.drain(i..e);
            }
            Mutation::Duplicate(p, n) => {
                let i = at(*p, s.len());
                let e = (i + n).min(s.len());
                let chunk = s[i..e].to_vec();
                s.splice(e..e, chunk);
            }
            Mutation::Splice(p, seed, from, n) => {
                let other = &seeds[seed % seeds.len()];
                let f = at(*from, other.len());
                let e = (f + n).min(other.len());
                let i = at(*p, s.len());
                s.splice(i..i, other[f..e].iter().copied());
            }
            Mutation::Truncate(p) => {
                let i = at(*p, s.len());
                s.truncate(i);
            }
            Mutation::Bytes(p, b) => {
                let i = at(*p, s.len());
                s.splice(i..i, b.iter().copied());
            }
        }
    }
    s
}

fn cases(default: u32) -> u32 {
    std::env::var("LOAXA_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(name: &str) -> TestRunner {
    let config = RunConfig {
        cases: cases(4000),
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            Box::leak(
                format!("{}/proptest-regressions/hostile-{name}.txt", env!("CARGO_MANIFEST_DIR")).into_boxed_str(),
            ),
        ))),
        ..RunConfig::default()
    };
    TestRunner::new(config)
}

/// A station whose media folder is the repository's and whose channels cover every kind the
/// schedules name.
fn station_config() -> Config {
    let text = format!(
        "[station]\nname = \"x\"\nmedia = \"{}\"\n[policy]\nquiet_hours = \"21:00-05:00\"\n\
         [channels.facebook]\nkind = \"facebook\"\npage_id = \"1\"\ntoken_env = \"LOAXA_FUZZ_NONE\"\n\
         [channels.zalo]\nkind = \"zalo\"\napp_id = \"1\"\ntoken_env = \"LOAXA_FUZZ_NONE\"\nsecret_env = \"LOAXA_FUZZ_NONE\"\n\
         [channels.web]\nkind = \"board\"\n",
        common::repo().join("media").display()
    );
    Config::parse(Path::new("/station/loaxa.toml"), &text, 0).expect("fuzz station config")
}

/// Everything `loaxa check` and the daemon do with a schedule file's bytes: parse, validate,
/// render every diagnostic, and for a valid set lint it and plan two days.
fn check_schedule(config: &Config, bytes: &[u8]) {
    let files = vec![
        (
            PathBuf::from("/station/schedules/a.toml"),
            "schedules/a.toml".to_string(),
            Ok(bytes.to_vec()),
        ),
        (
            PathBuf::from("/station/schedules/b.toml"),
            "schedules/b.toml".to_string(),
            Ok(bytes.to_vec()),
        ),
    ];
    let loaded = schedule::load_from(config, files);
    for d in &loaded.diagnostics {
        let text = loaded.sources.render(d, false);
        assert!(!text.is_empty());
        assert!(
            text.len() < 64 * 1024,
            "a report of {} bytes for one problem",
            text.len()
        );
        let _ = loaded.sources.location(d);
    }
    if !loaded.has_errors() {
        let start = Utc.with_ymd_and_hms(2026, 11, 27, 0, 0, 0).unwrap();
        let _ = validate::lint(config, &loaded.set, start..start + Duration::days(2));
        let _ = loaxa::domain::plan::occurrences(
            &loaded.set.broadcasts,
            start..start + Duration::days(2),
            config.station.timezone,
        );
    }
}

fn check_config(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let mut sources = Sources::new();
    let file = sources.add(Path::new("/station/loaxa.toml"), "loaxa.toml".into(), text.to_string());
    if let Err(ds) = Config::parse(Path::new("/station/loaxa.toml"), sources.text(file), file) {
        assert!(!ds.is_empty(), "an invalid config must say why");
        for d in &ds {
            assert!(sources.render(d, false).len() < 64 * 1024);
        }
    }
}

#[test]
fn fuzz_the_schedule_parser_and_validator() {
    let seeds = corpus(&["tests/fuzz/corpus/schedule", "schedules", "tests/fixtures/invalid"]);
    let config = station_config();
    let n = seeds.len();
    let strategy = (0..n, proptest::collection::vec(mutation(), 1..8));
    runner("schedule")
        .run(&strategy, |(i, muts)| {
            check_schedule(&config, &apply(seeds[i].clone(), &muts, &seeds));
            Ok(())
        })
        .unwrap();
}

#[test]
fn fuzz_the_config_loader() {
    let seeds = corpus(&["tests/fuzz/corpus/config"]);
    let n = seeds.len();
    let strategy = (0..n, proptest::collection::vec(mutation(), 1..8));
    runner("config")
        .run(&strategy, |(i, muts)| {
            check_config(&apply(seeds[i].clone(), &muts, &seeds));
            Ok(())
        })
        .unwrap();
}

#[test]
fn arbitrary_bytes_never_panic() {
    let config = station_config();
    runner("bytes")
        .run(&proptest::collection::vec(any::<u8>(), 0..2048), |bytes| {
            check_schedule(&config, &bytes);
            check_config(&bytes);
            Ok(())
        })
        .unwrap();
}

fn errors_of(bytes: &[u8]) -> Vec<String> {
    let config = station_config();
    let loaded = schedule::load_from(
        &config,
        [(
            PathBuf::from("/station/schedules/x.toml"),
            "schedules/x.toml".into(),
            Ok(bytes.to_vec()),
        )],
    );
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| loaded.sources.render(d, false))
        .collect()
}

#[test]
fn deeply_nested_toml_is_refused_without_overflowing_the_stack() {
    for text in [
        format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        format!("a = {}1{}\n", "{b = ".repeat(50_000), "}".repeat(50_000)),
        format!("[{}b]\nc = 1\n", "a.".repeat(50_000)),
    ] {
        let errors = errors_of(text.as_bytes());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("schedules/x.toml:1:"), "{}", errors[0]);
        assert!(errors[0].len() < 2000, "the report quotes a window, not a 100 kB line");
    }
}

#[test]
fn invalid_utf8_and_control_bytes_point_at_the_line() {
    let errors = errors_of(b"[[broadcast]]\nid = \"a\"\ntitle = \"B\xe1n tin\"\n");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("schedules/x.toml:3:") && errors[0].contains("not valid UTF-8"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("Encoding: UTF-8"));
    let errors = errors_of(b"[[broadcast]]\nid = \"a\0\"\n");
    assert!(errors.iter().any(|e| e.contains("schedules/x.toml:2:")), "{errors:?}");
    // A byte-order mark (Notepad's UTF-8) is not a mistake.
    let bom = "\u{feff}# Đề án 06\n";
    assert!(errors_of(bom.as_bytes()).is_empty());
}

#[test]
fn huge_files_are_refused_unread_and_the_rest_still_loads() {
    let st = common::Station::new(&[(
        "ok.toml",
        "[[broadcast]]\nid = \"ok\"\ntitle = \"x\"\nat = [\"06:00\"]\naudio = [\"chime.ogg\"]\nchannels = [\"loudspeaker\"]\n",
    )]);
    let big = st.path().join("schedules/big.toml");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(200 * 1024 * 1024).unwrap(); // sparse: 200 MB that costs no disk
    let loaded = st.load();
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| loaded.sources.render(d, false))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("schedules/big.toml") && errors[0].contains("209.7 MB"),
        "{}",
        errors[0]
    );
    assert_eq!(loaded.set.broadcasts.len(), 1, "the valid file is still read");
    // The config loader has the same limit.
    let cfg = st.path().join("big-loaxa.toml");
    std::fs::File::create(&cfg).unwrap().set_len(50 * 1024 * 1024).unwrap();
    let err = Config::load(&cfg).unwrap_err().to_string();
    assert!(err.contains("52.4 MB"), "{err}");
}

/// Media that is not what it claims, and links that try to leave media/.
#[test]
fn media_tricks_are_refused_by_check_with_the_line() {
    let st = common::Station::with_config(
        "[station]\nname = \"x\"\nmedia = \"media\"\n",
        &[(
            "x.toml",
            &["text.mp3", "empty.mp3", "truncated.mp3", "out.ogg", "zero.mp3", "fifo.mp3", "loop.mp3", "sub/../../x.ogg"]
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    format!(
                        "[[broadcast]]\nid = \"b{i}\"\ntitle = \"x\"\nat = [\"06:{i:02}\"]\naudio = [\"{f}\"]\nchannels = [\"loudspeaker\"]\n"
                    )
                })
                .collect::<String>(),
        )],
    );
    let media = st.path().join("media");
    std::fs::create_dir(&media).unwrap();
    std::fs::write(media.join("text.mp3"), "Đây là văn bản, không phải âm thanh.\n").unwrap();
    std::fs::write(media.join("empty.mp3"), "").unwrap();
    std::fs::copy(
        common::repo().join("tests/fixtures/audio/truncated.mp3"),
        media.join("truncated.mp3"),
    )
    .unwrap();
    std::fs::write(st.path().join("secret.ogg"), b"OggS").unwrap();
    std::os::unix::fs::symlink(st.path().join("secret.ogg"), media.join("out.ogg")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", media.join("zero.mp3")).unwrap();
    std::os::unix::fs::symlink("loop.mp3", media.join("loop.mp3")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(media.join("fifo.mp3"))
        .status()
        .unwrap();
    assert!(fifo.success());
    let loaded = st.load();
    let by_line: Vec<(usize, String)> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| (loaded.sources.line_column(d.file, d.span.start).0, d.message.clone()))
        .collect();
    assert_eq!(by_line.len(), 8, "{by_line:#?}");
    for (i, expect) in [
        "not playable audio: unrecognised format",
        "the file is empty",
        "the file is damaged: only 0.9 s of its 4.0 s decode",
        "outside the media folder",
        "outside the media folder",
        "not a regular file",
        "Too many levels of symbolic links",
        "uses `..` to leave the media folder",
    ]
    .iter()
    .enumerate()
    {
        let line = 5 + i * 6;
        let msg = &by_line
            .iter()
            .find(|(l, _)| *l == line)
            .unwrap_or_else(|| panic!("no error on line {line}: {by_line:#?}"))
            .1;
        assert!(msg.contains(expect), "line {line}: {msg}");
    }
    assert!(loaded.set.broadcasts.is_empty() || loaded.has_errors());
}

/// A damaged file is told in the station's language from end to end: `loaxa check` in
/// Vietnamese once said "… không phát được: the file is damaged …", because the reason was an
/// English text with the path cut out of it.
#[test]
fn a_damaged_file_is_told_whole_in_the_stations_language() {
    let schedule = "[[broadcast]]\nid = \"b\"\ntitle = \"x\"\nat = [\"06:00\"]\naudio = [\"truncated.mp3\"]\nchannels = [\"loudspeaker\"]\n";
    for (language, expect) in [
        ("vi", "tệp bị hỏng: chỉ giải mã được 0.9 trong 4.0 giây"),
        ("en", "the file is damaged: only 0.9 s of its 4.0 s decode"),
    ] {
        let st = common::Station::with_config(
            &format!("[station]\nname = \"x\"\nlanguage = \"{language}\"\nmedia = \"media\"\n"),
            &[("x.toml", schedule)],
        );
        std::fs::create_dir(st.path().join("media")).unwrap();
        std::fs::copy(
            common::repo().join("tests/fixtures/audio/truncated.mp3"),
            st.path().join("media/truncated.mp3"),
        )
        .unwrap();
        let out = st.loaxa(&["check"]);
        let text = String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{text}");
        assert!(text.contains(expect), "{language}: {text}");
        if language == "vi" {
            assert!(!text.contains("the file"), "an English fragment in: {text}");
        }
    }
}
