//! One clip, one pass: seek the input to the keyframe before the clip, decode only what the
//! clip needs, run the video and audio through their filter graphs (trim, layout, loudness),
//! put a prepared stacked background under the picture and burn subtitles into it, encode
//! with libx264 and AAC, and mux to MP4 — in-process with `ffmpeg-next`.

use super::background::PreparedBackground;
use super::burn::SubtitleBurner;
use super::clip_audio::{AudioTarget, ClipAudio};
use super::error::ExportError;
use super::filters::{audio_graph, video_graph, VideoLayout, PORTRAIT_H};
use super::h264::{self, AvcConfig};
use crate::media::open::{
    best_stream, init, open_input, open_video_decoder, secs_to_ts, seek_before,
};
use crate::progress::CancelToken;
use ff::util::channel_layout::ChannelLayout;
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

/// Opens the source: its demuxer, its video stream and its audio stream if any.
pub(super) fn open_source(
    src: &Path,
) -> Result<(ff::format::context::Input, usize, Option<usize>), ExportError> {
    let input = open_input(src)?;
    let vidx = best_stream(&input, ff::media::Type::Video, src)?;
    let aidx = best_stream(&input, ff::media::Type::Audio, src).ok();
    Ok((input, vidx, aidx))
}

/// What an export needs to know of the source's video stream.
pub(super) struct SourceVideo {
    pub tb: ff::Rational,
    /// The stream's first timestamp, in seconds (clip times are relative to it).
    pub origin_secs: f64,
    /// Average (else nominal) frame rate; 30 when the container gives neither.
    pub frame_rate: ff::Rational,
    /// The frame rate when it is constant (nominal and average rates agree).
    pub cfr_rate: Option<(i32, i32)>,
    /// Clockwise display rotation in degrees.
    pub rotation: i32,
}

