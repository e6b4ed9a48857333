//! The segment list (right side): the clips found, best first, and the person's own, with
//! score, span, label and reasons; the selected one's bounds typed as `m:ss.fff` and its label.
//! Click a segment to select it and jump there; ↑ / ↓ step through the list; I / O trim the
//! selected one to the playhead; N adds, B splits, Delete deletes, Ctrl+Z undoes.

use crate::gui::command::Command;
use crate::gui::state::AppState;
use crate::gui::textures::Textures;
use slopcannon_engine::analysis::Pass;
use slopcannon_engine::media::{format_secs, parse_secs};
use slopcannon_engine::project::ExportSettings;

/// The export section's first height, as a share of the clips panel.
const EXPORT_SHARE: f32 = 0.55;
/// The least height the export section is dragged down to, and the least the list keeps.
const EXPORT_MIN: f32 = 80.0;
const LIST_MIN: f32 = 160.0;

pub fn clips_ui(ui: &mut egui::Ui, state: &AppState, textures: &Textures, cmds: &mut Vec<Command>) {
    egui::Panel::right("clips")
        .resizable(true)
        .default_size(340.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Clips");
                match state.clips.pass {
                    Some(Pass::Quick) => {
                        ui.label("(quick pass — refining…)").on_hover_text(
                            "Ranked from audio and keyframes; the full pass is still running. \
                             What you edit now is kept.",
                        );
                    }
                    Some(Pass::Full) => {
                        ui.label(crate::wording::count(state.clips.scenes.len(), "scene cut"));
                    }
                    None => {}
                }
            });
            ui.horizontal_wrapped(|ui| {
                for cmd in [
                    Command::AddSegment,
                    Command::SplitSegment,
                    Command::DuplicateSegment,
                    Command::DeleteSegment,
                ] {
                    let text = match cmd {
                        Command::AddSegment => "Add",
                        Command::SplitSegment => "Split",
                        Command::DuplicateSegment => "Duplicate",
                        _ => "Delete",
                    };
                    let key = cmd
                        .shortcut()
                        .map(|k| ui.ctx().format_shortcut(&k))
                        .unwrap_or_default();
                    if ui
                        .small_button(text)
                        .on_hover_text(format!("{} ({key})", cmd.label()))
                        .clicked()
                    {
                        cmds.push(cmd);
                    }
                }
            });
            if state.segments().is_empty() {
                if state.analysis.is_some() {
                    ui.label("Looking for the best moments…");
                } else {
                    ui.label("No segments: N adds one at the playhead.");
                }
                return;
            }
            // The export section never takes more than its share of the panel: what does not
            // fit scrolls, the list and the clip editor above keep the rest, the Export button
            // stays in view, and the divider can be dragged.
            let room = ui.available_height();
            egui::Panel::bottom("export")
                .resizable(true)
                .default_size(room * EXPORT_SHARE)
                .size_range(EXPORT_MIN.min(room)..=(room - LIST_MIN).max(EXPORT_MIN))
                .show(ui, |ui| {
                    // Filled whatever is shown (the panel keeps the size its content takes:
                    // a shorter content, as while exporting, would shrink it frame by frame).
                    ui.set_min_height(ui.available_height());
                    let button = ui.spacing().interact_size.y + ui.spacing().item_spacing.y * 2.0;
                    egui::ScrollArea::vertical()
                        .id_salt("export choices")
                        .max_height((ui.available_height() - button).max(0.0))
                        .auto_shrink([false, false])
                        .show(ui, |ui| export_ui(ui, state, textures, cmds));
                    export_button_ui(ui, state, cmds);
                });
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let selected_id = state.clips.segments.selected;
                    for (i, seg) in state.segments().iter().enumerate() {
                        let selected = selected_id == Some(seg.id);
                        let what = if seg.own {
                            "yours".to_string()
                        } else {
                            format!("score {:.0}", seg.score)
                        };
                        let title = format!(
                            "#{}  {} – {}  ({:.0} s)   {what}",
                            i + 1,
                            format_secs(seg.start),
                            format_secs(seg.end),
                            seg.len_secs(),
                        );
                        let response = ui
                            .horizontal(|ui| {
                                let mut chosen = seg.chosen;
                                if ui
                                    .checkbox(&mut chosen, "")
                                    .on_hover_text("Export this clip")
                                    .changed()
                                {
                                    cmds.push(Command::ToggleChosen(i));
                                }
                                // An unticked clip (filler comes unticked) reads dimmer.
                                let title = egui::RichText::new(title);
                                let title = if seg.chosen {
                                    title.strong()
                                } else {
                                    title.weak()
                                };
                                ui.selectable_label(selected, title)
                            })
                            .inner
                            .on_hover_text("Select and jump to this clip (↑ / ↓: previous / next)");
                        if response.clicked() {
                            cmds.push(Command::SelectClip(i));
                        }
                        // The label on a line of its own, cut to the panel's width (whole
                        // in its field), so a long one does not widen the panel.
                        if !seg.label.trim().is_empty() {
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(format!("“{}”", seg.label.trim()))
                                        .italics(),
                                )
                                .truncate(),
                            );
                        }
                        for reason in &seg.reasons {
                            ui.label(egui::RichText::new(format!("   • {reason}")).small());
                        }
                        if selected {
                            edit_ui(ui, i, seg, state, cmds);
                        }
                        ui.separator();
                    }
                });
        });
    confirm_find_ui(ui, state, cmds);
}

