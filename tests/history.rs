//! The history database through the real SQLite file: durability, tamper evidence, faults,
//! concurrent readers, exports.

mod common;

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use loaxa::domain::event::{Kind, Status};
use loaxa::history::query::{self, Filter};
use loaxa::history::verify::{Break, Walker, parse_head, verify};
use loaxa::history::{Event, History, OccurrenceKey, Receipt, Store, StoreError};
use rusqlite::Connection;
use serde_json::json;

const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

fn event(i: usize) -> Event {
    let kind = [
        Kind::PlayoutStarted,
        Kind::PlayoutFinished,
        Kind::PostSucceeded,
        Kind::PlayoutMissed,
    ][i % 4];
    let mut e = Event::new(
        kind,
        json!({"title": format!("Bản tin số {i}: Đề án 06 — định danh điện tử"), "n": i}),
    )
    .at(Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(i as i64));
    e.occurrence = Some(OccurrenceKey {
        broadcast_id: format!("b{}", i % 3),
        scheduled_at: e.at,
    });
    e.campaign = Some("Đề án 06".into());
    if kind == Kind::PostSucceeded {
        e.channel = Some("facebook".into());
    }
    e
}

fn filled(dir: &Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("history.db");
    let mut store = Store::open(&path, TZ).unwrap();
    let events: Vec<Event> = (0..n).map(event).collect();
    store.append(&events).unwrap();
    path
}

/// Raw access as an attacker would have it: the append-only triggers dropped first.
fn tamper(path: &Path, sql: &str) {
    let c = Connection::open(path).unwrap();
    c.execute_batch("DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;")
        .unwrap();
    c.execute_batch(sql).unwrap();
}

fn first_break(path: &Path) -> Option<Break> {
    verify(&Store::open_read_only(path, TZ).unwrap(), None)
        .unwrap()
        .first_break
}

#[test]
fn intact_chain_verifies_and_reports_its_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    let store = Store::open_read_only(&path, TZ).unwrap();
    let r = verify(&store, None).unwrap();
    assert_eq!(r.events, 10);
    assert_eq!(r.first_break, None);
    let head = r.head.unwrap();
    assert_eq!(head.seq, 10);
    assert_eq!(head.hash.len(), 64);
    // The published head checks out too.
    assert_eq!(verify(&store, Some(&head)).unwrap().first_break, None);
}

#[test]
fn the_database_refuses_updates_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 3);
    let c = Connection::open(&path).unwrap();
    let e = c
        .execute("UPDATE events SET details = '{}' WHERE seq = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    assert!(c.execute("DELETE FROM events WHERE seq = 3", []).is_err());
}

#[test]
fn an_edited_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    tamper(
        &path,
        "UPDATE events SET details = replace(details, 'Bản tin số 6', 'Bản tin số 7') WHERE seq = 7",
    );
    assert_eq!(first_break(&path), Some(Break::Edited { seq: 7 }));
}

#[test]
fn an_edited_timestamp_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    tamper(
        &path,
        "UPDATE events SET at_utc = '2024-05-01T01:00:00.000Z' WHERE seq = 4",
    );
    assert_eq!(first_break(&path), Some(Break::Edited { seq: 4 }));
}

#[test]
fn a_deleted_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    tamper(&path, "DELETE FROM events WHERE seq = 5");
    assert_eq!(first_break(&path), Some(Break::Deleted { from: 5, to: 5 }));
}

#[test]
fn a_deleted_and_renumbered_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    tamper(
        &path,
        "DELETE FROM events WHERE seq = 5; UPDATE events SET seq = seq + 1000 WHERE seq > 5; UPDATE events SET seq = seq - 1001 WHERE seq > 1000;",
    );
    assert_eq!(first_break(&path), Some(Break::Relinked { seq: 5 }));
}

