//! A sound device paced in real time, for timing tests and benchmarks.
//!
//! The capture device in `audio.rs` (ALSA `file` plugin over `null`) takes seconds of audio in
//! milliseconds, so it cannot show when a listener would hear a start or a cut-in. Here the
//! `file` plugin writes raw 44.1 kHz stereo S16 into a FIFO, and a thread of the test drains
//! it at exactly 176,400 bytes a second by absolute deadlines, as a sound card would: the
//! writer blocks when the FIFO is full, and a frame's position in what was drained says when it
//! was "heard". When nothing is written (the device is closed, or late), the drainer records
//! silence, as a card plays silence on an underrun. The FIFO is shrunk to two pages (8 KiB,
//! 46 ms), the one buffer ALSA does not know about.
//!
//! A card is never late; this drainer, a thread of a test on a busy machine, can be. When it
//! wakes later than the FIFO can hold, the writer was blocked meanwhile, and the silence the
//! drainer then records is its own doing, not the writer's. It measures that and keeps it apart
//! ([`Heard::gaps`]): times read from what was heard leave those gaps out, as a card's would.
#![allow(dead_code)]

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub const RATE: u32 = 44_100;
const FRAME_BYTES: usize = 4;
/// The drainer reads every this often.
const STEP: Duration = Duration::from_millis(2);
/// What the FIFO holds (8 KiB): a drainer later than this kept the writer waiting.
const FIFO_HOLDS: Duration = Duration::from_micros(46_440);

pub struct PacedDevice {
    pub dir: tempfile::TempDir,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Heard>>,
}

/// What the paced device played, and when.
pub struct Heard {
    /// The wall-clock instant of frame 0.
    pub t0: DateTime<Utc>,
    pub left: Vec<f32>,
    pub right: Vec<f32>,
    /// Drainer steps that found the FIFO short of what the time called for while audio flowed
    /// (the writer's lateness, not the drainer's).
    pub underruns: usize,
    /// Silence the drainer recorded because it was late itself: (first frame, frames).
    pub gaps: Vec<(usize, usize)>,
}

impl PacedDevice {
    pub fn start() -> PacedDevice {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("device.fifo");
        let c = std::ffi::CString::new(fifo.to_str().expect("utf-8 path")).expect("no NUL");
        // SAFETY: a plain mkfifo on a path we own.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let conf = format!(
            r#"pcm.!default {{
  type plug
  slave {{ pcm "paced"; format S16_LE; rate {RATE}; channels 2 }}
}}
pcm.paced {{
  type file
  slave.pcm {{ type null }}
  file "{}"
  format "raw"
}}
"#,
            fifo.display()
        );
        std::fs::write(dir.path().join("asound.conf"), conf).expect("write asound.conf");
        // Read and write: opening never blocks, and the FIFO never reads as ended between two
        // openings of the device.
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .expect("open fifo");
        // SAFETY: F_SETPIPE_SZ on our own pipe.
        unsafe { libc::fcntl(file.as_raw_fd(), libc::F_SETPIPE_SZ, 8192) };
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let (t0, start) = (Utc::now(), Instant::now());
            let bytes_per_sec = RATE as usize * FRAME_BYTES;
            let mut raw: Vec<u8> = Vec::with_capacity(bytes_per_sec * 60);
            let mut underruns = 0;
            let mut buf = vec![0u8; 65536];
            let mut gaps = Vec::new();
            let mut step = 1u32;
            while !stopping.load(Ordering::Relaxed) {
                let deadline = start + STEP * step;
                step += 1;
                if let Some(wait) = deadline.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let late = Instant::now().saturating_duration_since(deadline);
                let due = (start.elapsed().as_secs_f64() * bytes_per_sec as f64) as usize / FRAME_BYTES * FRAME_BYTES;
                let mut want = due.saturating_sub(raw.len());
                let mut got_any = false;
                while want > 0 {
                    match file.read(&mut buf[..want.min(65536)]) {
                        Ok(0) => break,
                        Ok(n) => {
                            raw.extend_from_slice(&buf[..n]);
                            want -= n;
                            got_any = true;
                        }
                        Err(_) => break,
                    }
                }
                if want > 0 {
                    // The part the drainer's own lateness explains: the writer was blocked on a
                    // full FIFO for that long.
                    let own = late.saturating_sub(FIFO_HOLDS).as_secs_f64() * bytes_per_sec as f64;
                    let own = (own as usize / FRAME_BYTES * FRAME_BYTES).min(want);
                    if own > 0 {
                        gaps.push((raw.len() / FRAME_BYTES, own / FRAME_BYTES));
                    }
                    if got_any && want > own {
                        underruns += 1;
                    }
                    // Silence for what did not come in time, keeping whole frames.
                    raw.resize(raw.len() + want, 0);
                }
            }
            let samples: Vec<f32> = raw
                .chunks_exact(2)
                .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
                .collect();
            Heard {
                t0,
                left: samples.iter().step_by(2).copied().collect(),
                right: samples.iter().skip(1).step_by(2).copied().collect(),
                underruns,
                gaps,
            }
        });
        PacedDevice {
            dir,
            stop,
            thread: Some(thread),
        }
    }

    /// The value for `ALSA_CONFIG_PATH`.
    pub fn config(&self) -> PathBuf {
        self.dir.path().join("asound.conf")
    }

    /// Stops draining and returns what was heard.
    pub fn finish(mut self) -> Heard {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take().expect("drainer").join().expect("drainer thread")
    }
}

impl Heard {
    /// When frame `i` was heard, the drainer's own gaps before it left out.
    pub fn time_of(&self, i: usize) -> DateTime<Utc> {
        let own: usize = self
            .gaps
            .iter()
            .filter(|(at, _)| *at < i)
            .map(|(at, len)| (*len).min(i - at))
            .sum();
        let i = i - own;
        self.t0 + chrono::Duration::nanoseconds((i as f64 * 1e9 / f64::from(RATE)) as i64)
    }

    /// The frame heard at `t` (the inverse of [`Heard::time_of`]).
    pub fn frame_at(&self, t: DateTime<Utc>) -> usize {
        let mut n = ((t - self.t0).num_nanoseconds().unwrap_or(0).max(0) as f64 * f64::from(RATE) / 1e9) as usize;
        for (at, len) in &self.gaps {
            if *at <= n {
                n += len;
            }
        }
        n
    }

    /// How much silence the drainer recorded because it was late itself, in milliseconds.
    pub fn drainer_late_ms(&self) -> f64 {
        self.gaps.iter().map(|(_, len)| *len).sum::<usize>() as f64 * 1000.0 / f64::from(RATE)
    }

    /// The first frame from `from` on whose left sample reaches `level`.
    pub fn onset(&self, from: usize, level: f32) -> Option<usize> {
        self.left
            .iter()
            .skip(from)
            .position(|x| x.abs() >= level)
            .map(|i| i + from)
    }

    /// The dominant frequency of the left channel over `len` frames from `from` (zero crossings).
    pub fn freq(&self, from: usize, len: usize) -> f32 {
        let w = &self.left[from.min(self.left.len())..(from + len).min(self.left.len())];
        let crossings = w.windows(2).filter(|p| (p[0] < 0.0) != (p[1] < 0.0)).count();
        crossings as f32 / 2.0 / (w.len().max(1) as f32 / RATE as f32)
    }
}
