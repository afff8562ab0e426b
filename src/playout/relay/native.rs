//! The native decode path: the stream fetched with `reqwest` and decoded with `symphonia`, in
//! this process, for what symphonia reads well (Icecast/SHOUTcast MP3, and AAC-LC in ADTS).
//! It needs no other program, costs no pipe, and sees the network itself: the bytes received,
//! the stream's title, the moment a stall begins.
//!
//! What it does not read (HLS, MPEG-TS, HE-AAC, Ogg, a server that does not speak HTTP/1.1)
//! is handed to [`super::ffmpeg`], and the record says which path played.

use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, Weak};
use std::time::Instant;

use chrono::{DateTime, Utc};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{CODEC_TYPE_AAC, CODEC_TYPE_MP3, DecoderOptions};
use symphonia::core::errors::Error;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSourceStream, ReadOnlySource};
use symphonia::default::formats::{AdtsReader, MpaReader};

use super::icy::Icy;
use super::{RATE, STALL, Shared};

/// Why a native run ended.
#[derive(Debug)]
pub enum Failure {
    /// The network or the server: connect again, natively.
    Lost(String),
    /// This source needs ffmpeg (its content type, its codec, or a decoder's refusal).
    Ffmpeg(String),
}

/// What the address and the server's content type say of a stream: the codec the native path
/// decodes it with, or why ffmpeg must.
pub fn codec_for(content_type: Option<&str>, url: &str) -> Result<&'static str, String> {
    let ct = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_ascii_lowercase())
        .unwrap_or_default();
    match ct.as_str() {
        "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg" | "audio/x-mp3" => Ok("mp3"),
        "audio/aac" | "audio/x-aac" => Ok("aac"),
        // `aacp` is AAC+, HE-AAC: symphonia would play its core alone, at half the bandwidth.
        "" | "application/octet-stream" => match super::input_format(url) {
            Some("mp3") => Ok("mp3"),
            Some("aac") if !url.contains("aacp") => Ok("aac"),
            _ => Err(if ct.is_empty() { "?".into() } else { ct }),
        },
        _ => Err(ct),
    }
}

/// A stream's server may send the relay elsewhere, but not into the box or onto its link unless
/// the source is there itself: a redirect to 127.0.0.1 or 169.254.169.254 would make the relay
/// a way to reach what only the box can.
fn may_follow(from: &reqwest::Url, to: &reqwest::Url) -> bool {
    super::inward::url(from) || !super::inward::url(to)
}

/// One native run: until the stream ends, stalls, the window ends, or the feed is dropped.
pub fn run(feed: &Weak<Shared>, url: &str, end: DateTime<Utc>) -> Result<(), Failure> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Ffmpeg(e.to_string()))?;
    let from = reqwest::Url::parse(url).ok();
    // Redirects are checked by their address as written (below), and every connection by where
    // its name resolves (the gate), so a name that points into the box is refused too.
    let gate = super::gate::Gate::for_source(url).map_err(|e| Failure::Lost(t!("relay-no-gate", why = e)))?;
    let mut builder = reqwest::Client::builder();
    if let Some(g) = &gate {
        let proxy = reqwest::Proxy::all(g.proxy()).map_err(|e| Failure::Ffmpeg(e.to_string()))?;
        builder = builder.proxy(proxy);
    }
    let client = builder
        .connect_timeout(STALL)
        .user_agent(concat!("loaxa/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error(t!("relay-redirects"))
            } else if from.as_ref().is_some_and(|f| !may_follow(f, attempt.url())) {
                let to = attempt.url().host_str().unwrap_or_default().to_string();
                attempt.error(t!("relay-redirect-inside", host = to))
            } else {
                attempt.follow()
            }
        }))
        .build()
        .map_err(|e| Failure::Ffmpeg(e.to_string()))?;
    let answer = rt
        .block_on(async { tokio::time::timeout(STALL * 2, client.get(url).header("Icy-MetaData", "1").send()).await });
    if let Some(why) = gate.as_ref().and_then(super::gate::Gate::refused) {
        return Err(Failure::Lost(why));
    }
    let resp = match answer {
        Err(_) => return Err(Failure::Lost(t!("relay-stalled", seconds = (STALL * 2).as_secs()))),
        Ok(Err(e)) if e.is_connect() || e.is_timeout() => return Err(Failure::Lost(said(e))),
        // Not HTTP as reqwest speaks it (a SHOUTcast v1 `ICY 200 OK`): ffmpeg reads those.
        Ok(Err(e)) => return Err(Failure::Ffmpeg(said(e))),
        Ok(Ok(r)) => r,
    };
    if !resp.status().is_success() {
        return Err(Failure::Lost(format!("HTTP {}", resp.status())));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    if let Some(s) = feed.upgrade() {
        *s.content_type.lock().unwrap_or_else(|p| p.into_inner()) = header("content-type");
    }
    let codec = codec_for(header("content-type").as_deref(), url).map_err(Failure::Ffmpeg)?;
    let every = header("icy-metaint").and_then(|n| n.trim().parse().ok());
    let mut reader = Http {
        rt,
        resp,
        icy: Icy::new(every),
        pending: Vec::new(),
        at: 0,
        feed: feed.clone(),
        end,
        opened: Instant::now(),
    };
    // The bytes have the last word: a server that calls MP3 `audio/aac` (or the reverse) is
    // decoded as what it sends.
    reader.fill(SNIFF).map_err(|e| Failure::Lost(e.to_string()))?;
    let codec = sniff(&reader.pending).unwrap_or(codec);
    // A server starts a listener anywhere in its burst buffer, mid-frame: the demuxer starts at
    // the first frame whose next frame is where its length says, not at the first chance
    // 0xFFF (one with a reserved sample rate sent the whole stream to ffmpeg).
    if codec == "aac" {
        reader.at = adts_start(&reader.pending).unwrap_or(0);
    }
    let reader = Locked(Mutex::new(reader));
    decode(feed, reader, codec, end)
}

