//! A live session (`loaxa live`, issue #17): from the officer's command to the end of the
//! microphone's time on air, over one control-socket connection.
//!
//! The daemon opens the capture input (it owns the sound devices, and runs as a member of
//! `audio`), builds a programme of the station's chime, the live input and the closing chime,
//! and hands it to the single line like any other. The connection stays open while the live
//! lasts: the officer's Ctrl-C, or the terminal closing, ends it, so a microphone is never left
//! on the loudspeakers by a lost session. So do its bound (`--until`, `--for`, or
//! `[audio] live_max_minutes`), an operator's `stop` from another terminal, and a capture
//! device that fails. The end is recorded (`live_ended`) with who, why, how long and how loud.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use super::air::{self, Operator};
use super::line::Line;
use super::protocol::{Answer, LiveReport, LiveRequest};
use super::state::Shared;
use crate::domain::broadcast::Priority;
use crate::domain::event::Kind;
use crate::history::event::{Event, OccurrenceKey};
use crate::playout::live::{Capture, LiveError, Recorder};
use crate::playout::{Programme, Segment};
use crate::shutdown::{Listener, Stage};

/// The id every live airs under (`live@INSTANT`).
pub const ID: &str = "live";

/// How long a fresh capture may take to give its first audio (a sound server takes 1–2 s).
const WARM_UP: Duration = Duration::from_secs(5);

/// A live on the line, until it ends.
pub struct Session {
    key: String,
    scheduled_at: DateTime<Utc>,
    device: String,
    capture: Capture,
    recorder: Option<Recorder>,
    end: End,
    user: (String, Option<u32>),
}

/// What bounds a live.
enum End {
    /// An instant of the wall clock (`--until`): a clock step moves it, as it should.
    At(DateTime<Utc>),
    /// A length on air, counted on the monotonic clock from the first live sample.
    For(Duration, Reason),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Reason {
    Bound,
    Limit,
    Operator,
    Stopped,
    Device,
    Shutdown,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Bound => "bound",
            Reason::Limit => "limit",
            Reason::Operator => "operator",
            Reason::Stopped => "stopped",
            Reason::Device => "device",
            Reason::Shutdown => "shutdown",
        }
    }
}

/// Opens the input, puts the live on the line and records the action; an answer saying why
/// not otherwise (nothing airs and nothing is recorded then).
pub(super) async fn begin(
    request: LiveRequest,
    op: &Operator,
    shared: &Arc<Shared>,
    engine: &Line,
) -> Result<(Session, Answer), Answer> {
    let audio = shared.config.audio.clone();
    let priority = match request.priority.as_deref() {
        None => Priority::Priority,
        Some(p) => Priority::parse(p).ok_or_else(|| Answer::error(t!("control-bad-priority", given = p)))?,
    };
    let now = Utc::now();
    let (end, max) = match (request.until, request.for_seconds) {
        (Some(until), _) => {
            let left = (until - now)
                .to_std()
                .map_err(|_| Answer::error(t!("live-until-past")))?;
            if left > audio.live_max {
                return Err(Answer::error(t!(
                    "live-until-too-far",
                    minutes = left.as_secs() / 60,
                    max = audio.live_max.as_secs() / 60
                )));
            }
            (End::At(until), left)
        }
        (None, Some(s)) => {
            let d = Duration::from_secs(s);
            if d.is_zero() || d > audio.live_max {
                return Err(Answer::error(t!(
                    "live-for-too-long",
                    minutes = s / 60,
                    max = audio.live_max.as_secs() / 60
                )));
            }
            (End::For(d, Reason::Bound), d)
        }
        (None, None) => (End::For(audio.live_max, Reason::Limit), audio.live_max),
    };
    let device = request.from.clone().unwrap_or_else(|| audio.live_input.clone());
    let opened = {
        let device = device.clone();
        tokio::task::spawn_blocking(move || {
            let (capture, feed) = Capture::open(&device)?;
            if capture.warm_up(WARM_UP) {
                Ok((capture, feed))
            } else {
                Err(LiveError::Silent(WARM_UP.as_secs()))
            }
        })
        .await
    };
    let (capture, feed) = match opened {
        Ok(Ok(c)) => c,
        Ok(Err(why)) => {
            return Err(Answer::error(t!(
                "live-cannot-open",
                device = device.clone(),
                why = why
            )));
        }
        Err(_) => return Err(Answer::error(t!("control-internal"))),
    };
    // On the line from now: the input is open and gives audio.
    let now = Utc::now();
    let key = crate::domain::plan::key(ID, now);
    let recorder = if request.record {
        let name = key.replace([':', '@'], "-");
        Some(
            Recorder::start(&capture, &shared.config.station.data, &name)
                .map_err(|why| Answer::error(t!("live-cannot-record", why = why)))?,
        )
    } else {
        None
    };
    let title = request
        .title
        .clone()
        .unwrap_or_else(|| t!("live-title", user = op.name.clone()));
    let media = shared.config.station.media.clone();
    let mut segments = Vec::new();
    segments.extend(audio.chime.as_ref().map(|c| Segment::Audio(media.join(c))));
    // The bound is kept by the session; the line's own watch only needs an upper limit.
    segments.push(Segment::Live { feed, max });
    segments.extend(audio.closing_chime.as_ref().map(|c| Segment::Audio(media.join(c))));
    let programme = Programme {
        key: key.clone(),
        broadcast_id: ID.into(),
        title: title.clone(),
        priority,
        scheduled_at: now,
        segments,
        volume: audio.volume,
        campaign: None,
        record: json!({ "title": title, "priority": priority.as_str(), "live": { "device": device, "user": op.name } }),
        root: Some(media),
    };
    air::not_yet_on_the_line(engine, &programme).await?;
    let until = match &end {
        End::At(t) => json!(crate::domain::time::utc_text(*t)),
        End::For(..) => serde_json::Value::Null,
    };
    air::record(
        shared,
        op,
        json!({ "action": "live", "key": key, "device": device, "priority": priority.as_str(),
                "until": until, "for_seconds": request.for_seconds, "record": request.record }),
    )
    .await;
    air::hand_over(shared, engine, programme).await?;
    let session = Session {
        key: key.clone(),
        scheduled_at: now,
        device,
        capture,
        recorder,
        end,
        user: (op.name.clone(), op.uid),
    };
    let answer = Answer {
        key: Some(key),
        ..Answer::ok()
    };
    Ok((session, answer))
}

