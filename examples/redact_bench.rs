//! The cost of the redaction layer (src/redact.rs) on the text that passes it: every log line,
//! history event, HTTP page and error snippet. Prints the time per text for a station with
//! `N` secrets remembered (each with its forms), for a typical log line, a platform error body
//! with one secret echoed, and a 200 KB dashboard page.
//!
//! `cargo run --release --example redact_bench -- 9 200000`

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let secrets: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(9);
    let rounds: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(200_000);
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/+:"
        .chars()
        .collect();
    let mut first = String::new();
    let built = Instant::now();
    for i in 0..secrets {
        let s: String = (0..40)
            .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
            .collect();
        if i == 0 {
            first = s.clone();
        }
        loaxa::redact::remember(&s);
    }
    let build_ms = built.elapsed().as_secs_f64() * 1000.0;
    let line = "2026-11-27T14:13:41.182748Z  INFO loaxa::outbox: posted channel=\"md\" id=\"b117\" remote=\"324\"";
    let error = format!(
        "{{\"error\":{{\"message\":\"Invalid OAuth access token - Cannot parse access token {first}\",\"type\":\"OAuthException\",\"code\":190,\"fbtrace_id\":\"AbCdEf\"}}}}"
    );
    let page = "<tr><td>06:15</td><td>Bản tin Đề án 06: kích hoạt VNeID mức 2</td><td>loa, facebook, zalo</td></tr>\n"
        .repeat(2_000);
    println!("secrets remembered: {secrets} (forms and matcher built in {build_ms:.2} ms)");
    for (what, text, n) in [
        ("log line (95 B, no secret)", line.to_string(), rounds),
        ("platform error (190 B, one secret)", error, rounds),
        ("dashboard page (200 KB, no secret)", page, rounds / 1000),
    ] {
        let t = Instant::now();
        let mut kept = 0;
        for _ in 0..n {
            kept += loaxa::redact::redact(std::hint::black_box(&text)).len();
        }
        let per = t.elapsed().as_secs_f64() / f64::from(n);
        println!(
            "{what}: {:.2} µs per text ({n} texts, {} bytes out)",
            per * 1e6,
            kept / n as usize
        );
    }
}
