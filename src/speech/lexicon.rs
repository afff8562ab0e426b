//! The reading lexicon: abbreviations an office writes (UBND, CCCD, TTHC) and foreign words
//! (Zalo, VNeID), with the context rules of the ambiguous ones (TT: thông tư or thị trấn). The
//! reviewed list ships in `lexicon.toml`, versioned; a station adds its own with the same form.

use std::collections::HashMap;

use serde::Deserialize;

/// The lexicon loaxa ships.
pub const BUILTIN: &str = include_str!("lexicon.toml");

/// Where an ambiguous word's reading is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum When {
    /// A name follows (a capitalised word): a place.
    NextCapitalised,
    /// A number, or "số", follows.
    NextNumber,
    /// Inside a document number's suffix (`12/2024/TT-BTTTT`).
    Document,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Rule {
    pub when: When,
    pub read: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    version: u32,
    #[serde(default)]
    abbreviations: HashMap<String, String>,
    #[serde(default)]
    words: HashMap<String, String>,
    #[serde(default)]
    ambiguous: Vec<RawAmbiguous>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAmbiguous {
    word: String,
    rules: Vec<Rule>,
}

#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// The versions it was built from (the built-in one, then the station's): part of a
    /// rendering's cache key, so a changed reading is rendered again.
    pub versions: Vec<u32>,
    abbreviations: HashMap<String, String>,
    /// Keyed in lower case.
    words: HashMap<String, String>,
    ambiguous: HashMap<String, Vec<Rule>>,
}

impl Lexicon {
    /// The shipped lexicon.
    pub fn builtin() -> Lexicon {
        let mut l = Lexicon::default();
        // The shipped file is checked by a test; a broken one would fail every build's tests.
        let _ = l.add(BUILTIN);
        l
    }

    /// Adds (or overrides) entries from a lexicon file's text.
    pub fn add(&mut self, text: &str) -> Result<(), String> {
        let raw: Raw = toml::from_str(text).map_err(|e| e.message().to_string())?;
        self.versions.push(raw.version);
        let canonical = |s: String| super::spelling::canonical(&s).to_lowercase();
        for (k, v) in raw.abbreviations {
            self.abbreviations.insert(k, canonical(v));
        }
        for (k, v) in raw.words {
            self.words.insert(k.to_lowercase(), canonical(v));
        }
        for a in raw.ambiguous {
            let rules = a
                .rules
                .into_iter()
                .map(|r| Rule {
                    when: r.when,
                    read: canonical(r.read),
                })
                .collect();
            self.ambiguous.insert(a.word, rules);
        }
        Ok(())
    }

    pub fn abbreviation(&self, word: &str) -> Option<&str> {
        self.abbreviations.get(word).map(String::as_str)
    }

    pub fn word(&self, word: &str) -> Option<&str> {
        self.words.get(&word.to_lowercase()).map(String::as_str)
    }

    pub fn ambiguous(&self, word: &str) -> Option<&[Rule]> {
        self.ambiguous.get(word).map(Vec::as_slice)
    }

    /// A fingerprint of every entry: the cache key of a rendering includes it.
    pub fn fingerprint(&self) -> String {
        let mut lines: Vec<String> = self
            .abbreviations
            .iter()
            .map(|(k, v)| format!("a {k}={v}"))
            .chain(self.words.iter().map(|(k, v)| format!("w {k}={v}")))
            .chain(self.ambiguous.iter().map(|(k, rules)| {
                format!(
                    "x {k}={:?}",
                    rules.iter().map(|r| (&r.when, &r.read)).collect::<Vec<_>>()
                )
            }))
            .collect();
        lines.sort();
        use sha2::Digest;
        crate::domain::text::hex(&sha2::Sha256::digest(lines.join("\n").as_bytes())[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_lexicon_reads() {
        let mut l = Lexicon::default();
        l.add(BUILTIN).expect("lexicon.toml");
        assert_eq!(l.versions, [1]);
        assert_eq!(l.abbreviation("UBND"), Some("uỷ ban nhân dân"));
        assert_eq!(l.word("VNeID"), Some("vê nờ e ai đi"));
        assert_eq!(l.ambiguous("TT").map(<[Rule]>::len), Some(3));
        // Every abbreviation named in issue #16 is there.
        for a in [
            "UBND", "HĐND", "MTTQ", "TTHC", "CCCD", "BHYT", "BHXH", "PCCC", "ATGT", "THCS", "THPT", "NĐ", "CP", "QĐ",
        ] {
            assert!(l.abbreviation(a).is_some(), "{a}");
        }
    }

    #[test]
    fn a_station_overrides_and_adds() {
        let mut l = Lexicon::builtin();
        let before = l.fingerprint();
        l.add("version = 3\n[abbreviations]\nUBND = \"ủy ban\"\nHLHPN = \"hội liên hiệp phụ nữ\"\n")
            .unwrap();
        assert_eq!(l.abbreviation("UBND"), Some("uỷ ban"), "tone marks placed the one way");
        assert_eq!(l.abbreviation("HLHPN"), Some("hội liên hiệp phụ nữ"));
        assert_eq!(l.versions, [1, 3]);
        assert_ne!(l.fingerprint(), before);
        assert!(l.add("[abbreviations]\nX = 1\n").is_err());
    }
}
