//! The media library: resolving schedule paths inside `media/` and reading real audio durations.
//!
//! A schedule names files relative to `media/`. A path must never reach outside it: no `..`,
//! no absolute paths, no symlinks that point out. Durations are read from the files themselves
//! (symphonia, the decoder rodio uses) so overlap checks and `duration_s` are true, and a file
//! that cannot be decoded is caught at `loaxa check` time rather than at air time.
//!
//! - [`probe`]: a file's length from its container;
//! - [`decode`]: opening a file for playback, and decoding it whole at pre-roll to catch damage.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

pub mod decode;
pub mod probe;

/// Why a media path is unusable. The text is written for station staff.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("{}", t!("media-empty"))]
    Empty,
    #[error("{}", t!("media-absolute", path = .0))]
    Absolute(String),
    #[error("{}", t!("media-escapes", path = .0))]
    Escapes(String),
    #[error("{}", t!("media-symlink-out", path = .0))]
    SymlinkOut(String),
    #[error("{}", t!("media-not-found", path = .path, media = .media))]
    NotFound { path: String, media: String },
    #[error("{}", t!("media-not-a-file", path = .0))]
    NotAFile(String),
    #[error("{}", t!("media-unreadable", path = .path, why = .reason))]
    Unreadable { path: String, reason: String },
    #[error("{}", t!("media-not-audio", path = .path, why = .reason))]
    NotAudio { path: String, reason: String },
}

/// Resolves paths in one media directory and caches what it learns about each file.
pub struct Library {
    root: PathBuf,
    canonical_root: Option<PathBuf>,
    durations: HashMap<String, Result<Duration, MediaError>>,
}

impl Library {
    pub fn new(root: &Path) -> Library {
        Library {
            root: root.to_path_buf(),
            canonical_root: root.canonicalize().ok(),
            durations: HashMap::new(),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file a schedule path names, after checking it stays inside the media folder.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf, MediaError> {
        if rel.trim().is_empty() {
            return Err(MediaError::Empty);
        }
        let p = Path::new(rel);
        if p.is_absolute() || rel.starts_with('\\') || rel.get(1..2) == Some(":") {
            return Err(MediaError::Absolute(rel.into()));
        }
        if p.components()
            .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        {
            return Err(MediaError::Escapes(rel.into()));
        }
        let full = self.root.join(p);
        let meta = std::fs::metadata(&full).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => MediaError::NotFound {
                path: rel.into(),
                media: self.root.display().to_string(),
            },
            _ => MediaError::Unreadable {
                path: rel.into(),
                reason: e.to_string(),
            },
        })?;
        let canonical = full.canonicalize().map_err(|e| MediaError::Unreadable {
            path: rel.into(),
            reason: e.to_string(),
        })?;
        match &self.canonical_root {
            Some(root) if canonical.starts_with(root) => {}
            _ => return Err(MediaError::SymlinkOut(rel.into())),
        }
        if !meta.is_file() {
            return Err(MediaError::NotAFile(rel.into()));
        }
        Ok(canonical)
    }

    /// The playing time of an audio file, read once and cached. The file is decoded to the
    /// end, as pre-roll will do, so a truncated or damaged file is reported when the schedule
    /// is checked rather than minutes before its air time.
    pub fn duration(&mut self, rel: &str) -> Result<Duration, MediaError> {
        if let Some(known) = self.durations.get(rel) {
            return known.clone();
        }
        let result = self.resolve(rel).and_then(|path| {
            probe::probe_duration(&path)
                .map_err(|e| e.to_string())
                .and_then(|d| {
                    decode::check(&path, Some(&self.root))
                        .map(|_| d)
                        .map_err(|e| e.reason())
                })
                .map_err(|reason| MediaError::NotAudio {
                    path: rel.into(),
                    reason,
                })
        });
        self.durations.insert(rel.to_string(), result.clone());
        result
    }

