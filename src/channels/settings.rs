//! `[channels.NAME]`: the web and social channels a station posts to, their keys checked for
//! each platform and their defaults filled in. The channels own these settings; the
//! configuration only hands each table over and collects the errors (issue #32).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::broadcast::LOUDSPEAKER;
use crate::domain::secret::SecretSource;

/// The kinds of web and social channel loaxa knows how to post to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Facebook,
    Zalo,
    Telegram,
    Wordpress,
    Mastodon,
    Webhook,
    Board,
}

impl ChannelKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Facebook => "facebook",
            ChannelKind::Zalo => "zalo",
            ChannelKind::Telegram => "telegram",
            ChannelKind::Wordpress => "wordpress",
            ChannelKind::Mastodon => "mastodon",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Board => "board",
        }
    }
}

/// `[channels.NAME]`: one web or social channel.
#[derive(Clone, Debug)]
pub struct ChannelConfig {
    pub name: String,
    pub kind: ChannelKind,
    /// The API's base URL (tests point it at a local server).
    pub api_base: String,
    /// Zalo's OAuth server.
    pub oauth_base: String,
    /// Facebook Graph API version, e.g. "v23.0".
    pub graph_version: String,
    /// Facebook page, Telegram chat, Zalo app, WordPress user.
    pub page_id: Option<String>,
    pub chat_id: Option<String>,
    pub app_id: Option<String>,
    pub username: Option<String>,
    /// The access token, app password or signing secret.
    pub token: Option<SecretSource>,
    /// Zalo's app secret.
    pub app_secret: Option<SecretSource>,
    pub attach_audio: bool,
    /// Zalo: the picture at the top of each article (an address Zalo can fetch).
    pub cover_url: Option<String>,
    pub broadcast: bool,
    pub status: String,
    pub visibility: String,
    pub language: String,
    /// The post text; variables {title} {text} {link} {date} {time} {station}.
    pub template: Option<String>,
    pub rate_per_minute: f64,
    pub concurrency: u32,
    pub timeout: std::time::Duration,
    pub max_attempts: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    kind: ChannelKind,
    api_base: Option<String>,
    url: Option<String>,
    oauth_base: Option<String>,
    graph_version: Option<String>,
    page_id: Option<String>,
    chat_id: Option<String>,
    app_id: Option<String>,
    username: Option<String>,
    token_env: Option<String>,
    token_file: Option<String>,
    secret_env: Option<String>,
    secret_file: Option<String>,
    attach_audio: Option<bool>,
    cover_url: Option<String>,
    broadcast: Option<bool>,
    status: Option<String>,
    visibility: Option<String>,
    language: Option<String>,
    template: Option<String>,
    rate_per_minute: Option<f64>,
    concurrency: Option<u32>,
    timeout_seconds: Option<f64>,
    max_attempts: Option<u32>,
}

