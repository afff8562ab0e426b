//! Telegram Bot API: `sendMessage`, or `sendAudio` with the text as caption when `attach_audio`.
//! The bot token is part of the URL path; every text that could carry the URL is redacted.

use serde_json::json;

use super::http::{self, Body, Call};
use super::{Ctx, Delivery, Outcome};

/// Captions (with `attach_audio`) take at most this many characters.
pub const CAPTION_LIMIT: usize = 1024;

pub fn call(ctx: &Ctx, d: &Delivery) -> Call {
    let chat = ctx.cfg.chat_id.clone().unwrap_or_default();
    let base = format!("{}/bot{}", ctx.cfg.api_base, ctx.token());
    match (ctx.cfg.attach_audio, d.audio.first()) {
        (true, Some(audio)) => {
            let mut c = Call::post(format!("{base}/sendAudio"));
            c.body = Body::Multipart {
                fields: vec![
                    ("chat_id".into(), chat),
                    ("caption".into(), super::template::clip(&d.text, CAPTION_LIMIT)),
                    ("title".into(), d.title.clone()),
                ],
                file: Some(("audio".into(), audio.clone())),
            };
            c
        }
        _ => Call::post(format!("{base}/sendMessage")).json(json!({
            "chat_id": chat,
            "text": d.text,
            "disable_web_page_preview": false,
        })),
    }
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let reply = match http::exchange(ctx, &call(ctx, d)).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let Some(body) = reply.json() else {
        return match reply.status {
            200..=299 | 500..=599 => Outcome::Unknown {
                reason: t!(
                    "post-unreadable-answer",
                    platform = "Telegram",
                    status = reply.status,
                    answer = reply.snippet()
                ),
            },
            _ => http::generic(&reply, "Telegram"),
        };
    };
    if body["ok"] == true {
        let id = body["result"]["message_id"].as_i64();
        return match id {
            Some(id) => {
                let chat = ctx.cfg.chat_id.clone().unwrap_or_default();
                let url = chat.strip_prefix('@').map(|name| format!("https://t.me/{name}/{id}"));
                Outcome::Posted {
                    remote_id: id.to_string(),
                    url,
                }
            }
            None => Outcome::Unknown {
                reason: t!(
                    "post-no-id",
                    platform = "Telegram",
                    status = reply.status,
                    answer = reply.snippet()
                ),
            },
        };
    }
    let code = body["error_code"].as_i64().unwrap_or(i64::from(reply.status));
    let description = body["description"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| t!("post-no-message"));
    let reason = t!(
        "post-platform-error",
        platform = "Telegram",
        code = code,
        message = description
    );
    match code {
        429 => Outcome::Retry {
            reason,
            after: body["parameters"]["retry_after"]
                .as_f64()
                .map(std::time::Duration::from_secs_f64)
                .or(reply.retry_after()),
        },
        // The Bot API answered with its own error: the message was not sent.
        500..=599 => Outcome::Retry { reason, after: None },
        _ => Outcome::Failed { reason },
    }
}
