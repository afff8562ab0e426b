//! The centre's throughput (issue #18): 126 stations × 2,000 events each pushed into a real
//! PostgreSQL through the verifying trigger, four connections at a time, in the boxes' batches
//! of 1,000; then the chain sweep over everything. Run by scripts/central-bench.sh, which starts
//! a private cluster and passes its address in LOAXA_CENTRAL_URL (password in PGPASSWORD).

use std::time::Instant;

use loaxa::history::store::StoredEvent;

const STATIONS: usize = 126;
const EVENTS: i64 = 2000;
const CONNECTIONS: usize = 4;

/// One station's chain, as its box would hold it.
fn chain(station: usize) -> Vec<StoredEvent> {
    let mut prev = "0".repeat(64);
    (1..=EVENTS)
        .map(|seq| {
            let mut e = StoredEvent {
                seq,
                at_utc: format!(
                    "2024-05-{:02}T{:02}:{:02}:00.000Z",
                    1 + seq / 100 % 28,
                    seq / 60 % 24,
                    seq % 60
                ),
                at_local: format!(
                    "2024-05-{:02}T{:02}:{:02}:00.000+07:00",
                    1 + seq / 100 % 28,
                    seq / 60 % 24,
                    seq % 60
                ),
                kind: "playout_finished".into(),
                broadcast_id: Some(format!("ban-tin-{station}-{}", seq % 7)),
                scheduled_at: None,
                channel: None,
                campaign: Some("de-an-06".into()),
                details: format!(r#"{{"title":"Bản tin Đề án 06 số {seq}","airtime_s":300,"station":{station}}}"#),
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            prev = e.hash.clone();
            e
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let url = std::env::var("LOAXA_CENTRAL_URL").expect("LOAXA_CENTRAL_URL");
    let password = std::env::var("PGPASSWORD").ok().map(loaxa::secret::Secret::new);
    let admin = loaxa::central::connect(&url, None, password.as_ref())
        .await
        .expect("connect");
    loaxa::central::init(&admin).await.expect("init");
    for s in 0..STATIONS {
        admin
            .execute(
                "INSERT INTO loaxa_stations (station_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                &[&format!("xa-{s}"), &format!("loaxa_xa_{s}")],
            )
            .await
            .expect("station");
    }
    let chains: Vec<(String, Vec<StoredEvent>)> = (0..STATIONS).map(|s| (format!("xa-{s}"), chain(s))).collect();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for part in chains.chunks(STATIONS.div_ceil(CONNECTIONS)) {
        let part = part.to_vec();
        let url = url.clone();
        let password = password.clone();
        tasks.push(tokio::spawn(async move {
            let c = loaxa::central::connect(&url, None, password.as_ref())
                .await
                .expect("connect");
            for (id, events) in &part {
                for batch in events.chunks(loaxa::central::ship::BATCH as usize) {
                    loaxa::central::ship::send(&c, id, batch).await.expect("send");
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let took = started.elapsed().as_secs_f64();
    let rows = STATIONS as f64 * EVENTS as f64;
    println!(
        "{STATIONS} stations × {EVENTS} events through the verifying trigger, {CONNECTIONS} connections: {:.1} s, {:.0} verified rows/s",
        took,
        rows / took
    );
    let started = Instant::now();
    let swept = admin
        .query(
            "SELECT count(*) FILTER (WHERE first_break IS NULL), sum(events)::bigint FROM loaxa_sweep()",
            &[],
        )
        .await
        .expect("sweep");
    let intact: i64 = swept[0].get(0);
    let total: i64 = swept[0].get(1);
    println!(
        "chain sweep over {total} rows: {:.2} s, {intact} of {STATIONS} chains intact",
        started.elapsed().as_secs_f64()
    );
    // One box's backlog of a day (2,000 events) into a centre already holding the rest.
    let backlog = chain(STATIONS);
    admin
        .execute(
            "INSERT INTO loaxa_stations (station_id, role) VALUES ('xa-backlog', 'loaxa_xa_backlog') ON CONFLICT DO NOTHING",
            &[],
        )
        .await
        .expect("station");
    let started = Instant::now();
    for batch in backlog.chunks(loaxa::central::ship::BATCH as usize) {
        loaxa::central::ship::send(&admin, "xa-backlog", batch)
            .await
            .expect("send");
    }
    println!(
        "a day's backlog (2,000 events) drained in {:.2} s",
        started.elapsed().as_secs_f64()
    );
}
