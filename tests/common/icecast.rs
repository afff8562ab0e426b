//! A real Icecast server (Debian's icecast2) on a free loopback port, fed by a real ffmpeg with
//! a known tone, for the relay tests. Icecast refuses to run as root: as root, the tests run it
//! as `nobody`.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Icecast {
    pub dir: tempfile::TempDir,
    pub port: u16,
    server: Child,
}

fn is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

impl Icecast {
    pub fn start() -> Icecast {
        Icecast::start_with("")
    }

    /// With `mounts` (Icecast's `<mount>` elements) in its configuration; `{dir}` in them is the
    /// server's folder.
    pub fn start_with(mounts: &str) -> Icecast {
        let dir = tempfile::tempdir().expect("tempdir");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let port = super::daemon::free_port();
        let conf = dir.path().join("icecast.xml");
        std::fs::write(
            &conf,
            format!(
                r#"<icecast>
  <location>loaxa test</location><admin>test@localhost</admin>
  <limits><clients>20</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout><source-timeout>3</source-timeout>
    <burst-on-connect>1</burst-on-connect><burst-size>16384</burst-size></limits>
  <authentication><source-password>hackme</source-password><relay-password>hackme</relay-password>
    <admin-user>admin</admin-user><admin-password>hackme</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{d}</logdir><webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot><pidfile>{d}/icecast.pid</pidfile></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot></security>
  {mounts}
</icecast>
"#,
                d = dir.path().display(),
                mounts = mounts.replace("{dir}", &dir.path().display().to_string())
            ),
        )
        .expect("icecast.xml");
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--", "icecast2"]);
            c
        } else {
            Command::new("icecast2")
        };
        let server = cmd
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start icecast2 (Debian package icecast2; `make test` installs it)");
        let ice = Icecast { dir, port, server };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "icecast2 did not start: {}", ice.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        ice
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }

    pub fn url(&self, mount: &str) -> String {
        format!("http://127.0.0.1:{}/{mount}", self.port)
    }

    /// ffmpeg sending a tone (amplitude 0.5) to `mount` in real time, as MP3 at 128 kbps, or
    /// digital silence when `freq` is 0. Waits until the mount is up.
    pub fn feed(&self, mount: &str, freq: u32) -> Feeder {
        self.feed_as(
            mount,
            freq,
            &[
                "-c:a",
                "libmp3lame",
                "-b:a",
                "128k",
                "-content_type",
                "audio/mpeg",
                "-f",
                "mp3",
            ],
        )
    }

    /// The same as AAC-LC in ADTS (what an AAC Icecast mount carries).
    pub fn feed_aac(&self, mount: &str, freq: u32) -> Feeder {
        self.feed_as(
            mount,
            freq,
            &["-c:a", "aac", "-b:a", "96k", "-content_type", "audio/aac", "-f", "adts"],
        )
    }

    /// AAC declared as `audio/aacp` (the HE-AAC content type SHOUTcast stations send): a source
    /// the daemon hands to ffmpeg.
    pub fn feed_aacp(&self, mount: &str, freq: u32) -> Feeder {
        self.feed_as(
            mount,
            freq,
            &[
                "-c:a",
                "aac",
                "-b:a",
                "96k",
                "-content_type",
                "audio/aacp",
                "-f",
                "adts",
            ],
        )
    }

    /// Sets the mount's title (ICY `StreamTitle`), as a studio's playout does, through the
    /// admin interface.
    pub fn set_title(&self, mount: &str, title: &str) {
        use std::io::{Read, Write};
        let song: String = title
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect();
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("icecast");
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        // admin:hackme
        write!(
            s,
            "GET /admin/metadata?mount=/{mount}&mode=updinfo&charset=UTF-8&song={song} HTTP/1.0\r\n\
             Host: 127.0.0.1\r\nAuthorization: Basic YWRtaW46aGFja21l\r\n\r\n"
        )
        .expect("write");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.contains(" 200 "), "icecast refused the title: {answer}");
    }

    /// Adds a listener to a mount whose `<authentication type="htpasswd">` keeps its users (see
    /// [`Icecast::start_with`]), through the admin interface.
    pub fn add_listener(&self, mount: &str, user: &str, password: &str) {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("icecast");
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        write!(
            s,
            "GET /admin/manageauth?mount=/{mount}&action=add&username={user}&password={password} HTTP/1.0\r\n\
             Host: 127.0.0.1\r\nAuthorization: Basic YWRtaW46aGFja21l\r\n\r\n"
        )
        .expect("write");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        assert!(answer.contains("User added"), "icecast refused the listener: {answer}");
    }

    /// A feed with ffmpeg's output options given (codec, content type, container).
    pub fn feed_as(&self, mount: &str, freq: u32, codec: &[&str]) -> Feeder {
        let input = if freq == 0 {
            "anullsrc=r=44100:cl=stereo".to_string()
        } else {
            format!("sine=frequency={freq}:sample_rate=44100")
        };
        let child = Command::new("ffmpeg")
            .args([
                "-nostdin",
                "-hide_banner",
                "-loglevel",
                "error",
                "-re",
                "-f",
                "lavfi",
                "-i",
                &input,
            ])
            .args(["-af", "volume=4", "-ac", "2"])
            .args(codec)
            .arg(format!("icecast://source:hackme@127.0.0.1:{}/{mount}", self.port))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ffmpeg (Debian package ffmpeg; `make test` installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.mounted(mount) && !self.listed(mount) {
            assert!(Instant::now() < deadline, "the mount did not come up: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        Feeder(child)
    }

    /// Whether the admin interface lists the mount as having a source (a mount that asks its
    /// listeners for a password answers them 401 until they give one).
    pub fn listed(&self, mount: &str) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = write!(
            s,
            "GET /admin/listmounts HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic YWRtaW46aGFja21l\r\n\r\n"
        );
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        answer.contains(&format!("mount=\"/{mount}\""))
    }

    /// Whether the mount answers with audio.
    pub fn mounted(&self, mount: &str) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", self.port)) else {
            return false;
        };
        let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = write!(s, "GET /{mount} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap_or(0);
        String::from_utf8_lossy(&buf[..n]).contains(" 200 ")
    }
}

