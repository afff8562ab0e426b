//! Who is sending an outbox row: the daemon and `loaxa post` both claim rows, and a row left
//! `sending` by a process that was killed must be told apart from one another process is
//! sending right now (taking that one over would post twice).
//!
//! A process is named by its pid and its start time (from `/proc/<pid>/stat`), so a pid reused
//! by a later process is not mistaken for the one that claimed the row.

use std::sync::OnceLock;

/// This process's tag, `PID:START`.
pub fn this_process() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let pid = std::process::id();
        format!("{pid}:{}", start_time(pid).unwrap_or(0))
    })
}

/// The pid in a tag.
pub fn pid(tag: &str) -> Option<u32> {
    tag.split(':').next()?.parse().ok()
}

/// False when the tagged process is certainly gone: no such pid, or a pid that now belongs
/// to a process started at another time. True when it runs or cannot be told (no `/proc`).
pub fn alive(tag: &str) -> bool {
    let Some((pid, start)) = tag.split_once(':') else {
        return false;
    };
    let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
        return false;
    };
    if !std::path::Path::new("/proc/self/stat").exists() {
        return true;
    }
    match start_time(pid) {
        Some(t) => t == start,
        // Not readable: gone, or hidden from this user (`hidepid`). Ask the kernel: only
        // "no such process" is certain.
        None => !no_such_process(pid),
    }
}

fn no_such_process(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// Field 22 of `/proc/<pid>/stat`: when the process started, in clock ticks after boot.
fn start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_reused_pid_is_not() {
        let me = this_process();
        assert!(alive(me), "{me}");
        assert_eq!(pid(me), Some(std::process::id()));
        let reused = format!("{}:1", std::process::id());
        assert!(!alive(&reused));
        assert!(!alive("4194304999:5"));
        assert!(!alive("nonsense"));
    }
}
