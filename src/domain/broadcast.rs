//! What a broadcast is, once its schedule file has been read and checked: when it airs, at
//! which level, what it plays, says, relays and posts, and where it was written.
//!
//! These types are the vocabulary the planner, the playout, the channels' templates and the
//! history share. They live on the floor, apart from the loader in `schedule/` that builds
//! them, so that planning a broadcast does not mean importing the code that reads files
//! (issue #32).

use std::ops::Range;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::cron::CronExpr;
use crate::domain::localtime::Weekdays;
use crate::domain::secret::SourceAuth;

/// The loudspeaker line's name among a broadcast's channels; every other name is a web or
/// social channel of `[channels]`.
pub const LOUDSPEAKER: &str = "loudspeaker";

/// A schedule file's number in the loaded set, as `diagnostic::Sources` hands them out.
pub type FileId = usize;

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
    Cron(CronExpr),
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
    pub auth: Option<SourceAuth>,
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
    /// `until = "06:30"`, station time: the first such time after the start. `next_day` when
    /// the station wrote the crossing of midnight (`until = "05:00 hôm sau"`): only then may
    /// the end come at or before the start's time of day.
    At { time: chrono::NaiveTime, next_day: bool },
}

impl Relay {
    /// The window's length for a start at `start`, station time, on a day without a clock
    /// change: an `until` later that day, or at or before the start's time, the next day.
    pub fn length_from(&self, start: chrono::NaiveTime) -> Duration {
        match self.end {
            RelayEnd::After(d) => d,
            RelayEnd::At { time, .. } => {
                let secs = (time - start).num_seconds();
                Duration::from_secs(if secs <= 0 { secs + 86_400 } else { secs } as u64)
            }
        }
    }

    /// The window of an occurrence starting at `at`.
    pub fn window(&self, at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> Duration {
        match self.end {
            RelayEnd::After(d) => d,
            RelayEnd::At { time: t, .. } => {
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
            (RelayEnd::At { .. }, Rule::Daily { times, .. }) => {
                times.first().map_or(Duration::ZERO, |start| r.length_from(*start))
            }
            (RelayEnd::At { .. }, _) => Duration::ZERO,
        }
    }

    pub fn on_loudspeaker(&self) -> bool {
        self.channels.iter().any(|c| c == LOUDSPEAKER)
    }
}
