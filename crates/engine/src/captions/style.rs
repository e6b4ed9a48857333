//! [`CaptionStyle`]: how burned-in captions look — font, size, colours (the active word's
//! too), outline, shadow, an optional box, position and safe margins, words per line, lines
//! per caption, upper case, the active word's pop — plus the named presets and the style
//! files (TOML or JSON) people write for their own. Export and the window's preview both take
//! one of these, so what is previewed is what is burned.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// An sRGB colour with opacity, written `#RRGGBB` or `#RRGGBBAA` (AA: 00 clear … FF solid).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    /// Opacity, 255 = solid.
    pub a: u8,
}

impl Colour {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Colour {
        Colour { r, g, b, a: 255 }
    }

    pub const fn rgba(r: u8, g: u8, b: u8, a: u8) -> Colour {
        Colour { r, g, b, a }
    }

    /// Parses `#RRGGBB` or `#RRGGBBAA` (the `#` may be left out).
    pub fn parse(s: &str) -> Option<Colour> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if !(hex.len() == 6 || hex.len() == 8) || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        Some(Colour {
            r: byte(0)?,
            g: byte(2)?,
            b: byte(4)?,
            a: if hex.len() == 8 { byte(6)? } else { 255 },
        })
    }

    /// ASS's `&HAABBGGRR` (AA: 00 solid … FF clear).
    pub fn ass(self) -> String {
        format!(
            "&H{:02X}{:02X}{:02X}{:02X}",
            255 - self.a,
            self.b,
            self.g,
            self.r
        )
    }

    /// ASS's colour without alpha, for override tags (`&HBBGGRR&`).
    pub fn ass_bgr(self) -> String {
        format!("&H{:02X}{:02X}{:02X}&", self.b, self.g, self.r)
    }
}

impl std::fmt::Display for Colour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02X}{:02X}{:02X}", self.r, self.g, self.b)?;
        if self.a != 255 {
            write!(f, "{:02X}", self.a)?;
        }
        Ok(())
    }
}

impl Serialize for Colour {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Colour, D::Error> {
        let s = String::deserialize(d)?;
        Colour::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "\"{s}\" is not a colour: expected #RRGGBB or #RRGGBBAA"
            ))
        })
    }
}

/// Where the caption sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    Top,
    Middle,
    #[default]
    Bottom,
}

impl Position {
    pub const ALL: [Position; 3] = [Position::Top, Position::Middle, Position::Bottom];

    pub fn name(self) -> &'static str {
        match self {
            Position::Top => "top",
            Position::Middle => "middle",
            Position::Bottom => "bottom",
        }
    }
}

/// How the spoken word is marked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Highlight {
    /// Only the word being spoken has the active colour.
    #[default]
    Word,
    /// Karaoke fill: words already spoken keep the active colour.
    Fill,
}

/// The look of burned-in captions. Sizes and widths are pixels of a 1080×1920 short (other
/// canvases scale them); margins are fractions of the picture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptionStyle {
    /// Font family: a bundled one (League Spartan, Inter) or any installed one.
    pub font: String,
    pub size: f64,
    pub bold: bool,
    pub text_colour: Colour,
    pub active_colour: Colour,
    pub highlight: Highlight,
    pub outline_colour: Colour,
    /// Outline width (0: none).
    pub outline: f64,
    pub shadow_colour: Colour,
    /// Shadow distance (0: none).
    pub shadow: f64,
    /// A box behind each line (in `box_colour`; the outline width is its padding).
    #[serde(rename = "box")]
    pub boxed: bool,
    pub box_colour: Colour,
    pub position: Position,
    /// Safe margin left and right, a fraction of the picture's width.
    pub margin_x: f64,
    /// Safe margin above (top) or below (bottom), a fraction of the picture's height.
    pub margin_y: f64,
    /// At most this many words on a line.
    pub words_per_line: usize,
    /// At most this many characters on a line (0: only the width decides).
    pub chars_per_line: usize,
    /// Lines per caption.
    pub lines: usize,
    pub uppercase: bool,
    /// The active word grows to this scale and back (1.0: no pop).
    pub pop: f64,
    /// How long the pop takes, milliseconds.
    pub pop_ms: u32,
    /// A pause at least this long (seconds) ends a caption: nothing stays on screen through it.
    pub pause_secs: f64,
    pub fade_ms: u32,
}

