//! The province's central history (issue #18) against a real PostgreSQL (Debian's, a private
//! cluster on a loopback port): three boxes push their chains and the centre re-verifies them; a
//! replay is a no-op; tampered, out-of-order and forked events are refused and reported; a box
//! cannot write as another, nor change anything; a cut link drains when it comes back, with
//! nothing lost or doubled.

mod common;

use std::process::{Command, Output};

use common::daemon::*;
use common::postgres::{ADMIN_PASSWORD, Postgres};
use loaxa::domain::event::Kind;
use loaxa::history::event::Event;
use loaxa::history::store::{Store, StoredEvent};
use sha2::Digest;

/// A box: a station whose history has `n` events, and its `[central]` section.
fn a_box(pg: &Postgres, id: &str, passwords: &std::path::Path, n: usize) -> Station {
    let st = Station::new("http://127.0.0.1:9/hook", "");
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        format!(
            "{config}[central]\nurl = \"{}\"\nstation_id = \"{id}\"\ntoken_file = \"{}\"\n",
            pg.url(),
            passwords.join(format!("{id}.password")).display()
        ),
    )
    .unwrap();
    add_events(&st, n);
    st
}

fn add_events(st: &Station, n: usize) {
    let data = st.path().join("var");
    std::fs::create_dir_all(&data).unwrap();
    let mut store = Store::open(&Store::path_in(&data), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
    let events: Vec<Event> = (0..n)
        .map(|i| {
            Event::new(
                Kind::PlayoutFinished,
                serde_json::json!({ "title": format!("Bản tin số {i}: thủ tục hành chính"), "airtime_s": 300 }),
            )
        })
        .collect();
    store.append(&events).unwrap();
}

/// A centre (a fresh cluster) with `stations` registered, their passwords in the folder.
fn a_centre(stations: &[&str]) -> (Postgres, tempfile::TempDir) {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    init(&pg, stations, dir.path());
    (pg, dir)
}

/// `loaxa central init` for `stations`, passwords into `dir`.
fn init(pg: &Postgres, stations: &[&str], dir: &std::path::Path) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loaxa"));
    cmd.args(["central", "init", "--url", &pg.admin_url(), "--password-dir"])
        .arg(dir)
        .env("PGPASSWORD", ADMIN_PASSWORD)
        .env("LOAXA_LANG", "en")
        // No loaxa.toml there to name another language.
        .current_dir(dir);
    for s in stations {
        cmd.args(["--station", s]);
    }
    // The province's people: an operator (publish, accept-reset, report) and an analyst; the
    // superuser is needed for `init` only.
    cmd.args(["--operator", OPERATOR, "--analyst", ANALYST]);
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("the central schema is ready"), "{}", said(&o));
}

const OPERATOR: &str = "so_tttt";
const ANALYST: &str = "thong_ke";

/// The province operator's address, and its password (as `init` wrote it).
fn operator(pg: &Postgres, dir: &std::path::Path) -> (String, String) {
    (
        format!("postgresql://{OPERATOR}@127.0.0.1:{}/postgres?sslmode=disable", pg.port),
        password(dir, OPERATOR),
    )
}

fn password(dir: &std::path::Path, id: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{id}.password")))
        .unwrap()
        .trim()
        .to_string()
}

