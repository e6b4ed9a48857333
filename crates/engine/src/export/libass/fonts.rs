//! The caption fonts bundled in `assets/fonts/` (its README says where each file came from and
//! its licence), compiled into the binary and registered with libass from memory so burned-in
//! captions look the same on every machine, whatever fonts it has installed. Fontconfig still
//! supplies the glyphs these lack.

/// One bundled font file.
pub(super) struct BundledFont {
    /// The family name a style's `Fontname` matches it by (the font's own name table).
    pub family: &'static str,
    /// Its file name under `assets/fonts/`.
    pub file: &'static str,
    pub data: &'static [u8],
}

macro_rules! bundled {
    ($family:literal, $file:literal) => {
        BundledFont {
            family: $family,
            file: $file,
            data: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../assets/fonts/",
                $file
            )),
        }
    };
}

/// The bundled fonts: League Spartan Bold, the default caption face
/// ([`CaptionStyle`](crate::captions::CaptionStyle)), and Inter as a clean sans.
pub(super) static FONTS: &[BundledFont] = &[
    bundled!("League Spartan", "LeagueSpartan-Bold.otf"),
    bundled!("Inter", "Inter-Regular.otf"),
    bundled!("Inter", "Inter-Bold.otf"),
];

#[cfg(test)]
mod tests {
    use super::FONTS;
    use crate::captions::{CaptionStyle, PRESETS};

    #[test]
    fn every_preset_font_is_bundled() {
        for name in PRESETS {
            let font = CaptionStyle::preset(name)
                .map(|s| s.font)
                .unwrap_or_default();
            assert!(
                FONTS.iter().any(|f| f.family == font),
                "{name}: {font} is not bundled"
            );
        }
    }

    #[test]
    fn bundled_files_are_opentype_fonts() {
        for f in FONTS {
            let magic = f.data.get(..4);
            assert!(
                magic == Some(b"OTTO") || magic == Some(&[0, 1, 0, 0]),
                "{} is not an OpenType font",
                f.file
            );
        }
    }
}
