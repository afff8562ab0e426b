//! `loaxa devices`: the sound outputs this machine offers.

use std::process::ExitCode;

use super::EXIT_INVALID;
use crate::playout::device;

pub fn run() -> ExitCode {
    match device::list() {
        Ok(list) if list.is_empty() => {
            eprintln!("no sound output devices found (is a sound card or ALSA configuration present?)");
            ExitCode::from(EXIT_INVALID)
        }
        Ok(list) => {
            for d in list {
                println!("{}{}\t{}", d.name, if d.is_default { " (default)" } else { "" }, d.id);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_INVALID)
        }
    }
}
