//! `loaxa status`: the running daemon's `/status`, for an operator.

use std::path::Path;
use std::process::ExitCode;

use chrono_tz::Tz;
use serde_json::Value;

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
    let tz = config.station.timezone;
    show_line(&s, tz);
    show_plan(&s, tz);
    show_schedules(&s, tz);
    ExitCode::SUCCESS
}

/// The station, what is on air, the sound device and the history.
fn show_line(s: &serde_json::Value, tz: Tz) {
    showln!(
        "{} — {}",
        s["station"].as_str().unwrap_or(""),
        when(&s["clock"]["local"], tz)
    );
    match s["now_playing"].as_object() {
        Some(p) => showln!(
            "{}",
            t!(
                "status-on-air",
                title = p["title"].as_str().unwrap_or(""),
                since = when(&p["since"], tz)
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
                since = when(&d["since"], tz),
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
                since = when(&h["since"], tz),
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
fn show_plan(s: &serde_json::Value, tz: Tz) {
    showln!("{}", t!("status-next"));
    for n in s["next"].as_array().into_iter().flatten().take(5) {
        showln!(
            "  {}  {:>12}  {}  {}",
            when(&n["at"], tz),
            t!(
                "status-in",
                span = crate::domain::localtime::show_span(chrono::Duration::seconds(
                    n["in_seconds"].as_i64().unwrap_or(0)
                ))
            ),
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
            when(&u["scheduled_at"], tz),
            u["id"].as_str().unwrap_or(""),
            u["channel"].as_str().unwrap_or(""),
            u["reason"].as_str().unwrap_or("")
        );
    }
}

/// The schedules in use, a rejected edit, and the daemon's last errors.
fn show_schedules(s: &serde_json::Value, tz: Tz) {
    let sch = &s["schedule"];
    showln!(
        "{}",
        t!(
            "status-schedules",
            n = sch["broadcasts"],
            at = when(&sch["loaded_at"], tz)
        )
    );
    if sch["source"] == "last_good" {
        showln!(
            "{}",
            t!("status-last-good", saved = when(&sch["last_good_saved_at"], tz))
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
            t!("status-rejected", at = when(&r["at"], tz)),
            r["report"].as_str().unwrap_or("")
        );
    }
    for e in s["last_errors"].as_array().into_iter().flatten().take(5) {
        showln!(
            "{} {}: {}",
            t!("diag-error"),
            when(&e["at"], tz),
            e["error"].as_str().unwrap_or("")
        );
    }
}

/// An instant of `/status` (RFC 3339, to the nanosecond) as a person reads it: station time,
/// to the second. What is not an instant is shown as it is.
fn when(v: &Value, tz: Tz) -> String {
    let text = v.as_str().unwrap_or("");
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&tz).format("%d/%m/%Y %H:%M:%S").to_string())
        .unwrap_or_else(|_| text.to_string())
}
