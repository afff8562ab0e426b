//! The localisation layer: text a person reads, in Vietnamese or English, from the Fluent
//! files in `locales/` (embedded at compile time). Every message has an id; a test checks
//! that both languages have the same ids, so a message can never exist in one language only.
//!
//! Identifiers a machine reads (JSON keys, event kinds, metric names) are not localised.
//!
//! The language is chosen once per process ([`set`], from the configuration and the
//! environment, see [`choose`]) and read by [`t!`](crate::t) wherever a message is built, so a
//! diagnostic deep in the schedule parser needs no language passed down to it.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_templates::{Loader, fluent_bundle::FluentValue};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Unicode isolation marks around arguments would show up as stray characters in
        // terminals, CSV cells and plain-text logs.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language loaxa speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Lang {
    /// Vietnamese: the default, the language of the office and the district.
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The BCP 47 code (`vi`, `en`), as in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// `vi`, `en`, and what `LANG` holds (`vi_VN.UTF-8`, `en_US`): the language part.
    pub fn parse(s: &str) -> Option<Lang> {
        let code = s.trim().split(['_', '-', '.', '@']).next()?.to_ascii_lowercase();
        match code.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    fn id(self) -> fluent_templates::LanguageIdentifier {
        match self {
            Lang::Vi => fluent_templates::langid!("vi"),
            Lang::En => fluent_templates::langid!("en"),
        }
    }
}

/// The language people are spoken to in: `[station] language` when the configuration sets
/// it, then `LOAXA_LANG`, then `LANG`; English when none of them names a language loaxa
/// speaks (`LANG=C` on a server), Vietnamese on a Vietnamese desktop.
pub fn choose(configured: Option<Lang>) -> Lang {
    configured
        .or_else(|| std::env::var("LOAXA_LANG").ok().as_deref().and_then(Lang::parse))
        .or_else(|| std::env::var("LANG").ok().as_deref().and_then(Lang::parse))
        .unwrap_or(Lang::En)
}

static CURRENT: AtomicU8 = AtomicU8::new(Lang::En as u8);

