//! Scene cuts from per-frame signature differences: hard cuts by an adaptive threshold (a
//! frame's change against the median change of its neighbours, so sustained fast motion is
//! not mistaken for cuts), fades by a luma threshold, and a minimum scene length.
//!
//! Two changes are measured between frames: the *picture* change (mean absolute difference of
//! the signature grids: what moved where) and the *distribution* change (how far the values of
//! the grid moved as a set, per plane, the cells' fine detail being a plane too:
//! [`Distribution::distance`]). In busy footage (noise, confetti, fractal zooms, gameplay)
//! every frame's picture changes a lot, so a cut between two busy shots is not an outlier of
//! the picture change; but each shot keeps its distribution of brightness, colour and texture,
//! so the cut is an outlier of the distribution change. Motion that rearranges a picture (a
//! fast spiral, a pan) hardly changes the distribution. Busy shots still wobble in
//! distribution from frame to frame, so that test uses the *separation* of a frame
//! ([`separation`]): the smallest distribution change between any of the three frames before
//! it and any of it and the two after it. Only at a cut does every such pair straddle two
//! shots, so the separation peaks there, on the exact frame, while a wobble inside a shot
//! leaves some close pair. A frame is a hard cut when its picture change or its separation
//! stands out from its neighbours'.
//!
//! Cuts into and out of black are hard cuts at the first frame of the new content (a black
//! title card is a scene); a black run entered and left gradually is a fade, reported on the
//! first frame of the new content after the black.

use serde::{Deserialize, Serialize};

/// One decoded frame as the detector sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FramePoint {
    pub frame_idx: u64,
    pub pts_secs: f64,
    /// Signature difference to the previous decoded frame (0–255).
    pub diff: f32,
    /// Distribution change to the previous decoded frame ([`Distribution::distance`], 0–255).
    pub dist: f32,
    /// Its separation from the frames before it ([`separation`], 0–255), computed as the
    /// frames stream by ([`Separations`]): a point keeps 4 bytes, not its 128-byte
    /// distribution.
    pub separation: f32,
    /// Mean luma of the signature grid (0–255).
    pub luma: f32,
    /// Frame number of the previous decoded frame (`frame_idx − 1` unless frames were skipped).
    pub prev_idx: u64,
    /// Presentation time of the previous decoded frame.
    pub prev_secs: f64,
}

/// Quantiles per plane in a [`Distribution`].
pub const QUANTILES: usize = 32;

/// Planes in a [`Distribution`]: Y, U, V and the luma detail of a
/// [`FrameSignature`](crate::media::sampler::FrameSignature).
pub const PLANES: usize = 4;

/// The distribution of a frame's signature values: per plane (Y, U, V, detail) the values at
/// 32 evenly spaced ranks, ascending. 128 bytes, kept only for the last few decoded frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Distribution(pub [[u8; QUANTILES]; PLANES]);

impl Default for Distribution {
    fn default() -> Self {
        Distribution([[0; QUANTILES]; PLANES])
    }
}

impl Distribution {
    /// The quantiles of each of the three equal planes of `yuv` and of `detail`.
    pub fn of(yuv: &[u8], detail: &[u8]) -> Distribution {
        let mut out = Distribution::default();
        let n = yuv.len() / 3;
        for (plane, q) in out.0.iter_mut().enumerate() {
            let values = if plane < 3 {
                &yuv[plane * n..(plane + 1) * n]
            } else {
                detail
            };
            let n = values.len();
            if n == 0 {
                continue;
            }
            let mut hist = [0u32; 256];
            for v in values {
                hist[usize::from(*v)] += 1;
            }
            // The value at rank (k + ½) · n / QUANTILES, for each k.
            let mut level = 0usize;
            let mut below = hist[0];
            for (k, slot) in q.iter_mut().enumerate() {
                let rank = ((2 * k + 1) * n / (2 * QUANTILES)) as u32;
                while below <= rank && level < 255 {
                    level += 1;
                    below += hist[level];
                }
                *slot = level as u8;
            }
        }
        out
    }

    /// The mean distance between matching quantiles, averaged over the planes (0–255): about
    /// the earth mover's distance of the two distributions (the mean distance between the
    /// values sorted). Blind to where values are, so motion that only rearranges a picture
    /// scores near 0, while a cut to a picture of other brightness, contrast, colours or
    /// texture scores high even when both pictures are noise.
    pub fn distance(&self, other: &Distribution) -> f32 {
        let sum: u32 = self
            .0
            .iter()
            .flatten()
            .zip(other.0.iter().flatten())
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        sum as f32 / (PLANES * QUANTILES) as f32
    }
}

