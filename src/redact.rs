//! The one redaction layer: every secret loaxa knows, in every form it can take in a text,
//! replaced by `[REDACTED]` in every output.
//!
//! Secrets are remembered when they are loaded (channel tokens, passwords, app secrets) or
//! obtained at run time (Zalo's rotating access and refresh tokens), process-wide, so no
//! output depends on which channel's context it passed through. The outputs redact at their
//! sink: the log writer ([`Redacting`]), the history ([`crate::history::History::record`]), the
//! HTTP server (every response body), `--dry-run`, the commands that print stored text.
//!
//! A platform may echo a secret back in an error body in another form than it was sent:
//! percent-encoded in either case (once or twice), as hex, JSON-escaped (PHP also escapes `/`),
//! HTML-escaped, or
//! base64 (alone, as `user:secret` in a Basic header, or inside a longer encoded blob). For
//! base64, the part of the encoding that depends on the secret's bytes alone is matched for
//! each of the three alignments the secret can have in the encoded text, so the secret is
//! caught whatever surrounds it; at most the one or two characters it shares with its
//! neighbours stay.

use std::io::Write;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// What replaces a secret.
pub const MARK: &str = "[REDACTED]";

/// Secrets shorter than this are not remembered: redacting every "abc" would garble the
/// output and protect nothing.
const MIN_LEN: usize = 4;

/// A base64 core shorter than this is not matched (too likely to occur by chance).
const MIN_BASE64_CORE: usize = 12;

/// The matcher for every form of a set of secrets.
#[derive(Default)]
pub struct Known {
    matcher: Option<AhoCorasick>,
}

impl Known {
    pub fn new(secrets: &[String]) -> Known {
        let mut patterns: Vec<String> = secrets.iter().flat_map(|s| forms(s)).collect();
        patterns.sort();
        patterns.dedup();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Known { matcher }
    }

    /// The text with every secret, in every form, replaced by [`MARK`].
    pub fn redact(&self, text: &str) -> String {
        match &self.matcher {
            Some(m) if m.is_match(text) => {
                let mut out = String::with_capacity(text.len());
                m.replace_all_with(text, &mut out, |_, _, dst| {
                    dst.push_str(MARK);
                    true
                });
                out
            }
            _ => text.to_string(),
        }
    }
}

static KNOWN: RwLock<Option<Arc<Known>>> = RwLock::new(None);

/// Secrets loaded from the configuration (kept for the life of the process) and the newest
/// tokens obtained at run time (Zalo rotates a pair a day: the spent ones are no secret any
/// more, and keeping them all would slow every output a little more each day).
static REMEMBERED: std::sync::Mutex<(Vec<String>, std::collections::VecDeque<String>)> =
    std::sync::Mutex::new((Vec::new(), std::collections::VecDeque::new()));

/// Run-time tokens kept: the current pair and a few before it.
const OBTAINED_KEPT: usize = 8;

/// Remembers a loaded secret (and its forms) for every output from now on.
pub fn remember(secret: &str) {
    add(secret, false);
}

/// Remembers a token obtained at run time; the oldest beyond [`OBTAINED_KEPT`] is forgotten.
pub fn remember_obtained(secret: &str) {
    add(secret, true);
}

fn add(secret: &str, obtained: bool) {
    let secret = secret.trim();
    if secret.len() < MIN_LEN {
        return;
    }
    let mut lists = REMEMBERED.lock().unwrap_or_else(|p| p.into_inner());
    let (loaded, runtime) = &mut *lists;
    if loaded.iter().chain(runtime.iter()).any(|s| s == secret) {
        return;
    }
    if obtained {
        runtime.push_back(secret.to_string());
        while runtime.len() > OBTAINED_KEPT {
            runtime.pop_front();
        }
    } else {
        loaded.push(secret.to_string());
    }
    let all: Vec<String> = loaded.iter().chain(runtime.iter()).cloned().collect();
    *KNOWN.write().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(Known::new(&all)));
}

