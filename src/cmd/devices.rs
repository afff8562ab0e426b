//! `loaxa devices`: the sound outputs this machine offers that actually open, and with
//! `--input` the capture devices `loaxa live` can take.

use std::process::ExitCode;

use crate::cli::DevicesArgs;
use crate::exit::EXIT_INVALID;
use crate::playout::device;

pub fn run(config: &std::path::Path, args: &DevicesArgs) -> ExitCode {
    if args.input {
        return inputs();
    }
    // Each device is tried with the latency the station asks for; with no (valid)
    // configuration, with the default.
    let latency = crate::config::Config::load(config)
        .map(|c| c.audio.latency)
        .unwrap_or_else(|_| crate::playout::settings::AudioConfig::default().latency);
    let list = {
        let _quiet = Quiet::stderr();
        device::list(latency)
    };
    let list = match list {
        Ok(list) => list,
        Err(e) => {
            crate::console::error(e);
            return ExitCode::from(EXIT_INVALID);
        }
    };
    for d in list.iter().filter(|d| args.all || d.problem.is_none()) {
        let mut default = if d.is_default {
            t!("cli-device-default")
        } else {
            String::new()
        };
        if d.busy {
            default.push_str(&t!("cli-device-busy"));
        }
        match &d.problem {
            None => match d.granted {
                Some(granted) => println!(
                    "{}{default}\t{}\t{}",
                    d.name,
                    d.id,
                    t!("cli-device-latency", ms = granted.as_millis())
                ),
                None => println!("{}{default}\t{}", d.name, d.id),
            },
            Some(why) => println!(
                "{}{default}\t{}\t{}",
                d.name,
                d.id,
                t!("cli-device-does-not-open", why = why)
            ),
        }
    }
    for d in &list {
        if let Some(granted) = d.granted.filter(|g| *g > crate::playout::settings::EMERGENCY_LATENCY) {
            crate::console::warning(t!(
                "cli-device-slow",
                name = d.name.clone(),
                ms = granted.as_millis(),
                limit = crate::playout::settings::EMERGENCY_LATENCY.as_millis()
            ));
        }
    }
    if let Some(d) = list.iter().find(|d| d.is_default)
        && let Some(why) = &d.problem
    {
        crate::console::warning(t!("cli-default-device-fails", why = why));
    }
    if list.iter().all(|d| d.problem.is_some()) {
        crate::console::error(if list.is_empty() {
            t!("cli-no-devices")
        } else {
            t!("cli-no-device-opens", count = list.len())
        });
        return ExitCode::from(EXIT_INVALID);
    }
    ExitCode::SUCCESS
}

/// The capture devices `loaxa live --from` and `[audio] live_input` can name.
fn inputs() -> ExitCode {
    let list = {
        let _quiet = Quiet::stderr();
        device::inputs()
    };
    match list {
        Ok(list) if !list.is_empty() => {
            for (name, is_default) in list {
                let default = if is_default {
                    t!("cli-device-default")
                } else {
                    String::new()
                };
                println!("{name}{default}");
            }
            ExitCode::SUCCESS
        }
        Ok(_) => {
            crate::console::error(t!("cli-no-inputs"));
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => {
            crate::console::error(e);
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Sends this process's stderr to /dev/null while devices are tried: libjack, under ALSA's
/// `jack` plugin, prints five lines to fd 2 when no JACK server runs, past any handler loaxa
/// can set. Each device's reason is reported from its error instead.
struct Quiet {
    saved: Option<libc::c_int>,
}

impl Quiet {
    fn stderr() -> Quiet {
        // SAFETY: plain file-descriptor calls on fd 2 and descriptors opened here; the CLI is
        // single-threaded while the devices are tried, and `Drop` puts fd 2 back.
        unsafe {
            let saved = libc::dup(2);
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if saved < 0 || null < 0 {
                return Quiet { saved: None };
            }
            libc::dup2(null, 2);
            libc::close(null);
            Quiet { saved: Some(saved) }
        }
    }
}

impl Drop for Quiet {
    fn drop(&mut self) {
        if let Some(saved) = self.saved {
            // SAFETY: `saved` is the duplicate of fd 2 made in `stderr`.
            unsafe {
                libc::dup2(saved, 2);
                libc::close(saved);
            }
        }
    }
}
