//! The daemon's HTTP server: the dashboard, health, status, metrics and the public bulletin board.
//!
//! Read-only (GET only) unless the station turns the control page on (`[http] control`, see
//! [`super::panel`]), loopback by default (`[http] listen`), small request limits. Nothing
//! it serves holds a secret: status and metrics are built from counters, the outbox's public
//! columns and the history.
//!
//! Served through hyper directly rather than `axum::serve`, which offers no limits: a request's
//! head may be at most 16 KiB and must arrive within 10 s, and at most 256 connections are open
//! at once, at most 16 of them from one address (the next ones are closed at once), so neither
//! a huge header nor one client's crowd of idle connections can starve the station's own
//! dashboard or its health probe. Every response passes the redaction layer and carries the
//! security headers ([`guard_response`]).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::state::Shared;
use crate::channels::board;
use crate::channels::settings::ChannelKind;

/// Largest request head (request line and headers) accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// Time a client has to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a client has to send its request body, once the head is in (a login form is a few
/// hundred bytes: seconds even on a 2G link). Without it, connections that send a byte every few
/// seconds held every slot for good and `/healthz` went unanswered.
const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once.
const MAX_CONNECTIONS: usize = 256;
/// Beyond those, a spare lane for requests that come whole at once (a health probe, the
/// office's page), held for [`SPARE_HOLD`] at most and never kept alive: slow clients that
/// fill every slot cannot keep a quick one out.
const SPARE_CONNECTIONS: usize = 32;
const SPARE_HOLD: Duration = Duration::from_secs(2);
/// Connections served at once for one client address: one client holding hundreds of slow
/// connections cannot take the slots the health probe and the office need.
const MAX_PER_PEER: usize = 16;

/// Open connections per client address.
#[derive(Default)]
struct Peers(std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, usize>>);

/// One counted connection; uncounted when dropped.
struct PeerSlot(Arc<Peers>, std::net::IpAddr);

impl Peers {
    fn take(self: &Arc<Self>, ip: std::net::IpAddr) -> Option<PeerSlot> {
        let mut m = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(ip).or_insert(0);
        if *n >= MAX_PER_PEER {
            return None;
        }
        *n += 1;
        Some(PeerSlot(self.clone(), ip))
    }
}

impl Drop for PeerSlot {
    fn drop(&mut self) {
        let mut m = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.1) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.1);
            }
        }
    }
}

/// Serves the router on the listener until the task is aborted.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let spares = Arc::new(tokio::sync::Semaphore::new(SPARE_CONNECTIONS));
    let peers = Arc::new(Peers::default());
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                // Out of file descriptors and the like: wait rather than spin.
                tracing::warn!(error = %e, "http: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Some(mine) = peers.take(peer.ip()) else {
            drop(stream);
            continue;
        };
        let (permit, spare) = match slots.clone().try_acquire_owned() {
            Ok(p) => (p, false),
            Err(_) => match spares.clone().try_acquire_owned() {
                Ok(p) => (p, true),
                Err(_) => {
                    drop(stream);
                    continue;
                }
            },
        };
        // Who is asking, for the login's per-client limits.
        let service = TowerToHyperService::new(router.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer))));
        tokio::spawn(async move {
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(if spare { SPARE_HOLD } else { HEAD_TIMEOUT })
                .keep_alive(!spare)
                .max_buf_size(MAX_HEAD_BYTES)
                .serve_connection(TokioIo::new(stream), service);
            if spare {
                let _ = tokio::time::timeout(SPARE_HOLD, conn).await;
            } else {
                let _ = conn.await;
            }
            drop(permit);
            drop(mine);
        });
    }
}

