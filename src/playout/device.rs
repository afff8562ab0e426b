//! The sound device: listing outputs and opening one for a programme.
//!
//! The engine holds the device open between programmes, on silence, so that an emergency never
//! waits for an open (issue #37); `[audio] release_when_idle` closes it instead. Errors the device reports while open (an
//! unplugged USB card, a vanished PCM) arrive through cpal's error callback and are passed on.

use rodio::DeviceTrait;
use rodio::cpal;
use rodio::cpal::traits::HostTrait;

use super::output::{OpenError, Output};

/// Why a named device cannot be used. Shown, it names the device and what to check.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("{}", t!("device-no-sound-server", name = .0))]
    NoSoundServer(String),
    #[error("{}", t!("device-no-default"))]
    NoDefault,
    #[error("{}", t!("device-cannot-list", why = .0))]
    CannotList(#[source] cpal::Error),
    #[error("{}", t!("device-not-found", name = .0))]
    NotFound(String),
    #[error("{}", t!("device-input-not-found", name = .0))]
    InputNotFound(String),
    #[error("{}", t!("device-cannot-open", name = .name, why = .source))]
    CannotOpen { name: String, source: OpenError },
}

impl DeviceError {
    fn cannot_open(name: &str) -> impl FnOnce(OpenError) -> DeviceError + '_ {
        move |source| DeviceError::CannotOpen {
            name: name.to_string(),
            source,
        }
    }
}

/// An output device as `loaxa devices` shows it.
#[derive(Clone, Debug)]
pub struct DeviceInfo {
    /// The name to put in `[audio] device`.
    pub name: String,
    pub id: String,
    pub is_default: bool,
    /// Why it does not open, if it does not.
    pub problem: Option<String>,
    /// It is open already (the daemon plays on it): it works, and cannot be tried now.
    pub busy: bool,
    /// How long a sound took from loaxa to the device when tried with the station's latency
    /// (see [`Output::granted`]).
    pub granted: Option<std::time::Duration>,
}

impl DeviceInfo {
    fn tried(
        name: String,
        id: String,
        is_default: bool,
        device: Option<&cpal::Device>,
        latency: std::time::Duration,
    ) -> DeviceInfo {
        let tried = match device {
            Some(d) => probe(d, latency).map_err(OpenError::Device),
            None => Err(OpenError::Device(cpal::ErrorKind::DeviceNotAvailable.into())),
        };
        let busy = tried.as_ref().is_err_and(OpenError::is_busy);
        let granted = tried.as_ref().ok().copied().flatten();
        DeviceInfo {
            name,
            id,
            is_default,
            problem: tried.err().filter(|_| !busy).map(|e| e.to_string()),
            busy,
            granted,
        }
    }
}

/// Every output device the sound system offers, each tried: ALSA hints at every plugin its
/// configuration knows (JACK, OSS, rate converters with no card under them), and most of them
/// do not open on a given machine. Where a PulseAudio (or PipeWire) server answers, its sinks
/// are listed too, as `pulseaudio:SINK`.
pub fn list(latency: std::time::Duration) -> Result<Vec<DeviceInfo>, DeviceError> {
    // ALSA's own messages ("ALSA lib pcm_oss.c: … Cannot open device /dev/dsp") would go raw to
    // stderr for each plugin that fails; the reason is in the error anyway.
    let _quiet = alsa::Output::local_error_handler().ok();
    let server = pulse();
    // Where `default` plays through the server (see `lookup`), the server's default sink is
    // the default, and ALSA's `default` and `pulse` plugins are not listed: they are the same.
    let via_server = server.is_some() && alsa_default_is_pulse("default");
    let mut list = Vec::new();
    if let Some(host) = &server {
        list.extend(described(host, via_server, latency)?);
    }
    let host = alsa()?;
    for mut d in described(&host, !via_server, latency)? {
        if via_server && (d.id == "alsa:default" || d.id == "alsa:pulse") {
            continue;
        }
        // ALSA does not always hint at its default PCM: show it anyway.
        d.is_default &= !via_server;
        list.push(d);
    }
    if !via_server && !list.iter().any(|d| d.is_default) {
        let device = host.default_output_device();
        list.insert(
            0,
            DeviceInfo::tried("default".into(), "alsa:default".into(), true, device.as_ref(), latency),
        );
    }
    Ok(list)
}

