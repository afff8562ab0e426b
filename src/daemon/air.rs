//! Putting an operator's programme on the line and recording who did it: the steps that
//! `now` (the socket and the dashboard), `live` and the province's bulletins share, so that
//! none of them goes around the single line or the history.

use serde_json::json;

use super::line::Line;
use super::protocol::Answer;
use super::state::Shared;
use crate::domain::event::Kind;
use crate::history::Event;

/// Who is asking: a Unix user, as the kernel says, or a dashboard user who logged in.
pub struct Operator {
    /// None for a dashboard user.
    pub uid: Option<u32>,
    pub name: String,
    /// `socket` or `dashboard`.
    pub via: &'static str,
}

/// Refuses a programme whose occurrence the line already has: a second `now` of the same
/// broadcast in the same second (two officers, or a double press) would otherwise be taken as
/// the same occurrence and dropped while the answer said it was queued.
pub(super) async fn not_yet_on_the_line(engine: &Line, programme: &crate::playout::Programme) -> Result<(), Answer> {
    let p = programme.clone();
    match engine.with(move |e| e.knows(&p)).await {
        Some(false) => Ok(()),
        Some(true) => Err(Answer::error(t!(
            "control-already-on-line",
            key = programme.key.clone()
        ))),
        None => Err(Answer::error(t!("control-no-line"))),
    }
}

/// Gives the programme to the loudspeaker line, known to the history's recorder as a
/// scheduled one is; an answer saying why when the line is gone.
pub(super) async fn hand_over(
    shared: &Shared,
    engine: &Line,
    programme: crate::playout::Programme,
) -> Result<(), Answer> {
    shared
        .programmes
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(programme.key.clone(), programme.clone());
    match engine.with(move |e| e.submit(programme)).await {
        Some(()) => Ok(()),
        None => Err(Answer::error(t!("control-no-line"))),
    }
}

/// Records an operator's action, with who and how.
pub(super) async fn record(shared: &Shared, op: &Operator, mut details: serde_json::Value) {
    details["user"] = json!(op.name);
    details["uid"] = json!(op.uid);
    details["via"] = json!(op.via);
    let _ = shared.history.record(Event::new(Kind::OperatorAction, details)).await;
}
