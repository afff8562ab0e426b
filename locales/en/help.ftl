## `loaxa --help` and each subcommand's help (src/cli.rs)

help = loaxa, the commune loudspeaker: plays scheduled bulletins on the loudspeaker line, posts them to the station's web and social channels, and records what went out.
help-after =
    Typical use:
      loaxa check                 validate loaxa.toml and every file in schedules/
      loaxa plan --days 2         show what airs in the next 48 hours
      loaxa plan --from 2024-05-01 --to 2024-06-01 --json > may.jsonl

    Exit codes: 0 success, 1 invalid schedules, 2 usage or configuration error.
    Schedule file reference: see README.md, section "Schedule files".
help-arg-config = The station configuration file (default: loaxa.toml). Relative folders in it (schedules, media, data) are resolved against the folder this file is in.
help-flag-help = Print help (see more with '--help')
help-flag-version = Print version
help-heading-usage = Usage
help-heading-commands = Commands
help-heading-arguments = Arguments
help-heading-options = Options

help-run = Run the daemon: play and post everything on schedule, reload edited schedules, record everything in the history, serve /status, /metrics and the board on [http] listen.
help-run-long =
    Run the daemon: play and post everything on schedule, reload edited schedules, record everything in the history, serve /status, /metrics and the board on [http] listen.

    With invalid schedule files it airs the last set that loaded (and says so); it refuses only when no set ever loaded, when another loaxa runs on the same data folder, or when the history is missing or older than the one it last wrote. SIGHUP reloads; SIGTERM or SIGINT stops cleanly.
help-run-arg-log_format = Log format: text (human-readable, the default) or json (one JSON object per line, for journald and log shippers).
help-run-arg-accept_history_reset = Run on a history that is missing or older than the one loaxa last wrote (a restored backup), starting from it. Recorded in the history; posts that may already have gone out are held as unconfirmed rather than sent again.

help-status = Ask the running daemon how it is: what plays, what comes next, the outbox, errors.

help-check = Validate the configuration and all schedule files, reporting every problem.
help-check-long =
    Validate the configuration and all schedule files, reporting every problem.

    Each error names FILE:LINE:COLUMN, quotes the line and says how to fix it. Warnings (programmes that overlap on the loudspeaker, sessions that run too long) do not fail the check. Overlaps are looked for in the days starting today (see --days).
help-check-arg-days = How many days, starting today, to plan when looking for overlaps and long sessions (1 to 3660; default 28).
help-check-arg-from = Plan overlaps from this date instead of today (15/04/2024 or 2024-04-15).

help-plan = Print the occurrences in a time window: what airs, when, where and for how long.
help-plan-long =
    Print the occurrences in a time window: what airs, when, where and for how long.

    The window is [--from, --to). Dates and times are in the station's timezone; a bare date means 00:00 that day.
help-plan-arg-from = Start of the window: DATE (15/04/2024 or 2024-04-15) or DATETIME ("15/04/2024 6h" or 2024-04-15T06:00), station time. Defaults to now.
help-plan-arg-days = Length of the window in days (1 to 3660; default 1).
help-plan-arg-to = End of the window (exclusive): DATE or DATETIME, station time.
help-plan-arg-json = One JSON object per line: at, id, title, priority, channels, audio, duration_s.

help-history = Show what went out and when, from the history database (<data>/history.db).
help-history-long =
    Show what went out and when, from the history database (<data>/history.db).

    Filters combine. Times are station time; a bare date means 00:00. Readers never disturb the running daemon.
help-history-arg-from = Only events at or after this DATE or DATETIME.
help-history-arg-to = Only events before this DATE or DATETIME.
help-history-arg-id = Only this broadcast id.
help-history-arg-channel = Only this channel (e.g. facebook); loudspeaker events have no channel.
help-history-arg-kind = Only these event kinds (repeatable), e.g. playout_started, post_failed.
help-history-arg-status = Only outcomes of this class: ok, failed, missed, unconfirmed or interrupted.
help-history-arg-campaign = Only this campaign (its name, as in [campaign] name).
help-history-arg-format = Output format: table (the default), csv or json. CSV carries a UTF-8 byte-order mark so spreadsheets show Vietnamese text.
help-history-arg-summary = Count outcomes per broadcast and per channel instead of listing events.

help-play = Play audio files on the loudspeaker line now, to test it.
help-play-long =
    Play audio files on the loudspeaker line now, to test it.

    Files play in order through the configured device (or --device). Exits non-zero with the reason if a file cannot be decoded or the device cannot be opened.
help-play-arg-files = Audio files (mp3, ogg, wav, flac, m4a), played in order.
help-play-arg-device = Output device name (see `loaxa devices`); default: [audio] device, else the system default.
help-play-arg-volume = Volume from 0 to 1; default: [audio] volume.

