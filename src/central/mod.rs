//! The province's central history (issue #18): every commune box pushes its hash-chained
//! history to one PostgreSQL, which re-verifies each event before it keeps it.
//!
//! The box's SQLite stays its outbox: what the centre holds is whatever prefix of the chain it
//! has verified, and a push sends what follows (so a lost acknowledgement only means a replay,
//! which the centre recognises by hash). The schema, the verifying trigger and the row-level
//! security that confines each box to its own rows are in `schema.sql`.

pub mod bulletins;
pub mod report;
pub mod scram_only;
pub mod settings;
pub mod ship;

use std::str::FromStr;

use crate::secret::Secret;
use settings::{CentralConfig, check_url, role_of, sslmode, valid_station_id};

/// The centre's schema, trigger and policies; `loaxa central init` runs it (again, safely).
pub const SCHEMA: &str = include_str!("schema.sql");

/// What went wrong talking to the centre.
#[derive(Debug, thiserror::Error)]
pub enum CentralError {
    #[error("{}", t!("central-connect", why = .0))]
    Connect(String),
    /// The server speaks no TLS: `sslmode = prefer` falls back to plain text on this, and only
    /// on this.
    #[error("{}", t!("central-connect", why = .0))]
    NoTls(String),
    #[error("{}", t!("central-query", why = .0))]
    Query(String),
    /// The box's password could not be read.
    #[error("{}", t!("central-connect", why = .0))]
    Secret(#[from] crate::secret::SecretError),
    #[error("{}", t!("central-unknown-station", id = .0))]
    UnknownStation(String),
    #[error("{0}")]
    Local(String),
    /// No answer in time: the link is taken for dead (a 4G modem in a dead zone answers
    /// nothing, and closes nothing), and the session is opened again.
    #[error("{}", t!("central-silent", secs = .0))]
    Silent(u64),
}

/// The longest one statement may wait for the centre's answer. A batch of 1,000 events is about
/// 0.5 MB: seconds on a slow 4G link, so this is long enough for a slow link and short enough
/// that a dead one is noticed, and a province emergency published meanwhile is fetched soon
/// after the link comes back.
pub const ANSWER_WITHIN: std::time::Duration = std::time::Duration::from_secs(20);

/// The slowest link a statement's bytes are allowed for: 16 kB/s, a poor 3G link.
const SLOWEST_LINK: u64 = 16_000;

/// A statement given [`ANSWER_WITHIN`] to answer.
pub async fn within<T>(
    f: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, CentralError> {
    within_for(0, f).await
}

/// A statement that carries `bytes` (a batch of events, a bulletin's audio) given
/// [`ANSWER_WITHIN`] and the time those bytes take on the slowest link.
pub async fn within_for<T>(
    bytes: usize,
    f: impl std::future::Future<Output = Result<T, tokio_postgres::Error>>,
) -> Result<T, CentralError> {
    let allowed = ANSWER_WITHIN + std::time::Duration::from_secs(bytes as u64 / SLOWEST_LINK);
    match tokio::time::timeout(allowed, f).await {
        Ok(r) => r.map_err(|e| CentralError::Query(said(&e))),
        Err(_) => Err(CentralError::Silent(allowed.as_secs())),
    }
}

/// Connects as `user` (the box's role, or the operator's for `central init`). TLS follows the
/// url's `sslmode` as libpq does, with one difference: `require` and `verify-ca` verify the
/// server's name too (rustls always does); `sslrootcert=FILE` adds a CA to the system's.
pub async fn connect(
    url: &str,
    user: Option<&str>,
    password: Option<&Secret>,
) -> Result<tokio_postgres::Client, CentralError> {
    connect_with(url, user, password, None).await
}

/// What a session's notifications (`LISTEN`) wake. Any role may `NOTIFY` any channel, so a
/// flood is cheap for whoever sends it: here it costs a flag. However many notifications come,
/// at most one wake-up waits, and with `only`, just those whose payload is it wake at all.
#[derive(Clone, Debug, Default)]
pub struct Wake {
    pub notify: std::sync::Arc<tokio::sync::Notify>,
    pub only: Option<String>,
}

impl Wake {
    /// Wakes on every notification.
    pub fn any() -> Wake {
        Wake::default()
    }

    /// Wakes on notifications whose payload is `payload` only.
    pub fn on(payload: &str) -> Wake {
        Wake {
            only: Some(payload.to_string()),
            ..Wake::default()
        }
    }

    /// Waits for the next wake-up (or returns at once if one came since the last).
    pub async fn notified(&self) {
        self.notify.notified().await;
    }
}

/// Drives a connection, waking `wake` on its notifications.
fn drive<S, T>(mut conn: tokio_postgres::Connection<S, T>, wake: Option<Wake>)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| conn.poll_message(cx)).await {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                    if let Some(w) = &wake
                        && w.only.as_deref().is_none_or(|p| p == n.payload())
                    {
                        w.notify.notify_one();
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    });
}

