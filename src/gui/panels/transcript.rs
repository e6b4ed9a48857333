//! The transcript panel (left side): the whole text, one paragraph per segment, the word at
//! the playhead highlighted. Click a word to seek there; Shift+click selects words up to it and
//! "Clip these words" adds a segment on their bounds; search highlights matches and "Next"
//! jumps to the next one after the playhead; right-click a word to correct it (the captions
//! burn the corrected word, and the project keeps it).

use crate::gui::command::Command;
use crate::gui::state::AppState;
use slopcannon_engine::speech::Transcript;

/// Segments laid out at a time (around the playhead).
const SHOWN: usize = 120;

/// A word's place: (segment, word) indices.
pub type WordAt = (usize, usize);

pub fn transcript_ui(ui: &mut egui::Ui, state: &AppState, cmds: &mut Vec<Command>) {
    let Some(t) = &state.clips.transcript else {
        return;
    };
    egui::Panel::left("transcript")
        .resizable(true)
        .default_size(300.0)
        .show(ui, |ui| {
            ui.heading("Transcript");
            let mut search = state.transcript_search.clone();
            ui.horizontal(|ui| {
                let search_label = ui.label("search");
                ui.add(egui::TextEdit::singleline(&mut search).desired_width(140.0))
                    .labelled_by(search_label.id);
                if ui
                    .add_enabled(!search.is_empty(), egui::Button::new("Next"))
                    .on_hover_text("The next match after the playhead")
                    .clicked()
                {
                    if let Some(w) = next_match(t, &search, state.playhead_secs) {
                        cmds.push(Command::Seek(w));
                    }
                }
            });
            if search != state.transcript_search {
                cmds.push(Command::SetTranscriptSearch(search.clone()));
            }
            if let Some(((s0, w0), (s1, w1))) = state.word_selection {
                let (a, b) = (word(t, (s0, w0)), word(t, (s1, w1)));
                if let (Some(a), Some(b)) = (a, b) {
                    let (start, end) = (a.start.min(b.start), a.end.max(b.end));
                    let text = format!(
                        "Clip these words ({})",
                        slopcannon_engine::media::format_secs(end - start)
                    );
                    if ui
                        .button(text)
                        .on_hover_text("A segment from the first selected word to the last")
                        .clicked()
                    {
                        cmds.push(Command::ClipWords { start, end });
                    }
                }
            }
            ui.separator();
            // A long transcript (a 2-hour talk has ~1500 segments, 20 000 words) is laid out
            // around the playhead only, so the panel costs the same for any length.
            let at = t
                .segments
                .partition_point(|seg| seg.end < state.playhead_secs);
            let first = at.saturating_sub(SHOWN / 2);
            let last = (first + SHOWN).min(t.segments.len());
            if t.segments.len() > SHOWN {
                ui.weak(format!(
                    "segments {}–{} of {} (around the playhead; search to go further)",
                    first + 1,
                    last,
                    t.segments.len()
                ));
            }
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (si, seg) in t.segments.iter().enumerate().take(last).skip(first) {
                        paragraph_ui(ui, state, si, seg, &search, cmds);
                    }
                });
        });
}

fn word(t: &Transcript, (s, w): WordAt) -> Option<&slopcannon_engine::speech::Word> {
    t.segments.get(s).and_then(|seg| seg.words.get(w))
}

/// The start of the first word after `after` (seconds) containing `needle` (ignoring case),
/// wrapping round to the first match.
pub fn next_match(t: &Transcript, needle: &str, after: f64) -> Option<f64> {
    let needle = needle.to_lowercase();
    let hits: Vec<f64> = t
        .words()
        .filter(|w| w.word.to_lowercase().contains(&needle))
        .map(|w| w.start)
        .collect();
    hits.iter()
        .copied()
        .find(|s| *s > after + 1e-3)
        .or_else(|| hits.first().copied())
}

fn selected(state: &AppState, at: WordAt) -> bool {
    state.word_selection.is_some_and(|(a, b)| {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        lo <= at && at <= hi
    })
}

/// One segment's words as a flowing paragraph of clickable words.
fn paragraph_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    si: usize,
    seg: &slopcannon_engine::speech::Segment,
    search: &str,
    cmds: &mut Vec<Command>,
) {
    let at = state.playhead_secs;
    let needle = search.to_lowercase();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        for (wi, w) in seg.words.iter().enumerate() {
            let now = w.start <= at && at < w.end;
            let mut text = egui::RichText::new(w.word.trim());
            if now {
                text = text.color(ui.visuals().warn_fg_color).strong();
            }
            if !needle.is_empty() && w.word.to_lowercase().contains(&needle) {
                text = text.background_color(ui.visuals().selection.bg_fill.gamma_multiply(0.6));
            }
            let response = ui.selectable_label(selected(state, (si, wi)), text);
            if response.clicked() {
                let shift = ui.input(|i| i.modifiers.shift);
                match (shift, state.word_selection) {
                    (true, Some((anchor, _))) => {
                        cmds.push(Command::SelectWords(Some((anchor, (si, wi)))));
                    }
                    _ => {
                        cmds.push(Command::SelectWords(Some(((si, wi), (si, wi)))));
                        cmds.push(Command::Seek(w.start));
                    }
                }
            }
            response.context_menu(|ui| {
                ui.label("Correct the word:");
                let mut fixed = w.word.trim().to_string();
                let field = ui.text_edit_singleline(&mut fixed);
                if field.changed() && !fixed.trim().is_empty() {
                    cmds.push(Command::CorrectWord {
                        at: (si, wi),
                        text: fixed,
                    });
                }
            });
        }
    });
}
