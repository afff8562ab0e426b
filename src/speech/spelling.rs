//! One spelling for one word: offices type "hòa" and "hoà", "thủy" and "thuỷ", composed or
//! decomposed. The normaliser and the lexicon both compare text in this one form, so the two
//! placements are one text and one rendering. Pure.

use unicode_normalization::UnicodeNormalization;

/// NFC, with the tone mark of an open syllable ending in oa, oe or uy on its last vowel
/// ("hoà", "khoẻ", "thuỷ"): the two placements offices type are one text, one rendering.
pub fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.nfc() {
        if c.is_alphabetic() {
            word.push(c);
        } else {
            out.push_str(&place_tone(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&place_tone(&word));
    out
}

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn place_tone(word: &str) -> String {
    let d: Vec<char> = word.nfd().collect();
    let bases: Vec<usize> = (0..d.len())
        .filter(|&i| !('\u{300}'..='\u{36f}').contains(&d[i]))
        .collect();
    if bases.len() < 2 {
        return word.to_string();
    }
    let (p1, p2) = (bases[bases.len() - 2], bases[bases.len() - 1]);
    let lower = |i: usize| d[i].to_lowercase().next().unwrap_or(d[i]);
    let pair = (lower(p1), lower(p2));
    let open = matches!(pair, ('o', 'a') | ('o', 'e') | ('u', 'y'));
    // In "qu", the u belongs to the consonant: "quý" carries its tone on y already.
    let qu = pair.0 == 'u' && bases.len() >= 3 && lower(bases[bases.len() - 3]) == 'q';
    if !open || qu {
        return word.to_string();
    }
    let Some(tone) = (p1 + 1..p2).find(|&i| TONES.contains(&d[i])) else {
        return word.to_string();
    };
    let mut d = d;
    let mark = d.remove(tone);
    d.push(mark);
    d.into_iter().nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_marks_in_one_place() {
        assert_eq!(canonical("hòa thủy khỏe"), "hoà thuỷ khoẻ");
        assert_eq!(canonical("hoàng quý thuyền"), "hoàng quý thuyền");
        assert_eq!(canonical("Ủy ban"), "Uỷ ban");
        // Decomposed input (macOS) is composed.
        assert_eq!(canonical("xa\u{303}"), "xã");
    }
}