/// The separation of `dists[i]` from the frames before it: the smallest distribution
/// distance between any of the (up to) three frames before it and any of it and the (up to)
/// two after it. High only when every frame on one side differs from every frame on the other:
/// at a cut, on its first frame. 0 for the first frame.
pub fn separation(dists: &[Distribution], i: usize) -> f32 {
    if i == 0 || i >= dists.len() {
        return 0.0;
    }
    let before = &dists[i.saturating_sub(3)..i];
    let after = &dists[i..(i + 3).min(dists.len())];
    before
        .iter()
        .flat_map(|b| after.iter().map(move |a| a.distance(b)))
        .fold(f32::INFINITY, f32::min)
}

/// Frames of context [`separation`] looks at before a frame and after it.
const SEP_BEFORE: usize = 3;
const SEP_AFTER: usize = 2;

/// [`separation`] over a stream of frames, keeping only the last six distributions: each
/// pushed frame settles the separation of the frame two before it. A worker that starts
/// inside the file first pushes the frames of its margin (before its range), so its first
/// points see the frames before them; its last two points wait for the next worker's first
/// frames ([`Separations::finish_with`]).
#[derive(Clone, Debug, Default)]
pub struct Separations {
    /// The last `SEP_BEFORE + 1 + SEP_AFTER` distributions, oldest first, with the index of
    /// the frame's point (None: a margin frame, no point of this stream).
    recent: std::collections::VecDeque<(Option<usize>, Distribution)>,
}

impl Separations {
    /// Pushes the next decoded frame (`point`: the index of its point, None for a margin
    /// frame); returns the point whose separation is now known, with it.
    pub fn push(&mut self, point: Option<usize>, d: Distribution) -> Option<(usize, f32)> {
        self.recent.push_back((point, d));
        if self.recent.len() > SEP_BEFORE + 1 + SEP_AFTER {
            self.recent.pop_front();
        }
        let at = self.recent.len().checked_sub(1 + SEP_AFTER)?;
        let (p, _) = self.recent[at];
        Some((p?, self.separation_at(at, &[])))
    }

    /// The separations still open at the end of the stream (its last two points), with
    /// `next`: the distributions of the frames that follow (the next worker's first two; none
    /// at the end of the file).
    pub fn finish_with(&self, next: &[Distribution]) -> Vec<(usize, f32)> {
        let settled = self.recent.len().saturating_sub(SEP_AFTER);
        (settled..self.recent.len())
            .filter_map(|at| {
                let (p, _) = self.recent[at];
                Some((p?, self.separation_at(at, next)))
            })
            .collect()
    }

    /// The separation of the frame at `at` in `recent` (0 for the stream's first frame:
    /// nothing before it).
    fn separation_at(&self, at: usize, next: &[Distribution]) -> f32 {
        let all: Vec<Distribution> = self
            .recent
            .iter()
            .map(|(_, d)| *d)
            .chain(next.iter().copied())
            .collect();
        separation(&all, at)
    }
}

/// Tuning of the detector. The defaults are what the tests and benchmarks use.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SceneOptions {
    /// A cut's change must be this many times the median change of its neighbours.
    pub threshold_ratio: f32,
    /// … and at least this large (mean absolute difference of the 0–255 grid).
    pub min_diff: f32,
    /// Or: its separation ([`separation`]) must be this many times the median of its
    /// neighbours' …
    pub dist_ratio: f32,
    /// … and at least this large (0–255).
    pub min_dist: f32,
    /// Neighbours on each side for the median.
    pub window: usize,
    /// Scenes shorter than this (frames) are merged into the previous one.
    pub min_scene_frames: u64,
    /// Frames whose mean luma is below this are black (fades).
    pub fade_luma: f32,
}

