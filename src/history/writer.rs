//! The history writer: one OS thread owns the database connection; async code sends it events.
//!
//! SQLite calls block, and a durable commit (`synchronous = FULL`) waits for the disk, so they
//! never run on the tokio runtime. [`History::record`] returns once the event is on disk, which
//! makes "write the intent, then act" a single `.await` before the action.
//!
//! When the disk is full or failing, the writer keeps events in memory in order, answers
//! [`Receipt::Pending`] so broadcasting goes on, retries with backoff, and once the disk
//! recovers writes the backlog followed by a `history_recovered` event saying what happened.
//!
//! The daemon's writer ([`History::start_daemon`]) also guards the file (see [`guard`]): it
//! spills what cannot be written to a file beside the history instead of keeping it only in
//! memory, keeps the anchor and its heartbeat, notices the file being deleted or replaced and
//! the WAL being deleted, and walks the chain a slice per heartbeat.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Tz;
use serde_json::json;
use tokio::sync::oneshot;

use super::event::Event;
use super::guard::{self, Anchor};
use super::store::{self, Head, Store, StoreError};
use super::verify::Walker;
use crate::domain::event::Kind;
use crate::domain::time::utc_text;

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
    chain: Arc<Mutex<ChainState>>,
    /// Cleared when the writer thread ends, however it ends (a panic included).
    alive: Arc<AtomicBool>,
}

/// Clears the flag when the writer thread's stack unwinds or returns.
struct Alive(Arc<AtomicBool>);

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

/// The disk refuses the history: since when, why, and how many events wait in memory (and
/// of those, how many are safe in the spill file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outage {
    pub since: chrono::DateTime<Utc>,
    pub error: String,
    pub waiting: usize,
    pub spilled: usize,
}

/// The daemon's own check of its chain (see [`Walker`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainState {
    /// Events checked so far, from the first.
    pub verified_to: i64,
    /// The newest event written.
    pub head: i64,
    /// The first break found, as `loaxa verify` words it.
    pub broken: Option<String>,
    /// When a walk from the first event last reached the head.
    pub last_full_check: Option<chrono::DateTime<Utc>>,
}

/// How often the daemon's writer checks its file and chain and renews its heartbeat.
const TICK: Duration = Duration::from_secs(5);

/// How much of the chain one tick verifies: a million-event history in about eight minutes of
/// ticks, each holding the writer for a few tens of milliseconds.
const VERIFY_ROWS_PER_TICK: i64 = 10_000;

/// How often the whole chain is walked again from the first event.
const REPASS: Duration = Duration::from_secs(600);

/// How often at most a commit also renews the anchor.
const ANCHOR_EVERY: Duration = Duration::from_secs(1);

const RETRY_MIN: Duration = Duration::from_millis(200);
const RETRY_MAX: Duration = Duration::from_secs(30);

impl History {
    /// Opens the history and starts its writer thread (for commands: `loaxa post`).
    pub fn start(path: &Path, tz: Tz) -> Result<History, StoreError> {
        Self::spawn(Store::open(path, tz)?, path, None)
    }

