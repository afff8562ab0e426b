//! Speech (issue #16): a text-only bulletin read on the loudspeaker in Vietnamese.
//!
//! - [`numbers`]: Vietnamese numbers as they are said (pure);
//! - [`normalise`]: text as written by an office → text as it is read aloud (pure);
//! - [`spelling`]: one form for the two ways offices place a tone mark (pure);
//! - [`lexicon`]: the administrative abbreviations, versioned and extensible by the station;
//! - [`settings`]: `[tts]` in the configuration;
//! - [`render`]: text → audio through the providers, with a content-addressed cache;
//! - [`cloud`]: the FPT.AI, Viettel AI and Zalo AI voices.

pub mod cloud;
pub mod lexicon;
pub mod normalise;
pub mod numbers;
pub mod render;
pub mod settings;
pub mod spelling;