fn decode(feed: &Weak<Shared>, reader: Locked, codec: &'static str, end: DateTime<Utc>) -> Result<(), Failure> {
    let stream = MediaSourceStream::new(Box::new(ReadOnlySource::new(reader)), Default::default());
    // The demuxer the content type names, not a probe: an ADTS frame's sync word is also an
    // MPEG audio one, and the probe took an AAC stream for MP3 (then skipped "junk" forever).
    let options = FormatOptions::default();
    let opened: Result<Box<dyn FormatReader>, Error> = match codec {
        "aac" => AdtsReader::try_new(stream, &options).map(|r| Box::new(r) as Box<dyn FormatReader>),
        _ => MpaReader::try_new(stream, &options).map(|r| Box::new(r) as Box<dyn FormatReader>),
    };
    let mut format = opened.map_err(|e| match e {
        Error::IoError(e) if e.kind() != std::io::ErrorKind::InvalidData => Failure::Lost(e.to_string()),
        e => Failure::Ffmpeg(e.to_string()),
    })?;
    let track = format
        .default_track()
        .ok_or_else(|| Failure::Ffmpeg(t!("relay-no-track")))?;
    let params = track.codec_params.clone();
    // AAC at 24 kHz or below in ADTS is HE-AAC (its SBR half is signalled implicitly), which
    // symphonia would decode without the upper band.
    if params.codec == CODEC_TYPE_AAC && params.sample_rate.is_some_and(|r| r <= 24_000) {
        return Err(Failure::Ffmpeg("HE-AAC".into()));
    }
    if params.codec != CODEC_TYPE_MP3 && params.codec != CODEC_TYPE_AAC {
        return Err(Failure::Ffmpeg(codec.into()));
    }
    let mut decoder = symphonia::default::get_codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|e| Failure::Ffmpeg(e.to_string()))?;
    if let Some(s) = feed.upgrade() {
        *s.decode.lock().unwrap_or_else(|p| p.into_inner()) = format!("native ({codec})");
    }
    let mut resample: Option<Resample> = None;
    let mut pcm = Vec::new();
    let mut errors_in_a_row = 0u32;
    loop {
        let packet = match format.next_packet() {
            Ok(p) => p,
            // The reader's end: a stall, a lost connection, the server's end of stream, or the
            // window's end (which is no failure).
            // Bytes that decode to nothing: not a stream this path reads.
            Err(Error::IoError(e)) if e.kind() == std::io::ErrorKind::InvalidData => {
                return Err(Failure::Ffmpeg(e.to_string()));
            }
            Err(Error::IoError(e)) => {
                return match feed.upgrade() {
                    Some(s) if !s.stop.load(Ordering::Acquire) && Utc::now() < end => {
                        Err(Failure::Lost(if e.kind() == std::io::ErrorKind::UnexpectedEof {
                            t!("relay-ended")
                        } else {
                            e.to_string()
                        }))
                    }
                    _ => Ok(()),
                };
            }
            // A damaged header: the demuxer finds the next frame on the next call.
            Err(Error::DecodeError(_)) => {
                if let Some(s) = feed.upgrade() {
                    s.decode_errors.fetch_add(1, Ordering::Relaxed);
                }
                continue;
            }
            Err(e) => return Err(Failure::Ffmpeg(e.to_string())),
        };
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            // A damaged frame (a network's or a server's hiccup) is skipped; many in a row
            // mean the stream is not what it claims.
            Err(Error::DecodeError(why)) => {
                errors_in_a_row += 1;
                if let Some(s) = feed.upgrade() {
                    s.decode_errors.fetch_add(1, Ordering::Relaxed);
                }
                if errors_in_a_row >= 50 {
                    return Err(Failure::Ffmpeg(why.to_string()));
                }
                continue;
            }
            Err(e) => return Err(Failure::Ffmpeg(e.to_string())),
        };
        errors_in_a_row = 0;
        let spec = *decoded.spec();
        let channels = spec.channels.count();
        if channels == 0 || spec.rate == 0 {
            continue;
        }
        let mut samples = SampleBuffer::<f32>::new(decoded.capacity() as u64, spec);
        samples.copy_interleaved_ref(decoded);
        let r = resample.get_or_insert_with(|| Resample::new(spec.rate));
        if r.from != spec.rate {
            *r = Resample::new(spec.rate);
        }
        pcm.clear();
        r.push(
            samples.samples().chunks_exact(channels).map(|f| match f {
                [m] => [*m, *m],
                [l, r, ..] => [*l, *r],
                [] => [0.0, 0.0],
            }),
            &mut pcm,
        );
        let Some(shared) = feed.upgrade() else { return Ok(()) };
        shared.push(&pcm);
    }
}

