//! The timeline strip under the preview: clips as bands (the selected one brighter), scene
//! cuts as ticks, the playhead as a line. Click or drag to move the playhead.

use super::time_axis::TimeAxis;
use crate::gui::command::Command;
use crate::gui::state::AppState;

pub fn timeline_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    let duration = state.duration_secs();
    let (rect, response) = ui.allocate_exact_size(
        egui::vec2(ui.available_width(), 28.0),
        egui::Sense::click_and_drag(),
    );
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    painter.rect_filled(rect, 3.0, visuals.extreme_bg_color);
    if duration <= 0.0 {
        return;
    }
    let axis = TimeAxis {
        t0: 0.0,
        t1: duration,
        x0: f64::from(rect.left()),
        x1: f64::from(rect.right()),
    };
    let x = |t: f64| axis.x_of(t) as f32;
    for (i, clip) in state.clips.clips.iter().enumerate() {
        let selected = state.clips.selected == Some(i);
        let color = if selected {
            egui::Color32::from_rgba_unmultiplied(255, 170, 40, 200)
        } else {
            egui::Color32::from_rgba_unmultiplied(255, 170, 40, 80)
        };
        let band = egui::Rect::from_x_y_ranges(
            x(clip.start)..=x(clip.end).max(x(clip.start) + 2.0),
            rect.y_range(),
        );
        painter.rect_filled(band, 2.0, color);
    }
    for cut in &state.clips.scenes {
        let cx = x(cut.time);
        painter.line_segment(
            [
                egui::pos2(cx, rect.top() + 4.0),
                egui::pos2(cx, rect.bottom() - 4.0),
            ],
            egui::Stroke::new(1.0, visuals.weak_text_color()),
        );
    }
    let px = x(state.playhead_secs);
    painter.line_segment(
        [egui::pos2(px, rect.top()), egui::pos2(px, rect.bottom())],
        egui::Stroke::new(2.0, visuals.strong_text_color()),
    );
    if let Some(pos) = response.interact_pointer_pos() {
        if response.clicked() || response.dragged() {
            cmds.push(Command::Seek(axis.t_of(f64::from(pos.x))));
        }
    }
    response.on_hover_text("Clips (orange) and scene cuts; click or drag to move the playhead");
}
