//! The analysis frame sampler: small frames (≤ 256 px wide) with exact timestamps and frame
//! numbers, for a time range, at a frame stride.
//!
//! Cost model: a frame that is not sampled is never scaled or converted. With a stride of
//! [`NONREF_MIN_STRIDE`] or more and `exact == false`, the decoder also drops non-reference frames
//! (`skip_frame = NONREF`); the sampler then takes the first decoded frame at or after each
//! multiple of the stride. With [`Stride::Keyframes`] only keyframes are decoded.
//!
//! Frame numbers are `round((pts − stream start) × nominal frame rate)`, so they are the same
//! whether a pass starts at 0 or seeks to a range start, and a range can be split across workers.

use super::decode::decode_stream_filtered;
use super::error::MediaError;
use super::open::{best_stream, open_input, open_video_decoder, seek_before, stream_origin};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::ops::ControlFlow;
use std::path::Path;

/// The smallest stride at which dropping non-reference frames cannot skip a wanted frame
/// twice in a row (x264 uses at most 3 consecutive B-frames by default).
pub const NONREF_MIN_STRIDE: u32 = 4;

/// Which frames to sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stride {
    /// Every n-th frame (by frame number); `Every(1)` is every frame.
    Every(u32),
    /// About two frames per second of video.
    Auto,
    /// Keyframes only: the cheapest possible pass.
    Keyframes,
}

impl Stride {
    /// The frame stride for a given frame rate (`Keyframes` → `None`).
    pub fn frames(self, fps: f64) -> Option<u32> {
        match self {
            Stride::Every(n) => Some(n.max(1)),
            Stride::Auto => Some(auto_stride(fps)),
            Stride::Keyframes => None,
        }
    }
}

/// About two analysed frames per second of video.
pub fn auto_stride(fps: f64) -> u32 {
    if fps.is_finite() && fps > 0.0 {
        ((fps / 2.0).round() as u32).max(1)
    } else {
        1
    }
}

#[derive(Clone, Debug)]
pub struct SamplerOptions {
    pub start_secs: f64,
    /// Exclusive end; `None` = to the end of the stream.
    pub end_secs: Option<f64>,
    pub stride: Stride,
    /// Frames are scaled to at most this width (aspect kept, even height).
    pub max_width: u32,
    /// Decoder frame threads (0 = FFmpeg's choice).
    pub threads: usize,
    /// When true the decoder never drops frames: every multiple of the stride is returned.
    pub exact: bool,
}

impl Default for SamplerOptions {
    fn default() -> Self {
        SamplerOptions {
            start_secs: 0.0,
            end_secs: None,
            stride: Stride::Auto,
            max_width: 256,
            threads: 2,
            exact: false,
        }
    }
}

/// One sampled frame.
#[derive(Clone, Debug, PartialEq)]
pub struct SampledFrame {
    pub frame_idx: u64,
    /// Presentation timestamp in the stream's time base.
    pub pts: i64,
    pub pts_secs: f64,
    pub key: bool,
    pub width: u32,
    pub height: u32,
    /// Luma (BT.601 weights, full range), `width × height` bytes.
    pub luma: Vec<u8>,
    /// Hue in 0..180 (degrees / 2), saturation and value in 0..=255: `width × height` each.
    pub hue: Vec<u8>,
    pub sat: Vec<u8>,
    pub val: Vec<u8>,
}

/// What a sampling pass did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SampleStats {
    /// Frames the decoder produced (after any decoder-side skipping).
    pub decoded: u64,
    /// Frames handed to the callback.
    pub sampled: u64,
    pub frame_rate: f64,
    /// The stride used (0 for keyframes only).
    pub stride: u32,
    /// True when the decoder dropped non-reference frames.
    pub skipped_nonref: bool,
}

/// Width and height of a [`FrameSignature`] grid.
pub const SIG_W: u32 = 32;
pub const SIG_H: u32 = 18;

/// Points sampled per signature cell in each direction (4 × 4 = 16 points averaged).
const SIG_SUB: u32 = 4;

