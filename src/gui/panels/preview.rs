//! The central panel: the frame under the playhead, the transport (play / pause, frame
//! stepping, the scrub slider, volume) and the timeline; or the error that stops the window
//! from working (a bad setting, a bad file); before a file is open, `empty_state`.

use crate::gui::command::Command;
use crate::gui::player::shuttle;
use crate::gui::state::AppState;
use crate::gui::textures::Textures;
use crate::gui::widgets::timeline::{timeline_ui, Geometry};
use slopcannon_engine::media::format_secs;

/// Where the panel put things.
#[derive(Clone, Copy, Debug, Default)]
pub struct Layout {
    /// The size (in points) the picture is shown at.
    pub picture: Option<egui::Vec2>,
    pub timeline: Option<Geometry>,
}

/// Draws the panel; returns where the picture and the timeline went.
pub fn preview_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    textures: &Textures,
    cmds: &mut Vec<Command>,
) -> Layout {
    let mut layout = Layout::default();
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
            super::empty_state::empty_state_ui(ui, state, cmds);
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
            ui.label("Audio only: there is no picture to preview (Space plays the sound).");
            layout.timeline = transport_ui(ui, state, textures, cmds);
            return;
        }
        let slider_h = 72.0 + crate::gui::widgets::timeline::height(state);
        let avail = ui.available_size() - egui::vec2(0.0, slider_h);
        match textures.preview() {
            Some(tex) => {
                let alt = format!(
                    "Preview frame at {}",
                    format_secs(state.preview_secs.unwrap_or(state.playhead_secs))
                );
                let size = avail.max(egui::vec2(32.0, 32.0));
                layout.picture = Some(size);
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
                let size = avail.max(egui::vec2(32.0, 32.0));
                layout.picture = Some(size);
                ui.allocate_ui(size, |ui| {
                    ui.centered_and_justified(|ui| ui.spinner());
                });
            }
        }
        layout.timeline = transport_ui(ui, state, textures, cmds);
    });
    layout
}

/// Play / pause, frame stepping, the scrub slider, the volume; then the timeline.
fn transport_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    textures: &Textures,
    cmds: &mut Vec<Command>,
) -> Option<Geometry> {
    let duration = state.duration_secs().max(0.001);
    ui.horizontal(|ui| {
        let mut button = |ui: &mut egui::Ui, text: &str, cmd: Command, key: &str| {
            let tip = format!("{} ({key})", cmd.label());
            if ui.button(text).on_hover_text(tip).clicked() {
                cmds.push(cmd);
            }
        };
        button(ui, "|<", Command::SeekStart, "Home");
        button(ui, "<", Command::StepFrames(-1), "← or ,");
        let playing = state.playback.is_some();
        button(
            ui,
            if playing { "Pause" } else { "Play" },
            Command::TogglePlay,
            "Space or K; J / L shuttle",
        );
        button(ui, ">", Command::StepFrames(1), "→ or .");
        button(ui, ">|", Command::SeekEnd, "End");
        if let Some(p) = state.playback {
            let what = match (p.end_secs, p.looping) {
                (Some(_), true) => " clip, looping",
                (Some(_), false) => " clip",
                _ => "",
            };
            ui.monospace(format!("{}{what}", shuttle::label(p.speed)));
        }
        let mut t = state.playhead_secs;
        ui.spacing_mut().slider_width = (ui.available_width() - 260.0).max(100.0);
        let slider = egui::Slider::new(&mut t, 0.0..=duration)
            .show_value(false)
            .text("Playhead");
        let response = ui.add(slider);
        if response.changed() {
            cmds.push(if response.dragged() {
                Command::Scrub(t)
            } else {
                Command::Seek(t)
            });
        }
        ui.monospace(format_secs(state.playhead_secs));
        let mute = if state.muted { "Unmute" } else { "Mute" };
        if ui.button(mute).on_hover_text("Mute / unmute (M)").clicked() {
            cmds.push(Command::ToggleMute);
        }
        let mut volume = state.volume;
        ui.spacing_mut().slider_width = 70.0;
        if ui
            .add(egui::Slider::new(&mut volume, 0.0..=1.0).show_value(false))
            .on_hover_text("Volume")
            .changed()
        {
            cmds.push(Command::SetVolume(volume));
        }
    });
    let geometry = timeline_ui(ui, state, textures, cmds);
    words_ui(ui, state);
    geometry
}

/// What is being said at the playhead, the current word highlighted (a preview of the captions).
fn words_ui(ui: &mut egui::Ui, state: &AppState) {
    let Some(t) = &state.clips.transcript else {
        return;
    };
    let at = state.playhead_secs;
    let Some(seg) = t.segment_at(at, 0.3) else {
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
