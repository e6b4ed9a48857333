//! The engine: media, analysis, transcription and export, with no GUI or CLI code in it.
//!
//! **Invariant:** nothing under `engine` imports egui, eframe, clap or indicatif
//! (a test greps for it). Long calls take options, an [`progress::EventSink`] and a
//! [`progress::CancelToken`], and return a typed result.

pub mod analysis;
pub mod export;
pub mod media;
pub mod progress;
pub mod project;
pub mod speech;
