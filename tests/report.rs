//! `loaxa report`: tables computed from a history the test writes with known outcomes, the
//! CSV, and the HTML rendered in headless Chromium (DOM, screenshot, print to A4).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;
use common::browser;
use loaxa::domain::event::Kind;
use loaxa::history::{Event, OccurrenceKey, Store};
use loaxa::report::{self, Period};
use serde_json::{Value, json};

const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

/// Station time → UTC.
fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    TZ.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap().with_timezone(&Utc)
}

struct Builder {
    events: Vec<Event>,
}

impl Builder {
    #[allow(clippy::too_many_arguments)]
    fn ev(
        &mut self,
        kind: Kind,
        at: DateTime<Utc>,
        id: &str,
        sched: DateTime<Utc>,
        campaign: Option<&str>,
        channel: Option<&str>,
        extra: Value,
    ) {
        let mut details = json!({"title": format!("Bản tin {id}")});
        if let (Value::Object(d), Value::Object(x)) = (&mut details, extra) {
            d.extend(x);
        }
        let mut e = Event::new(kind, details).at(at);
        e.occurrence = Some(OccurrenceKey {
            broadcast_id: id.into(),
            scheduled_at: sched,
        });
        e.campaign = campaign.map(Into::into);
        e.channel = channel.map(Into::into);
        self.events.push(e);
    }

    /// A loudspeaker start `lateness_ms` after `sched`, ending (`end`) `secs` later.
    fn air(&mut self, id: &str, sched: DateTime<Utc>, campaign: Option<&str>, lateness_ms: i64, secs: i64, end: Kind) {
        let start = sched + chrono::Duration::milliseconds(lateness_ms);
        self.ev(
            Kind::PlayoutStarted,
            start,
            id,
            sched,
            campaign,
            None,
            json!({"lateness_ms": lateness_ms, "started_at": start.to_rfc3339(), "scheduled_at": sched.to_rfc3339()}),
        );
        let stop = start + chrono::Duration::seconds(secs);
        let extra = match end {
            Kind::PlayoutFinished => json!({"finished_at": stop.to_rfc3339()}),
            Kind::PlayoutInterrupted => json!({"reason": "interrupted by bao-lu", "by": "bao-lu"}),
            _ => json!({"reason": "media/mot-cua.ogg: decode error at 0:10: corrupt frame"}),
        };
        self.ev(end, stop, id, sched, campaign, None, extra);
    }
}

const MOT_CUA: Option<&str> = Some("Một cửa");
const DE_AN: Option<&str> = Some("Đề án 06");

