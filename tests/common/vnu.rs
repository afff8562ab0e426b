//! The W3C Nu HTML Checker (vnu.jar), as the W3C's own validator runs it: the HTML loaxa
//! serves and writes must have no errors in it. `make test` fetches the checker with
//! scripts/vnu.sh and installs Java from Debian.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The checker's errors about `html` (a document written to `dir` as `name`), one per line.
pub fn errors(dir: &Path, name: &str, html: &str) -> Vec<String> {
    let file = dir.join(name);
    std::fs::write(&file, html).expect("write the page");
    let jar = super::repo().join("target/tools/vnu-26.9.27.jar");
    assert!(
        jar.exists(),
        "{} is missing: run scripts/vnu.sh (`make test` does)",
        jar.display()
    );
    let out = Command::new("java")
        .args(["-jar"])
        .arg(&jar)
        .args(["--errors-only", "--format", "gnu"])
        .arg(&file)
        .output()
        .expect("java (Debian package default-jre-headless; `make test` installs it)");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .chain(String::from_utf8_lossy(&out.stdout).lines())
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}
