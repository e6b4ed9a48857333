//! Words → captions: which words share a caption and a line. A caption ends at a pause (so
//! nothing stays on screen through one), when its lines are full, or when the next word would
//! run past the safe margins; a word longer than the line is shrunk to fit. Times are relative
//! to the clip start.

use super::style::CaptionStyle;
use crate::speech::Word;

/// The picture the captions are drawn on, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
}

impl Canvas {
    /// The 9:16 short.
    pub const PORTRAIT: Canvas = Canvas {
        width: 1080,
        height: 1920,
    };

    /// Style sizes are pixels of a 1080×1920 short: a portrait canvas scales them by its
    /// width, a landscape one by its height (a little smaller: the line is wider).
    pub fn scale(self) -> f64 {
        if self.height >= self.width {
            f64::from(self.width.max(1)) / 1080.0
        } else {
            f64::from(self.height.max(1)) / 1080.0 * 0.8
        }
    }
}

/// One word as shown: its clip-relative times and its text.
#[derive(Clone, Debug, PartialEq)]
pub struct CaptionWord {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// One caption: what is on screen from `start` to `end`.
#[derive(Clone, Debug, PartialEq)]
pub struct Caption {
    pub start: f64,
    pub end: f64,
    pub lines: Vec<Vec<CaptionWord>>,
    /// Scale (≤ 1) that makes the widest line fit between the margins.
    pub fit: f64,
}

impl Caption {
    pub fn words(&self) -> impl Iterator<Item = &CaptionWord> {
        self.lines.iter().flatten()
    }

