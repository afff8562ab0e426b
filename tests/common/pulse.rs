//! A real PulseAudio server for the tests, as on a station PC running an Ubuntu desktop: ALSA's
//! default PCM goes through the `pulse` plugin (Debian's libasound2-plugins) to the server, and a
//! null sink stands in for the sound card. What reaches the sink is recorded from its monitor
//! with `parec`.
//!
//! The server runs as the test's own user, on a Unix socket in a temporary folder: nothing is
//! shared with a desktop session, and nothing listens on the network.
//!
//! [`Pulse::pipewire`] starts PipeWire instead, as newer desktops run it: `pipewire`, its
//! session manager `wireplumber` and its PulseAudio server `pipewire-pulse` (Debian's
//! packages), on a private D-Bus session bus, with the same null sink `loaxa` made through its
//! PulseAudio server. Everything else here works the same on both.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pulse {
    pub dir: tempfile::TempDir,
    /// The sound server first (the one [`Pulse::pid`] names), then its helpers.
    servers: Vec<Child>,
    /// The PulseAudio protocol's socket.
    socket: PathBuf,
}

/// The sink's format, and what `parec` records.
pub const RATE: u32 = 44_100;

impl Pulse {
    pub fn start() -> Pulse {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("native");
        let server = spawn_pulseaudio(dir.path(), &socket);
        let pulse = Pulse {
            dir,
            servers: vec![server],
            socket,
        };
        pulse.started();
        pulse
    }

    /// Stops the PulseAudio server and starts a new one on the same socket, as when a
    /// desktop's sound server crashes and systemd starts it again.
    pub fn restart(&mut self) {
        assert!(!self.is_pipewire(), "restart is for PulseAudio");
        let _ = self.servers[0].kill();
        let _ = self.servers[0].wait();
        let _ = std::fs::remove_file(&self.socket);
        self.servers[0] = spawn_pulseaudio(self.dir.path(), &self.socket);
        self.started();
    }