/// The `sslmode` loaxa takes when the url names none: the centre's certificate verified, its
/// name included. Anything less lets whoever sits on the link read the history, or pose as the
/// centre; `check` warns of it.
pub const DEFAULT_SSLMODE: &str = "verify-full";

/// The url's `sslmode` as loaxa will use it.
pub fn sslmode_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| sslmode(&u))
        .unwrap_or_else(|| DEFAULT_SSLMODE.into())
}

/// What `check` says of an `sslmode` that does not verify the centre (`None`: it does).
pub fn weak_sslmode(url: &str) -> Option<String> {
    let mode = sslmode_of(url);
    match mode.as_str() {
        "disable" | "prefer" | "require" => Some(t!("config-central-sslmode-weak", mode = mode)),
        _ => None,
    }
}

/// [`connect`], with the notifications of the session waking `notify`.
pub async fn connect_with(
    url: &str,
    user: Option<&str>,
    password: Option<&Secret>,
    notify: Option<Wake>,
) -> Result<tokio_postgres::Client, CentralError> {
    check_url(url).map_err(CentralError::Connect)?;
    let mut parsed = reqwest::Url::parse(url).map_err(|e| CentralError::Connect(e.to_string()))?;
    let mode = sslmode(&parsed).unwrap_or_else(|| DEFAULT_SSLMODE.into());
    let rootcert = parsed
        .query_pairs()
        .find(|(k, _)| k == "sslrootcert")
        .map(|(_, v)| v.into_owned());
    // tokio-postgres reads neither verify-* nor sslrootcert: they are taken out and done here.
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(k, _)| k != "sslmode" && k != "sslrootcert")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    parsed.set_query(None);
    if !kept.is_empty() {
        parsed.query_pairs_mut().extend_pairs(kept);
    }
    let mut config =
        tokio_postgres::Config::from_str(parsed.as_str()).map_err(|e| CentralError::Connect(e.to_string()))?;
    if let Some(u) = user {
        config.user(u);
    }
    if let Some(p) = password {
        config.password(p.expose());
    }
    config.connect_timeout(std::time::Duration::from_secs(10));
    // An idle session (the bulletins' LISTEN) on a link that died without a word: the kernel
    // probes it after 30 s and gives up after three unanswered probes; data unacknowledged for
    // 60 s ends it too.
    config
        .keepalives(true)
        .keepalives_idle(KEEPALIVE_IDLE)
        .keepalives_interval(KEEPALIVE_INTERVAL)
        .keepalives_retries(KEEPALIVE_RETRIES)
        .tcp_user_timeout(USER_TIMEOUT);
    config.application_name(concat!("loaxa/", env!("CARGO_PKG_VERSION")));
    match mode.as_str() {
        "disable" => plain(&config, notify).await,
        "prefer" => match encrypted(&mut config, rootcert.as_deref(), notify.clone()).await {
            // libpq's prefer: plain text when the server has no TLS (and only then).
            Err(CentralError::NoTls(_)) => plain(&config, notify).await,
            other => other,
        },
        _ => encrypted(&mut config, rootcert.as_deref(), notify).await,
    }
}

