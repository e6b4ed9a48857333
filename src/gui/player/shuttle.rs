//! The J/K/L shuttle: the speeds a press of J or L steps through. L from a stop plays at 1×,
//! each further L doubles (2×, 4×); J slows down (½×), stops, then plays backwards and
//! doubles back the same way. K (and Space) stop.

/// The ladder of speeds, slowest backwards to fastest forwards; 0 is stopped.
pub const SPEEDS: [f64; 8] = [-4.0, -2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 4.0];

/// The speed after pressing L (`faster` = true) or J at `speed`.
pub fn step(speed: f64, faster: bool) -> f64 {
    let at = SPEEDS
        .iter()
        .position(|s| (s - speed).abs() < 1e-9)
        .unwrap_or(3);
    if at == 3 {
        // From a stop: straight to real time, forwards or backwards.
        return if faster { 1.0 } else { -1.0 };
    }
    let next = if faster {
        (at + 1).min(SPEEDS.len() - 1)
    } else {
        at.saturating_sub(1)
    };
    SPEEDS[next]
}

/// How the speed reads on the screen: `½×`, `2×`, `−1×`.
pub fn label(speed: f64) -> String {
    let sign = if speed < 0.0 { "−" } else { "" };
    let a = speed.abs();
    if (a - 0.5).abs() < 1e-9 {
        format!("{sign}½×")
    } else {
        format!("{sign}{a:.0}×")
    }
}

#[cfg(test)]
mod tests {
    use super::{label, step};

    #[test]
    fn l_doubles_j_slows_then_reverses() {
        let mut s = 0.0;
        let mut seen = Vec::new();
        for _ in 0..4 {
            s = step(s, true);
            seen.push(s);
        }
        assert_eq!(seen, [1.0, 2.0, 4.0, 4.0]);
        let mut seen = Vec::new();
        for _ in 0..8 {
            s = step(s, false);
            seen.push(s);
        }
        assert_eq!(seen, [2.0, 1.0, 0.5, 0.0, -1.0, -2.0, -4.0, -4.0]);
        assert_eq!(step(-1.0, true), 0.0);
        assert_eq!(step(0.0, false), -1.0);
        assert_eq!(label(0.5), "½×");
        assert_eq!(label(-2.0), "−2×");
        assert_eq!(label(1.0), "1×");
    }
}
