//! How wide a font really draws: faces differ a lot at one nominal size (League Spartan's
//! capitals are half as wide as its size suggests), so the layout's per-character estimate is
//! scaled by a factor measured once per font with libass itself, the renderer that burns the
//! captions.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Measured on this text: capitals, lower case, digits and spaces, as captions have.
const SAMPLE: &str = "The QUICK brown fox 0123 JUMPS over";
/// Extra room on top of the measured factor: single words vary around the sample's average.
const SAFETY: f64 = 1.12;

/// The factor for `font` (bold or not): drawn width ÷ the per-character estimate, with a
/// little room to spare; 1.0 when libass cannot say.
pub fn font_factor(font: &str, bold: bool) -> f64 {
    static CACHE: OnceLock<Mutex<HashMap<(String, bool), f64>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (font.to_string(), bold);
    if let Some(f) = cache.lock().ok().and_then(|c| c.get(&key).copied()) {
        return f;
    }
    let factor = measure(font, bold).map_or(1.0, |f| (f * SAFETY).clamp(0.2, 2.0));
    if let Ok(mut c) = cache.lock() {
        c.insert(key, factor);
    }
    factor
}

/// Drawn width of [`SAMPLE`] at size 100 ÷ its estimate at size 100.
fn measure(font: &str, bold: bool) -> Option<f64> {
    let (w, h) = (4000u32, 400u32);
    let script = format!(
        "[Script Info]\nScriptType: v4.00+\nPlayResX: {w}\nPlayResY: {h}\nWrapStyle: 2\n\n\
         [V4+ Styles]\nFormat: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, \
         BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, \
         Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
         Style: M,{},100,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,{},0,0,0,100,100,0,0,1,0,0,5,0,0,0,1\n\n\
         [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
         Dialogue: 0,0:00:00.00,0:00:01.00,M,,0,0,0,,{SAMPLE}\n",
        font.replace(',', " "),
        if bold { -1 } else { 0 }
    );
    let mut r = crate::export::libass::AssRenderer::from_text(&script, w, h).ok()?;
    let images = r.render(500);
    let x0 = images.iter().map(|i| i.x).min()?;
    let x1 = images.iter().map(|i| i.x + i.w as i32).max()?;
    let drawn = f64::from(x1 - x0);
    let estimate = super::layout::raw_width(SAMPLE, 100.0);
    (drawn > 0.0 && estimate > 0.0).then(|| drawn / estimate)
}
