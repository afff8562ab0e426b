//! How a run of loaxa ends, as scripts, cron jobs and systemd read it: one set of exit codes
//! for every command and for the daemon, so `loaxa check && …` and the unit's restart policy
//! mean the same thing whichever part stopped.

/// The schedules (or what a command was asked to act on) are invalid.
pub const EXIT_INVALID: u8 = 1;
/// A usage or configuration error: fix the command line or `loaxa.toml`.
pub const EXIT_USAGE: u8 = 2;
/// A part of the daemon failed (sysexits' EX_SOFTWARE): systemd restarts it.
pub const EXIT_SOFTWARE: u8 = 70;
