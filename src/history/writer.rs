//! The history writer: one OS thread owns the database connection; async code sends it events.
//!
//! SQLite calls block, and a durable commit (`synchronous = FULL`) waits for the disk, so they
//! never run on the tokio runtime. [`History::record`] returns once the event is on disk, which
//! makes "write the intent, then act" a single `.await` before the action.
//!
//! When the disk is full or failing, the writer keeps events in memory in order, answers
//! [`Receipt::Pending`] so broadcasting goes on, retries with backoff, and once the disk
//! recovers writes the backlog followed by a `history_recovered` event saying what happened.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Tz;
use serde_json::json;
use tokio::sync::oneshot;

use super::event::{Event, Kind, utc_text};
use super::store::{Head, Store, StoreError};

/// What happened to a recorded event.
#[must_use = "act only once the intent is recorded: check the receipt"]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Receipt {
    /// On disk, durably, with its place in the chain.
    Written(Head),
    /// Kept in memory because the disk failed; it will be written, in order, when it recovers.
    Pending { backlog: usize, error: String },
}

impl Receipt {
    pub fn is_written(&self) -> bool {
        matches!(self, Receipt::Written(_))
    }
}

enum Command {
    Record(Event, oneshot::Sender<Receipt>),
    Backlog(oneshot::Sender<usize>),
    LimitPages(u32, oneshot::Sender<()>),
    Close(oneshot::Sender<usize>),
}

/// A cloneable handle to the writer thread.
#[derive(Clone)]
pub struct History {
    tx: mpsc::Sender<Command>,
    outage: Arc<Mutex<Option<Outage>>>,
}

/// The disk refuses the history: since when, why, and how many events wait in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outage {
    pub since: chrono::DateTime<Utc>,
    pub error: String,
    pub waiting: usize,
}

const RETRY_MIN: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(30);

impl History {
    /// Opens the history and starts its writer thread.
    pub fn start(path: &Path, tz: Tz) -> Result<History, StoreError> {
        let store = Store::open(path, tz)?;
        let (tx, rx) = mpsc::channel();
        let outage = Arc::new(Mutex::new(None));
        let shown = outage.clone();
        std::thread::Builder::new()
            .name("loaxa-history".into())
            .spawn(move || Writer::new(store, shown).run(rx))
            .map_err(|e| StoreError::Folder {
                path: path.to_path_buf(),
                source: e,
            })?;
        Ok(History { tx, outage })
    }

    /// The current outage, if the disk is refusing the history (for status and the dashboard).
    pub fn outage(&self) -> Option<Outage> {
        self.outage.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records an event and waits until it is on disk (or parked in the backlog).
    pub async fn record(&self, event: Event) -> Receipt {
        let (tx, rx) = oneshot::channel();
        let kind = event.kind;
        if self.tx.send(Command::Record(event, tx)).is_err() {
            return writer_gone(kind);
        }
        rx.await.unwrap_or_else(|_| writer_gone(kind))
    }

    /// The same, for code outside the async runtime.
    pub fn record_blocking(&self, event: Event) -> Receipt {
        let (tx, rx) = oneshot::channel();
        let kind = event.kind;
        if self.tx.send(Command::Record(event, tx)).is_err() {
            return writer_gone(kind);
        }
        rx.blocking_recv().unwrap_or_else(|_| writer_gone(kind))
    }

    /// How many events wait in memory for the disk.
    pub async fn backlog(&self) -> usize {
        let (tx, rx) = oneshot::channel();
        let _ = self.tx.send(Command::Backlog(tx));
        rx.await.unwrap_or(0)
    }

    /// Makes SQLite report a full disk past this many pages (tests of the disk-full path).
    #[doc(hidden)]
    pub async fn limit_pages(&self, pages: u32) {
        let (tx, rx) = oneshot::channel();
        let _ = self.tx.send(Command::LimitPages(pages, tx));
        let _ = rx.await;
    }

    /// Flushes what it can and stops the writer. Returns the events still unwritten (0 normally).
    pub async fn close(self) -> usize {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Command::Close(tx)).is_err() {
            return 0;
        }
        rx.await.unwrap_or(0)
    }
}

fn writer_gone(kind: Kind) -> Receipt {
    tracing::error!(kind = kind.as_str(), "history writer has stopped; event not recorded");
    Receipt::Pending {
        backlog: usize::MAX,
        error: "the history writer has stopped".into(),
    }
}