    /// The caption's text, lines joined by `sep`.
    pub fn text(&self, sep: &str) -> String {
        self.lines
            .iter()
            .map(|l| {
                l.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// How long a caption stays after its last word (never into the next one).
const LINGER_SECS: f64 = 0.25;

/// Estimated advance of one character, in ems: generous (bold faces, capitals are wide) so a
/// line that fits by this measure fits on screen.
fn char_em(c: char) -> f64 {
    match c {
        ' ' => 0.3,
        'i' | 'l' | 'j' | '.' | ',' | '\'' | '!' | ':' | ';' | '|' => 0.32,
        'M' | 'W' | 'm' | 'w' => 0.95,
        c if c.is_uppercase() => 0.72,
        c if c.is_ascii_digit() => 0.62,
        c if c.is_ascii() => 0.58,
        // Wide scripts (CJK, emoji) take about a full em.
        _ => 1.0,
    }
}

/// Width in pixels of `text` at font size `px` by the per-character table alone.
pub(super) fn raw_width(text: &str, px: f64) -> f64 {
    text.chars().map(char_em).sum::<f64>() * px
}

/// Estimated width in pixels of `text` in `style`'s font at size `px`: the table scaled by
/// what the font measures ([`super::measure::font_factor`]).
pub fn text_width(text: &str, px: f64, style: &CaptionStyle) -> f64 {
    raw_width(text, px) * super::measure::font_factor(&style.font, style.bold)
}

/// The text shown for a word: trimmed, line breaks as spaces, upper-cased if asked.
fn shown(word: &str, style: &CaptionStyle) -> String {
    let flat: String = word
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if style.uppercase {
        flat.to_uppercase()
    } else {
        flat
    }
}

/// The words inside `[start, end)` in clip time, with text to show.
fn clip_words(words: &[Word], start: f64, end: f64, style: &CaptionStyle) -> Vec<CaptionWord> {
    words
        .iter()
        .filter(|w| w.end > start && w.start < end)
        .map(|w| CaptionWord {
            start: (w.start - start).max(0.0),
            end: (w.end.min(end) - start).max(0.0),
            text: shown(&w.word, style),
        })
        .filter(|w| !w.text.trim().is_empty())
        .collect()
}

/// Width a line may take, pixels.
fn line_room(style: &CaptionStyle, canvas: Canvas) -> f64 {
    let px = style.size * canvas.scale();
    let outline = 2.0 * style.outline * canvas.scale();
    (f64::from(canvas.width) * (1.0 - 2.0 * style.margin_x) - outline).max(px)
}

/// Estimated width of a line: its words, the spaces between them, and room for the widest
/// word to pop.
fn line_width(line: &[CaptionWord], px: f64, style: &CaptionStyle) -> f64 {
    let widths: Vec<f64> = line
        .iter()
        .map(|w| text_width(&w.text, px, style))
        .collect();
    let spaces = line.len().saturating_sub(1) as f64 * text_width(" ", px, style);
    let widest = widths.iter().copied().fold(0.0, f64::max);
    widths.iter().sum::<f64>() + spaces + widest * (style.pop.max(1.0) - 1.0)
}

/// The captions of the clip `[start, end)` (seconds of the source) for `canvas`.
pub fn captions(
    words: &[Word],
    start: f64,
    end: f64,
    style: &CaptionStyle,
    canvas: Canvas,
) -> Vec<Caption> {
    let px = style.size * canvas.scale();
    let room = line_room(style, canvas);
    let mut out: Vec<Caption> = Vec::new();
    let mut lines: Vec<Vec<CaptionWord>> = Vec::new();
    let mut line: Vec<CaptionWord> = Vec::new();
    let mut last_end: Option<f64> = None;
    let flush_caption = |lines: &mut Vec<Vec<CaptionWord>>, out: &mut Vec<Caption>| {
        let lines = std::mem::take(lines);
        let (Some(first), Some(last)) = (
            lines.first().and_then(|l| l.first()),
            lines.last().and_then(|l| l.last()),
        ) else {
            return;
        };
        let widest = lines
            .iter()
            .map(|l| line_width(l, px, style))
            .fold(0.0, f64::max);
        out.push(Caption {
            start: first.start,
            end: last.end,
            fit: if widest > room { room / widest } else { 1.0 },
            lines,
        });
    };
    for w in clip_words(words, start, end, style) {
        let pause = last_end.is_some_and(|e| w.start - e >= style.pause_secs);
        last_end = Some(w.end);
        if pause {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            flush_caption(&mut lines, &mut out);
        }
        let fits = {
            let mut trial = line.clone();
            trial.push(w.clone());
            let chars = trial.iter().map(|w| w.text.chars().count()).sum::<usize>()
                + trial.len().saturating_sub(1);
            trial.len() <= style.words_per_line
                && (style.chars_per_line == 0 || chars <= style.chars_per_line)
                && line_width(&trial, px, style) <= room
        };
        if !fits && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            if lines.len() >= style.lines {
                flush_caption(&mut lines, &mut out);
            }
        }
        line.push(w);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    flush_caption(&mut lines, &mut out);
    // Each caption lingers a little after its last word, never into the next or past the clip.
    let clip_len = (end - start).max(0.0);
    let starts: Vec<f64> = out.iter().skip(1).map(|c| c.start).collect();
    for (i, c) in out.iter_mut().enumerate() {
        let next = starts.get(i).copied().unwrap_or(clip_len);
        c.end = (c.end + LINGER_SECS).min(next).min(clip_len).max(c.start);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: f64, end: f64, text: &str) -> Word {
        Word {
            start,
            end,
            word: text.into(),
        }
    }

    fn talk(texts: &[&str], from: f64, gap: f64) -> Vec<Word> {
        let mut t = from;
        texts
            .iter()
            .map(|w| {
                let x = word(t, t + 0.3, w);
                t += 0.3 + gap;
                x
            })
            .collect()
    }

    #[test]
    fn a_pause_ends_the_caption_and_nothing_stays_on_screen_through_it() {
        let mut words = talk(&["one", "two"], 10.0, 0.05);
        words.extend(talk(&["three", "four"], 14.0, 0.05));
        let style = CaptionStyle::default();
        let caps = captions(&words, 9.0, 20.0, &style, Canvas::PORTRAIT);
        assert_eq!(caps.len(), 2, "{caps:?}");
        assert!((caps[0].start - 1.0).abs() < 1e-9, "clip time");
        assert!(caps[0].end <= 1.65 + LINGER_SECS + 1e-9, "{:?}", caps[0]);
        assert!((caps[1].start - 5.0).abs() < 1e-9);
        assert_eq!(caps[1].text(" "), "THREE FOUR", "upper case");
    }

    #[test]
    fn lines_keep_to_the_word_and_character_limits() {
        let words = talk(&["a", "b", "c", "d", "e", "f", "g", "h", "i"], 0.0, 0.05);
        let style = CaptionStyle {
            words_per_line: 2,
            lines: 2,
            uppercase: false,
            ..CaptionStyle::default()
        };
        let caps = captions(&words, 0.0, 10.0, &style, Canvas::PORTRAIT);
        let shape: Vec<Vec<usize>> = caps
            .iter()
            .map(|c| c.lines.iter().map(Vec::len).collect())
            .collect();
        assert_eq!(shape, vec![vec![2, 2], vec![2, 2], vec![1]]);
        for pair in caps.windows(2) {
            assert!(pair[0].end <= pair[1].start, "captions never overlap");
        }
        let words = talk(&["abcd", "efgh", "ijkl"], 0.0, 0.05);
        let style = CaptionStyle {
            chars_per_line: 9,
            ..style
        };
        let caps = captions(&words, 0.0, 10.0, &style, Canvas::PORTRAIT);
        assert_eq!(caps[0].lines[0].len(), 2, "'abcd efgh' is 9 characters");
    }

    #[test]
    fn a_line_never_runs_past_the_margins() {
        let words = talk(
            &[
                "extraordinary",
                "circumstances",
                "notwithstanding",
                "whatsoever",
                "truly",
            ],
            0.0,
            0.05,
        );
        let style = CaptionStyle {
            words_per_line: 5,
            ..CaptionStyle::preset("classic").expect("classic")
        };
        let canvas = Canvas::PORTRAIT;
        let px = style.size * canvas.scale();
        for c in captions(&words, 0.0, 10.0, &style, canvas) {
            for l in &c.lines {
                assert!(line_width(l, px, &style) * c.fit <= line_room(&style, canvas) + 1e-6);
            }
        }
        // One word wider than the line is shrunk, not left to overflow.
        let huge = [word(
            0.0,
            1.0,
            "Pneumonoultramicroscopicsilicovolcanoconiosis",
        )];
        let caps = captions(&huge, 0.0, 2.0, &style, canvas);
        assert!(caps[0].fit < 0.6, "{}", caps[0].fit);
    }

    #[test]
    fn control_characters_in_a_word_become_spaces_and_empty_words_go() {
        let words = vec![word(0.0, 0.5, " two\nlines"), word(0.5, 1.0, "  ")];
        let caps = captions(&words, 0.0, 2.0, &CaptionStyle::default(), Canvas::PORTRAIT);
        assert_eq!(caps.len(), 1);
        assert_eq!(caps[0].text("|"), "TWO LINES");
        assert_eq!(caps[0].words().count(), 1);
    }
}
