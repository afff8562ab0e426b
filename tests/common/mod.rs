//! Shared test helpers: a throwaway station folder using the repository's own media.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use loaxa::config::Config;
use loaxa::schedule::{self, Loaded};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub const CONFIG: &str = r#"
[station]
name = "Đài truyền thanh xã Thử Nghiệm"
schedules = "schedules"
media = "MEDIA"

[policy]
quiet_hours = "21:00-05:00"
max_session_minutes = 45

[channels.facebook]
kind = "facebook"
page_id = "1234567890"
token_env = "LOAXA_TEST_FACEBOOK_TOKEN"

[channels.zalo]
kind = "zalo"
app_id = "5555"
token_env = "LOAXA_TEST_ZALO_REFRESH_TOKEN"
secret_env = "LOAXA_TEST_ZALO_APP_SECRET"

[channels.web]
kind = "board"

[sources.vov1]
url = "https://stream.example.vn/vov1.mp3"
"#;

/// The shipped `loaxa.toml` set to `language`, its schedules and media named by absolute
/// path so the copy can live in any folder.
pub fn shipped_config(language: &str) -> String {
    let repo = repo();
    let config = std::fs::read_to_string(repo.join("loaxa.toml"))
        .expect("shipped config")
        .replace("language = \"vi\"", &format!("language = \"{language}\""))
        .replace(
            "schedules = \"schedules\"",
            &format!("schedules = \"{}\"", repo.join("schedules").display()),
        )
        .replace(
            "media = \"media\"",
            &format!("media = \"{}\"", repo.join("media").display()),
        );
    assert!(config.contains(&format!("language = \"{language}\"")));
    config
}

/// A station folder with the given schedule files. Media comes from the repository.
pub struct Station {
    pub dir: tempfile::TempDir,
}

impl Station {
    pub fn new(files: &[(&str, &str)]) -> Station {
        Self::with_config(CONFIG, files)
    }

    pub fn with_config(config: &str, files: &[(&str, &str)]) -> Station {
        let dir = tempfile::tempdir().expect("tempdir");
        let media = repo().join("media");
        let config = config.replace("MEDIA", &media.display().to_string());
        std::fs::write(dir.path().join("loaxa.toml"), config).expect("write config");
        std::fs::create_dir(dir.path().join("schedules")).expect("mkdir");
        for (name, text) in files {
            std::fs::write(dir.path().join("schedules").join(name), text).expect("write schedule");
        }
        Station { dir }
    }

    /// The shipped station (its configuration, schedules and media) speaking `language`:
    /// the same files, read from the repository, with only `[station] language` changed.
    pub fn shipped(language: &str) -> Station {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("loaxa.toml"), shipped_config(language)).expect("write config");
        Station { dir }
    }

    pub fn config_path(&self) -> PathBuf {
        self.dir.path().join("loaxa.toml")
    }

    pub fn config(&self) -> Config {
        Config::load(&self.config_path()).expect("valid test config")
    }

    pub fn load(&self) -> Loaded {
        schedule::load(&self.config()).expect("schedules folder")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Runs the `loaxa` binary on this station's config and waits for it.
    pub fn loaxa(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_loaxa"))
            .arg("--config")
            .arg(self.config_path())
            .args(args)
            .output()
            .expect("run loaxa")
    }
}

/// A small deterministic generator (tests print the seed so a run can be replayed).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn millis(&mut self, lo: u64, hi: u64) -> std::time::Duration {
        std::time::Duration::from_millis(lo + self.next() % (hi - lo))
    }

    /// `len` characters drawn from `alphabet`.
    pub fn text(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        (0..len)
            .map(|_| chars[(self.next() % chars.len() as u64) as usize])
            .collect()
    }
}
pub mod audio;
pub mod browser;
pub mod daemon;
pub mod icecast;
pub mod link;
pub mod mockapi;
pub mod paced;
pub mod postgres;
pub mod pulse;
pub mod vnu;

/// Letters only Vietnamese writes: a message holding one is in Vietnamese.
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";

/// Loads the station's schedules once in each language and checks that `check` says the
/// same things in both: the same problems at the same places, every message, label and hint
/// present in both, the Vietnamese one in Vietnamese, none of them a bare message id (what
/// a message missing from one language would show). Gives what is wrong, if anything.
pub fn says_the_same_in_both_languages(station: &Station) -> Result<(), String> {
    use loaxa::i18n::{Lang, scoped};
    let vi = scoped(Lang::Vi, || station.load());
    let en = scoped(Lang::En, || station.load());
    if vi.diagnostics.len() != en.diagnostics.len() {
        return Err(format!(
            "{} diagnostics in Vietnamese, {} in English",
            vi.diagnostics.len(),
            en.diagnostics.len()
        ));
    }
    let is_id = |s: &str| {
        let s = s.trim();
        s.contains('-')
            && !s.contains(' ')
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_' || c.is_ascii_digit())
    };
    let vietnamese = |s: &str| s.to_lowercase().chars().any(|c| VIETNAMESE.contains(c));
    for (v, e) in vi.diagnostics.iter().zip(&en.diagnostics) {
        let place = en.sources.location(e);
        if vi.sources.location(v) != place || v.severity != e.severity || v.code != e.code {
            return Err(format!(
                "{place}: `{}` and `{}` are not the same problem",
                e.message, v.message
            ));
        }
        let pairs = [
            ("message", Some(v.message.as_str()), Some(e.message.as_str())),
            (
                "label",
                Some(v.label.as_str()).filter(|l| !l.is_empty()),
                Some(e.label.as_str()).filter(|l| !l.is_empty()),
            ),
            ("hint", v.hint.as_deref(), e.hint.as_deref()),
        ];
        for (what, v, e) in pairs {
            match (v, e) {
                (None, None) => {}
                (Some(v), Some(e)) => {
                    if is_id(v) || is_id(e) {
                        return Err(format!("{place}: the {what} is a bare id: `{v}` / `{e}`"));
                    }
                    if !vietnamese(v) {
                        return Err(format!("{place}: the Vietnamese {what} is not Vietnamese: `{v}`"));
                    }
                    if v == e {
                        return Err(format!("{place}: the {what} is the same in both languages: `{v}`"));
                    }
                }
                (v, e) => {
                    return Err(format!(
                        "{place}: the {what} is `{v:?}` in Vietnamese, `{e:?}` in English"
                    ));
                }
            }
        }
        for n in &v.notes {
            if !vietnamese(&n.label) {
                return Err(format!("{place}: the Vietnamese note is not Vietnamese: `{}`", n.label));
            }
        }
    }
    Ok(())
}