/// A reqwest error without its address: a source's address may carry a listener's token.
fn said(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(&e);
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

/// The HTTP answer as a blocking reader, for symphonia: each read waits at most [`STALL`] for
/// the network (longer is a stall, told as a timed-out read), and ends at the window's end or
/// when the feed is dropped.
struct Http {
    rt: tokio::runtime::Runtime,
    resp: reqwest::Response,
    icy: Icy,
    pending: Vec<u8>,
    at: usize,
    feed: Weak<Shared>,
    end: DateTime<Utc>,
    opened: Instant,
}

/// Bytes for this long and no audio out of them: the stream is not what this path reads.
const NO_AUDIO: std::time::Duration = std::time::Duration::from_secs(10);

/// Bytes looked at to tell MP3 from AAC.
const SNIFF: usize = 8192;

/// MP3 or ADTS AAC, by the frame headers in `bytes` (a few in 8 KB of a real stream; their
/// two-byte patterns turn up by chance once in 13,000 bytes).
fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let (mut mp3, mut aac) = (0, 0);
    for w in bytes.windows(2) {
        match (w[0], w[1]) {
            (0xFF, 0xF1 | 0xF9) => aac += 1,
            (0xFF, 0xFB | 0xFA | 0xF3 | 0xF2 | 0xE3 | 0xE2) => mp3 += 1,
            _ => {}
        }
    }
    match (mp3, aac) {
        (m, a) if m >= 3 && m > 2 * a => Some("mp3"),
        (m, a) if a >= 3 && a > 2 * m => Some("aac"),
        _ => None,
    }
}

/// An ADTS header at the start of `b`: its sample rate index and the frame's length.
fn adts_header(b: &[u8]) -> Option<(u8, usize)> {
    let h = b.get(..7)?;
    // Sync word, MPEG-2/4, layer 0.
    if h[0] != 0xFF || h[1] & 0xF6 != 0xF0 {
        return None;
    }
    let rate = (h[2] >> 2) & 0x0F;
    let len = (usize::from(h[3] & 0x03) << 11) | (usize::from(h[4]) << 3) | usize::from(h[5] >> 5);
    (rate < 13 && len > 7).then_some((rate, len))
}

/// Where the first whole ADTS frame in `bytes` starts: a header whose next frame begins with
/// a header of the same sample rate exactly where its length says.
fn adts_start(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len()).find(|&i| {
        adts_header(&bytes[i..]).is_some_and(|(rate, len)| {
            adts_header(bytes.get(i + len..).unwrap_or_default()).is_some_and(|(next, _)| next == rate)
        })
    })
}

impl Http {
    /// Reads ahead until `n` bytes of audio wait (or the stream ends).
    fn fill(&mut self, n: usize) -> std::io::Result<()> {
        while self.pending.len() < n {
            let more = self.chunk()?;
            if more.is_empty() {
                break;
            }
            let title = self.icy.strip(&more, &mut self.pending);
            self.note(more.len(), title);
        }
        Ok(())
    }

