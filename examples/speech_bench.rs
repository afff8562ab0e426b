//! Speech figures for docs/benchmarks.md (issue #16): the normaliser's throughput on the golden
//! set's sentences, rendering 1,000 characters with espeak-ng and with a `command` provider,
//! and a cache hit. `cargo run --release --example speech_bench`.

use std::time::Instant;

use loaxa::speech::lexicon::Lexicon;
use loaxa::speech::normalise::normalise;
use loaxa::speech::render::{Spec, Speech};
use loaxa::speech::settings;

fn main() {
    let golden = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/speech/golden.tsv"))
        .expect("golden set");
    let sentences: Vec<&str> = golden
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .filter(|(_, r)| *r != "!")
        .map(|(t, _)| t)
        .collect();
    let lexicon = Lexicon::builtin();
    // About 2 MB of office text, sentence by sentence.
    let mut bytes = 0usize;
    let t = Instant::now();
    while bytes < 2_000_000 {
        for s in &sentences {
            bytes += s.len();
            std::hint::black_box(normalise(s, &lexicon).expect("golden sentences read"));
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "normaliser: {:.2} MB/s ({bytes} bytes in {secs:.2} s)",
        bytes as f64 / secs / 1e6
    );

    // 1,000 characters of notices.
    let mut text = String::new();
    for s in sentences.iter().cycle() {
        if text.chars().count() + s.chars().count() > 1000 {
            break;
        }
        text.push_str(s);
        text.push(' ');
    }
    let spoken = normalise(&text, &lexicon).expect("reads");
    let dir = tempfile::tempdir().expect("tempdir");
    let settings_text =
        "[shell]\nkind = \"command\"\ncommand = [\"sh\", \"-c\", \"espeak-ng -b 1 -v vi --stdout --stdin\"]\n";
    let table: settings::RawTts = toml::from_str(settings_text).expect("toml");
    let mut errors = Vec::new();
    let config = settings::parse(
        Some(toml::Spanned::new(0..text.len(), table)),
        dir.path(),
        0,
        &mut errors,
    );
    assert!(errors.is_empty(), "{errors:?}");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    for provider in ["espeak-ng", "shell"] {
        let mut best = f64::MAX;
        let mut audio = 0.0;
        for round in 0..5 {
            // A fresh cache each time: a render, not a hit.
            let cache = dir.path().join(format!("{provider}-{round}"));
            let speech = Speech::new(config.clone(), &cache);
            let spec = Spec {
                text: text.clone(),
                spoken: spoken.clone(),
                provider: Some(provider.into()),
                voice: None,
                speed: None,
            };
            let t = Instant::now();
            let r = rt.block_on(speech.render(&spec, false)).expect("renders");
            best = best.min(t.elapsed().as_secs_f64());
            audio = r.duration_s;
        }
        println!(
            "render, {} characters ({audio:.1} s of speech), {provider}: best of 5 {:.0} ms",
            text.chars().count(),
            best * 1000.0
        );
    }
    let speech = Speech::new(config, dir.path());
    let spec = Spec {
        text: text.clone(),
        spoken,
        provider: None,
        voice: None,
        speed: None,
    };
    rt.block_on(speech.render(&spec, false)).expect("renders");
    let mut times: Vec<f64> = (0..200)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(rt.block_on(speech.render(&spec, false)).expect("hit"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    println!(
        "cache hit: median {:.3} ms, p99 {:.3} ms, max {:.3} ms (200 hits)",
        times[100], times[197], times[199]
    );
}
