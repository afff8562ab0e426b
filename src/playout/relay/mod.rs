//! Relay ("tiếp sóng", issue #15): a higher-level station's live stream on the loudspeaker line
//! for a window of time, with no dead air.
//!
//! A connector thread, started [`CONNECT_AHEAD`] before the window, fetches the source and
//! decodes it to 44.1 kHz stereo into a bounded buffer: natively ([`native`]: reqwest and
//! symphonia, for Icecast/SHOUTcast MP3 and AAC-LC) or with Debian's ffmpeg ([`ffmpeg`]: HLS,
//! MPEG-TS, HE-AAC and the rest), whichever the source needs. No bytes for [`STALL`] is a stall:
//! the source is connected again with a growing pause. The segment's source ([`source`], on the
//! output's audio thread) plays the stream while it has signal, and the fallback (the
//! broadcast's `fallback` file, looped, else silence) while it is stalled or has been silent
//! for [`SILENCE_FOR`]; it goes back to the stream after [`BACK_AFTER`] of real signal. It
//! fades in at its start and out before the window's end, and never plays past it. What went
//! on air is counted for the record.
//!
//! Memory is bounded whatever the window: the buffer holds at most [`MAX_BUFFER`] of audio.

mod ffmpeg;
mod gate;
mod icy;
mod inward;
mod native;
pub mod settings;
mod source;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub use ffmpeg::{decoder, probe};
pub use gate::Gate;
pub use source::RelaySource;

/// The stream's format once decoded.
pub const RATE: u32 = 44_100;
const CHANNELS: u16 = 2;
/// The connection opens this long before the window, so the stream is flowing when it starts.
pub const CONNECT_AHEAD: Duration = Duration::from_secs(25);
/// No bytes from the source for this long is a stall.
pub const STALL: Duration = Duration::from_secs(5);
/// Below [`SILENCE_DBFS`] for this long is dead air: the fallback plays.
pub const SILENCE_FOR: Duration = Duration::from_secs(10);
const SILENCE_DBFS: f64 = -50.0;
/// Back to the source after this much real signal.
pub const BACK_AFTER: Duration = Duration::from_secs(3);
/// Audio kept ahead of the output: rides over a network's jitter. A source that comes in
/// bursts (HLS: a segment at a time) gets its longest pause between bursts, learnt while it
/// connects ahead of the window, plus [`RHYTHM_MARGIN`], so the buffer never runs dry between
/// two bursts; never more than [`MAX_LEAD`].
const LEAD: Duration = Duration::from_millis(1500);
const RHYTHM_MARGIN: Duration = Duration::from_secs(1);
/// A pause of [`STALL`] is a stall, not a rhythm: the lead never waits longer than that.
const MAX_LEAD: Duration = Duration::from_secs(6);
const MAX_BUFFER: Duration = Duration::from_secs(20);
/// Frames in each span of the source (10 ms).
const SPAN: u64 = 441;
/// Blocks the level is judged on.
const BLOCK: Duration = Duration::from_millis(100);
/// Dropouts kept in the record of one session (the count goes on past it).
const MAX_DROPOUTS: usize = 100;

/// Where the relay comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct RelaySpec {
    /// The source's name in `[sources]`, or the URL itself.
    pub name: String,
    /// The address as shown (and hashed in the record): never with a credential.
    pub url: String,
    /// How the source's secret is sent, read when the connection opens.
    pub auth: Option<crate::domain::secret::SourceAuth>,
    pub fallback: Option<PathBuf>,
    /// The folder the fallback must lie in (the media folder): it is opened beneath it.
    pub media: PathBuf,
    pub fade: Duration,
}

/// What the record keeps of a relay session.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RelayStats {
    pub source: String,
    pub url_sha256: String,
    pub decode: String,
    pub source_s: f64,
    pub fallback_s: f64,
    pub silence_s: f64,
    pub stalls: u64,
    pub reconnects: u64,
    /// Bytes received from the network (the native path; ffmpeg does not tell).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// What the server said it sends (the native path): beside `decode`, it shows a server
    /// that mislabels its stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    /// Damaged frames the decoder skipped.
    pub decode_errors: u64,
    /// When the stream's first audio came (UTC): connected ahead, it is before the window.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_audio: Option<String>,
    /// When the relay first went on air (UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_air_from: Option<String>,
    /// The audio kept ahead of the output, in seconds: 1.5, or longer for a source that comes
    /// in bursts (HLS segments).
    pub lead_s: f64,
    /// Each time the fallback played: when, for how long, and why (`stall` or `silence`).
    pub dropouts: Vec<Dropout>,
    /// The stream's last title (ICY `StreamTitle`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Why the stream last failed, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// A time the fallback played instead of the stream.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Dropout {
    pub at: String,
    pub seconds: f64,
    pub why: &'static str,
}

