//! The security review's checks: the HTTP server binds loopback by default, only reads, and
//! shrugs off oversized, malformed and idle requests; schedule files cannot reach outside
//! media/. (Planted secrets are grepped for in every output by tests/reliability.rs and
//! tests/channels.rs.)

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::daemon::{Station, at, runtime, schedule, sigterm, webhook};
use loaxa::config::Config;

#[test]
fn the_default_listen_address_is_loopback() {
    let c = Config::parse(Path::new("/s/loaxa.toml"), "[station]\nname = \"x\"\n", 0).unwrap();
    assert_eq!(c.http.listen.to_string(), "127.0.0.1:8640");
}

/// The local addresses a process listens on, from /proc/net/tcp{,6}.
fn listening_on(port: u16) -> Vec<String> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let text = std::fs::read_to_string(table).unwrap_or_default();
        for line in text.lines().skip(1) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            // local_address is HEXIP:HEXPORT; state 0A is LISTEN.
            if cols.len() > 3 && cols[3] == "0A" && cols[1].ends_with(&format!(":{port:04X}")) {
                found.push(cols[1].to_string());
            }
        }
    }
    found
}

/// Sends raw bytes and returns what came back (empty when the server closed the connection).
fn raw(port: u16, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = s.write_all(bytes);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).to_string()
}

fn status_line(reply: &str) -> &str {
    reply.lines().next().unwrap_or("")
}

#[test]
fn the_http_server_is_loopback_read_only_and_bounded() {
    let rt = runtime();
    let server = rt.block_on(webhook());
    let st = Station::new(
        &format!("{}/hook", server.uri()),
        &schedule("a", &at(3600), "tone.wav", ""),
    );
    let mut child = st.start();
    st.get("/healthz");
    let port = st.port;
    assert_eq!(listening_on(port), [format!("0100007F:{port:04X}")], "loopback only");

    for (method, path) in [
        ("POST", "/status"),
        ("PUT", "/"),
        ("DELETE", "/board/web"),
        ("PATCH", "/metrics"),
    ] {
        let reply = raw(
            port,
            format!("{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        assert!(
            status_line(&reply).contains(" 405 "),
            "{method} {path}: {}",
            status_line(&reply)
        );
    }
    // A 1 MB body is refused without being served.
    let mut big = b"POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\nConnection: close\r\n\r\n".to_vec();
    big.extend(std::iter::repeat_n(b'a', 1 << 20));
    let reply = raw(port, &big);
    assert!(!status_line(&reply).contains(" 200 "), "{}", status_line(&reply));
    // A 200 KB header: refused or cut off, never served.
    let header = format!(
        "GET /status HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "b".repeat(200_000)
    );
    let reply = raw(port, header.as_bytes());
    assert!(
        reply.is_empty() || status_line(&reply).contains(" 431 ") || status_line(&reply).contains(" 400 "),
        "{}",
        status_line(&reply)
    );
    // Garbage and tricks.
    let reply = raw(port, b"HELLO THERE\r\n\r\n");
    assert!(
        reply.is_empty() || status_line(&reply).contains(" 400 "),
        "{}",
        status_line(&reply)
    );
    for path in [
        "/board/..%2f..%2fetc%2fpasswd",
        "/board/web/../../../etc/passwd",
        "/%00",
        "/board/%ZZ",
    ] {
        let reply = raw(
            port,
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        );
        let line = status_line(&reply);
        assert!(line.contains(" 404 ") || line.contains(" 400 "), "{path}: {line}");
        assert!(!reply.contains("root:"), "{path} reached a file");
    }
    // 200 idle connections that never finish their request do not block the server.
    let idle: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let _ = s.write_all(b"GET /status HTTP/1.1\r\nHost: x\r\n");
            s
        })
        .collect();
    let t = Instant::now();
    let reply = raw(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert!(reply.ends_with("ok\n"), "{reply}");
    eprintln!(
        "security: /healthz answered in {:?} with 200 idle connections open",
        t.elapsed()
    );
    drop(idle);
    assert!(sigterm(&mut child).success());
}

fn media_error(audio: &str, image: &str) -> Vec<String> {
    let st = common::Station::new(&[(
        "x.toml",
        &format!(
            "[[broadcast]]\nid = \"a\"\ntitle = \"x\"\nat = [\"06:00\"]\naudio = [\"{audio}\"]\nchannels = [\"loudspeaker\", \"web\"]\n\
             [broadcast.post]\ntext = \"x\"\nimage = \"{image}\"\n"
        ),
    )]);
    let loaded = st.load();
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect()
}

#[test]
fn schedule_files_cannot_name_files_outside_media() {
    let ok = ("chime.ogg", "images/vneid.png");
    assert!(media_error(ok.0, ok.1).is_empty(), "{:?}", media_error(ok.0, ok.1));
    for (audio, image, expect) in [
        ("../loaxa.toml", ok.1, "uses `..`"),
        ("/etc/passwd", ok.1, "absolute"),
        ("images/../../loaxa.toml", ok.1, "uses `..`"),
        (ok.0, "../loaxa.toml", "uses `..`"),
        (ok.0, "/etc/passwd", "absolute"),
        ("~/x.ogg", ok.1, "does not exist"),
    ] {
        let errors = media_error(audio, image);
        assert!(
            errors.iter().any(|e| e.contains(expect)),
            "{audio} / {image}: {errors:?}"
        );
    }
    let _ = PathBuf::new();
}