impl SourceVideo {
    pub(super) fn of(
        input: &ff::format::context::Input,
        index: usize,
        src: &Path,
    ) -> Result<SourceVideo, ExportError> {
        let s = input
            .stream(index)
            .ok_or_else(|| ExportError::media(src, "the video stream disappeared"))?;
        let tb = s.time_base();
        let origin_secs = match s.start_time() {
            ff::ffi::AV_NOPTS_VALUE => 0.0,
            t => t as f64 * f64::from(tb),
        };
        let (avg, nominal) = (s.avg_frame_rate(), s.rate());
        let valid = |r: &ff::Rational| r.numerator() > 0 && r.denominator() > 0;
        let frame_rate = crate::media::frame_rate::stream_rate(&s);
        let cfr_rate = (valid(&nominal)
            && i64::from(avg.numerator()) * i64::from(nominal.denominator())
                == i64::from(nominal.numerator()) * i64::from(avg.denominator()))
        .then(|| (nominal.numerator(), nominal.denominator()));
        Ok(SourceVideo {
            tb,
            origin_secs,
            frame_rate,
            cfr_rate,
            rotation: crate::media::probe::rotation_deg(&s),
        })
    }
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
    let mut vgraph = ff::filter::Graph::new();
    let sar = vdec.aspect_ratio();
    let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
        sar
    } else {
        ff::Rational::new(1, 1)
    };
    let fmt: ff::ffi::AVPixelFormat = vdec.format().into();
    let args = format!(
        "video_size={}x{}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
        vdec.width(),
        vdec.height(),
        fmt as i32,
        vtb.numerator(),
        vtb.denominator(),
        sar.numerator(),
        sar.denominator()
    );
    let filter_err = |e: ff::Error| ExportError::filter(src, e);
    let find = |name: &str| {
        ff::filter::find(name)
            .ok_or_else(|| ExportError::setup(format!("FFmpeg has no {name} filter")))
    };
    vgraph
        .add(&find("buffer")?, "in", &args)
        .map_err(filter_err)?;
    vgraph
        .add(&find("buffersink")?, "out", "")
        .map_err(filter_err)?;
    let background = spec
        .background
        .filter(|_| spec.layout.stacked.is_some() && cfr_rate.is_some());
    let layout = VideoLayout {
        background_in_memory: background.is_some(),
        ..spec.layout.clone()
    };
    let vspec = video_graph(start_abs, end_abs, rotation, cfr_rate, &layout);
    vgraph
        .output("in", 0)
        .and_then(|p| p.input("out", 0))
        .and_then(|p| p.parse(&vspec))
        .map_err(filter_err)?;
    vgraph.validate().map_err(filter_err)?;
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
    let burner = spec
        .layout
        .subtitles
        .map(|p| SubtitleBurner::open(p, out_w, out_h))
        .transpose()?;

    // Output and encoders.
    let mut octx = ff::format::output_as(out, "mp4").map_err(|e| ExportError::io(out, e))?;
    let global_header = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let x264 = ff::encoder::find_by_name("libx264")
        .ok_or_else(|| ExportError::setup("this FFmpeg has no libx264 encoder".into()))?;
    let mut venc = ff::codec::context::Context::new_with_codec(x264)
        .encoder()
        .video()
        .map_err(|e| ExportError::encoder("video", e))?;
    venc.set_width(out_w);
    venc.set_height(out_h);
    venc.set_format(ff::format::Pixel::YUV420P);
    venc.set_time_base(out_tb);
    venc.set_frame_rate(Some(frame_rate));
    venc.set_aspect_ratio(ff::Rational::new(1, 1));
    if global_header {
        venc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    if spec.encode.threads > 0 {
        venc.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: spec.encode.threads,
            ..Default::default()
        });
    }
    let mut vopts = ff::Dictionary::new();
    vopts.set("preset", &spec.encode.preset);
    vopts.set("crf", &spec.encode.crf.to_string());
    let venc = venc.open_with(vopts).map_err(|e| {
        ExportError::bad_settings(format!(
            "libx264 rejected preset {:?} / crf {}: {e}",
            spec.encode.preset, spec.encode.crf
        ))
    })?;
    let vost = {
        let mut s = octx.add_stream(x264).map_err(|e| ExportError::io(out, e))?;
        s.set_parameters(&venc);
        s.set_time_base(out_tb);
        s.index()
    };

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
    let vost_tb = octx.stream(vost).map(|s| s.time_base()).unwrap_or(out_tb);

    let clip_len = (spec.end - spec.start).max(1e-3);
    let mut stats = TranscodeStats {
        width: out_w,
        height: out_h,
        ..TranscodeStats::default()
    };
    let mut video_done = false;
    let mut decoded = ff::frame::Video::empty();
    let mut vout = VideoOut {
        enc: venc,
        ost: vost,
        enc_tb: out_tb,
        ost_tb: vost_tb,
        frame_duration: {
            use ff::Rescale as _;
            1i64.rescale(frame_rate.invert(), out_tb).max(1)
        },
        filtered: ff::frame::Video::empty(),
        packet: ff::Packet::empty(),
        background,
        composed: ff::frame::Video::empty(),
        burner,
        spent: Default::default(),
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
    tracing::debug!(
        "{} frames: {:.2} s stacking, {:.2} s burning subtitles",
        stats.video_frames,
        vout.spent[0].as_secs_f64(),
        vout.spent[1].as_secs_f64()
    );
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
/// and the encoder (background under it, subtitles on it).
struct VideoOut<'a> {
    enc: ff::encoder::Video,
    ost: usize,
    enc_tb: ff::Rational,
    ost_tb: ff::Rational,
    /// One frame, in `enc_tb`.
    frame_duration: i64,
    filtered: ff::frame::Video,
    packet: ff::Packet,
    /// Lower halves to put under the graph's upper halves (frame numbers = timestamps).
    background: Option<&'a PreparedBackground>,
    /// The full picture when `background` is set (reused frame to frame).
    composed: ff::frame::Video,
    burner: Option<SubtitleBurner>,
    /// Time spent stacking and burning (logged at debug level).
    spent: [std::time::Duration; 2],
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
            let t0 = std::time::Instant::now();
            let frame = match self.background {
                Some(bg) => {
                    stack(&self.filtered, bg, &mut self.composed)?;
                    &mut self.composed
                }
                None => &mut self.filtered,
            };
            let t1 = std::time::Instant::now();
            if let Some(burner) = self.burner.as_mut() {
                use ff::Rescale as _;
                let ms = frame
                    .pts()
                    .map_or(0, |p| p.rescale(self.enc_tb, ff::Rational::new(1, 1000)));
                burner.burn(frame, ms)?;
            }
            self.spent[0] += t1 - t0;
            self.spent[1] += t1.elapsed();
            self.enc
                .send_frame(frame)
                .map_err(|e| ExportError::encoder("video", e))?;
            stats.video_frames += 1;
            self.write(octx, out)?;
        }
    }

    /// Flushes the encoder.
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
            self.frame_duration,
            out,
        )
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