const KEEPALIVE_IDLE: std::time::Duration = std::time::Duration::from_secs(30);
const KEEPALIVE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(10);
const KEEPALIVE_RETRIES: u32 = 3;
const USER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Over TLS, verified by rustls; the password only inside SCRAM.
async fn encrypted(
    config: &mut tokio_postgres::Config,
    rootcert: Option<&str>,
    notify: Option<Wake>,
) -> Result<tokio_postgres::Client, CentralError> {
    config.ssl_mode(tokio_postgres::config::SslMode::Require);
    let tls = scram_only::ScramOnlyTls(tls(rootcert)?);
    let (client, conn) = connected(tokio::time::timeout(ANSWER_WITHIN, config.connect(tls)).await)?;
    drive(conn, notify);
    Ok(client)
}

/// In plain text (`sslmode=disable`, or `prefer` to a server without TLS): tokio-postgres would
/// hand its own socket to no wrapper, so the socket is opened here, with the same keepalives,
/// and the password still goes only inside SCRAM.
async fn plain(config: &tokio_postgres::Config, notify: Option<Wake>) -> Result<tokio_postgres::Client, CentralError> {
    use tokio_postgres::config::Host;
    let mut config = config.clone();
    config.ssl_mode(tokio_postgres::config::SslMode::Disable);
    let config = &config;
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let open = async {
        match config.get_hosts().first() {
            Some(Host::Unix(dir)) => {
                let socket = tokio::net::UnixStream::connect(dir.join(format!(".s.PGSQL.{port}")))
                    .await
                    .map_err(|e| CentralError::Connect(e.to_string()))?;
                handshake(config, socket, notify).await
            }
            host => {
                let name = match host {
                    Some(Host::Tcp(h)) => h.as_str(),
                    _ => "localhost",
                };
                let socket = tokio::net::TcpStream::connect((name, port))
                    .await
                    .map_err(|e| CentralError::Connect(e.to_string()))?;
                let _ = socket.set_nodelay(true);
                let sock = socket2::SockRef::from(&socket);
                let _ = sock.set_tcp_keepalive(
                    &socket2::TcpKeepalive::new()
                        .with_time(KEEPALIVE_IDLE)
                        .with_interval(KEEPALIVE_INTERVAL)
                        .with_retries(KEEPALIVE_RETRIES),
                );
                let _ = sock.set_tcp_user_timeout(Some(USER_TIMEOUT));
                handshake(config, socket, notify).await
            }
        }
    };
    tokio::time::timeout(ANSWER_WITHIN, open)
        .await
        .unwrap_or(Err(CentralError::Silent(ANSWER_WITHIN.as_secs())))
}

/// The start-up and authentication over a socket opened here, the password only inside SCRAM.
async fn handshake<S>(
    config: &tokio_postgres::Config,
    socket: S,
    notify: Option<Wake>,
) -> Result<tokio_postgres::Client, CentralError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (client, conn) = config
        .connect_raw(scram_only::ScramOnly::new(socket), tokio_postgres::NoTls)
        .await
        .map_err(|e| CentralError::Connect(said(&e)))?;
    drive(conn, notify);
    Ok(client)
}

/// A connection attempt's outcome: refused, or not answered in time (the TCP connection can be
/// made and the server's greeting never come, on a link that has just died).
fn connected<T>(r: Result<Result<T, tokio_postgres::Error>, tokio::time::error::Elapsed>) -> Result<T, CentralError> {
    match r {
        Ok(r) => r.map_err(|e| {
            let why = said(&e);
            // tokio-postgres gives this refusal no kind of its own; its text is read here, once.
            if why.contains("server does not support TLS") {
                CentralError::NoTls(why)
            } else {
                CentralError::Connect(why)
            }
        }),
        Err(_) => Err(CentralError::Silent(ANSWER_WITHIN.as_secs())),
    }
}

