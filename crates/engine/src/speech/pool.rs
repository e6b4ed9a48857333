//! The worker threads of a transcription: each with its own whisper state, they transcribe
//! windows side by side ([`WindowPool`]); how the threads are split between them
//! ([`plan_threads`]) and how many states the memory allows ([`max_states`]); the results put
//! back in window order.

use super::model_run::{run_window, WindowText};
use super::transcript::Segment;
use super::whisper::SpeechError;
use crate::progress::{CancelToken, Cancelled};
use std::path::PathBuf;

/// How `threads` are spent: whisper.cpp's threads meet after every operation, which costs a
/// lot on small models and stalls when the cores are busy; independent windows on
/// single-threaded states scale better (479 s of speech on 2 cores: 2 threads on one window
/// at a time 28.2 s, two windows at a time on one thread each 22.1 s). At most 4 states are
/// kept (each holds its own buffers).
pub fn plan_threads(threads: usize) -> (usize, usize) {
    let states = threads.clamp(1, 4);
    (states, (threads / states).max(1))
}

/// The memory one whisper state takes while it transcribes, for a model file of
/// `model_bytes`: whisper.cpp reserves logits for the whole text context (n_vocab × 448
/// floats, 93 MB whatever the model) and compute buffers that grow with the model. Measured
/// here: 137 MB per state for tiny.en f16 (a 78 MB file): 4 states 703 MB, 1 state 290 MB
/// (`/usr/bin/time`, 228 s of speech). Large models get the model-dependent part generously.
pub fn state_bytes(model_bytes: u64) -> u64 {
    100 * 1024 * 1024 + model_bytes / 2
}

/// How many whisper states fit in the memory `available` with a model file of `model_bytes`:
/// the model and the states may take half of it (the rest is the video pass', the export's and
/// everyone else's). At least 1, at most 4; 4 when the memory is not known.
pub fn max_states(model_bytes: u64, available: Option<usize>) -> usize {
    let Some(available) = available else {
        return 4;
    };
    let budget = (available as u64 / 2).saturating_sub(model_bytes);
    (budget / state_bytes(model_bytes)).clamp(1, 4) as usize
}

/// One window for a worker: its samples and where it starts in the file.
pub(super) struct WindowJob {
    pub index: usize,
    pub samples: Vec<f32>,
    pub start_sample: u64,
}

/// A worker's answer for one window.
struct WindowDone {
    index: usize,
    end_sample: u64,
    result: Result<WindowText, SpeechError>,
}

/// Worker threads, each with its own whisper state, transcribing windows side by side. The
/// results are put back in window order. Workers are detached: a cancel returns at once and
/// whisper.cpp's abort callback stops them within a step.
pub(super) struct WindowPool<'c> {
    ctx: &'c whisper_rs::WhisperContext,
    setup: WorkerSetup,
    /// Worker threads started (the most windows transcribed side by side).
    pub workers: usize,
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
    pub finished: std::collections::BTreeMap<usize, Vec<Segment>>,
    /// End (in samples) of each finished window, by index, until contiguous.
    ends: std::collections::BTreeMap<usize, u64>,
    next_contiguous: usize,
    /// The file is transcribed up to here (every window before it is finished).
    pub done_until: u64,
    /// Windows the model ran on.
    pub windows: u32,
    /// Windows decoded again because the first decoding was doubtful.
    pub redecoded: u32,
    /// Language detected on the first window with speech (multilingual models).
    pub language: Option<(usize, String)>,
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
pub(super) struct WorkerSetup {
    pub threads_each: usize,
    pub english_only: bool,
    pub cancel: CancelToken,
    pub model: PathBuf,
    pub more_threads: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
    /// The most states the memory allows ([`max_states`]): more threads never add more.
    pub max_states: usize,
}

impl<'c> WindowPool<'c> {
    pub(super) fn start(
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
            redecoded: 0,
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
        let want = plan_threads(more.load(std::sync::atomic::Ordering::Relaxed))
            .0
            .min(self.setup.max_states);
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
    pub(super) fn submit(
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
    pub(super) fn close(&mut self) {
        self.jobs = None;
    }

    pub(super) fn pending(&self) -> usize {
        self.submitted - self.received
    }

    /// Takes finished windows; with `wait`, waits (cancellably) for at least one.
    pub(super) fn collect(&mut self, wait: bool, cancel: &CancelToken) -> Result<(), SpeechError> {
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
            if let Some(r) = result {
                self.windows += 1;
                self.redecoded += u32::from(r.redecoded);
                if let Some(l) = r.language {
                    if self.language.as_ref().is_none_or(|(i, _)| d.index < *i) {
                        self.language = Some((d.index, l));
                    }
                }
                self.finished.insert(d.index, r.segments);
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

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1024 * 1024;

    #[test]
    fn states_fit_in_half_the_memory_available() {
        let tiny = 78 * MB;
        // Measured: 137 MB a state for tiny.en; the estimate is not below it.
        assert!(state_bytes(tiny) >= 137 * 1000 * 1000);
        assert_eq!(max_states(tiny, Some(24 << 30)), 4);
        assert_eq!(max_states(tiny, Some(1 << 30)), 3);
        assert_eq!(max_states(tiny, Some(600 << 20)), 1);
        // Never none: one state runs (slowly swapping) rather than no transcript.
        assert_eq!(max_states(tiny, Some(100 << 20)), 1);
        // A large model (3.1 GB) on an 8 GB machine: one state, not four.
        assert_eq!(max_states(3100 * MB, Some(8 << 30)), 1);
        assert_eq!(max_states(3100 * MB, Some(32 << 30)), 4);
        assert_eq!(max_states(tiny, None), 4);
        assert_eq!(plan_threads(8), (4, 2));
    }
}