/// The centre's counts and its own sweep of every chain.
async fn centre(pg: &Postgres) -> Vec<(String, i64, i64, Option<i64>)> {
    let admin = pg.client("postgres", ADMIN_PASSWORD).await.unwrap();
    admin
        .query(
            "SELECT station_id, events, head_seq, first_break FROM loaxa_sweep() ORDER BY 1",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn local_events(st: &Station) -> Vec<StoredEvent> {
    let store = Store::open_read_only(&Store::path_in(&st.path().join("var")), chrono_tz::Asia::Ho_Chi_Minh).unwrap();
    let mut stmt = store
        .connection()
        .prepare(&format!("SELECT {} FROM events ORDER BY seq", StoredEvent::COLUMNS))
        .unwrap();
    stmt.query_map([], StoredEvent::from_row)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// What the server said.
fn msg(e: tokio_postgres::Error) -> String {
    e.as_db_error()
        .map_or_else(|| e.to_string(), |d| d.message().to_string())
}

fn unhex(h: &str) -> Vec<u8> {
    (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn three_boxes_push_and_the_centre_verifies_every_chain() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b", "xa-c"]);
    // Mode 0600: a station's password is its own.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.path().join("xa-a.password"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    // init again: nothing lost, the schema upgraded in place.
    init(&pg, &[], dir.path());
    let boxes: Vec<Station> = [("xa-a", 1500), ("xa-b", 10), ("xa-c", 1)]
        .iter()
        .map(|(id, n)| a_box(&pg, id, dir.path(), *n))
        .collect();
    for b in &boxes {
        let o = loaxa(b, &["central", "push"]);
        assert!(o.status.success(), "{}", said(&o));
    }
    let o = loaxa(&boxes[0], &["central", "push"]);
    assert!(
        said(&o).contains("sent 0 events"),
        "a second push sends nothing: {}",
        said(&o)
    );
    let rt = runtime();
    let seen = rt.block_on(centre(&pg));
    assert_eq!(
        seen,
        [
            ("xa-a".to_string(), 1500, 1500, None),
            ("xa-b".to_string(), 10, 10, None),
            ("xa-c".to_string(), 1, 1, None)
        ]
    );
    // The queryable columns beside the bytes come from the bytes.
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let row = rt
        .block_on(admin.query_one(
            "SELECT kind, details->>'title', length(canonical) > 0 FROM loaxa_events WHERE station_id = 'xa-b' AND seq = 3",
            &[],
        ))
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "playout_finished");
    assert_eq!(row.get::<_, String>(1), "Bản tin số 2: thủ tục hành chính");
    // The province's report: a row per commune, from the centre.
    let month = this_month();
    let csv = report(&pg, dir.path(), &month, "report.csv");
    assert_eq!(
        csv.lines().next(),
        Some(
            "station_id,aired,missed,failed,posted,post_failed,relay_h,bulletins,last_contact,chain,rejections,resets"
        )
    );
    assert!(csv.contains("\nxa-a,1500,0,0,0,0,0.00,0,"), "{csv}");
    assert!(csv.contains(",intact:1500,0,0\n"), "{csv}");
    let page = scraper::Html::parse_document(&report(&pg, dir.path(), &month, "report.html"));
    let sel = scraper::Selector::parse("#communes tr[data-station=xa-c] td[data-col=aired]").unwrap();
    assert_eq!(page.select(&sel).next().unwrap().text().collect::<String>(), "1");
    let o = loaxa(&boxes[1], &["central", "status"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("the centre holds up to 10, the box has up to 10 (0 not yet sent)"),
        "{}",
        said(&o)
    );
    // `check` warns of a password file that is not there.
    std::fs::remove_file(dir.path().join("xa-c.password")).unwrap();
    let o = loaxa(&boxes[2], &["check"]);
    assert!(said(&o).contains("[central]:"), "{}", said(&o));
}

#[test]
fn replays_are_no_ops_and_tampered_out_of_order_and_forked_events_are_refused() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 20);
    assert!(loaxa(&b, &["central", "push"]).status.success());
    let events = local_events(&b);
    let rt = runtime();
    let me = rt
        .block_on(pg.client("loaxa_xa_a", &password(dir.path(), "xa-a")))
        .unwrap();
    let insert = "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ($1, $2, $3, $4, $5)";
    let send = |seq: i64, prev: Vec<u8>, hash: Vec<u8>, bytes: Vec<u8>| {
        rt.block_on(me.execute(insert, &[&"xa-a", &seq, &prev, &hash, &bytes]))
    };
    // A batch sent again (its acknowledgement lost): stored once, nothing refused.
    for e in &events[..10] {
        send(e.seq, unhex(&e.prev_hash), unhex(&e.hash), e.canonical_bytes()).unwrap();
    }
    assert_eq!(rt.block_on(centre(&pg))[0], ("xa-a".to_string(), 20, 20, None));
    // Three more events on the box; the centre is offered forgeries of them.
    add_events(&b, 3);
    let events = local_events(&b);
    let e21 = &events[20];
    // Tampered: the bytes changed, the hash kept.
    let mut forged = e21.canonical_bytes();
    let at = forged.iter().position(|c| *c == b'3').unwrap();
    forged[at] = b'9';
    send(21, unhex(&e21.prev_hash), unhex(&e21.hash), forged).unwrap();
    // Out of order: 23 before 21 and 22.
    let e23 = &events[22];
    send(23, unhex(&e23.prev_hash), unhex(&e23.hash), e23.canonical_bytes()).unwrap();
    // A fork: another event under seq 5, hashed right on the real 4.
    let e5 = &events[4];
    let other = e5
        .canonical_bytes()
        .iter()
        .map(|c| if *c == b'4' { b'7' } else { *c })
        .collect::<Vec<u8>>();
    let mut h = sha2::Sha256::new();
    h.update(unhex(&e5.prev_hash));
    h.update(&other);
    send(5, unhex(&e5.prev_hash), h.finalize().to_vec(), other).unwrap();
    let o = loaxa(&b, &["central", "status"]);
    let text = said(&o);
    assert_eq!(o.status.code(), Some(1), "refusals make status fail: {text}");
    for what in [
        "refused: 21 (tampered)",
        "refused: 23 (out_of_order)",
        "refused: 5 (fork)",
    ] {
        assert!(text.contains(what), "{what}: {text}");
    }
    // None of them stored; the real events still go through.
    assert_eq!(rt.block_on(centre(&pg))[0], ("xa-a".to_string(), 20, 20, None));
    let o = loaxa(&b, &["central", "push"]);
    assert!(o.status.success(), "{}", said(&o));
    assert_eq!(rt.block_on(centre(&pg))[0], ("xa-a".to_string(), 23, 23, None));
}

#[test]
fn a_box_cannot_write_as_another_nor_change_or_read_anything_else() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let a = a_box(&pg, "xa-a", dir.path(), 3);
    let b = a_box(&pg, "xa-b", dir.path(), 3);
    assert!(loaxa(&a, &["central", "push"]).status.success());
    assert!(loaxa(&b, &["central", "push"]).status.success());
    let rt = runtime();
    let me = rt
        .block_on(pg.client("loaxa_xa_a", &password(dir.path(), "xa-a")))
        .unwrap();
    // B's next event, sent by A.
    add_events(&b, 1);
    let e = &local_events(&b)[3];
    let r = rt.block_on(me.execute(
        "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-b', 4, $1, $2, $3)",
        &[&unhex(&e.prev_hash), &unhex(&e.hash), &e.canonical_bytes()],
    ));
    let err = msg(r.expect_err("A wrote as B"));
    assert!(
        err.contains("may not write as xa-b") || err.contains("row-level security"),
        "{err}"
    );
    for sql in [
        "UPDATE loaxa_events SET kind = 'x' WHERE station_id = 'xa-a'",
        "DELETE FROM loaxa_events WHERE station_id = 'xa-a'",
        "UPDATE loaxa_stations SET head_seq = 0",
        "DELETE FROM loaxa_rejections",
        "TRUNCATE loaxa_events",
    ] {
        let err = msg(rt.block_on(me.execute(sql, &[])).expect_err(sql));
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    let theirs: i64 = rt
        .block_on(me.query_one("SELECT count(*) FROM loaxa_events WHERE station_id = 'xa-b'", &[]))
        .unwrap()
        .get(0);
    assert_eq!(theirs, 0, "A reads none of B's rows");
    // Not even the owner changes what is stored.
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let err = msg(rt
        .block_on(admin.execute("DELETE FROM loaxa_events WHERE station_id = 'xa-a'", &[]))
        .expect_err("the owner deleted"));
    assert!(err.contains("append-only"), "{err}");
    // A superuser who edits a row behind the triggers' back: the sweep and the report say so.
    rt.block_on(admin.batch_execute(
        "ALTER TABLE loaxa_events DISABLE TRIGGER loaxa_append_only; \
         UPDATE loaxa_events SET canonical = canonical || ' '::bytea WHERE station_id = 'xa-b' AND seq = 2; \
         ALTER TABLE loaxa_events ENABLE TRIGGER loaxa_append_only;",
    ))
    .unwrap();
    let month = this_month();
    let csv = report(&pg, dir.path(), &month, "report.csv");
    assert!(csv.contains(",broken:2,"), "{csv}");
    rt.block_on(admin.batch_execute(
        "ALTER TABLE loaxa_events DISABLE TRIGGER loaxa_append_only; \
         UPDATE loaxa_events SET canonical = substring(canonical from 1 for length(canonical) - 1) WHERE station_id = 'xa-b' AND seq = 2; \
         ALTER TABLE loaxa_events ENABLE TRIGGER loaxa_append_only;",
    ))
    .unwrap();
    assert_eq!(
        rt.block_on(centre(&pg)),
        [("xa-a".to_string(), 3, 3, None), ("xa-b".to_string(), 3, 3, None)]
    );
}

#[test]
fn a_cut_link_drains_when_it_returns_with_nothing_lost_or_doubled() {
    let (mut pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 100);
    assert!(loaxa(&b, &["central", "push"]).status.success());
    pg.down();
    // The box goes on recording while the link is down.
    add_events(&b, 2000);
    let o = loaxa(&b, &["central", "push"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        said(&o).contains("cannot connect to the central database"),
        "{}",
        said(&o)
    );
    pg.up();
    let o = loaxa(&b, &["central", "push"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("sent 2000 events"), "{}", said(&o));
    assert_eq!(
        runtime().block_on(centre(&pg)),
        [("xa-a".to_string(), 2100, 2100, None)]
    );
}

/// `/status`'s `central`, once `done` holds of it (within `secs`).
fn central_status(st: &Station, secs: u64, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        let s: serde_json::Value = serde_json::from_str(&st.get("/status")).unwrap();
        if done(&s["central"]) {
            return s["central"].clone();
        }
        assert!(std::time::Instant::now() < deadline, "{}", s["central"]);
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The daemon pushes by itself: its history reaches the centre while it runs; with the link cut
/// it goes on (and says so on `/status`), and the backlog drains when the link returns.
#[test]
fn the_daemon_ships_its_history_and_rides_out_a_cut_link() {
    let (mut pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 50);
    let mut daemon = b.command().spawn().unwrap();
    let s = central_status(&b, 30, |c| c["shipped_seq"].as_i64() > Some(50) && c["lag_events"] == 0);
    eprintln!("shipped: {s}");
    // Events made while the link is up reach the centre within seconds (the target is 60 s).
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let late: f64 = rt
        .block_on(admin.query_one(
            "SELECT extract(epoch FROM max(received_at - at))::float8 FROM loaxa_events WHERE seq > 50",
            &[],
        ))
        .unwrap()
        .get(0);
    eprintln!("online: an event reaches the centre {late:.1} s after it was recorded (at most)");
    assert!(late < 60.0, "{late} s");
    pg.down();
    // Events go on being recorded while the link is down: a restart records two.
    assert!(sigterm(&mut daemon).success());
    add_events(&b, 500);
    let mut daemon = b.command().spawn().unwrap();
    let s = central_status(&b, 30, |c| c["error"].is_string());
    assert!(
        s["error"]
            .as_str()
            .unwrap()
            .contains("cannot connect to the central database"),
        "{s}"
    );
    // The dashboard says it too.
    let page = scraper::Html::parse_document(&b.get("/"));
    let sel = scraper::Selector::parse("#central").unwrap();
    let section = page.select(&sel).next().expect("the centre on the dashboard");
    assert_eq!(section.value().attr("data-error"), Some("true"));
    assert!(section.value().attr("data-lag").unwrap().parse::<i64>().unwrap() >= 500);
    pg.up();
    let s = central_status(&b, 180, |c| {
        c["error"].is_null() && c["lag_events"] == 0 && c["shipped_seq"].as_i64() > Some(550)
    });
    eprintln!("drained: {s}");
    assert!(sigterm(&mut daemon).success());
    let local = local_events(&b).len() as i64;
    let seen = runtime().block_on(centre(&pg));
    // Everything up to what the daemon held when the backlog drained (its last events, at
    // stop, may follow), each once, and the chain intact.
    let (_, events, head, broken) = &seen[0];
    assert_eq!(events, head, "each event once");
    assert!(
        *head >= s["shipped_seq"].as_i64().unwrap() && *head <= local,
        "{seen:?}, local {local}"
    );
    assert_eq!(*broken, None);
}

/// The month now, as `central report --month` takes it (the province's time).
fn this_month() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%Y-%m")
        .to_string()
}

/// `loaxa central report --month MONTH --out NAME` in `dir`: the file's text.
fn report(pg: &Postgres, dir: &std::path::Path, month: &str, name: &str) -> String {
    let out = dir.join(name);
    let (url, pw) = operator(pg, dir);
    let o = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["central", "report", "--url", &url, "--month", month, "--out"])
        .arg(&out)
        .env("PGPASSWORD", pw)
        .env("LOAXA_LANG", "en")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", said(&o));
    std::fs::read_to_string(out).unwrap()
}

/// `loaxa central publish` as the province's operator.
fn publish(pg: &Postgres, dir: &std::path::Path, args: &[&str]) -> Output {
    let (url, pw) = operator(pg, dir);
    let o = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["central", "publish", "--url", &url])
        .args(args)
        .env("PGPASSWORD", pw)
        .env("LOAXA_LANG", "en")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", said(&o));
    o
}

/// A province emergency reaches an online box at once (NOTIFY), is heard on its loudspeaker
/// line, and its receipt and airing are recorded and shipped back to the centre.
#[test]
fn a_province_emergency_is_heard_on_an_online_box() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 0);
    common::audio::tone(&dir.path().join("canh-bao-lu.wav"), 880.0, 2.0, 0.5);
    let mut daemon = b.command().spawn().unwrap();
    // Connected and listening: the shipper has pushed the daemon's start.
    central_status(&b, 30, |c| c["shipped_seq"].as_i64() >= Some(1));
    std::thread::sleep(std::time::Duration::from_secs(1));
    let published = chrono::Utc::now();
    let o = publish(
        &pg,
        dir.path(),
        &["canh-bao-lu.wav", "--title", "Cảnh báo lũ", "--priority", "emergency"],
    );
    assert!(said(&o).contains("published bulletin 1"), "{}", said(&o));
    let started = b.wait_for("playout_started", Some("province:1"), 30);
    let on_air = chrono::DateTime::parse_from_rfc3339(&started.at_utc)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let took = (on_air - published).num_milliseconds() as f64 / 1000.0;
    eprintln!("province emergency published → on air: {took:.2} s");
    assert!(took <= 5.0, "on air {took} s after it was published");
    b.wait_for("playout_finished", Some("province:1"), 30);
    let received = b.wait_for("bulletin_received", None, 1);
    let d: serde_json::Value = serde_json::from_str(&received.details).unwrap();
    assert_eq!(d["priority"], "emergency", "{d}");
    assert_eq!(d["audio_sha256"].as_str().unwrap().len(), 64, "{d}");
    // The receipt and the airing reach the centre.
    central_status(&b, 30, |c| c["lag_events"] == 0 && c["shipped_seq"].as_i64() > Some(3));
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let kinds: Vec<String> = rt
        .block_on(admin.query(
            "SELECT kind FROM loaxa_events WHERE station_id = 'xa-a' AND (broadcast_id = 'province:1' OR kind = 'bulletin_received') ORDER BY seq",
            &[],
        ))
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        kinds,
        ["bulletin_received", "playout_started", "playout_finished"],
        "{kinds:?}"
    );
    assert!(sigterm(&mut daemon).success());
    let heard = common::audio::segments(&b.capture.wav());
    assert!(
        heard
            .iter()
            .any(|s| (s.freq - 880.0).abs() < 40.0 && (1.8..=2.2).contains(&s.seconds)),
        "the bulletin was not heard: {heard:#?}"
    );
}