struct Shared {
    buffer: Mutex<VecDeque<f32>>,
    /// When the last bytes came.
    last_bytes: Mutex<Option<Instant>>,
    stop: AtomicBool,
    stalls: AtomicU64,
    reconnects: AtomicU64,
    source_frames: AtomicU64,
    fallback_frames: AtomicU64,
    silent_frames: AtomicU64,
    bytes: AtomicU64,
    decode_errors: AtomicU64,
    /// The path that decodes it now: `native (mp3)`, `ffmpeg (audio/aacp)`, …
    decode: Mutex<String>,
    title: Mutex<Option<String>>,
    /// What the server said it sends (the native path).
    content_type: Mutex<Option<String>>,
    on_air_from: Mutex<Option<DateTime<Utc>>>,
    first_audio: Mutex<Option<DateTime<Utc>>>,
    /// When decoded audio last came.
    last_audio: Mutex<Option<Instant>>,
    /// The longest pause between two arrivals of audio that was not a stall, in ms: the
    /// source's rhythm (see [`LEAD`]).
    rhythm_ms: AtomicU64,
    /// The dropouts that ended, and the one going on (since when, why).
    dropouts: Mutex<(Vec<Dropout>, Option<OpenDropout>)>,
    last_error: Mutex<Option<String>>,
    /// The stream's level over the last 100 ms, in tenths of a dBFS (for the dashboard's meter).
    level_ddb: AtomicI32,
    /// The fallback is on air.
    on_fallback: AtomicBool,
}

type OpenDropout = (DateTime<Utc>, &'static str);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Shared {
    /// Decoded audio into the buffer, the oldest dropped past [`MAX_BUFFER`].
    fn push(&self, pcm: &[f32]) {
        lock(&self.first_audio).get_or_insert_with(Utc::now);
        let now = Instant::now();
        if let Some(before) = lock(&self.last_audio).replace(now) {
            let pause = now.saturating_duration_since(before);
            if pause < STALL {
                self.rhythm_ms.fetch_max(millis(pause), Ordering::Relaxed);
            }
        }
        let cap = samples(MAX_BUFFER);
        let mut b = lock(&self.buffer);
        b.extend(pcm);
        if b.len() > cap {
            let drop = (b.len() - cap) / 2 * 2;
            b.drain(..drop);
        }
    }

    /// The audio to keep ahead of the output for this source (see [`LEAD`]).
    fn lead(&self) -> Duration {
        let rhythm = Duration::from_millis(self.rhythm_ms.load(Ordering::Relaxed));
        lead_for(rhythm)
    }

    /// Keeps only the newest `keep` samples, and gives back the room the rest took (20 s
    /// buffered ahead are 7 MB the window does not need).
    fn trim(&self, keep: usize) {
        let mut b = lock(&self.buffer);
        if b.len() > keep {
            let drop = (b.len() - keep) / 2 * 2;
            b.drain(..drop);
        }
        b.shrink_to(samples(LEAD * 4));
    }

    fn on_air(&self) {
        lock(&self.on_air_from).get_or_insert_with(Utc::now);
    }

    fn dropout(&self, why: &'static str) {
        lock(&self.dropouts).1.get_or_insert((Utc::now(), why));
    }

    fn back(&self) {
        let mut d = lock(&self.dropouts);
        if let Some((at, why)) = d.1.take()
            && d.0.len() < MAX_DROPOUTS
        {
            d.0.push(dropout(at, why));
        }
    }
}

/// The lead for a source whose longest pause between arrivals is `rhythm`.
fn lead_for(rhythm: Duration) -> Duration {
    (rhythm + RHYTHM_MARGIN).clamp(LEAD, MAX_LEAD)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn dropout(at: DateTime<Utc>, why: &'static str) -> Dropout {
    Dropout {
        at: crate::domain::time::utc_text(at),
        seconds: ((Utc::now() - at).num_milliseconds() as f64 / 100.0).round() / 10.0,
        why,
    }
}

/// What the dashboard shows of a relay on air.
#[derive(Clone, Debug, PartialEq)]
pub struct RelayNow {
    pub source: String,
    pub level_dbfs: f64,
    pub on_fallback: bool,
    pub source_s: f64,
    pub fallback_s: f64,
    /// On air since (UTC).
    pub since: Option<DateTime<Utc>>,
    pub title: Option<String>,
}

/// A relay's connection, shared by its programme (and its replays after an emergency): the
/// connector runs until the window's end or until nothing holds it any more.
#[derive(Clone)]
pub struct RelayFeed {
    shared: Arc<Shared>,
    pub spec: RelaySpec,
    pub end: DateTime<Utc>,
}

impl std::fmt::Debug for RelayFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RelayFeed({} until {})", self.spec.name, self.end)
    }
}

