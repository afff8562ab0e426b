//! `loaxa devices`: the sound outputs this machine offers.

use std::process::ExitCode;

use super::EXIT_INVALID;
use crate::playout::device;

pub fn run() -> ExitCode {
    match device::list() {
        Ok(list) if list.is_empty() => {
            crate::console::error(t!("cli-no-devices"));
            ExitCode::from(EXIT_INVALID)
        }
        Ok(list) => {
            for d in list {
                let default = if d.is_default {
                    t!("cli-device-default")
                } else {
                    String::new()
                };
                println!("{}{default}\t{}", d.name, d.id);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::console::error(e);
            ExitCode::from(EXIT_INVALID)
        }
    }
}