/// A box that was off when the province published gets it when it comes back (NOTIFY was lost:
/// the box fetches on connecting), airs it once, not again after a restart; a bulletin meant
/// for another commune never reaches it.
#[test]
fn an_offline_box_gets_the_bulletin_on_reconnect_and_only_its_own() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let b = a_box(&pg, "xa-a", dir.path(), 0);
    common::audio::tone(&dir.path().join("chi-xa-b.wav"), 440.0, 1.0, 0.5);
    common::audio::tone(&dir.path().join("toan-tinh.wav"), 880.0, 1.0, 0.5);
    publish(
        &pg,
        dir.path(),
        &["chi-xa-b.wav", "--title", "Riêng xã B", "--communes", "xa-b"],
    );
    publish(
        &pg,
        dir.path(),
        &["toan-tinh.wav", "--title", "Toàn tỉnh", "--priority", "priority"],
    );
    // Received after its time: recorded, not aired.
    publish(
        &pg,
        dir.path(),
        &["toan-tinh.wav", "--title", "Hết hạn", "--until", "2020-01-01T00:00"],
    );
    let started = std::time::Instant::now();
    let mut daemon = b.command().spawn().unwrap();
    b.wait_for("playout_finished", Some("province:2"), 60);
    eprintln!(
        "offline box back → province bulletin aired: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(sigterm(&mut daemon).success());
    // Again: nothing airs twice.
    let mut daemon = b.command().spawn().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    assert!(sigterm(&mut daemon).success());
    let events = b.events();
    let aired = |id: &str| {
        events
            .iter()
            .filter(|e| e.kind == "playout_started" && e.broadcast_id.as_deref() == Some(id))
            .count()
    };
    assert_eq!(aired("province:2"), 1, "{:?}", b.kinds());
    assert_eq!(aired("province:1"), 0, "another commune's bulletin aired");
    assert_eq!(aired("province:3"), 0, "an expired bulletin aired");
    assert_eq!(events.iter().filter(|e| e.kind == "bulletin_received").count(), 2);
    let not_aired: Vec<_> = events.iter().filter(|e| e.kind == "bulletin_not_aired").collect();
    assert_eq!(not_aired.len(), 1, "{:?}", b.kinds());
    assert!(
        not_aired[0].details.contains("its time to air has passed"),
        "{}",
        not_aired[0].details
    );
}

/// Over TLS with `sslmode=verify-full`: the box verifies the centre's certificate and name
/// against the CA it is given, and refuses a centre whose certificate another CA signed.
#[test]
fn the_link_is_tls_verified_against_the_provinces_ca() {
    let pg = Postgres::start_tls();
    let dir = tempfile::tempdir().unwrap();
    init(&pg, &["xa-a"], dir.path());
    let b = a_box(&pg, "xa-a", dir.path(), 5);
    let path = b.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let ca = pg.dir.path().join("ca.pem");
    let verified = config.replace(
        "sslmode=disable",
        &format!("sslmode=verify-full&sslrootcert={}", ca.display()),
    );
    std::fs::write(&path, &verified).unwrap();
    let o = loaxa(&b, &["central", "push"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("sent 6 events") || said(&o).contains("sent 5 events"),
        "{}",
        said(&o)
    );
    // Another CA: refused before any byte of the history leaves.
    common::postgres::new_ca(dir.path(), "other-ca", "someone else");
    let other = dir.path().join("other-ca.pem");
    std::fs::write(
        &path,
        verified.replace(&ca.display().to_string(), &other.display().to_string()),
    )
    .unwrap();
    add_events(&b, 1);
    let o = loaxa(&b, &["central", "push"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("cannot connect to the central database"),
        "{}",
        said(&o)
    );
    assert!(said(&o).to_lowercase().contains("certificate"), "{}", said(&o));
    // The rows the centre holds are the first push's only.
    let rows = runtime().block_on(centre(&pg));
    assert_eq!(rows[0].1, 5, "{rows:?}");
}

/// The box's history files (the database and its WAL), copied to `to` or from it.
fn copy_history(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(from).unwrap();
    std::fs::create_dir_all(to).unwrap();
    for f in std::fs::read_dir(to).unwrap() {
        let f = f.unwrap().path();
        if f.file_name().unwrap().to_string_lossy().starts_with("history.db") {
            std::fs::remove_file(f).unwrap();
        }
    }
    for f in std::fs::read_dir(from).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_owned();
        if name.to_string_lossy().starts_with("history.db") {
            std::fs::copy(&f, to.join(name)).unwrap();
        }
    }
}

/// `loaxa central accept-reset --station ID` as the province's operator.
fn accept_reset(pg: &Postgres, dir: &std::path::Path, id: &str) -> Output {
    let (url, pw) = operator(pg, dir);
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["central", "accept-reset", "--url", &url, "--station", id])
        .args(["--reason", "thẻ nhớ hỏng, thay mới"])
        .env("PGPASSWORD", pw)
        .env("LOAXA_LANG", "en")
        .current_dir(dir)
        .output()
        .unwrap()
}

