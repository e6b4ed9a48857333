//! The video side of an analysis: one decode per frame, split by time range across workers,
//! feeding both the scene detector (a signature of every decoded frame) and the motion meter
//! (small luma frames at the stride). Results are merged in order; cuts that fall in frames
//! the decoder skipped are located exactly by decoding just that gap.

use super::scenes::{Cut, CutKind, Distribution, FramePoint, Separations, FADE_RISE};
use crate::media::sampler::{
    sample_frames, sample_frames_with_signatures, signatures_in_ranges, FrameSignature,
    SampledFrame, SamplerOptions, Stride,
};
use crate::media::MediaError;
use crate::progress::{CancelToken, ProgressReporter};
use std::ops::ControlFlow;
use std::path::Path;

/// How the video pass runs.
#[derive(Clone, Debug)]
pub struct VideoPassOptions {
    pub stride: Stride,
    /// Parallel workers, each decoding its own time range.
    pub workers: usize,
    /// Decoder threads per worker (workers × threads ≤ cores).
    pub threads_per_worker: usize,
    /// Let the decoder drop non-reference frames when the stride allows (cuts in dropped frames
    /// are then located by decoding the gap).
    pub skip_nonref: bool,
}

/// Motion between two consecutive sampled frames.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MotionPair {
    pub from_secs: f64,
    pub to_secs: f64,
    /// Mean absolute difference of the small luma frames (0–255).
    pub mad: f32,
}

/// The merged output of all workers.
#[derive(Clone, Debug, Default)]
pub struct VideoPass {
    pub points: Vec<FramePoint>,
    pub motion: Vec<MotionPair>,
    pub decoded: u64,
    pub sampled: u64,
    pub fps: f64,
    /// Frame numbers of the keyframes, ascending (where a refinement's decode can start).
    pub keyframes: Vec<u64>,
}

/// Seconds each worker decodes before its range, so its first frame has a predecessor.
const MARGIN_SECS: f64 = 1.0;

/// Runs the full pass over `[0, duration)` with `opts.workers` workers.
pub fn video_pass(
    path: &Path,
    duration_secs: f64,
    fps: f64,
    opts: &VideoPassOptions,
    progress: &ProgressReporter,
    cancel: &CancelToken,
) -> Result<VideoPass, MediaError> {
    let workers = opts.workers.max(1);
    let bounds: Vec<(u64, Option<u64>)> = (0..workers)
        .map(|k| {
            let start = (duration_secs * k as f64 / workers as f64 * fps).round() as u64;
            let end = (k + 1 < workers)
                .then(|| (duration_secs * (k + 1) as f64 / workers as f64 * fps).round() as u64);
            (start, end)
        })
        .collect();
    let results: Vec<Result<WorkerPart, MediaError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bounds
            .iter()
            .map(|&(start, end)| {
                scope.spawn(move || worker(path, fps, start, end, opts, progress, cancel))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(MediaError::Ffmpeg {
                        path: path.to_path_buf(),
                        reason: "an analysis worker panicked".into(),
                    })
                })
            })
            .collect()
    });
    let mut parts = Vec::with_capacity(results.len());
    for r in results {
        parts.push(r?);
    }
    // Each part's last two separations wait for the next part's first frames.
    for k in 0..parts.len() {
        let next = parts.get(k + 1).map(|p| p.head.clone()).unwrap_or_default();
        let part = &mut parts[k];
        for (i, sep) in part.separations.finish_with(&next) {
            if let Some(p) = part.pass.points.get_mut(i) {
                p.separation = sep;
            }
        }
    }
    let mut merged = VideoPass {
        fps,
        ..VideoPass::default()
    };
    merged
        .points
        .reserve_exact(parts.iter().map(|p| p.pass.points.len()).sum());
    for part in parts {
        let part = part.pass;
        merged.points.extend(part.points);
        merged.keyframes.extend(part.keyframes);
        merged.motion.extend(part.motion);
        merged.decoded += part.decoded;
        merged.sampled += part.sampled;
    }
    Ok(merged)
}

