//! One HTTP call, described as data (so `--dry-run` can print it) and sent with reqwest.
//!
//! The important distinction is whether a failed call may have reached the platform: a
//! connection that never opened proves nothing was sent; a timeout or a broken connection
//! after sending proves nothing either way.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::Ctx;

#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    None,
    Json(Value),
    Form(Vec<(String, String)>),
    /// Text fields and one file field.
    Multipart {
        fields: Vec<(String, String)>,
        file: Option<(String, PathBuf)>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub method: reqwest::Method,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Call {
    pub fn post(url: String) -> Call {
        Call {
            method: reqwest::Method::POST,
            url,
            headers: Vec::new(),
            body: Body::None,
        }
    }

    pub fn get(url: String) -> Call {
        Call {
            method: reqwest::Method::GET,
            ..Call::post(url)
        }
    }

    pub fn header(mut self, k: &str, v: impl Into<String>) -> Call {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn json(mut self, v: Value) -> Call {
        self.body = Body::Json(v);
        self
    }

    /// The call as text, secrets redacted: what `--dry-run` prints.
    pub fn describe(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.url);
        for (k, v) in &self.headers {
            // Whatever the value: a credential header is never printed, even one built from
            // a placeholder or a secret the redactor could not know.
            let v = if sensitive_header(k) {
                crate::redact::MARK
            } else {
                v.as_str()
            };
            s += &format!("{k}: {v}\n");
        }
        match &self.body {
            Body::None => {}
            Body::Json(v) => {
                s += "content-type: application/json\n\n";
                s += &serde_json::to_string_pretty(v).unwrap_or_default();
                s += "\n";
            }
            Body::Form(f) => {
                s += "content-type: application/x-www-form-urlencoded\n\n";
                for (k, v) in f {
                    s += &format!("{k}={v}\n");
                }
            }
            Body::Multipart { fields, file } => {
                s += "content-type: multipart/form-data\n\n";
                for (k, v) in fields {
                    s += &format!("[{k}] {v}\n");
                }
                if let Some((k, p)) = file {
                    s += &format!("[{k}] <file {}>\n", p.display());
                }
            }
        }
        crate::redact::redact(&s)
    }
}

/// Headers that carry credentials.
fn sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "proxy-authorization"
        || n == "cookie"
        || n.contains("token")
        || n.contains("secret")
        || n.contains("api-key")
        || n.contains("apikey")
        || n.contains("signature")
}

/// The platform's answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// `Retry-After` in seconds, if the platform sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .map(|s| Duration::from_secs_f64(s.clamp(0.0, 86_400.0)))
    }

    /// The start of the body, for error messages.
    pub fn snippet(&self) -> String {
        crate::redact::redact_and_clip(self.body.trim(), 300)
    }
}

/// Why a call got no answer.
#[derive(Debug)]
pub enum NoReply {
    /// The connection never opened: nothing reached the platform.
    NotSent(String),
    /// It may have reached the platform (timeout, connection reset, unreadable answer).
    Unknown(String),
}

/// The largest file uploaded with a post: Telegram's bots send audio up to 50 MB (Facebook
/// photos are smaller still, and the platform says so itself).
const MAX_UPLOAD_BYTES: u64 = 50 * 1024 * 1024;

/// Sends a call.
pub async fn send(ctx: &Ctx, call: &Call) -> Result<Reply, NoReply> {
    let mut req = ctx.client.request(call.method.clone(), &call.url);
    for (k, v) in &call.headers {
        req = req.header(k, v);
    }
    req = match &call.body {
        Body::None => req,
        Body::Json(v) => req.json(v),
        Body::Form(f) => req.form(f),
        Body::Multipart { fields, file } => {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in fields {
                form = form.text(k.clone(), v.clone());
            }
            if let Some((k, path)) = file {
                // Off the runtime, a regular file only, inside media/ and of a bounded size.
                let (p, media) = (path.clone(), ctx.media.clone());
                let bytes = tokio::task::spawn_blocking(move || match media {
                    Some(root) => crate::files::read_inside(&root, &p, MAX_UPLOAD_BYTES),
                    None => crate::files::read_regular(&p, MAX_UPLOAD_BYTES),
                })
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e)))
                .map_err(|e| NoReply::NotSent(t!("post-cannot-read", path = path.display(), why = e)))?;
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                form = form.part(k.clone(), reqwest::multipart::Part::bytes(bytes).file_name(name));
            }
            req.multipart(form)
        }
    };
    let resp = req.send().await.map_err(classify)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.map_err(|e| {
        NoReply::Unknown(t!(
            "post-answer-unreadable",
            why = crate::redact::redact(&e.without_url().to_string())
        ))
    })?;
    Ok(Reply { status, headers, body })
}

/// Sends a call; a call that got no answer becomes the outcome it proves: `Retry` when
/// nothing left (safe to repeat), `Unknown` when it may have reached the platform.
pub async fn exchange(ctx: &Ctx, call: &Call) -> Result<Reply, super::Outcome> {
    send(ctx, call).await.map_err(|e| match e {
        NoReply::NotSent(reason) => super::Outcome::Retry { reason, after: None },
        NoReply::Unknown(reason) => super::Outcome::Unknown { reason },
    })
}

fn classify(e: reqwest::Error) -> NoReply {
    let connect = e.is_connect();
    let timeout = e.is_timeout();
    let msg = crate::redact::redact(&error_chain(&e.without_url()));
    if connect && !timeout {
        NoReply::NotSent(t!("post-cannot-connect", why = msg))
    } else if timeout {
        NoReply::Unknown(t!("post-timeout", why = msg))
    } else {
        NoReply::Unknown(t!("post-failed-after-sending", why = msg))
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s += &format!(": {c}");
        cur = c.source();
    }
    s
}

/// The usual classification of an answer without a platform-specific error format.
pub fn generic(reply: &Reply, what: &str) -> super::Outcome {
    use super::Outcome;
    match reply.status {
        429 => Outcome::Retry {
            reason: t!("post-rate-limited", platform = what),
            after: reply.retry_after(),
        },
        401 | 403 => Outcome::Failed {
            reason: t!(
                "post-not-authorised",
                platform = what,
                status = reply.status,
                answer = reply.snippet()
            ),
        },
        500..=599 => Outcome::Unknown {
            reason: t!(
                "post-server-error",
                platform = what,
                status = reply.status,
                answer = reply.snippet()
            ),
        },
        _ => Outcome::Failed {
            reason: t!(
                "post-http-error",
                platform = what,
                status = reply.status,
                answer = reply.snippet()
            ),
        },
    }
}