fn tls(rootcert: Option<&str>) -> Result<tokio_postgres_rustls::MakeRustlsConnect, CentralError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_native_certs_load() {
        let _ = roots.add(cert);
    }
    if let Some(path) = rootcert {
        use rustls::pki_types::CertificateDer;
        use rustls::pki_types::pem::PemObject;
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| CentralError::Connect(t!("central-rootcert", path = path.to_string(), why = e)))?;
        for cert in certs {
            let cert =
                cert.map_err(|e| CentralError::Connect(t!("central-rootcert", path = path.to_string(), why = e)))?;
            roots
                .add(cert)
                .map_err(|e| CentralError::Connect(t!("central-rootcert", path = path.to_string(), why = e)))?;
        }
    }
    let config =
        rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| CentralError::Connect(e.to_string()))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// The system's CAs (Debian's ca-certificates); none is no error (a private CA comes with
/// `sslrootcert`).
fn rustls_native_certs_load() -> Vec<rustls::pki_types::CertificateDer<'static>> {
    let found = rustls_native_certs::load_native_certs();
    found.certs
}

/// A PostgreSQL error with what the server said (its message, not the client's wrapper).
pub fn said(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut text = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                text = format!("{text}: {c}");
                cause = c.source();
            }
            text
        }
    }
}

/// Creates or upgrades the schema (as the operator's role).
pub async fn init(client: &tokio_postgres::Client) -> Result<(), CentralError> {
    client
        .batch_execute(SCHEMA)
        .await
        .map_err(|e| CentralError::Query(said(&e)))
}

/// A reset the province accepted: the station's new chain (`epoch`) follows `after_seq`; the old
/// chain ended at `old_head`.
#[derive(Clone, Debug, PartialEq)]
pub struct Reset {
    pub epoch: i32,
    pub after_seq: i64,
    pub old_head: i64,
}

/// Accepts a station's new chain (the schema's `loaxa_accept_reset`). `None`: the centre holds
/// no refused event that starts one, so there is nothing to accept.
pub async fn accept_reset(client: &tokio_postgres::Client, id: &str, why: &str) -> Result<Option<Reset>, CentralError> {
    let q = |e: tokio_postgres::Error| CentralError::Query(said(&e));
    if client
        .query_opt("SELECT 1 FROM loaxa_stations WHERE station_id = $1", &[&id])
        .await
        .map_err(q)?
        .is_none()
    {
        return Err(CentralError::UnknownStation(id.to_string()));
    }
    match client
        .query_one("SELECT * FROM loaxa_accept_reset($1, $2)", &[&id, &why])
        .await
    {
        Ok(r) => Ok(Some(Reset {
            epoch: r.get(0),
            after_seq: r.get(1),
            old_head: r.get(2),
        })),
        Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::NO_DATA_FOUND) => Ok(None),
        Err(e) => Err(q(e)),
    }
}

/// What registering a login did to its password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    /// A new login, with the password given.
    New,
    /// Already there: its password is unchanged (the box or the person keeps working).
    Kept,
    /// Already there, and `--rotate-password` asked: the password given replaces the old one.
    Rotated,
}

/// Creates the login role `role` with `password`; one that exists keeps its password unless
/// `rotate`. Re-running `init` must not cut a box off.
async fn login_role(
    client: &tokio_postgres::Client,
    role: &str,
    password: &Secret,
    rotate: bool,
) -> Result<Registered, CentralError> {
    let q = |e: tokio_postgres::Error| CentralError::Query(said(&e));
    let exists = client
        .query_opt("SELECT 1 FROM pg_roles WHERE rolname = $1", &[&role])
        .await
        .map_err(q)?
        .is_some();
    if exists && !rotate {
        return Ok(Registered::Kept);
    }
    // A role name and a password cannot be bound parameters: quoted by the server.
    let literal: String = client
        .query_one("SELECT quote_literal($1::text)", &[&password.expose()])
        .await
        .map_err(q)?
        .get(0);
    let verb = if exists { "ALTER" } else { "CREATE" };
    client
        .batch_execute(&format!("{verb} ROLE {role} LOGIN PASSWORD {literal}"))
        .await
        .map_err(q)?;
    Ok(if exists { Registered::Rotated } else { Registered::New })
}

