//! Issue #13: no secret leaves loaxa in any form. Platforms (local servers with the real
//! APIs' shapes) echo the credentials they were sent back in their error bodies, in the forms
//! real ones use (the raw value, base64 of `user:password` from a Basic header, JSON with PHP's
//! escaped slashes, lowercase percent-encoding, a value cut at the 300-character mark), and
//! every output is searched for every form: what `loaxa post` and `--dry-run` print, the
//! history and status commands, and the database file itself.
//!
//! The campaign covers every channel kind that holds a secret (Facebook, Telegram, Mastodon,
//! WordPress with Basic auth, signed webhooks, Zalo with its tokens rotated at run time) with
//! fresh random secrets each round: one round in `make test`, `LOAXA_SECRET_ROUNDS` in `make
//! soak`; `LOAXA_SEED` replays a round.

mod common;

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::Rng;
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const WP_USER: &str = "bientap";

fn private(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

fn loaxa(dir: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(dir.join("loaxa.toml"))
        .args(args)
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// One round's secrets, each shaped like the real platform's.
struct Secrets {
    facebook: String,
    telegram: String,
    mastodon: String,
    wordpress: String,
    webhook: String,
    zalo_refresh: String,
    zalo_app: String,
    /// Handed out by the Zalo mock at run time: configured nowhere.
    zalo_access: String,
    zalo_next_refresh: String,
}

impl Secrets {
    fn new(rng: &mut Rng) -> Secrets {
        let n = 16 + (rng.next() % 24) as usize;
        Secrets {
            facebook: format!("EAAB{}", rng.text(ALNUM, n + 40)),
            telegram: format!(
                "{}:AA{}",
                100_000_000 + rng.next() % 800_000_000,
                rng.text(&format!("{ALNUM}-_"), 33)
            ),
            mastodon: rng.text(&format!("{ALNUM}-_"), 43),
            // Application Passwords are six groups of four; the extra characters make every
            // encoding differ from the raw value.
            wordpress: format!(
                "{} {} {} {} {}/{}",
                rng.text(ALNUM, 4),
                rng.text(ALNUM, 4),
                rng.text(ALNUM, 4),
                rng.text(ALNUM, 4),
                rng.text("+&%=:\"", 2),
                rng.text(ALNUM, 4)
            ),
            webhook: format!("whsec_{}", STANDARD.encode(rng.text(ALNUM, n).as_bytes())),
            zalo_refresh: rng.text(&format!("{ALNUM}-_."), n + 60),
            zalo_app: rng.text(ALNUM, 20),
            zalo_access: rng.text(&format!("{ALNUM}-_."), n + 80),
            zalo_next_refresh: rng.text(&format!("{ALNUM}-_."), n + 60),
        }
    }

    fn all(&self) -> [(&'static str, &str); 9] {
        [
            ("facebook token", &self.facebook),
            ("telegram token", &self.telegram),
            ("mastodon token", &self.mastodon),
            ("wordpress password", &self.wordpress),
            ("webhook secret", &self.webhook),
            ("zalo refresh token", &self.zalo_refresh),
            ("zalo app secret", &self.zalo_app),
            ("zalo access token (run time)", &self.zalo_access),
            ("zalo refresh token (run time)", &self.zalo_next_refresh),
        ]
    }
}

/// Every form in which a platform could hand a secret back.
fn forms(secret: &str) -> Vec<String> {
    let pct_lower: String = secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02x}"),
        })
        .collect();
    let json = serde_json::to_string(secret).unwrap();
    let json = json.trim_matches('"').to_string();
    vec![
        secret.to_string(),
        json.replace('/', "\\/"),
        pct_lower,
        STANDARD.encode(secret),
        STANDARD.encode(format!("{WP_USER}:{secret}")),
        // The first 12 characters: what a cut at the wrong place leaves.
        secret.chars().take(12).collect(),
    ]
}

