//! What a loaded schedule set holds in memory: `cargo run --release --example set_memory -- CONFIG`.
//! Prints the heap in use (glibc's `mallinfo2`) before and after loading, per broadcast.

fn heap() -> usize {
    // SAFETY: mallinfo2 only reads glibc's counters.
    unsafe { libc::mallinfo2().uordblks }
}

fn main() {
    let path = std::env::args().nth(1).expect("CONFIG");
    let config = loaxa::config::Config::load(std::path::Path::new(&path)).expect("config");
    let before = heap();
    let loaded = loaxa::schedule::load(&config).expect("load");
    let with_sources = heap();
    let set = loaded.set;
    drop((loaded.sources, loaded.diagnostics));
    // As the daemon does once its agenda is built: the parsed cron patterns go.
    loaxa::domain::cron::forget_parsed();
    let set_only = heap();
    let n = set.broadcasts.len().max(1);
    println!(
        "{} broadcasts: heap {:.1} MB with the sources, {:.1} MB the set alone ({} B a broadcast; {} B inline)",
        set.broadcasts.len(),
        (with_sources - before) as f64 / 1e6,
        (set_only - before) as f64 / 1e6,
        (set_only - before) / n,
        std::mem::size_of::<loaxa::domain::broadcast::Broadcast>()
    );
    let posts: usize = set
        .broadcasts
        .iter()
        .filter_map(|b| b.post.as_ref())
        .map(|p| p.text.len())
        .sum();
    println!("post texts: {:.1} MB", posts as f64 / 1e6);
}
