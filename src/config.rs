//! The station configuration, `loaxa.toml`.
//!
//! One file says who the station is, where its schedules, media and state live, and the
//! policies every schedule is checked against. It is read with serde and `deny_unknown_fields`,
//! so a misspelt key is an error that points at its line instead of a setting silently ignored.
//! `[station]`, `[policy]` and `[http]` are the station's own; every other section belongs to
//! the feature that reads it (`[audio]` to `playout::settings`, `[sources]` to
//! `playout::relay::settings`, `[channels.NAME]` to `channels::settings`, `[tts]` to
//! `speech::settings`, `[central]` to `central::settings`), which holds its type, its serde form
//! and its checks. This file composes them, and their errors come out in one report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FileId, Sources};
use crate::domain::broadcast::LOUDSPEAKER;
use crate::domain::localtime::QuietHours;
use crate::domain::secret::SourceAuth;
use crate::domain::text::did_you_mean;

pub const DEFAULT_TIMEZONE: &str = "Asia/Ho_Chi_Minh";

/// The validated station configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The config file itself.
    pub path: PathBuf,
    pub station: Station,
    pub policy: Policy,
    /// Web and social channels by name. `loudspeaker` is built in and never listed here.
    pub channels: BTreeMap<String, crate::channels::settings::ChannelConfig>,
    pub audio: crate::playout::settings::AudioConfig,
    pub http: HttpConfig,
    /// `[tts]`: speech for text-only bulletins.
    pub tts: crate::speech::settings::TtsConfig,
    /// `[sources.NAME] url = "…"`: the streams broadcasts relay, by name.
    pub sources: BTreeMap<String, crate::playout::relay::settings::Source>,
    /// `[central]`: the province's central history this box pushes to (off without it).
    pub central: Option<crate::central::settings::CentralConfig>,
}

/// `[http]`: the status server.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Loopback by default; open it wider only behind a reverse proxy.
    pub listen: String,
    /// The address the public sees (a reverse proxy's), for links in the board and its feed.
    /// Links never come from a request's `Host` header, which any client can set.
    pub public_url: Option<String>,
    /// `control = true`: the dashboard's control page (air now, stop) for the users below.
    /// Off by default: the server is read-only.
    pub control: bool,
    /// Who may log in to it: name → argon2 hash (PHC string), from `[http.users]` and
    /// `users_file`.
    pub users: BTreeMap<String, String>,
}

