//! A private PostgreSQL cluster (Debian's postgresql, `initdb` and `pg_ctl`) on a free loopback
//! port, for the central-history tests. PostgreSQL refuses to run as root: as root, the tests
//! run it as `nobody`. Password authentication (scram-sha-256) everywhere, as a province runs it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_PASSWORD: &str = "province-admin-pw";

pub struct Postgres {
    pub dir: tempfile::TempDir,
    pub port: u16,
    bin: PathBuf,
    running: bool,
    /// With TLS: the server's certificate and key (signed by `ca.pem` in `dir`).
    tls: bool,
}

fn is_root() -> bool {
    // SAFETY: getuid has no preconditions.
    unsafe { libc::getuid() == 0 }
}

/// The newest installed server's programs.
fn bin_dir() -> PathBuf {
    let mut versions: Vec<u32> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is not installed: `make test` installs it (Debian package postgresql)")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort();
    let v = versions.last().expect("no PostgreSQL server in /usr/lib/postgresql");
    PathBuf::from(format!("/usr/lib/postgresql/{v}/bin"))
}

impl Postgres {
    pub fn start() -> Postgres {
        Postgres::start_with(false)
    }

    /// With TLS on, its certificate (for 127.0.0.1 and localhost) signed by a CA of its own,
    /// `ca.pem` in [`Postgres::dir`].
    pub fn start_tls() -> Postgres {
        Postgres::start_with(true)
    }

    fn start_with(tls: bool) -> Postgres {
        let dir = tempfile::tempdir().expect("tempdir");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let pwfile = dir.path().join("pw");
        std::fs::write(&pwfile, ADMIN_PASSWORD).unwrap();
        std::fs::set_permissions(&pwfile, std::fs::Permissions::from_mode(0o644)).unwrap();
        let pg = Postgres {
            port: super::daemon::free_port(),
            bin: bin_dir(),
            dir,
            running: false,
            tls,
        };
        if tls {
            pg.make_certificates();
        }
        let data = pg.data();
        let ok = pg
            .command("initdb")
            .args([
                "-D",
                &data,
                "-U",
                "postgres",
                "-A",
                "scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("initdb");
        assert!(ok.success(), "initdb failed");
        let mut pg = pg;
        pg.up();
        pg
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut c = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "nobody", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        c.current_dir(self.dir.path());
        c
    }

    /// Starts the server (again, after [`Postgres::down`]), and waits until it answers.
    pub fn up(&mut self) {
        let mut opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
            self.port,
            self.dir.path().display()
        );
        if self.tls {
            let d = self.dir.path().display();
            opts.push_str(&format!(
                " -c ssl=on -c ssl_cert_file={d}/server.pem -c ssl_key_file={d}/server.key"
            ));
        }
        let ok = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-o", &opts, "-w", "-t", "30", "-l"])
            .arg(self.dir.path().join("log"))
            .arg("start")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pg_ctl");
        assert!(ok.success(), "PostgreSQL did not start: {}", self.log());
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(Instant::now() < deadline, "PostgreSQL does not answer: {}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        self.running = true;
    }

    fn stop(&self, mode: &str) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", mode, "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }

    /// Stops it (a cut link, as the box sees it).
    pub fn down(&mut self) {
        self.stop("fast");
        self.running = false;
    }

    /// A CA, and the server's certificate for 127.0.0.1 and localhost signed by it (openssl).
    fn make_certificates(&self) {
        let d = self.dir.path();
        let openssl = |args: &[&str]| openssl(d, args);
        std::fs::write(
            d.join("san.cnf"),
            "subjectAltName = IP:127.0.0.1, DNS:localhost\nbasicConstraints = CA:FALSE\n",
        )
        .unwrap();
        new_ca(d, "ca", "loaxa test province CA");
        openssl(&[
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "san.cnf",
        ]);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("server.key"), std::fs::Permissions::from_mode(0o600)).unwrap();
        std::fs::set_permissions(d.join("server.pem"), std::fs::Permissions::from_mode(0o644)).unwrap();
        if is_root() {
            // The server runs as nobody, and reads its key only if it owns it.
            let ok = Command::new("chown")
                .args(["nobody"])
                .arg(d.join("server.key"))
                .status()
                .unwrap();
            assert!(ok.success());
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
    }

    /// The operator's address (the password goes in PGPASSWORD).
    pub fn admin_url(&self) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    /// A box's address (its role and password come from `[central]`).
    pub fn url(&self) -> String {
        format!("postgresql://127.0.0.1:{}/postgres?sslmode=disable", self.port)
    }

    /// A client as `user`.
    pub async fn client(&self, user: &str, password: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
        let (client, conn) = tokio_postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user(user)
            .password(password)
            .dbname("postgres")
            .connect(tokio_postgres::NoTls)
            .await?;
        tokio::spawn(conn);
        Ok(client)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.running {
            self.stop("immediate");
        }
    }
}

/// Runs openssl in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let ok = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl (Debian package openssl; `make test` installs it)");
    assert!(ok.success(), "openssl {args:?}");
}

/// A certificate authority of its own in `dir`: `NAME.pem` and `NAME.key`.
pub fn new_ca(dir: &Path, name: &str, cn: &str) {
    let (key, pem, subj) = (format!("{name}.key"), format!("{name}.pem"), format!("/CN={cn}"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            &key,
            "-out",
            &pem,
            "-days",
            "2",
            "-subj",
            &subj,
        ],
    );
}
