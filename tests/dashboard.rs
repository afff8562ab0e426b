//! The dashboard page in headless Chromium, for every state an occurrence and a post can be
//! in. (tests/daemon.rs checks the page the running daemon serves; there the test sound card
//! plays faster than real time, so "playing" cannot be caught live.)

mod common;

use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Tz;
use common::browser::{count, dump_dom, screenshot, text};
use loaxa::channels::Delivery;
use loaxa::daemon::dashboard::{Failure, Line, PostState, Snapshot, Stage, render};
use loaxa::domain::broadcast::Priority;
use loaxa::outbox::{Row, State};

const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

fn snapshot() -> Snapshot {
    let now = TZ.with_ymd_and_hms(2024, 5, 6, 9, 0, 0).unwrap().with_timezone(&Utc);
    let at = |h, m| TZ.with_ymd_and_hms(2024, 5, 6, h, m, 0).unwrap().with_timezone(&Utc);
    let line = |h, m, id: &str, stage, note: &str, posts: &[(&str, PostState)]| Line {
        at: at(h, m),
        key: format!("{id}@{}", at(h, m).format("%Y-%m-%dT%H:%M:%SZ")),
        id: id.into(),
        title: format!("Bản tin {id} <b>không phải HTML</b>"),
        priority: if id == "bao-lu" {
            Priority::Emergency
        } else {
            Priority::Normal
        },
        stage,
        note: note.into(),
        posts: posts.iter().map(|(c, s)| (c.to_string(), *s)).collect(),
    };
    let row = |ch: &str, id: &str, state, err: Option<&str>| Row {
        delivery: Delivery {
            broadcast_id: id.into(),
            scheduled_at: at(6, 30),
            channel: ch.into(),
            title: "t".into(),
            text: "nội dung".into(),
            link: None,
            image: None,
            audio: vec![],
        },
        state,
        attempts: 2,
        next_attempt_at: now + Duration::minutes(3),
        check_first: false,
        last_error: err.map(Into::into),
        remote_id: None,
        url: None,
    };
    Snapshot {
        station: "Đài truyền thanh xã Tiền Phong".into(),
        tz: TZ,
        now,
        started_at: now - Duration::hours(3),
        playing: Some((
            "bao-lu@2024-05-06T01:58:00Z".into(),
            "Bản tin bao-lu".into(),
            now - Duration::seconds(95),
        )),
        today: vec![
            line(
                6,
                0,
                "mot-cua",
                Stage::Done,
                "",
                &[("facebook", PostState::Posted), ("zalo", PostState::Posted)],
            ),
            line(
                6,
                30,
                "vneid",
                Stage::Late,
                "phát muộn 12 giây",
                &[("zalo", PostState::Unconfirmed)],
            ),
            line(7, 0, "thue", Stage::Missed, "not played: loaxa was not running", &[]),
            line(
                7,
                30,
                "so-hoa",
                Stage::Failed,
                "media/so-hoa.mp3: not audio",
                &[("facebook", PostState::Failed)],
            ),
            line(8, 0, "dan-so", Stage::Interrupted, "interrupted by bao-lu", &[]),
            line(8, 58, "bao-lu", Stage::Playing, "", &[("telegram", PostState::Pending)]),
            line(
                17,
                0,
                "chieu",
                Stage::Upcoming,
                "",
                &[("facebook", PostState::Upcoming)],
            ),
        ],
        next: Some((at(17, 0), "chieu".into(), "Bản tin chieu".into())),
        outbox_counts: vec![
            (State::Pending, 1),
            (State::Sending, 0),
            (State::Unconfirmed, 1),
            (State::Failed, 1),
            (State::Succeeded, 2),
        ],
        outbox: vec![
            row(
                "telegram",
                "bao-lu",
                State::Pending,
                Some("HTTP 429: Too Many Requests"),
            ),
            row(
                "zalo",
                "vneid",
                State::Unconfirmed,
                Some("timed out after the request was sent"),
            ),
            row(
                "facebook",
                "so-hoa",
                State::Failed,
                Some("Facebook 190: the access token has expired"),
            ),
        ],
        failures: vec![Failure {
            at: at(7, 30),
            kind: "playout_failed".into(),
            what: "so-hoa → loudspeaker".into(),
            reason: "media/so-hoa.mp3: not audio".into(),
        }],
        daemon_errors: vec![(at(8, 10), "wall clock jumped by 14.0 s".into())],
        schedule_loaded_at: now - Duration::hours(3),
        control: false,
        relay: None,
        schedule_files: vec![("schedules/mot-cua.toml".into(), "ab".repeat(32))],
        broadcasts: 7,
        rejected: None,
        channel_problems: [(
            "zalo".to_string(),
            "no secret: set LOAXA_ZALO_REFRESH_TOKEN".to_string(),
        )]
        .into(),
        history_error: None,
        outage: None,
        chain: loaxa::history::ChainState {
            verified_to: 120,
            head: 120,
            broken: None,
            last_full_check: None,
        },
        device_name: "default".into(),
        device: Default::default(),
        last_good: None,
        watching: None,
        exposed: None,
        central: None,
    }
}

