//! Analysis ("Find Viral Clips"): one decode of the video fanned out to scene and motion
//! detection, audio features in parallel, then scoring and selection of clips.
//!
//! Flow of [`analyze`]: probe → in parallel { audio features and a keyframes-only pass, ranked
//! every couple of seconds over the part both have reached, then over all of it → *quick*
//! rankings (handed to the caller as [`Ranking`]s with [`Pass::Quick`]); full video pass over
//! `workers` time ranges } → exact scene cuts → motion curve → *full* ranking.

pub mod audio_features;
pub mod gaps;
pub mod quick;
pub mod ranking;
pub mod scenes;
pub mod scoring;
pub mod video;

use crate::media::audio::{decode_audio, AudioOptions};
use crate::media::probe::{probe, MediaInfo};
use crate::media::sampler::Stride;
use crate::media::MediaError;
use crate::progress::{CancelToken, Cancelled, EventSink, JobId, ProgressReporter, Stage};
use audio_features::{AudioCurves, AudioFeatureAccumulator};
use scenes::{detect_cuts, Cut, SceneOptions};
use scoring::{Clip, SelectOptions};
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

pub use ranking::{Features, Ranked};
pub use scoring::Weights;

/// Which ranking a [`Ranking`] carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pass {
    /// Audio + keyframes only: within seconds, approximate.
    Quick,
    /// Every frame: exact cuts, full motion.
    Full,
}

/// Options of one analysis, built by the CLI or GUI from arguments and settings.
#[derive(Clone, Debug)]
pub struct AnalyzeOptions {
    /// Stride for motion and scoring (`SLOP_FRAME_SKIP`; `Auto` ≈ 2 frames per second).
    pub stride: Stride,
    /// Parallel video workers (`SLOP_MAX_ANALYSIS_WORKERS`).
    pub workers: usize,
    /// Cores to use in all (decoder threads × workers stays within it).
    pub cores: usize,
    /// Stop after the quick pass.
    pub quick_only: bool,
    /// Seconds per curve value.
    pub step: f64,
    pub select: SelectOptions,
    pub scenes: SceneOptions,
    /// Transcribe speech (and use it in scoring and snapping); None: no speech.
    pub speech: Option<crate::speech::TranscribeOptions>,
}

/// Parallel video workers when nothing else is asked for.
pub const DEFAULT_WORKERS: usize = 2;

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions {
            stride: Stride::Auto,
            workers: DEFAULT_WORKERS,
            cores: crate::system::cores(),
            quick_only: false,
            step: 1.0,
            select: SelectOptions::default(),
            scenes: SceneOptions::default(),
            speech: None,
        }
    }
}

/// A scene cut as reported: the first frame of the new scene.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Scene {
    pub time: f64,
    pub frame: u64,
    pub kind: scenes::CutKind,
}

/// Per-step curves for plots.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Curves {
    pub step: f64,
    pub loudness: Vec<f32>,
    pub motion: Vec<f32>,
    pub score: Vec<f32>,
}

/// The result of an analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub video: MediaInfo,
    pub pass: Pass,
    pub scenes: Vec<Scene>,
    pub clips: Vec<Clip>,
    pub curves: Curves,
    /// Seconds per stage.
    pub timings: BTreeMap<String, f64>,
    /// Things that did not stop the analysis but limit it (no audio, undecodable audio…).
    pub warnings: Vec<String>,
    /// What was said, with word timings (absent with `--no-speech` or without a model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transcript: Option<crate::speech::Transcript>,
    /// What the clips were ranked from: [`Analysis::rerank`] ranks again from it.
    #[serde(skip)]
    pub features: Arc<Features>,
    #[serde(skip)]
    pub frames_decoded: u64,
    #[serde(skip)]
    pub frames_sampled: u64,
}

