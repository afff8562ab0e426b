//! Headless Chromium for the report and dashboard tests: the DOM after rendering, a
//! screenshot, and a print to PDF. Screenshots go to `target/tmp/screenshots/` (outside git)
//! so a person can look at what the tests saw.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Debian's Chromium, installed by `make test`.
pub fn chromium() -> PathBuf {
    for p in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!(
        "Chromium is not installed: run `make test` (it installs Debian's chromium), or `sudo apt install chromium`"
    );
}

pub fn screenshots_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&d).expect("screenshots dir");
    d
}

/// Runs Chromium headless with a fresh profile on `url` and the given extra flags; returns stdout.
fn run(url: &str, extra: &[String]) -> String {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--lang=vi-VN",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().expect("wait chromium") {
            assert!(status.success(), "chromium failed on {url}: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not finish within 90 s on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().expect("reader")
}

/// The DOM as Chromium built it.
pub fn dump_dom(url: &str) -> scraper::Html {
    let out = run(url, &["--dump-dom".into()]);
    assert!(out.contains("<html"), "chromium printed no DOM for {url}: {out:.200}");
    scraper::Html::parse_document(&out)
}

/// A PNG of the page at A4 width (150 dpi); returns its path.
pub fn screenshot(url: &str, name: &str, height: u32) -> PathBuf {
    let path = screenshots_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    run(
        url,
        &[
            format!("--screenshot={}", path.display()),
            format!("--window-size=1240,{height}"),
        ],
    );
    let bytes = std::fs::read(&path).expect("screenshot written");
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG: {}", path.display());
    assert!(
        bytes.len() > 10_000,
        "screenshot suspiciously small ({} bytes)",
        bytes.len()
    );
    eprintln!("screenshot: {}", path.display());
    path
}

/// Prints the page to PDF as Chromium's print dialog would; returns the PDF bytes.
pub fn print_to_pdf(url: &str, name: &str) -> Vec<u8> {
    let path = screenshots_dir().join(format!("{name}.pdf"));
    let _ = std::fs::remove_file(&path);
    run(
        url,
        &[
            format!("--print-to-pdf={}", path.display()),
            "--no-pdf-header-footer".into(),
        ],
    );
    std::fs::read(&path).expect("pdf written")
}

/// Text of the first element matching a CSS selector, whitespace collapsed.
pub fn text(doc: &scraper::Html, selector: &str) -> String {
    let sel = scraper::Selector::parse(selector).expect("selector");
    let el = doc
        .select(&sel)
        .next()
        .unwrap_or_else(|| panic!("no element matches `{selector}`"));
    el.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many elements match a CSS selector.
pub fn count(doc: &scraper::Html, selector: &str) -> usize {
    doc.select(&scraper::Selector::parse(selector).expect("selector"))
        .count()
}
