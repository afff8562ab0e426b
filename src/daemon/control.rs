//! The control socket: operators tell a running daemon to air a broadcast now, to stop what is
//! on air, or to show the line (`loaxa now`, `loaxa stop`, `loaxa queue`), without editing a
//! schedule file (issue #17).
//!
//! A Unix socket in the data folder, mode 0660: being able to open it (the `loaxa` user, or its
//! group) is the permission to operate, and the kernel tells who is on the other end
//! (`SO_PEERCRED`), so every action is recorded with its Unix user. One JSON request per line,
//! one JSON answer per line, with a protocol version. Nothing here goes around the single
//! playout line, the outbox or the history: `now` builds the programme the scheduler would,
//! hands it to the same engine and queues its posts in the same outbox.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::Notify;

use super::air::{Operator, hand_over, not_yet_on_the_line, record};
use super::line::Line;
use super::protocol::{Answer, Envelope, LineEntry, MAX_REQUEST, Request, VERSION, socket_path};
use super::state::Shared;
use crate::domain::broadcast::Priority;
use crate::domain::event::Kind;
use crate::domain::plan::Occurrence;
use crate::history::Event;
use crate::outbox;
use crate::playout::engine::{AfterStop, Lined};

/// Commands are carried out one at a time across all connections and the dashboard, so two
/// operators' commands never interleave.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Carries out one command (not `live`, which needs its connection) for `op`.
pub async fn execute(
    request: Request,
    op: &Operator,
    shared: &Arc<Shared>,
    engine: &Line,
    wake: &Arc<Notify>,
) -> Answer {
    // What takes time (a voice rendering a text, a file read and hashed) is done before the
    // turn: one officer's slow cloud voice never holds up another's emergency, which waits for
    // nothing but the hand-over.
    if let Request::Now {
        file,
        say,
        title,
        priority,
        ..
    } = &request
        && (file.is_some() || say.is_some())
    {
        let priority = match priority.as_deref().map(|p| (p, Priority::parse(p))) {
            None => None,
            Some((_, Some(p))) => Some(p),
            Some((p, None)) => return Answer::error(t!("control-bad-priority", given = p)),
        };
        let prepared = match (file, say) {
            (Some(file), _) => file_programme(shared, file, title.clone(), priority).await,
            (None, Some(text)) => say_programme(shared, text, title.clone(), priority).await,
            (None, None) => return Answer::error(t!("control-now-what")),
        };
        let (programme, action) = match prepared {
            Ok(p) => p,
            Err(refused) => return refused,
        };
        let _turn = ONE_AT_A_TIME.lock().await;
        return air_now(shared, engine, op, programme, action).await;
    }
    let _turn = ONE_AT_A_TIME.lock().await;
    handle(request, op, shared, engine, wake).await
}

/// Listens on the socket until the daemon stops. A socket that cannot be made is reported and
/// the daemon goes on without it: scheduled airing does not depend on it.
pub async fn serve(shared: Arc<Shared>, engine: Line, wake: Arc<Notify>) {
    let path = socket_path(&shared.config.station.data);
    // A socket left by a daemon that was killed: the data folder's lock says no other runs.
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            let line = t!("control-cannot-listen", path = path.display(), why = e);
            tracing::error!("{line}");
            shared.error(line);
            return;
        }
    };
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o660)) {
            tracing::warn!(error = %e, "{}", t!("control-cannot-listen", path = path.display(), why = e));
        }
    }
    tracing::info!(path = %path.display(), "{}", t!("control-listening"));
    let held = Arc::new(Held::default());
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: not a reason to spin, nor to stop listening.
            Err(e) => {
                tracing::warn!(error = %e, "{}", t!("control-accept-failed"));
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                continue;
            }
        };
        let uid = stream.peer_cred().ok().map(|c| c.uid());
        let Some(slot) = held.take(uid) else {
            // Over its share: closed at once, and said once per run of refusals, with who.
            if held.refused(uid) {
                let line = t!(
                    "control-too-many",
                    uid = uid.map_or_else(|| "?".into(), |u| u.to_string()),
                    user = uid.map(user_name).unwrap_or_default(),
                    per_user = PER_USER,
                    total = AT_ONCE
                );
                tracing::warn!("{line}");
                shared.error(line);
            }
            continue;
        };
        let (shared, engine, wake) = (shared.clone(), engine.clone(), wake.clone());
        tokio::spawn(async move {
            let _ = serve_one(stream, &shared, &engine, &wake).await;
            drop(slot);
        });
    }
}

