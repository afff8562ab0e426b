//! The relay on the output's audio thread: the stream while it has signal, the fallback while
//! it is stalled or silent, faded in at the window's start and out to its end, and never past
//! it.

use std::sync::atomic::Ordering;
use std::time::Duration;

use chrono::Utc;
use rodio::{ChannelCount, SampleRate, Source};

use super::{BACK_AFTER, BLOCK, CHANNELS, RATE, RelayFeed, SILENCE_DBFS, SILENCE_FOR, SPAN, samples};

/// What the source plays at a moment.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Playing {
    Stream,
    Fallback,
}

/// The relay as a rodio source on the output's audio thread.
pub struct RelaySource {
    feed: RelayFeed,
    /// Frames left until the window's end, counted from the first sample.
    left: Option<u64>,
    fade_frames: u64,
    done: u64,
    playing: Playing,
    /// Samples of the current block: its sum of squares, and how many.
    block: (f64, usize),
    silent_for: Duration,
    signal_for: Duration,
    stalled: bool,
    fallback: Option<Box<dyn Iterator<Item = f32> + Send>>,
    frame: [f32; 2],
    in_frame: usize,
}

impl RelaySource {
    pub(super) fn new(feed: RelayFeed) -> RelaySource {
        let fade_frames = (feed.spec.fade.as_secs_f64() * f64::from(RATE)) as u64;
        RelaySource {
            feed,
            left: None,
            fade_frames,
            done: 0,
            playing: Playing::Stream,
            block: (0.0, 0),
            silent_for: Duration::ZERO,
            signal_for: Duration::ZERO,
            stalled: false,
            fallback: None,
            frame: [0.0; 2],
            in_frame: 2,
        }
    }

    fn fallback_frame(&mut self) -> [f32; 2] {
        if self.fallback.is_none() {
            self.fallback = self
                .feed
                .spec
                .fallback
                .as_ref()
                .and_then(|p| open_fallback(p, &self.feed.spec.media));
        }
        let Some(f) = self.fallback.as_mut() else {
            return [0.0; 2];
        };
        match (f.next(), f.next()) {
            (Some(l), Some(r)) => [l, r],
            // Looped: opened again on the next frame.
            _ => {
                self.fallback = None;
                [0.0; 2]
            }
        }
    }

    /// The next frame of the stream, if the buffer has one (keeping the lead after a stall).
    fn stream_frame(&mut self) -> Option<[f32; 2]> {
        let s = &self.feed.shared;
        let mut b = s.buffer.lock().unwrap_or_else(|p| p.into_inner());
        if self.stalled && b.len() < samples(s.lead()) {
            return None;
        }
        match (b.pop_front(), b.pop_front()) {
            (Some(l), Some(r)) => {
                self.stalled = false;
                Some([l, r])
            }
            _ => {
                self.stalled = true;
                None
            }
        }
    }

    fn judge(&mut self, frame: Option<[f32; 2]>) {
        let block = samples(BLOCK) / 2;
        match frame {
            Some([l, r]) => {
                self.block.0 += f64::from(l) * f64::from(l) + f64::from(r) * f64::from(r);
                self.block.1 += 2;
            }
            None => self.block.1 += 2,
        }
        if self.block.1 / 2 < block {
            return;
        }
        let rms = (self.block.0 / self.block.1 as f64).sqrt();
        let db = if rms > 0.0 { 20.0 * rms.log10() } else { -100.0 };
        self.feed
            .shared
            .level_ddb
            .store((db.max(-100.0) * 10.0).round() as i32, Ordering::Relaxed);
        let silent = db < SILENCE_DBFS;
        self.block = (0.0, 0);
        if silent || frame.is_none() {
            self.silent_for += BLOCK;
            self.signal_for = Duration::ZERO;
        } else {
            self.signal_for += BLOCK;
            self.silent_for = Duration::ZERO;
        }
        match self.playing {
            Playing::Stream if self.stalled || self.silent_for >= SILENCE_FOR => {
                tracing::warn!(source = self.feed.spec.name, "{}", t!("log-relay-fallback"));
                self.playing = Playing::Fallback;
                self.feed.shared.dropout(if self.stalled { "stall" } else { "silence" });
            }
            Playing::Fallback if !self.stalled && self.signal_for >= BACK_AFTER => {
                tracing::info!(source = self.feed.spec.name, "{}", t!("log-relay-back"));
                self.playing = Playing::Stream;
                self.feed.shared.back();
            }
            _ => {}
        }
        self.feed
            .shared
            .on_fallback
            .store(self.playing == Playing::Fallback, Ordering::Relaxed);
    }

