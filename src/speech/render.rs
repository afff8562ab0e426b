//! Rendering spoken text to audio, through the station's providers, with a cache.
//!
//! A rendering is content-addressed: its key hashes the text as read aloud, the provider, its
//! kind and voice, the speed and the engine (espeak-ng's version, a command's model hash, a
//! cloud service's address), so an identical request costs nothing and a changed voice or
//! engine renders anew. The cache lives under the data folder, bounded in size (the oldest
//! unused renderings go first). What airs is also kept apart, by its audio's SHA-256, for the
//! audit (neural voices are not reproducible), for `[tts] keep_days`.
//!
//! Cloud voices are never waited on for an urgent bulletin, and a cloud that fails, times out
//! or lies falls back to espeak-ng offline: the bulletin airs, and why it sounds different is
//! recorded.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::settings::{ESPEAK, Kind, Provider, TtsConfig};
use crate::domain::broadcast::Speak;

/// What to say, and how.
#[derive(Clone, Debug)]
pub struct Spec {
    /// The text as written (hashed into the record).
    pub text: String,
    /// As it is read aloud: what the provider gets.
    pub spoken: String,
    /// A provider's name; the station's default when None.
    pub provider: Option<String>,
    pub voice: Option<String>,
    pub speed: Option<f32>,
}

impl From<&Speak> for Spec {
    /// The request to render what a broadcast says.
    fn from(s: &Speak) -> Spec {
        Spec {
            text: s.text.clone(),
            spoken: s.spoken.clone(),
            provider: s.provider.clone(),
            voice: s.voice.clone(),
            speed: s.speed,
        }
    }
}

/// A rendering, as the cache and the history keep it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rendered {
    pub key: String,
    /// The audio files, in order (a long text is cut at sentence ends for some services),
    /// relative to the speech folder.
    pub parts: Vec<String>,
    /// SHA-256 over the parts' bytes, in order.
    pub audio_sha256: String,
    pub duration_s: f64,
    pub provider: String,
    pub kind: String,
    pub voice: String,
    pub speed: f32,
    /// The engine and its version, or the service's address.
    pub engine: String,
    pub text_sha256: String,
    pub spoken_sha256: String,
    /// Set when the offline voice stood in for the one asked: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
}

/// The station's speech: providers, cache and archive.
pub struct Speech {
    pub config: TtsConfig,
    dir: PathBuf,
    cache: Cache,
    client: reqwest::Client,
    /// When each provider was last asked (for its rate limit).
    asked: tokio::sync::Mutex<HashMap<String, Instant>>,
    espeak: Mutex<Option<String>>,
    /// One render per key at a time: a second request for the same text waits for the first
    /// and takes its result, instead of a second engine holding the same audio in memory.
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The cache folder and its bound. Cloned into a render that runs on a thread of its own, so
/// what the engine made is kept even when whoever asked stopped waiting.
#[derive(Clone)]
struct Cache {
    /// The speech folder (parts are named relative to it).
    dir: PathBuf,
    bound: u64,
    /// The keys the set in use will air: never evicted, whatever the bound says.
    due: Arc<Mutex<HashSet<String>>>,
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::domain::text::hex(&Sha256::digest(bytes))
}

impl Speech {
    /// The speech of a station whose data folder is `data`.
    pub fn new(config: TtsConfig, data: &Path) -> Speech {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        let dir = data.join("speech");
        Speech {
            cache: Cache {
                dir: dir.clone(),
                bound: config.cache_bytes,
                due: Arc::default(),
            },
            config,
            dir,
            client,
            asked: tokio::sync::Mutex::new(HashMap::new()),
            espeak: Mutex::new(None),
            turns: Mutex::new(HashMap::new()),
        }
    }

    /// The renderings the set in use will air (their keys): the cache keeps them even past
    /// its bound, so what `check` accepted is there at air time.
    pub fn set_due(&self, specs: &[Spec]) {
        let keys = specs.iter().filter_map(|s| self.keyed(s).ok()).map(|k| k.0).collect();
        *self.cache.due.lock().unwrap_or_else(|p| p.into_inner()) = keys;
    }

