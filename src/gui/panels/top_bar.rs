//! The top bar: Open and the Recent menu, the open file's name, Find Viral Clips and its options (count, lengths,
//! weights, speech), the Edit and Shortcuts menus.

use crate::gui::command::{Command, SHORTCUT_COMMANDS};
use crate::gui::state::AppState;
use slopcannon_engine::analysis::Weights;
use slopcannon_engine::progress::format_hms;

/// The largest weight a slider offers.
const WEIGHT_MAX: f32 = 5.0;

pub fn top_bar_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            let enabled = state.settings_error.is_none();
            let open = ui
                .add_enabled(enabled, egui::Button::new(Command::OpenDialog.label()))
                .on_hover_text("Open a video (Ctrl+O). You can also drop a file on the window.");
            if open.clicked() {
                cmds.push(Command::OpenDialog);
            }
            ui.add_enabled_ui(enabled && !state.recent.paths().is_empty(), |ui| {
                ui.menu_button("Recent", |ui| {
                    super::recent::recent_files_ui(ui, state, cmds);
                })
                .response
                .on_hover_text("The videos you opened last");
            });
            if let Some(file) = &state.file {
                let name = file
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| file.path.display().to_string());
                ui.label(egui::RichText::new(name).strong())
                    .on_hover_text(file.path.display().to_string());
                if file.probing {
                    ui.spinner();
                }
            }
            ui.separator();
            match &state.analysis {
                None => {
                    let ready = enabled && state.ready_generation().is_some();
                    let find = ui
                        .add_enabled(ready, egui::Button::new(Command::FindClips.label()))
                        .on_hover_text(
                            "Rank the moments most likely to work as short clips (Ctrl+F)",
                        );
                    if find.clicked() {
                        cmds.push(Command::FindClips);
                    }
                    ui.menu_button("Options", |ui| analysis_options_ui(ui, state, cmds));
                }
                Some(run) => {
                    let eta = run
                        .eta()
                        .map(|e| format!(" · ETA {}", format_hms(e)))
                        .unwrap_or_default();
                    let stage = run
                        .progress
                        .iter()
                        .rev()
                        .find(|p| !p.finished)
                        .map(|p| p.stage.label())
                        .unwrap_or("starting");
                    let text = if run.cancelling {
                        "cancelling…".to_string()
                    } else {
                        format!("{stage} {:.0}%{eta}", run.fraction() * 100.0)
                    };
                    ui.add(
                        egui::ProgressBar::new(run.fraction())
                            .desired_width(260.0)
                            .text(text),
                    );
                    if ui
                        .add_enabled(
                            !run.cancelling,
                            egui::Button::new(Command::CancelAnalysis.label()),
                        )
                        .on_hover_text("Stop the analysis (Esc)")
                        .clicked()
                    {
                        cmds.push(Command::CancelAnalysis);
                    }
                    // The weights, count and lengths rank the quick ranking again at once,
                    // and the full one when it comes.
                    ui.menu_button("Options", |ui| analysis_options_ui(ui, state, cmds));
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .button(Command::ToggleSettings.label())
                    .on_hover_text("Every SLOP_* setting: see, change, save as your defaults")
                    .clicked()
                {
                    cmds.push(Command::ToggleSettings);
                }
                if ui
                    .button(Command::ToggleModels.label())
                    .on_hover_text("Whisper models: installed, download one")
                    .clicked()
                {
                    cmds.push(Command::ToggleModels);
                }
                ui.menu_button("Edit", |ui| {
                    let undo = state
                        .history
                        .undo_label()
                        .map_or("Undo".to_string(), |w| format!("Undo {w}"));
                    let redo = state
                        .history
                        .redo_label()
                        .map_or("Redo".to_string(), |w| format!("Redo {w}"));
                    let undo_ok = state.history.undo_label().is_some();
                    let redo_ok = state.history.redo_label().is_some();
                    let selected = state.selected_segment().is_some();
                    let items = [
                        (undo, Command::Undo, undo_ok),
                        (redo, Command::Redo, redo_ok),
                        (Command::AddSegment.label(), Command::AddSegment, true),
                        (Command::SplitSegment.label(), Command::SplitSegment, selected),
                        (Command::DuplicateSegment.label(), Command::DuplicateSegment, selected),
                        (Command::DeleteSegment.label(), Command::DeleteSegment, selected),
                        (
                            Command::MoveSegment { up: true }.label(),
                            Command::MoveSegment { up: true },
                            selected,
                        ),
                        (
                            Command::MoveSegment { up: false }.label(),
                            Command::MoveSegment { up: false },
                            selected,
                        ),
                        (Command::FocusLabel.label(), Command::FocusLabel, selected),
                    ];
                    for (text, cmd, enabled) in items {
                        let key = cmd
                            .shortcut()
                            .map(|k| ui.ctx().format_shortcut(&k))
                            .unwrap_or_default();
                        let button = egui::Button::new(text).shortcut_text(key);
                        if ui.add_enabled(enabled, button).clicked() {
                            cmds.push(cmd);
                            ui.close();
                        }
                    }
                });
                ui.menu_button("Shortcuts", |ui| {
                    for cmd in SHORTCUT_COMMANDS {
                        if let Some(sc) = cmd.shortcut() {
                            let mut keys = ui.ctx().format_shortcut(&sc);
                            if let Some(alias) = cmd.alias_shortcut() {
                                keys = format!("{keys} or {}", ui.ctx().format_shortcut(&alias));
                            }
                            ui.label(format!("{keys:<16} {}", cmd.label()));
                        }
                    }
                    ui.separator();
                    ui.label("Timeline: Ctrl+wheel zooms, the wheel or a drag pans, a double-click shows all;");
                    ui.label("drag a clip's edge to trim it (Shift: no snapping), its body to move it.");
                });
                let log_label = if state.show_log {
                    "Hide log"
                } else {
                    "Show log"
                };
                if ui.button(log_label).clicked() {
                    cmds.push(Command::ToggleLog);
                }
            });
        });
    });
}

