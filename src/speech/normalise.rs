//! Text as an office writes it → text as it is read aloud, for the speech engine.
//!
//! espeak-ng (and most voices) read raw administrative Vietnamese badly: "UBND" letter by letter
//! in English, "15/12/2024" as three bare numbers, "7h30" as "bảy hát ba mươi". This module
//! writes everything out in words first: numbers (with "." for thousands and "," for
//! decimals), dates, date ranges, times, money, percentages, units, phone numbers digit by
//! digit in their groups, Roman numerals after the words that take them (Quý IV, khoá XV),
//! document numbers (49/2024/NĐ-CP) and the lexicon's abbreviations.
//!
//! It fails closed: a token it cannot read with certainty (an unknown abbreviation, an
//! ambiguous one whose context does not decide, a web address, a symbol, a number written two
//! ways) is an error naming the token and where it is, never spelled out silently. The office
//! then writes it as it should be read, or adds it to the station's lexicon.
//!
//! Pure: no I/O. The output is lower case, words separated by single spaces, with the
//! sentence's pauses (`, . ; : ! ?`) kept.

use unicode_normalization::UnicodeNormalization;

use super::lexicon::{Lexicon, When};
use super::numbers::{self, cardinal, digits, written};
use super::spelling::canonical;

/// A token the normaliser will not guess at.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Unreadable {
    /// The token as written.
    pub token: String,
    /// Its byte offset in the text given.
    pub at: usize,
    /// What is wrong, in the station's language.
    pub message: String,
    /// How to write it instead.
    pub hint: String,
}

/// The text as it is read aloud.
pub fn normalise(text: &str, lexicon: &Lexicon) -> Result<String, Unreadable> {
    let text = canonical(text);
    let tokens = tokenise(&text);
    let mut out = Out::default();
    let mut i = 0;
    while i < tokens.len() {
        i += read(&tokens, i, lexicon, &mut out)?;
    }
    Ok(out.finish())
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Word,
    /// `, . ; : ! ?` and the like: a pause, kept.
    Pause(char),
    /// Brackets and quotes: dropped.
    Quiet,
}

#[derive(Clone, Debug)]
struct Token<'a> {
    text: &'a str,
    at: usize,
    kind: Kind,
}

fn tokenise(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                split_chunk(text, s, i, &mut tokens);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        split_chunk(text, s, text.len(), &mut tokens);
    }
    tokens
}

fn pause_or_quiet(c: char) -> Option<Kind> {
    match c {
        ',' | '.' | ';' | ':' | '!' | '?' => Some(Kind::Pause(c)),
        '…' => Some(Kind::Pause(',')),
        '(' | ')' | '[' | ']' | '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' => Some(Kind::Quiet),
        _ => None,
    }
}

/// A whitespace-free chunk: leading and trailing punctuation become tokens of their own.
fn split_chunk<'a>(text: &'a str, mut s: usize, mut e: usize, tokens: &mut Vec<Token<'a>>) {
    let mut trailing = Vec::new();
    while s < e {
        let c = text[s..e].chars().next().unwrap_or(' ');
        match pause_or_quiet(c) {
            Some(kind) if kind == Kind::Quiet || e - s == c.len_utf8() => {
                tokens.push(Token {
                    text: &text[s..s + c.len_utf8()],
                    at: s,
                    kind,
                });
                s += c.len_utf8();
            }
            _ => break,
        }
    }
    while e > s {
        let c = text[s..e].chars().next_back().unwrap_or(' ');
        match pause_or_quiet(c) {
            Some(kind) => {
                e -= c.len_utf8();
                trailing.push(Token {
                    text: &text[e..e + c.len_utf8()],
                    at: e,
                    kind,
                });
            }
            None => break,
        }
    }
    if e > s {
        tokens.push(Token {
            text: &text[s..e],
            at: s,
            kind: Kind::Word,
        });
    }
    tokens.extend(trailing.into_iter().rev());
}

/// The words read so far.
#[derive(Default)]
struct Out {
    words: Vec<String>,
    /// The last word token read was a number (a unit after it is a unit).
    after_number: bool,
}

impl Out {
    fn push(&mut self, s: impl Into<String>) {
        let s = s.into();
        for w in s.split_whitespace() {
            self.words.push(w.to_string());
        }
    }

