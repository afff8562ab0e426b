//! The gate every request of a relay's ffmpeg passes through: an HTTP proxy on loopback, for
//! that one ffmpeg.
//!
//! ffmpeg follows an HLS playlist's variant and segment addresses, and their redirects, on its
//! own; loaxa has no say in them. A playlist could send it to 127.0.0.1 or 169.254.169.254 (a
//! cloud host's metadata service): a blind request from inside the box (issue #31, finding 10).
//! So ffmpeg is told to use the gate as its proxy, and the gate resolves each destination and
//! refuses one inside the box ([`super::inward`]), unless it is the source the station named.
//! It connects to the address it checked, so a name that resolves elsewhere a second time
//! changes nothing. One request per connection: the next one, to whatever host, is checked
//! again.

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The longest request head taken.
const MAX_HEAD: usize = 16 * 1024;
/// Time for a request head, and to connect onwards.
const WAIT: Duration = Duration::from_secs(10);
/// Connections passed at once (ffmpeg uses one or two): another local user who opens
/// thousands cannot take the daemon's threads with them.
const MAX_OPEN: usize = 16;

/// A running gate; it stops when dropped.
pub struct Gate {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    refused: Arc<Mutex<Option<String>>>,
}

/// What may be reached: anything outside the box, and the source's own host and port.
#[derive(Clone)]
struct Policy {
    source: Option<(String, u16)>,
}

impl Policy {
    fn allows(&self, host: &str, port: u16, resolved: &[SocketAddr]) -> bool {
        let own = self
            .source
            .as_ref()
            .is_some_and(|(h, p)| h.eq_ignore_ascii_case(host) && *p == port);
        own || (!super::inward::host(host) && !resolved.iter().any(|a| super::inward::ip(a.ip())))
    }
}

impl Gate {
    /// The gate for a relay of `source`; None when the source is inside the box itself, where
    /// its playlist may rightly name other addresses of the box.
    pub fn for_source(source: &str) -> std::io::Result<Option<Gate>> {
        let Ok(url) = reqwest::Url::parse(source) else {
            return Ok(None);
        };
        if super::inward::url(&url) {
            return Ok(None);
        }
        Gate::start(
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(80),
        )
        .map(Some)
    }

