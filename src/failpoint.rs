//! A way for tests to make one long-lived part of the daemon fail as a bug would, to check
//! that the daemon notices (see `daemon::wait_for_stop`) instead of running on half-dead.
//!
//! `LOAXA_TEST_FAILPOINT=<name>` makes [`hit`] panic where that part calls it. Nothing sets it
//! outside the test suite; unset, [`hit`] is one comparison against a value read once.

use std::sync::OnceLock;

/// Panics if the test suite asked this part to fail.
pub fn hit(name: &str) {
    static CHOSEN: OnceLock<Option<String>> = OnceLock::new();
    let chosen = CHOSEN.get_or_init(|| std::env::var("LOAXA_TEST_FAILPOINT").ok());
    if chosen.as_deref() == Some(name) {
        panic!("failpoint `{name}` (LOAXA_TEST_FAILPOINT)");
    }
}
