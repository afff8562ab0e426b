//! Opening and checking audio files before air time.
//!
//! At pre-roll every file of a programme is decoded once from start to end, so a missing,
//! foreign or damaged file fails the programme with a reason seconds before the start instead
//! of going silent on the air. The decoders used for playback are opened at the same time, so
//! a file deleted or replaced after pre-roll does not change what airs.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Duration;

use rodio::{Decoder, Source};

/// A decoder ready to play.
pub type Opened = Decoder<BufReader<File>>;

/// Opens a file for playback: a regular file only (a FIFO or a device would stall the line),
/// and inside `root` when given.
pub fn open(path: &Path, root: Option<&Path>) -> Result<Opened, String> {
    let opened = match root {
        Some(root) => crate::files::open_inside(root, path).map(|(f, m, _)| (f, m)),
        None => crate::files::open_regular(path),
    };
    let (file, meta) = opened.map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => t!("playout-file-missing", path = path.display()),
        _ => t!("playout-file-unreadable", path = path.display(), why = e),
    })?;
    if meta.len() == 0 {
        return Err(t!("playout-file-empty", path = path.display()));
    }
    Decoder::try_from(file).map_err(|e| t!("playout-cannot-decode", path = path.display(), why = e))
}

/// Decodes the whole file, checking it yields audio all the way to the length its header
/// announces. Returns the decoded length.
pub fn check(path: &Path, root: Option<&Path>) -> Result<Duration, String> {
    let decoder = open(path, root)?;
    let channels = u64::from(decoder.channels().get());
    let rate = u64::from(decoder.sample_rate().get());
    let samples = decoder.count() as u64;
    if samples == 0 {
        return Err(t!("playout-no-audio", path = path.display()));
    }
    let decoded = Duration::from_secs_f64(samples as f64 / (channels * rate) as f64);
    if let Ok(announced) = super::probe::probe_duration(path)
        && decoded.as_secs_f64() < announced.as_secs_f64() * 0.9 - 0.5
    {
        return Err(t!(
            "playout-damaged",
            path = path.display(),
            decoded = format!("{:.1}", decoded.as_secs_f64()),
            announced = format!("{:.1}", announced.as_secs_f64())
        ));
    }
    Ok(decoded)
}
