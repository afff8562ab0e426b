//! The `loaxa` binary: parses the command line and hands over to [`loaxa::cmd`].

use std::process::ExitCode;

use loaxa::cli::Command;

fn main() -> ExitCode {
    // Before anything else: `loaxa run` stops cleanly on a SIGTERM however early it comes (see
    // daemon::signals); every other command lets the signals in again at once.
    loaxa::daemon::signals::hold();
    // `--help` is read before any configuration is loaded: the configuration the command
    // line names (or ./loaxa.toml) says the language, then the environment.
    loaxa::i18n::set(loaxa::i18n::choose(loaxa::config::language_of(&config_argument())));
    let cli = loaxa::cli::parse();
    if !matches!(cli.command, Command::Run(_)) {
        loaxa::daemon::signals::release();
    }
    if !matches!(cli.command, Command::Run(_) | Command::Post(_) | Command::Play(_)) {
        loaxa::console::end_quietly_on_closed_pipe();
    }
    match &cli.command {
        Command::Run(args) => {
            init_logging(args.log_format);
            loaxa::cmd::run::run(&cli.config, args.accept_history_reset)
        }
        Command::Status => loaxa::cmd::status::run(&cli.config),
        Command::Check(args) => loaxa::cmd::check::run(&cli.config, args),
        Command::Plan(args) => loaxa::cmd::plan::run(&cli.config, args),
        Command::History(args) => loaxa::cmd::history::run(&cli.config, args),
        Command::Play(args) => loaxa::cmd::play::run(&cli.config, args),
        Command::Post(args) => loaxa::cmd::post::run(&cli.config, args),
        Command::Now(args) => loaxa::cmd::control::now(&cli.config, args),
        Command::Stop => loaxa::cmd::control::stop(&cli.config),
        Command::Skip => loaxa::cmd::control::skip(&cli.config),
        Command::Queue => loaxa::cmd::control::queue(&cli.config),
        Command::Live(args) => loaxa::cmd::control::live(&cli.config, args),
        Command::New(args) => loaxa::cmd::new::run(&cli.config, args),
        Command::Devices(args) => loaxa::cmd::devices::run(&cli.config, args),
        Command::Passwd(args) => loaxa::cmd::passwd::run(args),
        Command::Central(args) => loaxa::cmd::central::run(&cli.config, args),
        Command::Speak(args) => loaxa::cmd::speak::run(&cli.config, args),
        Command::Verify(args) => loaxa::cmd::verify::run(&cli.config, args),
        Command::Report(args) => loaxa::cmd::report::run(&cli.config, args),
    }
}

/// `--config PATH`, `-c PATH` or `--config=PATH` as given, else `loaxa.toml`: read before
/// clap parses, so `--help` can speak the station's language.
fn config_argument() -> std::path::PathBuf {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    for (i, a) in args.iter().enumerate() {
        if let Some(v) = a.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return v.into();
        }
        if (a == "--config" || a == "-c")
            && let Some(v) = args.get(i + 1)
        {
            return v.into();
        }
    }
    "loaxa.toml".into()
}

fn init_logging(format: loaxa::cli::LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("LOAXA_LOG").unwrap_or_else(|_| {
        EnvFilter::new(
            // cpal's PulseAudio client logs each connection, and an ERROR "Client
            // disconnected" each time loaxa itself drops one (every device lookup at start):
            // a false alarm in the journal. Its real failures reach loaxa through cpal's error
            // callback and are logged as the device's.
            "info,symphonia_format_ogg=warn,symphonia_core=warn,tokio_cron_scheduler=warn,\
             symphonia_bundle_mp3=error,symphonia_codec_aac=error,pulseaudio::client=warn,\
             pulseaudio::client::reactor=off",
        )
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Every line passes the redaction layer: a platform that echoes a token in an error
        // body cannot put it in the journal.
        .with_writer(|| loaxa::redact::Redacting(std::io::stderr()))
        // Colour only for a person at a terminal: a file, a pipe or the journal gets plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // On a failed write the library says so with `eprintln!`, which panics when stderr is
        // what failed (a full disk, journald gone) and takes the logging thread with it.
        .log_internal_errors(false);
    match format {
        loaxa::cli::LogFormat::Json => {
            builder.json().init();
            loaxa::console::log_as_json();
        }
        loaxa::cli::LogFormat::Text => builder.init(),
    }
}
