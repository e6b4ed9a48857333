//! The A/V decision: given the playback clock and the frames decoded ahead, show the frame at
//! the head of the queue, drop it (the next one is already due: it is late), or wait for it
//! (it is early). The rule ffplay uses, kept pure so it is unit-tested.

/// A frame within this much of the clock counts as due (float noise in timestamps).
const DUE_EPS_SECS: f64 = 0.001;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// The frame is due: show it now.
    Show,
    /// The frame after it is due too: this one is late, skip it.
    Drop,
    /// The frame is not due yet: show it in this many seconds.
    Wait(f64),
}

/// What to do with the frame at `pts` (seconds), the one after it at `next_pts` (if decoded
/// already), when the clock says `clock` seconds.
pub fn decide(pts: f64, next_pts: Option<f64>, clock: f64) -> Decision {
    if pts > clock + DUE_EPS_SECS {
        return Decision::Wait(pts - clock);
    }
    if next_pts.is_some_and(|next| next <= clock + DUE_EPS_SECS) {
        return Decision::Drop;
    }
    Decision::Show
}

#[cfg(test)]
mod tests {
    use super::{decide, Decision};

    const F: f64 = 1.0 / 30.0;

    #[test]
    fn early_frames_wait_due_frames_show_late_frames_drop() {
        // Early: wait exactly until it is due.
        assert_eq!(decide(1.0, Some(1.0 + F), 0.99), Decision::Wait(1.0 - 0.99));
        // Due (and a hair early, within float noise): show.
        assert_eq!(decide(1.0, Some(1.0 + F), 1.0), Decision::Show);
        assert_eq!(decide(1.0, Some(1.0 + F), 0.9995), Decision::Show);
        // Due, the next not yet: show, even when well into this frame's time.
        assert_eq!(decide(1.0, Some(1.0 + F), 1.0 + F * 0.9), Decision::Show);
        // The next one is due as well: this one is late.
        assert_eq!(decide(1.0, Some(1.0 + F), 1.0 + F), Decision::Drop);
        assert_eq!(decide(1.0, Some(1.0 + F), 5.0), Decision::Drop);
        // Nothing decoded after it: show what there is rather than nothing.
        assert_eq!(decide(1.0, None, 5.0), Decision::Show);
    }

    /// Runs a UI at `ui_hz` for `ticks` frames over one second of 30 fps video (a tick lands
    /// `offset` after its time); returns (shown, dropped).
    fn run(ui_hz: f64, ticks: u32, offset: f64) -> (u32, u32) {
        let mut queue: std::collections::VecDeque<f64> =
            (0..30).map(|i| f64::from(i) * F).collect();
        let (mut shown, mut dropped) = (0, 0);
        for tick in 0..ticks {
            let clock = f64::from(tick) / ui_hz + offset;
            while let Some(&pts) = queue.front() {
                match decide(pts, queue.get(1).copied(), clock) {
                    Decision::Show => {
                        shown += 1;
                        queue.pop_front();
                        break;
                    }
                    Decision::Drop => {
                        dropped += 1;
                        queue.pop_front();
                    }
                    Decision::Wait(_) => break,
                }
            }
        }
        (shown, dropped)
    }

    #[test]
    fn a_clock_running_through_a_queue_shows_each_frame_once_at_the_frame_rate() {
        // A 60 Hz UI over 30 fps video: every frame shown once, none dropped.
        assert_eq!(run(60.0, 60, 0.0), (30, 0));
        // A 10 Hz UI shows every third frame and drops the 18 before 0.9 s that were never
        // due at a tick.
        assert_eq!(run(10.0, 10, 1e-4), (10, 18));
    }
}
