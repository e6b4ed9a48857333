//! The app's one integration test binary (one link on a 2-core machine): the CLI, the window
//! (headless and under Xvfb) and the code-layout invariants. The engine's own tests live in
//! `crates/engine/tests`.

mod util;

mod cli;
mod editing;
mod export_panel;
mod gui;
mod hostile;
mod invariants;
mod jobs;
mod panels;
mod persist;
mod player;
mod screenshots;
mod smoke;
mod timeline;
