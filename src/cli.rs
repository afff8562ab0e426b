//! The command line: what each subcommand is for, written so `--help` teaches.

use std::path::PathBuf;

use clap::builder::{Resettable, StyledStr};
use clap::{Arg, ArgAction, Args, FromArgMatches, Parser, Subcommand};

const ABOUT: &str = "loaxa, the commune loudspeaker: plays scheduled bulletins on the loudspeaker line, \
posts them to the station's web and social channels, and records what went out.";

const AFTER_HELP: &str = "\
Typical use:
  loaxa check                 validate loaxa.toml and every file in schedules/
  loaxa plan --days 2         show what airs today and tomorrow
  loaxa plan --from 2024-05-01 --to 2024-06-01 --json > may.jsonl

Exit codes: 0 success, 1 invalid schedules, 2 usage or configuration error.
Schedule file reference: see README.md, section \"Schedule files\".";

/// Parses the command line, with `--help` in the people's language.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The command line as clap knows it, every text a person reads taken from the Fluent
/// files (`locales/*/help.ftl`): `help-SUB` (a subcommand's line), `help-SUB-long` (its
/// full text), `help-SUB-after` (examples), `help-SUB-arg-ARG` (an option). The doc
/// comments below stay for readers of the code; a test checks every text has its message.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    // `loaxa help COMMAND` as well as `loaxa COMMAND --help`: clap makes the `help`
    // subcommand when the command is built, so its line is set after.
    let mut cmd = localise(Cli::command(), "help")
        .disable_help_subcommand(false)
        .disable_version_flag(true)
        .arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(t!("help-flag-version"))
                .help_heading(t!("help-heading-options")),
        );
    cmd.build();
    cmd.mut_subcommand("help", |h| h.about(t!("help-help")))
}

fn localise(cmd: clap::Command, prefix: &str) -> clap::Command {
    let lang = crate::i18n::current();
    // A text the Fluent files have, or none (clap then shows nothing there).
    let text = |id: String| match crate::i18n::has(lang, &id) {
        true => Resettable::Value(StyledStr::from(crate::i18n::text(lang, &id, &[]))),
        false => Resettable::Reset,
    };
    let template = format!(
        "{{about-with-newline}}\n{}: {{usage}}\n\n{{all-args}}{{after-help}}",
        t!("help-heading-usage")
    );
    let mut cmd = cmd
        .about(text(prefix.to_string()))
        .long_about(text(format!("{prefix}-long")))
        .after_help(text(format!("{prefix}-after")))
        .help_template(template)
        .subcommand_help_heading(t!("help-heading-commands"))
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .mut_args(|a| {
            let id = format!("{prefix}-arg-{}", a.get_id());
            let heading = if a.is_positional() {
                t!("help-heading-arguments")
            } else {
                t!("help-heading-options")
            };
            // The texts name the values and the defaults themselves, in their language.
            let takes_values = a.get_action().takes_values();
            a.help(text(id.clone()))
                .long_help(text(format!("{id}-long")))
                .help_heading(heading)
                .hide_possible_values(takes_values)
                .hide_default_value(takes_values)
        })
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(t!("help-flag-help"))
                .help_heading(t!("help-heading-options")),
        );
    let names: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in names {
        let sub_prefix = format!("{prefix}-{name}");
        cmd = cmd.mut_subcommand(&name, |s| localise(s, &sub_prefix));
    }
    cmd
}

