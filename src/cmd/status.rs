//! `loaxa status`: the running daemon's `/status`, for an operator.

use std::path::Path;
use std::process::ExitCode;

use super::load_config;
use crate::exit::EXIT_INVALID;

pub fn run(config_path: &Path) -> ExitCode {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let url = format!("http://{}/status", config.http.listen);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            crate::console::error(e);
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
            crate::console::error(t!("status-no-answer", url = url, why = e));
            crate::console::help(t!("status-no-answer-hint"));
            return ExitCode::from(EXIT_INVALID);
        }
    };
    show_line(&s);
    show_plan(&s);
    show_schedules(&s);
    ExitCode::SUCCESS
}

/// The station, what is on air, the sound device and the history.
fn show_line(s: &serde_json::Value) {
    showln!(
        "{} — {}",
        s["station"].as_str().unwrap_or(""),
        s["clock"]["local"].as_str().unwrap_or("")
    );
    match s["now_playing"].as_object() {
        Some(p) => showln!(
            "{}",
            t!(
                "status-on-air",
                title = p["title"].as_str().unwrap_or(""),
                since = p["since"].as_str().unwrap_or("")
            )
        ),
        None => showln!("{}", t!("status-on-air-nothing")),
    }
    let d = &s["device"];
    match d["state"].as_str() {
        Some("failing") => showln!(
            "{}",
            t!(
                "status-device-failing",
                device = d["name"].as_str().unwrap_or(""),
                since = d["since"].as_str().unwrap_or(""),
                why = d["reason"].as_str().unwrap_or("")
            )
        ),
        Some(state) => showln!(
            "{}",
            t!(
                "status-device",
                device = d["name"].as_str().unwrap_or(""),
                state = state
            )
        ),
        None => {}
    }
    let h = &s["history"];
    if h["ok"] == false {
        showln!(
            "{}",
            t!(
                "status-history-degraded",
                since = h["since"].as_str().unwrap_or(""),
                why = h["error"].as_str().unwrap_or(""),
                waiting = h["waiting"],
                spilled = h["spilled"]
            )
        );
    }
    if h["chain"]["ok"] == false {
        showln!(
            "{}",
            t!("status-chain-broken", why = h["chain"]["break"].as_str().unwrap_or(""))
        );
    }
}

/// The next programmes and the outbox.
fn show_plan(s: &serde_json::Value) {
    showln!("{}", t!("status-next"));
    for n in s["next"].as_array().into_iter().flatten().take(5) {
        showln!(
            "  {}  {:>12}  {}  {}",
            n["at"].as_str().unwrap_or(""),
            t!("status-in-seconds", seconds = n["in_seconds"]),
            n["id"].as_str().unwrap_or(""),
            n["title"].as_str().unwrap_or("")
        );
    }
    let o = &s["outbox"];
    showln!(
        "{}",
        t!(
            "status-outbox",
            pending = o["pending"],
            unconfirmed = o["unconfirmed"],
            failed = o["failed"],
            posted = o["succeeded"]
        )
    );
    for u in o["unconfirmed_items"].as_array().into_iter().flatten() {
        showln!(
            "  {} {} {} → {}: {}",
            t!("status-unconfirmed"),
            u["scheduled_at"].as_str().unwrap_or(""),
            u["id"].as_str().unwrap_or(""),
            u["channel"].as_str().unwrap_or(""),
            u["reason"].as_str().unwrap_or("")
        );
    }
}

/// The schedules in use, a rejected edit, and the daemon's last errors.
fn show_schedules(s: &serde_json::Value) {
    let sch = &s["schedule"];
    showln!(
        "{}",
        t!(
            "status-schedules",
            n = sch["broadcasts"],
            at = sch["loaded_at"].as_str().unwrap_or("")
        )
    );
    if sch["source"] == "last_good" {
        showln!(
            "{}",
            t!(
                "status-last-good",
                saved = sch["last_good_saved_at"].as_str().unwrap_or("")
            )
        );
    }
    if sch["hot_reload"]["active"] == false {
        showln!(
            "{}",
            t!(
                "status-reload-inactive",
                why = sch["hot_reload"]["reason"].as_str().unwrap_or("")
            )
        );
    }
    if let Some(r) = sch["rejected_edit"].as_object() {
        showln!(
            "{}:\n{}",
            t!("status-rejected", at = r["at"].as_str().unwrap_or("")),
            r["report"].as_str().unwrap_or("")
        );
    }
    for e in s["last_errors"].as_array().into_iter().flatten().take(5) {
        showln!(
            "{} {}: {}",
            t!("diag-error"),
            e["at"].as_str().unwrap_or(""),
            e["error"].as_str().unwrap_or("")
        );
    }
}
