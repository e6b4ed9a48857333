//! The sound drawn on a podcast short's picture: a row of bars, one per tenth of a second,
//! each as tall as the sound was loud then, scrolling right to left past a line in the middle
//! — "now". The bars already heard are in the accent colour, the ones to come dim, so a
//! viewer sees the voice rise and fall as the captions run (the short's picture is
//! otherwise plain, see `audio_short`). The export and the window's preview draw it the same
//! way, from the loudness of the source's sound around the clip.

use super::burn::Matrix;
use super::error::ExportError;
use crate::media::audio::{decode_audio, AudioOptions, SAMPLE_RATE};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::ops::ControlFlow;
use std::path::Path;

/// Bars per second of sound (each is the loudness of 0.1 s).
const SLOTS_PER_SEC: f64 = 10.0;
/// Bars from one to the next, in pixels of the 1080-wide picture: the row scrolls
/// `BAR_PITCH × SLOTS_PER_SEC` pixels a second.
const BAR_PITCH: f64 = 24.0;
/// A bar's width, in pixels.
const BAR_WIDTH: i64 = 14;
/// Seconds of sound shown left (heard) and right (to come) of the middle line.
const SHOWN_SECS: f64 = 540.0 / (BAR_PITCH * SLOTS_PER_SEC);
/// The row's middle line, a fraction of the picture's height (above the captions, which sit
/// in the lower part).
const ROW_Y: f64 = 0.36;
/// The tallest bar's half height, a fraction of the picture's height.
const MAX_HALF_HEIGHT: f64 = 0.1;
/// A silent slot's half height in pixels: the row stays visible in a pause.
const MIN_HALF_HEIGHT: i64 = 3;
/// The loudest tenth of the stretch read is drawn at full height, one `RANGE_DB` quieter at
/// none: a quiet recording fills the row as a loud one does.
const RANGE_DB: f32 = 30.0;
/// Quieter than this (RMS, dBFS) is silence whatever the stretch's loudest.
const SILENCE_DB: f32 = -60.0;
/// Heard, to come, and the middle line (sRGB).
const HEARD: [u8; 3] = [0xF2, 0xA3, 0x3A];
const TO_COME: [u8; 3] = [0x4A, 0x4A, 0x4A];
const NOW_LINE: [u8; 3] = [0xE6, 0xE6, 0xE6];

/// The loudness of a stretch of sound, one value (0–1) per tenth of a second.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct SoundBars {
    /// Seconds (of the source) where `levels[0]` starts.
    first_secs: f64,
    levels: Vec<f32>,
}

impl SoundBars {
    /// Reads the loudness of `src`'s sound (seconds from its first sample) over what a
    /// picture at `[start, end]` shows: from `SHOWN_SECS` before `start` to as long after
    /// `end`.
    pub(super) fn read(
        src: &Path,
        (start, end): (f64, f64),
        cancel: &CancelToken,
    ) -> Result<SoundBars, ExportError> {
        let first_slot = ((start - SHOWN_SECS) * SLOTS_PER_SEC).floor().max(0.0);
        let last_slot = ((end + SHOWN_SECS) * SLOTS_PER_SEC).ceil().max(first_slot);
        let first_secs = first_slot / SLOTS_PER_SEC;
        let per_slot = (f64::from(SAMPLE_RATE) / SLOTS_PER_SEC) as usize;
        let slots = (last_slot - first_slot) as usize;
        // Sum of squares and count per slot.
        let mut sums = vec![(0.0f64, 0u32); slots];
        let opts = AudioOptions {
            start_secs: first_secs,
            end_secs: Some(last_slot / SLOTS_PER_SEC),
            ..AudioOptions::default()
        };
        let first_sample = (first_secs * f64::from(SAMPLE_RATE)).round() as u64;
        decode_audio(src, &opts, cancel, |chunk| {
            for (i, s) in chunk.samples.iter().enumerate() {
                let at = (chunk.start_sample + i as u64).saturating_sub(first_sample) as usize;
                if let Some(slot) = sums.get_mut(at / per_slot) {
                    slot.0 += f64::from(*s) * f64::from(*s);
                    slot.1 += 1;
                }
            }
            ControlFlow::Continue(())
        })?;
        let levels = sums
            .into_iter()
            .map(|(sum, n)| {
                let rms = if n == 0 {
                    0.0
                } else {
                    (sum / f64::from(n)).sqrt()
                };
                20.0 * (rms.max(1e-6) as f32).log10()
            })
            .collect::<Vec<f32>>();
        let full = levels.iter().copied().fold(SILENCE_DB + RANGE_DB, f32::max);
        let levels = levels
            .into_iter()
            .map(|db| ((db - (full - RANGE_DB)) / RANGE_DB).clamp(0.0, 1.0))
            .collect();
        Ok(SoundBars { first_secs, levels })
    }

