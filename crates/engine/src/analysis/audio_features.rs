//! Audio features with `rustfft`, computed while the 16 kHz audio streams past: loudness (RMS
//! in dBFS), spectral flux (onset strength), spectral centroid, zero-crossing rate, and silence
//! spans. Per-hop values are folded into per-step curves as they arrive; memory stays bounded
//! by the number of steps, not the number of samples.

use crate::media::audio::SAMPLE_RATE;
use rustfft::num_complex::Complex;
use std::sync::Arc;

/// Samples per analysis frame (64 ms at 16 kHz) and per hop (32 ms).
pub const FRAME: usize = 1024;
pub const HOP: usize = 512;
/// A frame quieter than this is silent.
pub const SILENCE_DBFS: f32 = -45.0;
/// Shortest silence worth reporting (seconds).
pub const MIN_SILENCE_SECS: f64 = 0.3;
/// Floor for dB values (digital silence).
pub const FLOOR_DBFS: f32 = -100.0;

/// Per-step audio curves plus silence spans.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AudioCurves {
    /// Seconds per curve value.
    pub step: f64,
    /// RMS level per step in dBFS.
    pub loudness_db: Vec<f32>,
    /// Mean positive spectral flux per step (onset strength), in dB-ish units.
    pub flux: Vec<f32>,
    /// Mean spectral centroid per step, Hz.
    pub centroid_hz: Vec<f32>,
    /// Mean zero-crossing rate per step (crossings per sample).
    pub zcr: Vec<f32>,
    /// Silent spans `[start, end)` in seconds, at least [`MIN_SILENCE_SECS`] long.
    pub silences: Vec<(f64, f64)>,
}

/// Accumulates features from streamed samples.
pub struct AudioFeatureAccumulator {
    step: f64,
    fft: Arc<dyn rustfft::Fft<f32>>,
    window: Vec<f32>,
    pending: Vec<f32>,
    /// Sample index (16 kHz) of `pending[0]`.
    pending_start: u64,
    prev_mag: Vec<f32>,
    sums: Vec<StepSums>,
    silence_start: Option<f64>,
    silences: Vec<(f64, f64)>,
    scratch: Vec<Complex<f32>>,
}

#[derive(Clone, Copy, Default)]
struct StepSums {
    power: f64,
    flux: f64,
    centroid: f64,
    zcr: f64,
    frames: u32,
}

impl AudioFeatureAccumulator {
    pub fn new(step_secs: f64) -> AudioFeatureAccumulator {
        let window = (0..FRAME)
            .map(|i| {
                let x = std::f32::consts::PI * 2.0 * i as f32 / FRAME as f32;
                0.5 - 0.5 * x.cos()
            })
            .collect();
        AudioFeatureAccumulator {
            step: step_secs,
            fft: rustfft::FftPlanner::new().plan_fft_forward(FRAME),
            window,
            pending: Vec::with_capacity(FRAME * 4),
            pending_start: 0,
            prev_mag: vec![0.0; FRAME / 2],
            sums: Vec::new(),
            silence_start: None,
            silences: Vec::new(),
            scratch: vec![Complex::new(0.0, 0.0); FRAME],
        }
    }

    /// Adds samples starting at 16 kHz sample index `start_sample` (a gap is treated as silence).
    pub fn push(&mut self, start_sample: u64, samples: &[f32]) {
        let expected = self.pending_start + self.pending.len() as u64;
        if self.pending.is_empty() && self.sums.is_empty() {
            self.pending_start = start_sample;
        } else if start_sample > expected {
            let gap = (start_sample - expected).min(u64::from(SAMPLE_RATE) * 3600);
            self.pending.extend(std::iter::repeat_n(0.0, gap as usize));
        }
        self.pending.extend_from_slice(samples);
        let mut consumed = 0;
        while self.pending.len() - consumed >= FRAME {
            let at = self.pending_start + consumed as u64;
            let frame: Vec<f32> = self.pending[consumed..consumed + FRAME].to_vec();
            self.analyse_frame(at, &frame);
            consumed += HOP;
        }
        self.pending.drain(..consumed);
        self.pending_start += consumed as u64;
    }

