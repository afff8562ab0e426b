//! A local stand-in for Telegram, Mastodon and WordPress that can misbehave on purpose.
//!
//! It speaks plain HTTP/1.1 over a raw socket (so it can reset a connection or cut a body
//! short, which a mock framework cannot), checks each request's auth, answers with each
//! platform's real success and error bodies, and keeps what a real platform would: the posts it
//! created, per broadcast. Faults are drawn per request from a seeded random mix:
//! - `Slow`: creates the post, then answers after the client's timeout;
//! - `ServerError`: 500 with the platform's error body, nothing created;
//! - `RateLimited`: 429 with Retry-After: 1, nothing created;
//! - `ResetBefore`: resets the connection without doing anything;
//! - `ResetAfter`: creates the post, then resets the connection (the worst case);
//! - `Truncated`: creates the post, then sends half a body and closes.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const TELEGRAM_TOKEN: &str = "7712345678:AAF-planted-telegram-token-Zq9";
pub const MASTODON_TOKEN: &str = "planted-mastodon-token-4f1c9e";
pub const WORDPRESS_PASSWORD: &str = "abcd EFGH planted wpap pass";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fault {
    None,
    Slow,
    ServerError,
    RateLimited,
    ResetBefore,
    ResetAfter,
    Truncated,
}

/// A request as the mock saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub platform: &'static str,
    /// The broadcast id the request is about (`b17`), read from the body or the slug.
    pub key: Option<String>,
    pub fault: Fault,
}

#[derive(Default)]
pub struct State {
    pub seen: Vec<Seen>,
    /// (platform, broadcast id) → ids of the posts created.
    pub created: HashMap<(&'static str, String), Vec<String>>,
    /// Mastodon's Idempotency-Key memory: key → the status id it created.
    idempotency: HashMap<String, String>,
    /// WordPress: slug → post id.
    slugs: HashMap<String, String>,
    next_id: u64,
    rng: u64,
}

pub struct MockApi {
    pub port: u16,
    pub state: Arc<Mutex<State>>,
    /// Weights of each fault, `Fault::None` included.
    mix: Arc<Mutex<Vec<(Fault, u32)>>>,
    /// How long a `Slow` answer waits.
    pub slow: Duration,
}

impl MockApi {
    pub async fn start(seed: u64) -> MockApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind mock");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(Mutex::new(State {
            rng: seed | 1,
            ..State::default()
        }));
        let mix = Arc::new(Mutex::new(vec![(Fault::None, 1)]));
        let slow = Duration::from_secs(3);
        let (s, m) = (state.clone(), mix.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (s, m) = (s.clone(), m.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, s, m, slow).await;
                });
            }
        });
        MockApi { port, state, mix, slow }
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn set_mix(&self, mix: &[(Fault, u32)]) {
        *self.mix.lock().unwrap() = mix.to_vec();
    }

    /// Posts created per (platform, broadcast id).
    pub fn created(&self) -> HashMap<(&'static str, String), Vec<String>> {
        self.state.lock().unwrap().created.clone()
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }
}