impl Default for SceneOptions {
    fn default() -> Self {
        SceneOptions {
            threshold_ratio: 3.0,
            min_diff: 12.0,
            dist_ratio: 3.3,
            min_dist: 6.0,
            window: 8,
            min_scene_frames: 15,
            fade_luma: 24.0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutKind {
    Hard,
    Fade,
}

/// The first frame of a new scene.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Cut {
    pub frame: u64,
    pub time: f64,
    pub kind: CutKind,
    /// The change that triggered it (hard) or the darkness of the fade (fade), 0–255.
    #[serde(skip)]
    pub strength: f32,
    /// When frames between the previous decoded frame and this one were not decoded, the cut
    /// lies somewhere in `(prev_idx, frame]` and must be located by decoding that gap.
    #[serde(skip)]
    pub prev_idx: u64,
    #[serde(skip)]
    pub prev_secs: f64,
}

impl Cut {
    /// True when the frames before this cut were all decoded, so `frame` is exact.
    pub fn is_exact(&self) -> bool {
        self.prev_idx + 1 >= self.frame
    }
}

/// Finds cuts in `points` (sorted by frame, one per decoded frame).
pub fn detect_cuts(points: &[FramePoint], opts: &SceneOptions) -> Vec<Cut> {
    let mut candidates = hard_cuts(points, opts);
    let fades = detect_fades(points, &candidates, opts);
    candidates.extend(fades);
    candidates.sort_by_key(|c| c.frame);
    enforce_min_scene(candidates, opts.min_scene_frames)
}

/// Frames whose picture or distribution change stands out from their neighbours'.
fn hard_cuts(points: &[FramePoint], opts: &SceneOptions) -> Vec<Cut> {
    let mut cuts = Vec::new();
    let diffs: Vec<f32> = points.iter().map(|p| p.diff).collect();
    let seps: Vec<f32> = points.iter().map(|p| p.separation).collect();
    let mut neighbours: Vec<f32> = Vec::with_capacity(2 * opts.window);
    let mut local = |i: usize, values: &[f32]| {
        let lo = i.saturating_sub(opts.window);
        let hi = (i + opts.window + 1).min(values.len());
        neighbours.clear();
        neighbours.extend(values[lo..i].iter().chain(&values[i + 1..hi]));
        crate::stats::median(&mut neighbours)
    };
    for (i, p) in points.iter().enumerate().skip(1) {
        let local_diff = local(i, &diffs);
        let picture =
            p.diff >= opts.min_diff && p.diff >= opts.threshold_ratio * local_diff.max(1.0);
        // The distribution test also wants the picture to change at least as much as usual
        // (a cut changes both; a drift of brightness or colour alone is no cut).
        let distribution = !picture
            && p.diff >= local_diff
            && seps[i] >= opts.min_dist
            && seps[i] >= opts.dist_ratio * local(i, &seps).max(0.5);
        if picture || distribution {
            cuts.push(Cut {
                frame: p.frame_idx,
                time: p.pts_secs,
                kind: CutKind::Hard,
                strength: p.diff.max(p.dist),
                prev_idx: p.prev_idx,
                prev_secs: p.prev_secs,
            });
        }
    }
    cuts
}

/// How far above a black run's black level (mean luma) a frame must be to show new content.
pub const FADE_RISE: f32 = 2.0;

/// Black runs with a bright picture less than a second before and after them, entered and
/// left gradually: a fade out and in, with the cut on the first frame of the new content (the
/// first frame brighter than the black by [`FADE_RISE`], where PySceneDetect puts it too). (A dark scene
/// that hovers near black is not a fade: there is no bright picture on both sides. A run
/// entered or left by a hard cut is a black scene of its own, or the start of a shot that
/// fades in: its cuts are the hard ones, at the first frame of the new content.)
fn detect_fades(points: &[FramePoint], hard: &[Cut], opts: &SceneOptions) -> Vec<Cut> {
    const CONTEXT_SECS: f64 = 1.0;
    let bright = opts.fade_luma + 16.0;
    let dark = |p: &FramePoint| p.luma < opts.fade_luma;
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < points.len() {
        if !dark(&points[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < points.len() && dark(&points[i]) {
            i += 1;
        }
        let end = i; // exclusive
        let (t0, t1) = (points[start].pts_secs, points[end - 1].pts_secs);
        let bright_before = points[..start]
            .iter()
            .rev()
            .take_while(|p| t0 - p.pts_secs <= CONTEXT_SECS)
            .any(|p| p.luma >= bright);
        let bright_after = points[end..]
            .iter()
            .take_while(|p| p.pts_secs - t1 <= CONTEXT_SECS)
            .any(|p| p.luma >= bright);
        // A hard cut on the run's first frame or on the first frame after it.
        let first = points[start].frame_idx;
        let after = points.get(end).map_or(u64::MAX, |p| p.frame_idx);
        let cut_at_edge = hard.iter().any(|c| c.frame >= first && c.frame <= after);
        if bright_before && bright_after && !cut_at_edge {
            // The new content starts after the last frame at the run's black level.
            let black = points[start..end]
                .iter()
                .map(|p| p.luma)
                .fold(f32::INFINITY, f32::min);
            let last_black = (start..end)
                .rev()
                .find(|&j| points[j].luma <= black + FADE_RISE)
                .unwrap_or(end - 1);
            if let Some(new) = points.get(last_black + 1) {
                cuts.push(Cut {
                    frame: new.frame_idx,
                    time: new.pts_secs,
                    kind: CutKind::Fade,
                    strength: opts.fade_luma - black,
                    prev_idx: new.prev_idx,
                    prev_secs: new.prev_secs,
                });
            }
        }
    }
    cuts
}

/// Keeps cuts at least `min_frames` apart; of two that are closer, the stronger hard cut wins.
fn enforce_min_scene(cuts: Vec<Cut>, min_frames: u64) -> Vec<Cut> {
    let mut kept: Vec<Cut> = Vec::new();
    for c in cuts {
        match kept.last_mut() {
            Some(last) if c.frame < last.frame + min_frames => {
                let stronger = c.kind == CutKind::Hard
                    && (last.kind == CutKind::Fade || c.strength > last.strength);
                if stronger {
                    *last = c;
                }
            }
            _ => kept.push(c),
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(diffs: &[f32], lumas: &[f32]) -> Vec<FramePoint> {
        // The picture change alone: the distribution stays.
        points_with_levels(diffs, &vec![100; diffs.len()], lumas)
    }

    /// A distribution whose luma quantiles are all `level` (chroma grey, no detail): the
    /// distance of two is a quarter of the levels' difference.
    fn level(level: u8) -> Distribution {
        Distribution([
            [level; QUANTILES],
            [128; QUANTILES],
            [128; QUANTILES],
            [0; QUANTILES],
        ])
    }

    fn points_with_levels(diffs: &[f32], levels: &[u8], lumas: &[f32]) -> Vec<FramePoint> {
        let dists: Vec<Distribution> = levels.iter().map(|l| level(*l)).collect();
        diffs
            .iter()
            .zip(levels)
            .zip(lumas)
            .enumerate()
            .map(|(i, ((d, s), l))| FramePoint {
                frame_idx: i as u64,
                pts_secs: i as f64 / 30.0,
                diff: *d,
                dist: i
                    .checked_sub(1)
                    .map_or(0.0, |j| level(*s).distance(&level(levels[j]))),
                separation: separation(&dists, i),
                luma: *l,
                prev_idx: (i as u64).saturating_sub(1),
                prev_secs: (i as f64 - 1.0).max(0.0) / 30.0,
            })
            .collect()
    }

    /// Two workers streaming halves of the frames (the second with margin frames before its
    /// range) give every frame the separation the whole list gives it.
    #[test]
    fn streamed_separations_across_workers_equal_the_whole_lists() {
        let dists: Vec<Distribution> = (0..40u32)
            .map(|i| level(((i * 37 + i * i * 11) % 200) as u8))
            .collect();
        let whole: Vec<f32> = (0..dists.len()).map(|i| separation(&dists, i)).collect();
        for split in [1usize, 2, 3, 7, 17, 38, 39] {
            for margin in [0usize, 1, 3, 5] {
                let mut got = vec![f32::NAN; dists.len()];
                let mut a = Separations::default();
                for (i, d) in dists[..split].iter().enumerate() {
                    if let Some((p, sep)) = a.push(Some(i), *d) {
                        got[p] = sep;
                    }
                }
                let mut b = Separations::default();
                for d in &dists[split.saturating_sub(margin)..split] {
                    assert_eq!(b.push(None, *d), None);
                }
                for (i, d) in dists.iter().enumerate().skip(split) {
                    if let Some((p, sep)) = b.push(Some(i), *d) {
                        got[p] = sep;
                    }
                }
                let head: Vec<Distribution> = dists[split..].iter().take(2).copied().collect();
                for (p, sep) in a.finish_with(&head).into_iter().chain(b.finish_with(&[])) {
                    got[p] = sep;
                }
                // Without margin frames the second worker's first frame has no past (0).
                let mut want = whole.clone();
                if margin == 0 {
                    want[split] = 0.0;
                    for i in split + 1..(split + 3).min(dists.len()) {
                        let before = &dists[split.max(i.saturating_sub(3))..i];
                        let after = &dists[i..(i + 3).min(dists.len())];
                        want[i] = before
                            .iter()
                            .flat_map(|b| after.iter().map(move |a| a.distance(b)))
                            .fold(f32::INFINITY, f32::min);
                    }
                }
                if margin >= 3 {
                    assert_eq!(got, whole, "split {split}, margin {margin}");
                } else if margin == 0 {
                    assert_eq!(got, want, "split {split}, no margin");
                }
                assert!(got.iter().all(|x| !x.is_nan()), "split {split}: {got:?}");
            }
        }
    }

    #[test]
    fn hard_cut_in_calm_video_and_none_in_fast_motion() {
        let mut diffs = vec![1.0; 100];
        diffs[40] = 60.0;
        // Fast motion: every frame changes a lot, one frame a bit more.
        for d in diffs.iter_mut().skip(60).take(30) {
            *d = 35.0;
        }
        diffs[75] = 50.0;
        let cuts = detect_cuts(&points(&diffs, &[120.0; 100]), &SceneOptions::default());
        assert_eq!(cuts.iter().map(|c| c.frame).collect::<Vec<_>>(), vec![40]);
        assert_eq!(cuts[0].kind, CutKind::Hard);
        assert!(cuts[0].is_exact());
    }

    #[test]
    fn fade_through_black_is_one_fade_cut() {
        let mut lumas = vec![120.0; 100];
        let mut diffs = vec![1.0; 100];
        for i in 40..60 {
            lumas[i] = 120.0 - 100.0 * ((i - 39) as f32 / 20.0).min(1.0);
            diffs[i] = 5.0;
        }
        for l in lumas.iter_mut().take(66).skip(55) {
            *l = 16.0;
        }
        // A dark scene hovering around the threshold is not a fade.
        for (i, l) in lumas.iter_mut().enumerate().skip(85) {
            *l = if i % 3 == 0 { 23.0 } else { 25.0 };
        }
        for i in 66..80 {
            lumas[i] = 16.0 + 8.0 * (i - 65) as f32;
            diffs[i] = 8.0;
        }
        let cuts = detect_cuts(&points(&diffs, &lumas), &SceneOptions::default());
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        assert_eq!(cuts[0].kind, CutKind::Fade);
        // Black (16) up to 65; the fade in shows the new picture from 66.
        assert_eq!(cuts[0].frame, 66);
    }

    #[test]
    fn cuts_closer_than_min_scene_merge_to_the_stronger() {
        let mut diffs = vec![1.0; 100];
        diffs[30] = 40.0;
        diffs[35] = 80.0;
        let cuts = detect_cuts(&points(&diffs, &[120.0; 100]), &SceneOptions::default());
        assert_eq!(cuts.iter().map(|c| c.frame).collect::<Vec<_>>(), vec![35]);
    }

    fn frames(cuts: &[Cut]) -> Vec<u64> {
        cuts.iter().map(|c| c.frame).collect()
    }

    #[test]
    fn distributions_ignore_where_values_are_and_measure_how_far_they_move() {
        let mut yuv: Vec<u8> = (0..576u32).map(|i| (i * 7 % 256) as u8).collect();
        yuv.extend((0..576u32).map(|i| (100 + i % 40) as u8));
        yuv.extend(std::iter::repeat_n(128u8, 576));
        let detail = vec![10u8; 576];
        let d = Distribution::of(&yuv, &detail);
        assert!(d.0.iter().all(|q| q.windows(2).all(|w| w[0] <= w[1])));
        assert_eq!(d.0[2], [128; QUANTILES]);
        assert_eq!(d.0[3], [10; QUANTILES]);
        assert!(
            d.0[1][0] >= 100 && d.0[1][QUANTILES - 1] < 140,
            "{:?}",
            d.0[1]
        );
        // Moved around: the same distribution.
        let mut shuffled = yuv.clone();
        shuffled[..576].reverse();
        shuffled.swap(3, 500);
        assert_eq!(d.distance(&Distribution::of(&shuffled, &detail)), 0.0);
        // Y and U brighter by 12 (V and the detail unchanged): about 2 × 12 / 4.
        let mut brighter = yuv.clone();
        brighter[..1152]
            .iter_mut()
            .for_each(|v| *v = v.saturating_add(12));
        let moved = d.distance(&Distribution::of(&brighter, &detail));
        assert!((5.0..=6.0).contains(&moved), "{moved}");
        // Noise instead of a smooth picture: the detail plane alone moves by 40 / 4.
        assert_eq!(d.distance(&Distribution::of(&yuv, &[50; 576])), 10.0);
        assert_eq!(Distribution::of(&[], &[]), Distribution::default());
    }

    #[test]
    fn separation_peaks_on_the_first_frame_of_a_new_shot() {
        // Shot A wobbles between levels 90 and 120, shot B between 180 and 200.
        let levels: Vec<u8> = (0..20)
            .map(|i| match (i < 10, i % 2 == 0) {
                (true, true) => 90,
                (true, false) => 120,
                (false, true) => 180,
                (false, false) => 200,
            })
            .collect();
        let pts = points_with_levels(&[30.0; 20], &levels, &[120.0; 20]);
        let seps: Vec<f32> = pts.iter().map(|p| p.separation).collect();
        // Inside a shot some pair is equal; across the cut the closest pair is 120 → 180.
        assert_eq!(seps[5], 0.0);
        assert_eq!(seps[10], 60.0 / 4.0);
        assert!(seps
            .iter()
            .enumerate()
            .all(|(i, s)| i == 10 || *s < seps[10]));
    }

    #[test]
    fn a_cut_between_two_busy_shots_is_found_by_its_separation_and_a_spiral_is_no_cut() {
        // Noise-like motion: every frame's picture changes a lot (and more at the cut, but
        // not 3× more), and the distribution wobbles; only at the cut does it jump.
        let n = 120;
        let mut diffs: Vec<f32> = (0..n).map(|i| 30.0 + (i % 5) as f32 * 4.0).collect();
        let levels: Vec<u8> = (0..n)
            .map(|i| if i < 50 { 100 } else { 160 } + [0, 9, 3, 12][i % 4])
            .collect();
        diffs[50] = 60.0;
        // A fast spiral: the picture spikes now and then (under 3× the median) and the
        // distribution wobbles as much as anywhere.
        for i in [80, 90, 100] {
            diffs[i] = 95.0;
        }
        let cuts = detect_cuts(
            &points_with_levels(&diffs, &levels, &vec![120.0; n]),
            &SceneOptions::default(),
        );
        assert_eq!(frames(&cuts), vec![50], "{cuts:?}");
        assert_eq!(cuts[0].kind, CutKind::Hard);
        // The distribution alone wobbles by up to 12 / 4 = 3 between frames: no cut from it.
        assert!(points_with_levels(&diffs, &levels, &vec![120.0; n])
            .iter()
            .skip(51)
            .all(|p| p.dist <= 3.0 + 1e-6));
    }

    #[test]
    fn cuts_into_and_out_of_a_black_title_card_are_hard_cuts_at_the_new_content() {
        let mut lumas = vec![120.0; 100];
        let mut diffs = vec![1.0; 100];
        for l in lumas.iter_mut().take(60).skip(40) {
            *l = 18.0;
        }
        for i in [40, 60] {
            diffs[i] = 45.0;
        }
        let cuts = detect_cuts(&points(&diffs, &lumas), &SceneOptions::default());
        assert_eq!(frames(&cuts), vec![40, 60], "{cuts:?}");
        assert!(cuts.iter().all(|c| c.kind == CutKind::Hard));
    }

    #[test]
    fn a_cut_into_a_shot_that_fades_in_from_black_is_at_the_cut_not_in_the_fade() {
        let mut lumas = vec![120.0; 100];
        let mut diffs = vec![1.0; 100];
        // Cut at 40 to black, then 12 frames of fade in.
        diffs[40] = 40.0;
        for i in 40..52 {
            lumas[i] = 16.0 + 8.5 * (i - 40) as f32;
            if i > 40 {
                diffs[i] = 5.0;
            }
        }
        let cuts = detect_cuts(&points(&diffs, &lumas), &SceneOptions::default());
        assert_eq!(frames(&cuts), vec![40], "{cuts:?}");
        assert_eq!(cuts[0].kind, CutKind::Hard);
    }
}
