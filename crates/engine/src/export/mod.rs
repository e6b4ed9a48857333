//! Export: the parallel, retrying queue that writes clips (smart cut, re-encode, 9:16
//! portrait, stacked, burned subtitles, loudness), each written to a temporary file and
//! renamed when complete.
//!
//! [`export_clips`] runs `workers` threads over the clips; each job is one clip, tried up to
//! `attempts` times with exponential backoff and jitter (`backon`); the second attempt uses
//! safer settings and says so. Results come back in the order the clips were given.
//! A clip whose picture is kept as it is (no portrait, stacked or subtitles) is smart-cut by
//! default; a stream that cannot be smart-cut is re-encoded, and the result says why.
//! A source with sound and no picture gives audio clips (M4A, see `audio_only`), or with
//! captions or a title 9:16 shorts of them: the sound's bars and the text over a plain
//! picture (`audio_short`).

pub mod audio_copy;
mod audio_encode;
pub mod audio_only;
mod audio_short;
pub mod background;
pub mod burn;
mod clip_audio;
mod compose;
mod encoder;
pub mod error;
pub mod filters;
pub mod h264;
pub(crate) mod libass;
pub mod output;
mod preflight;
pub mod preview;
pub mod smartcut;
mod sound_bars;
mod source;
pub mod transcode;

use crate::progress::{CancelToken, Event, EventSink, ItemUpdate, JobId, ProgressReporter, Stage};
use crate::temp_file::{Replace, TempFile};
use audio_only::SourceKind;
use backon::{BlockingRetryable as _, ExponentialBuilder};
pub use error::{ExportError, ExportErrorKind};
pub use filters::Portrait;
use filters::VideoLayout;
use output::{file_name, unique_path};
use smartcut::{smart_cut, SmartCutError};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use transcode::{transcode, ClipSpec, EncodeSettings};

/// One clip to export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClipRequest {
    pub start: f64,
    pub end: f64,
    /// The segment's label: the template's `{label}`, and with `ExportOptions::title` the
    /// title burned at the top.
    pub label: String,
    /// An `.ass` file to burn into this clip (times relative to the clip).
    pub subtitles: Option<PathBuf>,
}

/// How a clip whose picture is unchanged is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CutMode {
    /// Copy the GOPs inside the clip, re-encode only the partial ones at its ends.
    #[default]
    Smart,
    /// Decode and encode every frame (libx264 + AAC).
    Reencode,
}

/// Options of one export batch, built by the CLI or GUI from arguments and settings.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub out_dir: PathBuf,
    /// See [`output::DEFAULT_TEMPLATE`].
    pub template: String,
    pub overwrite: bool,
    /// Smart cut or re-encode, for clips whose picture is unchanged.
    pub mode: CutMode,
    pub portrait: Option<Portrait>,
    /// Background video for the stacked layout (clip on top, background below, looping).
    pub stacked: Option<PathBuf>,
    /// Memory the batch may use to keep the stacked background's prepared frames (0: each
    /// clip decodes the background itself). See `background.rs`.
    pub background_budget: usize,
    pub loudnorm: bool,
    pub preset: String,
    pub crf: u8,
    /// Parallel jobs (`SLOP_MAX_EXPORT_WORKERS`).
    pub workers: usize,
    /// Cores to share between the jobs' encoders.
    pub cores: usize,
    /// Attempts per clip, including the first (`SLOP_EXPORT_RETRIES`).
    pub attempts: u32,
    /// First delay between attempts (doubles, with jitter).
    pub backoff: Duration,
    /// Test hook: the first `fail_attempts` attempts of a job fail with an injected,
    /// retryable encoder error (0 in normal use; `u32::MAX`: every attempt).
    pub fail_attempts: u32,
    /// Test hook: which clips (0-based) `fail_attempts` applies to (empty: all).
    pub fail_clips: Vec<usize>,
    /// Test hook: the job of this clip (0-based) panics, as a bug in a worker would.
    pub panic_clip: Option<usize>,
    /// Burn word-by-word karaoke subtitles made from this transcript into every clip that has
    /// no subtitle file of its own.
    pub captions: Option<std::sync::Arc<crate::speech::Transcript>>,
    /// How the captions look.
    pub caption_style: crate::captions::CaptionStyle,
    /// Burn each clip's label as a title at the top (in the caption style's font; at the
    /// bottom when the captions are at the top). A clip without a label gets none.
    pub title: bool,
    /// One token per clip (empty: none): cancelling one stops (or skips) that clip only.
    pub clip_cancels: Vec<CancelToken>,
}