/// A tiny picture of every decoded frame: a 32×18 grid of Y, U and V, each cell the mean of
/// 4 × 4 points sampled straight from the decoded frame (averaging keeps grain and noise from
/// looking like change). Cheap enough for every frame; enough to find hard cuts and fades to
/// the exact frame even when only every n-th frame is fully sampled. Beside it, the fine
/// detail of each cell (how far its 16 luma points spread), which tells noise, grain and sharp
/// patterns from smooth pictures whatever their motion.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameSignature {
    pub frame_idx: u64,
    pub pts_secs: f64,
    pub key: bool,
    /// Y plane, then U, then V: `3 × 32 × 18` bytes.
    pub yuv: Vec<u8>,
    /// Per cell, twice the mean absolute deviation of its 16 luma points from their mean
    /// (0–255, clamped): `32 × 18` bytes.
    pub detail: Vec<u8>,
}

impl FrameSignature {
    /// Mean absolute difference over all grid values (0–255).
    pub fn diff(&self, other: &FrameSignature) -> f32 {
        let n = self.yuv.len().min(other.yuv.len()).max(1);
        let sum: u32 = self
            .yuv
            .iter()
            .zip(&other.yuv)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        sum as f32 / n as f32
    }

    /// Mean luma of the grid (0–255, video range for most sources: black ≈ 16).
    pub fn mean_luma(&self) -> f32 {
        let n = (SIG_W * SIG_H) as usize;
        let y = &self.yuv[..n.min(self.yuv.len())];
        y.iter().map(|v| u32::from(*v)).sum::<u32>() as f32 / y.len().max(1) as f32
    }
}

/// Samples the first video stream of `path`. `on_frame` returns `Break` to stop early.
pub fn sample_frames(
    path: &Path,
    opts: &SamplerOptions,
    cancel: &CancelToken,
    on_frame: impl FnMut(SampledFrame) -> ControlFlow<()>,
) -> Result<SampleStats, MediaError> {
    sample_frames_with_signatures(path, opts, cancel, None, on_frame)
}

/// Like [`sample_frames`], and also hands a [`FrameSignature`] of every decoded frame in the
/// range (sampled or not, in presentation order) to `on_signature`.
pub fn sample_frames_with_signatures(
    path: &Path,
    opts: &SamplerOptions,
    cancel: &CancelToken,
    on_signature: Option<&mut dyn FnMut(FrameSignature)>,
    on_frame: impl FnMut(SampledFrame) -> ControlFlow<()>,
) -> Result<SampleStats, MediaError> {
    sample(path, opts, None, cancel, on_signature, on_frame)
}

/// Signatures of the frames shown in `ranges` (seconds `(from, to]`, ascending) within the
/// options' time range, every one of them decoded; outside the ranges, H.264 pictures that no
/// other picture references are not even sent to the decoder (what locating cuts in skipped
/// frames needs: a few frames here and there, each GOP decoded at most once).
pub fn signatures_in_ranges(
    path: &Path,
    opts: &SamplerOptions,
    ranges: &[(f64, f64)],
    cancel: &CancelToken,
    on_signature: &mut dyn FnMut(FrameSignature),
) -> Result<SampleStats, MediaError> {
    let opts = SamplerOptions {
        stride: Stride::Every(u32::MAX),
        exact: true,
        ..opts.clone()
    };
    sample(
        path,
        &opts,
        Some(ranges),
        cancel,
        Some(on_signature),
        |_| ControlFlow::Continue(()),
    )
}

