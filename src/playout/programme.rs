//! A programme: what the loudspeaker line plays for one occurrence, as a flat list of segments.
//!
//! Building it is pure: the opening chime, the audio list `repeat` times with `gap_seconds` of
//! silence between repeats, and the closing chime. The engine only has to play the segments in
//! order, which is what the capture tests check.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::settings::AudioConfig;
use crate::domain::broadcast::Priority;
use crate::domain::plan::Occurrence;
use crate::history::event::Fingerprints;

/// One piece of a programme.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    Audio(PathBuf),
    /// A rendering of the speech (in the data folder, written by loaxa itself).
    Speech(PathBuf),
    /// A relayed stream until its window's end.
    Relay(super::relay::RelayFeed),
    Silence(Duration),
    /// A capture input, live, for at most `max` (`loaxa live`).
    Live {
        feed: super::live::LiveFeed,
        max: Duration,
    },
}

/// Everything the engine needs to air one occurrence.
#[derive(Clone, Debug, PartialEq)]
pub struct Programme {
    /// The occurrence key (`id@instant`); unique per airing.
    pub key: String,
    pub broadcast_id: String,
    pub title: String,
    pub priority: Priority,
    pub scheduled_at: DateTime<Utc>,
    pub segments: Vec<Segment>,
    /// Master volume × the broadcast's volume.
    pub volume: f32,
    pub campaign: Option<String>,
    /// What the history records about it: title, audio files with SHA-256 and duration.
    pub record: serde_json::Value,
    /// The folder every file must stay inside (the media folder), checked again at each open:
    /// a file swapped for a link after `check` is refused. `None` for `loaxa play`'s own files.
    pub root: Option<PathBuf>,
}

/// A broadcast's speech, rendered: its files in order and what the history keeps of it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpeechPart {
    pub files: Vec<PathBuf>,
    pub record: serde_json::Value,
}

impl Programme {
    /// The programme for an occurrence, with the station's chimes and volume, and its speech
    /// (read before its audio files) when it has one.
    pub fn for_occurrence(
        o: &Occurrence<'_>,
        audio: &AudioConfig,
        media: &std::path::Path,
        prints: &mut Fingerprints,
        speech: Option<&SpeechPart>,
        relay: Option<super::relay::RelayFeed>,
    ) -> Programme {
        let b = o.broadcast;
        let items: Vec<PathBuf> = b.audio.iter().map(|a| media.join(&a.path)).collect();
        let mut record = prints.programme(b, media);
        if let Some(s) = speech {
            record["speech"] = s.record.clone();
        }
        let mut segments = segments(
            match &b.chime {
                crate::domain::broadcast::Chime::Station => audio.chime.as_ref().map(|c| media.join(c)),
                crate::domain::broadcast::Chime::Off => None,
                crate::domain::broadcast::Chime::File(f) => Some(media.join(f)),
            },
            speech.map_or(&[][..], |s| &s.files),
            &items,
            b.repeat,
            b.gap,
            None,
        );
        // The relay after what is read and played first, before the closing chime.
        if let Some(feed) = relay {
            record["relay"] = serde_json::json!({
                "source": feed.spec.name,
                "planned_end": crate::domain::time::utc_text(feed.end),
            });
            segments.push(Segment::Relay(feed));
        }
        segments.extend(audio.closing_chime.as_ref().map(|c| Segment::Audio(media.join(c))));
        Programme {
            key: o.key(),
            broadcast_id: b.id.clone(),
            title: b.title.clone(),
            priority: b.priority,
            scheduled_at: o.at,
            segments,
            volume: audio.volume * b.volume,
            campaign: b.campaign.clone(),
            record,
            root: Some(media.to_path_buf()),
        }
    }

    /// A programme of files given directly (`loaxa play`), outside any schedule.
    pub fn of_files(key: &str, files: &[PathBuf], volume: f32) -> Programme {
        Programme {
            key: key.into(),
            broadcast_id: key.into(),
            title: key.into(),
            priority: Priority::Normal,
            scheduled_at: Utc::now(),
            segments: files.iter().cloned().map(Segment::Audio).collect(),
            volume,
            campaign: None,
            record: serde_json::Value::Null,
            root: None,
        }
    }

    /// The media folder's audio files, each once, in order of first use.
    pub fn files(&self) -> Vec<&PathBuf> {
        let mut out: Vec<&PathBuf> = Vec::new();
        for s in &self.segments {
            if let Segment::Audio(p) = s
                && !out.contains(&p)
            {
                out.push(p);
            }
        }
        out
    }
}

/// Opening chime, (speech, `items`) × `repeat` separated by `gap`, closing chime.
pub fn segments(
    opening: Option<PathBuf>,
    speech: &[PathBuf],
    items: &[PathBuf],
    repeat: u32,
    gap: Duration,
    closing: Option<PathBuf>,
) -> Vec<Segment> {
    let mut out = Vec::new();
    out.extend(opening.map(Segment::Audio));
    for r in 0..repeat {
        if r > 0 && !gap.is_zero() {
            out.push(Segment::Silence(gap));
        }
        out.extend(speech.iter().cloned().map(Segment::Speech));
        out.extend(items.iter().cloned().map(Segment::Audio));
    }
    out.extend(closing.map(Segment::Audio));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chimes_items_repeats_and_gaps_in_order() {
        let p = |s: &str| PathBuf::from(s);
        let got = segments(
            Some(p("chime")),
            &[p("say")],
            &[p("a"), p("b")],
            2,
            Duration::from_secs(3),
            Some(p("end")),
        );
        assert_eq!(
            got,
            vec![
                Segment::Audio(p("chime")),
                Segment::Speech(p("say")),
                Segment::Audio(p("a")),
                Segment::Audio(p("b")),
                Segment::Silence(Duration::from_secs(3)),
                Segment::Speech(p("say")),
                Segment::Audio(p("a")),
                Segment::Audio(p("b")),
                Segment::Audio(p("end")),
            ]
        );
        assert_eq!(
            segments(None, &[], &[p("a")], 1, Duration::from_secs(3), None),
            vec![Segment::Audio(p("a"))]
        );
    }
}