/// A box whose history was lost (a new chain from seq 1) or restored from an older copy (a chain
/// that leaves the centre's at some seq): before, the box's pushes sent nothing at all while its
/// head was below the centre's, and `status` said all was well, so the province's view of that
/// commune went dark without a word. Now the box finds where the chains part and sends that
/// event, which the centre refuses as a fork and keeps; the province accepts the new chain with
/// `accept-reset` (recorded, the old chain kept), and the box's history ships again with nothing
/// counted twice.
#[test]
fn a_reset_or_restored_box_is_seen_and_ships_again_once_the_province_accepts_it() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let month = this_month();
    let rt = runtime();

    // A: its card replaced, a new history of 5 events after 30 shipped.
    let a = a_box(&pg, "xa-a", dir.path(), 30);
    assert!(loaxa(&a, &["central", "push"]).status.success());
    let var = a.path().join("var");
    let lost = dir.path().join("lost");
    copy_history(&var, &lost);
    copy_history(&dir.path().join("nothing"), &var);
    add_events(&a, 5);
    let o = loaxa(&a, &["central", "push"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("refused event 1 (fork"), "{}", said(&o));
    let o = loaxa(&a, &["central", "status"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("the box's history leaves the centre's after seq 0"),
        "{}",
        said(&o)
    );
    // Its role cannot accept its own reset.
    let me = rt
        .block_on(pg.client("loaxa_xa_a", &password(dir.path(), "xa-a")))
        .unwrap();
    let err = msg(rt
        .block_on(me.execute("SELECT loaxa_accept_reset('xa-a', 'x')", &[]))
        .expect_err("a box accepted its own reset"));
    assert!(err.contains("permission denied"), "{err}");
    // The province accepts it: the old chain is kept, the new one follows.
    let o = accept_reset(&pg, dir.path(), "xa-a");
    assert!(o.status.success(), "{}", said(&o));
    assert!(
        said(&o).contains("xa-a: events 1 to 30 kept; a new chain accepted after seq 0 (reset 1)"),
        "{}",
        said(&o)
    );
    let o = loaxa(&a, &["central", "push"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("sent 5 events"), "{}", said(&o));
    let o = loaxa(&a, &["central", "status"]);
    assert!(o.status.success(), "the accepted refusal is settled: {}", said(&o));
    // Twice is refused: there is nothing left to accept.
    let o = accept_reset(&pg, dir.path(), "xa-a");
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("nothing to accept"), "{}", said(&o));

    // B: restored from a copy taken at seq 10, after 30 had shipped; 3 new events since.
    let b = a_box(&pg, "xa-b", dir.path(), 10);
    let var = b.path().join("var");
    let backup = dir.path().join("backup");
    copy_history(&var, &backup);
    add_events(&b, 20);
    assert!(loaxa(&b, &["central", "push"]).status.success());
    copy_history(&backup, &var);
    // Nothing new yet: the box is behind the centre, and says so.
    let o = loaxa(&b, &["central", "status"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("the box's history leaves the centre's after seq 10"),
        "{}",
        said(&o)
    );
    add_events(&b, 3);
    let o = loaxa(&b, &["central", "push"]);
    assert!(said(&o).contains("refused event 11 (fork"), "{}", said(&o));
    let o = accept_reset(&pg, dir.path(), "xa-b");
    assert!(
        said(&o).contains("xa-b: events 1 to 30 kept; a new chain accepted after seq 10 (reset 1)"),
        "{}",
        said(&o)
    );
    let o = loaxa(&b, &["central", "push"]);
    assert!(said(&o).contains("sent 3 events"), "{}", said(&o));

    // Every event once; every chain verifies; the report counts each broadcast once and shows
    // the resets.
    assert_eq!(
        rt.block_on(centre(&pg)),
        [("xa-a".to_string(), 35, 5, None), ("xa-b".to_string(), 33, 13, None)]
    );
    let csv = report(&pg, dir.path(), &month, "report.csv");
    assert_eq!(
        csv.lines().next(),
        Some(
            "station_id,aired,missed,failed,posted,post_failed,relay_h,bulletins,last_contact,chain,rejections,resets"
        )
    );
    assert!(csv.contains("\nxa-a,35,0,0,0,0,0.00,0,"), "{csv}");
    assert!(csv.contains(",intact:5,1,1\n"), "{csv}");
    assert!(csv.contains("\nxa-b,33,0,0,0,0,0.00,0,"), "{csv}");
    let page = scraper::Html::parse_document(&report(&pg, dir.path(), &month, "report.html"));
    let sel = scraper::Selector::parse("#communes tr[data-station=xa-a] td[data-col=resets]").unwrap();
    let cell = page.select(&sel).next().unwrap().text().collect::<String>();
    assert!(cell.contains("thẻ nhớ hỏng, thay mới"), "{cell}");

    // The record of a reset is as append-only as the events, and the sweep checks its link.
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let err = msg(rt
        .block_on(admin.execute("DELETE FROM loaxa_resets", &[]))
        .expect_err("the owner deleted a reset"));
    assert!(err.contains("append-only"), "{err}");
    rt.block_on(admin.batch_execute(
        "ALTER TABLE loaxa_resets DISABLE TRIGGER loaxa_append_only; \
         UPDATE loaxa_resets SET base_hash = sha256(base_hash) WHERE station_id = 'xa-b'; \
         ALTER TABLE loaxa_resets ENABLE TRIGGER loaxa_append_only;",
    ))
    .unwrap();
    assert_eq!(rt.block_on(centre(&pg))[1], ("xa-b".to_string(), 33, 13, Some(11)));
}

/// The same through the daemon: its history lost and the loss accepted on the box
/// (`--accept-history-reset`), its shipper sees where the chains part, says so on `/status` and
/// the dashboard, and ships the new chain as soon as the province accepts it (the centre's
/// NOTIFY wakes it: no minute's wait).
#[test]
fn the_daemon_says_its_history_parts_from_the_centres_and_ships_once_accepted() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 20);
    let mut daemon = b.command().spawn().unwrap();
    central_status(&b, 30, |c| c["shipped_seq"].as_i64() > Some(20) && c["lag_events"] == 0);
    assert!(sigterm(&mut daemon).success());
    let var = b.path().join("var");
    copy_history(&dir.path().join("nothing"), &var);
    let mut daemon = b.command().arg("--accept-history-reset").spawn().unwrap();
    let s = central_status(&b, 30, |c| c["parted_after"] == 0 && c["refused"]["seq"] == 1);
    assert_eq!(s["refused"]["reason"], "fork", "{s}");
    let page = scraper::Html::parse_document(&b.get("/"));
    let sel = scraper::Selector::parse("#central").unwrap();
    let section = page.select(&sel).next().expect("the centre on the dashboard");
    assert_eq!(section.value().attr("data-parted"), Some("0"));
    assert!(
        section
            .text()
            .collect::<String>()
            .contains("accept-reset --station xa-a"),
        "the dashboard says what to do"
    );
    let o = accept_reset(&pg, dir.path(), "xa-a");
    assert!(o.status.success(), "{}", said(&o));
    let accepted = std::time::Instant::now();
    let s = central_status(&b, 30, |c| {
        c["parted_after"].is_null()
            && c["refused"].is_null()
            && c["lag_events"] == 0
            && c["shipped_seq"].as_i64() > Some(0)
    });
    eprintln!(
        "shipped {:.1} s after the reset was accepted: {s}",
        accepted.elapsed().as_secs_f64()
    );
    assert!(
        accepted.elapsed() < std::time::Duration::from_secs(20),
        "woken, not at the next minute"
    );
    assert!(sigterm(&mut daemon).success());
    // The new chain holds the box's own record of the reset, from its start.
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let kinds: Vec<String> = rt
        .block_on(admin.query(
            "SELECT kind FROM loaxa_events WHERE station_id = 'xa-a' AND epoch = 2 ORDER BY seq LIMIT 3",
            &[],
        ))
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(kinds.iter().any(|k| k == "history_reset"), "{kinds:?}");
    let seen = rt.block_on(centre(&pg));
    assert_eq!(seen[0].3, None, "{seen:?}");
}

