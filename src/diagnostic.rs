//! Diagnostics: what `loaxa check` tells a person who made a mistake in a file.
//!
//! Staff who edit schedules are not programmers. Every problem is collected (never just the
//! first one), tied to a byte span in a source file, and rendered the way rustc and ripgrep do:
//! `FILE:LINE:COLUMN`, the quoted line with a caret under the problem, and a hint on how to fix
//! it. The structured form (`Diagnostic::line`, `::column`, `::message`) is what tests assert on.

use std::io::IsTerminal;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;

/// Identifies a source file inside a [`Sources`] map.
pub use crate::domain::broadcast::FileId;

/// How serious a diagnostic is. Errors make `loaxa check` fail; warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a source file, used for secondary notes ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub file: FileId,
    pub span: Range<usize>,
    pub label: String,
}

/// One problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: FileId,
    pub span: Range<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A short label drawn under the span.
    pub label: String,
    /// How to fix it.
    pub hint: Option<String>,
    pub notes: Vec<Note>,
    /// What kind of problem, as a stable identifier (`toml-syntax`, `unknown-key`, …): what
    /// the history and the status pages keep of a rejected edit, which must not quote text.
    pub code: &'static str,
}

impl Diagnostic {
    pub fn error(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, span, message)
    }

    pub fn warning(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, span, message)
    }

    fn new(severity: Severity, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file,
            span,
            message: message.into(),
            label: String::new(),
            hint: None,
            notes: Vec::new(),
            code: "invalid-value",
        }
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = code;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_note(mut self, file: FileId, span: Range<usize>, label: impl Into<String>) -> Self {
        self.notes.push(Note {
            file,
            span,
            label: label.into(),
        });
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The source files diagnostics point into, kept so a report can quote them.
#[derive(Default)]
pub struct Sources {
    /// As shown: control characters replaced (see [`Sources::add`]).
    files: SimpleFiles<String, String>,
    /// As read: what the parser and the last-good copy use.
    texts: Vec<String>,
    paths: Vec<PathBuf>,
}

impl Sources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a file. `display` is the name shown to the user (usually relative to the
    /// config file, e.g. `schedules/de-an-06.toml`).
    pub fn add(&mut self, path: &Path, display: String, text: String) -> FileId {
        self.paths.push(path.to_path_buf());
        // Quoted to a terminal: a control character in a file (or its name) could rewrite
        // the screen. Replaced byte for byte, so every span still points where it did.
        let display = crate::console::printable_same_width(&display);
        // Quoted in errors: a password or token in an address is hidden there (`check` says
        // where it is and where it goes instead).
        let shown = crate::redact::mask_url_credentials(&text);
        let id = self.files.add(display, crate::console::printable_same_width(&shown));
        self.texts.push(text);
        id
    }

    /// How many files are registered (their ids are `0..len`).
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    pub fn name(&self, file: FileId) -> &str {
        self.files.get(file).map(|f| f.name().as_str()).unwrap_or("?")
    }

    pub fn path(&self, file: FileId) -> &Path {
        &self.paths[file]
    }

    pub fn text(&self, file: FileId) -> &str {
        self.texts.get(file).map(String::as_str).unwrap_or("")
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_column(&self, file: FileId, offset: usize) -> (usize, usize) {
        use codespan_reporting::files::Files;
        let text = self.text(file);
        let offset = floor_char_boundary(text, offset.min(text.len()));
        // codespan's line index (a binary search over line starts it keeps per file): scanning
        // from the file's start for every warning made `check` quadratic (issue #21). The shown
        // text has the same bytes at the same places, so its lines are the read text's lines.
        let line = self.files.line_index(file, offset).unwrap_or(0);
        let line_start = self.files.line_range(file, line).map_or(0, |r| r.start).min(offset);
        let column = text.get(line_start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }

    /// The full text of the 1-based line.
    pub fn line_text(&self, file: FileId, line: usize) -> &str {
        use codespan_reporting::files::Files;
        let Ok(shown) = self.files.get(file).map(|f| f.source().as_str()) else {
            return "";
        };
        let Ok(range) = self.files.line_range(file, line.saturating_sub(1)) else {
            return "";
        };
        let text = shown.get(range).unwrap_or("");
        let text = text.strip_suffix('\n').unwrap_or(text);
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// `FILE:LINE:COLUMN` of a diagnostic.
    pub fn location(&self, d: &Diagnostic) -> String {
        let (line, column) = self.line_column(d.file, d.span.start);
        format!("{}:{}:{}", self.name(d.file), line, column)
    }

    /// Renders one diagnostic as text, with the quoted line and the hint.
    pub fn render(&self, d: &Diagnostic, color: bool) -> String {
        if self.touches_long_line(d) {
            return self.render_excerpt(d);
        }
        let mut out = Vec::new();
        if color {
            let mut w = termcolor::Ansi::new(&mut out);
            let _ = term::emit_to_write_style(&mut w, &render_config(), &self.files, &self.to_codespan(d));
        } else {
            let _ = term::emit_to_io_write(&mut out, &render_config(), &self.files, &self.to_codespan(d));
        }
        // codespan writes the severity in English; it is the first word it writes.
        let text = String::from_utf8_lossy(&out).into_owned();
        let english = severity_word(d.severity, crate::i18n::Lang::En);
        text.replacen(&english, &severity_word(d.severity, crate::i18n::current()), 1)
    }

    fn touches_long_line(&self, d: &Diagnostic) -> bool {
        std::iter::once((d.file, d.span.start))
            .chain(d.notes.iter().map(|n| (n.file, n.span.start)))
            .any(|(file, at)| {
                let (line, _) = self.line_column(file, at);
                self.line_text(file, line).chars().count() > MAX_QUOTED_LINE
            })
    }

    /// The same report for a problem on a very long line (a generated or damaged file): only a
    /// window of the line around the problem is quoted, so one bad line cannot flood the
    /// terminal or the daemon's log.
    fn render_excerpt(&self, d: &Diagnostic) -> String {
        let kind = severity_word(d.severity, crate::i18n::current());
        let (line, column) = self.line_column(d.file, d.span.start);
        let text = self.line_text(d.file, line);
        let total = text.chars().count();
        let from = column.saturating_sub(1).saturating_sub(EXCERPT_CONTEXT);
        let to = (column - 1 + EXCERPT_CONTEXT).min(total);
        let excerpt: String = text.chars().skip(from).take(to - from).collect();
        let (pre, post) = (if from > 0 { "…" } else { "" }, if to < total { "…" } else { "" });
        let span = clamp_span(self.text(d.file), &d.span);
        let width = self.text(d.file)[span]
            .chars()
            .count()
            .clamp(1, to.saturating_sub(column - 1).max(1));
        let gutter = " ".repeat(line.to_string().len());
        let caret_at = column - 1 - from + pre.chars().count();
        let mut out = format!(
            "{kind}: {}\n{gutter} ┌─ {}:{line}:{column}\n{gutter} │\n",
            d.message,
            self.name(d.file)
        );
        out += &format!("{line} │ {pre}{excerpt}{post}\n");
        out += &format!("{gutter} │ {}{} {}\n", " ".repeat(caret_at), "^".repeat(width), d.label);
        let shown = t!("diag-long-line", line = line, total = total, from = from + 1, to = to);
        out += &format!("{gutter} │ ({shown})\n");
        for n in &d.notes {
            let (l, c) = self.line_column(n.file, n.span.start);
            out += &format!(
                "{gutter} = {}: {}:{l}:{c}: {}\n",
                t!("diag-note"),
                self.name(n.file),
                n.label
            );
        }
        if let Some(hint) = &d.hint {
            out += &format!("{gutter} = {}: {hint}\n", t!("diag-help"));
        }
        out + "\n"
    }

    /// Writes diagnostics to stderr, in colour when stderr is a terminal: the errors first
    /// (what stops the files from being used), then the warnings, each in file order.
    pub fn emit_all(&self, diagnostics: &[Diagnostic]) {
        use std::io::Write;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let errors = diagnostics.iter().filter(|d| d.is_error());
        let warnings = diagnostics.iter().filter(|d| !d.is_error());
        let mut err = std::io::stderr().lock();
        for d in errors.chain(warnings) {
            let _ = write!(err, "{}", self.render(d, color));
        }
    }
}

impl std::fmt::Debug for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.paths.iter()).finish()
    }
}

/// Lines longer than this are quoted as a window around the problem.
const MAX_QUOTED_LINE: usize = 240;
/// Characters shown on each side of the problem in such a window.
const EXCERPT_CONTEXT: usize = 60;

fn render_config() -> term::Config {
    term::Config::default()
}

/// A span made safe to slice: inside the text and on character boundaries (a span computed
/// from a damaged file must never crash the report about it).
fn clamp_span(text: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    start..end
}

impl Sources {
    fn to_codespan(&self, d: &Diagnostic) -> cs::Diagnostic<FileId> {
        to_codespan(d, |file, span| clamp_span(self.text(file), span))
    }
}

fn to_codespan(d: &Diagnostic, clamp: impl Fn(FileId, &Range<usize>) -> Range<usize>) -> cs::Diagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
    };
    let mut labels = vec![cs::Label::primary(d.file, clamp(d.file, &d.span)).with_message(&d.label)];
    for n in &d.notes {
        labels.push(cs::Label::secondary(n.file, clamp(n.file, &n.span)).with_message(&n.label));
    }
    let mut out = cs::Diagnostic::new(severity)
        .with_message(&d.message)
        .with_labels(labels);
    if let Some(hint) = &d.hint {
        out = out.with_notes(vec![format!("{}: {hint}", t!("diag-help"))]);
    }
    out
}

