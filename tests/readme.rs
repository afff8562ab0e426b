//! The README's schedule examples, English reference and Vietnamese quick guide alike, are
//! real: each `toml` block with a broadcast loads without an error, so the two cannot drift
//! from what loaxa accepts.

mod common;

#[test]
fn every_schedule_example_in_the_readme_loads() {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```toml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            _ => {}
        }
    }
    let schedules: Vec<&String> = blocks.iter().filter(|b| b.contains("[[broadcast]]")).collect();
    assert!(schedules.len() >= 2, "the English example and the Vietnamese guide's");
    assert!(
        schedules
            .iter()
            .any(|b| b.contains("khẩn cấp") && b.contains("6h30") && b.contains("\"01/12/2026")),
        "the Vietnamese guide's example uses the notations it describes"
    );
    for (i, text) in schedules.iter().enumerate() {
        let st = common::Station::new(&[("readme.toml", text.as_str())]);
        let loaded = st.load();
        let errors: Vec<String> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| format!("{} {}", loaded.sources.location(d), d.message))
            .collect();
        assert!(errors.is_empty(), "README example {i}: {errors:?}\n{text}");
        assert!(!loaded.set.broadcasts.is_empty());
    }
}
