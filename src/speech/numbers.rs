//! Vietnamese numbers as they are read aloud: cardinals with the spoken variants a listener
//! expects (mốt, tư, lăm, linh, mươi, "không trăm"), decimals, and digit strings read one by
//! one. Pure; no crate reads Vietnamese numbers.

const DIGITS: [&str; 10] = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"];
/// Group names below a billion, by power of a thousand.
const GROUPS: [&str; 3] = ["", "nghìn", "triệu"];
const BILLION: u64 = 1_000_000_000;

/// A digit, alone.
pub fn digit(d: u8) -> &'static str {
    DIGITS[usize::from(d % 10)]
}

/// Each digit read alone: `06` → "không sáu" (a scheme's code, a phone number's group).
pub fn digits(s: &str) -> String {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| digit(b - b'0'))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A whole number: 21 → "hai mươi mốt", 105 → "một trăm linh năm", 2024 → "hai nghìn không trăm
/// hai mươi tư", 1000000 → "một triệu".
pub fn cardinal(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].into();
    }
    below_billion(n, false)
}

/// Past a billion the groups start again before "tỷ": 10^12 is "một nghìn tỷ". `full`: the
/// number follows a higher group, so its first group is read with its hundreds.
fn below_billion(n: u64, full: bool) -> String {
    if n >= BILLION {
        let (high, rest) = (n / BILLION, n % BILLION);
        let mut s = format!("{} tỷ", below_billion(high, full));
        if rest > 0 {
            s.push(' ');
            s.push_str(&below_billion(rest, true));
        }
        return s;
    }
    let groups = [(n % 1000) as u16, ((n / 1000) % 1000) as u16, (n / 1_000_000) as u16];
    let mut words: Vec<String> = Vec::new();
    for i in (0..3).rev() {
        if groups[i] == 0 {
            continue;
        }
        words.push(hundreds(groups[i], full || !words.is_empty()));
        if !GROUPS[i].is_empty() {
            words.push(GROUPS[i].into());
        }
    }
    words.join(" ")
}

/// 0–999. `full`: a group after a higher one, read with its hundreds even when zero
/// ("không trăm linh năm").
fn hundreds(n: u16, full: bool) -> String {
    let (h, t, u) = ((n / 100) as u8, ((n / 10) % 10) as u8, (n % 10) as u8);
    let mut w: Vec<&str> = Vec::new();
    if h > 0 || full {
        w.push(digit(h));
        w.push("trăm");
    }
    match (t, u) {
        (0, 0) => {}
        (0, u) => {
            if h > 0 || full {
                w.push("linh");
            }
            w.push(digit(u));
        }
        (1, u) => {
            w.push("mười");
            match u {
                0 => {}
                5 => w.push("lăm"),
                u => w.push(digit(u)),
            }
        }
        (t, u) => {
            w.push(digit(t));
            w.push("mươi");
            match u {
                0 => {}
                1 => w.push("mốt"),
                4 => w.push("tư"),
                5 => w.push("lăm"),
                u => w.push(digit(u)),
            }
        }
    }
    w.join(" ")
}

/// A number as written in Vietnamese text: "." groups thousands, "," is the decimal point.
/// `1.000.000` → "một triệu", `12,5` → "mười hai phẩy năm", `0,05` → "không phẩy không năm".
/// None when it is not written that way (`1.5`, `1.0000`): the caller says so instead of guessing.
pub fn written(s: &str) -> Option<String> {
    let (whole, fraction) = match s.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let well_grouped = groups.len() == 1
        || (!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3));
    if !well_grouped
        || groups
            .iter()
            .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let digits_only: String = groups.concat();
    if digits_only.len() > 15 {
        return None;
    }
    let n: u64 = digits_only.parse().ok()?;
    let mut out = cardinal(n);
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) || f.len() > 6 {
            return None;
        }
        out.push_str(" phẩy ");
        // Leading zeros are said: 0,05 is "không phẩy không năm".
        let zeros = f.len() - f.trim_start_matches('0').len();
        let mut parts: Vec<String> = std::iter::repeat_n(DIGITS[0].to_string(), zeros).collect();
        let rest = f.trim_start_matches('0');
        if !rest.is_empty() {
            parts.push(cardinal(rest.parse().ok()?));
        }
        out.push_str(&parts.join(" "));
    }
    Some(out)
}

