//! Smart cut: a frame-exact clip in the source's own format, nearly as fast as a stream copy.
//!
//! The GOPs that lie wholly inside the clip are copied packet for packet. Only the frames
//! before the first IDR picture inside the clip (the "head") and, where B-frames make the
//! end fall inside a run of reordered pictures, the last few frames (the "tail") are decoded
//! and re-encoded with libx264, matching the source's size, pixel format, colour, profile and
//! level. The re-encoded parts use their own parameter-set id, and both sets of SPS/PPS go in
//! the output's `avcC` record, so one standard H.264 track plays through every seam. AAC or
//! MP3 audio is copied too (see `audio_copy`); other audio, or loudnorm, is re-encoded.
//!
//! Streams that cannot be cut this way (not H.264, no `avcC`, unusual profiles or pixel
//! formats, rotated video) return [`SmartCutError::Unsupported`] before anything is written;
//! the caller re-encodes instead and says why.

use super::audio_copy::add_copied_stream;
use super::clip_audio::{AudioTarget, ClipAudio};
use super::encoder::{open_x264, MatchSource, X264Settings};
use super::error::ExportError;
use super::h264::{self, AvcConfig};
use super::source::{open_source, SourceVideo};
use super::transcode::{ClipSpec, TranscodeStats};
use crate::media::open::{init, open_video_decoder, secs_to_ts, seek_before};
use crate::media::MediaError;
use crate::progress::{CancelToken, Cancelled};
use ff::Rescale as _;
use ffmpeg_next as ff;
use std::path::Path;

/// Why a smart cut did not produce the clip.
#[derive(Debug)]
pub enum SmartCutError {
    /// This stream cannot be smart-cut (nothing was written): re-encode instead.
    Unsupported(String),
    /// The cut failed like any export can.
    Failed(ExportError),
}

impl From<ExportError> for SmartCutError {
    fn from(e: ExportError) -> Self {
        SmartCutError::Failed(e)
    }
}

impl From<MediaError> for SmartCutError {
    fn from(e: MediaError) -> Self {
        SmartCutError::Failed(e.into())
    }
}

impl From<Cancelled> for SmartCutError {
    fn from(e: Cancelled) -> Self {
        SmartCutError::Failed(e.into())
    }
}

/// What a smart cut wrote.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SmartStats {
    pub stats: TranscodeStats,
    /// Frames re-encoded before the first copied GOP.
    pub head_frames: u64,
    /// Frames stream-copied.
    pub copied_frames: u64,
    /// Frames re-encoded after the last copied packet.
    pub tail_frames: u64,
}

