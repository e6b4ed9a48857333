//! The timeline's word lane, shown when zoomed in far enough to read: each spoken word on a
//! faint box spanning its time (the word at the playhead in the highlight colour, as in the
//! line under the timeline), its label running on into the pause after it and cut short
//! before the next word, so neighbours never run together.

use super::time_axis::TimeAxis;
use crate::gui::state::AppState;
use egui::{Rect, Stroke};
use slopcannon_engine::speech::Word;

/// Words are drawn once a second is at least this wide (points).
const WORDS_MIN_PX_PER_SEC: f64 = 40.0;
/// Points kept clear between one label and the next word.
const LABEL_GAP_PX: f64 = 3.0;

/// Where a word is drawn, in points: its box (its time) and how far its label may run.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WordSpan {
    box_x0: f64,
    box_x1: f64,
    label_x1: f64,
}

/// The spans of the words (in time order) that are in view. A label may run past its word's
/// end into the pause, never closer than [`LABEL_GAP_PX`] to the next word's start, nor past
/// the axis.
fn word_spans<'a>(
    words: impl Iterator<Item = &'a Word>,
    axis: &TimeAxis,
) -> Vec<(&'a Word, WordSpan)> {
    let mut visible: Vec<&Word> = words
        .filter(|w| w.end >= axis.t0 && w.start <= axis.t1)
        .collect();
    visible.sort_by(|a, b| a.start.total_cmp(&b.start));
    let mut spans = Vec::with_capacity(visible.len());
    for (i, w) in visible.iter().enumerate() {
        let box_x0 = axis.x_of(w.start);
        let box_x1 = axis.x_of(w.end).max(box_x0 + 1.0);
        let next = visible.get(i + 1).map_or(axis.x1, |n| axis.x_of(n.start));
        let label_x1 = (next - LABEL_GAP_PX).min(axis.x1).max(box_x0);
        spans.push((
            *w,
            WordSpan {
                box_x0,
                box_x1: box_x1.min(next - 1.0).max(box_x0),
                label_x1,
            },
        ));
    }
    spans
}

/// Draws the words of the transcript over `r`, or nothing when zoomed out too far to read.
pub fn draw_words(
    painter: &egui::Painter,
    ui: &egui::Ui,
    state: &AppState,
    r: Rect,
    axis: &TimeAxis,
) {
    let px_per_sec = (axis.x1 - axis.x0) / (axis.t1 - axis.t0);
    let Some(t) = &state.clips.transcript else {
        return;
    };
    if px_per_sec < WORDS_MIN_PX_PER_SEC {
        return;
    }
    let font = egui::FontId::proportional(11.0);
    let color = ui.visuals().text_color();
    let fill = ui.visuals().faint_bg_color;
    let edge = Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color);
    let spoken = ui.visuals().warn_fg_color;
    let at = state.playhead_secs;
    let words = t.segments.iter().flat_map(|s| s.words.iter());
    for (w, span) in word_spans(words, axis) {
        let now = w.start <= at && at < w.end;
        let body = Rect::from_x_y_ranges(
            span.box_x0 as f32..=span.box_x1 as f32,
            r.top() + 1.0..=r.bottom() - 1.0,
        );
        let outline = if now { Stroke::new(1.0, spoken) } else { edge };
        painter.rect(
            body.intersect(r),
            2.0,
            fill,
            outline,
            egui::StrokeKind::Inside,
        );
        let label = Rect::from_x_y_ranges(span.box_x0 as f32..=span.label_x1 as f32, r.y_range());
        painter.with_clip_rect(label.intersect(r)).text(
            label.left_center() + egui::vec2(2.0, 0.0),
            egui::Align2::LEFT_CENTER,
            &w.word,
            font.clone(),
            if now { spoken } else { color },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: f64, end: f64, text: &str) -> Word {
        Word {
            start,
            end,
            word: text.to_string(),
        }
    }

    #[test]
    fn labels_never_reach_the_next_word_and_run_on_into_pauses() {
        // 100 points per second: "Today" is 0.1 s (10 pt) wide, right against "we".
        let axis = TimeAxis {
            t0: 0.0,
            t1: 10.0,
            x0: 0.0,
            x1: 1000.0,
        };
        let words = [
            word(2.0, 3.0, "pause"),
            word(1.0, 1.1, "Today"),
            word(1.1, 1.3, "we"),
            word(1.3, 1.4, "are"),
            word(9.95, 10.5, "cut"),
        ];
        let spans = word_spans(words.iter(), &axis);
        let texts: Vec<&str> = spans.iter().map(|(w, _)| w.word.as_str()).collect();
        assert_eq!(
            texts,
            ["Today", "we", "are", "pause", "cut"],
            "in time order"
        );
        for pair in spans.windows(2) {
            let (a, b) = (pair[0].1, pair[1].1);
            assert!(
                a.label_x1 <= b.box_x0 - LABEL_GAP_PX + 1e-9,
                "{a:?} runs into {b:?}"
            );
            assert!(a.box_x1 < b.box_x0, "boxes touch: {a:?} {b:?}");
        }
        let today = spans[0].1;
        assert!((today.label_x1 - (110.0 - LABEL_GAP_PX)).abs() < 1e-9);
        // "are" ends at 140 pt; the pause lets its label run on to "pause" at 200 pt.
        assert!((spans[2].1.label_x1 - (200.0 - LABEL_GAP_PX)).abs() < 1e-9);
        // The last word stops at the axis' end.
        assert!(spans[4].1.label_x1 <= axis.x1);
    }

    #[test]
    fn words_out_of_view_are_left_out() {
        let axis = TimeAxis {
            t0: 5.0,
            t1: 6.0,
            x0: 0.0,
            x1: 100.0,
        };
        let words = [
            word(1.0, 2.0, "before"),
            word(5.5, 5.6, "in"),
            word(7.0, 8.0, "after"),
        ];
        let spans = word_spans(words.iter(), &axis);
        assert_eq!(spans.len(), 1);
        assert_eq!(spans[0].0.word, "in");
        assert!((spans[0].1.label_x1 - (100.0 - LABEL_GAP_PX)).abs() < 1e-9);
    }
}
