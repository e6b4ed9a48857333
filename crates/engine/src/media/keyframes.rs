//! Keyframes of a video for the timeline: their times (a demux-only pass, nothing decoded) for
//! the player's previous/next-keyframe steps, and the thumbnail strip (keyframes only decoded,
//! like the sampler's [`Stride::Keyframes`](super::sampler::Stride::Keyframes), turned into
//! small upright RGBA frames by the preview's conversion and streamed as they are decoded).
//!
//! Times are seconds from the stream start, `(pts − stream origin) × time base`, as the sampler
//! and the [`FrameGrabber`](super::grab::FrameGrabber) count them.

use super::decode::decode_stream_filtered;
use super::error::MediaError;
use super::grab::{RgbaConverter, RgbaFrame};
use super::open::{best_stream, open_input, open_video_decoder, stream_origin};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::ops::ControlFlow;
use std::path::Path;

/// Decoder frame threads for the thumbnail pass (as the preview's grabber).
const THREADS: usize = 2;
/// Keyframes this much closer than the spacing asked for still count as far enough
/// (timestamps rounded to the time base).
const SPACING_EPS: f64 = 1e-6;

/// One picture of the thumbnail strip.
#[derive(Clone, Debug, PartialEq)]
pub struct Thumbnail {
    /// Time of the keyframe, seconds from the stream start (= `frame.pts_secs`).
    pub t_secs: f64,
    pub frame: RgbaFrame,
}

/// The time of every keyframe of the best video stream of `path`, sorted, from its packets'
/// key flags (no decoding). Cancel is checked per packet.
pub fn keyframe_times(path: &Path, cancel: &CancelToken) -> Result<Vec<f64>, MediaError> {
    let mut input = open_input(path)?;
    let (index, clock) = video_stream(&input, path)?;
    let mut times = Vec::new();
    for (stream, packet) in input.packets() {
        cancel.check()?;
        if stream.index() != index || !packet.is_key() {
            continue;
        }
        if let Some(ts) = packet.pts().or(packet.dts()) {
            times.push(clock.secs(ts));
        }
    }
    times.sort_by(f64::total_cmp);
    times.dedup();
    Ok(times)
}

/// Decodes the keyframes of the best video stream of `path` (nothing else) and hands each to
/// `on_thumb` as it is decoded, scaled to fit inside `max_w × max_h` once upright (display
/// aspect and rotation applied). A keyframe closer than `min_spacing_secs` to the previous
/// thumbnail is skipped before it is decoded. `on_thumb` returns `Break` to stop. Returns the
/// number of thumbnails handed over. Cancel is checked per packet.
pub fn thumbnails(
    path: &Path,
    max_w: u32,
    max_h: u32,
    min_spacing_secs: f64,
    cancel: &CancelToken,
    mut on_thumb: impl FnMut(Thumbnail) -> ControlFlow<()>,
) -> Result<usize, MediaError> {
    let mut input = open_input(path)?;
    let (index, clock) = video_stream(&input, path)?;
    let rotation_deg = input
        .stream(index)
        .map_or(0, |s| super::probe::rotation_deg(&s));
    let mut decoder = open_video_decoder(&input, index, THREADS, path)?;
    decoder.skip_frame(ff::Discard::NonKey);

    let spacing = if min_spacing_secs.is_finite() {
        min_spacing_secs.max(0.0)
    } else {
        0.0
    };
    let far_enough =
        |t: f64, last: Option<f64>| last.is_none_or(|l| t >= l + spacing - SPACING_EPS);
    let mut last_sent: Option<f64> = None;
    let mut last_thumb: Option<f64> = None;
    let mut converter = RgbaConverter::default();
    let mut count = 0usize;
    let mut failure: Option<MediaError> = None;
    let mut frame = ff::frame::Video::empty();

    decode_stream_filtered(
        &mut input,
        index,
        &mut decoder,
        &mut frame,
        cancel,
        path,
        |packet| {
            // Only keyframes are sent: the decoder would drop the rest (`skip_frame`) but
            // still parse them, which costs 3–4× the keyframes' decode. Until a key packet
            // shows up (a container that flags none) everything goes, for `skip_frame` to sort.
            if !packet.is_key() {
                return last_sent.is_none();
            }
            let Some(ts) = packet.pts().or(packet.dts()) else {
                return true;
            };
            let t = clock.secs(ts);
            let keep = far_enough(t, last_sent);
            if keep {
                last_sent = Some(t);
            }
            keep
        },
        |frame| {
            let Some(pts) = frame.pts().or(frame.timestamp()) else {
                return ControlFlow::Continue(());
            };
            let t = clock.secs(pts);
            if !far_enough(t, last_thumb) {
                return ControlFlow::Continue(());
            }
            match converter.convert(frame, t, max_w, max_h, rotation_deg, path) {
                Ok(rgba) => {
                    last_thumb = Some(t);
                    count += 1;
                    on_thumb(Thumbnail {
                        t_secs: t,
                        frame: rgba,
                    })
                }
                Err(e) => {
                    failure = Some(e);
                    ControlFlow::Break(())
                }
            }
        },
    )?;
    if let Some(e) = failure {
        return Err(e);
    }
    Ok(count)
}

/// A stream's timestamps → seconds from its start.
#[derive(Clone, Copy)]
struct Clock {
    tb: f64,
    origin: i64,
}

impl Clock {
    fn secs(self, ts: i64) -> f64 {
        (ts - self.origin) as f64 * self.tb
    }
}

/// The best video stream of `input` and its clock.
fn video_stream(
    input: &ff::format::context::Input,
    path: &Path,
) -> Result<(usize, Clock), MediaError> {
    let index = best_stream(input, ff::media::Type::Video, path)?;
    let stream = input.stream(index).ok_or(MediaError::NoStream {
        path: path.to_path_buf(),
        kind: "video",
    })?;
    Ok((
        index,
        Clock {
            tb: f64::from(stream.time_base()),
            origin: stream_origin(&stream),
        },
    ))
}
