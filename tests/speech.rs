//! Speech (issue #16): the Vietnamese normaliser against the golden set, sentences of the
//! office's notices read by hand (tests/fixtures/speech/golden.tsv); a text-only bulletin read
//! by espeak-ng through `loaxa run`, heard in the ALSA capture, posted, and recorded; `check`
//! and `loaxa speak`.

mod common;

use common::daemon::*;
use loaxa::speech::lexicon::Lexicon;
use loaxa::speech::normalise::normalise;
use sha2::Digest;

const NOTICE: &str = "UBND xã thông báo: từ ngày 15/12/2024, bộ phận một cửa tiếp nhận hồ sơ TTHC từ 7h30 đến 11h. Mọi thắc mắc xin gọi 0912 345 678.";

fn sha(bytes: &[u8]) -> String {
    loaxa::domain::text::hex(&sha2::Sha256::digest(bytes))
}

/// The loud part of a capture: from the first to the last sample above −40 dBFS, in seconds.
fn heard_seconds(wav: &std::path::Path) -> f64 {
    let left = common::audio::left_channel(wav);
    let loud = |x: &f32| x.abs() > 0.01;
    match (left.iter().position(loud), left.iter().rposition(loud)) {
        (Some(a), Some(b)) => (b - a) as f64 / 44_100.0,
        _ => 0.0,
    }
}