    /// The daemon's history: as [`History::start`], and it also keeps the anchor and its
    /// heartbeat in `data`, spills what the database refuses, writes last run's spill first,
    /// watches the file's identity and verifies the chain as it goes (see [`guard`]).
    /// Whether the file on disk may be used at all is [`guard::standing`]'s question, asked
    /// before this.
    pub fn start_daemon(path: &Path, data: &Path, tz: Tz) -> Result<(History, usize), StoreError> {
        let mut store = Store::open(path, tz)?;
        let recovered = guard::write_spill(&mut store, data);
        let spill_end = guard::reserve_spill(data).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "{}", t!("log-spill-unreserved"));
            guard::spill_end(data)
        });
        // The head goes into the log too: a second copy of the anchor, outside the data folder.
        if let Ok(Some(head)) = store.head() {
            tracing::info!(head = %head, "history opened");
        }
        let g = Guard {
            data: data.to_path_buf(),
            path: path.to_path_buf(),
            identity: store::identity(path),
            lost: None,
            walker: Walker::default(),
            pass_started: Instant::now(),
            verified_to: 0,
            last_pass: None,
            reported_break: false,
            anchored: None,
            spill_end,
            next_tick: Instant::now(),
        };
        Ok((Self::spawn(store, path, Some(g))?, recovered))
    }

    fn spawn(store: Store, path: &Path, guard: Option<Guard>) -> Result<History, StoreError> {
        let (tx, rx) = mpsc::channel();
        let outage = Arc::new(Mutex::new(None));
        let chain = Arc::new(Mutex::new(ChainState::default()));
        let (shown, chain2) = (outage.clone(), chain.clone());
        let alive = Arc::new(AtomicBool::new(true));
        let flag = Alive(alive.clone());
        std::thread::Builder::new()
            .name("loaxa-history".into())
            .spawn(move || {
                let _flag = flag;
                Writer::new(store, shown, chain2, guard).run(rx)
            })
            .map_err(|e| StoreError::Folder {
                path: path.to_path_buf(),
                source: e,
            })?;
        Ok(History {
            tx,
            outage,
            chain,
            alive,
        })
    }

    /// False once the writer thread has ended (after `close`, or by a bug): the daemon
    /// watches this, as a history that records nothing must not pass for a working one.
    pub fn is_alive(&self) -> bool {
        self.alive.load(Ordering::SeqCst)
    }

    /// The daemon's running check of its chain.
    pub fn chain(&self) -> ChainState {
        self.chain.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The current outage, if the disk is refusing the history (for status and the dashboard).
    pub fn outage(&self) -> Option<Outage> {
        self.outage.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Records an event and waits until it is on disk (or parked in the backlog).
    pub async fn record(&self, event: Event) -> Receipt {
        let (tx, rx) = oneshot::channel();
        let kind = event.kind;
        if self.tx.send(Command::Record(event.redacted(), tx)).is_err() {
            return writer_gone(kind);
        }
        rx.await.unwrap_or_else(|_| writer_gone(kind))
    }

    /// The same, for code outside the async runtime.
    pub fn record_blocking(&self, event: Event) -> Receipt {
        let (tx, rx) = oneshot::channel();
        let kind = event.kind;
        if self.tx.send(Command::Record(event.redacted(), tx)).is_err() {
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
    tracing::error!(kind = kind.as_str(), "{}", t!("log-writer-stopped"));
    Receipt::Pending {
        backlog: usize::MAX,
        error: t!("log-writer-stopped-short"),
    }
}

/// What the daemon's writer keeps beside the database.
struct Guard {
    data: PathBuf,
    path: PathBuf,
    /// (device, inode) of the file when it was opened.
    identity: Option<(u64, u64)>,
    /// Why the open file is no longer the one at the path (deleted, replaced).
    lost: Option<String>,
    walker: Walker,
    /// When the walker began its current pass from the first event.
    pass_started: Instant,
    /// The newest event any pass has verified, and when a pass last reached the head.
    verified_to: i64,
    last_pass: Option<chrono::DateTime<Utc>>,
    reported_break: bool,
    /// When the anchor was last written (never, at first: the first commit writes it).
    anchored: Option<Instant>,
    /// Where the spill file's lines end: the next spill is written there.
    spill_end: u64,
    next_tick: Instant,
}

struct Writer {
    store: Store,
    shown: Arc<Mutex<Option<Outage>>>,
    chain: Arc<Mutex<ChainState>>,
    guard: Option<Guard>,
    /// How many events at the front of the backlog are already in the spill file.
    spilled: usize,
    backlog: VecDeque<(Event, Option<oneshot::Sender<Receipt>>)>,
    /// When the current outage began and its first error.
    outage: Option<(chrono::DateTime<Utc>, String, usize)>,
    retry_in: Duration,
    next_retry: Option<Instant>,
}

impl Writer {
    fn new(
        store: Store,
        shown: Arc<Mutex<Option<Outage>>>,
        chain: Arc<Mutex<ChainState>>,
        guard: Option<Guard>,
    ) -> Writer {
        Writer {
            store,
            shown,
            chain,
            guard,
            spilled: 0,
            backlog: VecDeque::new(),
            outage: None,
            retry_in: RETRY_MIN,
            next_retry: None,
        }
    }

    fn run(mut self, rx: mpsc::Receiver<Command>) {
        loop {
            let tick = self.guard.as_ref().map(|g| g.next_tick);
            let wake = match (self.next_retry, tick) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let cmd = match wake {
                None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
                Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
            };
            if self.guard.as_ref().is_some_and(|g| g.next_tick <= Instant::now()) {
                self.tick();
            }
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
                        // The disk still refuses: the event is acknowledged only once it is in
                        // the spill file, or at least counted in the anchor.
                        self.spill_backlog();
                        self.write_anchor(None);
                        self.show_outage();
                        self.answer_pending();
                    }
                }
                Ok(other) => {
                    if self.handle_other(other) {
                        return;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if self.next_retry.is_some_and(|t| t <= Instant::now()) {
                        self.flush();
                    }
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    self.flush();
                    if !self.backlog.is_empty() {
                        self.spill_backlog();
                        tracing::error!(
                            unwritten = self.backlog.len(),
                            spilled = self.spilled,
                            "{}",
                            t!("log-history-closed-unwritten")
                        );
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
                    tracing::warn!(error = %e, "{}", t!("log-history-limit"));
                }
                let _ = reply.send(());
            }
            Command::Close(reply) => {
                self.flush();
                self.spill_backlog();
                if self.guard.is_some()
                    && let Ok(Some(head)) = self.store.head()
                {
                    tracing::info!(head = %head, "history closed");
                    self.write_anchor(Some(head));
                }
                // Events in the spill file are not lost: the next start writes them.
                let _ = reply.send(self.backlog.len() - self.spilled);
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
        self.rescue_deleted_wal();
        let appended = match self.guard.as_ref().and_then(|g| g.lost.clone()) {
            // The open file is not the one at the path any more: writing would lose events.
            Some(why) => Err(StoreError::Lost(why)),
            None => self.store.append(&events),
        };
        // Deleted while the commit ran: its frames went into the deleted file; copy them now.
        self.rescue_deleted_wal();
        match appended {
            Ok(heads) => {
                let last = heads.last().cloned();
                if let Some((since, _, _)) = self.outage.take() {
                    tracing::info!(events = self.backlog.len(), since = %since, "{}", t!("log-backlog-written"));
                }
                for ((_, reply), head) in self.backlog.drain(..).zip(heads) {
                    if let Some(reply) = reply {
                        let _ = reply.send(Receipt::Written(head));
                    }
                }
                self.retry_in = RETRY_MIN;
                self.next_retry = None;
                if self.spilled > 0
                    && let Some(g) = &mut self.guard
                {
                    // Everything spilled is in the database now.
                    match guard::clear_spill(&g.data, g.spill_end) {
                        Ok(()) => g.spill_end = 0,
                        Err(e) => tracing::warn!(error = %e, "{}", t!("log-spill-uncleared")),
                    }
                }
                self.spilled = 0;
                if let Some(last) = &last {
                    self.after_commit(last);
                }
                *self.shown.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            Err(e) => {
                let error = e.to_string();
                self.spill_backlog();
                match &mut self.outage {
                    None => {
                        tracing::error!(error = %error, backlog = self.backlog.len(), "{}", t!("log-history-unwritable"));
                        self.outage = Some((Utc::now(), error.clone(), 0));
                    }
                    Some((_, _, tries)) => {
                        *tries += 1;
                        tracing::warn!(error = %error, backlog = self.backlog.len(), "{}", t!("log-history-still-unwritable"));
                    }
                }
                self.write_anchor(None);
                self.show_outage();
                self.answer_pending();
                self.next_retry = Some(Instant::now() + self.retry_in);
                self.retry_in = (self.retry_in * 2).min(RETRY_MAX);
            }
        }
    }

    fn show_outage(&self) {
        if let Some((since, first, _)) = &self.outage {
            *self.shown.lock().unwrap_or_else(|p| p.into_inner()) = Some(Outage {
                since: *since,
                error: first.clone(),
                waiting: self.backlog.len(),
                spilled: self.spilled,
            });
        }
    }

    /// Appends the backlog not yet in the spill file to it (daemon only).
    fn spill_backlog(&mut self) {
        let Some(g) = &mut self.guard else {
            return;
        };
        if self.spilled >= self.backlog.len() {
            return;
        }
        let todo: Vec<&Event> = self.backlog.iter().skip(self.spilled).map(|(e, _)| e).collect();
        match guard::spill(&g.data, &todo, g.spill_end) {
            Ok(end) => {
                g.spill_end = end;
                self.spilled = self.backlog.len();
            }
            Err(e) => {
                // The last resort: the journal keeps each event as a line an operator can replay.
                tracing::error!(error = %e, "{}", t!("log-spill-unwritable"));
                for ev in &todo {
                    tracing::error!(event = %guard::to_line(ev), "{}", t!("log-unwritten-event"));
                }
            }
        }
    }

    /// After a durable commit: the anchor follows the head, at most once a second (each
    /// anchor write waits for the disk; per commit it slowed the writer under `make soak`'s
    /// channel faults), and at every heartbeat and at close.
    fn after_commit(&mut self, head: &Head) {
        if let Ok(mut c) = self.chain.lock() {
            c.head = head.seq;
        }
        if self
            .guard
            .as_ref()
            .is_some_and(|g| g.anchored.is_none_or(|t| t.elapsed() >= ANCHOR_EVERY))
        {
            self.write_anchor(Some(head.clone()));
        }
    }

    /// Writes the anchor: `head`, or the database's own head when not given.
    fn write_anchor(&mut self, head: Option<Head>) {
        let head = head.or_else(|| self.store.head().ok().flatten());
        let (Some(g), Some(head)) = (&mut self.guard, head) else {
            return;
        };
        if g.lost.is_some() {
            return;
        }
        g.anchored = Some(Instant::now());
        let anchor = Anchor {
            seq: head.seq,
            hash: head.hash,
            heartbeat: Utc::now(),
            // Whatever waits is not in the database yet, whether or not the spill holds it.
            waiting: self.backlog.len(),
            n: 0,
        };
        if let Err(e) = guard::write_anchor(&g.data, &anchor) {
            tracing::warn!(error = %e, "{}", t!("log-anchor-unwritable"));
        }
    }

    /// A deleted or replaced `history.db-wal` is rescued (see [`super::store::rescue_moved_wal`])
    /// and the history reopened on the one at the path.
    fn rescue_deleted_wal(&mut self) {
        let Some(g) = &self.guard else {
            return;
        };
        if g.lost.is_some() || !self.store.rescue_moved_wal(&g.path) {
            return;
        }
        tracing::warn!("{}", t!("log-wal-rescued", path = g.path.display()));
        match Store::open(&g.path, self.store.timezone()) {
            Ok(s) => self.store = s,
            Err(e) => tracing::error!(error = %e, "{}", t!("log-history-reopen-failed")),
        }
    }

    /// The daemon's heartbeat: is the file still ours, is its journal there, does the chain
    /// still add up; then the anchor's heartbeat is renewed.
    fn tick(&mut self) {
        let Some(g) = &mut self.guard else {
            return;
        };
        crate::failpoint::hit("history");
        g.next_tick = Instant::now() + TICK;
        if g.lost.is_none() && store::identity(&g.path) != g.identity {
            let why = format!(
                "{} was deleted or replaced while loaxa was running; new events are kept in {} until loaxa is restarted with the file restored",
                g.path.display(),
                guard::spill_path(&g.data).display()
            );
            tracing::error!("{why}");
            g.lost = Some(why.clone());
            if self.outage.is_none() {
                self.outage = Some((Utc::now(), why, 0));
            }
            self.spill_backlog();
            self.show_outage();
            return;
        }
        if g.lost.is_some() {
            return;
        }
        self.rescue_deleted_wal();
        let g = match &mut self.guard {
            Some(g) => g,
            None => return,
        };
        let head = self.store.head().ok().flatten();
        let head_seq = head.as_ref().map_or(0, |h| h.seq);
        // New rows are checked within a tick; the whole chain again every REPASS, so a row
        // changed long after it was written is found too.
        if g.walker.broken.is_none() && g.walker.verified_to() >= head_seq && g.pass_started.elapsed() >= REPASS {
            g.walker = Walker::default();
            g.pass_started = Instant::now();
        }
        match g.walker.step(self.store.connection(), VERIFY_ROWS_PER_TICK) {
            Ok(_) if g.walker.broken.is_none() && g.walker.verified_to() >= head_seq => {
                g.verified_to = g.verified_to.max(g.walker.verified_to());
                g.last_pass = Some(Utc::now());
            }
            Ok(_) => g.verified_to = g.verified_to.max(g.walker.verified_to()),
            Err(e) => tracing::warn!(error = %e, "{}", t!("log-chain-unverifiable")),
        }
        if let Ok(mut c) = self.chain.lock() {
            c.verified_to = g.verified_to;
            c.head = head_seq;
            c.broken = g.walker.broken.as_ref().map(|b| b.to_string());
            c.last_full_check = g.last_pass;
        }
        if let Some(b) = &g.walker.broken
            && !g.reported_break
        {
            g.reported_break = true;
            tracing::error!(seq = b.seq(), "{}", t!("log-chain-broken", why = b));
        }
        self.write_anchor(head);
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
