//! The audio side of one clip export: the source's packets copied as they are when MP4 can
//! hold them and nothing changes the sound (AAC or MP3, no loudness normalisation), else
//! decoded, trimmed to the sample and encoded to AAC.

use super::audio_copy::{can_copy, AudioCopy};
use super::audio_encode::AudioChain;
use super::error::ExportError;
use super::transcode::ClipSpec;
use crate::media::open::open_audio_decoder;
use ffmpeg_next as ff;
use std::path::Path;

pub(super) enum ClipAudio {
    None,
    Copy(AudioCopy),
    Reencode(Box<(AudioChain, ff::decoder::Audio)>),
}

/// Where the clip's audio comes from and goes to.
pub(super) struct AudioTarget<'a> {
    pub input: &'a ff::format::context::Input,
    /// The source's audio stream, if any.
    pub index: Option<usize>,
    /// The clip on the source's timeline, in seconds.
    pub span: (f64, f64),
    pub global_header: bool,
    pub out: &'a Path,
}

impl ClipAudio {
    /// Adds the audio stream to `octx` (before its header is written).
    pub(super) fn open(
        t: &AudioTarget<'_>,
        spec: &ClipSpec<'_>,
        octx: &mut ff::format::context::Output,
    ) -> Result<ClipAudio, ExportError> {
        let Some((index, stream)) = t.index.and_then(|i| t.input.stream(i).map(|s| (i, s))) else {
            return Ok(ClipAudio::None);
        };
        let (params, tb) = (stream.parameters(), stream.time_base());
        if !spec.loudnorm && can_copy(params.id()) {
            return Ok(ClipAudio::Copy(AudioCopy::new(
                params, tb, t.span, octx, t.out,
            )?));
        }
        let dec = open_audio_decoder(t.input, index, spec.source)?;
        let chain = AudioChain::new(&dec, tb, t.span, spec, octx, t.global_header, t.out)?;
        Ok(ClipAudio::Reencode(Box::new((chain, dec))))
    }

    /// The output stream, once opened.
    pub(super) fn ost(&self) -> Option<usize> {
        match self {
            ClipAudio::None => None,
            ClipAudio::Copy(a) => Some(a.ost),
            ClipAudio::Reencode(b) => Some(b.0.ost),
        }
    }

    /// The output stream's time base (the muxer may have changed it in its header).
    fn ost_time_base(&self, octx: &ff::format::context::Output) -> Option<ff::Rational> {
        self.ost()
            .and_then(|i| octx.stream(i))
            .map(|s| s.time_base())
    }

    /// True when every packet the clip needs has been taken.
    pub(super) fn done(&self) -> bool {
        match self {
            ClipAudio::None => true,
            ClipAudio::Copy(a) => a.done,
            ClipAudio::Reencode(b) => b.0.done,
        }
    }

    /// Takes one demuxed packet of the audio stream.
    pub(super) fn push(
        &mut self,
        packet: ff::Packet,
        end_abs: f64,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        let ost_tb = self.ost_time_base(octx);
        match self {
            ClipAudio::Copy(a) if !a.done => {
                a.push(packet, octx, ost_tb.unwrap_or(a.time_base()), out)?;
            }
            ClipAudio::Reencode(b) if !b.0.done => {
                let (chain, dec) = &mut **b;
                chain.push_packet(dec, &packet, end_abs, octx, ost_tb, out)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Flushes the decoder, filters and encoder of a re-encoded stream.
    pub(super) fn finish(
        &mut self,
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<(), ExportError> {
        let ost_tb = self.ost_time_base(octx);
        if let ClipAudio::Reencode(b) = self {
            let (chain, dec) = &mut **b;
            chain.finish(dec, octx, ost_tb, out)?;
        }
        Ok(())
    }
}
