//! The export panel's live preview: a worker thread that owns an engine
//! [`Previewer`](slopcannon_engine::export::preview::Previewer) and renders the newest request
//! — the frame at the playhead as the export will write it (layout, stacked background,
//! captions in their style). Older requests still waiting are dropped; the answer comes back
//! as [`Msg::ExportPreview`].

use crate::gui::jobs::{Msg, MsgSender};
use crossbeam_channel::{Receiver, Sender};
use slopcannon_engine::captions::CaptionStyle;
use slopcannon_engine::export::preview::{PreviewRequest, Previewer};
use slopcannon_engine::export::Portrait;
use slopcannon_engine::progress::CancelToken;
use slopcannon_engine::speech::{Transcript, Word};
use std::path::PathBuf;
use std::sync::Arc;

/// The preview is rendered to fit this (a 9:16 short at half size).
pub const PREVIEW_SIZE: (u32, u32) = (540, 960);

/// One frame to preview.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewJob {
    pub path: PathBuf,
    pub clip: (f64, f64),
    pub at: f64,
    pub portrait: Option<Portrait>,
    pub stacked: Option<PathBuf>,
    /// The transcript the captions come from (None: no captions).
    pub captions: Option<Arc<Transcript>>,
    /// The clip's title (its label, when titles are on).
    pub title: Option<String>,
    /// How the captions and the title look.
    pub style: CaptionStyle,
}

/// Sends jobs to the preview thread.
pub struct ExportPreviewWorker {
    tx: Sender<(u64, PreviewJob)>,
    /// The last job sent (not sent again while it is the same).
    last: Option<PreviewJob>,
    next_id: u64,
}

impl ExportPreviewWorker {
    pub fn start(msgs: MsgSender) -> ExportPreviewWorker {
        let (tx, rx) = crossbeam_channel::unbounded();
        std::thread::Builder::new()
            .name("export preview".into())
            .spawn(move || run(&rx, &msgs))
            .map_err(|e| tracing::error!("cannot start the export preview thread: {e}"))
            .ok();
        ExportPreviewWorker {
            tx,
            last: None,
            next_id: 1,
        }
    }

    /// Asks for `job` unless it is what was asked last; returns the id its answer will carry.
    pub fn want(&mut self, job: PreviewJob) -> Option<u64> {
        if self.last.as_ref() == Some(&job) {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        self.last = Some(job.clone());
        self.tx.send((id, job)).ok().map(|()| id)
    }

    /// Forgets the last job (the next one is sent even if equal: the file changed).
    pub fn reset(&mut self) {
        self.last = None;
    }
}

fn run(rx: &Receiver<(u64, PreviewJob)>, msgs: &MsgSender) {
    let mut previewer: Option<Previewer> = None;
    while let Ok(mut next) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            next = newer;
        }
        let (id, job) = next;
        let started = std::time::Instant::now();
        let result = render(&mut previewer, &job);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::debug!("export preview at {:.3} s rendered in {ms:.0} ms", job.at);
        msgs.send(Msg::ExportPreview { id, result });
    }
}

fn render(
    previewer: &mut Option<Previewer>,
    job: &PreviewJob,
) -> Result<slopcannon_engine::media::grab::RgbaFrame, String> {
    if previewer.as_ref().is_none_or(|p| p.source() != job.path) {
        *previewer = Some(Previewer::open(&job.path).map_err(|e| e.to_string())?);
    }
    let Some(p) = previewer.as_mut() else {
        return Err("no preview".into());
    };
    let words: Vec<Word> = job
        .captions
        .as_ref()
        .map(|t| t.words().cloned().collect())
        .unwrap_or_default();
    let request = PreviewRequest {
        clip_start: job.clip.0,
        clip_end: job.clip.1,
        at: job.at,
        portrait: job.portrait,
        stacked: job.stacked.as_deref(),
        captions: (job.captions.is_some() || job.title.is_some())
            .then_some((words.as_slice(), &job.style)),
        title: job.title.as_deref(),
        max_width: PREVIEW_SIZE.0,
        max_height: PREVIEW_SIZE.1,
    };
    p.render(&request, &CancelToken::new())
        .map(|f| f.image)
        .map_err(|e| e.to_string())
}