#[derive(Debug, Parser)]
#[command(name = "loaxa", version, about = ABOUT, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    /// The station configuration file. Relative folders in it (schedules, media, data)
    /// are resolved against the folder this file is in.
    #[arg(long, short = 'c', global = true, value_name = "PATH", default_value = "loaxa.toml")]
    pub config: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: play and post everything on schedule, reload edited schedules, record
    /// everything in the history, serve /status, /metrics and the board on [http] listen.
    ///
    /// With invalid schedule files it airs the last set that loaded (and says so); it refuses
    /// only when no set ever loaded, when another loaxa runs on the same data folder, or when
    /// the history is missing or older than the one it last wrote. SIGHUP reloads; SIGTERM or
    /// SIGINT stops cleanly.
    Run(RunArgs),

    /// Ask the running daemon how it is: what plays, what comes next, the outbox, errors.
    Status,

    /// Validate the configuration and all schedule files, reporting every problem.
    ///
    /// Each error names FILE:LINE:COLUMN, quotes the line and says how to fix it. Warnings
    /// (programmes that overlap on the loudspeaker, sessions that run too long) do not fail
    /// the check. Overlaps are looked for in the days starting today (see --days).
    Check(CheckArgs),

    /// Print the occurrences in a time window: what airs, when, where and for how long.
    ///
    /// The window is [--from, --to). Dates and times are in the station's timezone; a bare
    /// date means 00:00 that day.
    Plan(PlanArgs),

    /// Show what went out and when, from the history database (<data>/history.db).
    ///
    /// Filters combine. Times are station time; a bare date means 00:00. Readers never disturb
    /// the running daemon.
    History(HistoryArgs),

    /// Play audio files on the loudspeaker line now, to test it.
    ///
    /// Files play in order through the configured device (or --device). Exits non-zero with
    /// the reason if a file cannot be decoded or the device cannot be opened.
    Play(PlayArgs),

    /// Post a broadcast's [broadcast.post] to its web and social channels now.
    ///
    /// The post goes through the outbox like the daemon's: written down before any call,
    /// retried only where that is safe, and recorded in the history. `--dry-run` prints the
    /// exact HTTP requests instead, with secrets redacted, and sends nothing.
    Post(PostArgs),

    /// Air a broadcast now, through the running daemon (an emergency cuts in).
    ///
    /// The programme is the one the daemon would build for the broadcast at this second, at its
    /// own level or --priority; its posts go through the outbox unless --no-post. The action is
    /// recorded in the history with your Unix user. Needs the running daemon and membership of
    /// its group (`loaxa`).
    Now(NowArgs),

    /// Stop what is on air, through the running daemon.
    ///
    /// The line goes quiet: the programme is recorded as interrupted by you and not replayed,
    /// and what had fallen due behind it is held back too (each named, and recorded as yours).
    /// What is scheduled later airs at its time. To go on to the next programme instead, use
    /// `loaxa skip`.
    Stop,

    /// Stop what is on air and go on to the next programme due, through the running daemon.
    ///
    /// The programme is recorded as interrupted by you and not replayed; the next one due
    /// starts at once.
    Skip,

    /// Show what is on air and what waits for the line, from the running daemon.
    Queue,

    /// Go live: the microphone (or line-in, or the phone hybrid) on the loudspeaker line now.
    ///
    /// The capture input plays between the station's chimes, at priority level unless
    /// --priority emergency (which cuts into what is playing). It ends at --until or after
    /// --for, on Ctrl-C, or when this terminal closes; without a bound it ends after [audio]
    /// live_max_minutes. The history records who, when, how long and how loud.
    Live(LiveArgs),

    /// Write a new schedule file to fill in: one broadcast, every key explained in Vietnamese.
    ///
    /// The file is `<schedules>/ID.toml`; an existing file is never overwritten. Fill in the
    /// title, the audio file and the post, then run `loaxa check`.
    #[command(after_help = "\
Examples:
  loaxa new ban-tin-sang --at 06:30 --days t2,t4,t6
  loaxa new thong-bao-dvc --at 6h30,17h --title \"Dịch vụ công trực tuyến\"")]
    New(NewArgs),

    /// List the sound output devices that open; put one's name in [audio] device.
    Devices(DevicesArgs),

    /// Read a text aloud as a bulletin would (or a broadcast's `speak` text), to listen first.
    ///
    /// Shows the text as it will be read (numbers, dates and abbreviations written out), renders
    /// it with the station's voice (or --provider, --voice, --speed), and plays it on the line
    /// or writes it to --out. A word that cannot be read with certainty is an error, as in
    /// `loaxa check`.
    Speak(SpeakArgs),

    /// Make the password line for a user of the dashboard's control page ([http] control).
    ///
    /// Reads the password (typed twice, not shown; or one line on standard input) and prints
    /// `NAME = "HASH"` (an argon2 hash), to put under [http.users] in loaxa.toml. Only the argon2 hash is
    /// kept: the password itself is stored nowhere.
    Passwd(PasswdArgs),

    /// The province's central history (PostgreSQL): set it up, push this box's history to it,
    /// and see what it holds.
    Central(CentralArgs),

    /// Check that the history is complete and untouched, and print its head (SEQ:HASH).
    ///
    /// Walks the hash chain and names the first broken event: an edited, deleted, inserted or
    /// reordered row. Write the head into the monthly report; later, `--head SEQ:HASH` also
    /// detects events cut off the end. Exits 1 on any break.
    Verify(VerifyArgs),

    /// Write the office's report for a period: counts per campaign, broadcast and channel,
    /// airtime, lateness, every failure with its reason, and the history's verified head.
    ///
    /// HTML (one self-contained file, charts included, prints on A4) or CSV (the same tables,
    /// for spreadsheets). Built from the history alone; a broken history chain is printed in
    /// the report and makes the command exit 1.
    #[command(after_help = "\
