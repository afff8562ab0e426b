//! Speech (issue #16): the Vietnamese normaliser against the golden set, sentences of the
//! office's notices read by hand (tests/fixtures/speech/golden.tsv).

use loaxa::speech::lexicon::Lexicon;
use loaxa::speech::normalise::normalise;

#[test]
fn the_golden_set_reads_as_written_by_hand() {
    let golden =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/speech/golden.tsv")).unwrap();
    let lexicon = Lexicon::builtin();
    let (mut total, mut wrong) = (0, Vec::new());
    for line in golden.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (text, expected) = line.split_once('\t').expect("text TAB reading");
        total += 1;
        let got = loaxa::i18n::scoped(loaxa::i18n::Lang::En, || normalise(text, &lexicon));
        match (expected, got) {
            ("!", Err(_)) => {}
            ("!", Ok(read)) => wrong.push(format!("{text}\n  should be refused, read: {read}")),
            (expected, Ok(read)) if read == expected => {}
            (expected, Ok(read)) => wrong.push(format!("{text}\n  expected: {expected}\n  read:     {read}")),
            (expected, Err(e)) => wrong.push(format!("{text}\n  expected: {expected}\n  refused:  {e} ({})", e.token)),
        }
    }
    assert!(total >= 300, "only {total} sentences");
    assert!(
        wrong.is_empty(),
        "{} of {total} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
