//! History benchmarks.
//!
//! `cargo run --release --example history_load -- fill DB N` writes N events spread over 2024
//! (in transactions of 10,000) for the query and verify benchmarks.
//! `cargo run --release --example history_load -- append DB N` measures durable appends one
//! event at a time through the async writer, as the daemon makes them.

use std::path::Path;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use loaxa::domain::event::Kind;
use loaxa::history::{Event, History, OccurrenceKey, Store};
use serde_json::json;

const TZ: Tz = Tz::Asia__Ho_Chi_Minh;

fn event(i: u64, n: u64) -> Event {
    let kinds = [
        Kind::PlayoutStarted,
        Kind::PlayoutFinished,
        Kind::PostAttempt,
        Kind::PostSucceeded,
    ];
    let kind = kinds[(i % 4) as usize];
    let at =
        Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::seconds((i * 366 * 86_400 / n) as i64);
    let mut e = Event::new(
        kind,
        json!({"title": format!("Bản tin {}: hướng dẫn định danh điện tử", i % 500), "audio": [{"path": "de-an-06/vneid-muc-2.ogg", "sha256": "9f2c".repeat(16), "duration_s": 11.551}]}),
    )
    .at(at);
    e.occurrence = Some(OccurrenceKey {
        broadcast_id: format!("b{}", i % 500),
        scheduled_at: at,
    });
    e.campaign = Some(format!("Chiến dịch {}", i % 7));
    if matches!(kind, Kind::PostAttempt | Kind::PostSucceeded) {
        e.channel = Some(["facebook", "zalo", "web"][(i % 3) as usize].into());
    }
    e
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, db, n) = (args[1].as_str(), Path::new(&args[2]), args[3].parse::<u64>().unwrap());
    if mode != "query" {
        let _ = std::fs::remove_file(db);
        let _ = std::fs::remove_file(db.with_extension("db-wal"));
    }
    match mode {
        "fill" => {
            let mut store = Store::open(db, TZ).unwrap();
            let t = Instant::now();
            let mut i = 0;
            while i < n {
                let batch: Vec<Event> = (i..(i + 10_000).min(n)).map(|j| event(j, n)).collect();
                store.append(&batch).unwrap();
                i += batch.len() as u64;
            }
            println!("filled {n} events in {:.2} s", t.elapsed().as_secs_f64());
        }
        "append" => {
            let history = History::start(db, TZ).unwrap();
            let mut lat = Vec::new();
            let t = Instant::now();
            for i in 0..n {
                let t0 = Instant::now();
                assert!(history.record(event(i, n)).await.is_written());
                lat.push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            let total = t.elapsed().as_secs_f64();
            lat.sort_by(f64::total_cmp);
            let p = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize];
            println!(
                "durable appends, one at a time: {n} events in {total:.2} s = {:.0} events/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                n as f64 / total,
                p(0.5),
                p(0.99),
                lat[lat.len() - 1]
            );
            let t = Instant::now();
            let mut tasks = Vec::new();
            for i in 0..n {
                let h = history.clone();
                tasks.push(tokio::spawn(async move { h.record(event(n + i, n)).await }));
            }
            for t in tasks {
                assert!(t.await.unwrap().is_written());
            }
            let total = t.elapsed().as_secs_f64();
            println!(
                "durable appends, {n} concurrent callers (group commit): {:.0} events/s",
                n as f64 / total
            );
            history.close().await;
        }
        "query" => {
            // One month of an existing history, as `loaxa history --from … --to …` reads it.
            let store = Store::open_read_only(db, TZ).unwrap();
            let filter = loaxa::history::query::Filter {
                from: Some(Utc.with_ymd_and_hms(2024, 4, 30, 17, 0, 0).unwrap()),
                to: Some(Utc.with_ymd_and_hms(2024, 5, 31, 17, 0, 0).unwrap()),
                ..Default::default()
            };
            let mut times = Vec::new();
            let mut rows = 0;
            for _ in 0..n {
                let t = Instant::now();
                rows = loaxa::history::query::events(&store, &filter).unwrap().len();
                times.push(t.elapsed().as_secs_f64() * 1000.0);
            }
            times.sort_by(f64::total_cmp);
            println!(
                "one-month query: {rows} events, median {:.1} ms, max {:.1} ms over {n} runs",
                times[times.len() / 2],
                times[times.len() - 1]
            );
        }
        _ => panic!("mode is fill, append or query"),
    }
}
