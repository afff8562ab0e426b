//! How long an audio file lasts, read from its container without decoding it: what `check`
//! and the planner use to fit programmes, and what pre-roll compares a full decode against.

use std::path::Path;
use std::time::Duration;

use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

/// Reads the duration from the container, or by walking the packets when the header has none
/// (e.g. an MP3 without a Xing header). Packets are not decoded, so this stays cheap.
pub fn probe_duration(path: &Path) -> Result<Duration, String> {
    let (file, meta) = crate::files::open_regular(path).map_err(|e| e.to_string())?;
    if meta.len() == 0 {
        return Err(t!("media-file-empty"));
    }
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &FormatOptions::default(), &MetadataOptions::default())
        .map_err(|e| t!("media-unrecognised", why = e))?;
    let mut format = probed.format;
    let track = format.default_track().ok_or_else(|| t!("media-no-track"))?.clone();
    let params = &track.codec_params;
    symphonia::default::get_codecs()
        .make(params, &Default::default())
        .map_err(|e| t!("media-codec", why = e))?;
    let rate = params.sample_rate.ok_or_else(|| t!("media-no-rate"))?;
    let tb = params.time_base;
    let frames = match params.n_frames {
        Some(n) => n,
        None => {
            let mut total = 0u64;
            loop {
                match format.next_packet() {
                    Ok(p) if p.track_id() == track.id => total += p.dur,
                    Ok(_) => {}
                    Err(symphonia::core::errors::Error::IoError(e))
                        if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                    {
                        break;
                    }
                    Err(e) => return Err(format!("damaged stream ({e})")),
                }
            }
            total
        }
    };
    if frames == 0 {
        return Err(t!("media-no-audio"));
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