/// libx264's preset when nothing else is asked for.
pub const DEFAULT_PRESET: &str = "ultrafast";
/// libx264's constant rate factor when nothing else is asked for.
pub const DEFAULT_CRF: u8 = 23;
/// Attempts per clip when nothing else is asked for (one retry).
pub const DEFAULT_ATTEMPTS: u32 = 2;

/// Parallel export jobs when nothing else is asked for: one per core, at most 4.
pub fn default_workers() -> usize {
    crate::system::cores().min(4)
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            out_dir: PathBuf::from("."),
            template: output::DEFAULT_TEMPLATE.to_string(),
            overwrite: false,
            mode: CutMode::Smart,
            portrait: None,
            stacked: None,
            background_budget: background::auto_budget(),
            loudnorm: false,
            preset: DEFAULT_PRESET.into(),
            crf: DEFAULT_CRF,
            workers: default_workers(),
            cores: crate::system::cores(),
            attempts: DEFAULT_ATTEMPTS,
            backoff: Duration::from_millis(200),
            fail_attempts: 0,
            fail_clips: Vec::new(),
            panic_clip: None,
            captions: None,
            caption_style: crate::captions::CaptionStyle::default(),
            title: false,
            clip_cancels: Vec::new(),
        }
    }
}

/// The outcome of one clip.
#[derive(Clone, Debug, serde::Serialize)]
pub struct JobResult {
    /// Position in the request list (results are in this order).
    pub index: usize,
    pub start: f64,
    pub end: f64,
    /// The file written (None when the job failed or was cancelled).
    #[serde(serialize_with = "crate::media::path_text::lossy_opt")]
    pub output: Option<PathBuf>,
    pub error: Option<String>,
    pub error_kind: Option<ExportErrorKind>,
    pub attempts: u32,
    /// What was changed for a retry, and why.
    pub fallbacks: Vec<String>,
    /// `reencode`, `portrait-pad`, `stacked`, … as written.
    pub mode: String,
    pub width: u32,
    pub height: u32,
    pub frames: u64,
    /// Seconds of the written file (shorter than `end - start` when the source ends first).
    pub duration_secs: f64,
    /// Seconds of the batch when this job started and finished.
    pub started_secs: f64,
    pub finished_secs: f64,
}

impl JobResult {
    pub fn secs(&self) -> f64 {
        self.finished_secs - self.started_secs
    }

    /// A clip that was cancelled before it started.
    fn cancelled(index: usize, clip: &ClipRequest) -> JobResult {
        JobResult {
            index,
            start: clip.start,
            end: clip.end,
            output: None,
            error: Some("cancelled".into()),
            error_kind: Some(ExportErrorKind::Cancelled),
            attempts: 0,
            fallbacks: Vec::new(),
            mode: String::new(),
            width: 0,
            height: 0,
            frames: 0,
            duration_secs: 0.0,
            started_secs: 0.0,
            finished_secs: 0.0,
        }
    }

    /// A clip whose job panicked (a bug): failed, with the panic's text.
    fn crashed(index: usize, clip: &ClipRequest, panic: &Box<dyn std::any::Any + Send>) -> Self {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        tracing::error!("clip {}: the export crashed: {text}", index + 1);
        JobResult {
            error: Some(format!("the export of this clip crashed (a bug: {text})")),
            error_kind: Some(ExportErrorKind::Encode),
            attempts: 1,
            ..JobResult::cancelled(index, clip)
        }
    }

