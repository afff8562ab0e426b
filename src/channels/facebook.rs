//! Facebook Page posts through the Graph API: `/{page}/feed`, or `/{page}/photos` when the
//! bulletin has an image. Not idempotent: after an ambiguous answer the page's recent feed is
//! searched for the same message before anything is sent again.

use super::http::{self, Body, Call};
use super::{Ctx, Delivery, Outcome};

fn base(ctx: &Ctx) -> String {
    format!(
        "{}/{}/{}",
        ctx.cfg.api_base,
        ctx.cfg.graph_version,
        ctx.cfg.page_id.clone().unwrap_or_default()
    )
}

pub fn call(ctx: &Ctx, d: &Delivery) -> Call {
    let auth = format!("Bearer {}", ctx.token());
    match &d.image {
        Some(image) => {
            let mut c = Call::post(format!("{}/photos", base(ctx))).header("authorization", auth);
            c.body = Body::Multipart {
                fields: vec![("caption".into(), d.text.clone())],
                file: Some(("source".into(), image.clone())),
            };
            c
        }
        None => {
            let mut fields = vec![("message".to_string(), d.text.clone())];
            if let Some(link) = &d.link {
                fields.push(("link".into(), link.clone()));
            }
            let mut c = Call::post(format!("{}/feed", base(ctx))).header("authorization", auth);
            c.body = Body::Form(fields);
            c
        }
    }
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let reply = match http::exchange(ctx, &call(ctx, d)).await {
        Ok(r) => r,
        Err(outcome) => return outcome,
    };
    let body = reply.json();
    if (200..300).contains(&reply.status) {
        let id = body
            .as_ref()
            .and_then(|b| b["post_id"].as_str().or(b["id"].as_str()).map(str::to_string));
        return match id {
            Some(id) => Outcome::Posted {
                url: Some(format!("https://www.facebook.com/{id}")),
                remote_id: id,
            },
            None => Outcome::Unknown {
                reason: t!(
                    "post-no-id",
                    platform = "Facebook",
                    status = reply.status,
                    answer = reply.snippet()
                ),
            },
        };
    }
    let Some(err) = body.as_ref().map(|b| &b["error"]).filter(|e| e.is_object()) else {
        return http::generic(&reply, "Facebook");
    };
    let code = err["code"].as_i64().unwrap_or(0);
    let sub = err["error_subcode"].as_i64().unwrap_or(0);
    let message = err["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| t!("post-no-message"));
    let code_text = if sub != 0 {
        format!("{code}/{sub}")
    } else {
        code.to_string()
    };
    let reason = t!(
        "post-platform-error",
        platform = "Facebook",
        code = code_text,
        message = message
    );
    match (code, sub) {
        (4 | 17 | 32 | 613 | 80001, _) | (368, 1390008) => Outcome::Retry {
            reason,
            after: reply.retry_after(),
        },
        (190, _) => Outcome::Failed {
            reason: t!("post-facebook-token", why = reason),
        },
        // A 5xx that carries a Graph error is still ambiguous: a 500 has been seen to create the post.
        _ if reply.status >= 500 => Outcome::Unknown { reason },
        _ => Outcome::Failed { reason },
    }
}

/// Looks for the message among the page's recent posts.
pub async fn find(ctx: &Ctx, d: &Delivery) -> Option<Outcome> {
    let call = Call::get(format!("{}/feed?fields=id,message,created_time&limit=25", base(ctx)))
        .header("authorization", format!("Bearer {}", ctx.token()));
    let reply = http::send(ctx, &call).await.ok()?;
    if reply.status != 200 {
        return None;
    }
    let body = reply.json()?;
    let posts = body["data"].as_array()?;
    let mine = posts
        .iter()
        .find(|p| p["message"].as_str().map(str::trim) == Some(d.text.trim()));
    Some(match mine.and_then(|p| p["id"].as_str()) {
        Some(id) => Outcome::Posted {
            remote_id: id.to_string(),
            url: Some(format!("https://www.facebook.com/{id}")),
        },
        None => Outcome::Retry {
            reason: t!("post-facebook-not-found"),
            after: None,
        },
    })
}
