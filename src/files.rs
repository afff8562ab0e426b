//! Opening files that staff control: schedule files, media, images, the saved schedule copy.
//!
//! Anything in those folders can change between `loaxa check` and air time. A FIFO named
//! `x.toml` or `tone.wav` would block the open (and with it a tokio worker, `/healthz` and
//! SIGTERM) forever; a link to `/dev/zero` would read until memory runs out; a link to a token
//! file would be read and published. So every open here:
//! - resolves the path and refuses one that leaves its folder (`open_inside`);
//! - opens with `O_NONBLOCK` (a FIFO cannot block the open) and `O_NOFOLLOW` on the resolved
//!   path (a link swapped in after resolving is refused);
//! - accepts only a regular file (checked on the open descriptor, not the name);
//! - reads at most the size it saw, and at most a caller's limit.
//!
//! These are still blocking calls (a slow disk is slow): async callers run them with
//! `spawn_blocking`.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Error, ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Opens `path` as a regular file without blocking on FIFOs or devices.
pub fn open_regular(path: &Path) -> std::io::Result<(File, Metadata)> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, not_regular(&meta)));
    }
    Ok((file, meta))
}

/// Opens `path` as a regular file that resolves inside `root` (links inside are fine).
pub fn open_inside(root: &Path, path: &Path) -> std::io::Result<(File, Metadata, PathBuf)> {
    let resolved = resolve_inside(root, path)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_CLOEXEC | libc::O_NOFOLLOW)
        .open(&resolved)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, not_regular(&meta)));
    }
    Ok((file, meta, resolved))
}

/// Where `path` really is, provided that is inside `root`.
pub fn resolve_inside(root: &Path, path: &Path) -> std::io::Result<PathBuf> {
    let root = root.canonicalize()?;
    let resolved = path.canonicalize()?;
    if !resolved.starts_with(&root) {
        return Err(Error::new(
            ErrorKind::PermissionDenied,
            t!("files-outside", folder = root.display()),
        ));
    }
    Ok(resolved)
}

/// Reads a whole regular file of at most `limit` bytes.
pub fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let (file, meta) = open_regular(path)?;
    read_bounded(file, &meta, limit)
}

/// Reads a whole regular file inside `root` of at most `limit` bytes.
pub fn read_inside(root: &Path, path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let (file, meta, _) = open_inside(root, path)?;
    read_bounded(file, &meta, limit)
}

fn read_bounded(file: File, meta: &Metadata, limit: u64) -> std::io::Result<Vec<u8>> {
    if meta.len() > limit {
        return Err(too_large(meta.len(), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // One byte more than allowed tells a file that grew while it was read.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn too_large(size: u64, limit: u64) -> Error {
    Error::new(
        ErrorKind::FileTooLarge,
        format!(
            "it is {:.1} MB, more than the {:.1} MB allowed here",
            size as f64 / 1e6,
            limit as f64 / 1e6
        ),
    )
}

fn not_regular(meta: &Metadata) -> String {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let kind = if t.is_fifo() {
        "fifo"
    } else if t.is_char_device() || t.is_block_device() {
        "device"
    } else if t.is_socket() {
        "socket"
    } else if t.is_dir() {
        "folder"
    } else {
        "other"
    };
    t!("files-not-regular", kind = kind)
}

/// Writes a file whole or not at all: into a temporary file beside it, synced, then renamed
/// over it. A reader (or a crash) never sees half of it.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    drop(f);
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mkfifo(p: &Path) {
        let c = std::ffi::CString::new(p.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn fifos_devices_and_links_out_are_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("media");
        std::fs::create_dir(&root).unwrap();
        mkfifo(&root.join("pipe.wav"));
        std::os::unix::fs::symlink("/dev/zero", root.join("zero.wav")).unwrap();
        std::fs::write(dir.path().join("token"), "secret").unwrap();
        std::os::unix::fs::symlink("../token", root.join("leak.wav")).unwrap();
        std::fs::write(root.join("ok.wav"), "data").unwrap();
        std::os::unix::fs::symlink("ok.wav", root.join("alias.wav")).unwrap();

        let e = read_inside(&root, &root.join("pipe.wav"), 100).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = read_regular(&root.join("zero.wav"), 100).unwrap_err();
        assert!(e.to_string().contains("device"), "{e}");
        let e = read_inside(&root, &root.join("leak.wav"), 100).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PermissionDenied);
        assert_eq!(read_inside(&root, &root.join("alias.wav"), 100).unwrap(), b"data");
        let e = read_inside(&root, &root.join("ok.wav"), 3).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::FileTooLarge);
    }
}
