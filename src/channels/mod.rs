//! Web and social channels: turning a bulletin into the HTTP calls each platform expects, and
//! each platform's answer into one [`Outcome`].
//!
//! A channel never decides whether to try again: it says what the answer proves. `Posted` and
//! `Failed` are final. `Retry` means the platform proved nothing was created (a connection that
//! never opened, a throttling code, a 5xx carrying the platform's own error). `Unknown` means the
//! request may have gone through; the outbox then asks the channel to look ([`find`]) before
//! any retry, or marks the item unconfirmed for the operator.

pub mod board;
pub mod facebook;
pub mod http;
pub mod mastodon;
pub mod placeholders;
pub mod settings;
pub mod telegram;
pub mod template;
pub mod webhook;
pub mod wordpress;
pub mod zalo;

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use self::settings::{ChannelConfig, ChannelKind};
use crate::secret::{self, Secret};

/// One post to one channel: the outbox row's content, rendered once when queued.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Delivery {
    pub broadcast_id: String,
    pub scheduled_at: DateTime<Utc>,
    pub channel: String,
    pub title: String,
    /// The text after the channel's template.
    pub text: String,
    pub link: Option<String>,
    pub image: Option<PathBuf>,
    pub audio: Vec<PathBuf>,
}

impl Delivery {
    /// Stable across retries and restarts: the outbox key, hashed.
    pub fn idempotency_key(&self) -> String {
        use sha2::Digest;
        let k = format!(
            "{}|{}|{}",
            self.broadcast_id,
            self.scheduled_at.timestamp(),
            self.channel
        );
        crate::domain::text::hex(&sha2::Sha256::digest(k.as_bytes())[..16])
    }

    /// A deterministic, unique slug for web portals: `id-YYYYMMDD-HHMM`, with the seconds
    /// (`-HHMMSS`) when the occurrence has any, so two in one minute never share one (a portal
    /// would rename the second, and a look-up would find the first). Whole-minute occurrences
    /// keep the slug they always had.
    pub fn slug(&self, tz: Tz) -> String {
        use chrono::Timelike;
        let local = self.scheduled_at.with_timezone(&tz);
        let format = if local.second() == 0 {
            "%Y%m%d-%H%M"
        } else {
            "%Y%m%d-%H%M%S"
        };
        format!("{}-{}", self.broadcast_id.to_lowercase(), local.format(format)).replace(['.', '_'], "-")
    }
}

/// What an attempt proved.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Posted {
        remote_id: String,
        url: Option<String>,
    },
    /// Nothing was created; safe to try again (after `after`, if the platform said).
    Retry {
        reason: String,
        after: Option<Duration>,
    },
    Failed {
        reason: String,
    },
    /// The request may have gone through.
    Unknown {
        reason: String,
    },
}

/// What a channel needs to work: its settings, an HTTP client, its secret.
pub struct Ctx {
    pub cfg: ChannelConfig,
    pub client: reqwest::Client,
    pub token: Option<Secret>,
    pub app_secret: Option<Secret>,
    pub tz: Tz,
    pub station: String,
    /// The station's data folder (Zalo keeps its token pair there; the board its posts).
    pub data: PathBuf,
    /// The media folder: an image is uploaded only if it is a regular file inside it (a file
    /// swapped for a link to a token file after `check` is refused).
    pub media: Option<PathBuf>,
}

