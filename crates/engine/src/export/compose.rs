//! What happens to a picture between the video graph and the encoder: the prepared stacked
//! background put under the graph's upper half ([`stack`]), and subtitles burned into it.

use super::background::PreparedBackground;
use super::burn::SubtitleBurner;
use super::error::ExportError;
use ffmpeg_next as ff;
use std::path::Path;
use std::time::{Duration, Instant};

/// The background and subtitles of one clip, applied frame by frame.
pub(super) struct Compose<'a> {
    /// Lower halves to put under the graph's upper halves (frame numbers = timestamps).
    background: Option<&'a PreparedBackground>,
    /// The full picture when `background` is set (reused frame to frame).
    composed: ff::frame::Video,
    burner: Option<SubtitleBurner>,
    /// Time spent stacking and burning (logged at debug level).
    spent: [Duration; 2],
}

impl<'a> Compose<'a> {
    /// `width`×`height` is the encoded picture (the subtitles' canvas).
    pub(super) fn open(
        background: Option<&'a PreparedBackground>,
        subtitles: Option<&Path>,
        width: u32,
        height: u32,
    ) -> Result<Compose<'a>, ExportError> {
        let burner = subtitles
            .map(|p| SubtitleBurner::open(p, width, height))
            .transpose()?;
        Ok(Compose {
            background,
            composed: ff::frame::Video::empty(),
            burner,
            spent: Default::default(),
        })
    }

    /// The picture to encode for the graph's frame `filtered` (timestamps in `tb`): the frame
    /// itself, or the stacked picture, with the subtitles of its time burned in.
    pub(super) fn frame<'f>(
        &'f mut self,
        filtered: &'f mut ff::frame::Video,
        tb: ff::Rational,
    ) -> Result<&'f mut ff::frame::Video, ExportError> {
        let t0 = Instant::now();
        let frame = match self.background {
            Some(bg) => {
                stack(filtered, bg, &mut self.composed)?;
                &mut self.composed
            }
            None => filtered,
        };
        let t1 = Instant::now();
        if let Some(burner) = self.burner.as_mut() {
            use ff::Rescale as _;
            let ms = frame
                .pts()
                .map_or(0, |p| p.rescale(tb, ff::Rational::new(1, 1000)));
            burner.burn(frame, ms)?;
        }
        self.spent[0] += t1 - t0;
        self.spent[1] += t1.elapsed();
        Ok(frame)
    }

    /// Logs the time spent stacking and burning over `frames` frames (debug level).
    pub(super) fn log_spent(&self, frames: u64) {
        tracing::debug!(
            "{} frames: {:.2} s stacking, {:.2} s burning subtitles",
            frames,
            self.spent[0].as_secs_f64(),
            self.spent[1].as_secs_f64()
        );
    }
}

/// Puts the upper half `top` (YUV 4:2:0, its timestamp its frame number) over the prepared
/// lower half of the same frame number, into `out` (allocated on first use).
fn stack(
    top: &ff::frame::Video,
    bg: &PreparedBackground,
    out: &mut ff::frame::Video,
) -> Result<(), ExportError> {
    let n = top.pts().unwrap_or(0).max(0) as u64;
    let lower = bg
        .frame(n)
        .ok_or_else(|| ExportError::setup("the prepared background has no frames".into()))?;
    stack_over(top, lower, out)
}

/// Puts the upper half `top` over the lower half `lower` (both YUV 4:2:0, one width), into
/// `out` (allocated on first use); `out` takes `top`'s timestamp.
pub(super) fn stack_over(
    top: &ff::frame::Video,
    lower: &ff::frame::Video,
    out: &mut ff::frame::Video,
) -> Result<(), ExportError> {
    let yuv = ff::format::Pixel::YUV420P;
    let (w, top_h, low_h) = (top.width(), top.height(), lower.height());
    if top.format() != yuv || lower.format() != yuv || lower.width() != w || top_h % 2 != 0 {
        return Err(ExportError::setup(format!(
            "cannot stack a {}×{} {:?} picture over a {}×{} {:?} background",
            w,
            top_h,
            top.format(),
            lower.width(),
            low_h,
            lower.format()
        )));
    }
    if out.width() != w || out.height() != top_h + low_h {
        *out = ff::frame::Video::new(yuv, w, top_h + low_h);
    }
    // SAFETY: `out` is a valid, allocated frame owned here.
    if unsafe { ff::ffi::av_frame_make_writable(out.as_mut_ptr()) } < 0 {
        return Err(ExportError::setup(
            "out of memory for a stacked frame".into(),
        ));
    }
    for plane in 0..3 {
        let (row, first_low) = if plane == 0 {
            (w as usize, top_h as usize)
        } else {
            (w.div_ceil(2) as usize, top_h as usize / 2)
        };
        let dst_stride = out.stride(plane);
        let dst = out.data_mut(plane);
        for (src, at) in [(top, 0), (lower, first_low)] {
            let stride = src.stride(plane);
            let rows = src.plane_height(plane) as usize;
            let data = src.data(plane);
            for r in 0..rows {
                let (Some(from), Some(to)) = (
                    data.get(r * stride..r * stride + row),
                    dst.get_mut((at + r) * dst_stride..(at + r) * dst_stride + row),
                ) else {
                    break;
                };
                to.copy_from_slice(from);
            }
        }
    }
    out.set_pts(top.pts());
    Ok(())
}
