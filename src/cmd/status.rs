//! `loaxa status`: the running daemon's `/status`, for an operator.

use std::path::Path;
use std::process::ExitCode;

use super::{EXIT_INVALID, load_config};

pub fn run(config_path: &Path) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let url = format!("http://{}/status", config.http.listen);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            errln!("error: {e}");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let body = runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(5))
            .build()
            .map_err(|e| e.to_string())?;
        let r = client.get(&url).send().await.map_err(|e| e.to_string())?;
        r.json::<serde_json::Value>().await.map_err(|e| e.to_string())
    });
    let s = match body {
        Ok(s) => s,
        Err(e) => {
            errln!("error: the daemon does not answer at {url}: {e}");
            errln!("help: is `loaxa run` running with this config? (systemctl status loaxa)");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    showln!(
        "{} — {}",
        s["station"].as_str().unwrap_or(""),
        s["clock"]["local"].as_str().unwrap_or("")
    );
    match s["now_playing"].as_object() {
        Some(p) => showln!(
            "on air: {} (since {})",
            p["title"].as_str().unwrap_or(""),
            p["since"].as_str().unwrap_or("")
        ),
        None => showln!("on air: nothing"),
    }
    let d = &s["device"];
    match d["state"].as_str() {
        Some("failing") => showln!(
            "LOUDSPEAKER: sound device `{}` FAILING since {}: {}",
            d["name"].as_str().unwrap_or(""),
            d["since"].as_str().unwrap_or(""),
            d["reason"].as_str().unwrap_or("")
        ),
        Some(state) => showln!(
            "loudspeaker: sound device `{}` {state}",
            d["name"].as_str().unwrap_or("")
        ),
        None => {}
    }
    let h = &s["history"];
    if h["ok"] == false {
        showln!(
            "HISTORY DEGRADED since {}: {} ({} events waiting, {} in the spill file)",
            h["since"].as_str().unwrap_or(""),
            h["error"].as_str().unwrap_or(""),
            h["waiting"],
            h["spilled"]
        );
    }
    if h["chain"]["ok"] == false {
        showln!("HISTORY CHAIN BROKEN: {}", h["chain"]["break"].as_str().unwrap_or(""));
    }
    showln!("next:");
    for n in s["next"].as_array().into_iter().flatten().take(5) {
        showln!(
            "  {}  in {:>6} s  {}  {}",
            n["at"].as_str().unwrap_or(""),
            n["in_seconds"],
            n["id"].as_str().unwrap_or(""),
            n["title"].as_str().unwrap_or("")
        );
    }
    let o = &s["outbox"];
    showln!(
        "outbox: {} pending, {} unconfirmed, {} failed, {} posted",
        o["pending"],
        o["unconfirmed"],
        o["failed"],
        o["succeeded"]
    );
    for u in o["unconfirmed_items"].as_array().into_iter().flatten() {
        showln!(
            "  UNCONFIRMED {} {} → {}: {}",
            u["scheduled_at"].as_str().unwrap_or(""),
            u["id"].as_str().unwrap_or(""),
            u["channel"].as_str().unwrap_or(""),
            u["reason"].as_str().unwrap_or("")
        );
    }
    let sch = &s["schedule"];
    showln!(
        "schedules: {} broadcasts, loaded {}",
        sch["broadcasts"],
        sch["loaded_at"].as_str().unwrap_or("")
    );
    if sch["source"] == "last_good" {
        showln!(
            "SCHEDULES: the folder is invalid; airing the last set that loaded (saved {})",
            sch["last_good_saved_at"].as_str().unwrap_or("")
        );
    }
    if sch["hot_reload"]["active"] == false {
        showln!(
            "hot reload inactive: {}",
            sch["hot_reload"]["reason"].as_str().unwrap_or("")
        );
    }
    if let Some(r) = sch["rejected_edit"].as_object() {
        showln!(
            "REJECTED EDIT at {}:\n{}",
            r["at"].as_str().unwrap_or(""),
            r["report"].as_str().unwrap_or("")
        );
    }
    for e in s["last_errors"].as_array().into_iter().flatten().take(5) {
        showln!(
            "error {}: {}",
            e["at"].as_str().unwrap_or(""),
            e["error"].as_str().unwrap_or("")
        );
    }
    ExitCode::SUCCESS
}
