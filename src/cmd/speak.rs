//! `loaxa speak TEXT|ID`: what a spoken bulletin will sound like, before it is scheduled: the
//! text as it will be read, rendered with the station's voice, played on the line or written
//! to a file.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::load_config;
use crate::cli::SpeakArgs;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};
use crate::playout::{EngineSettings, Programme};
use crate::speech::render::{Spec, Speech};

pub fn run(config_path: &Path, args: &SpeakArgs) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // A broadcast's id, if one speaks; else the text itself.
    let id_like = !args.what.contains(char::is_whitespace) && args.what.len() <= 80;
    let from_broadcast = if id_like {
        match crate::schedule::load(&config) {
            Ok(loaded) => loaded.set.get(&args.what).map(|b| (b.id.clone(), b.speak.clone())),
            Err(_) => None,
        }
    } else {
        None
    };
    let mut spec = match from_broadcast {
        Some((_, Some(speak))) => crate::speech::render::Spec::from(&speak),
        Some((id, None)) => {
            crate::console::error(t!("cli-speak-not-spoken", id = id));
            return ExitCode::from(EXIT_USAGE);
        }
        None => match crate::speech::normalise::normalise(&args.what, &config.tts.lexicon) {
            Ok(spoken) => Spec {
                text: args.what.clone(),
                spoken,
                provider: None,
                voice: None,
                speed: None,
            },
            Err(e) => {
                crate::console::error(format!("{} ({})", e.message, e.token));
                crate::console::help(e.hint);
                return ExitCode::from(EXIT_INVALID);
            }
        },
    };
    if let Some(p) = &args.provider {
        if !config.tts.providers.contains_key(p) {
            let known = config.tts.providers.keys().cloned().collect::<Vec<_>>().join(", ");
            crate::console::error(t!("tts-no-provider", name = p.clone(), known = known));
            return ExitCode::from(EXIT_USAGE);
        }
        spec.provider = Some(p.clone());
    }
    spec.voice = args.voice.clone().or(spec.voice);
    if let Some(s) = args.speed {
        if !(0.5..=2.0).contains(&s) {
            crate::console::error(t!("check-speech-speed"));
            return ExitCode::from(EXIT_USAGE);
        }
        spec.speed = Some(s);
    }
    println!("{}", t!("cli-speak-reads", text = spec.spoken.clone()));
    let speech = Speech::new(config.tts.clone(), &config.station.data);
    let rendered = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt.block_on(speech.render(&spec, false)),
        Err(e) => Err(e.to_string()),
    };
    let r = match rendered {
        Ok(r) => r,
        Err(why) => {
            crate::console::error(why);
            return ExitCode::from(EXIT_INVALID);
        }
    };
    if let Some(why) = &r.fallback {
        crate::console::warning(why.clone());
    }
    println!(
        "{}",
        t!(
            "cli-speak-rendered",
            provider = r.provider.clone(),
            voice = r.voice.clone(),
            engine = r.engine.clone(),
            seconds = format!("{:.1}", r.duration_s)
        )
    );
    let parts: Vec<std::path::PathBuf> = r.parts.iter().map(|p| speech.path(p)).collect();
    if let Some(out) = &args.out {
        // One file as it came; several (a long text for a cloud voice) joined: MP3 frames and
        // Ogg pages play back to back, WAV is written as the first part's format.
        let mut bytes = Vec::new();
        for p in &parts {
            match std::fs::read(p) {
                Ok(b) => bytes.extend(b),
                Err(e) => {
                    crate::console::error(format!("{}: {e}", p.display()));
                    return ExitCode::from(EXIT_INVALID);
                }
            }
        }
        if parts.len() > 1 && r.parts.iter().any(|p| p.ends_with(".wav")) {
            crate::console::error(t!("cli-speak-parts", n = parts.len()));
            return ExitCode::from(EXIT_INVALID);
        }
        if let Err(e) = std::fs::write(out, bytes) {
            crate::console::error(format!("{}: {e}", out.display()));
            return ExitCode::from(EXIT_INVALID);
        }
        println!("{}", t!("cli-speak-written", path = out.display()));
        return ExitCode::SUCCESS;
    }
    let audio = config.audio.clone();
    let settings = EngineSettings {
        device: args.device.clone().unwrap_or(audio.device.clone()),
        preroll: Duration::ZERO,
        after_interrupt: audio.after_interrupt,
        give_up: Duration::from_secs(2),
        latency: audio.latency,
        // One programme, then the command ends: there is no line to hold.
        release_when_idle: true,
    };
    let mut programme = Programme::of_files("speak@now", &parts, audio.volume);
    programme.title = "loaxa speak".into();
    super::play::play(settings, programme)
}