/// The text with every remembered secret, in every form, replaced by [`MARK`].
pub fn redact(text: &str) -> String {
    let known = KNOWN.read().unwrap_or_else(|p| p.into_inner()).clone();
    match known {
        Some(k) => k.redact(text),
        None => text.to_string(),
    }
}

/// Redacts every string (and key) inside a JSON value.
pub fn redact_json(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            let r = redact(s);
            if r != *s {
                *s = r;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let r = redact(&k);
                if let Some(mut inner) = map.remove(&k) {
                    redact_json(&mut inner);
                    map.insert(r, inner);
                }
            }
        }
        _ => {}
    }
}

/// Redacts, then shortens to `limit` characters: in this order, so a secret crossing the
/// cut cannot leave its first part behind.
pub fn redact_and_clip(text: &str, limit: usize) -> String {
    crate::domain::text::clip(&redact(text), limit)
}

/// Query parameters that carry a credential in a stream's or a service's address: tokens and
/// keys, signed links (Akamai's `hdnts`, Wowza's `wmsAuthSign`, common with Vietnamese CDNs).
const CREDENTIAL_PARAMS: [&str; 17] = [
    "token",
    "access_token",
    "auth",
    "auth_token",
    "token_auth",
    "key",
    "api_key",
    "apikey",
    "password",
    "pass",
    "passwd",
    "pwd",
    "secret",
    "sig",
    "signature",
    "hdnts",
    "wmsauthsign",
];

/// Where, in a text, the addresses it holds carry a credential: the password before the host
/// (`user:PASSWORD@host`) and the value of a credential's query parameter (`?token=VALUE`), as
/// byte ranges. A secret the configuration never named can only be found this way: by its
/// place, not its value.
pub fn url_credentials(text: &str) -> Vec<std::ops::Range<usize>> {
    let ends_url = |c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '`');
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("://") {
        let start = from + i + 3;
        let len = text[start..].find(ends_url).unwrap_or(text.len() - start);
        let url = &text[start..start + len];
        let authority = url.find(['/', '?', '#']).unwrap_or(url.len());
        if let Some(at) = url[..authority].rfind('@')
            && let Some(colon) = url[..at].find(':')
            && colon + 1 < at
        {
            out.push(start + colon + 1..start + at);
        }
        if let Some(q) = url[authority..].find('?') {
            let query_start = authority + q + 1;
            let query_end = url[query_start..].find('#').map_or(url.len(), |h| query_start + h);
            let mut at = query_start;
            for pair in url[query_start..query_end].split(['&', ';']) {
                if let Some((name, value)) = pair.split_once('=')
                    && !value.is_empty()
                    && CREDENTIAL_PARAMS.contains(&name.to_ascii_lowercase().as_str())
                {
                    let v = start + at + name.len() + 1;
                    out.push(v..v + value.len());
                }
                at += pair.len() + 1;
            }
        }
        from = start + len;
    }
    out
}

/// The text with every credential in its addresses (see [`url_credentials`]) replaced by `*`,
/// byte for byte, so that spans into it still point where they did.
pub fn mask_url_credentials(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in url_credentials(text) {
        // Whole characters: a multi-byte one becomes as many stars as it had bytes.
        bytes[r].fill(b'*');
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

/// Every form of `secret` the redactor looks for.
pub fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];
    out.push(percent(secret, false));
    out.push(percent(secret, true));
    out.push(percent_form(secret));
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    out.push(json.replace('/', "\\/"));
    out.push(ascii_json(&json));
    out.push(ascii_json(&json).replace('/', "\\/"));
    out.push(json);
    out.push(html(secret));
    // Percent-encoded twice (a URL inside a URL's query), and the bytes as hex (a debug dump,
    // a signature's input logged).
    for lower in [false, true] {
        out.push(percent(&percent(secret, lower), lower));
    }
    // Spelled out here: the redactor stands below the schedule module that has `hex`.
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    out.push(hex.to_ascii_uppercase());
    out.push(hex);
    out.extend(base64_cores(secret.as_bytes()));
    out.retain(|f| f.len() >= MIN_LEN);
    out.sort();
    out.dedup();
    out
}

