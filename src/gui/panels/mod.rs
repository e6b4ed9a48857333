//! The window's panels. Each `*_ui` function draws from `&AppState` and pushes the commands
//! the person asked for; none of them changes state or starts work itself.

pub mod caption_style;
pub mod clips;
pub mod empty_state;
pub mod log;
pub mod models;
pub mod preview;
pub mod recent;
pub mod settings;
pub mod status_bar;
pub mod top_bar;
pub mod transcript;

/// A running job's bar: its fraction, and " · ETA 1:23" when the engine knows one.
pub fn progress_parts(p: Option<&slopcannon_engine::progress::Progress>) -> (f32, String) {
    let fraction = p.and_then(|p| p.fraction()).unwrap_or(0.0) as f32;
    let eta = p
        .and_then(|p| p.eta)
        .map(|e| format!(" · ETA {}", slopcannon_engine::progress::format_hms(e)))
        .unwrap_or_default();
    (fraction, eta)
}