Examples:
  loaxa report --month 2024-05 --out bao-cao-05-2024.html
  loaxa report --from 01/05/2024 --to 15/05/2024 --format csv --out nua-dau-thang-5.csv
  loaxa report --month 2024-05 --lang en > may-2024.html")]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The month to report on: 2024-05 (or 05/2024), station time.
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"], required_unless_present = "from")]
    pub month: Option<String>,
    /// First day of the period: 2024-05-01 (or 01/05/2024).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// Last day of the period, included.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// html or csv; default: from --out's extension, else html.
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Language of the labels (default: [station] language, then LOAXA_LANG, then LANG).
    #[arg(long, value_enum)]
    pub lang: Option<crate::report::Lang>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Html,
    Csv,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only events at or after this DATE or DATETIME.
    #[arg(long, value_name = "DATE|DATETIME")]
    pub from: Option<String>,
    /// Only events before this DATE or DATETIME.
    #[arg(long, value_name = "DATE|DATETIME")]
    pub to: Option<String>,
    /// Only this broadcast id.
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Only this channel (e.g. facebook); loudspeaker events have no channel.
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// Only these event kinds (repeatable), e.g. playout_started, post_failed.
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// Only outcomes of this class.
    #[arg(long, value_enum)]
    pub status: Option<crate::domain::event::Status>,
    /// Only this campaign (its name, as in [campaign] name).
    #[arg(long, value_name = "NAME")]
    pub campaign: Option<String>,
    /// Output format. CSV carries a UTF-8 byte-order mark so spreadsheets show Vietnamese text.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Count outcomes per broadcast and per channel instead of listing events.
    #[arg(long)]
    pub summary: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// Also list the devices that do not open, each with the reason.
    #[arg(long)]
    pub all: bool,
    /// List the capture devices instead (microphone, line-in), for `loaxa live`.
    #[arg(long, conflicts_with = "all")]
    pub input: bool,
}

#[derive(Debug, Args)]
pub struct PlayArgs {
    /// Audio files (mp3, ogg, wav, flac, m4a), played in order.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<std::path::PathBuf>,
    /// Output device name (see `loaxa devices`); default: [audio] device, else the system default.
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
    /// Volume from 0 to 1; default: [audio] volume.
    #[arg(long, value_name = "V")]
    pub volume: Option<f32>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Log format: human-readable text, or one JSON object per line (for journald and log shippers).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Run on a history that is missing or older than the one loaxa last wrote (a restored
    /// backup), starting from it. Recorded in the history; posts that may already have gone
    /// out are held as unconfirmed rather than sent again.
    #[arg(long)]
    pub accept_history_reset: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct PostArgs {
    /// The broadcast's id, as in its schedule file.
    pub id: String,
    /// Only this channel (default: every web channel the broadcast lists).
    #[arg(long, value_name = "NAME")]
    pub channel: Option<String>,
    /// Print the HTTP requests (secrets redacted) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Post even though an attempt in the last 24 hours may have created the post already
    /// (it is unconfirmed, or waits for a retry). Recorded in the history.
    #[arg(long)]
    pub again: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("file_or_say").args(["file", "say"])))]