/// Cuts `spec.start..spec.end` of `spec.source` into `out` (MP4). `spec.layout` must be plain.
pub fn smart_cut(
    spec: &ClipSpec<'_>,
    out: &Path,
    cancel: &CancelToken,
    on_progress: &mut dyn FnMut(f64),
) -> Result<SmartStats, SmartCutError> {
    init();
    let began = std::time::Instant::now();
    let src = spec.source;
    let (mut input, vidx, aidx) = open_source(src)?;
    let video = SourceVideo::of(&input, vidx, src)?;
    let (vtb, origin_secs, frame_rate) = (video.tb, video.origin_secs, video.frame_rate);
    let params = input
        .stream(vidx)
        .map(|s| s.parameters())
        .ok_or_else(|| ExportError::media(src, "the video stream disappeared"))?;
    if params.id() != ff::codec::Id::H264 {
        return Err(unsupported(format!(
            "the video is {}, not H.264",
            crate::media::open::codec_name(&params)
        )));
    }
    if video.rotation != 0 {
        return Err(unsupported(
            "the video is stored rotated and is turned upright".into(),
        ));
    }
    let source_cfg = AvcConfig::of_stream(&params)
        .ok_or_else(|| unsupported("the H.264 stream has no avcC header".into()))?;
    let profile = match source_cfg.profile {
        66 => "baseline",
        77 => "main",
        100 => "high",
        p => return Err(unsupported(format!("H.264 profile {p} is not supported"))),
    };
    if source_cfg.length_size < 4 {
        // A re-encoded picture can be longer than a 1- or 2-byte length says.
        return Err(unsupported(format!(
            "the source frames NAL units with {}-byte lengths",
            source_cfg.length_size
        )));
    }
    let used = source_cfg.used_ids();
    let sps_id = (0..32u32)
        .find(|i| !used.contains(i))
        .ok_or_else(|| unsupported("every parameter-set id is in use".into()))?;
    let threads = spec.encode.threads.max(1);
    let mut dec = open_video_decoder(&input, vidx, threads, src)?;
    if !matches!(
        dec.format(),
        ff::format::Pixel::YUV420P | ff::format::Pixel::YUVJ420P
    ) {
        return Err(unsupported(format!(
            "pixel format {:?} is not 8-bit 4:2:0",
            dec.format()
        )));
    }
    let matching = MatchingEncoder {
        tb: vtb,
        frame_rate,
        profile,
        level: source_cfg.level,
        sps_id,
        spec,
    };
    let head_enc = matching.open(&dec)?;
    let (enc_sps, enc_pps) = parameter_sets(&head_enc)?;
    let mut out_cfg = source_cfg.clone();
    out_cfg.sps.push(enc_sps.clone());
    out_cfg.pps.push(enc_pps.clone());
    let out_extradata = out_cfg.try_to_bytes().ok_or_else(|| {
        unsupported("the source's avcC holds too many parameter sets to add one".into())
    })?;

    // Output: the source's stream parameters with the extended avcC.
    let mut octx =
        crate::media::open::open_output(out, "mp4").map_err(|e| ExportError::io(out, e))?;
    let global_header = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let vost = {
        let index = add_copied_stream(&mut octx, params, vtb, out)?;
        let mut s = octx
            .stream_mut(index)
            .ok_or_else(|| ExportError::setup("the output stream disappeared".into()))?;
        set_extradata(&mut s, &out_extradata);
        index
    };
    let (start_abs, end_abs) = (origin_secs + spec.start, origin_secs + spec.end);
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
    let ost_tb = octx.stream(vost).map(|s| s.time_base()).unwrap_or(vtb);
    seek_before(&mut input, start_abs, src)?;

    let mut cut = Cutter {
        src,
        out,
        start_ts: secs_to_ts(start_abs, vtb),
        end_ts: secs_to_ts(end_abs, vtb),
        frame_ticks: (1i64).rescale(frame_rate.invert(), vtb).max(1),
        length_size: source_cfg.length_size,
        vost,
        vtb,
        ost_tb,
        base: None,
        delay: 0,
        last_dts: None,
        k1: None,
        head_enc: Some(head_enc),
        head_packets: Vec::new(),
        matching,
        enc_sets: (enc_sps, enc_pps),
        gop: Vec::new(),
        phase: Phase::Head,
        decoded: ff::frame::Video::empty(),
        result: SmartStats::default(),
        clip_len: (spec.end - spec.start).max(1e-3),
        decoded_packets: 0,
    };
    for (stream, packet) in input.packets() {
        cancel.check()?;
        let idx = stream.index();
        if idx == vidx && cut.phase != Phase::Done {
            cut.push(packet, &mut dec, &mut octx, on_progress)?;
        } else if Some(idx) == aidx {
            audio.push(packet, end_abs, &mut octx, out)?;
        }
        if cut.phase == Phase::Done && audio.done() {
            break;
        }
    }
    cancel.check()?;
    cut.finish(&mut dec, &mut octx, on_progress)?;
    audio.finish(&mut octx, out)?;
    octx.write_trailer().map_err(|e| ExportError::io(out, e))?;
    tracing::debug!(
        "smart cut: done in {:.3} s, {} packets decoded",
        began.elapsed().as_secs_f64(),
        cut.decoded_packets
    );
    on_progress(1.0);
    let mut result = cut.result;
    result.stats.video_frames = result.head_frames + result.copied_frames + result.tail_frames;
    result.stats.width = dec.width();
    result.stats.height = dec.height();
    if result.stats.video_frames == 0 {
        return Err(ExportError::empty(src, spec.start, spec.end).into());
    }
    Ok(result)
}

fn unsupported(why: String) -> SmartCutError {
    SmartCutError::Unsupported(why)
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Before the first IDR picture inside the clip: decoding for the head.
    Head,
    /// Buffering a GOP that starts inside the clip.
    Copy,
    /// Every video frame of the clip is written.
    Done,
}