/// A host's output devices, each tried; `has_default` marks the host's default among them.
fn described(
    host: &cpal::Host,
    has_default: bool,
    latency: std::time::Duration,
) -> Result<Vec<DeviceInfo>, DeviceError> {
    let default_id = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|i| i.to_string())
        .filter(|_| has_default);
    let devices = host.output_devices().map_err(DeviceError::CannotList)?;
    Ok(devices
        .map(|d| {
            let id = d.id().map(|i| i.to_string()).unwrap_or_default();
            let name = d
                .description()
                .map(|x| x.name().to_string())
                .unwrap_or_else(|_| id.clone());
            let is_default = default_id.as_deref() == Some(id.as_str());
            DeviceInfo::tried(name, id, is_default, Some(&d), latency)
        })
        .collect())
}

/// Opens a device's stream as a programme would, plays silence until the device has settled
/// into its pace to learn the latency it grants (how far ahead of a callback its first frame
/// is heard; `None` if it does not settle within [`SETTLE_LIMIT`]), and closes it again.
fn probe(
    device: &rodio::cpal::Device,
    latency: std::time::Duration,
) -> Result<Option<std::time::Duration>, cpal::Error> {
    use rodio::cpal::traits::StreamTrait;
    let supported = device.default_output_config()?;
    let config = super::output::stream_config(&supported, latency);
    let (tx, rx) = std::sync::mpsc::channel();
    let stream = device.build_output_stream_raw(
        config,
        supported.sample_format(),
        move |data: &mut rodio::cpal::Data, info: &rodio::cpal::OutputCallbackInfo| {
            silence(data);
            let ts = info.timestamp();
            let _ = tx.send(ts.playback.saturating_duration_since(ts.callback));
        },
        |_| {},
        None,
    )?;
    let granted = match stream.play() {
        Ok(()) => {
            let deadline = std::time::Instant::now() + SETTLE_LIMIT;
            let mut seen = Vec::new();
            while seen.len() < super::output::SETTLED_AFTER as usize {
                match rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
                    Ok(ahead) => seen.push(ahead),
                    Err(_) => break,
                }
            }
            seen.last()
                .copied()
                .filter(|_| seen.len() == super::output::SETTLED_AFTER as usize)
        }
        Err(_) => None,
    };
    drop(stream);
    Ok(granted)
}

/// How long a probe waits for a device to settle: an idle sound server's sink may first finish
/// a buffer of 2 s it had settled on.
const SETTLE_LIMIT: std::time::Duration = std::time::Duration::from_millis(2500);

/// The latency the named device grants when asked for `latency`, tried as `loaxa devices`
/// tries it (`None`: it opened but did not settle into a pace).
pub fn granted(name: &str, latency: std::time::Duration) -> Result<Option<std::time::Duration>, DeviceError> {
    let _quiet = alsa::Output::local_error_handler().ok();
    let device = lookup(name)?;
    probe(&device, latency).map_err(|e| DeviceError::cannot_open(name)(OpenError::Device(e)))
}

/// Fills a buffer with the format's silence. A stream dropped unplayed can still write a period
/// (cpal 0.18's ALSA worker races its drop), and all-zero bytes are a full-scale step on an
/// unsigned format: a click on the line each time someone lists the devices.
fn silence(data: &mut cpal::Data) {
    use cpal::SampleFormat;
    fn fill<T: cpal::SizedSample>(data: &mut cpal::Data) {
        if let Some(s) = data.as_slice_mut::<T>() {
            s.fill(T::EQUILIBRIUM);
        }
    }
    match data.sample_format() {
        SampleFormat::U8 => fill::<u8>(data),
        SampleFormat::U16 => fill::<u16>(data),
        SampleFormat::U24 => fill::<cpal::U24>(data),
        SampleFormat::U32 => fill::<u32>(data),
        SampleFormat::U64 => fill::<u64>(data),
        SampleFormat::DsdU8 | SampleFormat::DsdU16 | SampleFormat::DsdU32 => data.bytes_mut().fill(0x69),
        _ => data.bytes_mut().fill(0),
    }
}