    /// File names in the media folder close to `rel`, for "did you mean" hints.
    pub fn similar(&self, rel: &str) -> Option<String> {
        // `media/de-an-06/x.ogg`: the media folder named once too often.
        if let Some(rest) = rel.strip_prefix("media/")
            && self.root.join(rest).is_file()
        {
            return Some(rest.to_string());
        }
        let parent = Path::new(rel).parent().unwrap_or(Path::new(""));
        let dir = self.root.join(parent);
        let names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| parent.join(e.file_name()).to_string_lossy().replace('\\', "/"))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(s) = crate::domain::text::did_you_mean(rel, names.iter().map(String::as_str)) {
            return Some(s.to_string());
        }
        // `vneid.ogg` for `de-an-06/vneid.ogg`: the same name in another folder.
        let name = Path::new(rel).file_name()?.to_str()?.to_lowercase();
        self.find_by_name(&name)
    }

    /// The first file called `name` (any case) in the media folder or its subfolders, a few
    /// levels and a few thousand entries deep at most: a hint must stay cheap.
    fn find_by_name(&self, name: &str) -> Option<String> {
        let mut stack = vec![(self.root.clone(), 0)];
        let mut seen = 0;
        while let Some((dir, depth)) = stack.pop() {
            for e in std::fs::read_dir(&dir).ok()?.filter_map(|e| e.ok()) {
                seen += 1;
                if seen > 5_000 {
                    return None;
                }
                let path = e.path();
                let Ok(kind) = e.file_type() else { continue };
                if kind.is_dir() && depth < 3 {
                    stack.push((path, depth + 1));
                } else if kind.is_file() && e.file_name().to_string_lossy().to_lowercase() == name {
                    let rel = path.strip_prefix(&self.root).ok()?;
                    return Some(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_media() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media");
        std::fs::create_dir(&media).unwrap();
        std::fs::write(media.join("a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), media.join("link.wav")).unwrap();
        let lib = Library::new(&media);
        assert!(lib.resolve("a.txt").is_ok());
        assert_eq!(
            lib.resolve("../secret.txt"),
            Err(MediaError::Escapes("../secret.txt".into()))
        );
        assert!(matches!(lib.resolve("/etc/passwd"), Err(MediaError::Absolute(_))));
        assert!(matches!(lib.resolve("nope.mp3"), Err(MediaError::NotFound { .. })));
        #[cfg(unix)]
        assert_eq!(lib.resolve("link.wav"), Err(MediaError::SymlinkOut("link.wav".into())));
        assert_eq!(lib.similar("zzz.mp3").as_deref(), None);
        assert_eq!(lib.similar("a.tx").as_deref(), Some("a.txt"));
    }

    #[test]
    fn text_file_is_not_audio() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fake.mp3"), "this is not audio at all, it is text").unwrap();
        std::fs::write(dir.path().join("empty.wav"), "").unwrap();
        let mut lib = Library::new(dir.path());
        assert!(matches!(lib.duration("fake.mp3"), Err(MediaError::NotAudio { .. })));
        let e = lib.duration("empty.wav").unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn wav_duration_is_exact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tone.wav");
        write_wav(&path, 8000, 8000 * 3 / 2);
        let mut lib = Library::new(dir.path());
        let d = lib.duration("tone.wav").unwrap();
        assert!((d.as_secs_f64() - 1.5).abs() < 1e-6, "{d:?}");
    }

    /// A mono 16-bit PCM WAV of silence.
    pub fn write_wav(path: &Path, rate: u32, frames: u32) {
        let data_len = frames * 2;
        let mut b = Vec::new();
        b.extend_from_slice(b"RIFF");
        b.extend_from_slice(&(36 + data_len).to_le_bytes());
        b.extend_from_slice(b"WAVEfmt ");
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * 2).to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(b"data");
        b.extend_from_slice(&data_len.to_le_bytes());
        b.resize(b.len() + data_len as usize, 0);
        std::fs::write(path, b).unwrap();
    }
}
