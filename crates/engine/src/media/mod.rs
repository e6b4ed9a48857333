//! The media layer: everything that touches FFmpeg (in-process, through `ffmpeg-next`).
//!
//! - [`probe`]: what a file holds ([`extent`]: where its data really ends); [`frame_rate`]: the one rule for a stream's frame rate.
//! - [`sampler`]: small analysis frames at a stride, with exact timestamps and frame numbers.
//! - [`audio`]: 16 kHz mono f32, streamed in chunks.
//! - [`grab`]: one RGBA frame at a time `t` (the preview).
//! - [`waveform`]: the whole file's audio as a min/max pyramid (the timeline's audio track).
//! - [`keyframes`]: keyframe times (demux only) and keyframe thumbnails (the timeline's strip).
//! - [`ffmpeg_log`]: FFmpeg's own messages into the log.
//!
//! This is how the engine reads files; `export/` also calls FFmpeg (filter graphs, encoders,
//! muxers). The app never calls FFmpeg.

pub mod audio;
pub mod decode;
pub mod error;
pub mod extent;
pub mod ffmpeg_log;
pub mod frame_rate;
pub mod grab;
pub mod keyframes;
pub mod open;
pub mod path_text;
pub mod probe;
pub mod sampler;
pub mod waveform;

pub use error::MediaError;
pub use probe::{probe, MediaInfo};

/// Formats seconds as `m:ss.mmm` (or `h:mm:ss.mmm`).
pub fn format_secs(secs: f64) -> String {
    let ms_total = (secs.max(0.0) * 1000.0).round() as u64;
    let (h, m, s, ms) = (
        ms_total / 3_600_000,
        (ms_total / 60_000) % 60,
        (ms_total / 1000) % 60,
        ms_total % 1000,
    );
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m}:{s:02}.{ms:03}")
    }
}

/// Reads a time as people type it: `75`, `75.5`, `1:15.5`, `1:02:05.250` (what
/// [`format_secs`] writes, and plain seconds). `None` for anything else (negative, a field of
/// 60 or more after the first, not a number).
pub fn parse_secs(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.trim().is_empty()) {
        return None;
    }
    let mut secs = 0.0;
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let p = part.trim();
        if !p.chars().all(|c| c.is_ascii_digit() || (last && c == '.')) {
            return None;
        }
        let v: f64 = p.parse().ok()?;
        if i > 0 && v >= 60.0 {
            return None;
        }
        secs = secs * 60.0 + v;
    }
    secs.is_finite().then_some(secs)
}

#[cfg(test)]
mod tests {
    use super::{format_secs, parse_secs};
    use proptest::prelude::*;

    #[test]
    fn format_secs_examples() {
        assert_eq!(format_secs(0.0), "0:00.000");
        assert_eq!(format_secs(65.4321), "1:05.432");
        assert_eq!(format_secs(3725.0), "1:02:05.000");
    }

    #[test]
    fn parse_secs_examples() {
        assert_eq!(parse_secs("75"), Some(75.0));
        assert_eq!(parse_secs(" 1:15.5 "), Some(75.5));
        assert_eq!(parse_secs("1:02:05.250"), Some(3725.25));
        assert_eq!(parse_secs("0:00.000"), Some(0.0));
        for bad in [
            "", ":", "1:", "-3", "1:60", "1:2:3:4", "abc", "1.5:00", "1e3", "NaN", "inf",
        ] {
            assert_eq!(parse_secs(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parse_reads_what_format_writes(ms in 0u64..400_000_000) {
            let t = ms as f64 / 1000.0;
            let back = parse_secs(&format_secs(t)).expect("parses");
            prop_assert!((back - t).abs() < 1e-6, "{t} → {} → {back}", format_secs(t));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,24}") {
            let _ = parse_secs(&text);
        }
    }
}
