//! Issue #14: the notations commune officers really write. Times like `6h30` and days like
//! `thu ba` or `T3` are accepted and mean what the officer meant; what cannot be accepted gets a
//! hint that never changes the meaning (`thu ba` is Tuesday; the English `thu` it resembles is
//! Thursday).

mod common;

use chrono::{Datelike, NaiveDateTime, Weekday};
use common::Station;

/// (weekday, HH:MM) of every occurrence `loaxa plan` lists in the week from Monday 2026-12-07.
fn week(station: &Station) -> Vec<(Weekday, String)> {
    let out = station.loaxa(&["plan", "--from", "2026-12-07", "--days", "7", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let at = v["at"].as_str().unwrap();
            let t = NaiveDateTime::parse_from_str(&at[..19], "%Y-%m-%dT%H:%M:%S").unwrap();
            (t.weekday(), t.format("%H:%M").to_string())
        })
        .collect()
}

fn broadcast(at: &str, days: &str) -> String {
    format!(
        "[[broadcast]]\nid = \"b\"\ntitle = \"Bản tin\"\naudio = [\"chime.ogg\"]\nchannels = [\"loudspeaker\"]\nat = {at}\ndays = {days}\n"
    )
}

#[test]
fn officers_notations_air_when_they_meant() {
    use unicode_normalization::UnicodeNormalization;
    let decomposed: String = "thứ bảy".nfd().collect();
    type Case<'a> = (String, String, Vec<(Weekday, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            r#"["6h30", "17g05"]"#.into(),
            r#"["thu ba", "T5"]"#.into(),
            vec![
                (Weekday::Tue, "06:30"),
                (Weekday::Tue, "17:05"),
                (Weekday::Thu, "06:30"),
                (Weekday::Thu, "17:05"),
            ],
        ),
        (
            r#""06h30""#.into(),
            r#"["Thu 3", "t.6"]"#.into(),
            vec![(Weekday::Tue, "06:30"), (Weekday::Fri, "06:30")],
        ),
        (
            r#""6h""#.into(),
            format!("[\"{decomposed}\", \"chủ nhật\"]"),
            vec![(Weekday::Sat, "06:00"), (Weekday::Sun, "06:00")],
        ),
        (r#""6:30""#.into(), r#"["thu"]"#.into(), vec![(Weekday::Thu, "06:30")]),
    ];
    for (at, days, want) in cases {
        let st = Station::new(&[("a.toml", &broadcast(&at, &days))]);
        let loaded = st.load();
        assert!(
            !loaded.has_errors(),
            "at = {at}, days = {days}: {:?}",
            loaded.diagnostics
        );
        let got = week(&st);
        let want: Vec<(Weekday, String)> = want.into_iter().map(|(d, t)| (d, t.to_string())).collect();
        assert_eq!(got, want, "at = {at}, days = {days}");
    }
}

#[test]
fn no_day_hint_changes_the_meaning() {
    // Misspelt English names: the suggestion is the day that was meant.
    for (typo, meant) in [
        ("tuseday", Weekday::Tue),
        ("wendesday", Weekday::Wed),
        ("thurday", Weekday::Thu),
        ("fryday", Weekday::Fri),
        ("satruday", Weekday::Sat),
        ("mondey", Weekday::Mon),
    ] {
        let st = Station::new(&[("a.toml", &broadcast("\"06:30\"", &format!("[\"{typo}\"]")))]);
        let loaded = st.load();
        let d = loaded.diagnostics.iter().find(|d| d.is_error()).expect(typo);
        let hint = d.hint.clone().unwrap_or_default();
        let suggested = hint
            .strip_prefix("did you mean \"")
            .and_then(|s| s.strip_suffix("\"?"))
            .unwrap_or_else(|| panic!("{typo}: {hint}"));
        let days = loaxa::domain::localtime::Weekdays::parse_word(suggested).unwrap();
        assert!(days.contains(meant), "{typo} -> {suggested}");
    }
    // Vietnamese-looking words and numbers out of the week: never a "did you mean".
    for word in ["thứ 8", "thu tam", "t9", "thứ", "ngày mai", "T1"] {
        let st = Station::new(&[("a.toml", &broadcast("\"06:30\"", &format!("[\"{word}\"]")))]);
        let loaded = st.load();
        let d = loaded.diagnostics.iter().find(|d| d.is_error()).expect(word);
        let hint = d.hint.clone().unwrap_or_default();
        assert!(!hint.contains("did you mean"), "{word}: {hint}");
        assert!(hint.contains("t2…t7"), "{word}: {hint}");
    }
}

