//! Posting throughput: `cargo run --release --example outbox_bench -- N`.
//!
//! N posts through the outbox to a local webhook server that answers in 100 ms, with the
//! channel limited to 10 requests a second. Reports the achieved rate, the most requests the
//! server saw in any one calendar second and in any sliding one-second window, and RSS over
//! the run.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use chrono_tz::Tz;
use loaxa::channels::{Ctx, Delivery};
use loaxa::history::{History, Store};
use loaxa::outbox::{Outbox, Worker};
use loaxa::shutdown::{Shutdown, Stage};
use tokio::sync::Notify;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// When each request arrived: monotonic (for rates) and wall clock (for calendar seconds).
type Arrivals = Arc<Mutex<Vec<(Instant, chrono::DateTime<Utc>)>>>;

struct Record(Arrivals);

impl Respond for Record {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        self.0.lock().unwrap().push((Instant::now(), Utc::now()));
        ResponseTemplate::new(204).set_delay(Duration::from_millis(100))
    }
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let tz = Tz::Asia__Ho_Chi_Minh;
    // The mock keeps no copy of the requests, so the RSS figures are loaxa's own.
    let server = MockServer::builder().disable_request_recording().start().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Record(seen.clone()))
        .mount(&server)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
    let cfg_path = dir.path().join("loaxa.toml");
    std::fs::write(
        &cfg_path,
        format!(
            "[station]\nname = \"Bench\"\n[channels.hook]\nkind = \"webhook\"\nurl = \"{}/hook\"\ntoken_file = \"secret\"\nrate_per_minute = 600\nconcurrency = 4\n",
            server.uri()
        ),
    )
    .unwrap();
    let config = loaxa::config::Config::load(&cfg_path).unwrap();
    let data = config.station.data.clone();
    let history = History::start(&Store::path_in(&data), tz).unwrap();
    let outbox = Arc::new(Outbox::open(&data, tz).unwrap());
    for i in 0..n {
        let d = Delivery {
            broadcast_id: format!("b{i}"),
            scheduled_at: Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap(),
            channel: "hook".into(),
            title: format!("Bản tin {i}"),
            text: "Nội dung bản tin".into(),
            link: None,
            image: None,
            audio: vec![],
        };
        loaxa::outbox::queue(&outbox, &history, d, None).await.unwrap();
    }
    let ctx = Arc::new(Ctx::new(&config.channels["hook"], tz, "Bench", &data).unwrap());
    let stop = Shutdown::new();
    let worker = Worker {
        ctx,
        outbox: outbox.clone(),
        history: history.clone(),
        campaigns: Arc::new(Default::default()),
        wake: Arc::new(Notify::new()),
    };
    let rss_start = rss_kib();
    let task = tokio::spawn(worker.run(stop.listen(Stage::Channels)));
    let mut rss = Vec::new();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss.push(rss_kib());
        let done = outbox.count(loaxa::outbox::State::Succeeded).unwrap();
        if done == n {
            break;
        }
    }
    stop.reach(Stage::Channels);
    let _ = task.await;
    history.close().await;
    let seen = seen.lock().unwrap().clone();
    let first = seen.first().unwrap().0;
    let last = seen.last().unwrap().0;
    let span = (last - first).as_secs_f64();
    let rate = (seen.len() - 1) as f64 / span;
    let mut per_second = std::collections::BTreeMap::new();
    for (_, t) in &seen {
        *per_second.entry(t.timestamp()).or_insert(0) += 1;
    }
    let max_calendar = per_second.values().max().copied().unwrap_or(0);
    let mut max_window = 0;
    for (i, (a, _)) in seen.iter().enumerate() {
        let c = seen[i..]
            .iter()
            .take_while(|(b, _)| (*b - *a) < Duration::from_secs(1))
            .count();
        max_window = max_window.max(c);
    }
    println!(
        "{} posts, {} requests in {:.1} s: {:.2} requests/s = {:.3} of the 10/s limit; most in one calendar second {}, in any sliding second {}",
        n,
        seen.len(),
        span,
        rate,
        rate / 10.0,
        max_calendar,
        max_window
    );
    rss.sort();
    println!(
        "RSS: {} KiB before sending, min {} KiB, max {} KiB during the run ({} samples, one a second)",
        rss_start,
        rss.first().unwrap(),
        rss.last().unwrap(),
        rss.len()
    );
}