fn percent(s: &str, lower: bool) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ if lower => format!("%{b:02x}"),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `application/x-www-form-urlencoded`: a space is `+`.
fn percent_form(s: &str) -> String {
    s.split(' ').map(|p| percent(p, false)).collect::<Vec<_>>().join("+")
}

/// JSON with every non-ASCII character as `\uXXXX` (PHP's `json_encode` default).
fn ascii_json(json: &str) -> String {
    let mut out = String::new();
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out += &format!("\\u{u:04x}");
            }
        }
    }
    out
}

fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The characters of any base64 text that encodes the secret at any position that depend on
/// the secret's bytes only: for each alignment, the encoding of the whole 3-byte groups.
fn base64_cores(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for skip in 0..3 {
        if bytes.len() <= skip {
            break;
        }
        let rest = &bytes[skip..];
        let whole = rest.len() / 3 * 3;
        let core = &rest[..whole];
        if core.len() / 3 * 4 < MIN_BASE64_CORE {
            continue;
        }
        out.push(STANDARD_NO_PAD.encode(core));
        out.push(URL_SAFE_NO_PAD.encode(core));
    }
    out
}

/// A log writer that redacts each line before it reaches the real writer. The log library
/// writes one whole event per call, so a secret is never split across two writes.
pub struct Redacting<W: Write>(pub W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_addresses_are_found_by_their_place() {
        let masked = |t: &str| mask_url_credentials(t);
        assert_eq!(
            masked("url = \"http://relay:hackme@127.0.0.1:8000/vov1.mp3\""),
            "url = \"http://relay:******@127.0.0.1:8000/vov1.mp3\""
        );
        assert_eq!(
            masked("https://cdn.vn/a.m3u8?type=.mp3&Token=abc123&q=1#x"),
            "https://cdn.vn/a.m3u8?type=.mp3&Token=******&q=1#x"
        );
        assert_eq!(
            masked("x https://h/p?wmsAuthSign=c2VydmVy== y http://u@h/ https://h/?key="),
            "x https://h/p?wmsAuthSign=********** y http://u@h/ https://h/?key="
        );
        // A user without a password, a path with an @, and an ordinary query keep their text.
        for plain in [
            "http://u@h/p",
            "https://h/@me/live.mp3",
            "https://h/live?format=mp3&keyframe=1",
            "postgresql://central.vn:5432/province?sslmode=verify-full",
        ] {
            assert!(url_credentials(plain).is_empty(), "{plain}");
        }
        // Multi-byte text around the address keeps its length and boundaries.
        let t = "Tiếp sóng http://a:mậtkhẩu@h/x";
        assert_eq!(masked(t).len(), t.len());
        assert!(!masked(t).contains("mật"), "{}", masked(t));
    }
    use base64::engine::general_purpose::STANDARD;
    use proptest::prelude::*;

    /// The exact encodings a platform could echo, to check none survives.
    fn echoes(user: &str, s: &str) -> Vec<String> {
        let json = serde_json::to_string(s).unwrap();
        let json = json.trim_matches('"').to_string();
        vec![
            s.to_string(),
            percent(s, false),
            percent(s, true),
            json.clone(),
            json.replace('/', "\\/"),
            ascii_json(&json),
            html(s),
            STANDARD.encode(s),
            URL_SAFE_NO_PAD.encode(s),
            STANDARD.encode(format!("{user}:{s}")),
            STANDARD.encode(format!("{{\"token\":\"{s}\",\"n\":1}}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("LOAXA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
        ))]

        /// Random secrets, embedded in every form in random platform error bodies, never
        /// survive redaction, clipped or not.
        #[test]
        fn no_form_of_a_secret_survives(
            secret in "[A-Za-z0-9_/+=:&%.~é-][A-Za-z0-9_/+=:&%\"\\\\<>.~é -]{10,62}[A-Za-z0-9_/+=:&%.~é-]",
            user in "[a-z]{1,12}",
            before in "[ -~]{0,300}",
            after in "[ -~]{0,80}",
            which in 0usize..11,
        ) {
            let known = Known::new(std::slice::from_ref(&secret));
            let form = &echoes(&user, &secret)[which];
            for body in [
                format!("{before}{form}{after}"),
                format!("{{\"error\":{{\"message\":\"{before}{form}{after}\",\"code\":190}}}}"),
            ] {
                let out = known.redact(&body);
                prop_assert!(!out.contains(form.as_str()), "form {} survived: {}", which, out);
                prop_assert!(!out.contains(&secret), "{}", out);
            }
        }
    }

    #[test]
    fn a_redacted_text_keeps_everything_else() {
        remember("tok-3f9a8b7c6d5e");
        assert_eq!(redact("Bearer tok-3f9a8b7c6d5e rejected"), "Bearer [REDACTED] rejected");
        assert_eq!(redact("nothing here"), "nothing here");
    }

    #[test]
    fn basic_auth_and_json_escaped_forms_are_caught() {
        remember("abcd EFGH ijkl MNOP");
        let basic = STANDARD.encode("loaxa:abcd EFGH ijkl MNOP");
        let out = redact(&format!("authorization: Basic {basic}"));
        assert!(!out.contains(&basic[4..]), "{out}");
        assert!(out.contains(MARK), "{out}");
        remember("a/b\"c\\d-long-enough");
        let out = redact(r#"{"message":"token a\/b\"c\\d-long-enough is bad"}"#);
        assert_eq!(out, r#"{"message":"token [REDACTED] is bad"}"#);
    }

    /// Issue #31, finding 10: hex and double-percent-encoded secrets passed.
    #[test]
    fn hex_and_twice_percent_encoded_forms_are_caught() {
        let secret = "EAAG/tok+en=9x";
        remember(secret);
        let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
        let twice = "EAAG%252Ftok%252Ben%253D9x";
        for text in [
            format!("dump: {hex} end"),
            format!("DUMP: {} end", hex.to_uppercase()),
            format!("next={twice}&x=1"),
            "next=EAAG%252ftok%252ben%253d9x&x=1".to_string(),
        ] {
            let out = redact(&text);
            assert!(out.contains(MARK), "{text} → {out}");
            assert!(
                !out.contains(&hex) && !out.contains(&hex.to_uppercase()) && !out.contains(twice),
                "{out}"
            );
        }
    }

    #[test]
    fn a_secret_across_the_cut_leaves_no_part() {
        remember("zz-9f8e7d6c5b4a3928-zz");
        let body = format!("{}zz-9f8e7d6c5b4a3928-zz tail", "x".repeat(290));
        let clipped = redact_and_clip(&body, 300);
        assert!(!clipped.contains("9f8e"), "{clipped}");
    }

    #[test]
    fn only_the_newest_tokens_obtained_at_run_time_are_kept() {
        for i in 0..20 {
            remember_obtained(&format!("zalo-access-token-number-{i:04}-abcdef"));
        }
        assert_eq!(redact("zalo-access-token-number-0019-abcdef"), MARK);
        assert_eq!(redact("zalo-access-token-number-0012-abcdef"), MARK);
        assert_eq!(
            redact("zalo-access-token-number-0000-abcdef"),
            "zalo-access-token-number-0000-abcdef",
            "a token rotated out long ago is forgotten"
        );
    }

    #[test]
    fn short_values_are_not_remembered() {
        remember("abc");
        assert_eq!(redact("abc abc"), "abc abc");
    }
}
