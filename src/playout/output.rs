//! The open loudspeaker line: a cpal output stream around rodio's mixer that starts each
//! programme on the output frame whose predicted play-out time reaches the programme's instant.
//!
//! rodio's own `MixerDeviceSink` drops cpal's callback timestamps, so a programme could only be
//! added to the mixer when a thread woke up, and was then heard behind everything the device had
//! buffered: 55–85 ms late on a paced device, more under load (issues #19 and #21). Here the
//! engine hands a programme over a few hundred milliseconds early. Each audio callback knows,
//! from cpal's timestamps, when the first frame it writes will leave the device; it maps that
//! onto the monotonic clock and opens the gate at the first frame at or after the instant. How
//! late the engine thread woke no longer matters, and a wall-clock step after the hand-over
//! does not move the start.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rodio::cpal::traits::{DeviceTrait, StreamTrait};
use rodio::cpal::{self, BufferSize, FromSample, OutputCallbackInfo, SampleFormat, SizedSample, StreamConfig};
use rodio::mixer::{Mixer, MixerSource};
use rodio::{ChannelCount, SampleRate, Source};

use super::fade::Fade;

/// Why a stream could not be opened on a device that was found.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// What the sound system said (busy, gone, refused the configuration).
    #[error("{0}")]
    Device(#[from] cpal::Error),
    #[error("{}", t!("device-format-unsupported", format = .0))]
    Format(String),
}

impl OpenError {
    /// Open already, by the daemon or another program.
    pub fn is_busy(&self) -> bool {
        matches!(self, OpenError::Device(e) if e.kind() == cpal::ErrorKind::DeviceBusy)
    }
}

/// When a programme's first frame went out.
#[derive(Clone, Copy, Debug)]
pub struct Started {
    /// When the sound device is predicted to play it (cpal's playback timestamp): what a
    /// listener hears, and the lateness loaxa reports.
    pub heard: DateTime<Utc>,
    /// When the audio callback pulled it from the mixer (the figure reported before #21).
    pub pulled: DateTime<Utc>,
}

/// A programme waiting behind the gate.
pub struct Start {
    /// The first frame plays at this instant of the monotonic clock (at once if it has passed).
    pub at: Instant,
    pub source: Box<dyn Source + Send>,
    /// Its own fade: a programme cut off before its first frame never starts.
    pub fade: Fade,
    /// The programme it cuts into fades out from the same frame.
    pub cut: Option<Fade>,
    /// Called on the audio thread at the first frame: keep it short.
    pub on_start: Box<dyn FnOnce(Started) + Send>,
}

/// An open output: the stream runs until this is dropped.
pub struct Output {
    _stream: cpal::Stream,
    starts: mpsc::Sender<Start>,
    /// The device's period, as opened.
    pub period: Duration,
    opened: Instant,
    /// Milliseconds from `opened` to the audio callback's last run.
    heartbeat: Arc<AtomicU64>,
    /// Frames the device has taken since the open, and microseconds from a callback to the
    /// playing of its first frame, as the device last reported it.
    taken: Arc<Taken>,
    rate: u32,
}

/// What the audio callback tells the engine about the device's pace.
#[derive(Default)]
struct Taken {
    frames: AtomicU64,
    callbacks: AtomicU64,
    ahead_us: AtomicU64,
}

/// The callbacks after which the device's pace is trusted. A sound server answers the first
/// one at once and the next only when its sink next wakes: an idle PulseAudio sink had settled
/// on a 2 s buffer, and the second callback came 0.7 s later. From the third on they come one
/// period apart.
pub const SETTLED_AFTER: u64 = 10;