/// Connections the socket serves at once, in all and for one user: a member of the group that
/// opened 1,100 of them took every file descriptor the daemon had, and every programme then
/// failed with "Too many open files".
const AT_ONCE: usize = 64;
const PER_USER: usize = 8;

/// The connections open now, per Unix user.
#[derive(Default)]
struct Held {
    open: std::sync::Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    per_user: HashMap<Option<u32>, usize>,
    /// Users refused since their last accepted connection (said once).
    refused: std::collections::HashSet<Option<u32>>,
}

/// One counted connection; uncounted when dropped.
struct HeldSlot(Arc<Held>, Option<u32>);

impl Held {
    fn take(self: &Arc<Self>, uid: Option<u32>) -> Option<HeldSlot> {
        let mut g = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let total = g.total;
        let mine = g.per_user.entry(uid).or_insert(0);
        if total >= AT_ONCE || *mine >= PER_USER {
            return None;
        }
        *mine += 1;
        g.total += 1;
        g.refused.remove(&uid);
        Some(HeldSlot(self.clone(), uid))
    }

    /// Records a refusal for `uid`; true the first time since its last accepted connection.
    fn refused(&self, uid: Option<u32>) -> bool {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).refused.insert(uid)
    }
}

impl Drop for HeldSlot {
    fn drop(&mut self) {
        let mut g = self.0.open.lock().unwrap_or_else(|p| p.into_inner());
        g.total = g.total.saturating_sub(1);
        if let Some(n) = g.per_user.get_mut(&self.1) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                g.per_user.remove(&self.1);
            }
        }
    }
}

/// One connection: one request, one answer. Requests are handled one at a time across all
/// connections, so two operators' commands never interleave.
async fn serve_one(stream: UnixStream, shared: &Arc<Shared>, engine: &Line, wake: &Arc<Notify>) -> std::io::Result<()> {
    let operator = match stream.peer_cred() {
        Ok(c) => Operator {
            uid: Some(c.uid()),
            name: user_name(c.uid()),
            via: "socket",
        },
        Err(_) => Operator {
            uid: None,
            name: "?".into(),
            via: "socket",
        },
    };
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    // A request is a few hundred bytes (a spoken text a few kB): more is refused, and said so.
    let mut reader = BufReader::new(tokio::io::AsyncReadExt::take(read, MAX_REQUEST as u64));
    // A client that connects and says nothing is let go.
    tokio::time::timeout(std::time::Duration::from_secs(10), reader.read_line(&mut line))
        .await
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))??;
    let answer = match serde_json::from_str::<Envelope>(&line) {
        // Cut off at the bound, before its end: too long, not malformed.
        Err(_) if line.len() >= MAX_REQUEST && !line.ends_with('\n') => {
            Answer::error(t!("control-too-large", kb = MAX_REQUEST / 1024))
        }
        Ok(e) if e.v != VERSION => Answer::error(t!("control-version", theirs = e.v, ours = VERSION)),
        Ok(Envelope {
            request: Request::Live(request),
            ..
        }) => {
            // Only the start takes a turn: while the live lasts, other commands (an
            // emergency `now`, a `stop`) go through.
            let begun = {
                let _turn = ONE_AT_A_TIME.lock().await;
                super::live::begin(request, &operator, shared, engine).await
            };
            match begun {
                Ok((session, answer)) => {
                    write_answer(&mut write, &answer).await?;
                    session.run(shared, &mut reader, &mut write).await;
                    return Ok(());
                }
                Err(refused) => refused,
            }
        }
        Ok(e) => execute(e.request, &operator, shared, engine, wake).await,
        Err(e) => Answer::error(t!("control-bad-request", why = e)),
    };
    write_answer(&mut write, &answer).await
}

async fn write_answer(write: &mut (impl tokio::io::AsyncWrite + Unpin), answer: &Answer) -> std::io::Result<()> {
    let mut out = serde_json::to_vec(answer).unwrap_or_default();
    out.push(b'\n');
    write.write_all(&out).await
}

