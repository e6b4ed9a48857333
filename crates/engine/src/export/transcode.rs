//! One clip, one pass: seek the input to the keyframe before the clip, decode only what the
//! clip needs, run the video through its filter graph (trim, layout) and the audio through
//! its own (see `clip_audio`), compose the picture (see `compose`), encode with libx264 and
//! mux to MP4 — in-process with `ffmpeg-next`. Also the types every clip export shares
//! ([`ClipSpec`], [`EncodeSettings`], [`TranscodeStats`]).

use super::background::PreparedBackground;
use super::clip_audio::{AudioTarget, ClipAudio};
use super::compose::Compose;
use super::encoder::{open_x264, VideoStream, X264Settings};
use super::error::ExportError;
use super::filters::{buffer_args, build_graph, video_graph, VideoLayout, PORTRAIT_H};
use super::h264::{self, AvcConfig};
use super::source::{open_source, SourceVideo};
use crate::media::open::{init, open_video_decoder, secs_to_ts, seek_before};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::Path;

/// Encoder settings for one attempt.
#[derive(Clone, Debug, PartialEq)]
pub struct EncodeSettings {
    /// x264 preset name.
    pub preset: String,
    pub crf: u8,
    /// Encoder threads (workers × threads ≤ cores).
    pub threads: usize,
}

/// What one clip export needs.
#[derive(Clone, Debug)]
pub struct ClipSpec<'a> {
    pub source: &'a Path,
    pub start: f64,
    pub end: f64,
    pub layout: VideoLayout<'a>,
    pub loudnorm: bool,
    pub encode: EncodeSettings,
    /// The stacked background's lower halves, prepared once for the batch (used when the
    /// source has a constant frame rate; otherwise the graph decodes the background).
    pub background: Option<&'a PreparedBackground>,
}

/// What a finished transcode wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TranscodeStats {
    pub video_frames: u64,
    pub width: u32,
    pub height: u32,
}

