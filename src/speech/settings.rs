//! `[tts]` in `loaxa.toml`: the station's speech defaults (provider, voice, speed), its named
//! providers (`[tts.NAME] kind = …`), its own lexicon, and the bounds of the render cache.
//!
//! espeak-ng is always there as `espeak-ng`: offline, instant and deterministic, it is the
//! default when nothing else is named and the fallback when a cloud voice is late or fails.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::lexicon::Lexicon;
use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::secret::SecretSource;

/// The built-in offline provider's name.
pub const ESPEAK: &str = "espeak-ng";

#[derive(Clone, Debug)]
pub struct TtsConfig {
    /// The default provider's name.
    pub provider: String,
    /// The default voice; each provider has its own otherwise.
    pub voice: Option<String>,
    /// 1.0 is the provider's normal speed.
    pub speed: f32,
    pub providers: BTreeMap<String, Provider>,
    pub lexicon: Lexicon,
    /// The render cache's size bound.
    pub cache_bytes: u64,
    /// How long the audio of what aired is kept for the audit.
    pub keep_days: u32,
    /// The bound on that audio: past it, the oldest goes before its `keep_days`.
    pub aired_bytes: u64,
}

impl Default for TtsConfig {
    fn default() -> TtsConfig {
        let mut providers = BTreeMap::new();
        providers.insert(ESPEAK.to_string(), Provider::espeak());
        TtsConfig {
            provider: ESPEAK.into(),
            voice: None,
            speed: 1.0,
            providers,
            lexicon: Lexicon::builtin(),
            cache_bytes: 500 * 1024 * 1024,
            keep_days: 365,
            aired_bytes: 2048 * 1024 * 1024,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    EspeakNg,
    /// Any program that reads text on stdin and writes WAV on stdout (Piper's CLI).
    Command,
    /// FPT.AI TTS v5.
    Fpt,
    /// Viettel AI.
    Viettel,
    /// Zalo AI.
    Zalo,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::EspeakNg => "espeak-ng",
            Kind::Command => "command",
            Kind::Fpt => "fpt",
            Kind::Viettel => "viettel",
            Kind::Zalo => "zalo",
        }
    }

    /// A cloud service: not reproducible, and never waited on for an urgent bulletin.
    pub fn is_cloud(self) -> bool {
        matches!(self, Kind::Fpt | Kind::Viettel | Kind::Zalo)
    }
}

#[derive(Clone, Debug)]
pub struct Provider {
    pub kind: Kind,
    pub voice: Option<String>,
    /// Cloud: the service's address.
    pub url: String,
    pub secret: Option<SecretSource>,
    /// `command`: the program and its arguments.
    pub command: Vec<String>,
    /// `command`: the voice model, fingerprinted into every rendering's cache key, and the
    /// SHA-256 it must have (a model swapped under the station is refused).
    pub model: Option<PathBuf>,
    pub model_sha256: Option<String>,
    /// The longest text one request may carry: longer ones are cut at sentence ends.
    pub max_chars: usize,
    pub per_minute: u32,
    pub timeout: Duration,
}

impl Provider {
    fn espeak() -> Provider {
        Provider {
            kind: Kind::EspeakNg,
            voice: Some("vi".into()),
            url: String::new(),
            secret: None,
            command: Vec::new(),
            model: None,
            model_sha256: None,
            max_chars: 100_000,
            per_minute: 0,
            timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    kind: Kind,
    voice: Option<String>,
    url: Option<String>,
    token_env: Option<String>,
    token_file: Option<String>,
    command: Option<Vec<String>>,
    model: Option<String>,
    model_sha256: Option<String>,
    max_chars: Option<usize>,
    per_minute: Option<u32>,
    timeout_seconds: Option<f64>,
}

/// Whether `name` is a voice's name, not a path: letters, digits and `_ + - . /`, neither
/// starting with `/` or `.` nor holding `..`. espeak-ng takes a voice given as a path for a file
/// to parse (`voice = "../../../../etc/passwd"` made it read that file and crash).
/// The longest text loaxa reads aloud, in characters: about twelve minutes at the normal
/// speed, and about 35 MB of audio. Anything longer is a recording's job.
pub const MAX_SPEAK_CHARS: usize = 10_000;

pub fn voice_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && !name.starts_with(['/', '.'])
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-' | '.' | '/'))
}

/// `[tts]` as written: each key with where it stands in `loaxa.toml`, so that an error points
/// at its line, not at the whole table.
pub type RawTts = BTreeMap<Spanned<String>, Spanned<toml::Value>>;

/// Reads `[tts]`; each problem is an error in `errors` at the key or value that is wrong.
pub fn parse(raw: Option<Spanned<RawTts>>, base: &Path, file: FileId, errors: &mut Vec<Diagnostic>) -> TtsConfig {
    let mut c = TtsConfig::default();
    let Some(raw) = raw else { return c };
    let table_span = raw.span();
    let mut found: Vec<(Range<usize>, String)> = Vec::new();
    let mut provider_span = None;
    for (key, value) in raw.into_inner() {
        let (key_span, value_span) = (key.span(), value.span());
        let mut bad = |msg: String| found.push((value_span.clone(), msg));
        match (key.get_ref().as_str(), value.get_ref()) {
            ("provider", toml::Value::String(s)) => {
                c.provider = s.clone();
                provider_span = Some(value_span.clone());
            }
            ("voice", toml::Value::String(s)) if voice_name_ok(s) => c.voice = Some(s.clone()),
            ("voice", toml::Value::String(s)) => bad(t!("tts-voice", voice = s.clone())),
            ("speed", v) => match v.as_float().or_else(|| v.as_integer().map(|i| i as f64)) {
                Some(s) if (0.5..=2.0).contains(&s) => c.speed = s as f32,
                _ => bad(t!("tts-speed")),
            },
            ("lexicon", toml::Value::String(path)) => {
                let path = base.join(path);
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        if let Err(e) = c.lexicon.add(&text) {
                            bad(t!("tts-lexicon-bad", path = path.display(), why = e));
                        }
                    }
                    Err(e) => bad(t!("tts-lexicon-bad", path = path.display(), why = e)),
                }
            }
            ("cache_mb", toml::Value::Integer(n)) if *n > 0 => c.cache_bytes = (*n as u64) * 1024 * 1024,
            ("keep_days", toml::Value::Integer(n)) if *n > 0 => c.keep_days = *n as u32,
            ("aired_mb", toml::Value::Integer(n)) if *n > 0 => c.aired_bytes = (*n as u64) * 1024 * 1024,
            (name, toml::Value::Table(t)) => match provider(name, t.clone(), base) {
                Ok(p) => {
                    c.providers.insert(name.to_string(), p);
                }
                // The table's name: `[tts.fpt]` is where its keys are read.
                Err(e) => found.push((key_span, e)),
            },
            (other, _) => found.push((key_span, t!("tts-unknown-key", key = other))),
        }
    }
    if !c.providers.contains_key(&c.provider) {
        found.push((
            provider_span.unwrap_or(table_span),
            t!(
                "tts-no-provider",
                name = c.provider.clone(),
                known = c.providers.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        ));
        c.provider = ESPEAK.into();
    }
    found.sort_by_key(|(span, _)| span.start);
    errors.extend(
        found
            .into_iter()
            .map(|(span, msg)| Diagnostic::error(file, span, msg).with_hint(t!("tts-hint"))),
    );
    c
}