struct Writer {
    store: Store,
    shown: Arc<Mutex<Option<Outage>>>,
    backlog: VecDeque<(Event, Option<oneshot::Sender<Receipt>>)>,
    /// When the current outage began and its first error.
    outage: Option<(chrono::DateTime<Utc>, String, usize)>,
    retry_in: Duration,
    next_retry: Option<Instant>,
}

impl Writer {
    fn new(store: Store, shown: Arc<Mutex<Option<Outage>>>) -> Writer {
        Writer {
            store,
            shown,
            backlog: VecDeque::new(),
            outage: None,
            retry_in: RETRY_MIN,
            next_retry: None,
        }
    }

    fn run(mut self, rx: mpsc::Receiver<Command>) {
        loop {
            let cmd = match self.next_retry {
                None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
            };
            match cmd {
                Ok(Command::Record(event, reply)) => {
                    self.backlog.push_back((event, Some(reply)));
                    // Take whatever else is already queued so it commits in the same transaction.
                    while let Ok(next) = rx.try_recv() {
                        if self.handle_other(next) {
                            return;
                        }
                    }
                    if self.next_retry.is_none() {
                        self.flush();
                    } else {
                        self.answer_pending();
                    }
                }
                Ok(other) => {
                    if self.handle_other(other) {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => self.flush(),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.flush();
                    if !self.backlog.is_empty() {
                        tracing::error!(unwritten = self.backlog.len(), "history closed with events unwritten");
                    }
                    return;
                }
            }
        }
    }

    /// Handles a non-record command; true means stop.
    fn handle_other(&mut self, cmd: Command) -> bool {
        match cmd {
            Command::Record(e, r) => self.backlog.push_back((e, Some(r))),
            Command::Backlog(reply) => {
                let _ = reply.send(self.backlog.len());
            }
            Command::LimitPages(pages, reply) => {
                if let Err(e) = self.store.limit_pages(pages) {
                    tracing::warn!(error = %e, "cannot limit history size");
                }
                let _ = reply.send(());
            }
            Command::Close(reply) => {
                self.flush();
                let _ = reply.send(self.backlog.len());
                return true;
            }
        }
        false
    }

    /// Tries to write the whole backlog in one transaction.
    fn flush(&mut self) {
        if self.backlog.is_empty() {
            self.next_retry = None;
            return;
        }
        let mut events: Vec<Event> = self.backlog.iter().map(|(e, _)| e.clone()).collect();
        if let Some((since, first_error, _)) = &self.outage {
            events.push(Event::new(
                Kind::HistoryRecovered,
                json!({
                    "events": self.backlog.len(),
                    "since": utc_text(*since),
                    "error": first_error,
                }),
            ));
        }
        match self.store.append(&events) {
            Ok(heads) => {
                if let Some((since, _, _)) = self.outage.take() {
                    tracing::info!(events = self.backlog.len(), since = %since, "history backlog written");
                }
                for ((_, reply), head) in self.backlog.drain(..).zip(heads) {
                    if let Some(reply) = reply {
                        let _ = reply.send(Receipt::Written(head));
                    }
                }
                self.retry_in = RETRY_MIN;
                self.next_retry = None;
                *self.shown.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            Err(e) => {
                let error = e.to_string();
                match &mut self.outage {
                    None => {
                        tracing::error!(error = %error, backlog = self.backlog.len(), "cannot write the history; keeping events in memory and retrying");
                        self.outage = Some((Utc::now(), error.clone(), 0));
                    }
                    Some((_, _, tries)) => {
                        *tries += 1;
                        tracing::warn!(error = %error, backlog = self.backlog.len(), "history still cannot be written");
                    }
                }
                if let Some((since, first, _)) = &self.outage {
                    *self.shown.lock().unwrap_or_else(|p| p.into_inner()) = Some(Outage {
                        since: *since,
                        error: first.clone(),
                        waiting: self.backlog.len(),
                    });
                }
                self.answer_pending();
                self.next_retry = Some(Instant::now() + self.retry_in);
                self.retry_in = (self.retry_in * 2).min(RETRY_MAX);
            }
        }
    }

    /// Tells waiting callers their events are parked, so they can carry on.
    fn answer_pending(&mut self) {
        let backlog = self.backlog.len();
        let error = self.outage.as_ref().map(|o| o.1.clone()).unwrap_or_default();
        for (_, reply) in self.backlog.iter_mut() {
            if let Some(r) = reply.take() {
                let _ = r.send(Receipt::Pending {
                    backlog,
                    error: error.clone(),
                });
            }
        }
    }
}
