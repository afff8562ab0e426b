//! The localisation layer: text a person reads, in Vietnamese or English, from the Fluent
//! files in `locales/` (embedded at compile time). Every message has an id; a test checks
//! that both languages have the same ids, so a message can never exist in one language only.
//!
//! Identifiers a machine reads (JSON keys, event kinds, metric names) are not localised.
//! Moved here so far: the monthly report. The rest of the messages follow (issue #14).

use std::borrow::Cow;
use std::collections::HashMap;

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

/// The message `id` in `lang`, with named arguments; the id itself if there is no such
/// message (a test keeps that from happening).
pub fn text(lang: Lang, id: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(&lang.id(), id, &args)
        .unwrap_or_else(|| id.to_string())
}

/// Whether `lang` itself (not a fallback) has the message `id`.
pub fn has(lang: Lang, id: &str) -> bool {
    LOCALES
        .lookup_no_default_fallback::<&str>(&lang.id(), id, None)
        .is_some()
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
