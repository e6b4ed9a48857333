//! Grabbing single RGBA frames at a time `t` (the preview under the playhead).
//!
//! A [`FrameGrabber`] keeps the file and decoder open between grabs, so scrubbing forward a
//! little decodes on from where it is instead of seeking back to a keyframe each time.

use super::error::MediaError;
use super::open::{best_stream, open_input, open_video_decoder, seek_before, stream_origin};
use super::sampler::{fit_width, Scaler};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::{Path, PathBuf};

/// An RGBA image (unpremultiplied, rows packed: `width × 4` bytes each).
#[derive(Clone, Debug, PartialEq)]
pub struct RgbaFrame {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    /// Presentation time of the frame, in seconds from the start of the stream.
    pub pts_secs: f64,
}

impl RgbaFrame {
    /// The RGBA value at `(x, y)`, if inside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = ((y * self.width + x) * 4) as usize;
        self.pixels.get(i..i + 4).and_then(|p| p.try_into().ok())
    }
}

/// Keeps one video open for repeated grabs.
pub struct FrameGrabber {
    path: PathBuf,
    input: ff::format::context::Input,
    decoder: ff::codec::decoder::Video,
    index: usize,
    tb: f64,
    origin: i64,
    fps: f64,
    duration_secs: Option<f64>,
    /// Clockwise display rotation (0, 90, 180, 270): grabs come out upright.
    rotation_deg: i32,
    /// The last frame decoded (not yet converted) and its time.
    current: Option<(ff::frame::Video, f64)>,
    /// A frame decoded past the last grab's time, kept for the next grab.
    pending: Option<(ff::frame::Video, f64)>,
    converter: RgbaConverter,
    /// The time the last [`FrameGrabber::keyframe_at`] was asked for: a grab of that time
    /// decodes on from the keyframe instead of seeking to it again.
    landing: Option<f64>,
    /// While a grab decodes on towards its time: packets shown before this (seconds) that no
    /// other frame references are not decoded at all (`skip_frame = NONREF`), a third of the
    /// work of a long decode from a keyframe. `None`: every frame (playback).
    skip_nonref_before: Option<f64>,
    /// What the decoder's `skip_frame` is set to now (true: non-reference frames skipped).
    skipping: bool,
    /// End of stream was sent to the decoder.
    input_done: bool,
    /// The decoder has no more frames.
    eof: bool,
}