/// Writes every packet the encoder has ready. A packet without a duration gets
/// `default_duration` (in `enc_tb`): the last frame's duration sets the track's length, and
/// the MP4 muxer's edit list would otherwise hide that frame.
#[allow(clippy::too_many_arguments)]
fn write_packets(
    enc: &mut ff::encoder::Encoder,
    octx: &mut ff::format::context::Output,
    ost: usize,
    enc_tb: ff::Rational,
    ost_tb: ff::Rational,
    packet: &mut ff::Packet,
    default_duration: i64,
    out: &Path,
) -> Result<(), ExportError> {
    while enc.receive_packet(packet).is_ok() {
        if packet.duration() <= 0 && default_duration > 0 {
            packet.set_duration(default_duration);
        }
        packet.set_stream(ost);
        packet.rescale_ts(enc_tb, ost_tb);
        packet
            .write_interleaved(octx)
            .map_err(|e| ExportError::io(out, e))?;
    }
    Ok(())
}

/// The audio side: decoder → graph (trim, loudnorm, 48 kHz stereo) → AAC.
pub(super) struct AudioChain {
    graph: ff::filter::Graph,
    enc: ff::encoder::Audio,
    pub(super) ost: usize,
    tb: ff::Rational,
    pub(super) done: bool,
    decoded: ff::frame::Audio,
    filtered: ff::frame::Audio,
    packet: ff::Packet,
}