impl PartialEq for RelayFeed {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

impl RelayFeed {
    /// Starts connecting now (before the window: the stream is buffered when it opens).
    pub fn connect(spec: RelaySpec, end: DateTime<Utc>) -> RelayFeed {
        let shared = Arc::new(Shared {
            buffer: Mutex::new(VecDeque::new()),
            last_bytes: Mutex::new(None),
            stop: AtomicBool::new(false),
            stalls: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            source_frames: AtomicU64::new(0),
            fallback_frames: AtomicU64::new(0),
            silent_frames: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            decode_errors: AtomicU64::new(0),
            decode: Mutex::new(String::new()),
            title: Mutex::new(None),
            content_type: Mutex::new(None),
            on_air_from: Mutex::new(None),
            first_audio: Mutex::new(None),
            last_audio: Mutex::new(None),
            rhythm_ms: AtomicU64::new(0),
            dropouts: Mutex::new((Vec::new(), None)),
            last_error: Mutex::new(None),
            level_ddb: AtomicI32::new(-1000),
            on_fallback: AtomicBool::new(false),
        });
        let weak = Arc::downgrade(&shared);
        let (url, auth) = (spec.url.clone(), spec.auth.clone());
        // The secret is read on the connector's thread (file I/O stays off the caller's
        // runtime). One that cannot be read is the source's failure: the fallback plays, and the
        // record says why.
        let _ = std::thread::Builder::new().name("loaxa-relay".into()).spawn(move || {
            match with_credential(&url, auth.as_ref()) {
                Ok(url) => connector(&weak, &url, end),
                Err(why) => {
                    if let Some(feed) = weak.upgrade() {
                        *lock(&feed.last_error) = Some(why);
                    }
                }
            }
        });
        RelayFeed { shared, spec, end }
    }

    /// The source that plays it (built each time its programme starts).
    pub fn source(&self) -> RelaySource {
        RelaySource::new(self.clone())
    }

    /// The relay as it is now: level, stream or fallback, and what it carried so far.
    pub fn now(&self) -> RelayNow {
        let s = &self.shared;
        let secs = |n: &AtomicU64| n.load(Ordering::Relaxed) as f64 / f64::from(RATE);
        RelayNow {
            source: self.spec.name.clone(),
            level_dbfs: f64::from(s.level_ddb.load(Ordering::Relaxed)) / 10.0,
            on_fallback: s.on_fallback.load(Ordering::Relaxed),
            source_s: secs(&s.source_frames),
            fallback_s: secs(&s.fallback_frames),
            since: *lock(&s.on_air_from),
            title: lock(&s.title).clone(),
        }
    }