impl HttpConfig {
    /// The base of every public link: `public_url`, else the listen address.
    pub fn base_url(&self) -> String {
        match &self.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{}", self.listen),
        }
    }

    /// The warning when the server is reachable from the network, else None.
    pub fn exposure_warning(&self) -> Option<String> {
        self.exposed().then(|| t!("config-exposed", listen = self.listen))
    }

    /// True when `listen` is not a loopback address: the server is reachable from the network.
    pub fn exposed(&self) -> bool {
        let host = self.listen.rsplit_once(':').map_or(self.listen.as_str(), |(h, _)| h);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        match host.parse::<std::net::IpAddr>() {
            Ok(ip) => !ip.is_loopback(),
            Err(_) => host != "localhost",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Station {
    pub name: String,
    pub timezone: Tz,
    /// `[station] language`: what people read (messages, the report) speaks it; None lets
    /// `LOAXA_LANG`, then `LANG` decide (see [`crate::i18n::choose`]).
    pub language: Option<crate::i18n::Lang>,
    /// Directories, already resolved against the config file's directory.
    pub schedules: PathBuf,
    pub media: PathBuf,
    pub data: PathBuf,
}

#[derive(Clone, Debug)]
pub struct Policy {
    pub quiet_hours: Option<QuietHours>,
    pub max_session_minutes: u32,
    /// Gaps shorter than this join two programmes into one session.
    pub session_gap_minutes: u32,
    pub max_sessions_per_day: Option<u32>,
    /// An occurrence that fell due while loaxa was down plays late within this many minutes,
    /// and is recorded missed after. At most [`MAX_GRACE_MINUTES`].
    pub grace_minutes: u32,
    /// Post the web content of an occurrence missed beyond the grace period anyway (late).
    /// Off by default: a stale "tomorrow morning" notice is worse than none. Either way the
    /// history records what became of each post.
    pub post_missed: bool,
    /// After loaxa was away (or the clock stepped over programmes), at most this many late
    /// programmes air back to back, the most urgent and then the newest first; the others are
    /// recorded missed. A line that replays an hour of programmes is no longer a schedule.
    pub catch_up: u32,
}

/// The default `catch_up`.
pub const DEFAULT_CATCH_UP: u32 = 3;

/// The largest `grace_minutes`: a programme more than an hour late is no longer the programme
/// the office scheduled, and a larger window would replay hours after an outage.
pub const MAX_GRACE_MINUTES: u32 = 60;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    station: RawStation,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    channels: BTreeMap<Spanned<String>, crate::channels::settings::RawChannel>,
    #[serde(default)]
    audio: crate::playout::settings::RawAudio,
    #[serde(default)]
    http: RawHttp,
    tts: Option<Spanned<crate::speech::settings::RawTts>>,
    #[serde(default)]
    sources: BTreeMap<String, crate::playout::relay::settings::RawSource>,
    central: Option<Spanned<crate::central::settings::RawCentral>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    listen: Option<String>,
    public_url: Option<Spanned<String>>,
    control: Option<Spanned<bool>>,
    users: Option<BTreeMap<String, Spanned<String>>>,
    users_file: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStation {
    name: String,
    timezone: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    schedules: Option<String>,
    media: Option<String>,
    data: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    quiet_hours: Option<Spanned<String>>,
    max_session_minutes: Option<u32>,
    session_gap_minutes: Option<u32>,
    max_sessions_per_day: Option<u32>,
    grace_minutes: Option<Spanned<u32>>,
    post_missed: Option<bool>,
    catch_up: Option<u32>,
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}", t!("config-unreadable", path = .path.display(), why = .source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", t!("config-errors", n = .diagnostics.len(), file = .sources.name(0)))]
    Invalid {
        sources: Sources,
        diagnostics: Vec<Diagnostic>,
    },
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `[station] language` as the file says it, read before the file is validated: the
/// report of its own mistakes is then in the station's language too. None when the file
/// cannot be read or does not say.
pub fn language_of(path: &Path) -> Option<crate::i18n::Lang> {
    let bytes = crate::files::read_regular(path, crate::files::MAX_TEXT_FILE_BYTES).ok()?;
    let table: toml::Table = toml::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    crate::i18n::Lang::parse(table.get("station")?.get("language")?.as_str()?)
}

