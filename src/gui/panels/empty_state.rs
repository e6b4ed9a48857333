//! What the window shows before a video is open: what to do (open or drop a video), the
//! recent files, and the main keys.

use crate::gui::command::Command;
use crate::gui::state::AppState;

/// The keys a first look needs, in the order of the work, each with what it does (worded
/// for a newcomer; the key itself comes from the command, so it is the one that works).
const MAIN_KEYS: [(Command, &str); 9] = [
    (Command::OpenDialog, "open a video"),
    (Command::FindClips, "find the moments worth a short"),
    (Command::TogglePlay, "play / pause"),
    (Command::StepFrames(1), "next frame (the other arrow: back)"),
    (
        Command::SetClipStart,
        "the selected clip starts at the playhead",
    ),
    (Command::SetClipEnd, "… and ends there"),
    (Command::AddSegment, "add a clip of your own"),
    (Command::ExportClips, "export the ticked clips"),
    (Command::Undo, "undo"),
];

pub fn empty_state_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.add_space((ui.available_height() * 0.15).max(8.0));
        ui.heading("Open a video (Ctrl+O) or drop one here");
        ui.label(
            "slopcannon finds the moments that work as short clips; you trim and export them.",
        );
        ui.add_space(8.0);
        if ui
            .add_enabled(
                state.settings_error.is_none(),
                // Not "Open…": that is the top bar's button, always there.
                egui::Button::new("Open a video…"),
            )
            .on_hover_text("Ctrl+O")
            .clicked()
        {
            cmds.push(Command::OpenDialog);
        }
        if !state.recent.paths().is_empty() {
            ui.add_space(12.0);
            ui.label(egui::RichText::new("Recent").strong());
            recent_column(ui, state, cmds);
        }
        ui.add_space(12.0);
        ui.label(egui::RichText::new("Keys").strong());
        egui::Grid::new("main keys")
            .num_columns(2)
            .spacing([16.0, 4.0])
            .show(ui, |ui| {
                for (cmd, what) in MAIN_KEYS {
                    if let Some(sc) = cmd.shortcut() {
                        ui.monospace(ui.ctx().format_shortcut(&sc));
                        ui.label(what);
                        ui.end_row();
                    }
                }
            });
        ui.label("All keys: the Shortcuts menu.");
    });
}

/// The recent files one under another, centred.
fn recent_column(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        super::recent::recent_files_ui(ui, state, cmds);
    });
}