    /// The render turn of a key (see `turns`).
    fn turn(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|p| p.into_inner());
        turns.retain(|_, t| Arc::strong_count(t) > 1);
        turns.entry(key.to_string()).or_default().clone()
    }

    /// The folder the parts' paths are relative to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A part's file.
    pub fn path(&self, part: &str) -> PathBuf {
        self.dir.join(part)
    }

    fn provider(&self, spec: &Spec) -> Result<(String, Provider), String> {
        let name = spec.provider.clone().unwrap_or_else(|| self.config.provider.clone());
        let p = self.config.providers.get(&name).cloned().ok_or_else(|| {
            t!(
                "tts-no-provider",
                name = name.clone(),
                known = self.config.providers.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        })?;
        Ok((name, p))
    }

    fn voice(&self, spec: &Spec, p: &Provider, default_provider: bool) -> String {
        spec.voice
            .clone()
            .or_else(|| {
                if default_provider {
                    self.config.voice.clone()
                } else {
                    None
                }
            })
            .or_else(|| p.voice.clone())
            .unwrap_or_default()
    }

    /// espeak-ng's version line ("espeak-ng 1.51"), or why it cannot run.
    pub fn espeak_version(&self) -> Result<String, String> {
        if let Some(v) = self.espeak.lock().unwrap_or_else(|p| p.into_inner()).clone() {
            return Ok(v);
        }
        let out = Command::new("espeak-ng")
            .arg("--version")
            .output()
            .map_err(|e| t!("tts-espeak-missing", why = e))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let version = text
            .split_whitespace()
            .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
            .unwrap_or("?");
        let v = format!("espeak-ng {version}");
        *self.espeak.lock().unwrap_or_else(|p| p.into_inner()) = Some(v.clone());
        Ok(v)
    }

    fn engine(&self, p: &Provider) -> Result<String, String> {
        Ok(match p.kind {
            Kind::EspeakNg => self.espeak_version()?,
            Kind::Command => {
                let mut e = format!("command {}", p.command.join(" "));
                if let Some(sha) = &p.model_sha256 {
                    e.push_str(&format!(" model sha256:{sha}"));
                }
                e
            }
            Kind::Fpt | Kind::Viettel | Kind::Zalo => format!("{} {}", p.kind.as_str(), p.url),
        })
    }

    /// The cache key of a request, and what it names.
    fn keyed(&self, spec: &Spec) -> Result<(String, String, Provider, String, f32, String), String> {
        let (name, p) = self.provider(spec)?;
        let default_provider =
            spec.provider.is_none() || spec.provider.as_deref() == Some(self.config.provider.as_str());
        let voice = self.voice(spec, &p, default_provider);
        let speed = spec.speed.unwrap_or(self.config.speed);
        let engine = self.engine(&p)?;
        let key = sha256_hex(
            format!(
                "loaxa-speech 1\n{}\n{name}\n{}\n{voice}\n{speed:.3}\n{engine}",
                spec.spoken,
                p.kind.as_str()
            )
            .as_bytes(),
        );
        Ok((key, name, p, voice, speed, engine))
    }

    /// Whether a request goes to a cloud service (which the offline voice may stand in for).
    pub fn is_cloud(&self, spec: &Spec) -> bool {
        self.provider(spec).is_ok_and(|(_, p)| p.kind.is_cloud())
    }

    /// The cached rendering of a request, if there is one (and its files are whole).
    pub fn cached(&self, spec: &Spec) -> Option<Rendered> {
        let (key, ..) = self.keyed(spec).ok()?;
        self.cache.read(&key)
    }

    /// The rendering of a request: from the cache, from its provider, or from espeak-ng
    /// offline when the provider is a cloud service and the bulletin is `urgent`, or the
    /// service fails (the reason is in `fallback`).
    pub async fn render(&self, spec: &Spec, urgent: bool) -> Result<Rendered, String> {
        let (key, name, p, voice, speed, engine) = self.keyed(spec)?;
        if let Some(r) = self.cache.read(&key) {
            return Ok(r);
        }
        if p.kind.is_cloud() && urgent {
            return self.offline(spec, t!("tts-fallback-urgent", provider = name)).await;
        }
        let turn = self.turn(&key).lock_owned().await;
        // Made while this request waited for its turn.
        if let Some(r) = self.cache.read(&key) {
            return Ok(r);
        }
        let made = Made {
            key,
            spec: spec.clone(),
            provider: name.clone(),
            p: p.clone(),
            voice: voice.clone(),
            speed,
            engine,
        };
        // What came back must be audio that plays: a service that lies falls back like one
        // that fails.
        let result = match p.kind {
            Kind::EspeakNg | Kind::Command => {
                // The engine, the cache write and the turn go together on their own thread:
                // a caller that stops waiting neither leaves the engine running unseen nor
                // throws its work away.
                let cache = self.cache.clone();
                tokio::task::spawn_blocking(move || {
                    let _turn = turn;
                    local(&made.p, &made.spec.spoken, &made.voice, made.speed)
                        .and_then(|wav| cache.store(&made, vec![wav], None))
                })
                .await
                .map_err(|_| t!("control-internal"))?
            }
            Kind::Fpt | Kind::Viettel | Kind::Zalo => {
                let parts = self.cloud(&name, &p, &spec.spoken, &voice, speed).await;
                let stored = parts.and_then(|parts| self.cache.store(&made, parts, None));
                drop(turn);
                stored
            }
        };
        match result {
            Ok(r) => Ok(r),
            Err(why) if p.kind == Kind::EspeakNg => Err(why),
            Err(why) => {
                tracing::warn!(provider = name, why, "{}", t!("log-tts-fallback"));
                self.offline(spec, why).await
            }
        }
    }

    /// espeak-ng, offline, standing in for the voice asked for.
    async fn offline(&self, spec: &Spec, why: String) -> Result<Rendered, String> {
        let offline = Spec {
            text: spec.text.clone(),
            spoken: spec.spoken.clone(),
            provider: Some(ESPEAK.into()),
            voice: None,
            speed: spec.speed,
        };
        let mut r = Box::pin(self.render(&offline, false)).await?;
        r.fallback = Some(why);
        Ok(r)
    }

    /// Keeps what aired for the audit: the parts, by their audio's hash, apart from the cache
    /// (hard links where the disk allows). Returns their paths relative to the speech folder.
    pub fn archive(&self, r: &Rendered) -> Result<Vec<String>, String> {
        let dir = self.dir.join("aired");
        crate::files::create_private_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut kept = Vec::new();
        for (i, part) in r.parts.iter().enumerate() {
            let ext = Path::new(part).extension().and_then(|e| e.to_str()).unwrap_or("wav");
            let name = format!("aired/{}-{i}.{ext}", r.audio_sha256);
            let to = self.dir.join(&name);
            if !to.exists() {
                let from = self.dir.join(part);
                if std::fs::hard_link(&from, &to).is_err() {
                    std::fs::copy(&from, &to).map_err(|e| format!("{}: {e}", to.display()))?;
                }
            } else {
                // Aired again: its retention starts again.
                let _ = std::fs::File::options()
                    .append(true)
                    .open(&to)
                    .and_then(|f| f.set_modified(std::time::SystemTime::now()));
            }
            kept.push(name);
        }
        let early = self.keep_aired_within_bound(&kept);
        if early > 0 {
            tracing::warn!(files = early, "{}", t!("log-tts-aired-over-bound"));
        }
        Ok(kept)
    }

    /// Past `[tts] aired_mb`, the oldest aired audio goes (never `kept`, about to air).
    /// Returns how many files went.
    fn keep_aired_within_bound(&self, kept: &[String]) -> usize {
        let Ok(entries) = std::fs::read_dir(self.dir.join("aired")) else {
            return 0;
        };
        let mut files: Vec<(std::time::SystemTime, PathBuf, u64)> = entries
            .flatten()
            .filter_map(|e| {
                let m = e.metadata().ok()?;
                Some((m.modified().unwrap_or(std::time::UNIX_EPOCH), e.path(), m.len()))
            })
            .collect();
        let mut total: u64 = files.iter().map(|f| f.2).sum();
        files.sort();
        let mut n = 0;
        for (_, path, size) in files {
            if total <= self.config.aired_bytes {
                break;
            }
            if kept.iter().any(|k| self.dir.join(k) == path) {
                continue;
            }
            if std::fs::remove_file(&path).is_ok() {
                total = total.saturating_sub(size);
                n += 1;
            }
        }
        n
    }

    /// Deletes aired audio older than `[tts] keep_days`, and the oldest past `[tts] aired_mb`.
    pub fn prune_archive(&self) -> usize {
        let keep = Duration::from_secs(u64::from(self.config.keep_days) * 86_400);
        let Ok(entries) = std::fs::read_dir(self.dir.join("aired")) else {
            return 0;
        };
        let mut n = 0;
        for e in entries.flatten() {
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > keep);
            if old && std::fs::remove_file(e.path()).is_ok() {
                n += 1;
            }
        }
        n + self.keep_aired_within_bound(&[])
    }

