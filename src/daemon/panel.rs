//! The dashboard's control page at `/control` (`[http] control = true`, issue #17): "Phát ngay"
//! (air a broadcast now) and "Dừng" (stop what is on air) for officers away from the station
//! PC's terminal.
//!
//! Off by default: the HTTP server is read-only unless the station turns this on and names its
//! users (`[http.users]`, argon2 hashes from `loaxa passwd`). A login makes a session: a random
//! token in an HttpOnly, SameSite=Strict cookie scoped to `/control`, with a random CSRF token
//! that every form carries and every POST must return. Nothing changes state on a GET, without
//! a session, or without the token. Guessing is slowed and bounded before any password is
//! verified (see [`super::login_guard`]). The commands go through the same path as the control socket's
//! ([`super::control::execute`]): the single line, the outbox and the history, with the
//! dashboard user recorded as the operator.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use super::air::Operator;
use super::control::execute;
use super::line::Line;
use super::login_guard::{DEVICE_COOKIE, LoginGuard, Refusal};
use super::protocol::Request;
use super::state::Shared;

const COOKIE: &str = "loaxa_session";
/// A session lasts a working day.
const SESSION_LIFE: Duration = Duration::from_secs(8 * 3600);
const MAX_SESSIONS: usize = 64;
/// Broadcast ids offered in the form's list (emergencies first).
const LISTED: usize = 500;

/// What the page acts on, and who is logged in.
pub struct Panel {
    shared: Arc<Shared>,
    engine: Line,
    wake: Arc<tokio::sync::Notify>,
    sessions: Mutex<HashMap<String, Session>>,
    guard: LoginGuard,
}

struct Session {
    user: String,
    csrf: String,
    since: Instant,
    /// The last command's outcome, shown once on the next page.
    said: Option<String>,
}

impl Panel {
    pub fn new(shared: Arc<Shared>, engine: Line, wake: Arc<tokio::sync::Notify>) -> Arc<Panel> {
        Arc::new(Panel {
            shared,
            engine,
            wake,
            sessions: Mutex::new(HashMap::new()),
            // A failed draw leaves a fixed key: device cookies are then forgeable by whoever
            // reads this source, which only lets a browser past a name's lock, not in.
            guard: LoginGuard::new({
                let mut key = [0u8; 32];
                let _ = getrandom::fill(&mut key);
                key
            }),
        })
    }

    /// The session a request's cookie names, if it is live: (token, user, csrf).
    fn session(&self, headers: &HeaderMap) -> Option<(String, String, String)> {
        let token = cookie(headers)?;
        let mut sessions = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        sessions.retain(|_, s| s.since.elapsed() < SESSION_LIFE);
        let s = sessions.get(&token)?;
        Some((token.clone(), s.user.clone(), s.csrf.clone()))
    }

    fn say(&self, token: &str, text: String) {
        if let Some(s) = self.sessions.lock().unwrap_or_else(|p| p.into_inner()).get_mut(token) {
            s.said = Some(text);
        }
    }
}

/// The routes under `/control`.
pub fn routes(panel: Arc<Panel>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/login", post(login))
        .route("/logout", post(logout))
        .route("/now", post(now))
        .route("/stop", post(stop))
        .with_state(panel)
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    cookie_named(headers, COOKIE)
}

fn cookie_named(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// 32 bytes from the kernel's generator, in hex; None if it fails (no session is made then:
/// a predictable token would be anyone's).
fn random_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(crate::domain::text::hex(&bytes))
}

/// Equal strings, compared in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn to_page() -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, "/control")]).into_response()
}

fn html_page(status: StatusCode, body: Markup) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            // No script; forms may post only here.
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
            ),
        ],
        body.into_string(),
    )
        .into_response()
}

fn layout(station: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(crate::i18n::current().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t!("panel-title")) " — " (station) }
                style { (PreEscaped(super::dashboard::STYLE)) (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (t!("panel-title")) " — " (station) }
                    a href="/" { (t!("panel-to-dashboard")) }
                }
                main { (content) }
            }
        }
    }
}

const STYLE: &str = "form.inline{display:inline}label{display:block;margin:.4em 0}\
input,select,button{font:inherit;padding:.3em}button{cursor:pointer}\
.said{background:#eef6ee;border-left:4px solid #2a7;padding:.5em}.refused{background:#fbeaea;border-left-color:#c33}";

fn login_form(station: &str, error: Option<String>) -> Markup {
    layout(
        station,
        html! {
            section {
                h2 { (t!("panel-login")) }
                @if let Some(e) = error {
                    p.said.refused role="alert" { (e) }
                }
                form method="post" action="/control/login" {
                    label { (t!("panel-name")) " " input type="text" name="name" autocomplete="username" required; }
                    label { (t!("panel-password")) " " input type="password" name="password" autocomplete="current-password" required; }
                    button type="submit" { (t!("panel-login-button")) }
                }
            }
        },
    )
}

