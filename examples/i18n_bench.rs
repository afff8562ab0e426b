//! The cost of the localisation layer (src/i18n.rs): reading every Fluent file the first time
//! a message is needed, and one message with arguments after that (what every diagnostic,
//! journal line and dashboard cell now pays).
//!
//! `cargo run --release --example i18n_bench -- 200000`

use std::time::Instant;

use loaxa::i18n::{Lang, text};

fn main() {
    let rounds: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let first = Instant::now();
    let shown = text(
        Lang::Vi,
        "check-unknown-key",
        &[("key", "chanels".into()), ("what", "[[broadcast]]".into())],
    );
    println!(
        "first message (parses every .ftl of both languages): {:.2} ms",
        first.elapsed().as_secs_f64() * 1e3
    );
    println!("  {shown}");
    for lang in Lang::ALL {
        let start = Instant::now();
        let mut bytes = 0;
        for i in 0..rounds {
            let m = text(
                lang,
                "check-overlap",
                &[
                    ("second", "vneid-muc-2".into()),
                    ("at", "30/11/2026 06:05".into()),
                    ("first", "kiem-soat-thu-tuc".into()),
                    ("until", "30/11/2026 06:05:30".into()),
                    ("times", if i % 2 == 0 { String::new() } else { " (4 times)".into() }),
                ],
            );
            bytes += m.len();
        }
        let per = start.elapsed().as_secs_f64() / f64::from(rounds) * 1e6;
        println!("{lang:?}: one message with 5 arguments: {per:.2} µs ({bytes} bytes in all)");
    }
}
