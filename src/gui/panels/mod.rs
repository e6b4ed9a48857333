//! The window's panels. Each `*_ui` function draws from `&AppState` and pushes the commands
//! the person asked for; none of them changes state or starts work itself.

pub mod clips;
pub mod log;
pub mod models;
pub mod preview;
pub mod settings;
pub mod status_bar;
pub mod top_bar;
pub mod transcript;
