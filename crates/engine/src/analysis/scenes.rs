//! Scene cuts from per-frame signature differences: hard cuts by an adaptive threshold (a
//! frame's change against the median change of its neighbours, so sustained fast motion is
//! not mistaken for cuts), fades by a luma threshold, and a minimum scene length.

use serde::{Deserialize, Serialize};

/// One decoded frame as the detector sees it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FramePoint {
    pub frame_idx: u64,
    pub pts_secs: f64,
    /// Signature difference to the previous decoded frame (0–255).
    pub diff: f32,
    /// Mean luma of the signature grid (0–255).
    pub luma: f32,
    /// Frame number of the previous decoded frame (`frame_idx − 1` unless frames were skipped).
    pub prev_idx: u64,
    /// Presentation time of the previous decoded frame.
    pub prev_secs: f64,
}

/// Tuning of the detector. The defaults are what the tests and benchmarks use.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SceneOptions {
    /// A cut's change must be this many times the median change of its neighbours.
    pub threshold_ratio: f32,
    /// … and at least this large (mean absolute difference of the 0–255 grid).
    pub min_diff: f32,
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
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
        self.kind == CutKind::Fade || self.prev_idx + 1 >= self.frame
    }
}

/// Finds cuts in `points` (sorted by frame, one per decoded frame).
pub fn detect_cuts(points: &[FramePoint], opts: &SceneOptions) -> Vec<Cut> {
    let mut candidates: Vec<Cut> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if i == 0 || p.diff < opts.min_diff {
            continue;
        }
        let lo = i.saturating_sub(opts.window);
        let hi = (i + opts.window + 1).min(points.len());
        let mut neighbours: Vec<f32> = points[lo..hi]
            .iter()
            .enumerate()
            .filter(|(j, _)| lo + j != i)
            .map(|(_, q)| q.diff)
            .collect();
        let local = crate::stats::median(&mut neighbours).max(1.0);
        // Into or out of black is a fade, not a hard cut.
        let dark = p.luma < opts.fade_luma || points[i - 1].luma < opts.fade_luma;
        if !dark && p.diff >= opts.threshold_ratio * local {
            candidates.push(Cut {
                frame: p.frame_idx,
                time: p.pts_secs,
                kind: CutKind::Hard,
                strength: p.diff,
                prev_idx: p.prev_idx,
                prev_secs: p.prev_secs,
            });
        }
    }
    candidates.extend(detect_fades(points, opts));
    candidates.sort_by_key(|c| c.frame);
    enforce_min_scene(candidates, opts.min_scene_frames)
}

/// Black runs with a bright picture less than a second before and after them: a fade out and
/// in, with the cut at the middle of the black. (A dark scene that hovers near black is not a
/// fade: there is no bright picture on both sides.)
fn detect_fades(points: &[FramePoint], opts: &SceneOptions) -> Vec<Cut> {
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
        if bright_before && bright_after {
            let mid = &points[(start + end - 1) / 2];
            cuts.push(Cut {
                frame: mid.frame_idx,
                time: mid.pts_secs,
                kind: CutKind::Fade,
                strength: opts.fade_luma - mid.luma,
                prev_idx: mid.prev_idx,
                prev_secs: mid.prev_secs,
            });
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
        diffs
            .iter()
            .zip(lumas)
            .enumerate()
            .map(|(i, (d, l))| FramePoint {
                frame_idx: i as u64,
                pts_secs: i as f64 / 30.0,
                diff: *d,
                luma: *l,
                prev_idx: (i as u64).saturating_sub(1),
                prev_secs: (i as f64 - 1.0).max(0.0) / 30.0,
            })
            .collect()
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
        assert!(lumas[cuts[0].frame as usize] < 24.0);
    }

    #[test]
    fn cuts_closer_than_min_scene_merge_to_the_stronger() {
        let mut diffs = vec![1.0; 100];
        diffs[30] = 40.0;
        diffs[35] = 80.0;
        let cuts = detect_cuts(&points(&diffs, &[120.0; 100]), &SceneOptions::default());
        assert_eq!(cuts.iter().map(|c| c.frame).collect::<Vec<_>>(), vec![35]);
    }
}
