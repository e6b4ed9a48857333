//! Audio stream copy for the smart cut: the source's compressed audio packets that cover the
//! clip, plus one packet of pre-roll, with timestamps relative to the clip's start. The
//! packets before the start get negative timestamps, which the MP4 muxer turns into an edit
//! list: players decode the pre-roll (so the first sound has no transform-overlap glitch) and
//! start playing exactly at the clip's start.

use super::error::ExportError;
use crate::media::open::secs_to_ts;
use ffmpeg_next as ff;
use std::path::Path;

/// Codecs whose packets can go into MP4 as they are.
pub fn can_copy(id: ff::codec::Id) -> bool {
    matches!(id, ff::codec::Id::AAC | ff::codec::Id::MP3)
}

/// Adds an output stream that carries `params`' packets as they are; returns its index.
pub fn add_copied_stream(
    octx: &mut ff::format::context::Output,
    params: ff::codec::Parameters,
    tb: ff::Rational,
    out: &Path,
) -> Result<usize, ExportError> {
    let mut s = octx
        .add_stream(ff::encoder::find(ff::codec::Id::None))
        .map_err(|e| ExportError::io(out, e))?;
    s.set_parameters(params);
    s.set_time_base(tb);
    // SAFETY: the stream's codecpar was just set; a zero tag lets the muxer choose its own.
    unsafe {
        let par = (*s.as_mut_ptr()).codecpar;
        if !par.is_null() {
            (*par).codec_tag = 0;
        }
    }
    Ok(s.index())
}

/// Copies one audio stream's packets for `[start, end)` (in the stream's time base).
pub struct AudioCopy {
    pub ost: usize,
    itb: ff::Rational,
    start: i64,
    end: i64,
    /// The last packet that ended at or before the start (the pre-roll), until one that
    /// reaches into the clip arrives.
    preroll: Option<ff::Packet>,
    started: bool,
    /// The decode time of the last packet written: a packet at or before it (timestamps that
    /// jump back, as in joined recordings) is dropped, since the muxer refuses it.
    last_dts: Option<i64>,
    pub done: bool,
}

impl AudioCopy {
    /// Adds the output stream (a copy of `params`).
    pub fn new(
        params: ff::codec::Parameters,
        itb: ff::Rational,
        (start_secs, end_secs): (f64, f64),
        octx: &mut ff::format::context::Output,
        out: &Path,
    ) -> Result<AudioCopy, ExportError> {
        let ost = add_copied_stream(octx, params, itb, out)?;
        Ok(AudioCopy {
            ost,
            itb,
            start: secs_to_ts(start_secs, itb),
            end: secs_to_ts(end_secs, itb),
            preroll: None,
            started: false,
            last_dts: None,
            done: false,
        })
    }

    /// The source stream's time base.
    pub fn time_base(&self) -> ff::Rational {
        self.itb
    }

    /// Takes one demuxed packet of the stream.
    pub fn push(
        &mut self,
        packet: ff::Packet,
        octx: &mut ff::format::context::Output,
        ost_tb: ff::Rational,
        out: &Path,
    ) -> Result<(), ExportError> {
        let Some(pts) = packet.pts() else {
            return Ok(());
        };
        if pts >= self.end {
            self.done = true;
            return Ok(());
        }
        let duration = packet.duration().max(0);
        if !self.started {
            if pts + duration <= self.start {
                self.preroll = Some(packet);
                return Ok(());
            }
            self.started = true;
            if let Some(p) = self.preroll.take() {
                self.write(p, octx, ost_tb, out)?;
            }
        } else if pts + duration <= self.start {
            // Back before the clip after it began: timestamps that went backwards.
            return Ok(());
        }
        self.write(packet, octx, ost_tb, out)
    }

    fn write(
        &mut self,
        mut p: ff::Packet,
        octx: &mut ff::format::context::Output,
        ost_tb: ff::Rational,
        out: &Path,
    ) -> Result<(), ExportError> {
        let pts = p.pts().unwrap_or(self.start) - self.start;
        let dts = p.dts().map_or(pts, |d| d - self.start);
        if self.last_dts.is_some_and(|last| dts <= last) {
            return Ok(());
        }
        self.last_dts = Some(dts);
        p.set_pts(Some(pts));
        p.set_dts(Some(dts));
        p.set_position(-1);
        p.set_stream(self.ost);
        p.rescale_ts(self.itb, ost_tb);
        p.write_interleaved(octx)
            .map_err(|e| ExportError::io(out, e))
    }
}
