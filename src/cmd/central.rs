//! `loaxa central init|push|status`: the province's central history from the command line. `init`
//! is the province operator's (it needs no loaxa.toml); `push` and `status` are a box's, as its
//! own role, per `[central]`.

use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::central::{self, CentralError};
use crate::cli::{
    CentralAcceptResetArgs, CentralArgs, CentralCommand, CentralInitArgs, CentralPublishArgs, CentralReportArgs,
};
use crate::exit::{EXIT_INVALID, EXIT_USAGE};

pub fn run(config: &Path, args: &CentralArgs) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            crate::console::error(e.to_string());
            return ExitCode::from(EXIT_INVALID);
        }
    };
    match &args.command {
        CentralCommand::Init(init) => rt.block_on(run_init(init)),
        CentralCommand::Push => rt.block_on(push(config)),
        CentralCommand::Status => rt.block_on(status(config)),
        CentralCommand::Publish(p) => rt.block_on(publish(p)),
        CentralCommand::Report(r) => rt.block_on(report(r)),
        CentralCommand::AcceptReset(a) => rt.block_on(accept_reset(a)),
    }
}

fn fail(e: CentralError) -> ExitCode {
    crate::console::error(crate::redact::redact(&e.to_string()));
    ExitCode::from(EXIT_INVALID)
}