/// A file saved as `ban-tin.toml.txt` (Notepad) or `sang.TOML` used to be skipped in silence
/// while `check` said all was well. Now each is named with the fix; a backup taken off the air
/// on purpose (`.toml.bak`) stays quiet.
#[test]
fn a_schedule_saved_under_another_name_is_named() {
    let text = broadcast("\"06:30\"", "[\"t2\"]");
    let st = Station::new(&[
        ("ban-tin.toml.txt", &text),
        ("sang.TOML", &text.replace("id = \"b\"", "id = \"c\"")),
        ("cu.toml.bak", &text.replace("id = \"b\"", "id = \"d\"")),
        ("ghi-chu.txt", "notes"),
    ]);
    let out = st.loaxa(&["check"]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for (file, fixed) in [("ban-tin.toml.txt", "ban-tin.toml"), ("sang.TOML", "sang.toml")] {
        assert!(text.contains(file), "{file} named: {text}");
        assert!(text.contains(&format!("rename it to `{fixed}`")), "{text}");
    }
    assert!(text.contains("this file is not read"), "{text}");
    assert!(!text.contains("cu.toml.bak") && !text.contains("ghi-chu"), "{text}");
}

fn plain(keys: &str) -> String {
    format!(
        "[[broadcast]]\nid = \"b\"\ntitle = \"Bản tin\"\naudio = [\"chime.ogg\"]\nchannels = [\"loudspeaker\"]\n{keys}\n"
    )
}

/// Dates as Vietnamese write them (day first, `dd/mm/yyyy`), with a time as officers write
/// it, and a bare TOML time: accepted in `from`, `until`, `except`, `on`, and `plan --from`.
#[test]
fn day_first_dates_and_bare_times_are_accepted() {
    let cases = [
        ("at = 06:30\ndays = [\"t2\"]", vec![(Weekday::Mon, "06:30")]),
        (
            "at = \"06:30\"\nfrom = \"08/12/2026\"\nuntil = \"10/12/2026\"\nexcept = [\"9/12/2026\"]",
            vec![(Weekday::Tue, "06:30"), (Weekday::Thu, "06:30")],
        ),
        (
            "on = [\"09/12/2026 7h\", \"11/12/2026 17:05\", \"2026-12-12T06:00:00\"]",
            vec![
                (Weekday::Wed, "07:00"),
                (Weekday::Fri, "17:05"),
                (Weekday::Sat, "06:00"),
            ],
        ),
    ];
    for (keys, want) in cases {
        let st = Station::new(&[("a.toml", &plain(keys))]);
        let loaded = st.load();
        assert!(!loaded.has_errors(), "{keys}: {:?}", loaded.diagnostics);
        let want: Vec<(Weekday, String)> = want.into_iter().map(|(d, t)| (d, t.to_string())).collect();
        assert_eq!(week(&st), want, "{keys}");
    }
    // The same forms on the command line.
    let st = Station::new(&[("a.toml", &plain("at = \"06:30\""))]);
    let out = st.loaxa(&["plan", "--from", "07/12/2026", "--to", "08/12/2026 7h", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "Mon and Tue 06:30"
    );
}

/// A one-off whose instants are all past used to pass in silence (a wrong year, typically);
/// the Vietnamese level names are accepted however they are typed, and an unknown level's hint
/// lists them.
#[test]
fn past_one_offs_are_named_and_levels_read_in_vietnamese() {
    let check = |st: &Station| {
        let out = st.loaxa(&["check"]);
        (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
    };
    let st = Station::new(&[("a.toml", &plain("on = [\"01/12/2025 7h\"]"))]);
    let (code, text) = check(&st);
    assert_eq!(code, Some(0), "a warning, not an error: {text}");
    assert!(text.contains("already past (the last: 01/12/2025 07:00)"), "{text}");
    use unicode_normalization::UnicodeNormalization;
    for (word, level) in [
        ("khẩn cấp".nfd().collect::<String>(), "emergency"),
        ("Ưu Tiên".to_string(), "priority"),
        ("thong thuong".to_string(), "normal"),
    ] {
        let st = Station::new(&[("a.toml", &plain(&format!("at = \"06:30\"\npriority = \"{word}\"")))]);
        let loaded = st.load();
        assert!(!loaded.has_errors(), "{word}: {:?}", loaded.diagnostics);
        assert_eq!(loaded.set.broadcasts[0].priority.as_str(), level);
    }
    let st = Station::new(&[("a.toml", &plain("at = \"06:30\"\npriority = \"cao\""))]);
    let (code, text) = check(&st);
    assert_eq!(code, Some(1));
    assert!(
        text.contains("thông thường") && text.contains("ưu tiên") && text.contains("khẩn cấp"),
        "{text}"
    );
}

/// A campaign's 19 holidays used to give 19 warnings for each of its broadcasts that has its
/// own `from`/`until`, burying the one error (`until` before `from`) under 132 lines.
#[test]
fn campaign_holidays_make_no_noise_and_errors_come_first() {
    let holidays: Vec<String> = (1..=19).map(|d| format!("2026-01-{d:02}")).collect();
    let campaign = format!(
        "[campaign]\nname = \"Chuyển đổi số\"\nfrom = 2026-01-01\nuntil = 2026-12-31\nexcept = [{}]\n\n",
        holidays.join(", ")
    );
    let fine = plain("at = \"06:30\"\nfrom = 2026-06-01\nuntil = 2026-06-30").replace("id = \"b\"", "id = \"june\"");
    let st = Station::new(&[("a.toml", &format!("{campaign}{fine}"))]);
    let loaded = st.load();
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    // A broadcast's own holiday outside its own dates is still worth a word.
    let own = plain("at = \"06:30\"\nfrom = 2026-06-01\nuntil = 2026-06-30\nexcept = [2026-07-04]");
    let st = Station::new(&[("a.toml", &format!("{campaign}{own}"))]);
    assert_eq!(st.load().diagnostics.len(), 1);
    // The inverted dates: the first thing `check` says.
    let wrong = plain("at = \"06:30\"\nfrom = 2026-06-30\nuntil = 2026-06-01\non = []").replace("on = []\n", "");
    let st = Station::new(&[(
        "a.toml",
        &format!("{campaign}{fine}\n{}", wrong.replace("id = \"b\"", "id = \"x\"")),
    )]);
    let out = st.loaxa(&["check"]);
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.starts_with("error: this broadcast ends before it starts"),
        "{text}"
    );
    assert!(text.lines().count() < 20, "{text}");
}

/// Officers put the chime first in `audio` to change it per bulletin. `chime = false` drops
/// the station's opening chime, `chime = "file.ogg"` plays another one, no `chime` (or `true`)
/// keeps the station's.
#[test]
fn a_broadcast_chooses_its_own_chime() {
    use loaxa::playout::{Programme, Segment};
    let config = common::CONFIG.replace("[policy]", "[audio]\nchime = \"chime.ogg\"\n\n[policy]");
    let text = |id: &str, chime: &str| {
        format!(
            "[[broadcast]]\nid = \"{id}\"\ntitle = \"T\"\naudio = [\"de-an-06/vneid-muc-2.ogg\"]\nchannels = [\"loudspeaker\"]\nat = \"06:30\"\n{chime}\n"
        )
    };
    let files = [
        ("a.toml", text("station", "")),
        ("b.toml", text("none", "chime = false")),
        (
            "c.toml",
            text("own", "chime = \"de-an-06/thanh-toan-khong-dung-tien-mat.ogg\""),
        ),
        ("d.toml", text("yes", "chime = true")),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let st = Station::with_config(&config, &files);
    let loaded = st.load();
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    let cfg = st.config();
    let now = chrono::Utc::now();
    let occ = loaxa::domain::plan::occurrences(
        &loaded.set.broadcasts,
        now..now + chrono::Duration::days(1),
        cfg.station.timezone,
    );
    let first = |id: &str| {
        let o = occ.iter().find(|o| o.broadcast.id == id).unwrap();
        let p = Programme::for_occurrence(o, &cfg.audio, &cfg.station.media, &mut Default::default(), None, None);
        match &p.segments[0] {
            Segment::Audio(path) => path.file_name().unwrap().to_string_lossy().to_string(),
            s => panic!("{s:?}"),
        }
    };
    assert_eq!(first("station"), "chime.ogg");
    assert_eq!(first("yes"), "chime.ogg");
    assert_eq!(first("none"), "vneid-muc-2.ogg");
    assert_eq!(first("own"), "thanh-toan-khong-dung-tien-mat.ogg");
    // A chime file that is not there is reported like any audio file.
    let st = Station::with_config(&config, &[("a.toml", &text("x", "chime = \"chuong.ogg\""))]);
    let loaded = st.load();
    let e = loaded.diagnostics.iter().find(|d| d.is_error()).expect("missing chime");
    assert_eq!(loaded.sources.location(e), "schedules/a.toml:7:9");
}

/// `loaxa new` writes a file to fill in, that `check` reads; it never overwrites one.
#[test]
fn loaxa_new_writes_a_template_that_check_reads_and_never_overwrites() {
    let st = Station::new(&[]);
    let out = st.loaxa(&[
        "new",
        "ban-tin-sang",
        "--at",
        "6h30,17h",
        "--days",
        "t2,thứ 4,T6",
        "--title",
        "Bản tin \"sáng\"",
    ]);
    assert!(out.status.success(), "{out:?}");
    let path = st.path().join("schedules/ban-tin-sang.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("at = [\"06:30\", \"17:00\"]"), "{text}");
    // Only the audio file is left to fill in, and check says where.
    let loaded = st.load();
    let errors: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", loaded.sources.location(d), d.message))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("ban-tin-sang.toml:13:") && errors[0].contains("ten-tep.mp3"),
        "{errors:?}"
    );
    std::fs::write(&path, text.replace("ten-tep.mp3", "de-an-06/vneid-muc-2.ogg")).unwrap();
    assert!(!st.load().has_errors());
    assert_eq!(
        week(&st),
        [
            (Weekday::Mon, "06:30"),
            (Weekday::Mon, "17:00"),
            (Weekday::Wed, "06:30"),
            (Weekday::Wed, "17:00"),
            (Weekday::Fri, "06:30"),
            (Weekday::Fri, "17:00"),
        ]
        .map(|(d, t)| (d, t.to_string()))
    );
    let before = std::fs::read(&path).unwrap();
    let again = st.loaxa(&["new", "ban-tin-sang"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwrites"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let bad = st.loaxa(&["new", "bản-tin"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = st.loaxa(&["new", "x", "--at", "6:30 PM"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("18:30"));
}

/// One broadcast (lines 1–5) and then the officer's lines, from line 6 on.
fn with(lines: &str) -> String {
    format!(
        "[[broadcast]]\nid = \"a\"\ntitle = \"Bản tin\"\naudio = [\"de-an-06/vneid-muc-2.ogg\"]\nchannels = [\"loudspeaker\"]\n{lines}\n"
    )
}

/// What `check` must say about one officer's mistake: the first error's FILE:LINE, a part of
/// its message and of its hint. None: the file is right and must load without an error.
type Want = Option<(usize, &'static str, &'static str)>;

/// Mistakes officers make, beyond tests/fixtures/invalid: each is reported on the right line,
/// says what is wrong and how to fix it; the notations that are not mistakes load.
#[test]
fn officers_mistakes_are_reported_where_they_are_with_the_fix() {
    let t = |s: &str| s.to_string();
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "misspelt key",
            with("tittle = \"x\"\nat = \"06:30\""),
            Some((6, "unknown key `tittle`", "did you mean `title`")),
        ),
        (
            "capitalised key",
            with("At = \"06:30\""),
            Some((6, "unknown key `At`", "`at`")),
        ),
        ("hour 25", with("at = \"25h\""), Some((6, "hour 25", ""))),
        ("minute 75", with("at = \"6h75\""), Some((6, "minute 75", ""))),
        (
            "12-hour AM",
            with("at = \"06:30 AM\""),
            Some((6, "12-hour time", "at = \"06:30\"")),
        ),
        (
            "12-hour evening",
            with("at = \"8h tối\""),
            Some((6, "12-hour time", "at = \"20:00\"")),
        ),
        (
            "hour as words",
            with("at = \"6 giờ 30\""),
            Some((6, "not a time", "6h30")),
        ),
        ("time as a number", with("at = 630"), Some((6, "`at` should be", ""))),
        (
            "12-hour times in a list: the hint keeps every time (issue #33)",
            with("at = [\"6h30 sáng\", \"5h chiều\"]"),
            Some((6, "12-hour time", "at = [\"06:30\", \"17:00\"]")),
        ),
        (
            "a 12-hour time beside a good one: the good one stays in the hint",
            with("at = [\"06:30\", \"5h chiều\"]"),
            Some((6, "12-hour time", "at = [\"06:30\", \"17:00\"]")),
        ),
        (
            "in the quiet hours: the hint moves the time first (issue #33)",
            with("at = \"22:00\""),
            Some((
                6,
                "inside quiet hours",
                "move it to 05:00, when they end, or before 21:00",
            )),
        ),
        (
            "a day the month does not have (issue #33)",
            with("at = \"06:30\"\nuntil = \"31/11/2026\""),
            Some((7, "November 2026 has 30 days", "\"30/11/2026\"")),
        ),
        (
            "a date without its year (issue #33)",
            with("at = \"06:30\"\nexcept = [\"25/12\"]"),
            Some((7, "`25/12` has no year", "\"25/12/")),
        ),
        (
            "month 13, month first",
            with("at = \"06:30\"\nfrom = \"01/13/2026\""),
            Some((
                7,
                "there is no month 13: a date is written day first",
                "the day, then the month",
            )),
        ),
        (
            "a missing comma in a list (issue #33)",
            with("at = [\"06:30\" \"17:00\"]"),
            Some((6, "a comma is missing", "at = [\"06:30\", \"17:00\"]")),
        ),
        (
            "[broadcast] twice (issue #33)",
            format!(
                "{}\n{}",
                with("at = \"06:30\"").replace("[[broadcast]]", "[broadcast]"),
                with("at = \"07:30\"")
                    .replace("[[broadcast]]", "[broadcast]")
                    .replace("id = \"a\"", "id = \"b\"")
            ),
            Some((1, "must be written with double brackets", "[[broadcast]]")),
        ),
        (
            "two times in one text",
            with("at = \"06:30; 17:30\""),
            Some((6, "several times", "at = [\"06:30\", \"17:30\"]")),
        ),
        (
            "day eight",
            with("at = \"06:30\"\ndays = [\"T8\"]"),
            Some((7, "`T8` is not a day", "t2…t7")),
        ),
        (
            "two days in one text",
            with("at = \"06:30\"\ndays = \"t2, t4\""),
            Some((7, "several days", "days = [\"t2\", \"t4\"]")),
        ),
        (
            "unknown level",
            with("at = \"06:30\"\npriority = \"khan\""),
            Some((7, "unknown priority `khan`", "khẩn cấp")),
        ),
        (
            "channel in Vietnamese",
            with("at = \"06:30\"").replace("[\"loudspeaker\"]", "[\"loa\"]"),
            Some((5, "unknown channel `loa`", "written `loudspeaker`")),
        ),
        (
            "misspelt channel",
            with("at = \"06:30\"\n[broadcast.post]\ntext = \"x\"")
                .replace("[\"loudspeaker\"]", "[\"loudspeaker\", \"facebok\"]"),
            Some((5, "unknown channel `facebok`", "facebook")),
        ),
        (
            "no channels",
            with("at = \"06:30\"").replace("[\"loudspeaker\"]", "[]"),
            Some((5, "`channels` is empty", "")),
        ),
        (
            "id with accents",
            with("at = \"06:30\"").replace("id = \"a\"", "id = \"bản tin\""),
            Some((2, "not a usable id", "")),
        ),
        (
            "no title",
            with("at = \"06:30\"").replace("title = \"Bản tin\"\n", ""),
            Some((1, "missing `title`", "title = ")),
        ),
        (
            "impossible date",
            with("on = [\"31/02/2026 7h\"]"),
            Some((6, "must be a date with a time", "")),
        ),
        (
            "one-off without a time",
            with("on = [\"01/12/2026\"]"),
            Some((6, "must be a date with a time", "")),
        ),
        (
            "one-off as a bare date",
            with("on = [2026-12-01]"),
            Some((6, "must be a date with a time", "")),
        ),
        (
            "month 13",
            with("at = \"06:30\"\nfrom = \"2026-13-01\""),
            Some((7, "there is no month 13", "15/04/2024")),
        ),
        (
            "holiday without a year",
            with("at = \"06:30\"\nexcept = [\"30/4\"]"),
            Some((7, "`30/4` has no year", "\"30/04/")),
        ),
        (
            "dates the wrong way round",
            with("at = \"06:30\"\nfrom = \"31/12/2026\"\nuntil = \"01/12/2026\""),
            Some((8, "ends before it starts", "swap")),
        ),
        (
            "repeat zero",
            with("at = \"06:30\"\nrepeat = 0"),
            Some((7, "`repeat` must be between", "")),
        ),
        (
            "repeat as text",
            with("at = \"06:30\"\nrepeat = \"2\""),
            Some((7, "`repeat` should be", "")),
        ),
        (
            "volume in percent",
            with("at = \"06:30\"\nvolume = 80"),
            Some((7, "`volume` must be between 0 and 1", "")),
        ),
        (
            "negative gap",
            with("at = \"06:30\"\ngap_seconds = -1"),
            Some((7, "`gap_seconds` must be between", "")),
        ),
        (
            "web address without https",
            with("at = \"06:30\"\n[broadcast.post]\ntext = \"x\"\nlink = \"www.xa.gov.vn\"")
                .replace("[\"loudspeaker\"]", "[\"loudspeaker\", \"web\"]"),
            Some((9, "`link` must be a web address", "https://")),
        ),
        (
            "post without text",
            with("at = \"06:30\"\n[broadcast.post]\ntitle = \"x\"")
                .replace("[\"loudspeaker\"]", "[\"loudspeaker\", \"web\"]"),
            Some((7, "missing `text`", "")),
        ),
        (
            "web channel without post",
            with("at = \"06:30\"").replace("[\"loudspeaker\"]", "[\"loudspeaker\", \"web\"]"),
            Some((5, "needs a [broadcast.post]", "")),
        ),
        (
            "cron in words",
            with("cron = \"6h30 hằng ngày\""),
            Some((6, "cron", "")),
        ),
        (
            "at and on together",
            with("at = \"06:30\"\non = [\"01/12/2026 7h\"]"),
            Some((7, "cannot be used together", "")),
        ),
        (
            "never says when",
            with(""),
            Some((1, "never says when it airs", "at = ")),
        ),
        (
            "days with a one-off",
            with("on = [\"01/12/2026 7h\"]\ndays = [\"t2\"]"),
            Some((7, "`days` only works together with `at`", "")),
        ),
        (
            "plural table name",
            t("[[broadcasts]]\nid = \"a\"\n"),
            Some((1, "", "")),
        ),
        (
            "Vietnamese table name",
            t("[[ban-tin]]\nid = \"a\"\n"),
            Some((1, "", "")),
        ),
        (
            "bare text",
            with("at = \"06:30\"").replace("title = \"Bản tin\"", "title = Bản tin"),
            Some((3, "TOML syntax error", "double quotes")),
        ),
        (
            "unclosed quote",
            with("at = \"06:30").replace("title = \"Bản tin\"", "title = \"Bản tin"),
            Some((3, "TOML syntax error", "quote is not closed")),
        ),
        (
            "key twice",
            with("at = \"06:30\"\nat = \"17:00\""),
            Some((7, "TOML syntax error", "once per section")),
        ),
        (
            "missing audio file with a space",
            with("at = \"06:30\"").replace("de-an-06/vneid-muc-2.ogg", "ban tin.mp3"),
            Some((4, "does not exist", "")),
        ),
        (
            "wrong case in a file name",
            with("at = \"06:30\"").replace("vneid-muc-2.ogg", "VNeID-muc-2.ogg"),
            Some((4, "", "did you mean \"de-an-06/vneid-muc-2.ogg\"")),
        ),
        (
            "folder left out",
            with("at = \"06:30\"").replace("de-an-06/vneid-muc-2.ogg", "vneid-muc-2.ogg"),
            Some((4, "", "de-an-06/vneid-muc-2.ogg")),
        ),
        (
            "media/ written in front",
            with("at = \"06:30\"").replace("de-an-06/", "media/de-an-06/"),
            Some((4, "", "de-an-06/vneid-muc-2.ogg")),
        ),
        (
            "normal bulletin at night",
            with("at = \"22:30\""),
            Some((6, "quiet hours", "")),
        ),
        (
            "missing chime file",
            with("at = \"06:30\"\nchime = \"chuong\""),
            Some((7, "", "")),
        ),
        (
            "chime as a number",
            with("at = \"06:30\"\nchime = 1"),
            Some((7, "`chime` should be", "")),
        ),
        // Right, in the notations officers use: these load.
        ("6h30", with("at = \"6h30\""), None),
        ("bare TOML time", with("at = 06:30"), None),
        (
            "days in Vietnamese",
            with("at = \"06:30\"\ndays = [\"thứ hai\", \"thu tu\", \"T6\", \"cn\"]"),
            None,
        ),
        (
            "every day in Vietnamese",
            with("at = \"06:30\"\ndays = \"hằng ngày\""),
            None,
        ),
        (
            "level in Vietnamese",
            with("at = \"06:30\"\npriority = \"ưu tiên\""),
            None,
        ),
        (
            "dates day first",
            with("at = \"06:30\"\nfrom = \"01/12/2026\"\nuntil = \"31.12.2026\"\nexcept = [\"25-12-2026\"]"),
            None,
        ),
        (
            "emergency at night",
            with("at = \"22:30\"\npriority = \"khẩn cấp\""),
            None,
        ),
        (
            "one-off with 7h",
            with("on = [\"01/12/2027 7h\", \"2027-12-02T17:05:00\"]"),
            None,
        ),
        (
            "channels as one text",
            with("at = \"06:30\"").replace("[\"loudspeaker\"]", "\"loudspeaker\""),
            None,
        ),
        ("trailing comma", with("at = [\"06:30\", \"17:00\",]"), None),
        (
            "Windows line ends",
            with("at = \"06:30\"\ndays = [\"t2\"]").replace('\n', "\r\n"),
            None,
        ),
        ("tabs", with("\tat = \"06:30\""), None),
        (
            "Notepad's byte-order mark",
            format!("\u{feff}{}", with("at = \"06:30\"")),
            None,
        ),
        ("no chime", with("at = \"06:30\"\nchime = false"), None),
    ];
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for (what, text, want) in &cases {
        let st = Station::new(&[("a.toml", text.as_str())]);
        // Each mistake is explained in Vietnamese too, at the same place, with its hint.
        if let Err(why) = common::says_the_same_in_both_languages(&st) {
            failures.push(format!("{what}: {why}"));
        }
        let loaded = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || st.load());
        let first = loaded.diagnostics.iter().find(|d| d.is_error());
        match (want, first) {
            (None, None) => {}
            (None, Some(d)) => failures.push(format!(
                "{what}: unexpected {} {}",
                loaded.sources.location(d),
                d.message
            )),
            (Some(_), None) => failures.push(format!("{what}: no error")),
            (Some((line, message, hint)), Some(d)) => {
                let at = loaded.sources.location(d);
                let got_hint = d.hint.clone().unwrap_or_default();
                if !at.starts_with(&format!("schedules/a.toml:{line}:"))
                    || !d.message.contains(message)
                    || !got_hint.contains(hint)
                {
                    failures.push(format!(
                        "{what}: wanted {line} `{message}` hint `{hint}`\n   got {at} `{}` hint `{got_hint}`",
                        d.message
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A relay from `at` to `until` (lines 6 and 9), on the test station (quiet hours 21:00–05:00,
/// sessions at most 45 minutes).
fn relay(at: &str, until: &str) -> String {
    format!(
        "[[broadcast]]\nid = \"tiep-song\"\ntitle = \"Tiếp sóng VOV1\"\nchannels = [\"loudspeaker\"]\npriority = \"uu tien\"\nat = \"{at}\"\n[broadcast.relay]\nsource = \"vov1\"\nuntil = \"{until}\"\n"
    )
}

/// `check` on one schedule file: whether it passed, and everything it said.
fn check(text: &str) -> (bool, String) {
    let st = Station::new(&[("tiep-song.toml", text)]);
    let out = st.loaxa(&["check", "--from", "2026-12-07"]);
    let said = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), said)
}

/// Issue #33: `until` before `at` made a relay of 23 h 30 min, through the quiet hours, and
/// `check` said it was fine.
#[test]
fn a_relay_that_ends_before_it_starts_is_an_error_unless_it_says_next_day() {
    let (ok, said) = check(&relay("5h30", "05:00"));
    assert!(!ok, "{said}");
    assert!(said.contains("tiep-song.toml:9"), "the error points at until: {said}");
    assert!(said.contains("before it starts"), "{said}");
    assert!(
        said.contains("05:00 hôm sau"),
        "the hint names the explicit crossing: {said}"
    );

    // Written as a crossing of midnight, it is what the station meant, and it is checked like
    // any programme: it runs through the quiet hours, and far over the session limit.
    let (ok, said) = check(&relay("20:30", "05:00 hôm sau"));
    assert!(!ok, "{said}");
    assert!(said.contains("runs into quiet hours"), "{said}");
    assert!(said.contains("tiep-song.toml:9"), "{said}");

    // Ending inside the quiet hours is caught the same way.
    let (ok, said) = check(&relay("20:30", "21:15"));
    assert!(!ok, "{said}");
    assert!(said.contains("runs into quiet hours"), "{said}");

    // Over the session limit, outside the quiet hours: the limit's warning names the relay.
    let (ok, said) = check(&relay("06:00", "08:00"));
    assert!(ok, "{said}");
    assert!(said.contains("runs 120 minutes, over the 45-minute limit"), "{said}");

    // A short window inside the day is fine, and `hôm sau` on a window that does not cross
    // midnight is a mistake too.
    let (ok, said) = check(&relay("06:00", "06:30"));
    assert!(ok, "{said}");
    let (ok, said) = check(&relay("06:00", "06:30 hôm sau"));
    assert!(!ok, "{said}");
    assert!(said.contains("does not cross midnight"), "{said}");
}