    /// One line for a person: `clip_01.mp4: 15.00 s, 1080×1920, 3.2 MB (reencode; …)`, or
    /// why it was not written.
    pub fn outcome_line(&self) -> Result<String, String> {
        match &self.output {
            Some(path) => {
                let name = path.file_name().map_or_else(
                    || path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let size = std::fs::metadata(path).map_or(0, |m| m.len());
                let mut line = format!(
                    "{name}: {:.2} s, {}×{}, {:.1} MB ({})",
                    self.duration_secs,
                    self.width,
                    self.height,
                    size as f64 / 1e6,
                    self.mode
                );
                if !self.fallbacks.is_empty() {
                    line += &format!("; {}", self.fallbacks.join("; "));
                }
                Ok(line)
            }
            None => Err(self.error.clone().unwrap_or_else(|| "not written".into())),
        }
    }
}

/// Exports `clips` of `source`; returns one result per clip, in order. Cancelling stops the
/// running jobs (their temporary files are removed) and skips the rest.
pub fn export_clips(
    source: &Path,
    clips: &[ClipRequest],
    opts: &ExportOptions,
    job: JobId,
    sink: &EventSink,
    cancel: &CancelToken,
) -> Result<Vec<JobResult>, ExportError> {
    output::check_template(&opts.template)?;
    // A source that cannot be read fails the batch once, not every clip with the same line.
    let kind = audio_only::source_kind(source)?;
    let clips = &preflight::checked_clips(source, clips, opts, cancel)?;
    if kind == SourceKind::AudioOnly {
        refuse_pictures_for_sound(source, opts)?;
        if opts.portrait.is_some() && !clips.iter().any(|c| audio_only::makes_a_short(opts, c)) {
            tracing::warn!(
                "{} has no picture and the clips no captions or titles: they are audio (a 9:16 short of it needs captions or a title)",
                source.display()
            );
        }
    }
    output::prepare_dir(&opts.out_dir)?;
    // Parts of clips whose export was killed (kill -9, a crash) go now.
    crate::temp_file::remove_stale(&opts.out_dir);
    // Names are chosen up front, in order, so parallel jobs never race for one.
    let mut finals: Vec<PathBuf> = Vec::with_capacity(clips.len());
    for (i, c) in clips.iter().enumerate() {
        let name = file_name(&opts.template, source, i + 1, c);
        let name = match kind {
            SourceKind::AudioOnly if !audio_only::makes_a_short(opts, c) => {
                audio_only::audio_file_name(&name)
            }
            _ => name,
        };
        let path = unique_path(&opts.out_dir, &name, opts.overwrite, &finals);
        finals.push(path);
    }
    let workers = opts.workers.clamp(1, clips.len().max(1));
    let background = prepare_background(source, clips, opts, cancel)?;
    let canvas = match kind {
        SourceKind::Video if opts.captions.is_some() || opts.title => caption_canvas(source, opts),
        _ => crate::captions::Canvas::PORTRAIT,
    };
    let started = std::sync::atomic::AtomicUsize::new(0);
    let progress = ProgressReporter::new(sink, job, Stage::Export, Some(clips.len() as u64 * 1000));
    let fractions = Mutex::new(vec![0.0f64; clips.len()]);
    let batch_start = Instant::now();
    let (tx, rx) = crossbeam_channel::unbounded::<usize>();
    for i in 0..clips.len() {
        tx.send(i).ok();
    }
    drop(tx);
    let results = Mutex::new(Vec::with_capacity(clips.len()));
    let clip_tokens: Vec<CancelToken> = clips.iter().map(|_| CancelToken::new()).collect();
    let workers_done = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        // Passes the batch's cancel and each clip's own on to the clips' tokens (within 20 ms),
        // so the C callbacks that poll a token's flag see either.
        scope.spawn(|| {
            while workers_done.load(std::sync::atomic::Ordering::Acquire) < workers {
                for (i, t) in clip_tokens.iter().enumerate() {
                    let own = opts
                        .clip_cancels
                        .get(i)
                        .is_some_and(CancelToken::is_cancelled);
                    if own || cancel.is_cancelled() {
                        t.cancel();
                    }
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        for _ in 0..workers {
            scope.spawn(|| {
                // Counted as done even if the worker panics, so the watcher always ends.
                let _done = CountOnDrop(&workers_done);
                while let Ok(i) = rx.recv() {
                    let (Some(clip), Some(final_path)) = (clips.get(i), finals.get(i)) else {
                        continue;
                    };
                    let n = started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let threads = job_threads(opts.cores, workers, clips.len() - n);
                    // This clip's own token, which the watcher below cancels when the batch
                    // or this clip is cancelled.
                    let Some(clip_cancel) = clip_tokens.get(i) else {
                        continue;
                    };
                    let item = |fraction: f64, attempts: u32, outcome| {
                        sink.emit(Event::Item(ItemUpdate {
                            job,
                            index: i,
                            fraction,
                            attempts,
                            outcome,
                        }));
                    };
                    item(0.0, 1, None);
                    let mut reported = 0.0f64;
                    let mut on_fraction = |f: f64| {
                        if let Ok(mut fr) = fractions.lock() {
                            if let Some(slot) = fr.get_mut(i) {
                                *slot = f;
                            }
                            progress.set_done((fr.iter().sum::<f64>() * 1000.0) as u64);
                        }
                        if f - reported >= 0.01 && f < 1.0 {
                            reported = f;
                            item(f, 1, None);
                        }
                    };
                    let asked = opts
                        .clip_cancels
                        .get(i)
                        .is_some_and(CancelToken::is_cancelled);
                    if asked || cancel.is_cancelled() {
                        clip_cancel.cancel();
                    }
                    let r = if clip_cancel.is_cancelled() {
                        JobResult::cancelled(i, clip)
                    } else {
                        // A bug in one job (a panic) fails that clip; the queue goes on.
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            run_job(
                                source,
                                kind,
                                i,
                                clip,
                                final_path,
                                opts,
                                threads,
                                background.as_ref(),
                                canvas,
                                batch_start,
                                &progress,
                                clip_cancel,
                                &mut on_fraction,
                            )
                        }))
                        .unwrap_or_else(|panic| JobResult::crashed(i, clip, &panic))
                    };
                    on_fraction(1.0);
                    item(1.0, r.attempts, Some(r.outcome_line()));
                    if r.output.is_none() && r.error_kind != Some(ExportErrorKind::Cancelled) {
                        progress.add_failed();
                    }
                    if let Ok(mut all) = results.lock() {
                        all.push(r);
                    }
                }
            });
        }
    });
    progress.finish();
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| r.index);
    // A cancelled batch still answers for every clip: the ones written before the cancel have
    // their file, the rest `ExportErrorKind::Cancelled` (and nothing on disk).
    Ok(results)
}