async fn handle(request: Request, op: &Operator, shared: &Arc<Shared>, engine: &Line, wake: &Arc<Notify>) -> Answer {
    match request {
        Request::Now {
            id,
            file,
            say,
            title,
            priority,
            post,
            channels,
        } => {
            let priority = match priority.as_deref().map(|p| (p, Priority::parse(p))) {
                None => None,
                Some((_, Some(p))) => Some(p),
                Some((p, None)) => return Answer::error(t!("control-bad-priority", given = p)),
            };
            match (id, file, say) {
                (_, Some(file), _) => now_file(shared, engine, op, &file, title, priority).await,
                (_, None, Some(text)) => now_say(shared, engine, op, &text, title, priority).await,
                (Some(id), None, None) => {
                    let asked = Asked {
                        priority,
                        post,
                        channels,
                    };
                    now(shared, engine, wake, op, &id, asked).await
                }
                (None, None, None) => Answer::error(t!("control-now-what")),
            }
        }
        // Handled by `serve_one`: its connection outlives the answer.
        Request::Live(_) => Answer::error(t!("control-internal")),
        Request::Stop | Request::Skip => {
            let (action, then) = match request {
                Request::Skip => ("skip", AfterStop::Next),
                _ => ("stop", AfterStop::Hold),
            };
            let by = format!("operator:{}", op.name);
            let Some(stopped) = engine.with(move |e| e.stop(&by, then)).await.flatten() else {
                return Answer::error(t!("control-no-line"));
            };
            record(
                shared,
                op,
                json!({ "action": action, "key": stopped.on_air, "held": stopped.held, "next": stopped.next }),
            )
            .await;
            Answer {
                key: stopped.on_air,
                held: stopped.held,
                next: stopped.next,
                ..Answer::ok()
            }
        }
        Request::Queue => {
            let (on_air, waiting) = engine.with(|e| e.lineup()).await.unwrap_or_default();
            let entry = |l: Lined| LineEntry {
                key: l.key,
                title: l.title,
                priority: l.priority.as_str().into(),
                at: l.scheduled_at,
            };
            Answer {
                on_air: on_air.map(entry),
                waiting: waiting.into_iter().map(entry).collect(),
                ..Answer::ok()
            }
        }
    }
}

/// How an operator asked for a broadcast to air now.
struct Asked {
    priority: Option<Priority>,
    post: bool,
    channels: Option<Vec<String>>,
}

/// Airs broadcast `id` now: the programme the scheduler would build for an occurrence at this
/// second, at `priority` if given, and its posts unless `post` is false.
async fn now(shared: &Arc<Shared>, engine: &Line, wake: &Arc<Notify>, op: &Operator, id: &str, asked: Asked) -> Answer {
    let Asked {
        priority,
        post,
        channels,
    } = asked;
    let set = shared.set();
    let Some(broadcast) = set.get(id) else {
        let ids = set.broadcasts.iter().map(|b| b.id.as_str());
        return Answer::error(match crate::domain::text::did_you_mean(id, ids) {
            Some(near) => t!("control-no-broadcast-near", id = id, near = near),
            None => t!("control-no-broadcast", id = id),
        });
    };
    let mut b = broadcast.clone();
    if let Some(list) = channels {
        let known: Vec<&str> = shared.config.channel_names().collect();
        if let Some(bad) = list.iter().find(|c| !known.contains(&c.as_str())) {
            return Answer::error(t!(
                "control-no-channel",
                channel = bad.clone(),
                known = known.join(", ")
            ));
        }
        if b.post.is_none() && list.iter().any(|c| c != crate::domain::broadcast::LOUDSPEAKER) {
            return Answer::error(t!("control-no-post", id = id));
        }
        b.channels = list;
    } else if !broadcast.on_loudspeaker() {
        return Answer::error(t!("control-not-on-loudspeaker", id = id));
    }
    if let Some(p) = priority {
        b.priority = p;
    }
    let air = b.on_loudspeaker();
    // Now, not on the next second: an emergency must not wait. (The key, `id@instant`, shows
    // the second.)
    let at = Utc::now();
    let (audio, media) = (shared.config.audio.clone(), shared.config.station.media.clone());
    let speech = match super::voice::for_occurrence(shared, &b, at).await.filter(|_| air) {
        None => None,
        Some(Ok(part)) => Some(part),
        Some(Err(why)) => return Answer::error(t!("tts-render-failed", id = id, why = why)),
    };
    let relay = air.then(|| super::scheduler::relay_feed(shared, &b, at)).flatten();
    let built = tokio::task::spawn_blocking(move || {
        let o = Occurrence { at, broadcast: &b };
        let p = crate::playout::Programme::for_occurrence(
            &o,
            &audio,
            &media,
            &mut Default::default(),
            speech.as_ref(),
            relay,
        );
        (p, b)
    })
    .await;
    let Ok((programme, b)) = built else {
        return Answer::error(t!("control-internal"));
    };
    let key = programme.key.clone();
    if air && let Err(refused) = not_yet_on_the_line(engine, &programme).await {
        return refused;
    }
    record(
        shared,
        op,
        json!({ "action": "now", "id": id, "key": key, "priority": b.priority.as_str(), "post": post, "channels": b.channels }),
    )
    .await;
    if air && let Err(refused) = hand_over(shared, engine, programme).await {
        return refused;
    }
    let mut posted = Vec::new();
    if post {
        let o = Occurrence { at, broadcast: &b };
        for ch in b
            .channels
            .iter()
            .filter(|c| *c != crate::domain::broadcast::LOUDSPEAKER)
        {
            let Some(cfg) = shared.config.channels.get(ch) else {
                continue;
            };
            match outbox::delivery(&shared.config, &b, at, cfg) {
                Ok(d) => match outbox::queue(&shared.outbox, &shared.history, d, b.campaign.clone()).await {
                    Ok(_) => posted.push(ch.clone()),
                    Err(e) => shared.error(format!("{key} → {ch}: {e}")),
                },
                Err(reason) => {
                    let e = Event::new(Kind::PostFailed, json!({ "reason": reason }))
                        .for_occurrence(&o)
                        .channel(ch.clone());
                    let _ = shared.history.record(e).await;
                }
            }
        }
        wake.notify_waiters();
    }
    Answer {
        key: Some(key),
        posted,
        ..Answer::ok()
    }
}