pub fn router(shared: Arc<Shared>, panel: Option<Arc<super::panel::Panel>>) -> Router {
    let mut router = Router::new();
    // The control page exists only when the station turns it on; otherwise /control is a 404.
    if let Some(panel) = panel {
        router = router.nest_service("/control", super::panel::routes(panel));
    }
    router
        .route("/", get(dashboard))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/status", get(status))
        .route("/metrics", get(metrics))
        .route("/board/{name}", get(board_page))
        .route("/board/{name}/feed.xml", get(board_feed))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(axum::middleware::from_fn(body_within))
        .layer(axum::middleware::from_fn(guard_response))
        .with_state(shared)
}

/// Largest page redacted in full (pages are capped far below this; a larger one is refused
/// rather than served unredacted).
const MAX_PAGE_BYTES: usize = 16 * 1024 * 1024;

/// Every request's body is read whole within [`BODY_TIMEOUT`] (and at most 16 kB) before any
/// handler sees it; a client that trickles it is answered 408 and its connection closed.
async fn body_within(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, 16 * 1024)).await {
        Ok(Ok(bytes)) => {
            next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes)))
                .await
        }
        Ok(Err(_)) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONNECTION, "close")],
            format!("{}\n", t!("http-body-too-large")),
        )
            .into_response(),
        Err(_) => (
            StatusCode::REQUEST_TIMEOUT,
            [(header::CONNECTION, "close")],
            format!("{}\n", t!("http-body-too-slow", seconds = BODY_TIMEOUT.as_secs())),
        )
            .into_response(),
    }
}

/// Every response passes here: its body through the redaction layer (no page may show a
/// secret, whatever text reached it), and the security headers every page needs when the
/// server is exposed (each handler may set stricter ones).
async fn guard_response(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let resp = next.run(req).await;
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, format!("{}\n", t!("http-too-large"))).into_response();
    };
    let body = match std::str::from_utf8(&bytes) {
        Ok(text) => crate::redact::redact(text).into_bytes(),
        // Nothing served is binary; refuse rather than pass unchecked bytes.
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{}\n", t!("http-cannot-show")),
            )
                .into_response();
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let h = &mut parts.headers;
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'; frame-ancestors 'none'",
        ),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in defaults {
        if !h.contains_key(&name) {
            h.insert(name, axum::http::HeaderValue::from_static(value));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// How long a built dashboard is served to every viewer: eight viewers cost one build (and
/// one page in memory), not eight (issue #19). The page refreshes itself every few seconds.
const DASHBOARD_FRESH: std::time::Duration = std::time::Duration::from_secs(1);

async fn dashboard(State(s): State<Arc<Shared>>) -> Response {
    // Held while building: viewers arriving meanwhile wait for this page instead of building
    // their own.
    let mut cached = s.dashboard.lock().await;
    let page = match cached.as_ref() {
        Some((at, page)) if at.elapsed() < DASHBOARD_FRESH => Ok(page.clone()),
        _ => {
            let shared = s.clone();
            let built = tokio::task::spawn_blocking(move || {
                shared
                    .counters
                    .dashboard_builds
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                // The snapshot (a week of occurrences) is freed before the memory is handed back.
                crate::domain::cron::planning_all(|| super::dashboard::render(&super::dashboard::snapshot(&shared)))
            })
            .await;
            built.map(|page| {
                let page = axum::body::Bytes::from(page);
                *cached = Some((std::time::Instant::now(), page.clone()));
                page
            })
        }
    };
    drop(cached);
    match page {
        Ok(page) => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                // No script may run on the page, and it loads nothing from anywhere.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'",
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
                (header::REFERRER_POLICY, "no-referrer"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            page,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{}\n", t!("http-no-dashboard")),
        )
            .into_response(),
    }
}

async fn status(State(s): State<Arc<Shared>>) -> Response {
    let doc = tokio::task::spawn_blocking(move || s.status())
        .await
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], format!("{doc:#}\n")).into_response()
}

async fn metrics(State(s): State<Arc<Shared>>) -> Response {
    let text = tokio::task::spawn_blocking(move || s.metrics())
        .await
        .unwrap_or_default();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}

