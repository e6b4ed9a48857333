//! What part of the video the timeline shows, and how zooming and panning move it. Pure and
//! in `f64` seconds, so it stays exact at any zoom (a frame of a 10-hour file included).

/// The shortest span the timeline zooms in to (about a dozen frames across).
pub const MIN_SPAN_SECS: f64 = 0.4;

/// The visible time range `[t0, t1]`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimelineView {
    pub t0: f64,
    pub t1: f64,
}

impl Default for TimelineView {
    fn default() -> TimelineView {
        TimelineView::fit(0.0)
    }
}

impl TimelineView {
    /// The whole video.
    pub fn fit(duration: f64) -> TimelineView {
        TimelineView {
            t0: 0.0,
            t1: duration.max(MIN_SPAN_SECS),
        }
    }

    pub fn span(&self) -> f64 {
        self.t1 - self.t0
    }

    /// Zoomed by `factor` (> 1 zooms in) keeping `anchor` (the time under the pointer) where
    /// it is on screen; never wider than the video or narrower than [`MIN_SPAN_SECS`].
    pub fn zoomed(&self, factor: f64, anchor: f64, duration: f64) -> TimelineView {
        if !(factor.is_finite() && factor > 0.0) {
            return *self;
        }
        let full = duration.max(MIN_SPAN_SECS);
        let span = (self.span() / factor).clamp(MIN_SPAN_SECS.min(full), full);
        // The anchor keeps its fraction of the way across.
        let frac = ((anchor - self.t0) / self.span()).clamp(0.0, 1.0);
        let t0 = anchor - frac * span;
        TimelineView { t0, t1: t0 + span }.clamped(duration)
    }

    /// Moved by `dt` seconds (positive: later), inside the video.
    pub fn panned(&self, dt: f64, duration: f64) -> TimelineView {
        TimelineView {
            t0: self.t0 + dt,
            t1: self.t1 + dt,
        }
        .clamped(duration)
    }

    /// Kept inside `[0, duration]` with its span (or the whole video when it is wider).
    pub fn clamped(&self, duration: f64) -> TimelineView {
        let full = duration.max(MIN_SPAN_SECS);
        let span = self.span().clamp(MIN_SPAN_SECS.min(full), full);
        let t0 = self.t0.clamp(0.0, (full - span).max(0.0));
        TimelineView { t0, t1: t0 + span }
    }

    /// While playing: when the playhead leaves the view, the view turns the page so the
    /// playhead is near its left edge again.
    pub fn following(&self, playhead: f64, duration: f64) -> TimelineView {
        if playhead >= self.t0 && playhead <= self.t1 {
            return *self;
        }
        let span = self.span();
        TimelineView {
            t0: playhead - span * 0.05,
            t1: playhead + span * 0.95,
        }
        .clamped(duration)
    }
}

#[cfg(test)]
mod tests {
    use super::{TimelineView, MIN_SPAN_SECS};

    #[test]
    fn zooming_keeps_the_time_under_the_pointer() {
        let v = TimelineView::fit(600.0);
        let z = v.zoomed(4.0, 150.0, 600.0);
        assert!((z.span() - 150.0).abs() < 1e-9);
        // 150 s was a quarter of the way across; it still is.
        assert!(((150.0 - z.t0) / z.span() - 0.25).abs() < 1e-12, "{z:?}");
        // Zooming back out returns to the whole video.
        assert_eq!(z.zoomed(0.25, 150.0, 600.0), v);
        // All the way in: one frame at 30 fps on a 2-hour file is still 1/12 of the view,
        // and exact.
        let mut deep = TimelineView::fit(7200.0);
        let anchor = 3601.0 + 1.0 / 30.0;
        for _ in 0..40 {
            deep = deep.zoomed(2.0, anchor, 7200.0);
        }
        assert!((deep.span() - MIN_SPAN_SECS).abs() < 1e-9);
        assert!(deep.t0 <= anchor && anchor <= deep.t1);
        // Never wider than the video.
        assert_eq!(v.zoomed(0.1, 300.0, 600.0), v);
    }

    #[test]
    fn panning_and_following_stay_inside_the_video() {
        let v = TimelineView {
            t0: 100.0,
            t1: 200.0,
        };
        assert_eq!(
            v.panned(50.0, 600.0),
            TimelineView {
                t0: 150.0,
                t1: 250.0
            }
        );
        assert_eq!(v.panned(-500.0, 600.0), TimelineView { t0: 0.0, t1: 100.0 });
        assert_eq!(
            v.panned(1e9, 600.0),
            TimelineView {
                t0: 500.0,
                t1: 600.0
            }
        );
        // In view: unchanged; past the right edge: the page turns.
        assert_eq!(v.following(150.0, 600.0), v);
        let f = v.following(201.0, 600.0);
        assert!(f.t0 < 201.0 && 201.0 < f.t0 + 10.0 + 1e-9, "{f:?}");
        assert!((f.span() - 100.0).abs() < 1e-9);
        // A video shorter than the minimum span.
        let short = TimelineView::fit(0.1);
        assert_eq!(short.clamped(0.1), short);
    }
}