#[test]
fn an_inserted_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    // Make room after seq 4 and slip in a copy of row 2 with a plausible link.
    tamper(
        &path,
        "UPDATE events SET seq = seq + 1000 WHERE seq > 4; UPDATE events SET seq = seq - 999 WHERE seq > 1000;
         INSERT INTO events SELECT 5, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details,
           (SELECT hash FROM events WHERE seq = 4), hash FROM events WHERE seq = 2;",
    );
    assert_eq!(first_break(&path), Some(Break::Edited { seq: 5 }));
    // Appended at the end, after the last row, with a made-up link.
    let dir2 = tempfile::tempdir().unwrap();
    let path = filled(dir2.path(), 10);
    tamper(
        &path,
        "INSERT INTO events SELECT 11, at_utc, at_local, kind, broadcast_id, scheduled_at, channel, campaign, details, prev_hash, hash FROM events WHERE seq = 3;",
    );
    assert_eq!(first_break(&path), Some(Break::Relinked { seq: 11 }));
}

#[test]
fn reordered_rows_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    tamper(
        &path,
        "UPDATE events SET seq = 1003 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = 1003;",
    );
    assert_eq!(first_break(&path), Some(Break::Relinked { seq: 3 }));
}

#[test]
fn truncation_is_caught_with_the_published_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 10);
    let head = verify(&Store::open_read_only(&path, TZ).unwrap(), None)
        .unwrap()
        .head
        .unwrap();
    tamper(&path, "DELETE FROM events WHERE seq > 8");
    let store = Store::open_read_only(&path, TZ).unwrap();
    assert_eq!(
        verify(&store, None).unwrap().first_break,
        None,
        "the chain alone cannot see it"
    );
    assert_eq!(
        verify(&store, Some(&head)).unwrap().first_break,
        Some(Break::Truncated { last: 8, head: 10 })
    );
    // A rewritten history that reaches the same length is caught by the hash.
    let wrong = parse_head(&format!("8:{}", "ab".repeat(32))).unwrap();
    assert_eq!(
        verify(&store, Some(&wrong)).unwrap().first_break,
        Some(Break::HeadMismatch { seq: 8 })
    );
}

#[test]
fn foreign_and_corrupt_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let foreign = dir.path().join("foreign.db");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE songs(title TEXT);")
        .unwrap();
    let before = std::fs::read(&foreign).unwrap();
    assert!(matches!(Store::open(&foreign, TZ), Err(StoreError::Foreign { .. })));
    assert_eq!(std::fs::read(&foreign).unwrap(), before);

    let corrupt = dir.path().join("corrupt.db");
    let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&corrupt, &junk).unwrap();
    let e = Store::open(&corrupt, TZ).err().expect("refused");
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
    assert!(e.to_string().contains("left untouched"), "{e}");
    assert_eq!(std::fs::read(&corrupt).unwrap(), junk);
}

