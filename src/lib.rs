//! slopcannon: find the moments in a long video that work as short clips, trim them, and
//! batch-export them.
//!
//! The app over the `slopcannon_engine` crate (media, analysis, speech, export). Crate map
//! (see ARCHITECTURE.md):
//! - [`settings`]: the `SLOP_*` settings, read once at start-up; [`options`] turns them into
//!   engine options.
//! - [`cli`]: the command line (clap), a thin front over the engine.
//! - [`gui`]: the egui/eframe window, a thin front over the engine.
//! - [`logging`]: `tracing` set-up, including forwarding log lines to the GUI.
//! - [`malloc`]: the process's allocator policy (big blocks go back to the system).
//! - [`wording`]: counted nouns, the same in both fronts.

pub mod cli;
pub mod gui;
pub mod logging;
pub mod malloc;
pub mod options;
pub mod settings;
pub mod wording;
