//! The web portal: WordPress REST posts with an Application Password. Each post gets a
//! deterministic slug, so after an ambiguous answer a slug lookup tells whether it exists.

use base64::Engine as _;
use serde_json::json;

use super::http::{self, Call};
use super::{Ctx, Delivery, Outcome};

fn auth(ctx: &Ctx) -> String {
    let user = ctx.cfg.username.clone().unwrap_or_default();
    let raw = format!("{user}:{}", ctx.token());
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(raw))
}

pub fn call(ctx: &Ctx, d: &Delivery) -> Call {
    let mut content = html_paragraphs(&d.text);
    if let Some(link) = &d.link {
        content += &format!("<p><a href=\"{0}\">{0}</a></p>", escape(link));
    }
    Call::post(format!("{}/wp-json/wp/v2/posts", ctx.cfg.api_base))
        .header("authorization", auth(ctx))
        .json(json!({
            "title": d.title,
            "content": content,
            "status": ctx.cfg.status,
            "slug": d.slug(ctx.tz),
        }))
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let reply = match http::exchange(ctx, &call(ctx, d)).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let body = reply.json();
    if (200..300).contains(&reply.status) {
        return match body.as_ref().and_then(|b| b["id"].as_i64()) {
            Some(id) => Outcome::Posted {
                remote_id: id.to_string(),
                url: body.as_ref().and_then(|b| b["link"].as_str()).map(str::to_string),
            },
            None => Outcome::Unknown {
                reason: t!(
                    "post-no-id",
                    platform = "WordPress",
                    status = reply.status,
                    answer = reply.snippet()
                ),
            },
        };
    }
    match body.as_ref().and_then(|b| b["message"].as_str()) {
        Some(message) if reply.status < 500 && reply.status != 429 => Outcome::Failed {
            reason: t!(
                "post-platform-error",
                platform = "WordPress",
                code = format!(
                    "{} ({})",
                    reply.status,
                    body.as_ref().and_then(|b| b["code"].as_str()).unwrap_or("?")
                ),
                message = message
            ),
        },
        _ => http::generic(&reply, "WordPress"),
    }
}

/// Looks the slug up; found means posted, absent means safe to post.
pub async fn find(ctx: &Ctx, d: &Delivery) -> Option<Outcome> {
    let call = Call::get(format!(
        "{}/wp-json/wp/v2/posts?slug={}&status=any",
        ctx.cfg.api_base,
        d.slug(ctx.tz)
    ))
    .header("authorization", auth(ctx));
    let reply = http::send(ctx, &call).await.ok()?;
    if reply.status != 200 {
        return None;
    }
    let posts = reply.json()?;
    let first = posts.as_array()?.first().cloned();
    Some(match first {
        Some(p) => Outcome::Posted {
            remote_id: p["id"].as_i64().map(|i| i.to_string()).unwrap_or_default(),
            url: p["link"].as_str().map(str::to_string),
        },
        None => Outcome::Retry {
            reason: t!("post-wordpress-not-yet"),
            after: None,
        },
    })
}

fn html_paragraphs(text: &str) -> String {
    super::template::paragraphs(text)
        .map(|p| format!("<p>{}</p>", escape(&p)))
        .collect()
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