fn board_channel(s: &Shared, name: &str) -> bool {
    s.config
        .channels
        .get(name)
        .is_some_and(|c| c.kind == ChannelKind::Board)
}

/// A public page answered with its ETag (a hash of the body) and, when it has one, the time it
/// last changed: a reader that polls with `If-None-Match` or `If-Modified-Since` gets 304 and
/// no body when nothing changed.
fn conditional(
    asked: &axum::http::HeaderMap,
    content_type: &'static str,
    body: String,
    changed: Option<chrono::DateTime<chrono::Utc>>,
) -> Response {
    use sha2::Digest;
    let etag = format!(
        "\"{}\"",
        crate::domain::text::hex(&sha2::Sha256::digest(body.as_bytes())[..12])
    );
    let last_modified = changed.map(|t| t.format("%a, %d %b %Y %H:%M:%S GMT").to_string());
    let header_text = |h: header::HeaderName| asked.get(h).and_then(|v| v.to_str().ok());
    let unchanged = match header_text(header::IF_NONE_MATCH) {
        // RFC 9110 §13.1.3: If-None-Match decides when present.
        Some(tags) => tags.split(',').any(|t| {
            let t = t.trim();
            t == "*" || t.trim_start_matches("W/") == etag
        }),
        None => match (header_text(header::IF_MODIFIED_SINCE), changed) {
            (Some(since), Some(changed)) => {
                chrono::DateTime::parse_from_rfc2822(since).is_ok_and(|since| changed.timestamp() <= since.timestamp())
            }
            _ => false,
        },
    };
    let mut headers = vec![
        (header::CONTENT_TYPE, content_type.to_string()),
        (header::CACHE_CONTROL, BOARD_CACHE.to_string()),
        (header::ETAG, etag),
    ];
    if let Some(lm) = last_modified {
        headers.push((header::LAST_MODIFIED, lm));
    }
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    for (k, v) in headers {
        if let Ok(v) = axum::http::HeaderValue::from_str(&v) {
            response.headers_mut().insert(k, v);
        }
    }
    response
}

async fn board_page(State(s): State<Arc<Shared>>, Path(name): Path<String>, asked: axum::http::HeaderMap) -> Response {
    if !board_channel(&s, &name) {
        return (StatusCode::NOT_FOUND, format!("{}\n", t!("http-no-board"))).into_response();
    }
    let s2 = s.clone();
    let n2 = name.clone();
    let posts = tokio::task::spawn_blocking(move || board::recent(&s2.config.station.data, &n2, 50)).await;
    match posts {
        Ok(Ok(posts)) => conditional(
            &asked,
            "text/html; charset=utf-8",
            board::render_html(&s.config.station.name, &name, &posts, s.config.station.timezone),
            posts.first().map(|p| p.published_at),
        ),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{}\n", t!("http-board-unreadable")),
        )
            .into_response(),
    }
}

/// The board is public and changes at most once a minute or so: proxies may keep it that long.
const BOARD_CACHE: &str = "public, max-age=60";

async fn board_feed(State(s): State<Arc<Shared>>, Path(name): Path<String>, asked: axum::http::HeaderMap) -> Response {
    if !board_channel(&s, &name) {
        return (StatusCode::NOT_FOUND, format!("{}\n", t!("http-no-board"))).into_response();
    }
    // Never the request's Host header: any client could make the feed link elsewhere.
    let base = s.config.http.base_url();
    let s2 = s.clone();
    let n2 = name.clone();
    let posts = tokio::task::spawn_blocking(move || board::recent(&s2.config.station.data, &n2, 50)).await;
    match posts {
        Ok(Ok(posts)) => conditional(
            &asked,
            "application/atom+xml; charset=utf-8",
            board::render_atom(&s.config.station.name, &name, &base, &posts, chrono::Utc::now()),
            posts.first().map(|p| p.published_at),
        ),
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{}\n", t!("http-board-unreadable")),
        )
            .into_response(),
    }
}
