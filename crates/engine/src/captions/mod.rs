//! Burned-in captions: the [`CaptionStyle`] people choose (presets and style files),
//! grouping words into captions and lines that keep to the safe margins ([`layout`]), and the
//! `.ass` script libass burns ([`ass`]). Export and the window's preview use the same three.

pub mod ass;
pub mod layout;
mod measure;
pub mod style;

pub use ass::{clip_ass, titled_clip_ass};
pub use layout::{captions, Canvas, Caption};
pub use style::{CaptionStyle, Colour, Highlight, Position, StyleError, PRESETS};
