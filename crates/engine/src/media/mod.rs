//! The media layer: everything that touches FFmpeg (in-process, through `ffmpeg-next`).
//!
//! - [`probe`]: what a file holds; [`frame_rate`]: the one rule for a stream's frame rate.
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
pub mod ffmpeg_log;
pub mod frame_rate;
pub mod grab;
pub mod keyframes;
pub mod open;
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

#[cfg(test)]
mod tests {
    #[test]
    fn format_secs_examples() {
        assert_eq!(super::format_secs(0.0), "0:00.000");
        assert_eq!(super::format_secs(65.4321), "1:05.432");
        assert_eq!(super::format_secs(3725.0), "1:02:05.000");
    }
}
