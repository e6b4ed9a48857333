//! The audio waveform of a whole file, for the timeline's audio track: a min/max pyramid.
//!
//! Built in one streaming pass over [`decode_audio`]'s 16 kHz mono chunks. Level 0 holds the
//! (min, max) of every [`BUCKET_SAMPLES`] samples (16 ms); each higher level halves the count
//! (min of mins, max of maxes) until a level has at most [`TOP_MAX_BUCKETS`] buckets. Values are
//! kept as `i16` (a monotonic quantisation, so min and max commute with it): a 2-hour file is
//! about 3.6 MB in all. [`Waveform::columns`] reads the coarsest level whose buckets are no
//! wider than a screen column, so drawing costs the same at every zoom and file length.

use super::audio::{decode_audio, AudioOptions, SAMPLE_RATE};
use super::error::MediaError;
use crate::progress::CancelToken;
use std::ops::ControlFlow;
use std::path::Path;

/// Samples per level-0 bucket (16 ms at 16 kHz).
pub const BUCKET_SAMPLES: usize = 256;
/// Levels are added until one has at most this many buckets.
pub const TOP_MAX_BUCKETS: usize = 64;
/// The audio is decoded in chunks of one second (progress once per second of audio).
const CHUNK_SAMPLES: usize = SAMPLE_RATE as usize;

/// (min, max) of a bucket, quantised: `round(clamp(x, −1, 1) × 32767)`.
type MinMax = (i16, i16);

/// A min/max pyramid of a file's audio (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Waveform {
    /// `levels[k]` holds one (min, max) per `BUCKET_SAMPLES << k` samples; the last bucket of
    /// a level may cover fewer. Never empty (empty audio: one empty level).
    levels: Vec<Vec<MinMax>>,
    /// Samples of audio (at 16 kHz), gaps filled with silence included.
    samples: u64,
}

impl Waveform {
    /// Decodes the audio of `path` once (the best audio stream, 16 kHz mono) and builds its
    /// pyramid; `on_progress` gets the seconds of audio decoded so far after each chunk.
    pub fn build(
        path: &Path,
        cancel: &CancelToken,
        mut on_progress: impl FnMut(f64),
    ) -> Result<Waveform, MediaError> {
        let mut builder = WaveformBuilder::default();
        let opts = AudioOptions {
            chunk_samples: CHUNK_SAMPLES,
            ..AudioOptions::default()
        };
        decode_audio(path, &opts, cancel, |chunk| {
            builder.push(chunk.start_sample, &chunk.samples);
            on_progress(builder.pos as f64 / f64::from(SAMPLE_RATE));
            ControlFlow::Continue(())
        })?;
        Ok(builder.finish())
    }

    /// The pyramid of 16 kHz samples that start at sample 0.
    pub fn from_samples(samples: &[f32]) -> Waveform {
        let mut builder = WaveformBuilder::default();
        builder.push(0, samples);
        builder.finish()
    }

    /// Seconds of audio (silence filled into gaps included).
    pub fn duration_secs(&self) -> f64 {
        self.samples as f64 / f64::from(SAMPLE_RATE)
    }

    /// Seconds per level-0 bucket (0.016).
    pub fn bucket_secs(&self) -> f64 {
        bucket_secs_at(0)
    }

    /// Levels in the pyramid (at least 1).
    pub fn level_count(&self) -> usize {
        self.levels.len()
    }

    /// Bytes the pyramid holds (its buckets).
    pub fn memory_bytes(&self) -> usize {
        self.levels
            .iter()
            .map(|l| l.capacity() * std::mem::size_of::<MinMax>())
            .sum()
    }

