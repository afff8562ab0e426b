//! Opening files that staff control: schedule files, media, images, the saved schedule copy.
//!
//! Anything in those folders can change between `loaxa check` and air time. A FIFO named
//! `x.toml` or `tone.wav` would block the open (and with it a tokio worker, `/healthz` and
//! SIGTERM) forever; a link to `/dev/zero` would read until memory runs out; a link to a token
//! file would be read and published. So every open here:
//! - opens a path that must stay in its folder *beneath* that folder's descriptor (`openat2`
//!   with `RESOLVE_BENEATH`, `open_inside`): the kernel refuses any step out of it, by `..`, by
//!   a link, or by a subfolder swapped for a link while the path is resolved (resolving first
//!   and opening by name after let a `RENAME_EXCHANGE` race air files from outside `media/`).
//!   A path that names somewhere else is refused before anything is looked up, so an error
//!   never tells which paths outside exist;
//! - opens with `O_NONBLOCK` (a FIFO cannot block the open);
//! - accepts only a regular file (checked on the open descriptor, not the name);
//! - reads at most the size it saw, and at most a caller's limit.
//!
//! These are still blocking calls (a slow disk is slow): async callers run them with
//! `spawn_blocking`.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{Error, ErrorKind, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Schedule and configuration files are a few kilobytes of text; anything this big is the
/// wrong file (a recording renamed to .toml, a runaway generator) and is refused before it is
/// read.
pub const MAX_TEXT_FILE_BYTES: u64 = 1024 * 1024;

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

/// Opens `path` as a regular file that resolves inside `root` (links inside are fine): the
/// file, its metadata, and where it really is.
pub fn open_inside(root: &Path, path: &Path) -> std::io::Result<(File, Metadata, PathBuf)> {
    let dir = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(root)?;
    let rel = beneath(root, path)?;
    let file = open_beneath(root, &dir, &rel)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(Error::new(ErrorKind::InvalidInput, not_regular(&meta)));
    }
    // Where the open descriptor really is (not where the name points now).
    use std::os::fd::AsRawFd;
    let resolved =
        std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).unwrap_or_else(|_| root.join(&rel));
    Ok((file, meta, resolved))
}

/// Where `path` really is, provided that is inside `root` (opened beneath it, so what is checked
/// is what exists).
pub fn resolve_inside(root: &Path, path: &Path) -> std::io::Result<PathBuf> {
    open_inside(root, path).map(|(_, _, p)| p)
}

fn outside(root: &Path) -> Error {
    Error::new(
        ErrorKind::PermissionDenied,
        t!("files-outside", folder = root.display()),
    )
}

/// `path` relative to `root`, from the names alone: a path that begins with `root` is taken
/// from there (callers join their folder and a name, and a station started as `--config
/// loaxa.toml` has relative folders: `schedules/x.toml` is `x.toml` in `schedules`, not
/// `schedules/schedules/x.toml`); any other absolute path must begin with `root`'s canonical
/// form; any other relative one is taken as relative to `root`. Nothing on disk is looked at,
/// so a path elsewhere is refused without saying whether it exists.
fn beneath(root: &Path, path: &Path) -> std::io::Result<PathBuf> {
    let rel = if let Ok(rel) = path.strip_prefix(root) {
        rel.to_path_buf()
    } else if path.is_absolute() {
        let canonical = root.canonicalize()?;
        path.strip_prefix(&canonical).map_err(|_| outside(root))?.to_path_buf()
    } else {
        path.to_path_buf()
    };
    if rel.as_os_str().is_empty() {
        return Err(outside(root));
    }
    Ok(rel)
}