impl Default for CaptionStyle {
    fn default() -> Self {
        CaptionStyle::karaoke()
    }
}

/// The named presets, in the order the window lists them.
pub const PRESETS: [&str; 4] = ["karaoke", "clean", "boxed", "classic"];

/// A style that cannot be used, worded for the person who asked for it.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    #[error("no caption style named \"{0}\" (presets: {presets}; or a .toml/.json style file)", presets = PRESETS.join(", "))]
    Unknown(String),
    #[error("cannot read the caption style file {}: {reason}", path.display())]
    File {
        path: std::path::PathBuf,
        reason: String,
    },
    #[error("caption style: {0}")]
    Invalid(String),
}

impl CaptionStyle {
    /// Bold karaoke: League Spartan in capitals, white with a thick black outline, the spoken
    /// word yellow and popping.
    fn karaoke() -> CaptionStyle {
        CaptionStyle {
            font: "League Spartan".into(),
            // League Spartan's tall line metrics draw it smaller than most faces at one size.
            size: 100.0,
            bold: true,
            text_colour: Colour::rgb(255, 255, 255),
            active_colour: Colour::rgb(255, 224, 0),
            highlight: Highlight::Word,
            outline_colour: Colour::rgb(0, 0, 0),
            outline: 6.0,
            shadow_colour: Colour::rgba(0, 0, 0, 128),
            shadow: 2.0,
            boxed: false,
            box_colour: Colour::rgba(0, 0, 0, 160),
            position: Position::Bottom,
            margin_x: 0.07,
            margin_y: 0.17,
            words_per_line: 3,
            chars_per_line: 0,
            lines: 2,
            uppercase: true,
            pop: 1.15,
            pop_ms: 160,
            pause_secs: 0.7,
            fade_ms: 0,
        }
    }

    /// A named preset (see [`PRESETS`]).
    pub fn preset(name: &str) -> Option<CaptionStyle> {
        let base = CaptionStyle::karaoke();
        Some(match name {
            "karaoke" => base,
            "clean" => CaptionStyle {
                font: "Inter".into(),
                size: 76.0,
                active_colour: Colour::rgb(255, 255, 255),
                outline: 0.0,
                shadow_colour: Colour::rgba(0, 0, 0, 200),
                shadow: 4.0,
                words_per_line: 4,
                uppercase: false,
                pop: 1.08,
                fade_ms: 80,
                ..base
            },
            "boxed" => CaptionStyle {
                font: "Inter".into(),
                size: 72.0,
                active_colour: Colour::rgb(255, 214, 0),
                outline: 14.0,
                shadow: 0.0,
                boxed: true,
                box_colour: Colour::rgba(0, 0, 0, 170),
                words_per_line: 4,
                uppercase: false,
                pop: 1.0,
                ..base
            },
            // The look of earlier versions: karaoke fill, two lines of five words.
            "classic" => CaptionStyle {
                size: 110.0,
                highlight: Highlight::Fill,
                outline: 5.0,
                words_per_line: 5,
                uppercase: false,
                pop: 1.0,
                margin_y: 0.167,
                fade_ms: 100,
                ..base
            },
            _ => return None,
        })
    }

    /// A preset name, or a style file (`.toml` or `.json`; fields left out take the
    /// default's value). Checked with [`CaptionStyle::validate`].
    pub fn load(name_or_file: &str) -> Result<CaptionStyle, StyleError> {
        if let Some(s) = CaptionStyle::preset(name_or_file) {
            return Ok(s);
        }
        let path = Path::new(name_or_file);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if !matches!(ext.as_deref(), Some("toml" | "json")) {
            return Err(StyleError::Unknown(name_or_file.to_string()));
        }
        let file_err = |reason: String| StyleError::File {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| file_err(e.to_string()))?;
        let style: CaptionStyle = if ext.as_deref() == Some("toml") {
            toml::from_str(&text).map_err(|e| file_err(e.message().to_string()))?
        } else {
            serde_json::from_str(&text).map_err(|e| file_err(e.to_string()))?
        };
        style.validate().map_err(|e| match e {
            StyleError::Invalid(why) => file_err(why),
            other => other,
        })?;
        Ok(style)
    }

