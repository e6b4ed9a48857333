//! The playback clock: where playback is, in seconds of the file. The sound card's position is
//! the master when sound plays (frames follow the audio, as in ffplay); otherwise the wall
//! clock, at the shuttle speed (negative: backwards).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How far the sound card has got, written by the audio callback, read by the UI.
#[derive(Debug)]
pub struct AudioPosition {
    rate: u32,
    /// Samples handed to the device since playback started.
    played: AtomicU64,
    /// When the last callback ran, the samples it took, and the device's latency then.
    last: Mutex<Option<(Instant, u64, Duration)>>,
    /// Samples the decoder has queued, and whether it has finished (the end of the track).
    queued: AtomicU64,
    finished: AtomicBool,
}

impl AudioPosition {
    pub fn new(rate: u32) -> AudioPosition {
        AudioPosition {
            rate: rate.max(1),
            played: AtomicU64::new(0),
            last: Mutex::new(None),
            queued: AtomicU64::new(0),
            finished: AtomicBool::new(false),
        }
    }

    /// The decoder queued `n` more samples.
    pub fn queued(&self, n: u64) {
        self.queued.fetch_add(n, Ordering::AcqRel);
    }

    /// The decoder has no more (the track ended, or it failed).
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Release);
    }

    /// Every sample there will be has been handed to the device: the sound cannot clock
    /// playback any further.
    pub fn exhausted(&self) -> bool {
        self.finished.load(Ordering::Acquire)
            && self.played.load(Ordering::Acquire) >= self.queued.load(Ordering::Acquire)
    }

    /// Called by the audio callback after it handed `taken` samples to the device, `latency`
    /// before they are heard.
    pub fn advance(&self, taken: u64, latency: Duration, now: Instant) {
        self.played.fetch_add(taken, Ordering::AcqRel);
        if let Ok(mut last) = self.last.lock() {
            *last = Some((now, taken, latency));
        }
    }

    /// Seconds of sound heard by `now`: the samples before the last callback, plus the part
    /// of its buffer that has played since (never more than it took), minus the latency.
    pub fn heard_secs(&self, now: Instant) -> f64 {
        let rate = f64::from(self.rate);
        let played = self.played.load(Ordering::Acquire) as f64 / rate;
        let Some((at, taken, latency)) = self.last.lock().ok().and_then(|l| *l) else {
            return 0.0;
        };
        let taken = taken as f64 / rate;
        let since = now.saturating_duration_since(at).as_secs_f64().min(taken);
        (played - taken + since - latency.as_secs_f64()).max(0.0)
    }
}

/// Where playback is.
#[derive(Debug)]
pub struct PlayClock {
    from_secs: f64,
    started: Instant,
    speed: f64,
    audio: Option<Arc<AudioPosition>>,
    /// The clock never runs backwards while playing forwards (audio interpolation steps).
    last: f64,
}

impl PlayClock {
    /// The wall clock from `from_secs` at `speed` (1 = real time, negative = backwards).
    pub fn wall(from_secs: f64, speed: f64, now: Instant) -> PlayClock {
        PlayClock {
            from_secs,
            started: now,
            speed,
            audio: None,
            last: from_secs,
        }
    }

    /// The sound card's clock from `from_secs`.
    pub fn audio(from_secs: f64, position: Arc<AudioPosition>, now: Instant) -> PlayClock {
        PlayClock {
            audio: Some(position),
            ..PlayClock::wall(from_secs, 1.0, now)
        }
    }

    pub fn is_audio(&self) -> bool {
        self.audio.is_some()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The time in the file now. When the sound runs out (a track shorter than the picture),
    /// the wall clock takes over from where it stopped.
    pub fn now(&mut self, now: Instant) -> f64 {
        if self.audio.as_ref().is_some_and(|a| a.exhausted()) {
            *self = PlayClock::wall(self.last, 1.0, now);
        }
        let t = match &self.audio {
            Some(pos) => self.from_secs + pos.heard_secs(now),
            None => {
                self.from_secs
                    + now.saturating_duration_since(self.started).as_secs_f64() * self.speed
            }
        };
        let t = if self.speed > 0.0 {
            t.max(self.last)
        } else {
            t
        };
        self.last = t;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::{AudioPosition, PlayClock};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    #[test]
    fn the_wall_clock_runs_at_the_shuttle_speed() {
        let t0 = Instant::now();
        let mut c = PlayClock::wall(10.0, 1.0, t0);
        assert_eq!(c.now(t0), 10.0);
        assert!((c.now(t0 + Duration::from_millis(1500)) - 11.5).abs() < 1e-9);
        let mut fast = PlayClock::wall(10.0, 4.0, t0);
        assert!((fast.now(t0 + Duration::from_secs(2)) - 18.0).abs() < 1e-9);
        let mut back = PlayClock::wall(10.0, -2.0, t0);
        assert!((back.now(t0 + Duration::from_secs(1)) - 8.0).abs() < 1e-9);
    }

    #[test]
    fn the_audio_clock_follows_the_samples_the_device_took() {
        let t0 = Instant::now();
        let pos = Arc::new(AudioPosition::new(48_000));
        let mut c = PlayClock::audio(5.0, pos.clone(), t0);
        // Nothing played yet (the decoder has not started): the clock waits at the start.
        assert_eq!(c.now(t0 + Duration::from_secs(1)), 5.0);
        // The device took 0.1 s of samples, heard 20 ms later.
        let cb = t0 + Duration::from_millis(1000);
        pos.advance(4800, Duration::from_millis(20), cb);
        // Right at the callback: what was taken before it, less the latency (clamped at 0).
        assert_eq!(c.now(cb), 5.0);
        // 50 ms later: 50 ms of this buffer played, less 20 ms latency.
        let t = c.now(cb + Duration::from_millis(50));
        assert!((t - 5.03).abs() < 1e-9, "{t}");
        // Long after, with no new callback (an underrun): it stops at what was taken.
        let t = c.now(cb + Duration::from_secs(3));
        assert!((t - 5.08).abs() < 1e-9, "{t}");
        // The next callback: on from there, and never backwards.
        pos.advance(4800, Duration::from_millis(20), cb + Duration::from_secs(3));
        assert!(c.now(cb + Duration::from_secs(3)) >= 5.08);
        assert!(c.is_audio());
        // The track ends (everything queued was played): the wall clock goes on from there.
        pos.queued(9600);
        pos.finish();
        let end = cb + Duration::from_secs(3);
        let at_end = c.now(end);
        assert!(!c.is_audio());
        assert!((c.now(end + Duration::from_secs(1)) - at_end - 1.0).abs() < 1e-9);
    }
}
