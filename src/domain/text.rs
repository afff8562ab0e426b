//! Small text helpers every floor uses: hashes as hex, a text cut to a length, whether a text
//! is a web address, and the likely intended word behind a typo. Pure: no I/O, nothing from
//! above.

/// Lower-case hex of a byte string (hashes).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Cuts a text to `limit` characters, ending with an ellipsis when it was cut.
pub fn clip(s: &str, limit: usize) -> String {
    if s.chars().count() <= limit {
        return s.to_string();
    }
    let mut out: String = s.chars().take(limit.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Whether `s` is an http or https address: the one test every setting and schedule field
/// that takes a web address applies (a `javascript:` or `file:` link is refused everywhere).
pub fn is_http_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// The closest candidate to a misspelt word, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_l, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A CSV cell a spreadsheet would run as a formula (`=`, `+`, `-` or `@` first, or a tab or
/// carriage return) gets a leading `'`, as OWASP advises against CSV injection. A number is
/// left a number.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.trim().parse::<f64>().is_err();
    if risky {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_formula_is_neutralised_and_a_number_is_not() {
        assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("-2+3"), "'-2+3");
        assert_eq!(spreadsheet_safe("\t=x"), "'\t=x");
        assert_eq!(spreadsheet_safe("-3"), "-3");
        assert_eq!(spreadsheet_safe("+1.5"), "+1.5");
        assert_eq!(spreadsheet_safe("Bản tin sáng"), "Bản tin sáng");
    }

    #[test]
    fn hashes_are_lower_case_hex() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn clipping_is_visible() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }

    #[test]
    fn web_addresses_are_http_or_https() {
        assert!(is_http_url("https://ubnd.gov.vn/tin"));
        assert!(is_http_url("http://127.0.0.1:8080"));
        assert!(!is_http_url("javascript:alert(1)"));
        assert!(!is_http_url("file:///etc/passwd"));
        assert!(!is_http_url("ubnd.gov.vn"));
    }

    #[test]
    fn suggestions_find_typos_only() {
        let keys = ["channels", "audio", "title"];
        assert_eq!(did_you_mean("chanels", keys), Some("channels"));
        assert_eq!(did_you_mean("audoi", keys), Some("audio"));
        assert_eq!(did_you_mean("xyz", keys), None);
    }
}