    /// The (min, max) of each of `n` equal columns of `[t0, t1)` seconds, in −1..=1.
    ///
    /// Read from the coarsest level whose buckets are no wider than a column; a column's value
    /// is the exact min/max of the buckets of that level it overlaps (so it may reach up to one
    /// bucket beyond the column on each side, never less than the column). Columns before 0 or
    /// at or past the end of the audio are `(0, 0)`.
    pub fn columns(&self, t0: f64, t1: f64, n: usize) -> Vec<(f32, f32)> {
        let width = (t1 - t0) / n as f64;
        if n == 0 || !t0.is_finite() || !width.is_finite() || width <= 0.0 {
            return vec![(0.0, 0.0); n];
        }
        let level = self.level_for(width);
        let buckets = &self.levels[level];
        let bs = bucket_secs_at(level);
        let end = self.duration_secs();
        (0..n)
            .map(|c| {
                let (a, b) = column_bounds(t0, t1, n, c);
                let (i0, i1) = bucket_span(a, b.min(end), bs, buckets.len());
                if i0 >= i1 {
                    return (0.0, 0.0);
                }
                let (lo, hi) = buckets[i0..i1]
                    .iter()
                    .fold((i16::MAX, i16::MIN), |(lo, hi), &(mn, mx)| {
                        (lo.min(mn), hi.max(mx))
                    });
                (dequantise(lo), dequantise(hi))
            })
            .collect()
    }

    /// The coarsest level whose buckets are at most `col_secs` wide (level 0 if none is).
    fn level_for(&self, col_secs: f64) -> usize {
        let mut level = 0;
        while level + 1 < self.levels.len() && bucket_secs_at(level + 1) <= col_secs {
            level += 1;
        }
        level
    }
}

/// Seconds per bucket of level `level`.
fn bucket_secs_at(level: usize) -> f64 {
    (BUCKET_SAMPLES << level) as f64 / f64::from(SAMPLE_RATE)
}

/// Column `c` of `n` over `[t0, t1)`: its start and (exclusive) end.
fn column_bounds(t0: f64, t1: f64, n: usize, c: usize) -> (f64, f64) {
    let span = t1 - t0;
    (
        t0 + span * c as f64 / n as f64,
        t0 + span * (c + 1) as f64 / n as f64,
    )
}

/// The buckets (of `bs` seconds, `len` of them) that overlap `[a, b)`: `i0..i1`, empty when none.
fn bucket_span(a: f64, b: f64, bs: f64, len: usize) -> (usize, usize) {
    if b <= a || b <= 0.0 {
        return (0, 0);
    }
    let i0 = (a / bs).floor().max(0.0);
    let i1 = (b / bs).ceil().min(len as f64);
    if i0 >= i1 {
        return (0, 0);
    }
    (i0 as usize, i1 as usize)
}

fn quantise(x: f32) -> i16 {
    // NaN → 0 (saturating cast).
    (x.clamp(-1.0, 1.0) * 32767.0).round() as i16
}

fn dequantise(v: i16) -> f32 {
    f32::from(v) / 32767.0
}

/// Level 0 built as samples arrive at their positions; the higher levels at the end.
#[derive(Default)]
struct WaveformBuilder {
    level0: Vec<MinMax>,
    /// Index of the next sample (samples placed so far).
    pos: u64,
    /// The bucket being filled, when it has samples.
    current: Option<MinMax>,
}

