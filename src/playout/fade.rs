//! A programme's way off the line: a few milliseconds' fade instead of a cut.
//!
//! Stopping a source mid-wave drops the loudspeaker from wherever the wave was to zero in one
//! sample: a click, on every emergency cut-in. The engine wraps each programme's output in a
//! [`FadeOut`] and, to take it off the air, asks it to fade ([`Fade::now`]): it ramps to
//! silence over [`FADE`] and then ends, and the mixer drops it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rodio::{ChannelCount, Sample, SampleRate, Source};

/// Long enough that no step is heard as a click, short enough that an emergency is not
/// delayed: the emergency starts at once beside the fading programme.
pub const FADE: Duration = Duration::from_millis(8);

/// The handle that asks a [`FadeOut`] to fade away.
#[derive(Clone, Default)]
pub struct Fade(Arc<AtomicBool>);

impl Fade {
    pub fn now(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether the fade was asked for.
    pub fn asked(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// A source that fades to silence and ends once its [`Fade`] asks.
pub struct FadeOut<S> {
    inner: S,
    fade: Fade,
    /// Samples left in the fade and its length, once it has begun.
    left: Option<(usize, usize)>,
}

impl<S: Source> FadeOut<S> {
    pub fn new(inner: S, fade: Fade) -> FadeOut<S> {
        FadeOut {
            inner,
            fade,
            left: None,
        }
    }
}

impl<S: Source> Iterator for FadeOut<S> {
    type Item = Sample;

    fn next(&mut self) -> Option<Sample> {
        if self.left.is_none() && self.fade.0.load(Ordering::Relaxed) {
            let frames = (FADE.as_secs_f64() * f64::from(self.inner.sample_rate().get())) as usize;
            let samples = frames.max(1) * self.inner.channels().get() as usize;
            self.left = Some((samples, samples));
        }
        match &mut self.left {
            None => self.inner.next(),
            Some((0, _)) => None,
            Some((left, total)) => {
                let gain = *left as f32 / *total as f32;
                *left -= 1;
                Some(self.inner.next().unwrap_or(0.0) * gain)
            }
        }
    }
}

impl<S: Source> Source for FadeOut<S> {
    fn current_span_len(&self) -> Option<usize> {
        match self.left {
            Some((left, _)) => Some(left),
            None => self.inner.current_span_len(),
        }
    }
    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }
    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }
    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rodio::source::SineWave;

    #[test]
    fn a_fade_ramps_to_silence_and_ends() {
        let fade = Fade::default();
        let mut s = FadeOut::new(SineWave::new(440.0).amplify(0.5), fade.clone());
        let before: Vec<f32> = s.by_ref().take(1000).collect();
        assert!(before.iter().any(|x| x.abs() > 0.4));
        fade.now();
        let after: Vec<f32> = s.by_ref().collect();
        let expected = (FADE.as_secs_f64() * 48_000.0) as usize;
        assert_eq!(after.len(), expected, "it ends after the fade");
        let steps = after.windows(2).map(|p| (p[1] - p[0]).abs()).fold(0.0f32, f32::max);
        let sine_step = 2.0 * std::f32::consts::PI * 440.0 / 48_000.0 * 0.5;
        assert!(steps <= sine_step + 0.01, "no step larger than the sine's: {steps}");
        assert!(after.last().unwrap().abs() < 0.01, "it ends at silence");
    }
}
