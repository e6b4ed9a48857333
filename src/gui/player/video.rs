//! The video worker: one thread that owns one open [`FrameGrabber`] and serves the newest
//! request — a still frame for a seek (the keyframe at once when the exact frame needs a long
//! decode, then the exact frame), or playback (frames decoded on, at the size they are shown,
//! into a small bounded queue). A newer request cancels the decode of an older one.

use crate::gui::jobs::{Msg, MsgSender};
use crossbeam_channel::{Receiver, SendTimeoutError, Sender};
use slopcannon_engine::media::grab::{FrameGrabber, RgbaFrame};
use slopcannon_engine::progress::CancelToken;
use std::path::PathBuf;
use std::time::Duration;

/// Frames decoded ahead of the one on screen while playing.
pub const PLAY_QUEUE: usize = 4;

/// What the video worker is asked to do.
pub enum VideoRequest {
    /// The frame shown at `t_secs`, answered with [`Msg::Frame`].
    Still {
        generation: u64,
        path: PathBuf,
        t_secs: f64,
        max_size: (u32, u32),
        /// Only the keyframe at or before `t_secs` (reverse shuttle).
        keyframe_only: bool,
        cancel: CancelToken,
    },
    /// Frames from `from_secs` on, into `frames`, until cancelled or the end of the file
    /// (then `frames` is dropped).
    Play {
        path: PathBuf,
        from_secs: f64,
        max_size: (u32, u32),
        frames: Sender<RgbaFrame>,
        cancel: CancelToken,
    },
}

impl VideoRequest {
    fn path(&self) -> &PathBuf {
        match self {
            VideoRequest::Still { path, .. } | VideoRequest::Play { path, .. } => path,
        }
    }
    fn cancel(&self) -> &CancelToken {
        match self {
            VideoRequest::Still { cancel, .. } | VideoRequest::Play { cancel, .. } => cancel,
        }
    }
}

/// Sends requests to the video worker; each new one cancels the one before.
pub struct VideoWorker {
    tx: Sender<VideoRequest>,
    current: Option<CancelToken>,
}

impl VideoWorker {
    pub fn start(msgs: MsgSender) -> VideoWorker {
        let (tx, rx) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("video".into())
            .spawn(move || run(&rx, &msgs))
            .map_err(|e| tracing::error!("cannot start the video thread: {e}"))
            .ok();
        VideoWorker { tx, current: None }
    }

    pub fn send(&mut self, req: VideoRequest) {
        if let Some(old) = self.current.replace(req.cancel().clone()) {
            old.cancel();
        }
        self.tx.send(req).ok();
    }

    /// Cancels what the worker is doing (playback stops decoding).
    pub fn stop(&mut self) {
        if let Some(old) = self.current.take() {
            old.cancel();
        }
    }
}

fn run(rx: &Receiver<VideoRequest>, msgs: &MsgSender) {
    let mut grabber: Option<(PathBuf, FrameGrabber)> = None;
    while let Ok(mut req) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            req = newer;
        }
        if req.cancel().is_cancelled() {
            continue;
        }
        if grabber.as_ref().is_none_or(|(p, _)| p != req.path()) {
            grabber = match FrameGrabber::open(req.path()) {
                Ok(g) => Some((req.path().clone(), g)),
                Err(e) => {
                    if let VideoRequest::Still {
                        generation, t_secs, ..
                    } = req
                    {
                        msgs.send(Msg::Frame {
                            generation,
                            t_secs,
                            exact: true,
                            result: Err(e.to_string()),
                        });
                    } else {
                        tracing::warn!("playback: {e}");
                    }
                    continue;
                }
            };
        }
        let Some((_, g)) = grabber.as_mut() else {
            continue;
        };
        match req {
            VideoRequest::Still {
                generation,
                t_secs,
                max_size: (w, h),
                keyframe_only,
                cancel,
                ..
            } => {
                let send = |exact: bool, result: Result<RgbaFrame, String>| {
                    msgs.send(Msg::Frame {
                        generation,
                        t_secs,
                        exact,
                        result,
                    });
                };
                if keyframe_only || g.needs_seek(t_secs) {
                    // Something to look at at once: the keyframe the decode starts from.
                    let half_frame = 0.5 / g.frame_rate().max(1.0);
                    match g.keyframe_at(t_secs, w, h, &cancel) {
                        // The keyframe is the frame shown at `t`: nothing more to decode.
                        Ok(f) if (0.0..half_frame).contains(&(t_secs - f.pts_secs)) => {
                            send(true, Ok(f));
                            continue;
                        }
                        Ok(f) => send(keyframe_only, Ok(f)),
                        Err(_) if cancel.is_cancelled() => continue,
                        Err(e) => {
                            send(true, Err(e.to_string()));
                            continue;
                        }
                    }
                    if keyframe_only || !rx.is_empty() {
                        continue; // a newer request is waiting: it wins
                    }
                }
                match g.grab(t_secs, w, h, &cancel) {
                    Ok(f) => send(true, Ok(f)),
                    Err(_) if cancel.is_cancelled() => {}
                    Err(e) => send(true, Err(e.to_string())),
                }
            }
            VideoRequest::Play {
                from_secs,
                max_size: (w, h),
                frames,
                cancel,
                ..
            } => play(g, from_secs, (w, h), &frames, &cancel, rx),
        }
    }
}

/// Decodes frames from `from_secs` into `frames` until cancelled, a newer request arrives or
/// the file ends.
fn play(
    g: &mut FrameGrabber,
    from_secs: f64,
    (w, h): (u32, u32),
    frames: &Sender<RgbaFrame>,
    cancel: &CancelToken,
    rx: &Receiver<VideoRequest>,
) {
    let mut next = g.grab(from_secs, w, h, cancel).map(Some);
    loop {
        let frame = match next {
            Ok(Some(f)) => f,
            Ok(None) => return, // the end: dropping `frames` says so
            Err(e) => {
                if !cancel.is_cancelled() {
                    tracing::warn!("playback: {e}");
                }
                return;
            }
        };
        let mut frame = Some(frame);
        while let Some(f) = frame.take() {
            if cancel.is_cancelled() || !rx.is_empty() {
                return;
            }
            match frames.send_timeout(f, Duration::from_millis(20)) {
                Ok(()) => {}
                Err(SendTimeoutError::Timeout(f)) => frame = Some(f),
                Err(SendTimeoutError::Disconnected(_)) => return,
            }
        }
        next = g.next_frame(w, h, cancel);
    }
}