/// May 2024 with known outcomes (see the assertions), plus events just outside the month.
fn may_history(dir: &Path) -> PathBuf {
    let mut b = Builder { events: vec![] };
    let at = |d| local(2024, 5, d, 6, 30, 0);
    // Outside the month on both sides: never counted.
    b.air(
        "mot-cua",
        local(2024, 4, 30, 23, 0, 0),
        MOT_CUA,
        2,
        120,
        Kind::PlayoutFinished,
    );
    b.air("mot-cua", at(1), MOT_CUA, 3, 120, Kind::PlayoutFinished); // on time
    b.air(
        "vneid",
        local(2024, 5, 1, 18, 0, 0),
        DE_AN,
        5,
        60,
        Kind::PlayoutInterrupted,
    ); // interrupted
    for (kind, ch, extra) in [
        (Kind::PostQueued, "facebook", json!({})),
        (
            Kind::PostSucceeded,
            "facebook",
            json!({"url": "https://facebook.com/1_2"}),
        ),
        (Kind::PostQueued, "zalo", json!({})),
        (
            Kind::PostUnconfirmed,
            "zalo",
            json!({"reason": "timed out after the request was sent"}),
        ),
        (Kind::PostQueued, "telegram", json!({})),
        (Kind::PostRetry, "telegram", json!({"reason": "HTTP 500"})),
        (
            Kind::PostFailed,
            "telegram",
            json!({"reason": "gave up after 3 attempts: HTTP 500"}),
        ),
        (Kind::PostQueued, "webhook", json!({})),
    ] {
        let s = local(2024, 5, 1, 18, 0, 0);
        b.ev(
            kind,
            s + chrono::Duration::seconds(2),
            "vneid",
            s,
            DE_AN,
            Some(ch),
            extra,
        );
    }
    b.air("mot-cua", at(2), MOT_CUA, 2500, 120, Kind::PlayoutFinished); // late
    b.ev(
        Kind::PlayoutMissed,
        at(3) + chrono::Duration::minutes(20),
        "mot-cua",
        at(3),
        MOT_CUA,
        None,
        json!({"reason": "not played: loaxa was not running at 03/05/2024 06:30:00"}),
    );
    b.air("mot-cua", at(4), MOT_CUA, 4, 10, Kind::PlayoutFailed); // failed
    // Interrupted by an emergency, then replayed in full: late.
    b.air("mot-cua", at(5), MOT_CUA, 1, 30, Kind::PlayoutInterrupted);
    b.air("mot-cua", at(5), MOT_CUA, 400_000, 120, Kind::PlayoutFinished);
    b.events.push(
        Event::new(Kind::DeviceError, json!({"reason": "ALSA: device or resource busy"}))
            .at(local(2024, 5, 10, 7, 0, 0)),
    );
    b.events.push(
        Event::new(
            Kind::ScheduleRejected,
            json!({"reason": "de-an-06.toml:12:8: `07:60` is not a time"}),
        )
        .at(local(2024, 5, 11, 9, 0, 0)),
    );
    // The last minute of the month, ending in June: counted in May, airtime on 31/05.
    b.air(
        "dem",
        local(2024, 5, 31, 23, 59, 0),
        None,
        0,
        120,
        Kind::PlayoutFinished,
    );
    b.air(
        "mot-cua",
        local(2024, 6, 1, 0, 0, 0),
        MOT_CUA,
        2,
        120,
        Kind::PlayoutFinished,
    );
    b.events.sort_by_key(|e| e.at);
    let path = dir.join("history.db");
    Store::open(&path, TZ).unwrap().append(&b.events).unwrap();
    path
}

fn may_report(path: &Path) -> report::Report {
    let store = Store::open_read_only(path, TZ).unwrap();
    report::build(&store, "Đài xã Thử Nghiệm", Period::month("2024-05", TZ).unwrap()).unwrap()
}

/// Issue #33: a programme an emergency cut off and then resumed was counted late (its
/// resumption's lateness is the emergency's length), which put a station's every emergency
/// among the late starts. Recorded as `resumed`, it keeps its first start's outcome; a
/// replay recorded before `resumed` existed reads as it always did.
#[test]
fn a_programme_resumed_after_an_emergency_is_not_late() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder { events: Vec::new() };
    let sched = local(2024, 5, 6, 6, 0, 0);
    b.air("sang", sched, None, 20, 30, Kind::PlayoutInterrupted);
    let again = sched + chrono::Duration::seconds(95);
    b.ev(
        Kind::PlayoutStarted,
        again,
        "sang",
        sched,
        None,
        None,
        json!({"lateness_ms": 95_000, "started_at": again.to_rfc3339(), "scheduled_at": sched.to_rfc3339(), "resumed": true}),
    );
    let end = again + chrono::Duration::seconds(120);
    b.ev(
        Kind::PlayoutFinished,
        end,
        "sang",
        sched,
        None,
        None,
        json!({"finished_at": end.to_rfc3339()}),
    );
    b.events.sort_by_key(|e| e.at);
    let path = dir.path().join("history.db");
    Store::open(&path, TZ).unwrap().append(&b.events).unwrap();
    let t = may_report(&path).tally;
    let ls = &t.by_channel["loudspeaker"];
    assert_eq!((ls.scheduled, ls.on_time, ls.late), (1, 1, 0));
    assert_eq!((t.lateness.starts, t.lateness.max_ms), (1, 20));
}

