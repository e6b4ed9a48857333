//! Progress, ETA and cancellation: the one progress type and the one cancel token that every
//! long engine call uses, and the [`EventSink`] through which it reports.
//!
//! The engine never knows who listens: the GUI's sink forwards events into a crossbeam channel
//! and wakes the UI; the CLI's sink drives `indicatif` bars; tests collect events in a vector.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Identifies one engine job (an analysis, a preview grab, an export…).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct JobId(pub u64);

impl JobId {
    /// A process-wide unique id.
    pub fn next() -> JobId {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        JobId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// The stage a job is in; `done`/`total` in [`Progress`] are in this stage's unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Stage {
    /// Unit: frames.
    Decode,
    /// Unit: audio milliseconds.
    Audio,
    /// Unit: audio milliseconds.
    Transcribe,
    /// Unit: clips.
    Export,
    /// Unit: bytes.
    Download,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Decode => "decode",
            Stage::Audio => "audio",
            Stage::Transcribe => "transcribe",
            Stage::Export => "export",
            Stage::Download => "download",
        }
    }
}

/// One progress report. Plain data.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Progress {
    pub job: JobId,
    pub stage: Stage,
    pub done: u64,
    pub total: Option<u64>,
    pub failed: u32,
    pub retried: u32,
    pub eta: Option<Duration>,
    /// True for the last report of a stage.
    pub finished: bool,
}

impl Progress {
    /// Fraction done in 0..=1, when the total is known.
    pub fn fraction(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0)
            .map(|t| (self.done as f64 / t as f64).clamp(0.0, 1.0))
    }
}

/// What the engine reports while it works. Results that come before the end (the analysis's
/// quick ranking) are the job's own types, reported through its own callback.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Event {
    Progress(Progress),
    /// One item of a batch (an export's clip) moved on.
    Item(ItemUpdate),
}

/// How far one item of a batch job is (an export's clip): sent when it starts, as it
/// advances (every percent or so) and when it ends, with its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemUpdate {
    pub job: JobId,
    /// Position in the request list.
    pub index: usize,
    /// 0..=1.
    pub fraction: f64,
    /// Attempts made so far (1 while the first runs).
    pub attempts: u32,
    /// Set once the item has ended: a one-line result (the file and what it is), or why not.
    pub outcome: Option<Result<String, String>>,
}

/// Where engine events go. Cheap to clone; `emit` never blocks on the receiver.
#[derive(Clone)]
pub struct EventSink {
    emit: Arc<dyn Fn(Event) + Send + Sync>,
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventSink")
    }
}

impl EventSink {
    /// A sink that calls `f` for every event (from the worker's thread).
    pub fn new(f: impl Fn(Event) + Send + Sync + 'static) -> EventSink {
        EventSink { emit: Arc::new(f) }
    }

    /// A sink that drops everything.
    pub fn discard() -> EventSink {
        EventSink::new(|_| {})
    }

    /// A sink that sends into a channel (mapping each event) and then calls `wake`.
    pub fn channel<T: Send + 'static>(
        tx: crossbeam_channel::Sender<T>,
        map: impl Fn(Event) -> T + Send + Sync + 'static,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> EventSink {
        EventSink::new(move |ev| {
            if tx.send(map(ev)).is_ok() {
                wake();
            }
        })
    }

    pub fn emit(&self, ev: Event) {
        (self.emit)(ev)
    }
}

/// The job was cancelled through its [`CancelToken`]. An outcome, not a failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

/// A shared cancel flag. Clone it into the worker; call [`CancelToken::cancel`] from anywhere.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed)
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    /// The shared flag itself, for C callbacks that poll it (it lives as long as any clone).
    pub fn flag(&self) -> &AtomicBool {
        &self.0
    }

    /// Sleeps for `d`, or less when cancelled meanwhile (checked every 20 ms): the wait
    /// between retries never holds up a cancel.
    pub fn sleep(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.is_cancelled() {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            std::thread::sleep(left.min(Duration::from_millis(20)));
        }
    }

    /// `Err(Cancelled)` once cancelled; call it once per packet or frame.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Estimates time left from the throughput over a sliding window (about the last 10 s).
#[derive(Clone, Debug)]
pub struct EtaMeter {
    window: Duration,
    samples: std::collections::VecDeque<(Instant, u64)>,
}

impl EtaMeter {
    pub fn new(window: Duration) -> EtaMeter {
        EtaMeter {
            window,
            samples: std::collections::VecDeque::new(),
        }
    }

    /// Records that `done` units were finished at `now`.
    pub fn record(&mut self, now: Instant, done: u64) {
        self.samples.push_back((now, done));
        while self.samples.len() > 2 {
            match self.samples.front() {
                Some((t, _)) if now.duration_since(*t) > self.window => {
                    self.samples.pop_front();
                }
                _ => break,
            }
        }
    }

    /// Units per second over the window.
    pub fn rate(&self) -> Option<f64> {
        let (t0, d0) = *self.samples.front()?;
        let (t1, d1) = *self.samples.back()?;
        let secs = t1.duration_since(t0).as_secs_f64();
        if secs <= 0.0 || d1 <= d0 {
            return None;
        }
        Some((d1 - d0) as f64 / secs)
    }

