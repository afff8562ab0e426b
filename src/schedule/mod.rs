//! Schedules: what staff write in `schedules/*.toml`, validated into broadcasts the rest of
//! loaxa can trust.
//!
//! Loading is the only I/O step (reading files, checking media). It always returns every
//! diagnostic for the whole set, so `loaxa check` and the daemon's reload show the same report.
//! A set with any error must not be used: the caller keeps the previous one.

mod fields;
mod parse;
pub mod validate;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sources};
use crate::domain::broadcast::Broadcast;
use crate::domain::text::hex;
use crate::media::Library;

pub use validate::lint;

/// A schedule file that was read, with the hash the history records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleFile {
    pub path: PathBuf,
    /// Shown to users, relative to the config file's folder when possible.
    pub name: String,
    pub sha256: String,
}

/// Every broadcast of every schedule file.
#[derive(Clone, Debug, Default)]
pub struct ScheduleSet {
    pub files: Vec<ScheduleFile>,
    pub broadcasts: Vec<Broadcast>,
}

impl ScheduleSet {
    pub fn get(&self, id: &str) -> Option<&Broadcast> {
        self.broadcasts.iter().find(|b| b.id == id)
    }
}

/// The result of loading the schedules folder: the set, the files (for quoting), and every
/// diagnostic. The set is only safe to use when [`Loaded::has_errors`] is false.
pub struct Loaded {
    pub set: ScheduleSet,
    pub sources: Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }
}

/// Why the schedules folder itself could not be read (as opposed to a mistake inside a file).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}", t!("check-folder-unreadable", path = .path.display(), why = .source))]
    Folder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Reads and validates every `*.toml` file in the schedules folder as one set.
pub fn load(config: &Config) -> Result<Loaded, LoadError> {
    let dir = &config.station.schedules;
    let entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| LoadError::Folder {
            path: dir.clone(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !is_hidden(p))
        .collect();
    let (mut paths, mut unread): (Vec<PathBuf>, Vec<PathBuf>) = entries
        .into_iter()
        .partition(|p| p.extension().is_some_and(|e| e == "toml"));
    paths.sort();
    unread.retain(|p| meant_as_schedule(p).is_some());
    unread.sort();
    let base = config.path.parent().unwrap_or(Path::new(""));
    let files = paths.into_iter().map(|p| {
        let name = display_name(base, &p);
        let bytes = crate::files::read_inside(dir, &p, crate::files::MAX_TEXT_FILE_BYTES);
        (p, name, bytes)
    });
    let mut loaded = load_from(config, files);
    // A file saved as `ban-tin.toml.txt` or `ban-tin.TOML` used to be skipped in silence while
    // `check` said all was well: its broadcasts never aired.
    for p in unread {
        let Some(fixed) = meant_as_schedule(&p) else { continue };
        let file = loaded.sources.add(&p, display_name(base, &p), String::new());
        loaded.diagnostics.push(
            Diagnostic::warning(file, 0..0, t!("check-not-read"))
                .with_code("not-read")
                .with_hint(t!("check-not-read-hint", fixed = fixed)),
        );
    }
    Ok(loaded)
}

/// The name a file that looks meant as a schedule should have (`ban-tin.toml.txt`,
/// `ban-tin.TOML`, `ban-tin.toml.` → `ban-tin.toml`), or None for any other file. Backups
/// (`.bak`, `.old`, `.orig`, `.disabled`) are left alone: putting `.bak` after a name is how
/// a file is taken off the air on purpose.
pub fn meant_as_schedule(p: &Path) -> Option<String> {
    let name = p.file_name()?.to_str()?;
    let lower = name.to_lowercase();
    if let Some(stem) = lower.strip_suffix(".toml")
        && !name.ends_with(".toml")
    {
        return Some(format!("{}.toml", &name[..stem.len()]));
    }
    let at = lower.find(".toml")?;
    let after = &lower[at + ".toml".len()..];
    let backup = [".bak", ".old", ".orig", ".disabled", ".off", ".swp", ".tmp"];
    if backup.iter().any(|b| after.starts_with(b)) {
        return None;
    }
    Some(format!("{}.toml", &name[..at]))
}

/// Validates schedule files given as (path, display name, contents). Pure apart from media
/// lookups, so tests can feed it text directly.
pub fn load_from(
    config: &Config,
    files: impl IntoIterator<Item = (PathBuf, String, std::io::Result<Vec<u8>>)>,
) -> Loaded {
    let mut sources = Sources::new();
    let mut diagnostics = Vec::new();
    let mut set = ScheduleSet::default();
    let mut media = Library::new(&config.station.media);
    let mut ids = Vec::new();
    for (path, name, bytes) in files {
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => {
                let file = sources.add(&path, name, String::new());
                let hint = match e.kind() {
                    std::io::ErrorKind::FileTooLarge => t!("check-file-too-large-hint"),
                    std::io::ErrorKind::InvalidInput => t!("check-file-not-regular-hint"),
                    _ => t!("check-file-unreadable-hint"),
                };
                diagnostics.push(
                    Diagnostic::error(file, 0..0, t!("check-file-unreadable", why = e))
                        .with_code("unreadable")
                        .with_hint(hint),
                );
                continue;
            }
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        let (text, utf8_error) = match String::from_utf8(bytes) {
            Ok(t) => (t, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let file = sources.add(&path, name.clone(), text);
        set.files.push(ScheduleFile { path, name, sha256 });
        if let Some(at) = utf8_error {
            diagnostics.push(
                Diagnostic::error(file, at..at + 1, t!("check-not-utf8"))
                    .with_code("not-utf8")
                    .with_label(t!("check-not-utf8-label"))
                    .with_hint(t!("check-not-utf8-hint")),
            );
            continue;
        }
        let parsed = parse::parse_file(config, &mut media, file, sources.text(file));
        set.broadcasts.extend(parsed.broadcasts);
        ids.extend(parsed.ids);
        diagnostics.extend(parsed.diagnostics);
    }
    diagnostics.extend(validate::duplicate_ids(&ids));
    diagnostics.sort_by_key(|d| (d.file, d.span.start));
    Loaded {
        set,
        sources,
        diagnostics,
    }
}

fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.starts_with('#') || n.ends_with('~'))
}

fn display_name(base: &Path, p: &Path) -> String {
    p.strip_prefix(base).unwrap_or(p).display().to_string()
}