/// The video side of one smart cut, fed packet by packet.
struct Cutter<'a> {
    src: &'a Path,
    out: &'a Path,
    /// Clip bounds in the stream's time base: frames with `start_ts <= pts < end_ts`.
    start_ts: i64,
    end_ts: i64,
    frame_ticks: i64,
    length_size: usize,
    vost: usize,
    vtb: ff::Rational,
    ost_tb: ff::Rational,
    /// Source pts of the clip's first frame: output timestamps are relative to it.
    base: Option<i64>,
    /// The source's reordering delay (pts − dts of its IDR pictures), given to the
    /// re-encoded parts so that decode timestamps rise across every seam.
    delay: i64,
    last_dts: Option<i64>,
    /// Source pts of the first copied IDR picture.
    k1: Option<i64>,
    head_enc: Option<ff::encoder::Video>,
    /// Encoded head packets, held until the delay is known.
    head_packets: Vec<ff::Packet>,
    matching: MatchingEncoder<'a>,
    enc_sets: (Vec<u8>, Vec<u8>),
    /// The GOP being buffered (decode order), starting with its IDR packet.
    gop: Vec<ff::Packet>,
    phase: Phase,
    decoded: ff::frame::Video,
    result: SmartStats,
    clip_len: f64,
    /// Packets sent to the decoder (the cost of the re-encoded parts).
    decoded_packets: u64,
}