pub struct NowArgs {
    /// The broadcast's id, as in its schedule file.
    #[arg(required_unless_present_any = ["file", "say"], conflicts_with_all = ["file", "say"])]
    pub id: Option<String>,
    /// Air an audio file of the media folder instead, as a programme of its own (with the
    /// station's chimes; nothing is posted).
    #[arg(long, value_name = "FILE")]
    pub file: Option<String>,
    /// Read this text aloud instead, with the station's voice, as a programme of its own
    /// (between the chimes; nothing is posted).
    #[arg(long, value_name = "TEXT", conflicts_with = "file")]
    pub say: Option<String>,
    /// The title the history and the dashboard show for --file or --say (default: the file's
    /// name, or the text's first words).
    #[arg(long, value_name = "TEXT", requires = "file_or_say")]
    pub title: Option<String>,
    /// Air it at this level instead of its own: normal, priority or emergency.
    #[arg(long, value_name = "LEVEL")]
    pub priority: Option<String>,
    /// Air it without posting to its web and social channels.
    #[arg(long)]
    pub no_post: bool,
    /// Only these channels instead of the broadcast's own, comma-separated (without
    /// `loudspeaker`: post it without airing it).
    #[arg(long, value_name = "NAMES", value_delimiter = ',', requires = "id")]
    pub channels: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct SpeakArgs {
    /// The text to read, or the id of a broadcast that speaks.
    #[arg(value_name = "TEXT|ID")]
    pub what: String,
    /// A provider of [tts] (default: [tts] provider, else espeak-ng).
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// The voice (espeak-ng: vi, vi-vn-x-central, vi-vn-x-south).
    #[arg(long, value_name = "VOICE")]
    pub voice: Option<String>,
    /// The speed, 0.5 to 2.0 (1.0 is normal).
    #[arg(long, value_name = "S")]
    pub speed: Option<f32>,
    /// Write the audio to this file instead of playing it.
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,
    /// Output device for playing (see `loaxa devices`); default: [audio] device.
    #[arg(long, value_name = "NAME")]
    pub device: Option<String>,
}

#[derive(Debug, Args)]
pub struct CentralArgs {
    #[command(subcommand)]
    pub command: CentralCommand,
}

#[derive(Debug, Subcommand)]
pub enum CentralCommand {
    /// Create or upgrade the centre's schema (again, safely), and register stations.
    Init(CentralInitArgs),
    /// Push this box's history to the centre now.
    Push,
    /// What the centre holds of this box: its head, the lag, the last contact, refusals.
    Status,
    /// Publish a province bulletin (an audio file, or a text the boxes read aloud) to every
    /// commune or some.
    Publish(CentralPublishArgs),
    /// The province's report for a month: per commune, programmes aired and missed, posts, hours
    /// relayed, bulletins, the last contact, and whether its chain holds.
    Report(CentralReportArgs),
    /// Accept a station's new chain after its box lost its history or was restored from an older
    /// copy: the old chain is kept, and the new one is taken from where they part.
    AcceptReset(CentralAcceptResetArgs),
}

#[derive(Debug, Args)]
pub struct CentralAcceptResetArgs {
    /// The centre's address, as the province's operator (the password from PGPASSWORD).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The station whose new chain is accepted.
    #[arg(long, value_name = "ID")]
    pub station: String,
    /// Why (a replaced card, a restored backup): kept with the reset, shown in the report.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct CentralReportArgs {
    /// The centre's address, as the province's operator (the password from PGPASSWORD).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The month, YYYY-MM.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    /// One commune only.
    #[arg(long, value_name = "ID")]
    pub station: Option<String>,
    /// The file to write: .html or .csv.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct CentralPublishArgs {
    /// The centre's address, as the province's operator (the password from PGPASSWORD).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// The audio file to air.
    #[arg(value_name = "FILE", required_unless_present = "text", conflicts_with = "text")]
    pub file: Option<PathBuf>,
    /// Or a text, read by each box's voice.
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    #[arg(long, value_name = "TITLE")]
    pub title: String,
    /// normal, priority or emergency (cuts in at once).
    #[arg(long, value_name = "LEVEL", default_value = "normal")]
    pub priority: String,
    /// Only these communes (station ids, comma-separated); default: every one.
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub communes: Vec<String>,
    /// Not before this time (station time, YYYY-MM-DDTHH:MM); default: now.
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// Not after this time: a box that receives it later does not air it.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

#[derive(Debug, Args)]
pub struct CentralInitArgs {
    /// The centre's address, as the province's operator (the password from PGPASSWORD).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Register a station (again: nothing changes, its password is kept). Repeat for each.
    #[arg(long = "station", value_name = "ID")]
    pub stations: Vec<String>,
    /// A login for the province's operator (publish, accept-reset, report; no superuser, and
    /// nothing stored can be changed). Repeat for each person.
    #[arg(long = "operator", value_name = "NAME")]
    pub operators: Vec<String>,
    /// A read-only login for an analyst: every station's rows, the views and the sweep. Repeat
    /// for each person.
    #[arg(long = "analyst", value_name = "NAME")]
    pub analysts: Vec<String>,
    /// Give the stations and people named here a new password (the old one stops working at
    /// once). Without it, one already registered keeps its password.
    #[arg(long)]
    pub rotate_password: bool,
    /// Where each new password is written, as NAME.password (mode 0600).
    #[arg(long, value_name = "DIR")]
    pub password_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// The user's login name.
    pub name: String,
}

#[derive(Debug, Args)]
pub struct LiveArgs {
    /// The capture device (see `loaxa devices --input`); default: [audio] live_input.
    #[arg(long, value_name = "DEVICE")]
    pub from: Option<String>,
    /// End at this time of day, station time (HH:MM).
    #[arg(long, value_name = "HH:MM", conflicts_with = "span")]
    pub until: Option<String>,
    /// End after this long on air: 90s, 10m, 1h30m.
    #[arg(long = "for", id = "span", value_name = "SPAN")]
    pub span: Option<String>,
    /// The level: priority (default), emergency (cuts in at once) or normal.
    #[arg(long, value_name = "LEVEL")]
    pub priority: Option<String>,
    /// The title the history and the dashboard show.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// Keep a recording of what went on air in the data folder (live/), for the audit.
    #[arg(long)]
    pub record: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The broadcast's id, also the file's name: letters, digits, `-`, `_`.
    pub id: String,
    /// When it airs: times separated by commas, e.g. 06:30,17:00 (or 6h30,17h).
    #[arg(long, value_name = "TIMES", default_value = "06:30")]
    pub at: String,
    /// Which days, separated by commas, e.g. t2,t4,t6 or mon,wed,fri (default: every day).
    #[arg(long, value_name = "DAYS")]
    pub days: Option<String>,
    /// The bulletin's title.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head published earlier (as printed by verify): also fail if the history no longer reaches it.
    #[arg(long, value_name = "SEQ:HASH")]
    pub head: Option<String>,
}

/// The longest window `plan` and `check` look at: ten years (a longer one only takes time).
pub const MAX_DAYS: i64 = 3660;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// How many days, starting today, to plan when looking for overlaps and long sessions
    /// (1 to 3660).
    #[arg(long, default_value_t = 28, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=MAX_DAYS))]
    pub days: u32,