/// A centre made before resets existed (its schema kept as it shipped) is upgraded in place by
/// `init`: its events stay, verify, and are extended by the box's next push.
#[test]
fn an_older_centre_is_upgraded_in_place_and_loses_nothing() {
    let pg = Postgres::start();
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let old = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/central/schema-0.1-before-resets.sql"),
    )
    .unwrap();
    rt.block_on(admin.batch_execute(&old)).unwrap();
    rt.block_on(admin.batch_execute(
        "CREATE ROLE loaxa_xa_a LOGIN PASSWORD 'mat-khau-cu' IN ROLE loaxa_box; \
         INSERT INTO loaxa_stations (station_id, role) VALUES ('xa-a', 'loaxa_xa_a');",
    ))
    .unwrap();
    let secret = dir.path().join("xa-a.password");
    std::fs::write(&secret, "mat-khau-cu\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let b = a_box(&pg, "xa-a", dir.path(), 40);
    // Pushed by the old centre's trigger, row by row, as an older box did.
    let me = rt.block_on(pg.client("loaxa_xa_a", "mat-khau-cu")).unwrap();
    for e in local_events(&b) {
        rt.block_on(me.execute(
            "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-a', $1, $2, $3, $4)",
            &[&e.seq, &unhex(&e.prev_hash), &unhex(&e.hash), &e.canonical_bytes()],
        ))
        .unwrap();
    }
    drop(me);
    init(&pg, &[], dir.path());
    init(&pg, &[], dir.path());
    assert_eq!(rt.block_on(centre(&pg)), [("xa-a".to_string(), 40, 40, None)]);
    // The station registered before is confined like a new one.
    let limit: i32 = rt
        .block_on(admin.query_one("SELECT rolconnlimit FROM pg_roles WHERE rolname = 'loaxa_xa_a'", &[]))
        .unwrap()
        .get(0);
    assert_eq!(limit, 10);
    add_events(&b, 5);
    let o = loaxa(&b, &["central", "push"]);
    assert!(said(&o).contains("sent 5 events"), "{}", said(&o));
    assert!(loaxa(&b, &["central", "status"]).status.success());
    assert_eq!(rt.block_on(centre(&pg)), [("xa-a".to_string(), 45, 45, None)]);
}

/// A link that goes silent (a 4G modem in a dead zone: no answer, no reset) is noticed, and the
/// box comes back by itself when the link does. Before, a statement sent into the silence waited
/// for ever: `/status` said nothing was wrong, and the bulletin session never asked again, so a
/// province emergency published meanwhile never reached the box, even after the link was back.
#[test]
fn a_link_that_goes_silent_is_noticed_and_the_box_comes_back_by_itself() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let link = common::link::Link::to(pg.port);
    let b = a_box(&pg, "xa-a", dir.path(), 10);
    let path = b.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        config.replace(&format!("127.0.0.1:{}/", pg.port), &format!("127.0.0.1:{}/", link.port)),
    )
    .unwrap();
    let mut daemon = b.command().spawn().unwrap();
    central_status(&b, 30, |c| c["shipped_seq"].as_i64() > Some(10) && c["lag_events"] == 0);
    link.silence();
    let silent = std::time::Instant::now();
    let s = central_status(&b, 90, |c| c["error"].is_string());
    eprintln!(
        "silent link noticed after {:.1} s: {}",
        silent.elapsed().as_secs_f64(),
        s["error"]
    );
    // Published while the box cannot hear: it must get it once the link is back.
    common::audio::tone(&dir.path().join("khan.wav"), 880.0, 1.0, 0.5);
    publish(
        &pg,
        dir.path(),
        &["khan.wav", "--title", "Khẩn cấp", "--priority", "emergency"],
    );
    link.restore();
    let back = std::time::Instant::now();
    b.wait_for("playout_finished", Some("province:1"), 120);
    eprintln!(
        "link back → the emergency aired after {:.1} s",
        back.elapsed().as_secs_f64()
    );
    central_status(&b, 120, |c| c["error"].is_null() && c["lag_events"] == 0);
    eprintln!("link back → shipped again after {:.1} s", back.elapsed().as_secs_f64());
    assert!(sigterm(&mut daemon).success());
    assert_eq!(runtime().block_on(centre(&pg))[0].3, None);
}

/// One box, taken over or just broken, must not crowd the other 125 out of the centre: its role
/// has a connection limit, the server gives up on its dead sessions within about a minute (a
/// 4G link that dies leaves them open), and what it sends that is refused is kept in detail up
/// to a bound, then counted.
#[test]
fn one_box_cannot_crowd_the_others_out_of_the_centre() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let rt = runtime();
    let pw = password(dir.path(), "xa-a");
    let mut held = Vec::new();
    let refused = loop {
        match rt.block_on(pg.client("loaxa_xa_a", &pw)) {
            Ok(c) => held.push(c),
            Err(e) => break msg(e),
        }
        assert!(held.len() <= 50, "no limit on a box's connections");
    };
    assert_eq!(held.len(), 10, "{refused}");
    assert!(refused.contains("too many connections"), "{refused}");
    let other = rt
        .block_on(pg.client("loaxa_xa_b", &password(dir.path(), "xa-b")))
        .expect("another commune still gets in");
    let idle: String = rt
        .block_on(other.query_one("SELECT current_setting('tcp_keepalives_idle')", &[]))
        .unwrap()
        .get(0);
    assert_eq!(idle, "30", "the server probes a box's idle session after 30 s");
    // Garbage under seq 1: 1,200 different forgeries of 100 kB each.
    let me = &held[0];
    let big = vec![b'x'; 100_000];
    for i in 0..1200i64 {
        let hash = sha2::Sha256::digest(i.to_be_bytes()).to_vec();
        rt.block_on(me.execute(
            "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-a', 1, $1, $2, $3)",
            &[&vec![0u8; 32], &hash, &big],
        ))
        .unwrap();
    }
    drop(held);
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let row = rt
        .block_on(admin.query_one(
            "SELECT count(*), coalesce(sum(octet_length(canonical)), 0)::bigint, max(size) \
             FROM loaxa_rejections WHERE station_id = 'xa-a'",
            &[],
        ))
        .unwrap();
    let (rows, bytes, size): (i64, i64, Option<i32>) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(rows, 1000, "kept in detail up to a bound");
    assert_eq!(bytes, 0, "100 kB forgeries are kept as their size, not their bytes");
    assert_eq!(size, Some(100_000));
    let month = this_month();
    let csv = report(&pg, dir.path(), &month, "report.csv");
    let line = csv.lines().find(|l| l.starts_with("xa-a,")).unwrap();
    assert!(line.ends_with(",1200,0"), "every refusal counted: {line}");
}

// ---- The centre as a boundary (issue #30): tried as a box taken over by an attacker. ----

