//! The crate's shape, read from its sources (issue #32): imports go one way, down.
//!
//! - `src/domain/` is the floor: pure, no I/O, nothing from above.
//! - No import circle. Each file is a node, each `crate::…`, `super::…` or child-module path one
//!   file names in another an edge (a part naming the `mod.rs` that holds it is containment, and
//!   left out); a circle is a strongly connected set of more than one file. The last one (the
//!   broadcast types beside the loader that builds them) ended when the types moved to
//!   `domain/broadcast.rs`; a new one fails here with the files that tie it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's text without its unit tests (`#[cfg(test)]` to the end, as every file here lays
/// them out) and without comments: what the library itself imports.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("read source");
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The module path of a file under `src/`: `daemon/mod.rs` is `daemon`, `daemon/air.rs` is
/// `daemon::air`, `lib.rs` the crate.
fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel.trim_end_matches(".rs").split('/').map(String::from).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

/// The file a module path lands in: its longest prefix that is a file.
fn file_of(module: &[String], files: &BTreeSet<String>) -> Option<String> {
    (1..=module.len()).rev().find_map(|n| {
        let stem = module[..n].join("/");
        [format!("{stem}.rs"), format!("{stem}/mod.rs")]
            .into_iter()
            .find(|f| files.contains(f))
    })
}

/// Every path a file names: `crate::a::b` and `super::a` in code, and each branch of a `use`
/// group (`use crate::a::{b, c::d}`), as module paths from the crate's root.
fn named_paths(code: &str, me: &[String], is_mod: bool, files: &BTreeSet<String>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    // This file's own module: what `self::` and a bare child name start from.
    let own = me.to_vec();
    let mut i = 0;
    while i < bytes.len() {
        let rest: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
        let word_start = i == 0 || !(bytes[i - 1].is_alphanumeric() || bytes[i - 1] == '_' || bytes[i - 1] == ':');
        let base = if word_start && rest.starts_with("crate::") {
            i += 7;
            Some(Vec::new())
        } else if word_start && rest.starts_with("super::") {
            i += 7;
            let mut parent = me.to_vec();
            if !is_mod {
                parent.pop();
            }
            // `super::super::…`
            let mut p = parent;
            loop {
                let more: String = bytes[i..bytes.len().min(i + 7)].iter().collect();
                if more.starts_with("super::") {
                    p.pop();
                    i += 7;
                } else {
                    break;
                }
            }
            Some(p)
        } else if word_start && rest.starts_with("self::") {
            i += 6;
            Some(own.clone())
        } else if word_start && rest.starts_with("use ") {
            // `use child::…`: a submodule of this file, named without `self::`.
            let mut j = i + 4;
            while j < bytes.len() && bytes[j].is_whitespace() {
                j += 1;
            }
            let word: String = bytes[j..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            if matches!(word.as_str(), "crate" | "super" | "self" | "std" | "core" | "alloc") {
                None
            } else {
                i = j;
                Some(own.clone())
            }
        } else if word_start && bytes[i].is_alphabetic() {
            // `child::f()`: a submodule of this file, named inline.
            let word: String = bytes[i..]
                .iter()
                .take_while(|c| c.is_alphanumeric() || **c == '_')
                .collect();
            let after = i + word.chars().count();
            let mut child = own.clone();
            child.push(word.clone());
            let is_child = bytes.get(after) == Some(&':')
                && file_of(&child, files).is_some_and(|f| Some(&f) != file_of(&own, files).as_ref());
            is_child.then(|| own.clone())
        } else {
            None
        };
        match base {
            Some(base) => {
                let (paths, next) = tree(&bytes, i, base);
                out.extend(paths);
                i = next;
            }
            None => i += 1,
        }
    }
    out
}

/// Reads `a::b::{c, d::e}` at `i`, after a prefix `base`: every full path, and where it ended.
fn tree(s: &[char], mut i: usize, base: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = base;
    loop {
        let start = i;
        while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
            i += 1;
        }
        if i > start {
            path.push(s[start..i].iter().collect());
        }
        // `a::{…}`, or a group right after the prefix (`crate::{…}`, `super::{…}`).
        let group = if i + 2 < s.len() && s[i] == ':' && s[i + 1] == ':' && s[i + 2] == '{' {
            Some(3)
        } else if i == start && i < s.len() && s[i] == '{' {
            Some(1)
        } else {
            None
        };
        if let Some(skip) = group {
            i += skip;
            let mut all = Vec::new();
            loop {
                while i < s.len() && (s[i].is_whitespace() || s[i] == ',') {
                    i += 1;
                }
                if i >= s.len() || s[i] == '}' {
                    return (all, i + 1);
                }
                let (paths, next) = tree(s, i, path.clone());
                all.extend(paths);
                i = next;
                while i < s.len() && s[i] != ',' && s[i] != '}' {
                    i += 1;
                }
            }
        }
        if i + 1 < s.len() && s[i] == ':' && s[i + 1] == ':' {
            i += 2;
            continue;
        }
        return (vec![path], i);
    }
}

