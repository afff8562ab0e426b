//! Secrets: tokens and passwords, read from the environment or a private file, never printed.
//!
//! A [`Secret`] has no `Display` and a redacting `Debug`; the only way to its value is
//! [`Secret::expose`]. Every secret loaded is remembered by [`crate::redact`], which every
//! output passes through.

use std::path::{Path, PathBuf};

use crate::domain::secret::SecretSource;

#[derive(Clone)]
pub struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// A secret read from its source: from now on every output redacts it.
    pub fn loaded(value: &str) -> Secret {
        crate::redact::remember(value);
        Secret(value.to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Why a secret could not be read. It never holds the secret's value, only where it was
/// looked for.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("{}", t!("secret-env-missing", var = .0))]
    EnvMissing(String),
    #[error("{}", t!("secret-file-unreadable", path = .path.display(), why = .source))]
    Unreadable { path: PathBuf, source: std::io::Error },
    /// Readable by others than loaxa's user: refused, so a leak is fixed rather than used.
    #[error("{}", t!("secret-file-open", path = .path.display(), mode = format!("{:o}", .mode)))]
    Open { path: PathBuf, mode: u32 },
    #[error("{}", t!("secret-file-empty", path = .0.display()))]
    Empty(PathBuf),
}

/// Reads a secret from where the config says it is.
pub fn load(source: &SecretSource) -> Result<Secret, SecretError> {
    match source {
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret::loaded(v.trim())),
            _ => Err(SecretError::EnvMissing(var.clone())),
        },
        SecretSource::File(path) => read_file(path),
    }
}

fn read_file(path: &Path) -> Result<Secret, SecretError> {
    let unreadable = |source| SecretError::Unreadable {
        path: path.to_path_buf(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(SecretError::Open {
                path: path.to_path_buf(),
                mode: mode & 0o777,
            });
        }
    }
    let _ = meta;
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let v = text.trim();
    if v.is_empty() {
        return Err(SecretError::Empty(path.to_path_buf()));
    }
    Ok(Secret::loaded(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("123456:ABC-very-secret");
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
    }

    #[test]
    fn a_loaded_secret_is_redacted_in_paths_and_encoded_forms() {
        // SAFETY: no other test reads this variable.
        unsafe { std::env::set_var("LOAXA_TEST_SECRET_PATHS", "123456:ABC/def") };
        load(&SecretSource::Env("LOAXA_TEST_SECRET_PATHS".into())).unwrap();
        let t =
            crate::redact::redact("POST https://api.telegram.org/bot123456:ABC/def/sendMessage?x=123456%3AABC%2Fdef");
        assert!(!t.contains("ABC"), "{t}");
        assert_eq!(t.matches("[REDACTED]").count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn token_files_readable_by_others_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("token");
        std::fs::write(&p, "s3cret-token\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load(&SecretSource::File(p.clone())).unwrap_err();
        assert!(matches!(e, SecretError::Open { mode: 0o644, .. }), "{e:?}");
        let shown = e.to_string();
        assert!(shown.contains("chmod 600") && !shown.contains("s3cret"), "{shown}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(load(&SecretSource::File(p)).unwrap().expose(), "s3cret-token");
        assert!(matches!(
            load(&SecretSource::Env("LOAXA_SURELY_UNSET_VAR".into())),
            Err(SecretError::EnvMissing(v)) if v == "LOAXA_SURELY_UNSET_VAR"
        ));
    }
}