/// Temporary tables that shadow every table the centre's functions read, made in a box's own
/// session: a `loaxa_stations` that names the attacker's role as another commune's, and empty
/// copies of the rest.
const SHADOW: &str = "
    CREATE TEMP TABLE loaxa_stations (station_id text, role name, head_seq bigint, head_hash bytea,
        last_contact timestamptz, epoch int, rejections_beyond bigint);
    INSERT INTO loaxa_stations VALUES ('xa-b', 'loaxa_xa_a', 0, decode(repeat('00', 32), 'hex'), now(), 1, 0);
    CREATE TEMP TABLE loaxa_events (station_id text, epoch int, seq bigint, prev_hash bytea, hash bytea,
        canonical bytea, at timestamptz, kind text, broadcast_id text, scheduled_at timestamptz,
        channel text, campaign text, details jsonb, received_at timestamptz);
    CREATE TEMP TABLE loaxa_resets (station_id text, epoch int, base_seq bigint, base_hash bytea,
        old_head_seq bigint, old_head_hash bytea, reason text, accepted_by name, accepted_at timestamptz);
    CREATE TEMP TABLE loaxa_rejections (id bigint, station_id text, seq bigint, hash bytea, reason text,
        canonical bytea, first_at timestamptz, last_at timestamptz, times bigint, prev_hash bytea,
        accepted_in int, size int);
    CREATE TEMP TABLE loaxa_bulletins (id bigint, title text, priority text, text text, audio bytea,
        audio_name text, audio_sha256 bytea, air_from timestamptz, air_until timestamptz,
        communes text[], published_at timestamptz, published_by name);
";

/// One commune must neither read nor forge another's history by shadowing the centre's tables
/// with temporary ones (PostgreSQL searches `pg_temp` first unless told otherwise). Two walls:
/// a box may make no temporary table at all; and where a DBA granted that back, every function
/// still reads the centre's own tables.
#[test]
fn a_box_cannot_shadow_the_centres_tables_to_read_or_forge_another_commune() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let a = a_box(&pg, "xa-a", dir.path(), 3);
    let b = a_box(&pg, "xa-b", dir.path(), 3);
    assert!(loaxa(&a, &["central", "push"]).status.success());
    assert!(loaxa(&b, &["central", "push"]).status.success());
    publish(
        &pg,
        dir.path(),
        &[
            "--text",
            "Họp thôn 3 lúc 19 giờ",
            "--title",
            "Riêng xã B",
            "--communes",
            "xa-b",
        ],
    );
    let rt = runtime();
    let pw = password(dir.path(), "xa-a");
    let me = rt.block_on(pg.client("loaxa_xa_a", &pw)).unwrap();
    let err = msg(rt
        .block_on(me.batch_execute(SHADOW))
        .expect_err("a box made a temporary table"));
    assert!(err.contains("permission denied to create temporary tables"), "{err}");

    // The second wall alone: TEMP granted back, as a DBA's GRANT ... TO PUBLIC would.
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    rt.block_on(admin.batch_execute("GRANT TEMPORARY ON DATABASE postgres TO loaxa_xa_a"))
        .unwrap();
    let me = rt.block_on(pg.client("loaxa_xa_a", &pw)).unwrap();
    rt.block_on(me.batch_execute(SHADOW)).unwrap();
    let one = |sql: &str| -> Option<String> {
        rt.block_on(me.query_one(sql, &[]))
            .unwrap_or_else(|e| panic!("{sql}: {}", msg(e)))
            .get(0)
    };
    assert_eq!(one("SELECT loaxa_my_station()").as_deref(), Some("xa-a"));
    assert_eq!(one("SELECT station_id FROM loaxa_contact()").as_deref(), Some("xa-a"));
    assert_eq!(
        one("SELECT encode(loaxa_hash_at('xa-b', 2), 'hex')"),
        None,
        "B's chain read"
    );
    assert_eq!(
        one("SELECT count(*)::text FROM public.loaxa_events WHERE station_id = 'xa-b'").as_deref(),
        Some("0"),
        "B's events read"
    );
    assert_eq!(
        one("SELECT count(*)::text FROM public.loaxa_bulletins").as_deref(),
        Some("0"),
        "B's own bulletin read"
    );
    // B's next event, forged by A.
    add_events(&b, 1);
    let e = &local_events(&b)[3];
    let forged = rt.block_on(me.execute(
        "INSERT INTO public.loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-b', 4, $1, $2, $3)",
        &[&unhex(&e.prev_hash), &unhex(&e.hash), &e.canonical_bytes()],
    ));
    let err = msg(forged.expect_err("A forged B's event"));
    assert!(err.contains("may not write as xa-b"), "{err}");
    // A's own tampered event is refused into the centre's table, not the shadow.
    let mine = &local_events(&a)[0];
    rt.block_on(me.execute(
        "INSERT INTO public.loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-a', 4, $1, $2, $3)",
        &[&unhex(&mine.hash), &vec![7u8; 32], &b"[4]".to_vec()],
    ))
    .unwrap();
    let kept: i64 = rt
        .block_on(admin.query_one("SELECT count(*) FROM loaxa_rejections WHERE station_id = 'xa-a'", &[]))
        .unwrap()
        .get(0);
    assert_eq!(kept, 1, "the refusal is the centre's");
    // B ships on, and every chain holds.
    let o = loaxa(&b, &["central", "push"]);
    assert!(o.status.success(), "{}", said(&o));
    assert_eq!(
        rt.block_on(centre(&pg)),
        [("xa-a".to_string(), 3, 3, None), ("xa-b".to_string(), 4, 4, None)]
    );
    // And every function that runs as the owner searches pg_temp last, the new ones included.
    let loose: Vec<String> = rt
        .block_on(admin.query(
            "SELECT proname::text FROM pg_proc WHERE proname LIKE 'loaxa%' \
             AND NOT coalesce('search_path=pg_catalog, public, pg_temp' = ANY (proconfig), false) \
             AND (prosecdef OR prorettype <> 'trigger'::regtype)",
            &[],
        ))
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(loose.is_empty(), "functions without a safe search_path: {loose:?}");
}

/// A box's share of the centre: its statements' time, its temporary files, the size of what it
/// sends; and the province's bulletins are bounded too.
#[test]
fn a_box_gets_no_more_than_its_share_of_the_centre() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let a = a_box(&pg, "xa-a", dir.path(), 2);
    assert!(loaxa(&a, &["central", "push"]).status.success());
    let rt = runtime();
    let me = rt
        .block_on(pg.client("loaxa_xa_a", &password(dir.path(), "xa-a")))
        .unwrap();
    let setting = |name: &str| -> String {
        rt.block_on(me.query_one(&format!("SELECT current_setting('{name}')"), &[]))
            .unwrap()
            .get(0)
    };
    assert_eq!(setting("statement_timeout"), "1min");
    assert_eq!(setting("idle_in_transaction_session_timeout"), "1min");
    assert_eq!(setting("temp_file_limit"), "16MB");
    let err = msg(rt
        .block_on(me.batch_execute("SET temp_file_limit = -1"))
        .expect_err("a box lifted its limit"));
    assert!(err.contains("permission denied"), "{err}");
    // The sort that wrote 449 MB of temporary files.
    let err = msg(rt
        .block_on(me.query_one(
            "SELECT count(*) FROM (SELECT md5(g::text) m FROM generate_series(1, 3000000) g ORDER BY 1) s",
            &[],
        ))
        .expect_err("a box wrote temporary files without limit"));
    assert!(err.contains("temp_file_limit"), "{err}");
    // An event of 8 MiB under the next seq: refused before any work on it, kept as its size.
    let head = local_events(&a)[1].hash.clone();
    let big = vec![b'['; 8 << 20];
    let hash = sha2::Sha256::digest([unhex(&head), big.clone()].concat()).to_vec();
    rt.block_on(me.execute(
        "INSERT INTO loaxa_events (station_id, seq, prev_hash, hash, canonical) VALUES ('xa-a', 3, $1, $2, $3)",
        &[&unhex(&head), &hash, &big],
    ))
    .unwrap();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let row = rt
        .block_on(admin.query_one(
            "SELECT reason, size, canonical IS NULL FROM loaxa_rejections WHERE station_id = 'xa-a'",
            &[],
        ))
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "oversized");
    assert_eq!(row.get::<_, Option<i32>>(1), Some(8 << 20));
    assert!(row.get::<_, bool>(2), "its bytes are not kept");
    let o = loaxa(&a, &["central", "status"]);
    assert!(said(&o).contains("larger than 1 MiB"), "{}", said(&o));
    // A bulletin beyond what a session can hold (64 MiB of audio, 64 kB of text) is refused.
    let (url, pw) = operator(&pg, dir.path());
    let province = rt
        .block_on(pg.client(OPERATOR, &pw))
        .unwrap_or_else(|e| panic!("{url}: {}", msg(e)));
    let text = "Thông báo. ".repeat(7000);
    let err = msg(rt
        .block_on(province.execute(
            "INSERT INTO loaxa_bulletins (title, priority, text) VALUES ('Quá dài', 'normal', $1)",
            &[&text],
        ))
        .expect_err("a 77 kB text was taken"));
    assert!(err.contains("loaxa_bulletins_size"), "{err}");
}

