//! The timeline's ruler: tick spacing that adapts to the zoom (labels never closer than a
//! minimum width), and labels as precise as the spacing needs.

/// Steps between labelled ticks, in seconds.
const STEPS: [f64; 22] = [
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0,
    900.0, 1800.0, 3600.0, 7200.0, 18000.0, 36000.0,
];

/// The spacing of labelled ticks and of the small ticks between them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ticks {
    pub major: f64,
    pub minor: f64,
}

/// The smallest step whose labels are at least `min_px` apart at `px_per_sec`.
pub fn ticks(px_per_sec: f64, min_px: f64) -> Ticks {
    let major = STEPS
        .iter()
        .copied()
        .find(|s| s * px_per_sec >= min_px)
        .unwrap_or(STEPS[STEPS.len() - 1]);
    // Five small ticks per step of 1, 5, 10…; four for 2, 20…; three for 15 s.
    let lead = major / 10f64.powf(major.log10().floor());
    let minor = if (lead - 2.0).abs() < 1e-6 {
        major / 4.0
    } else if (major - 15.0).abs() < 1e-6 || (major - 900.0).abs() < 1e-6 {
        major / 3.0
    } else {
        major / 5.0
    };
    Ticks { major, minor }
}

/// The times of ticks every `step` seconds inside `[t0, t1]`.
pub fn tick_times(t0: f64, t1: f64, step: f64) -> impl Iterator<Item = f64> {
    let first = (t0 / step).ceil() as i64;
    let last = (t1 / step).floor() as i64;
    (first..=last).map(move |i| i as f64 * step)
}

/// A tick's label: `1:05:00`, `5:30`, `0:12.5`, `0:12.25`.
pub fn label(t: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else {
        2
    };
    let scale = 10f64.powi(decimals);
    let total = (t * scale).round() / scale;
    let h = (total / 3600.0).floor();
    let m = ((total - h * 3600.0) / 60.0).floor();
    let s = total - h * 3600.0 - m * 60.0;
    let secs = if decimals == 0 {
        format!("{:02}", s.round() as u32)
    } else {
        format!(
            "{:0width$.prec$}",
            s,
            width = 3 + decimals as usize,
            prec = decimals as usize
        )
    };
    if h > 0.0 {
        format!("{h:.0}:{m:02.0}:{secs}")
    } else {
        format!("{m:.0}:{secs}")
    }
}

#[cfg(test)]
mod tests {
    use super::{label, tick_times, ticks, Ticks};

    #[test]
    fn tick_spacing_follows_the_zoom() {
        // A 10-minute video across 1000 px: 1.67 px/s, labels ≥ 80 px apart → every minute.
        assert_eq!(
            ticks(1000.0 / 600.0, 80.0),
            Ticks {
                major: 60.0,
                minor: 12.0
            }
        );
        // A 2-hour video: every 10 minutes at least, so labels do not collide.
        let t = ticks(1000.0 / 7200.0, 80.0);
        assert_eq!(t.major, 600.0);
        // Zoomed to 2 s across 1000 px: tenths of a second.
        assert_eq!(ticks(500.0, 80.0).major, 0.2);
        assert_eq!(ticks(500.0, 80.0).minor, 0.05);
        assert_eq!(
            ticks(6.0, 80.0),
            Ticks {
                major: 15.0,
                minor: 5.0
            }
        );
        // Labels are never closer than asked, at any zoom.
        for ppx in [0.01, 0.1, 1.0, 3.3, 10.0, 77.0, 500.0, 5000.0, 20000.0] {
            let t = ticks(ppx, 80.0);
            assert!(t.major * ppx >= 80.0 || t.major == 36000.0, "{ppx}: {t:?}");
            assert!(t.minor < t.major);
        }
    }

    #[test]
    fn ticks_and_labels() {
        let v: Vec<f64> = tick_times(9.5, 31.0, 10.0).collect();
        assert_eq!(v, [10.0, 20.0, 30.0]);
        assert_eq!(label(65.0, 5.0), "1:05");
        assert_eq!(label(3900.0, 600.0), "1:05:00");
        assert_eq!(label(12.5, 0.5), "0:12.5");
        assert_eq!(label(12.25, 0.05), "0:12.25");
        assert_eq!(label(59.96, 0.2), "1:00.0");
    }
}
