//! The cloud voices used in Vietnam, with their real request and answer shapes:
//!
//! - FPT.AI TTS v5: `POST` the raw UTF-8 text, with `api_key`, `voice` and `speed` (−3…+3)
//!   headers; it answers `{"async": URL, "error": 0, "message": …, "request_id": …}` and the URL
//!   answers 404 until the audio is ready (5 s to 2 min), so it is polled.
//! - Viettel AI: `POST` JSON `{text, voice, speed, tts_return_option, token, without_filter}`;
//!   it answers the audio itself.
//! - Zalo AI: `POST` a form (`input`, `speaker_id`, `speed`, `encode_type`) with an `apikey`
//!   header; it answers `{"error_code": 0, "data": {"url": …}}`, then the URL gives the audio.
//!
//! A service that answers with an error, with something that is not audio, or too late is an
//! error here; the caller falls back to the offline voice.

use std::time::Duration;

use super::settings::Provider;

/// How long FPT's audio may take to be ready.
pub const FPT_POLL: Duration = Duration::from_secs(120);

fn failed(provider: &str, why: impl std::fmt::Display) -> String {
    t!("tts-cloud-failed", provider = provider, why = why.to_string())
}

/// A network error, saying plainly when it was the service's slowness.
fn net(provider: &str, p: &Provider, e: reqwest::Error) -> String {
    if e.is_timeout() {
        t!("tts-timeout", provider = provider, seconds = p.timeout.as_secs_f64())
    } else {
        failed(provider, e)
    }
}

/// The body of an answer that is not audio, shortened for the log.
fn said(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.chars().count() > 200 {
        format!("{}…", text.chars().take(200).collect::<String>())
    } else {
        text.to_string()
    }
}

pub async fn fpt(
    client: &reqwest::Client,
    p: &Provider,
    key: &str,
    text: &str,
    voice: &str,
    speed: f32,
) -> Result<Vec<u8>, String> {
    let speed = (((speed - 1.0) * 6.0).round() as i32).clamp(-3, 3);
    let r = client
        .post(&p.url)
        .header("api_key", key)
        .header("voice", voice)
        .header("speed", speed.to_string())
        .header("format", "mp3")
        .header("content-type", "text/plain; charset=utf-8")
        .body(text.to_string())
        .timeout(p.timeout)
        .send()
        .await
        .map_err(|e| net("fpt", p, e))?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| net("fpt", p, e))?;
    let answer: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| failed("fpt", format!("HTTP {status}: {}", said(&body))))?;
    if !status.is_success() || answer["error"].as_i64() != Some(0) {
        let message = answer["message"].as_str().map_or_else(|| said(&body), str::to_string);
        return Err(failed("fpt", format!("HTTP {status}: {message}")));
    }
    let url = answer["async"]
        .as_str()
        .ok_or_else(|| failed("fpt", t!("tts-cloud-no-url")))?
        .to_string();
    // Not ready yet: 404. Asked again with a growing pause, up to FPT_POLL (the caller's
    // timeout bounds the whole).
    let mut pause = Duration::from_millis(500);
    loop {
        let r = client
            .get(&url)
            .timeout(p.timeout)
            .send()
            .await
            .map_err(|e| net("fpt", p, e))?;
        match r.status().as_u16() {
            200 => return Ok(r.bytes().await.map_err(|e| net("fpt", p, e))?.to_vec()),
            404 => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            other => return Err(failed("fpt", format!("HTTP {other}"))),
        }
    }
}

pub async fn viettel(
    client: &reqwest::Client,
    p: &Provider,
    key: &str,
    text: &str,
    voice: &str,
    speed: f32,
) -> Result<Vec<u8>, String> {
    let body = serde_json::json!({
        "text": text,
        "voice": voice,
        "speed": (f64::from(speed).clamp(0.8, 1.2) * 10.0).round() / 10.0,
        "tts_return_option": 2,
        "token": key,
        "without_filter": false,
    });
    let r = client
        .post(&p.url)
        .json(&body)
        .timeout(p.timeout)
        .send()
        .await
        .map_err(|e| net("viettel", p, e))?;
    let status = r.status();
    let audio = r
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("audio/") || t == "application/octet-stream");
    let bytes = r.bytes().await.map_err(|e| net("viettel", p, e))?;
    if !status.is_success() || !audio {
        return Err(failed("viettel", format!("HTTP {status}: {}", said(&bytes))));
    }
    Ok(bytes.to_vec())
}

pub async fn zalo(
    client: &reqwest::Client,
    p: &Provider,
    key: &str,
    text: &str,
    voice: &str,
    speed: f32,
) -> Result<Vec<u8>, String> {
    let speed = format!("{:.1}", f64::from(speed).clamp(0.8, 1.2));
    let r = client
        .post(&p.url)
        .header("apikey", key)
        .form(&[
            ("input", text),
            ("speaker_id", voice),
            ("speed", speed.as_str()),
            ("encode_type", "0"),
        ])
        .timeout(p.timeout)
        .send()
        .await
        .map_err(|e| net("zalo", p, e))?;
    let status = r.status();
    let body = r.bytes().await.map_err(|e| net("zalo", p, e))?;
    let answer: serde_json::Value =
        serde_json::from_slice(&body).map_err(|_| failed("zalo", format!("HTTP {status}: {}", said(&body))))?;
    if !status.is_success() || answer["error_code"].as_i64() != Some(0) {
        let message = answer["error_message"]
            .as_str()
            .map_or_else(|| said(&body), str::to_string);
        return Err(failed("zalo", format!("HTTP {status}: {message}")));
    }
    let url = answer["data"]["url"]
        .as_str()
        .ok_or_else(|| failed("zalo", t!("tts-cloud-no-url")))?;
    let r = client
        .get(url)
        .timeout(p.timeout)
        .send()
        .await
        .map_err(|e| net("zalo", p, e))?;
    if !r.status().is_success() {
        return Err(failed("zalo", format!("HTTP {}", r.status())));
    }
    Ok(r.bytes().await.map_err(|e| net("zalo", p, e))?.to_vec())
}