    /// The network's next chunk, waiting at most [`STALL`] (empty at the end of the stream).
    fn chunk(&mut self) -> std::io::Result<Vec<u8>> {
        let resp = &mut self.resp;
        match self
            .rt
            .block_on(async { tokio::time::timeout(STALL, resp.chunk()).await })
        {
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                t!("relay-stalled", seconds = STALL.as_secs()),
            )),
            Ok(Err(e)) => Err(std::io::Error::other(said(e))),
            Ok(Ok(b)) => Ok(b.map(|b| b.to_vec()).unwrap_or_default()),
        }
    }

    /// Counts what came, and keeps the stream's title.
    fn note(&self, bytes: usize, title: Option<String>) {
        if let Some(s) = self.feed.upgrade() {
            s.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
            *s.last_bytes.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
            if let Some(t) = title {
                *s.title.lock().unwrap_or_else(|p| p.into_inner()) = Some(t);
            }
        }
    }
}

impl Read for Http {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        while self.at >= self.pending.len() {
            match self.feed.upgrade() {
                Some(s) if !s.stop.load(Ordering::Acquire) && Utc::now() < self.end => {
                    // Bytes that keep coming and decode to no audio (a demuxer skipping what it
                    // takes for junk): this path cannot read the stream.
                    let audio = *s.last_audio.lock().unwrap_or_else(|p| p.into_inner());
                    if audio.map_or(self.opened, |t| t.max(self.opened)).elapsed() > NO_AUDIO {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            t!("relay-undecodable", seconds = NO_AUDIO.as_secs()),
                        ));
                    }
                }
                _ => return Ok(0),
            }
            let bytes = self.chunk()?;
            if bytes.is_empty() {
                return Ok(0);
            }
            self.pending.clear();
            self.at = 0;
            let title = self.icy.strip(&bytes, &mut self.pending);
            self.note(bytes.len(), title);
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// symphonia's sources must be `Sync`; the reader is only ever used by one thread.
struct Locked(Mutex<Http>);

impl Read for Locked {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        self.0.get_mut().unwrap_or_else(|p| p.into_inner()).read(out)
    }
}

/// Linear resampling to the relay's rate (a 48 kHz or 22.05 kHz stream on a 44.1 kHz line),
/// frame by frame, across the decoder's packets.
struct Resample {
    from: u32,
    /// Input frames per output frame.
    step: f64,
    /// Where the next output frame falls after `prev`, in input frames.
    pos: f64,
    prev: Option<[f32; 2]>,
}

impl Resample {
    fn new(from: u32) -> Resample {
        Resample {
            from,
            step: f64::from(from) / f64::from(RATE),
            pos: 0.0,
            prev: None,
        }
    }

