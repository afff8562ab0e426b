//! Start lateness of the playout engine, side by side with tokio-cron-scheduler jobs.
//!
//! `ALSA_CONFIG_PATH=… cargo run --release --example playout_bench -- N INTERVAL_MS`
//! schedules N programmes INTERVAL_MS apart on the engine, and the same N instants as
//! tokio-cron-scheduler one-shot jobs, plus a cron job every second. Lateness is the wall-clock
//! time of the first sample pulled by the device (engine) or of the job running (scheduler),
//! minus the scheduled instant. `scripts/bench.sh` runs it while two busy loops load both cores.
//!
//! `playout_bench paced N INTERVAL_MS CUTS` plays the same starts on a paced device (a FIFO
//! drained in real time, tests/common/paced.rs) and reports, beside the engine's figures, when
//! each start was heard; then CUTS emergencies that arrive unannounced while a programme plays,
//! and how long each took to be heard.

#[path = "../tests/common/paced.rs"]
mod paced;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use loaxa::playout::settings::AfterInterrupt;
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
    if args.get(1).map(String::as_str) == Some("paced") {
        let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
        let interval = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(250);
        let cuts = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(20);
        return paced_run(n, Duration::from_millis(interval), cuts).await;
    }
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(120);
    let interval = Duration::from_millis(args.get(2).and_then(|s| s.parse().ok()).unwrap_or(250));
    let dir = std::env::temp_dir().join("loaxa-playout-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let tone = dir.join("blip.wav");
    // 50 ms of 1 kHz.
    write_tone(&tone, 1000.0, 0.05);

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
        latency: Duration::from_millis(40),
        // ALSA's `file` plugin under these figures would spin a core on a held line.
        release_when_idle: true,
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

/// `idle CONFIG SECONDS`: load a station's schedules, queue the next 24 hours of loudspeaker
/// programmes on the engine (none due within the window), then measure RSS and CPU while idle.
async fn idle(config: &str, seconds: u64) {
    let config = loaxa::config::Config::load(std::path::Path::new(config)).unwrap();
    let loaded = loaxa::schedule::load(&config).unwrap();
    assert!(!loaded.has_errors());
    let now = Utc::now();
    let start = now + chrono::Duration::seconds(seconds as i64 + 60);
    let occ = loaxa::domain::plan::occurrences(
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
            None,
            None,
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

fn ms(d: chrono::Duration) -> f64 {
    d.num_microseconds().unwrap_or(0) as f64 / 1000.0
}

/// Starts and cut-ins on the paced device, with when each was heard.
async fn paced_run(n: usize, interval: Duration, cuts: usize) {
    let device = paced::PacedDevice::start();
    // SAFETY: set before anything in this process has touched ALSA or spawned a thread of ours
    // that reads the environment.
    unsafe { std::env::set_var("ALSA_CONFIG_PATH", device.config()) };
    let dir = device.dir.path().to_path_buf();
    let tone = dir.join("blip.wav");
    // 50 ms of 1 kHz.
    write_tone(&tone, 1000.0, 0.05);
    let long = dir.join("long.wav");
    write_tone(&long, 440.0, 2.0);
    let (engine, mut events) = Engine::start(EngineSettings {
        device: "default".into(),
        preroll: Duration::from_secs(1),
        after_interrupt: AfterInterrupt::Drop,
        give_up: Duration::from_secs(5),
        latency: Duration::from_millis(40),
        // ALSA's `file` plugin under these figures would spin a core on a held line.
        release_when_idle: true,
    });
    let first: DateTime<Utc> = Utc::now() + chrono::Duration::seconds(2);
    for i in 0..n {
        let mut p = Programme::of_files(&format!("p{i}"), std::slice::from_ref(&tone), 1.0);
        p.scheduled_at = first + chrono::Duration::from_std(interval * i as u32).unwrap();
        engine.submit(p);
    }
    let mut started = Vec::new();
    let mut done = 0;
    while let Some(e) = events.recv().await {
        match e {
            PlayoutEvent::Started {
                scheduled_at,
                started_at,
                pulled_at,
                ..
            } => started.push((scheduled_at, started_at, pulled_at)),
            PlayoutEvent::Finished { .. } | PlayoutEvent::Failed { .. } => {
                done += 1;
                if done == n {
                    break;
                }
            }
            _ => {}
        }
    }
    // Unannounced emergencies, each 600 ms into a 2 s programme.
    let mut submitted = Vec::new();
    for i in 0..cuts {
        let mut p = Programme::of_files(&format!("long{i}"), std::slice::from_ref(&long), 1.0);
        p.scheduled_at = Utc::now() + chrono::Duration::milliseconds(1500);
        let at = p.scheduled_at;
        engine.submit(p);
        tokio::time::sleep((at - Utc::now()).to_std().unwrap_or_default() + Duration::from_millis(600)).await;
        let mut alarm = Programme::of_files(&format!("alarm{i}"), std::slice::from_ref(&tone), 1.0);
        alarm.priority = loaxa::domain::broadcast::Priority::Emergency;
        alarm.scheduled_at = Utc::now();
        submitted.push(alarm.scheduled_at);
        engine.submit(alarm);
        tokio::time::sleep(Duration::from_millis(900)).await;
    }
    engine.shutdown(false);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let heard = device.finish();
    let mut device_ms = Vec::new();
    let mut pull_ms = Vec::new();
    let mut audible_ms = Vec::new();
    for (scheduled, at, pulled) in &started {
        device_ms.push(ms(*at - *scheduled));
        pull_ms.push(ms(*pulled - *scheduled));
        if let Some(onset) = heard.onset(heard.frame_at(*scheduled - chrono::Duration::milliseconds(50)), 0.02) {
            audible_ms.push(ms(heard.time_of(onset) - *scheduled));
        }
    }
    let mut cut_ms = Vec::new();
    for at in &submitted {
        let from = heard.frame_at(*at);
        // The alarm's 1 kHz displaces the programme's 440 Hz: the first 5 ms window at 1 kHz.
        if let Some(i) = (from..heard.left.len().saturating_sub(220))
            .step_by(11)
            .find(|&i| (heard.freq(i, 220) - 1000.0).abs() < 150.0)
        {
            cut_ms.push(ms(heard.time_of(i) - *at));
        }
    }
    // Heard includes what the FIFO device buffers without ALSA knowing (the pipe and the file
    // plugin, about 80 ms): compare runs, or subtract the constant.
    println!("paced device: {} underruns while audio flowed", heard.underruns);
    stats("start, reported lateness (device clock)", device_ms);
    stats("start, pulled by the callback", pull_ms);
    stats("start, heard (incl. the FIFO's own buffer)", audible_ms);
    stats("unannounced emergency, submit to heard (incl.)", cut_ms);
}

/// `seconds` of `freq`, mono 16-bit 44.1 kHz.
fn write_tone(path: &std::path::Path, freq: f32, seconds: f32) {
    let n = (44_100.0 * seconds) as u32;
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
        let x = (0.3 * (2.0 * std::f32::consts::PI * freq * i as f32 / 44_100.0).sin() * 32767.0) as i16;
        b.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(path, b).unwrap();
}
