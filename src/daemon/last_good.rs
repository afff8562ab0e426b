//! The last known good schedule set, kept under the data folder.
//!
//! While the daemon runs, a broken edit is rejected and the set in memory keeps airing. After
//! a power cut there is no set in memory: without a copy, one typo on disk would keep the
//! station off the air until someone came to fix it, emergencies included. So every set that
//! loads whole is copied, with each file's SHA-256, into `<data>/schedules-last-good.json`
//! (written to a temporary file, synced, then renamed, so a power cut leaves the old copy or
//! the new one, never half of one). On a start with invalid files the daemon runs this copy
//! and says so everywhere; a copy whose hashes do not match is not used.
//!
//! A file that has never loaded has no good version: it does not air until it is fixed. Its
//! rejection is recorded and shown, so nothing is dropped without a trace.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::domain::text::hex;
use crate::schedule::{self, Loaded};

const FILE: &str = "schedules-last-good.json";

#[derive(Serialize, Deserialize)]
struct Snapshot {
    saved_at: DateTime<Utc>,
    files: Vec<SavedFile>,
}

#[derive(Serialize, Deserialize)]
struct SavedFile {
    /// As shown to users (`schedules/main.toml`).
    name: String,
    /// The file's own name inside the schedules folder.
    file: String,
    sha256: String,
    text: String,
}

/// The last good set, loaded and validated again.
pub struct LastGood {
    pub saved_at: DateTime<Utc>,
    pub loaded: Loaded,
}

pub fn path(data: &Path) -> PathBuf {
    data.join(FILE)
}

/// The copy of a set that loaded without errors, as it is written to disk.
pub fn snapshot(loaded: &Loaded) -> std::io::Result<Vec<u8>> {
    let files = (0..loaded.sources.len())
        .map(|id| {
            let text = loaded.sources.text(id).to_string();
            SavedFile {
                name: loaded.sources.name(id).to_string(),
                file: loaded
                    .sources
                    .path(id)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                sha256: hex(&Sha256::digest(text.as_bytes())),
                text,
            }
        })
        .collect();
    let snapshot = Snapshot {
        saved_at: Utc::now(),
        files,
    };
    serde_json::to_vec(&snapshot).map_err(std::io::Error::other)
}

/// Writes a snapshot in place of the previous one (blocking: it waits for the disk).
pub fn write(data: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = path(data);
    let tmp = data.join(format!("{FILE}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &target)
}

/// Why the copy cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LastGoodError {
    #[error("{}", t!("last-good-none"))]
    None,
    #[error("{}", t!("last-good-damaged", path = .path.display(), why = .reason))]
    Damaged { path: PathBuf, reason: String },
}

/// The files of the copy on disk and their SHA-256, without their texts (cheap even for a large
/// set): whether the set about to run is the one the last run ran. `None`: no readable copy.
pub fn hashes(data: &Path) -> Option<Vec<(String, String)>> {
    #[derive(Deserialize)]
    struct Hashes {
        files: Vec<Hashed>,
    }
    #[derive(Deserialize)]
    struct Hashed {
        name: String,
        sha256: String,
    }
    // Read as a stream: the files' texts are skipped, never held (at start-up, beside the set
    // just parsed, a whole copy would raise the peak).
    let (file, _) = crate::files::open_regular(&path(data)).ok()?;
    let h: Hashes = serde_json::from_reader(std::io::BufReader::new(file)).ok()?;
    Some(h.files.into_iter().map(|f| (f.name, f.sha256)).collect())
}

/// Reads the copy back, checks every hash, and validates it against today's media folder.
/// Broadcasts whose media has gone since are left out by validation (their errors are in
/// `loaded.diagnostics`); the rest air.
pub fn load(config: &Config) -> Result<LastGood, LastGoodError> {
    let p = path(&config.station.data);
    let damaged = |reason: String| LastGoodError::Damaged {
        path: p.clone(),
        reason,
    };
    let bytes = match crate::files::read_regular(&p, 64 * crate::files::MAX_TEXT_FILE_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(LastGoodError::None),
        Err(e) => return Err(damaged(e.to_string())),
    };
    let snapshot: Snapshot = serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
    let mut files = Vec::new();
    for f in snapshot.files {
        if hex(&Sha256::digest(f.text.as_bytes())) != f.sha256 {
            return Err(damaged(t!("last-good-hash", file = f.name)));
        }
        if f.file.is_empty() || f.file.contains('/') {
            return Err(damaged(t!("last-good-name", file = f.name)));
        }
        files.push((config.station.schedules.join(&f.file), f.name, Ok(f.text.into_bytes())));
    }
    Ok(LastGood {
        saved_at: snapshot.saved_at,
        loaded: schedule::load_from(config, files),
    })
}
