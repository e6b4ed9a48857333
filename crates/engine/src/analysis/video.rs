//! The video side of an analysis: one decode per frame, split by time range across workers,
//! feeding both the scene detector (a signature of every decoded frame) and the motion meter
//! (small luma frames at the stride). Results are merged in order; cuts that fall in frames
//! the decoder skipped are located exactly by decoding just that gap.

use super::scenes::{Cut, CutKind, Distribution, FramePoint, FADE_RISE};
use crate::media::sampler::{
    sample_frames, sample_frames_with_signatures, FrameSignature, SampledFrame, SamplerOptions,
    Stride,
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
    let results: Vec<Result<VideoPass, MediaError>> = std::thread::scope(|scope| {
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
    let mut merged = VideoPass {
        fps,
        ..VideoPass::default()
    };
    for r in results {
        let part = r?;
        merged.points.extend(part.points);
        merged.motion.extend(part.motion);
        merged.decoded += part.decoded;
        merged.sampled += part.sampled;
    }
    Ok(merged)
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
) -> Result<VideoPass, MediaError> {
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
    let mut prev_sig: Option<(FrameSignature, Distribution)> = None;
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
            out.points.push(FramePoint {
                frame_idx: sig.frame_idx,
                pts_secs: sig.pts_secs,
                diff,
                dist,
                distribution,
                luma: sig.mean_luma(),
                prev_idx,
                prev_secs,
            });
            progress.add_done(1);
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
    Ok(out)
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

/// Locates a cut that lies in frames the decoder skipped: decodes `(prev, cut]` exactly and
/// moves a hard cut to the frame with the largest change (picture + distribution, the two
/// changes the detector weighs), a fade to the first frame brighter than the black before it
/// by [`FADE_RISE`](super::scenes::FADE_RISE).
pub fn refine_cut(
    path: &Path,
    cut: &mut Cut,
    fps: f64,
    cancel: &CancelToken,
) -> Result<(), MediaError> {
    let opts = SamplerOptions {
        start_secs: (cut.prev_secs - 0.25 / fps).max(0.0),
        end_secs: Some(cut.time + 1.0 / fps),
        stride: Stride::Every(u32::MAX),
        max_width: 16,
        threads: 1,
        exact: true,
    };
    let fade = cut.kind == CutKind::Fade;
    let mut best: Option<(f32, u64, f64)> = None;
    let mut black: Option<f32> = None;
    let mut prev: Option<(FrameSignature, Distribution)> = None;
    let mut on_sig = |sig: FrameSignature| {
        let distribution = Distribution::of(&sig.yuv, &sig.detail);
        if fade {
            let luma = sig.mean_luma();
            match black {
                None => black = Some(luma),
                Some(b) if best.is_none() && luma > b + FADE_RISE => {
                    best = Some((luma, sig.frame_idx, sig.pts_secs));
                }
                Some(_) => {}
            }
        } else if let Some((p, pd)) = &prev {
            let d = sig.diff(p) + distribution.distance(pd);
            if best.is_none_or(|(bd, _, _)| d > bd) {
                best = Some((d, sig.frame_idx, sig.pts_secs));
            }
        }
        prev = Some((sig, distribution));
    };
    sample_frames_with_signatures(path, &opts, cancel, Some(&mut on_sig), |_| {
        ControlFlow::Continue(())
    })?;
    if let Some((_, frame, time)) = best {
        cut.frame = frame;
        cut.time = time;
        cut.prev_idx = frame.saturating_sub(1);
    }
    Ok(())
}

/// The quick pass: keyframes only. Returns approximate cuts (keyframes whose picture differs
/// strongly from the previous keyframe) and coarse motion pairs.
pub fn keyframe_pass(
    path: &Path,
    threads: usize,
    cancel: &CancelToken,
) -> Result<(Vec<Cut>, Vec<MotionPair>), MediaError> {
    let opts = SamplerOptions {
        stride: Stride::Keyframes,
        threads,
        ..SamplerOptions::default()
    };
    let mut prev: Option<SampledFrame> = None;
    let mut cuts = Vec::new();
    let mut motion = Vec::new();
    sample_frames(path, &opts, cancel, |f| {
        if let Some(p) = &prev {
            let luma = mad(&p.luma, &f.luma);
            let hue = mad(&p.hue, &f.hue);
            if luma > 30.0 || hue > 30.0 {
                cuts.push(Cut {
                    frame: f.frame_idx,
                    time: f.pts_secs,
                    kind: CutKind::Hard,
                    strength: luma.max(hue),
                    prev_idx: p.frame_idx,
                    prev_secs: p.pts_secs,
                });
            } else {
                motion.push(MotionPair {
                    from_secs: p.pts_secs,
                    to_secs: f.pts_secs,
                    mad: luma,
                });
            }
        }
        prev = Some(f);
        ControlFlow::Continue(())
    })?;
    Ok((cuts, motion))
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