async fn page(State(p): State<Arc<Panel>>, headers: HeaderMap) -> Response {
    let station = p.shared.config.station.name.clone();
    let Some((token, user, csrf)) = p.session(&headers) else {
        return html_page(StatusCode::OK, login_form(&station, None));
    };
    let said = p
        .sessions
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_mut(&token)
        .and_then(|s| s.said.take());
    let op = operator(&user);
    let line = execute(Request::Queue, &op, &p.shared, &p.engine, &p.wake).await;
    let tz = p.shared.config.station.timezone;
    let set = p.shared.set();
    let mut ids: Vec<(&crate::domain::broadcast::Priority, &str, &str)> = set
        .broadcasts
        .iter()
        .filter(|b| b.on_loudspeaker())
        .map(|b| (&b.priority, b.id.as_str(), b.title.as_str()))
        .collect();
    ids.sort_by(|a, b| b.0.cmp(a.0).then(a.1.cmp(b.1)));
    let when = |t: &chrono::DateTime<chrono::Utc>| t.with_timezone(&tz).format("%H:%M:%S").to_string();
    let content = html! {
        @if let Some(s) = said {
            p.said role="status" { (s) }
        }
        section {
            h2 { (t!("panel-on-air")) }
            @match &line.on_air {
                Some(e) => p { (when(&e.at)) " · " (e.title) " · " code { (e.key) } },
                None => p { (t!("cli-nothing-on-air")) },
            }
            // Shown even when the line looked quiet: the page is a moment old when clicked.
            form.inline method="post" action="/control/stop" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (t!("panel-stop")) }
            }
            @if !line.waiting.is_empty() {
                h3 { (t!("panel-waiting")) }
                ul {
                    @for e in &line.waiting {
                        li { (when(&e.at)) " · " (e.title) " · " code { (e.key) } }
                    }
                }
            }
        }
        section {
            h2 { (t!("panel-now")) }
            form method="post" action="/control/now" {
                input type="hidden" name="csrf" value=(csrf);
                label {
                    (t!("panel-broadcast")) " "
                    input type="text" name="id" list="broadcasts" required autocomplete="off";
                }
                datalist #broadcasts {
                    @for (_, id, title) in ids.iter().take(LISTED) {
                        option value=(id) { (title) }
                    }
                }
                label {
                    (t!("panel-level")) " "
                    select name="priority" {
                        option value="" { (t!("panel-own-level")) }
                        option value="normal" { (crate::domain::broadcast::Priority::Normal.label()) }
                        option value="priority" { (crate::domain::broadcast::Priority::Priority.label()) }
                        option value="emergency" { (crate::domain::broadcast::Priority::Emergency.label()) }
                    }
                }
                label { input type="checkbox" name="no_post" value="1"; " " (t!("panel-no-post")) }
                button type="submit" { (t!("panel-now-button")) }
            }
        }
        section {
            p { (t!("panel-logged-in", user = user.clone())) }
            form.inline method="post" action="/control/logout" {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (t!("panel-logout")) }
            }
        }
    };
    html_page(StatusCode::OK, layout(&station, content))
}

fn operator(user: &str) -> Operator {
    Operator {
        uid: None,
        name: user.to_string(),
        via: "dashboard",
    }
}

#[derive(Deserialize)]
struct Login {
    name: String,
    password: String,
}