    fn analyse_frame(&mut self, at: u64, frame: &[f32]) {
        let t = (at as f64 + FRAME as f64 / 2.0) / f64::from(SAMPLE_RATE);
        let power: f64 = frame
            .iter()
            .map(|s| f64::from(*s) * f64::from(*s))
            .sum::<f64>()
            / FRAME as f64;
        let zc = frame
            .windows(2)
            .filter(|w| (w[0] >= 0.0) != (w[1] >= 0.0))
            .count() as f64
            / FRAME as f64;
        for (c, (s, w)) in self.scratch.iter_mut().zip(frame.iter().zip(&self.window)) {
            *c = Complex::new(s * w, 0.0);
        }
        self.fft.process(&mut self.scratch);
        let mut flux = 0.0f64;
        let mut weighted = 0.0f64;
        let mut total = 0.0f64;
        let bin_hz = f64::from(SAMPLE_RATE) / FRAME as f64;
        for (i, (c, prev)) in self.scratch[..FRAME / 2]
            .iter()
            .zip(self.prev_mag.iter_mut())
            .enumerate()
        {
            let mag = c.norm();
            // Flux on a log-compressed magnitude, so it follows onsets rather than level.
            let log_mag = (1.0 + 100.0 * mag).ln();
            let d = log_mag - *prev;
            if d > 0.0 {
                flux += f64::from(d);
            }
            *prev = log_mag;
            weighted += f64::from(mag) * i as f64 * bin_hz;
            total += f64::from(mag);
        }
        let centroid = if total > 1e-9 { weighted / total } else { 0.0 };
        let step_idx = (t / self.step).floor().max(0.0) as usize;
        if self.sums.len() <= step_idx {
            self.sums.resize(step_idx + 1, StepSums::default());
        }
        if let Some(s) = self.sums.get_mut(step_idx) {
            s.power += power;
            s.flux += flux / (FRAME / 2) as f64;
            s.centroid += centroid;
            s.zcr += zc;
            s.frames += 1;
        }
        let db = to_db(power);
        let hop_start = at as f64 / f64::from(SAMPLE_RATE);
        if db < SILENCE_DBFS {
            self.silence_start.get_or_insert(hop_start);
        } else if let Some(s) = self.silence_start.take() {
            self.close_silence(s, hop_start);
        }
    }

    fn close_silence(&mut self, start: f64, end: f64) {
        if end - start >= MIN_SILENCE_SECS {
            self.silences.push((start, end));
        }
    }

    /// Finishes the stream; `duration_secs` sizes the curves (steps past the audio are silent).
    pub fn finish(mut self, duration_secs: f64) -> AudioCurves {
        let end = self.pending_start as f64 / f64::from(SAMPLE_RATE)
            + self.pending.len() as f64 / f64::from(SAMPLE_RATE);
        if let Some(s) = self.silence_start.take() {
            self.close_silence(s, end.max(s));
        }
        let steps = ((duration_secs / self.step).ceil() as usize).max(self.sums.len());
        self.sums.resize(steps, StepSums::default());
        curves_of(self.step, &self.sums, self.silences)
    }

    /// The curves so far: the steps every frame of which has been analysed, and the seconds
    /// they cover (the quick ranking ranks them while the rest streams in).
    pub fn snapshot(&self) -> (AudioCurves, f64) {
        // The next frame starts at `pending_start`: frames centred before it are all in.
        let done = (self.pending_start as f64 + FRAME as f64 / 2.0) / f64::from(SAMPLE_RATE);
        let steps = ((done / self.step).floor() as usize).min(self.sums.len());
        let covered = steps as f64 * self.step;
        let mut silences: Vec<(f64, f64)> = self
            .silences
            .iter()
            .copied()
            .filter(|(s, _)| *s < covered)
            .collect();
        if let Some(s) = self
            .silence_start
            .filter(|s| covered - s >= MIN_SILENCE_SECS)
        {
            silences.push((s, covered));
        }
        (curves_of(self.step, &self.sums[..steps], silences), covered)
    }
}