    /// The style as a TOML style file (what [`CaptionStyle::load`] reads back).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Checks the numbers are in the ranges that make a readable caption.
    pub fn validate(&self) -> Result<(), StyleError> {
        let bad = |what: &str| Err(StyleError::Invalid(what.to_string()));
        if self.font.trim().is_empty() {
            return bad("font is empty");
        }
        if !(8.0..=400.0).contains(&self.size) {
            return bad("size must be 8–400");
        }
        if !(0.0..=40.0).contains(&self.outline) || !(0.0..=40.0).contains(&self.shadow) {
            return bad("outline and shadow must be 0–40");
        }
        if !(0.0..=0.4).contains(&self.margin_x) || !(0.0..=0.45).contains(&self.margin_y) {
            return bad("margin_x must be 0–0.4 and margin_y 0–0.45 (fractions of the picture)");
        }
        if !(1..=20).contains(&self.words_per_line) || !(1..=5).contains(&self.lines) {
            return bad("words_per_line must be 1–20 and lines 1–5");
        }
        if self.chars_per_line > 200 {
            return bad("chars_per_line must be 0–200 (0: no limit)");
        }
        if !(1.0..=2.0).contains(&self.pop) || self.pop_ms > 2000 {
            return bad("pop must be 1.0–2.0 and pop_ms 0–2000");
        }
        if !(0.1..=10.0).contains(&self.pause_secs) || self.fade_ms > 2000 {
            return bad("pause_secs must be 0.1–10 and fade_ms 0–2000");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_write_ass() {
        let c = Colour::parse("#FFE000").expect("colour");
        assert_eq!(c, Colour::rgb(255, 224, 0));
        assert_eq!(c.ass(), "&H0000E0FF");
        assert_eq!(
            Colour::parse("000000A0").map(Colour::ass).as_deref(),
            Some("&H5F000000")
        );
        assert_eq!(Colour::parse("#12345").map(|c| c.a), None);
        assert_eq!(Colour::parse("#GG0000"), None);
        assert_eq!(Colour::rgba(1, 2, 3, 4).to_string(), "#01020304");
    }

    #[test]
    fn every_preset_is_valid_and_round_trips_through_toml() {
        for name in PRESETS {
            let s = CaptionStyle::preset(name).expect(name);
            s.validate().expect(name);
            let back: CaptionStyle = toml::from_str(&s.to_toml()).expect("toml");
            assert_eq!(back, s, "{name}");
        }
        assert!(CaptionStyle::preset("nope").is_none());
    }

    #[test]
    fn style_files_take_defaults_for_what_they_leave_out_and_name_their_errors() {
        let dir = std::env::temp_dir().join(format!("slop-style-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let toml_file = dir.join("mine.toml");
        std::fs::write(
            &toml_file,
            "active_colour = \"#00FF00\"\nposition = \"top\"\n",
        )
        .expect("write");
        let s = CaptionStyle::load(&toml_file.to_string_lossy()).expect("load");
        assert_eq!(s.active_colour, Colour::rgb(0, 255, 0));
        assert_eq!(s.position, Position::Top);
        assert_eq!(s.font, CaptionStyle::default().font);

        let json_file = dir.join("mine.json");
        std::fs::write(&json_file, r#"{"size": 64, "box": true}"#).expect("write");
        let s = CaptionStyle::load(&json_file.to_string_lossy()).expect("load");
        assert!(s.boxed && s.size == 64.0);

        std::fs::write(&toml_file, "colour = \"#00FF00\"\n").expect("write");
        let e = CaptionStyle::load(&toml_file.to_string_lossy())
            .expect_err("unknown field")
            .to_string();
        assert!(e.contains("mine.toml") && e.contains("colour"), "{e}");
        std::fs::write(&toml_file, "text_colour = \"white\"\n").expect("write");
        let e = CaptionStyle::load(&toml_file.to_string_lossy())
            .expect_err("bad colour")
            .to_string();
        assert!(e.contains("#RRGGBB"), "{e}");
        std::fs::write(&toml_file, "size = 2000\n").expect("write");
        let e = CaptionStyle::load(&toml_file.to_string_lossy())
            .expect_err("too big")
            .to_string();
        assert!(e.contains("size must be 8–400"), "{e}");
        let e = CaptionStyle::load("shiny")
            .expect_err("unknown")
            .to_string();
        assert!(e.contains("karaoke, clean, boxed, classic"), "{e}");
        let e = CaptionStyle::load("/no/such/style.json")
            .expect_err("missing")
            .to_string();
        assert!(e.contains("/no/such/style.json"), "{e}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