fn sample(
    path: &Path,
    opts: &SamplerOptions,
    ranges: Option<&[(f64, f64)]>,
    cancel: &CancelToken,
    mut on_signature: Option<&mut dyn FnMut(FrameSignature)>,
    mut on_frame: impl FnMut(SampledFrame) -> ControlFlow<()>,
) -> Result<SampleStats, MediaError> {
    let mut input = open_input(path)?;
    let index = best_stream(&input, ff::media::Type::Video, path)?;
    let (tb, fps, origin, length_size) = {
        let stream = input.stream(index).ok_or(MediaError::NoStream {
            path: path.to_path_buf(),
            kind: "video",
        })?;
        let fps = super::frame_rate::stream_fps(&stream);
        // Disposable pictures can only be told apart in H.264 with length-prefixed samples.
        let length_size = (stream.parameters().id() == ff::codec::Id::H264)
            .then(|| crate::export::h264::AvcConfig::of_stream(&stream.parameters()))
            .flatten()
            .map(|c| c.length_size);
        (
            f64::from(stream.time_base()),
            fps,
            stream_origin(&stream),
            length_size,
        )
    };
    let half_frame = 0.5 / fps;
    let wanted_packet = |packet: &ff::Packet| -> bool {
        let (Some(ranges), Some(length_size)) = (ranges, length_size) else {
            return true;
        };
        let Some(pts) = packet.pts() else {
            return true;
        };
        let t = (pts - origin) as f64 * tb;
        let inside = ranges
            .iter()
            .any(|(from, to)| t > from - half_frame && t < to + half_frame);
        inside
            || packet
                .data()
                .is_none_or(|d| !crate::export::h264::is_disposable(d, length_size))
    };
    let mut decoder = open_video_decoder(&input, index, opts.threads, path)?;
    let stride = opts.stride.frames(fps);
    let skip_nonref = !opts.exact && stride.is_some_and(|n| n >= NONREF_MIN_STRIDE);
    match stride {
        None => decoder.skip_frame(ff::Discard::NonKey),
        Some(_) if skip_nonref => decoder.skip_frame(ff::Discard::NonReference),
        Some(_) => {}
    }
    if opts.start_secs > 0.0 {
        seek_before(&mut input, origin as f64 * tb + opts.start_secs, path)?;
    }

    let frame_of = |pts: i64| -> u64 { ((pts - origin) as f64 * tb * fps).round().max(0.0) as u64 };
    let start_idx = (opts.start_secs * fps).round().max(0.0) as u64;
    let mut next_target = match stride {
        Some(n) => start_idx.div_ceil(u64::from(n)) * u64::from(n),
        None => 0,
    };
    let mut stats = SampleStats {
        frame_rate: fps,
        stride: stride.unwrap_or(0),
        skipped_nonref: skip_nonref,
        ..SampleStats::default()
    };
    let mut scaler: Option<Scaler> = None;
    let mut sig_scaler: Option<SigScaler> = None;
    let mut frame = ff::frame::Video::empty();
    let mut last_sig_idx: Option<u64> = None;
    let mut scale_error: Option<MediaError> = None;

    let decode = decode_stream_filtered(
        &mut input,
        index,
        &mut decoder,
        &mut frame,
        cancel,
        path,
        wanted_packet,
        |frame| {
            stats.decoded += 1;
            // The packet's pts, not the best-effort guess: when the decoder drops frames, the
            // guess can fall back to dts and shift frames by the reordering delay.
            let Some(pts) = frame.pts().or(frame.timestamp()) else {
                return ControlFlow::Continue(());
            };
            let pts_secs = (pts - origin) as f64 * tb;
            if let Some(end) = opts.end_secs {
                if pts_secs >= end - 0.5 / fps {
                    return ControlFlow::Break(());
                }
            }
            let idx = frame_of(pts);
            if idx < start_idx || last_sig_idx.is_some_and(|l| idx <= l) {
                return ControlFlow::Continue(());
            }
            last_sig_idx = Some(idx);
            if let Some(on_sig) = on_signature.as_mut() {
                let sc = match sig_scaler.as_mut() {
                    Some(s) if s.matches(frame) => s,
                    _ => match SigScaler::new(frame, path) {
                        Ok(s) => sig_scaler.insert(s),
                        Err(e) => {
                            scale_error = Some(e);
                            return ControlFlow::Break(());
                        }
                    },
                };
                match sc.signature(frame, path) {
                    Ok((yuv, detail)) => on_sig(FrameSignature {
                        frame_idx: idx,
                        pts_secs,
                        key: frame.is_key(),
                        yuv,
                        detail,
                    }),
                    Err(e) => {
                        scale_error = Some(e);
                        return ControlFlow::Break(());
                    }
                }
            }
            let wanted = match stride {
                None => true,
                Some(_) if skip_nonref => idx >= next_target,
                Some(n) => idx % u64::from(n) == 0,
            };
            if !wanted {
                return ControlFlow::Continue(());
            }
            if let Some(n) = stride {
                next_target = (idx / u64::from(n) + 1) * u64::from(n);
            }
            let sc = match scaler.as_mut() {
                Some(s) if s.matches(frame) => s,
                _ => match Scaler::new(frame, opts.max_width, path) {
                    Ok(s) => scaler.insert(s),
                    Err(e) => {
                        scale_error = Some(e);
                        return ControlFlow::Break(());
                    }
                },
            };
            let sampled = match sc.convert(frame, path) {
                Ok(rgb) => {
                    let (luma, hue, sat, val) =
                        luma_hsv(&rgb.data, rgb.width, rgb.height, rgb.stride);
                    SampledFrame {
                        frame_idx: idx,
                        pts,
                        pts_secs,
                        key: frame.is_key(),
                        width: rgb.width,
                        height: rgb.height,
                        luma,
                        hue,
                        sat,
                        val,
                    }
                }
                Err(e) => {
                    scale_error = Some(e);
                    return ControlFlow::Break(());
                }
            };
            stats.sampled += 1;
            on_frame(sampled)
        },
    );
    decode?;
    if let Some(e) = scale_error {
        return Err(e);
    }
    Ok(stats)
}

