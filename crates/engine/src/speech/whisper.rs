//! Transcription with whisper-rs (whisper.cpp): the file's audio streams through the 16 kHz
//! decoder into windows of at most 28 s cut at the quietest moment, silent windows are skipped,
//! worker threads with their own whisper states transcribe windows side by side, and each
//! window's segments and word timestamps are shifted back onto the file's timeline in order.

use super::cache;
use super::model::Compute;
use super::model::{candidates, how_to_get_a_model};
use super::transcript::{Segment, Transcript, Word};
use crate::media::audio::{decode_audio, AudioOptions, SAMPLE_RATE};
use crate::media::MediaError;
use crate::progress::{CancelToken, Cancelled, EventSink, JobId, ProgressReporter, Stage};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::Once;

/// Longest window handed to whisper (its context is 30 s).
const WINDOW_SECS: f64 = 28.0;
/// Windows are cut at the quietest 200 ms after this many seconds.
const MIN_WINDOW_SECS: f64 = 18.0;
/// A window quieter than this (RMS, dBFS) is not transcribed.
const SILENT_WINDOW_DBFS: f64 = -50.0;

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
    static HOOKS: Once = Once::new();
    HOOKS.call_once(whisper_rs::install_logging_hooks);
    let files: Vec<PathBuf> = candidates(&opts.model, opts.compute, &opts.models_dir)
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
    let Some(first) = files.first() else {
        return Err(SpeechError::NoModel(how_to_get_a_model(&opts.models_dir)));
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
    let (ctx, model_path) = load_first(&files)?;
    let english_only = model_path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".en"));
    let duration_ms = crate::media::probe(path)?
        .duration_secs
        .map(|d| (d * 1000.0) as u64);
    let progress = ProgressReporter::new(sink, job, Stage::Transcribe, duration_ms);
    let (n_states, threads_each) = plan_threads(opts.threads);
    let mut pool = WindowPool::start(
        &ctx,
        WorkerSetup {
            threads_each,
            english_only,
            cancel: cancel.clone(),
            model: model_path.clone(),
            more_threads: opts.more_threads.clone(),
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
            while buf.len() as f64 >= WINDOW_SECS * rate {
                let cut = quietest_cut(
                    &buf,
                    (MIN_WINDOW_SECS * rate) as usize,
                    (WINDOW_SECS * rate) as usize,
                );
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

/// How `threads` are spent: whisper.cpp's threads meet after every operation, which costs a
/// lot on small models and stalls when the cores are busy; independent windows on
/// single-threaded states scale better (479 s of speech on 2 cores: 2 threads on one window
/// at a time 28.2 s, two windows at a time on one thread each 22.1 s). At most 4 states are
/// kept (each holds its own buffers).
pub fn plan_threads(threads: usize) -> (usize, usize) {
    let states = threads.clamp(1, 4);
    (states, (threads / states).max(1))
}

/// One window for a worker: its samples and where it starts in the file.
struct WindowJob {
    index: usize,
    samples: Vec<f32>,
    start_sample: u64,
}

/// A transcribed window: its segments on the file's timeline and the detected language
/// (multilingual models); None when the window was silent and skipped.
type WindowText = Option<(Vec<Segment>, Option<String>)>;

/// A worker's answer for one window.
struct WindowDone {
    index: usize,
    end_sample: u64,
    result: Result<WindowText, SpeechError>,
}

/// Worker threads, each with its own whisper state, transcribing windows side by side. The
/// results are put back in window order. Workers are detached: a cancel returns at once and
/// whisper.cpp's abort callback stops them within a step.
struct WindowPool<'c> {
    ctx: &'c whisper_rs::WhisperContext,
    setup: WorkerSetup,
    workers: usize,
    /// Worker threads still running: one that died without an answer (a panic in whisper)
    /// must not leave the caller waiting for ever.
    alive: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    jobs: Option<crossbeam_channel::Sender<WindowJob>>,
    job_rx: crossbeam_channel::Receiver<WindowJob>,
    done_tx: crossbeam_channel::Sender<WindowDone>,
    done: crossbeam_channel::Receiver<WindowDone>,
    submitted: usize,
    received: usize,
    /// Segments of finished windows, by window index.
    finished: std::collections::BTreeMap<usize, Vec<Segment>>,
    /// End (in samples) of each finished window, by index, until contiguous.
    ends: std::collections::BTreeMap<usize, u64>,
    next_contiguous: usize,
    /// The file is transcribed up to here (every window before it is finished).
    done_until: u64,
    /// Windows the model ran on.
    windows: u32,
    /// Language detected on the first window with speech (multilingual models).
    language: Option<(usize, String)>,
}

/// Counts a running worker thread for as long as it lives.
struct Alive(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl Alive {
    fn new(count: &std::sync::Arc<std::sync::atomic::AtomicUsize>) -> Alive {
        count.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        Alive(count.clone())
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// What every worker of a pool is started with.
#[derive(Clone)]
struct WorkerSetup {
    threads_each: usize,
    english_only: bool,
    cancel: CancelToken,
    model: PathBuf,
    more_threads: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl<'c> WindowPool<'c> {
    fn start(
        ctx: &'c whisper_rs::WhisperContext,
        setup: WorkerSetup,
        n_states: usize,
    ) -> Result<WindowPool<'c>, SpeechError> {
        let (job_tx, job_rx) = crossbeam_channel::bounded::<WindowJob>(1);
        let (done_tx, done_rx) = crossbeam_channel::unbounded::<WindowDone>();
        let mut pool = WindowPool {
            ctx,
            setup,
            workers: 0,
            alive: Default::default(),
            jobs: Some(job_tx),
            job_rx,
            done_tx,
            done: done_rx,
            submitted: 0,
            received: 0,
            finished: Default::default(),
            ends: Default::default(),
            next_contiguous: 0,
            done_until: 0,
            windows: 0,
            language: None,
        };
        for _ in 0..n_states {
            pool.spawn_worker()?;
        }
        Ok(pool)
    }

    /// Starts one more worker with its own whisper state.
    fn spawn_worker(&mut self) -> Result<(), SpeechError> {
        let model = self.setup.model.clone();
        let state = self.ctx.create_state().map_err(|e| SpeechError::Whisper {
            path: model.clone(),
            reason: e.to_string(),
        })?;
        let (jobs, done, setup) = (
            self.job_rx.clone(),
            self.done_tx.clone(),
            self.setup.clone(),
        );
        let alive = Alive::new(&self.alive);
        std::thread::Builder::new()
            .name(format!("whisper-{}", self.workers))
            .spawn(move || {
                let _alive = alive;
                let mut state = state;
                let token = &setup.cancel;
                while let Ok(job) = jobs.recv() {
                    let end_sample = job.start_sample + job.samples.len() as u64;
                    let result = if token.is_cancelled() {
                        Err(SpeechError::Cancelled(Cancelled))
                    } else {
                        run_window(
                            &mut state,
                            &job,
                            setup.threads_each,
                            setup.english_only,
                            token,
                        )
                        .map_err(|e| {
                            if token.is_cancelled() {
                                SpeechError::Cancelled(Cancelled)
                            } else {
                                SpeechError::Whisper {
                                    path: setup.model.clone(),
                                    reason: e.to_string(),
                                }
                            }
                        })
                    };
                    let stop = result.is_err();
                    let reply = WindowDone {
                        index: job.index,
                        end_sample,
                        result,
                    };
                    if done.send(reply).is_err() || stop {
                        break;
                    }
                }
            })
            .map_err(|e| SpeechError::Whisper {
                path: model,
                reason: format!("cannot start a thread: {e}"),
            })?;
        self.workers += 1;
        Ok(())
    }

    /// Adds workers when the caller has freed cores (`more_threads`), up to [`plan_threads`].
    fn grow(&mut self) {
        let Some(more) = &self.setup.more_threads else {
            return;
        };
        let want = plan_threads(more.load(std::sync::atomic::Ordering::Relaxed)).0;
        while self.workers < want && self.jobs.is_some() {
            match self.spawn_worker() {
                Ok(()) => tracing::debug!("whisper: {} windows at a time now", self.workers),
                Err(e) => {
                    tracing::warn!("cannot add a whisper worker: {e}");
                    return;
                }
            }
        }
    }

    /// Queues a window, waiting (and collecting results) while every worker is busy.
    fn submit(
        &mut self,
        samples: Vec<f32>,
        start_sample: u64,
        cancel: &CancelToken,
    ) -> Result<(), SpeechError> {
        let mut job = WindowJob {
            index: self.submitted,
            samples,
            start_sample,
        };
        loop {
            cancel.check()?;
            let Some(tx) = &self.jobs else {
                return Ok(());
            };
            match tx.send_timeout(job, std::time::Duration::from_millis(50)) {
                Ok(()) => {
                    self.submitted += 1;
                    return Ok(());
                }
                Err(crossbeam_channel::SendTimeoutError::Timeout(j)) => {
                    job = j;
                    // A worker's error is in `done`; a worker that died without one is not.
                    self.collect(false, cancel)?;
                    self.check_workers()?;
                }
                Err(crossbeam_channel::SendTimeoutError::Disconnected(_)) => {
                    return Err(self.stopped());
                }
            }
        }
    }

    /// An error when no worker thread is left to answer.
    fn check_workers(&self) -> Result<(), SpeechError> {
        match self.alive.load(std::sync::atomic::Ordering::Acquire) {
            0 => Err(self.stopped()),
            _ => Ok(()),
        }
    }

    fn stopped(&self) -> SpeechError {
        SpeechError::Whisper {
            path: self.setup.model.clone(),
            reason: "the whisper workers stopped without an answer".into(),
        }
    }

    /// No more windows.
    fn close(&mut self) {
        self.jobs = None;
    }

    fn pending(&self) -> usize {
        self.submitted - self.received
    }

    /// Takes finished windows; with `wait`, waits (cancellably) for at least one.
    fn collect(&mut self, wait: bool, cancel: &CancelToken) -> Result<(), SpeechError> {
        self.grow();
        loop {
            cancel.check()?;
            let next = if wait && self.pending() > 0 {
                match self.done.recv_timeout(std::time::Duration::from_millis(50)) {
                    Ok(d) => Some(d),
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                        self.check_workers()?;
                        continue;
                    }
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                        return Err(self.stopped())
                    }
                }
            } else {
                self.done.try_recv().ok()
            };
            let Some(d) = next else {
                return Ok(());
            };
            self.received += 1;
            let result = d.result?;
            if let Some((segs, lang)) = result {
                self.windows += 1;
                if let Some(l) = lang {
                    if self.language.as_ref().is_none_or(|(i, _)| d.index < *i) {
                        self.language = Some((d.index, l));
                    }
                }
                self.finished.insert(d.index, segs);
            }
            self.ends.insert(d.index, d.end_sample);
            while let Some(end) = self.ends.remove(&self.next_contiguous) {
                self.done_until = end;
                self.next_contiguous += 1;
            }
            if wait {
                return Ok(());
            }
        }
    }
}

/// One window on a worker: skip it when silent, cut out long pauses, run whisper, and put
/// the times back on the file's timeline.
fn run_window(
    state: &mut whisper_rs::WhisperState,
    job: &WindowJob,
    threads: usize,
    english_only: bool,
    cancel: &CancelToken,
) -> Result<WindowText, whisper_rs::WhisperError> {
    if rms_dbfs(&job.samples) < SILENT_WINDOW_DBFS {
        return Ok(None);
    }
    // Long pauses are cut out before whisper sees the audio (its timestamps drift over
    // silence); `map` takes times in the compacted audio back to the file's timeline.
    let (compact, map) = compact_silences(&job.samples);
    let segs = whisper_window(state, &compact, threads, english_only, cancel)?;
    let lang = if english_only {
        None
    } else {
        whisper_rs::get_lang_str(state.full_lang_id_from_state()).map(str::to_string)
    };
    let rate = f64::from(SAMPLE_RATE);
    let to_file = |t: f64| job.start_sample as f64 / rate + map_time(&map, t);
    let segs = segs
        .into_iter()
        .map(|mut seg| {
            seg.start = to_file(seg.start);
            seg.end = to_file(seg.end);
            for w in &mut seg.words {
                w.start = to_file(w.start);
                w.end = to_file(w.end);
            }
            seg
        })
        .collect();
    Ok(Some((segs, lang)))
}

/// Loads the first model that loads, saying which ones failed.
fn load_first(files: &[PathBuf]) -> Result<(whisper_rs::WhisperContext, PathBuf), SpeechError> {
    let mut last = String::new();
    for (i, f) in files.iter().enumerate() {
        match whisper_rs::WhisperContext::new_with_params(
            f,
            whisper_rs::WhisperContextParameters::default(),
        ) {
            Ok(ctx) => {
                if i > 0 {
                    tracing::warn!("using the fallback model {}", f.display());
                }
                return Ok((ctx, f.clone()));
            }
            Err(e) => {
                tracing::warn!(
                    "the model failed to load ({e}), trying the next one: {}",
                    f.display()
                );
                last = format!("{e}: {}", f.display());
            }
        }
    }
    Err(SpeechError::NoModel(format!(
        "no model could be loaded (last: {last})"
    )))
}

/// One whisper run over `samples`; segment and word times in seconds from their start.
fn whisper_window(
    state: &mut whisper_rs::WhisperState,
    samples: &[f32],
    threads: usize,
    english_only: bool,
    cancel: &CancelToken,
) -> Result<Vec<Segment>, whisper_rs::WhisperError> {
    let offset = 0.0;
    let mut params =
        whisper_rs::FullParams::new(whisper_rs::SamplingStrategy::Greedy { best_of: 1 });
    params.set_n_threads(threads.max(1) as i32);
    params.set_token_timestamps(true);
    params.set_no_context(true);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);
    params.set_language(Some(if english_only { "en" } else { "auto" }));
    // whisper-rs 0.16's `set_abort_callback_safe` hands its trampoline a pointer of the wrong
    // type (a boxed trait object read as the closure), so the callback returns garbage and
    // aborts the encoder. Use the raw callback with the cancel flag as user data instead.
    let flag: *const std::sync::atomic::AtomicBool = cancel.flag();
    // SAFETY: `flag` points into the CancelToken's Arc, which `cancel` keeps alive for the
    // whole `state.full` call below; the callback only reads it atomically.
    unsafe {
        params.set_abort_callback(Some(abort_if_cancelled));
        params.set_abort_callback_user_data(flag as *mut std::ffi::c_void);
    }
    state.full(params, samples)?;
    let mut segments = Vec::new();
    for seg in state.as_iter() {
        let (s0, s1) = (
            offset + seg.start_timestamp() as f64 / 100.0,
            offset + seg.end_timestamp() as f64 / 100.0,
        );
        let text = seg
            .to_str_lossy()
            .map(|t| t.trim().to_string())
            .unwrap_or_default();
        let mut words: Vec<Word> = Vec::new();
        for i in 0..seg.n_tokens() {
            let Some(tok) = seg.get_token(i) else {
                continue;
            };
            let Ok(piece) = tok.to_str_lossy() else {
                continue;
            };
            let piece = piece.to_string();
            // Special tokens look like `[_BEG_]`, `<|endoftext|>`, `[_TT_123]`.
            if piece.starts_with("[_") || piece.starts_with("<|") || piece.is_empty() {
                continue;
            }
            let data = tok.token_data();
            let (t0, t1) = (
                offset + data.t0 as f64 / 100.0,
                offset + data.t1 as f64 / 100.0,
            );
            let starts_word = piece.starts_with(' ') || words.is_empty();
            let is_punct = piece.trim().chars().all(|c| c.is_ascii_punctuation());
            if starts_word && (!is_punct || words.is_empty()) {
                words.push(Word {
                    start: t0,
                    end: t1,
                    word: piece.trim().to_string(),
                });
            } else if let Some(w) = words.last_mut() {
                w.word.push_str(piece.trim());
                w.end = w.end.max(t1);
            }
        }
        // Monotonic and inside the segment.
        let mut prev_end = s0;
        for w in &mut words {
            w.start = w.start.clamp(prev_end, s1);
            w.end = w.end.clamp(w.start, s1);
            prev_end = w.end;
        }
        words.retain(|w| !w.word.is_empty());
        // A segment spans its words: whisper's segment times include the pause before it.
        let (s0, s1) = match (words.first(), words.last()) {
            (Some(f), Some(l)) => (f.start, l.end),
            _ => (s0, s1),
        };
        if !text.is_empty() {
            segments.push(Segment {
                start: s0,
                end: s1.max(s0),
                text,
                words,
            });
        }
    }
    Ok(segments)
}

/// whisper.cpp's abort callback: true once the cancel flag behind `user_data` is set.
unsafe extern "C" fn abort_if_cancelled(user_data: *mut std::ffi::c_void) -> bool {
    if user_data.is_null() {
        return false;
    }
    // SAFETY: `user_data` is the AtomicBool of a CancelToken that outlives the call (see
    // `run_whisper`).
    let flag = unsafe { &*(user_data as *const std::sync::atomic::AtomicBool) };
    flag.load(std::sync::atomic::Ordering::Relaxed)
}

/// Pauses longer than this are shortened to [`KEEP_SILENCE`] before transcription.
const LONG_SILENCE: f64 = 0.8;
const KEEP_SILENCE: f64 = 0.3;

/// Removes the middle of long pauses. Returns the compacted audio and the map of pieces:
/// `(start in compacted samples, start in original samples)`.
fn compact_silences(samples: &[f32]) -> (Vec<f32>, Vec<(usize, usize)>) {
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
fn map_time(map: &[(usize, usize)], t: f64) -> f64 {
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

fn rms_dbfs(samples: &[f32]) -> f64 {
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
fn quietest_cut(buf: &[f32], min: usize, max: usize) -> usize {
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