/// A file with no picture has nothing to put over a stacked background: says so once for
/// the batch (its 9:16 shorts are its sound's bars and captions over a plain picture, see `audio_short`).
fn refuse_pictures_for_sound(source: &Path, opts: &ExportOptions) -> Result<(), ExportError> {
    if opts.stacked.is_none() {
        return Ok(());
    }
    Err(ExportError::bad_settings(format!(
        "{} has sound and no picture, so a stacked layout cannot be made: export its clips \
         as audio (.{}) or as 9:16 shorts with captions or titles",
        source.display(),
        audio_only::AUDIO_EXTENSION
    )))
}

/// Adds one to a counter when dropped (a worker that ends, or unwinds).
struct CountOnDrop<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for CountOnDrop<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Release);
    }
}

/// Encoder threads for a job that starts with `unstarted` jobs (itself included) not yet
/// begun: the cores split between the workers while the queue is full; the last jobs, whose
/// neighbours are finishing and will take no more work, get the cores those leave.
fn job_threads(cores: usize, workers: usize, unstarted: usize) -> usize {
    (cores / workers.min(unstarted).max(1)).max(1)
}

/// The stacked background prepared once for the whole batch, when it fits
/// `opts.background_budget` and the source has a constant frame rate; otherwise `None` and
/// every clip decodes the background itself (a background that cannot be read then fails
/// each clip with the usual message).
fn prepare_background(
    source: &Path,
    clips: &[ClipRequest],
    opts: &ExportOptions,
    cancel: &CancelToken,
) -> Result<Option<background::PreparedBackground>, ExportError> {
    let Some(bg) = opts.stacked.as_deref() else {
        return Ok(None);
    };
    let rate = source::open_source(source)
        .and_then(|(input, vidx, _)| source::SourceVideo::of(&input, vidx, source))
        .ok()
        .and_then(|v| v.cfr_rate);
    let Some(rate) = rate else {
        return Ok(None);
    };
    let longest = clips.iter().map(|c| c.end - c.start).fold(0.0, f64::max);
    let t0 = Instant::now();
    match background::PreparedBackground::prepare(bg, rate, longest, opts.background_budget, cancel)
    {
        Ok(Some(p)) => {
            tracing::info!(
                "stacked background: {} frames prepared once for the batch ({}) in {:.2} s",
                p.len(),
                if p.is_loop() {
                    "one loop"
                } else {
                    "the longest clip"
                },
                t0.elapsed().as_secs_f64()
            );
            Ok(Some(p))
        }
        Ok(None) => {
            tracing::info!("stacked background: too long to keep in memory; each clip decodes it");
            Ok(None)
        }
        Err(e) if e.kind == ExportErrorKind::Cancelled => Err(e),
        Err(e) => {
            tracing::warn!("stacked background not prepared ({e}); each clip decodes it");
            Ok(None)
        }
    }
}

