//! Schedules: what staff write in `schedules/*.toml`, validated into broadcasts the rest of
//! loaxa can trust.
//!
//! Loading is the only I/O step (reading files, checking media). It always returns every
//! diagnostic for the whole set, so `loaxa check` and the daemon's reload show the same report.
//! A set with any error must not be used: the caller keeps the previous one.

pub mod cron;
mod fields;
mod parse;
pub mod validate;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use sha2::{Digest, Sha256};

use crate::config::{Config, LOUDSPEAKER};
use crate::diagnostic::{Diagnostic, FileId, Sources};
use crate::domain::localtime::Weekdays;
use crate::domain::text::hex;
use crate::media::Library;

pub use validate::lint;

/// The three bulletin levels of Circular 39/2020/TT-BTTTT.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Priority {
    /// thông thường
    Normal,
    /// ưu tiên: played ahead of waiting normal programmes
    Priority,
    /// khẩn cấp: cuts in at once
    Emergency,
}

impl Priority {
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Normal => "normal",
            Priority::Priority => "priority",
            Priority::Emergency => "emergency",
        }
    }

    /// The level as people read it: `thông thường`, `ưu tiên`, `khẩn cấp` in Vietnamese.
    pub fn label(self) -> String {
        match self {
            Priority::Normal => t!("priority-normal"),
            Priority::Priority => t!("priority-priority"),
            Priority::Emergency => t!("priority-emergency"),
        }
    }

    /// The Circular 39/2020 level, in English or Vietnamese (`thông thường`, `ưu tiên`,
    /// `khẩn cấp`, with or without diacritics, composed or decomposed).
    pub fn parse(s: &str) -> Option<Priority> {
        let words = crate::domain::localtime::fold(s).to_lowercase();
        match words.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
            "normal" | "thong thuong" => Some(Priority::Normal),
            "priority" | "uu tien" => Some(Priority::Priority),
            "emergency" | "khan cap" => Some(Priority::Emergency),
            _ => None,
        }
    }
}

impl std::fmt::Display for Priority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a broadcast airs, before the date filter is applied.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// `at` times on `days`.
    Daily { times: Vec<NaiveTime>, days: Weekdays },
    /// A cron expression, evaluated in the station's timezone.
    Cron(cron::CronExpr),
    /// One-off local date-times.
    On(Vec<NaiveDateTime>),
}

/// Which days a broadcast may air on: `from`..=`until`, minus `except`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DateFilter {
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// Sorted, without duplicates.
    pub except: Vec<NaiveDate>,
}

impl DateFilter {
    pub fn allows(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.until.is_none_or(|u| d <= u) && self.except.binary_search(&d).is_err()
    }
}

/// One audio file of a programme, with its real length.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioItem {
    /// Relative to the media folder, as written in the schedule.
    pub path: String,
    pub duration: Duration,
}

/// `chime = true | false | "file.ogg"` on a broadcast.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Chime {
    /// The station's `[audio] chime`, if it has one (no `chime` key, or `chime = true`).
    #[default]
    Station,
    /// No opening chime for this broadcast.
    Off,
    /// This file, relative to the media folder.
    File(String),
}

/// What web and social channels publish for a broadcast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Post {
    pub title: String,
    pub text: String,
    pub link: Option<String>,
    /// Relative to the media folder.
    pub image: Option<String>,
}

/// Where a broadcast was written, so later checks can point at it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    /// The span of the `id` value.
    pub id_span: Range<usize>,
}

/// A validated broadcast.
#[derive(Clone, Debug)]
pub struct Broadcast {
    pub id: String,
    pub title: String,
    pub campaign: Option<String>,
    pub rule: Rule,
    pub dates: DateFilter,
    pub priority: Priority,
    pub audio: Vec<AudioItem>,
    pub repeat: u32,
    pub gap: Duration,
    /// This broadcast's volume, 0–1, multiplied with the master volume.
    pub volume: f32,
    /// The opening chime: the station's (`[audio] chime`), none, or this broadcast's own.
    pub chime: Chime,
    pub channels: Vec<String>,
    pub post: Option<Post>,
    /// `speak`: text read aloud before the audio files (issue #16).
    pub speak: Option<Speak>,
    /// `[broadcast.relay]`: a stream relayed for a window (issue #15).
    pub relay: Option<Relay>,
    pub origin: Origin,
}

