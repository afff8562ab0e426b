//! The loudspeaker line's waiting list: who goes next when programmes collide.
//!
//! Pure rules, tested without a sound card: never two programmes at once; among those due,
//! emergency before priority before normal, then the earlier scheduled time; an emergency
//! interrupts anything but another emergency. An occurrence key is accepted once, so a
//! programme submitted twice (a reload, a restart) still airs once.

use chrono::{DateTime, Utc};

use super::programme::Programme;
use crate::domain::broadcast::Priority;
use crate::seen::Seen;

#[derive(Default)]
pub struct Queue {
    waiting: Vec<Programme>,
    /// Accepted occurrences, forgotten once they cannot come back.
    seen: Seen,
    /// The newest instant up to which `seen` was last swept.
    swept_to: Option<DateTime<Utc>>,
}

/// How long an accepted key is remembered: as long as the scheduler remembers what it handed
/// over (two days and the largest grace), which covers its look-back and a clock stepped back.
const REMEMBER: chrono::Duration = chrono::Duration::hours(49);

impl Queue {
    /// Adds a programme; false if its key was already accepted.
    pub fn push(&mut self, p: Programme) -> bool {
        if !self.seen.insert(&p.broadcast_id, None, second(p.scheduled_at)) {
            return false;
        }
        // At most an hourly sweep (by scheduled time), so memory follows the last two days.
        if self
            .swept_to
            .is_none_or(|t| p.scheduled_at - t > chrono::Duration::hours(1))
        {
            self.seen.forget_before(p.scheduled_at - REMEMBER);
            self.swept_to = Some(p.scheduled_at);
        }
        self.waiting.push(p);
        true
    }

    /// Whether this programme's occurrence was accepted already (and is still remembered).
    pub fn knows(&self, p: &Programme) -> bool {
        self.seen.contains(&p.broadcast_id, None, second(p.scheduled_at))
    }

    /// Puts back an interrupted programme to be replayed.
    pub fn requeue(&mut self, p: Programme) {
        self.waiting.push(p);
    }

    /// The programme that should take the line now, if any is due.
    pub fn next_due(&self, now: DateTime<Utc>) -> Option<&Programme> {
        self.waiting
            .iter()
            .filter(|p| p.scheduled_at <= now)
            .max_by(|a, b| rank(a).cmp(&rank(b)))
    }

    /// The earliest scheduled instant still waiting.
    pub fn earliest(&self) -> Option<DateTime<Utc>> {
        self.waiting.iter().map(|p| p.scheduled_at).min()
    }

    /// Programmes scheduled at or before `t`.
    pub fn due_by(&self, t: DateTime<Utc>) -> impl Iterator<Item = &Programme> {
        self.waiting.iter().filter(move |p| p.scheduled_at <= t)
    }

    /// The same, in the order they would take the line.
    pub fn ranked_due_by(&self, t: DateTime<Utc>) -> Vec<&Programme> {
        let mut v: Vec<&Programme> = self.due_by(t).collect();
        v.sort_by(|a, b| rank(b).cmp(&rank(a)));
        v
    }

    pub fn take(&mut self, key: &str) -> Option<Programme> {
        let i = self.waiting.iter().position(|p| p.key == key)?;
        Some(self.waiting.remove(i))
    }

    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// Every waiting programme, in the order the line will take them once due: by instant,
    /// then rank.
    pub fn lineup(&self) -> Vec<&Programme> {
        let mut all: Vec<&Programme> = self.waiting.iter().collect();
        all.sort_by(|a, b| a.scheduled_at.cmp(&b.scheduled_at).then_with(|| rank(b).cmp(&rank(a))));
        all
    }

    pub fn keys(&self) -> Vec<String> {
        self.waiting.iter().map(|p| p.key.clone()).collect()
    }
}

/// The second an occurrence key names: an operator's `now` starts at once, mid-second, and a
/// second `now` of the same broadcast in that second is the same occurrence.
fn second(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(0)
}