/// An ordinal after "thứ": 1 → "nhất", 4 → "tư", else the cardinal.
pub fn ordinal(n: u64) -> String {
    match n {
        1 => "nhất".into(),
        4 => "tư".into(),
        n => cardinal(n),
    }
}

/// A month's name after "tháng": 4 → "tư", else the cardinal ("tháng một", "tháng mười hai").
pub fn month(n: u64) -> String {
    if n == 4 { "tư".into() } else { cardinal(n) }
}

/// A Roman numeral's value (I–MMMCMXCIX), written in capitals; None otherwise.
pub fn roman(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 15 {
        return None;
    }
    let value = |c: char| match c {
        'I' => Some(1),
        'V' => Some(5),
        'X' => Some(10),
        'L' => Some(50),
        'C' => Some(100),
        'D' => Some(500),
        'M' => Some(1000),
        _ => None,
    };
    let vals: Vec<i64> = s.chars().map(value).collect::<Option<_>>()?;
    let mut total = 0i64;
    for (i, v) in vals.iter().enumerate() {
        if vals.get(i + 1).is_some_and(|next| next > v) {
            total -= v;
        } else {
            total += v;
        }
    }
    let total = u64::try_from(total).ok()?;
    // Only the canonical spelling: IIII or VX are not numerals.
    (total > 0 && total < 4000 && to_roman(total) == s).then_some(total)
}

fn to_roman(mut n: u64) -> String {
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, r) in TABLE {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals_as_they_are_said() {
        let cases: &[(u64, &str)] = &[
            (0, "không"),
            (5, "năm"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (45, "bốn mươi lăm"),
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (1000, "một nghìn"),
            (1005, "một nghìn không trăm linh năm"),
            (1050, "một nghìn không trăm năm mươi"),
            (2024, "hai nghìn không trăm hai mươi tư"),
            (2025, "hai nghìn không trăm hai mươi lăm"),
            (10_000, "mười nghìn"),
            (15_500, "mười lăm nghìn năm trăm"),
            (1_000_000, "một triệu"),
            (1_000_500, "một triệu năm trăm"),
            (1_250_000, "một triệu hai trăm năm mươi nghìn"),
            (1_000_000_000, "một tỷ"),
            (3_500_000_000, "ba tỷ năm trăm triệu"),
            (1_000_000_000_000, "một nghìn tỷ"),
        ];
        for (n, said) in cases {
            assert_eq!(cardinal(*n), *said, "{n}");
        }
    }

    #[test]
    fn written_numbers() {
        assert_eq!(written("1.000.000").as_deref(), Some("một triệu"));
        assert_eq!(written("12,5").as_deref(), Some("mười hai phẩy năm"));
        assert_eq!(written("0,05").as_deref(), Some("không phẩy không năm"));
        assert_eq!(written("2,25").as_deref(), Some("hai phẩy hai mươi lăm"));
        for ambiguous in ["1.5", "1.0000", "12.34.567", ",5", "1,", "1.000,"] {
            assert_eq!(written(ambiguous), None, "{ambiguous}");
        }
    }

    #[test]
    fn roman_numerals() {
        assert_eq!(roman("IV"), Some(4));
        assert_eq!(roman("XV"), Some(15));
        assert_eq!(roman("XXI"), Some(21));
        assert_eq!(roman("IIII"), None);
        assert_eq!(roman("VX"), None);
        assert_eq!(roman("ABC"), None);
    }
}