async fn login(
    State(p): State<Arc<Panel>>,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<Login>,
) -> Response {
    let station = p.shared.config.station.name.clone();
    let name = form.name.trim().to_string();
    let client = peer.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| c.0.0.ip());
    let device = cookie_named(&headers, DEVICE_COOKIE);
    let now = Instant::now();
    let slot = match p.guard.admit(client, &name, device.as_deref(), now) {
        Ok(slot) => slot,
        Err(refusal) => {
            let (wait, said) = match refusal {
                Refusal::Busy => (Duration::from_secs(1), t!("panel-busy")),
                Refusal::Wait(d) => {
                    let secs = d.as_secs().max(1);
                    (Duration::from_secs(secs), t!("panel-wait", seconds = secs))
                }
            };
            let mut page = html_page(StatusCode::TOO_MANY_REQUESTS, login_form(&station, Some(said)));
            if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().to_string()) {
                page.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return page;
        }
    };
    let hash = p.shared.config.http.users.get(&name).cloned();
    let password = form.password;
    // An unknown name costs the same time as a wrong password: no telling which names exist.
    let good = tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordVerifier;
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.to_string());
        let good = argon2::password_hash::phc::PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        }) && hash != DUMMY_HASH;
        drop(slot);
        // Its 19 MiB go back to the system, not to glibc's arenas for good.
        crate::memory::give_back();
        good
    })
    .await
    .unwrap_or(false);
    if !good {
        p.guard.failed(client, &name, device.as_deref(), now);
        tracing::warn!(user = name, client = %client, "{}", t!("log-panel-login-failed"));
        return html_page(StatusCode::UNAUTHORIZED, login_form(&station, Some(t!("panel-wrong"))));
    }
    let known = p.guard.succeeded(client, &name);
    let (Some(token), Some(csrf)) = (random_token(), random_token()) else {
        return html_page(
            StatusCode::SERVICE_UNAVAILABLE,
            login_form(&station, Some(t!("control-internal"))),
        );
    };
    {
        let mut sessions = p.sessions.lock().unwrap_or_else(|e| e.into_inner());
        if sessions.len() >= MAX_SESSIONS
            && let Some(oldest) = sessions.iter().min_by_key(|(_, s)| s.since).map(|(k, _)| k.clone())
        {
            sessions.remove(&oldest);
        }
        sessions.insert(
            token.clone(),
            Session {
                user: name.clone(),
                csrf,
                since: Instant::now(),
                said: None,
            },
        );
    }
    tracing::info!(user = name, "{}", t!("log-panel-login"));
    let secure = if p
        .shared
        .config
        .http
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"))
    {
        "; Secure"
    } else {
        ""
    };
    let set = format!(
        "{COOKIE}={token}; Path=/control; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_LIFE.as_secs()
    );
    // This browser is let past the name's lock from now on (for this run of the daemon).
    let device =
        format!("{DEVICE_COOKIE}={known}; Path=/control/login; HttpOnly; SameSite=Strict; Max-Age=31536000{secure}");
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/control".to_string())],
        axum::response::AppendHeaders([(header::SET_COOKIE, set), (header::SET_COOKIE, device)]),
    )
        .into_response()
}

/// An argon2 hash with the station's parameters, verified against for unknown names (and
/// never accepted, whatever is typed).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$4bD5j0nA7VUTG52jRwXH6A$e7CK92v/zq94RRj4XkpRfnIGxtLWIT6Sldp8YSgHJ6Y";

#[derive(Deserialize)]
struct Csrf {
    #[serde(default)]
    csrf: String,
}

/// The session, if the request has one and carries its form token; else the response.
fn authorised(p: &Panel, headers: &HeaderMap, csrf: &str) -> Result<(String, String), Box<Response>> {
    let Some((token, user, expected)) = p.session(headers) else {
        return Err(Box::new(to_page()));
    };
    if !same(csrf, &expected) {
        return Err(Box::new(html_page(
            StatusCode::FORBIDDEN,
            layout(
                &p.shared.config.station.name,
                html! { p.said.refused role="alert" { (t!("panel-stale-form")) } a href="/control" { (t!("panel-reload")) } },
            ),
        )));
    }
    Ok((token, user))
}

async fn logout(State(p): State<Arc<Panel>>, headers: HeaderMap, Form(form): Form<Csrf>) -> Response {
    if let Ok((token, _)) = authorised(&p, &headers, &form.csrf) {
        p.sessions.lock().unwrap_or_else(|e| e.into_inner()).remove(&token);
    }
    let clear = format!("{COOKIE}=; Path=/control; HttpOnly; SameSite=Strict; Max-Age=0");
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, "/control".to_string()), (header::SET_COOKIE, clear)],
    )
        .into_response()
}

#[derive(Deserialize)]
struct NowForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    no_post: Option<String>,
}

async fn now(State(p): State<Arc<Panel>>, headers: HeaderMap, Form(form): Form<NowForm>) -> Response {
    let (token, user) = match authorised(&p, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let request = Request::Now {
        id: Some(form.id.trim().to_string()),
        file: None,
        say: None,
        title: None,
        priority: Some(form.priority).filter(|p| !p.is_empty()),
        post: form.no_post.is_none(),
        channels: None,
    };
    let answer = execute(request, &operator(&user), &p.shared, &p.engine, &p.wake).await;
    p.say(
        &token,
        match (answer.ok, answer.key, answer.error) {
            (true, Some(key), _) => t!("cli-now-queued", key = key),
            (_, _, Some(e)) => e,
            _ => t!("control-internal"),
        },
    );
    to_page()
}

async fn stop(State(p): State<Arc<Panel>>, headers: HeaderMap, Form(form): Form<Csrf>) -> Response {
    let (token, user) = match authorised(&p, &headers, &form.csrf) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let answer = execute(Request::Stop, &operator(&user), &p.shared, &p.engine, &p.wake).await;
    let mut said = match (answer.key, answer.error) {
        (Some(key), _) => t!("cli-stopped", key = key),
        (None, Some(e)) => e,
        (None, None) => t!("cli-nothing-on-air"),
    };
    if !answer.held.is_empty() {
        said = format!("{said}; {}", t!("cli-held", keys = answer.held.join(", ")));
    }
    p.say(&token, said);
    to_page()
}