    async fn wait_turn(&self, name: &str, p: &Provider) {
        if p.per_minute == 0 {
            return;
        }
        let gap = Duration::from_secs_f64(60.0 / f64::from(p.per_minute));
        let mut asked = self.asked.lock().await;
        if let Some(last) = asked.get(name) {
            let wait = gap.saturating_sub(last.elapsed());
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
        }
        asked.insert(name.to_string(), Instant::now());
    }

    async fn cloud(
        &self,
        name: &str,
        p: &Provider,
        spoken: &str,
        voice: &str,
        speed: f32,
    ) -> Result<Vec<Vec<u8>>, String> {
        let key = match &p.secret {
            Some(s) => crate::secret::load(s).map_err(|e| e.to_string())?,
            None => {
                return Err(t!(
                    "tts-provider-needs",
                    name = name,
                    kind = p.kind.as_str(),
                    key = "token_env"
                ));
            }
        };
        let mut parts = Vec::new();
        for chunk in chunks(spoken, p.max_chars) {
            self.wait_turn(name, p).await;
            let fut = async {
                match p.kind {
                    Kind::Fpt => super::cloud::fpt(&self.client, p, key.expose(), &chunk, voice, speed).await,
                    Kind::Viettel => super::cloud::viettel(&self.client, p, key.expose(), &chunk, voice, speed).await,
                    Kind::Zalo => super::cloud::zalo(&self.client, p, key.expose(), &chunk, voice, speed).await,
                    Kind::EspeakNg | Kind::Command => Err(t!("control-internal")),
                }
            };
            let limit = p.timeout
                + if p.kind == Kind::Fpt {
                    super::cloud::FPT_POLL
                } else {
                    Duration::ZERO
                };
            let bytes = tokio::time::timeout(limit, fut)
                .await
                .map_err(|_| t!("tts-timeout", provider = name, seconds = limit.as_secs()))??;
            parts.push(bytes);
        }
        Ok(parts)
    }
}

