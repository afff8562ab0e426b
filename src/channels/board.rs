//! The station's own bulletin board: a public page and an Atom feed that loaxa serves itself.
//!
//! It needs no account anywhere, so it works the day loaxa is installed, and the portal can
//! ingest its feed. Posts live in the history database (`board_posts`), one per outbox key.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::wordpress::escape;
use super::{Ctx, Delivery, Outcome};
use crate::domain::time::utc_text;
use crate::history::Store;

/// A published board post.
#[derive(Clone, Debug, PartialEq)]
pub struct BoardPost {
    pub id: String,
    pub title: String,
    pub text: String,
    pub link: Option<String>,
    pub published_at: DateTime<Utc>,
}

/// Opens the history the daemon created; never creates one (a GET of the board must not leave
/// an empty `history.db` behind, which would then look like a new chain).
fn open(data: &Path, flags: rusqlite::OpenFlags) -> Result<Connection, String> {
    let path = Store::path_in(data);
    let c = Connection::open_with_flags(&path, flags | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    c.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    Ok(c)
}

/// Publishes (once per key) and returns the post's id.
pub fn publish(data: &Path, d: &Delivery) -> Result<String, String> {
    let c = open(data, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let id = d.idempotency_key();
    c.execute(
        "INSERT OR IGNORE INTO board_posts (id, channel, broadcast_id, scheduled_at, title, text, link, published_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            id,
            d.channel,
            d.broadcast_id,
            utc_text(d.scheduled_at),
            d.title,
            d.text,
            d.link,
            utc_text(Utc::now())
        ],
    )
    .map_err(|e| t!("board-unwritable", why = e))?;
    Ok(id)
}

pub async fn send(ctx: &Ctx, d: &Delivery) -> Outcome {
    let data = ctx.data.clone();
    let d2 = d.clone();
    let channel = ctx.cfg.name.clone();
    match tokio::task::spawn_blocking(move || publish(&data, &d2)).await {
        Ok(Ok(id)) => Outcome::Posted {
            url: Some(format!("/board/{channel}#{id}")),
            remote_id: id,
        },
        Ok(Err(reason)) => Outcome::Retry { reason, after: None },
        Err(e) => Outcome::Retry {
            reason: t!("board-task-failed", why = e),
            after: None,
        },
    }
}

/// The newest posts of a board channel, newest first.
pub fn recent(data: &Path, channel: &str, limit: usize) -> Result<Vec<BoardPost>, String> {
    if !Store::path_in(data).exists() {
        return Ok(Vec::new());
    }
    let c = open(data, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let exists: Option<String> = c
        .query_row("SELECT name FROM sqlite_master WHERE name = 'board_posts'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| e.to_string())?;
    if exists.is_none() {
        return Ok(Vec::new());
    }
    let mut stmt = c
        .prepare("SELECT id, title, text, link, published_at FROM board_posts WHERE channel = ?1 ORDER BY published_at DESC, id LIMIT ?2")
        .map_err(|e| e.to_string())?;
    let rows = stmt
        .query_map(params![channel, limit as i64], |r| {
            let at: String = r.get(4)?;
            Ok(BoardPost {
                id: r.get(0)?,
                title: r.get(1)?,
                text: r.get(2)?,
                link: r.get(3)?,
                published_at: DateTime::parse_from_rfc3339(&at)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default(),
            })
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<_, _>>().map_err(|e| e.to_string())
}

/// The public page: plain HTML, readable on any phone, no scripts.
pub fn render_html(station: &str, channel: &str, posts: &[BoardPost], tz: chrono_tz::Tz) -> String {
    let mut items = String::new();
    for p in posts {
        let when = p.published_at.with_timezone(&tz).format("%d/%m/%Y %H:%M");
        let paragraphs: String = super::template::paragraphs(&p.text)
            .map(|x| format!("<p>{}</p>", escape(&x)))
            .collect();
        let link = p
            .link
            .as_ref()
            .map(|l| format!("<p><a href=\"{0}\">{0}</a></p>", escape(l)))
            .unwrap_or_default();
        items += &format!(
            "<article id=\"{id}\"><h2>{title}</h2><p class=\"when\">{when}</p>{paragraphs}{link}</article>\n",
            id = escape(&p.id),
            title = escape(&p.title)
        );
    }
    if posts.is_empty() {
        items = "<p>Chưa có bản tin nào.</p>".into();
    }
    format!(
        "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{s} — Bản tin</title><link rel=\"alternate\" type=\"application/atom+xml\" href=\"/board/{c}/feed.xml\">\
<style>body{{font-family:sans-serif;max-width:42rem;margin:auto;padding:1rem;line-height:1.5}}article{{border-bottom:1px solid #ccc;padding:.5rem 0}}.when{{color:#555;font-size:.9rem}}</style>\
</head><body><h1>{s}</h1>\n{items}</body></html>\n",
        s = escape(station),
        c = escape(channel),
    )
}

/// The Atom feed of the same posts. The station is the feed's author (RFC 4287 §4.1.1: a feed
/// names one unless every entry does); a feed with no post yet was last updated `now`.
pub fn render_atom(station: &str, channel: &str, base_url: &str, posts: &[BoardPost], now: DateTime<Utc>) -> String {
    let updated = posts.first().map_or(now, |p| p.published_at);
    let mut entries = String::new();
    for p in posts {
        // The bulletin's own page (a ministry notice, the portal's article) beside the board's.
        let related = p
            .link
            .as_ref()
            .map(|l| format!("<link rel=\"related\" href=\"{}\"/>", escape(l)))
            .unwrap_or_default();
        entries += &format!(
            "<entry><id>urn:loaxa:{id}</id><title>{t}</title><updated>{u}</updated><link href=\"{b}/board/{c}#{id}\"/>{related}<content type=\"text\">{x}</content></entry>\n",
            id = escape(&p.id),
            t = escape(&p.title),
            u = utc_text(p.published_at),
            b = escape(base_url),
            c = escape(channel),
            x = escape(&p.text)
        );
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:loaxa:board:{c}</id><title>{s}</title><updated>{u}</updated>\
<author><name>{s}</name></author><link rel=\"self\" href=\"{b}/board/{c}/feed.xml\"/><link rel=\"alternate\" type=\"text/html\" href=\"{b}/board/{c}\"/>\n{entries}</feed>\n",
        c = escape(channel),
        s = escape(station),
        u = utc_text(updated),
        b = escape(base_url),
    )
}
