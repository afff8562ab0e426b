//! Capturing what loaxa plays through the real sound stack (rodio → cpal → ALSA), with the
//! ALSA `file` plugin writing every sample the device receives into a WAV file.
#![allow(dead_code)]

use std::f32::consts::PI;
use std::path::{Path, PathBuf};

/// A test's own sound "card": an ALSA configuration whose default PCM writes `capture.wav`.
pub struct Capture {
    pub dir: tempfile::TempDir,
}

impl Capture {
    pub fn new() -> Capture {
        let dir = tempfile::tempdir().expect("tempdir");
        let wav = dir.path().join("capture.wav");
        let named = dir.path().join("named.wav");
        let conf = format!(
            r#"pcm.!default {{
  type plug
  slave {{ pcm "capture_file"; format S16_LE; rate 44100; channels 2 }}
}}
pcm.capture_file {{
  type file
  slave.pcm {{ type null }}
  file "{}"
  format "wav"
}}
pcm.loa_thu {{
  type plug
  slave {{ pcm {{ type file; slave.pcm {{ type null }}; file "{}"; format "wav" }}; format S16_LE; rate 44100; channels 2 }}
  hint {{ show on description "Loa thử nghiệm" }}
}}
"#,
            wav.display(),
            named.display()
        );
        std::fs::write(dir.path().join("asound.conf"), conf).expect("write asound.conf");
        Capture { dir }
    }

    /// The value for `ALSA_CONFIG_PATH`.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("asound.conf")
    }

    pub fn wav(&self) -> PathBuf {
        self.dir.path().join("capture.wav")
    }

    pub fn named_wav(&self) -> PathBuf {
        self.dir.path().join("named.wav")
    }
}

/// A mono 16-bit sine tone at 44.1 kHz.
pub fn tone(path: &Path, freq: f32, seconds: f32, amplitude: f32) {
    tone_at(path, freq, seconds, amplitude, 44_100, 1);
}

/// A 16-bit sine tone at `rate` Hz, the same in each of `channels` channels.
pub fn tone_at(path: &Path, freq: f32, seconds: f32, amplitude: f32, rate: u32, channels: u16) {
    let spec = hound::WavSpec {
        channels,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for i in 0..(seconds * rate as f32) as usize {
        let x = amplitude * (2.0 * PI * freq * i as f32 / rate as f32).sin();
        for _ in 0..channels {
            w.write_sample((x * i16::MAX as f32) as i16).expect("write sample");
        }
    }
    w.finalize().expect("finalize wav");
}

/// The left channel of a capture (44.1 kHz, 16-bit stereo), as samples from -1 to 1.
pub fn left_channel(path: &Path) -> Vec<f32> {
    let mut r = hound::WavReader::open(path).expect("captured WAV readable");
    let spec = r.spec();
    assert_eq!((spec.channels, spec.sample_rate, spec.bits_per_sample), (2, 44_100, 16));
    r.samples::<i16>()
        .step_by(2)
        .map(|s| s.expect("sample") as f32 / i16::MAX as f32)
        .collect()
}

/// A stretch of sound in a capture: its frequency, length and RMS level.
#[derive(Clone, Debug)]
pub struct Segment {
    pub freq: f32,
    pub seconds: f32,
    pub rms: f32,
}

const WINDOW: usize = 882; // 20 ms at 44.1 kHz

/// Splits a captured WAV (left channel) into tones: windows of 20 ms with sound, merged while
/// their frequency (from zero crossings) stays within 15 %.
pub fn segments(path: &Path) -> Vec<Segment> {
    let left = left_channel(path);
    let mut out: Vec<Segment> = Vec::new();
    let mut in_sound = false;
    for w in left.chunks(WINDOW) {
        if w.len() < WINDOW {
            break;
        }
        let rms = (w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32).sqrt();
        if rms < 0.01 {
            in_sound = false;
            continue;
        }
        let crossings = w.windows(2).filter(|p| (p[0] < 0.0) != (p[1] < 0.0)).count();
        let freq = crossings as f32 / 2.0 / (WINDOW as f32 / 44_100.0);
        match out.last_mut() {
            Some(last) if in_sound && (last.freq - freq).abs() / last.freq < 0.15 => {
                // Counted in windows: adding 0.02 s six thousand times in f32 drifts by 0.1 s.
                let n = (last.seconds / 0.02).round();
                last.freq = (last.freq * n + freq) / (n + 1.0);
                last.rms = ((last.rms * last.rms * n + rms * rms) / (n + 1.0)).sqrt();
                last.seconds = (n + 1.0) * 0.02;
            }
            _ => out.push(Segment {
                freq,
                seconds: 0.02,
                rms,
            }),
        }
        in_sound = true;
    }
    // Windows straddling two tones read as a third frequency: drop those slivers.
    out.retain(|s| s.seconds > 0.045);
    out
}

/// Asserts the captured tones match `(frequency, seconds)` pairs, within tolerance.
pub fn assert_tones(got: &[Segment], want: &[(f32, f32)]) {
    let show = || format!("{got:#?}");
    assert_eq!(got.len(), want.len(), "tones in the capture: {}", show());
    for (g, (f, s)) in got.iter().zip(want) {
        assert!(
            (g.freq - f).abs() / f < 0.06,
            "wanted {f} Hz, got {}: {}",
            g.freq,
            show()
        );
        assert!(
            (g.seconds - s).abs() < 0.05,
            "wanted {s} s, got {}: {}",
            g.seconds,
            show()
        );
    }
}
