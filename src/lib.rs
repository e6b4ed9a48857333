//! slopcannon: find the moments in a long video that work as short clips, trim them, and
//! batch-export them.
//!
//! Crate map (see ARCHITECTURE.md):
//! - [`engine`]: media (FFmpeg), progress and cancellation; no UI code.
//! - [`settings`]: the `SLOP_*` settings, read once at start-up.
//! - [`cli`]: the command line (clap), a thin front over the engine.
//! - [`gui`]: the egui/eframe window, a thin front over the engine.
//! - [`logging`]: `tracing` set-up, including forwarding log lines to the GUI.

pub mod cli;
pub mod engine;
pub mod gui;
pub mod logging;
pub mod settings;
