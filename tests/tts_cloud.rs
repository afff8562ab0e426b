//! Speech providers other than the built-in espeak-ng (issue #16): a `command` provider (a small
//! script of the test's own, and espeak-ng behind it), and the cloud voices against local
//! servers that answer as FPT.AI, Viettel AI and Zalo AI do: FPT's asynchronous 404-then-200,
//! chunking past a service's limit, a quota error, a timeout, and the offline fallback, which
//! an urgent bulletin takes at once.

mod common;

use std::time::{Duration, Instant};

use loaxa::speech::render::{Spec, Speech};
use loaxa::speech::settings::{self, TtsConfig};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// A short WAV, as a service would send.
fn wav_bytes(seconds: f32) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.wav");
    common::audio::tone_at(&p, 300.0, seconds, 0.3, 22_050, 1);
    std::fs::read(p).unwrap()
}

fn config(toml: &str, base: &std::path::Path) -> TtsConfig {
    let table: settings::RawTts = toml::from_str(toml).unwrap();
    let mut errors = Vec::new();
    let c = settings::parse(Some(toml::Spanned::new(0..toml.len(), table)), base, 0, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    c
}

fn spec(spoken: &str, provider: &str) -> Spec {
    Spec {
        text: spoken.into(),
        spoken: spoken.into(),
        provider: Some(provider.into()),
        voice: None,
        speed: None,
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn a_command_provider_reads_text_on_stdin_and_gives_wav() {
    let dir = tempfile::tempdir().unwrap();
    // The test's own program: logs what it was given, then lets espeak-ng read it.
    let script = dir.path().join("voice.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\ntee \"$(dirname \"$0\")/said.txt\" | espeak-ng -b 1 -v vi --stdout --stdin\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let model = dir.path().join("model.onnx");
    std::fs::write(&model, b"a voice model").unwrap();
    let model_sha = loaxa::domain::text::hex(&<sha2::Sha256 as sha2::Digest>::digest(b"a voice model"));
    let c = config(
        &format!(
            "provider = \"piper\"\n[piper]\nkind = \"command\"\ncommand = [\"{}\"]\nmodel = \"model.onnx\"\nmodel_sha256 = \"{model_sha}\"\n",
            script.display()
        ),
        dir.path(),
    );
    let speech = Speech::new(c.clone(), dir.path());
    let rt = runtime();
    let r = rt
        .block_on(speech.render(&spec("uỷ ban nhân dân xã thông báo", "piper"), false))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("said.txt")).unwrap(),
        "uỷ ban nhân dân xã thông báo\n"
    );
    assert_eq!(r.kind, "command");
    assert!(r.engine.contains(&model_sha), "{}", r.engine);
    assert!(r.duration_s > 1.0, "{r:?}");
    assert!(r.fallback.is_none());
    // The same request again costs nothing: the program is not run.
    std::fs::remove_file(dir.path().join("said.txt")).unwrap();
    let t = Instant::now();
    let again = rt
        .block_on(speech.render(&spec("uỷ ban nhân dân xã thông báo", "piper"), false))
        .unwrap();
    assert_eq!(again, r);
    assert!(!dir.path().join("said.txt").exists());
    eprintln!("cache hit: {:?}", t.elapsed());
    // A model swapped under the station is refused, and the offline voice reads instead.
    std::fs::write(&model, b"another model").unwrap();
    let speech = Speech::new(c, dir.path());
    let r = rt
        .block_on(speech.render(&spec("xin chào bà con", "piper"), false))
        .unwrap();
    assert_eq!(r.provider, "espeak-ng");
    assert!(r.fallback.as_deref().unwrap_or("").contains("model.onnx"), "{r:?}");
}

/// FPT's audio URL answers 404 until the audio is ready.
struct NotYet {
    asked: std::sync::atomic::AtomicUsize,
    ready_after: usize,
    audio: Vec<u8>,
}

impl Respond for NotYet {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if n < self.ready_after {
            ResponseTemplate::new(404).set_body_string("Not Found")
        } else {
            ResponseTemplate::new(200)
                .set_body_bytes(self.audio.clone())
                .insert_header("content-type", "audio/mpeg")
        }
    }
}

#[test]
fn fpt_answers_later_and_long_texts_go_in_pieces() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    let dir = tempfile::tempdir().unwrap();
    let audio = wav_bytes(0.5);
    rt.block_on(async {
        for n in 0..3 {
            Mock::given(method("GET"))
                .and(path(format!("/audio/{n}.mp3")))
                .respond_with(NotYet {
                    asked: Default::default(),
                    ready_after: 2,
                    audio: audio.clone(),
                })
                .mount(&server)
                .await;
        }
    });
    // The real shape: raw text body, the key, voice and speed in headers; an async URL back.
    let counter = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (uri, c2) = (server.uri(), counter.clone());
    rt.block_on(
        Mock::given(method("POST"))
            .and(path("/hmi/tts/v5"))
            .and(header("api_key", "fpt-test-key-0123456789"))
            .and(header("voice", "banmai"))
            .and(header("speed", "0"))
            .respond_with(move |req: &Request| {
                let n = c2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                assert!(String::from_utf8_lossy(&req.body).chars().count() <= 40);
                ResponseTemplate::new(200).set_body_json(serde_json::json!({
                    "async": format!("{uri}/audio/{n}.mp3"),
                    "error": 0,
                    "message": "The content will be returned after a few seconds under the async link.",
                    "request_id": format!("req-{n}"),
                }))
            })
            .mount(&server),
    );
    unsafe { std::env::set_var("LOAXA_TEST_FPT_KEY", "fpt-test-key-0123456789") };
    let c = config(
        &format!(
            "[fpt]\nkind = \"fpt\"\nurl = \"{}/hmi/tts/v5\"\ntoken_env = \"LOAXA_TEST_FPT_KEY\"\nmax_chars = 40\nper_minute = 6000\n",
            server.uri()
        ),
        dir.path(),
    );
    let speech = Speech::new(c, dir.path());
    let text = "uỷ ban nhân dân xã thông báo. bộ phận một cửa làm việc từ bảy giờ. mọi thắc mắc xin gọi không chín.";
    let r = rt.block_on(speech.render(&spec(text, "fpt"), false)).unwrap();
    assert_eq!(
        counter.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "three pieces of at most 40 characters"
    );
    assert_eq!(r.parts.len(), 3);
    assert_eq!(r.provider, "fpt");
    assert!(r.fallback.is_none(), "{r:?}");
    assert!((r.duration_s - 1.5).abs() < 0.05, "{r:?}");
    let requests = rt.block_on(server.received_requests()).unwrap();
    let polls = requests.iter().filter(|r| r.method.as_str() == "GET").count();
    assert_eq!(polls, 9, "each piece asked until ready: 404, 404, 200");
    // The key never reaches the record.
    assert!(!serde_json::to_string(&r).unwrap().contains("fpt-test-key"));
}

