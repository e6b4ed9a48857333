//! slopcannon's engine: media, analysis ("Find Viral Clips"), transcription and export.
//!
//! **Invariant:** this crate has no GUI, CLI or settings dependency (its `Cargo.toml` names no
//! egui, eframe, rfd, clap, indicatif, envy or dotenvy) and never reads `SLOP_*` variables: the
//! app turns its settings into the options each call takes. Long calls take options, an
//! [`progress::EventSink`] and a [`progress::CancelToken`], and return a typed result.

pub mod analysis;
pub mod captions;
pub mod export;
pub mod media;
pub mod progress;
pub mod project;
pub mod speech;
pub mod stats;
pub mod system;
pub mod temp_file;