#[test]
fn schema_is_versioned_and_files_from_newer_versions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 1);
    let c = Connection::open(&path).unwrap();
    let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!((v, mode.as_str()), (3, "wal"));
    drop(Store::open(&path, TZ).unwrap()); // reopening migrates nothing and keeps the data
    assert_eq!(
        verify(&Store::open_read_only(&path, TZ).unwrap(), None).unwrap().events,
        1
    );
    c.pragma_update(None, "user_version", 99).unwrap();
    assert!(matches!(
        Store::open(&path, TZ),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readers_run_while_the_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let history = History::start(&path, TZ).unwrap();
    let _ = history.record(event(0)).await;
    let reader_path = path.clone();
    let reader = std::thread::spawn(move || {
        let mut reads = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let store = Store::open_read_only(&reader_path, TZ).expect("open while writing");
            let r = verify(&store, None).expect("verify while writing");
            assert_eq!(r.first_break, None);
            let rows = query::events(&store, &Filter::default()).expect("query while writing");
            assert_eq!(rows.len() as i64, r.events.max(rows.len() as i64));
            reads += 1;
            if r.events >= 1000 || Instant::now() > deadline {
                return reads;
            }
        }
    });
    let mut tasks = Vec::new();
    for t in 0..4 {
        let h = history.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..250 {
                let r = h.record(event(t * 1000 + i)).await;
                assert!(r.is_written(), "{r:?}");
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(history.close().await, 0);
    let reads = reader.join().unwrap();
    assert!(reads > 1, "the reader ran {reads} times");
    let r = verify(&Store::open_read_only(&path, TZ).unwrap(), None).unwrap();
    assert_eq!((r.events, r.first_break), (1001, None));
}

#[tokio::test]
async fn a_full_disk_keeps_events_in_memory_and_writes_them_later() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let history = History::start(&path, TZ).unwrap();
    for i in 0..5 {
        assert!(history.record(event(i)).await.is_written());
    }
    let pages: i64 = Connection::open(&path)
        .unwrap()
        .pragma_query_value(None, "page_count", |r| r.get(0))
        .unwrap();
    history.limit_pages(pages as u32).await;
    // Fill the last pages, then keep going: events are parked, not lost, not blocking.
    let mut pending = 0;
    for i in 5..400 {
        match history.record(event(i)).await {
            Receipt::Written(_) => {}
            Receipt::Pending { backlog, error } => {
                pending += 1;
                assert!(backlog >= 1);
                assert!(error.contains("full"), "{error}");
            }
        }
    }
    assert!(pending > 0, "the disk never filled");
    assert!(history.backlog().await > 0);
    history.limit_pages(1_000_000).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while history.backlog().await > 0 {
        assert!(Instant::now() < deadline, "backlog never written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(history.close().await, 0);
    let store = Store::open_read_only(&path, TZ).unwrap();
    let r = verify(&store, None).unwrap();
    assert_eq!(r.first_break, None);
    let rows = query::events(&store, &Filter::default()).unwrap();
    assert_eq!(rows.len(), 401, "400 events plus one history_recovered");
    let ns: Vec<i64> = rows.iter().filter_map(|e| e.details_json()["n"].as_i64()).collect();
    assert_eq!(ns, (0..400).collect::<Vec<_>>(), "every event, in order");
    let recovered = rows
        .iter()
        .find(|e| e.kind == "history_recovered")
        .expect("recovery recorded");
    assert!(recovered.details_json()["error"].as_str().unwrap().contains("full"));
}

/// Child half of the SIGKILL test: appends events and prints each acknowledged sequence number.
#[test]
fn child_writer() {
    let Some(path) = std::env::var_os("LOAXA_CHILD_WRITER") else {
        return;
    };
    let history = History::start(Path::new(&path), TZ).unwrap();
    for i in 0.. {
        if let Receipt::Written(head) = history.record_blocking(event(i)) {
            println!("acked {}", head.seq);
        }
    }
}

#[test]
fn sigkill_mid_stream_loses_no_acknowledged_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let mut last_acked = 0;
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
            .env("LOAXA_CHILD_WRITER", &path)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let target = 50 + round * 37;
        let mut seen = 0;
        for line in stdout.lines() {
            let line = line.unwrap();
            if let Some(seq) = line.strip_prefix("acked ") {
                last_acked = seq.parse().unwrap();
                seen += 1;
                if seen == target {
                    break;
                }
            }
        }
        // SIGKILL, mid-stream.
        child.kill().unwrap();
        child.wait().unwrap();
        let r = verify(&Store::open_read_only(&path, TZ).unwrap(), None).unwrap();
        assert_eq!(r.first_break, None, "round {round}");
        assert!(
            r.head.unwrap().seq >= last_acked,
            "acknowledged event {last_acked} lost in round {round}"
        );
    }
}

#[test]
fn csv_round_trips_vietnamese_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 8);
    let store = Store::open_read_only(&path, TZ).unwrap();
    let rows = query::events(&store, &Filter::default()).unwrap();
    let mut buf = Vec::new();
    query::write_csv(&mut buf, &store, &rows).unwrap();
    assert!(buf.starts_with("\u{feff}".as_bytes()), "UTF-8 BOM for spreadsheets");
    let mut r = csv::Reader::from_reader(&buf[3..]);
    let headers = r.headers().unwrap().clone();
    let title = headers.iter().position(|h| h == "title").unwrap();
    let campaign = headers.iter().position(|h| h == "campaign").unwrap();
    let back: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(back.len(), 8);
    for (i, rec) in back.iter().enumerate() {
        assert_eq!(&rec[title], format!("Bản tin số {i}: Đề án 06 — định danh điện tử"));
        assert_eq!(&rec[campaign], "Đề án 06");
    }
    assert_eq!(&back[0][1], "2024-05-01T07:00:00.000+07:00", "local time column");
}

