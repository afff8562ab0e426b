//! The broadcast history: what went out and when, append-only and tamper-evident.
//!
//! - [`event`]: what each event records (its kinds are `domain::event`'s);
//! - [`store`]: the SQLite file, its schema and the hash chain;
//! - [`writer`]: the thread that writes durably without blocking async code;
//! - [`verify`]: walking the chain;
//! - [`guard`]: the anchor, the spill file and the file's identity, for the daemon;
//! - [`query`]: filters, summaries and exports for `loaxa history`.

pub mod event;
pub mod guard;
pub mod query;
pub mod store;
pub mod verify;
pub mod writer;

pub use event::{Event, OccurrenceKey};
pub use store::{Head, Store, StoreError};
pub use writer::{ChainState, History, Outage, Receipt};
