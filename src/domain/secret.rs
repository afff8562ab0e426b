//! Where a secret comes from, as the configuration names it: an environment variable or a
//! private file, never the configuration itself. Reading it is [`crate::secret`]'s job; this is
//! only the name, which every feature's settings carry. Pure.

use std::path::{Path, PathBuf};

/// How a stream's secret is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceAuth {
    /// HTTP Basic, `user` and the secret (an Icecast mount's listener authentication).
    Basic { user: String, secret: SecretSource },
    /// The secret as the value of the query parameter `param` (a CDN's token).
    Query { param: String, secret: SecretSource },
}

/// Where a channel's secret comes from. Never the config file itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretSource {
    Env(String),
    File(PathBuf),
}

impl SecretSource {
    /// The one place a section's `NAME_env` and `NAME_file` keys become a source: at most one
    /// of them, a file relative to the configuration's folder. `Err(())` when both are given.
    #[allow(clippy::result_unit_err)]
    pub fn from_keys(env: Option<&String>, file: Option<&String>, base: &Path) -> Result<Option<SecretSource>, ()> {
        match (env, file) {
            (Some(_), Some(_)) => Err(()),
            (Some(e), None) => Ok(Some(SecretSource::Env(e.clone()))),
            (None, Some(f)) => Ok(Some(SecretSource::File(base.join(f)))),
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_source_from_the_env_or_file_keys() {
        let base = Path::new("/etc/loaxa");
        let (env, file) = ("FB_TOKEN".to_string(), "fb.token".to_string());
        assert_eq!(
            SecretSource::from_keys(Some(&env), None, base),
            Ok(Some(SecretSource::Env(env.clone())))
        );
        assert_eq!(
            SecretSource::from_keys(None, Some(&file), base),
            Ok(Some(SecretSource::File(PathBuf::from("/etc/loaxa/fb.token"))))
        );
        assert_eq!(SecretSource::from_keys(None, None, base), Ok(None));
        assert_eq!(SecretSource::from_keys(Some(&env), Some(&file), base), Err(()));
    }
}
