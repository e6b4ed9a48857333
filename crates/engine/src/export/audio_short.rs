//! The picture of a 9:16 short of a file with sound and no picture (a podcast): its
//! word-by-word captions and the sound's bars (`sound_bars`) over a plain dark picture, 30
//! frames a second, made here frame by frame and encoded beside the clip's sound
//! (`audio_only::sound_clip` drives both).

use super::compose::Compose;
use super::encoder::{open_x264, VideoStream, X264Settings};
use super::error::ExportError;
use super::filters::{PORTRAIT_H, PORTRAIT_W};
use super::sound_bars::SoundBars;
use super::transcode::{ClipSpec, TranscodeStats};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::Path;

/// The short's frame rate.
pub(super) const FPS: i32 = 30;
/// The plain picture's colour (Y, Cb, Cr; limited range): a dark grey, #141414.
const BACKDROP_YUV: [u8; 3] = [32, 128, 128];

/// The plain 9:16 picture every frame starts from.
pub(super) fn backdrop() -> Result<ff::frame::Video, ExportError> {
    let mut f = ff::frame::Video::new(ff::format::Pixel::YUV420P, PORTRAIT_W, PORTRAIT_H);
    // SAFETY: `f` was just allocated and is owned here.
    if unsafe { ff::ffi::av_frame_make_writable(f.as_mut_ptr()) } < 0 {
        return Err(ExportError::setup("out of memory for a picture".into()));
    }
    for (plane, value) in BACKDROP_YUV.iter().enumerate() {
        f.data_mut(plane).fill(*value);
    }
    // SAFETY: as above; limited-range BT.709, as `burn.rs` assumes for untagged HD frames.
    unsafe {
        let p = f.as_mut_ptr();
        (*p).color_range = ff::ffi::AVColorRange::AVCOL_RANGE_MPEG;
        (*p).colorspace = ff::ffi::AVColorSpace::AVCOL_SPC_BT709;
    }
    Ok(f)
}

/// The short's picture: the backdrop, the sound's bars and the captions of each frame's time
/// drawn on a copy of it, encoded.
pub(super) struct Picture<'a> {
    stream: VideoStream,
    backdrop: ff::frame::Video,
    bars: SoundBars,
    /// The clip's start, seconds of the source (frame 0's time).
    start: f64,
    /// The frame being burned and encoded (a copy of the backdrop).
    frame: ff::frame::Video,
    compose: Compose<'a>,
    /// The next frame's number (= its timestamp in the encoder's time base).
    next: i64,
    /// Frames in the whole clip.
    frames: i64,
}

impl<'a> Picture<'a> {
    /// Opens the encoder and adds the video stream to `octx` (before its header), for a clip
    /// of `spec` with `spec`'s subtitles; reads the clip's loudness for its bars.
    pub(super) fn open(
        spec: &ClipSpec<'a>,
        octx: &mut ff::format::context::Output,
        global_header: bool,
        out: &Path,
        cancel: &CancelToken,
    ) -> Result<Picture<'a>, ExportError> {
        let enc_tb = ff::Rational::new(1, FPS);
        let frame_rate = ff::Rational::new(FPS, 1);
        let enc = open_x264(&X264Settings {
            width: PORTRAIT_W,
            height: PORTRAIT_H,
            format: ff::format::Pixel::YUV420P,
            time_base: enc_tb,
            frame_rate,
            aspect: ff::Rational::new(1, 1),
            global_header,
            threads: spec.encode.threads,
            preset: &spec.encode.preset,
            crf: spec.encode.crf,
            matching: None,
        })?;
        let stream = VideoStream::add(octx, enc, enc_tb, frame_rate, out)?;
        let backdrop = backdrop()?;
        let clip_len = (spec.end - spec.start).max(1e-3);
        Ok(Picture {
            stream,
            frame: backdrop.clone(),
            backdrop,
            bars: SoundBars::read(spec.source, (spec.start, spec.end), cancel)?,
            start: spec.start,
            compose: Compose::open(None, spec.layout.subtitles, PORTRAIT_W, PORTRAIT_H)?,
            next: 0,
            frames: (clip_len * f64::from(FPS)).round().max(1.0) as i64,
        })
    }

    /// Encodes the frames before `clip_secs` (the sound has reached it), so the muxer
    /// interleaves the two.
    pub(super) fn keep_up(
        &mut self,
        clip_secs: f64,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        let upto = ((clip_secs * f64::from(FPS)).floor() as i64).clamp(0, self.frames);
        self.encode_until(upto, octx, out)
    }

    /// Encodes the rest of the clip's frames and flushes the encoder.
    pub(super) fn finish(
        &mut self,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<TranscodeStats, ExportError> {
        self.encode_until(self.frames, octx, out)?;
        self.stream.finish(octx, out)?;
        self.compose.log_spent(self.frames as u64);
        Ok(TranscodeStats {
            video_frames: self.frames as u64,
            width: PORTRAIT_W,
            height: PORTRAIT_H,
        })
    }

    /// Encodes frames up to (not including) frame `upto`.
    fn encode_until(
        &mut self,
        upto: i64,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        while self.next < upto {
            // The encoder may still hold the last frame's buffers: copy into fresh ones then.
            // SAFETY: `frame` is an allocated frame owned here.
            if unsafe { ff::ffi::av_frame_make_writable(self.frame.as_mut_ptr()) } < 0 {
                return Err(ExportError::setup("out of memory for a picture".into()));
            }
            self.frame.clone_from(&self.backdrop);
            self.bars.draw(
                &mut self.frame,
                self.start + self.next as f64 / f64::from(FPS),
            );
            self.frame.set_pts(Some(self.next));
            let frame = self.compose.frame(&mut self.frame, self.stream.enc_tb)?;
            self.stream.send(frame, octx, out)?;
            self.next += 1;
        }
        Ok(())
    }
}