    /// Time left to reach `total`, at the windowed rate.
    pub fn eta(&self, total: u64) -> Option<Duration> {
        let rate = self.rate()?;
        let done = self.samples.back()?.1;
        let left = total.saturating_sub(done) as f64 / rate;
        left.is_finite().then(|| Duration::from_secs_f64(left))
    }
}

/// Sends [`Progress`] for one stage of one job: at most 10 reports a second, always the last.
#[derive(Debug)]
pub struct ProgressReporter {
    sink: EventSink,
    state: Mutex<ReporterState>,
}

#[derive(Debug)]
struct ReporterState {
    progress: Progress,
    meter: EtaMeter,
    last_sent: Option<Instant>,
}

impl ProgressReporter {
    pub const MIN_INTERVAL: Duration = Duration::from_millis(100);

    pub fn new(sink: &EventSink, job: JobId, stage: Stage, total: Option<u64>) -> Self {
        ProgressReporter {
            sink: sink.clone(),
            state: Mutex::new(ReporterState {
                progress: Progress {
                    job,
                    stage,
                    done: 0,
                    total,
                    failed: 0,
                    retried: 0,
                    eta: None,
                    finished: false,
                },
                meter: EtaMeter::new(Duration::from_secs(10)),
                last_sent: None,
            }),
        }
    }

    /// Sets the absolute amount done and reports if the last report is old enough.
    pub fn set_done(&self, done: u64) {
        self.update(|p| p.done = done);
    }

    /// Sets (or clears) the total once it is known.
    pub fn set_total(&self, total: Option<u64>) {
        if let Ok(mut st) = self.state.lock() {
            st.progress.total = total;
        }
    }

    /// Adds to the amount done.
    pub fn add_done(&self, n: u64) {
        self.update(|p| p.done += n);
    }

    pub fn add_failed(&self) {
        self.update(|p| p.failed += 1);
    }

    pub fn add_retried(&self) {
        self.update(|p| p.retried += 1);
    }

    /// Sends the final report of this stage.
    pub fn finish(&self) {
        let snapshot = {
            let Ok(mut st) = self.state.lock() else {
                return;
            };
            st.progress.finished = true;
            if let Some(t) = st.progress.total {
                st.progress.done = st.progress.done.max(t);
            }
            st.progress.eta = Some(Duration::ZERO);
            st.progress.clone()
        };
        self.sink.emit(Event::Progress(snapshot));
    }

    fn update(&self, f: impl FnOnce(&mut Progress)) {
        let now = Instant::now();
        let snapshot = {
            let Ok(mut st) = self.state.lock() else {
                return;
            };
            f(&mut st.progress);
            let done = st.progress.done;
            st.meter.record(now, done);
            let due = st
                .last_sent
                .is_none_or(|t| now.duration_since(t) >= Self::MIN_INTERVAL);
            if !due {
                return;
            }
            st.last_sent = Some(now);
            st.progress.eta = st.progress.total.and_then(|t| st.meter.eta(t));
            st.progress.clone()
        };
        self.sink.emit(Event::Progress(snapshot));
    }
}

/// Formats a duration as `1:02:03` or `2:03`.
pub fn format_hms(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_from_windowed_rate() {
        let mut m = EtaMeter::new(Duration::from_secs(10));
        let t0 = Instant::now();
        m.record(t0, 0);
        m.record(t0 + Duration::from_secs(2), 100);
        assert_eq!(m.rate(), Some(50.0));
        assert_eq!(m.eta(300), Some(Duration::from_secs(4)));
        // Old samples fall out of the window: the rate follows the recent speed.
        m.record(t0 + Duration::from_secs(20), 200);
        m.record(t0 + Duration::from_secs(30), 1200);
        assert_eq!(m.rate(), Some(100.0));
    }

    #[test]
    fn reporter_throttles_but_always_sends_the_last_report() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen2 = seen.clone();
        let sink = EventSink::new(move |ev| {
            if let Event::Progress(p) = ev {
                seen2.lock().expect("lock").push(p);
            }
        });
        let r = ProgressReporter::new(&sink, JobId(7), Stage::Decode, Some(1000));
        for i in 0..1000 {
            r.set_done(i);
        }
        r.finish();
        let seen = seen.lock().expect("lock");
        assert!(seen.len() < 5, "throttled: {} reports", seen.len());
        let last = seen.last().expect("a report");
        assert!(last.finished);
        assert_eq!(last.done, 1000);
        assert_eq!(last.job, JobId(7));
    }

    #[test]
    fn cancel_token_is_shared() {
        let t = CancelToken::new();
        let t2 = t.clone();
        assert_eq!(t.check(), Ok(()));
        t2.cancel();
        assert_eq!(t.check(), Err(Cancelled));
    }

    #[test]
    fn hms() {
        assert_eq!(format_hms(Duration::from_secs(125)), "2:05");
        assert_eq!(format_hms(Duration::from_secs(3725)), "1:02:05");
    }
}