impl FrameGrabber {
    /// Opens the first video stream of `path`.
    pub fn open(path: &Path) -> Result<FrameGrabber, MediaError> {
        let input = open_input(path)?;
        let index = best_stream(&input, ff::media::Type::Video, path)?;
        let stream = input.stream(index).ok_or(MediaError::NoStream {
            path: path.to_path_buf(),
            kind: "video",
        })?;
        let tb = f64::from(stream.time_base());
        let origin = stream_origin(&stream);
        let fps = super::frame_rate::stream_fps(&stream);
        let duration_secs = (input.duration() > 0)
            .then(|| input.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE));
        let rotation_deg = super::probe::rotation_deg(&stream);
        let decoder = open_video_decoder(&input, index, 2, path)?;
        Ok(FrameGrabber {
            path: path.to_path_buf(),
            input,
            decoder,
            index,
            tb,
            origin,
            fps,
            duration_secs,
            rotation_deg,
            current: None,
            pending: None,
            converter: RgbaConverter::default(),
            landing: None,
            skip_nonref_before: None,
            skipping: false,
            input_done: false,
            eof: false,
        })
    }

    pub fn duration_secs(&self) -> Option<f64> {
        self.duration_secs
    }

    pub fn frame_rate(&self) -> f64 {
        self.fps
    }

    /// The frame shown at `t_secs` (the last frame whose time is ≤ t), scaled to fit inside
    /// `max_width × max_height` with its aspect ratio kept.
    pub fn grab(
        &mut self,
        t_secs: f64,
        max_width: u32,
        max_height: u32,
        cancel: &CancelToken,
    ) -> Result<RgbaFrame, MediaError> {
        let t = t_secs.max(0.0);
        if let Some(d) = self.duration_secs {
            if t > d + 1.0 {
                return Err(MediaError::OutOfRange {
                    path: self.path.clone(),
                    at_secs: t,
                    duration_secs: d,
                });
            }
        }
        self.decoded_at(t, cancel)?;
        self.convert_current(max_width, max_height)
    }

    /// The decoded frame shown at `t_secs` (as FFmpeg gave it: not scaled, not turned) and its
    /// time in seconds from the start of the stream; what [`FrameGrabber::grab`] converts.
    pub(crate) fn decoded_at(
        &mut self,
        t_secs: f64,
        cancel: &CancelToken,
    ) -> Result<(&ff::frame::Video, f64), MediaError> {
        let t = t_secs.max(0.0);
        let eps = 0.25 / self.fps;
        let seek = self.needs_seek(t);
        self.landing = None;
        if seek {
            self.seek(t)?;
        }
        // Frames well before `t` are only decoded when others need them. A quarter of a second
        // of margin: the frame shown at `t`, and those the reordering puts around it, are
        // always decoded.
        self.skip_nonref_before = Some(t - 0.25);
        let result = self.decode_to(t, eps, cancel);
        self.skip_nonref_before = None;
        result?;
        match self.current.as_ref() {
            Some((frame, secs)) => Ok((frame, *secs)),
            None => Err(self.no_frame(format!("no frame at {t:.3} s"))),
        }
    }

    /// Decodes forward until the next frame would be after `t` (the frame shown at `t` is
    /// then `current`).
    fn decode_to(&mut self, t: f64, eps: f64, cancel: &CancelToken) -> Result<(), MediaError> {
        loop {
            cancel.check()?;
            if self.eof {
                break;
            }
            let mut next = ff::frame::Video::empty();
            if !self.decode_next(&mut next)? {
                self.eof = true;
                break;
            }
            let Some(pts) = next.timestamp().or(next.pts()) else {
                continue;
            };
            let secs = (pts - self.origin) as f64 * self.tb;
            if secs > t + eps && self.current.is_some() {
                // `next` belongs after t: keep it for the next grab.
                self.pending = Some((next, secs));
                break;
            }
            self.current = Some((next, secs));
            if secs + eps >= t {
                break;
            }
        }
        Ok(())
    }

    /// Whether a grab at `t_secs` seeks (to the keyframe before it) rather than decoding on
    /// from the frame it is at: a caller can show [`FrameGrabber::keyframe_at`] first then.
    pub fn needs_seek(&self, t_secs: f64) -> bool {
        let t = t_secs.max(0.0);
        let eps = 0.25 / self.fps;
        !self.current.as_ref().is_some_and(|(_, cur)| {
            t + eps >= *cur && (t - cur < 2.0 || self.landing.is_some_and(|l| (l - t).abs() < eps))
        })
    }

    /// The frame after the last one returned (playback: decode on), scaled like [`grab`];
    /// `None` at the end of the stream.
    ///
    /// [`grab`]: FrameGrabber::grab
    pub fn next_frame(
        &mut self,
        max_width: u32,
        max_height: u32,
        cancel: &CancelToken,
    ) -> Result<Option<RgbaFrame>, MediaError> {
        loop {
            cancel.check()?;
            if self.eof {
                return Ok(None);
            }
            let mut next = ff::frame::Video::empty();
            if !self.decode_next(&mut next)? {
                self.eof = true;
                return Ok(None);
            }
            let Some(pts) = next.timestamp().or(next.pts()) else {
                continue;
            };
            let secs = (pts - self.origin) as f64 * self.tb;
            self.current = Some((next, secs));
            return self.convert_current(max_width, max_height).map(Some);
        }
    }

    /// The keyframe at or before `t_secs`: what a seek can show at once, before the exact frame
    /// is decoded (scrubbing, reverse shuttle).
    pub fn keyframe_at(
        &mut self,
        t_secs: f64,
        max_width: u32,
        max_height: u32,
        cancel: &CancelToken,
    ) -> Result<RgbaFrame, MediaError> {
        self.seek(t_secs.max(0.0))?;
        self.landing = Some(t_secs.max(0.0));
        match self.next_frame(max_width, max_height, cancel)? {
            Some(frame) => Ok(frame),
            None => Err(self.no_frame(format!("no frame at {t_secs:.3} s"))),
        }
    }

    /// The error for a stream that gave no frame where one was asked for.
    fn no_frame(&self, reason: String) -> MediaError {
        MediaError::Decode {
            path: self.path.clone(),
            stream: self.index,
            kind: "video",
            reason,
        }
    }

    /// Converts the current frame to RGBA inside `max_width × max_height`, upright.
    fn convert_current(
        &mut self,
        max_width: u32,
        max_height: u32,
    ) -> Result<RgbaFrame, MediaError> {
        let Some((frame, secs)) = self.current.as_ref() else {
            return Err(self.no_frame("no frame decoded".into()));
        };
        let secs = *secs;
        self.converter.convert(
            frame,
            secs,
            max_width,
            max_height,
            self.rotation_deg,
            &self.path,
        )
    }

    fn seek(&mut self, t: f64) -> Result<(), MediaError> {
        seek_before(
            &mut self.input,
            self.origin as f64 * self.tb + t,
            &self.path,
        )?;
        self.decoder.flush();
        self.current = None;
        self.pending = None;
        self.input_done = false;
        self.eof = false;
        Ok(())
    }

    /// Decodes the next frame of the stream into `out`; false at the end.
    fn decode_next(&mut self, out: &mut ff::frame::Video) -> Result<bool, MediaError> {
        if let Some((f, _)) = self.pending.take() {
            *out = f;
            return Ok(true);
        }
        loop {
            match self.decoder.receive_frame(out) {
                Ok(()) => return Ok(true),
                Err(ff::Error::Eof) => return Ok(false),
                // EAGAIN, or a frame the decoder rejected: feed it more.
                Err(_) if self.input_done => return Ok(false),
                Err(_) => {}
            }
            let mut sent = false;
            for (stream, packet) in self.input.packets() {
                if stream.index() == self.index {
                    let skip = self.skip_nonref_before.is_some_and(|limit| {
                        packet
                            .pts()
                            .is_some_and(|pts| ((pts - self.origin) as f64 * self.tb) < limit)
                    });
                    if skip != self.skipping {
                        self.decoder.skip_frame(if skip {
                            ff::Discard::NonReference
                        } else {
                            ff::Discard::Default
                        });
                        self.skipping = skip;
                    }
                    // A packet the decoder rejects is skipped; the next keyframe recovers.
                    self.decoder.send_packet(&packet).ok();
                    sent = true;
                    break;
                }
            }
            if !sent {
                self.decoder.send_eof().ok();
                self.input_done = true;
            }
        }
    }
}