/// Airs a file of the media folder now, between the station's chimes: an announcement recorded
/// a minute ago. It is checked to lie inside the media folder (no `..`, no link out of it), and
/// nothing is posted (there is no text).
async fn now_file(
    shared: &Arc<Shared>,
    engine: &Line,
    op: &Operator,
    file: &str,
    title: Option<String>,
    priority: Option<Priority>,
) -> Answer {
    match file_programme(shared, file, title, priority).await {
        Ok((programme, action)) => air_now(shared, engine, op, programme, action).await,
        Err(refused) => refused,
    }
}

/// `now --file`'s programme, and what its action records (read and hashed: before the turn).
async fn file_programme(
    shared: &Arc<Shared>,
    file: &str,
    title: Option<String>,
    priority: Option<Priority>,
) -> Result<(crate::playout::Programme, serde_json::Value), Answer> {
    let media = shared.config.station.media.clone();
    let path = media.join(file);
    if let Err(e) = crate::files::open_inside(&media, &path) {
        return Err(Answer::error(t!(
            "control-bad-file",
            file = file,
            media = media.display(),
            why = e
        )));
    }
    let stem = std::path::Path::new(file)
        .file_stem()
        .map_or_else(|| file.to_string(), |s| s.to_string_lossy().into_owned());
    let id = format!("now:{stem}");
    let title = title.unwrap_or_else(|| stem.clone());
    let priority = priority.unwrap_or(Priority::Normal);
    let sha256 = {
        let (media, path) = (media.clone(), path.clone());
        tokio::task::spawn_blocking(move || crate::history::event::Fingerprints::default().sha256(&media, &path))
            .await
            .ok()
            .flatten()
    };
    let record =
        json!({ "title": title, "priority": priority.as_str(), "audio": [{ "path": file, "sha256": sha256 }] });
    let programme = ad_hoc(
        shared,
        &id,
        &title,
        priority,
        (&[], std::slice::from_ref(&path)),
        record,
    );
    Ok((programme, json!({ "file": file })))
}

