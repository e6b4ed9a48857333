//! The log panel: the engine's log lines (forwarded `tracing` events), newest at the bottom;
//! filtered by level and text, copyable, and only the rows in view are laid out (the panel
//! keeps the last thousand lines).

use crate::gui::command::Command;
use crate::gui::state::AppState;

pub fn log_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::Panel::bottom("log")
        .resizable(true)
        .default_size(140.0)
        .show(ui, |ui| {
            let mut view = state.log_view.clone();
            let shown: Vec<&crate::logging::LogLine> =
                state.log.iter().filter(|l| view.shows(l)).collect();
            ui.horizontal(|ui| {
                ui.strong("Log");
                let level_label = ui.label("level");
                egui::ComboBox::from_id_salt("log level")
                    .selected_text(view.min_level.as_str())
                    .show_ui(ui, |ui| {
                        for level in [
                            tracing::Level::DEBUG,
                            tracing::Level::INFO,
                            tracing::Level::WARN,
                            tracing::Level::ERROR,
                        ] {
                            ui.selectable_value(&mut view.min_level, level, level.as_str());
                        }
                    })
                    .response
                    .labelled_by(level_label.id);
                let search_label = ui.label("search");
                ui.add(
                    egui::TextEdit::singleline(&mut view.search)
                        .desired_width(160.0)
                        .hint_text("text in the line"),
                )
                .labelled_by(search_label.id);
                if ui
                    .small_button("Copy")
                    .on_hover_text("Copy the lines shown (for a bug report)")
                    .clicked()
                {
                    let text: Vec<String> = shown
                        .iter()
                        .map(|l| format!("{:<5} {}", l.level, l.message))
                        .collect();
                    ui.ctx().copy_text(text.join("\n"));
                }
                if ui.small_button(Command::ClearLog.label()).clicked() {
                    cmds.push(Command::ClearLog);
                }
                ui.weak(format!("{} of {} lines", shown.len(), state.log.len()));
            });
            if view != state.log_view {
                cmds.push(Command::SetLogView(view));
            }
            let row_h = ui.text_style_height(&egui::TextStyle::Monospace);
            egui::ScrollArea::vertical()
                .stick_to_bottom(true)
                .auto_shrink([false, false])
                .show_rows(ui, row_h, shown.len(), |ui, rows| {
                    for line in &shown[rows] {
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
