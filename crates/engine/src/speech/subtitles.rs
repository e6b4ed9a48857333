//! Plain subtitle files for one clip from word timings: SRT and WebVTT, one cue per caption
//! (the same grouping as the burned-in captions, see [`crate::captions`], laid out on a
//! landscape picture; [`file_style`] is the grouping players show). Times are relative to the
//! clip start.

use super::transcript::Word;
use crate::captions::{captions, Canvas, CaptionStyle};
use std::fmt::Write as _;

fn srt_time(t: f64) -> String {
    let ms = (t.max(0.0) * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02},{:03}",
        ms / 3_600_000,
        (ms / 60_000) % 60,
        (ms / 1000) % 60,
        ms % 1000
    )
}

/// How a subtitle file groups words: as spoken (not in capitals), up to two lines of about 42
/// characters — what players show, not a short's few big words.
pub fn file_style() -> CaptionStyle {
    CaptionStyle {
        uppercase: false,
        words_per_line: 8,
        chars_per_line: 42,
        lines: 2,
        ..CaptionStyle::default()
    }
}

/// The plain-text cues of a clip: `(start, end, text)` per caption, in clip time.
fn cues(words: &[Word], start: f64, end: f64, style: &CaptionStyle) -> Vec<(f64, f64, String)> {
    let landscape = Canvas {
        width: 1920,
        height: 1080,
    };
    captions(words, start, end, style, landscape)
        .iter()
        .map(|c| (c.start, c.end, c.text("\n")))
        .collect()
}

/// SRT for the clip, one cue per caption.
pub fn clip_srt(words: &[Word], start: f64, end: f64, style: &CaptionStyle) -> String {
    let mut out = String::new();
    for (i, (a, b, text)) in cues(words, start, end, style).iter().enumerate() {
        let _ = write!(
            out,
            "{}\n{} --> {}\n{text}\n\n",
            i + 1,
            srt_time(*a),
            srt_time(*b)
        );
    }
    out
}

/// WebVTT for the clip (SRT's cues with `.` before the milliseconds).
pub fn clip_vtt(words: &[Word], start: f64, end: f64, style: &CaptionStyle) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for (a, b, text) in cues(words, start, end, style) {
        let (a, b) = (srt_time(a).replace(',', "."), srt_time(b).replace(',', "."));
        let _ = write!(out, "{a} --> {b}\n{text}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Vec<Word> {
        let mut v = Vec::new();
        let mut t = 10.0;
        for w in "one two three four five six".split(' ') {
            v.push(Word {
                start: t,
                end: t + 0.3,
                word: format!(" {w}"),
            });
            t += 0.35;
        }
        v
    }

    #[test]
    fn srt_and_vtt() {
        let style = CaptionStyle {
            uppercase: false,
            ..CaptionStyle::default()
        };
        let srt = clip_srt(&words(), 10.0, 30.0, &style);
        assert!(
            srt.starts_with("1\n00:00:00,000 --> 00:00:02,300\n"),
            "{srt}"
        );
        assert!(srt.contains("one two three\nfour five six"), "{srt}");
        let vtt = clip_vtt(&words(), 10.0, 30.0, &style);
        assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> "));
        // A file's cues: the words as spoken, more of them to a line.
        let srt = clip_srt(&words(), 10.0, 30.0, &file_style());
        assert!(
            srt.starts_with("1\n00:00:00,000 --> 00:00:02,300\none two three four five six\n\n"),
            "{srt}"
        );
    }
}