impl Cutter<'_> {
    fn push(
        &mut self,
        packet: ff::Packet,
        dec: &mut ff::decoder::Video,
        octx: &mut ff::format::context::Output,
        on_progress: &mut dyn FnMut(f64),
    ) -> Result<(), SmartCutError> {
        let Some(pts) = packet.pts() else {
            return Err(SmartCutError::Failed(ExportError::setup(format!(
                "a video packet has no timestamp: {}",
                self.src.display()
            ))));
        };
        let dts = packet.dts().unwrap_or(pts);
        let idr = packet.is_key() && self.is_idr(&packet);
        match self.phase {
            Phase::Head => {
                if idr && pts >= self.start_ts {
                    self.finish_head(dec, Some((pts, dts)), octx)?;
                    if pts < self.end_ts {
                        self.phase = Phase::Copy;
                        self.gop.push(packet);
                    } else {
                        self.phase = Phase::Done;
                    }
                } else if dts >= self.end_ts {
                    self.finish_head(dec, None, octx)?;
                    self.phase = Phase::Done;
                } else {
                    let needed = pts >= self.start_ts
                        || !packet
                            .data()
                            .is_some_and(|d| h264::is_disposable(d, self.length_size));
                    if needed {
                        dec.send_packet(&packet).ok();
                        self.decoded_packets += 1;
                        self.drain_head(dec)?;
                    }
                }
            }
            Phase::Copy => {
                if idr {
                    let gop = std::mem::take(&mut self.gop);
                    if pts <= self.end_ts {
                        self.copy(gop, octx, on_progress)?;
                        if pts < self.end_ts {
                            self.gop.push(packet);
                        } else {
                            self.phase = Phase::Done;
                        }
                    } else {
                        self.tail(gop, dec, octx, on_progress)?;
                        self.phase = Phase::Done;
                    }
                } else if dts >= self.end_ts {
                    let gop = std::mem::take(&mut self.gop);
                    self.tail(gop, dec, octx, on_progress)?;
                    self.phase = Phase::Done;
                } else {
                    let gop_pts = self.gop.first().and_then(|p| p.pts()).unwrap_or(pts);
                    if pts < gop_pts {
                        return Err(SmartCutError::Failed(ExportError::setup(
                            "a picture after an IDR frame is shown before it (open GOP)".into(),
                        )));
                    }
                    self.gop.push(packet);
                }
            }
            Phase::Done => {}
        }
        Ok(())
    }

    /// The end of the input: whatever is pending is the end of the clip.
    fn finish(
        &mut self,
        dec: &mut ff::decoder::Video,
        octx: &mut ff::format::context::Output,
        on_progress: &mut dyn FnMut(f64),
    ) -> Result<(), SmartCutError> {
        match self.phase {
            Phase::Head => self.finish_head(dec, None, octx)?,
            Phase::Copy => {
                let gop = std::mem::take(&mut self.gop);
                self.tail(gop, dec, octx, on_progress)?;
            }
            Phase::Done => {}
        }
        self.phase = Phase::Done;
        Ok(())
    }

    fn is_idr(&self, packet: &ff::Packet) -> bool {
        packet
            .data()
            .and_then(|d| h264::split_length_prefixed(d, self.length_size))
            .is_some_and(|nals| nals.iter().any(|n| h264::nal_type(n) == 5))
    }

    /// Encodes the decoder's ready frames that belong to the head.
    fn drain_head(&mut self, dec: &mut ff::decoder::Video) -> Result<(), SmartCutError> {
        while dec.receive_frame(&mut self.decoded).is_ok() {
            let Some(pts) = self.decoded.timestamp().or(self.decoded.pts()) else {
                continue;
            };
            let limit = self.k1.unwrap_or(i64::MAX).min(self.end_ts);
            if pts < self.start_ts || pts >= limit {
                continue;
            }
            let base = *self.base.get_or_insert(pts);
            let Some(enc) = self.head_enc.as_mut() else {
                continue;
            };
            self.decoded.set_pts(Some(pts - base));
            self.decoded.set_kind(ff::picture::Type::None);
            enc.send_frame(&self.decoded)
                .map_err(|e| ExportError::encoder("video", e))?;
            self.result.head_frames += 1;
            take_packets(enc, &mut self.head_packets);
        }
        Ok(())
    }

    /// Ends the head at the first copied IDR picture `k1` (pts, dts), or at the clip's end.
    fn finish_head(
        &mut self,
        dec: &mut ff::decoder::Video,
        k1: Option<(i64, i64)>,
        octx: &mut ff::format::context::Output,
    ) -> Result<(), SmartCutError> {
        self.k1 = k1.map(|(pts, _)| pts);
        dec.send_eof().ok();
        self.drain_head(dec)?;
        dec.flush();
        if let Some(mut enc) = self.head_enc.take() {
            enc.send_eof()
                .map_err(|e| ExportError::encoder("video", e))?;
            take_packets(&mut enc, &mut self.head_packets);
        }
        if let Some((pts, dts)) = k1 {
            self.delay = (pts - dts).max(0);
            self.base.get_or_insert(pts);
        }
        for p in std::mem::take(&mut self.head_packets) {
            self.write_encoded(p, octx)?;
        }
        Ok(())
    }

    /// Writes a GOP's packets as they are.
    fn copy(
        &mut self,
        gop: Vec<ff::Packet>,
        octx: &mut ff::format::context::Output,
        on_progress: &mut dyn FnMut(f64),
    ) -> Result<(), SmartCutError> {
        let base = self.base.unwrap_or(0);
        for mut p in gop {
            let pts = p.pts().unwrap_or(0) - base;
            let dts = p.dts().map_or(pts, |d| d - base);
            p.set_pts(Some(pts));
            p.set_dts(Some(dts));
            if p.duration() <= 0 {
                p.set_duration(self.frame_ticks);
            }
            self.write(p, octx)?;
            self.result.copied_frames += 1;
            on_progress((pts as f64 * f64::from(self.vtb) / self.clip_len).min(1.0));
        }
        Ok(())
    }

    /// The clip ends inside `gop`: copy its longest clean prefix (a run of packets whose
    /// pictures are exactly the first ones shown), re-encode the frames after it.
    fn tail(
        &mut self,
        gop: Vec<ff::Packet>,
        dec: &mut ff::decoder::Video,
        octx: &mut ff::format::context::Output,
        on_progress: &mut dyn FnMut(f64),
    ) -> Result<(), SmartCutError> {
        let pts: Vec<i64> = gop.iter().map(|p| p.pts().unwrap_or(i64::MAX)).collect();
        let n = clean_prefix(&pts, self.end_ts);
        let wanted: Vec<i64> = pts[n..]
            .iter()
            .copied()
            .filter(|&t| t < self.end_ts)
            .collect();
        let mut tail_packets = Vec::new();
        if let Some(&last_pts) = wanted.iter().max() {
            let last = pts.iter().rposition(|&t| t < self.end_ts).unwrap_or(0);
            let mut enc = self.matching.open(dec)?;
            if parameter_sets(&enc)? != self.enc_sets {
                return Err(SmartCutError::Failed(ExportError::setup(
                    "the tail encoder made different parameter sets".into(),
                )));
            }
            let base = self.base.unwrap_or(0);
            let mut frames = Vec::new();
            dec.flush();
            for (i, p) in gop.iter().enumerate().take(last + 1) {
                let shown = pts[i] < self.end_ts && i >= n;
                let disposable = p
                    .data()
                    .is_some_and(|d| h264::is_disposable(d, self.length_size));
                if !shown && disposable {
                    continue;
                }
                dec.send_packet(p).ok();
                self.decoded_packets += 1;
                self.collect_tail(dec, &wanted, &mut frames);
            }
            dec.send_eof().ok();
            self.collect_tail(dec, &wanted, &mut frames);
            frames.sort_by_key(|f| f.pts());
            for mut f in frames {
                let t = f.pts().unwrap_or(last_pts);
                f.set_pts(Some(t - base));
                f.set_kind(ff::picture::Type::None);
                enc.send_frame(&f)
                    .map_err(|e| ExportError::encoder("video", e))?;
                self.result.tail_frames += 1;
            }
            enc.send_eof()
                .map_err(|e| ExportError::encoder("video", e))?;
            take_packets(&mut enc, &mut tail_packets);
        }
        let prefix: Vec<ff::Packet> = gop.into_iter().take(n).collect();
        self.copy(prefix, octx, on_progress)?;
        for p in tail_packets {
            self.write_encoded(p, octx)?;
        }
        Ok(())
    }

    fn collect_tail(
        &mut self,
        dec: &mut ff::decoder::Video,
        wanted: &[i64],
        frames: &mut Vec<ff::frame::Video>,
    ) {
        while dec.receive_frame(&mut self.decoded).is_ok() {
            let t = self.decoded.timestamp().or(self.decoded.pts());
            if t.is_some_and(|t| wanted.contains(&t)) {
                let mut f = std::mem::replace(&mut self.decoded, ff::frame::Video::empty());
                f.set_pts(t);
                frames.push(f);
            }
        }
    }

    /// Writes a packet of the re-encoded parts: no reordering, so dts = pts − the delay.
    fn write_encoded(
        &mut self,
        mut p: ff::Packet,
        octx: &mut ff::format::context::Output,
    ) -> Result<(), SmartCutError> {
        let pts = p.pts().unwrap_or(0);
        p.set_dts(Some(pts - self.delay));
        if p.duration() <= 0 {
            p.set_duration(self.frame_ticks);
        }
        // libx264 writes Annex-B; the track is length-prefixed, its parameter sets in avcC.
        let data = p.data().unwrap_or(&[]);
        let nals = h264::split_annexb(data);
        let framed = if nals.is_empty() {
            data.to_vec()
        } else {
            h264::length_prefixed(
                nals.into_iter()
                    .filter(|n| !matches!(h264::nal_type(n), 7 | 8)),
                self.length_size,
            )
            .ok_or_else(|| {
                SmartCutError::Failed(ExportError::setup(format!(
                    "a re-encoded picture is too long for {}-byte NAL lengths",
                    self.length_size
                )))
            })?
        };
        let mut q = ff::Packet::copy(&framed);
        q.set_pts(p.pts());
        q.set_dts(p.dts());
        q.set_duration(p.duration());
        q.set_flags(p.flags());
        self.write(q, octx)
    }

    /// Writes one video packet (timestamps relative to the clip), keeping dts rising.
    fn write(
        &mut self,
        mut p: ff::Packet,
        octx: &mut ff::format::context::Output,
    ) -> Result<(), SmartCutError> {
        let pts = p.pts().unwrap_or(0);
        let mut dts = p.dts().unwrap_or(pts);
        if let Some(last) = self.last_dts {
            if dts <= last {
                dts = last + 1;
            }
        }
        if dts > pts {
            return Err(SmartCutError::Failed(ExportError::setup(format!(
                "cannot join the copied and re-encoded parts (dts {dts} > pts {pts}): {}",
                self.src.display()
            ))));
        }
        self.last_dts = Some(dts);
        p.set_dts(Some(dts));
        p.set_stream(self.vost);
        p.set_position(-1);
        p.rescale_ts(self.vtb, self.ost_tb);
        p.write_interleaved(octx)
            .map_err(|e| ExportError::io(self.out, e))?;
        Ok(())
    }
}

