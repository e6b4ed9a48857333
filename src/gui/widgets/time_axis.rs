//! Mapping between time (seconds) and screen x, in `f64` so it stays exact when zoomed in.

/// A linear map from `[t0, t1]` seconds to `[x0, x1]` points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeAxis {
    pub t0: f64,
    pub t1: f64,
    pub x0: f64,
    pub x1: f64,
}

impl TimeAxis {
    pub fn x_of(&self, t: f64) -> f64 {
        let span = (self.t1 - self.t0).max(1e-9);
        self.x0 + (t - self.t0) / span * (self.x1 - self.x0)
    }

    /// The time under `x`, clamped to the axis.
    pub fn t_of(&self, x: f64) -> f64 {
        let width = (self.x1 - self.x0).max(1e-9);
        (self.t0 + (x - self.x0) / width * (self.t1 - self.t0)).clamp(self.t0, self.t1)
    }
}

#[cfg(test)]
mod tests {
    use super::TimeAxis;

    #[test]
    fn round_trip_and_clamp() {
        let a = TimeAxis {
            t0: 0.0,
            t1: 600.0,
            x0: 100.0,
            x1: 1300.0,
        };
        assert_eq!(a.x_of(0.0), 100.0);
        assert_eq!(a.x_of(300.0), 700.0);
        assert_eq!(a.t_of(700.0), 300.0);
        assert_eq!(a.t_of(0.0), 0.0);
        assert_eq!(a.t_of(5000.0), 600.0);
        // One frame at 30 fps on a 10-hour axis still maps back exactly.
        let long = TimeAxis {
            t0: 0.0,
            t1: 36000.0,
            x0: 0.0,
            x1: 1000.0,
        };
        let t = 12345.0 + 1.0 / 30.0;
        assert!((long.t_of(long.x_of(t)) - t).abs() < 1e-9);
    }
}
