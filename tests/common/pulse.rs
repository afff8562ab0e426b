//! A real PulseAudio server for the tests, as on a station PC running an Ubuntu desktop: ALSA's
//! default PCM goes through the `pulse` plugin (Debian's libasound2-plugins) to the server, and a
//! null sink stands in for the sound card. What reaches the sink is recorded from its monitor
//! with `parec`.
//!
//! The server runs as the test's own user, on a Unix socket in a temporary folder: nothing is
//! shared with a desktop session, and nothing listens on the network.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pulse {
    pub dir: tempfile::TempDir,
    server: Child,
}

/// The sink's format, and what `parec` records.
pub const RATE: u32 = 44_100;

impl Pulse {
    pub fn start() -> Pulse {
        let dir = tempfile::tempdir().expect("tempdir");
        let socket = dir.path().join("native");
        let log = std::fs::File::create(dir.path().join("pulseaudio.log")).expect("log file");
        let server = Command::new("pulseaudio")
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
            .envs(Self::env_in(dir.path()))
            .stderr(log)
            .spawn()
            .expect("start pulseaudio (Debian package pulseaudio; `make test` installs it)");
        let pulse = Pulse { dir, server };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            assert!(Instant::now() < deadline, "pulseaudio did not start: {}", pulse.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        // Every thread of the server real-time, as PipeWire's data thread is on a desktop: the
        // audio of a native-protocol client passes through PulseAudio's main thread, which runs
        // at nice -11 only, and on a loaded box it alone left 10-45 ms gaps (loaxa's own audio
        // thread at real-time, 3 runs of 6 under stress-ng). The tests hear loaxa's part, not
        // the server's. Where the system refuses, the server runs as it started.
        let _ = Command::new("chrt")
            .args(["--all-tasks", "--rr", "--pid", "5", &pulse.server.id().to_string()])
            .stderr(Stdio::null())
            .status();
        pulse
    }

    /// The environment a client of this server needs (the server's own runtime and home folders
    /// too, so nothing of the real user's session is read).
    fn env_in(dir: &Path) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("HOME", dir.to_path_buf()),
            ("XDG_RUNTIME_DIR", dir.to_path_buf()),
            ("PULSE_RUNTIME_PATH", dir.join("runtime")),
            (
                "PULSE_SERVER",
                PathBuf::from(format!("unix:{}", dir.join("native").display())),
            ),
        ]
    }

    /// Sets a command up as a desktop program: the system's ALSA configuration, whose default
    /// PCM is `pulse` while a server answers, talking to this server.
    pub fn client<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env_remove("ALSA_CONFIG_PATH").envs(Self::env_in(self.dir.path()))
    }

    /// Only the server's address (for a program whose ALSA configuration is the test's own).
    pub fn server<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.envs(Self::env_in(self.dir.path()))
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
        self.server.id()
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("pulseaudio.log")).unwrap_or_default()
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

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.server.id().to_string()])
            .status();
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
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