/// Moves every packet the encoder has ready into `into`.
fn take_packets(enc: &mut ff::encoder::Video, into: &mut Vec<ff::Packet>) {
    let mut p = ff::Packet::empty();
    while enc.receive_packet(&mut p).is_ok() {
        into.push(std::mem::replace(&mut p, ff::Packet::empty()));
    }
}

/// The longest prefix of a GOP (pts in decode order) whose pictures are all shown before the
/// rest and before `end`: copying it leaves no picture without its references.
pub fn clean_prefix(pts: &[i64], end: i64) -> usize {
    let mut suffix_min = vec![i64::MAX; pts.len() + 1];
    for i in (0..pts.len()).rev() {
        suffix_min[i] = suffix_min[i + 1].min(pts[i]);
    }
    let mut best = 0;
    let mut max = i64::MIN;
    for n in 1..=pts.len() {
        max = max.max(pts[n - 1]);
        if max >= end {
            break;
        }
        if max < suffix_min[n] {
            best = n;
        }
    }
    best
}

/// Opens libx264 encoders whose output can share a track with the source's H.264.
struct MatchingEncoder<'a> {
    tb: ff::Rational,
    frame_rate: ff::Rational,
    profile: &'static str,
    level: u8,
    sps_id: u32,
    spec: &'a ClipSpec<'a>,
}