#[test]
fn filters_and_summary() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 40);
    let store = Store::open_read_only(&path, TZ).unwrap();
    let count = |f: Filter| query::events(&store, &f).unwrap().len();
    assert_eq!(count(Filter::default()), 40);
    assert_eq!(
        count(Filter {
            broadcast_id: Some("b1".into()),
            ..Filter::default()
        }),
        13
    );
    assert_eq!(
        count(Filter {
            channel: Some("facebook".into()),
            ..Filter::default()
        }),
        10
    );
    assert_eq!(
        count(Filter {
            status: Some(Status::Missed),
            ..Filter::default()
        }),
        10
    );
    assert_eq!(
        count(Filter {
            kinds: vec![Kind::PlayoutStarted],
            ..Filter::default()
        }),
        10
    );
    assert_eq!(
        count(Filter {
            campaign: Some("Đề án 06".into()),
            ..Filter::default()
        }),
        40
    );
    let from = Utc.with_ymd_and_hms(2024, 5, 1, 0, 10, 0).unwrap();
    assert_eq!(
        count(Filter {
            from: Some(from),
            to: Some(from + chrono::Duration::minutes(5)),
            ..Filter::default()
        }),
        5
    );
    let s = query::summary(&store, &Filter::default()).unwrap();
    assert_eq!(s.by_channel["facebook"].ok, 10);
    let total_missed: u64 = s.by_broadcast.values().map(|c| c.missed).sum();
    assert_eq!(total_missed, 10);
}

