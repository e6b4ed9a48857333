//! Autosave: the open video's project is written on a worker thread shortly after every
//! change (at most every [`MIN_GAP`], so a drag does not write 60 files a second; within
//! ~0.3 s of the last change), newest first per video, and flushed when the window closes.
//! A save that fails is reported once (and again when saving works again), not every frame.

use super::jobs::{Msg, MsgSender};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use slopcannon_engine::project::Project;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The shortest time between two writes.
pub const MIN_GAP: Duration = Duration::from_millis(250);

enum Request {
    Save(Box<Project>),
    /// Answer once everything asked before is on disk.
    Flush(Sender<()>),
}

/// The handle the window keeps; dropping it lets the worker finish and stop.
pub struct Autosave {
    tx: Option<Sender<Request>>,
}

impl Autosave {
    /// Starts the worker that saves into `data_dir` (None: nothing is saved).
    pub fn start(data_dir: Option<PathBuf>, msgs: MsgSender) -> Autosave {
        let Some(dir) = data_dir else {
            return Autosave { tx: None };
        };
        let (tx, rx) = crossbeam_channel::unbounded();
        let started = std::thread::Builder::new()
            .name("autosave".into())
            .spawn(move || worker(&dir, &rx, &msgs))
            .map_err(|e| tracing::error!("cannot start the autosave thread: {e}"))
            .is_ok();
        Autosave {
            tx: started.then_some(tx),
        }
    }

    /// Saves `project` soon (a newer save of the same video replaces it).
    pub fn save(&self, project: Project) {
        if let Some(tx) = &self.tx {
            tx.send(Request::Save(Box::new(project))).ok();
        }
    }

    /// Waits (at most `timeout`) until every save asked for is written. False on timeout.
    pub fn flush(&self, timeout: Duration) -> bool {
        let Some(tx) = &self.tx else { return true };
        let (done_tx, done_rx) = crossbeam_channel::bounded(1);
        if tx.send(Request::Flush(done_tx)).is_err() {
            return false;
        }
        done_rx.recv_timeout(timeout).is_ok()
    }
}

fn worker(dir: &std::path::Path, rx: &Receiver<Request>, msgs: &MsgSender) {
    // Projects waiting to be written, one per video, oldest first.
    let mut pending: Vec<Project> = Vec::new();
    let mut last_write = Instant::now() - MIN_GAP;
    let mut failing = false;
    loop {
        let req = if pending.is_empty() {
            match rx.recv() {
                Ok(r) => Some(r),
                Err(_) => return,
            }
        } else {
            let wait = MIN_GAP.saturating_sub(last_write.elapsed());
            match rx.recv_timeout(wait) {
                Ok(r) => Some(r),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => {
                    write_all(dir, &mut pending, &mut failing, msgs);
                    return;
                }
            }
        };
        match req {
            Some(Request::Save(p)) => match pending.iter_mut().find(|q| q.video == p.video) {
                Some(q) => *q = *p,
                None => pending.push(*p),
            },
            Some(Request::Flush(done)) => {
                write_all(dir, &mut pending, &mut failing, msgs);
                last_write = Instant::now();
                done.send(()).ok();
            }
            None => {
                write_all(dir, &mut pending, &mut failing, msgs);
                last_write = Instant::now();
            }
        }
    }
}

fn write_all(
    dir: &std::path::Path,
    pending: &mut Vec<Project>,
    failing: &mut bool,
    msgs: &MsgSender,
) {
    for mut p in pending.drain(..) {
        p.stamp_video();
        let result = p.save(dir);
        match (&result, *failing) {
            (Err(e), false) => {
                tracing::error!("{e}");
                msgs.send(Msg::Autosaved(Err(e.to_string())));
            }
            (Ok(path), true) => {
                tracing::info!("saving works again: {}", path.display());
                msgs.send(Msg::Autosaved(Ok(())));
            }
            _ => {}
        }
        *failing = result.is_err();
    }
}