/// Issue #33: an officer's `stop` was counted among the failures, and a post the policy
/// skipped was counted as "Đăng lỗi" and drawn red while the province's report said 0 failed.
/// Each now has its own column, and neither is listed as a failure.
#[test]
fn an_officers_stop_and_a_policy_skip_are_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder { events: Vec::new() };
    let sched = local(2024, 5, 6, 6, 0, 0);
    let start = sched + chrono::Duration::milliseconds(20);
    b.ev(
        Kind::PlayoutStarted,
        start,
        "sang",
        sched,
        None,
        None,
        json!({"lateness_ms": 20, "started_at": start.to_rfc3339(), "scheduled_at": sched.to_rfc3339()}),
    );
    let stop = sched + chrono::Duration::seconds(30);
    b.ev(
        Kind::PlayoutInterrupted,
        stop,
        "sang",
        sched,
        None,
        None,
        json!({"reason": "interrupted by operator:cb-vanhoa", "by": "operator:cb-vanhoa", "replay": false}),
    );
    let late = local(2024, 5, 7, 6, 0, 0);
    b.ev(
        Kind::PostSkipped,
        late + chrono::Duration::hours(2),
        "sang",
        late,
        None,
        Some("facebook"),
        json!({"reason": "not posted: the occurrence was missed"}),
    );
    b.events.sort_by_key(|e| e.at);
    let path = dir.path().join("history.db");
    Store::open(&path, TZ).unwrap().append(&b.events).unwrap();
    let t = may_report(&path).tally;
    let ls = &t.by_channel["loudspeaker"];
    assert_eq!((ls.scheduled, ls.stopped, ls.interrupted, ls.failed), (1, 1, 0, 0));
    let fb = &t.by_channel["facebook"];
    assert_eq!((fb.scheduled, fb.post_skipped, fb.post_failed), (1, 1, 0));
    assert!(t.failures.is_empty(), "{:#?}", t.failures);
    // The CSV carries the same columns.
    let mut csv = Vec::new();
    report::csv::write(&mut csv, &may_report(&path), report::labels::Lang::En).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("Stopped by an officer") && csv.contains("Not posted (policy)"),
        "{csv}"
    );
}

/// Issue #33: a title beginning with `=`, `+`, `-` or `@` went raw into the CSV, where a
/// spreadsheet runs it as a formula (OWASP's "CSV injection"). Such cells are neutralised
/// with a leading `'`, in the report's CSV and in `loaxa history --csv`; numbers stay numbers.
#[test]
fn csv_cells_a_spreadsheet_would_run_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = Builder { events: Vec::new() };
    let sched = local(2024, 5, 6, 6, 0, 0);
    let evil = "=HYPERLINK(\"http://evil.example/\",\"Bấm vào đây\")";
    b.ev(
        Kind::PlayoutMissed,
        sched + chrono::Duration::minutes(1),
        "sang",
        sched,
        Some("@SUM(A1)"),
        None,
        json!({"title": evil, "reason": "-2+3"}),
    );
    b.events.sort_by_key(|e| e.at);
    let path = dir.path().join("history.db");
    Store::open(&path, TZ).unwrap().append(&b.events).unwrap();
    let mut out = Vec::new();
    report::csv::write(&mut out, &may_report(&path), report::labels::Lang::En).unwrap();
    let cells: Vec<String> = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&out[3..])
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let runs = |c: &String| c.starts_with(['=', '+', '-', '@']) && c.parse::<f64>().is_err();
    assert!(
        !cells.iter().any(runs),
        "{:?}",
        cells.iter().filter(|c| runs(c)).collect::<Vec<_>>()
    );
    assert!(
        cells.iter().any(|c| c == &format!("'{evil}")),
        "the title is kept, neutralised: {cells:?}"
    );
    assert!(cells.iter().any(|c| c == "'@SUM(A1)"), "{cells:?}");

    let store = Store::open_read_only(&path, TZ).unwrap();
    let rows = loaxa::history::query::events(&store, &loaxa::history::query::Filter::default()).unwrap();
    let mut out = Vec::new();
    loaxa::history::query::write_csv(&mut out, &store, &rows).unwrap();
    let cells: Vec<String> = csv::ReaderBuilder::new()
        .from_reader(&out[..])
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    assert!(
        !cells.iter().any(runs),
        "history: {:?}",
        cells.iter().filter(|c| runs(c)).collect::<Vec<_>>()
    );
}