#[test]
fn cli_history_and_verify_on_a_real_file() {
    let station = common::Station::new(&[]);
    let data = station.path().join("var");
    let path = filled(&data, 12);
    let bin = env!("CARGO_BIN_EXE_loaxa");
    let cfg = station.config_path();
    let run = |args: &[&str]| Command::new(bin).arg("--config").arg(&cfg).args(args).output().unwrap();

    let out = run(&["verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("ok: 12 events, chain intact"), "{text}");
    let head = text.lines().find_map(|l| l.strip_prefix("head: ")).unwrap().to_string();
    assert!(head.starts_with("12:"));

    let out = run(&["history", "--status", "ok", "--format", "json"]);
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 6);

    let out = run(&["history", "--summary"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("facebook"), "{text}");

    let out = run(&["history", "--kind", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));

    tamper(&path, "DELETE FROM events WHERE seq >= 11");
    let out = run(&["verify", "--head", &head]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("first broken event: 11"), "{err}");
}

#[test]
fn playout_events_are_self_contained() {
    // A station whose media can be deleted after the fact.
    let station = common::Station::with_config(
        &common::CONFIG.replace("MEDIA", "media"),
        &[(
            "s.toml",
            "[campaign]\nname = \"Đề án 06\"\n[[broadcast]]\nid = \"vneid\"\ntitle = \"Kích hoạt VNeID mức 2\"\nat = \"06:15\"\naudio = [\"chime.ogg\", \"vneid.ogg\"]\nrepeat = 2\n",
        )],
    );
    let media = station.path().join("media");
    std::fs::create_dir(&media).unwrap();
    std::fs::copy(common::repo().join("media/chime.ogg"), media.join("chime.ogg")).unwrap();
    std::fs::copy(
        common::repo().join("media/de-an-06/vneid-muc-2.ogg"),
        media.join("vneid.ogg"),
    )
    .unwrap();
    let config = station.config();
    let loaded = station.load();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let from = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    let occ = loaxa::domain::plan::occurrences(&loaded.set.broadcasts, from..from + chrono::Duration::days(1), TZ);
    let mut prints = loaxa::history::event::Fingerprints::default();
    let details = prints.programme(occ[0].broadcast, &config.station.media);
    let e = Event::new(Kind::PlayoutFinished, details).for_occurrence(&occ[0]);
    let path = station.path().join("var/history.db");
    Store::open(&path, TZ).unwrap().append(&[e]).unwrap();

    std::fs::remove_dir_all(&media).unwrap();
    std::fs::remove_file(station.path().join("schedules/s.toml")).unwrap();

    let store = Store::open_read_only(&path, TZ).unwrap();
    let rows = query::events(&store, &Filter::default()).unwrap();
    let d = rows[0].details_json();
    assert_eq!(d["title"], "Kích hoạt VNeID mức 2");
    assert_eq!(rows[0].campaign.as_deref(), Some("Đề án 06"));
    assert_eq!(rows[0].broadcast_id.as_deref(), Some("vneid"));
    assert_eq!(rows[0].scheduled_at.as_deref(), Some("2024-05-01T23:15:00.000Z"));
    let audio = d["audio"].as_array().unwrap();
    assert_eq!(audio.len(), 2);
    let chime_sha = loaxa::domain::text::hex(&<sha2::Sha256 as sha2::Digest>::digest(
        std::fs::read(common::repo().join("media/chime.ogg")).unwrap(),
    ));
    assert_eq!(audio[0]["sha256"], chime_sha.as_str());
    assert!((audio[0]["duration_s"].as_f64().unwrap() - 1.6).abs() < 0.1);
    assert_eq!(d["repeat"], 2);
}

/// Issue #13: `verify` exits 1 on every kind of damage (one kind used to exit 2, the code for
/// a usage error, so a script checking for 1 missed it), and 2 only when there is no history.
#[test]
fn verify_exits_1_on_every_kind_of_damage() {
    let station = common::Station::new(&[]);
    let data = station.path().join("var");
    let bin = env!("CARGO_BIN_EXE_loaxa");
    let cfg = station.config_path();
    let run = |args: &[&str]| Command::new(bin).arg("--config").arg(&cfg).args(args).output().unwrap();
    assert_eq!(run(&["verify"]).status.code(), Some(2), "no history yet");
    type Hurt<'a> = &'a dyn Fn(&Path);
    let damage: [(&str, Hurt); 7] = [
        ("a deleted row", &|p| tamper(p, "DELETE FROM events WHERE seq = 3")),
        ("an edited row", &|p| {
            tamper(p, "UPDATE events SET details = '{}' WHERE seq = 3")
        }),
        ("a hash that is not hex", &|p| {
            tamper(p, "UPDATE events SET hash = 'zz' WHERE seq = 3")
        }),
        ("a NULL in a required column", &|p| {
            tamper(
                p,
                "CREATE TABLE e2 AS SELECT * FROM events; DROP TABLE events; ALTER TABLE e2 RENAME TO events;
                 UPDATE events SET at_utc = NULL WHERE seq = 3",
            )
        }),
        ("a number where text belongs", &|p| {
            tamper(p, "UPDATE events SET kind = 42 WHERE seq = 3")
        }),
        ("a dropped table", &|p| tamper(p, "DROP TABLE events")),
        ("a file that is not a database", &|p| {
            std::fs::write(p, b"not a database at all, sorry").unwrap()
        }),
    ];
    let mut seen = Vec::new();
    for (what, hurt) in damage {
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data).unwrap();
        let path = filled(&data, 6);
        assert_eq!(run(&["verify"]).status.code(), Some(0), "{what}: intact before");
        hurt(&path);
        let out = run(&["verify"]);
        let err = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{what}: {err}");
        assert!(err.contains("BROKEN"), "{what}: {err}");
        seen.push(what);
    }
    eprintln!(
        "history: verify exits 1 on {} kinds of damage: {}",
        seen.len(),
        seen.join(", ")
    );
}

/// Issue #21: a long history is walked as two halves on two threads. Every kind of break, in
/// either half and where they join, is found exactly where the one-thread walk of the daemon
/// (`Walker`) finds it.
#[test]
fn a_long_history_walked_in_halves_finds_each_break_where_one_walk_does() {
    let dir = tempfile::tempdir().unwrap();
    let n = 30_000;
    let original = filled(dir.path(), n);
    let head = verify(&Store::open_read_only(&original, TZ).unwrap(), None)
        .unwrap()
        .head
        .unwrap();
    // The halves meet between 15,000 and 15,001.
    let cases: [(&str, &str, Option<Break>); 9] = [
        ("intact", "", None),
        (
            "edited low",
            "UPDATE events SET details = '{}' WHERE seq = 7",
            Some(Break::Edited { seq: 7 }),
        ),
        (
            "edited high",
            "UPDATE events SET details = '{}' WHERE seq = 29000",
            Some(Break::Edited { seq: 29_000 }),
        ),
        (
            "edited in both",
            "UPDATE events SET details = '{}' WHERE seq IN (20000, 9)",
            Some(Break::Edited { seq: 9 }),
        ),
        (
            "last of the lower half deleted",
            "DELETE FROM events WHERE seq = 15000",
            Some(Break::Deleted {
                from: 15_000,
                to: 15_000,
            }),
        ),
        (
            "first of the upper half deleted",
            "DELETE FROM events WHERE seq = 15001",
            Some(Break::Deleted {
                from: 15_001,
                to: 15_001,
            }),
        ),
        (
            "deleted across the join",
            "DELETE FROM events WHERE seq BETWEEN 14999 AND 15002",
            Some(Break::Deleted {
                from: 14_999,
                to: 15_002,
            }),
        ),
        (
            "swapped across the join",
            "UPDATE events SET seq = 100000 WHERE seq = 15000; UPDATE events SET seq = 15000 WHERE seq = 15001; UPDATE events SET seq = 15001 WHERE seq = 100000;",
            Some(Break::Relinked { seq: 15_000 }),
        ),
        (
            "first row deleted",
            "DELETE FROM events WHERE seq = 1",
            Some(Break::Deleted { from: 1, to: 1 }),
        ),
    ];
    for (name, sql, want) in cases {
        let path = dir.path().join(format!("{}.db", name.replace(' ', "-")));
        std::fs::copy(&original, &path).unwrap();
        if !sql.is_empty() {
            tamper(&path, sql);
        }
        let store = Store::open_read_only(&path, TZ).unwrap();
        let report = verify(&store, None).unwrap();
        assert_eq!(report.first_break, want, "{name}");
        // The daemon's one-thread walk agrees.
        let mut walker = Walker::default();
        while walker.broken.is_none() && walker.step(store.connection(), 5_000).unwrap() > 0 {}
        assert_eq!(walker.broken, want, "{name}: the one-thread walk");
        if name == "intact" {
            assert_eq!(report.events, n as i64);
            assert_eq!(report.head.as_ref(), Some(&head));
        }
    }
    // A published head in the upper half: matched, rewritten, cut off.
    let store = Store::open_read_only(&original, TZ).unwrap();
    let at = |seq: i64, hash: &str| parse_head(&format!("{seq}:{hash}")).unwrap();
    assert_eq!(verify(&store, Some(&head)).unwrap().first_break, None);
    assert_eq!(
        verify(&store, Some(&at(20_000, &"ab".repeat(32)))).unwrap().first_break,
        Some(Break::HeadMismatch { seq: 20_000 })
    );
    let cut = dir.path().join("cut.db");
    std::fs::copy(&original, &cut).unwrap();
    tamper(&cut, "DELETE FROM events WHERE seq > 29990");
    assert_eq!(
        verify(&Store::open_read_only(&cut, TZ).unwrap(), Some(&head))
            .unwrap()
            .first_break,
        Some(Break::Truncated {
            last: 29_990,
            head: 30_000
        })
    );
}
