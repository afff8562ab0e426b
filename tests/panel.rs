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
    assert!(said.contains("reachable in plain HTTP on the network"), "{said}");
    assert!(said.contains("loaxa.toml:"), "{said}");
    // Issue #31, finding 10: an https public_url does not make a network listener safe (the
    // plain-HTTP login stays on the LAN beside the proxy): refused all the same.
    let config = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        config.replace(
            "control = true
",
            &format!(
                "control = true
public_url = \"https://loa.xa.example.vn\"\n[http.users]\n{}\n",
                hash_line("officer", PASSWORD)
            ),
        ),
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
    assert!(said.contains("reachable in plain HTTP on the network"), "{said}");
}

/// A login POST from the loopback address `from` (127.x.y.z: each its own client): the status,
/// every Set-Cookie, and the Retry-After.
fn login_from(
    web: &Web,
    from: std::net::Ipv4Addr,
    cookie: Option<&str>,
    name: &str,
    password: &str,
) -> (u16, Vec<String>, Option<String>) {
    web.rt.block_on(async {
        let c = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .local_address(std::net::IpAddr::V4(from))
            .build()
            .unwrap();
        let mut req = c
            .post(format!("{}/control/login", web.base))
            .form(&[("name", name), ("password", password)]);
        if let Some(cookie) = cookie {
            req = req.header("cookie", cookie);
        }
        let r = req.send().await.unwrap();
        let sets = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
        (r.status().as_u16(), sets, retry)
    })
}

fn ip(n: u32) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::from(0x7f00_0000 + n)
}

/// Issue #31, finding 3: junk names cannot wipe the lock on a real one, and an attacker's
/// guesses under the officer's name do not keep the officer (in a browser that has logged in
/// before) out of the emergency page.
#[test]
fn an_attacker_can_neither_unlock_a_name_nor_lock_its_officer_out() {
    let st = station("en");
    let mut child = st.start();
    let web = Web::new(&st);
    let (status, sets, _) = login_from(&web, ip(1), None, "officer", PASSWORD);
    assert_eq!(status, 303);
    let device = sets
        .iter()
        .find(|c| c.starts_with("loaxa_device="))
        .and_then(|c| c.split(';').next())
        .expect("a device cookie")
        .to_string();
    // Five guesses under the officer's name, each from an address of its own.
    for i in 0..5 {
        assert_eq!(login_from(&web, ip(100 + i), None, "officer", "doan").0, 401);
    }
    let (status, _, retry) = login_from(&web, ip(200), None, "officer", "doan");
    assert_eq!(status, 429, "the name is locked");
    assert!(retry.is_some());
    // 1,100 junk names from 1,100 addresses: the old table was cleared past 1,000.
    for i in 0..1100u32 {
        let status = login_from(&web, ip(0x0001_0000 + i), None, &format!("rac{i}"), "x").0;
        assert!(status == 401 || status == 429, "{status}");
    }
    let (status, _, _) = login_from(&web, ip(201), None, "officer", "doan");
    assert_eq!(status, 429, "the lock on the real name is still there");
    // The officer's own browser goes past it, at once.
    let (status, sets, _) = login_from(&web, ip(1), Some(&device), "officer", PASSWORD);
    assert_eq!(status, 303, "the officer is let in: {sets:?}");
    assert!(sets.iter().any(|c| c.starts_with("loaxa_session=")), "{sets:?}");
    assert!(sigterm(&mut child).success());
}

/// Issue #31, finding 2: a flood of wrong passwords from 16 clients ran 16 argon2s of 19 MiB at
/// once (2.2 GB). Now at most two run, the rest are told to wait, the memory goes back, and
/// the health probe answers throughout.
#[test]
fn a_login_flood_keeps_memory_bounded_and_the_probe_answering() {
    let st = station("en");
    let mut child = st.start();
    let pid = child.id();
    let web = Web::new(&st);
    let before = rss_kb(pid);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let counts = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeMap::<u16, u32>::new()));
    let base = web.base.clone();
    let flooders: Vec<_> = (0..16u32)
        .map(|c| {
            let (stop, counts, base) = (stop.clone(), counts.clone(), base.clone());
            std::thread::spawn(move || {
                let rt = runtime();
                let client = reqwest::Client::builder()
                    .local_address(std::net::IpAddr::V4(ip(0x0002_0000 + c)))
                    .build()
                    .unwrap();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let name = format!("lu{c}x{i}");
                    let status = rt.block_on(async {
                        client
                            .post(format!("{base}/control/login"))
                            .form(&[("name", name.as_str()), ("password", "sai")])
                            .send()
                            .await
                            .map(|r| r.status().as_u16())
                            .unwrap_or(0)
                    });
                    *counts.lock().unwrap().entry(status).or_default() += 1;
                }
            })
        })
        .collect();
    let start = std::time::Instant::now();
    let mut peak = before;
    let mut probes = 0;
    while start.elapsed() < Duration::from_secs(8) {
        peak = peak.max(rss_kb(pid));
        if probes < 10 && start.elapsed() > Duration::from_millis(500 * (probes + 1)) {
            let (status, _) = web.get("/healthz", None);
            assert_eq!(status, 200, "the probe during the flood");
            probes += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for f in flooders {
        f.join().unwrap();
    }
    let counts = counts.lock().unwrap().clone();
    eprintln!(
        "reliability: login flood, 16 clients, 8 s: answers {counts:?}; RSS {before} kB before, {peak} kB at most"
    );
    assert!(counts.get(&429).copied().unwrap_or(0) > 0, "{counts:?}");
    assert!(peak < before + 96 * 1024, "{before} kB → {peak} kB");
    assert!(sigterm(&mut child).success());
}