/// What one worker found, with what its neighbours need to finish its separations.
struct WorkerPart {
    pass: VideoPass,
    /// Its last two points' separations are still open.
    separations: Separations,
    /// The distributions of its first two points (the previous worker's next frames).
    head: Vec<Distribution>,
}

/// One worker: frames numbered `[start_idx, end_idx)`.
fn worker(
    path: &Path,
    fps: f64,
    start_idx: u64,
    end_idx: Option<u64>,
    opts: &VideoPassOptions,
    progress: &ProgressReporter,
    cancel: &CancelToken,
) -> Result<WorkerPart, MediaError> {
    let start_secs = start_idx as f64 / fps;
    let sampler = SamplerOptions {
        start_secs: if start_idx == 0 {
            0.0
        } else {
            (start_secs - MARGIN_SECS).max(0.0)
        },
        end_secs: end_idx.map(|e| (e as f64 + 0.5) / fps),
        stride: opts.stride,
        max_width: 256,
        threads: opts.threads_per_worker,
        exact: !opts.skip_nonref,
    };
    let mine = |idx: u64| idx >= start_idx && end_idx.is_none_or(|e| idx < e);
    let mut out = VideoPass {
        fps,
        ..VideoPass::default()
    };
    // Frames expected in the range: reserved once, so the list never doubles past it.
    let expected = end_idx.map_or(0, |e| e.saturating_sub(start_idx)) as usize;
    out.points.reserve(expected);
    let mut prev_sig: Option<(FrameSignature, Distribution)> = None;
    let mut separations = Separations::default();
    let mut head: Vec<Distribution> = Vec::new();
    let mut on_sig = |sig: FrameSignature| {
        let distribution = Distribution::of(&sig.yuv, &sig.detail);
        let (diff, dist, prev_idx, prev_secs) = match &prev_sig {
            Some((p, pd)) => (
                sig.diff(p),
                distribution.distance(pd),
                p.frame_idx,
                p.pts_secs,
            ),
            None => (0.0, 0.0, sig.frame_idx.saturating_sub(1), sig.pts_secs),
        };
        if mine(sig.frame_idx) {
            if sig.key {
                out.keyframes.push(sig.frame_idx);
            }
            out.points.push(FramePoint {
                frame_idx: sig.frame_idx,
                pts_secs: sig.pts_secs,
                diff,
                dist,
                separation: 0.0, // settled by `separations` two frames later
                luma: sig.mean_luma(),
                prev_idx,
                prev_secs,
            });
            if head.len() < 2 {
                head.push(distribution);
            }
            progress.add_done(1);
        }
        // Margin frames before the range count as the past of its first points; frames past
        // its end are the next worker's (its first two come in `finish_with`).
        let before_end = end_idx.is_none_or(|e| sig.frame_idx < e);
        if before_end {
            let point = mine(sig.frame_idx).then(|| out.points.len() - 1);
            if let Some((i, sep)) = separations.push(point, distribution) {
                if let Some(p) = out.points.get_mut(i) {
                    p.separation = sep;
                }
            }
        }
        prev_sig = Some((sig, distribution));
    };
    let mut prev_frame: Option<SampledFrame> = None;
    let mut motion = Vec::new();
    let stats = sample_frames_with_signatures(path, &sampler, cancel, Some(&mut on_sig), |f| {
        if let Some(p) = &prev_frame {
            if mine(f.frame_idx) {
                motion.push(MotionPair {
                    from_secs: p.pts_secs,
                    to_secs: f.pts_secs,
                    mad: mad(&p.luma, &f.luma),
                });
            }
        }
        prev_frame = Some(f);
        ControlFlow::Continue(())
    })?;
    out.motion = motion;
    out.decoded = stats.decoded;
    out.sampled = stats.sampled;
    Ok(WorkerPart {
        pass: out,
        separations,
        head,
    })
}

/// Mean absolute difference of two equally sized planes.
pub fn mad(a: &[u8], b: &[u8]) -> f32 {
    let n = a.len().min(b.len()).max(1);
    let sum: u64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f32 / n as f32
}

