//! The source of a clip export: opening its demuxer and streams ([`open_source`]) and what an
//! export needs to know of its video stream ([`SourceVideo`]: time base, origin, frame rate,
//! rotation). Shared by the re-encode, the smart cut and the prepared stacked background.

use super::error::ExportError;
use crate::media::open::{best_stream, open_input};
use ffmpeg_next as ff;
use std::path::Path;

/// Opens the source: its demuxer, its video stream and its audio stream if any.
pub(super) fn open_source(
    src: &Path,
) -> Result<(ff::format::context::Input, usize, Option<usize>), ExportError> {
    let input = open_input(src)?;
    let vidx = best_stream(&input, ff::media::Type::Video, src)?;
    let aidx = best_stream(&input, ff::media::Type::Audio, src).ok();
    Ok((input, vidx, aidx))
}

/// A stream's first timestamp in seconds (0 when unknown): clip times are relative to it.
pub(super) fn origin_secs(s: &ff::format::stream::Stream<'_>) -> f64 {
    match s.start_time() {
        ff::ffi::AV_NOPTS_VALUE => 0.0,
        t => t as f64 * f64::from(s.time_base()),
    }
}

/// What an export needs to know of the source's video stream.
pub(super) struct SourceVideo {
    pub tb: ff::Rational,
    /// The stream's first timestamp, in seconds (clip times are relative to it).
    pub origin_secs: f64,
    /// The frame rate by the one rule of [`crate::media::frame_rate::stream_rate`] (nominal,
    /// else average, else 25 fps).
    pub frame_rate: ff::Rational,
    /// The frame rate when it is constant (nominal and average rates agree).
    pub cfr_rate: Option<(i32, i32)>,
    /// Clockwise display rotation in degrees.
    pub rotation: i32,
    /// Width × height of the picture as shown (after the rotation), when known.
    pub upright_size: Option<(u32, u32)>,
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
        let origin_secs = origin_secs(&s);
        let (avg, nominal) = (s.avg_frame_rate(), s.rate());
        let valid = |r: &ff::Rational| r.numerator() > 0 && r.denominator() > 0;
        let frame_rate = crate::media::frame_rate::stream_rate(&s);
        let cfr_rate = (valid(&nominal)
            && i64::from(avg.numerator()) * i64::from(nominal.denominator())
                == i64::from(nominal.numerator()) * i64::from(avg.denominator()))
        .then(|| (nominal.numerator(), nominal.denominator()));
        let rotation = crate::media::probe::rotation_deg(&s);
        let params = s.parameters();
        // SAFETY: the parameters belong to the stream, alive for this call.
        let (w, h) = unsafe {
            let p = params.as_ptr();
            ((*p).width, (*p).height)
        };
        let upright_size = (w > 0 && h > 0).then(|| {
            let (w, h) = (w as u32, h as u32);
            if rotation.rem_euclid(180) == 90 {
                (h, w)
            } else {
                (w, h)
            }
        });
        Ok(SourceVideo {
            tb,
            origin_secs,
            frame_rate,
            cfr_rate,
            rotation,
            upright_size,
        })
    }
}