impl Session {
    /// Keeps the live on air until it ends, then records it and tells the officer.
    pub async fn run<R, W>(self, shared: &Arc<Shared>, reader: &mut BufReader<R>, write: &mut W)
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        // Held until the end is recorded: the daemon waits for it before it stops.
        let mut stopping = shared.shutdown.listen(Stage::Lives);
        let reason = self.wait(reader, &mut stopping).await;
        let report = self.finish(shared, reason).await;
        drop(stopping);
        let answer = Answer {
            live: Some(report),
            ..Answer::ok()
        };
        let mut out = serde_json::to_vec(&answer).unwrap_or_default();
        out.push(b'\n');
        let _ = write.write_all(&out).await;
    }

    async fn wait<R: AsyncRead + Unpin>(&self, reader: &mut BufReader<R>, stopping: &mut Listener) -> Reason {
        let mut line = String::new();
        let mut tick = tokio::time::interval(Duration::from_millis(50));
        let mut on_air_since: Option<Instant> = None;
        loop {
            tokio::select! {
                // Ctrl-C, the terminal closing, or an `end` line: anything from the officer ends it.
                _ = reader.read_line(&mut line) => return Reason::Operator,
                _ = stopping.stopped() => return Reason::Shutdown,
                _ = tick.tick() => {}
            }
            if on_air_since.is_none() && self.capture.started().is_some() {
                on_air_since = self.capture.started_instant();
            }
            if self.capture.abandoned() {
                return Reason::Stopped;
            }
            if self.capture.failed().is_some() {
                return Reason::Device;
            }
            match &self.end {
                End::At(t) if Utc::now() >= *t => return Reason::Bound,
                End::For(d, reason) if on_air_since.is_some_and(|s| s.elapsed() >= *d) => return *reason,
                _ => {}
            }
        }
    }

    async fn finish(self, shared: &Arc<Shared>, reason: Reason) -> LiveReport {
        self.capture.end();
        // What was captured plays out (a few tens of ms), then the closing chime; the level is
        // final once the live's source has finished.
        let deadline = Instant::now() + Duration::from_secs(2);
        while !self.capture.drained() && !self.capture.abandoned() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let Session {
            key,
            scheduled_at,
            device,
            capture,
            recorder,
            user,
            ..
        } = self;
        let failed = capture.failed();
        let (summary, started) = (capture.summary(), capture.started());
        let (recording, recording_error) = match recorder {
            None => (None, None),
            Some(r) => match tokio::task::spawn_blocking(move || {
                let result = r.finish(&capture);
                drop(capture);
                result
            })
            .await
            {
                Ok(Ok(rec)) => (Some(rec), None),
                Ok(Err(e)) => (None, Some(e)),
                Err(_) => (None, Some(LiveError::Lost)),
            },
        };
        if let Some(e) = &recording_error {
            shared.error(t!("live-cannot-record", why = e));
        }
        let mut details = json!({
            "key": key,
            "reason": reason.as_str(),
            "device": device,
            "user": user.0,
            "uid": user.1,
            "on_air_from": started.map(crate::domain::time::utc_text),
        });
        if let (serde_json::Value::Object(d), Ok(serde_json::Value::Object(s))) =
            (&mut details, serde_json::to_value(&summary))
        {
            d.extend(s);
        }
        if let Some(r) = &recording {
            details["recording"] = json!(r);
        }
        if let Some(e) = recording_error {
            details["recording_error"] = json!(e.to_string());
        }
        if let Some(why) = failed {
            details["device_error"] = json!(why);
        }
        let mut event = Event::new(Kind::LiveEnded, details);
        event.occurrence = Some(OccurrenceKey {
            broadcast_id: ID.into(),
            scheduled_at,
        });
        let _ = shared.history.record(event).await;
        tracing::info!(
            key,
            reason = reason.as_str(),
            seconds = summary.seconds_on_air,
            "{}",
            t!("log-live-ended")
        );
        LiveReport {
            reason: reason.as_str().into(),
            summary,
            recording,
        }
    }
}
