//! The status bar: what is happening, and where the playhead is.

use crate::gui::state::AppState;
use slopcannon_engine::media::format_secs;
use std::time::{Duration, Instant};

/// A seek's spinner shows only once the seek has taken this long. Most end sooner (the
/// keyframe is on screen at once), and a spinner redraws the whole window every frame, which
/// takes CPU from the decoder the seek waits for (much of it on a software-rendered display).
pub const SEEK_SPINNER_DELAY: Duration = Duration::from_millis(300);

/// The status bar's spinner at `now`: `Some(ZERO)` shows it, `Some(d)` would show it in `d`
/// (a seek still young), `None` has nothing to show.
pub fn spinner_in(state: &AppState, now: Instant) -> Option<Duration> {
    if state.file.as_ref().is_some_and(|f| f.probing) {
        return Some(Duration::ZERO);
    }
    let since = state.preview_loading?;
    Some(SEEK_SPINNER_DELAY.saturating_sub(now.saturating_duration_since(since)))
}

pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            match spinner_in(state, Instant::now()) {
                Some(Duration::ZERO) => {
                    ui.spinner();
                }
                Some(later) => ui.ctx().request_repaint_after(later),
                None => {}
            }
            ui.label(&state.status);
            if state.info().is_some() {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.monospace(format!(
                        "{} / {}",
                        format_secs(state.playhead_secs),
                        format_secs(state.duration_secs())
                    ));
                });
            }
        });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seek_spins_only_once_it_has_taken_a_moment() {
        let mut s = AppState::new();
        assert_eq!(spinner_in(&s, Instant::now()), None, "nothing loading");
        s.begin_seek(1.0);
        let asked = s.preview_loading.expect("the seek's start");
        let young = spinner_in(&s, asked + Duration::from_millis(100));
        assert_eq!(
            young,
            Some(Duration::from_millis(200)),
            "not yet: in 200 ms"
        );
        let old = spinner_in(&s, asked + Duration::from_millis(350));
        assert_eq!(old, Some(Duration::ZERO), "a slow seek spins");
        s.preview_loading = None; // the exact frame came
        assert_eq!(spinner_in(&s, asked + Duration::from_millis(350)), None);
    }
}