/// Decoded frames → upright RGBA at a requested size: the preview's and the thumbnail strip's
/// one conversion. Keeps its scaler while the input format and output size stay the same.
#[derive(Default)]
pub(crate) struct RgbaConverter {
    scaler: Option<(Scaler, u32, u32)>,
}

impl RgbaConverter {
    /// `frame` scaled to fit inside `max_width × max_height` once turned clockwise by
    /// `rotation_deg` (display aspect kept, even sides), then turned upright.
    pub fn convert(
        &mut self,
        frame: &ff::frame::Video,
        pts_secs: f64,
        max_width: u32,
        max_height: u32,
        rotation_deg: i32,
        path: &Path,
    ) -> Result<RgbaFrame, MediaError> {
        let sideways = matches!(rotation_deg.rem_euclid(360), 90 | 270);
        let (w, h) = if sideways {
            fit_box(frame, max_height, max_width)
        } else {
            fit_box(frame, max_width, max_height)
        };
        let rebuild =
            !matches!(&self.scaler, Some((s, sw, sh)) if s.matches(frame) && *sw == w && *sh == h);
        if rebuild {
            let s = Scaler::with_size(frame, w, h, ff::format::Pixel::RGBA, path)?;
            self.scaler = Some((s, w, h));
        }
        let Some((scaler, _, _)) = self.scaler.as_mut() else {
            return Err(MediaError::Ffmpeg {
                path: path.to_path_buf(),
                reason: "no scaler".into(),
            });
        };
        let rgba = scaler.convert(frame, path)?;
        let row = w as usize * 4;
        let mut pixels = Vec::with_capacity(row * h as usize);
        for r in rgba.data.chunks(rgba.stride).take(h as usize) {
            pixels.extend_from_slice(&r[..row.min(r.len())]);
        }
        Ok(rotate(
            RgbaFrame {
                width: w,
                height: h,
                pixels,
                pts_secs,
            },
            rotation_deg,
        ))
    }
}

