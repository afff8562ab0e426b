//! `[sources.NAME]`: the streams broadcasts relay, each an address and, where the stream
//! needs one, how its secret is sent. The relay owns these settings and their checks (issue
//! #32).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FileId};
use crate::domain::secret::{SecretSource, SourceAuth};

/// `[sources.NAME]`: a stream broadcasts can relay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// Its address, without a credential (refused there: an address is shown and hashed).
    pub url: String,
    pub auth: Option<SourceAuth>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    url: Spanned<String>,
    user: Option<String>,
    token_query: Option<String>,
    token_env: Option<String>,
    token_file: Option<String>,
}

/// A stream address loaxa can open: http or https, with no blanks.
pub fn valid_url(url: &str) -> bool {
    crate::domain::text::is_http_url(url) && !url.contains(char::is_whitespace) && url.len() > 10
}

/// Every `[sources.NAME]` table, checked: the good ones by name, an error for each bad one.
pub fn parse(
    raw: BTreeMap<String, RawSource>,
    base_dir: &Path,
    file: FileId,
    errors: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Source> {
    let mut sources = BTreeMap::new();
    for (name, s) in raw {
        let url = s.url.get_ref();
        if !valid_url(url) {
            errors.push(
                Diagnostic::error(file, s.url.span(), t!("config-source-url", name = name.clone()))
                    .with_hint(t!("config-source-url-hint")),
            );
            continue;
        }
        if !crate::redact::url_credentials(url).is_empty() {
            errors.push(
                Diagnostic::error(file, s.url.span(), t!("config-source-credential", name = name.clone()))
                    .with_hint(t!("config-source-credential-hint", name = name.clone())),
            );
            continue;
        }
        let secret = match SecretSource::from_keys(s.token_env.as_ref(), s.token_file.as_ref(), base_dir) {
            Ok(secret) => secret,
            Err(()) => {
                errors.push(Diagnostic::error(
                    file,
                    s.url.span(),
                    t!("config-secret-twice", what = "token"),
                ));
                continue;
            }
        };
        let auth = match (secret, s.user, s.token_query) {
            (None, None, None) => None,
            (Some(secret), Some(user), None) => Some(SourceAuth::Basic { user, secret }),
            (Some(secret), None, Some(param)) => Some(SourceAuth::Query { param, secret }),
            (Some(_), None, None) | (_, Some(_), Some(_)) => {
                errors.push(
                    Diagnostic::error(file, s.url.span(), t!("config-source-auth-how", name = name.clone()))
                        .with_hint(t!("config-source-auth-how-hint")),
                );
                continue;
            }
            (None, _, _) => {
                errors.push(
                    Diagnostic::error(file, s.url.span(), t!("config-source-no-token", name = name.clone()))
                        .with_hint(t!("config-source-auth-how-hint")),
                );
                continue;
            }
        };
        sources.insert(name, Source { url: url.clone(), auth });
    }
    sources
}
