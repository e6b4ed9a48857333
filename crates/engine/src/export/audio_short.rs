//! A 9:16 short of a file with sound and no picture (a podcast): its word-by-word captions
//! over a plain dark picture, 30 frames a second, with the clip's audio (see `clip_audio`).
//! The picture is made here, frame by frame, never from a source video.

use super::audio_only::{covers, open_audio_source, AudioSource};
use super::clip_audio::{AudioTarget, ClipAudio};
use super::compose::Compose;
use super::encoder::{add_encoded_stream, open_x264, write_packets, X264Settings};
use super::error::ExportError;
use super::filters::{PORTRAIT_H, PORTRAIT_W};
use super::transcode::{ClipSpec, TranscodeStats};
use crate::media::open::open_output;
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::Path;

/// The short's frame rate.
pub(super) const FPS: i32 = 30;
/// The plain picture's colour (Y, Cb, Cr; limited range): a dark grey, #141414.
const BACKDROP_YUV: [u8; 3] = [32, 128, 128];

/// Writes the short of `[spec.start, spec.end)` (seconds from the audio's first sample) into
/// `out` (an MP4; the caller writes to a temp path and renames), burning `spec`'s subtitles.
pub fn audio_short(
    spec: &ClipSpec<'_>,
    out: &Path,
    cancel: &CancelToken,
    on_progress: &mut dyn FnMut(f64),
) -> Result<TranscodeStats, ExportError> {
    let src = spec.source;
    let AudioSource {
        mut input,
        index: aidx,
        tb: atb,
        span: (start_abs, end_abs),
    } = open_audio_source(spec)?;

    let mut octx = open_output(out, "mp4").map_err(|e| ExportError::io(out, e))?;
    let global_header = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let enc_tb = ff::Rational::new(1, FPS);
    let venc = open_x264(&X264Settings {
        width: PORTRAIT_W,
        height: PORTRAIT_H,
        format: ff::format::Pixel::YUV420P,
        time_base: enc_tb,
        frame_rate: ff::Rational::new(FPS, 1),
        aspect: ff::Rational::new(1, 1),
        global_header,
        threads: spec.encode.threads,
        preset: &spec.encode.preset,
        crf: spec.encode.crf,
        matching: None,
    })?;
    let vost = add_encoded_stream(&mut octx, &venc, enc_tb, out)?;
    let mut audio = ClipAudio::open(
        &AudioTarget {
            input: &input,
            index: Some(aidx),
            span: (start_abs, end_abs),
            global_header,
            out,
        },
        spec,
        &mut octx,
    )?;
    octx.write_header().map_err(|e| ExportError::io(out, e))?;
    let ost_tb = octx.stream(vost).map(|s| s.time_base()).unwrap_or(enc_tb);
    let backdrop = backdrop()?;
    let mut picture = Picture {
        enc: venc,
        ost: vost,
        enc_tb,
        ost_tb,
        frame: backdrop.clone(),
        backdrop,
        packet: ff::Packet::empty(),
        compose: Compose::open(None, spec.layout.subtitles, PORTRAIT_W, PORTRAIT_H)?,
        next: 0,
    };
    let clip_len = (spec.end - spec.start).max(1e-3);
    let frames = (clip_len * f64::from(FPS)).round().max(1.0) as i64;
    let mut reached = false;
    for (stream, packet) in input.packets() {
        cancel.check()?;
        if stream.index() != aidx {
            continue;
        }
        let at = packet.pts().map(|p| p as f64 * f64::from(atb));
        reached |= covers(&packet, atb, (start_abs, end_abs));
        audio.push(packet, end_abs, &mut octx, out)?;
        // The picture keeps up with the sound, so the muxer interleaves the two.
        if let Some(t) = at {
            let upto = (((t - start_abs) * f64::from(FPS)).floor() as i64).clamp(0, frames);
            picture.encode_until(upto, &mut octx, out)?;
            on_progress(((t - start_abs) / clip_len).clamp(0.0, 1.0));
        }
        if audio.done() {
            break;
        }
    }
    cancel.check()?;
    picture.encode_until(frames, &mut octx, out)?;
    picture.finish(&mut octx, out)?;
    picture.compose.log_spent(frames as u64);
    audio.finish(&mut octx, out)?;
    octx.write_trailer().map_err(|e| ExportError::io(out, e))?;
    on_progress(1.0);
    if !reached {
        return Err(ExportError::media(
            src,
            &format!("no sound between {:.3} s and {:.3} s", spec.start, spec.end),
        ));
    }
    Ok(TranscodeStats {
        video_frames: frames as u64,
        width: PORTRAIT_W,
        height: PORTRAIT_H,
    })
}

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

/// The short's picture: the backdrop, the captions of each frame's time burned on a copy of
/// it, encoded.
struct Picture<'a> {
    enc: ff::encoder::Video,
    ost: usize,
    enc_tb: ff::Rational,
    ost_tb: ff::Rational,
    backdrop: ff::frame::Video,
    /// The frame being burned and encoded (a copy of the backdrop).
    frame: ff::frame::Video,
    packet: ff::Packet,
    compose: Compose<'a>,
    /// The next frame's number (= its timestamp in `enc_tb`).
    next: i64,
}

impl Picture<'_> {
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
            self.frame.set_pts(Some(self.next));
            let frame = self.compose.frame(&mut self.frame, self.enc_tb)?;
            self.enc
                .send_frame(frame)
                .map_err(|e| ExportError::encoder("video", e))?;
            self.write(octx, out)?;
            self.next += 1;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        self.enc
            .send_eof()
            .map_err(|e| ExportError::encoder("video", e))?;
        self.write(octx, out)
    }

    fn write(
        &mut self,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        write_packets(
            &mut self.enc,
            octx,
            self.ost,
            self.enc_tb,
            self.ost_tb,
            &mut self.packet,
            1,
            out,
        )
    }
}
