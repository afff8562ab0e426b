//! Opening and checking audio files before air time.
//!
//! At pre-roll every file of a programme is decoded once from start to end, so a missing,
//! foreign or damaged file fails the programme with a reason seconds before the start instead
//! of going silent on the air. The decoders used for playback are opened at the same time, so
//! a file deleted or replaced after pre-roll does not change what airs.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rodio::{Decoder, Source};

/// A decoder ready to play.
pub type Opened = Decoder<BufReader<File>>;

/// Why a file cannot be played. Shown as a whole, it names the file; [`DecodeError::reason`]
/// says what is wrong without it, for a report that has named the file already.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{}", t!("playout-file-missing", path = .path.display()))]
    Missing { path: PathBuf },
    #[error("{}", t!("playout-file-unreadable", path = .path.display(), why = .source))]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{}", t!("playout-file-empty", path = .path.display()))]
    Empty { path: PathBuf },
    #[error("{}", t!("playout-cannot-decode", path = .path.display(), why = .source))]
    Undecodable {
        path: PathBuf,
        source: rodio::decoder::DecoderError,
    },
    #[error("{}", t!("playout-no-audio", path = .path.display()))]
    NoAudio { path: PathBuf },
    #[error("{}", t!("playout-damaged", path = .path.display(), decoded = seconds(*.decoded), announced = seconds(*.announced)))]
    Damaged {
        path: PathBuf,
        decoded: Duration,
        announced: Duration,
    },
}

impl DecodeError {
    /// What is wrong with the file, without its path.
    pub fn reason(&self) -> String {
        match self {
            DecodeError::Missing { .. } => t!("media-file-missing"),
            DecodeError::Unreadable { source, .. } => t!("media-file-unreadable", why = source),
            DecodeError::Empty { .. } => t!("media-file-empty"),
            DecodeError::Undecodable { source, .. } => t!("media-undecodable", why = source),
            DecodeError::NoAudio { .. } => t!("media-no-audio"),
            DecodeError::Damaged { decoded, announced, .. } => t!(
                "media-damaged",
                decoded = seconds(*decoded),
                announced = seconds(*announced)
            ),
        }
    }
}

/// Seconds to a tenth, as staff read a length.
fn seconds(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// Opens a file for playback: a regular file only (a FIFO or a device would stall the line),
/// and inside `root` when given.
pub fn open(path: &Path, root: Option<&Path>) -> Result<Opened, DecodeError> {
    let opened = match root {
        Some(root) => crate::files::open_inside(root, path).map(|(f, m, _)| (f, m)),
        None => crate::files::open_regular(path),
    };
    let path = path.to_path_buf();
    let (file, meta) = opened.map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => DecodeError::Missing { path: path.clone() },
        _ => DecodeError::Unreadable {
            path: path.clone(),
            source,
        },
    })?;
    if meta.len() == 0 {
        return Err(DecodeError::Empty { path });
    }
    Decoder::try_from(file).map_err(|source| DecodeError::Undecodable { path, source })
}

/// Decodes the whole file, checking it yields audio all the way to the length its header
/// announces. Returns the decoded length.
pub fn check(path: &Path, root: Option<&Path>) -> Result<Duration, DecodeError> {
    let decoder = open(path, root)?;
    let channels = u64::from(decoder.channels().get());
    let rate = u64::from(decoder.sample_rate().get());
    let samples = decoder.count() as u64;
    if samples == 0 {
        return Err(DecodeError::NoAudio { path: path.into() });
    }
    let decoded = Duration::from_secs_f64(samples as f64 / (channels * rate) as f64);
    if let Ok(announced) = super::probe::probe_duration(path)
        && decoded.as_secs_f64() < announced.as_secs_f64() * 0.9 - 0.5
    {
        return Err(DecodeError::Damaged {
            path: path.into(),
            decoded,
            announced,
        });
    }
    Ok(decoded)
}
