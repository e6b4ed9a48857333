//! The settings window: every `SLOP_*` setting with its value and where it came from
//! (default, your defaults, .env, environment, this session); edit, apply for the session (the
//! same validation and messages as at start), or save as your defaults
//! (`~/.config/slopcannon/settings.env`). `SLOP_LOG` and `SLOP_AUDIO_OUTPUT` take effect at
//! the next start.

use crate::gui::command::Command;
use crate::gui::state::AppState;

pub fn settings_ui(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<Command>) {
    let view = &state.settings_view;
    if !view.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Settings")
        .open(&mut open)
        .resizable(true)
        .default_width(560.0)
        .show(ctx, |ui| {
            egui::Grid::new("settings grid")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for (var, _, source) in &view.effective {
                        let label = ui.monospace(*var);
                        let mut value = view.draft.get(var).cloned().unwrap_or_default();
                        if ui
                            .add_sized([220.0, 18.0], egui::TextEdit::singleline(&mut value))
                            .labelled_by(label.id)
                            .changed()
                        {
                            cmds.push(Command::EditSetting(var, value));
                        }
                        ui.weak(source.to_string());
                        ui.end_row();
                    }
                });
            ui.horizontal(|ui| {
                for cmd in [Command::ApplySettings, Command::SaveSettings] {
                    if ui.button(cmd.label()).clicked() {
                        cmds.push(cmd);
                    }
                }
            });
            ui.weak("See config.example.env for what each accepts. SLOP_LOG and SLOP_AUDIO_OUTPUT apply at the next start.");
            if let Some(e) = &view.error {
                ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color));
            }
            match &view.saved {
                Some(Ok(line)) => {
                    ui.label(line);
                }
                Some(Err(e)) => {
                    ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color));
                }
                None => {}
            }
        });
    if !open {
        cmds.push(Command::ToggleSettings);
    }
}