impl Config {
    /// Reads and validates `loaxa.toml`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let read = crate::files::read_regular(path, crate::files::MAX_TEXT_FILE_BYTES).and_then(|b| {
            String::from_utf8(b).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    t!("config-not-utf8", byte = e.utf8_error().valid_up_to()),
                )
            })
        });
        let text = read.map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let mut sources = Sources::new();
        let file = sources.add(path, path.display().to_string(), text);
        match Self::parse(path, sources.text(file), file) {
            Ok(config) => Ok(config),
            Err(diagnostics) => Err(ConfigError::Invalid { sources, diagnostics }),
        }
    }

    /// Parses config text; `path` is used to resolve relative directories.
    pub fn parse(path: &Path, text: &str, file: FileId) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| vec![serde_error(file, text, &e)])?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut errors = Vec::new();

        let language = match &raw.station.language {
            None => None,
            Some(l) => match crate::i18n::Lang::parse(l.get_ref()) {
                Some(lang) => Some(lang),
                None => {
                    errors.push(
                        Diagnostic::error(file, l.span(), t!("config-unknown-language", language = l.get_ref()))
                            .with_label(t!("config-unknown-language-label"))
                            .with_hint(t!("config-unknown-language-hint")),
                    );
                    None
                }
            },
        };
        let timezone = match &raw.station.timezone {
            None => Tz::from_str(DEFAULT_TIMEZONE).unwrap_or(Tz::Asia__Ho_Chi_Minh),
            Some(tz) => Tz::from_str(tz.get_ref()).unwrap_or_else(|_| {
                let mut d = Diagnostic::error(file, tz.span(), t!("config-unknown-timezone", timezone = tz.get_ref()))
                    .with_label(t!("config-unknown-timezone-label"));
                let names = chrono_tz::TZ_VARIANTS.iter().map(|t| t.name());
                d = match did_you_mean(tz.get_ref(), names) {
                    Some(s) => d.with_hint(t!("check-did-you-mean-key", key = s)),
                    None => d.with_hint(t!("config-unknown-timezone-hint", example = DEFAULT_TIMEZONE)),
                };
                errors.push(d);
                Tz::Asia__Ho_Chi_Minh
            }),
        };

        let quiet_hours = raw.policy.quiet_hours.as_ref().and_then(|q| {
            QuietHours::parse(q.get_ref())
                .map_err(|msg| {
                    errors.push(
                        Diagnostic::error(file, q.span(), msg)
                            .with_label(t!("config-quiet-hours-label"))
                            .with_hint(t!("config-quiet-hours-hint")),
                    )
                })
                .ok()
        });

        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let channels = crate::channels::settings::parse(raw.channels, &base_dir, file, &mut errors);

        let grace_minutes = match &raw.policy.grace_minutes {
            Some(g) if *g.get_ref() > MAX_GRACE_MINUTES => {
                errors.push(
                    Diagnostic::error(file, g.span(), t!("config-grace-too-long", max = MAX_GRACE_MINUTES))
                        .with_label(t!("config-too-long"))
                        .with_hint(t!("config-grace-too-long-hint", max = MAX_GRACE_MINUTES)),
                );
                10
            }
            Some(g) => *g.get_ref(),
            None => 10,
        };

        let public_url = match &raw.http.public_url {
            Some(u) if !crate::domain::text::is_http_url(u.get_ref()) || u.get_ref().contains(char::is_whitespace) => {
                errors.push(
                    Diagnostic::error(file, u.span(), t!("config-public-url"))
                        .with_label(t!("check-link-label"))
                        .with_hint(t!("config-public-url-hint")),
                );
                None
            }
            Some(u) => Some(u.get_ref().clone()),
            None => None,
        };

        let http = http(raw.http, public_url, &base_dir, file, &mut errors);
        let sources = crate::playout::relay::settings::parse(raw.sources, &base_dir, file, &mut errors);
        let central = raw
            .central
            .and_then(|c| crate::central::settings::parse(c, &base_dir, file, &mut errors));
        let tts = crate::speech::settings::parse(raw.tts, &base_dir, file, &mut errors);

        let media_dir = base_dir.join(raw.station.media.clone().unwrap_or_else(|| "media".into()));
        let audio = crate::playout::settings::parse(raw.audio, &media_dir, file, &mut errors);

        let max_session_minutes = raw.policy.max_session_minutes.unwrap_or(45);
        if !errors.is_empty() {
            return Err(errors);
        }
        let dir = |d: Option<String>, default: &str| base.join(d.unwrap_or_else(|| default.to_string()));
        Ok(Config {
            path: path.to_path_buf(),
            station: Station {
                name: raw.station.name,
                language,
                timezone,
                schedules: dir(raw.station.schedules, "schedules"),
                media: dir(raw.station.media, "media"),
                data: dir(raw.station.data, "var"),
            },
            policy: Policy {
                quiet_hours,
                max_session_minutes,
                session_gap_minutes: raw.policy.session_gap_minutes.unwrap_or(5),
                max_sessions_per_day: raw.policy.max_sessions_per_day,
                grace_minutes,
                post_missed: raw.policy.post_missed.unwrap_or(false),
                catch_up: raw.policy.catch_up.unwrap_or(DEFAULT_CATCH_UP),
            },
            channels,
            audio,
            http,
            tts,
            sources,
            central,
        })
    }

    /// Loads every secret the configuration names, where it can, only so that outputs redact
    /// them (`loaxa history`, `report` and `status` print stored text and send nothing).
    pub fn remember_secrets(&self) {
        for ch in self.channels.values() {
            for src in ch.token.iter().chain(ch.app_secret.iter()) {
                let _ = crate::secret::load(src);
            }
        }
        for s in self.sources.values() {
            if let Some(SourceAuth::Basic { secret, .. } | SourceAuth::Query { secret, .. }) = &s.auth {
                let _ = crate::secret::load(secret);
            }
        }
        if let Some(src) = self.central.as_ref().and_then(|c| c.password.as_ref()) {
            let _ = crate::secret::load(src);
        }
    }

    /// Every channel name a broadcast may use: the loudspeaker and the configured ones.
    pub fn channel_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(LOUDSPEAKER).chain(self.channels.keys().map(String::as_str))
    }
}

