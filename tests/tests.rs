//! The one integration test binary (one link on a 2-core machine): a module per area.

mod util;

mod analysis;
mod cli;
mod export;
mod gui;
mod invariants;
mod media;
mod smoke;
mod speech;
