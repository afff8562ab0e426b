//! How long an audio file lasts, read from its container without decoding it: what `check`
//! and the planner use to fit programmes, and what pre-roll compares a full decode against.

use std::path::Path;
use std::time::Duration;

use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Why a file's length cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("{}", t!("media-file-unreadable", why = .0))]
    Open(#[source] std::io::Error),
    #[error("{}", t!("media-file-empty"))]
    Empty,
    #[error("{}", t!("media-unrecognised", why = .0))]
    Unrecognised(#[source] SymphoniaError),
    #[error("{}", t!("media-no-track"))]
    NoTrack,
    #[error("{}", t!("media-codec", why = .0))]
    Codec(#[source] SymphoniaError),
    #[error("{}", t!("media-no-rate"))]
    NoRate,
    #[error("{}", t!("media-damaged-stream", why = .0))]
    Damaged(#[source] SymphoniaError),
    #[error("{}", t!("media-no-audio"))]
    NoAudio,
}

/// Reads the duration from the container, or by walking the packets when the header has none
/// (e.g. an MP3 without a Xing header). Packets are not decoded, so this stays cheap.
pub fn probe_duration(path: &Path) -> Result<Duration, ProbeError> {
    let (file, meta) = crate::files::open_regular(path).map_err(ProbeError::Open)?;
    if meta.len() == 0 {
        return Err(ProbeError::Empty);
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(ProbeError::Unrecognised)?;
    let mut format = probed.format;
    let track = format.default_track().ok_or(ProbeError::NoTrack)?.clone();
    let params = &track.codec_params;
    symphonia::default::get_codecs()
        .make(params, &Default::default())
        .map_err(ProbeError::Codec)?;
    let rate = params.sample_rate.ok_or(ProbeError::NoRate)?;
    let tb = params.time_base;
    let frames = match params.n_frames {
        Some(n) => n,
        None => {
            let mut total = 0u64;
            loop {
                match format.next_packet() {
                    Ok(p) if p.track_id() == track.id => total += p.dur,
                    Ok(_) => {}
                    Err(SymphoniaError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                        break;
                    }
                    Err(e) => return Err(ProbeError::Damaged(e)),
                }
            }
            total
        }
    };
    if frames == 0 {
        return Err(ProbeError::NoAudio);
    }
    let secs = match tb {
        Some(tb) if params.n_frames.is_none() => {
            let t = tb.calc_time(frames);
            t.seconds as f64 + t.frac
        }
        _ => frames as f64 / f64::from(rate),
    };
    Ok(Duration::from_secs_f64(secs))
}