    /// Plan overlaps from this date instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,

    /// Also ask every relay source what it sends now (format, codec, bitrate), with ffprobe.
    #[arg(long)]
    pub online: bool,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Start of the window: DATE (YYYY-MM-DD) or DATETIME (YYYY-MM-DDTHH:MM[:SS]), station time.
    /// Defaults to now.
    #[arg(long, value_name = "DATE|DATETIME")]
    pub from: Option<String>,

    /// Length of the window in days (1 to 3660).
    #[arg(long, value_name = "N", conflicts_with = "to", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=MAX_DAYS))]
    pub days: u32,

    /// End of the window (exclusive): DATE or DATETIME, station time.
    #[arg(long, value_name = "DATE|DATETIME")]
    pub to: Option<String>,

    /// One JSON object per line: at, id, title, priority, channels, audio, duration_s.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, has, scoped};

    /// Every subcommand and option has its help text in both languages: a new option
    /// without one would show no help at all.
    #[test]
    fn every_help_text_exists_in_both_languages() {
        use clap::CommandFactory;
        let root = Cli::command();
        let mut wanted = vec!["help".to_string(), "help-arg-config".to_string()];
        for sub in root.get_subcommands() {
            let name = sub.get_name();
            wanted.push(format!("help-{name}"));
            for a in sub.get_arguments() {
                wanted.push(format!("help-{name}-arg-{}", a.get_id()));
            }
        }
        for lang in Lang::ALL {
            let missing: Vec<_> = wanted.iter().filter(|id| !has(lang, id)).collect();
            assert!(missing.is_empty(), "{lang:?} lacks {missing:?}");
        }
    }

    #[test]
    fn help_is_written_in_the_chosen_language() {
        for (lang, words) in [
            (
                Lang::Vi,
                ["Cách dùng", "Các lệnh", "Kiểm tra cấu hình", "Xem hướng dẫn"],
            ),
            (
                Lang::En,
                ["Usage", "Commands", "Validate the configuration", "Print help"],
            ),
        ] {
            let help = scoped(lang, || {
                command().debug_assert();
                command().render_long_help().to_string()
            });
            for w in words {
                assert!(help.contains(w), "{lang:?}: {w:?} not in\n{help}");
            }
            let check = scoped(lang, || {
                let mut cmd = command();
                cmd.build();
                let sub = cmd.find_subcommand_mut("check").unwrap();
                sub.render_long_help().to_string()
            });
            let expect = if lang == Lang::Vi {
                "Số ngày, kể từ hôm nay"
            } else {
                "How many days"
            };
            assert!(check.contains(expect), "{lang:?}:\n{check}");
        }
    }
}