impl AudioChain {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        dec: &ff::decoder::Audio,
        stream_tb: ff::Rational,
        (start_abs, end_abs): (f64, f64),
        spec: &ClipSpec<'_>,
        octx: &mut ff::format::context::Output,
        global_header: bool,
        out: &Path,
    ) -> Result<AudioChain, ExportError> {
        let src = spec.source;
        let aac = ff::encoder::find_by_name("aac")
            .ok_or_else(|| ExportError::setup("this FFmpeg has no AAC encoder".into()))?;
        let mut enc = ff::codec::context::Context::new_with_codec(aac)
            .encoder()
            .audio()
            .map_err(|e| ExportError::encoder("audio", e))?;
        enc.set_rate(48000);
        enc.set_channel_layout(ChannelLayout::STEREO);
        enc.set_channels(2);
        enc.set_format(ff::format::Sample::F32(ff::format::sample::Type::Planar));
        enc.set_bit_rate(160_000);
        enc.set_time_base(ff::Rational::new(1, 48000));
        if global_header {
            enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
        }
        let enc = enc
            .open_as(aac)
            .map_err(|e| ExportError::encoder("audio", e))?;
        let ost = {
            let mut s = octx.add_stream(aac).map_err(|e| ExportError::io(out, e))?;
            s.set_parameters(&enc);
            s.set_time_base(ff::Rational::new(1, 48000));
            s.index()
        };
        let layout = if dec.channel_layout().bits() == 0 {
            ChannelLayout::default(i32::from(dec.channels().max(1)))
        } else {
            dec.channel_layout()
        };
        let args = format!(
            "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
            stream_tb.numerator(),
            stream_tb.denominator(),
            dec.rate(),
            dec.format().name(),
            layout.bits()
        );
        let filter_err = |e: ff::Error| ExportError::filter(src, e);
        let find = |name: &str| {
            ff::filter::find(name)
                .ok_or_else(|| ExportError::setup(format!("FFmpeg has no {name} filter")))
        };
        let mut graph = ff::filter::Graph::new();
        graph
            .add(&find("abuffer")?, "in", &args)
            .map_err(filter_err)?;
        graph
            .add(&find("abuffersink")?, "out", "")
            .map_err(filter_err)?;
        let aspec = audio_graph(start_abs, end_abs, spec.loudnorm);
        graph
            .output("in", 0)
            .and_then(|p| p.input("out", 0))
            .and_then(|p| p.parse(&aspec))
            .map_err(filter_err)?;
        graph.validate().map_err(filter_err)?;
        if let Some(mut sink) = graph.get("out") {
            sink.sink().set_frame_size(enc.frame_size());
        }
        Ok(AudioChain {
            graph,
            enc,
            ost,
            tb: ff::Rational::new(1, 48000),
            done: false,
            decoded: ff::frame::Audio::empty(),
            filtered: ff::frame::Audio::empty(),
            packet: ff::Packet::empty(),
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn push_packet(
        &mut self,
        dec: &mut ff::decoder::Audio,
        packet: &ff::Packet,
        end_abs: f64,
        octx: &mut ff::format::context::Output,
        ost_tb: Option<ff::Rational>,
        out: &Path,
    ) -> Result<(), ExportError> {
        dec.send_packet(packet).ok();
        let tb = dec.time_base();
        while dec.receive_frame(&mut self.decoded).is_ok() {
            let pts = self.decoded.pts().or(self.decoded.timestamp());
            if pts.is_some_and(|p| p as f64 * f64::from(tb) >= end_abs + 1.0) {
                self.done = true;
            }
            if self.decoded.channel_layout().bits() == 0 {
                let ch = i32::from(self.decoded.channels().max(1));
                self.decoded.set_channel_layout(ChannelLayout::default(ch));
            }
            self.decoded.set_pts(pts);
            self.feed()?;
            self.drain(octx, ost_tb, out)?;
        }
        Ok(())
    }

    fn feed(&mut self) -> Result<(), ExportError> {
        match self.graph.get("in") {
            Some(mut c) => c
                .source()
                .add(&self.decoded)
                .map_err(|e| ExportError::setup(format!("audio filter: {e}"))),
            None => Ok(()),
        }
    }

    fn drain(
        &mut self,
        octx: &mut ff::format::context::Output,
        ost_tb: Option<ff::Rational>,
        out: &Path,
    ) -> Result<(), ExportError> {
        loop {
            let got = match self.graph.get("out") {
                Some(mut sink) => sink.sink().frame(&mut self.filtered).is_ok(),
                None => false,
            };
            if !got {
                return Ok(());
            }
            self.enc
                .send_frame(&self.filtered)
                .map_err(|e| ExportError::encoder("audio", e))?;
            write_packets(
                &mut self.enc,
                octx,
                self.ost,
                self.tb,
                ost_tb.unwrap_or(self.tb),
                &mut self.packet,
                0,
                out,
            )?;
        }
    }

    pub(super) fn finish(
        &mut self,
        dec: &mut ff::decoder::Audio,
        octx: &mut ff::format::context::Output,
        ost_tb: Option<ff::Rational>,
        out: &Path,
    ) -> Result<(), ExportError> {
        if !self.done {
            dec.send_eof().ok();
            while dec.receive_frame(&mut self.decoded).is_ok() {
                let pts = self.decoded.pts().or(self.decoded.timestamp());
                self.decoded.set_pts(pts);
                self.feed()?;
            }
        }
        if let Some(mut c) = self.graph.get("in") {
            c.source()
                .flush()
                .map_err(|e| ExportError::setup(format!("audio filter: {e}")))?;
        }
        self.drain(octx, ost_tb, out)?;
        self.enc
            .send_eof()
            .map_err(|e| ExportError::encoder("audio", e))?;
        write_packets(
            &mut self.enc,
            octx,
            self.ost,
            self.tb,
            ost_tb.unwrap_or(self.tb),
            &mut self.packet,
            0,
            out,
        )
    }
}