    fn push(&mut self, frames: impl Iterator<Item = [f32; 2]>, out: &mut Vec<f32>) {
        for cur in frames {
            if self.from == RATE {
                out.extend_from_slice(&cur);
                continue;
            }
            let Some(prev) = self.prev.replace(cur) else {
                out.extend_from_slice(&cur);
                self.pos = self.step;
                continue;
            };
            while self.pos <= 1.0 {
                let t = self.pos as f32;
                out.push(prev[0] + (cur[0] - prev[0]) * t);
                out.push(prev[1] + (cur[1] - prev[1]) * t);
                self.pos += self.step;
            }
            self.pos -= 1.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ADTS frame of AAC-LC, 44.1 kHz stereo, `len` bytes long (its payload zeros).
    fn adts_frame(len: usize) -> Vec<u8> {
        let mut f = vec![0u8; len];
        f[0] = 0xFF;
        f[1] = 0xF1;
        f[2] = (1 << 6) | (4 << 2);
        f[3] = (2 << 6) | ((len >> 11) & 0x03) as u8;
        f[4] = ((len >> 3) & 0xFF) as u8;
        f[5] = (((len & 0x07) << 5) | 0x1F) as u8;
        f[6] = 0xFC;
        f
    }

    /// A listener joins mid-frame, and the tail of a frame holds a chance sync word with a
    /// reserved sample rate. symphonia's ADTS reader refused such a start outright (the
    /// busy-machine run saw `adts: reserved sample rate`, and the stream went to ffmpeg); the
    /// relay now starts it at the first frame whose successor is where its length says.
    #[test]
    fn a_stream_joined_mid_frame_starts_at_a_whole_frame() {
        let junk = [0x12, 0x34, 0xFF, 0xF1, 0x34, 0x80, 0x10, 0x00, 0x00, 0x55];
        let mut bytes = junk.to_vec();
        for _ in 0..4 {
            bytes.extend(adts_frame(200));
        }
        let open = |b: Vec<u8>| {
            let stream = MediaSourceStream::new(Box::new(std::io::Cursor::new(b)), Default::default());
            AdtsReader::try_new(stream, &FormatOptions::default()).map(|_| ())
        };
        assert!(open(bytes.clone()).is_err(), "the unaligned start is what failed");
        assert_eq!(adts_start(&bytes), Some(junk.len()));
        assert!(open(bytes[junk.len()..].to_vec()).is_ok());
        assert_eq!(adts_start(&adts_frame(200)), None, "one frame alone proves nothing");
        assert_eq!(adts_start(&[0xFF, 0xF1]), None);
    }

    #[test]
    fn redirects_into_the_box_are_refused_unless_the_source_is_there() {
        let u = |s: &str| reqwest::Url::parse(s).unwrap();
        let radio = u("https://stream.vov.vn/vov1.mp3");
        for inner in [
            "http://127.0.0.1:8000/x",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/x",
            "http://[fe80::1]/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://localhost/x",
            "http://0.0.0.0/x",
        ] {
            assert!(!may_follow(&radio, &u(inner)), "{inner}");
        }
        assert!(may_follow(&radio, &u("https://cdn.vov.vn/vov1.mp3")));
        assert!(may_follow(
            &u("http://127.0.0.1:8000/live"),
            &u("http://127.0.0.1:8000/live2")
        ));
    }

    #[test]
    fn the_content_type_picks_the_path() {
        assert_eq!(codec_for(Some("audio/mpeg"), "http://x/live"), Ok("mp3"));
        assert_eq!(codec_for(Some("audio/aac; charset=x"), "http://x/live"), Ok("aac"));
        assert_eq!(
            codec_for(Some("audio/aacp"), "http://x/live.aac"),
            Err("audio/aacp".into())
        );
        assert_eq!(codec_for(None, "http://x/live.mp3"), Ok("mp3"));
        assert_eq!(codec_for(None, "http://x/live"), Err("?".into()));
        assert_eq!(
            codec_for(Some("application/vnd.apple.mpegurl"), "http://x/a.m3u8"),
            Err("application/vnd.apple.mpegurl".into())
        );
        assert_eq!(codec_for(Some("audio/ogg"), "http://x/a.ogg"), Err("audio/ogg".into()));
    }

    /// A 1 kHz tone at 48 kHz comes out at 44.1 kHz with its frequency and level.
    #[test]
    fn a_48k_stream_is_resampled_to_the_line() {
        let tone = |n: usize| (2.0 * std::f64::consts::PI * 1000.0 * n as f64 / 48_000.0).sin() as f32 * 0.5;
        let mut r = Resample::new(48_000);
        let mut out = Vec::new();
        // In uneven packets, as a decoder gives them.
        let mut n = 0;
        for size in [1152, 1024, 7, 2000, 48_000 - 4183] {
            r.push((n..n + size).map(|i| [tone(i), tone(i)]), &mut out);
            n += size;
        }
        let frames = out.len() / 2;
        assert!(frames.abs_diff(44_100) <= 2, "{frames} frames for one second");
        // Its zero crossings upward: 1000 in a second.
        let left: Vec<f32> = out.iter().step_by(2).copied().collect();
        let ups = left.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
        assert!(ups.abs_diff(1000) <= 1, "{ups} cycles");
        let expected = |i: usize| (2.0 * std::f64::consts::PI * 1000.0 * i as f64 / 44_100.0).sin() as f32 * 0.5;
        let worst = left
            .iter()
            .enumerate()
            .map(|(i, x)| (x - expected(i)).abs())
            .fold(0.0, f32::max);
        assert!(worst < 0.01, "off by {worst}");
    }

    #[test]
    fn the_bytes_tell_mp3_from_aac() {
        let frames = |header: [u8; 2], size: usize| -> Vec<u8> {
            (0..8)
                .flat_map(|_| header.into_iter().chain(std::iter::repeat_n(0x55, size - 2)))
                .collect()
        };
        assert_eq!(sniff(&frames([0xFF, 0xFB], 417)), Some("mp3"));
        assert_eq!(sniff(&frames([0xFF, 0xF1], 300)), Some("aac"));
        assert_eq!(sniff(&[0x55; 4096]), None);
        assert_eq!(sniff(b"OggS\0\x02"), None);
    }

    #[test]
    fn the_line_rate_passes_untouched() {
        let mut r = Resample::new(RATE);
        let mut out = Vec::new();
        r.push([[0.1, 0.2], [0.3, 0.4]].into_iter(), &mut out);
        assert_eq!(out, [0.1, 0.2, 0.3, 0.4]);
    }
}
