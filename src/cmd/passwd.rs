//! `loaxa passwd NAME`: the password line for a user of the dashboard's control page. The
//! password is read without echo (or from a pipe), hashed with argon2id and a random salt, and
//! only the hash is printed: loaxa never stores a password.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use argon2::password_hash::PasswordHasher;

use crate::cli::PasswdArgs;
use crate::exit::{EXIT_INVALID, EXIT_USAGE};

pub fn run(args: &PasswdArgs) -> ExitCode {
    if args.name.is_empty() || args.name.contains([':', '"', '\\', '\n', ' ', '=']) {
        crate::console::error(t!("cli-passwd-bad-name", name = args.name.clone()));
        return ExitCode::from(EXIT_USAGE);
    }
    let password = if std::io::stdin().is_terminal() {
        let first = prompt(&t!("cli-passwd-prompt"));
        let again = prompt(&t!("cli-passwd-again"));
        if first != again {
            crate::console::error(t!("cli-passwd-mismatch"));
            return ExitCode::from(EXIT_INVALID);
        }
        first
    } else {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        Some(line.trim_end_matches(['\n', '\r']).to_string())
    };
    let Some(password) = password.filter(|p| p.chars().count() >= 8) else {
        crate::console::error(t!("cli-passwd-short"));
        return ExitCode::from(EXIT_INVALID);
    };
    match argon2::Argon2::default().hash_password(password.as_bytes()) {
        Ok(hash) => {
            println!("{} = \"{hash}\"", args.name);
            eprintln!("{}", t!("cli-passwd-where", name = args.name.clone()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            crate::console::error(e.to_string());
            ExitCode::from(EXIT_INVALID)
        }
    }
}

/// Reads a line from the terminal with echo off.
fn prompt(text: &str) -> Option<String> {
    eprint!("{text}: ");
    let _ = std::io::stderr().flush();
    let fd = libc::STDIN_FILENO;
    // SAFETY: tcgetattr/tcsetattr on standard input, which is a terminal here; the saved
    // settings are restored before returning.
    let saved = unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        (libc::tcgetattr(fd, &mut t) == 0).then_some(t)
    };
    if let Some(mut quiet) = saved {
        quiet.c_lflag &= !libc::ECHO;
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if let Some(t) = saved {
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &t) };
    }
    eprintln!();
    read.ok().map(|_| line.trim_end_matches(['\n', '\r']).to_string())
}
