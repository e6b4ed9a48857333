//! The log panel: the engine's log lines (forwarded `tracing` events), newest at the bottom.

use crate::gui::command::Command;
use crate::gui::state::AppState;

pub fn log_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::Panel::bottom("log")
        .resizable(true)
        .default_size(140.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong("Log");
                if ui.small_button(Command::ClearLog.label()).clicked() {
                    cmds.push(Command::ClearLog);
                }
            });
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for line in &state.log {
                        let color = match line.level {
                            tracing::Level::ERROR => ui.visuals().error_fg_color,
                            tracing::Level::WARN => ui.visuals().warn_fg_color,
                            _ => ui.visuals().text_color(),
                        };
                        ui.label(
                            egui::RichText::new(format!("{:<5} {}", line.level, line.message))
                                .monospace()
                                .color(color),
                        );
                    }
                });
        });
}