impl Output {
    /// Opens `device` with its default format, asking for `latency` (short, for an emergency
    /// that arrives unannounced), and reports later errors through `on_error`.
    pub fn open(
        device: &cpal::Device,
        latency: Duration,
        on_error: impl FnMut(cpal::Error) + Send + 'static,
    ) -> Result<Output, OpenError> {
        let supported = device.default_output_config()?;
        let config = stream_config(&supported, latency);
        let (channels, rate) = (config.channels, config.sample_rate);
        let frames = period_frames(rate, latency);
        let (mixer, source) = rodio::mixer::mixer(
            ChannelCount::new(channels).unwrap_or(ChannelCount::MIN),
            SampleRate::new(rate).unwrap_or(SampleRate::MIN),
        );
        let (starts, pending) = mpsc::channel();
        let (opened, heartbeat) = (Instant::now(), Arc::new(AtomicU64::new(0)));
        let taken = Arc::new(Taken::default());
        let gate = Gate {
            opened,
            heartbeat: heartbeat.clone(),
            taken: taken.clone(),
            mixer,
            source,
            pending,
            waiting: Vec::new(),
            channels: usize::from(channels),
            rate,
        };
        macro_rules! build {
            ($($format:ident => $t:ty),+) => {
                match supported.sample_format() {
                    $(SampleFormat::$format => device.build_output_stream::<$t, _, _>(config, gate.callback::<$t>(), on_error, None),)+
                    other => return Err(OpenError::Format(other.to_string())),
                }
            };
        }
        let stream =
            build!(F32 => f32, F64 => f64, I16 => i16, I32 => i32, U16 => u16, U32 => u32, I8 => i8, U8 => u8)?;
        stream.play()?;
        Ok(Output {
            _stream: stream,
            starts,
            period: Duration::from_secs_f64(f64::from(frames) / f64::from(rate)),
            opened,
            heartbeat,
            taken,
            rate,
        })
    }

    /// How long a frame handed to the device now takes to be heard, as the device reported it
    /// at its last callback (`None` until the device has settled into its pace). An emergency
    /// that arrives on a settled line is heard within this plus one period.
    pub fn granted(&self) -> Option<Duration> {
        if self.taken.callbacks.load(Ordering::Relaxed) < SETTLED_AFTER {
            return None;
        }
        Some(Duration::from_micros(self.taken.ahead_us.load(Ordering::Relaxed)))
    }

    /// Whether the device takes audio much faster than it could play it: ALSA's `null` or
    /// `file` plugins, not a sound card or a sound server. Held open on silence, such a device
    /// spins a core (and grows a capture file without end), so it is closed between programmes.
    pub fn runs_ahead(&self) -> bool {
        runs_ahead(
            self.taken.frames.load(Ordering::Relaxed),
            self.rate,
            self.opened.elapsed(),
        )
    }

    /// How long since the device last took audio (since the open, if it never has). cpal keeps
    /// a stream running through the errors it can recover from; this tells a stream that
    /// recovers from one that has stopped for good.
    pub fn silent_for(&self) -> Duration {
        let last = self.opened + Duration::from_millis(self.heartbeat.load(Ordering::Relaxed));
        last.elapsed()
    }

    /// Hands a programme to the gate.
    pub fn start(&self, start: Start) {
        let _ = self.starts.send(start);
    }
}

/// Whether `frames` taken in `elapsed` is far more than a device playing at `rate` could take:
/// more than four times the wall time plus 2.5 s, which no sound card's or sound server's
/// buffer (at most about 2 s) explains.
pub fn runs_ahead(frames: u64, rate: u32, elapsed: Duration) -> bool {
    let audio = frames as f64 / f64::from(rate.max(1));
    audio > 4.0 * elapsed.as_secs_f64() + 2.5
}

/// The stream loaxa opens on a device: its default format, with a period of half the latency
/// asked for (cpal asks ALSA for a buffer of two periods, and PulseAudio, through its
/// `tlength` with latency adjustment, for the same).
pub fn stream_config(supported: &cpal::SupportedStreamConfig, latency: Duration) -> StreamConfig {
    let rate = supported.sample_rate().max(1);
    StreamConfig {
        channels: supported.channels().max(1),
        sample_rate: rate,
        buffer_size: BufferSize::Fixed(period_frames(rate, latency)),
    }
}

