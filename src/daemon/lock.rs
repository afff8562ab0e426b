//! One daemon per data folder.
//!
//! Two daemons on one history would play every programme twice and count it twice, and the
//! second would reset the first one's posts in flight. So `loaxa run` takes an exclusive
//! `flock` on `<data>/loaxa.lock` before it writes anything else, and holds it until it exits;
//! the kernel drops it when the process dies, so a power cut or SIGKILL never leaves a stale
//! lock behind. The file holds the owner's pid, for the refusal message only.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Held while the daemon runs; dropping it releases the folder.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{}", t!("lock-held", data = .data.display(), pid = .pid.map(|p| format!(" (pid {p})")).unwrap_or_default()))]
    Held { data: PathBuf, pid: Option<u32> },
    #[error("{}", t!("lock-failed", data = .data.display(), why = .source))]
    Io {
        data: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Creates the data folder if needed (private to loaxa) and takes its lock.
pub fn acquire(data: &Path) -> Result<InstanceLock, LockError> {
    let io = |source| LockError::Io {
        data: data.to_path_buf(),
        source,
    };
    crate::files::create_private_dir(data).map_err(io)?;
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(data.join("loaxa.lock"))
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(LockError::Held {
                data: data.to_path_buf(),
                pid: text.trim().parse().ok(),
            });
        }
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    // Ours now: say who holds it.
    file.set_len(0).map_err(io)?;
    file.rewind().map_err(io)?;
    writeln!(file, "{}", std::process::id()).map_err(io)?;
    Ok(InstanceLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_folder_is_refused_with_the_owner() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        match acquire(dir.path()) {
            Err(LockError::Held { pid, .. }) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("{other:?}"),
        }
        drop(first);
        acquire(dir.path()).unwrap();
    }
}