/// Grabs one frame of `path` at `t_secs` (opens and closes the file).
pub fn grab_frame(
    path: &Path,
    t_secs: f64,
    max_width: u32,
    max_height: u32,
) -> Result<RgbaFrame, MediaError> {
    FrameGrabber::open(path)?.grab(t_secs, max_width, max_height, &CancelToken::new())
}

/// Turns a frame clockwise by 90, 180 or 270 degrees (anything else: unchanged).
pub fn rotate(f: RgbaFrame, deg: i32) -> RgbaFrame {
    let (w, h) = (f.width as usize, f.height as usize);
    let px = |x: usize, y: usize| -> [u8; 4] {
        let i = (y * w + x) * 4;
        f.pixels
            .get(i..i + 4)
            .and_then(|p| p.try_into().ok())
            .unwrap_or([0; 4])
    };
    let turn = deg.rem_euclid(360);
    let (nw, nh) = match turn {
        90 | 270 => (h, w),
        180 => (w, h),
        _ => return f,
    };
    // Where output pixel (x, y) comes from in the input.
    let src = |x: usize, y: usize| -> (usize, usize) {
        match turn {
            90 => (y, h - 1 - x),
            180 => (w - 1 - x, h - 1 - y),
            _ => (w - 1 - y, x),
        }
    };
    let mut pixels = Vec::with_capacity(nw * nh * 4);
    for y in 0..nh {
        for x in 0..nw {
            let (sx, sy) = src(x, y);
            pixels.extend_from_slice(&px(sx, sy));
        }
    }
    RgbaFrame {
        width: nw as u32,
        height: nh as u32,
        pixels,
        pts_secs: f.pts_secs,
    }
}

/// The size that fits `frame` (display aspect) inside `max_w × max_h`, even sides.
fn fit_box(frame: &ff::frame::Video, max_w: u32, max_h: u32) -> (u32, u32) {
    let (w, h) = fit_width(
        frame.width(),
        frame.height(),
        frame.aspect_ratio(),
        u32::MAX,
    );
    let scale = (f64::from(max_w.max(2)) / f64::from(w))
        .min(f64::from(max_h.max(2)) / f64::from(h))
        .min(1.0);
    // Rounded to even sides, never past an odd box.
    let even = |v: f64, max: u32| ((v / 2.0).round() as u32 * 2).min(max & !1).max(2);
    (
        even(f64::from(w) * scale, max_w),
        even(f64::from(h) * scale, max_h),
    )
}

#[cfg(test)]
mod tests {
    use super::{rotate, RgbaFrame};

    #[test]
    fn rotation_moves_the_corners_clockwise() {
        // 2×1: red, blue.
        let f = RgbaFrame {
            width: 2,
            height: 1,
            pixels: vec![255, 0, 0, 255, 0, 0, 255, 255],
            pts_secs: 0.0,
        };
        let r = rotate(f.clone(), 90);
        assert_eq!((r.width, r.height), (1, 2));
        // Turned clockwise, the left (red) pixel goes to the top.
        assert_eq!(r.pixel(0, 0), Some([255, 0, 0, 255]));
        assert_eq!(r.pixel(0, 1), Some([0, 0, 255, 255]));
        let r = rotate(f.clone(), 270);
        assert_eq!(r.pixel(0, 0), Some([0, 0, 255, 255]));
        let r = rotate(f, 180);
        assert_eq!(r.pixel(0, 0), Some([0, 0, 255, 255]));
    }
}
