//! The agenda: each broadcast's next occurrence in a priority queue, so that planning the next
//! few seconds touches only the broadcasts due in them.
//!
//! The scheduler plans a window of a few seconds every second. Planning it from scratch walks
//! every broadcast's rule, so a province-wide or multi-year set of 100,000 broadcasts cost a
//! share of a core while nothing aired (issue #19). The agenda keeps, for every broadcast, its
//! next instant at or after the planned frontier in a min-heap; moving the frontier pops only
//! what falls due. It answers exactly what [`plan::occurrences`] answers for the same window
//! (a property test checks it), for windows that start no earlier than the oldest one it still
//! remembers; the scheduler builds a new agenda for anything else (a clock step back). A reload
//! carries the agenda over: only the broadcasts whose timing changed are planned again.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::ops::Range;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use crate::domain::broadcast::Broadcast;
use crate::domain::plan::{self, Occurrence};

/// How far ahead one search for a broadcast's next instant looks. A broadcast with nothing in
/// that span is looked at again when the frontier reaches its end.
const SPAN: Duration = Duration::days(8);

pub struct Agenda {
    tz: Tz,
    /// `(instant, broadcast index, is_probe)`: a broadcast's next instant at or after the
    /// frontier, or (probe) where to look again for one.
    heap: BinaryHeap<Reverse<(DateTime<Utc>, usize, bool)>>,
    /// Everything before this has been taken off the heap.
    frontier: DateTime<Utc>,
    /// Occurrences from `floor` to the frontier, by instant: windows overlap (posts fall due
    /// after they were planned), so the last few seconds are asked for again.
    recent: VecDeque<(DateTime<Utc>, usize)>,
    floor: DateTime<Utc>,
}

impl Agenda {
    /// An agenda for `broadcasts` that can answer windows starting at `from` or later.
    pub fn new(broadcasts: &[Broadcast], from: DateTime<Utc>, tz: Tz) -> Agenda {
        let mut heap = BinaryHeap::with_capacity(broadcasts.len());
        for (i, b) in broadcasts.iter().enumerate() {
            if let Some(next) = next_from(b, from, tz) {
                heap.push(Reverse(next_entry(next, i)));
            }
        }
        Agenda {
            tz,
            heap,
            frontier: from,
            recent: VecDeque::new(),
            floor: from,
        }
    }

    /// This agenda for a reloaded set: a broadcast whose timing is unchanged (the same id, rule
    /// and dates) keeps what was worked out for it, under its new place in the set; only the
    /// others are planned, from the oldest instant the agenda remembers. It then answers what a
    /// new agenda from that instant would (a property test checks it). Editing one file of a
    /// 100,000-broadcast set plans that file's broadcasts, not the other 99,900.
    pub fn carry_over(self, old: &[Broadcast], new: &[Broadcast]) -> Agenda {
        let by_id: HashMap<&str, usize> = old.iter().enumerate().map(|(j, b)| (b.id.as_str(), j)).collect();
        // Where each old broadcast is in the new set, if its timing is unchanged.
        let mut moved: Vec<Option<usize>> = vec![None; old.len()];
        let mut changed = Vec::new();
        for (i, b) in new.iter().enumerate() {
            match by_id.get(b.id.as_str()) {
                Some(&j) if moved[j].is_none() && old[j].rule == b.rule && old[j].dates == b.dates => {
                    moved[j] = Some(i)
                }
                _ => changed.push(i),
            }
        }
        let place = |j: usize| moved.get(j).copied().flatten();
        let mut heap: BinaryHeap<_> = self
            .heap
            .into_iter()
            .filter_map(|Reverse((at, j, probe))| place(j).map(|i| Reverse((at, i, probe))))
            .collect();
        let mut recent: Vec<(DateTime<Utc>, usize)> = self
            .recent
            .into_iter()
            .filter_map(|(at, j)| place(j).map(|i| (at, i)))
            .collect();
        for i in changed {
            let b = &new[i];
            // What lies between the oldest remembered instant and the frontier goes where the
            // agenda keeps what it has passed; the next instant after it into the queue.
            for o in plan::occurrences(std::slice::from_ref(b), self.floor..self.frontier, self.tz) {
                recent.push((o.at, i));
            }
            if let Some(next) = next_from(b, self.frontier, self.tz) {
                heap.push(Reverse(next_entry(next, i)));
            }
        }
        recent.sort_by_key(|(at, _)| *at);
        Agenda {
            tz: self.tz,
            heap,
            frontier: self.frontier,
            recent: recent.into(),
            floor: self.floor,
        }
    }

    /// Whether this agenda can answer a window starting at `start`.
    pub fn covers(&self, start: DateTime<Utc>) -> bool {
        start >= self.floor
    }

    /// Every occurrence in `window`, in [`plan::occurrences`]' order. The window must start
    /// no earlier than the previous one (see [`Agenda::covers`]); `broadcasts` must be the set
    /// the agenda was built for.
    pub fn window<'a>(&mut self, broadcasts: &'a [Broadcast], window: Range<DateTime<Utc>>) -> Vec<Occurrence<'a>> {
        debug_assert!(self.covers(window.start));
        if window.start >= window.end {
            return Vec::new();
        }
        while let Some(Reverse((at, i, probe))) = self.heap.peek().copied() {
            if at >= window.end {
                break;
            }
            self.heap.pop();
            let Some(b) = broadcasts.get(i) else { continue };
            if !probe {
                self.recent.push_back((at, i));
            }
            // The next one after this instant (or after the probe's point).
            // What lies before the window is not asked for: no need to walk through it.
            let after = if probe { at } else { at + Duration::seconds(1) }.max(window.start);
            if let Some(next) = next_from(b, after, self.tz) {
                self.heap.push(Reverse(next_entry(next, i)));
            }
        }
        self.frontier = self.frontier.max(window.end);
        // Forget what no later window can ask for.
        self.floor = self.floor.max(window.start);
        while self.recent.front().is_some_and(|(at, _)| *at < self.floor) {
            self.recent.pop_front();
        }
        let mut out: Vec<Occurrence<'a>> = self
            .recent
            .iter()
            .filter(|(at, _)| window.contains(at))
            .filter_map(|&(at, i)| broadcasts.get(i).map(|broadcast| Occurrence { at, broadcast }))
            .collect();
        plan::sort(&mut out);
        out
    }

    /// How many broadcasts are waiting in the queue.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

enum Next {
    At(DateTime<Utc>),
    /// Nothing before this instant; look again from it.
    LookAgain(DateTime<Utc>),
}

fn next_entry(next: Next, i: usize) -> (DateTime<Utc>, usize, bool) {
    match next {
        Next::At(t) => (t, i, false),
        Next::LookAgain(t) => (t, i, true),
    }
}

/// `b`'s first instant at or after `from`, searching [`SPAN`] ahead; `None` when it never airs
/// again.
fn next_from(b: &Broadcast, from: DateTime<Utc>, tz: Tz) -> Option<Next> {
    let end = from + SPAN;
    if let Some(t) = plan::first_in(b, from..end, tz) {
        return Some(Next::At(t));
    }
    let over = match &b.rule {
        crate::domain::broadcast::Rule::On(list) => list.iter().all(|t| crate::domain::time::to_utc(tz, *t) < end),
        _ => b
            .dates
            .until
            .and_then(|u| (u + Duration::days(1)).and_hms_opt(0, 0, 0))
            .is_some_and(|u| crate::domain::time::to_utc(tz, u) <= end),
    };
    if over { None } else { Some(Next::LookAgain(end)) }
}
