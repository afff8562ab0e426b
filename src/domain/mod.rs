//! The floor every other module stands on: the vocabulary loaxa speaks, with no I/O and nothing
//! imported from above (issue #32).
//!
//! - [`text`]: hex, clipping and "did you mean".

pub mod text;