    fn next_frame(&mut self) -> Option<[f32; 2]> {
        let left = match self.left {
            // Each span, the wall clock has its say: stepped forward (an NTP correction), the
            // window ends sooner than its frames counted, and nothing plays past its end (the
            // fallback would, once the connection stops there).
            Some(left) if self.done.is_multiple_of(SPAN) && self.done > 0 => {
                let ms = (self.feed.end - Utc::now()).num_milliseconds().max(0) as u64;
                let by_wall = self.done + ms * u64::from(RATE) / 1000 / SPAN * SPAN;
                if by_wall + u64::from(RATE) < left {
                    // A short fade out (at most 0.2 s) rather than a click.
                    let fade = self.fade_frames.min(u64::from(RATE) / 5).div_ceil(SPAN) * SPAN;
                    let left = by_wall.max(self.done + fade);
                    self.fade_frames = self.fade_frames.min(left - self.done);
                    self.left = Some(left);
                    left
                } else {
                    left
                }
            }
            Some(left) => left,
            None => {
                // On air from now: live. What was buffered ahead (connected before the window,
                // or during an emergency that cut in) is dropped down to the lead.
                let lead = self.feed.shared.lead();
                self.feed.shared.trim(samples(lead));
                self.feed.shared.on_air();
                let ms = (self.feed.end - Utc::now()).num_milliseconds().max(0) as u64;
                // Whole spans, so the source ends on a span's boundary (and never past the end).
                *self.left.insert(ms * u64::from(RATE) / 1000 / SPAN * SPAN)
            }
        };
        if self.done >= left {
            return None;
        }
        let stream = self.stream_frame();
        if let Some([l, r]) = stream
            && (l.abs() < 0.003 && r.abs() < 0.003)
        {
            self.feed.shared.silent_frames.fetch_add(1, Ordering::Relaxed);
        }
        self.judge(stream);
        let s = &self.feed.shared;
        let frame = match (self.playing, stream) {
            (Playing::Stream, Some(f)) => {
                s.source_frames.fetch_add(1, Ordering::Relaxed);
                f
            }
            _ => {
                s.fallback_frames.fetch_add(1, Ordering::Relaxed);
                self.fallback_frame()
            }
        };
        // Fades at the window's edges: in from the first frame, out to the last.
        let gain = if self.fade_frames == 0 {
            1.0
        } else {
            let from_start = self.done as f32 / self.fade_frames as f32;
            let to_end = (left - self.done) as f32 / self.fade_frames as f32;
            from_start.min(to_end).min(1.0)
        };
        self.done += 1;
        Some([frame[0] * gain, frame[1] * gain])
    }
}

fn open_fallback(path: &std::path::Path, media: &std::path::Path) -> Option<Box<dyn Iterator<Item = f32> + Send>> {
    let decoder = crate::media::decode::open(path, Some(media)).ok()?;
    let uniform =
        rodio::source::UniformSourceIterator::new(decoder, ChannelCount::new(CHANNELS)?, SampleRate::new(RATE)?);
    Some(Box::new(uniform))
}

impl Iterator for RelaySource {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        if self.in_frame >= 2 {
            self.frame = self.next_frame()?;
            self.in_frame = 0;
        }
        self.in_frame += 1;
        Some(self.frame[self.in_frame - 1])
    }
}

impl Source for RelaySource {
    fn current_span_len(&self) -> Option<usize> {
        // Spans end on frames, so what follows (the closing chime) is read in its own format.
        Some(2 * SPAN as usize)
    }

    fn channels(&self) -> ChannelCount {
        ChannelCount::new(CHANNELS).unwrap_or(ChannelCount::MIN)
    }

    fn sample_rate(&self) -> SampleRate {
        SampleRate::new(RATE).unwrap_or(SampleRate::MIN)
    }

    fn total_duration(&self) -> Option<Duration> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::super::{LEAD, RelayFeed, RelaySpec};
    use super::*;

    fn feed() -> RelayFeed {
        let spec = RelaySpec {
            name: "vov1".into(),
            // Nothing listens there: the buffer is filled by the test.
            url: "http://127.0.0.1:9/vov1.mp3".into(),
            auth: None,
            fallback: None,
            media: std::path::PathBuf::new(),
            fade: Duration::ZERO,
        };
        RelayFeed::connect(spec, Utc::now() + chrono::Duration::seconds(120))
    }

    /// Audio buffered before the relay goes on air (connected ahead, or while an emergency cut
    /// in) is not played late: it starts live, with the lead only.
    #[test]
    fn the_relay_goes_on_air_live() {
        let feed = feed();
        let second = samples(Duration::from_secs(1));
        for s in 0..20 {
            feed.shared.push(&vec![s as f32 / 100.0; second]);
        }
        let mut source = feed.source();
        let first = source.next().unwrap();
        assert_eq!(first, 0.18, "the newest 1.5 s play first");
        let left = feed.shared.buffer.lock().unwrap().len();
        assert!(left < samples(LEAD), "{left} samples still buffered");
        assert!(feed.stats().on_air_from.is_some());
    }

    /// A silent stream: the fallback after 10 s, counted as a dropout for silence.
    #[test]
    fn ten_seconds_of_silence_is_a_dropout() {
        let feed = feed();
        let mut source = feed.source();
        let frames = RATE as usize * 11;
        let mut played = 0;
        while played < frames {
            feed.shared.push(&vec![0.0; 2 * 4410]);
            played += source.by_ref().take(2 * 4410).count() / 2;
        }
        assert!(feed.now().on_fallback);
        let stats = feed.stats();
        assert_eq!(stats.dropouts.len(), 1, "{stats:?}");
        assert_eq!(stats.dropouts[0].why, "silence");
        assert!((0.9..=1.1).contains(&stats.fallback_s), "{stats:?}");
    }
}
