//! The floor every other module stands on: the vocabulary loaxa speaks, with no I/O and nothing
//! imported from above (issue #32).
//!
//! - [`broadcast`]: what a checked broadcast is (level, rule, audio, speech, relay, post);
//! - [`cron`]: cron expressions as broadcasts hold them;
//! - [`event`]: the kinds of event the history records, and their outcome classes;
//! - [`plan`]: when broadcasts air, as occurrences in a window (the planner);
//! - [`text`]: hex, clipping and "did you mean";
//! - [`time`]: UTC instants as the history writes them, and station-local time to UTC;
//! - [`secret`]: where a secret comes from (the name only, never the value);
//! - [`localtime`]: the station's dates and times as officers write and read them.

pub mod broadcast;
pub mod cron;
pub mod event;
pub mod localtime;
pub mod plan;
pub mod secret;
pub mod text;
pub mod time;
