//! Telegram Bot API: `sendMessage`; `sendPhoto` with the text as caption when the bulletin has
//! an image; with `attach_audio`, the audio with the text as caption, sent the way the Bot API
//! documents for its format: `sendAudio` for MP3 and M4A, `sendVoice` for OGG/Opus, and
//! `sendDocument` for anything else (OGG/Vorbis, WAV, FLAC), which clients still play.
//! The bot token is part of the URL path; every text that could carry the URL is redacted.

use serde_json::json;

use super::http::{self, Body, Call};
use super::{Ctx, Delivery, Outcome};

/// Captions (with `attach_audio`) take at most this many characters.
pub const CAPTION_LIMIT: usize = 1024;

pub fn call(ctx: &Ctx, d: &Delivery) -> Call {
    let chat = ctx.cfg.chat_id.clone().unwrap_or_default();
    let base = format!("{}/bot{}", ctx.cfg.api_base, ctx.token());
    let caption = crate::domain::text::clip(&d.text, CAPTION_LIMIT);
    let upload = |method: &str, field: &str, file: &std::path::Path, mut fields: Vec<(String, String)>| {
        let mut c = Call::post(format!("{base}/{method}"));
        fields.insert(0, ("chat_id".into(), chat.clone()));
        fields.push(("caption".into(), caption.clone()));
        c.body = Body::Multipart {
            fields,
            file: Some((field.into(), file.to_path_buf())),
        };
        c
    };
    match (ctx.cfg.attach_audio, d.audio.first(), &d.image) {
        (true, Some(audio), _) => match audio_kind(audio) {
            AudioKind::Music => upload("sendAudio", "audio", audio, vec![("title".into(), d.title.clone())]),
            AudioKind::Voice => upload("sendVoice", "voice", audio, vec![]),
            AudioKind::Other => upload("sendDocument", "document", audio, vec![]),
        },
        (_, _, Some(image)) => upload("sendPhoto", "photo", image, vec![]),
        _ => Call::post(format!("{base}/sendMessage")).json(json!({
            "chat_id": chat,
            "text": d.text,
            // The Bot API replaced `disable_web_page_preview` with these options.
            "link_preview_options": { "is_disabled": false },
        })),
    }
}

/// How the Bot API takes an audio file.
#[derive(Debug, PartialEq, Eq)]
enum AudioKind {
    /// MP3 and M4A: `sendAudio`, shown in the music player.
    Music,
    /// OGG with Opus: `sendVoice`.
    Voice,
    /// Anything else: `sendDocument`.
    Other,
}

fn audio_kind(path: &std::path::Path) -> AudioKind {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "mp3" | "m4a" => AudioKind::Music,
        "ogg" | "oga" | "opus" => {
            // The codec is named in the first page's header: `OpusHead` or `\x01vorbis`.
            let mut head = [0u8; 64];
            let n = std::fs::File::open(path)
                .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                .unwrap_or(0);
            if head[..n].windows(8).any(|w| w == b"OpusHead") {
                AudioKind::Voice
            } else {
                AudioKind::Other
            }
        }
        _ => AudioKind::Other,
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

#[cfg(test)]
mod tests {
    use super::{AudioKind, audio_kind};

    #[test]
    fn audio_goes_as_the_bot_api_documents_its_format() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            p
        };
        let opus = file(
            "a.ogg",
            b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\x01\x13OpusHead\x01\x01",
        );
        let vorbis = file(
            "b.ogg",
            b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\x01\x1e\x01vorbis\0\0",
        );
        assert_eq!(audio_kind(&opus), AudioKind::Voice);
        assert_eq!(audio_kind(&vorbis), AudioKind::Other);
        assert_eq!(audio_kind(&file("c.MP3", b"ID3")), AudioKind::Music);
        assert_eq!(audio_kind(&file("d.m4a", b"")), AudioKind::Music);
        assert_eq!(audio_kind(&file("e.wav", b"RIFF")), AudioKind::Other);
    }
}
