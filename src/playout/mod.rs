//! Playout: the loudspeaker line, through rodio → cpal → ALSA.
//!
//! - [`programme`]: what one occurrence plays, as segments (pure);
//! - [`queue`]: who takes the line next (pure);
//! - [`device`]: listing and opening sound devices;
//! - [`fade`]: taking a programme off the line without a click;
//! - [`live`]: a capture input (microphone, line-in) as a segment;
//! - [`relay`]: a higher-level station's stream for a window, with fallback;
//! - [`engine`]: the thread that owns the device and starts programmes on the second.

pub mod device;
pub mod engine;
pub mod fade;
pub mod live;
pub mod output;
pub mod programme;
pub mod queue;
pub mod record;
pub mod relay;
pub mod settings;

pub use engine::{Engine, EngineSettings, PlayoutEvent};
pub use programme::{Programme, Segment};
