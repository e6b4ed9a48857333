//! Captions → an `.ass` script libass burns: one style from the [`CaptionStyle`], one event
//! per caption, and in it, per word, timed overrides that turn the word the active colour
//! while it is spoken (and back, unless the style fills like karaoke) and pop it; and, when
//! asked, the clip's title for its whole length (a second style: the same font, larger, at the
//! top — at the bottom when the captions are at the top). Word and title text is escaped, so
//! `{`, `}` and `\` show as text and never become tags.

use super::layout::{captions, Canvas, Caption};
use super::style::{CaptionStyle, Highlight, Position};
use crate::speech::Word;
use std::fmt::Write as _;

/// Escapes text for an ASS event: braces become `\{` `\}` (libass shows them as text), a
/// backslash that would start `\N`, `\n` or `\h` gets a word joiner after it, and line
/// breaks become spaces (a raw one would end the event's line in the file).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '\\' => {
                out.push('\\');
                if matches!(chars.peek(), Some('N' | 'n' | 'h')) {
                    out.push('\u{2060}');
                }
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
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

/// The title's size, relative to the captions'.
const TITLE_SCALE: f64 = 1.15;
/// The title's distance from the top (or bottom) edge, a fraction of the picture's height.
const TITLE_MARGIN_Y: f64 = 0.08;

