//! Mastodon statuses, with an `Idempotency-Key` so a repeat within the server's window (about
//! an hour) returns the original status instead of a second one.

use serde_json::json;

use super::http::{self, Call};
use super::{Ctx, Delivery, Outcome};

pub fn call(ctx: &Ctx, d: &Delivery) -> Call {
    Call::post(format!("{}/api/v1/statuses", ctx.cfg.api_base))
        .header("authorization", format!("Bearer {}", ctx.token()))
        .header("idempotency-key", d.idempotency_key())
        .json(json!({
            "status": d.text,
            "visibility": ctx.cfg.visibility,
            "language": ctx.cfg.language,
        }))
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let reply = match http::exchange(ctx, &call(ctx, d)).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let body = reply.json();
    if (200..300).contains(&reply.status) {
        return match body.as_ref().and_then(|b| b["id"].as_str()) {
            Some(id) => Outcome::Posted {
                remote_id: id.to_string(),
                url: body.as_ref().and_then(|b| b["url"].as_str()).map(str::to_string),
            },
            None => Outcome::Unknown {
                reason: t!(
                    "post-no-id",
                    platform = "Mastodon",
                    status = reply.status,
                    answer = reply.snippet()
                ),
            },
        };
    }
    let message = body
        .as_ref()
        .and_then(|b| b["error"].as_str())
        .map(str::to_string)
        .unwrap_or_else(|| reply.snippet());
    match reply.status {
        429 => Outcome::Retry {
            reason: t!("post-rate-limited-why", platform = "Mastodon", why = message),
            after: reply.retry_after().or_else(|| reset_in(&reply)),
        },
        500..=599 => Outcome::Unknown {
            reason: t!(
                "post-server-error",
                platform = "Mastodon",
                status = reply.status,
                answer = message
            ),
        },
        s => Outcome::Failed {
            reason: t!(
                "post-platform-error",
                platform = "Mastodon",
                code = s,
                message = message
            ),
        },
    }
}

/// `X-RateLimit-Reset` (an instant) as a wait.
fn reset_in(reply: &http::Reply) -> Option<std::time::Duration> {
    let v = reply.headers.get("x-ratelimit-reset")?.to_str().ok()?;
    let at = chrono::DateTime::parse_from_rfc3339(v).ok()?;
    (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().ok()
}
