//! Encoders and their output streams: the one libx264 setup ([`open_x264`]) used by the
//! re-encode and by the smart cut's re-encoded parts, adding an opened encoder's stream to the
//! muxer, and writing the packets an encoder has ready.

use super::error::ExportError;
use ffmpeg_next as ff;
use std::path::Path;

/// One libx264 encoder: the picture it takes, its timing and what it is asked for.
pub(super) struct X264Settings<'a> {
    pub width: u32,
    pub height: u32,
    pub format: ff::format::Pixel,
    pub time_base: ff::Rational,
    pub frame_rate: ff::Rational,
    /// Sample aspect ratio.
    pub aspect: ff::Rational,
    /// The parameter sets go in the extradata (the muxer wants a global header), not in-band.
    pub global_header: bool,
    /// Frame threads; 0 leaves the count to libx264 (its default: automatic).
    pub threads: usize,
    /// x264 preset name.
    pub preset: &'a str,
    pub crf: u8,
    /// Set when the output must share one track with the source's own H.264 (smart cut).
    pub matching: Option<MatchSource<'a>>,
}

/// What an encoder whose output shares a track with the source's H.264 copies or avoids.
pub(super) struct MatchSource<'a> {
    /// `baseline`, `main` or `high`.
    pub profile: &'static str,
    /// `level_idc` (e.g. 31 for 3.1).
    pub level: u8,
    /// A parameter-set id the source does not use.
    pub sps_id: u32,
    /// The source's decoder: its colour range, space, primaries, transfer and chroma location
    /// are copied.
    pub colour_of: &'a ff::decoder::Video,
}

/// Opens libx264 with `s`. With [`X264Settings::matching`] the encoder makes no B-frames (so
/// its decode timestamps are its presentation timestamps less a constant delay), numbers its
/// parameter sets with the free id and does not repeat them in the stream.
pub(super) fn open_x264(s: &X264Settings<'_>) -> Result<ff::encoder::Video, ExportError> {
    let x264 = ff::encoder::find_by_name("libx264")
        .ok_or_else(|| ExportError::setup("this FFmpeg has no libx264 encoder".into()))?;
    let mut enc = ff::codec::context::Context::new_with_codec(x264)
        .encoder()
        .video()
        .map_err(|e| ExportError::encoder("video", e))?;
    enc.set_width(s.width);
    enc.set_height(s.height);
    enc.set_format(s.format);
    enc.set_time_base(s.time_base);
    enc.set_frame_rate(Some(s.frame_rate));
    enc.set_aspect_ratio(s.aspect);
    if s.global_header {
        enc.set_flags(ff::codec::Flags::GLOBAL_HEADER);
    }
    if let Some(m) = &s.matching {
        // SAFETY: both contexts are alive; these are plain enum fields.
        unsafe {
            let (e, d) = (enc.as_mut_ptr(), m.colour_of.as_ptr());
            (*e).color_range = (*d).color_range;
            (*e).colorspace = (*d).colorspace;
            (*e).color_primaries = (*d).color_primaries;
            (*e).color_trc = (*d).color_trc;
            (*e).chroma_sample_location = (*d).chroma_sample_location;
        }
    }
    if s.threads > 0 {
        enc.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: s.threads,
            ..Default::default()
        });
    }
    let mut opts = ff::Dictionary::new();
    opts.set("preset", s.preset);
    opts.set("crf", &s.crf.to_string());
    if let Some(m) = &s.matching {
        opts.set("profile", m.profile);
        opts.set("level", &m.level.to_string());
        opts.set(
            "x264-params",
            &format!("sps-id={}:bframes=0:repeat-headers=0", m.sps_id),
        );
    }
    enc.open_with(opts).map_err(|e| {
        let what = match &s.matching {
            None => format!("preset {:?} / crf {}", s.preset, s.crf),
            Some(m) => format!(
                "the smart-cut settings (preset {:?}, crf {}, profile {})",
                s.preset, s.crf, m.profile
            ),
        };
        ExportError::bad_settings(format!("libx264 rejected {what}: {e}"))
    })
}

/// Adds an output stream for the packets of the opened encoder `enc`, in time base `tb`;
/// returns its index. Before the header is written.
pub(super) fn add_encoded_stream<E: AsRef<ff::codec::Context>>(
    octx: &mut ff::format::context::Output,
    enc: &E,
    tb: ff::Rational,
    out: &Path,
) -> Result<usize, ExportError> {
    let mut s = octx
        .add_stream(enc.as_ref().codec())
        .map_err(|e| ExportError::io(out, e))?;
    s.set_parameters(enc);
    s.set_time_base(tb);
    Ok(s.index())
}

/// Writes every packet the encoder has ready. A packet without a duration gets
/// `default_duration` (in `enc_tb`): the last frame's duration sets the track's length, and
/// the MP4 muxer's edit list would otherwise hide that frame.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_packets(
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

/// An open video encoder and the output stream its packets go to: frames in, packets muxed.
pub(super) struct VideoStream {
    enc: ff::encoder::Video,
    ost: usize,
    /// The encoder's time base (frame timestamps are in it).
    pub enc_tb: ff::Rational,
    /// One frame, in `enc_tb` (for packets the encoder leaves without a duration).
    frame_duration: i64,
    packet: ff::Packet,
}

impl VideoStream {
    /// Adds `enc`'s output stream to `octx` (before its header is written).
    pub(super) fn add(
        octx: &mut ff::format::context::Output,
        enc: ff::encoder::Video,
        enc_tb: ff::Rational,
        frame_rate: ff::Rational,
        out: &Path,
    ) -> Result<VideoStream, ExportError> {
        use ff::Rescale as _;
        let ost = add_encoded_stream(octx, &enc, enc_tb, out)?;
        Ok(VideoStream {
            enc,
            ost,
            enc_tb,
            frame_duration: 1i64.rescale(frame_rate.invert(), enc_tb).max(1),
            packet: ff::Packet::empty(),
        })
    }

    /// Encodes `frame` and writes the packets that are ready.
    pub(super) fn send(
        &mut self,
        frame: &ff::frame::Video,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        self.enc
            .send_frame(frame)
            .map_err(|e| ExportError::encoder("video", e))?;
        self.write(octx, out)
    }

    /// Flushes the encoder.
    pub(super) fn finish(
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
        // The muxer may have changed the stream's time base in its header.
        let ost_tb = octx.stream(self.ost).map_or(self.enc_tb, |s| s.time_base());
        write_packets(
            &mut self.enc,
            octx,
            self.ost,
            self.enc_tb,
            ost_tb,
            &mut self.packet,
            self.frame_duration,
            out,
        )
    }
}