impl Ctx {
    /// Builds the context, reading the channel's secrets. Fails with a reason when a secret is
    /// missing or unreadable; the reason never contains a secret.
    pub fn new(cfg: &ChannelConfig, tz: Tz, station: &str, data: &std::path::Path) -> Result<Ctx, String> {
        let load = |s: &Option<crate::domain::secret::SecretSource>| s.as_ref().map(secret::load).transpose();
        let token = load(&cfg.token).map_err(|e| e.to_string())?;
        let app_secret = load(&cfg.app_secret).map_err(|e| e.to_string())?;
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("loaxa/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| t!("post-no-client", why = e))?;
        Ok(Ctx {
            cfg: cfg.clone(),
            client,
            token,
            app_secret,
            tz,
            station: station.to_string(),
            data: data.to_path_buf(),
            media: None,
        })
    }

    /// Confines image uploads to the media folder.
    pub fn with_media(mut self, media: &std::path::Path) -> Ctx {
        self.media = Some(media.to_path_buf());
        self
    }

    /// For `--dry-run`: like [`Ctx::new`], but a secret that cannot be read is shown as a
    /// placeholder naming where it should come from, so the requests can still be printed.
    pub fn for_dry_run(cfg: &ChannelConfig, tz: Tz, station: &str, data: &std::path::Path) -> Ctx {
        let placeholder = |s: &Option<crate::domain::secret::SecretSource>| {
            s.as_ref().map(|src| {
                secret::load(src).unwrap_or_else(|_| {
                    Secret::new(match src {
                        crate::domain::secret::SecretSource::Env(v) => format!("<not set: ${v}>"),
                        crate::domain::secret::SecretSource::File(p) => format!("<unreadable: {}>", p.display()),
                    })
                })
            })
        };
        let token = placeholder(&cfg.token);
        let app_secret = placeholder(&cfg.app_secret);
        Ctx {
            cfg: cfg.clone(),
            client: reqwest::Client::new(),
            token,
            app_secret,
            tz,
            station: station.to_string(),
            data: data.to_path_buf(),
            media: None,
        }
    }

    pub fn token(&self) -> &str {
        self.token.as_ref().map(Secret::expose).unwrap_or("")
    }
}

/// Sends a delivery with the channel's kind.
pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let outcome = match ctx.cfg.kind {
        ChannelKind::Facebook => facebook::send(ctx, d).await,
        ChannelKind::Telegram => telegram::send(ctx, d).await,
        ChannelKind::Mastodon => mastodon::send(ctx, d).await,
        ChannelKind::Wordpress => wordpress::send(ctx, d).await,
        ChannelKind::Webhook => webhook::send(ctx, d).await,
        ChannelKind::Zalo => zalo::send(ctx, d).await,
        ChannelKind::Board => board::send(ctx, d).await,
    };
    redact_outcome(outcome)
}

/// Platforms where repeating a request is safe because they recognise the repeat: a retry after
/// an ambiguous answer cannot duplicate, but nor does it prove the first try did not land.
pub fn dedupes(kind: ChannelKind) -> bool {
    matches!(kind, ChannelKind::Mastodon | ChannelKind::Webhook | ChannelKind::Board)
}

/// After an `Unknown` outcome: did the post get created? `Some(outcome)` is a definite answer
/// (`Posted` when found, `Retry` when the platform proves it is absent or dedupes repeats);
/// `None` means the platform offers no way to tell.
pub async fn find(ctx: &Ctx, d: &Delivery) -> Option<Outcome> {
    let found = match ctx.cfg.kind {
        ChannelKind::Facebook => facebook::find(ctx, d).await,
        ChannelKind::Wordpress => wordpress::find(ctx, d).await,
        // Mastodon remembers the Idempotency-Key, webhook receivers dedupe by webhook-id, and the
        // board is local: repeating is safe.
        ChannelKind::Mastodon | ChannelKind::Webhook | ChannelKind::Board => Some(Outcome::Retry {
            reason: t!("post-platform-dedupes"),
            after: None,
        }),
        ChannelKind::Telegram | ChannelKind::Zalo => None,
    };
    found.map(redact_outcome)
}

/// The HTTP calls a delivery makes, for `--dry-run`.
pub fn plan(ctx: &Ctx, d: &Delivery) -> Vec<http::Call> {
    match ctx.cfg.kind {
        ChannelKind::Facebook => vec![facebook::call(ctx, d)],
        ChannelKind::Telegram => vec![telegram::call(ctx, d)],
        ChannelKind::Mastodon => vec![mastodon::call(ctx, d)],
        ChannelKind::Wordpress => vec![wordpress::call(ctx, d)],
        ChannelKind::Webhook => vec![webhook::call(ctx, d, Utc::now().timestamp())],
        ChannelKind::Zalo => zalo::calls(ctx, d),
        ChannelKind::Board => Vec::new(),
    }
}

fn redact_outcome(o: Outcome) -> Outcome {
    let r = crate::redact::redact;
    match o {
        Outcome::Retry { reason, after } => Outcome::Retry {
            reason: r(&reason),
            after,
        },
        Outcome::Failed { reason } => Outcome::Failed { reason: r(&reason) },
        Outcome::Unknown { reason } => Outcome::Unknown { reason: r(&reason) },
        p => p,
    }
}