/// Exports `spec` into `out` (an MP4 file; the caller writes to a temp path and renames).
/// `on_progress` gets the fraction of the clip encoded so far.
pub fn transcode(
    spec: &ClipSpec<'_>,
    out: &Path,
    cancel: &CancelToken,
    on_progress: &mut dyn FnMut(f64),
) -> Result<TranscodeStats, ExportError> {
    init();
    let src = spec.source;
    let (mut input, vidx, aidx) = open_source(src)?;
    let SourceVideo {
        tb: vtb,
        origin_secs,
        frame_rate,
        cfr_rate,
        rotation,
        ..
    } = SourceVideo::of(&input, vidx, src)?;
    let mut vdec = open_video_decoder(&input, vidx, 1, src)?;
    let (start_abs, end_abs) = (origin_secs + spec.start, origin_secs + spec.end);
    // H.264 pictures before the clip that nothing references need not be decoded.
    let skip_disposable = input
        .stream(vidx)
        .and_then(|s| AvcConfig::of_stream(&s.parameters()))
        .map(|c| (c.length_size, secs_to_ts(start_abs, vtb)));
    seek_before(&mut input, start_abs, src)?;

    // Video graph, from the decoder's parameters.
    let args = buffer_args(
        vdec.width(),
        vdec.height(),
        vdec.format(),
        vtb,
        vdec.aspect_ratio(),
    );
    let background = spec
        .background
        .filter(|_| spec.layout.stacked.is_some() && cfr_rate.is_some());
    let layout = VideoLayout {
        background_in_memory: background.is_some(),
        ..spec.layout.clone()
    };
    let vspec = video_graph(start_abs, end_abs, rotation, cfr_rate, &layout);
    let mut vgraph = build_graph(Some(("buffer", &args)), "buffersink", &vspec, src)?;
    let (out_w, out_h, out_tb) = {
        let sink = vgraph
            .get("out")
            .ok_or_else(|| ExportError::setup("no video sink".to_string()))?;
        // SAFETY: the sink context belongs to the configured graph, alive for this block.
        unsafe {
            let ptr = sink.as_ptr();
            let tb = ff::ffi::av_buffersink_get_time_base(ptr);
            (
                ff::ffi::av_buffersink_get_w(ptr).max(2) as u32,
                ff::ffi::av_buffersink_get_h(ptr).max(2) as u32,
                ff::Rational::new(tb.num, tb.den),
            )
        }
    };
    // With the background from memory the graph makes the upper half only.
    let out_h = if background.is_some() {
        PORTRAIT_H
    } else {
        out_h
    };
    let compose = Compose::open(background, spec.layout.subtitles, out_w, out_h)?;

    // Output and encoders.
    let mut octx =
        crate::media::open::open_output(out, "mp4").map_err(|e| ExportError::io(out, e))?;
    let global_header = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let venc = open_x264(&X264Settings {
        width: out_w,
        height: out_h,
        format: ff::format::Pixel::YUV420P,
        time_base: out_tb,
        frame_rate,
        aspect: ff::Rational::new(1, 1),
        global_header,
        threads: spec.encode.threads,
        preset: &spec.encode.preset,
        crf: spec.encode.crf,
        matching: None,
    })?;
    let vstream = VideoStream::add(&mut octx, venc, out_tb, frame_rate, out)?;

    let mut audio = ClipAudio::open(
        &AudioTarget {
            input: &input,
            index: aidx,
            span: (start_abs, end_abs),
            global_header,
            out,
        },
        spec,
        &mut octx,
    )?;
    octx.write_header().map_err(|e| ExportError::io(out, e))?;

    let clip_len = (spec.end - spec.start).max(1e-3);
    let mut stats = TranscodeStats {
        width: out_w,
        height: out_h,
        ..TranscodeStats::default()
    };
    let mut video_done = false;
    let mut decoded = ff::frame::Video::empty();
    let mut vout = VideoOut {
        stream: vstream,
        filtered: ff::frame::Video::empty(),
        compose,
    };

    for (stream, packet) in input.packets() {
        cancel.check()?;
        let idx = stream.index();
        if idx == vidx && !video_done {
            if let (Some((length_size, start_ts)), Some(pts)) = (skip_disposable, packet.pts()) {
                if pts < start_ts
                    && packet
                        .data()
                        .is_some_and(|d| h264::is_disposable(d, length_size))
                {
                    continue;
                }
            }
            vdec.send_packet(&packet).ok();
            while vdec.receive_frame(&mut decoded).is_ok() {
                let pts = decoded.pts().or(decoded.timestamp());
                if pts.is_some_and(|p| p as f64 * f64::from(vtb) >= end_abs + 1.0) {
                    video_done = true;
                }
                decoded.set_pts(pts);
                vsrc_add(&mut vgraph, Some(&decoded), src)?;
                vout.drain(&mut vgraph, &mut octx, &mut stats, out)?;
                on_progress(
                    (stats.video_frames as f64 / f64::from(frame_rate) / clip_len).min(1.0),
                );
            }
        } else if Some(idx) == aidx {
            audio.push(packet, end_abs, &mut octx, out)?;
        }
        if video_done && audio.done() {
            break;
        }
    }
    cancel.check()?;
    // Drain: decoders, graphs, encoders.
    if !video_done {
        vdec.send_eof().ok();
        while vdec.receive_frame(&mut decoded).is_ok() {
            let pts = decoded.pts().or(decoded.timestamp());
            decoded.set_pts(pts);
            vsrc_add(&mut vgraph, Some(&decoded), src)?;
        }
    }
    vsrc_add(&mut vgraph, None, src)?;
    vout.drain(&mut vgraph, &mut octx, &mut stats, out)?;
    vout.finish(&mut octx, out)?;
    vout.compose.log_spent(stats.video_frames);
    audio.finish(&mut octx, out)?;
    octx.write_trailer().map_err(|e| ExportError::io(out, e))?;
    on_progress(1.0);
    if stats.video_frames == 0 {
        return Err(ExportError::empty(src, spec.start, spec.end));
    }
    Ok(stats)
}

/// Feeds a decoded frame (or, with `None`, the end of the stream) to the video graph.
fn vsrc_add(
    graph: &mut ff::filter::Graph,
    frame: Option<&ff::frame::Video>,
    src: &Path,
) -> Result<(), ExportError> {
    let mut ctx = graph
        .get("in")
        .ok_or_else(|| ExportError::setup("no video source".into()))?;
    let mut source = ctx.source();
    match frame {
        Some(f) => source.add(f),
        None => source.flush(),
    }
    .map_err(|e| ExportError::filter(src, e))
}

/// The video encoder and its output stream, and what is done to a frame between the graph
/// and the encoder (see `compose`).
struct VideoOut<'a> {
    stream: VideoStream,
    filtered: ff::frame::Video,
    /// The background under the picture and the subtitles on it.
    compose: Compose<'a>,
}

impl VideoOut<'_> {
    /// Encodes every frame the graph has ready and writes the packets.
    fn drain(
        &mut self,
        graph: &mut ff::filter::Graph,
        octx: &mut ff::format::context::Output,
        stats: &mut TranscodeStats,
        out: &Path,
    ) -> Result<(), ExportError> {
        loop {
            let got = match graph.get("out") {
                Some(mut sink) => sink.sink().frame(&mut self.filtered).is_ok(),
                None => false,
            };
            if !got {
                return Ok(());
            }
            self.filtered.set_kind(ff::picture::Type::None);
            let frame = self.compose.frame(&mut self.filtered, self.stream.enc_tb)?;
            self.stream.send(frame, octx, out)?;
            stats.video_frames += 1;
        }
    }

    /// Flushes the encoder.
    fn finish(
        &mut self,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        self.stream.finish(octx, out)
    }
}
