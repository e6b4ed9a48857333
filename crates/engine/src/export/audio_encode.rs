//! The re-encoded audio of one clip: the source's decoder → a filter graph (trim to the
//! sample, loudness normalisation when asked, 48 kHz stereo) → AAC, written to the muxer.

use super::encoder::{add_encoded_stream, write_packets};
use super::error::ExportError;
use super::filters::{audio_graph, build_graph};
use super::transcode::ClipSpec;
use crate::media::audio::{default_layout_if_missing, layout_or_default};
use ff::util::channel_layout::ChannelLayout;
use ffmpeg_next as ff;
use std::path::Path;

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
        let ost = add_encoded_stream(octx, &enc, ff::Rational::new(1, 48000), out)?;
        let layout = layout_or_default(dec.channel_layout(), dec.channels());
        let args = format!(
            "time_base={}/{}:sample_rate={}:sample_fmt={}:channel_layout=0x{:x}",
            stream_tb.numerator(),
            stream_tb.denominator(),
            dec.rate(),
            dec.format().name(),
            layout.bits()
        );
        let aspec = audio_graph(start_abs, end_abs, spec.loudnorm);
        let mut graph = build_graph(Some(("abuffer", &args)), "abuffersink", &aspec, src)?;
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
            default_layout_if_missing(&mut self.decoded);
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
            self.write(octx, ost_tb, out)?;
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
                default_layout_if_missing(&mut self.decoded);
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
        self.write(octx, ost_tb, out)
    }

    /// Writes the packets the encoder has ready.
    fn write(
        &mut self,
        octx: &mut ff::format::context::Output,
        ost_tb: Option<ff::Rational>,
        out: &Path,
    ) -> Result<(), ExportError> {
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
