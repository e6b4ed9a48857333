//! The models window: the whisper models installed, and downloading one by name with
//! progress, ETA and cancel; the file is checked against its published SHA-1 before it is
//! installed (a corrupt download is deleted and said so).

use crate::gui::command::Command;
use crate::gui::state::AppState;
use slopcannon_engine::speech::download::KNOWN_SHA1;

pub fn models_ui(ctx: &egui::Context, state: &AppState, cmds: &mut Vec<Command>) {
    if !state.models.open {
        return;
    }
    let mut open = true;
    egui::Window::new("Whisper models")
        .open(&mut open)
        .resizable(true)
        .default_width(460.0)
        .show(ctx, |ui| {
            match &state.models.dir {
                Some(dir) => ui.label(format!("Installed in {}:", dir.display())),
                None => ui.label("No data folder (no home directory): models cannot be kept."),
            };
            if state.models.installed.is_empty() {
                ui.weak("  none yet");
            }
            for m in &state.models.installed {
                ui.monospace(format!(
                    "  {:<18} {:<6} {:>6.1} MB",
                    m.name,
                    m.quantisation,
                    m.size_bytes as f64 / 1e6
                ))
                .on_hover_text(m.path.display().to_string());
            }
            ui.separator();
            match &state.models.download {
                Some(run) => {
                    let (fraction, eta) = super::progress_parts(run.progress.as_ref());
                    let text = if run.cancelling {
                        "cancelling…".to_string()
                    } else {
                        format!("downloading {} {:.0}%{eta}", run.name, fraction * 100.0)
                    };
                    ui.add(egui::ProgressBar::new(fraction).text(text));
                    if ui
                        .add_enabled(!run.cancelling, egui::Button::new("Cancel download"))
                        .clicked()
                    {
                        cmds.push(Command::CancelDownload);
                    }
                }
                None => {
                    ui.horizontal(|ui| {
                        let label = ui.label("model");
                        let mut choice = state.models.choice.clone();
                        egui::ComboBox::from_id_salt("model to download")
                            .selected_text(&choice)
                            .show_ui(ui, |ui| {
                                for (name, _) in KNOWN_SHA1 {
                                    ui.selectable_value(&mut choice, name.to_string(), name);
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if choice != state.models.choice {
                            cmds.push(Command::ChooseModel(choice));
                        }
                        if ui
                            .add_enabled(state.models.dir.is_some(), egui::Button::new("Download"))
                            .on_hover_text(
                                "From the whisper.cpp model repository; checked by SHA-1",
                            )
                            .clicked()
                        {
                            cmds.push(Command::DownloadModel);
                        }
                    });
                }
            }
            if let Some(result) = &state.models.result {
                match result {
                    Ok(line) => ui.label(line),
                    Err(e) => ui.label(egui::RichText::new(e).color(ui.visuals().error_fg_color)),
                };
            }
        });
    if !open {
        cmds.push(Command::ToggleModels);
    }
}