/// Opens `rel` beneath the folder `dir` (read-only, non-blocking): `openat2` with
/// `RESOLVE_BENEATH`, or, where the kernel has no `openat2` (before Linux 5.6, or a sandbox
/// that forbids it), a walk one component at a time that follows no link at all.
fn open_beneath(root: &Path, dir: &File, rel: &Path) -> std::io::Result<File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    let name =
        std::ffi::CString::new(rel.as_os_str().as_bytes()).map_err(|e| Error::new(ErrorKind::InvalidInput, e))?;
    // The kernel's struct open_how (linux/openat2.h): flags, mode, resolve, all u64.
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }
    let how = OpenHow {
        flags: (libc::O_RDONLY | libc::O_NONBLOCK | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve: libc::RESOLVE_BENEATH | libc::RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: openat2 reads `name` and `how`, both alive for the call, and returns a new
    // descriptor that is owned by the File made from it.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            dir.as_raw_fd(),
            name.as_ptr(),
            &how as *const OpenHow,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if fd >= 0 {
        // SAFETY: a descriptor openat2 just returned, owned by nothing else.
        return Ok(unsafe { File::from_raw_fd(fd as i32) });
    }
    let e = Error::last_os_error();
    match e.raw_os_error() {
        // No openat2 here (an old kernel), or a sandbox that forbids it.
        Some(libc::ENOSYS | libc::EPERM) => walk_beneath(root, dir, rel),
        // EXDEV: a step out of the folder; ELOOP: a loop of links made to confuse.
        Some(libc::EXDEV | libc::ELOOP) => Err(outside(root)),
        _ => Err(e),
    }
}

/// The fallback: each folder opened with `O_NOFOLLOW | O_DIRECTORY` beneath the last, `..`
/// refused, and the file itself with `O_NOFOLLOW`.
fn walk_beneath(root: &Path, dir: &File, rel: &Path) -> std::io::Result<File> {
    use std::os::fd::{AsRawFd, FromRawFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Component;
    let parts: Vec<&std::ffi::OsStr> = rel
        .components()
        .map(|c| match c {
            Component::Normal(n) => Ok(n),
            Component::CurDir => Ok(std::ffi::OsStr::new(".")),
            _ => Err(outside(root)),
        })
        .collect::<std::io::Result<_>>()?;
    let mut here: Option<File> = None;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let name = std::ffi::CString::new(part.as_bytes()).map_err(|e| Error::new(ErrorKind::InvalidInput, e))?;
        let flags = libc::O_NOFOLLOW
            | libc::O_CLOEXEC
            | libc::O_NONBLOCK
            | if last {
                libc::O_RDONLY
            } else {
                libc::O_DIRECTORY | libc::O_RDONLY
            };
        let at = here.as_ref().unwrap_or(dir).as_raw_fd();
        // SAFETY: openat reads `name`, alive for the call; the new descriptor is owned below.
        let fd = unsafe { libc::openat(at, name.as_ptr(), flags) };
        if fd < 0 {
            let e = Error::last_os_error();
            return Err(if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) {
                outside(root)
            } else {
                e
            });
        }
        // SAFETY: a descriptor openat just returned, owned by nothing else.
        here = Some(unsafe { File::from_raw_fd(fd) });
    }
    here.ok_or_else(|| outside(root))
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

/// Creates `dir` and the folders above it that are missing, readable by loaxa's user only:
/// the data folder holds the history, tokens Zalo refreshes, and what aired.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_folder_and_a_path_joined_to_it_name_the_file_once() {
        let (folder, joined) = (Path::new("schedules"), Path::new("schedules/tin.toml"));
        assert_eq!(beneath(folder, joined).unwrap(), Path::new("tin.toml"));
        assert_eq!(beneath(folder, Path::new("tin.toml")).unwrap(), Path::new("tin.toml"));
        assert_eq!(
            beneath(Path::new("/srv/loa/media"), Path::new("/srv/loa/media/a/b.ogg")).unwrap(),
            Path::new("a/b.ogg")
        );
        assert!(beneath(folder, Path::new("schedules")).is_err(), "the folder itself");
    }

    /// A subfolder swapped for a link out of the folder, as fast as the kernel allows, while the
    /// same file is opened again and again: not one open may read the file outside.
    #[test]
    fn a_subfolder_swapped_for_a_link_never_opens_a_file_outside() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(media.join("sub")).unwrap();
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(media.join("sub/tin.wav"), b"inside").unwrap();
        std::fs::write(outside.join("tin.wav"), b"OUTSIDE").unwrap();
        std::os::unix::fs::symlink(&outside, media.join("swap")).unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let swapper = {
            let stop = stop.clone();
            let a = std::ffi::CString::new(media.join("sub").as_os_str().as_encoded_bytes()).unwrap();
            let b = std::ffi::CString::new(media.join("swap").as_os_str().as_encoded_bytes()).unwrap();
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // SAFETY: renameat2 reads the two paths, alive for the call.
                    unsafe {
                        libc::renameat2(
                            libc::AT_FDCWD,
                            a.as_ptr(),
                            libc::AT_FDCWD,
                            b.as_ptr(),
                            libc::RENAME_EXCHANGE,
                        );
                    }
                }
            })
        };
        let (mut inside, mut refused, mut escaped) = (0, 0, 0);
        for _ in 0..20_000 {
            match read_inside(&media, &media.join("sub/tin.wav"), 64) {
                Ok(b) if b == b"inside" => inside += 1,
                Ok(_) => escaped += 1,
                Err(_) => refused += 1,
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        swapper.join().unwrap();
        assert!(
            inside > 0 && refused > 0,
            "the race was not run: {inside} inside, {refused} refused"
        );
        assert_eq!(
            escaped, 0,
            "{escaped} opens read the file outside ({inside} inside, {refused} refused)"
        );
    }

    /// Where the kernel has no openat2: the walk opens what is inside and refuses `..` and
    /// every link.
    #[test]
    fn the_walk_without_openat2_stays_inside() {
        let dir = tempfile::tempdir().unwrap();
        let media = dir.path().join("media");
        std::fs::create_dir_all(media.join("sub")).unwrap();
        std::fs::write(media.join("sub/a.wav"), b"a").unwrap();
        std::fs::write(dir.path().join("secret"), b"s").unwrap();
        std::os::unix::fs::symlink(dir.path(), media.join("up")).unwrap();
        let root = File::open(&media).unwrap();
        let mut b = String::new();
        walk_beneath(&media, &root, Path::new("sub/a.wav"))
            .unwrap()
            .read_to_string(&mut b)
            .unwrap();
        assert_eq!(b, "a");
        for bad in ["../secret", "up/secret", "sub/../../secret"] {
            let e = walk_beneath(&media, &root, Path::new(bad)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{bad}: {e}");
        }
        // And through open_inside: a path named elsewhere is refused before it is looked up.
        for elsewhere in ["/etc/passwd", "/etc/khong-co"] {
            let e = open_inside(&media, Path::new(elsewhere)).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::PermissionDenied, "{elsewhere}: {e}");
        }
    }

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
