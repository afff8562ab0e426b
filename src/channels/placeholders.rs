//! The `{name}` placeholders a post template may use, and the check `check` runs on a
//! configured template. Pure, and apart from rendering, so that the configuration can check a
//! template without importing the channels that post it.

/// Every template variable name, for checking templates.
pub const VARIABLES: &[&str] = &["title", "text", "link", "date", "time", "station"];

/// Unknown `{name}` placeholders in a template.
pub fn unknown_variables(template: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('}') {
            let name = &rest[..j];
            if !VARIABLES.contains(&name) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(name.to_string());
            }
            rest = &rest[j + 1..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_placeholders_are_found() {
        assert_eq!(unknown_variables("{title} {tilte} {link}"), vec!["tilte"]);
        assert!(unknown_variables("{station} {date} {time} {text}").is_empty());
    }
}