/// One clip with retries.
#[allow(clippy::too_many_arguments)]
fn run_job(
    source: &Path,
    kind: SourceKind,
    index: usize,
    clip: &ClipRequest,
    final_path: &Path,
    opts: &ExportOptions,
    threads: usize,
    background: Option<&background::PreparedBackground>,
    canvas: crate::captions::Canvas,
    batch_start: Instant,
    progress: &ProgressReporter,
    cancel: &CancelToken,
    on_fraction: &mut dyn FnMut(f64),
) -> JobResult {
    let started_secs = batch_start.elapsed().as_secs_f64();
    // Captions from the transcript and the title: a hidden .ass beside the output, removed
    // afterwards.
    let title = title_of(opts, clip);
    let captions = match (&clip.subtitles, &opts.captions) {
        (None, words) if words.is_some() || title.is_some() => {
            let words: Vec<_> = words.iter().flat_map(|t| t.words()).cloned().collect();
            let text = crate::captions::titled_clip_ass(
                &words,
                clip.start,
                clip.end,
                &opts.caption_style,
                canvas,
                title,
            );
            let written = TempFile::create(final_path, "ass").and_then(|(tmp, mut file)| {
                std::io::Write::write_all(&mut file, text.as_bytes()).map(|()| tmp)
            });
            match written {
                Ok(tmp) => Some(tmp),
                Err(e) => {
                    tracing::warn!("clip {}: no captions ({e})", index + 1);
                    None
                }
            }
        }
        _ => None,
    };
    let subtitles = clip
        .subtitles
        .as_deref()
        .or_else(|| captions.as_ref().map(TempFile::path));
    let attempt = Cell::new(0u32);
    let fallbacks = std::cell::RefCell::new(Vec::<String>::new());
    let last_error = std::cell::RefCell::new(None::<ExportError>);
    let on_fraction = std::cell::RefCell::new(on_fraction);
    let layout = VideoLayout {
        portrait: opts.portrait,
        stacked: opts.stacked.as_deref(),
        subtitles,
        background_in_memory: false,
    };
    let smart = kind == SourceKind::Video
        && opts.mode == CutMode::Smart
        && layout.portrait.is_none()
        && layout.stacked.is_none()
        && layout.subtitles.is_none();
    let mode = std::cell::RefCell::new(mode_name(opts, subtitles.is_some()));
    let try_once = || -> Result<(PathBuf, transcode::TranscodeStats), ExportError> {
        cancel.check()?;
        let n = attempt.get() + 1;
        attempt.set(n);
        let mut encode = EncodeSettings {
            preset: opts.preset.clone(),
            crf: opts.crf,
            threads,
        };
        if n >= 2 {
            // Safer settings: a more tolerant preset and one encoder thread.
            let safer = safer_preset(&opts.preset);
            let why = last_error
                .borrow()
                .as_ref()
                .map_or_else(String::new, |e| format!(" after: {e}"));
            let cut = if smart {
                "smart cut → re-encode, "
            } else {
                ""
            };
            let note = format!(
                "attempt {n}: {cut}preset {} → {safer}, 1 encoder thread{why}",
                opts.preset
            );
            tracing::warn!("clip {}: {note}", index + 1);
            fallbacks.borrow_mut().push(note);
            encode.preset = safer.to_string();
            encode.threads = 1;
            progress.add_retried();
        }
        if opts.panic_clip == Some(index) {
            panic!("injected panic in clip {}", index + 1);
        }
        let faulty = opts.fail_clips.is_empty() || opts.fail_clips.contains(&index);
        if faulty && n <= opts.fail_attempts {
            let e = ExportError::setup(format!("injected encoder failure (attempt {n})"));
            *last_error.borrow_mut() = Some(e.clone());
            return Err(e);
        }
        let (tmp, _) =
            TempFile::create(final_path, "part").map_err(|e| ExportError::file(final_path, &e))?;
        let spec = ClipSpec {
            source,
            start: clip.start,
            end: clip.end,
            layout: layout.clone(),
            loudnorm: opts.loudnorm,
            encode,
            background,
        };
        let mut report = |f: f64| {
            if let Ok(mut cb) = on_fraction.try_borrow_mut() {
                cb(f);
            }
        };
        let result = if kind == SourceKind::AudioOnly {
            let short = audio_only::makes_a_short(opts, clip);
            let mut parts = vec![if short { "audio-short" } else { "audio" }];
            if subtitles.is_some() {
                parts.push("subtitles");
            }
            if opts.loudnorm {
                parts.push("loudnorm");
            }
            *mode.borrow_mut() = parts.join("+");
            audio_only::sound_clip(&spec, tmp.path(), short, cancel, &mut report)
        } else if smart && n == 1 {
            match smart_cut(&spec, tmp.path(), cancel, &mut report) {
                Ok(s) => {
                    tracing::info!(
                        "clip {}: smart cut: {} frames re-encoded at the start, {} copied, {} re-encoded at the end",
                        index + 1,
                        s.head_frames,
                        s.copied_frames,
                        s.tail_frames
                    );
                    *mode.borrow_mut() = if opts.loudnorm {
                        "smart+loudnorm".into()
                    } else {
                        "smart".into()
                    };
                    Ok(s.stats)
                }
                Err(SmartCutError::Unsupported(why)) => {
                    let note = format!("smart cut not possible ({why}): re-encoded");
                    tracing::info!("clip {}: {note}", index + 1);
                    fallbacks.borrow_mut().push(note);
                    transcode(&spec, tmp.path(), cancel, &mut report)
                }
                Err(SmartCutError::Failed(e)) => Err(e),
            }
        } else {
            *mode.borrow_mut() = mode_name(opts, subtitles.is_some());
            transcode(&spec, tmp.path(), cancel, &mut report)
        };
        match result {
            Ok(stats) => {
                cancel.check()?;
                let replace = if opts.overwrite {
                    Replace::Atomically
                } else {
                    Replace::Never
                };
                tmp.persist(final_path, replace)
                    .map_err(|e| ExportError::file(final_path, &e))?;
                Ok((final_path.to_path_buf(), stats))
            }
            Err(e) => {
                // Say which clip, not which hidden temporary file.
                let e = e.naming(tmp.path(), final_path);
                *last_error.borrow_mut() = Some(e.clone());
                Err(e)
            }
        }
    };
    let max_retries = opts.attempts.saturating_sub(1) as usize;
    let outcome = try_once
        .retry(
            ExponentialBuilder::default()
                .with_min_delay(opts.backoff)
                .with_max_times(max_retries)
                .with_jitter(),
        )
        .sleep({
            let cancel = cancel.clone();
            move |d| cancel.sleep(d)
        })
        .when(|e: &ExportError| e.is_retryable() && !cancel.is_cancelled())
        .notify(|e: &ExportError, wait: Duration| {
            tracing::warn!(
                "clip {} failed ({e}); retrying in {:.2} s",
                index + 1,
                wait.as_secs_f64()
            );
        })
        .call();
    let finished_secs = batch_start.elapsed().as_secs_f64();
    let mut r = JobResult {
        index,
        start: clip.start,
        end: clip.end,
        output: None,
        error: None,
        error_kind: None,
        attempts: attempt.get(),
        fallbacks: fallbacks.into_inner(),
        mode: mode.into_inner(),
        width: 0,
        height: 0,
        frames: 0,
        duration_secs: 0.0,
        started_secs,
        finished_secs,
    };
    match outcome {
        Ok((path, stats)) => {
            tracing::info!("clip {} written: {}", index + 1, path.display());
            r.duration_secs = crate::media::probe(&path)
                .ok()
                .and_then(|i| i.duration_secs)
                .unwrap_or(clip.end - clip.start);
            r.output = Some(path);
            r.width = stats.width;
            r.height = stats.height;
            r.frames = stats.video_frames;
        }
        Err(e) => {
            if e.kind != ExportErrorKind::Cancelled {
                tracing::error!("clip {} failed: {e}", index + 1);
            }
            r.error = Some(e.message.clone());
            r.error_kind = Some(e.kind);
        }
    }
    r
}

