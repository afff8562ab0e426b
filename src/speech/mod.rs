//! Speech (issue #16): a text-only bulletin read on the loudspeaker in Vietnamese.
//!
//! - [`numbers`]: Vietnamese numbers as they are said (pure);
//! - [`normalise`]: text as written by an office → text as it is read aloud (pure);
//! - [`lexicon`]: the administrative abbreviations, versioned and extensible by the station.

pub mod lexicon;
pub mod normalise;
pub mod numbers;