/// Whether the named device exists, without opening it (for the start-up summary).
pub fn find(name: &str) -> Result<(), DeviceError> {
    lookup(name).map(|_| ())
}

/// The device a name in `[audio] device` or `--device` means.
///
/// On a desktop the ALSA default is the `pulse` plugin, which fails `snd_pcm_avail_delay`
/// with EIO whenever the server has no timing for a fresh stream (alsa-plugins#65); after an
/// underrun it never recovers, and the line goes silent. There `default` (and `pulse`) play
/// through cpal's own PulseAudio client instead, which PipeWire's PulseAudio server answers too.
/// A box without a sound server, and every other name, goes through ALSA.
fn lookup(name: &str) -> Result<cpal::Device, DeviceError> {
    if name.starts_with("pulseaudio:") {
        let host = pulse().ok_or_else(|| DeviceError::NoSoundServer(name.to_string()))?;
        return find_in(&host, name);
    }
    if (name == "pulse" || name == "default")
        && alsa_default_is_pulse(name)
        && let Some(host) = pulse()
    {
        return host.default_output_device().ok_or(DeviceError::NoDefault);
    }
    let host = alsa()?;
    if name == "default" {
        host.default_output_device().ok_or(DeviceError::NoDefault)
    } else {
        find_in(&host, name)
    }
}

/// The capture device a name in `[audio] live_input` or `loaxa live --from` means, looked up
/// as outputs are: `pulseaudio:SOURCE` through the sound server, `default` through it where
/// ALSA's default is the `pulse` plugin, every other name through ALSA.
pub fn input(name: &str) -> Result<cpal::Device, DeviceError> {
    if name.starts_with("pulseaudio:") {
        let host = pulse().ok_or_else(|| DeviceError::NoSoundServer(name.to_string()))?;
        return find_input_in(&host, name);
    }
    if (name == "pulse" || name == "default")
        && alsa_default_is_pulse(name)
        && let Some(host) = pulse()
    {
        return host.default_input_device().ok_or(DeviceError::NoDefault);
    }
    let host = alsa()?;
    if name == "default" {
        host.default_input_device().ok_or(DeviceError::NoDefault)
    } else {
        find_input_in(&host, name)
    }
}

fn find_input_in(host: &cpal::Host, name: &str) -> Result<cpal::Device, DeviceError> {
    let devices = host.input_devices().map_err(DeviceError::CannotList)?;
    named(devices, name).ok_or_else(|| DeviceError::InputNotFound(name.to_string()))
}

/// Capture devices, as `loaxa devices --input` shows them: name, and whether it is the default.
pub fn inputs() -> Result<Vec<(String, bool)>, DeviceError> {
    let _quiet = alsa::Output::local_error_handler().ok();
    let mut list = Vec::new();
    for host in pulse().into_iter().chain(std::iter::once(alsa()?)) {
        let default = host
            .default_input_device()
            .and_then(|d| d.id().ok())
            .map(|i| i.to_string());
        for d in host.input_devices().map_err(DeviceError::CannotList)? {
            let id = d.id().map(|i| i.to_string()).unwrap_or_default();
            let name = d
                .description()
                .map(|x| x.name().to_string())
                .unwrap_or_else(|_| id.clone());
            let is_default = default.as_deref() == Some(id.as_str());
            list.push((name, is_default));
        }
    }
    Ok(list)
}

fn named(mut devices: impl Iterator<Item = cpal::Device>, name: &str) -> Option<cpal::Device> {
    devices.find(|d| {
        d.description().is_ok_and(|x| x.name() == name)
            || d.id()
                .is_ok_and(|i| i.to_string() == name || i.to_string().ends_with(&format!(":{name}")))
    })
}