#[test]
fn every_state_renders_and_nothing_is_interpreted_as_markup() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("dashboard.html");
    // The station's officers read Vietnamese; the English page is checked below.
    let vi = loaxa::i18n::scoped(loaxa::i18n::Lang::Vi, || render(&snapshot()));
    std::fs::write(&page, vi).unwrap();
    let url = format!("file://{}", page.display());
    let doc = dump_dom(&url);
    for (id, state) in [
        ("mot-cua", "done"),
        ("vneid", "late"),
        ("thue", "missed"),
        ("so-hoa", "failed"),
        ("dan-so", "interrupted"),
        ("bao-lu", "playing"),
        ("chieu", "upcoming"),
    ] {
        let sel = format!(r#"#today tr[data-key^="{id}@"][data-state="{state}"]"#);
        assert_eq!(count(&doc, &sel), 1, "{id} should be {state}");
    }
    assert_eq!(
        count(&doc, "#today tr.current"),
        1,
        "the programme on air is highlighted"
    );
    assert!(text(&doc, "#now-playing").contains("Bản tin bao-lu"));
    assert!(text(&doc, "#now-playing").contains("1 phút 35 giây"));
    assert!(text(&doc, "#next").contains("17:00:00"));
    assert_eq!(text(&doc, r#"#today tr[data-key^="bao-lu@"] td.priority"#), "Khẩn cấp");
    assert_eq!(
        count(&doc, r#"#today [data-channel="zalo"][data-state="unconfirmed"]"#),
        1
    );
    assert_eq!(count(&doc, "#outbox tbody tr"), 3);
    assert!(text(&doc, r#"#outbox tr[data-state="pending"]"#).contains("thử lại lúc 09:03:00"));
    assert!(text(&doc, r#"#outbox tr[data-state="failed"]"#).contains("Facebook 190"));
    assert!(text(&doc, "#channel-problems").contains("LOAXA_ZALO_REFRESH_TOKEN"));
    assert!(text(&doc, "#daemon-errors").contains("wall clock jumped"));
    assert_eq!(count(&doc, "#rejected"), 0, "no rejected edit, no alert");
    // Titles are text: the <b> in them is shown, not obeyed.
    assert_eq!(count(&doc, "#today b"), 0);
    assert!(text(&doc, "#today").contains("<b>không phải HTML</b>"));
    screenshot(&url, "dashboard-states", 1300);
}

/// A station set to English gets every text of the page in English, the same states and
/// the same figures (issue #14).
#[test]
fn the_dashboard_speaks_english_when_the_station_does() {
    use loaxa::i18n::{Lang, scoped};
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("dashboard-en.html");
    std::fs::write(&page, scoped(Lang::En, || render(&snapshot()))).unwrap();
    let doc = dump_dom(&format!("file://{}", page.display()));
    assert_eq!(count(&doc, r#"html[lang="en"]"#), 1, "the page says its language");
    assert!(text(&doc, "#now-playing").contains("1 min 35 s"));
    assert_eq!(text(&doc, r#"#today tr[data-key^="bao-lu@"] td.priority"#), "Emergency");
    assert!(text(&doc, r#"#outbox tr[data-state="pending"]"#).contains("retry at 09:03:00"));
    assert!(text(&doc, "#today thead").contains("Broadcast"));
    assert!(text(&doc, "#failures h2").contains("Recent problems"));
    // Nothing of the Vietnamese page is left, apart from what the station wrote (titles,
    // the station's name) and the history's own reasons.
    let vi = scoped(Lang::Vi, || render(&snapshot()));
    let en = scoped(Lang::En, || render(&snapshot()));
    for phrase in [
        "Loa đang nghỉ",
        "Đang phát",
        "Hàng đợi đăng bài",
        "Sự cố gần đây",
        "Lịch hôm nay",
        "Thông thường",
    ] {
        assert!(
            vi.contains(phrase) || phrase == "Loa đang nghỉ",
            "{phrase} should be on the Vietnamese page"
        );
        assert!(!en.contains(phrase), "{phrase} is on the English page");
    }
}

/// Issue #19: a province-size set puts thousands of occurrences on one day; the page lists
/// the 200 around now and the first 100 outbox rows, and says how many it leaves out.
#[test]
fn a_day_of_thousands_shows_the_part_around_now() {
    use loaxa::daemon::dashboard::{OUTBOX_SHOWN, TODAY_SHOWN};
    let mut s = snapshot();
    let template = s.today[0].clone();
    let day = s.now - Duration::hours(9);
    s.today = (0..5000)
        .map(|i| {
            let at = day + Duration::seconds(i * 17);
            let mut l = template.clone();
            l.at = at;
            l.key = format!("x{i}@{}", at.format("%Y-%m-%dT%H:%M:%SZ"));
            l.id = format!("x{i}");
            l.stage = if at < s.now { Stage::Done } else { Stage::Upcoming };
            l
        })
        .collect();
    let row = s.outbox[0].clone();
    s.outbox = (0..300).map(|_| row.clone()).collect();
    let page = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || render(&s));
    assert!(page.len() < 400_000, "{} bytes", page.len());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.html");
    std::fs::write(&path, &page).unwrap();
    let doc = dump_dom(&format!("file://{}", path.display()));
    assert_eq!(count(&doc, "#today tbody tr"), TODAY_SHOWN);
    // 9 h of 17 s steps before now: 1906 earlier; a quarter of the shown lines before now.
    let before = (9 * 3600_usize).div_ceil(17);
    let earlier = before - TODAY_SHOWN / 4;
    assert_eq!(count(&doc, &format!(r#"#today-more[data-earlier="{earlier}"]"#)), 1);
    assert_eq!(
        count(
            &doc,
            &format!(r#"#today-more[data-later="{}"]"#, 5000 - earlier - TODAY_SHOWN)
        ),
        1
    );
    assert_eq!(
        count(&doc, r#"#today tbody tr[data-state="done"]"#),
        TODAY_SHOWN / 4,
        "a quarter of the list is before now"
    );
    assert_eq!(count(&doc, "#outbox tbody tr"), OUTBOX_SHOWN);
    assert!(text(&doc, "#outbox-more").contains("200 more rows"));
}

/// Issue #20: the W3C Nu checker finds no error in the dashboard, in either language.
#[test]
fn the_dashboard_passes_the_nu_checker() {
    use loaxa::i18n::{Lang, scoped};
    let dir = tempfile::tempdir().unwrap();
    for (lang, name) in [(Lang::Vi, "dashboard-vi.html"), (Lang::En, "dashboard-en.html")] {
        let page = scoped(lang, || render(&snapshot()));
        let errors = common::vnu::errors(dir.path(), name, &page);
        assert!(errors.is_empty(), "{name}:\n{}", errors.join("\n"));
    }
}