    /// The loudness (0–1) of the tenth of a second at slot `i` of the source (0 outside
    /// what was read).
    fn level(&self, slot: i64) -> f32 {
        let first = (self.first_secs * SLOTS_PER_SEC).round() as i64;
        usize::try_from(slot - first)
            .ok()
            .and_then(|i| self.levels.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    /// Draws the row as it is at `at` (seconds of the source) on `frame`, an 8-bit 4:2:0
    /// picture (its matrix decides the colours, see [`Matrix::of`]).
    pub(super) fn draw(&self, frame: &mut ff::frame::Video, at: f64) {
        let (w, h) = (i64::from(frame.width()), i64::from(frame.height()));
        let matrix = Matrix::of(frame);
        let mid_x = w as f64 / 2.0;
        let mid_y = (h as f64 * ROW_Y).round() as i64;
        let max_half = h as f64 * MAX_HALF_HEIGHT;
        let px_per_sec = BAR_PITCH * SLOTS_PER_SEC;
        let first = ((at - SHOWN_SECS) * SLOTS_PER_SEC).floor() as i64 - 1;
        let last = ((at + SHOWN_SECS) * SLOTS_PER_SEC).ceil() as i64 + 1;
        for slot in first..=last {
            let centre = (slot as f64 + 0.5) / SLOTS_PER_SEC;
            let x = mid_x + (centre - at) * px_per_sec;
            let x0 = (x - BAR_WIDTH as f64 / 2.0).round() as i64;
            let half =
                ((f64::from(self.level(slot)) * max_half).round() as i64).max(MIN_HALF_HEIGHT);
            let colour = if centre <= at { HEARD } else { TO_COME };
            fill(
                frame,
                (x0, mid_y - half),
                (x0 + BAR_WIDTH, mid_y + half),
                matrix.yuv(colour),
            );
        }
        let line = (mid_x.round() as i64 - 1, mid_y - max_half as i64 - 12);
        fill(
            frame,
            line,
            (line.0 + 2, mid_y + max_half as i64 + 12),
            matrix.yuv(NOW_LINE),
        );
    }
}

/// Fills `[x0, x1) × [y0, y1)` (clipped to the picture) of an 8-bit 4:2:0 `frame` with
/// `yuv`: the luma pixels, and the chroma samples whose 2×2 block starts inside.
fn fill(frame: &mut ff::frame::Video, (x0, y0): (i64, i64), (x1, y1): (i64, i64), yuv: [u8; 3]) {
    let (w, h) = (i64::from(frame.width()), i64::from(frame.height()));
    let (x0, x1) = (x0.clamp(0, w), x1.clamp(0, w));
    let (y0, y1) = (y0.clamp(0, h), y1.clamp(0, h));
    if x0 >= x1 || y0 >= y1 {
        return;
    }
    for (plane, shift) in [(0usize, 0u32), (1, 1), (2, 1)] {
        let stride = frame.stride(plane);
        let round_up = (1i64 << shift) - 1;
        let (cx0, cx1) = (
            ((x0 + round_up) >> shift) as usize,
            ((x1 + round_up) >> shift) as usize,
        );
        let (cy0, cy1) = (
            ((y0 + round_up) >> shift) as usize,
            ((y1 + round_up) >> shift) as usize,
        );
        let data = frame.data_mut(plane);
        for row in cy0..cy1 {
            if let Some(line) = data.get_mut(row * stride + cx0..row * stride + cx1) {
                line.fill(yuv[plane]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(levels: Vec<f32>) -> SoundBars {
        SoundBars {
            first_secs: 0.0,
            levels,
        }
    }

    fn luma(frame: &ff::frame::Video, x: usize, y: usize) -> u8 {
        frame.data(0)[y * frame.stride(0) + x]
    }

    #[test]
    fn bars_are_as_tall_as_the_sound_and_scroll_left_as_it_plays() {
        crate::media::open::init();
        // Silence, then 1 s of full sound from 2 s on, then silence.
        let mut levels = vec![0.0; 60];
        levels[20..30].fill(1.0);
        let row = bars(levels);
        let blank = || super::super::audio_short::backdrop().expect("backdrop");
        let (mid_y, top) = (
            (1920.0 * ROW_Y) as usize,
            (1920.0 * (ROW_Y - MAX_HALF_HEIGHT) + 4.0) as usize,
        );
        let bg = luma(&blank(), 10, 10);
        // At 2.5 s the loud second is in the middle: tall bars there, short ones far off.
        let mut f = blank();
        row.draw(&mut f, 2.5);
        let column =
            |f: &ff::frame::Video, x: usize| (top..mid_y).filter(|y| luma(f, x, *y) != bg).count();
        let at_slot = |slot: f64, at: f64| (540.0 + ((slot + 0.5) / 10.0 - at) * 240.0) as usize;
        assert!(column(&f, at_slot(22.0, 2.5)) > 150, "a loud bar is tall");
        let dot = column(&f, at_slot(35.0, 2.5));
        assert!(
            dot > 0 && dot <= MIN_HALF_HEIGHT as usize,
            "a silent bar is a dot: {dot}"
        );
        // Heard (left of the middle) in the accent, to come dim.
        let heard = luma(&f, at_slot(22.0, 2.5), mid_y);
        let to_come = luma(&f, at_slot(27.0, 2.5), mid_y);
        assert!(heard > to_come + 40, "heard {heard}, to come {to_come}");
        // Half a second later the same bar has moved 120 px to the left.
        let mut g = blank();
        row.draw(&mut g, 3.0);
        let x = at_slot(22.0, 3.0);
        assert_eq!(x + 120, at_slot(22.0, 2.5));
        assert!(column(&g, x) > 150);
        assert!(column(&g, at_slot(22.0, 2.5)) > 150, "slot 27 is there now");
        // Chroma follows: the accent's Cb is below the grey's 128.
        let cb = g.data(1)[(mid_y / 2) * g.stride(1) + x / 2];
        assert!(cb < 110, "accent chroma {cb}");
    }

    #[test]
    fn a_fill_outside_the_picture_is_clipped_not_a_panic() {
        crate::media::open::init();
        let mut f = super::super::audio_short::backdrop().expect("backdrop");
        fill(&mut f, (-50, -50), (3, 3), [235, 128, 128]);
        fill(&mut f, (1070, 1900), (2000, 2500), [235, 128, 128]);
        assert_eq!(luma(&f, 0, 0), 235);
        assert_eq!(luma(&f, 1079, 1919), 235);
        assert_eq!(luma(&f, 4, 4), 32);
    }
}