impl WaveformBuilder {
    /// Places `samples` starting at sample `start`: a gap after what is placed is silence;
    /// samples before it (an overlap) are dropped.
    fn push(&mut self, start: u64, samples: &[f32]) {
        if start > self.pos {
            self.push_silence(start - self.pos);
        }
        let overlap = (self.pos - start).min(samples.len() as u64) as usize;
        let mut rest = &samples[overlap..];
        while !rest.is_empty() {
            let (take, bucket_full) = self.room(rest.len() as u64);
            let (lo, hi) = rest[..take]
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| {
                    (lo.min(x), hi.max(x))
                });
            // All NaN: a silent run.
            let (lo, hi) = if lo > hi { (0.0, 0.0) } else { (lo, hi) };
            self.add((quantise(lo), quantise(hi)), take, bucket_full);
            rest = &rest[take..];
        }
    }

    fn push_silence(&mut self, mut n: u64) {
        while n > 0 {
            let (take, bucket_full) = self.room(n);
            self.add((0, 0), take, bucket_full);
            n -= take as u64;
        }
    }

    /// How many of `available` samples go into the current bucket, and whether that fills it.
    fn room(&self, available: u64) -> (usize, bool) {
        let left = BUCKET_SAMPLES as u64 - self.pos % BUCKET_SAMPLES as u64;
        let take = left.min(available);
        (take as usize, take == left)
    }

    fn add(&mut self, (lo, hi): MinMax, n: usize, bucket_full: bool) {
        let merged = match self.current {
            Some((a, b)) => (a.min(lo), b.max(hi)),
            None => (lo, hi),
        };
        self.pos += n as u64;
        if bucket_full {
            self.level0.push(merged);
            self.current = None;
        } else {
            self.current = Some(merged);
        }
    }

    fn finish(mut self) -> Waveform {
        if let Some(last) = self.current.take() {
            self.level0.push(last);
        }
        self.level0.shrink_to_fit();
        let mut levels = vec![self.level0];
        while let Some(top) = levels.last().filter(|l| l.len() > TOP_MAX_BUCKETS) {
            let next: Vec<MinMax> = top
                .chunks(2)
                .map(|pair| {
                    pair.iter()
                        .fold((i16::MAX, i16::MIN), |(lo, hi), &(mn, mx)| {
                            (lo.min(mn), hi.max(mx))
                        })
                })
                .collect();
            levels.push(next);
        }
        Waveform {
            levels,
            samples: self.pos,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Deterministic noise with an envelope, so buckets differ.
    fn signal(n: usize, seed: u32) -> Vec<f32> {
        let mut x = seed.max(1);
        (0..n)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                let noise = (x >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
                noise * (0.1 + 0.9 * ((i as f32 / 5000.0).sin().abs()))
            })
            .collect()
    }

    /// `x` as stored.
    fn q(x: f32) -> f32 {
        dequantise(quantise(x))
    }

    /// The exact quantised (min, max) of `samples[from..to)` (clamped), (0, 0) when empty.
    fn brute(samples: &[f32], from: usize, to: usize) -> (f32, f32) {
        let s = &samples[from.min(samples.len())..to.min(samples.len())];
        if s.is_empty() {
            return (0.0, 0.0);
        }
        let lo = s.iter().map(|&x| quantise(x)).min().unwrap_or(0);
        let hi = s.iter().map(|&x| quantise(x)).max().unwrap_or(0);
        (dequantise(lo), dequantise(hi))
    }

    #[test]
    fn every_level_is_the_brute_force_min_max_of_its_samples() {
        let samples = signal(100_000, 7);
        let w = Waveform::from_samples(&samples);
        // 100 000 / 256 → 391 buckets, then 196, 98, 49: four levels.
        let lens: Vec<usize> = w.levels.iter().map(Vec::len).collect();
        assert_eq!(lens, vec![391, 196, 98, 49]);
        for (k, level) in w.levels.iter().enumerate() {
            let width = BUCKET_SAMPLES << k;
            for (i, &(lo, hi)) in level.iter().enumerate() {
                let expected = brute(&samples, i * width, (i + 1) * width);
                assert_eq!(
                    (dequantise(lo), dequantise(hi)),
                    expected,
                    "level {k} bucket {i}"
                );
            }
        }
        assert!((w.duration_secs() - 100_000.0 / 16_000.0).abs() < 1e-12);
        assert_eq!(w.bucket_secs(), 0.016);
        assert_eq!(w.memory_bytes(), (391 + 196 + 98 + 49) * 4);
    }

    #[test]
    fn a_short_signal_is_one_level_and_empty_audio_is_silent() {
        let w = Waveform::from_samples(&signal(64 * 256, 3));
        assert_eq!(w.level_count(), 1);
        assert_eq!(w.levels[0].len(), 64);

        let empty = Waveform::from_samples(&[]);
        assert_eq!(empty.level_count(), 1);
        assert_eq!(empty.duration_secs(), 0.0);
        assert_eq!(empty.columns(0.0, 10.0, 5), vec![(0.0, 0.0); 5]);
        assert!(empty.columns(0.0, 10.0, 0).is_empty());
    }

    #[test]
    fn columns_past_the_end_or_before_the_start_are_zero() {
        // 1 s of a constant 0.5.
        let w = Waveform::from_samples(&vec![0.5; 16_000]);
        let cols = w.columns(-1.0, 3.0, 4);
        assert_eq!(cols[0], (0.0, 0.0), "before 0");
        assert_eq!(cols[1], (dequantise(16384), dequantise(16384)));
        assert_eq!(cols[2], (0.0, 0.0), "past the end");
        assert_eq!(cols[3], (0.0, 0.0), "past the end");
        // A column inside the last, partial bucket but after the last sample.
        assert_eq!(w.columns(1.0, 1.01, 1), vec![(0.0, 0.0)]);
        // Empty and reversed ranges.
        assert_eq!(w.columns(0.5, 0.5, 3), vec![(0.0, 0.0); 3]);
        assert_eq!(w.columns(0.8, 0.2, 2), vec![(0.0, 0.0); 2]);
    }

    #[test]
    fn chunk_positions_place_samples_and_gaps_are_silence() {
        let mut b = WaveformBuilder::default();
        b.push(0, &vec![0.25; 16_000]);
        // One second missing, then a second of −0.75 (a gap decode_audio did not fill).
        b.push(32_000, &vec![-0.75; 16_000]);
        // An overlapping chunk: only its new samples count.
        b.push(47_000, &vec![0.125; 2_000]);
        let w = b.finish();
        assert_eq!(w.samples, 49_000);
        // 0.1 s columns (level 2, 64 ms buckets); those next to a change also see it.
        let cols = w.columns(0.0, 3.0, 30);
        assert!(
            cols[..9].iter().all(|&c| c == (q(0.25), q(0.25))),
            "{cols:?}"
        );
        assert_eq!(cols[9], (0.0, q(0.25)));
        assert!(cols[11..19].iter().all(|&c| c == (0.0, 0.0)), "{cols:?}");
        assert_eq!(cols[19], (q(-0.75), 0.0));
        assert!(
            cols[21..29].iter().all(|&c| c == (q(-0.75), q(-0.75))),
            "{cols:?}"
        );
        let tail = w.columns(3.02, 3.06, 1);
        assert_eq!(tail, vec![(q(0.125), q(0.125))]);
    }

    #[test]
    fn the_level_chosen_has_buckets_no_wider_than_a_column() {
        let w = Waveform::from_samples(&signal(16_000 * 60, 11));
        assert_eq!(w.level_for(0.001), 0);
        assert_eq!(w.level_for(0.016), 0);
        assert_eq!(w.level_for(0.0319), 0);
        assert_eq!(w.level_for(0.032), 1);
        assert_eq!(w.level_for(0.2), 3);
        // Past the top: the top level (≤ 64 buckets).
        let top = w.level_count() - 1;
        assert!(w.levels[top].len() <= TOP_MAX_BUCKETS);
        assert!(w.levels[top - 1].len() > TOP_MAX_BUCKETS);
        assert_eq!(w.level_for(1000.0), top);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// At any zoom, a column is the brute-force min/max of the raw samples of the buckets
        /// it overlaps at the chosen level, and those buckets cover the column.
        #[test]
        fn columns_equal_brute_force_at_every_zoom(
            len in 0usize..200_000,
            seed in 1u32..1000,
            t0 in -2.0f64..14.0,
            span in 0.0005f64..20.0,
            n in 1usize..300,
        ) {
            let samples = signal(len, seed);
            let w = Waveform::from_samples(&samples);
            let t1 = t0 + span;
            let cols = w.columns(t0, t1, n);
            prop_assert_eq!(cols.len(), n);
            let level = w.level_for(span / n as f64);
            let bs = bucket_secs_at(level);
            let per = BUCKET_SAMPLES << level;
            prop_assert!(level == 0 || bs <= span / n as f64);
            for (c, col) in cols.iter().enumerate() {
                let (a, b) = column_bounds(t0, t1, n, c);
                let end = len as f64 / 16_000.0;
                let expected = if a >= end || b <= 0.0 {
                    (0.0, 0.0)
                } else {
                    let i0 = (a / bs).floor().max(0.0) as usize;
                    let i1 = (b.min(end) / bs).ceil() as usize;
                    // The buckets cover the column's samples.
                    prop_assert!(i0 * per <= (a.max(0.0) * 16_000.0) as usize);
                    prop_assert!(i1 * per >= (b.min(end) * 16_000.0).floor() as usize);
                    brute(&samples, i0 * per, i1 * per)
                };
                prop_assert_eq!(*col, expected, "column {} of [{}, {})", c, a, b);
            }
        }
    }
}
