//! Stretches of a video without a single frame: timestamps that jump (joined recordings,
//! damaged streams) or a sound track that runs on after the picture. The timeline holds them,
//! but a clip there has no picture (its export says "no video frames"), so the ranking picks
//! none mostly inside one ([`crate::analysis::scoring::ScoreInput::frameless`]) and a long one
//! is reported.

/// Shorter gaps between frames are a low frame rate, not missing video.
const FRAMELESS_SECS: f64 = 2.0;
/// A gap worth a warning.
const WARN_SECS: f64 = 10.0;

/// The spans of `[0, duration)` longer than [`FRAMELESS_SECS`] without one of the frame
/// times `times` (seconds, any order).
pub fn frameless_spans(mut times: Vec<f64>, duration: f64) -> Vec<(f64, f64)> {
    if times.is_empty() {
        return Vec::new();
    }
    times.sort_by(f64::total_cmp);
    let mut edges = vec![0.0];
    edges.extend(times);
    edges.push(duration);
    edges
        .windows(2)
        .filter(|w| w[1] - w[0] > FRAMELESS_SECS)
        .map(|w| (w[0], w[1]))
        .collect()
}

/// A warning naming the longest span, when one lasts [`WARN_SECS`] or more.
pub fn warning(spans: &[(f64, f64)]) -> Option<String> {
    let (from, to) = spans
        .iter()
        .copied()
        .max_by(|a, b| (a.1 - a.0).total_cmp(&(b.1 - b.0)))?;
    (to - from >= WARN_SECS).then(|| {
        format!(
            "the video's timestamps jump from {} to {} (nothing in between: no clip is picked there)",
            crate::media::format_secs(from),
            crate::media::format_secs(to)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_longer_than_two_seconds_are_frameless() {
        assert_eq!(frameless_spans(Vec::new(), 10.0), Vec::<(f64, f64)>::new());
        let spans = |times: &[f64], duration: f64| frameless_spans(times.to_vec(), duration);
        // A 10 fps stretch is not a gap; 3 s → 100 s is; so is a sound track running on.
        let t: Vec<f64> = (0..30)
            .map(|i| f64::from(i) * 0.1)
            .chain([100.0, 100.5])
            .collect();
        assert_eq!(
            spans(&t, 106.0),
            vec![(2.9000000000000004, 100.0), (100.5, 106.0)]
        );
        assert!(warning(&spans(&t, 106.0)).is_some_and(|w| w.contains("from 0:02.900 to 1:40.000")));
        assert_eq!(warning(&[(1.0, 5.0)]), None);
    }
}