/// An operator's programme of its own (`now --file`, `now --say`), airing at once: the
/// station's chimes around the speech, then the files.
pub(super) fn ad_hoc(
    shared: &Shared,
    id: &str,
    title: &str,
    priority: Priority,
    (speech, files): (&[std::path::PathBuf], &[std::path::PathBuf]),
    record: serde_json::Value,
) -> crate::playout::Programme {
    let (audio, media) = (&shared.config.audio, &shared.config.station.media);
    let at = Utc::now();
    crate::playout::Programme {
        key: crate::domain::plan::key(id, at),
        broadcast_id: id.to_string(),
        title: title.to_string(),
        priority,
        scheduled_at: at,
        segments: crate::playout::programme::segments(
            audio.chime.as_ref().map(|c| media.join(c)),
            speech,
            files,
            1,
            std::time::Duration::ZERO,
            audio.closing_chime.as_ref().map(|c| media.join(c)),
        ),
        volume: audio.volume,
        campaign: None,
        record,
        root: Some(media.clone()),
    }
}

/// Puts an operator's own programme on the line, recorded as their `now` (with `action`'s
/// details): refused when the line has it already.
async fn air_now(
    shared: &Arc<Shared>,
    engine: &Line,
    op: &Operator,
    programme: crate::playout::Programme,
    mut action: serde_json::Value,
) -> Answer {
    if let Err(refused) = not_yet_on_the_line(engine, &programme).await {
        return refused;
    }
    let key = programme.key.clone();
    action["action"] = json!("now");
    action["title"] = json!(programme.title);
    action["key"] = json!(key);
    action["priority"] = json!(programme.priority.as_str());
    action["post"] = json!(false);
    record(shared, op, action).await;
    if let Err(refused) = hand_over(shared, engine, programme).await {
        return refused;
    }
    Answer {
        key: Some(key),
        ..Answer::ok()
    }
}

/// Reads a text typed now with the station's voice, between its chimes: the storm warning that
/// has no recording yet. The text is normalised first (what cannot be read with certainty is
/// refused, as `check` does), and an urgent one never waits for a cloud voice.
async fn now_say(
    shared: &Arc<Shared>,
    engine: &Line,
    op: &Operator,
    text: &str,
    title: Option<String>,
    priority: Option<Priority>,
) -> Answer {
    match say_programme(shared, text, title, priority).await {
        Ok((programme, action)) => air_now(shared, engine, op, programme, action).await,
        Err(refused) => refused,
    }
}

/// `now --say`'s programme, and what its action records (rendered: before the turn).
async fn say_programme(
    shared: &Arc<Shared>,
    text: &str,
    title: Option<String>,
    priority: Option<Priority>,
) -> Result<(crate::playout::Programme, serde_json::Value), Answer> {
    let chars = text.chars().count();
    if chars > crate::speech::settings::MAX_SPEAK_CHARS {
        let max = crate::speech::settings::MAX_SPEAK_CHARS;
        return Err(Answer::error(format!(
            "{} ({})",
            t!("check-speak-too-long", n = chars, max = max),
            t!("check-speak-too-long-hint")
        )));
    }
    let spoken = match crate::speech::normalise::normalise(text, &shared.config.tts.lexicon) {
        Ok(s) => s,
        Err(e) => return Err(Answer::error(format!("{} ({})", e.message, e.hint))),
    };
    let priority = priority.unwrap_or(Priority::Normal);
    let spec = crate::speech::render::Spec {
        text: text.to_string(),
        spoken,
        provider: None,
        voice: None,
        speed: None,
    };
    let rendered = match shared.speech.render(&spec, priority != Priority::Normal).await {
        Ok(r) => r,
        Err(why) => return Err(Answer::error(t!("tts-render-failed", id = "now:say", why = why))),
    };
    let part = super::voice::part(shared, &rendered);
    let title = title.unwrap_or_else(|| {
        let words: Vec<&str> = text.split_whitespace().take(8).collect();
        let short = words.join(" ");
        if short.len() < text.trim().len() {
            format!("{short}…")
        } else {
            short
        }
    });
    let record = json!({ "title": title, "priority": priority.as_str(), "audio": [], "speech": part.record });
    let programme = ad_hoc(shared, "now:say", &title, priority, (&part.files, &[]), record);
    Ok((programme, json!({ "say": text })))
}

/// The login name of `uid` (from the system's user database), or the number.
fn user_name(uid: u32) -> String {
    let mut buf = vec![0u8; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: getpwuid_r writes into `pwd` and `buf`, both owned here and large enough (it
    // says ERANGE otherwise); `found` is null or points at `pwd`.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr().cast(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return uid.to_string();
    }
    // SAFETY: pw_name points into `buf`, NUL-terminated by getpwuid_r.
    unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) }
        .to_string_lossy()
        .into_owned()
}