/// The province's people need no superuser: the operator publishes, accepts resets and reports,
/// and cannot change or remove what is stored even by the means a superuser has; the analyst
/// reads every commune and writes nothing.
#[test]
fn the_operator_and_the_analyst_work_without_the_superuser() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    for id in ["xa-a", "xa-b"] {
        let b = a_box(&pg, id, dir.path(), 4);
        assert!(loaxa(&b, &["central", "push"]).status.success());
    }
    let rt = runtime();
    let analyst = rt.block_on(pg.client(ANALYST, &password(dir.path(), ANALYST))).unwrap();
    let count = |c: &tokio_postgres::Client, sql: &str| -> i64 {
        rt.block_on(c.query_one(sql, &[]))
            .unwrap_or_else(|e| panic!("{sql}: {}", msg(e)))
            .get(0)
    };
    assert_eq!(
        count(&analyst, "SELECT count(*) FROM loaxa_events"),
        8,
        "every station's rows"
    );
    assert_eq!(
        count(&analyst, "SELECT count(*) FROM loaxa_sweep() WHERE first_break IS NULL"),
        2
    );
    assert_eq!(
        count(&analyst, "SELECT sum(aired)::bigint FROM loaxa_programmes_daily"),
        8,
        "the views answer"
    );
    assert_eq!(count(&analyst, "SELECT count(*) FROM loaxa_reasons"), 5);
    for sql in [
        "INSERT INTO loaxa_bulletins (title, priority, text) VALUES ('x', 'normal', 'x')",
        "DELETE FROM loaxa_events",
        "UPDATE loaxa_stations SET head_seq = 0",
        "SELECT * FROM loaxa_accept_reset('xa-a', 'x')",
    ] {
        let err = msg(rt.block_on(analyst.execute(sql, &[])).expect_err(sql));
        assert!(err.contains("permission denied"), "{sql}: {err}");
    }
    let op = rt
        .block_on(pg.client(OPERATOR, &password(dir.path(), OPERATOR)))
        .unwrap();
    for sql in [
        "DELETE FROM loaxa_events",
        "TRUNCATE loaxa_events",
        "UPDATE loaxa_stations SET head_seq = 0",
        "DELETE FROM loaxa_resets",
        "SET session_replication_role = replica",
        "ALTER TABLE loaxa_events DISABLE TRIGGER loaxa_append_only",
    ] {
        let err = msg(rt.block_on(op.batch_execute(sql)).expect_err(sql));
        assert!(
            err.contains("permission denied") || err.contains("must be owner"),
            "{sql}: {err}"
        );
    }
    // And what the operator's commands do, they do (publish, report here; accept-reset in the
    // reset tests).
    publish(
        &pg,
        dir.path(),
        &["--text", "Mất điện từ 8 giờ", "--title", "Lịch cắt điện"],
    );
    let csv = report(&pg, dir.path(), &this_month(), "report.csv");
    assert!(csv.contains("\nxa-b,4,0,0,"), "{csv}");
    assert_eq!(count(&op, "SELECT count(*) FROM loaxa_events"), 8);
}

/// Running `init` again for a registered station keeps its password: the box stays connected.
/// Only `--rotate-password` changes it, and says where the new one is.
#[test]
fn init_again_keeps_every_password_unless_asked_to_rotate() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let before = password(dir.path(), "xa-a");
    let a = a_box(&pg, "xa-a", dir.path(), 2);
    init(&pg, &["xa-a"], dir.path());
    assert_eq!(password(dir.path(), "xa-a"), before, "the file is unchanged");
    let o = loaxa(&a, &["central", "push"]);
    assert!(o.status.success(), "the box is still let in: {}", said(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["central", "init", "--url", &pg.admin_url(), "--password-dir"])
        .arg(dir.path())
        .args(["--station", "xa-a", "--rotate-password"])
        .env("PGPASSWORD", ADMIN_PASSWORD)
        .env("LOAXA_LANG", "en")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", said(&o));
    let after = password(dir.path(), "xa-a");
    assert_ne!(after, before);
    let rt = runtime();
    assert!(
        rt.block_on(pg.client("loaxa_xa_a", &before)).is_err(),
        "the old one still works"
    );
    assert!(rt.block_on(pg.client("loaxa_xa_a", &after)).is_ok());
}

/// Every contact moves `last_contact`, not only one that carries events.
#[test]
fn every_contact_is_recorded_even_with_nothing_to_send() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let a = a_box(&pg, "xa-a", dir.path(), 2);
    assert!(loaxa(&a, &["central", "push"]).status.success());
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let contact = || -> chrono::DateTime<chrono::Utc> {
        rt.block_on(admin.query_one("SELECT last_contact FROM loaxa_stations", &[]))
            .unwrap()
            .get(0)
    };
    let first = contact();
    // The server's clock moves on: wait until now() is past the first contact.
    while !rt
        .block_on(admin.query_one("SELECT now() > $1", &[&first]))
        .unwrap()
        .get::<_, bool>(0)
    {
        std::thread::yield_now();
    }
    let o = loaxa(&a, &["central", "push"]);
    assert!(said(&o).contains("sent 0 events"), "{}", said(&o));
    assert!(contact() > first, "a push with nothing to send is a contact");
}

/// A fake centre that takes no TLS and asks for the password in clear text (`code` 3) or as MD5
/// (5): what each connection sent after that request, per connection.
fn a_fake_centre(code: u32) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let heard = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = heard.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut c) = conn else { return };
            c.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
            let message = |c: &mut std::net::TcpStream| -> Option<Vec<u8>> {
                let mut len = [0u8; 4];
                c.read_exact(&mut len).ok()?;
                let mut body = vec![0u8; u32::from_be_bytes(len) as usize - 4];
                c.read_exact(&mut body).ok()?;
                Some(body)
            };
            let Some(first) = message(&mut c) else { continue };
            // An SSLRequest (code 80877103): no TLS here; then the startup message.
            if first == 80877103u32.to_be_bytes() {
                c.write_all(b"N").unwrap();
                if message(&mut c).is_none() {
                    continue;
                }
            }
            let mut request = vec![b'R'];
            request.extend_from_slice(&(if code == 5 { 12u32 } else { 8 }).to_be_bytes());
            request.extend_from_slice(&code.to_be_bytes());
            if code == 5 {
                request.extend_from_slice(b"salt");
            }
            c.write_all(&request).unwrap();
            let mut after = Vec::new();
            let _ = c.read_to_end(&mut after);
            kept.lock().unwrap().push(after);
        }
    });
    (port, heard)
}

/// The box's password goes to the centre only inside SCRAM, and only to a centre whose
/// certificate it checked unless the url says otherwise (and `check` warns when it does).
#[test]
fn the_box_never_sends_its_password_in_clear_text_or_as_md5() {
    for (code, sslmode, refusal) in [
        (3, "", "TLS"),
        (3, "?sslmode=disable", "password in clear text"),
        (3, "?sslmode=prefer", "password in clear text"),
        (5, "?sslmode=disable", "MD5 password"),
    ] {
        let (port, heard) = a_fake_centre(code);
        let st = Station::new("http://127.0.0.1:9/hook", "");
        let secret = st.path().join("xa-a.password");
        std::fs::write(&secret, "mat-khau-cua-xa-a\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        let path = st.path().join("loaxa.toml");
        let config = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!(
                "{config}[central]\nurl = \"postgresql://127.0.0.1:{port}/postgres{sslmode}\"\n\
                 station_id = \"xa-a\"\ntoken_file = \"xa-a.password\"\n"
            ),
        )
        .unwrap();
        add_events(&st, 1);
        let o = loaxa(&st, &["central", "push"]);
        assert_eq!(o.status.code(), Some(1), "{}", said(&o));
        assert!(said(&o).contains(refusal), "{sslmode}: {}", said(&o));
        assert!(!said(&o).contains("mat-khau"), "{}", said(&o));
        for sent in heard.lock().unwrap().iter() {
            assert!(
                sent.first() != Some(&b'p'),
                "{code} {sslmode}: the box answered the request: {sent:?}"
            );
        }
        let o = loaxa(&st, &["check"]);
        let warned = said(&o).contains("the centre's certificate is not checked");
        assert_eq!(warned, !sslmode.is_empty(), "{sslmode}: {}", said(&o));
    }
}

