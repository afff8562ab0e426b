//! The loudspeaker line as the daemon's parts share it: the playout engine, until the stop
//! takes it.
//!
//! The scheduler, the control socket, the dashboard's panel and the province's bulletins all
//! put programmes on one line. Each holds a [`Line`]. At shutdown the daemon takes the engine
//! out, and from then on every part is told "no line" instead of handing a programme to an
//! engine that is closing.

use std::sync::{Arc, Mutex};

use crate::playout::Engine;

#[derive(Clone)]
pub struct Line(Arc<Mutex<Option<Engine>>>);

impl Line {
    pub fn new(engine: Engine) -> Line {
        Line(Arc::new(Mutex::new(Some(engine))))
    }

    /// Runs `f` on the engine on this thread; `None` once the line is taken. For callers off
    /// the runtime's threads or with nothing to wait for (`submit` only sends).
    pub fn now<T>(&self, f: impl FnOnce(&Engine) -> T) -> Option<T> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).as_ref().map(f)
    }

    /// Runs `f` on the engine off the runtime (the engine answers over a channel); `None` when
    /// the line is gone (the daemon is stopping).
    pub async fn with<T: Send + 'static>(&self, f: impl FnOnce(&Engine) -> T + Send + 'static) -> Option<T> {
        let line = self.clone();
        tokio::task::spawn_blocking(move || line.now(f)).await.ok().flatten()
    }

    /// Takes the engine to shut it down: every part sees "no line" from now on.
    pub fn take(&self) -> Option<Engine> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
