//! The daemon's stop and reload signals, from its first moment.
//!
//! tokio installs its handlers only when asked, and the daemon asked once everything had
//! started: a SIGTERM in the first second (systemd stopping a unit that has just started, a
//! test, an operator's reflex) ended the process by the signal, with no `daemon_stopped` and the
//! history not closed. Now the binary holds SIGTERM, SIGINT and SIGHUP (blocks them) first
//! thing, and every command but `loaxa run` lets them in again once its arguments are read; every thread it starts inherits that, so none of them can be killed by one. Once the
//! handlers are installed the main thread lets them in again, and a signal that came in the
//! meantime is delivered then, to the handler: the daemon stops cleanly, however early it came.

use tokio::signal::unix::{Signal, SignalKind, signal};

/// The signals a daemon stops or reloads on.
fn set() -> libc::sigset_t {
    // SAFETY: sigemptyset and sigaddset only write the set they are given.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

/// Holds the signals on this thread (and every thread it starts from now on).
pub fn hold() {
    let set = set();
    // SAFETY: pthread_sigmask only changes this thread's signal mask.
    unsafe {
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// Lets the signals in again on this thread.
pub fn release() {
    let set = set();
    // SAFETY: as in `hold`.
    unsafe {
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
    }
}

/// tokio's handlers, installed.
pub struct Signals {
    pub term: Signal,
    pub int: Signal,
    pub hup: Signal,
}

impl Signals {
    /// Installs the handlers, then lets the held signals in on this thread (which must be the
    /// one that called [`hold`], the thread that stays alive: `main`'s). `None` if the handlers
    /// cannot be installed: the signals are let in all the same, to their default action.
    pub fn install() -> Option<Signals> {
        let installed = match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(term), Ok(int), Ok(hup)) => Some(Signals { term, int, hup }),
            _ => None,
        };
        release();
        installed
    }
}