/// Higher ranks go first: priority, then the earlier scheduled time, then the key.
fn rank(p: &Programme) -> (Priority, std::cmp::Reverse<DateTime<Utc>>, std::cmp::Reverse<&str>) {
    (
        p.priority,
        std::cmp::Reverse(p.scheduled_at),
        std::cmp::Reverse(p.key.as_str()),
    )
}

/// Whether an arriving programme cuts into the one on air.
pub fn interrupts(on_air: Priority, arriving: Priority) -> bool {
    arriving == Priority::Emergency && on_air != Priority::Emergency
}

/// The same for a relay on air: a relayed programme is the higher station's, running for a long
/// window, so a priority bulletin of the commune does not wait for its end either; it cuts in,
/// and the relay resumes after it, live (what was missed is not replayed).
pub fn interrupts_relay(on_air: Priority, arriving: Priority) -> bool {
    arriving >= Priority::Priority && arriving > on_air
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn prog(key: &str, priority: Priority, minute: u32) -> Programme {
        Programme {
            key: key.into(),
            broadcast_id: key.into(),
            title: key.into(),
            priority,
            scheduled_at: Utc.with_ymd_and_hms(2024, 5, 1, 6, minute, 0).unwrap(),
            segments: vec![],
            volume: 1.0,
            campaign: None,
            record: serde_json::Value::Null,
            root: None,
        }
    }

    #[test]
    fn priority_then_time_among_the_due() {
        let mut q = Queue::default();
        q.push(prog("n1", Priority::Normal, 0));
        q.push(prog("n0", Priority::Normal, 1));
        q.push(prog("p", Priority::Priority, 5));
        q.push(prog("later", Priority::Emergency, 30));
        let at = |m| Utc.with_ymd_and_hms(2024, 5, 1, 6, m, 0).unwrap();
        assert_eq!(
            q.next_due(at(2)).unwrap().key,
            "n1",
            "earlier normal first when only normals are due"
        );
        assert_eq!(
            q.next_due(at(10)).unwrap().key,
            "p",
            "priority overtakes waiting normals"
        );
        q.take("p");
        assert_eq!(q.next_due(at(10)).unwrap().key, "n1");
        assert!(q.next_due(Utc.with_ymd_and_hms(2024, 5, 1, 5, 0, 0).unwrap()).is_none());
        assert_eq!(q.next_due(at(31)).unwrap().key, "later");
    }

    #[test]
    fn a_key_is_accepted_once() {
        let mut q = Queue::default();
        assert!(q.push(prog("a", Priority::Normal, 0)));
        assert!(!q.push(prog("a", Priority::Normal, 0)));
        assert_eq!(q.len(), 1);
    }

    #[test]
    fn an_operators_second_now_in_the_same_second_is_the_same_occurrence() {
        let mut q = Queue::default();
        let mut first = prog("a", Priority::Normal, 0);
        first.scheduled_at += chrono::Duration::milliseconds(120);
        let mut again = first.clone();
        again.scheduled_at += chrono::Duration::milliseconds(700);
        assert!(!q.knows(&again));
        assert!(q.push(first));
        assert!(q.knows(&again));
        assert!(!q.push(again.clone()));
        again.scheduled_at += chrono::Duration::milliseconds(300);
        assert!(!q.knows(&again), "the next second is another occurrence");
    }

    #[test]
    fn only_emergencies_interrupt_and_never_each_other() {
        assert!(interrupts(Priority::Normal, Priority::Emergency));
        assert!(interrupts(Priority::Priority, Priority::Emergency));
        assert!(!interrupts(Priority::Emergency, Priority::Emergency));
        assert!(!interrupts(Priority::Normal, Priority::Priority));
    }

    #[test]
    fn priority_bulletins_also_cut_into_a_relay() {
        assert!(interrupts_relay(Priority::Normal, Priority::Priority));
        assert!(interrupts_relay(Priority::Normal, Priority::Emergency));
        assert!(interrupts_relay(Priority::Priority, Priority::Emergency));
        assert!(!interrupts_relay(Priority::Normal, Priority::Normal));
        assert!(!interrupts_relay(Priority::Priority, Priority::Priority));
        assert!(!interrupts_relay(Priority::Emergency, Priority::Emergency));
    }
}