/// The ffmpeg feeding a mount; stopped when dropped.
pub struct Feeder(Child);

impl Feeder {
    /// The source dies (as a studio's encoder does).
    pub fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Drop for Icecast {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
        // runuser's child.
        let pid = self.dir.path().join("icecast.pid");
        if let Ok(p) = std::fs::read_to_string(&pid) {
            let _ = Command::new("kill").arg(p.trim()).status();
        }
        let _ = Path::new(&pid);
    }
}

/// HLS made by ffmpeg (AAC segments of 2 s, a live playlist) and served by a small HTTP
/// server of the test's own on a free loopback port.
pub struct Hls {
    pub dir: tempfile::TempDir,
    pub port: u16,
    _feeder: Feeder,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Hls {
    pub fn start(freq: u32) -> Hls {
        Hls::segmented(freq, 2)
    }

    /// A live playlist of `seconds`-long segments: a client gets the stream in bursts of that
    /// length, one per segment, as from a real HLS server.
    pub fn segmented(freq: u32, seconds: u32) -> Hls {
        let dir = tempfile::tempdir().expect("tempdir");
        let child = Command::new("ffmpeg")
            .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi"])
            .arg("-i")
            .arg(format!("sine=frequency={freq}:sample_rate=44100"))
            .args(["-af", "volume=4", "-ac", "2", "-c:a", "aac", "-b:a", "96k"])
            .args([
                "-f",
                "hls",
                "-hls_time",
                &seconds.to_string(),
                "-hls_list_size",
                "6",
                "-hls_flags",
                "delete_segments",
            ])
            .arg(dir.path().join("live.m3u8"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ffmpeg");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let root = dir.path().to_path_buf();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        std::thread::spawn(move || {
            while !stopping.load(std::sync::atomic::Ordering::Relaxed) {
                match listener.accept() {
                    Ok((s, _)) => {
                        let root = root.clone();
                        std::thread::spawn(move || serve(s, &root));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        let hls = Hls {
            dir,
            port,
            _feeder: Feeder(child),
            stop,
        };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !hls.dir.path().join("live.m3u8").exists() {
            assert!(Instant::now() < deadline, "ffmpeg made no playlist");
            std::thread::sleep(Duration::from_millis(100));
        }
        hls
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/live.m3u8", self.port)
    }
}

impl Drop for Hls {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// One request for a file of `root` (GET, no keep-alive).
fn serve(mut s: std::net::TcpStream, root: &Path) {
    use std::io::{BufRead, BufReader, Write};
    let _ = s.set_nonblocking(false);
    let mut line = String::new();
    let Ok(clone) = s.try_clone() else { return };
    let mut reader = BufReader::new(clone);
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
    }
    let name = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
    let name = name.split('?').next().unwrap_or("");
    match (!name.contains("..")).then(|| std::fs::read(root.join(name))) {
        Some(Ok(body)) => {
            let kind = if name.ends_with(".m3u8") {
                "application/vnd.apple.mpegurl"
            } else {
                "video/mp2t"
            };
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
        _ => {
            let _ = write!(
                s,
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    }
}