#[test]
fn counts_come_out_as_the_history_says() {
    let dir = tempfile::tempdir().unwrap();
    let r = may_report(&may_history(dir.path()));
    let t = &r.tally;
    let ls = &t.by_channel["loudspeaker"];
    assert_eq!(
        (
            ls.scheduled,
            ls.on_time,
            ls.late,
            ls.missed,
            ls.failed,
            ls.interrupted,
            ls.pending
        ),
        (7, 2, 2, 1, 1, 1, 0)
    );
    let post = |ch: &str| {
        let c = &t.by_channel[ch];
        (c.scheduled, c.posted, c.post_failed, c.unconfirmed, c.pending)
    };
    assert_eq!(post("facebook"), (1, 1, 0, 0, 0));
    assert_eq!(post("zalo"), (1, 0, 0, 1, 0));
    assert_eq!(post("telegram"), (1, 0, 1, 0, 0));
    assert_eq!(post("webhook"), (1, 0, 0, 0, 1));

    let mc = &t.by_campaign["Một cửa"];
    assert_eq!(
        (mc.scheduled, mc.on_time, mc.late, mc.missed, mc.failed),
        (5, 1, 2, 1, 1)
    );
    let da = &t.by_campaign["Đề án 06"];
    assert_eq!((da.scheduled, da.interrupted, da.posted, da.pending), (5, 1, 1, 1));
    assert_eq!(t.by_campaign[report::tally::NO_CAMPAIGN].on_time, 1);
    assert_eq!(t.total.scheduled, 11);
    assert_eq!(t.by_broadcast["mot-cua"].0, "Bản tin mot-cua");

    // 120 + 60 + 120 + 10 + (30 + 120) + 120 seconds.
    assert!((t.airtime_s - 580.0).abs() < 0.01, "airtime {}", t.airtime_s);
    let day = |d| t.airtime_by_day[&chrono::NaiveDate::from_ymd_opt(2024, 5, d).unwrap()];
    assert_eq!(
        (day(1), day(2), day(3), day(4), day(5), day(31)),
        (180.0, 120.0, 0.0, 10.0, 150.0, 120.0)
    );
    assert_eq!(t.airtime_by_day.len(), 31);

    // First starts only: 3, 5, 2500, 4, 1, 0.
    let l = &t.lateness;
    assert_eq!(
        (l.starts, l.within_1s, l.median_ms, l.p95_ms, l.max_ms),
        (6, 5, 3, 2500, 2500)
    );

    let kinds: Vec<&str> = t.failures.iter().map(|f| f.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "post_unconfirmed",
            "post_failed",
            "playout_interrupted",
            "playout_missed",
            "playout_failed",
            "playout_interrupted",
            "device_error",
            "schedule_rejected"
        ]
    );
    assert!(t.failures[1].reason.contains("gave up after 3 attempts"));
    assert!(r.integrity.intact());
    assert_eq!(r.integrity.events, 29);
    assert_eq!(r.integrity.head.as_ref().unwrap().seq, 29);
}

