//! The central panel: the frame under the playhead, the scrub slider and frame stepping; or
//! the error that stops the window from working (a bad setting, a bad file).

use crate::gui::command::Command;
use crate::gui::state::AppState;
use slopcannon_engine::media::format_secs;

pub fn preview_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::CentralPanel::default().show(ui, |ui| {
        if let Some(e) = &state.settings_error {
            ui.heading("slopcannon cannot start: a setting is wrong");
            ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color).monospace());
            ui.label("Fix the variable in your environment or .env file (see config.example.env), then start again.");
            return;
        }
        if let Some(e) = &state.error {
            ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color));
        }
        let Some(file) = &state.file else {
            ui.centered_and_justified(|ui| {
                ui.heading("Open a video (Ctrl+O) or drop one here");
            });
            return;
        };
        let Some(info) = &file.info else {
            if file.probing {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!("Reading {}…", file.path.display()));
                });
            }
            return;
        };
        ui.label(egui::RichText::new(info.summary()).monospace());
        if info.video().is_none() {
            ui.label("Audio only: there is no picture to preview.");
            return;
        }
        let slider_h = 92.0;
        let avail = ui.available_size() - egui::vec2(0.0, slider_h);
        match &state.preview {
            Some(tex) => {
                let alt = format!(
                    "Preview frame at {}",
                    format_secs(state.preview_secs.unwrap_or(state.playhead_secs))
                );
                let size = avail.max(egui::vec2(32.0, 32.0));
                ui.allocate_ui(size, |ui| {
                    ui.centered_and_justified(|ui| {
                        ui.add(
                            egui::Image::new(tex)
                                .fit_to_exact_size(size)
                                .maintain_aspect_ratio(true)
                                .alt_text(alt),
                        );
                    });
                });
            }
            None => {
                ui.allocate_ui(avail.max(egui::vec2(32.0, 32.0)), |ui| {
                    ui.centered_and_justified(|ui| ui.spinner());
                });
            }
        }
        timeline_ui(ui, state, cmds);
    });
}

/// The scrub slider with frame-step buttons.
fn timeline_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    let duration = state.duration_secs().max(0.001);
    ui.horizontal(|ui| {
        if ui
            .button("|<")
            .on_hover_text(Command::SeekStart.label())
            .clicked()
        {
            cmds.push(Command::SeekStart);
        }
        if ui.button("<").on_hover_text("Previous frame (←)").clicked() {
            cmds.push(Command::StepFrames(-1));
        }
        if ui.button(">").on_hover_text("Next frame (→)").clicked() {
            cmds.push(Command::StepFrames(1));
        }
        if ui
            .button(">|")
            .on_hover_text(Command::SeekEnd.label())
            .clicked()
        {
            cmds.push(Command::SeekEnd);
        }
        let mut t = state.playhead_secs;
        ui.spacing_mut().slider_width = (ui.available_width() - 140.0).max(100.0);
        let slider = egui::Slider::new(&mut t, 0.0..=duration)
            .show_value(false)
            .text("Playhead");
        if ui.add(slider).changed() {
            cmds.push(Command::Seek(t));
        }
        ui.monospace(format_secs(state.playhead_secs));
    });
    crate::gui::widgets::timeline::timeline_ui(ui, state, cmds);
    words_ui(ui, state);
}

/// What is being said at the playhead, the current word highlighted (a preview of the captions).
fn words_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(t) = &state.clips.transcript else {
        return;
    };
    let at = state.playhead_secs;
    let Some(seg) = t
        .segments
        .iter()
        .find(|s| s.start - 0.3 <= at && at <= s.end + 0.3)
    else {
        return;
    };
    let mut job = egui::text::LayoutJob::default();
    let normal = egui::TextFormat {
        color: ui.visuals().text_color(),
        ..Default::default()
    };
    let current = egui::TextFormat {
        color: ui.visuals().warn_fg_color,
        underline: egui::Stroke::new(1.0, ui.visuals().warn_fg_color),
        ..Default::default()
    };
    for (i, w) in seg.words.iter().enumerate() {
        let now = w.start <= at && at < w.end;
        let sep = if i == 0 { "" } else { " " };
        job.append(sep, 0.0, normal.clone());
        job.append(
            &w.word,
            0.0,
            if now { current.clone() } else { normal.clone() },
        );
    }
    ui.label(job)
        .on_hover_text("What is said at the playhead (word timings from whisper)");
}