fn find_in(host: &cpal::Host, name: &str) -> Result<cpal::Device, DeviceError> {
    let devices = host.output_devices().map_err(DeviceError::CannotList)?;
    named(devices, name).ok_or_else(|| DeviceError::NotFound(name.to_string()))
}

fn alsa() -> Result<cpal::Host, DeviceError> {
    cpal::host_from_id(cpal::HostId::Alsa).map_err(DeviceError::CannotList)
}

/// cpal's PulseAudio client, if a server answers (PULSE_SERVER, or the session's socket).
fn pulse() -> Option<cpal::Host> {
    if !cpal::available_hosts().contains(&cpal::HostId::PulseAudio) {
        return None;
    }
    cpal::host_from_id(cpal::HostId::PulseAudio).ok()
}

/// Whether the ALSA PCM `name` is the `pulse` plugin: opened without blocking and asked its
/// type, the way `aplay -v` shows it.
fn alsa_default_is_pulse(name: &str) -> bool {
    let Ok(pcm) = alsa::PCM::new(name, alsa::Direction::Playback, true) else {
        return false;
    };
    let Ok(mut out) = alsa::Output::buffer_open() else {
        return false;
    };
    pcm.dump(&mut out).is_ok() && out.to_string().contains("PulseAudio")
}

/// Whether cpal keeps the stream running after this error, so the programme plays on: an
/// underrun, a busy or rerouted device, or an error the backend reports in passing. The
/// `pulse` plugin, a desktop's ALSA default, fails `snd_pcm_avail_delay` with EIO until the
/// sound server has sent its first timing (alsa-plugins#65), and underruns whenever the server
/// is starved. A stream that stops for good is caught by the engine's watch on the callback.
pub fn is_passing(e: &rodio::cpal::Error) -> bool {
    use rodio::cpal::ErrorKind::*;
    matches!(
        e.kind(),
        Xrun | BackendError | DeviceBusy | DeviceChanged | RealtimeDenied
    )
}

/// Opens the named device (`"default"` for the system default) asking for `latency`, reporting
/// later device errors through `on_error`.
pub fn open(
    name: &str,
    latency: std::time::Duration,
    on_error: impl FnMut(rodio::cpal::Error) + Send + 'static,
) -> Result<Output, DeviceError> {
    let device = lookup(name)?;
    Output::open(&device, latency, on_error).map_err(DeviceError::cannot_open(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `loaxa live --from` names a capture device: one that is not there is told as one (it
    /// was "no output device named …", which sent officers to the loudspeaker's settings).
    #[test]
    fn a_capture_device_that_is_not_there_is_told_as_a_capture_device() {
        let e = input("loaxa-no-such-input").unwrap_err();
        assert!(
            matches!(e, DeviceError::InputNotFound(ref n) if n == "loaxa-no-such-input"),
            "{e:?}"
        );
        let shown = e.to_string();
        assert!(
            shown.contains("loaxa devices --input") && !shown.contains("output"),
            "{shown}"
        );
    }

    /// The probe's buffer for a format, as the device would receive it.
    fn probed<T: cpal::SizedSample + Default + Clone>(format: cpal::SampleFormat) -> Vec<T> {
        let mut buf = vec![T::default(); 8];
        // SAFETY: the buffer holds 8 samples of the format's type and outlives `data`.
        let mut data = unsafe { cpal::Data::from_parts(buf.as_mut_ptr().cast(), buf.len(), format) };
        silence(&mut data);
        buf
    }

    #[test]
    fn the_probe_writes_each_formats_silence_not_a_step() {
        assert!(probed::<u8>(cpal::SampleFormat::U8).iter().all(|s| *s == 128));
        assert!(probed::<u16>(cpal::SampleFormat::U16).iter().all(|s| *s == 1 << 15));
        assert!(probed::<u32>(cpal::SampleFormat::U32).iter().all(|s| *s == 1 << 31));
        assert!(probed::<i16>(cpal::SampleFormat::I16).iter().all(|s| *s == 0));
        assert!(probed::<f32>(cpal::SampleFormat::F32).iter().all(|s| *s == 0.0));
    }
}