/// An RGB24 image with its row stride.
pub(crate) struct Rgb {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub stride: usize,
}

/// A software scaler from a decoder's frames to small RGB24, rebuilt if the input changes.
pub(crate) struct Scaler {
    ctx: ff::software::scaling::Context,
    src: (ff::format::Pixel, u32, u32),
    out: ff::frame::Video,
}

impl Scaler {
    /// A scaler to at most `max_width` wide, keeping the display aspect ratio (even height).
    pub fn new(
        frame: &ff::frame::Video,
        max_width: u32,
        path: &Path,
    ) -> Result<Scaler, MediaError> {
        let (w, h) = fit_width(
            frame.width(),
            frame.height(),
            frame.aspect_ratio(),
            max_width,
        );
        Scaler::with_size(frame, w, h, ff::format::Pixel::RGB24, path)
    }

    pub fn with_size(
        frame: &ff::frame::Video,
        w: u32,
        h: u32,
        out_fmt: ff::format::Pixel,
        path: &Path,
    ) -> Result<Scaler, MediaError> {
        let ctx = ff::software::scaling::Context::get(
            frame.format(),
            frame.width(),
            frame.height(),
            out_fmt,
            w,
            h,
            ff::software::scaling::Flags::AREA,
        )
        .map_err(|e| MediaError::ffmpeg(path, e))?;
        Ok(Scaler {
            ctx,
            src: (frame.format(), frame.width(), frame.height()),
            out: ff::frame::Video::new(out_fmt, w, h),
        })
    }

    pub fn matches(&self, frame: &ff::frame::Video) -> bool {
        self.src == (frame.format(), frame.width(), frame.height())
    }

    /// Scales one frame; returns a tightly-owned copy of the output plane.
    pub fn convert(&mut self, frame: &ff::frame::Video, path: &Path) -> Result<Rgb, MediaError> {
        self.ctx
            .run(frame, &mut self.out)
            .map_err(|e| MediaError::ffmpeg(path, e))?;
        Ok(Rgb {
            data: self.out.data(0).to_vec(),
            width: self.out.width(),
            height: self.out.height(),
            stride: self.out.stride(0),
        })
    }
}

/// Point-samples a decoded frame to 128×72 YUV 4:4:4 and averages it down to the 32×18 grid.
struct SigScaler {
    ctx: ff::software::scaling::Context,
    src: (ff::format::Pixel, u32, u32),
    out: ff::frame::Video,
}

impl SigScaler {
    fn new(frame: &ff::frame::Video, path: &Path) -> Result<SigScaler, MediaError> {
        let ctx = ff::software::scaling::Context::get(
            frame.format(),
            frame.width(),
            frame.height(),
            ff::format::Pixel::YUV444P,
            SIG_W * SIG_SUB,
            SIG_H * SIG_SUB,
            ff::software::scaling::Flags::POINT,
        )
        .map_err(|e| MediaError::ffmpeg(path, e))?;
        Ok(SigScaler {
            ctx,
            src: (frame.format(), frame.width(), frame.height()),
            out: ff::frame::Video::new(
                ff::format::Pixel::YUV444P,
                SIG_W * SIG_SUB,
                SIG_H * SIG_SUB,
            ),
        })
    }

    fn matches(&self, frame: &ff::frame::Video) -> bool {
        self.src == (frame.format(), frame.width(), frame.height())
    }