#[test]
fn a_quota_error_a_timeout_or_no_audio_fall_back_to_the_offline_voice() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        // FPT over quota.
        Mock::given(method("POST"))
            .and(path("/fpt"))
            .respond_with(ResponseTemplate::new(429).set_body_json(serde_json::json!({
                "error": 1, "message": "API key exceeded quota", "request_id": "r1"
            })))
            .mount(&server)
            .await;
        // Viettel: answers, but far too late.
        Mock::given(method("POST"))
            .and(path("/viettel"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)).set_body_bytes(wav_bytes(0.3)))
            .mount(&server)
            .await;
        // Zalo: success with a URL that is not audio (a lying service).
        Mock::given(method("POST"))
            .and(path("/zalo"))
            .and(header("apikey", "zalo-test-key-0123456789"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "error_code": 0, "error_message": "Successful.", "data": { "url": format!("{}/zalo-audio", server.uri()) }
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/zalo-audio"))
            .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
            .mount(&server)
            .await;
    });
    unsafe {
        std::env::set_var("LOAXA_TEST_FPT_KEY2", "fpt-test-key-0123456789");
        std::env::set_var("LOAXA_TEST_VIETTEL_KEY", "viettel-test-key-0123456789");
        std::env::set_var("LOAXA_TEST_ZALO_KEY", "zalo-test-key-0123456789");
    }
    let u = server.uri();
    let c = config(
        &format!(
            "[fpt]\nkind = \"fpt\"\nurl = \"{u}/fpt\"\ntoken_env = \"LOAXA_TEST_FPT_KEY2\"\n\
             [viettel]\nkind = \"viettel\"\nurl = \"{u}/viettel\"\ntoken_env = \"LOAXA_TEST_VIETTEL_KEY\"\ntimeout_seconds = 1\n\
             [zalo]\nkind = \"zalo\"\nurl = \"{u}/zalo\"\ntoken_env = \"LOAXA_TEST_ZALO_KEY\"\n"
        ),
        dir.path(),
    );
    let speech = Speech::new(c, dir.path());
    let said = "xin chào bà con";
    for (provider, why) in [
        ("fpt", "exceeded quota"),
        ("viettel", "did not answer within 1 s"),
        ("zalo", "not audio"),
    ] {
        let t = Instant::now();
        let r = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || {
            rt.block_on(speech.render(&spec(said, provider), false))
        })
        .unwrap();
        assert_eq!(r.provider, "espeak-ng", "{provider}");
        let fallback = r.fallback.clone().unwrap_or_default();
        assert!(fallback.contains(why), "{provider}: {fallback}");
        assert!(!fallback.contains("test-key"), "{fallback}");
        assert!(t.elapsed() < Duration::from_secs(4), "{provider}: {:?}", t.elapsed());
    }
    // Zalo's request had the real shape.
    let requests = rt.block_on(server.received_requests()).unwrap();
    let zalo = requests.iter().find(|r| r.url.path() == "/zalo").unwrap();
    let form = String::from_utf8_lossy(&zalo.body);
    assert!(
        form.contains("input=xin+ch") && form.contains("speaker_id=1") && form.contains("encode_type=0"),
        "{form}"
    );
    let viettel = requests.iter().find(|r| r.url.path() == "/viettel").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&viettel.body).unwrap();
    assert_eq!(body["text"], said);
    assert_eq!(body["voice"], "hn-quynhanh");
    assert_eq!(body["tts_return_option"], 2);
}

#[test]
fn an_urgent_bulletin_never_waits_for_the_cloud() {
    let rt = runtime();
    let server = rt.block_on(MockServer::start());
    rt.block_on(
        Mock::given(method("POST"))
            .and(body_string("khẩn cấp: bão số ba"))
            .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
            .mount(&server),
    );
    unsafe { std::env::set_var("LOAXA_TEST_FPT_KEY3", "fpt-test-key-0123456789") };
    let dir = tempfile::tempdir().unwrap();
    let c = config(
        &format!(
            "provider = \"fpt\"\n[fpt]\nkind = \"fpt\"\nurl = \"{}/fpt\"\ntoken_env = \"LOAXA_TEST_FPT_KEY3\"\n",
            server.uri()
        ),
        dir.path(),
    );
    let speech = Speech::new(c, dir.path());
    let t = Instant::now();
    let mut s = spec("khẩn cấp: bão số ba", "fpt");
    s.provider = None;
    let r = rt.block_on(speech.render(&s, true)).unwrap();
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(r.provider, "espeak-ng");
    assert!(r.fallback.is_some());
    assert_eq!(
        rt.block_on(server.received_requests()).unwrap().len(),
        0,
        "the cloud was not even asked"
    );
}
