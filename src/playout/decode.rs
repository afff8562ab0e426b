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
        std::io::ErrorKind::NotFound => format!("audio file {} is missing", path.display()),
        _ => format!("cannot open audio file {}: {e}", path.display()),
    })?;
    if meta.len() == 0 {
        return Err(format!("audio file {} is empty", path.display()));
    }
    Decoder::try_from(file).map_err(|e| format!("{} cannot be decoded: {e}", path.display()))
}

/// Decodes the whole file, checking it yields audio all the way to the length its header
/// announces. Returns the decoded length.
pub fn check(path: &Path, root: Option<&Path>) -> Result<Duration, String> {
    let decoder = open(path, root)?;
    let channels = u64::from(decoder.channels().get());
    let rate = u64::from(decoder.sample_rate().get());
    let samples = decoder.count() as u64;
    if samples == 0 {
        return Err(format!("{} holds no audio", path.display()));
    }
    let decoded = Duration::from_secs_f64(samples as f64 / (channels * rate) as f64);
    if let Ok(announced) = crate::media::probe_duration(path)
        && decoded.as_secs_f64() < announced.as_secs_f64() * 0.9 - 0.5
    {
        return Err(format!(
            "{} is damaged: only {:.1} s of its {:.1} s decode",
            path.display(),
            decoded.as_secs_f64(),
            announced.as_secs_f64()
        ));
    }
    Ok(decoded)
}