/// A rendering being made: what its record names.
struct Made {
    key: String,
    spec: Spec,
    provider: String,
    p: Provider,
    voice: String,
    speed: f32,
    engine: String,
}

impl Cache {
    fn read(&self, key: &str) -> Option<Rendered> {
        let meta = self.dir.join("cache").join(format!("{key}.json"));
        let r: Rendered = serde_json::from_slice(&std::fs::read(&meta).ok()?).ok()?;
        if !r.parts.iter().all(|p| self.dir.join(p).is_file()) {
            return None;
        }
        // Used now: the last to be evicted.
        let _ = std::fs::File::options()
            .append(true)
            .open(&meta)
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        Some(r)
    }

    fn store(&self, m: &Made, parts: Vec<Vec<u8>>, fallback: Option<String>) -> Result<Rendered, String> {
        let (key, name) = (m.key.as_str(), m.provider.as_str());
        let cache = self.dir.join("cache");
        crate::files::create_private_dir(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        // Every part is audio, or none is written.
        let exts: Vec<&str> = parts
            .iter()
            .map(|b| sniff(b).ok_or_else(|| t!("tts-not-audio", provider = name)))
            .collect::<Result<_, _>>()?;
        let mut names = Vec::new();
        let mut all = Sha256::new();
        let mut duration = Duration::ZERO;
        for (i, (bytes, ext)) in parts.iter().zip(exts).enumerate() {
            let part = format!("cache/{key}-{i}.{ext}");
            let path = self.dir.join(&part);
            crate::files::write_atomic(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            duration += crate::media::decode::check(&path, None)
                .map_err(|e| t!("tts-not-audio-why", provider = name, why = e))?;
            all.update(bytes);
            names.push(part);
        }
        let r = Rendered {
            key: key.to_string(),
            parts: names,
            audio_sha256: crate::domain::text::hex(&all.finalize()),
            duration_s: (duration.as_secs_f64() * 1000.0).round() / 1000.0,
            provider: name.to_string(),
            kind: m.p.kind.as_str().into(),
            voice: m.voice.clone(),
            speed: m.speed,
            engine: m.engine.clone(),
            text_sha256: sha256_hex(m.spec.text.as_bytes()),
            spoken_sha256: sha256_hex(m.spec.spoken.as_bytes()),
            fallback,
        };
        let meta = cache.join(format!("{key}.json"));
        let json = serde_json::to_vec_pretty(&r).map_err(|e| e.to_string())?;
        crate::files::write_atomic(&meta, &json).map_err(|e| format!("{}: {e}", meta.display()))?;
        self.evict(key);
        Ok(r)
    }

    /// Keeps the cache under its bound: the renderings used longest ago go first, but never
    /// `kept` (just made: its caller is about to air it) nor one the set in use will air.
    fn evict(&self, kept: &str) {
        let cache = self.dir.join("cache");
        let Ok(entries) = std::fs::read_dir(&cache) else { return };
        let due = self.due.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut metas: Vec<(std::time::SystemTime, PathBuf, u64)> = Vec::new();
        let mut total = 0u64;
        for e in entries.flatten() {
            let Ok(m) = e.metadata() else { continue };
            total += m.len();
            let path = e.path();
            let key = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if path.extension().is_some_and(|x| x == "json") && key != kept && !due.contains(key) {
                let parts: u64 = std::fs::read(&path)
                    .ok()
                    .and_then(|b| serde_json::from_slice::<Rendered>(&b).ok())
                    .map(|r| {
                        r.parts
                            .iter()
                            .filter_map(|p| std::fs::metadata(self.dir.join(p)).ok())
                            .map(|m| m.len())
                            .sum()
                    })
                    .unwrap_or(0);
                metas.push((m.modified().unwrap_or(std::time::UNIX_EPOCH), path, m.len() + parts));
            }
        }
        metas.sort();
        for (_, meta, size) in metas {
            if total <= self.bound {
                break;
            }
            if let Some(r) = std::fs::read(&meta)
                .ok()
                .and_then(|b| serde_json::from_slice::<Rendered>(&b).ok())
            {
                for p in &r.parts {
                    let _ = std::fs::remove_file(self.dir.join(p));
                }
            }
            let _ = std::fs::remove_file(&meta);
            total = total.saturating_sub(size);
        }
    }
}

/// The audio format of some bytes, by their first bytes.
fn sniff(b: &[u8]) -> Option<&'static str> {
    if b.len() < 12 {
        return None;
    }
    if b.starts_with(b"RIFF") && &b[8..12] == b"WAVE" {
        Some("wav")
    } else if b.starts_with(b"OggS") {
        Some("ogg")
    } else if b.starts_with(b"ID3") || (b[0] == 0xFF && b[1] & 0xE0 == 0xE0) {
        Some("mp3")
    } else if b.starts_with(b"fLaC") {
        Some("flac")
    } else {
        None
    }
}

/// Text cut into pieces of at most `max` characters, at sentence ends where it can, else at
/// a comma, else at a space.
pub fn chunks(text: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while rest.chars().count() > max {
        let limit = rest.char_indices().nth(max).map_or(rest.len(), |(i, _)| i);
        let head = &rest[..limit];
        let cut = [['.', '!', '?', ';'].as_slice(), [','].as_slice(), [' '].as_slice()]
            .iter()
            .find_map(|set| head.rfind(*set).filter(|&i| i > 0))
            .map_or(limit, |i| i + head[i..].chars().next().map_or(1, char::len_utf8));
        out.push(rest[..cut].trim().to_string());
        rest = rest[cut..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// espeak-ng or a command: text in, WAV bytes out.
fn local(p: &Provider, spoken: &str, voice: &str, speed: f32) -> Result<Vec<u8>, String> {
    // A voice is a name: given a path, espeak-ng parses the file (and has crashed on one).
    if !voice.is_empty() && !super::settings::voice_name_ok(voice) {
        return Err(t!("tts-voice", voice = voice.to_string()));
    }
    let mut cmd = match p.kind {
        Kind::EspeakNg => {
            let mut c = Command::new("espeak-ng");
            // 175 words a minute is espeak-ng's normal speed.
            c.args([
                "-b",
                "1",
                "--stdout",
                "--stdin",
                "-v",
                if voice.is_empty() { "vi" } else { voice },
            ])
            .args(["-s", &((175.0 * speed).round() as u32).to_string()]);
            c
        }
        _ => {
            if let (Some(model), Some(want)) = (&p.model, &p.model_sha256) {
                let bytes = std::fs::read(model).map_err(|e| format!("{}: {e}", model.display()))?;
                let got = sha256_hex(&bytes);
                if !got.eq_ignore_ascii_case(want) {
                    return Err(t!(
                        "tts-model-changed",
                        path = model.display(),
                        want = want.clone(),
                        got = got
                    ));
                }
            }
            let (program, args) = p.command.split_first().ok_or_else(|| t!("control-internal"))?;
            let mut c = Command::new(program);
            c.args(args);
            c
        }
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match p.kind {
            Kind::EspeakNg => t!("tts-espeak-missing", why = e),
            _ => t!("tts-command-failed", command = p.command.join(" "), why = e),
        })?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().ok_or_else(|| t!("control-internal"))?;
        stdin.write_all(spoken.as_bytes()).map_err(|e| e.to_string())?;
        stdin.write_all(b"\n").map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(t!(
            "tts-command-failed",
            command = if p.kind == Kind::EspeakNg {
                "espeak-ng".to_string()
            } else {
                p.command.join(" ")
            },
            why = err.lines().last().unwrap_or("").to_string()
        ));
    }
    let mut wav = out.stdout;
    // espeak-ng writes its WAV to a pipe with the sizes unset (0xFFFFFFFF): set them, so every
    // decoder knows where the audio ends.
    fix_wav_sizes(&mut wav);
    Ok(wav)
}

/// Sets a streamed WAV's RIFF and data sizes from its length.
fn fix_wav_sizes(wav: &mut [u8]) {
    if wav.len() < 44 || !wav.starts_with(b"RIFF") {
        return;
    }
    let riff = (wav.len() - 8) as u32;
    wav[4..8].copy_from_slice(&riff.to_le_bytes());
    // Walk the chunks to "data".
    let mut at = 12;
    while at + 8 <= wav.len() {
        let id = &wav[at..at + 4];
        let size = u32::from_le_bytes([wav[at + 4], wav[at + 5], wav[at + 6], wav[at + 7]]) as usize;
        if id == b"data" {
            let real = (wav.len() - at - 8) as u32;
            wav[at + 4..at + 8].copy_from_slice(&real.to_le_bytes());
            return;
        }
        at += 8 + size + (size & 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_at_sentence_ends() {
        let text = "Câu một rất dài. Câu hai, có dấu phẩy, cũng dài! Câu ba";
        let parts = chunks(text, 20);
        assert!(parts.iter().all(|p| p.chars().count() <= 20), "{parts:?}");
        assert_eq!(parts.concat().replace(' ', ""), text.replace(' ', ""));
        assert_eq!(parts[0], "Câu một rất dài.");
        assert_eq!(chunks("ngắn", 20), ["ngắn"]);
    }

    #[test]
    fn audio_is_told_by_its_first_bytes() {
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt "), Some("wav"));
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\0\0\0\0"), Some("mp3"));
        assert_eq!(sniff(b"{\"error\": 1, \"m\""), None);
    }
}
