//! `loaxa play FILE…`: play files on the loudspeaker line now, to test it.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::PlayArgs;
use crate::config::Config;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::playout::settings::AudioConfig;
use crate::playout::{Engine, EngineSettings, PlayoutEvent, Programme};

pub fn run(config_path: &Path, args: &PlayArgs) -> ExitCode {
    // The config is optional here: staff may test a line before writing one.
    let audio = match Config::load(config_path) {
        Ok(c) => c.audio,
        Err(crate::config::ConfigError::Read { .. }) => AudioConfig::default(),
        Err(_) => {
            return super::load_config(config_path)
                .err()
                .unwrap_or(ExitCode::from(EXIT_USAGE));
        }
    };
    let volume = args.volume.unwrap_or(audio.volume);
    if !(0.0..=1.0).contains(&volume) {
        crate::console::error(t!("check-between", key = "--volume", min = 0, max = 1));
        return ExitCode::from(EXIT_USAGE);
    }
    let device = args.device.clone().unwrap_or(audio.device.clone());
    let settings = EngineSettings {
        device: device.clone(),
        preroll: Duration::ZERO,
        after_interrupt: audio.after_interrupt,
        give_up: Duration::from_secs(2),
        latency: audio.latency,
        // One programme, then the command ends: there is no line to hold.
        release_when_idle: true,
    };
    let mut programme = Programme::of_files("play@now", &args.files, volume);
    programme.title = "loaxa play".into();
    errln!(
        "{}",
        t!(
            "cli-play-playing",
            n = args.files.len(),
            device = device,
            volume = volume
        )
    );
    play(settings, programme)
}

/// Plays one programme on the device and reports how it went.
pub fn play(settings: EngineSettings, programme: Programme) -> ExitCode {
    let (engine, mut events) = Engine::start(settings);
    engine.submit(programme);
    let mut code = ExitCode::from(EXIT_INVALID);
    while let Some(e) = events.blocking_recv() {
        match e {
            PlayoutEvent::Started { lateness_ms, .. } => {
                errln!("{}", t!("cli-play-started", ms = lateness_ms))
            }
            PlayoutEvent::DeviceError { reason } => errln!("{}", t!("cli-play-device-error", why = reason)),
            PlayoutEvent::DeviceReady => {}
            PlayoutEvent::Finished { glitches: 0, .. } => {
                errln!("{}", t!("cli-play-finished"));
                code = ExitCode::SUCCESS;
                break;
            }
            PlayoutEvent::Finished { glitches, .. } => {
                errln!("{}", t!("cli-play-finished-glitches", count = glitches));
                code = ExitCode::SUCCESS;
                break;
            }
            PlayoutEvent::Failed { reason, .. } => {
                crate::console::error(reason);
                break;
            }
            PlayoutEvent::Interrupted { .. } => break,
            _ => {}
        }
    }
    engine.shutdown(true);
    code
}
