//! Lines for a person on the terminal, written without ever panicking.
//!
//! `println!` and `eprintln!` panic when the write fails, and a daemon's output fails in
//! ordinary ways: a full disk under a redirected log, journald restarted (EPIPE), a terminal
//! closed. A panic there kills the thread that only wanted to say something, which under
//! `make soak` took the history writer, the scheduler and two channel workers with it. So the
//! daemon and the commands that change state (`post`, `play`) write through these macros, and a
//! line that cannot be written is lost instead of the work.

/// Like `println!`, but a failed write is ignored.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stdout(), $($arg)*);
    }};
}

/// Like `eprintln!`, but a failed write is ignored.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

/// Read-only commands (`check`, `plan`, `history`, `verify`, `report`, `status`, `devices`)
/// end quietly when their reader goes away (`loaxa verify | head -1`), as `cat` does, instead
/// of panicking on the closed pipe. Commands that change state keep ignoring SIGPIPE so they
/// never stop half-way, and write through [`outln!`].
pub fn end_quietly_on_closed_pipe() {
    // SAFETY: resetting a signal disposition to its default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