help-post = Post a broadcast's [broadcast.post] to its web and social channels now.
help-post-long =
    Post a broadcast's [broadcast.post] to its web and social channels now.

    The post goes through the outbox like the daemon's: written down before any call, retried only where that is safe, and recorded in the history. `--dry-run` prints the exact HTTP requests instead, with secrets redacted, and sends nothing.
help-post-arg-id = The broadcast's id, as in its schedule file.
help-post-arg-channel = Only this channel (default: every web channel the broadcast lists).
help-post-arg-dry_run = Print the HTTP requests (secrets redacted) and send nothing.
help-post-arg-again = Post even though an attempt in the last 24 hours may have created the post already (it is unconfirmed, or waits for a retry). Recorded in the history.

help-now = Air a broadcast now, through the running daemon (an emergency cuts in).
help-now-long =
    Air a broadcast now, through the running daemon (an emergency cuts in).

    The programme is the one the daemon would build for the broadcast at this second, at its own level or --priority; its posts go through the outbox unless --no-post. The action is recorded in the history with your Unix user. Needs the running daemon and membership of its group (`loaxa`).
help-now-arg-id = The broadcast's id, as in its schedule file.
help-now-arg-file = Air an audio file of the media folder instead, as a programme of its own (with the station's chimes; nothing is posted).
help-now-arg-say = Read this text aloud instead, with the station's voice, as a programme of its own (between the chimes; nothing is posted).
help-now-arg-title = The title the history and the dashboard show for --file or --say (default: the file's name, or the text's first words).
help-now-arg-priority = Air it at this level instead of its own: normal, priority or emergency.
help-now-arg-no_post = Air it without posting to its web and social channels.
help-now-arg-channels = Only these channels instead of the broadcast's own, comma-separated (without `loudspeaker`: post it without airing it).

help-stop = Stop what is on air, through the running daemon.
help-stop-long =
    Stop what is on air, through the running daemon.

    The line goes quiet: the programme is recorded as interrupted by you and not replayed, and what had fallen due behind it is held back too (each named, and recorded as yours). What is scheduled later airs at its time. To go on to the next programme instead, use `loaxa skip`.

help-skip = Stop what is on air and go on to the next programme due, through the running daemon.
help-skip-long =
    Stop what is on air and go on to the next programme due, through the running daemon.

    The programme is recorded as interrupted by you and not replayed; the next one due starts at once.

help-queue = Show what is on air and what waits for the line, from the running daemon.

help-live = Go live: the microphone (or line-in, or the phone hybrid) on the loudspeaker line now.
help-live-long =
    Go live: the microphone (or line-in, or the phone hybrid) on the loudspeaker line now.

    The capture input plays between the station's chimes, at priority level unless --priority emergency (which cuts into what is playing). It ends at --until or after --for, on Ctrl-C, or when this terminal closes; without a bound it ends after [audio] live_max_minutes. The history records who, when, how long and how loud.
help-live-arg-from = The capture device (see `loaxa devices --input`); default: [audio] live_input.
help-live-arg-until = End at this time of day, station time (HH:MM).
help-live-arg-span = End after this long on air: 90s, 10m, 1h30m.
help-live-arg-priority = The level: priority (default), emergency (cuts in at once) or normal.
help-live-arg-title = The title the history and the dashboard show.
help-live-arg-record = Keep a recording of what went on air in the data folder (live/), for the audit.

help-new = Write a new schedule file to fill in: one broadcast, every key explained in Vietnamese.
help-new-long =
    Write a new schedule file to fill in: one broadcast, every key explained in Vietnamese.

    The file is `<schedules>/ID.toml`; an existing file is never overwritten. Fill in the title, the audio file and the post, then run `loaxa check`.
help-new-after =
    Examples:
      loaxa new ban-tin-sang --at 06:30 --days t2,t4,t6
      loaxa new thong-bao-dvc --at 6h30,17h --title "Dịch vụ công trực tuyến"
help-new-arg-id = The broadcast's id, also the file's name: letters, digits, `-`, `_`.
help-new-arg-at = When it airs: times separated by commas, e.g. 06:30,17:00 (or 6h30,17h); default 06:30.
help-new-arg-days = Which days, separated by commas, e.g. t2,t4,t6 or mon,wed,fri (default: every day).
help-new-arg-title = The bulletin's title.

help-devices = List the sound output devices that open; put one's name in [audio] device.
help-devices-arg-all = Also list the devices that do not open, each with the reason.
help-passwd = Make the password line for a user of the dashboard's control page ([http] control).
help-passwd-long =
    Make the password line for a user of the dashboard's control page ([http] control).

    Reads the password (typed twice, not shown; or one line on standard input) and prints `NAME = "HASH"` (an argon2 hash), to put under [http.users] in loaxa.toml. Only the argon2 hash is kept: the password itself is stored nowhere.
help-passwd-arg-name = The user's login name.
help-devices-arg-input = List the capture devices instead (microphone, line-in), for `loaxa live`.

help-verify = Check that the history is complete and untouched, and print its head (SEQ:HASH).
help-verify-long =
    Check that the history is complete and untouched, and print its head (SEQ:HASH).

    Walks the hash chain and names the first broken event: an edited, deleted, inserted or reordered row. Write the head into the monthly report; later, `--head SEQ:HASH` also detects events cut off the end. Exits 1 on any break.
help-verify-arg-head = A head published earlier (as printed by verify): also fail if the history no longer reaches it.

help-report = Write the office's report for a period: counts per campaign, broadcast and channel, airtime, lateness, every failure with its reason, and the history's verified head.
help-report-long =
    Write the office's report for a period: counts per campaign, broadcast and channel, airtime, lateness, every failure with its reason, and the history's verified head.

    HTML (one self-contained file, charts included, prints on A4) or CSV (the same tables, for spreadsheets). Built from the history alone; a broken history chain is printed in the report and makes the command exit 1.
help-report-after =
    Examples:
      loaxa report --month 2024-05 --out bao-cao-05-2024.html
      loaxa report --from 01/05/2024 --to 15/05/2024 --format csv --out nua-dau-thang-5.csv
      loaxa report --month 2024-05 --lang en > may-2024.html
help-report-arg-month = The month to report on: 2024-05 (or 05/2024), station time.
help-report-arg-from = First day of the period: 01/05/2024 (or 2024-05-01).
help-report-arg-to = Last day of the period, included.
help-report-arg-format = html or csv; default: from --out's extension, else html.
help-report-arg-out = Write to this file instead of standard output.
help-report-arg-lang = Language of the labels: vi or en (default: [station] language, then LOAXA_LANG, then LANG).
help-help = Print this message or the help of the given command
help-speak = Read a text aloud as a bulletin would (or a broadcast's `speak` text), to listen first.
help-speak-long =
    Read a text aloud as a bulletin would (or a broadcast's `speak` text), to listen first.

    Shows the text as it will be read (numbers, dates and abbreviations written out), renders it with the station's voice (or --provider, --voice, --speed), and plays it on the line or writes it to --out. A word that cannot be read with certainty is an error, as in `loaxa check`.
help-speak-arg-what = The text to read, or the id of a broadcast that speaks.
help-speak-arg-provider = A provider of [tts] (default: [tts] provider, else espeak-ng).
help-speak-arg-voice = The voice (espeak-ng: vi, vi-vn-x-central, vi-vn-x-south).
help-speak-arg-speed = The speed, 0.5 to 2.0 (1.0 is normal).
help-speak-arg-out = Write the audio to this file instead of playing it.
help-speak-arg-device = Output device for playing (see `loaxa devices`); default: [audio] device.
help-check-arg-online = Also ask every relay source what it sends now (format, codec, bitrate), with ffprobe.
help-central = The province's central history (PostgreSQL): set it up, push this box's history to it, and see what it holds.
help-central-init = Create or upgrade the centre's schema (again, safely), and register stations.
help-central-init-arg-url = The centre's address, as the province's operator (the password from PGPASSWORD).
help-central-init-arg-stations = Register a station (again: a new password). Repeat for each.
help-central-init-arg-password_dir = Where each new station's password is written, as ID.password (mode 0600).
help-central-push = Push this box's history to the centre now.
help-central-status = What the centre holds of this box: its head, the lag, the last contact, refusals.
help-central-publish = Publish a province bulletin (an audio file, or a text the boxes read aloud) to every commune or some.
help-central-publish-arg-url = The centre's address, as the province's operator (the password from PGPASSWORD).
help-central-publish-arg-file = The audio file to air.
help-central-publish-arg-text = Or a text, read by each box's voice.
help-central-publish-arg-title = The bulletin's title.
help-central-publish-arg-priority = normal, priority or emergency (cuts in at once).
help-central-publish-arg-communes = Only these communes (station ids, comma-separated); default: every one.
help-central-publish-arg-from = Not before this time (station time, YYYY-MM-DDTHH:MM); default: now.
help-central-publish-arg-until = Not after this time: a box that receives it later does not air it.
help-central-report = The province's report for a month: per commune, programmes aired and missed, posts, hours relayed, bulletins, the last contact, and whether its chain holds.
help-central-report-arg-url = The centre's address, as the province's operator (the password from PGPASSWORD).
help-central-report-arg-month = The month, YYYY-MM.
help-central-report-arg-station = One commune only.
help-central-report-arg-out = The file to write: .html or .csv.
help-central-accept-reset = Accept a station's new chain after its box lost its history or was restored from an older copy: the old chain is kept, and the new one is taken from where they part.
help-central-accept-reset-arg-url = The centre's address, as the province's operator (the password from PGPASSWORD).
help-central-accept-reset-arg-station = The station whose new chain is accepted.
help-central-accept-reset-arg-reason = Why (a replaced card, a restored backup): kept with the reset, shown in the report.
