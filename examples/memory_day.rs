//! Memory over simulated days: `cargo run --release --example memory_day -- HOURS [unpruned]`.
//!
//! One occurrence a second for HOURS simulated hours, through the per-occurrence state the
//! daemon keeps, with the daemon's own types and pruning: the scheduler's [`Ledger`] (handed
//! to the loudspeaker, posted to a channel), the programme map `/status` and the history read
//! from ([`Programme::for_occurrence`], with the audio hashed by [`Fingerprints`]), and the
//! playout [`Queue`]. Each occurrence is played (taken from the queue) and ended as the daemon
//! ends it, and the allocator's free memory is given back hourly as the daemon's housekeeping
//! does. No real time passes, so a day takes a minute. Prints RSS every simulated hour.
//! `unpruned` skips the forgetting, as loaxa did before issue #12, for comparison.

use std::collections::HashMap;

use chrono::{Duration, TimeZone, Utc};
use loaxa::config::Config;
use loaxa::daemon::scheduler::{self, Ledger};
use loaxa::domain::plan::Occurrence;
use loaxa::history::event::Fingerprints;
use loaxa::playout::Programme;
use loaxa::playout::queue::Queue;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let hours: i64 = args.get(1).and_then(|h| h.parse().ok()).unwrap_or(24);
    let pruned = args.get(2).map(String::as_str) != Some("unpruned");
    // The shipped station, for a real broadcast (audio files, post, chime settings).
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join("loaxa.toml")).expect("the shipped loaxa.toml");
    let set = loaxa::schedule::load(&config).expect("the shipped schedules").set;
    let broadcast = set.broadcasts.first().expect("a broadcast").clone();
    let grace = Duration::minutes(i64::from(config.policy.grace_minutes));

    let mut ledger = Ledger::default();
    let mut programmes: HashMap<String, Programme> = HashMap::new();
    let mut queue = Queue::default();
    let mut prints = Fingerprints::default();
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    println!(
        "mode: {}",
        if pruned {
            "pruned (the daemon)"
        } else {
            "unpruned (before #12)"
        }
    );
    println!("hour,occurrences,rss_kib,ledger,programmes");
    println!("0,0,{},0,0", rss_kib());
    for sec in 0..hours * 3600 {
        let now = t0 + Duration::seconds(sec);
        let o = Occurrence {
            at: now,
            broadcast: &broadcast,
        };
        let key = o.key();
        if ledger.hand(&broadcast.id, now) {
            let p = Programme::for_occurrence(&o, &config.audio, &config.station.media, &mut prints, None, None);
            programmes.insert(key.clone(), p.clone());
            queue.push(p);
        }
        // The engine plays it and reports it finished; the daemon then lets the programme go.
        queue.take(&key);
        if pruned {
            programmes.remove(&key);
        }
        ledger.post(&broadcast.id, "facebook", now);
        if pruned {
            let h = scheduler::horizon(now, grace);
            ledger.forget_before(h);
            scheduler::forget_programmes(&mut programmes, h);
        }
        if (sec + 1) % 3600 == 0 {
            // The daemon's hourly housekeeping does the same.
            if pruned {
                loaxa::daemon::give_back_memory();
            }
            println!(
                "{},{},{},{},{}",
                (sec + 1) / 3600,
                sec + 1,
                rss_kib(),
                ledger.len(),
                programmes.len()
            );
        }
    }
}