/// A text-only bulletin, `speak = true`: read on the loudspeaker by espeak-ng as long as its
/// own rendering (within 20 %), the same text posted, and the history holding which voice read
/// what (hashes of the text and of the audio, the engine, the archived audio).
#[test]
fn a_text_only_bulletin_is_read_posted_and_recorded() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let text = "[[broadcast]]\nid = \"thong-bao\"\ntitle = \"Thông báo một cửa\"\non = [WHEN]\nspeak = true\nchannels = [\"loudspeaker\", \"hook\"]\n[broadcast.post]\ntext = \"NOTICE\"\n"
        .replace("WHEN", &format!("\"{}\"", at(4)))
        .replace("NOTICE", NOTICE);
    let st = Station::new(&format!("{}/hook", server.uri()), &text);
    let o = loaxa(&st, &["check"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("1 of 1 spoken bulletin is not rendered yet (thong-bao)"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // Its own rendering, to compare with what the loudspeaker gets.
    let alone = st.path().join("alone.wav");
    let o = loaxa(&st, &["speak", "thong-bao", "--out", alone.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Issue #33: the first `speak` on a new box made the data folder readable by every user.
    for dir in ["var", "var/speech", "var/speech/cache"] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(st.path().join(dir)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o077, 0, "{dir} is {mode:o}");
    }
    let said = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        said.contains("reads: uỷ ban nhân dân xã thông báo: từ ngày mười lăm tháng mười hai"),
        "{said}"
    );
    let expected = {
        let r = hound::WavReader::open(&alone).unwrap();
        r.duration() as f64 / f64::from(r.spec().sample_rate)
    };
    assert!(expected > 5.0, "{expected}");
    let o = loaxa(&st, &["check"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 spoken bulletin, rendered"));

    let mut child = st.start();
    let started = st.wait_for("playout_started", Some("thong-bao"), 30);
    st.wait_for("playout_finished", Some("thong-bao"), 60);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while posts(&server, &rt) < 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(sigterm(&mut child).success());

    let heard = heard_seconds(&st.capture.wav());
    eprintln!("speech heard on the line: {heard:.2} s; its rendering: {expected:.2} s");
    assert!(
        (heard - expected).abs() <= expected * 0.2,
        "heard {heard:.2} s of speech, its rendering is {expected:.2} s"
    );
    // Posted once, with the text.
    let posts = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(posts.len(), 1);
    assert!(String::from_utf8_lossy(&posts[0].body).contains("bộ phận một cửa"));
    // Recorded.
    let d: serde_json::Value = serde_json::from_str(&started.details).unwrap();
    let s = &d["speech"];
    assert_eq!(s["provider"], "espeak-ng", "{d}");
    assert_eq!(s["voice"], "vi");
    assert!(s["engine"].as_str().unwrap().starts_with("espeak-ng 1."), "{s}");
    assert_eq!(s["text_sha256"], sha(NOTICE.as_bytes()));
    let spoken = normalise(NOTICE, &Lexicon::builtin()).unwrap();
    assert_eq!(s["spoken_sha256"], sha(spoken.as_bytes()));
    assert!((s["duration_s"].as_f64().unwrap() - expected).abs() < 0.05, "{s}");
    let archived = st.path().join("var/speech").join(s["archived"][0].as_str().unwrap());
    assert_eq!(
        sha(&std::fs::read(&archived).unwrap()),
        s["audio_sha256"].as_str().unwrap()
    );
    assert!(s.get("fallback").is_none(), "{s}");
    // The report lists it among the bulletins read aloud.
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .format("%Y-%m-%d")
        .to_string();
    let out = st.path().join("report.html");
    let o = loaxa(
        &st,
        &[
            "report",
            "--from",
            &today,
            "--to",
            &today,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = scraper::Html::parse_document(&std::fs::read_to_string(&out).unwrap());
    let row = scraper::Selector::parse("#spoken tbody tr[data-provider=espeak-ng]").unwrap();
    let rows: Vec<String> = page.select(&row).map(|r| r.text().collect::<String>()).collect();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(
        rows[0].contains("thong-bao") && rows[0].contains("Thông báo một cửa"),
        "{rows:?}"
    );
}

/// `check` points at the word the speech cannot read, in the schedule file, and says how to
/// write it; `loaxa speak` refuses it the same way.
#[test]
fn what_cannot_be_read_is_an_error_at_its_word() {
    let text = "[[broadcast]]\nid = \"tb\"\ntitle = \"Thông báo\"\nat = \"07:00\"\nspeak = \"Theo QXYZ, người dân cần lưu ý.\"\nchannels = [\"loudspeaker\"]\n";
    let st = Station::new("http://127.0.0.1:9/hook", text);
    let o = loaxa(&st, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("`QXYZ` is not in the reading lexicon"), "{out}");
    assert!(out.contains("main.toml:5:"), "{out}");
    assert!(out.contains("add `QXYZ = \"…\"` to the station's lexicon"), "{out}");
    let o = loaxa(&st, &["speak", "Theo QXYZ, người dân cần lưu ý."]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_golden_set_reads_as_written_by_hand() {
    let golden =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/speech/golden.tsv")).unwrap();
    let lexicon = Lexicon::builtin();
    let (mut total, mut wrong) = (0, Vec::new());
    for line in golden.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (text, expected) = line.split_once('\t').expect("text TAB reading");
        total += 1;
        let got = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || normalise(text, &lexicon));
        match (expected, got) {
            ("!", Err(_)) => {}
            ("!", Ok(read)) => wrong.push(format!("{text}\n  should be refused, read: {read}")),
            (expected, Ok(read)) if read == expected => {}
            (expected, Ok(read)) => wrong.push(format!("{text}\n  expected: {expected}\n  read:     {read}")),
            (expected, Err(e)) => wrong.push(format!("{text}\n  expected: {expected}\n  refused:  {e} ({})", e.token)),
        }
    }
    assert!(total >= 300, "only {total} sentences");
    assert!(
        wrong.is_empty(),
        "{} of {total} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Issue #31, finding 10: `voice = "../../../../etc/passwd"` made espeak-ng parse that file (and
/// crash) while `check` said ok. A voice is a name: a path is refused where it is written, in a
/// schedule file and in loaxa.toml.
#[test]
fn a_voice_given_as_a_path_is_refused_where_it_is_written() {
    let text = "[[broadcast]]\nid = \"tb\"\ntitle = \"Thông báo\"\nat = \"07:00\"\nspeak = \"Người dân lưu ý.\"\nchannels = [\"loudspeaker\"]\n[broadcast.speech]\nvoice = \"../../../../etc/passwd\"\n";
    let st = Station::new("http://127.0.0.1:9/hook", text);
    let o = loaxa(&st, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"../../../../etc/passwd\" is not a voice name"), "{out}");
    assert!(out.contains("main.toml:8:"), "{out}");
    // The same in loaxa.toml's [tts].
    let st = Station::new(
        "http://127.0.0.1:9/hook",
        &text.replace("[broadcast.speech]\nvoice = \"../../../../etc/passwd\"\n", ""),
    );
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{config}[tts]\nvoice = \"/etc/passwd\"\n")).unwrap();
    let o = loaxa(&st, &["check"]);
    assert_ne!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("\"/etc/passwd\" is not a voice name"), "{out}");
}

/// The speech of a station whose one voice is a command that counts its runs, takes a second
/// and answers with `wav`'s bytes; the cache is bounded at `cache_mb`.
fn counting_voice(dir: &std::path::Path, wav: &std::path::Path, cache_mb: u32) -> loaxa::speech::render::Speech {
    let count = dir.join("runs");
    let script = format!(
        "cat > /dev/null; echo run >> '{}'; sleep 1; cat '{}'",
        count.display(),
        wav.display()
    );
    let text = format!(
        "provider = \"counted\"\ncache_mb = {cache_mb}\n[counted]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", {script:?}]\n"
    );
    let table: loaxa::speech::settings::RawTts = toml::from_str(&text).unwrap();
    let mut errors = Vec::new();
    let config = loaxa::speech::settings::parse(Some(toml::Spanned::new(0..text.len(), table)), dir, 0, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    loaxa::speech::render::Speech::new(config, dir)
}

fn runs(dir: &std::path::Path) -> usize {
    std::fs::read_to_string(dir.join("runs"))
        .unwrap_or_default()
        .lines()
        .count()
}

fn spec(text: &str) -> loaxa::speech::render::Spec {
    loaxa::speech::render::Spec {
        text: text.into(),
        spoken: text.into(),
        provider: None,
        voice: None,
        speed: None,
    }
}

/// Issue #31, finding 6: a caller that stops waiting (the 200 ms before air time) left its
/// render running while a second one of the same text started: two engines holding the same
/// audio (VmHWM 1.66 GB for a long text). Now one text is rendered once, however many ask and
/// whoever gives up; what it made is kept for the next.
#[test]
fn one_text_is_rendered_once_however_many_ask_or_give_up() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("voice.wav");
    common::audio::tone(&wav, 440.0, 0.5, 0.5);
    let speech = std::sync::Arc::new(counting_voice(dir.path(), &wav, 500));
    let rt = runtime();
    rt.block_on(async {
        let s = spec("bà con chú ý");
        // The first asker gives up after 200 ms; two more ask meanwhile.
        let gave_up = tokio::time::timeout(std::time::Duration::from_millis(200), speech.render(&s, false)).await;
        assert!(gave_up.is_err(), "the voice takes a second");
        let (a, b) = tokio::join!(speech.render(&s, false), speech.render(&s, false));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b);
        assert!(a.fallback.is_none());
    });
    assert_eq!(runs(dir.path()), 1, "one run of the voice for one text");
}

/// Issue #31, finding 6: a rendering larger than the whole cache was evicted as soon as it was
/// stored, and the bulletin failed at air time ("is missing") while `check` said ok. Now what
/// was just made, and what the set in use will air, stay whatever the bound.
#[test]
fn the_cache_keeps_what_was_just_made_and_what_is_due_past_its_bound() {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("voice.wav");
    // 1.3 MB of audio against a 1 MB cache.
    common::audio::tone(&wav, 440.0, 15.0, 0.5);
    let speech = counting_voice(dir.path(), &wav, 1);
    let rt = runtime();
    let (due, other) = (spec("bản tin một"), spec("bản tin hai"));
    speech.set_due(std::slice::from_ref(&due));
    let first = rt.block_on(speech.render(&due, false)).unwrap();
    assert!(
        first.parts.iter().all(|p| speech.path(p).is_file()),
        "the rendering just made is there to air"
    );
    let second = rt.block_on(speech.render(&other, false)).unwrap();
    assert!(second.parts.iter().all(|p| speech.path(p).is_file()));
    assert!(speech.cached(&due).is_some(), "the due one stays past the bound");
    // Once the next one is made, the one no set will air is what goes.
    let third = rt.block_on(speech.render(&spec("bản tin ba"), false)).unwrap();
    assert!(third.parts.iter().all(|p| speech.path(p).is_file()));
    assert!(speech.cached(&other).is_none(), "the bound still holds for the rest");
    assert!(speech.cached(&due).is_some());
}

/// Issue #31, finding 6: `check` said ok to a text of any length; now it names the limit at the
/// text and says what to do instead.
#[test]
fn a_text_too_long_to_read_is_an_error_at_its_place() {
    let long = "Bà con chú ý. ".repeat(800);
    let text = format!(
        "[[broadcast]]\nid = \"dai\"\ntitle = \"Dài\"\non = [\"{}\"]\nchannels = [\"loudspeaker\"]\nspeak = \"{long}\"\n",
        at(3600)
    );
    let st = Station::new("http://127.0.0.1:9/hook", &text);
    let o = loaxa(&st, &["check"]);
    let out = said(&o);
    assert!(!o.status.success(), "{out}");
    assert!(out.contains("has 11200 characters; loaxa reads at most 10000"), "{out}");
    assert!(out.contains("main.toml:6:"), "{out}");
    assert!(out.contains("split it over several bulletins"), "{out}");
}
