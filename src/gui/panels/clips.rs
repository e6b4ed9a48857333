//! The clip list (right side): the clips found, best first, with score, span and reasons.
//! Click a clip to select it and jump there; J / K step through the list; I / O trim the
//! selected clip to the playhead.

use crate::gui::command::Command;
use crate::gui::state::AppState;
use slopcannon_engine::analysis::Pass;
use slopcannon_engine::media::format_secs;

pub fn clips_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    egui::Panel::right("clips")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Clips");
                match state.clips.pass {
                    Some(Pass::Quick) => {
                        ui.label("(quick pass — refining…)").on_hover_text(
                            "Ranked from audio and keyframes; the full pass is still running.",
                        );
                    }
                    Some(Pass::Full) => {
                        ui.label(format!("{} scene cuts", state.clips.scenes.len()));
                    }
                    None => {}
                }
            });
            if state.clips.clips.is_empty() {
                if state.analysis.is_some() {
                    ui.label("Looking for the best moments…");
                }
                return;
            }
            egui::Panel::bottom("export").show(ui, |ui| export_ui(ui, state, cmds));
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (i, clip) in state.clips.clips.iter().enumerate() {
                        let selected = state.clips.selected == Some(i);
                        let title = format!(
                            "#{}  {} – {}  ({:.0} s)   score {:.0}",
                            i + 1,
                            format_secs(clip.start),
                            format_secs(clip.end),
                            clip.end - clip.start,
                            clip.score
                        );
                        let response = ui
                            .horizontal(|ui| {
                                let mut chosen = !state.unchosen.contains(&i);
                                if ui
                                    .checkbox(&mut chosen, "")
                                    .on_hover_text("Export this clip")
                                    .changed()
                                {
                                    cmds.push(Command::ToggleChosen(i));
                                }
                                ui.selectable_label(selected, egui::RichText::new(title).strong())
                            })
                            .inner
                            .on_hover_text("Select and jump to this clip (J / K: next / previous)");
                        if response.clicked() {
                            cmds.push(Command::SelectClip(i));
                        }
                        for reason in &clip.reasons {
                            ui.label(egui::RichText::new(format!("   • {reason}")).small());
                        }
                        if selected {
                            trim_ui(ui, clip.start, clip.end, state, cmds);
                        }
                        ui.separator();
                    }
                });
        });
}

/// Start/end editors for the selected clip.
fn trim_ui(ui: &mut egui::Ui, start: f64, end: f64, state: &AppState, cmds: &mut Vec<Command>) {
    let duration = state.duration_secs();
    let frame = 1.0 / state.fps();
    ui.horizontal(|ui| {
        let mut s = start;
        let mut e = end;
        let start_label = ui.label("start");
        let changed_s = ui
            .add(
                egui::DragValue::new(&mut s)
                    .range(0.0..=duration)
                    .speed(frame)
                    .max_decimals(3),
            )
            .labelled_by(start_label.id)
            .changed();
        let end_label = ui.label("end");
        let changed_e = ui
            .add(
                egui::DragValue::new(&mut e)
                    .range(0.0..=duration)
                    .speed(frame)
                    .max_decimals(3),
            )
            .labelled_by(end_label.id)
            .changed();
        if changed_s || changed_e {
            cmds.push(Command::SetClipBounds(s, e));
        }
    });
    ui.horizontal(|ui| {
        if ui.small_button("Start = playhead (I)").clicked() {
            cmds.push(Command::SetClipStart);
        }
        if ui.small_button("End = playhead (O)").clicked() {
            cmds.push(Command::SetClipEnd);
        }
    });
}

/// Export choices, the Export button, and the export's progress.
fn export_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    use slopcannon_engine::export::Portrait;
    let chosen = state.clips.clips.len() - state.unchosen.len().min(state.clips.clips.len());
    if let Some(run) = &state.export {
        let p = run.progress.as_ref();
        let fraction = p.and_then(|p| p.fraction()).unwrap_or(0.0) as f32;
        let eta = p
            .and_then(|p| p.eta)
            .map(|e| format!(" · ETA {}", slopcannon_engine::progress::format_hms(e)))
            .unwrap_or_default();
        let text = if run.cancelling {
            "cancelling…".to_string()
        } else {
            format!(
                "exporting {} clips {:.0}%{eta}",
                run.clips,
                fraction * 100.0
            )
        };
        ui.add(egui::ProgressBar::new(fraction).text(text));
        if ui
            .add_enabled(
                !run.cancelling,
                egui::Button::new(Command::CancelExport.label()),
            )
            .clicked()
        {
            cmds.push(Command::CancelExport);
        }
        return;
    }
    let mut choices = state.export_choices.clone();
    let label = |p: Option<Portrait>| match p {
        None => "Original (smart cut)",
        Some(Portrait::Pad) => "9:16, fit with bars",
        Some(Portrait::Blur) => "9:16, fit over blur",
        Some(Portrait::Crop) => "9:16, crop to fill",
    };
    ui.horizontal(|ui| {
        let layout_label = ui.label("Layout");
        egui::ComboBox::from_id_salt("layout")
            .selected_text(label(choices.portrait))
            .show_ui(ui, |ui| {
                for p in [
                    None,
                    Some(Portrait::Pad),
                    Some(Portrait::Blur),
                    Some(Portrait::Crop),
                ] {
                    ui.selectable_value(&mut choices.portrait, p, label(p));
                }
            })
            .response
            .labelled_by(layout_label.id);
    });
    ui.horizontal(|ui| match &choices.background {
        Some(bg) => {
            let name = bg.file_name().map_or_else(
                || bg.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            ui.label(format!("Stacked over {name}"))
                .on_hover_text("9:16: the clip on top, this video looping below");
            if ui
                .small_button("Remove")
                .on_hover_text("No background")
                .clicked()
            {
                cmds.push(Command::SetBackground(None));
            }
        }
        None => {
            if ui
                .button(Command::PickBackground.label())
                .on_hover_text(
                    "Stacked 9:16 shorts: the clip on top, a looping video (e.g. gameplay) below",
                )
                .clicked()
            {
                cmds.push(Command::PickBackground);
            }
        }
    });
    ui.checkbox(&mut choices.loudnorm, "Normalise loudness (EBU R128)");
    ui.add_enabled_ui(state.clips.transcript.is_some(), |ui| {
        ui.checkbox(&mut choices.captions, "Burn word-by-word subtitles")
            .on_disabled_hover_text(
                "Needs a transcript: install a whisper model and find clips again",
            );
    });
    if choices != state.export_choices {
        cmds.push(Command::SetExportChoices(choices));
    }
    let button = egui::Button::new(format!("Export {chosen} clips"));
    if ui
        .add_enabled(chosen > 0, button)
        .on_hover_text("Write the ticked clips to slopcannon-clips/ beside the video (Ctrl+E)")
        .clicked()
    {
        cmds.push(Command::ExportClips);
    }
}
