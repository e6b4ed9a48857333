//! Transcription with whisper-rs (whisper.cpp): the file's audio streams through the 16 kHz
//! decoder into windows of at most 28 s cut at the quietest moment, silent windows are skipped,
//! worker threads with their own whisper states transcribe windows side by side, and each
//! window's segments and word timestamps are shifted back onto the file's timeline in order.
//!
//! This file orchestrates a transcription (model, cache, audio, windows, transcript) and holds
//! its options and errors; `windows` cuts the audio, `pool` runs the worker threads and
//! `model_run` makes the whisper-rs calls.

use super::cache;
use super::model::Compute;
use super::model::{candidates, how_to_get_a_model};
use super::model_run::{install_log_hook, load_first};
pub use super::pool::plan_threads;
use super::pool::{WindowPool, WorkerSetup};
use super::transcript::Transcript;
use super::windows::next_window_cut;
use crate::media::audio::{decode_audio, AudioOptions, SAMPLE_RATE};
use crate::media::MediaError;
use crate::progress::{CancelToken, Cancelled, EventSink, JobId, ProgressReporter, Stage};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct TranscribeOptions {
    /// `SLOP_WHISPER_MODEL`: a path or a model name.
    pub model: String,
    pub compute: Compute,
    /// Where named models live.
    pub models_dir: PathBuf,
    pub threads: usize,
    /// Where transcripts are cached (None: no cache).
    pub cache_dir: Option<PathBuf>,
    /// Raised by the caller when more cores become free (the analysis sets it when its video
    /// pass is done): the transcription then takes up to this many threads.
    pub more_threads: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

/// Whisper threads when nothing else is asked for: every core but one (the analysis's video
/// pass keeps it; [`TranscribeOptions::more_threads`] hands it over later).
pub fn default_threads() -> usize {
    crate::system::cores().saturating_sub(1).max(1)
}

/// A finished transcription.
#[derive(Clone, Debug)]
pub struct Transcribed {
    pub transcript: Transcript,
    /// True when it came from the cache (the model did not run).
    pub from_cache: bool,
    pub model_path: PathBuf,
    /// Windows the model ran on.
    pub windows: u32,
    /// Most windows transcribed side by side (worker threads with their own state).
    pub workers: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error("{0}")]
    NoModel(String),
    #[error("whisper failed ({reason}): {}", path.display())]
    Whisper { path: PathBuf, reason: String },
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

impl SpeechError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, SpeechError::Cancelled(_))
            || matches!(self, SpeechError::Media(m) if m.is_cancelled())
    }
}

/// Transcribes the audio of `path`.
pub fn transcribe(
    path: &Path,
    opts: &TranscribeOptions,
    job: JobId,
    sink: &EventSink,
    cancel: &CancelToken,
) -> Result<Transcribed, SpeechError> {
    install_log_hook();
    let files: Vec<PathBuf> = candidates(&opts.model, opts.compute, &opts.models_dir)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    let Some(first) = files.first() else {
        return Err(SpeechError::NoModel(how_to_get_a_model(
            &opts.models_dir,
            &opts.model,
        )));
    };
    if let Some(dir) = &opts.cache_dir {
        if let Some(t) = cache::load(dir, path, first) {
            tracing::info!("transcript from the cache: {}", path.display());
            return Ok(Transcribed {
                transcript: t,
                from_cache: true,
                model_path: first.clone(),
                windows: 0,
                workers: 0,
            });
        }
    }
    let duration_secs = crate::media::probe(path)?.duration_secs;
    let (ctx, model_path) = load_first(&files, duration_secs)?;
    let english_only = model_path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".en"));
    let duration_ms = duration_secs.map(|d| (d * 1000.0) as u64);
    let progress = ProgressReporter::new(sink, job, Stage::Transcribe, duration_ms);
    let (planned, threads_each) = plan_threads(opts.threads);
    let model_bytes = std::fs::metadata(&model_path).map_or(0, |m| m.len());
    let max_states = super::pool::max_states(model_bytes, crate::system::available_memory());
    let n_states = planned.min(max_states);
    if n_states < planned {
        tracing::info!(
            "whisper: {n_states} window(s) at a time, not {planned}: the memory available holds no more"
        );
    }
    let mut pool = WindowPool::start(
        &ctx,
        WorkerSetup {
            threads_each,
            english_only,
            cancel: cancel.clone(),
            model: model_path.clone(),
            more_threads: opts.more_threads.clone(),
            max_states,
        },
        n_states,
    )?;
    tracing::debug!("whisper: {n_states} window(s) at a time, {threads_each} thread(s) each");

    let mut buf: Vec<f32> = Vec::new();
    let mut buf_start: u64 = 0;
    let mut failure: Option<SpeechError> = None;
    let rate = f64::from(SAMPLE_RATE);
    let decoded = decode_audio(
        path,
        &AudioOptions {
            chunk_samples: SAMPLE_RATE as usize,
            ..AudioOptions::default()
        },
        cancel,
        |chunk| {
            if buf.is_empty() {
                buf_start = chunk.start_sample;
            }
            buf.extend_from_slice(&chunk.samples);
            while let Some(cut) = next_window_cut(&buf) {
                let window: Vec<f32> = buf.drain(..cut).collect();
                let submitted = pool
                    .submit(window, buf_start, cancel)
                    .and_then(|()| pool.collect(false, cancel));
                if let Err(e) = submitted {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
                buf_start += cut as u64;
                progress.set_done((pool.done_until as f64 / rate * 1000.0) as u64);
            }
            ControlFlow::Continue(())
        },
    );
    if let Some(e) = failure {
        return Err(e);
    }
    decoded?;
    if !buf.is_empty() {
        pool.submit(std::mem::take(&mut buf), buf_start, cancel)?;
    }
    pool.close();
    while pool.pending() > 0 {
        pool.collect(true, cancel)?;
        progress.set_done((pool.done_until as f64 / rate * 1000.0) as u64);
    }
    progress.finish();
    let windows = pool.windows;
    if pool.redecoded > 0 {
        tracing::info!(
            "whisper: {} of {windows} window(s) decoded again (words missing or doubtful)",
            pool.redecoded
        );
    }
    let mut transcript = Transcript {
        language: pool
            .language
            .clone()
            .map_or_else(|| "en".into(), |(_, l)| l),
        model: model_path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        segments: Vec::new(),
    };
    for (_, segs) in std::mem::take(&mut pool.finished) {
        transcript.segments.extend(segs);
    }
    if let Some(dir) = &opts.cache_dir {
        if let Err(e) = cache::save(dir, path, first, &transcript) {
            tracing::warn!("{e}");
        }
    }
    Ok(Transcribed {
        transcript,
        from_cache: false,
        model_path,
        windows,
        workers: pool.workers,
    })
}