/// Per-step curves from the step sums.
fn curves_of(step: f64, sums: &[StepSums], silences: Vec<(f64, f64)>) -> AudioCurves {
    let mut curves = AudioCurves {
        step,
        silences,
        ..AudioCurves::default()
    };
    for s in sums {
        let n = f64::from(s.frames.max(1));
        curves.loudness_db.push(if s.frames == 0 {
            FLOOR_DBFS
        } else {
            to_db(s.power / n)
        });
        curves.flux.push((s.flux / n) as f32);
        curves.centroid_hz.push((s.centroid / n) as f32);
        curves.zcr.push((s.zcr / n) as f32);
    }
    curves
}

fn to_db(power: f64) -> f32 {
    if power <= 1e-10 {
        FLOOR_DBFS
    } else {
        ((10.0 * power.log10()) as f32).max(FLOOR_DBFS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(secs: f64, hz: f32, amp: f32) -> Vec<f32> {
        (0..(secs * 16000.0) as usize)
            .map(|i| amp * (2.0 * std::f32::consts::PI * hz * i as f32 / 16000.0).sin())
            .collect()
    }

    #[test]
    fn loudness_centroid_and_silence() {
        let mut acc = AudioFeatureAccumulator::new(1.0);
        let mut samples = tone(2.0, 1000.0, 0.5);
        samples.extend(vec![0.0; 16000]);
        samples.extend(tone(2.0, 1000.0, 0.05));
        // Push in odd-sized chunks, as the decoder does.
        let mut at = 0;
        for chunk in samples.chunks(3333) {
            acc.push(at, chunk);
            at += chunk.len() as u64;
        }
        let c = acc.finish(5.0);
        assert_eq!(c.loudness_db.len(), 5);
        // A sine of amplitude 0.5 has RMS 0.354: −9.0 dBFS; 0.05 → −29.0 dBFS.
        assert!((c.loudness_db[0] + 9.0).abs() < 0.3, "{:?}", c.loudness_db);
        assert!((c.loudness_db[4] + 29.0).abs() < 0.3, "{:?}", c.loudness_db);
        // Frames that straddle the edges of the silent second still hear a little tone.
        assert!(c.loudness_db[2] < -25.0, "{:?}", c.loudness_db);
        assert!(
            (c.centroid_hz[0] - 1000.0).abs() < 40.0,
            "{:?}",
            c.centroid_hz
        );
        assert_eq!(c.silences.len(), 1);
        let (s, e) = c.silences[0];
        assert!((s - 2.0).abs() < 0.1 && (e - 3.0).abs() < 0.1, "{s}..{e}");
        // The onset after the silence shows in the flux, against the steady tone after it.
        assert!(c.flux[3] > c.flux[4] * 3.0, "{:?}", c.flux);
    }

    #[test]
    fn a_snapshot_is_the_final_curves_so_far() {
        let mut samples = tone(2.0, 1000.0, 0.5);
        samples.extend(vec![0.0; 16000]);
        samples.extend(tone(3.0, 500.0, 0.1));
        let mut acc = AudioFeatureAccumulator::new(1.0);
        let mut snaps = Vec::new();
        let mut at = 0;
        for chunk in samples.chunks(5000) {
            acc.push(at, chunk);
            at += chunk.len() as u64;
            snaps.push(acc.snapshot());
        }
        let end = acc.finish(6.0);
        for (snap, covered) in snaps {
            let n = snap.loudness_db.len();
            assert_eq!(covered, n as f64);
            assert_eq!(snap.loudness_db[..], end.loudness_db[..n]);
            assert_eq!(snap.flux[..], end.flux[..n]);
            // The silence shows once it is long enough, ending where the snapshot does.
            for (s, e) in &snap.silences {
                assert!((s - end.silences[0].0).abs() < 1e-9 && *e <= end.silences[0].1 + 1e-9);
            }
        }
    }
}