/// The highest resident memory of `pid` (kB) while `until` does not hold, sampled every 5 ms.
fn peak_rss_until(pid: u32, secs: u64, until: impl Fn() -> bool) -> u64 {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut peak = rss_kb(pid);
    while !until() {
        assert!(std::time::Instant::now() < deadline, "not done in {secs} s");
        peak = peak.max(rss_kb(pid));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    peak.max(rss_kb(pid))
}

/// The box's bulletins session is listening (its fetch after LISTEN has run).
fn listening(pg: &Postgres, role: &str) {
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let n: i64 = rt
            .block_on(admin.query_one(
                "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND query LIKE '%FROM loaxa_bulletins WHERE id >%'",
                &[&role],
            ))
            .unwrap()
            .get(0);
        if n > 0 {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "the box never listened");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// Any role may NOTIFY any channel: a flood on the bulletins' channel from one box must cost
/// another box neither memory nor a query per notification, and the next real bulletin still
/// comes at once.
#[test]
fn a_notify_flood_costs_another_box_nothing() {
    let (pg, dir) = a_centre(&["xa-a", "xa-b"]);
    let b = a_box(&pg, "xa-b", dir.path(), 0);
    common::audio::tone(&dir.path().join("that.wav"), 880.0, 0.5, 0.5);
    let mut daemon = b.command().spawn().unwrap();
    let pid = daemon.id();
    listening(&pg, "loaxa_xa_b");
    let before = rss_kb(pid);
    let rt = runtime();
    let attacker = rt
        .block_on(pg.client("loaxa_xa_a", &password(dir.path(), "xa-a")))
        .unwrap();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    let flood = std::time::Instant::now();
    rt.block_on(attacker.batch_execute(
        "SELECT pg_notify('loaxa_bulletins', g::text || repeat('x', 2000)) FROM generate_series(1, 100000) g",
    ))
    .unwrap();
    eprintln!(
        "flood of 100,000 notifications (200 MB) sent in {:.1} s",
        flood.elapsed().as_secs_f64()
    );
    // Everything delivered: the queue is empty again once every listener has read it.
    let peak = peak_rss_until(pid, 120, || {
        rt.block_on(admin.query_one("SELECT pg_notification_queue_usage() = 0", &[]))
            .unwrap()
            .get::<_, bool>(0)
    });
    eprintln!("the other box's RSS: {before} kB before, {peak} kB at most during the flood");
    assert!(peak < before + 24 * 1024, "{before} kB → {peak} kB");
    publish(
        &pg,
        dir.path(),
        &[
            "that.wav",
            "--title",
            "Thông báo sau cơn lũ tin",
            "--priority",
            "emergency",
        ],
    );
    b.wait_for("playout_finished", Some("province:1"), 60);
    assert!(sigterm(&mut daemon).success());
}

/// A bulletin's audio comes to disk a piece at a time (never all in memory), one larger than a
/// session can hold is not taken, and what has aired no longer takes the box's disk.
#[test]
fn province_audio_is_streamed_to_disk_bounded_and_let_go_once_aired() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 0);
    // Six minutes of 44.1 kHz 16-bit: 32 MB.
    common::audio::tone(&dir.path().join("dai.wav"), 440.0, 360.0, 0.3);
    common::audio::tone(&dir.path().join("ngan.wav"), 660.0, 0.5, 0.5);
    let size = std::fs::metadata(dir.path().join("dai.wav")).unwrap().len();
    let mut daemon = b.command().spawn().unwrap();
    let pid = daemon.id();
    listening(&pg, "loaxa_xa_a");
    let before = rss_kb(pid);
    let later = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    publish(
        &pg,
        dir.path(),
        &["dai.wav", "--title", "Bản tin dài", "--from", &later],
    );
    let province = b.path().join("var/province");
    let peak = peak_rss_until(pid, 120, || province.join("1.json").exists());
    eprintln!("a {size}-byte bulletin received: RSS {before} kB before, {peak} kB at most");
    assert!(peak < before + 16 * 1024, "{before} kB → {peak} kB");
    assert_eq!(std::fs::metadata(province.join("1.wav")).unwrap().len(), size);
    // One that airs: its audio is let go once it has, its description stays.
    publish(&pg, dir.path(), &["ngan.wav", "--title", "Bản tin ngắn"]);
    b.wait_for("playout_finished", Some("province:2"), 60);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while province.join("2.wav").exists() {
        assert!(std::time::Instant::now() < deadline, "the aired bulletin's audio stays");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(province.join("2.json").exists());
    assert!(province.join("1.wav").exists(), "the one still to air is kept");
    // A centre that holds more than a bulletin may carry (one made before the bound): not taken.
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    rt.block_on(admin.batch_execute(
        "ALTER TABLE loaxa_bulletins DROP CONSTRAINT loaxa_bulletins_size; \
         INSERT INTO loaxa_bulletins (title, priority, audio, audio_name, audio_sha256) \
         SELECT 'Quá lớn', 'normal', a, 'x.mp3', sha256(a) FROM (SELECT decode(repeat('ab', 66 * 1024 * 1024), 'hex') a) s",
    ))
    .unwrap();
    let not_aired = b.wait_for("bulletin_not_aired", None, 60);
    assert!(not_aired.details.contains("64 MB"), "{}", not_aired.details);
    // Marked done just after it is recorded.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !province.join("3.done").exists() {
        assert!(std::time::Instant::now() < deadline, "never marked done");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut left: Vec<String> = std::fs::read_dir(&province)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("3."))
        .collect();
    left.sort();
    assert_eq!(left, ["3.done", "3.json"], "no audio, no partial file");
    assert!(sigterm(&mut daemon).success());
}

/// A box whose pushes fail while the centre still answers (here the centre refuses its
/// inserts; in the field, a forged row or a full disk at the centre): after
/// `alert_after_seconds`, `/status`, the dashboard and `central status` say so, whatever the
/// centre says it holds; and it clears when the history ships again.
#[test]
fn a_shipper_failing_for_minutes_is_an_error_whatever_the_centre_holds() {
    let (pg, dir) = a_centre(&["xa-a"]);
    let b = a_box(&pg, "xa-a", dir.path(), 3);
    assert!(loaxa(&b, &["central", "push"]).status.success());
    let path = b.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{config}alert_after_seconds = 5\n")).unwrap();
    let rt = runtime();
    let admin = rt.block_on(pg.client("postgres", ADMIN_PASSWORD)).unwrap();
    rt.block_on(admin.batch_execute("REVOKE INSERT ON loaxa_events FROM loaxa_box"))
        .unwrap();
    let mut daemon = b.command().spawn().unwrap();
    let s = central_status(&b, 90, |c| c["failing"] == true);
    assert!(s["error"].as_str().unwrap().contains("permission denied"), "{s}");
    assert!(s["failing_since"].is_string(), "{s}");
    let o = loaxa(&b, &["central", "status"]);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(
        said(&o).contains("nothing has reached the centre since"),
        "{}",
        said(&o)
    );
    let page = scraper::Html::parse_document(&b.get("/"));
    let sel = scraper::Selector::parse("#central").unwrap();
    let section = page.select(&sel).next().expect("the centre on the dashboard");
    assert_eq!(section.value().attr("data-failing"), Some("true"));
    rt.block_on(admin.batch_execute("GRANT INSERT ON loaxa_events TO loaxa_box"))
        .unwrap();
    central_status(&b, 180, |c| {
        c["failing"] == false && c["lag_events"] == 0 && c["error"].is_null()
    });
    let o = loaxa(&b, &["central", "status"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(sigterm(&mut daemon).success());
}
