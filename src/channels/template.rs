//! Post texts: a channel's template filled from `[broadcast.post]`, within the platform's limits.
//!
//! Variables: `{title}`, `{text}`, `{link}`, `{date}` (dd/mm/yyyy), `{time}` (HH:MM), `{station}`.
//! Limits are checked by `loaxa check` with every post rendered for every channel it goes to,
//! so an over-long post fails on the editor's desk, not at air time.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::settings::{ChannelConfig, ChannelKind};
use crate::domain::broadcast::Post;

/// The values a template may use.
#[derive(Clone, Debug)]
pub struct Vars<'a> {
    pub title: &'a str,
    pub text: &'a str,
    pub link: &'a str,
    pub at: DateTime<Utc>,
    pub tz: Tz,
    pub station: &'a str,
}

pub const DEFAULT_TEMPLATE: &str = "{title}\n\n{text}\n\n{link}";
/// For platforms that show the title on its own (Zalo).
pub const DEFAULT_TEMPLATE_TITLED: &str = "{text}\n\n{link}";
/// For pages that show the title and make the link an anchor of their own (WordPress, the
/// board): the link in the text too showed it twice (issue #20).
pub const DEFAULT_TEMPLATE_PAGE: &str = "{text}";

pub fn default_template(kind: ChannelKind) -> &'static str {
    match kind {
        ChannelKind::Wordpress | ChannelKind::Board => DEFAULT_TEMPLATE_PAGE,
        ChannelKind::Zalo => DEFAULT_TEMPLATE_TITLED,
        _ => DEFAULT_TEMPLATE,
    }
}

/// A text's paragraphs for a web page: blank lines separate them, and the lines of one
/// paragraph are joined with a space, as Markdown does, so a sentence wrapped in the schedule
/// file is not broken on the page.
pub fn paragraphs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split("\n\n")
        .map(|p| {
            p.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|p| !p.is_empty())
}

/// The most characters each platform takes in the main text.
pub fn text_limit(kind: ChannelKind) -> Option<usize> {
    match kind {
        ChannelKind::Telegram => Some(4096),
        ChannelKind::Mastodon => Some(500),
        ChannelKind::Facebook => Some(63_206),
        ChannelKind::Zalo => Some(100_000),
        _ => None,
    }
}

/// Zalo article titles.
pub const ZALO_TITLE_LIMIT: usize = 150;
/// Zalo article descriptions (cut with an ellipsis when the text is longer).
pub const ZALO_DESCRIPTION_LIMIT: usize = 300;

pub fn render(template: &str, v: &Vars<'_>) -> String {
    let local = v.at.with_timezone(&v.tz);
    let out = template
        .replace("{title}", v.title)
        .replace("{text}", v.text.trim())
        .replace("{link}", v.link)
        .replace("{date}", &local.format("%d/%m/%Y").to_string())
        .replace("{time}", &local.format("%H:%M").to_string())
        .replace("{station}", v.station);
    // An empty {link} leaves blank lines behind: tidy them.
    let mut tidy = out.trim().to_string();
    while tidy.contains("\n\n\n") {
        tidy = tidy.replace("\n\n\n", "\n\n");
    }
    tidy
}

/// The post title: the post's own, else the broadcast's.
pub fn title<'a>(post: &'a Post, broadcast_title: &'a str) -> &'a str {
    if post.title.trim().is_empty() {
        broadcast_title
    } else {
        &post.title
    }
}

/// Renders the text for a channel and checks it against the platform's limits.
pub fn text_for(ch: &ChannelConfig, v: &Vars<'_>) -> Result<String, String> {
    let text = render(ch.template.as_deref().unwrap_or(default_template(ch.kind)), v);
    if let Some(limit) = text_limit(ch.kind) {
        let n = text.chars().count();
        if n > limit {
            return Err(t!(
                "check-post-too-long",
                channel = ch.name,
                n = n,
                kind = ch.kind.as_str(),
                limit = limit
            ));
        }
    }
    if ch.kind == ChannelKind::Zalo && v.title.chars().count() > ZALO_TITLE_LIMIT {
        return Err(t!(
            "check-zalo-title-too-long",
            n = v.title.chars().count(),
            limit = ZALO_TITLE_LIMIT
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn vars<'a>(text: &'a str, link: &'a str) -> Vars<'a> {
        Vars {
            title: "Kích hoạt VNeID",
            text,
            link,
            at: Utc.with_ymd_and_hms(2024, 5, 19, 0, 15, 0).unwrap(),
            tz: Tz::Asia__Ho_Chi_Minh,
            station: "Đài xã Tiền Phong",
        }
    }

    #[test]
    fn variables_are_filled_in_station_time() {
        let t = render(
            "{station} — {date} {time}\n{title}\n{text}\n{link}",
            &vars("Nội dung.\n", "https://vneid.gov.vn"),
        );
        assert_eq!(
            t,
            "Đài xã Tiền Phong — 19/05/2024 07:15\nKích hoạt VNeID\nNội dung.\nhttps://vneid.gov.vn"
        );
        assert_eq!(render(DEFAULT_TEMPLATE, &vars("A", "")), "Kích hoạt VNeID\n\nA");
    }
}
