//! The frame rate of a video stream: the one rule by which the sampler, the analysis, the
//! grabber, the export, the window and the benchmark number frames and turn frames into time.
//!
//! The nominal rate (FFmpeg's `r_frame_rate`, the rate every timestamp fits on) comes first;
//! the average rate stands in when the nominal one is missing or implausibly high for it
//! (the first test of FFmpeg's own `av_guess_frame_rate`: an average under 70 fps with a
//! nominal rate over 210 fps is a VFR file whose time base leaked into the nominal rate);
//! [`FALLBACK_FPS`] when neither is known.

use ffmpeg_next as ff;

/// Frames per second assumed when a stream says nothing (FFmpeg's own default for raw input).
pub const FALLBACK_FPS: i32 = 25;

/// The frame rate of `stream` as a fraction (for encoders and muxers).
pub fn stream_rate(stream: &ff::format::stream::Stream) -> ff::Rational {
    let (nominal, avg) = (stream.rate(), stream.avg_frame_rate());
    match choose(as_fps(nominal), as_fps(avg)) {
        Choice::Nominal => nominal,
        Choice::Average => avg,
        Choice::Fallback => ff::Rational::new(FALLBACK_FPS, 1),
    }
}

/// The frame rate of `stream` in frames per second.
pub fn stream_fps(stream: &ff::format::stream::Stream) -> f64 {
    f64::from(stream_rate(stream))
}

/// The same rule over the rates a probe reports (`VideoInfo::frame_rate`, `avg_frame_rate`).
pub fn fps(nominal: Option<f64>, avg: Option<f64>) -> f64 {
    let valid = |r: Option<f64>| r.filter(|f| f.is_finite() && *f > 0.0);
    let (nominal, avg) = (valid(nominal), valid(avg));
    match choose(nominal, avg) {
        Choice::Nominal => nominal.unwrap_or_default(),
        Choice::Average => avg.unwrap_or_default(),
        Choice::Fallback => f64::from(FALLBACK_FPS),
    }
}

enum Choice {
    Nominal,
    Average,
    Fallback,
}

fn as_fps(r: ff::Rational) -> Option<f64> {
    (r.numerator() > 0 && r.denominator() > 0).then(|| f64::from(r))
}

fn choose(nominal: Option<f64>, avg: Option<f64>) -> Choice {
    match (nominal, avg) {
        (Some(n), Some(a)) if a < 70.0 && n > 210.0 => Choice::Average,
        (Some(_), _) => Choice::Nominal,
        (None, Some(_)) => Choice::Average,
        (None, None) => Choice::Fallback,
    }
}

#[cfg(test)]
mod tests {
    use super::fps;

    #[test]
    fn the_nominal_rate_comes_first() {
        assert_eq!(fps(Some(30.0), Some(29.6)), 30.0);
        assert_eq!(
            fps(Some(30000.0 / 1001.0), Some(30000.0 / 1001.0)),
            30000.0 / 1001.0
        );
    }

    #[test]
    fn the_average_stands_in_for_a_missing_or_implausible_nominal_rate() {
        assert_eq!(fps(None, Some(24.0)), 24.0);
        assert_eq!(fps(Some(0.0), Some(24.0)), 24.0);
        assert_eq!(fps(Some(90000.0), Some(29.5)), 29.5);
        // A real high-rate file keeps its rate.
        assert_eq!(fps(Some(240.0), Some(239.0)), 240.0);
    }

    #[test]
    fn nothing_known_is_25_fps() {
        assert_eq!(fps(None, None), 25.0);
        assert_eq!(fps(Some(f64::NAN), None), 25.0);
    }
}