impl MatchingEncoder<'_> {
    /// An encoder for `dec`'s pictures: its size, pixel format, aspect and colour, the
    /// source's profile and level, no B-frames, and the parameter-set id the source leaves
    /// free.
    fn open(&self, dec: &ff::decoder::Video) -> Result<ff::encoder::Video, ExportError> {
        let threads = self.spec.encode.threads;
        open_x264(&X264Settings {
            width: dec.width(),
            height: dec.height(),
            format: dec.format(),
            time_base: self.tb,
            frame_rate: self.frame_rate,
            aspect: dec.aspect_ratio(),
            global_header: true,
            // One thread is libx264's own choice here, as it always was.
            threads: if threads > 1 { threads } else { 0 },
            preset: &self.spec.encode.preset,
            crf: self.spec.encode.crf,
            matching: Some(MatchSource {
                profile: self.profile,
                level: self.level,
                sps_id: self.sps_id,
                colour_of: dec,
            }),
        })
    }
}

/// The SPS and PPS an opened libx264 encoder put in its (Annex-B) extradata.
fn parameter_sets(enc: &ff::encoder::Video) -> Result<(Vec<u8>, Vec<u8>), ExportError> {
    // SAFETY: the encoder is open; extradata is extradata_size bytes when not null.
    let data = unsafe {
        let c = enc.as_ptr();
        if (*c).extradata.is_null() || (*c).extradata_size <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts((*c).extradata, (*c).extradata_size as usize)
        }
    };
    let nals = h264::split_annexb(data);
    let find = |t: u8| {
        nals.iter()
            .find(|n| h264::nal_type(n) == t)
            .map(|n| n.to_vec())
    };
    match (find(7), find(8)) {
        (Some(sps), Some(pps)) => Ok((sps, pps)),
        _ => Err(ExportError::setup(
            "libx264 gave no SPS/PPS in its extradata".into(),
        )),
    }
}

/// Replaces an output stream's extradata.
fn set_extradata(stream: &mut ff::format::stream::StreamMut<'_>, data: &[u8]) {
    // SAFETY: the stream belongs to an output context not yet started; the buffer is
    // allocated with FFmpeg's allocator and padding, as codecpar requires, and ownership
    // passes to codecpar (the old buffer is freed first).
    unsafe {
        let par = (*stream.as_mut_ptr()).codecpar;
        if par.is_null() {
            return;
        }
        ff::ffi::av_freep(std::ptr::addr_of_mut!((*par).extradata).cast());
        let pad = ff::ffi::AV_INPUT_BUFFER_PADDING_SIZE as usize;
        let buf = ff::ffi::av_mallocz(data.len() + pad).cast::<u8>();
        if buf.is_null() {
            (*par).extradata_size = 0;
            return;
        }
        std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len());
        (*par).extradata = buf;
        (*par).extradata_size = data.len() as i32;
        (*par).codec_tag = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::clean_prefix;

    #[test]
    fn clean_prefix_never_leaves_a_picture_without_its_references() {
        // x264 with B-frames, decode order: I0 P4 B2 B1 B3 P8 B6 B5 B7.
        let pts = [0, 4, 2, 1, 3, 8, 6, 5, 7];
        assert_eq!(clean_prefix(&pts, 100), 9);
        assert_eq!(
            clean_prefix(&pts, 6),
            5,
            "I0..B3 shows 0..3, then 5 and 6 need P8"
        );
        assert_eq!(
            clean_prefix(&pts, 4),
            1,
            "P4 is not shown, so B1..B3 are re-encoded"
        );
        assert_eq!(clean_prefix(&pts, 1), 1);
        assert_eq!(
            clean_prefix(&[0, 1, 2, 3], 2),
            2,
            "no reordering: cut anywhere"
        );
    }
}