/// The picture captions are drawn on: the 9:16 short, or the source's upright picture.
pub fn caption_canvas(source: &Path, opts: &ExportOptions) -> crate::captions::Canvas {
    use crate::captions::Canvas;
    if opts.portrait.is_some() || opts.stacked.is_some() {
        return Canvas::PORTRAIT;
    }
    source::open_source(source)
        .and_then(|(input, vidx, _)| source::SourceVideo::of(&input, vidx, source))
        .ok()
        .and_then(|v| v.upright_size)
        .map_or(
            Canvas {
                width: 1920,
                height: 1080,
            },
            |(width, height)| Canvas { width, height },
        )
}

/// The preset tried after a failure: a step slower than `preset` (more tolerant), never
/// slower than `veryfast`.
fn safer_preset(preset: &str) -> &'static str {
    match preset {
        "ultrafast" => "superfast",
        "superfast" => "veryfast",
        _ => "veryfast",
    }
}

/// The title burned on `clip`: its label, when `opts` asks for titles and it has one.
pub fn title_of<'a>(opts: &ExportOptions, clip: &'a ClipRequest) -> Option<&'a str> {
    title_from(opts.title, &clip.label)
}

/// The one rule for a clip's title: its label, trimmed, when titles are on and it has one
/// (the export, and the window's preview and panel).
pub fn title_from(titles: bool, label: &str) -> Option<&str> {
    Some(label.trim()).filter(|t| titles && !t.is_empty())
}

fn mode_name(opts: &ExportOptions, subtitles: bool) -> String {
    let mut parts = vec!["reencode".to_string()];
    if let Some(p) = opts.portrait {
        parts.push(format!("portrait-{p:?}").to_lowercase());
    }
    if opts.stacked.is_some() {
        parts.push("stacked".into());
    }
    if subtitles {
        parts.push("subtitles".into());
    }
    if opts.loudnorm {
        parts.push("loudnorm".into());
    }
    parts.join("+")
}

#[cfg(test)]
mod tests {
    use super::job_threads;

    #[test]
    fn the_last_jobs_take_the_cores_the_others_leave() {
        // 5 clips, 2 workers, 2 cores: one thread each until only the last job is left.
        let t: Vec<usize> = (0..5).map(|n| job_threads(2, 2, 5 - n)).collect();
        assert_eq!(t, vec![1, 1, 1, 1, 2]);
        assert_eq!(job_threads(8, 4, 10), 2);
        assert_eq!(job_threads(8, 4, 2), 4);
        assert_eq!(job_threads(1, 4, 1), 1);
    }
}
