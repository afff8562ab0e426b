//! The dashboard's control page (`[http] control = true`, issue #17): officers log in with a
//! name and password (argon2-hashed in the config), then air a broadcast now or stop what is on
//! air. Without a session, with a forged one, or without the form's CSRF token nothing changes;
//! with the page off (the default) the server stays read-only. Driven over real HTTP against a
//! real daemon, the pages checked in headless Chromium and by the Nu checker.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::audio::tone;
use common::daemon::*;

const PASSWORD: &str = "Loa-xa 2024 đúng giờ";

/// `loaxa passwd officer`, fed the password on stdin: the line for the config.
fn hash_line(name: &str, password: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .args(["passwd", name])
        .env("LOAXA_LANG", "en")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains(password), "the password is echoed: {out}");
    let line = out
        .lines()
        .find(|l| l.starts_with(&format!("{name} = ")))
        .unwrap_or_else(|| panic!("no config line in {out}"))
        .to_string();
    assert!(line.contains("$argon2id$"), "{line}");
    line
}

/// A station whose control page is on, for `officer`, with one broadcast due years from now.
fn station(language: &str) -> Station {
    let st = Station::new(
        "http://127.0.0.1:9/hook",
        &schedule("dai", "\"2030-01-01T06:00:00\"", "long.wav", ""),
    )
    .speaking(language);
    tone(&st.path().join("media/long.wav"), 440.0, 20.0, 0.5);
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let listen = format!("listen = \"127.0.0.1:{}\"\n", st.port);
    let config = config.replace(
        &listen,
        &format!(
            "{listen}control = true\n[http.users]\n{}\n",
            hash_line("officer", PASSWORD)
        ),
    );
    std::fs::write(&path, config).unwrap();
    st
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

struct Web {
    rt: tokio::runtime::Runtime,
    base: String,
}

impl Web {
    fn new(st: &Station) -> Web {
        let base = format!("http://127.0.0.1:{}", st.port);
        let rt = runtime();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while ureq_get(&format!("{base}/healthz")).is_err() {
            assert!(std::time::Instant::now() < deadline, "no HTTP server");
            std::thread::sleep(Duration::from_millis(100));
        }
        Web { rt, base }
    }

    fn get(&self, path: &str, cookie: Option<&str>) -> (u16, String) {
        self.rt.block_on(async {
            let mut req = client().get(format!("{}{path}", self.base));
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    }

    /// POSTs a form; the status, the Set-Cookie header and the body.
    fn post(&self, path: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> (u16, Option<String>, String) {
        self.rt.block_on(async {
            let mut req = client().post(format!("{}{path}", self.base)).form(form);
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let r = req.send().await.unwrap();
            let set = r.headers().get("set-cookie").map(|v| v.to_str().unwrap().to_string());
            (r.status().as_u16(), set, r.text().await.unwrap())
        })
    }

    /// Logs in; the cookie to send back.
    fn login(&self) -> String {
        let (status, set, body) = self.post("/control/login", None, &[("name", "officer"), ("password", PASSWORD)]);
        assert_eq!(status, 303, "{body}");
        let set = set.expect("a session cookie");
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/control"] {
            assert!(set.contains(attribute), "{set}");
        }
        set.split(';').next().unwrap().to_string()
    }
}

/// The CSRF token the page's forms carry.
fn csrf(page: &str) -> String {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse("input[name=csrf]").unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value"))
        .expect("a CSRF field")
        .to_string()
}

fn actions(st: &Station) -> Vec<serde_json::Value> {
    st.events()
        .iter()
        .filter(|e| e.kind == "operator_action")
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect()
}

#[test]
fn without_a_session_nothing_changes() {
    let st = station("en");
    let mut child = st.start();
    let web = Web::new(&st);
    // The login form, as a browser shows it.
    let doc = common::browser::dump_dom(&format!("{}/control", web.base));
    assert_eq!(common::browser::count(&doc, "form input[name=name]"), 1);
    assert_eq!(common::browser::count(&doc, "form input[type=password]"), 1);
    assert_eq!(common::browser::count(&doc, "form[action='/control/now']"), 0);

    let forged = "loaxa_session=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    for cookie in [None, Some(forged)] {
        let (status, _, _) = web.post("/control/now", cookie, &[("id", "dai"), ("csrf", "x")]);
        assert_eq!(status, 303, "to the login form");
        let (status, _, _) = web.post("/control/stop", cookie, &[("csrf", "x")]);
        assert_eq!(status, 303);
    }
    let (status, set, body) = web.post("/control/login", None, &[("name", "officer"), ("password", "sai")]);
    assert_eq!(status, 401, "{body}");
    assert!(set.is_none());
    assert!(body.contains("wrong name or password"), "{body}");
    let (status, set, _) = web.post("/control/login", None, &[("name", "nobody"), ("password", PASSWORD)]);
    assert_eq!((status, set), (401, None));
    // A GET never changes anything, even with a session.
    let cookie = web.login();
    let (status, _) = web.get("/control/now?id=dai", Some(&cookie));
    assert_eq!(status, 405);
    // A session without the form's token: refused (another site's form would post this way).
    let (status, _, body) = web.post("/control/now", Some(&cookie), &[("id", "dai")]);
    assert_eq!(status, 403, "{body}");
    let (status, _, _) = web.post("/control/now", Some(&cookie), &[("id", "dai"), ("csrf", "0000")]);
    assert_eq!(status, 403);
    std::thread::sleep(Duration::from_secs(2));
    assert!(actions(&st).is_empty(), "{:?}", actions(&st));
    assert!(st.events().iter().all(|e| e.kind != "playout_started"));
    assert!(sigterm(&mut child).success());
}

#[test]
fn an_officer_logs_in_airs_now_stops_and_logs_out() {
    let st = station("vi");
    let mut child = st.start();
    let web = Web::new(&st);
    let cookie = web.login();
    let (status, page) = web.get("/control", Some(&cookie));
    assert_eq!(status, 200);
    assert!(page.contains("Phát ngay") && page.contains("Dừng"), "{page}");
    let errors = common::vnu::errors(st.path(), "control.html", &page);
    assert!(errors.is_empty(), "{errors:#?}");
    let token = csrf(&page);

    let (status, _, body) = web.post(
        "/control/now",
        Some(&cookie),
        &[("id", "dai"), ("priority", "emergency"), ("csrf", &token)],
    );
    assert_eq!(status, 303, "{body}");
    st.wait_for("playout_started", Some("dai"), 10);
    let (_, page) = web.get("/control", Some(&cookie));
    assert!(page.contains("dai@"), "the page shows what is on air: {page}");
    let (status, _, _) = web.post("/control/stop", Some(&cookie), &[("csrf", &token)]);
    assert_eq!(status, 303);
    let e = st.wait_for("playout_interrupted", Some("dai"), 5);
    let d: serde_json::Value = serde_json::from_str(&e.details).unwrap();
    assert_eq!(d["by"], "operator:officer");
    let a = actions(&st);
    assert_eq!(a.len(), 2, "{a:?}");
    assert_eq!(
        (a[0]["action"].as_str(), a[0]["user"].as_str(), a[0]["via"].as_str()),
        (Some("now"), Some("officer"), Some("dashboard"))
    );
    assert_eq!(a[0]["priority"], "emergency");
    assert_eq!(a[1]["action"], "stop");

    // Logged out, the same cookie and token do nothing.
    let (status, set, _) = web.post("/control/logout", Some(&cookie), &[("csrf", &token)]);
    assert_eq!(status, 303);
    assert!(set.is_some_and(|s| s.contains("Max-Age=0")));
    let (status, _, _) = web.post("/control/now", Some(&cookie), &[("id", "dai"), ("csrf", &token)]);
    assert_eq!(status, 303, "to the login form");
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(actions(&st).len(), 2);
    assert!(sigterm(&mut child).success());
}

#[test]
fn guessing_passwords_is_slowed_down() {
    let st = station("en");
    let mut child = st.start();
    let web = Web::new(&st);
    for _ in 0..5 {
        let (status, _, _) = web.post("/control/login", None, &[("name", "officer"), ("password", "guess")]);
        assert_eq!(status, 401);
    }
    // Even the right password waits now: the name is locked for a while.
    let (status, set, body) = web.post("/control/login", None, &[("name", "officer"), ("password", PASSWORD)]);
    assert_eq!((status, set), (429, None), "{body}");
    assert!(body.contains("too many"), "{body}");
    assert!(sigterm(&mut child).success());
}

#[test]
fn read_only_unless_turned_on_and_never_in_clear_on_the_network() {
    let st = Station::new(
        "http://127.0.0.1:9/hook",
        &schedule("dai", "\"2030-01-01T06:00:00\"", "tone.wav", ""),
    );
    let mut child = st.start();
    let web = Web::new(&st);
    let (status, _) = web.get("/control", None);
    assert_eq!(status, 404);
    let (status, _, _) = web.post("/control/login", None, &[("name", "officer"), ("password", PASSWORD)]);
    assert!(status == 404 || status == 405, "{status}");
    assert!(sigterm(&mut child).success());

    // On a network address without TLS in front, and with nobody to log in: errors at the line.
    let path = st.path().join("loaxa.toml");
    let config = std::fs::read_to_string(&path).unwrap();
    let listen = format!("listen = \"127.0.0.1:{}\"\n", st.port);
    std::fs::write(
        &path,
        config.replace(&listen, "listen = \"0.0.0.0:8640\"\ncontrol = true\n"),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(&path)
        .arg("check")
        .env("LOAXA_LANG", "en")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stderr).to_string() + &String::from_utf8_lossy(&o.stdout);
    assert!(!o.status.success(), "{said}");
    assert!(said.contains("nobody may log in"), "{said}");
    assert!(said.contains("passwords would cross the network in clear"), "{said}");
    assert!(said.contains("loaxa.toml:"), "{said}");
}
