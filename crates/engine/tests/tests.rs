//! The engine's integration test binary (one link on a 2-core machine): a module per area, on
//! media generated at test time and the real whisper models of `../shared`.

mod analysis;
mod export;
mod media;
mod project;
mod speech;