/// Locates the cuts that lie in frames the decoder skipped (`!is_exact()`): decodes their gaps
/// `(prev, cut]` exactly and moves a hard cut to the frame with the largest change (picture +
/// distribution, the two changes the detector weighs), a fade to the first frame brighter than
/// the black before it by [`FADE_RISE`](super::scenes::FADE_RISE). A decode starts at the
/// keyframe before a gap; the next gap joins it when no keyframe lies between (decoding on
/// costs no more than seeking), so each GOP is decoded at most once. Independent decodes run
/// on up to `threads` threads. `keyframes`: the frame numbers of the keyframes, ascending.
/// Returns how many cuts were located.
pub fn refine_cuts(
    path: &Path,
    cuts: &mut [Cut],
    keyframes: &[u64],
    fps: f64,
    threads: usize,
    cancel: &CancelToken,
) -> Result<usize, MediaError> {
    let inexact: Vec<usize> = (0..cuts.len()).filter(|&i| !cuts[i].is_exact()).collect();
    let keyframe_before = |frame: u64| {
        let n = keyframes.partition_point(|&k| k <= frame);
        n.checked_sub(1).map_or(0, |i| keyframes[i])
    };
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for &i in &inexact {
        match groups.last_mut() {
            Some(g)
                if g.last()
                    .is_some_and(|&j| keyframe_before(cuts[i].prev_idx) <= cuts[j].frame) =>
            {
                g.push(i)
            }
            _ => groups.push(vec![i]),
        }
    }
    let threads = threads.clamp(1, groups.len().max(1));
    let snapshot: &[Cut] = cuts;
    let found: Vec<Result<Located, MediaError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let groups = &groups;
                scope.spawn(move || {
                    let mut out = Vec::new();
                    for g in groups.iter().skip(t).step_by(threads) {
                        out.extend(refine_group(path, snapshot, g, fps, cancel)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(MediaError::Ffmpeg {
                        path: path.to_path_buf(),
                        reason: "a cut refinement panicked".into(),
                    })
                })
            })
            .collect()
    });
    for r in found {
        for (i, frame, time) in r? {
            let cut = &mut cuts[i];
            cut.frame = frame;
            cut.time = time;
            cut.prev_idx = frame.saturating_sub(1);
        }
    }
    Ok(inexact.len())
}

/// Where cuts are: (index into the cuts, frame, time).
type Located = Vec<(usize, u64, f64)>;

/// One decode over the gaps of the cuts `group` (indices into `cuts`, in order): where each
/// cut is.
fn refine_group(
    path: &Path,
    cuts: &[Cut],
    group: &[usize],
    fps: f64,
    cancel: &CancelToken,
) -> Result<Located, MediaError> {
    let (Some(&first), Some(&last)) = (group.first(), group.last()) else {
        return Ok(Vec::new());
    };
    let opts = SamplerOptions {
        start_secs: (cuts[first].prev_secs - 0.25 / fps).max(0.0),
        end_secs: Some(cuts[last].time + 1.0 / fps),
        stride: Stride::Every(u32::MAX),
        max_width: 16,
        threads: 1,
        exact: true,
    };
    // Each gap with the frame before it (the change into the gap's first frame counts).
    let ranges: Vec<(f64, f64)> = group
        .iter()
        .map(|&i| (cuts[i].prev_secs - 1.0 / fps, cuts[i].time))
        .collect();
    // Per cut: its gap, kind, the black before it (fades) and the best frame so far.
    struct Gap {
        prev_idx: u64,
        frame: u64,
        fade: bool,
        black: Option<f32>,
        best: Option<(f32, u64, f64)>,
    }
    let mut gaps: Vec<Gap> = group
        .iter()
        .map(|&i| Gap {
            prev_idx: cuts[i].prev_idx,
            frame: cuts[i].frame,
            fade: cuts[i].kind == CutKind::Fade,
            black: None,
            best: None,
        })
        .collect();
    let mut prev: Option<(FrameSignature, Distribution)> = None;
    let mut on_sig = |sig: FrameSignature| {
        let idx = sig.frame_idx;
        if !gaps.iter().any(|g| idx >= g.prev_idx && idx <= g.frame) {
            prev = None;
            return;
        }
        let distribution = Distribution::of(&sig.yuv, &sig.detail);
        for gap in gaps
            .iter_mut()
            .filter(|g| idx >= g.prev_idx && idx <= g.frame)
        {
            if idx == gap.prev_idx {
                gap.black = Some(sig.mean_luma());
            } else if gap.fade {
                let luma = sig.mean_luma();
                if gap.best.is_none() && gap.black.is_some_and(|b| luma > b + FADE_RISE) {
                    gap.best = Some((luma, idx, sig.pts_secs));
                }
            } else if let Some((p, pd)) = &prev {
                let d = sig.diff(p) + distribution.distance(pd);
                if gap.best.is_none_or(|(bd, _, _)| d > bd) {
                    gap.best = Some((d, idx, sig.pts_secs));
                }
            }
        }
        prev = Some((sig, distribution));
    };
    signatures_in_ranges(path, &opts, &ranges, cancel, &mut on_sig)?;
    Ok(group
        .iter()
        .zip(&gaps)
        .filter_map(|(&i, g)| g.best.map(|(_, frame, time)| (i, frame, time)))
        .collect())
}