/// `error` / `warning` in `lang`: the word that opens a diagnostic.
fn severity_word(severity: Severity, lang: crate::i18n::Lang) -> String {
    let id = match severity {
        Severity::Error => "diag-error",
        Severity::Warning => "diag-warning",
    };
    crate::i18n::text(lang, id, &[])
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let mut s = Sources::new();
        let f = s.add(Path::new("a.toml"), "a.toml".into(), "tên = 1\nđài = \"x\"\n".into());
        let off = "tên = 1\nđài = ".len();
        assert_eq!(s.line_column(f, off), (2, 7));
        assert_eq!(s.line_text(f, 2), "đài = \"x\"");
    }

    #[test]
    fn a_very_long_line_is_quoted_as_a_window_around_the_problem() {
        let mut s = Sources::new();
        let long = format!("a = [{}x{}]\n", "1, ".repeat(20_000), ", 2".repeat(20_000));
        let f = s.add(Path::new("x.toml"), "schedules/x.toml".into(), long.clone());
        let at = long.find('x').unwrap();
        let d = Diagnostic::error(f, at..at + 1, "bad value")
            .with_label("here")
            .with_hint("fix it");
        let text = s.render(&d, false);
        assert!(text.len() < 1000, "{} bytes", text.len());
        assert!(text.contains(&format!("schedules/x.toml:1:{}", at + 1)), "{text}");
        assert!(text.contains("…1, 1, 1") && text.contains("x, 2"), "{text}");
        let quoted = text.lines().find(|l| l.starts_with("1 │")).unwrap();
        let caret = text.lines().find(|l| l.contains("^ here")).unwrap();
        assert_eq!(
            quoted.chars().position(|c| c == 'x'),
            caret.chars().position(|c| c == '^'),
            "{text}"
        );
        assert!(text.contains("= help: fix it"));
    }

    #[test]
    fn render_quotes_the_line_and_hint() {
        let mut s = Sources::new();
        let f = s.add(
            Path::new("x.toml"),
            "schedules/x.toml".into(),
            "a = 1\nchanels = []\n".into(),
        );
        let d = Diagnostic::error(f, 6..13, "unknown key `chanels`")
            .with_label("not a broadcast key")
            .with_hint("did you mean `channels`?");
        let text = s.render(&d, false);
        assert!(text.contains("schedules/x.toml:2:1"), "{text}");
        assert!(text.contains("chanels = []"), "{text}");
        assert!(text.contains("help: did you mean `channels`?"), "{text}");
    }
}