fn provider(name: &str, table: toml::Table, base: &Path) -> Result<Provider, String> {
    let raw: RawProvider = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| t!("tts-provider-bad", name = name, why = e.message()))?;
    if let Some(v) = raw.voice.as_deref().filter(|v| !voice_name_ok(v)) {
        return Err(t!("tts-voice", voice = v.to_string()));
    }
    let need = |v: &Option<String>, key: &str| {
        v.clone()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| t!("tts-provider-needs", name = name, kind = raw.kind.as_str(), key = key))
    };
    let secret = SecretSource::from_keys(raw.token_env.as_ref(), raw.token_file.as_ref(), base)
        .map_err(|()| t!("config-secret-twice", what = "token"))?;
    let url = match raw.kind {
        Kind::Fpt => raw
            .url
            .clone()
            .unwrap_or_else(|| "https://api.fpt.ai/hmi/tts/v5".into()),
        Kind::Viettel => raw
            .url
            .clone()
            .unwrap_or_else(|| "https://viettelai.vn/tts/speech_synthesis".into()),
        Kind::Zalo => raw
            .url
            .clone()
            .unwrap_or_else(|| "https://api.zalo.ai/v1/tts/synthesize".into()),
        Kind::EspeakNg | Kind::Command => String::new(),
    };
    if raw.kind.is_cloud() {
        if secret.is_none() {
            return Err(t!(
                "tts-provider-needs",
                name = name,
                kind = raw.kind.as_str(),
                key = "token_env"
            ));
        }
        if !crate::domain::text::is_http_url(&url) {
            return Err(t!("config-not-web-address", address = url));
        }
    }
    let command = match raw.kind {
        Kind::Command => {
            let c = raw.command.clone().unwrap_or_default();
            if c.is_empty() {
                need(&None, "command")?;
            }
            c
        }
        _ => Vec::new(),
    };
    let default_max = match raw.kind {
        Kind::Fpt => 5000,
        Kind::Zalo => 2000,
        Kind::Viettel => 2000,
        Kind::EspeakNg | Kind::Command => 100_000,
    };
    let p = Provider {
        kind: raw.kind,
        voice: raw.voice.clone().or_else(|| match raw.kind {
            Kind::EspeakNg => Some("vi".into()),
            Kind::Fpt => Some("banmai".into()),
            Kind::Viettel => Some("hn-quynhanh".into()),
            Kind::Zalo => Some("1".into()),
            Kind::Command => None,
        }),
        url,
        secret,
        command,
        model: raw.model.as_ref().map(|m| base.join(m)),
        model_sha256: raw.model_sha256.clone(),
        max_chars: raw.max_chars.unwrap_or(default_max).max(20),
        per_minute: raw.per_minute.unwrap_or(if raw.kind.is_cloud() { 20 } else { 0 }),
        timeout: Duration::from_secs_f64(raw.timeout_seconds.unwrap_or(30.0).clamp(0.1, 600.0)),
    };
    if p.model.is_some() && p.model_sha256.is_none() {
        return Err(t!(
            "tts-provider-needs",
            name = name,
            kind = raw.kind.as_str(),
            key = "model_sha256"
        ));
    }
    Ok(p)
}