#[test]
fn a_range_of_days_counts_only_those_days() {
    let dir = tempfile::tempdir().unwrap();
    let path = may_history(dir.path());
    let store = Store::open_read_only(&path, TZ).unwrap();
    let d = |s| report::parse_day(s).unwrap();
    let p = Period::days(d("02/05/2024"), d("2024-05-04"), TZ).unwrap();
    let t = report::build(&store, "x", p).unwrap().tally;
    let ls = &t.by_channel["loudspeaker"];
    assert_eq!((ls.scheduled, ls.late, ls.missed, ls.failed), (3, 1, 1, 1));
    assert!(!t.by_channel.contains_key("facebook"));
    assert_eq!(t.airtime_by_day.len(), 3);
}

fn loaxa() -> Command {
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
}

/// A station folder whose data folder holds the May history.
fn station() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("var");
    std::fs::create_dir(&data).unwrap();
    may_history(&data);
    std::fs::create_dir(dir.path().join("schedules")).unwrap();
    std::fs::create_dir(dir.path().join("media")).unwrap();
    let config = dir.path().join("loaxa.toml");
    std::fs::write(
        &config,
        "[station]\nname = \"Đài truyền thanh xã Thử Nghiệm\"\nlanguage = \"vi\"\nschedules = \"schedules\"\nmedia = \"media\"\ndata = \"var\"\n",
    )
    .unwrap();
    (dir, config)
}

#[test]
fn csv_holds_the_same_tables() {
    let (dir, config) = station();
    let out = dir.path().join("bao-cao.csv");
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "05/2024",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sổ lịch sử đã được kiểm tra, mắt xích cuối 29:"));
    let bytes = std::fs::read(&out).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV has a BOM for spreadsheets"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let find = |first: &str| {
        rows.iter()
            .find(|r| r[0] == first)
            .unwrap_or_else(|| panic!("no row {first}"))
    };
    assert_eq!(find("Kỳ báo cáo")[1], "01/05/2024 – 31/05/2024");
    // Loa truyền thanh: scheduled, on time, late, missed, failed, interrupted, posted, …
    assert_eq!(find("Loa truyền thanh")[1..7], ["7", "2", "2", "1", "1", "1"]);
    assert_eq!(find("mot-cua")[1..5], ["Bản tin mot-cua", "Một cửa", "5", "1"]);
    assert_eq!(find("31/05/2024")[1], "2,00", "decimal comma in Vietnamese");
    assert!(
        rows.iter()
            .any(|r| r.len() > 6 && r[6].contains("ALSA: device or resource busy"))
    );
    let failures = rows.iter().filter(|r| r.len() == 7 && r[0].parse::<i64>().is_ok());
    assert_eq!(failures.count(), 8);
    // Issue #20: in every table (a titled block after the station's details), each row is as
    // wide as its header; the per-bulletin rows had a title the header lacked, and in
    // LibreOffice every number sat under the wrong heading.
    let blocks: Vec<&[Vec<String>]> = rows.split(|r| r.iter().all(String::is_empty)).skip(1).collect();
    assert!(blocks.len() >= 6, "{blocks:#?}");
    for block in blocks.iter().filter(|b| b.len() > 2) {
        let (title, header) = (&block[0][0], &block[1]);
        for row in &block[2..] {
            assert_eq!(row.len(), header.len(), "{title}: header {header:?}, row {row:?}");
        }
    }
    let bulletins = blocks
        .iter()
        .find(|b| b[0][0] == "Theo bản tin")
        .expect("the per-bulletin table");
    assert_eq!(bulletins[1][..3], ["Bản tin", "Tiêu đề", "Chiến dịch"]);
}