/// Turns a toml/serde error into a diagnostic with a hint where serde tells us what it expected.
pub fn serde_error(file: FileId, text: &str, e: &toml::de::Error) -> Diagnostic {
    let message = e.message().lines().next().unwrap_or("invalid TOML").to_string();
    let span = e.span().unwrap_or(0..0);
    let span = if span.is_empty() && span.start < text.len() {
        span.start..span.start + 1
    } else {
        span
    };
    // serde says: "unknown field `x`, expected one of `a`, `b`" or "unknown variant `x`, expected ..."
    let ticks: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if (message.starts_with("unknown field") || message.starts_with("unknown variant")) && ticks.len() > 1 {
        let id = if message.starts_with("unknown field") {
            t!("config-unknown-field", key = ticks[0])
        } else {
            t!("config-unknown-value", value = ticks[0])
        };
        let choices = ticks[1..].iter().copied();
        let d = Diagnostic::error(file, span, id).with_label(t!("check-unknown-key-label"));
        match did_you_mean(ticks[0], choices) {
            Some(s) => d.with_hint(t!("check-did-you-mean-key", key = s)),
            None => d.with_hint(t!("config-expected-one-of", choices = ticks[1..].join(", "))),
        }
    } else if message.starts_with("missing field") {
        let key = ticks.first().unwrap_or(&"?");
        Diagnostic::error(file, span, t!("config-missing-field", key = key))
            .with_hint(t!("config-missing-field-hint", key = key))
    } else {
        // toml's own words name the exact token; they are kept as they are.
        Diagnostic::error(file, span, t!("config-invalid", message = message))
    }
}

