//! The audio side of transcription, pure functions: cutting the stream into windows at the
//! quietest moment, telling silent windows, shortening long pauses before whisper hears them
//! and mapping times in the shortened audio back.

use crate::media::audio::SAMPLE_RATE;

/// Longest window handed to whisper (its context is 30 s).
const WINDOW_SECS: f64 = 28.0;
/// Windows are cut at the quietest 200 ms after this many seconds.
const MIN_WINDOW_SECS: f64 = 18.0;
/// A window quieter than this (RMS, dBFS) is not transcribed.
const SILENT_WINDOW_DBFS: f64 = -50.0;

/// Where the next window of `buf` (16 kHz samples) ends, once `buf` holds a whole window:
/// at the quietest 200 ms between [`MIN_WINDOW_SECS`] and [`WINDOW_SECS`].
pub(super) fn next_window_cut(buf: &[f32]) -> Option<usize> {
    let rate = f64::from(SAMPLE_RATE);
    (buf.len() as f64 >= WINDOW_SECS * rate).then(|| {
        quietest_cut(
            buf,
            (MIN_WINDOW_SECS * rate) as usize,
            (WINDOW_SECS * rate) as usize,
        )
    })
}

/// True when a window is too quiet to be worth transcribing.
pub(super) fn is_silent(samples: &[f32]) -> bool {
    rms_dbfs(samples) < SILENT_WINDOW_DBFS
}

/// Pauses longer than this are shortened to [`KEEP_SILENCE`] before transcription.
const LONG_SILENCE: f64 = 0.8;
const KEEP_SILENCE: f64 = 0.3;

/// Removes the middle of long pauses. Returns the compacted audio and the map of pieces:
/// `(start in compacted samples, start in original samples)`.
pub(super) fn compact_silences(samples: &[f32]) -> (Vec<f32>, Vec<(usize, usize)>) {
    let rate = SAMPLE_RATE as usize;
    let frame = rate / 50; // 20 ms
    let quiet: Vec<bool> = samples.chunks(frame).map(|c| rms_dbfs(c) < -45.0).collect();
    let (long, keep) = (
        (LONG_SILENCE * 50.0) as usize,
        (KEEP_SILENCE * 50.0 / 2.0) as usize,
    );
    let mut drop_ranges: Vec<(usize, usize)> = Vec::new(); // in samples
    let mut i = 0;
    while i < quiet.len() {
        if !quiet[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < quiet.len() && quiet[i] {
            i += 1;
        }
        if i - start >= long {
            drop_ranges.push((
                (start + keep) * frame,
                ((i - keep) * frame).min(samples.len()),
            ));
        }
    }
    let mut out = Vec::with_capacity(samples.len());
    let mut map = Vec::new();
    let mut at = 0;
    for (a, b) in drop_ranges
        .into_iter()
        .chain(std::iter::once((samples.len(), samples.len())))
    {
        if a > at {
            map.push((out.len(), at));
            out.extend_from_slice(&samples[at..a]);
        }
        at = b.max(at);
    }
    if map.is_empty() {
        map.push((0, 0));
    }
    (out, map)
}

/// A time in the compacted audio → seconds from the window start in the original.
pub(super) fn map_time(map: &[(usize, usize)], t: f64) -> f64 {
    let rate = f64::from(SAMPLE_RATE);
    let s = (t * rate).max(0.0) as usize;
    let piece = map
        .iter()
        .rev()
        .find(|(c, _)| *c <= s)
        .copied()
        .unwrap_or((0, 0));
    (piece.1 + (s - piece.0)) as f64 / rate
}

/// RMS level of `samples` in dBFS (−100 for silence or nothing).
pub(super) fn rms_dbfs(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return -100.0;
    }
    let p = samples
        .iter()
        .map(|s| f64::from(*s) * f64::from(*s))
        .sum::<f64>()
        / samples.len() as f64;
    if p <= 1e-10 {
        -100.0
    } else {
        10.0 * p.log10()
    }
}

/// The sample index in `[min, max]` at the centre of the quietest 200 ms.
pub(super) fn quietest_cut(buf: &[f32], min: usize, max: usize) -> usize {
    let win = (SAMPLE_RATE / 5) as usize;
    let max = max.min(buf.len());
    if max <= min + win {
        return max;
    }
    let mut best = (f64::MAX, max);
    let mut at = min;
    while at + win <= max {
        let e: f64 = buf[at..at + win]
            .iter()
            .map(|s| f64::from(*s) * f64::from(*s))
            .sum();
        if e < best.0 {
            best = (e, at + win / 2);
        }
        at += win / 2;
    }
    best.1
}

#[cfg(test)]
mod tests {
    use super::{compact_silences, map_time, quietest_cut};

    #[test]
    fn long_pauses_are_cut_out_and_times_map_back() {
        let mut audio = vec![0.5f32; 16000]; // 1 s speech
        audio.extend(vec![0.0f32; 16000 * 3]); // 3 s pause
        audio.extend(vec![0.5f32; 16000]); // 1 s speech
        let (compact, map) = compact_silences(&audio);
        assert!(compact.len() < 16000 * 3, "{} samples", compact.len());
        // The second burst starts at 4.0 s in the original.
        let second = map.last().expect("pieces");
        let t = second.0 as f64 / 16000.0;
        assert!((map_time(&map, t + 0.5) - (second.1 as f64 / 16000.0 + 0.5)).abs() < 1e-9);
        assert!((map_time(&map, compact.len() as f64 / 16000.0 - 0.5) - 4.5).abs() < 0.01);
        assert!((map_time(&map, 0.5) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn cuts_at_the_pause() {
        let mut buf = vec![0.5f32; 16000 * 28];
        for s in &mut buf[16000 * 22..16000 * 22 + 8000] {
            *s = 0.0;
        }
        let cut = quietest_cut(&buf, 16000 * 18, 16000 * 28);
        assert!((16000 * 22..16000 * 22 + 8000).contains(&cut), "{cut}");
    }
}
