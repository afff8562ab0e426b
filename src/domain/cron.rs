//! Cron expressions as broadcasts hold them: the checked text, parsed when occurrences are
//! wanted.
//!
//! croner keeps a byte for every year up to 5000 in each parsed pattern, even with years
//! disallowed: 5 KB a pattern, 58 MB for the 11,520 distinct patterns of a 100,000-broadcast
//! set, which an idle daemon held for nothing (issue #19). A broadcast holds the text instead,
//! and parsed patterns live in one cache. A command
//! run (`check`, `plan`) parses each distinct pattern once; the daemon empties the cache once
//! its agenda is built, so it only parses again the few patterns whose broadcasts come due.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use croner::Cron;
use croner::errors::CronError;
use croner::parser::{CronParser, Seconds, Year};

/// A checked cron expression (5 fields, or 6 with seconds first; no year). Its own copy of the
/// text, so a copy of the set shares nothing with the parse (see `memory::settled`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CronExpr(Box<str>);

/// Beyond this many parsed patterns the cache starts again empty (a bound, not a working set:
/// it holds every distinct pattern of a 100,000-broadcast set).
const CACHE_LIMIT: usize = 16_384;

static PARSED: Mutex<Option<HashMap<Box<str>, Arc<Cron>>>> = Mutex::new(None);

impl CronExpr {
    /// Checks `expr` by parsing it (the parse is kept in the cache).
    pub fn new(expr: &str) -> Result<CronExpr, CronError> {
        parsed(expr)?;
        Ok(CronExpr(expr.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The parsed pattern. A checked expression parses again the same way; should it ever
    /// not, the error says why and the broadcast has no occurrences.
    pub fn pattern(&self) -> Result<Arc<Cron>, CronError> {
        parsed(&self.0)
    }
}

/// Drops every parsed pattern (the daemon, once its agenda is built).
pub fn forget_parsed() {
    *PARSED.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Runs `f`, a plan over the whole set, then forgets the patterns it parsed and hands the
/// memory back. For the daemon's pages (the dashboard, `/status`, the start-up summary): each
/// plans every broadcast, and what they parsed must not stay for the daemon's life.
pub fn planning_all<T>(f: impl FnOnce() -> T) -> T {
    let out = f();
    forget_parsed();
    crate::memory::give_back();
    out
}

fn parsed(expr: &str) -> Result<Arc<Cron>, CronError> {
    let mut guard = PARSED.lock().unwrap_or_else(|p| p.into_inner());
    let cache = guard.get_or_insert_with(HashMap::new);
    if let Some(cron) = cache.get(expr) {
        return Ok(cron.clone());
    }
    let parser = CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build();
    let cron = Arc::new(parser.parse(expr)?);
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(expr.into(), cron.clone());
    Ok(cron)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forgotten_pattern_parses_again_the_same() {
        let e = CronExpr::new("0 30 6 * * 1-5").unwrap();
        let before = e.pattern().unwrap();
        forget_parsed();
        let after = e.pattern().unwrap();
        assert!(!Arc::ptr_eq(&before, &after));
        assert_eq!(before.pattern.to_string(), after.pattern.to_string());
        assert!(CronExpr::new("61 * * * *").is_err());
    }
}
