//! `[audio]`: the loudspeaker line's device, volume, chimes and how a programme ends when an
//! emergency or a stop cuts in. The playout owns these settings and their checks; the
//! configuration hands the table over and collects the errors (issue #32).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, FileId};

/// What to do with a programme an emergency cut off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AfterInterrupt {
    /// Play it again, from the start, once the emergency is over.
    Replay,
    /// Record it as interrupted and move on.
    Drop,
}

/// `[audio]`: the loudspeaker line.
#[derive(Clone, Debug)]
pub struct AudioConfig {
    /// `"default"` or a device name as `loaxa devices` lists it.
    pub device: String,
    /// Master volume, 0–1.
    pub volume: f32,
    /// Played before every programme, relative to the media folder.
    pub chime: Option<String>,
    /// Played after every programme, relative to the media folder.
    pub closing_chime: Option<String>,
    /// How long before the start the device is opened and the files decoded.
    pub preroll: std::time::Duration,
    pub after_interrupt: AfterInterrupt,
    /// On SIGTERM: cut the programme on air (true) or let it finish (false, the default).
    pub on_shutdown_cut: bool,
    /// The capture device `loaxa live` takes unless told `--from`.
    pub live_input: String,
    /// A live without a bound ends after this long: a forgotten open microphone does not stay
    /// on the loudspeakers all day.
    pub live_max: std::time::Duration,
    /// How long from a frame leaving loaxa to the loudspeaker that loaxa asks the device or
    /// sound server for: the bound on how late an unannounced emergency is heard (issue #37).
    pub latency: std::time::Duration,
    /// Close the device between programmes (frees the card for other programs) instead of
    /// holding it open on silence; an emergency on an idle line then waits for the open.
    pub release_when_idle: bool,
}

impl Default for AudioConfig {
    fn default() -> Self {
        AudioConfig {
            device: "default".into(),
            volume: 1.0,
            chime: None,
            closing_chime: None,
            preroll: std::time::Duration::from_secs(5),
            after_interrupt: AfterInterrupt::Replay,
            on_shutdown_cut: false,
            live_input: "default".into(),
            live_max: std::time::Duration::from_secs(60 * 60),
            latency: std::time::Duration::from_millis(DEFAULT_LATENCY_MS),
            release_when_idle: false,
        }
    }
}

/// 40 ms: two periods of 20 ms, whole frames at every usual rate (see
/// [`super::output::stream_config`]), and what the line asked for before it was a setting.
pub const DEFAULT_LATENCY_MS: u64 = 40;
/// The range `latency_ms` accepts: below 20 ms a period is under 10 ms, which a loaded station
/// PC does not keep fed; above 500 ms an emergency is no longer "at once".
pub const LATENCY_RANGE_MS: std::ops::RangeInclusive<u64> = 20..=500;

/// The most a sound may take from loaxa to the loudspeaker before an unannounced emergency is
/// no longer heard "at once" (Circular 39's emergency level): `loaxa devices`, `check --online`
/// and the daemon warn above it.
pub const EMERGENCY_LATENCY: std::time::Duration = std::time::Duration::from_millis(100);

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum OnShutdown {
    Finish,
    Cut,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAudio {
    device: Option<String>,
    volume: Option<Spanned<f64>>,
    chime: Option<Spanned<String>>,
    closing_chime: Option<Spanned<String>>,
    preroll_seconds: Option<Spanned<f64>>,
    after_interrupt: Option<AfterInterrupt>,
    on_shutdown: Option<OnShutdown>,
    live_input: Option<String>,
    live_max_minutes: Option<Spanned<u64>>,
    latency_ms: Option<Spanned<u64>>,
    release_when_idle: Option<bool>,
}

/// The `[audio]` table, checked (defaults where a value is missing or wrong; each wrong one is
/// an error in `errors`). Chimes must be files of the media folder.
pub fn parse(raw: RawAudio, media_dir: &Path, file: FileId, errors: &mut Vec<Diagnostic>) -> AudioConfig {
    let defaults = AudioConfig::default();
    let volume = match &raw.volume {
        Some(v) if !(0.0..=1.0).contains(v.get_ref()) => {
            errors.push(
                Diagnostic::error(file, v.span(), t!("check-between", key = "volume", min = 0, max = 1))
                    .with_hint(t!("config-volume-hint")),
            );
            defaults.volume
        }
        Some(v) => *v.get_ref() as f32,
        None => defaults.volume,
    };
    let preroll = match &raw.preroll_seconds {
        Some(p) if !(0.0..=60.0).contains(p.get_ref()) => {
            errors.push(
                Diagnostic::error(
                    file,
                    p.span(),
                    t!("check-between", key = "preroll_seconds", min = 0, max = 60),
                )
                .with_hint(t!("config-preroll-hint")),
            );
            defaults.preroll
        }
        Some(p) => std::time::Duration::from_secs_f64(*p.get_ref()),
        None => defaults.preroll,
    };
    let library = crate::media::Library::new(media_dir);
    let mut chime = |c: &Option<Spanned<String>>| {
        let c = c.as_ref()?;
        match library.resolve(c.get_ref()) {
            Ok(_) => Some(c.get_ref().clone()),
            Err(e) => {
                errors.push(Diagnostic::error(file, c.span(), e.to_string()).with_hint(t!("config-chime-hint")));
                None
            }
        }
    };
    AudioConfig {
        device: raw.device.unwrap_or(defaults.device),
        volume,
        chime: chime(&raw.chime),
        closing_chime: chime(&raw.closing_chime),
        preroll,
        after_interrupt: raw.after_interrupt.unwrap_or(defaults.after_interrupt),
        on_shutdown_cut: raw.on_shutdown == Some(OnShutdown::Cut),
        live_input: raw.live_input.unwrap_or(defaults.live_input),
        live_max: match &raw.live_max_minutes {
            Some(m) if (1..=24 * 60).contains(m.get_ref()) => std::time::Duration::from_secs(m.get_ref() * 60),
            Some(m) => {
                errors.push(
                    Diagnostic::error(file, m.span(), t!("config-live-max", given = *m.get_ref()))
                        .with_hint(t!("config-live-max-hint")),
                );
                defaults.live_max
            }
            None => defaults.live_max,
        },
        latency: match &raw.latency_ms {
            Some(l) if LATENCY_RANGE_MS.contains(l.get_ref()) => std::time::Duration::from_millis(*l.get_ref()),
            Some(l) => {
                errors.push(
                    Diagnostic::error(
                        file,
                        l.span(),
                        t!(
                            "check-between",
                            key = "latency_ms",
                            min = *LATENCY_RANGE_MS.start(),
                            max = *LATENCY_RANGE_MS.end()
                        ),
                    )
                    .with_hint(t!("config-latency-hint", default = DEFAULT_LATENCY_MS)),
                );
                defaults.latency
            }
            None => defaults.latency,
        },
        release_when_idle: raw.release_when_idle.unwrap_or(defaults.release_when_idle),
    }
}