    /// The 3 × 32 × 18 grid of cell means and the 32 × 18 grid of luma detail.
    fn signature(
        &mut self,
        frame: &ff::frame::Video,
        path: &Path,
    ) -> Result<(Vec<u8>, Vec<u8>), MediaError> {
        self.ctx
            .run(frame, &mut self.out)
            .map_err(|e| MediaError::ffmpeg(path, e))?;
        let (w, h, sub) = (SIG_W as usize, SIG_H as usize, SIG_SUB as usize);
        let n = (sub * sub) as u32;
        let mut yuv = Vec::with_capacity(3 * w * h);
        let mut detail = Vec::new();
        for plane in 0..3 {
            let stride = self.out.stride(plane);
            let data = self.out.data(plane);
            let rows = || data.chunks(stride).take(h * sub).enumerate();
            let mut sums = vec![0u32; w * h];
            for (y, row) in rows() {
                for (x, v) in row.iter().take(w * sub).enumerate() {
                    if let Some(s) = sums.get_mut((y / sub) * w + x / sub) {
                        *s += u32::from(*v);
                    }
                }
            }
            let means: Vec<u8> = sums.iter().map(|s| ((s + n / 2) / n) as u8).collect();
            if plane == 0 {
                let mut spread = vec![0u32; w * h];
                for (y, row) in rows() {
                    for (x, v) in row.iter().take(w * sub).enumerate() {
                        let cell = (y / sub) * w + x / sub;
                        if let (Some(s), Some(m)) = (spread.get_mut(cell), means.get(cell)) {
                            *s += u32::from(v.abs_diff(*m));
                        }
                    }
                }
                detail = spread
                    .iter()
                    .map(|s| ((2 * s + n / 2) / n).min(255) as u8)
                    .collect();
            }
            yuv.extend(means);
        }
        Ok((yuv, detail))
    }
}

/// The largest size ≤ `max_width` wide with the frame's display aspect ratio; even sides.
pub fn fit_width(width: u32, height: u32, sar: ff::Rational, max_width: u32) -> (u32, u32) {
    let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
        f64::from(sar)
    } else {
        1.0
    };
    let display_w = f64::from(width) * sar;
    let w = display_w.min(f64::from(max_width)).max(2.0);
    let h = (w * f64::from(height) / display_w).max(2.0);
    let even = |v: f64| ((v / 2.0).round() as u32 * 2).max(2);
    (even(w), even(h))
}

/// Luma and HSV planes from packed RGB24 rows.
fn luma_hsv(
    rgb: &[u8],
    width: u32,
    height: u32,
    stride: usize,
) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    let n = (width * height) as usize;
    let (mut luma, mut hue, mut sat, mut val) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for row in rgb.chunks(stride).take(height as usize) {
        for px in row[..(width as usize * 3).min(row.len())].chunks_exact(3) {
            let (r, g, b) = (i32::from(px[0]), i32::from(px[1]), i32::from(px[2]));
            luma.push(((77 * r + 150 * g + 29 * b + 128) >> 8) as u8);
            let max = r.max(g).max(b);
            let min = r.min(g).min(b);
            let delta = max - min;
            val.push(max as u8);
            sat.push(if max == 0 {
                0
            } else {
                (255 * delta / max) as u8
            });
            let h = if delta == 0 {
                0
            } else if max == r {
                (30 * (g - b) / delta).rem_euclid(180)
            } else if max == g {
                60 + 30 * (b - r) / delta
            } else {
                120 + 30 * (r - g) / delta
            };
            hue.push(h as u8);
        }
    }
    (luma, hue, sat, val)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_stride_gives_about_two_frames_per_second() {
        assert_eq!(auto_stride(30.0), 15);
        assert_eq!(auto_stride(29.97), 15);
        assert_eq!(auto_stride(25.0), 13);
        assert_eq!(auto_stride(60.0), 30);
        assert_eq!(auto_stride(1.0), 1);
        assert_eq!(auto_stride(f64::NAN), 1);
    }

    #[test]
    fn fit_width_keeps_aspect_and_even_sides() {
        assert_eq!(
            fit_width(1920, 1080, ff::Rational::new(1, 1), 256),
            (256, 144)
        );
        assert_eq!(
            fit_width(160, 120, ff::Rational::new(0, 1), 256),
            (160, 120)
        );
        // Anamorphic 720x576 with 16:11 SAR displays as 1047x576.
        assert_eq!(
            fit_width(720, 576, ff::Rational::new(16, 11), 256),
            (256, 140)
        );
        assert_eq!(
            fit_width(1080, 1920, ff::Rational::new(1, 1), 256),
            (256, 456)
        );
    }

    #[test]
    fn hsv_of_primaries() {
        let rgb = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        let (luma, hue, sat, val) = luma_hsv(&rgb, 4, 1, 12);
        assert_eq!(hue, vec![0, 60, 120, 0]);
        assert_eq!(sat, vec![255, 255, 255, 0]);
        assert_eq!(val, vec![255, 255, 255, 255]);
        assert_eq!(luma, vec![77, 149, 29, 255]);
    }
}
