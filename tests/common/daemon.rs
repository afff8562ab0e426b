//! The real `loaxa run` binary on a temporary station: the ALSA capture device as its
//! loudspeaker, a webhook channel pointed at a local server, its HTTP port, its history.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Tz;
use loaxa::history::Store;
use loaxa::history::query::{self, Filter};
use loaxa::history::store::StoredEvent;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::audio::{Capture, tone};

pub const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

pub struct Station {
    pub dir: tempfile::TempDir,
    pub capture: Capture,
    pub port: u16,
}

/// However the test ends (a failed assertion unwinds through here too), no daemon it started on
/// this station outlives it: every process whose command line names this station's loaxa.toml
/// is killed. Orphans left by failing tests used to hold ports and devices and fail later runs.
impl Drop for Station {
    fn drop(&mut self) {
        let config = self.dir.path().join("loaxa.toml");
        let needle = config.as_os_str().as_encoded_bytes().to_vec();
        let Ok(procs) = std::fs::read_dir("/proc") else { return };
        for p in procs.flatten() {
            let Some(pid) = p.file_name().to_str().and_then(|n| n.parse::<i32>().ok()) else {
                continue;
            };
            if pid == std::process::id() as i32 {
                continue;
            }
            let Ok(cmdline) = std::fs::read(p.path().join("cmdline")) else {
                continue;
            };
            if cmdline.split(|b| *b == 0).any(|arg| arg == needle.as_slice()) {
                // SAFETY: kill only sends a signal; the pid was this station's daemon a moment ago.
                unsafe {
                    libc::kill(pid, libc::SIGKILL);
                }
            }
        }
    }
}

/// The resident memory of process `pid` now (kB), from /proc.
pub fn rss_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A local date-time `secs` from now, as a TOML value.
pub fn at(secs: i64) -> String {
    (Utc::now() + chrono::Duration::seconds(secs))
        .with_timezone(&TZ)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string()
}

