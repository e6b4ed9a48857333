//! The recent files as buttons (the top bar's Recent menu and the empty window): a click
//! opens one; a file that is gone is greyed out and says so.

use crate::gui::command::Command;
use crate::gui::state::AppState;

/// One button per recent file, most recent first; false when there are none.
pub fn recent_files_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) -> bool {
    let recent = state.recent.paths();
    for path in recent {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let missing = state.recent.is_missing(path);
        let button = ui
            .add_enabled(!missing, egui::Button::new(name))
            .on_hover_text(path.display().to_string())
            .on_disabled_hover_text(format!("Not found: {}", path.display()));
        if button.clicked() {
            cmds.push(Command::OpenPath(path.clone()));
            ui.close();
        }
    }
    !recent.is_empty()
}
