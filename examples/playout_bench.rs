//! Start lateness of the playout engine, side by side with tokio-cron-scheduler jobs.
//!
//! `ALSA_CONFIG_PATH=… cargo run --release --example playout_bench -- N INTERVAL_MS`
//! schedules N programmes INTERVAL_MS apart on the engine, and the same N instants as
//! tokio-cron-scheduler one-shot jobs, plus a cron job every second. Lateness is the wall-clock
//! time of the first sample pulled by the device (engine) or of the job running (scheduler),
//! minus the scheduled instant. `scripts/bench.sh` runs it while two busy loops load both cores.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use loaxa::config::AfterInterrupt;
use loaxa::playout::{Engine, EngineSettings, PlayoutEvent, Programme};
use tokio_cron_scheduler::{Job, JobScheduler};

fn stats(name: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    let p = |q: f64| ms[((ms.len() - 1) as f64 * q).round() as usize];
    println!(
        "{name:<44} n={:>4}  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms  min {:>7.2} ms",
        ms.len(),
        p(0.5),
        p(0.99),
        ms[ms.len() - 1],
        ms[0]
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("idle") {
        return idle(&args[2], args[3].parse().unwrap()).await;
    }
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(120);
    let interval = Duration::from_millis(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(250));
    let dir = std::env::temp_dir().join("loaxa-playout-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("blip.wav");
    write_tone(&tone);

    let first: DateTime<Utc> = Utc::now() + chrono::Duration::seconds(3);
    let instants: Vec<DateTime<Utc>> = (0..n)
        .map(|i| first + chrono::Duration::from_std(interval * i as u32).unwrap())
        .collect();

    // tokio-cron-scheduler: the same instants as one-shot jobs, and a job every second.
    let sched = JobScheduler::new().await.unwrap();
    let one_shot = Arc::new(Mutex::new(Vec::new()));
    for at in &instants {
        let at = *at;
        let out = one_shot.clone();
        let wait = (at - Utc::now()).to_std().unwrap();
        let job = Job::new_one_shot_at_instant(std::time::Instant::now() + wait, move |_, _| {
            out.lock()
                .unwrap()
                .push((Utc::now() - at).num_microseconds().unwrap() as f64 / 1000.0);
        })
        .unwrap();
        sched.add(job).await.unwrap();
    }
    let every_second = Arc::new(Mutex::new(Vec::new()));
    let out = every_second.clone();
    sched
        .add(
            Job::new("* * * * * *", move |_, _| {
                let now = Utc::now();
                // Distance from the whole second it was meant for (nearest, so early runs count too).
                let ms = now.nanosecond() as f64 / 1e6;
                out.lock().unwrap().push(if ms > 500.0 { ms - 1000.0 } else { ms });
            })
            .unwrap(),
        )
        .await
        .unwrap();
    sched.start().await.unwrap();

    let (engine, mut events) = Engine::start(EngineSettings {
        device: "default".into(),
        preroll: Duration::from_secs(1),
        after_interrupt: AfterInterrupt::Replay,
        give_up: Duration::from_secs(5),
    });
    for (i, at) in instants.iter().enumerate() {
        let mut p = Programme::of_files(&format!("p{i}"), std::slice::from_ref(&tone), 1.0);
        p.scheduled_at = *at;
        engine.submit(p);
    }
    let mut engine_ms = Vec::new();
    let mut done = 0;
    while let Some(e) = events.recv().await {
        match e {
            PlayoutEvent::Started {
                started_at,
                scheduled_at,
                ..
            } => {
                engine_ms.push((started_at - scheduled_at).num_microseconds().unwrap() as f64 / 1000.0);
            }
            PlayoutEvent::Finished { .. } | PlayoutEvent::Failed { .. } => {
                done += 1;
                if done == n {
                    break;
                }
            }
            _ => {}
        }
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    engine.shutdown(false);
    stats("loaxa engine (first sample to the device)", engine_ms);
    stats("tokio-cron-scheduler one-shot jobs", one_shot.lock().unwrap().clone());
    stats(
        "tokio-cron-scheduler cron job, every second",
        every_second.lock().unwrap().clone(),
    );
}

/// 50 ms of 1 kHz, mono 16-bit 44.1 kHz.
fn write_tone(path: &std::path::Path) {
    let n = 2205u32;
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + n * 2).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&44_100u32.to_le_bytes());
    b.extend_from_slice(&88_200u32.to_le_bytes());
    b.extend_from_slice(&2u16.to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(n * 2).to_le_bytes());
    for i in 0..n {
        let x = (0.3 * (2.0 * std::f32::consts::PI * 1000.0 * i as f32 / 44_100.0).sin() * 32767.0) as i16;
        b.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}

/// `idle CONFIG SECONDS`: load a station's schedules, queue the next 24 hours of loudspeaker
/// programmes on the engine (none due within the window), then measure RSS and CPU while idle.
async fn idle(config: &str, seconds: u64) {
    let config = loaxa::config::Config::load(std::path::Path::new(config)).unwrap();
    let loaded = loaxa::schedule::load(&config).unwrap();
    assert!(!loaded.has_errors());
    let now = Utc::now();
    let start = now + chrono::Duration::seconds(seconds as i64 + 60);
    let occ = loaxa::plan::occurrences(
        &loaded.set.broadcasts,
        start..start + chrono::Duration::days(1),
        config.station.timezone,
    );
    let (engine, _events) = Engine::start(EngineSettings::from_config(&config.audio));
    let mut prints = loaxa::history::event::Fingerprints::default();
    for o in occ.iter().filter(|o| o.broadcast.on_loudspeaker()) {
        engine.submit(Programme::for_occurrence(
            o,
            &config.audio,
            &config.station.media,
            &mut prints,
        ));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cpu0 = cpu_seconds();
    let t0 = std::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    let cpu = cpu_seconds() - cpu0;
    let wall = t0.elapsed().as_secs_f64();
    println!(
        "idle with {} broadcasts loaded, {} programmes queued: RSS {} KiB, CPU {:.3} % of a core over {:.0} s",
        loaded.set.broadcasts.len(),
        occ.len(),
        rss_kib(),
        100.0 * cpu / wall,
        wall
    );
    engine.shutdown(true);
}

fn rss_kib() -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn cpu_seconds() -> f64 {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = s.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}
