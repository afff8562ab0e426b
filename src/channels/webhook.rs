//! Signed webhooks, Standard Webhooks 1.0: `webhook-id` (stable across retries, so receivers
//! dedupe), `webhook-timestamp`, and `webhook-signature: v1,<base64 HMAC-SHA256>` over
//! `{id}.{timestamp}.{body}` with the `whsec_` secret.

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::json;
use sha2::Sha256;

use super::http::{self, Call, NoReply};
use super::{Ctx, Delivery, Outcome};

pub fn payload(ctx: &Ctx, d: &Delivery) -> serde_json::Value {
    json!({
        "type": "bulletin.published",
        "timestamp": crate::domain::time::utc_text(d.scheduled_at),
        "data": {
            "broadcast_id": d.broadcast_id,
            "scheduled_at": crate::domain::time::utc_text(d.scheduled_at),
            "title": d.title,
            "text": d.text,
            "link": d.link,
            "station": ctx.station,
        }
    })
}

/// `v1,<base64 signature>` for a message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> String {
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .unwrap_or_else(|| secret.as_bytes().to_vec());
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key)
        .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new_from_slice(b"").expect("HMAC takes keys of any length"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

pub fn call(ctx: &Ctx, d: &Delivery, timestamp: i64) -> Call {
    let body = payload(ctx, d).to_string();
    let id = format!("msg_{}", d.idempotency_key());
    let mut c = Call::post(ctx.cfg.api_base.clone())
        .header("webhook-id", id.clone())
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", sign(ctx.token(), &id, timestamp, &body))
        .header("content-type", "application/json");
    // Sent as the exact signed bytes.
    c.body = http::Body::Json(serde_json::from_str(&body).unwrap_or_default());
    c
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let call = call(ctx, d, chrono::Utc::now().timestamp());
    let id = call
        .headers
        .iter()
        .find(|(k, _)| k == "webhook-id")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    match http::send(ctx, &call).await {
        Ok(r) if (200..300).contains(&r.status) => Outcome::Posted {
            remote_id: id,
            url: None,
        },
        // Receivers dedupe by webhook-id, so every failure that is not a refusal may be retried.
        Ok(r) if r.status == 429 || r.status == 408 || r.status >= 500 => Outcome::Retry {
            reason: t!("post-webhook-answered", status = r.status, answer = r.snippet()),
            after: r.retry_after(),
        },
        Ok(r) => Outcome::Failed {
            reason: t!("post-webhook-refused", status = r.status, answer = r.snippet()),
        },
        Err(NoReply::NotSent(reason) | NoReply::Unknown(reason)) => Outcome::Retry { reason, after: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the Standard Webhooks specification.
    #[test]
    fn signature_matches_the_specification_example() {
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