impl Analysis {
    /// The same analysis ranked with other weights, clip count or lengths, from its cached
    /// features: exactly what a fresh analysis with `select` gives, without reading the video.
    pub fn rerank(&self, select: &SelectOptions) -> Analysis {
        let ranked = self.features.rank(self.transcript.as_ref(), select);
        Analysis {
            clips: ranked.clips,
            curves: Curves {
                score: ranked.interest,
                ..self.curves.clone()
            },
            ..self.clone()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("nothing to analyse: no audio or video stream: {}", .0.display())]
    NoStreams(std::path::PathBuf),
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

impl AnalysisError {
    pub fn is_cancelled(&self) -> bool {
        match self {
            AnalysisError::Cancelled(_) => true,
            AnalysisError::Media(m) => m.is_cancelled(),
            AnalysisError::NoStreams(_) => false,
        }
    }
}

/// A ranking of clips reported while the analysis runs: the quick pass first, then the full
/// pass (which [`analyze`] also returns) refines it.
#[derive(Clone, Debug)]
pub struct Ranking {
    pub job: JobId,
    pub pass: Pass,
    pub clips: Vec<Clip>,
    /// What they were ranked from (with no transcript: the quick pass has none, the full
    /// pass's is in the [`Analysis`]); [`Features::rank`] ranks them again.
    pub features: Arc<Features>,
}

/// Analyses `path`: hands each ranking to `rankings` as soon as it exists (the quick one
/// within seconds), returns the full one.
pub fn analyze(
    path: &Path,
    opts: &AnalyzeOptions,
    job: JobId,
    sink: &EventSink,
    rankings: &(dyn Fn(Ranking) + Sync),
    cancel: &CancelToken,
) -> Result<Analysis, AnalysisError> {
    let t_total = Instant::now();
    let mut timings = BTreeMap::new();
    let mut warnings = Vec::new();
    let t = Instant::now();
    let info = probe(path)?;
    timings.insert("probe".to_string(), t.elapsed().as_secs_f64());
    let duration = info.duration_secs.unwrap_or(0.0);
    let has_video = info.video().is_some();
    let has_audio = info.audio().is_some();
    if !has_video && !has_audio {
        return Err(AnalysisError::NoStreams(path.to_path_buf()));
    }
    if let (Some(declared), Some(real)) = (info.declared_duration_secs, info.duration_secs) {
        warnings.push(format!(
            "the file's header says {} but its data ends at {} (truncated or damaged): analysed what is there",
            crate::media::format_secs(declared),
            crate::media::format_secs(real)
        ));
    }
    if !has_audio {
        warnings.push("no audio stream: scored on the picture only".to_string());
    }
    if !has_video {
        warnings.push("no video stream: scored on the sound only".to_string());
    }
    let fps = info.fps();
    let workers = opts.workers.max(1);
    let threads_per_worker = (opts.cores / workers).max(1);
    let skip_nonref =
        matches!(opts.stride.frames(fps), Some(n) if n >= crate::media::sampler::NONREF_MIN_STRIDE);

    let audio_progress =
        ProgressReporter::new(sink, job, Stage::Audio, Some((duration * 1000.0) as u64));
    let video_progress =
        ProgressReporter::new(sink, job, Stage::Decode, Some((duration * fps) as u64));

    let step = opts.step;
    // The passes watch their own token: the caller's cancel reaches it within 20 ms, and a
    // pass that fails cancels the others, so a failure returns at once instead of waiting for
    // the slowest pass (transcription) to finish for nothing.
    let caller = cancel;
    let passes = CancelToken::new();
    let feeds = quick::Feeds::default();
    let finished = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| -> Result<Analysis, AnalysisError> {
        scope.spawn(|| {
            while !finished.load(std::sync::atomic::Ordering::Relaxed) {
                if caller.is_cancelled() {
                    passes.cancel();
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        let cancel = &passes;
        let outcome = (|| -> Result<Analysis, AnalysisError> {
            let audio_job = has_audio.then(|| {
                scope.spawn(|| -> (Result<AudioCurves, MediaError>, f64) {
                    let t = Instant::now();
                    let r = audio_curves(path, duration, step, &audio_progress, cancel, &feeds);
                    audio_progress.finish();
                    (r, t.elapsed().as_secs_f64())
                })
            });
            // Transcription starts with its own threads; once the video pass is done (at once
            // when there is none) it may take every core (it usually runs longest).
            let speech_cores = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(
                if has_video && !opts.quick_only {
                    0
                } else {
                    opts.cores
                },
            ));
            let speech_job = opts
                .speech
                .as_ref()
                .filter(|_| has_audio && !opts.quick_only)
                .map(|so| {
                    let so = crate::speech::TranscribeOptions {
                        more_threads: Some(speech_cores.clone()),
                        ..so.clone()
                    };
                    scope.spawn(move || {
                        let t = Instant::now();
                        let r = crate::speech::transcribe(path, &so, job, sink, cancel);
                        (r, t.elapsed().as_secs_f64())
                    })
                });
            let full_job = (has_video && !opts.quick_only).then(|| {
                let vopts = video::VideoPassOptions {
                    stride: opts.stride,
                    workers,
                    threads_per_worker,
                    skip_nonref,
                };
                scope.spawn(move || {
                    let t = Instant::now();
                    let r = video::video_pass(path, duration, fps, &vopts, &video_progress, cancel);
                    video_progress.finish();
                    (r, t.elapsed().as_secs_f64())
                })
            });

            // Quick pass: keyframes and audio as they arrive, ranked every couple of seconds.
            let mut keyframe_job = has_video.then(|| {
                scope.spawn(|| {
                    let t = Instant::now();
                    let r = video::keyframe_pass(path, 1, cancel, &feeds.keyframes);
                    (r, t.elapsed().as_secs_f64())
                })
            });
            let mut audio_job = audio_job;
            let mut audio = None;
            let mut video_source = if has_video {
                quick::Source::Streaming
            } else {
                quick::Source::Absent
            };
            let mut audio_source = if has_audio {
                quick::Source::Streaming
            } else {
                quick::Source::Absent
            };
            let mut last_ranked = Instant::now();
            let mut ranked_secs = 0.0;
            while video_source == quick::Source::Streaming
                || audio_source == quick::Source::Streaming
            {
                if let Some(h) = keyframe_job.take_if(|h| h.is_finished()) {
                    let (r, secs) = h.join().map_err(|_| MediaError::Ffmpeg {
                        path: path.to_path_buf(),
                        reason: "the keyframe pass crashed".into(),
                    })?;
                    r?;
                    timings.insert("keyframes".to_string(), secs);
                    video_source = quick::Source::Done;
                }
                if let Some(h) = audio_job.take_if(|h| h.is_finished()) {
                    audio = joined_audio(h.join(), &mut timings, &mut warnings)?;
                    audio_source = if audio.is_some() {
                        quick::Source::Done
                    } else {
                        quick::Source::Absent
                    };
                }
                cancel.check()?;
                let streaming = video_source == quick::Source::Streaming
                    || audio_source == quick::Source::Streaming;
                if streaming && last_ranked.elapsed() >= quick::QUICK_EVERY {
                    last_ranked = Instant::now();
                    let so_far = feeds.so_far(audio_source, video_source, duration, step);
                    // A ranking once at least one longest clip's worth is in, and more since.
                    if let Some(part) = so_far.filter(|p| {
                        p.covered_secs >= opts.select.max_len_secs.min(duration)
                            && p.covered_secs >= ranked_secs + step
                    }) {
                        ranked_secs = part.covered_secs;
                        let partial = rank(
                            &info,
                            Pass::Quick,
                            part.covered_secs,
                            part.audio.as_ref(),
                            part.motion.as_deref(),
                            &part.cuts,
                            None,
                            &[],
                            opts,
                        );
                        timings
                            .entry("first_quick".to_string())
                            .or_insert(t_total.elapsed().as_secs_f64());
                        tracing::debug!(
                            "quick ranking over the first {:.0} s of {duration:.0} s",
                            part.covered_secs
                        );
                        rankings(Ranking {
                            job,
                            pass: Pass::Quick,
                            clips: partial.clips,
                            features: partial.features,
                        });
                    }
                }
                if streaming {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            }
            cancel.check()?;
            let quick_cuts = std::mem::take(
                &mut feeds
                    .keyframes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .cuts,
            );
            let quick_motion = std::mem::take(
                &mut feeds
                    .keyframes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .motion,
            );
            let quick_motion_curve =
                has_video.then(|| video::motion_curve(&quick_motion, &quick_cuts, duration, step));
            let t = Instant::now();
            let quick = rank(
                &info,
                Pass::Quick,
                duration,
                audio.as_ref(),
                quick_motion_curve.as_deref(),
                &quick_cuts,
                None,
                &[],
                opts,
            );
            timings.insert("score_quick".to_string(), t.elapsed().as_secs_f64());
            timings
                .entry("first_quick".to_string())
                .or_insert(t_total.elapsed().as_secs_f64());
            timings.insert("last_quick".to_string(), t_total.elapsed().as_secs_f64());
            rankings(Ranking {
                job,
                pass: Pass::Quick,
                clips: quick.clips.clone(),
                features: quick.features.clone(),
            });
            let mut transcript = None;
            let join_speech = |timings: &mut BTreeMap<String, f64>,
                               warnings: &mut Vec<String>|
             -> Result<(), AnalysisError> {
                match speech_job.map(|h| h.join()) {
                    None => {}
                    Some(Ok((Ok(t), secs))) => {
                        timings.insert("transcribe".to_string(), secs);
                        transcript = Some(t.transcript);
                    }
                    Some(Ok((Err(e), _))) if e.is_cancelled() => {
                        return Err(AnalysisError::Cancelled(Cancelled))
                    }
                    Some(Ok((Err(e), _))) => {
                        warnings.push(format!("continuing without speech: {e}"));
                    }
                    Some(Err(_)) => {
                        warnings.push("transcription crashed; continuing without speech".into())
                    }
                }
                Ok(())
            };
            let Some(full_job) = full_job else {
                // Quick only, or no video: the quick ranking is the result (with speech if any).
                join_speech(&mut timings, &mut warnings)?;
                let mut a = if transcript.is_some() {
                    rank(
                        &info,
                        Pass::Full,
                        duration,
                        audio.as_ref(),
                        None,
                        &[],
                        transcript.as_ref(),
                        &[],
                        opts,
                    )
                } else if opts.quick_only {
                    quick
                } else {
                    // No picture: the quick ranking read all the sound, so it is the full one.
                    Analysis {
                        pass: Pass::Full,
                        ..quick
                    }
                };
                a.transcript = transcript;
                timings.insert("total".to_string(), t_total.elapsed().as_secs_f64());
                a.timings = timings;
                a.warnings = warnings;
                return Ok(a);
            };
            let (pass, secs) = full_job.join().map_err(|_| MediaError::Ffmpeg {
                path: path.to_path_buf(),
                reason: "the video analysis crashed".into(),
            })?;
            let pass = pass?;
            timings.insert("video".to_string(), secs);
            let frameless =
                gaps::frameless_spans(pass.points.iter().map(|p| p.pts_secs).collect(), duration);
            if let Some(w) = gaps::warning(&frameless) {
                warnings.push(w);
            }

            let t = Instant::now();
            let mut cuts = detect_cuts(&pass.points, &opts.scenes);
            let refined =
                video::refine_cuts(path, &mut cuts, &pass.keyframes, fps, opts.cores, cancel)?;
            timings.insert("scenes".to_string(), t.elapsed().as_secs_f64());
            // Only now, with no decoder of ours left, may transcription take every core (and
            // the memory of more whisper states).
            speech_cores.store(opts.cores, std::sync::atomic::Ordering::Relaxed);
            tracing::debug!(
                "{} cuts ({refined} located in skipped frames), {} frames decoded, {} sampled",
                cuts.len(),
                pass.decoded,
                pass.sampled
            );
            let motion = video::motion_curve(&pass.motion, &cuts, duration, step);
            join_speech(&mut timings, &mut warnings)?;
            let t = Instant::now();
            let mut full = rank(
                &info,
                Pass::Full,
                duration,
                audio.as_ref(),
                Some(&motion),
                &cuts,
                transcript.as_ref(),
                &frameless,
                opts,
            );
            full.transcript = transcript;
            timings.insert("score".to_string(), t.elapsed().as_secs_f64());
            full.frames_decoded = pass.decoded;
            full.frames_sampled = pass.sampled;
            full.warnings = warnings;
            timings.insert("total".to_string(), t_total.elapsed().as_secs_f64());
            full.timings = timings;
            rankings(Ranking {
                job,
                pass: Pass::Full,
                clips: full.clips.clone(),
                features: full.features.clone(),
            });
            Ok(full)
        })();
        if outcome.is_err() {
            passes.cancel();
        }
        finished.store(true, std::sync::atomic::Ordering::Relaxed);
        outcome
    })
}

/// Streams the audio through the feature accumulator, publishing the curves so far into
/// `feeds` every [`quick::AUDIO_SNAPSHOT_EVERY`] and all of them at the end.
fn audio_curves(
    path: &Path,
    duration: f64,
    step: f64,
    progress: &ProgressReporter,
    cancel: &CancelToken,
    feeds: &quick::Feeds,
) -> Result<AudioCurves, MediaError> {
    let mut acc = AudioFeatureAccumulator::new(step);
    let mut published = Instant::now();
    decode_audio(path, &AudioOptions::default(), cancel, |chunk| {
        acc.push(chunk.start_sample, &chunk.samples);
        progress.set_done(((chunk.start_sample as f64 + chunk.samples.len() as f64) / 16.0) as u64);
        if published.elapsed() >= quick::AUDIO_SNAPSHOT_EVERY {
            published = Instant::now();
            *feeds.audio.lock().unwrap_or_else(|e| e.into_inner()) = Some(acc.snapshot());
        }
        ControlFlow::Continue(())
    })?;
    let curves = acc.finish(duration);
    *feeds.audio.lock().unwrap_or_else(|e| e.into_inner()) = Some((curves.clone(), duration));
    Ok(curves)
}

/// The audio thread's outcome: its curves, or a warning and none (a cancel is an error).
fn joined_audio(
    joined: std::thread::Result<(Result<AudioCurves, MediaError>, f64)>,
    timings: &mut BTreeMap<String, f64>,
    warnings: &mut Vec<String>,
) -> Result<Option<AudioCurves>, AnalysisError> {
    match joined {
        Ok((Ok(curves), secs)) => {
            timings.insert("audio".to_string(), secs);
            Ok(Some(curves))
        }
        Ok((Err(e), _)) if e.is_cancelled() => Err(AnalysisError::Cancelled(Cancelled)),
        Ok((Err(e), _)) => {
            tracing::warn!("audio analysis failed, continuing without it: {e}");
            warnings.push(format!("audio could not be analysed: {e}"));
            Ok(None)
        }
        Err(_) => {
            warnings.push("audio analysis crashed; continuing without it".to_string());
            Ok(None)
        }
    }
}

/// Scores and selects, producing an [`Analysis`] for one pass.
#[allow(clippy::too_many_arguments)]
fn rank(
    info: &MediaInfo,
    pass: Pass,
    duration: f64,
    audio: Option<&AudioCurves>,
    motion: Option<&[f32]>,
    cuts: &[Cut],
    transcript: Option<&crate::speech::Transcript>,
    frameless: &[(f64, f64)],
    opts: &AnalyzeOptions,
) -> Analysis {
    let features = Features {
        frameless: frameless.to_vec(),
        duration_secs: duration,
        step: opts.step,
        audio: audio.cloned(),
        motion: motion.map(<[f32]>::to_vec),
        cuts: cuts.to_vec(),
        approximate_cuts: pass == Pass::Quick,
    };
    let ranked = features.rank(transcript, &opts.select);
    Analysis {
        video: info.clone(),
        pass,
        scenes: cuts
            .iter()
            .map(|c| Scene {
                time: c.time,
                frame: c.frame,
                kind: c.kind,
            })
            .collect(),
        clips: ranked.clips,
        curves: Curves {
            step: opts.step,
            loudness: audio.map(|a| a.loudness_db.clone()).unwrap_or_default(),
            motion: motion.map(<[f32]>::to_vec).unwrap_or_default(),
            score: ranked.interest,
        },
        timings: BTreeMap::new(),
        warnings: Vec::new(),
        transcript: None,
        features: Arc::new(features),
        frames_decoded: 0,
        frames_sampled: 0,
    }
}