/// Half the latency, in whole 10 ms: ALSA's rate converter (a `plug` at 48 kHz over a
/// 44.1 kHz card) rounds each period to whole frames, and 1024 frames at 48 kHz made 940.8 at
/// 44.1 kHz: programmes played 0.08 % fast. A multiple of 10 ms is whole at every usual rate.
fn period_frames(rate: u32, latency: Duration) -> u32 {
    let tens = (latency.as_millis() / 20).max(1);
    let frames = u128::from(rate / 100) * tens;
    u32::try_from(frames).unwrap_or(u32::MAX).max(64)
}

/// The audio callback's state.
struct Gate {
    opened: Instant,
    heartbeat: Arc<AtomicU64>,
    taken: Arc<Taken>,
    mixer: Mixer,
    source: MixerSource,
    pending: mpsc::Receiver<Start>,
    waiting: Vec<Start>,
    channels: usize,
    rate: u32,
}

impl Gate {
    fn callback<T: SizedSample + FromSample<f32>>(
        mut self,
    ) -> impl FnMut(&mut [T], &OutputCallbackInfo) + Send + 'static {
        move |data: &mut [T], info: &OutputCallbackInfo| {
            let (mono, wall) = (Instant::now(), Utc::now());
            let beat = mono.saturating_duration_since(self.opened).as_millis();
            self.heartbeat
                .store(u64::try_from(beat).unwrap_or(u64::MAX), Ordering::Relaxed);
            let ts = info.timestamp();
            // How far ahead of this callback its first frame will be played.
            let ahead = ts.playback.saturating_duration_since(ts.callback);
            let first = mono + ahead;
            let frames = (data.len() / self.channels.max(1)) as u64;
            self.taken.frames.fetch_add(frames, Ordering::Relaxed);
            self.taken.callbacks.fetch_add(1, Ordering::Relaxed);
            self.taken
                .ahead_us
                .store(u64::try_from(ahead.as_micros()).unwrap_or(u64::MAX), Ordering::Relaxed);
            self.waiting.extend(self.pending.try_iter());
            self.waiting.retain(|s| !s.fade.asked());
            // Which frame of this buffer each waiting programme opens at (past instants: the
            // first), the earliest first.
            let frame_of = |s: &Start| {
                (s.at.saturating_duration_since(first).as_secs_f64() * f64::from(self.rate)).ceil() as usize
            };
            self.waiting.sort_by_key(|s| s.at);
            for (i, frame) in data.chunks_mut(self.channels.max(1)).enumerate() {
                while let Some(s) = self.waiting.first()
                    && frame_of(s) <= i
                {
                    let s = self.waiting.remove(0);
                    if let Some(fade) = &s.cut {
                        fade.now();
                    }
                    // Added between two frames: the mixer takes new sources at a frame's first
                    // sample, so this one starts exactly here.
                    self.mixer.add(s.source);
                    let offset = ahead + Duration::from_secs_f64(i as f64 / f64::from(self.rate));
                    let heard = wall + chrono::Duration::from_std(offset).unwrap_or_default();
                    (s.on_start)(Started { heard, pulled: wall });
                }
                for x in frame {
                    *x = T::from_sample(self.source.next().unwrap_or(0.0));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_is_half_the_latency_in_whole_tens_of_milliseconds() {
        let ms = |l: u64| Duration::from_millis(l);
        assert_eq!(period_frames(44_100, ms(40)), 882);
        assert_eq!(period_frames(48_000, ms(40)), 960);
        assert_eq!(period_frames(44_100, ms(20)), 441);
        // 30 ms would make periods of 15 ms, 661.5 frames at 44.1 kHz: it rounds down to 10 ms.
        assert_eq!(period_frames(44_100, ms(30)), 441);
        assert_eq!(period_frames(48_000, ms(500)), 12_000);
    }

    #[test]
    fn a_device_that_takes_audio_faster_than_it_plays_runs_ahead() {
        let s = Duration::from_secs_f64;
        // A sound server's first callbacks fill its buffer, up to about 2 s at once.
        assert!(!runs_ahead(2 * 44_100, 44_100, s(0.0)));
        assert!(!runs_ahead(44_100 * 62, 44_100, s(60.0)));
        // ALSA's `null` plugin takes minutes of audio in a fifth of a second.
        assert!(runs_ahead(44_100 * 30, 44_100, s(0.2)));
    }
}