/// `[http]`: the listen address, and the control page's users, checked: a hash that is not an
/// argon2 PHC string, a users file others can read, or control on a network address (its
/// plain-HTTP login would be on the network, whatever proxy stands in front) is an error at its
/// line.
fn http(
    raw: RawHttp,
    public_url: Option<String>,
    base_dir: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> HttpConfig {
    let mut users = BTreeMap::new();
    let listen = raw.listen.clone().unwrap_or_else(|| "127.0.0.1:8640".into());
    for (name, hash) in raw.users.unwrap_or_default() {
        match check_hash(hash.get_ref()) {
            Ok(()) => {
                users.insert(name, hash.into_inner());
            }
            Err(why) => errors.push(
                Diagnostic::error(file, hash.span(), t!("config-user-hash", user = name, why = why))
                    .with_hint(t!("config-user-hash-hint", user = name)),
            ),
        }
    }
    if let Some(f) = &raw.users_file {
        match users_file(&base_dir.join(f.get_ref())) {
            Ok(more) => users.extend(more),
            Err(why) => errors.push(Diagnostic::error(file, f.span(), why).with_hint(t!("config-users-file-hint"))),
        }
    }
    let mut http = HttpConfig {
        listen,
        public_url,
        control: raw.control.as_ref().is_some_and(|c| *c.get_ref()),
        users,
    };
    if let Some(c) = &raw.control
        && *c.get_ref()
    {
        if http.users.is_empty() {
            errors.push(
                Diagnostic::error(file, c.span(), t!("config-control-no-users"))
                    .with_hint(t!("config-control-no-users-hint")),
            );
        }
        // Only the proxy on this box may reach the page: with a network address, the plain-HTTP
        // login is on the LAN whatever public_url says (a TLS proxy in front does not close it).
        if http.exposed() {
            errors.push(
                Diagnostic::error(file, c.span(), t!("config-control-clear", listen = http.listen.clone()))
                    .with_hint(t!("config-control-clear-hint")),
            );
            http.control = false;
        }
    }
    http
}

/// Whether `hash` is an argon2 hash in PHC form (`$argon2id$v=19$m=…`).
pub fn check_hash(hash: &str) -> Result<(), String> {
    let parsed = argon2::password_hash::phc::PasswordHash::new(hash).map_err(|e| e.to_string())?;
    if !parsed.algorithm.as_str().starts_with("argon2") {
        return Err(t!("config-user-hash-not-argon2", algorithm = parsed.algorithm.as_str()));
    }
    Ok(())
}

/// A users file: `name:hash` lines, `#` comments; readable only by its owner and group.
fn users_file(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| t!("config-users-file-unreadable", path = path.display(), why = e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map(|m| m.permissions().mode()).unwrap_or(0);
        if mode & 0o007 != 0 {
            return Err(t!(
                "config-users-file-open",
                path = path.display(),
                mode = format!("{:o}", mode & 0o777)
            ));
        }
    }
    let mut users = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: String| t!("config-users-file-line", path = path.display(), line = n + 1, why = why);
        let (name, hash) = line
            .split_once(':')
            .ok_or_else(|| bad(t!("config-users-file-no-colon")))?;
        check_hash(hash.trim()).map_err(bad)?;
        users.insert(name.trim().to_string(), hash.trim().to_string());
    }
    Ok(users)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::settings::ChannelKind;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("/station/loaxa.toml"), text, 0)
    }

    #[test]
    fn defaults_and_relative_paths() {
        let c = parse("[station]\nname = \"Đài xã\"\n").unwrap();
        assert_eq!(c.station.timezone, Tz::Asia__Ho_Chi_Minh);
        assert_eq!(c.station.schedules, Path::new("/station/schedules"));
        assert_eq!(c.station.data, Path::new("/station/var"));
        assert_eq!(c.policy.max_session_minutes, 45);
        assert!(c.policy.quiet_hours.is_none());
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = parse("[station]\nname = \"x\"\ntimezon = \"Asia/Bangkok\"\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].message.contains("unknown field `timezon`"), "{}", e[0].message);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `timezone`?"));
        assert_eq!(e[0].span.start, "[station]\nname = \"x\"\n".len());
    }

    #[test]
    fn bad_timezone_and_quiet_hours_both_reported() {
        let text = "[station]\nname = \"x\"\ntimezone = \"Asia/Ho_Chi_Min\"\n[policy]\nquiet_hours = \"21:00\"\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `Asia/Ho_Chi_Minh`?"));
        assert!(e[1].message.contains("not a time range"));
    }

    #[test]
    fn channel_kinds_are_checked() {
        let c = parse("[station]\nname = \"x\"\n[channels.web]\nkind = \"board\"\n").unwrap();
        assert_eq!(c.channels["web"].kind, ChannelKind::Board);
        let e = parse("[station]\nname = \"x\"\n[channels.fb]\nkind = \"facebok\"\n").unwrap_err();
        assert_eq!(e[0].hint.as_deref(), Some("did you mean `facebook`?"));
        let e = parse("[station]\nname = \"x\"\n[channels.loudspeaker]\nkind = \"board\"\n").unwrap_err();
        assert!(e[0].message.contains("built in"));
    }

    /// `[tts]` errors point at the key that is wrong, not at the whole table (issue #32).
    #[test]
    fn tts_errors_point_at_their_key() {
        let text = "[station]\nname = \"x\"\n[tts]\nprovider = \"espeak-ng\"\nspeed = 9\nvoice = \"../etc/passwd\"\n\
                    [tts.fpt]\nkind = \"fpt\"\n";
        let e = parse(text).unwrap_err();
        let quoted: Vec<&str> = e.iter().map(|d| &text[d.span.clone()]).collect();
        assert_eq!(quoted, vec!["9", "\"../etc/passwd\"", "fpt"], "{e:?}");
        assert!(e[0].message.contains("speed"), "{}", e[0].message);
        let e = parse("[station]\nname = \"x\"\n[tts]\nprovider = \"piper\"\n").unwrap_err();
        assert_eq!(
            &"[station]\nname = \"x\"\n[tts]\nprovider = \"piper\"\n"[e[0].span.clone()],
            "\"piper\""
        );
    }

    #[test]
    fn the_line_latency_is_a_setting_checked_at_its_key() {
        let ok = parse("[station]\nname = \"x\"\n[audio]\nlatency_ms = 60\nrelease_when_idle = true\n").unwrap();
        assert_eq!(ok.audio.latency, std::time::Duration::from_millis(60));
        assert!(ok.audio.release_when_idle);
        let default = parse("[station]\nname = \"x\"\n").unwrap();
        assert_eq!(default.audio.latency, std::time::Duration::from_millis(40));
        assert!(!default.audio.release_when_idle, "the line is held open unless asked");
        let text = "[station]\nname = \"x\"\n[audio]\nlatency_ms = 2000\n";
        let e = parse(text).unwrap_err();
        assert_eq!(&text[e[0].span.clone()], "2000", "{e:?}");
        assert!(e[0].message.contains("latency_ms"), "{}", e[0].message);
    }
}