/// File → the files it imports.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut paths = Vec::new();
    rust_files(&root, &mut paths);
    let rel = |p: &Path| {
        p.strip_prefix(&root)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/")
    };
    let files: BTreeSet<String> = paths.iter().map(|p| rel(p)).collect();
    let mut edges = BTreeMap::new();
    for p in &paths {
        let me = rel(p);
        let module = module_of(&me);
        let is_mod = me.ends_with("mod.rs") || me == "lib.rs" || me == "main.rs";
        // A part naming the module that holds it (`super::Thing` in `relay/native.rs`) is
        // containment, not a tie between equals: the parent's own imports are what count.
        let parent = match me.rsplit_once('/') {
            Some((dir, _)) if !is_mod => format!("{dir}/mod.rs"),
            _ => String::new(),
        };
        let mut to = BTreeSet::new();
        for path in named_paths(&code(p), &module, is_mod, &files) {
            if let Some(f) = file_of(&path, &files)
                && f != me
                && f != "lib.rs"
                && f != parent
            {
                to.insert(f);
            }
        }
        edges.insert(me, to);
    }
    edges
}

/// Strongly connected sets of more than one file (Tarjan).
fn circles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).expect("visited");
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut set = BTreeSet::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                set.insert(w.to_string());
                if w == v {
                    break;
                }
            }
            if set.len() > 1 {
                t.out.push(set);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_import_circle() {
    let g = graph();
    let found: Vec<String> = circles(&g)
        .iter()
        .map(|circle| {
            let ties: Vec<String> = circle
                .iter()
                .flat_map(|f| {
                    g[f].iter()
                        .filter(|t| circle.contains(*t))
                        .map(move |t| format!("  {f} -> {t}"))
                })
                .collect();
            format!("a circle of {} files, tied by:\n{}", circle.len(), ties.join("\n"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "{}\nMove what both sides need down a floor (see docs/architecture.md).",
        found.join("\n")
    );
}

/// The top-level modules (`daemon`, `playout`, `config`, …) stand on floors too: no two of them
/// import each other, even through different files. A file-level check alone lets
/// `daemon/mod.rs` import `cmd/mod.rs` while `cmd/run.rs` imports `daemon/mod.rs`; that is the
/// arrow running back up that this one catches.
#[test]
fn no_import_circle_between_top_level_modules() {
    let top = |f: &str| f.split('/').next().unwrap_or(f).trim_end_matches(".rs").to_string();
    let mut rooms: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in graph() {
        let entry = rooms.entry(top(&from)).or_default();
        entry.extend(to.iter().map(|t| top(t)).filter(|t| *t != top(&from)));
    }
    for to in rooms.clone().into_values().flatten() {
        rooms.entry(to).or_default();
    }
    let found: Vec<String> = circles(&rooms)
        .iter()
        .map(|circle| {
            let ties: Vec<String> = circle
                .iter()
                .flat_map(|m| {
                    rooms[m]
                        .iter()
                        .filter(|t| circle.contains(*t))
                        .map(move |t| format!("  {m} -> {t}"))
                })
                .collect();
            format!("modules {circle:?} import each other:\n{}", ties.join("\n"))
        })
        .collect();
    assert!(
        found.is_empty(),
        "{}\nThe lower one must not name the higher (see docs/architecture.md).",
        found.join("\n")
    );
}

/// The longest a function of `src/` may be. A function longer than a screen or three does
/// several things; its steps want names (issue #32 brought the five longest down from 152–283).
const MAX_FUNCTION_LINES: usize = 150;

/// Each `fn` of the library (unit tests aside) with its length in lines, from its signature to
/// the closing brace at its own indentation.
fn function_lengths(code: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let Some(at) = trimmed.find("fn ") else { continue };
        let head = &trimmed[..at];
        let qualifiers = head
            .split_whitespace()
            .all(|w| w.starts_with("pub") || matches!(w, "async" | "const" | "unsafe"));
        if !qualifiers || !trimmed[at + 3..].starts_with(|c: char| c.is_alphabetic() || c == '_') {
            continue;
        }
        let name: String = trimmed[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // A declaration without a body (a trait's) ends at its `;` before any `{`.
        let body = lines[i..]
            .iter()
            .position(|l| l.trim_end().ends_with('{') || l.trim_end().ends_with(';'));
        if body.is_none_or(|b| lines[i + b].trim_end().ends_with(';')) {
            continue;
        }
        let close = format!("{}}}", " ".repeat(indent));
        if let Some(end) = lines[i + 1..].iter().position(|l| l.trim_end() == close) {
            out.push((name, i + 1, end + 2));
        }
    }
    out
}

#[test]
fn no_function_is_longer_than_150_lines() {
    let root = src();
    let mut paths = Vec::new();
    rust_files(&root, &mut paths);
    let mut long = Vec::new();
    for p in &paths {
        for (name, line, n) in function_lengths(&code(p)) {
            if n > MAX_FUNCTION_LINES {
                long.push(format!(
                    "  {}:{line} {name}: {n} lines",
                    p.strip_prefix(&root).unwrap_or(p).display()
                ));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions longer than {MAX_FUNCTION_LINES} lines; give their steps names:\n{}",
        long.join("\n")
    );
}

/// The length reader sees a function's whole body, and skips bodiless declarations.
#[test]
fn the_length_reader_counts_a_body() {
    let code = "trait T {\n    fn decl(&self);\n}\n\npub(crate) async fn f() {\n    if x {\n    }\n}\n";
    assert_eq!(function_lengths(code), vec![("f".to_string(), 5, 4)]);
}

/// The check itself sees a circle: two files that name each other are one.
#[test]
fn the_reader_sees_a_circle() {
    let mut g = BTreeMap::new();
    g.insert("a.rs".to_string(), BTreeSet::from(["b.rs".to_string()]));
    g.insert("b.rs".to_string(), BTreeSet::from(["a.rs".to_string()]));
    g.insert("c.rs".to_string(), BTreeSet::from(["a.rs".to_string()]));
    assert_eq!(
        circles(&g),
        vec![BTreeSet::from(["a.rs".to_string(), "b.rs".to_string()])]
    );
    let files = BTreeSet::from(["x/mod.rs".to_string(), "x/y.rs".to_string()]);
    let module = module_of("x/y.rs");
    let paths = named_paths(
        "use super::{Z, y2::W};\nlet a = crate::x::y::f();",
        &module,
        false,
        &files,
    );
    let landed: Vec<_> = paths.iter().filter_map(|p| file_of(p, &files)).collect();
    assert_eq!(landed, vec!["x/mod.rs", "x/mod.rs", "x/y.rs"]);
}

/// The floor does no I/O and imports nothing from above it.
#[test]
fn the_domain_floor_is_pure() {
    let mut paths = Vec::new();
    rust_files(&src().join("domain"), &mut paths);
    assert!(!paths.is_empty());
    const FORBIDDEN: &[&str] = &[
        "std::fs",
        "std::net",
        "std::process",
        "tokio",
        "reqwest",
        "rusqlite",
        "crate::config",
        "crate::daemon",
        "crate::playout",
        "crate::history",
    ];
    for p in paths {
        let code = code(&p);
        for f in FORBIDDEN {
            assert!(
                !code.contains(f),
                "{} names {f}: src/domain/ is the pure floor",
                p.display()
            );
        }
    }
}