impl Station {
    /// The line is released between programmes: the capture device is ALSA's `file` plugin,
    /// which takes audio as fast as it is given, and held open on silence it would spin a core.
    /// `tests/sound_server.rs` covers the line held open, on real sound servers.
    pub fn new(webhook: &str, schedule: &str) -> Station {
        let dir = tempfile::tempdir().unwrap();
        let capture = Capture::new();
        let port = free_port();
        std::fs::create_dir(dir.path().join("media")).unwrap();
        tone(&dir.path().join("media/tone.wav"), 660.0, 0.5, 0.5);
        std::fs::write(dir.path().join("secret"), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("secret"), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        std::fs::write(
            dir.path().join("loaxa.toml"),
            format!(
                "[station]\nname = \"Đài xã Thử\"\nlanguage = \"en\"\n[audio]\npreroll_seconds = 1\nrelease_when_idle = true\n[http]\nlisten = \"127.0.0.1:{port}\"\n\
                 [channels.hook]\nkind = \"webhook\"\nurl = \"{webhook}\"\ntoken_file = \"secret\"\n"
            ),
        )
        .unwrap();
        std::fs::create_dir(dir.path().join("schedules")).unwrap();
        std::fs::write(dir.path().join("schedules/main.toml"), schedule).unwrap();
        Station { dir, capture, port }
    }

    /// The same station speaking `language` (`vi`, `en`) to the people who read it.
    pub fn speaking(self, language: &str) -> Station {
        let path = self.dir.path().join("loaxa.toml");
        let config = std::fs::read_to_string(&path).unwrap();
        let config = config.replace("language = \"en\"", &format!("language = \"{language}\""));
        std::fs::write(&path, config).unwrap();
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn start(&self) -> Child {
        self.command().spawn().unwrap()
    }

    /// Adds the station's own public board, `[channels.web]`. Gives the configuration's text.
    pub fn with_board(&self) -> String {
        let path = self.path().join("loaxa.toml");
        let config = std::fs::read_to_string(&path).unwrap() + "[channels.web]\nkind = \"board\"\n";
        std::fs::write(&path, &config).unwrap();
        config
    }

    /// Starts the daemon and waits until its schedules are loaded.
    pub fn running(&self) -> Child {
        let child = self.start();
        self.wait_for("schedule_loaded", None, 10);
        child
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_loaxa"));
        c.arg("--config")
            .arg(self.path().join("loaxa.toml"))
            .arg("run")
            .env("ALSA_CONFIG_PATH", self.capture.config())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    }

    pub fn events(&self) -> Vec<StoredEvent> {
        let Ok(store) = Store::open_read_only(&Store::path_in(&self.path().join("var")), TZ) else {
            return vec![];
        };
        query::events(&store, &Filter::default()).unwrap_or_default()
    }

    /// Waits (up to `secs`) until an event of `kind` for broadcast `id` is in the history.
    pub fn wait_for(&self, kind: &str, id: Option<&str>, secs: u64) -> StoredEvent {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(e) = self
                .events()
                .into_iter()
                .find(|e| e.kind == kind && (id.is_none() || e.broadcast_id.as_deref() == id))
            {
                return e;
            }
            assert!(
                Instant::now() < deadline,
                "no {kind} for {id:?}; history: {:#?}",
                self.kinds()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn kinds(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .map(|e| format!("{} {}", e.kind, e.broadcast_id.unwrap_or_default()))
            .collect()
    }

    pub fn get(&self, path: &str) -> String {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(body) = ureq_get(&url) {
                return body;
            }
            assert!(Instant::now() < deadline, "no answer at {url}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A minimal HTTP GET over a TCP socket (the test stays independent of the client under test).
pub fn ureq_get(url: &str) -> Result<String, std::io::Error> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host)?;
    write!(s, "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default())
}

pub fn sigterm(child: &mut Child) -> std::process::ExitStatus {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "loaxa did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Gives the station the history of a run that stopped `minutes` ago (after ten minutes).
pub fn last_ran(st: &Station, minutes: i64) {
    use loaxa::domain::event::Kind;
    use loaxa::history::Event;
    let mut store = Store::open(&Store::path_in(&st.path().join("var")), TZ).unwrap();
    let ago = |m: i64| Utc::now() - chrono::Duration::minutes(m);
    store
        .append(&[
            Event::new(Kind::DaemonStarted, serde_json::json!({})).at(ago(minutes + 10)),
            Event::new(Kind::DaemonStopped, serde_json::json!({"reason": "signal"})).at(ago(minutes)),
        ])
        .unwrap();
}

pub fn schedule(id: &str, on: &str, audio: &str, extra: &str) -> String {
    format!(
        "[[broadcast]]\nid = \"{id}\"\ntitle = \"Bản tin {id}\"\non = [{on}]\naudio = [\"{audio}\"]\nchannels = [\"loudspeaker\", \"hook\"]\n{extra}[broadcast.post]\ntext = \"Nội dung {id}\"\n\n"
    )
}

pub async fn webhook() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

/// A station whose `hook` channel posts to a local webhook server that answers 204, with the
/// runtime that server lives on: where most daemon tests start. Destructure it, and keep
/// `rt` bound for as long as the server must answer.
pub struct Hooked {
    pub rt: tokio::runtime::Runtime,
    pub server: MockServer,
    pub st: Station,
}

impl Hooked {
    pub fn new(schedule: &str) -> Hooked {
        let rt = runtime();
        let server = rt.block_on(webhook());
        let st = Station::new(&format!("{}/hook", server.uri()), schedule);
        Hooked { rt, server, st }
    }
}

pub fn posts(server: &MockServer, rt: &tokio::runtime::Runtime) -> usize {
    rt.block_on(server.received_requests()).unwrap_or_default().len()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// libfaketime, installed by `make test`.
pub fn faketime() -> PathBuf {
    let candidates = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("faketime/libfaketime.so.1"))
        .chain([PathBuf::from("/usr/lib/faketime/libfaketime.so.1")]);
    for p in candidates {
        if p.exists() {
            return p;
        }
    }
    panic!("libfaketime is missing: `make test` installs it (Debian package libfaketime)");
}

/// Runs `cmd` under libfaketime: its wall clock is the real one plus the offset written in
/// `offset` (re-read on every call, starting at "+0"); its monotonic clock is left alone, as
/// with an NTP step.
pub fn fake_clock<'a>(cmd: &'a mut Command, offset: &Path) -> &'a mut Command {
    std::fs::write(offset, "+0\n").expect("write the faketime offset");
    cmd.env("LD_PRELOAD", faketime())
        .env("FAKETIME_TIMESTAMP_FILE", offset)
        .env("FAKETIME_NO_CACHE", "1")
        .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
}

/// A `loaxa` command (not the daemon) on the station's config, in English, run to its end.
pub fn loaxa(st: &Station, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_loaxa"))
        .arg("--config")
        .arg(st.path().join("loaxa.toml"))
        .args(args)
        .env("LOAXA_LANG", "en")
        .output()
        .expect("run loaxa")
}

/// What a command printed, standard output then standard error.
pub fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