/// What Find Viral Clips looks for: how many clips, how long, speech and its model, and the
/// weights.
fn analysis_options_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    let mut c = state.analysis_choices.clone();
    egui::Grid::new("analysis options")
        .num_columns(2)
        .show(ui, |ui| {
            let l = ui.label("clips");
            ui.add(egui::DragValue::new(&mut c.max_clips).range(1..=200))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("shortest (s)");
            ui.add(egui::DragValue::new(&mut c.min_len_secs).range(1.0..=600.0))
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("longest (s)");
            ui.add(egui::DragValue::new(&mut c.max_len_secs).range(1.0..=1800.0))
                .labelled_by(l.id);
            ui.end_row();
            // How the video is read cannot change while it is being read.
            let idle = state.analysis.is_none();
            ui.label("");
            ui.add_enabled(
                idle,
                egui::Checkbox::new(&mut c.speech, "transcribe speech"),
            )
            .on_disabled_hover_text("For the next Find Viral Clips");
            ui.end_row();
            let l = ui.label("model");
            ui.add_enabled(
                idle && c.speech,
                egui::TextEdit::singleline(&mut c.model).hint_text("SLOP_WHISPER_MODEL"),
            )
            .labelled_by(l.id)
            .on_hover_text("A model name (tiny.en, base.en-q5_1, …) or a path to a ggml file");
            ui.end_row();
        });
    ui.separator();
    // The weights rank again at once from the last analysis (no new decode).
    ui.label("weights (rank again at once)");
    egui::Grid::new("analysis weights")
        .num_columns(2)
        .show(ui, |ui| {
            for name in Weights::NAMES {
                let Some(mut value) = c.weights.get(name) else {
                    continue;
                };
                let l = ui.label(name);
                let slider = ui
                    .add(egui::Slider::new(&mut value, 0.0..=WEIGHT_MAX).step_by(0.1))
                    .labelled_by(l.id)
                    .on_hover_text(Weights::describe(name));
                if slider.changed() {
                    c.weights.set(name, value);
                }
                ui.end_row();
            }
        });
    if ui
        .add_enabled(
            c.weights != Weights::default(),
            egui::Button::new("Default weights"),
        )
        .clicked()
    {
        c.weights = Weights::default();
    }
    if c.max_len_secs < c.min_len_secs {
        c.max_len_secs = c.min_len_secs;
    }
    if c != state.analysis_choices {
        cmds.push(Command::SetAnalysisChoices(c));
    }
}