/// A relay window: which stream, how long, and what plays while it is dead.
#[derive(Clone, Debug, PartialEq)]
pub struct Relay {
    /// The source's name in `[sources]`, or the URL when given directly.
    pub source: String,
    pub url: String,
    /// How the source's secret is sent (a `[sources]` entry's), if it has one.
    pub auth: Option<crate::domain::secret::SourceAuth>,
    pub end: RelayEnd,
    /// Relative to the media folder.
    pub fallback: Option<String>,
    pub fade: Duration,
}

/// Where a relay window ends.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RelayEnd {
    /// `duration = "30m"`.
    After(Duration),
    /// `until = "06:30"`, station time: the first such time after the start.
    At(chrono::NaiveTime),
}

impl Relay {
    /// The window of an occurrence starting at `at`.
    pub fn window(&self, at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> Duration {
        match self.end {
            RelayEnd::After(d) => d,
            RelayEnd::At(t) => {
                use chrono::TimeZone;
                let local = at.with_timezone(&tz);
                let day = local.date_naive();
                [day, day + chrono::Duration::days(1)]
                    .into_iter()
                    .filter_map(|d| tz.from_local_datetime(&d.and_time(t)).earliest())
                    .find(|end| *end > local)
                    .and_then(|end| (end.with_timezone(&chrono::Utc) - at).to_std().ok())
                    .unwrap_or_default()
            }
        }
    }
}

/// What a broadcast reads aloud, and with which voice.
#[derive(Clone, Debug, PartialEq)]
pub struct Speak {
    /// As written: the post's text (`speak = true`) or its own (`speak = "…"`).
    pub text: String,
    /// As it is read aloud (normalised when the schedule is checked).
    pub spoken: String,
    /// `[broadcast.speech]`: a provider, voice and speed of its own.
    pub provider: Option<String>,
    pub voice: Option<String>,
    pub speed: Option<f32>,
    /// How long it is expected to last, for planning (~3 syllables a second at normal speed).
    pub estimate: Duration,
}

impl Speak {
    /// The request to render it.
    pub fn spec(&self) -> crate::speech::render::Spec {
        crate::speech::render::Spec {
            text: self.text.clone(),
            spoken: self.spoken.clone(),
            provider: self.provider.clone(),
            voice: self.voice.clone(),
            speed: self.speed,
        }
    }
}

impl Broadcast {
    /// Airtime of the whole programme: the speech and the audio list `repeat` times, with gaps
    /// between repeats.
    pub fn duration(&self) -> Duration {
        let once: Duration = self.audio.iter().map(|a| a.duration).sum::<Duration>()
            + self.speak.as_ref().map_or(Duration::ZERO, |s| s.estimate)
            + self.relay.as_ref().map_or(Duration::ZERO, |r| self.relay_window(r));
        once * self.repeat + self.gap * self.repeat.saturating_sub(1)
    }

    /// A relay's planned window: its duration, or for `until`, from the first time the rule
    /// names (a daily rule's first time; other rules give `duration` instead, checked at load).
    fn relay_window(&self, r: &Relay) -> Duration {
        match (r.end, &self.rule) {
            (RelayEnd::After(d), _) => d,
            (RelayEnd::At(end), Rule::Daily { times, .. }) => times.first().map_or(Duration::ZERO, |start| {
                let secs = (end - *start).num_seconds();
                let secs = if secs <= 0 { secs + 86_400 } else { secs };
                Duration::from_secs(secs as u64)
            }),
            (RelayEnd::At(_), _) => Duration::ZERO,
        }
    }

    pub fn on_loudspeaker(&self) -> bool {
        self.channels.iter().any(|c| c == LOUDSPEAKER)
    }
}

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
fn meant_as_schedule(p: &Path) -> Option<String> {
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
