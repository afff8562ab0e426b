//! loaxa, the commune loudspeaker: schedules bulletins, plays them on the loudspeaker line,
//! posts them to the station's web and social channels, and keeps the record of what went out.
//!
//! Data flows one way: schedule files ([`schedule`]) → validated set → occurrences ([`domain::plan`])
//! → playout and outbox → history. Imports go one way too, down: the pure vocabulary in
//! [`domain`] at the bottom, the features above it, the daemon and the commands on top, with
//! no import circle (`tests/architecture.rs` checks; `docs/architecture.md` draws the floors).
//! The parsing, validation and planning steps are pure and are tested without I/O.

#[macro_use]
pub mod i18n;
#[macro_use]
pub mod console;
pub mod agenda;
pub mod central;
pub mod channels;
pub mod claim;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod daemon;
pub mod diagnostic;
pub mod domain;
pub mod exit;
#[doc(hidden)]
pub mod failpoint;
pub mod files;
pub mod history;
pub mod media;
pub mod memory;
pub mod outbox;
pub mod playout;
pub mod redact;
pub mod report;
pub mod schedule;
pub mod secret;
pub mod seen;
pub mod shutdown;
pub mod speech;
