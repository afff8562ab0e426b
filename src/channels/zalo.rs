//! Zalo Official Account articles: create, then verify to get the article id, optionally
//! broadcast to followers.
//!
//! Zalo access tokens last about a day; refreshing returns a new access token *and a new,
//! single-use refresh token*. The pair is written to `<data>/zalo-<channel>.json` atomically
//! (temporary file, fsync, rename) before the new access token is used: losing it would lock
//! the station out. Zalo reports errors as HTTP 200 with a negative `error`; -216 means the
//! access token is no longer valid: refresh once and try again.

use std::path::PathBuf;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::http::{self, Body, Call, NoReply};
use super::{Ctx, Delivery, Outcome};
use crate::channels::template::ZALO_DESCRIPTION_LIMIT;
use crate::domain::text::clip;

/// The token pair as stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

pub fn token_path(ctx: &Ctx) -> PathBuf {
    ctx.data.join(format!("zalo-{}.json", ctx.cfg.name))
}

fn load_tokens(ctx: &Ctx) -> Option<Tokens> {
    let t: Tokens = serde_json::from_str(&std::fs::read_to_string(token_path(ctx)).ok()?).ok()?;
    t.remember();
    Some(t)
}

impl Tokens {
    /// Tokens obtained at run time are secrets like the configured ones: every output
    /// redacts them from the moment they are known.
    fn remember(&self) {
        crate::redact::remember_obtained(&self.access_token);
        crate::redact::remember_obtained(&self.refresh_token);
    }
}