    fn pause(&mut self, c: char) {
        if let Some(last) = self.words.last_mut() {
            if last.ends_with([',', '.', ';', ':', '!', '?']) {
                // "…," or ".." : one pause, the stronger.
                if c != ',' {
                    last.pop();
                    last.push(c);
                }
            } else {
                last.push(c);
            }
        }
    }

    /// The last `n` words, without their pauses, lower case.
    fn last(&self, n: usize) -> String {
        let from = self.words.len().saturating_sub(n);
        self.words[from..]
            .iter()
            .map(|w| w.trim_end_matches([',', '.', ';', ':', '!', '?']).to_lowercase())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn finish(self) -> String {
        self.words.join(" ").to_lowercase()
    }
}

fn unreadable(t: &Token<'_>, message: String, hint: String) -> Unreadable {
    Unreadable {
        token: t.text.to_string(),
        at: t.at,
        message,
        hint,
    }
}

/// Reads token `i` (and any it takes with it); how many tokens it used.
fn read(tokens: &[Token<'_>], i: usize, lexicon: &Lexicon, out: &mut Out) -> Result<usize, Unreadable> {
    let t = &tokens[i];
    match t.kind {
        Kind::Pause(c) => {
            out.pause(c);
            return Ok(1);
        }
        Kind::Quiet => return Ok(1),
        Kind::Word => {}
    }
    let s = t.text;
    let first = s.chars().next().unwrap_or(' ');
    let next = tokens.get(i + 1).filter(|n| n.kind == Kind::Word);
    if first.is_ascii_digit() {
        let used = number(tokens, i, out, lexicon)?;
        out.after_number = true;
        return Ok(used);
    }
    let was_number = std::mem::replace(&mut out.after_number, false);
    if first.is_alphabetic() || first == '°' {
        if was_number && let Some(unit) = unit(s) {
            out.push(unit);
            return Ok(1);
        }
        word(t, next, lexicon, out, false)?;
        return Ok(1);
    }
    match s {
        "&" => out.push("và"),
        "+" => out.push("cộng"),
        "=" => out.push("bằng"),
        "/" => out.push("trên"),
        "-" | "–" | "—" => {
            // Between two numbers (15/12 – 20/12, 7h - 9h) a dash is "đến"; elsewhere a pause.
            if was_number && next.is_some_and(|n| n.text.starts_with(|c: char| c.is_ascii_digit())) {
                out.push("đến");
            } else {
                out.pause(',');
            }
        }
        _ => {
            return Err(unreadable(t, t!("speech-symbol", token = s), t!("speech-symbol-hint")));
        }
    }
    Ok(1)
}

/// The words that take a Roman numeral after them.
const ROMAN_BEFORE: &[&str] = &[
    "quý", "khoá", "khóa", "kỳ", "kì", "kỷ", "lần", "phần", "chương", "mục", "tập", "đợt", "hội", "đoạn", "vòng",
];

/// Letter names, for a letter standing alone (khu A, tổ B).
fn letter(c: char) -> Option<&'static str> {
    Some(match c {
        'A' => "a",
        'B' => "bê",
        'C' => "xê",
        'D' => "dê",
        'Đ' => "đê",
        'E' => "e",
        'G' => "giê",
        'H' => "hát",
        'I' => "i",
        'K' => "ca",
        'L' => "e lờ",
        'M' => "em mờ",
        'N' => "en nờ",
        'O' => "o",
        'P' => "pê",
        'Q' => "quy",
        'R' => "e rờ",
        'S' => "ét xì",
        'T' => "tê",
        'U' => "u",
        'V' => "vê",
        'X' => "ích xì",
        'Y' => "i dài",
        _ => return None,
    })
}

fn has_vowel(s: &str) -> bool {
    s.nfd()
        .any(|c| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y'))
}

fn is_caps(s: &str) -> bool {
    s.chars().count() >= 2 && s.chars().all(|c| c.is_uppercase()) && s.chars().all(char::is_alphabetic)
}

/// A token of letters (and maybe hyphens).
fn word(
    t: &Token<'_>,
    next: Option<&Token<'_>>,
    lexicon: &Lexicon,
    out: &mut Out,
    document: bool,
) -> Result<(), Unreadable> {
    let s = t.text;
    if let Some(r) = lexicon.word(s) {
        out.push(r);
        return Ok(());
    }
    if s.contains('@') || s.contains("://") || s.starts_with("www.") || s.contains(['.', '/']) && !s.contains('-') {
        // Roman numeral with a year: Quý IV/2024.
        if let Some((r, y)) = s.split_once('/')
            && ROMAN_BEFORE.contains(&out.last(1).as_str())
            && let Some(n) = numbers::roman(r)
            && y.len() == 4
            && let Ok(year) = y.parse::<u64>()
        {
            out.push(cardinal(n));
            out.push("năm");
            out.push(cardinal(year));
            return Ok(());
        }
        return Err(unreadable(
            t,
            t!("speech-address", token = s),
            t!("speech-address-hint"),
        ));
    }
    if s.contains('-') {
        for part in s.split('-').filter(|p| !p.is_empty()) {
            let sub = Token {
                text: part,
                at: t.at + (part.as_ptr() as usize - s.as_ptr() as usize),
                kind: Kind::Word,
            };
            if part.starts_with(|c: char| c.is_ascii_digit()) {
                match written(part) {
                    Some(n) => out.push(n),
                    None => return Err(number_error(&sub)),
                }
            } else {
                word(&sub, next, lexicon, out, document)?;
            }
        }
        return Ok(());
    }
    if let Some(rules) = lexicon.ambiguous(s) {
        let next_number = next.is_some_and(|n| n.text.starts_with(|c: char| c.is_ascii_digit()) || n.text == "số");
        let next_capital = next.is_some_and(|n| n.text.starts_with(char::is_uppercase));
        let read = rules.iter().find(|r| match r.when {
            When::Document => document,
            When::NextNumber => next_number,
            When::NextCapitalised => next_capital,
        });
        return match read {
            Some(r) => {
                out.push(r.read.clone());
                Ok(())
            }
            None => Err(unreadable(
                t,
                t!(
                    "speech-ambiguous",
                    token = s,
                    readings = rules.iter().map(|r| r.read.as_str()).collect::<Vec<_>>().join(" / ")
                ),
                t!("speech-ambiguous-hint"),
            )),
        };
    }
    if let Some(r) = lexicon.abbreviation(s) {
        out.push(r);
        return Ok(());
    }
    if ROMAN_BEFORE.contains(&out.last(1).as_str())
        && let Some(n) = numbers::roman(s)
    {
        out.push(cardinal(n));
        return Ok(());
    }
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && let Some(name) = letter(c)
    {
        out.push(name);
        return Ok(());
    }
    if is_caps(s) {
        return Err(unreadable(
            t,
            t!("speech-abbreviation", token = s),
            t!("speech-abbreviation-hint", token = s),
        ));
    }
    if s.chars().any(|c| c.is_ascii_digit()) || !s.chars().all(char::is_alphabetic) {
        return Err(unreadable(t, t!("speech-mixed", token = s), t!("speech-mixed-hint")));
    }
    // A word with capitals inside (VNeID) or none of the vowels every Vietnamese syllable has
    // (km, tp): not Vietnamese, and not in the lexicon.
    let inner_capital = s.chars().skip(1).any(char::is_uppercase);
    if !has_vowel(s) || inner_capital {
        return Err(unreadable(
            t,
            t!("speech-abbreviation", token = s),
            t!("speech-abbreviation-hint", token = s),
        ));
    }
    out.push(s.to_lowercase());
    Ok(())
}

fn number_error(t: &Token<'_>) -> Unreadable {
    unreadable(t, t!("speech-number", token = t.text), t!("speech-number-hint"))
}

fn unit(s: &str) -> Option<&'static str> {
    Some(match s {
        "km" => "ki lô mét",
        "km2" | "km²" => "ki lô mét vuông",
        "m" => "mét",
        "m2" | "m²" => "mét vuông",
        "m3" | "m³" => "mét khối",
        "cm" => "xăng ti mét",
        "mm" => "mi li mét",
        "ha" => "héc ta",
        "kg" => "ki lô gam",
        "g" => "gam",
        "l" => "lít",
        "°C" | "°c" | "độC" => "độ xê",
        "kW" | "kw" => "ki lô oát",
        "kWh" | "kwh" => "ki lô oát giờ",
        "đ" | "đồng" => "đồng",
        "%" => "phần trăm",
        _ => return None,
    })
}

/// A time of day: `7h`, `7h30`, `07:30`, `7g30`. (hours, minutes)
fn time(s: &str) -> Option<(u64, u64)> {
    let (h, m) = if let Some((h, m)) = s.split_once(':') {
        (h, m)
    } else if let Some(at) = s.find(['h', 'g']) {
        (&s[..at], &s[at + 1..])
    } else {
        return None;
    };
    let ok = |x: &str, max_len| !x.is_empty() && x.len() <= max_len && x.bytes().all(|b| b.is_ascii_digit());
    if !ok(h, 2) || !(m.is_empty() || (ok(m, 2) && m.len() == 2)) {
        return None;
    }
    let (h, m): (u64, u64) = (h.parse().ok()?, if m.is_empty() { 0 } else { m.parse().ok()? });
    (h <= 24 && m < 60).then_some((h, m))
}

fn say_time((h, m): (u64, u64)) -> String {
    if m == 0 {
        format!("{} giờ", cardinal(h))
    } else {
        format!("{} giờ {} phút", cardinal(h), cardinal(m))
    }
}

fn day_ok(d: u64) -> bool {
    (1..=31).contains(&d)
}

fn month_ok(m: u64) -> bool {
    (1..=12).contains(&m)
}

/// A token starting with a digit, and the tokens it takes with it (a phone number's groups).
fn number(tokens: &[Token<'_>], i: usize, out: &mut Out, lexicon: &Lexicon) -> Result<usize, Unreadable> {
    let t = &tokens[i];
    let s = t.text;
    let before = out.last(1);
    let before2 = out.last(2);
    let phone_context = matches!(
        before.as_str(),
        "gọi" | "thoại" | "hotline" | "sđt" | "đt" | "máy" | "nóng" | "fax"
    ) || before2.ends_with("số điện thoại")
        || before2 == "đường dây";
    // A phone number: starts with 0, 10–11 digits, maybe written in groups (spaces or dots).
    let plain = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    if s.starts_with('0') || phone_context {
        let mut groups: Vec<&str> = if s.contains('.') && s.split('.').all(plain) {
            s.split('.').collect()
        } else if plain(s) {
            vec![s]
        } else {
            Vec::new()
        };
        let mut used = 1;
        if !groups.is_empty() {
            let mut total: usize = groups.iter().map(|g| g.len()).sum();
            while total < 10
                && let Some(n) = tokens.get(i + used).filter(|n| n.kind == Kind::Word && plain(n.text))
                && total + n.text.len() <= 11
            {
                groups.push(n.text);
                total += n.text.len();
                used += 1;
            }
            if (10..=11).contains(&total) || (phone_context && total >= 3) {
                if groups.len() == 1 && total >= 10 {
                    let g = groups[0];
                    groups = vec![&g[..4], &g[4..7], &g[7..]];
                }
                let said: Vec<String> = groups.iter().map(|g| digits(g)).collect();
                out.push(said.join(", "));
                return Ok(used);
            }
        }
    }
    // A document number (49/2024/NĐ-CP) before ranges: its suffix has a dash too.
    if s.rsplit('/')
        .next()
        .is_some_and(|last| last.starts_with(char::is_alphabetic))
        && s.contains('/')
    {
        return slashed(tokens, i, out, lexicon);
    }
    // Ranges: 7h-9h, 15-20, 15–20/12.
    if let Some((a, b)) = s.split_once(['-', '–']) {
        if let (Some(x), Some(y)) = (time(a), time(b))
            && (a.contains(['h', 'g', ':']) || b.contains(['h', 'g', ':']))
        {
            out.push(say_time(x));
            out.push("đến");
            out.push(say_time(y));
            return Ok(1);
        }
        if let Some((b, rest)) = b.split_once('/')
            && let (Ok(d1), Ok(d2)) = (a.parse::<u64>(), b.parse::<u64>())
            && day_ok(d1)
            && day_ok(d2)
        {
            // 15–20/12(/2024): the days, then the month (and year).
            if before != "ngày" {
                out.push("ngày");
            }
            out.push(cardinal(d1));
            out.push("đến");
            out.push(cardinal(d2));
            return month_year(t, rest, out).map(|()| 1);
        }
        if let (Some(x), Some(y)) = (written(a), written(b)) {
            out.push(x);
            out.push("đến");
            out.push(y);
            return Ok(1);
        }
        return Err(number_error(t));
    }
    if s.contains('/') {
        return slashed(tokens, i, out, lexicon);
    }
    if let Some(x) = time(s)
        && s.contains(['h', 'g', ':'])
    {
        out.push(say_time(x));
        return Ok(1);
    }
    // A number with its unit attached: 5km, 12,5%, 1.000.000đ, 25°C.
    let end = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map_or(s.len(), |(i, _)| i);
    let (num, suffix) = s.split_at(end);
    let Some(said) = (if before == "thứ" || before == "tháng" {
        num.parse::<u64>().ok().map(|n| {
            if before == "thứ" {
                numbers::ordinal(n)
            } else {
                numbers::month(n)
            }
        })
    } else if num.len() > 1 && num.starts_with('0') && plain(num) {
        // A code: Đề án 06.
        Some(digits(num))
    } else {
        written(num)
    }) else {
        return Err(number_error(t));
    };
    out.push(said);
    if !suffix.is_empty() {
        match unit(suffix) {
            Some(u) => out.push(u),
            None => return Err(number_error(t)),
        }
    }
    Ok(1)
}

/// The month (and year) after a day: `12`, `12/2024`.
fn month_year(t: &Token<'_>, rest: &str, out: &mut Out) -> Result<(), Unreadable> {
    let (m, y) = match rest.split_once('/') {
        Some((m, y)) => (m, Some(y)),
        None => (rest, None),
    };
    let m: u64 = m.parse().ok().filter(|m| month_ok(*m)).ok_or_else(|| number_error(t))?;
    out.push("tháng");
    out.push(numbers::month(m));
    if let Some(y) = y {
        let y: u64 = y.parse().ok().filter(|_| y.len() == 4).ok_or_else(|| number_error(t))?;
        out.push("năm");
        out.push(cardinal(y));
    }
    Ok(())
}

/// A token with slashes: a date, a month and year, or a document number.
fn slashed(tokens: &[Token<'_>], i: usize, out: &mut Out, lexicon: &Lexicon) -> Result<usize, Unreadable> {
    let t = &tokens[i];
    let parts: Vec<&str> = t.text.split('/').collect();
    let num = |x: &str| x.parse::<u64>().ok().filter(|_| x.bytes().all(|b| b.is_ascii_digit()));
    let before = out.last(1);
    // A document number: 49/2024/NĐ-CP, 123/UBND-VP, 12/2024/TT-BTTTT.
    if let Some(last) = parts.last()
        && parts.len() >= 2
        && last.starts_with(|c: char| c.is_alphabetic())
    {
        let n = num(parts[0]).ok_or_else(|| number_error(t))?;
        let year = match parts.len() {
            2 => None,
            3 => Some(
                num(parts[1])
                    .filter(|_| parts[1].len() == 4)
                    .ok_or_else(|| number_error(t))?,
            ),
            _ => return Err(number_error(t)),
        };
        // Said before "số" already (nghị định số …): not said again after it.
        let said_before = out.last(3);
        if before != "số" {
            out.push("số");
        }
        out.push(cardinal(n));
        if let Some(y) = year {
            out.push("năm");
            out.push(cardinal(y));
        }
        let mut suffix = Out::default();
        for part in last.split('-').filter(|p| !p.is_empty()) {
            let sub = Token {
                text: part,
                at: t.at + (part.as_ptr() as usize - t.text.as_ptr() as usize),
                kind: Kind::Word,
            };
            word(&sub, None, lexicon, &mut suffix, true)?;
        }
        let suffix = suffix.finish();
        let kind_said = suffix
            .split_once(' ')
            .map(|_| {
                let first_two: Vec<&str> = suffix.split(' ').take(2).collect();
                first_two.join(" ")
            })
            .filter(|k| said_before.ends_with(k.as_str()) || said_before.contains(&format!("{k} số")));
        match kind_said {
            Some(k) => out.push(suffix[k.len()..].trim().to_string()),
            None => out.push(suffix),
        }
        return Ok(1);
    }
    // "24/7" is round the clock as often as the 24th of July.
    if t.text == "24/7" {
        return Err(unreadable(
            t,
            t!(
                "speech-ambiguous",
                token = t.text,
                readings = "ngày hai mươi tư tháng bảy / suốt ngày đêm"
            ),
            t!("speech-ambiguous-hint"),
        ));
    }
    let nums: Option<Vec<u64>> = parts.iter().map(|p| num(p)).collect();
    let Some(nums) = nums else {
        return Err(number_error(t));
    };
    match nums.as_slice() {
        // tháng 12/2024
        [m, y] if before == "tháng" && month_ok(*m) && parts[1].len() == 4 => {
            out.push(numbers::month(*m));
            out.push("năm");
            out.push(cardinal(*y));
        }
        // 12/2024 alone: a month and a year.
        [m, y] if month_ok(*m) && parts[1].len() == 4 => {
            out.push("tháng");
            out.push(numbers::month(*m));
            out.push("năm");
            out.push(cardinal(*y));
        }
        [d, _] | [d, _, _] if day_ok(*d) => {
            if before != "ngày" {
                out.push("ngày");
            }
            out.push(cardinal(*d));
            let rest = t.text.split_once('/').map_or("", |(_, r)| r);
            month_year(t, rest, out)?;
        }
        _ => return Err(number_error(t)),
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        crate::i18n::scoped(crate::i18n::Lang::En, || normalise(s, &Lexicon::builtin()))
            .unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refused(s: &str) -> Unreadable {
        crate::i18n::scoped(crate::i18n::Lang::En, || normalise(s, &Lexicon::builtin())).expect_err(s)
    }

    #[test]
    fn dates_times_and_ranges() {
        assert_eq!(
            n("ngày 15/12/2024"),
            "ngày mười lăm tháng mười hai năm hai nghìn không trăm hai mươi tư"
        );
        assert_eq!(n("Từ 15–20/12"), "từ ngày mười lăm đến hai mươi tháng mười hai");
        assert_eq!(n("lúc 7h30"), "lúc bảy giờ ba mươi phút");
        assert_eq!(n("07:30"), "bảy giờ ba mươi phút");
        assert_eq!(n("từ 7h-9h"), "từ bảy giờ đến chín giờ");
        assert_eq!(n("tháng 4/2024"), "tháng tư năm hai nghìn không trăm hai mươi tư");
        assert_eq!(n("thứ 2"), "thứ hai");
    }

    #[test]
    fn money_units_phones_and_codes() {
        assert_eq!(n("1.000.000đ"), "một triệu đồng");
        assert_eq!(n("12,5 triệu đồng"), "mười hai phẩy năm triệu đồng");
        assert_eq!(n("đạt 95%"), "đạt chín mươi lăm phần trăm");
        assert_eq!(n("5 km"), "năm ki lô mét");
        assert_eq!(n("100m²"), "một trăm mét vuông");
        assert_eq!(n("gọi 0912 345 678"), "gọi không chín một hai, ba bốn năm, sáu bảy tám");
        assert_eq!(n("0912345678"), "không chín một hai, ba bốn năm, sáu bảy tám");
        assert_eq!(n("Đề án 06"), "đề án không sáu");
        assert_eq!(n("Quý IV/2024"), "quý bốn năm hai nghìn không trăm hai mươi tư");
        assert_eq!(n("khóa XV"), "khoá mười lăm");
    }

    #[test]
    fn documents_and_abbreviations() {
        assert_eq!(
            n("Nghị định số 49/2024/NĐ-CP"),
            "nghị định số bốn mươi chín năm hai nghìn không trăm hai mươi tư chính phủ"
        );
        assert_eq!(
            n("theo 39/2020/TT-BTTTT"),
            "theo số ba mươi chín năm hai nghìn không trăm hai mươi thông tư bộ thông tin và truyền thông"
        );
        assert_eq!(n("UBND xã"), "uỷ ban nhân dân xã");
        assert_eq!(n("TT Phùng"), "thị trấn phùng");
        assert_eq!(n("TT số 39"), "thông tư số ba mươi chín");
        assert_eq!(n("KT-XH"), "kinh tế xã hội");
    }

    #[test]
    fn fails_closed() {
        assert_eq!(refused("do XYZW cấp").token, "XYZW");
        assert_eq!(refused("theo TT mới").token, "TT");
        assert_eq!(refused("xem dichvucong.gov.vn").token, "dichvucong.gov.vn");
        assert_eq!(refused("giá 1.5 triệu").token, "1.5");
        assert_eq!(refused("mã A12").token, "A12");
        let e = refused("ngày 1/1 tại # phòng");
        assert_eq!((e.token.as_str(), e.at), ("#", 16));
    }
}
