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

/// Like [`outln!`], for lines that carry text from files or the history: control characters
/// are shown as `�` (see [`Printable`]).
#[macro_export]
macro_rules! showln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!($crate::console::Printable::new(::std::io::stdout()), $($arg)*);
    }};
}

/// Set once by the daemon under `--log-format json`: then every line it writes, the start-up
/// summary and the refusals included, goes out as a JSON log record (issue #20).
static JSON_LOGS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Makes [`say`], [`error`], [`warning`] and [`help`] write JSON log records.
pub fn log_as_json() {
    JSON_LOGS.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn json_logs() -> bool {
    JSON_LOGS.load(std::sync::atomic::Ordering::Relaxed)
}

/// A line for the operator on stdout (the daemon's start-up summary), or an info record.
pub fn say(line: impl std::fmt::Display) {
    if json_logs() {
        tracing::info!(target: "loaxa::summary", "{line}");
    } else {
        outln!("{line}");
    }
}

/// `error: …` on stderr, the word in the people's language (`lỗi: …`).
pub fn error(message: impl std::fmt::Display) {
    if json_logs() {
        tracing::error!("{message}");
    } else {
        errln!("{}: {message}", t!("diag-error"));
    }
}

/// `warning: …` on stderr, the word in the people's language (`cảnh báo: …`).
pub fn warning(message: impl std::fmt::Display) {
    if json_logs() {
        tracing::warn!("{message}");
    } else {
        errln!("{}: {message}", t!("diag-warning"));
    }
}

/// `help: …` on stderr, the word in the people's language (`gợi ý: …`).
pub fn help(message: impl std::fmt::Display) {
    if json_logs() {
        tracing::info!("{message}");
    } else {
        errln!("{}: {message}", t!("diag-help"));
    }
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

/// A writer for text that came from files and the history: control characters (ESC, CR, BEL,
/// backspace, and their 8-bit C1 forms) become `�`, so a title cannot move the cursor, rewrite
/// earlier lines, recolour or retitle the terminal of whoever reads it. Newlines and tabs
/// pass. For output that is not ours to format (JSON escapes them by itself).
pub struct Printable<W: std::io::Write> {
    inner: W,
    /// A 0xC2 byte held back: the start of a two-byte character that may be a C1 control.
    held: bool,
}

impl<W: std::io::Write> Printable<W> {
    pub fn new(inner: W) -> Printable<W> {
        Printable { inner, held: false }
    }
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl<W: std::io::Write> std::io::Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len() + 2);
        for &b in buf {
            if self.held {
                self.held = false;
                if (0x80..=0x9F).contains(&b) {
                    out.extend_from_slice(REPLACEMENT);
                    continue;
                }
                out.push(0xC2);
            }
            match b {
                b'\n' | b'\t' => out.push(b),
                0x00..=0x1F | 0x7F => out.extend_from_slice(REPLACEMENT),
                0xC2 => self.held = true,
                _ => out.push(b),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.held {
            self.held = false;
            self.inner.write_all(&[0xC2])?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Printable<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
}

/// The same for one string, keeping every byte offset (a control byte becomes `?`, a C1
/// control `¿`): for source text that diagnostics point into by byte.
pub fn printable_same_width(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(match c {
            '\n' | '\t' => c,
            // A CR of a CRLF line end is harmless; a lone one would rewrite the line.
            '\r' if chars.peek() == Some(&'\n') => c,
            c if (c as u32) < 0x20 || c as u32 == 0x7F => '?',
            c if (0x80..=0x9F).contains(&(c as u32)) => '¿',
            c => c,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        let mut out = Vec::new();
        {
            let mut w = Printable::new(&mut out);
            w.write_all("Bản tin\x1b[2J\rxoá\u{9b}31m\tok\n".as_bytes()).unwrap();
            // A C1 control split across two writes.
            w.write_all(&[b'a', 0xC2]).unwrap();
            w.write_all(&[0x9B, b'b', 0xC2]).unwrap();
            w.write_all(&[0xA0]).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "Bản tin\u{FFFD}[2J\u{FFFD}xoá\u{FFFD}31m\tok\na\u{FFFD}b\u{A0}");
    }

    #[test]
    fn source_text_keeps_its_byte_offsets() {
        let s = "title = \"a\x1bb\u{9b}c\rd\"\r\n";
        let p = printable_same_width(s);
        assert_eq!(p.len(), s.len());
        assert_eq!(p, "title = \"a?b¿c?d\"\r\n");
    }
}
