//! Generates a large station for the benchmarks: `cargo run --release --example gen_load -- DIR [FILES] [PER_FILE]`.
//!
//! Default: 100 files × 100 broadcasts = 10,000 broadcasts, a mix of `at`/`days` (70 %),
//! `cron` (20 %) and `on` (10 %) rules, all using the repository's sample media. Dates are
//! counted from today in the station's timezone (`on` instants over the next 28 days), so the
//! benchmarks measure the same work whichever day they run: with fixed dates, every instant
//! that had passed drew a warning, and `check` printed 702 KB instead of 49 KB (issue #37).

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "target/bench-station".into()));
    let files: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let per_file: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100);
    let media = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("media");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("schedules"))?;
    std::fs::write(
        dir.join("loaxa.toml"),
        format!(
            "[station]\nname = \"Benchmark\"\nmedia = \"{}\"\n\n[policy]\nquiet_hours = \"21:00-05:00\"\n\n[channels.web]\nkind = \"board\"\n",
            media.display()
        ),
    )?;
    let audio = [
        "mot-cua/kiem-soat-thu-tuc.ogg",
        "de-an-06/vneid-muc-2.ogg",
        "chuyen-doi-so/dich-vu-cong-truc-tuyen.ogg",
        "chime.ogg",
    ];
    let days = [
        "[\"mon\", \"wed\", \"fri\"]",
        "[\"t3\", \"t5\"]",
        "[\"weekdays\"]",
        "[\"daily\"]",
    ];
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Ho_Chi_Minh)
        .date_naive();
    let day = |d: i64| today + chrono::Duration::days(d);
    let mut n = 0usize;
    for f in 0..files {
        let mut s = format!(
            "[campaign]\nname = \"Chiến dịch {f}\"\nfrom = {}\nuntil = {}\nexcept = [{}, {}]\n\n",
            day(-700),
            day(390),
            day(-96),
            day(25)
        );
        for _ in 0..per_file {
            // Spread starts over 05:00–20:59 so nothing lands in quiet hours.
            let secs = 5 * 3600 + (n * 7919) % (16 * 3600);
            let (h, m, sec) = (secs / 3600, secs / 60 % 60, secs % 60);
            let _ = write!(s, "[[broadcast]]\nid = \"b{n}\"\ntitle = \"Bản tin số {n}\"\n");
            match n % 10 {
                0..=6 => {
                    let _ = writeln!(s, "at = [\"{h:02}:{m:02}:{sec:02}\"]\ndays = {}", days[n % days.len()]);
                }
                7 | 8 => {
                    let _ = writeln!(s, "cron = \"{sec} {m} {h} * * mon-fri\"");
                }
                _ => {
                    let _ = writeln!(s, "on = [{}T{h:02}:{m:02}:{sec:02}]", day(1 + (n % 28) as i64));
                }
            }
            let _ = write!(
                s,
                "audio = [\"{}\"]\nchannels = [\"loudspeaker\", \"web\"]\n[broadcast.post]\ntext = \"Nội dung {n}\"\n\n",
                audio[n % audio.len()]
            );
            n += 1;
        }
        std::fs::write(dir.join("schedules").join(format!("campaign-{f:03}.toml")), s)?;
    }
    println!("{} broadcasts in {files} files under {}", n, dir.display());
    Ok(())
}