fn next(rng: &mut u64) -> u64 {
    // xorshift64*: reproducible from the seed the test prints.
    *rng ^= *rng >> 12;
    *rng ^= *rng << 25;
    *rng ^= *rng >> 27;
    rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn pick(state: &Mutex<State>, mix: &Mutex<Vec<(Fault, u32)>>) -> Fault {
    let mix = mix.lock().unwrap().clone();
    let total: u32 = mix.iter().map(|(_, w)| w).sum();
    let mut s = state.lock().unwrap();
    let mut r = (next(&mut s.rng) % u64::from(total.max(1))) as u32;
    for (f, w) in mix {
        if r < w {
            return f;
        }
        r -= w;
    }
    Fault::None
}

struct Request {
    method: String,
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 1 << 20 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end..].to_vec();
    while body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

/// The broadcast id (`b` + digits) a text is about.
fn key_in(text: &str) -> Option<String> {
    let i = text.find("Nội dung b")? + "Nội dung ".len();
    let rest = &text[i..];
    let end = rest[1..]
        .find(|c: char| !c.is_ascii_digit())
        .map_or(rest.len(), |e| e + 1);
    Some(rest[..end].to_string())
}

/// What the platform would answer when all goes well, creating the post (or not, for a
/// repeat it recognises). `None`: the request is not one the mock knows, or is unauthorised.
fn handle(req: &Request, s: &mut State) -> (&'static str, Option<String>, u16, String) {
    let body = String::from_utf8_lossy(&req.body).to_string();
    let json: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
    if req.path.starts_with("/bot") {
        if !req.path.starts_with(&format!("/bot{TELEGRAM_TOKEN}/")) {
            return (
                "telegram",
                None,
                401,
                r#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#.into(),
            );
        }
        let key = key_in(json["text"].as_str().unwrap_or(&body));
        s.next_id += 1;
        let id = s.next_id;
        if let Some(k) = &key {
            s.created
                .entry(("telegram", k.clone()))
                .or_default()
                .push(id.to_string());
        }
        let reply = serde_json::json!({"ok": true, "result": {"message_id": id, "date": 1716537600,
            "chat": {"id": -1001234567890i64, "title": "Xã Thử", "type": "channel"}, "text": json["text"]}});
        return ("telegram", key, 200, reply.to_string());
    }
    if req.path == "/api/v1/statuses" {
        if req.headers.get("authorization").map(String::as_str) != Some(&format!("Bearer {MASTODON_TOKEN}")) {
            return (
                "mastodon",
                None,
                401,
                r#"{"error":"The access token is invalid"}"#.into(),
            );
        }
        let key = key_in(json["status"].as_str().unwrap_or(&body));
        let idem = req.headers.get("idempotency-key").cloned().unwrap_or_default();
        let id = match s.idempotency.get(&idem) {
            Some(id) => id.clone(),
            None => {
                s.next_id += 1;
                let id = s.next_id.to_string();
                if !idem.is_empty() {
                    s.idempotency.insert(idem, id.clone());
                }
                if let Some(k) = &key {
                    s.created.entry(("mastodon", k.clone())).or_default().push(id.clone());
                }
                id
            }
        };
        let reply = serde_json::json!({"id": id, "url": format!("https://mastodon.example/@xa/{id}"),
            "content": json["status"], "visibility": json["visibility"]});
        return ("mastodon", key, 200, reply.to_string());
    }
    if req.path.starts_with("/wp-json/wp/v2/posts") {
        let auth = req.headers.get("authorization").cloned().unwrap_or_default();
        let expected = format!(
            "Basic {}",
            base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                format!("loaxa:{WORDPRESS_PASSWORD}")
            )
        );
        if auth != expected {
            return (
                "wordpress",
                None,
                401,
                r#"{"code":"rest_not_logged_in","message":"You are not currently logged in.","data":{"status":401}}"#
                    .into(),
            );
        }
        if req.method == "GET" {
            let slug = req
                .path
                .split("slug=")
                .nth(1)
                .unwrap_or("")
                .split('&')
                .next()
                .unwrap_or("");
            let key = slug.split('-').next().map(str::to_string);
            let found = s.slugs.get(slug).map(|id| {
                serde_json::json!([{"id": id.parse::<i64>().unwrap_or(0), "slug": slug, "link": format!("https://xa.example/{slug}")}])
            });
            return (
                "wordpress",
                key,
                200,
                found.unwrap_or(serde_json::json!([])).to_string(),
            );
        }
        let slug = json["slug"].as_str().unwrap_or("").to_string();
        let key = slug.split('-').next().map(str::to_string);
        s.next_id += 1;
        let id = s.next_id;
        s.slugs.insert(slug.clone(), id.to_string());
        if let Some(k) = &key {
            s.created
                .entry(("wordpress", k.clone()))
                .or_default()
                .push(id.to_string());
        }
        let reply = serde_json::json!({"id": id, "slug": slug, "status": "publish", "link": format!("https://xa.example/{slug}")});
        return ("wordpress", key, 201, reply.to_string());
    }
    ("unknown", None, 404, "{}".into())
}

fn error_body(platform: &str, status: u16) -> String {
    match (platform, status) {
        ("telegram", 429) => {
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"#.into()
        }
        ("telegram", _) => r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#.into(),
        ("mastodon", 429) => r#"{"error":"Too many requests"}"#.into(),
        ("mastodon", _) => r#"{"error":"We're sorry, but something went wrong on our end."}"#.into(),
        ("wordpress", 429) => r#"{"code":"too_many_requests","message":"Too many requests.","data":{"status":429}}"#.into(),
        _ => r#"{"code":"internal_server_error","message":"There has been a critical error on this website.","data":{"status":500}}"#.into(),
    }
}

fn response(status: u16, body: &str, extra: &str) -> String {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Internal Server Error",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n{body}",
        body.len()
    )
}

async fn serve(
    mut stream: TcpStream,
    state: Arc<Mutex<State>>,
    mix: Arc<Mutex<Vec<(Fault, u32)>>>,
    slow: Duration,
) -> std::io::Result<()> {
    let Some(req) = read_request(&mut stream).await else {
        return Ok(());
    };
    let fault = pick(&state, &mix);
    let platform = if req.path.starts_with("/bot") {
        "telegram"
    } else if req.path.starts_with("/api/v1") {
        "mastodon"
    } else {
        "wordpress"
    };
    let record = |key: Option<String>, fault| {
        state.lock().unwrap().seen.push(Seen {
            method: req.method.clone(),
            path: req.path.clone(),
            platform,
            key,
            fault,
        })
    };
    match fault {
        Fault::ServerError | Fault::RateLimited => {
            record(None, fault);
            let status = if fault == Fault::RateLimited { 429 } else { 500 };
            let extra = if status == 429 { "retry-after: 1\r\n" } else { "" };
            stream
                .write_all(response(status, &error_body(platform, status), extra).as_bytes())
                .await?;
        }
        Fault::ResetBefore => {
            record(None, fault);
            stream.set_zero_linger()?;
        }
        _ => {
            let (platform, key, status, body) = handle(&req, &mut state.lock().unwrap());
            let _ = platform;
            record(key, fault);
            match fault {
                Fault::Slow => {
                    tokio::time::sleep(slow).await;
                    stream.write_all(response(status, &body, "").as_bytes()).await?;
                }
                Fault::ResetAfter => stream.set_zero_linger()?,
                Fault::Truncated => {
                    let full = response(status, &body, "");
                    let cut = full.len() - body.len() / 2;
                    stream.write_all(&full.as_bytes()[..cut]).await?;
                    stream.flush().await?;
                }
                _ => stream.write_all(response(status, &body, "").as_bytes()).await?,
            }
        }
    }
    stream.flush().await?;
    Ok(())
}