/// What the keyframes-only pass has found so far: approximate cuts (keyframes whose picture
/// differs strongly from the previous keyframe), coarse motion pairs, and the time of the last
/// keyframe read (everything before it is final).
#[derive(Clone, Debug, Default)]
pub struct KeyframeFeed {
    pub cuts: Vec<Cut>,
    pub motion: Vec<MotionPair>,
    pub covered_secs: f64,
}

/// The quick pass: keyframes only, with `threads` decoder threads, into `feed` as they are
/// read (the quick ranking reads it while the pass goes on).
pub fn keyframe_pass(
    path: &Path,
    threads: usize,
    cancel: &CancelToken,
    feed: &std::sync::Mutex<KeyframeFeed>,
) -> Result<(), MediaError> {
    let opts = SamplerOptions {
        stride: Stride::Keyframes,
        threads,
        ..SamplerOptions::default()
    };
    let mut prev: Option<SampledFrame> = None;
    sample_frames(path, &opts, cancel, |f| {
        let mut feed = feed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(p) = &prev {
            let luma = mad(&p.luma, &f.luma);
            let hue = mad(&p.hue, &f.hue);
            if luma > 30.0 || hue > 30.0 {
                feed.cuts.push(Cut {
                    frame: f.frame_idx,
                    time: f.pts_secs,
                    kind: CutKind::Hard,
                    strength: luma.max(hue),
                    prev_idx: p.frame_idx,
                    prev_secs: p.pts_secs,
                });
            } else {
                feed.motion.push(MotionPair {
                    from_secs: p.pts_secs,
                    to_secs: f.pts_secs,
                    mad: luma,
                });
            }
        }
        feed.covered_secs = feed.covered_secs.max(f.pts_secs);
        prev = Some(f);
        ControlFlow::Continue(())
    })?;
    Ok(())
}

/// Motion per step from the pairs, leaving out pairs that straddle a cut; steps without a
/// pair take the previous step's value.
pub fn motion_curve(pairs: &[MotionPair], cuts: &[Cut], duration_secs: f64, step: f64) -> Vec<f32> {
    let steps = ((duration_secs / step).ceil() as usize).max(1);
    let mut sum = vec![0.0f64; steps];
    let mut count = vec![0u32; steps];
    for p in pairs {
        if cuts
            .iter()
            .any(|c| c.time > p.from_secs + 1e-6 && c.time <= p.to_secs + 1e-6)
        {
            continue;
        }
        let i = ((p.to_secs / step).floor().max(0.0) as usize).min(steps - 1);
        sum[i] += f64::from(p.mad);
        count[i] += 1;
    }
    let mut out = Vec::with_capacity(steps);
    let mut last = 0.0f32;
    for (s, c) in sum.iter().zip(&count) {
        if *c > 0 {
            last = (*s / f64::from(*c)) as f32;
        }
        out.push(last);
    }
    out
}