/// The frame at the playhead as the export will write it (layout, background, captions), in
/// a box of one size whether it is there yet or not (the panel does not jump when it comes).
fn preview_ui(ui: &mut egui::Ui, state: &AppState, textures: &Textures) {
    const H: f32 = 300.0;
    egui::CollapsingHeader::new("Preview (as exported)")
        .id_salt("export preview")
        .default_open(true)
        .show(ui, |ui| {
            let p = &state.export_preview;
            let size = egui::vec2(H * 9.0 / 16.0, H);
            ui.allocate_ui(size, |ui| match textures.export_preview() {
                Some(tex) => {
                    let t = tex.size_vec2();
                    let w = H * t.x / t.y.max(1.0);
                    ui.add(
                        egui::Image::new(tex)
                            .fit_to_exact_size(egui::vec2(w.min(size.x * 2.0), H))
                            .alt_text("Export preview"),
                    )
                    .on_hover_text(
                        "The clip under the playhead (or the selected one), exactly as exported",
                    );
                }
                None if p.error.is_none() => {
                    ui.set_min_size(size);
                    ui.spinner();
                }
                None => {
                    ui.set_min_size(size);
                }
            });
            if let Some(e) = &p.error {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
        });
}

/// The selected segment's bounds (typed as `m:ss.fff`, or dragged) and label.
fn edit_ui(
    ui: &mut egui::Ui,
    index: usize,
    seg: &slopcannon_engine::project::Segment,
    state: &AppState,
    cmds: &mut Vec<Command>,
) {
    let duration = state.duration_secs();
    let frame = 1.0 / state.fps();
    ui.horizontal(|ui| {
        let mut s = seg.start;
        let mut e = seg.end;
        let time = |v: &mut f64, ui: &mut egui::Ui| {
            ui.add(
                egui::DragValue::new(v)
                    .range(0.0..=duration)
                    .speed(frame)
                    .custom_formatter(|v, _| format_secs(v))
                    .custom_parser(parse_secs),
            )
        };
        let start_label = ui.label("start");
        let changed_s = time(&mut s, ui).labelled_by(start_label.id).changed();
        let end_label = ui.label("end");
        let changed_e = time(&mut e, ui).labelled_by(end_label.id).changed();
        if changed_s || changed_e {
            cmds.push(Command::SetClipBounds(s, e));
        }
    });
    ui.horizontal(|ui| {
        let label_label = ui.label("label");
        let mut text = seg.label.clone();
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut text)
                    .hint_text("Enter to name it")
                    // Its own id: the row above gains a line with the first letter typed,
                    // and a field known by its place would lose the keyboard then.
                    .id_salt(("segment label", seg.id)),
            )
            .labelled_by(label_label.id);
        if state.focus_label {
            field.request_focus();
        }
        if field.changed() {
            cmds.push(Command::SetLabel(index, text));
        } else if field.lost_focus() && text.trim() != text {
            cmds.push(Command::SetLabel(index, text.trim().to_string()));
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

/// Find Viral Clips again with edited segments there: keep them, or start over?
fn confirm_find_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    if !state.confirm_find {
        return;
    }
    let edited = state.clips.segments.edited();
    egui::Window::new("Find Viral Clips again?")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::vec2(0.0, 0.0))
        .show(ui.ctx(), |ui| {
            ui.label(format!(
                "You edited or made {edited} segment{}. Keep them and replace only the \
                 untouched found clips, or start over?",
                if edited == 1 { "" } else { "s" }
            ));
            ui.horizontal(|ui| {
                for cmd in [
                    Command::FindClipsKeeping { keep_edits: true },
                    Command::FindClipsKeeping { keep_edits: false },
                    Command::CancelFind,
                ] {
                    if ui.button(cmd.label()).clicked() {
                        cmds.push(cmd);
                    }
                }
            });
        });
}

/// The export queue: a row per clip with its progress and ETA, then what was written (or
/// why not); a running clip can be cancelled on its own.
fn queue_ui(
    ui: &mut egui::Ui,
    rows: &[crate::gui::state::ExportRow],
    running: bool,
    cmds: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical()
        .id_salt("export queue")
        .max_height(160.0)
        .show(ui, |ui| {
            for (i, row) in rows.iter().enumerate() {
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&row.title).small());
                    match &row.outcome {
                        Some(Ok(line)) => {
                            ui.label(egui::RichText::new(format!("written: {line}")).small());
                        }
                        Some(Err(why)) => {
                            ui.label(
                                egui::RichText::new(format!("not written: {why}"))
                                    .small()
                                    .color(ui.visuals().error_fg_color),
                            );
                        }
                        None => {
                            let eta = row
                                .eta()
                                .map(|e| {
                                    format!(" · {}", slopcannon_engine::progress::format_hms(e))
                                })
                                .unwrap_or_default();
                            let attempt = if row.attempts > 1 {
                                format!(" · attempt {}", row.attempts)
                            } else {
                                String::new()
                            };
                            let text = if row.started.is_none() {
                                "waiting".to_string()
                            } else {
                                format!("{:.0}%{eta}{attempt}", row.fraction * 100.0)
                            };
                            ui.add(
                                egui::ProgressBar::new(row.fraction as f32)
                                    .desired_width(120.0)
                                    .text(text),
                            );
                            if running
                                && ui
                                    .add_enabled(
                                        !row.cancelling,
                                        egui::Button::new("Cancel").small(),
                                    )
                                    .on_hover_text("Cancel this clip only")
                                    .clicked()
                            {
                                cmds.push(Command::CancelExportClip(i));
                            }
                        }
                    }
                });
            }
        });
}