    /// Waits for the server's socket, then makes its threads real-time.
    fn started(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.socket.exists() {
            assert!(Instant::now() < deadline, "pulseaudio did not start: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        // Every thread of the server real-time, as PipeWire's data thread is on a desktop: the
        // audio of a native-protocol client passes through PulseAudio's main thread, which runs
        // at nice -11 only, and on a loaded box it alone left 10-45 ms gaps (loaxa's own audio
        // thread at real-time, 3 runs of 6 under stress-ng). The tests hear loaxa's part, not
        // the server's. Where the system refuses, the server runs as it started.
        let _ = Command::new("chrt")
            .args(["--all-tasks", "--rr", "--pid", "5", &self.pid().to_string()])
            .stderr(Stdio::null())
            .status();
    }

    /// PipeWire with its session manager and PulseAudio server, and a null sink `loaxa` as
    /// the default sink.
    pub fn pipewire() -> Pulse {
        let dir = tempfile::tempdir().expect("tempdir");
        // pipewire-pulse puts its socket where PulseAudio's clients look: PULSE_RUNTIME_PATH.
        let socket = dir.path().join("runtime").join("native");
        let bus = dir.path().join("bus");
        let env = {
            let mut env = env_in(dir.path(), &socket);
            env.push(("PIPEWIRE_RUNTIME_DIR", dir.path().to_path_buf()));
            env.push(("XDG_CONFIG_HOME", dir.path().join("config")));
            env.push(("XDG_STATE_HOME", dir.path().join("state")));
            env.push((
                "DBUS_SESSION_BUS_ADDRESS",
                PathBuf::from(format!("unix:path={}", bus.display())),
            ));
            env
        };
        let log = || {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.path().join("server.log"))
                .expect("log file")
        };
        let spawn = |program: &str, args: &[&str]| {
            Command::new(program)
                .args(args)
                .envs(env.clone())
                .stdout(log())
                .stderr(log())
                .spawn()
                .unwrap_or_else(|e| panic!("start {program} (Debian packages pipewire, wireplumber, pipewire-pulse, dbus; `make test` installs them): {e}"))
        };
        let mut servers = Vec::new();
        // WirePlumber does not run without a session bus; a private one, so nothing of a
        // desktop's is touched.
        let address = format!("--address=unix:path={}", bus.display());
        let dbus = spawn("dbus-daemon", &["--session", "--nofork", &address]);
        let deadline = Instant::now() + Duration::from_secs(10);
        while !bus.exists() {
            assert!(Instant::now() < deadline, "dbus-daemon did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        servers.push(spawn("pipewire", &[]));
        servers.push(spawn("wireplumber", &[]));
        servers.push(spawn("pipewire-pulse", &[]));
        servers.push(dbus);
        let pulse = Pulse { dir, servers, socket };
        // The null sink, once the PulseAudio server answers and the session manager links.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let made = pulse.socket.exists()
                && pulse
                    .pactl(&[
                        "load-module",
                        "module-null-sink",
                        "sink_name=loaxa",
                        &format!("rate={RATE}"),
                        "channels=2",
                    ])
                    .trim()
                    .parse::<u32>()
                    .is_ok();
            if made {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "pipewire-pulse did not start: {}",
                pulse.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        while !pulse.pactl(&["info"]).contains("Default Sink: loaxa") {
            pulse.pactl(&["set-default-sink", "loaxa"]);
            assert!(
                Instant::now() < deadline,
                "the null sink is not the default: {}",
                pulse.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        pulse
    }

    /// Whether this is PipeWire (through its PulseAudio server) rather than PulseAudio.
    pub fn is_pipewire(&self) -> bool {
        self.servers.len() > 1
    }

    /// Sets a command up as a desktop program: the system's ALSA configuration, whose default
    /// PCM is `pulse` while a server answers, talking to this server.
    pub fn client<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_remove("ALSA_CONFIG_PATH")
            .envs(env_in(self.dir.path(), &self.socket))
    }

    /// Only the server's address (for a program whose ALSA configuration is the test's own).
    pub fn server<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.envs(env_in(self.dir.path(), &self.socket))
    }

    /// Adds a null sink `name`: what is played into it comes out of its monitor, `NAME.monitor`,
    /// a capture source paced by the server (a microphone, for the tests).
    pub fn add_sink(&self, name: &str) {
        let mut cmd = Command::new("pactl");
        self.client(&mut cmd);
        let status = cmd
            .args(["load-module", "module-null-sink"])
            .arg(format!("sink_name={name}"))
            .arg(format!("rate={RATE}"))
            .arg("channels=2")
            .stdout(Stdio::null())
            .status()
            .expect("pactl (Debian package pulseaudio-utils)");
        assert!(status.success(), "pactl load-module: {}", self.log());
    }

    /// Plays a raw 16-bit stereo file into `sink` in real time (`pacat`), until it ends or the
    /// child is killed.
    pub fn feed(&self, sink: &str, raw: &Path) -> Child {
        let mut cmd = Command::new("pacat");
        self.client(&mut cmd);
        cmd.args(["--playback", "-d", sink, "--raw", "--format=s16le", "--channels=2"])
            .arg(format!("--rate={RATE}"))
            .arg(raw)
            .stderr(Stdio::null())
            .spawn()
            .expect("start pacat (Debian package pulseaudio-utils)")
    }

    pub fn pid(&self) -> u32 {
        self.servers[0].id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Starts recording the sink's monitor as raw 16-bit stereo.
    pub fn record(&self) -> Recording {
        let raw = self.dir.path().join(format!("monitor-{}.raw", std::process::id()));
        let file = std::fs::File::create(&raw).expect("raw file");
        let mut cmd = Command::new("parec");
        self.client(&mut cmd);
        let child = cmd
            .args(["-d", "loaxa.monitor", "--raw", "--format=s16le", "--channels=2"])
            .arg(format!("--rate={RATE}"))
            .stdout(file)
            .stderr(Stdio::null())
            .spawn()
            .expect("start parec (Debian package pulseaudio-utils)");
        Recording { child, raw }
    }
}

impl Pulse {
    /// `pactl` on this server, its output as text.
    pub fn pactl(&self, args: &[&str]) -> String {
        let mut cmd = Command::new("pactl");
        self.client(&mut cmd);
        let out = cmd
            .args(args)
            .output()
            .expect("pactl (Debian package pulseaudio-utils)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The streams playing into the server's sinks now, one line each (`pactl list short
    /// sink-inputs`).
    pub fn sink_inputs(&self) -> Vec<String> {
        self.pactl(&["list", "short", "sink-inputs"])
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The latency the sink `loaxa` is configured for now (`configured N usec`): what its
    /// clients asked for, or the server's default of 2 s when none asks.
    pub fn sink_latency(&self) -> Option<Duration> {
        let text = self.pactl(&["list", "sinks"]);
        let block = text.split("Sink #").find(|b| b.contains("Name: loaxa\n"))?;
        let line = block.lines().find(|l| l.trim_start().starts_with("Latency:"))?;
        let usec = line
            .split("configured ")
            .nth(1)?
            .split_whitespace()
            .next()?
            .parse()
            .ok()?;
        Some(Duration::from_micros(usec))
    }

    /// Records the sink's monitor with each read stamped with the time it arrived, so that a
    /// frame can be placed on the test's clock (see [`TimedRecording::time_of`]).
    pub fn record_timed(&self) -> TimedRecording {
        use std::io::Read;
        let mut cmd = Command::new("parec");
        self.client(&mut cmd);
        let mut child = cmd
            .args([
                "-d",
                "loaxa.monitor",
                "--raw",
                "--format=s16le",
                "--channels=2",
                "--latency-msec=5",
            ])
            .arg(format!("--rate={RATE}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start parec (Debian package pulseaudio-utils)");
        let mut out = child.stdout.take().expect("parec's output");
        let reader = std::thread::spawn(move || {
            let (mut bytes, mut reads) = (Vec::new(), Vec::new());
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                bytes.extend_from_slice(&buf[..n]);
                reads.push((Instant::now(), bytes.len()));
            }
            (bytes, reads)
        });
        TimedRecording { child, reader }
    }
}

/// The bytes read, and when each read arrived with the bytes read by then.
type Reads = (Vec<u8>, Vec<(Instant, usize)>);

/// A recording of the monitor whose reads carry the time they arrived.
pub struct TimedRecording {
    child: Child,
    reader: std::thread::JoinHandle<Reads>,
}

impl TimedRecording {
    pub fn stop(mut self) -> Timed {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (bytes, reads) = self.reader.join().expect("reader");
        let left = bytes
            .chunks_exact(4)
            .map(|f| f32::from(i16::from_le_bytes([f[0], f[1]])) / 32768.0)
            .collect();
        Timed { left, reads }
    }
}

/// What the monitor heard (its left channel) and when each read arrived.
pub struct Timed {
    pub left: Vec<f32>,
    reads: Vec<(Instant, usize)>,
}

impl Timed {
    /// When frame `i` was captured: the arrival of the read that held it, less the frames
    /// after it in that read.
    pub fn time_of(&self, i: usize) -> Option<Instant> {
        let end = (i + 1) * 4;
        let (at, total) = self.reads.iter().find(|(_, total)| *total >= end)?;
        let after = (*total - end) / 4;
        Some(*at - Duration::from_secs_f64(after as f64 / f64::from(RATE)))
    }

    /// The first frame captured at or after `t`.
    pub fn frame_at(&self, t: Instant) -> usize {
        let Some(k) = self.reads.iter().position(|(at, _)| *at >= t) else {
            return self.left.len();
        };
        if k == 0 { 0 } else { self.reads[k - 1].1 / 4 }
    }

    /// The first frame from `from` whose level reaches `level`.
    pub fn onset(&self, from: usize, level: f32) -> Option<usize> {
        (from..self.left.len()).find(|i| self.left[*i].abs() >= level)
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-CONT", &self.pid().to_string()]).status();
        for server in &mut self.servers {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

/// PulseAudio with the null sink `loaxa`, serving `socket`.
fn spawn_pulseaudio(dir: &Path, socket: &Path) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .expect("log file");
    Command::new("pulseaudio")
        .args(["-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=false"])
        .args(["--disallow-module-loading=false", "--log-target=stderr"])
        .args([
            "-L",
            &format!("module-null-sink sink_name=loaxa rate={RATE} channels=2"),
        ])
        .args([
            "-L",
            &format!(
                "module-native-protocol-unix socket={} auth-anonymous=1",
                socket.display()
            ),
        ])
        .envs(env_in(dir, socket))
        .stderr(log)
        .spawn()
        .expect("start pulseaudio (Debian package pulseaudio; `make test` installs it)")
}

/// The environment a client of a server on `socket` needs (the server's own runtime and home
/// folders too, so nothing of the real user's session is read).
fn env_in(dir: &Path, socket: &Path) -> Vec<(&'static str, PathBuf)> {
    vec![
        ("HOME", dir.to_path_buf()),
        ("XDG_RUNTIME_DIR", dir.to_path_buf()),
        ("PULSE_RUNTIME_PATH", dir.join("runtime")),
        ("PULSE_SERVER", PathBuf::from(format!("unix:{}", socket.display()))),
    ]
}

pub struct Recording {
    child: Child,
    raw: PathBuf,
}

impl Recording {
    /// Stops recording and writes what was heard as a WAV beside the raw file, for
    /// [`super::audio::segments`].
    pub fn stop(mut self) -> PathBuf {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let bytes = std::fs::read(&self.raw).expect("recording");
        let wav = self.raw.with_extension("wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&wav, spec).expect("create wav");
        for s in bytes.chunks_exact(2) {
            w.write_sample(i16::from_le_bytes([s[0], s[1]])).expect("write sample");
        }
        w.finalize().expect("finalize wav");
        wav
    }
}
