//! Writes what the Debian package installs beside the binary, generated from the command line
//! itself so it cannot drift from `--help`: a man page per command (English in `man/`,
//! Vietnamese in `man/vi/`) and completions for bash, zsh and fish. `make deb` runs it.
//!
//! Usage: cargo run --release --example dist_assets -- OUT_DIR

use std::path::PathBuf;

use clap_complete::Shell;
use loaxa::i18n::{Lang, scoped};

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "target/assets".into()));
    for (lang, dir) in [(Lang::En, "man"), (Lang::Vi, "man/vi")] {
        let dir = out.join(dir);
        std::fs::create_dir_all(&dir)?;
        let cmd = scoped(lang, loaxa::cli::command);
        clap_mangen::generate_to(cmd, &dir)?;
        // clap's `help` subcommand gets a page per command it can explain: not worth a page.
        for page in std::fs::read_dir(&dir)? {
            let page = page?.path();
            if page
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("loaxa-help"))
            {
                std::fs::remove_file(page)?;
            }
        }
    }
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)?;
    let mut cmd = scoped(Lang::En, loaxa::cli::command);
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
        clap_complete::generate_to(shell, &mut cmd, "loaxa", &completions)?;
    }
    Ok(())
}