/// An error message that echoes `secret` in every form and the request's own credential
/// headers as they came, with the raw value starting 4 characters before the 300-character
/// cut of an error snippet (`prefix` is what the body puts before the message).
fn echo_message(req: &Request, secret: &str, prefix: usize) -> String {
    let sent: Vec<String> = ["authorization", "access_token", "secret_key", "webhook-signature"]
        .iter()
        .filter_map(|h| {
            req.headers
                .get(*h)
                .and_then(|v| v.to_str().ok())
                .map(|v| format!("{h}={v}"))
        })
        .collect();
    let f = forms(secret);
    let pad = "x".repeat(296usize.saturating_sub(prefix));
    format!(
        "{pad}{secret} (sent: {}; url: {}; forms: {} {} {} {})",
        sent.join(", "),
        req.url,
        f[1],
        f[2],
        f[3],
        f[4]
    )
}

async fn platforms(server: &MockServer, s: &Secrets) {
    let (fb, tg, md, wp, hook) = (
        s.facebook.clone(),
        s.telegram.clone(),
        s.mastodon.clone(),
        s.wordpress.clone(),
        s.webhook.clone(),
    );
    Mock::given(method("POST"))
        .and(path_regex(r"^/v[0-9.]+/1234567890/(feed|photos)$"))
        .respond_with(move |req: &Request| {
            let head = "{\"error\":{\"message\":\"";
            let m = serde_json::to_string(&echo_message(req, &fb, head.len())).unwrap();
            ResponseTemplate::new(400).set_body_string(format!(
                "{head}{},\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"AbC\"}}}}",
                &m[1..]
            ))
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/bot.*/sendMessage$"))
        .respond_with(move |req: &Request| {
            ResponseTemplate::new(401)
                .set_body_json(json!({"ok": false, "error_code": 401, "description": echo_message(req, &tg, 40)}))
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/statuses"))
        .respond_with(move |req: &Request| {
            ResponseTemplate::new(422).set_body_json(json!({"error": echo_message(req, &md, 10)}))
        })
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/wp-json/wp/v2/posts"))
        .respond_with(move |req: &Request| {
            let head = "{\"code\":\"internal_server_error\",\"message\":\"";
            // PHP's json_encode escapes slashes.
            let m = serde_json::to_string(&echo_message(req, &wp, head.len()))
                .unwrap()
                .replace('/', "\\/");
            ResponseTemplate::new(500)
                .insert_header("content-type", "application/json")
                .set_body_string(format!("{head}{}, \"data\":{{\"status\":500}}}}", &m[1..]))
        })
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(move |req: &Request| ResponseTemplate::new(400).set_body_string(echo_message(req, &hook, 0)))
        .mount(server)
        .await;
    let (access, next) = (s.zalo_access.clone(), s.zalo_next_refresh.clone());
    Mock::given(method("POST"))
        .and(path("/v4/oa/access_token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": access, "refresh_token": next, "expires_in": "90000"})),
        )
        .mount(server)
        .await;
    let (access, next) = (s.zalo_access.clone(), s.zalo_next_refresh.clone());
    Mock::given(method("POST"))
        .and(path("/v2.0/article/create"))
        .respond_with(move |req: &Request| {
            ResponseTemplate::new(200).set_body_json(json!({
                "error": -201,
                "message": format!("Parameter is invalid: {} refresh={next} b64={}", echo_message(req, &access, 30), STANDARD.encode(&access)),
            }))
        })
        .mount(server)
        .await;
}

/// One station with every kind of channel, all on `api`.
fn station(api: &str, s: &Secrets) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (file, value) in [
        ("fb.token", &s.facebook),
        ("tg.token", &s.telegram),
        ("md.token", &s.mastodon),
        ("wp.secret", &s.wordpress),
        ("hook.secret", &s.webhook),
        ("zalo.token", &s.zalo_refresh),
        ("zalo.secret", &s.zalo_app),
    ] {
        private(&dir.path().join(file), value);
    }
    let once = "max_attempts = 1\ntimeout_seconds = 5\n";
    std::fs::write(
        dir.path().join("loaxa.toml"),
        format!(
            "[station]\nname = \"Đài xã\"\n\
             [channels.fb]\nkind = \"facebook\"\npage_id = \"1234567890\"\napi_base = \"{api}\"\ntoken_file = \"fb.token\"\n{once}\
             [channels.tg]\nkind = \"telegram\"\nchat_id = \"@xa\"\napi_base = \"{api}\"\ntoken_file = \"tg.token\"\n{once}\
             [channels.md]\nkind = \"mastodon\"\napi_base = \"{api}\"\ntoken_file = \"md.token\"\n{once}\
             [channels.wp]\nkind = \"wordpress\"\nusername = \"{WP_USER}\"\nurl = \"{api}\"\ntoken_file = \"wp.secret\"\n{once}\
             [channels.hook]\nkind = \"webhook\"\nurl = \"{api}/hook\"\ntoken_file = \"hook.secret\"\n{once}\
             [channels.zl]\nkind = \"zalo\"\napp_id = \"5555\"\ntoken_file = \"zalo.token\"\nsecret_file = \"zalo.secret\"\n\
             api_base = \"{api}\"\noauth_base = \"{api}\"\n{once}\
             [channels.web]\nkind = \"board\"\n"
        ),
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("schedules")).unwrap();
    std::fs::write(
        dir.path().join("schedules/s.toml"),
        "[[broadcast]]\nid = \"vneid\"\ntitle = \"Kích hoạt VNeID\"\nat = \"06:15\"\n\
         channels = [\"fb\", \"tg\", \"md\", \"wp\", \"hook\", \"zl\", \"web\"]\n\
         [broadcast.post]\ntext = \"Bà con mang căn cước đến Công an xã.\"\n",
    )
    .unwrap();
    dir
}

fn seed() -> u64 {
    std::env::var("LOAXA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_echoed_by_platforms_appear_in_no_output() {
    let rounds: u64 = std::env::var("LOAXA_SECRET_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let first_seed = seed();
    let mut searches = 0;
    for round in 0..rounds {
        let seed = first_seed.wrapping_add(round * 0x9E37_79B9);
        eprintln!("secrets: round {round}: LOAXA_SEED={seed}");
        let mut rng = Rng(seed | 1);
        let secrets = Secrets::new(&mut rng);
        let server = MockServer::start().await;
        platforms(&server, &secrets).await;
        let dir = station(&server.uri(), &secrets);
        let d = dir.path().to_path_buf();
        let outputs = tokio::task::spawn_blocking(move || {
            vec![
                ("post --dry-run", loaxa(&d, &["post", "vneid", "--dry-run"])),
                ("post", loaxa(&d, &["post", "vneid"])),
                ("post again (refused)", loaxa(&d, &["post", "vneid"])),
                ("history json", loaxa(&d, &["history", "--format", "json"])),
                ("history csv", loaxa(&d, &["history", "--format", "csv"])),
                ("history table", loaxa(&d, &["history"])),
            ]
        })
        .await
        .unwrap();
        // The platforms did answer with the secrets: otherwise this proves nothing.
        let requests = server.received_requests().await.unwrap();
        for p in [
            "/feed",
            "/sendMessage",
            "/api/v1/statuses",
            "/wp-json/wp/v2/posts",
            "/hook",
            "/v2.0/article/create",
        ] {
            assert!(
                requests.iter().any(|r| r.url.path().ends_with(p)),
                "{p} was called: {}",
                outputs[1].1
            );
        }
        assert!(outputs[1].1.contains("[REDACTED]"), "{}", outputs[1].1);
        assert!(outputs[0].1.contains("authorization: [REDACTED]"), "{}", outputs[0].1);
        let var = dir.path().join("var");
        let mut places: Vec<(String, Vec<u8>)> = outputs
            .iter()
            .map(|(n, o)| (n.to_string(), o.clone().into_bytes()))
            .collect();
        for f in ["history.db", "history.db-wal"] {
            places.push((f.into(), std::fs::read(var.join(f)).unwrap_or_default()));
        }
        for (what, secret) in secrets.all() {
            for form in forms(secret) {
                for (name, bytes) in &places {
                    searches += 1;
                    assert!(
                        !bytes.windows(form.len()).any(|w| w == form.as_bytes()),
                        "round {round} (LOAXA_SEED={seed}): the {what} appears as {form:?} in {name}:\n{}",
                        String::from_utf8_lossy(bytes)
                    );
                }
            }
        }
    }
    eprintln!(
        "secrets: {rounds} rounds x 9 secrets (6 channel kinds, 2 Zalo tokens obtained at run time) x 6 forms x 8 outputs: {searches} searches, 0 found"
    );
}

/// Finding 1: a rejected edit used to be quoted verbatim into the status page, the dashboard,
/// the log and the append-only history. A link to a private file outside the folder is not
/// read at all, and a token pasted into a schedule (here on a line with an error) is kept
/// only as a place and a code.
#[test]
fn a_rejected_edit_leaves_no_text_behind() {
    use common::daemon::{Hooked, at, schedule, sigterm};
    const PRIVATE: &str = "private-note-7d1e0c9b8a";
    const PASTED: &str = "EAAG-pasted-by-mistake-4c3b2a19";
    let Hooked {
        rt: _rt,
        server: _server,
        st,
    } = Hooked::new(&schedule("a", &at(3600), "tone.wav", ""));
    let outside = st.path().join("notes.toml");
    private(&outside, &format!("password = \"{PRIVATE}\"\n"));
    let log = st.path().join("daemon.log");
    let mut child = st
        .command()
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    st.wait_for("schedule_loaded", None, 10);
    std::os::unix::fs::symlink(&outside, st.path().join("schedules/leak.toml")).unwrap();
    st.wait_for("schedule_rejected", None, 15);
    std::fs::remove_file(st.path().join("schedules/leak.toml")).unwrap();
    std::fs::write(
        st.path().join("schedules/pasted.toml"),
        format!("[[broadcast]]\nid = \"p\"\ntitle = \"x\"\nat = \"06:00\"\ntoken = \"{PASTED}\n"),
    )
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while st.kinds().iter().filter(|k| k.starts_with("schedule_rejected")).count() < 2 {
        assert!(std::time::Instant::now() < deadline, "{:?}", st.kinds());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let pages: Vec<String> = ["/status", "/"].iter().map(|p| st.get(p)).collect();
    assert!(pages[0].contains("pasted.toml:5:"), "{}", pages[0]);
    assert!(pages[1].contains("pasted.toml:5:"), "the dashboard names the place");
    assert!(sigterm(&mut child).success());
    let history = loaxa(st.path(), &["history", "--format", "json"]);
    assert!(
        history.contains("leak.toml") && history.contains("unreadable"),
        "{history}"
    );
    let var = st.path().join("var");
    let mut places: Vec<(String, Vec<u8>)> = vec![
        ("log".into(), std::fs::read(&log).unwrap()),
        ("status".into(), pages[0].clone().into_bytes()),
        ("dashboard".into(), pages[1].clone().into_bytes()),
        ("history".into(), history.into_bytes()),
    ];
    for f in ["history.db", "history.db-wal"] {
        places.push((f.into(), std::fs::read(var.join(f)).unwrap_or_default()));
    }
    for secret in [PRIVATE, PASTED] {
        for (name, bytes) in &places {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} in the {name}"
            );
        }
    }
    eprintln!(
        "secrets: a link to a private file and a pasted token in rejected edits: in none of log, status, dashboard, history, database"
    );
}

/// A history written before every event was redacted on its way in (or by a tool that did
/// not redact) may hold a secret: `loaxa history` and `loaxa report` redact what they read.
#[test]
fn a_secret_already_in_an_old_history_is_not_shown() {
    use loaxa::domain::event::Kind;
    use loaxa::history::{Event, Store};
    const OLD: &str = "EAAB-written-before-redaction-5f4e3d2c1b";
    let st = common::Station::new(&[]);
    let mut store = Store::open(&Store::path_in(&st.path().join("var")), common::daemon::TZ).unwrap();
    let now = chrono::Utc::now();
    store
        .append(&[Event::new(
            Kind::PostFailed,
            json!({"reason": format!("Facebook error 190: Invalid OAuth access token {OLD}")}),
        )
        .channel("facebook")
        .at(now)])
        .unwrap();
    drop(store);
    let month = now.with_timezone(&common::daemon::TZ).format("%Y-%m").to_string();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_loaxa"))
            .arg("--config")
            .arg(st.config_path())
            .args(args)
            .env("LOAXA_TEST_FACEBOOK_TOKEN", OLD)
            .output()
            .unwrap();
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    for args in [
        &["history"][..],
        &["history", "--format", "json"],
        &["history", "--format", "csv"],
        &["report", "--month", &month],
        &["report", "--month", &month, "--format", "csv"],
    ] {
        let out = run(args);
        assert!(out.contains("Invalid OAuth access token"), "{args:?}: {out}");
        assert!(!out.contains(OLD), "{args:?}: {out}");
    }
}