/// Export choices, the Export button, and the export's progress.
fn export_ui(ui: &mut egui::Ui, state: &AppState, textures: &Textures, cmds: &mut Vec<Command>) {
    use slopcannon_engine::export::Portrait;
    if let Some(run) = &state.export {
        let (fraction, eta) = super::progress_parts(run.progress.as_ref());
        let text = if run.cancelling {
            "cancelling…".to_string()
        } else {
            format!(
                "exporting {} {:.0}%{eta}",
                crate::wording::count(run.clips, "clip"),
                fraction * 100.0
            )
        };
        ui.add(egui::ProgressBar::new(fraction).text(text));
        queue_ui(ui, &run.rows, true, cmds);
        if ui
            .add_enabled(!run.cancelling, egui::Button::new("Cancel all (Esc)"))
            .clicked()
        {
            cmds.push(Command::CancelExport);
        }
        return;
    }
    if let Some(done) = &state.last_export {
        queue_ui(ui, &done.rows, false, cmds);
        if ui
            .small_button(Command::ShowInFolder(done.dir.clone()).label())
            .on_hover_text(done.dir.display().to_string())
            .clicked()
        {
            cmds.push(Command::ShowInFolder(done.dir.clone()));
        }
        ui.separator();
    }
    let mut choices = state.export_choices.clone();
    if state.info().is_some() && !state.has_video() {
        // Sound alone: audio clips, or 9:16 shorts of the sound's bars and the captions.
        // A title makes a short only of a labelled clip: said of the one the preview shows.
        let captions = choices.captions && state.clips.transcript.is_some();
        let shorts = state
            .preview_segment()
            .is_some_and(|seg| state.sound_short(seg));
        ui.label(match (captions, shorts, choices.title) {
            (true, _, _) => {
                "Sound only: each clip is a 9:16 short, its sound as moving bars and its captions"
            }
            (false, true, _) => {
                "Sound only: this clip is a 9:16 short, its title over its sound's moving bars; clips without a label are audio (.m4a)"
            }
            (false, false, true) => {
                "Sound only: this clip has no label, so it is written as audio (.m4a)"
            }
            (false, false, false) => "Sound only: each clip is written as audio (.m4a)",
        })
        .on_hover_text(
            "A file with no picture has no layouts; with captions (or a title) its clips become 9:16 shorts",
        );
        if shorts {
            preview_ui(ui, state, textures);
        }
        destination_ui(ui, &mut choices, cmds);
        ui.checkbox(&mut choices.loudnorm, "Normalise loudness (EBU R128)");
        captions_ui(ui, state, &mut choices, cmds);
        if choices != state.export_choices {
            cmds.push(Command::SetExportChoices(choices));
        }
        return;
    }
    // The preview first: in view without scrolling, above the choices that change it.
    if state
        .export_choices
        .changes_picture(state.clips.transcript.is_some())
    {
        preview_ui(ui, state, textures);
    }
    let label = |p: Option<Portrait>| match p {
        None => "Original (smart cut)",
        Some(Portrait::Pad) => "9:16, fit with bars",
        Some(Portrait::Blur) => "9:16, fit over blur",
        Some(Portrait::Crop) => "9:16, crop to fill",
    };
    ui.horizontal(|ui| {
        let layout_label = ui.label("Layout");
        // With a background the export is stacked whatever the fit says (9:16, the clip on
        // top): the control says so.
        let shown = if choices.background.is_some() {
            "Stacked (9:16, clip over background)"
        } else {
            label(choices.portrait)
        };
        egui::ComboBox::from_id_salt("layout")
            .selected_text(shown)
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
    if choices.portrait.is_none() && choices.background.is_none() {
        ui.checkbox(&mut choices.reencode, "Re-encode every frame")
            .on_hover_text("Off: the smart cut copies the picture and re-encodes only the partial GOPs at the ends");
    }
    destination_ui(ui, &mut choices, cmds);
    ui.checkbox(&mut choices.loudnorm, "Normalise loudness (EBU R128)");
    captions_ui(ui, state, &mut choices, cmds);
    if choices != state.export_choices {
        cmds.push(Command::SetExportChoices(choices));
    }
}

/// Burned captions, and their style when they are on.
fn captions_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    choices: &mut ExportSettings,
    cmds: &mut Vec<Command>,
) {
    ui.add_enabled_ui(state.clips.transcript.is_some(), |ui| {
        ui.checkbox(&mut choices.captions, "Burn word-by-word captions")
            .on_disabled_hover_text(
                "Needs a transcript: install a whisper model and find clips again",
            );
    });
    ui.checkbox(&mut choices.title, "Title: each clip's label at the top")
        .on_hover_text(
            "In the captions' font, larger (at the bottom when the captions are at the top); a clip without a label gets none",
        );
    if choices.captions && state.clips.transcript.is_some() || choices.title {
        super::caption_style::caption_style_ui(ui, choices, cmds);
    }
}

/// Where the clips go and how they are named.
fn destination_ui(ui: &mut egui::Ui, choices: &mut ExportSettings, cmds: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        let to = choices.out_dir.as_ref().map_or_else(
            || "slopcannon-clips/ beside the video".to_string(),
            |d| d.display().to_string(),
        );
        ui.label(format!("To {to}"));
        if ui.small_button(Command::PickExportFolder.label()).clicked() {
            cmds.push(Command::PickExportFolder);
        }
        if choices.out_dir.is_some() && ui.small_button("Reset").clicked() {
            cmds.push(Command::SetExportFolder(None));
        }
    });
    ui.horizontal(|ui| {
        let name_label = ui.label("Names");
        ui.add(
            egui::TextEdit::singleline(&mut choices.template)
                .hint_text(slopcannon_engine::export::output::DEFAULT_TEMPLATE)
                .desired_width(220.0),
        )
        .labelled_by(name_label.id)
        .on_hover_text("Fields: {video} (the source's name), {num} (the clip's number), {start} and {end} (like 05m03s), {label} (the clip's label)");
    });
}

/// The Export button, below the choices (never scrolled away).
fn export_button_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    if state.export.is_some() {
        return;
    }
    let chosen = state.clips.segments.chosen().count();
    let button = egui::Button::new(export_button_text(chosen));
    if ui
        .add_enabled(chosen > 0, button)
        .on_hover_text("Write the ticked clips (Ctrl+E)")
        .clicked()
    {
        cmds.push(Command::ExportClips);
    }
}

/// The Export button's text for `chosen` ticked clips ("Export 1 clip", "Export 3 clips").
pub fn export_button_text(chosen: usize) -> String {
    match chosen {
        1 => "Export 1 clip".to_string(),
        n => format!("Export {n} clips"),
    }
}