thread_local! {
    static SCOPED: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// Sets the language of this process's messages (the binary does it once it knows).
pub fn set(lang: Lang) {
    CURRENT.store(lang as u8, Ordering::Relaxed);
}

/// The language messages are built in now: [`scoped`]'s on this thread, else [`set`]'s,
/// else English (a library used without a choice, and the unit tests).
pub fn current() -> Lang {
    SCOPED.with(Cell::get).unwrap_or_else(|| {
        if CURRENT.load(Ordering::Relaxed) == Lang::Vi as u8 {
            Lang::Vi
        } else {
            Lang::En
        }
    })
}

/// Runs `f` with messages in `lang` on this thread only: tests render the same input in
/// both languages side by side.
pub fn scoped<T>(lang: Lang, f: impl FnOnce() -> T) -> T {
    let before = SCOPED.with(|s| s.replace(Some(lang)));
    let out = f();
    SCOPED.with(|s| s.set(before));
    out
}

/// A message in the current language: `t!("check-unknown-key", key = k, what = w)`. Arguments are
/// anything that displays; whole numbers reach Fluent as numbers, so a message can choose
/// its plural form.
#[macro_export]
macro_rules! t {
    ($id:literal) => {
        $crate::i18n::text($crate::i18n::current(), $id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::text(
            $crate::i18n::current(),
            $id,
            &[$((stringify!($name), ::std::string::ToString::to_string(&$value))),+],
        )
    };
}

/// The message `id` in `lang`, with named arguments; the id itself if there is no such
/// message (a test keeps that from happening).
pub fn text(lang: Lang, id: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
        args.iter().map(|(k, v)| (Cow::Borrowed(*k), value(v))).collect();
    LOCALES
        .try_lookup_with_args(&lang.id(), id, &args)
        .unwrap_or_else(|| id.to_string())
}

/// A whole number as a Fluent number (for plural selection), anything else as text.
/// `06` stays text: it is a time or a day, not a count.
fn value(v: &str) -> FluentValue<'static> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let canonical = !digits.is_empty()
        && digits.len() <= 15
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    match v.parse::<i64>() {
        Ok(n) if canonical => FluentValue::from(n),
        _ => FluentValue::from(v.to_string()),
    }
}

/// Whether `lang` itself (not a fallback) has the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    match LOCALES.lookup_single_language::<&str>(&lang.id(), id, None) {
        Ok(_) => true,
        // Formatting errors are the arguments this call did not pass: the message exists.
        // (The error type is not exported; its variants differ in their text.)
        Err(e) => e.to_string().starts_with("Fluent errors"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids of one language's files, from the files themselves.
    fn ids(lang: Lang) -> std::collections::BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.code());
        let mut out = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" = ")
                    && id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                {
                    out.insert(id.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let (vi, en) = (ids(Lang::Vi), ids(Lang::En));
        assert!(!vi.is_empty());
        let only_vi: Vec<_> = vi.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&vi).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "only in vi: {only_vi:?}; only in en: {only_en:?}"
        );
        for id in &vi {
            for lang in Lang::ALL {
                assert!(has(lang, id), "{id} does not load in {lang:?}");
            }
        }
    }

    /// Every `t!("id")` in the source names a message both languages have.
    #[test]
    fn every_message_the_code_uses_exists() {
        let (vi, en) = (ids(Lang::Vi), ids(Lang::En));
        let mut used = 0;
        let mut missing = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (i, _) in text.match_indices("t!(\"") {
                    // `format!("…")` ends in `t!(` too.
                    if text[..i]
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                    {
                        continue;
                    }
                    let rest = &text[i + 4..];
                    let id = &rest[..rest.find('"').unwrap()];
                    if id == "id" {
                        continue; // this test's own pattern
                    }
                    used += 1;
                    if !vi.contains(id) || !en.contains(id) {
                        missing.push(format!("{}: {id}", path.display()));
                        continue;
                    }
                    let given = call_arguments(&text[i + 2..]);
                    for lang in Lang::ALL {
                        for var in variables(lang, id) {
                            if !given.contains(&var) {
                                missing.push(format!("{}: {id} needs ${var} in {lang:?}", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(used > 0);
        assert!(missing.is_empty(), "messages used but not defined: {missing:#?}");
    }

    /// The names given in a `t!(…)` call: `t!("id", a = x, b = f(y, z))` gives a, b.
    fn call_arguments(call: &str) -> Vec<String> {
        let (mut depth, mut in_str, mut escaped) = (0, false, false);
        let mut parts = vec![String::new()];
        for c in call.chars() {
            if in_str {
                in_str = c != '"' || escaped;
                escaped = c == '\\' && !escaped;
                continue;
            }
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                ',' if depth == 1 => parts.push(String::new()),
                _ if depth == 1 => parts.last_mut().unwrap().push(c),
                _ => {}
            }
        }
        parts
            .iter()
            .filter_map(|p| p.split_once(" = ").map(|(name, _)| name.trim().to_string()))
            .collect()
    }

    /// The `$variables` a message uses in one language, from its file.
    fn variables(lang: Lang, id: &str) -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang.code());
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            // The message's first line and its indented continuation lines.
            let mut lines = text.lines().skip_while(|l| !l.starts_with(&format!("{id} = ")));
            let Some(first) = lines.next() else { continue };
            let line: String = std::iter::once(first)
                .chain(lines.take_while(|l| l.starts_with(' ')))
                .collect::<Vec<_>>()
                .join("\n");
            for (i, _) in line.match_indices('$') {
                let name: String = line[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
                    .collect();
                out.push(name);
            }
        }
        out
    }

    #[test]
    fn numbers_reach_fluent_as_numbers_and_times_as_text() {
        assert!(matches!(value("2026"), FluentValue::Number(_)));
        assert!(matches!(value("06"), FluentValue::String(_)));
        assert!(matches!(value("6h30"), FluentValue::String(_)));
        assert_eq!(
            text(Lang::En, "report-title", &[("n", "2026".into())]),
            "Broadcast report"
        );
        scoped(Lang::Vi, || assert_eq!(current(), Lang::Vi));
    }

    #[test]
    fn languages_are_read_as_people_and_systems_write_them() {
        assert_eq!(Lang::parse("vi"), Some(Lang::Vi));
        assert_eq!(Lang::parse("vi_VN.UTF-8"), Some(Lang::Vi));
        assert_eq!(Lang::parse("en_US.utf8"), Some(Lang::En));
        assert_eq!(Lang::parse("C"), None);
        assert_eq!(Lang::parse("C.UTF-8"), None);
        assert_eq!(choose(Some(Lang::Vi)), Lang::Vi, "the configuration comes first");
    }

    #[test]
    fn a_message_is_looked_up_in_its_language() {
        assert_eq!(text(Lang::Vi, "report-title", &[]), "Báo cáo kết quả phát thanh");
        assert_eq!(text(Lang::En, "report-title", &[]), "Broadcast report");
        assert_eq!(text(Lang::En, "no-such-message", &[]), "no-such-message");
    }
}
