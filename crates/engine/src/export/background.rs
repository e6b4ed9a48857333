//! The stacked layout's background, prepared once per batch: every clip of a batch starts the
//! background at its first frame, so the decoded, cut and scaled lower halves are the same
//! for all of them. When they fit a memory budget they are made once, kept as shared frames,
//! and each clip's encoder copies them under its own picture — no background decode per clip.
//! Otherwise each clip decodes the background itself (the `movie` filter in its graph).

use super::error::ExportError;
use super::filters::{background_at_rate, escape_path, half_fill, PORTRAIT_H, PORTRAIT_W};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::Path;

/// The memory budget for prepared background frames when the system does not say how much
/// is available (≈ 345 frames of 1080×960).
pub const FALLBACK_BUDGET_BYTES: usize = 512 << 20;

/// The automatic budget: a quarter of the memory available now, at most 2 GiB
/// ([`FALLBACK_BUDGET_BYTES`] when the system does not say).
pub fn auto_budget() -> usize {
    crate::system::available_memory().map_or(FALLBACK_BUDGET_BYTES, |b| (b / 4).min(2 << 30))
}

/// Bytes of one prepared lower half (YUV 4:2:0).
const FRAME_BYTES: usize = (PORTRAIT_W * PORTRAIT_H / 2) as usize * 3 / 2;

/// The lower halves of the stacked layout, in output frame order.
pub struct PreparedBackground {
    frames: Vec<ff::frame::Video>,
    /// The frames are one loop of the background, repeated; else they cover the longest clip.
    looped: bool,
}

impl std::fmt::Debug for PreparedBackground {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedBackground")
            .field("frames", &self.frames.len())
            .field("looped", &self.looped)
            .finish()
    }
}

impl PreparedBackground {
    /// The lower half under output frame `n` of a clip.
    pub fn frame(&self, n: u64) -> Option<&ff::frame::Video> {
        let len = self.frames.len() as u64;
        if len == 0 {
            return None;
        }
        let i = if self.looped { n % len } else { n.min(len - 1) };
        self.frames.get(i as usize)
    }

    pub fn len(&self) -> usize {
        self.frames.len()
    }

    pub fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// Whether the frames are one loop of the background (else the first frames of it).
    pub fn is_loop(&self) -> bool {
        self.looped
    }

    /// Prepares the background `bg` for clips at `rate` (frames per second, as num/den) of
    /// at most `longest_secs`, within `budget` bytes; `None` when it does not fit (or the
    /// background's loop cannot be matched frame for frame), and clips decode it themselves.
    pub fn prepare(
        bg: &Path,
        rate: (i32, i32),
        longest_secs: f64,
        budget: usize,
        cancel: &CancelToken,
    ) -> Result<Option<PreparedBackground>, ExportError> {
        let max_frames = budget / FRAME_BYTES;
        if max_frames == 0 || rate.0 <= 0 || rate.1 <= 0 {
            return Ok(None);
        }
        let rate = ff::Rational::new(rate.0, rate.1).reduce();
        let (num, den) = (rate.numerator(), rate.denominator());
        // The frames a clip of `longest_secs` uses, exactly as its own graph would make them.
        let needed = (longest_secs.max(0.0) * f64::from(num) / f64::from(den)).ceil() as usize + 2;
        let fill = half_fill();
        let path = escape_path(bg);
        // One loop of a background at the clip's own rate maps frame for frame: the fewest
        // frames to make and keep, when it is shorter than the longest clip.
        let (bg_rate, bg_frames) = background_rate(bg)?;
        let loop_fits =
            bg_rate == Some((num, den)) && bg_frames.is_none_or(|n| n < needed && n <= max_frames);
        if loop_fits && (bg_frames.is_some() || needed > max_frames) {
            let spec = format!("movie=filename={path},{fill},format=yuv420p");
            let limit = max_frames.min(needed);
            let frames = pull(&spec, limit + 1, bg, cancel)?;
            if !frames.is_empty() && frames.len() <= limit {
                return Ok(Some(PreparedBackground {
                    frames,
                    looped: true,
                }));
            }
        }
        // Else the frames of the longest clip, made by the chain its own graph would use.
        if needed <= max_frames {
            let spec = format!("{},format=yuv420p", background_at_rate(bg, num, den));
            let frames = pull(&spec, needed, bg, cancel)?;
            return Ok((!frames.is_empty()).then_some(PreparedBackground {
                frames,
                looped: false,
            }));
        }
        Ok(None)
    }
}

/// A frame rate as (numerator, denominator).
type Rate = (i32, i32);

/// The background's frame rate when it is constant, reduced, and its frame count when the
/// container states it (so a long background is turned down without decoding it).
fn background_rate(bg: &Path) -> Result<(Option<Rate>, Option<usize>), ExportError> {
    let (input, vidx, _) = super::source::open_source(bg)?;
    let v = super::source::SourceVideo::of(&input, vidx, bg)?;
    let frames = input
        .stream(vidx)
        .map(|s| s.frames())
        .filter(|n| *n > 0)
        .map(|n| n as usize);
    let rate = v.cfr_rate.map(|(n, d)| {
        let r = ff::Rational::new(n, d).reduce();
        (r.numerator(), r.denominator())
    });
    Ok((rate, frames))
}

/// Runs a source-only graph and keeps up to `limit` of its frames.
fn pull(
    spec: &str,
    limit: usize,
    bg: &Path,
    cancel: &CancelToken,
) -> Result<Vec<ff::frame::Video>, ExportError> {
    let filter_err = |e: ff::Error| ExportError::filter(bg, e);
    let mut graph = super::filters::build_graph(None, "buffersink", spec, bg)?;
    let mut sink = graph
        .get("out")
        .ok_or_else(|| ExportError::setup("no background sink".into()))?;
    let mut frames = Vec::new();
    while frames.len() < limit {
        cancel.check()?;
        let mut f = ff::frame::Video::empty();
        match sink.sink().frame(&mut f) {
            Ok(()) => frames.push(f),
            Err(ff::Error::Eof) => break,
            Err(e) => return Err(filter_err(e)),
        }
    }
    Ok(frames)
}
