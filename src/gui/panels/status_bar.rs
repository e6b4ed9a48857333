//! The status bar: what is happening, and where the playhead is.

use crate::gui::state::AppState;
use slopcannon_engine::media::format_secs;

pub fn status_bar_ui(ui: &mut egui::Ui, state: &AppState) {
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            if state.preview_loading || state.file.as_ref().is_some_and(|f| f.probing) {
                ui.spinner();
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