/// Writes the pair so that a crash leaves either the old or the new file, never half of one.
fn store_tokens(ctx: &Ctx, t: &Tokens) -> Result<(), String> {
    use std::io::Write;
    let path = token_path(ctx);
    crate::files::create_private_dir(&ctx.data).map_err(|e| format!("cannot create {}: {e}", ctx.data.display()))?;
    let tmp = path.with_extension("json.tmp");
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(&tmp)
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    f.write_all(serde_json::to_string(t).unwrap_or_default().as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    if let Ok(dir) = std::fs::File::open(&ctx.data) {
        let _ = dir.sync_all();
    }
    Ok(())
}

fn refresh_call(ctx: &Ctx, refresh_token: &str) -> Call {
    let mut c = Call::post(format!("{}/v4/oa/access_token", ctx.cfg.oauth_base)).header(
        "secret_key",
        ctx.app_secret
            .as_ref()
            .map(|s| s.expose().to_string())
            .unwrap_or_default(),
    );
    c.body = Body::Form(vec![
        ("app_id".into(), ctx.cfg.app_id.clone().unwrap_or_default()),
        ("grant_type".into(), "refresh_token".into()),
        ("refresh_token".into(), refresh_token.into()),
    ]);
    c
}

/// Exchanges the refresh token for a new pair, stores it, and returns it.
async fn refresh(ctx: &Ctx) -> Result<Tokens, Outcome> {
    let current = load_tokens(ctx)
        .map(|t| t.refresh_token)
        .unwrap_or_else(|| ctx.token().to_string());
    let reply = match http::send(ctx, &refresh_call(ctx, &current)).await {
        Ok(r) => r,
        Err(NoReply::NotSent(reason)) => return Err(Outcome::Retry { reason, after: None }),
        // A refresh that may have happened has used up the refresh token: the operator must look.
        Err(NoReply::Unknown(reason)) => {
            return Err(Outcome::Failed {
                reason: t!("post-zalo-refresh-lost", why = reason),
            });
        }
    };
    let body = reply.json().unwrap_or(Value::Null);
    match (body["access_token"].as_str(), body["refresh_token"].as_str()) {
        (Some(a), Some(r)) => {
            crate::redact::remember_obtained(a);
            crate::redact::remember_obtained(r);
            let expires_in = body["expires_in"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .or(body["expires_in"].as_i64())
                .unwrap_or(3600);
            let t = Tokens {
                access_token: a.to_string(),
                refresh_token: r.to_string(),
                expires_at: Utc::now().timestamp() + expires_in,
            };
            store_tokens(ctx, &t).map_err(|reason| Outcome::Failed { reason })?;
            Ok(t)
        }
        _ => Err(Outcome::Failed {
            reason: t!(
                "post-zalo-refresh-refused",
                why = body["error_description"]
                    .as_str()
                    .or(body["message"].as_str())
                    .map(str::to_string)
                    .unwrap_or_else(|| t!("post-no-message"))
            ),
        }),
    }
}

async fn access_token(ctx: &Ctx) -> Result<String, Outcome> {
    match load_tokens(ctx) {
        Some(t) if t.expires_at > Utc::now().timestamp() + 60 => Ok(t.access_token),
        _ => refresh(ctx).await.map(|t| t.access_token),
    }
}

fn article(ctx: &Ctx, d: &Delivery) -> Value {
    let body = vec![json!({"type": "text", "content": d.text})];
    let mut a = json!({
        "type": "normal",
        "title": d.title,
        "author": clip(&ctx.station, 50),
        "description": clip(&d.text, ZALO_DESCRIPTION_LIMIT),
        "body": body,
        "status": "show",
        "comment": "show",
    });
    // The official SDK's example always sends a cover, and Zalo very likely refuses an article
    // without one (issue #20). It must be an address Zalo can fetch: the station's picture.
    if let Some(url) = &ctx.cfg.cover_url {
        a["cover"] = json!({"cover_type": "photo", "photo_url": url, "status": "show"});
    }
    a
}

/// The calls, as `--dry-run` shows them (the access token is obtained first).
pub fn calls(ctx: &Ctx, d: &Delivery) -> Vec<Call> {
    let create = Call::post(format!("{}/v2.0/article/create", ctx.cfg.api_base))
        .header("access_token", "<access token>")
        .json(article(ctx, d));
    let verify = Call::post(format!("{}/v2.0/article/verify", ctx.cfg.api_base))
        .header("access_token", "<access token>")
        .json(json!({"token": "<token from create>"}));
    vec![create, verify]
}

/// One Zalo API call; `Err` carries the final outcome, `Ok(None)` means -216 (token invalid).
async fn api(ctx: &Ctx, token: &str, path: &str, payload: Value, created: bool) -> Result<Option<Value>, Outcome> {
    let call = Call::post(format!("{}{path}", ctx.cfg.api_base))
        .header("access_token", token)
        .json(payload);
    let unknown = |reason: String| {
        if created {
            Outcome::Unknown {
                reason: t!("post-zalo-unconfirmed", why = reason),
            }
        } else {
            Outcome::Unknown { reason }
        }
    };
    let reply = match http::send(ctx, &call).await {
        Ok(r) => r,
        Err(NoReply::NotSent(reason)) if !created => return Err(Outcome::Retry { reason, after: None }),
        Err(NoReply::NotSent(reason) | NoReply::Unknown(reason)) => return Err(unknown(reason)),
    };
    if reply.status != 200 {
        return Err(match http::generic(&reply, "Zalo") {
            Outcome::Failed { reason } if created => unknown(reason),
            o => o,
        });
    }
    let Some(body) = reply.json() else {
        return Err(unknown(t!(
            "post-unreadable-answer",
            platform = "Zalo",
            status = reply.status,
            answer = reply.snippet()
        )));
    };
    match body["error"].as_i64() {
        Some(0) => Ok(Some(body)),
        Some(-216) => Ok(None),
        Some(code) => Err(Outcome::Failed {
            reason: t!(
                "post-platform-error",
                platform = "Zalo",
                code = code,
                message = body["message"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| t!("post-no-message"))
            ),
        }),
        None => Err(unknown(t!("post-zalo-no-code", answer = reply.snippet()))),
    }
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let mut token = match access_token(ctx).await {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut refreshed = false;
    let created = loop {
        match api(ctx, &token, "/v2.0/article/create", article(ctx, d), false).await {
            Ok(Some(body)) => break body,
            Ok(None) if !refreshed => {
                refreshed = true;
                token = match refresh(ctx).await {
                    Ok(t) => t.access_token,
                    Err(o) => return o,
                };
            }
            Ok(None) => {
                return Outcome::Failed {
                    reason: t!("post-zalo-token-invalid"),
                };
            }
            Err(o) => return o,
        }
    };
    let Some(article_token) = created["data"]["token"].as_str() else {
        return Outcome::Unknown {
            reason: t!("post-zalo-no-token"),
        };
    };
    let verified = match api(
        ctx,
        &token,
        "/v2.0/article/verify",
        json!({"token": article_token}),
        true,
    )
    .await
    {
        Ok(Some(body)) => body,
        Ok(None) => {
            return Outcome::Unknown {
                reason: t!("post-zalo-token-expired", token = article_token),
            };
        }
        Err(o) => return o,
    };
    let Some(id) = verified["data"]["id"].as_str().map(str::to_string) else {
        return Outcome::Unknown {
            reason: t!("post-zalo-no-id", token = article_token),
        };
    };
    if ctx.cfg.broadcast {
        let message = json!({
            "recipient": {"target": {"gender": "0"}},
            "message": {"attachment": {"type": "template", "payload": {"template_type": "media",
                "elements": [{"media_type": "article", "attachment_id": id}]}}}
        });
        if let Err(o) = api(ctx, &token, "/v2.0/oa/message", message, true).await {
            tracing::warn!(
                channel = ctx.cfg.name,
                ?o,
                "article posted, broadcast to followers failed"
            );
        }
    }
    Outcome::Posted {
        remote_id: id,
        url: None,
    }
}
