//! The export panel's caption style: a preset, a style file, or the look changed here —
//! font, size, colours (the spoken word's too), outline, shadow, box, position, words per
//! line, lines, upper case, pop. The live preview beside it shows the result as exported.

use crate::gui::command::Command;
use crate::gui::state::ExportChoices;
use slopcannon_engine::captions::{CaptionStyle, Colour, Highlight, Position, PRESETS};

/// The font families offered (bundled with the app, so they look the same everywhere); any
/// installed family can be typed.
const FONTS: [&str; 2] = ["League Spartan", "Inter"];

fn to_egui(c: Colour) -> egui::Color32 {
    egui::Color32::from_rgba_unmultiplied(c.r, c.g, c.b, c.a)
}

fn from_egui(c: egui::Color32) -> Colour {
    let [r, g, b, a] = c.to_srgba_unmultiplied();
    Colour::rgba(r, g, b, a)
}

/// A colour button; true when changed.
fn colour_ui(ui: &mut egui::Ui, label: &str, colour: &mut Colour) -> bool {
    let mut c = to_egui(*colour);
    let changed = ui
        .horizontal(|ui| {
            let l = ui.label(label);
            ui.color_edit_button_srgba(&mut c)
                .labelled_by(l.id)
                .changed()
        })
        .inner;
    if changed {
        *colour = from_egui(c);
    }
    changed
}

/// Draws the style controls into `choices`.
pub fn caption_style_ui(ui: &mut egui::Ui, choices: &mut ExportChoices, cmds: &mut Vec<Command>) {
    let name = if choices.caption_style_name.is_empty() {
        PRESETS[0].to_string()
    } else {
        choices.caption_style_name.clone()
    };
    ui.horizontal(|ui| {
        let l = ui.label("Caption style");
        egui::ComboBox::from_id_salt("caption style")
            .selected_text(&name)
            .show_ui(ui, |ui| {
                for preset in PRESETS {
                    if ui.selectable_label(name == preset, preset).clicked() {
                        if let Some(style) = CaptionStyle::preset(preset) {
                            choices.caption_style = style;
                            choices.caption_style_name = preset.to_string();
                        }
                    }
                }
            })
            .response
            .labelled_by(l.id);
        if ui
            .small_button(Command::PickCaptionStyle.label())
            .on_hover_text("Load a .toml or .json style file (fields left out keep the preset's)")
            .clicked()
        {
            cmds.push(Command::PickCaptionStyle);
        }
    });
    let before = choices.caption_style.clone();
    let s = &mut choices.caption_style;
    egui::CollapsingHeader::new("Customise captions")
        .id_salt("customise captions")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label("Font");
                egui::ComboBox::from_id_salt("caption font")
                    .selected_text(&s.font)
                    .show_ui(ui, |ui| {
                        for f in FONTS {
                            ui.selectable_value(&mut s.font, f.to_string(), f);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.add(egui::TextEdit::singleline(&mut s.font).desired_width(110.0))
                    .on_hover_text("Any installed font family");
                ui.checkbox(&mut s.bold, "Bold");
            });
            ui.add(egui::Slider::new(&mut s.size, 30.0..=200.0).text("size"));
            colour_ui(ui, "Text", &mut s.text_colour);
            colour_ui(ui, "Spoken word", &mut s.active_colour);
            ui.horizontal(|ui| {
                colour_ui(ui, "Outline", &mut s.outline_colour);
                ui.add(egui::Slider::new(&mut s.outline, 0.0..=20.0).text("width"));
            });
            ui.horizontal(|ui| {
                colour_ui(ui, "Shadow", &mut s.shadow_colour);
                ui.add(egui::Slider::new(&mut s.shadow, 0.0..=20.0).text("distance"));
            });
            ui.horizontal(|ui| {
                ui.checkbox(&mut s.boxed, "Box behind the line");
                if s.boxed {
                    colour_ui(ui, "", &mut s.box_colour);
                }
            });
            ui.horizontal(|ui| {
                let l = ui.label("Position");
                egui::ComboBox::from_id_salt("caption position")
                    .selected_text(s.position.name())
                    .show_ui(ui, |ui| {
                        for p in Position::ALL {
                            ui.selectable_value(&mut s.position, p, p.name());
                        }
                    })
                    .response
                    .labelled_by(l.id);
            });
            ui.add(egui::Slider::new(&mut s.words_per_line, 1..=10).text("words per line"));
            ui.add(egui::Slider::new(&mut s.lines, 1..=3).text("lines"));
            ui.horizontal(|ui| {
                ui.checkbox(&mut s.uppercase, "UPPER CASE");
                let mut fill = s.highlight == Highlight::Fill;
                if ui
                    .checkbox(&mut fill, "Keep spoken words coloured")
                    .changed()
                {
                    s.highlight = if fill {
                        Highlight::Fill
                    } else {
                        Highlight::Word
                    };
                }
            });
            ui.add(egui::Slider::new(&mut s.pop, 1.0..=1.5).text("pop"))
                .on_hover_text("The spoken word grows to this size and back");
        });
    if *s != before {
        if s.validate().is_err() {
            *s = before;
        } else {
            choices.caption_style_name = "custom".into();
        }
    }
}