    pub fn stats(&self) -> RelayStats {
        let s = &self.shared;
        let secs = |n: &AtomicU64| (n.load(Ordering::Relaxed) as f64 / f64::from(RATE) * 100.0).round() / 100.0;
        use sha2::Digest;
        let (mut dropouts, open) = lock(&s.dropouts).clone();
        // One still going when the record is written ends now.
        if let Some((at, why)) = open
            && dropouts.len() < MAX_DROPOUTS
        {
            dropouts.push(dropout(at, why));
        }
        let decode = lock(&s.decode).clone();
        RelayStats {
            source: self.spec.name.clone(),
            url_sha256: crate::domain::text::hex(&sha2::Sha256::digest(self.spec.url.as_bytes())),
            bytes: decode.starts_with("native").then(|| s.bytes.load(Ordering::Relaxed)),
            decode,
            source_s: secs(&s.source_frames),
            fallback_s: secs(&s.fallback_frames),
            silence_s: secs(&s.silent_frames),
            stalls: s.stalls.load(Ordering::Relaxed),
            reconnects: s.reconnects.load(Ordering::Relaxed),
            decode_errors: s.decode_errors.load(Ordering::Relaxed),
            content_type: lock(&s.content_type).clone(),
            first_audio: lock(&s.first_audio).map(crate::domain::time::utc_text),
            on_air_from: lock(&s.on_air_from).map(crate::domain::time::utc_text),
            lead_s: (s.lead().as_secs_f64() * 10.0).round() / 10.0,
            dropouts,
            title: lock(&s.title).clone(),
            last_error: lock(&s.last_error).clone(),
        }
    }
}

/// Whether a source address is one ffmpeg is let to open: a web stream (Icecast, SHOUTcast,
/// HLS), never a local file or another protocol.
/// The address to connect to: `url` with the source's secret where its `auth` puts it (the
/// secret is read now, and from then on redacted in every output).
pub fn with_credential(url: &str, auth: Option<&crate::domain::secret::SourceAuth>) -> Result<String, String> {
    use crate::domain::secret::SourceAuth;
    let Some(auth) = auth else {
        return Ok(url.to_string());
    };
    let mut parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    match auth {
        SourceAuth::Basic { user, secret } => {
            let secret = crate::secret::load(secret).map_err(|e| e.to_string())?;
            parsed
                .set_username(user)
                .and_then(|_| parsed.set_password(Some(secret.expose())))
                .map_err(|_| t!("relay-no-credential-here"))?;
        }
        SourceAuth::Query { param, secret } => {
            let secret = crate::secret::load(secret).map_err(|e| e.to_string())?;
            parsed.query_pairs_mut().append_pair(param, secret.expose());
        }
    }
    Ok(parsed.to_string())
}

fn samples(d: Duration) -> usize {
    (d.as_secs_f64() * f64::from(RATE)) as usize * usize::from(CHANNELS)
}

/// Fetches and decodes the source until the window ends or the feed is dropped: natively when
/// it can, with ffmpeg when the source needs it; again after a stall or an end, with a growing
/// pause.
fn connector(feed: &Weak<Shared>, url: &str, end: DateTime<Utc>) {
    let mut pause = Duration::from_millis(500);
    let mut first = true;
    // HLS playlists and MPEG-TS go to ffmpeg without asking; anything else is asked natively
    // first, and stays with ffmpeg once it has needed it.
    let mut ffmpeg_for: Option<String> = match extension(url).as_deref() {
        Some("m3u8" | "m3u" | "ts") => Some("HLS/MPEG-TS".into()),
        _ => None,
    };
    loop {
        let Some(shared) = feed.upgrade() else { return };
        if shared.stop.load(Ordering::Acquire) || Utc::now() >= end {
            return;
        }
        if !first {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        first = false;
        if let Some(why) = &ffmpeg_for {
            *lock(&shared.decode) = format!("ffmpeg ({why})");
        }
        drop(shared);
        let started = Instant::now();
        // A decoder's panic (a hostile stream) is a lost connection, not a silent relay.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &ffmpeg_for {
            Some(_) => ffmpeg::run(feed, url, end).map_err(native::Failure::Lost),
            None => native::run(feed, url, end),
        }))
        .unwrap_or_else(|_| Err(native::Failure::Lost(t!("control-internal"))));
        let why = match outcome {
            Ok(()) => None,
            Err(native::Failure::Lost(why)) => Some(why),
            Err(native::Failure::Ffmpeg(why)) => {
                tracing::info!(why, "{}", t!("log-relay-ffmpeg"));
                ffmpeg_for = Some(why);
                first = true;
                continue;
            }
        };
        let Some(shared) = feed.upgrade() else { return };
        if shared.stop.load(Ordering::Acquire) || Utc::now() >= end {
            return;
        }
        if let Some(why) = why {
            tracing::warn!(why, "{}", t!("log-relay-lost"));
            *lock(&shared.last_error) = Some(why);
        }
        shared.stalls.fetch_add(1, Ordering::Relaxed);
        drop(shared);
        // A connection that played a while starts again quickly; one that keeps failing waits
        // longer each time.
        if started.elapsed() > Duration::from_secs(30) {
            pause = Duration::from_millis(500);
        }
        std::thread::sleep(pause);
        // At most 3 s: a station's stream that comes back is back on air within seconds.
        pause = (pause * 2).min(Duration::from_secs(3));
    }
}

/// The container a stream's address names, for ffmpeg's `-f`; None lets ffmpeg probe (HLS
/// playlists and MPEG-TS are recognised quickly; so is anything with a header).
pub fn input_format(url: &str) -> Option<&'static str> {
    match extension(url).as_deref() {
        Some("mp3") => Some("mp3"),
        Some("aac" | "aacp") => Some("aac"),
        Some("ogg" | "oga" | "opus") => Some("ogg"),
        _ => None,
    }
}

/// The extension of the address's last path segment, lower-cased.
fn extension(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or(url).to_ascii_lowercase();
    let last = path.rsplit('/').next()?;
    last.rsplit_once('.').map(|(_, e)| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A continuous stream keeps the 1.5 s lead; a source in bursts gets its pause and a
    /// second more, and never more than a stall.
    #[test]
    fn the_lead_follows_the_sources_rhythm() {
        assert_eq!(lead_for(Duration::ZERO), LEAD);
        assert_eq!(lead_for(Duration::from_millis(40)), LEAD);
        assert_eq!(lead_for(Duration::from_millis(2006)), Duration::from_millis(3006));
        assert_eq!(lead_for(Duration::from_millis(4010)), Duration::from_millis(5010));
        assert_eq!(lead_for(Duration::from_secs(30)), MAX_LEAD);
    }
}