/// The style lines and script header for `canvas`.
fn header(style: &CaptionStyle, canvas: Canvas) -> String {
    let k = canvas.scale();
    let alignment = match style.position {
        Position::Bottom => 2,
        Position::Middle => 5,
        Position::Top => 8,
    };
    let margin_h = (f64::from(canvas.width) * style.margin_x).round();
    let margin_v = (f64::from(canvas.height) * style.margin_y).round();
    // A box is libass's "opaque box" border style: drawn in the outline colour, the outline
    // width its padding.
    let (border_style, outline_colour) = if style.boxed {
        (3, style.box_colour)
    } else {
        (1, style.outline_colour)
    };
    let title_alignment = if style.position == Position::Top {
        2
    } else {
        8
    };
    let title_margin_v = (f64::from(canvas.height) * TITLE_MARGIN_Y).round();
    format!(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {w}\nPlayResY: {h}\nWrapStyle: 1\n\
         ScaledBorderAndShadow: yes\n\n\
         [V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
         Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: Caption,{font},{size:.1},{primary},{secondary},{outline_c},{back},{bold},0,0,0,100,100,0,0,\
         {border_style},{outline:.1},{shadow:.1},{alignment},{margin_h},{margin_h},{margin_v},1\n\
         Style: Title,{font},{title_size:.1},{primary},{primary},{outline_c},{back},-1,0,0,0,100,100,0,0,\
         {border_style},{outline:.1},{shadow:.1},{title_alignment},{margin_h},{margin_h},{title_margin_v},1\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
        w = canvas.width,
        h = canvas.height,
        font = style.font.replace(',', " "),
        size = style.size * k,
        title_size = style.size * k * TITLE_SCALE,
        primary = style.text_colour.ass(),
        secondary = style.active_colour.ass(),
        outline_c = outline_colour.ass(),
        back = style.shadow_colour.ass(),
        bold = if style.bold { -1 } else { 0 },
        outline = style.outline * k,
        shadow = style.shadow * k,
    )
}

/// The text of one caption's event: per word, the overrides that mark it while it is spoken.
fn event_text(cap: &Caption, style: &CaptionStyle) -> String {
    let fit = (cap.fit * 100.0).round();
    let mut text = String::new();
    if style.fade_ms > 0 {
        let _ = write!(text, "{{\\fad({},{})}}", style.fade_ms, style.fade_ms);
    }
    if fit < 100.0 {
        let _ = write!(text, "{{\\fscx{fit}\\fscy{fit}}}");
    }
    let ev_start = centis(cap.start) * 10;
    let ev_len = (centis(cap.end) * 10 - ev_start).max(10);
    let words: Vec<_> = cap.words().collect();
    let (text_c, active_c) = (style.text_colour.ass_bgr(), style.active_colour.ass_bgr());
    let mut i = 0usize;
    for (l, line) in cap.lines.iter().enumerate() {
        if l > 0 {
            text.push_str("\\N");
        }
        for (j, word) in line.iter().enumerate() {
            if j > 0 {
                text.push(' ');
            }
            // Milliseconds from the event's start: spoken from its start to the next word's.
            let a = ((word.start * 1000.0).round() as i64 - ev_start).clamp(0, ev_len);
            let b = words
                .get(i + 1)
                .map_or(ev_len, |n| (n.start * 1000.0).round() as i64 - ev_start)
                .clamp(a, ev_len);
            let _ = write!(text, "{{\\1c{text_c}\\t({a},{},\\1c{active_c})", a + 1);
            if style.highlight == Highlight::Word && b < ev_len {
                let _ = write!(text, "\\t({b},{},\\1c{text_c})", b + 1);
            }
            if style.pop > 1.0 && style.pop_ms > 0 {
                let half = i64::from(style.pop_ms / 2).max(1);
                let big = (style.pop * fit).round();
                let _ = write!(
                    text,
                    "\\t({a},{},\\fscx{big}\\fscy{big})\\t({},{},\\fscx{fit}\\fscy{fit})",
                    a + half,
                    a + half,
                    a + 2 * half
                );
            }
            let _ = write!(text, "}}{}", escape(&word.text));
            i += 1;
        }
    }
    text
}

/// The `.ass` script for the clip `[start, end)` (seconds of the source) on `canvas`.
pub fn clip_ass(
    words: &[Word],
    start: f64,
    end: f64,
    style: &CaptionStyle,
    canvas: Canvas,
) -> String {
    titled_clip_ass(words, start, end, style, canvas, None)
}

/// [`clip_ass`] with `title` over the whole clip (none when it is `None` or blank).
pub fn titled_clip_ass(
    words: &[Word],
    start: f64,
    end: f64,
    style: &CaptionStyle,
    canvas: Canvas,
    title: Option<&str>,
) -> String {
    let mut out = header(style, canvas);
    if let Some(title) = title.map(str::trim).filter(|t| !t.is_empty()) {
        let title = if style.uppercase {
            title.to_uppercase()
        } else {
            title.to_string()
        };
        let _ = writeln!(
            out,
            "Dialogue: 1,{},{},Title,,0,0,0,,{}",
            ass_time(0),
            ass_time(centis(end - start).max(1)),
            escape(&title)
        );
    }
    for cap in captions(words, start, end, style, canvas) {
        let (a, b) = (centis(cap.start), centis(cap.end));
        let _ = writeln!(
            out,
            "Dialogue: 0,{},{},Caption,,0,0,0,,{}",
            ass_time(a),
            ass_time(b.max(a + 1)),
            event_text(&cap, style)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(texts: &[&str]) -> Vec<Word> {
        texts
            .iter()
            .enumerate()
            .map(|(i, w)| Word {
                start: 10.0 + i as f64 * 0.4,
                end: 10.3 + i as f64 * 0.4,
                word: (*w).into(),
            })
            .collect()
    }

    fn dialogues(ass: &str) -> Vec<&str> {
        ass.lines().filter(|l| l.starts_with("Dialogue:")).collect()
    }

    #[test]
    fn braces_and_backslashes_stay_text() {
        assert_eq!(escape(r"{\b1}"), r"\{\b1\}");
        assert_eq!(escape(r"a\Nb"), "a\\\u{2060}Nb");
        assert_eq!(escape("x\ny"), "x y");
        assert_eq!(escape(r"\{"), r"\\{");
        let ass = clip_ass(
            &words(&["{\\an8}", "fine"]),
            9.5,
            20.0,
            &CaptionStyle::default(),
            Canvas::PORTRAIT,
        );
        let d = dialogues(&ass);
        assert_eq!(d.len(), 1);
        assert!(d[0].contains(r"\{\AN8\}"), "{}", d[0]);
        assert!(!d[0].contains(r"{\AN8}"));
    }

    #[test]
    fn a_title_spans_the_clip_at_the_top_or_below_captions_at_the_top() {
        let style = CaptionStyle::default();
        let ass = titled_clip_ass(
            &words(&["one"]),
            9.5,
            20.0,
            &style,
            Canvas::PORTRAIT,
            Some(" Big {news} "),
        );
        let title: Vec<&str> = dialogues(&ass)
            .into_iter()
            .filter(|d| d.contains(",Title,"))
            .collect();
        let text = if style.uppercase {
            r"BIG \{NEWS\}"
        } else {
            r"Big \{news\}"
        };
        assert_eq!(
            title,
            [format!("Dialogue: 1,0:00:00.00,0:00:10.50,Title,,0,0,0,,{text}").as_str()]
        );
        // Alignment 8 (top) under bottom captions; 2 (bottom) when the captions are at the top.
        let alignment = |ass: &str| {
            let line = ass
                .lines()
                .find(|l| l.starts_with("Style: Title,"))
                .expect("style");
            line.split(',').nth(18).map(str::to_string)
        };
        assert_eq!(alignment(&ass).as_deref(), Some("8"));
        let top = CaptionStyle {
            position: Position::Top,
            ..style.clone()
        };
        let ass = titled_clip_ass(&[], 0.0, 5.0, &top, Canvas::PORTRAIT, Some("x"));
        assert_eq!(alignment(&ass).as_deref(), Some("2"));
        // A blank title is none.
        let ass = titled_clip_ass(&[], 0.0, 5.0, &style, Canvas::PORTRAIT, Some("  "));
        assert!(dialogues(&ass).is_empty());
    }

    #[test]
    fn each_word_turns_the_active_colour_while_it_is_spoken() {
        let style = CaptionStyle {
            uppercase: false,
            pop: 1.0,
            ..CaptionStyle::default()
        };
        let ass = clip_ass(
            &words(&["one", "two", "three"]),
            9.5,
            20.0,
            &style,
            Canvas::PORTRAIT,
        );
        let d = dialogues(&ass);
        assert_eq!(d.len(), 1, "{ass}");
        assert!(
            d[0].starts_with("Dialogue: 0,0:00:00.50,0:00:01.85,Caption"),
            "{}",
            d[0]
        );
        let y = style.active_colour.ass_bgr();
        let w = style.text_colour.ass_bgr();
        // "two" is spoken 400–800 ms after the event starts.
        assert!(
            d[0].contains(&format!(
                "{{\\1c{w}\\t(400,401,\\1c{y})\\t(800,801,\\1c{w})}}two"
            )),
            "{}",
            d[0]
        );
        assert!(ass.contains("Style: Caption,League Spartan,100.0,&H00FFFFFF,&H0000E0FF"));
        // Karaoke fill keeps spoken words coloured: no turning back.
        let fill = CaptionStyle {
            highlight: Highlight::Fill,
            ..style
        };
        let ass = clip_ass(&words(&["one", "two"]), 9.5, 20.0, &fill, Canvas::PORTRAIT);
        assert!(!ass.contains(&format!(",\\1c{w})")), "{ass}");
    }

    #[test]
    fn the_style_sets_position_box_and_scale() {
        let boxed = CaptionStyle {
            position: Position::Top,
            ..CaptionStyle::preset("boxed").expect("boxed")
        };
        let ass = clip_ass(
            &words(&["hi"]),
            10.0,
            11.0,
            &boxed,
            Canvas {
                width: 1920,
                height: 1080,
            },
        );
        let style_line = ass
            .lines()
            .find(|l| l.starts_with("Style: Caption"))
            .expect("style");
        let f: Vec<&str> = style_line.split(',').collect();
        assert_eq!(f[15], "3", "opaque box");
        assert_eq!(f[3], boxed.text_colour.ass());
        assert_eq!(
            f[5],
            boxed.box_colour.ass(),
            "the box is drawn in the outline colour"
        );
        assert_eq!(f[18], "8", "top");
        assert_eq!(f[2], "57.6", "72 × 0.8 on a 1080-high landscape canvas");
        assert!(ass.contains("PlayResX: 1920\nPlayResY: 1080"));
    }

    /// The bounding box (x0, y0, x1, y1) of everything libass draws at `ms`.
    fn drawn(ass: &str, canvas: Canvas, ms: i64) -> Option<(i32, i32, i32, i32)> {
        let mut r = crate::export::libass::AssRenderer::from_text(ass, canvas.width, canvas.height)
            .expect("libass reads the script");
        let mut b: Option<(i32, i32, i32, i32)> = None;
        for i in r.render(ms) {
            let (x1, y1) = (i.x + i.w as i32, i.y + i.h as i32);
            b = Some(match b {
                None => (i.x, i.y, x1, y1),
                Some((a, c, d, e)) => (a.min(i.x), c.min(i.y), d.max(x1), e.max(y1)),
            });
        }
        b
    }

    #[test]
    fn rendered_lines_stay_inside_the_safe_margins() {
        let long = [
            "Absolutely",
            "unbelievable",
            "WONDERFUL",
            "performances",
            "tonight",
            "everybody",
            "Mmmmmmmmmmmmmmmmmmmmmmmmmmm",
            "wow",
        ];
        let words: Vec<Word> = long
            .iter()
            .enumerate()
            .map(|(i, w)| Word {
                start: i as f64 * 0.5,
                end: i as f64 * 0.5 + 0.4,
                word: (*w).into(),
            })
            .collect();
        for name in super::super::style::PRESETS {
            for canvas in [
                Canvas::PORTRAIT,
                Canvas {
                    width: 1920,
                    height: 1080,
                },
            ] {
                let style = CaptionStyle::preset(name).expect("preset");
                let ass = clip_ass(&words, 0.0, 5.0, &style, canvas);
                let margin = (f64::from(canvas.width) * style.margin_x) as i32;
                for ms in (0..4000).step_by(100) {
                    let Some((x0, _, x1, _)) = drawn(&ass, canvas, ms) else {
                        continue;
                    };
                    assert!(
                        x0 >= margin - 2 && x1 <= canvas.width as i32 - margin + 2,
                        "{name} {canvas:?} at {ms} ms: drawn from x={x0} to {x1}, margins {margin}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_width_estimate_is_generous_but_not_wasteful() {
        let canvas = Canvas::PORTRAIT;
        for name in super::super::style::PRESETS {
            let style = CaptionStyle {
                outline: 0.0,
                shadow: 0.0,
                boxed: false,
                pop: 1.0,
                ..CaptionStyle::preset(name).expect("preset")
            };
            for text in ["Hello there", "WORLD", "minimum wage"] {
                let words = [Word {
                    start: 0.0,
                    end: 1.0,
                    word: text.into(),
                }];
                let ass = clip_ass(&words, 0.0, 1.0, &style, canvas);
                let (x0, _, x1, _) = drawn(&ass, canvas, 500).expect("drawn");
                let real = f64::from(x1 - x0);
                let shown = if style.uppercase {
                    text.to_uppercase()
                } else {
                    text.to_string()
                };
                let estimate =
                    super::super::layout::text_width(&shown, style.size * canvas.scale(), &style);
                assert!(
                    estimate >= real && estimate <= real * 1.6,
                    "{name} '{text}': estimated {estimate:.0} px, drawn {real:.0} px"
                );
            }
        }
    }

    #[test]
    fn an_escaped_line_break_in_a_word_stays_on_one_line() {
        let canvas = Canvas::PORTRAIT;
        let style = CaptionStyle::default();
        let height = |text: &str| {
            let words = [Word {
                start: 0.0,
                end: 1.0,
                word: text.into(),
            }];
            let (_, y0, _, y1) =
                drawn(&clip_ass(&words, 0.0, 1.0, &style, canvas), canvas, 500).expect("drawn");
            y1 - y0
        };
        let (plain, tricky) = (height("AB"), height(r"A\NB"));
        assert!(
            f64::from(tricky) < f64::from(plain) * 1.3,
            "a backslash-N in a word made a second line: {tricky} px high vs {plain} px"
        );
    }

    use proptest::prelude::*;

    /// `escape`'s inverse, as libass reads the text: `\{` `\}` are braces, the word joiner
    /// after a backslash is ours.
    fn shown(escaped: &str) -> String {
        let mut out = String::new();
        let mut chars = escaped.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek()) {
                ('\\', Some('{' | '}')) => {}
                ('\\', Some('\u{2060}')) => {
                    out.push('\\');
                    chars.next();
                }
                _ => out.push(c),
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text is shown as itself: no override tag, line break or hard space can come
        /// out of a word.
        #[test]
        fn any_text_is_escaped_to_show_as_itself(text in "[{}\\\\Nnh \n\ra-zé😀]{0,16}") {
            let e = escape(&text);
            prop_assert!(!e.contains(['\n', '\r']));
            for k in ["\\N", "\\n", "\\h"] {
                prop_assert!(!e.contains(k), "{:?} → {:?}", text, e);
            }
            let b: Vec<char> = e.chars().collect();
            for (i, c) in b.iter().enumerate() {
                if matches!(c, '{' | '}') {
                    prop_assert!(i > 0 && b[i - 1] == '\\', "{:?} → {:?}", text, e);
                }
            }
            prop_assert_eq!(shown(&e), text.replace(['\n', '\r'], " "));
        }

        /// A script made from any transcript: one line per caption, and the only override
        /// blocks in it are ours.
        #[test]
        fn any_transcript_gives_a_well_formed_script(
            texts in prop::collection::vec("[{}\\\\Nn \na-z]{1,8}", 1..12),
            gaps in prop::collection::vec(0.0f64..2.0, 12),
        ) {
            let mut t = 0.0;
            let words: Vec<Word> = texts.iter().zip(&gaps).map(|(w, g)| {
                t += g;
                let start = t;
                t += 0.3;
                Word { start, end: t, word: format!(" {w}") }
            }).collect();
            let style = CaptionStyle::default();
            let ass = clip_ass(&words, 0.0, t + 1.0, &style, Canvas::PORTRAIT);
            let head = header(&style, Canvas::PORTRAIT).lines().count();
            prop_assert_eq!(ass.lines().filter(|l| !l.starts_with("Dialogue:")).count(), head);
            for d in dialogues(&ass) {
                let text = d.splitn(10, ',').nth(9).unwrap_or_default();
                let plain = text.replace("\\{", "").replace("\\}", "");
                let mut depth = 0;
                for (i, c) in plain.char_indices() {
                    match c {
                        '{' => {
                            prop_assert_eq!(depth, 0, "nested block in {}", d);
                            prop_assert!(plain[i..].starts_with("{\\1c"), "not ours: {}", d);
                            depth = 1;
                        }
                        '}' => {
                            prop_assert_eq!(depth, 1, "stray brace in {}", d);
                            depth = 0;
                        }
                        _ => {}
                    }
                }
                prop_assert_eq!(depth, 0);
            }
        }
    }
}