/// Every `[channels.NAME]` table, checked: the good ones by name, an error for each bad one.
pub fn parse(
    raw: BTreeMap<Spanned<String>, RawChannel>,
    base_dir: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, ChannelConfig> {
    let mut channels = BTreeMap::new();
    for (name, ch) in raw {
        if name.get_ref() == LOUDSPEAKER {
            errors.push(
                Diagnostic::error(file, name.span(), t!("config-loudspeaker-builtin"))
                    .with_hint(t!("config-loudspeaker-builtin-hint")),
            );
            continue;
        }
        if !valid_channel_name(name.get_ref()) {
            errors.push(
                Diagnostic::error(
                    file,
                    name.span(),
                    t!("config-bad-channel-name", channel = name.get_ref()),
                )
                .with_hint(t!("config-bad-channel-name-hint")),
            );
            continue;
        }
        match channel(&name, ch, base_dir) {
            Ok(c) => {
                channels.insert(name.into_inner(), c);
            }
            Err(msg) => errors.push(
                Diagnostic::error(file, name.span(), format!("[channels.{}]: {msg}", name.get_ref()))
                    .with_hint(t!("config-channel-hint")),
            ),
        }
    }
    channels
}

/// Checks one channel's keys for its kind and fills in the defaults.
fn channel(name: &Spanned<String>, raw: RawChannel, base: &Path) -> Result<ChannelConfig, String> {
    use ChannelKind::*;
    let kind = raw.kind;
    let need = |v: &Option<String>, key: &str| -> Result<String, String> {
        v.clone()
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| t!("config-channel-needs", kind = kind.as_str(), key = key))
    };
    let secret = |env: &Option<String>, file: &Option<String>, what: &str| -> Result<Option<SecretSource>, String> {
        SecretSource::from_keys(env.as_ref(), file.as_ref(), base).map_err(|()| t!("config-secret-twice", what = what))
    };
    let token = secret(&raw.token_env, &raw.token_file, "token")?;
    let app_secret = secret(&raw.secret_env, &raw.secret_file, "secret")?;
    if token.is_none() && kind != Board {
        return Err(t!("config-channel-needs-token", kind = kind.as_str()));
    }
    let api_base = match kind {
        Facebook => raw
            .api_base
            .clone()
            .unwrap_or_else(|| "https://graph.facebook.com".into()),
        Zalo => raw.api_base.clone().unwrap_or_else(|| "https://openapi.zalo.me".into()),
        Telegram => raw
            .api_base
            .clone()
            .unwrap_or_else(|| "https://api.telegram.org".into()),
        Mastodon => need(&raw.api_base, "api_base")?,
        Wordpress | Webhook => need(&raw.url.clone().or(raw.api_base.clone()), "url")?,
        Board => String::new(),
    };
    if kind != Board && !crate::domain::text::is_http_url(&api_base) {
        return Err(t!("config-not-web-address", address = api_base));
    }
    match kind {
        Facebook => drop(need(&raw.page_id, "page_id")?),
        Telegram => drop(need(&raw.chat_id, "chat_id")?),
        Zalo => {
            need(&raw.app_id, "app_id")?;
            if app_secret.is_none() {
                return Err(t!("config-zalo-secret"));
            }
            if let Some(u) = &raw.cover_url
                && !crate::domain::text::is_http_url(u)
            {
                return Err(t!("config-not-web-address", address = u));
            }
        }
        Wordpress => drop(need(&raw.username, "username")?),
        _ => {}
    }
    if let Some(t) = &raw.template {
        let unknown = super::placeholders::unknown_variables(t);
        if !unknown.is_empty() {
            return Err(t!(
                "config-template-unknown",
                unknown = format!("{{{}}}", unknown.join("}, {"))
            ));
        }
    }
    let rate = raw.rate_per_minute.unwrap_or(match kind {
        Telegram => 20.0,
        Board | Webhook => 600.0,
        _ => 30.0,
    });
    if !(rate > 0.0 && rate <= 6000.0) {
        return Err(t!("check-between", key = "rate_per_minute", min = 0, max = 6000));
    }
    Ok(ChannelConfig {
        name: name.get_ref().clone(),
        kind,
        api_base: api_base.trim_end_matches('/').to_string(),
        oauth_base: raw
            .oauth_base
            .unwrap_or_else(|| "https://oauth.zaloapp.com".into())
            .trim_end_matches('/')
            .into(),
        graph_version: raw.graph_version.unwrap_or_else(|| "v23.0".into()),
        page_id: raw.page_id,
        chat_id: raw.chat_id,
        app_id: raw.app_id,
        username: raw.username,
        token,
        app_secret,
        attach_audio: raw.attach_audio.unwrap_or(false),
        cover_url: raw.cover_url,
        broadcast: raw.broadcast.unwrap_or(false),
        status: raw.status.unwrap_or_else(|| "publish".into()),
        visibility: raw.visibility.unwrap_or_else(|| "public".into()),
        language: raw.language.unwrap_or_else(|| "vi".into()),
        template: raw.template,
        rate_per_minute: rate,
        concurrency: raw.concurrency.unwrap_or(1).clamp(1, 16),
        timeout: std::time::Duration::from_secs_f64(raw.timeout_seconds.unwrap_or(20.0).clamp(1.0, 300.0)),
        max_attempts: raw.max_attempts.unwrap_or(8).clamp(1, 100),
    })
}

fn valid_channel_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}