/// Registers a station: its role (a member of `loaxa_box`, which can only insert its own rows),
/// with `password` if it is new (or `rotate`), and its row (its chain starts at the genesis
/// hash). Again for an existing station: nothing changes unless `rotate`.
pub async fn add_station(
    client: &tokio_postgres::Client,
    id: &str,
    password: &Secret,
    rotate: bool,
) -> Result<Registered, CentralError> {
    if !valid_station_id(id) {
        return Err(CentralError::Query(t!("config-central-station", id = id.to_string())));
    }
    let role = role_of(id);
    let q = |e: tokio_postgres::Error| CentralError::Query(said(&e));
    let done = login_role(client, &role, password, rotate).await?;
    client
        .batch_execute(&format!("GRANT loaxa_box TO {role}"))
        .await
        .map_err(q)?;
    client
        .execute("SELECT loaxa_confine($1::text::name)", &[&role])
        .await
        .map_err(q)?;
    client
        .execute(
            "INSERT INTO loaxa_stations (station_id, role) VALUES ($1, $2) ON CONFLICT (station_id) DO NOTHING",
            &[&id, &role],
        )
        .await
        .map_err(q)?;
    Ok(done)
}

/// A person's login at the centre, and what it may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Person {
    /// `loaxa_operator`: publish, accept-reset, report.
    Operator,
    /// `loaxa_reader`: reads everything, writes nothing.
    Analyst,
}

impl Person {
    fn group(self) -> &'static str {
        match self {
            Person::Operator => "loaxa_operator",
            Person::Analyst => "loaxa_reader",
        }
    }
}

/// A person's login name: lowercase letters, digits and `_`, not one of loaxa's own (`loaxa_…`,
/// the stations' and the groups') nor PostgreSQL's (`pg_…`, `postgres`).
pub fn valid_person(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 48
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        && !name.starts_with("loaxa")
        && !name.starts_with("pg_")
        && name != "postgres"
}

/// Registers a person's login in `who`'s group (again: nothing changes unless `rotate`).
pub async fn add_person(
    client: &tokio_postgres::Client,
    name: &str,
    who: Person,
    password: &Secret,
    rotate: bool,
) -> Result<Registered, CentralError> {
    if !valid_person(name) {
        return Err(CentralError::Query(t!(
            "cli-central-person-name",
            name = name.to_string()
        )));
    }
    let done = login_role(client, name, password, rotate).await?;
    client
        .batch_execute(&format!("GRANT {} TO {name}", who.group()))
        .await
        .map_err(|e| CentralError::Query(said(&e)))?;
    Ok(done)
}

/// Connects as the box, per `[central]`, the session's notifications (if any) waking `notify`.
pub async fn connect_box(cfg: &CentralConfig, notify: Option<Wake>) -> Result<tokio_postgres::Client, CentralError> {
    let password = cfg.password.as_ref().map(crate::secret::load).transpose()?;
    connect_with(&cfg.url, Some(&cfg.user), password.as_ref(), notify).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(check_url("postgresql://central.example.vn:5432/province?sslmode=verify-full").is_ok());
        assert!(check_url("postgres://127.0.0.1/p").is_ok());
        assert!(
            check_url("postgresql://u:hunter2@h/p").is_err(),
            "a password in the url"
        );
        assert!(check_url("http://h/p").is_err());
        assert!(check_url("postgresql://h/p?sslmode=maybe").is_err());
    }

    #[test]
    fn station_ids_and_roles() {
        assert!(valid_station_id("xa-phu-dong"));
        assert!(!valid_station_id("Xã Phù Đổng"));
        assert!(!valid_station_id("-x"));
        assert!(!valid_station_id("a;drop"));
        assert_eq!(role_of("xa-phu-dong"), "loaxa_xa_phu_dong");
    }
}