#[test]
fn html_report_renders_in_chromium_in_both_languages() {
    let (dir, config) = station();
    let html = dir.path().join("bao-cao-05-2024.html");
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "2024-05",
            "--out",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    // Issue #20: the W3C Nu checker finds no error in it (it flagged `word-break: break-word`).
    let errors = common::vnu::errors(dir.path(), "nu.html", &page);
    assert!(errors.is_empty(), "report:\n{}", errors.join("\n"));
    // Self-contained: nothing for the browser to fetch.
    for needle in ["<script", "<link", "src=", "@import", "url("] {
        assert!(
            !page.contains(needle),
            "the report references an external asset: {needle}"
        );
    }
    let url = format!("file://{}", html.display());
    let doc = browser::dump_dom(&url);
    assert_eq!(browser::text(&doc, "h1"), "Báo cáo kết quả phát thanh");
    assert!(browser::text(&doc, "#station").contains("Đài truyền thanh xã Thử Nghiệm"));
    assert!(browser::text(&doc, "#period").contains("01/05/2024 – 31/05/2024 (Tháng 05/2024)"));
    assert_eq!(
        browser::text(
            &doc,
            r#"#by-channel tr[data-key="Loa truyền thanh"] td[data-col="late"]"#
        ),
        "2"
    );
    assert_eq!(
        browser::text(&doc, r#"#by-channel tr[data-key="zalo"] td[data-col="unconfirmed"]"#),
        "1"
    );
    assert_eq!(
        browser::text(&doc, r#"#by-campaign tr[data-key="total"] td[data-col="scheduled"]"#),
        "11"
    );
    assert_eq!(browser::text(&doc, r#"#lateness td[data-col="max_ms"]"#), "2500 ms");
    assert_eq!(browser::count(&doc, "#failures tbody tr"), 8);
    assert!(browser::text(&doc, r#"#failures tr[data-kind="device_error"]"#).contains("Lỗi thiết bị âm thanh"));
    assert_eq!(
        browser::text(&doc, "#integrity p.ok"),
        "Chuỗi băm nguyên vẹn: nhật ký không bị sửa, xoá hay chèn."
    );
    assert!(browser::text(&doc, "#head").starts_with("29:"));
    // Charts: a bar per day of May with the minutes on air, a stacked bar per channel.
    assert_eq!(browser::count(&doc, "#chart-airtime svg rect.bar"), 31);
    assert_eq!(
        browser::count(
            &doc,
            r#"#chart-airtime rect[data-day="2024-05-01"][data-minutes="3.00"]"#
        ),
        1
    );
    assert_eq!(browser::count(&doc, "#chart-channels g.channel"), 5);
    assert_eq!(
        browser::count(
            &doc,
            r#"#chart-channels g[data-channel="loudspeaker"] rect[data-col="missed"][data-count="1"]"#
        ),
        1
    );
    browser::screenshot(&url, "report-vi", 3000);

    // A4: every page of the print is 595 × 842 points.
    let pdf = browser::print_to_pdf(&url, "report-vi");
    let pdf_text = String::from_utf8_lossy(&pdf);
    let pages = pdf_text.matches("/MediaBox [").count();
    let a4 = pdf_text.matches("/MediaBox [0 0 594.9").count();
    assert!(pdf.starts_with(b"%PDF"), "not a PDF");
    assert_eq!(a4, pages, "every printed page is A4 (595 × 842 pt)");
    assert!(
        (1..=4).contains(&pages),
        "{pages} pages for one month of a small station"
    );
    // Issue #20: the Vietnamese headings are wider, and the right edge of wide tables was cut
    // off. Chromium clips at the printable area, and what it clips is not in the PDF's text:
    // every heading and cell of every table must be.
    let missing = missing_from_pdf(&page, &browser::screenshots_dir().join("report-vi.pdf"));
    assert!(missing.is_empty(), "cut off in the A4 print: {missing:?}");

    // English.
    let en = dir.path().join("report-en.html");
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--from",
            "2024-05-01",
            "--to",
            "31/05/2024",
        ])
        .args(["--lang", "en", "--out"])
        .arg(&en)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = browser::dump_dom(&format!("file://{}", en.display()));
    assert_eq!(browser::text(&doc, "h1"), "Broadcast report");
    assert_eq!(
        browser::text(&doc, r#"#by-channel tr[data-key="Loudspeaker"] td[data-col="on_time"]"#),
        "2"
    );
}

#[test]
fn a_tampered_history_is_called_out_in_the_report() {
    let (dir, config) = station();
    let db = dir.path().join("var/history.db");
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch(
        "DROP TRIGGER IF EXISTS events_no_update; UPDATE events SET kind = 'playout_finished' WHERE kind = 'playout_missed';",
    )
    .unwrap();
    drop(c);
    let html = dir.path().join("r.html");
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "2024-05",
            "--out",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "a broken chain exits 1");
    assert!(String::from_utf8_lossy(&o.stderr).contains("HỎNG: sổ lịch sử đã bị sửa đổi"));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("NHẬT KÝ ĐÃ BỊ THAY ĐỔI"),
        "the report itself says the history was altered"
    );
    assert!(page.contains(r#"data-intact="false""#));
}

#[test]
fn bad_periods_get_a_clear_error() {
    let (_dir, config) = station();
    for (args, expect) in [
        // The station speaks Vietnamese.
        (vec!["--month", "2024-13"], "tháng phải từ 01 đến 12"),
        (vec!["--month", "tháng 5"], "hãy viết 05/2024"),
        (vec!["--from", "2024-05-10", "--to", "2024-05-01"], "trước khi bắt đầu"),
        (vec!["--from", "10/05/2024"], "--to"),
    ] {
        let o = loaxa()
            .args(["--config", config.to_str().unwrap(), "report"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn the_report_is_printed_to_stdout_without_out() {
    let (_dir, config) = station();
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "2024-05",
            "--format",
            "html",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    assert!(s.starts_with("<!DOCTYPE html>"));
}

/// The report speaks the station's language unless `--lang` says otherwise: `[station]
/// language` first, then `LOAXA_LANG`, then `LANG` (issue #14).
#[test]
fn the_report_speaks_the_stations_language() {
    let (dir, config) = station();
    let h1 = |env: &[(&str, &str)], extra: &[&str]| {
        let out = dir.path().join("r.html");
        let mut c = loaxa();
        c.args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "2024-05",
            "--out",
            out.to_str().unwrap(),
        ])
        .args(extra)
        .env_remove("LOAXA_LANG")
        .env_remove("LANG");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let page = std::fs::read_to_string(&out).unwrap();
        if page.contains("<h1>Báo cáo kết quả phát thanh</h1>") {
            "vi"
        } else if page.contains("<h1>Broadcast report</h1>") {
            "en"
        } else {
            "?"
        }
    };
    assert_eq!(h1(&[("LANG", "en_US.UTF-8")], &[]), "vi", "the station says vi");
    assert_eq!(h1(&[], &["--lang", "en"]), "en", "--lang wins");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("language = \"vi\"\n", "");
    std::fs::write(&config, text).unwrap();
    assert_eq!(
        h1(&[("LOAXA_LANG", "vi"), ("LANG", "en_US.UTF-8")], &[]),
        "vi",
        "then LOAXA_LANG"
    );
    assert_eq!(h1(&[("LANG", "vi_VN.UTF-8")], &[]), "vi", "then LANG");
    assert_eq!(h1(&[("LANG", "C")], &[]), "en", "English when nothing names a language");
    let bad = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[station]\n", "[station]\nlanguage = \"fr\"\n");
    std::fs::write(&config, bad).unwrap();
    let o = loaxa()
        .args(["--config", config.to_str().unwrap(), "check"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("unknown language `fr`") && err.contains("language = \"vi\""),
        "{err}"
    );
}

/// The table headings and cells of `html` whose text is not in the PDF's text (poppler's
/// `pdftotext`), compared without white space or hyphens, since the print wraps lines where it
/// likes and pdftotext joins a word broken at a hyphen without it.
fn missing_from_pdf(html: &str, pdf: &Path) -> Vec<String> {
    let o = Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils; `make test` installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let squeeze = |s: &str| {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
    };
    let text = squeeze(&String::from_utf8_lossy(&o.stdout));
    let doc = scraper::Html::parse_document(html);
    let cells = scraper::Selector::parse("table th, table td").unwrap();
    // Each piece of a cell's text on its own: a cell of several lines (an id, then a title)
    // at the top of a page is read by pdftotext between the repeated header's cells, whole.
    let mut missing: Vec<String> = doc
        .select(&cells)
        .flat_map(|c| c.text().map(str::to_string).collect::<Vec<_>>())
        .filter(|t| !squeeze(t).is_empty() && !text.contains(&squeeze(t)))
        .collect();
    missing.dedup();
    missing
}

/// Issue #33: with long Vietnamese titles and every column (the two added for an officer's
/// stop and a policy's skip among them), the right edge of the tables was cut off in the A4
/// print. Every cell of every table must be in the PDF.
#[test]
fn the_widest_report_prints_whole_on_a4() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("var");
    std::fs::create_dir(&data).unwrap();
    let mut b = Builder { events: Vec::new() };
    let campaign = Some("Đề án 06: phát triển ứng dụng dữ liệu về dân cư, định danh và xác thực điện tử");
    for day in 1..=28u32 {
        let sched = local(2024, 5, day, 6, 30, 0);
        let id = format!("kiem-soat-thu-tuc-hanh-chinh-mot-cua-lien-thong-{day:02}");
        let title = "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia và kích hoạt tài khoản định danh điện tử mức độ 2 cho người cao tuổi";
        b.ev(
            Kind::PlayoutStarted,
            sched,
            &id,
            sched,
            campaign,
            None,
            json!({"title": title, "lateness_ms": 20, "started_at": sched.to_rfc3339(), "scheduled_at": sched.to_rfc3339()}),
        );
        b.ev(
            Kind::PlayoutFinished,
            sched + chrono::Duration::minutes(3),
            &id,
            sched,
            campaign,
            None,
            json!({"title": title, "finished_at": (sched + chrono::Duration::minutes(3)).to_rfc3339()}),
        );
        for ch in [
            "facebook-trang-chinh-thuc-xa",
            "zalo-oa-uy-ban-nhan-dan-xa",
            "cong-thong-tin-dien-tu-xa",
        ] {
            b.ev(
                Kind::PostSucceeded,
                sched + chrono::Duration::minutes(1),
                &id,
                sched,
                campaign,
                Some(ch),
                json!({"title": title}),
            );
        }
    }
    b.events.sort_by_key(|e| e.at);
    Store::open(&data.join("history.db"), TZ)
        .unwrap()
        .append(&b.events)
        .unwrap();
    std::fs::create_dir(dir.path().join("schedules")).unwrap();
    std::fs::create_dir(dir.path().join("media")).unwrap();
    let config = dir.path().join("loaxa.toml");
    std::fs::write(
        &config,
        "[station]\nname = \"Đài truyền thanh xã Tiền Phong, huyện Mê Linh, thành phố Hà Nội\"\nlanguage = \"vi\"\nschedules = \"schedules\"\nmedia = \"media\"\ndata = \"var\"\n",
    )
    .unwrap();
    let html = dir.path().join("rong.html");
    let o = loaxa()
        .args([
            "--config",
            config.to_str().unwrap(),
            "report",
            "--month",
            "2024-05",
            "--out",
        ])
        .arg(&html)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    browser::print_to_pdf(&format!("file://{}", html.display()), "report-widest");
    let missing = missing_from_pdf(&page, &browser::screenshots_dir().join("report-widest.pdf"));
    assert!(missing.is_empty(), "cut off in the A4 print: {missing:?}");
}
