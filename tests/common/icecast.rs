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
</icecast>
"#,
                d = dir.path().display()
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
            .args(["-af", "volume=4", "-ac", "2", "-c:a", "libmp3lame", "-b:a", "128k"])
            .args(["-content_type", "audio/mpeg", "-f", "mp3"])
            .arg(format!("icecast://source:hackme@127.0.0.1:{}/{mount}", self.port))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ffmpeg (Debian package ffmpeg; `make test` installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.mounted(mount) {
            assert!(Instant::now() < deadline, "the mount did not come up: {}", self.log());
            std::thread::sleep(Duration::from_millis(100));
        }
        Feeder(child)
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
