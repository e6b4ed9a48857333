//! The one integration test binary (one link on a 2-core machine): a module per area.

mod util;

mod cli;
mod gui;
mod invariants;
mod media;
mod smoke;