    /// A gate that lets through `host:port` (the source) and refuses every other place inside
    /// the box.
    pub fn start(host: &str, port: u16) -> std::io::Result<Gate> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let refused = Arc::new(Mutex::new(None));
        let policy = Policy {
            source: Some((host.trim_start_matches('[').trim_end_matches(']').to_string(), port)),
        };
        let (stopping, said) = (stop.clone(), refused.clone());
        let open = Arc::new(AtomicUsize::new(0));
        std::thread::Builder::new()
            .name("loaxa-relay-gate".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stopping.load(Ordering::Acquire) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    if open.fetch_add(1, Ordering::AcqRel) >= MAX_OPEN {
                        open.fetch_sub(1, Ordering::AcqRel);
                        continue;
                    }
                    let (policy, said, open) = (policy.clone(), said.clone(), open.clone());
                    let spawned = std::thread::Builder::new().name("loaxa-relay-gate".into()).spawn({
                        let open = open.clone();
                        move || {
                            pass(conn, &policy, &said);
                            open.fetch_sub(1, Ordering::AcqRel);
                        }
                    });
                    if spawned.is_err() {
                        open.fetch_sub(1, Ordering::AcqRel);
                    }
                }
            })?;
        Ok(Gate { addr, stop, refused })
    }

    /// The gate's address, as ffmpeg's `-http_proxy` takes it.
    pub fn proxy(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The last destination refused, and why (for the relay's record).
    pub fn refused(&self) -> Option<String> {
        self.refused.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wakes the accepting thread so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
    }
}

/// One request: checked, then passed on and its answer passed back.
fn pass(mut client: TcpStream, policy: &Policy, refused: &Mutex<Option<String>>) {
    let _ = client.set_read_timeout(Some(WAIT));
    let Some((head, rest)) = read_head(&mut client) else {
        return;
    };
    let Some(line) = head.lines().next() else { return };
    let mut words = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (words.next(), words.next(), words.next()) else {
        return answer(&mut client, "400 Bad Request");
    };
    // CONNECT host:port (https), or an absolute http:// address.
    let (host, port, forward) = if method.eq_ignore_ascii_case("CONNECT") {
        let Some((h, p)) = target.rsplit_once(':') else {
            return answer(&mut client, "400 Bad Request");
        };
        let Ok(p) = p.parse::<u16>() else {
            return answer(&mut client, "400 Bad Request");
        };
        (h.trim_start_matches('[').trim_end_matches(']').to_string(), p, None)
    } else {
        let Ok(url) = reqwest::Url::parse(target) else {
            return answer(&mut client, "400 Bad Request");
        };
        if url.scheme() != "http" {
            return answer(&mut client, "400 Bad Request");
        }
        let host = url.host_str().unwrap_or_default();
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let port = url.port_or_known_default().unwrap_or(80);
        let mut path = url.path().to_string();
        if let Some(q) = url.query() {
            path = format!("{path}?{q}");
        }
        (host, port, Some(origin_head(&head, method, &path, version)))
    };
    let resolved: Vec<SocketAddr> = (host.as_str(), port)
        .to_socket_addrs()
        .map(Iterator::collect)
        .unwrap_or_default();
    if !policy.allows(&host, port, &resolved) {
        let why = t!("relay-refused-inside", host = host.clone());
        tracing::warn!("{why}");
        *refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        return answer(&mut client, "403 Forbidden");
    }
    let Some(mut upstream) = resolved.iter().find_map(|a| TcpStream::connect_timeout(a, WAIT).ok()) else {
        return answer(&mut client, "502 Bad Gateway");
    };
    let _ = client.set_read_timeout(None);
    let sent = match &forward {
        Some(head) => upstream.write_all(head.as_bytes()),
        None => client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n"),
    };
    if sent.and_then(|()| upstream.write_all(&rest)).is_err() {
        return;
    }
    splice(client, upstream);
}

/// The request head and whatever came after it in the same reads.
fn read_head(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Some((String::from_utf8_lossy(&buf).into_owned(), rest));
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
        match client.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// The head as the destination takes it: its own path, no proxy headers, and closed after
/// one answer (the next request comes through the gate again).
fn origin_head(head: &str, method: &str, path: &str, version: &str) -> String {
    let mut out = format!("{method} {path} {version}\r\n");
    for line in head.lines().skip(1).filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or_default().trim().to_ascii_lowercase();
        if !matches!(
            name.as_str(),
            "proxy-connection" | "proxy-authorization" | "connection" | "keep-alive"
        ) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

fn answer(client: &mut TcpStream, status: &str) {
    let _ = write!(
        client,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

/// Bytes both ways until either side ends.
fn splice(client: TcpStream, upstream: TcpStream) {
    let (Ok(mut c2), Ok(mut u2)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(Shutdown::Write);
    });
    let (mut client, mut upstream) = (client, upstream);
    let _ = std::io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(Shutdown::Both);
    let _ = upstream.shutdown(Shutdown::Both);
    let _ = up.join();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_outside_is_gated_and_one_inside_is_not() {
        assert!(
            Gate::for_source("https://cdn.vov.vn/vov1/playlist.m3u8")
                .unwrap()
                .is_some()
        );
        assert!(Gate::for_source("http://127.0.0.1:8000/vov1.m3u8").unwrap().is_none());
        assert!(Gate::for_source("http://localhost:8000/vov1").unwrap().is_none());
    }

    #[test]
    fn the_box_is_refused_unless_it_is_the_source() {
        let p = Policy {
            source: Some(("cdn.vov.vn".into(), 443)),
        };
        let outside: Vec<SocketAddr> = vec!["203.162.4.190:443".parse().unwrap()];
        let inside: Vec<SocketAddr> = vec!["169.254.169.254:80".parse().unwrap()];
        assert!(p.allows("cdn.vov.vn", 443, &outside));
        assert!(p.allows("seg.vov.vn", 443, &outside));
        assert!(!p.allows("169.254.169.254", 80, &inside));
        assert!(!p.allows("localhost", 80, &[]));
        // A name that resolves inward is refused as the address itself would be.
        assert!(!p.allows("metadata.attacker.example", 80, &inside));
    }

    /// https goes through as a tunnel (CONNECT), checked the same way.
    #[test]
    fn a_tunnel_to_the_source_opens_and_one_elsewhere_in_the_box_does_not() {
        let echo = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = echo.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for c in echo.incoming().flatten() {
                let mut c = c;
                let mut buf = [0u8; 5];
                if c.read_exact(&mut buf).is_ok() {
                    let _ = c.write_all(&buf);
                }
            }
        });
        let gate = Gate::start("127.0.0.1", port).unwrap();
        let ask = |target: &str| -> (String, TcpStream) {
            let mut c = TcpStream::connect(gate.addr).unwrap();
            c.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            write!(c, "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n").unwrap();
            let mut head = Vec::new();
            let mut b = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && c.read(&mut b).unwrap_or(0) == 1 {
                head.push(b[0]);
            }
            (String::from_utf8_lossy(&head).into_owned(), c)
        };
        let (said, mut tunnel) = ask(&format!("127.0.0.1:{port}"));
        assert!(said.starts_with("HTTP/1.1 200"), "{said}");
        tunnel.write_all(b"hello").unwrap();
        let mut back = [0u8; 5];
        tunnel.read_exact(&mut back).unwrap();
        assert_eq!(&back, b"hello");
        let (said, _) = ask("169.254.169.254:80");
        assert!(said.starts_with("HTTP/1.1 403"), "{said}");
        assert!(gate.refused().is_some_and(|w| w.contains("169.254.169.254")));
    }

    #[test]
    fn the_destination_gets_its_own_path_and_no_proxy_headers() {
        let head = "GET http://seg.vov.vn/a.ts?x=1 HTTP/1.1\r\nHost: seg.vov.vn\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nUser-Agent: Lavf\r\n\r\n";
        let out = origin_head(head, "GET", "/a.ts?x=1", "HTTP/1.1");
        assert_eq!(
            out,
            "GET /a.ts?x=1 HTTP/1.1\r\nHost: seg.vov.vn\r\nUser-Agent: Lavf\r\nConnection: close\r\n\r\n"
        );
    }
}
