//! `[central]`: where the box's history goes, and as whom. The section's type, its form in
//! loaxa.toml (with spans, so a mistake points at its line) and its checks live here, beside
//! the feature; `config` only composes it.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::secret::SecretSource;

/// `[central]`: where the box's history goes, and as whom.
#[derive(Clone, Debug)]
pub struct CentralConfig {
    /// libpq-style: `postgresql://host:port/db?sslmode=verify-full`, without a password.
    pub url: String,
    pub station_id: String,
    /// The box's PostgreSQL role (default `loaxa_` and the station id, `-` as `_`).
    pub user: String,
    pub password: Option<SecretSource>,
    /// How long the shipper may fail before the box says the centre is going stale (`/status`,
    /// the dashboard, `loaxa central status`): a 4G link drops for a minute often, for three
    /// minutes rarely.
    pub alert_after: std::time::Duration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCentral {
    url: Spanned<String>,
    station_id: Spanned<String>,
    user: Option<String>,
    token_env: Option<String>,
    token_file: Option<String>,
    alert_after_seconds: Option<Spanned<u64>>,
}

/// Reads and checks `[central]`, adding what is wrong to `errors`: the section's settings when
/// they can be used.
pub(crate) fn parse(
    c: Spanned<RawCentral>,
    base_dir: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> Option<CentralConfig> {
    let span = c.span();
    let c = c.into_inner();
    let url = c.url.get_ref();
    let id = c.station_id.get_ref();
    let mut ok = true;
    if let Err(why) = check_url(url) {
        errors.push(Diagnostic::error(file, c.url.span(), why).with_hint(t!("config-central-url-hint")));
        ok = false;
    }
    if !valid_station_id(id) {
        errors.push(
            Diagnostic::error(file, c.station_id.span(), t!("config-central-station", id = id.clone()))
                .with_hint(t!("config-central-station-hint")),
        );
        ok = false;
    }
    let password =
        SecretSource::from_keys(c.token_env.as_ref(), c.token_file.as_ref(), base_dir).unwrap_or_else(|()| {
            errors.push(Diagnostic::error(
                file,
                span.clone(),
                t!("config-secret-twice", what = "token"),
            ));
            None
        });
    let alert_after = match &c.alert_after_seconds {
        Some(a) if *a.get_ref() < 5 => {
            errors.push(
                Diagnostic::error(file, a.span(), t!("config-central-alert-after", given = a.get_ref()))
                    .with_hint(t!("config-central-alert-after-hint")),
            );
            ok = false;
            0
        }
        Some(a) => *a.get_ref(),
        None => 180,
    };
    ok.then(|| CentralConfig {
        url: url.clone(),
        station_id: id.clone(),
        user: c.user.unwrap_or_else(|| role_of(id)),
        password,
        alert_after: std::time::Duration::from_secs(alert_after),
    })
}

/// A station id: what its role and its rows are named by.
pub fn valid_station_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 48
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// The PostgreSQL role a station pushes as.
pub fn role_of(station_id: &str) -> String {
    format!("loaxa_{}", station_id.replace('-', "_"))
}

/// The url's `sslmode`, if it names one.
pub(super) fn sslmode(url: &reqwest::Url) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == "sslmode")
        .map(|(_, v)| v.into_owned())
}

/// A `[central] url` as loaxa reads it: a `postgres(ql)://` address, with no password in it,
/// and an `sslmode` libpq knows.
pub fn check_url(url: &str) -> Result<(), String> {
    let parsed = reqwest::Url::parse(url).map_err(|e| t!("config-central-url", why = e))?;
    if !matches!(parsed.scheme(), "postgres" | "postgresql") {
        return Err(t!("config-central-url", why = parsed.scheme().to_string()));
    }
    if parsed.password().is_some() {
        return Err(t!("config-central-password"));
    }
    match sslmode(&parsed).as_deref() {
        None | Some("disable" | "prefer" | "require" | "verify-ca" | "verify-full") => Ok(()),
        Some(other) => Err(t!("config-central-sslmode", mode = other.to_string())),
    }
}
