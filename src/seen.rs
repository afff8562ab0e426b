//! Remembering, for days, which occurrences (and which of their posts) were dealt with.
//!
//! The scheduler and the playout queue must never hand over or accept one occurrence twice,
//! through reloads, restarts and clock steps back, so they remember every occurrence of the
//! last two days. With one occurrence a second that is hundreds of thousands of entries; a
//! `String` key each (`id@instant`) cost about a hundred bytes and a heap allocation. Here an
//! entry is an interned broadcast id, an interned channel and the instant: 16 bytes, exact
//! (no hashing that could make two occurrences look alike), and forgotten past a horizon.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

const NO_CHANNEL: u32 = u32::MAX;

#[derive(Default)]
pub struct Seen {
    /// Broadcast ids and channel names, numbered once (a station has a few dozen).
    names: HashMap<Box<str>, u32>,
    entries: HashSet<(u32, u32, i64)>,
}

impl Seen {
    fn number(&mut self, name: &str) -> u32 {
        if let Some(n) = self.names.get(name) {
            return *n;
        }
        let n = self.names.len() as u32;
        self.names.insert(name.into(), n);
        n
    }

    fn entry(&mut self, id: &str, channel: Option<&str>, at: DateTime<Utc>) -> (u32, u32, i64) {
        let ch = channel.map_or(NO_CHANNEL, |c| self.number(c));
        (self.number(id), ch, at.timestamp_millis())
    }

    /// True the first time.
    pub fn insert(&mut self, id: &str, channel: Option<&str>, at: DateTime<Utc>) -> bool {
        let e = self.entry(id, channel, at);
        self.entries.insert(e)
    }

    pub fn contains(&self, id: &str, channel: Option<&str>, at: DateTime<Utc>) -> bool {
        let (Some(i), c) = (self.names.get(id), channel.map(|c| self.names.get(c))) else {
            return false;
        };
        let c = match c {
            None => NO_CHANNEL,
            Some(Some(c)) => *c,
            Some(None) => return false,
        };
        self.entries.contains(&(*i, c, at.timestamp_millis()))
    }

    pub fn remove(&mut self, id: &str, channel: Option<&str>, at: DateTime<Utc>) {
        let e = self.entry(id, channel, at);
        self.entries.remove(&e);
    }

    /// Forgets everything at or before `horizon`, and gives back the memory it held.
    pub fn forget_before(&mut self, horizon: DateTime<Utc>) {
        let h = horizon.timestamp_millis();
        let before = self.entries.len();
        self.entries.retain(|(_, _, t)| *t > h);
        if self.entries.len() < before && self.entries.capacity() > 2 * self.entries.len() + 1024 {
            self.entries.shrink_to_fit();
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn entries_are_exact_and_forgotten_past_the_horizon() {
        let t = |s: i64| Utc.timestamp_opt(1_800_000_000 + s, 0).unwrap();
        let mut seen = Seen::default();
        assert!(seen.insert("a", None, t(0)));
        assert!(!seen.insert("a", None, t(0)));
        assert!(seen.insert("a", Some("facebook"), t(0)));
        assert!(seen.insert("b", None, t(0)));
        assert!(seen.insert("a", None, t(1)));
        assert!(seen.contains("a", Some("facebook"), t(0)));
        assert!(!seen.contains("a", Some("zalo"), t(0)));
        seen.remove("a", Some("facebook"), t(0));
        assert!(!seen.contains("a", Some("facebook"), t(0)));
        seen.forget_before(t(0));
        assert_eq!(seen.len(), 1);
        assert!(seen.contains("a", None, t(1)));
    }
}