/// The province operator's session: the url's role, the password from PGPASSWORD (libpq's way).
async fn operator(url: &str) -> Result<tokio_postgres::Client, ExitCode> {
    let password = std::env::var("PGPASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .map(|p| crate::secret::Secret::loaded(&p));
    central::connect(url, None, password.as_ref()).await.map_err(fail)
}

/// The box's configuration and its `[central]` section (an error when there is none).
fn box_config(path: &Path) -> Result<(crate::config::Config, crate::central::settings::CentralConfig), ExitCode> {
    let config = load_config(path)?;
    let Some(cfg) = config.central.clone() else {
        crate::console::error(t!("cli-central-off"));
        return Err(ExitCode::from(EXIT_USAGE));
    };
    Ok((config, cfg))
}

async fn run_init(args: &CentralInitArgs) -> ExitCode {
    let named = !args.stations.is_empty() || !args.operators.is_empty() || !args.analysts.is_empty();
    if named && args.password_dir.is_none() {
        crate::console::error(t!("cli-central-password-dir"));
        return ExitCode::from(EXIT_USAGE);
    }
    for name in args.operators.iter().chain(&args.analysts) {
        if !central::valid_person(name) {
            crate::console::error(t!("cli-central-person-name", name = name.clone()));
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let client = match operator(&args.url).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Err(e) = central::init(&client).await {
        return fail(e);
    }
    println!("{}", t!("cli-central-schema-ready"));
    let Some(dir) = &args.password_dir else {
        return ExitCode::SUCCESS;
    };
    for id in &args.stations {
        let registered = match new_password() {
            Ok(secret) => central::add_station(&client, id, &secret, args.rotate_password)
                .await
                .map(|r| (r, secret)),
            Err(code) => return code,
        };
        let ready = |file: &Path| {
            t!(
                "cli-central-station-ready",
                id = id.clone(),
                role = central::settings::role_of(id),
                path = file.display()
            )
        };
        if let Err(code) = registered_as(registered, dir, id, ready) {
            return code;
        }
    }
    let people = args
        .operators
        .iter()
        .map(|n| (n, central::Person::Operator))
        .chain(args.analysts.iter().map(|n| (n, central::Person::Analyst)));
    for (name, who) in people {
        let registered = match new_password() {
            Ok(secret) => central::add_person(&client, name, who, &secret, args.rotate_password)
                .await
                .map(|r| (r, secret)),
            Err(code) => return code,
        };
        let ready = |file: &Path| match who {
            central::Person::Operator => t!("cli-central-operator-ready", name = name.clone(), path = file.display()),
            central::Person::Analyst => t!("cli-central-analyst-ready", name = name.clone(), path = file.display()),
        };
        if let Err(code) = registered_as(registered, dir, name, ready) {
            return code;
        }
    }
    ExitCode::SUCCESS
}

/// A fresh random password (24 bytes from the kernel, as hex).
fn new_password() -> Result<crate::secret::Secret, ExitCode> {
    let mut bytes = [0u8; 24];
    if getrandom::fill(&mut bytes).is_err() {
        crate::console::error(t!("cli-central-no-random"));
        return Err(ExitCode::from(EXIT_INVALID));
    }
    Ok(crate::secret::Secret::loaded(&crate::domain::text::hex(&bytes)))
}

/// Says what registering `name` (as `role`) did; a new or rotated password goes to its file.
/// A kept one is left as it is, file and all.
fn registered_as(
    registered: Result<(central::Registered, crate::secret::Secret), CentralError>,
    dir: &Path,
    name: &str,
    ready: impl Fn(&Path) -> String,
) -> Result<(), ExitCode> {
    let (done, secret) = registered.map_err(fail)?;
    let file = dir.join(format!("{name}.password"));
    if done == central::Registered::Kept {
        if file.exists() {
            println!(
                "{}",
                t!(
                    "cli-central-password-kept",
                    name = name.to_string(),
                    path = file.display()
                )
            );
        } else {
            println!(
                "{}",
                t!(
                    "cli-central-password-kept-elsewhere",
                    name = name.to_string(),
                    path = file.display()
                )
            );
        }
        return Ok(());
    }
    if let Err(e) = write_private(&file, secret.expose()) {
        crate::console::error(t!("cli-central-password-file", path = file.display(), why = e));
        return Err(ExitCode::from(EXIT_INVALID));
    }
    println!("{}", ready(&file));
    Ok(())
}

/// Writes a file only its owner can read (created so: never readable by others, not even for
/// a moment).
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        crate::files::create_private_dir(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    writeln!(f, "{text}")
}

async fn push(config: &Path) -> ExitCode {
    let (config, cfg) = match box_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let client = match central::connect_box(&cfg, None).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let history = crate::history::store::Store::path_in(&config.station.data);
    match central::ship::push(&client, &cfg.station_id, &history).await {
        Ok(p) => {
            println!(
                "{}",
                t!(
                    "cli-central-pushed",
                    sent = p.sent,
                    from = p.from,
                    head = p.head,
                    local = p.local_head
                )
            );
            if let Some(seq) = p.parted_after {
                crate::console::error(t!("cli-central-parted", seq = seq, id = cfg.station_id.clone()));
            }
            match p.refused {
                Some(r) => {
                    crate::console::error(t!(
                        "cli-central-refused",
                        seq = r.seq,
                        meaning = central::ship::meaning(&r.reason),
                        reason = r.reason
                    ));
                    ExitCode::from(EXIT_INVALID)
                }
                None if p.parted_after.is_some() => ExitCode::from(EXIT_INVALID),
                None => ExitCode::SUCCESS,
            }
        }
        Err(e) => fail(e),
    }
}

async fn status(config: &Path) -> ExitCode {
    let (config, cfg) = match box_config(config) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let history = crate::history::store::Store::path_in(&config.station.data);
    let local = match central::ship::local_head(&history) {
        Ok(h) => h,
        Err(e) => return fail(e),
    };
    let client = match central::connect_box(&cfg, None).await {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let remote = match central::ship::remote(&client, &cfg.station_id).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let parted = match central::ship::parted(&client, &cfg.station_id, &history, &remote, local).await {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    let tz = config.station.timezone;
    println!(
        "{}",
        t!(
            "cli-central-status",
            id = cfg.station_id.clone(),
            head = remote.head_seq,
            local = local,
            lag = (local - remote.head_seq).max(0),
            contact = remote
                .last_contact
                .map(|t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
                .unwrap_or_else(|| "—".into())
        )
    );
    for r in &remote.rejections {
        println!(
            "{}",
            t!(
                "cli-central-rejection",
                meaning = central::ship::meaning(&r.reason),
                seq = r.seq,
                reason = r.reason.clone(),
                times = r.times
            )
        );
    }
    if let Some(seq) = parted {
        crate::console::error(t!("cli-central-parted", seq = seq, id = cfg.station_id.clone()));
    }
    // What the centre holds can look fine while the daemon's pushes have failed for minutes.
    let failing = shipper(&config).await.filter(|c| c["failing"] == true);
    if let Some(c) = &failing {
        let since = c["failing_since"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&tz).format("%H:%M:%S %d/%m/%Y").to_string())
            .unwrap_or_default();
        crate::console::error(t!(
            "log-central-failing",
            since = since,
            why = c["error"].as_str().unwrap_or_default()
        ));
    }
    if remote.rejections.is_empty() && parted.is_none() && failing.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID)
    }
}

/// The running daemon's shipper, from its `/status`; `None` when no daemon answers (then no
/// shipper is failing either).
async fn shipper(config: &crate::config::Config) -> Option<serde_json::Value> {
    let url = format!("http://{}/status", config.http.listen);
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .ok()?;
    let s: serde_json::Value = client.get(&url).send().await.ok()?.json().await.ok()?;
    Some(s["central"].clone())
}

async fn publish(args: &CentralPublishArgs) -> ExitCode {
    let Some(priority) = crate::domain::broadcast::Priority::parse(&args.priority) else {
        crate::console::error(t!("cli-central-priority", given = args.priority.clone()));
        return ExitCode::from(EXIT_USAGE);
    };
    // Times are the province's (Asia/Ho_Chi_Minh); no station configuration is read here.
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let time = |t: &Option<String>| t.as_deref().map(|s| super::parse_local(s, tz)).transpose();
    let (air_from, air_until) = match (time(&args.from), time(&args.until)) {
        (Ok(f), Ok(u)) => (f, u),
        (Err(e), _) | (_, Err(e)) => {
            crate::console::error(e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    for c in &args.communes {
        if !central::settings::valid_station_id(c) {
            crate::console::error(t!("config-central-station", id = c.clone()));
            return ExitCode::from(EXIT_USAGE);
        }
    }
    let audio = match &args.file {
        Some(path) => {
            // A file the boxes cannot play is refused here, not on 126 loudspeakers.
            if let Err(why) = crate::media::decode::check(path, None) {
                crate::console::error(why);
                return ExitCode::from(EXIT_INVALID);
            }
            match std::fs::read(path) {
                Ok(bytes) => Some((
                    path.file_name()
                        .map_or_else(|| "bulletin".into(), |n| n.to_string_lossy().into_owned()),
                    bytes,
                )),
                Err(e) => {
                    crate::console::error(t!("cli-central-file", path = path.display(), why = e));
                    return ExitCode::from(EXIT_INVALID);
                }
            }
        }
        None => None,
    };
    if let Some(text) = &args.text
        && let Err(e) = crate::speech::normalise::normalise(text, &crate::speech::lexicon::Lexicon::builtin())
    {
        crate::console::error(format!("{} ({})", e.message, e.hint));
        return ExitCode::from(EXIT_INVALID);
    }
    let client = match operator(&args.url).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let p = central::bulletins::Publish {
        title: args.title.clone(),
        priority,
        text: args.text.clone(),
        audio,
        air_from,
        air_until,
        communes: (!args.communes.is_empty()).then(|| args.communes.clone()),
    };
    match central::bulletins::publish(&client, &p).await {
        Ok(id) => {
            println!("{}", t!("cli-central-published", id = id));
            ExitCode::SUCCESS
        }
        Err(e) => fail(e),
    }
}

async fn report(args: &CentralReportArgs) -> ExitCode {
    let tz = chrono_tz::Asia::Ho_Chi_Minh;
    let (first, from, to) = match central::report::month(&args.month, tz) {
        Ok(m) => m,
        Err(e) => {
            crate::console::error(e);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let client = match operator(&args.url).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    let rows = match central::report::rows(&client, from, to, args.station.as_deref()).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let csv = args.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let text = if csv {
        central::report::csv(&rows, tz)
    } else {
        central::report::html(&rows, first, tz, crate::i18n::current())
    };
    if let Err(e) = std::fs::write(&args.out, text) {
        crate::console::error(t!("cli-central-file", path = args.out.display(), why = e));
        return ExitCode::from(EXIT_INVALID);
    }
    println!(
        "{}",
        t!("cli-central-report-written", path = args.out.display(), n = rows.len())
    );
    ExitCode::SUCCESS
}

/// The province accepts a station's new chain (see `loaxa_accept_reset` in the schema).
async fn accept_reset(args: &CentralAcceptResetArgs) -> ExitCode {
    let client = match operator(&args.url).await {
        Ok(c) => c,
        Err(code) => return code,
    };
    match central::accept_reset(&client, &args.station, &args.reason).await {
        Ok(Some(r)) => {
            println!(
                "{}",
                t!(
                    "cli-central-reset-accepted",
                    id = args.station.clone(),
                    old = r.old_head,
                    after = r.after_seq,
                    reset = r.epoch - 1
                )
            );
            ExitCode::SUCCESS
        }
        Ok(None) => {
            crate::console::error(t!("cli-central-nothing-to-accept", id = args.station.clone()));
            ExitCode::from(EXIT_INVALID)
        }
        Err(e) => fail(e),
    }
}
