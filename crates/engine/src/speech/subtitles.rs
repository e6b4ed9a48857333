//! Subtitles for one clip from word timings: `.ass` with karaoke (`\k`) word highlighting, and
//! SRT / VTT. Times are relative to the clip start. Each word's `\k` lasts until the next word
//! starts (gaps included), so the highlight never runs ahead of the speech, and the `\k` values
//! of an event add up to its length exactly.

use super::transcript::Word;
use std::fmt::Write as _;

/// Look and layout of the karaoke subtitles (1080×1920 portrait by default).
#[derive(Clone, Debug, PartialEq)]
pub struct AssStyle {
    pub words_per_line: usize,
    pub lines_per_event: usize,
    pub fade_ms: u32,
    /// Font family. The default, League Spartan (Bold), is bundled with the engine
    /// (`assets/fonts/`), so it renders the same everywhere; others come from fontconfig.
    pub font: String,
    pub size: u32,
    /// ASS colours `&HAABBGGRR`: sung (primary), not yet sung (secondary), outline, shadow.
    pub primary: String,
    pub secondary: String,
    pub outline: String,
    pub back: String,
    pub play_res: (u32, u32),
    /// Distance of the bottom line from the bottom edge.
    pub margin_v: u32,
    pub margin_h: u32,
}

impl Default for AssStyle {
    fn default() -> Self {
        AssStyle {
            words_per_line: 5,
            lines_per_event: 2,
            fade_ms: 100,
            font: "League Spartan".into(),
            // League Spartan's tall line metrics draw it smaller than most faces at one ASS
            // size: 110 gives the cap height DejaVu Sans had at 80, in a narrower line.
            size: 110,
            primary: "&H0000FFFF".into(),
            secondary: "&H00FFFFFF".into(),
            outline: "&H00000000".into(),
            back: "&H80000000".into(),
            play_res: (1080, 1920),
            margin_v: 320,
            margin_h: 60,
        }
    }
}

/// The words inside `[start, end)`, shifted to clip time (0 = clip start).
fn clip_words(words: &[Word], start: f64, end: f64) -> Vec<Word> {
    words
        .iter()
        .filter(|w| w.end > start && w.start < end)
        .map(|w| Word {
            start: (w.start - start).max(0.0),
            end: (w.end.min(end) - start).max(0.0),
            word: w.word.clone(),
        })
        .collect()
}

fn centis(t: f64) -> i64 {
    (t * 100.0).round() as i64
}

fn ass_time(cs: i64) -> String {
    let cs = cs.max(0);
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        (cs / 6000) % 60,
        (cs / 100) % 60,
        cs % 100
    )
}

/// Groups words into events of `words_per_line × lines_per_event`.
fn events(words: &[Word], style: &AssStyle) -> Vec<Vec<Word>> {
    let per = (style.words_per_line * style.lines_per_event).max(1);
    words.chunks(per).map(<[Word]>::to_vec).collect()
}

/// The `.ass` file for the clip `[start, end)`.
pub fn clip_ass(words: &[Word], start: f64, end: f64, style: &AssStyle) -> String {
    let mut out = String::new();
    let (w, h) = style.play_res;
    let _ = write!(
        out,
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {w}\nPlayResY: {h}\nWrapStyle: 2\n\n\
         [V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
         Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Karaoke,{},{},{},{},{},{},1,0,0,0,100,100,0,0,1,5,2,2,{},{},{},1\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        style.font, style.size, style.primary, style.secondary, style.outline, style.back,
        style.margin_h, style.margin_h, style.margin_v
    );
    let words = clip_words(words, start, end);
    for ev in events(&words, style) {
        let (Some(first), Some(last)) = (ev.first(), ev.last()) else {
            continue;
        };
        let ev_start = centis(first.start);
        let ev_end = centis(last.end).max(ev_start + 1);
        let mut text = format!("{{\\fad({},{})}}", style.fade_ms, style.fade_ms);
        let mut t = ev_start;
        for (i, word) in ev.iter().enumerate() {
            // Each word lasts until the next one starts; the last one to the event's end.
            let until = ev
                .get(i + 1)
                .map_or(ev_end, |n| centis(n.start).clamp(t, ev_end));
            let k = until - t;
            t = until;
            if i > 0 && i % style.words_per_line == 0 {
                text.push_str("\\N");
            } else if i > 0 {
                text.push(' ');
            }
            let _ = write!(text, "{{\\k{k}}}{}", word.word);
        }
        let _ = writeln!(
            out,
            "Dialogue: 0,{},{},Karaoke,,0,0,0,,{text}",
            ass_time(ev_start),
            ass_time(ev_end)
        );
    }
    out
}

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

/// The plain-text cues of a clip: `(start, end, text)` per event, in clip time.
fn cues(words: &[Word], start: f64, end: f64, style: &AssStyle) -> Vec<(f64, f64, String)> {
    events(&clip_words(words, start, end), style)
        .iter()
        .filter_map(|ev| {
            let (a, b) = (ev.first()?, ev.last()?);
            let text: Vec<&str> = ev.iter().map(|w| w.word.as_str()).collect();
            Some((a.start, b.end, text.join(" ")))
        })
        .collect()
}

/// SRT for the clip, one cue per event.
pub fn clip_srt(words: &[Word], start: f64, end: f64, style: &AssStyle) -> String {
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
pub fn clip_vtt(words: &[Word], start: f64, end: f64, style: &AssStyle) -> String {
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
        for (i, w) in "one two three four five six seven eight nine ten eleven twelve"
            .split(' ')
            .enumerate()
        {
            let gap = if i == 4 { 0.4 } else { 0.05 };
            v.push(Word {
                start: t,
                end: t + 0.3,
                word: w.into(),
            });
            t += 0.3 + gap;
        }
        v
    }

    #[test]
    fn karaoke_durations_cover_the_event_and_gaps() {
        let ass = clip_ass(&words(), 9.5, 30.0, &AssStyle::default());
        assert!(ass.starts_with("[Script Info]"));
        assert!(ass.contains("[V4+ Styles]") && ass.contains("[Events]"));
        let dialogues: Vec<&str> = ass.lines().filter(|l| l.starts_with("Dialogue:")).collect();
        assert_eq!(dialogues.len(), 2, "10 words per event");
        for d in dialogues {
            let fields: Vec<&str> = d.splitn(10, ',').collect();
            let parse = |s: &str| {
                let p: Vec<f64> = s.split(':').map(|x| x.parse().expect("time")).collect();
                ((p[0] * 3600.0 + p[1] * 60.0 + p[2]) * 100.0).round() as i64
            };
            let len = parse(fields[2]) - parse(fields[1]);
            let ks: i64 = fields[9]
                .split("{\\k")
                .skip(1)
                .map(|p| {
                    p.split('}')
                        .next()
                        .expect("k")
                        .parse::<i64>()
                        .expect("number")
                })
                .sum();
            assert_eq!(ks, len, "\\k sum equals the event length: {d}");
        }
        // Relative to the clip: the first word at 10.0 s starts at 0.50 s.
        assert!(ass.contains("Dialogue: 0,0:00:00.50,"));
        assert!(ass.contains("\\N"), "two lines per event");
    }

    #[test]
    fn srt_and_vtt() {
        let srt = clip_srt(&words(), 10.0, 30.0, &AssStyle::default());
        assert!(srt.starts_with("1\n00:00:00,000 --> "));
        assert!(srt.contains("one two three"));
        let vtt = clip_vtt(&words(), 10.0, 30.0, &AssStyle::default());
        assert!(vtt.starts_with("WEBVTT\n\n00:00:00.000 --> "));
    }
}
