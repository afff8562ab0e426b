//! One stop for the daemon's parts, taken in stages.
//!
//! A single broadcast would stop everything at once, and the order of a stop is what loses
//! nothing: the centre lets go first, a live on air ends with its closing chime, the scheduler
//! stops queueing, and the channel workers stop last, so that what the line did is posted and
//! recorded. So each part listens for its own [`Stage`], and the daemon reaches the stages one
//! by one, waiting where it must for a stage's listeners to finish ([`Shutdown::drained`]).
//!
//! A stage once reached stays reached: a part that starts listening late, or is busy when the
//! stop comes, still sees it (a `Notify` permit could be taken by the wrong waiter, or missed).

use tokio::sync::watch;

/// The stages of a stop, in the order the daemon reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// The province's feed and the box's shipper to the centre.
    Centre,
    /// Live programmes on air: each ends at once, its end recorded.
    Lives,
    /// The scheduler's walk along the plan.
    Scheduler,
    /// The web channels' workers: last, once the line has nothing more to tell them.
    Channels,
}

const STAGES: [Stage; 4] = [Stage::Centre, Stage::Lives, Stage::Scheduler, Stage::Channels];

/// The daemon's stop, cloned into whatever hands out listeners.
#[derive(Clone, Debug)]
pub struct Shutdown {
    stages: std::sync::Arc<[watch::Sender<bool>; 4]>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    pub fn new() -> Shutdown {
        Shutdown {
            stages: std::sync::Arc::new(STAGES.map(|_| watch::Sender::new(false))),
        }
    }

    fn sender(&self, stage: Stage) -> &watch::Sender<bool> {
        &self.stages[stage as usize]
    }

    /// A listener for one stage. While it lives, [`Shutdown::drained`] waits for it.
    pub fn listen(&self, stage: Stage) -> Listener {
        Listener {
            stopped: self.sender(stage).subscribe(),
        }
    }

    /// Reaches `stage`, and every stage before it that was not reached yet.
    pub fn reach(&self, stage: Stage) {
        for s in STAGES.iter().filter(|s| **s <= stage) {
            self.sender(*s).send_replace(true);
        }
    }

    /// Whether `stage` has been reached.
    pub fn reached(&self, stage: Stage) -> bool {
        *self.sender(stage).borrow()
    }

    /// Waits until every listener of `stage` has been dropped: the parts that listen for it
    /// have finished what they do on the way out.
    pub async fn drained(&self, stage: Stage) {
        self.sender(stage).closed().await;
    }
}

/// One part's ear for its stage of the stop.
#[derive(Debug)]
pub struct Listener {
    stopped: watch::Receiver<bool>,
}

impl Listener {
    /// Resolves once the stage is reached, at once if it already is. Safe to use in a
    /// `select!` loop: a call that is dropped loses nothing.
    pub async fn stopped(&mut self) {
        // An error means the daemon's Shutdown is gone: stopping is all that is left to do.
        let _ = self.stopped.wait_for(|s| *s).await;
    }

    pub fn is_stopped(&self) -> bool {
        *self.stopped.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_listener_hears_its_stage_and_every_later_one_but_not_an_earlier_one() {
        let shutdown = Shutdown::new();
        let mut centre = shutdown.listen(Stage::Centre);
        let channels = shutdown.listen(Stage::Channels);
        shutdown.reach(Stage::Lives);
        // Reaching Lives reaches Centre too: a stage is never skipped.
        tokio::time::timeout(Duration::from_secs(5), centre.stopped())
            .await
            .expect("the centre's stage is reached with a later one");
        assert!(!channels.is_stopped());
        assert!(shutdown.reached(Stage::Lives) && !shutdown.reached(Stage::Scheduler));
    }

    #[tokio::test]
    async fn a_listener_made_after_the_stop_still_hears_it() {
        let shutdown = Shutdown::new();
        shutdown.reach(Stage::Channels);
        let mut late = shutdown.listen(Stage::Scheduler);
        tokio::time::timeout(Duration::from_secs(5), late.stopped())
            .await
            .expect("a stage reached stays reached");
    }

    #[tokio::test]
    async fn drained_waits_for_the_stages_listeners_to_finish() {
        let shutdown = Shutdown::new();
        let mut live = shutdown.listen(Stage::Lives);
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            live.stopped().await;
            // What a live does on its way out (its closing chime, its record) comes first.
            let _ = done_tx.send(());
            drop(live);
        });
        // Not drained while the live still listens.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), shutdown.drained(Stage::Lives))
                .await
                .is_err()
        );
        shutdown.reach(Stage::Lives);
        tokio::time::timeout(Duration::from_secs(5), shutdown.drained(Stage::Lives))
            .await
            .expect("drained once the listener is dropped");
        assert!(done_rx.await.is_ok());
    }
}
