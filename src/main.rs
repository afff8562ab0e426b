//! The `loaxa` binary: parses the command line and hands over to [`loaxa::cmd`].

use std::process::ExitCode;

use clap::Parser;
use loaxa::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Command::Check(args) => loaxa::cmd::check::run(&cli.config, args),
        Command::Plan(args) => loaxa::cmd::plan::run(&cli.config, args),
        Command::History(args) => loaxa::cmd::history::run(&cli.config, args),
        Command::Play(args) => loaxa::cmd::play::run(&cli.config, args),
        Command::Post(args) => loaxa::cmd::post::run(&cli.config, args),
        Command::Devices => loaxa::cmd::devices::run(),
        Command::Verify(args) => loaxa::cmd::verify::run(&cli.config, args),
    }
}
