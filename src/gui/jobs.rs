//! Background work for the window: probing a file, analysis, export, saving, the file dialog
//! (the preview's frames come from the player's video worker, `player/video.rs`).
//!
//! Every job runs off the UI thread and reports through one crossbeam channel of [`Msg`]; after
//! each send it wakes the UI. Results carry the generation they were asked for, so a result
//! for a file or playhead position that is no longer current is dropped by the reducer.

use super::state::AnalysisFailure;
use crate::logging::LogLine;
use crossbeam_channel::Sender;
use slopcannon_engine::analysis::{analyze, Analysis, AnalyzeOptions, Ranking};
use slopcannon_engine::export::{export_clips, ClipRequest, ExportOptions, JobResult};
use slopcannon_engine::media::grab::RgbaFrame;
use slopcannon_engine::media::probe::{probe_decodable, MediaInfo};
use slopcannon_engine::progress::{CancelToken, Event, EventSink, JobId};
use slopcannon_engine::project::Project;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Messages from workers (and the log forwarder) to the UI thread.
#[derive(Debug)]
pub enum Msg {
    Log(LogLine),
    /// The result of opening a file: its probe, or the error line to show.
    Probed {
        generation: u64,
        path: PathBuf,
        result: Result<MediaInfo, String>,
        /// The project saved for this file in an earlier session, if any; or why it could
        /// not be used (it was kept aside).
        saved: Result<Option<Project>, String>,
    },
    /// A still frame for the playhead position `t_secs`; `exact: false` is the keyframe shown
    /// while the exact frame is decoded.
    Frame {
        generation: u64,
        t_secs: f64,
        exact: bool,
        result: Result<RgbaFrame, String>,
    },
    /// The open file's keyframe times.
    Keyframes {
        generation: u64,
        times: Vec<f64>,
    },
    /// A keyframe thumbnail for the timeline (they arrive in time order).
    Thumbnail {
        generation: u64,
        thumb: slopcannon_engine::media::keyframes::Thumbnail,
    },
    /// The open file's waveform.
    Waveform {
        generation: u64,
        result: Result<Arc<slopcannon_engine::media::waveform::Waveform>, String>,
    },
    /// The settings were saved as the user's defaults (the file), or why not.
    SettingsSaved(Result<PathBuf, String>),
    /// Autosaving the project failed (the error), or works again after failing.
    Autosaved(Result<(), String>),
    /// Of the files asked about (the recent files), those that are not there.
    Missing(Vec<PathBuf>),
    /// The whisper models installed.
    Models(Vec<slopcannon_engine::speech::model::ModelFile>),
    /// A model download ended: the installed file, or why not.
    Downloaded {
        job: JobId,
        result: Result<PathBuf, String>,
    },
    /// The file dialog closed (None = cancelled).
    Picked(PickFor, Option<PathBuf>),
    /// Progress and intermediate results of an engine job.
    Engine(Event),
    /// A ranking of clips from a running analysis (quick, then full).
    Ranked(Ranking),
    /// An export ended: the output folder and one result per clip, or why it stopped.
    Exported {
        job: JobId,
        result: Result<(PathBuf, Vec<JobResult>), String>,
    },
    /// The export preview asked for as `id`: the frame as it will be exported, or why not.
    ExportPreview {
        id: u64,
        result: Result<RgbaFrame, String>,
    },
    /// A caption style file was read: the style and where it came from, or why not.
    CaptionStyle(Result<(slopcannon_engine::captions::CaptionStyle, String), String>),
    /// An analysis ended.
    Analyzed {
        job: JobId,
        result: Result<Analysis, AnalysisFailure>,
    },
}

/// Runs `work` on a thread named `name` and sends the message it returns. A job that panics
/// still ends: `on_panic` turns the panic's text into the message that closes the job, so the
/// window never waits for a thread that is gone (and the panic is logged).
fn spawn_job(
    name: &'static str,
    msgs: MsgSender,
    work: impl FnOnce() -> Msg + Send + 'static,
    on_panic: impl FnOnce(String) -> Msg + Send + 'static,
) {
    let spawned =
        std::thread::Builder::new().name(name.into()).spawn(
            move || match std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                Ok(msg) => msgs.send(msg),
                Err(panic) => {
                    let text = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no message".into());
                    let why = format!("the {name} job stopped unexpectedly ({text})");
                    tracing::error!("{why}");
                    msgs.send(on_panic(why));
                }
            },
        );
    if let Err(e) = spawned {
        tracing::error!("cannot start the {name} thread: {e}");
    }
}

/// Wakes the UI after a worker sent something; set once the egui context exists.
///
/// It never calls into egui from the UI thread itself: a log line emitted by egui while it
/// holds its context lock would otherwise deadlock. The UI thread drains the channel anyway
/// and repaints while messages are pending.
#[derive(Clone, Default)]
pub struct Waker(Arc<OnceLock<(egui::Context, std::thread::ThreadId)>>);

impl Waker {
    /// Records the context, and the calling thread as the UI thread.
    pub fn set(&self, ctx: &egui::Context) {
        self.0.set((ctx.clone(), std::thread::current().id())).ok();
    }
    pub fn wake(&self) {
        if let Some((ctx, ui_thread)) = self.0.get() {
            if std::thread::current().id() != *ui_thread {
                ctx.request_repaint_after(Duration::from_millis(10));
            }
        }
    }
}

/// Sends [`Msg`]s to the UI and wakes it.
#[derive(Clone)]
pub struct MsgSender {
    tx: Sender<Msg>,
    waker: Waker,
}

impl MsgSender {
    pub fn new(tx: Sender<Msg>, waker: Waker) -> MsgSender {
        MsgSender { tx, waker }
    }
    pub fn send(&self, msg: Msg) {
        if self.tx.send(msg).is_ok() {
            self.waker.wake();
        }
    }
}

/// What a file is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickFor {
    /// The video to find clips in.
    Source,
    /// The stacked layout's looping background.
    Background,
    /// The folder exports go to.
    ExportFolder,
    /// A caption style file.
    CaptionStyle,
}

/// How the window asks for a file. The real one shows the system dialog; tests pass one that
/// answers with a fixture.
pub type FilePicker = Arc<dyn Fn(PickFor) -> Option<PathBuf> + Send + Sync>;

/// The system file dialog (GTK through rfd), filtered to common video and audio files.
pub fn system_file_picker() -> FilePicker {
    Arc::new(|purpose| {
        if purpose == PickFor::ExportFolder {
            return rfd::FileDialog::new()
                .set_title("Folder for the clips")
                .pick_folder();
        }
        if purpose == PickFor::CaptionStyle {
            return rfd::FileDialog::new()
                .set_title("Caption style file")
                .add_filter("Caption style", &["toml", "json"])
                .pick_file();
        }
        rfd::FileDialog::new()
            .set_title(match purpose {
                PickFor::Source => "Open a video",
                _ => "Background video for stacked shorts",
            })
            .add_filter(
                "Video and audio",
                &[
                    "mp4", "mkv", "mov", "webm", "avi", "flv", "ts", "m4v", "mp3", "m4a", "wav",
                    "flac", "ogg", "opus",
                ],
            )
            .add_filter("All files", &["*"])
            .pick_file()
    })
}

/// The size thumbnails are decoded at (they are drawn 40 points high, larger on hover).
pub const THUMB_SIZE: (u32, u32) = (160, 90);

/// Starts and tracks the window's background jobs.
pub struct Jobs {
    msgs: MsgSender,
    picker: FilePicker,
    picking: bool,
    /// The running analysis and its cancel token.
    analysis: Option<(JobId, CancelToken)>,
    /// The running export and its cancel token.
    export: Option<(JobId, CancelToken)>,
    /// The running export's clips' own cancel tokens.
    export_clips: Vec<CancelToken>,
    /// The running model download and its cancel token.
    download: Option<(JobId, CancelToken)>,
    /// The running timeline-tracks jobs (thumbnails, waveform) of the open file.
    tracks: CancelToken,
    /// The detail-thumbnail worker (started on first use).
    tx_detail: Option<Sender<(u64, PathBuf, Vec<f64>)>>,
    /// Where projects are saved (None: not saved, e.g. no home folder).
    data_dir: Option<PathBuf>,
}

impl Jobs {
    pub fn new(msgs: MsgSender, picker: FilePicker, data_dir: Option<PathBuf>) -> Jobs {
        Jobs {
            msgs,
            picker,
            picking: false,
            tracks: CancelToken::new(),
            tx_detail: None,
            analysis: None,
            export: None,
            export_clips: Vec::new(),
            download: None,
            data_dir,
        }
    }

    /// Starts "Find Viral Clips" on `path` as `job`; progress, the quick and the full ranking
    /// arrive as messages.
    pub fn analyze(&mut self, job: JobId, path: PathBuf, opts: AnalyzeOptions) {
        self.cancel_analysis();
        let cancel = CancelToken::new();
        self.analysis = Some((job, cancel.clone()));
        let msgs = self.msgs.clone();
        let events = msgs.clone();
        let sink = EventSink::new(move |ev| events.send(Msg::Engine(ev)));
        let ranked = msgs.clone();
        let rankings = move |r: Ranking| ranked.send(Msg::Ranked(r));
        spawn_job(
            "analysis",
            msgs,
            move || {
                let result = analyze(&path, &opts, job, &sink, &rankings, &cancel).map_err(|e| {
                    if e.is_cancelled() {
                        AnalysisFailure::Cancelled
                    } else {
                        AnalysisFailure::Failed(e.to_string())
                    }
                });
                Msg::Analyzed { job, result }
            },
            move |why| Msg::Analyzed {
                job,
                result: Err(AnalysisFailure::Failed(why)),
            },
        );
    }

    /// Exports `clips` of `source` with `opts` on a worker as `job`; progress and the results
    /// arrive as messages.
    pub fn export(
        &mut self,
        job: JobId,
        source: PathBuf,
        clips: Vec<ClipRequest>,
        opts: ExportOptions,
    ) {
        self.cancel_export();
        let cancel = CancelToken::new();
        self.export = Some((job, cancel.clone()));
        self.export_clips = clips.iter().map(|_| CancelToken::new()).collect();
        let opts = ExportOptions {
            clip_cancels: self.export_clips.clone(),
            ..opts
        };
        let msgs = self.msgs.clone();
        let events = msgs.clone();
        let sink = EventSink::new(move |ev| events.send(Msg::Engine(ev)));
        spawn_job(
            "export",
            msgs,
            move || {
                let result = export_clips(&source, &clips, &opts, job, &sink, &cancel)
                    .map(|r| (opts.out_dir.clone(), r))
                    .map_err(|e| e.to_string());
                Msg::Exported { job, result }
            },
            move |why| Msg::Exported {
                job,
                result: Err(why),
            },
        );
    }

    /// Looks on a worker which of `paths` are not files any more; answers with
    /// [`Msg::Missing`].
    pub fn check_files(&self, paths: Vec<PathBuf>) {
        spawn_job(
            "file check",
            self.msgs.clone(),
            move || Msg::Missing(paths.into_iter().filter(|p| !p.is_file()).collect()),
            |_| Msg::Missing(Vec::new()),
        );
    }

    /// Cancels clip `i` of the running export only (the rest go on).
    pub fn cancel_export_clip(&self, i: usize) {
        if let Some(t) = self.export_clips.get(i) {
            t.cancel();
        }
    }

    /// Opens `dir` in the desktop's file manager (`xdg-open`, no shell), on a worker.
    pub fn show_in_folder(&self, dir: PathBuf) {
        spawn_job(
            "show in folder",
            self.msgs.clone(),
            move || {
                let line = match std::process::Command::new("xdg-open").arg(&dir).status() {
                    Ok(s) if s.success() => {
                        LogLine::new(tracing::Level::INFO, format!("opened {}", dir.display()))
                    }
                    Ok(s) => LogLine::new(
                        tracing::Level::WARN,
                        format!("xdg-open {} ended with {s}", dir.display()),
                    ),
                    Err(e) => LogLine::new(
                        tracing::Level::WARN,
                        format!(
                            "cannot open {} ({e}): is xdg-utils installed?",
                            dir.display()
                        ),
                    ),
                };
                Msg::Log(line)
            },
            |why| Msg::Log(LogLine::new(tracing::Level::WARN, why)),
        );
    }

    pub fn cancel_export(&mut self) {
        if let Some((_, cancel)) = self.export.take() {
            cancel.cancel();
        }
    }

    /// Cancels the running analysis, if any (it reports `Cancelled` when it has stopped).
    pub fn cancel_analysis(&mut self) {
        if let Some((_, cancel)) = self.analysis.take() {
            cancel.cancel();
        }
    }

    /// Shows the file dialog on its own thread (it blocks until the person chooses).
    pub fn pick_file(&mut self, purpose: PickFor) {
        if self.picking {
            return;
        }
        self.picking = true;
        let picker = self.picker.clone();
        spawn_job(
            "file dialog",
            self.msgs.clone(),
            move || Msg::Picked(purpose, picker(purpose)),
            move |_| Msg::Picked(purpose, None),
        );
    }

    /// Reads the caption style file `path` on a worker; answers with [`Msg::CaptionStyle`].
    pub fn load_caption_style(&self, path: PathBuf) {
        let name = path.display().to_string();
        spawn_job(
            "caption style",
            self.msgs.clone(),
            move || {
                Msg::CaptionStyle(
                    slopcannon_engine::captions::CaptionStyle::load(&path.to_string_lossy())
                        .map(|s| (s, path.display().to_string()))
                        .map_err(|e| e.to_string()),
                )
            },
            move |why| Msg::CaptionStyle(Err(format!("{name}: {why}"))),
        );
    }

    pub fn picked(&mut self) {
        self.picking = false;
    }

    /// Probes `path` (and checks that it decodes) on a worker, and loads its saved clips.
    pub fn probe(&self, generation: u64, path: PathBuf) {
        let data_dir = self.data_dir.clone();
        let crashed_path = path.clone();
        spawn_job(
            "open",
            self.msgs.clone(),
            move || {
                let result = probe_decodable(&path, &CancelToken::new()).map_err(|e| e.to_string());
                let saved = match (&result, &data_dir) {
                    (Ok(_), Some(dir)) => Project::load(dir, &path).map_err(|e| e.to_string()),
                    _ => Ok(None),
                };
                Msg::Probed {
                    generation,
                    path,
                    result,
                    saved,
                }
            },
            move |why| Msg::Probed {
                generation,
                path: crashed_path,
                result: Err(why),
                saved: Ok(None),
            },
        );
    }

    /// Reads what the timeline's tracks show, each on its own worker: keyframe times and
    /// thumbnails (a keyframes-only decode), the waveform (one decode of the audio). Cancels
    /// the tracks of the file before.
    pub fn tracks(
        &mut self,
        generation: u64,
        path: PathBuf,
        duration_secs: f64,
        video: bool,
        audio: bool,
    ) {
        use slopcannon_engine::media::{keyframes, waveform::Waveform};
        self.tracks.cancel();
        let cancel = CancelToken::new();
        self.tracks = cancel.clone();
        if video {
            let (msgs, path, cancel) = (self.msgs.clone(), path.clone(), cancel.clone());
            spawn_job(
                "thumbnails",
                self.msgs.clone(),
                move || {
                    let started = std::time::Instant::now();
                    let times = keyframes::keyframe_times(&path, &cancel).unwrap_or_else(|e| {
                        if !cancel.is_cancelled() {
                            tracing::warn!("keyframes: {e}");
                        }
                        Vec::new()
                    });
                    // At most ~1000 thumbnails whatever the length (a 2-hour stream with
                    // 2-second GOPs has 3600 keyframes).
                    let spacing = (duration_secs / 1000.0).max(0.5);
                    let n = keyframes::thumbnails(
                        &path,
                        THUMB_SIZE.0,
                        THUMB_SIZE.1,
                        spacing,
                        &cancel,
                        |thumb| {
                            msgs.send(Msg::Thumbnail { generation, thumb });
                            std::ops::ControlFlow::Continue(())
                        },
                    );
                    match n {
                        Ok(n) => tracing::debug!(
                            "{} keyframes, {n} thumbnails in {:.2} s",
                            times.len(),
                            started.elapsed().as_secs_f64()
                        ),
                        Err(e) if !cancel.is_cancelled() => tracing::warn!("thumbnails: {e}"),
                        Err(_) => {}
                    }
                    Msg::Keyframes { generation, times }
                },
                move |_| Msg::Keyframes {
                    generation,
                    times: Vec::new(),
                },
            );
        }
        if audio {
            spawn_job(
                "waveform",
                self.msgs.clone(),
                move || {
                    let started = std::time::Instant::now();
                    let result = Waveform::build(&path, &cancel, |_| {})
                        .map(Arc::new)
                        .map_err(|e| e.to_string());
                    if result.is_ok() {
                        tracing::debug!("waveform in {:.2} s", started.elapsed().as_secs_f64());
                    }
                    Msg::Waveform { generation, result }
                },
                move |why| Msg::Waveform {
                    generation,
                    result: Err(why),
                },
            );
        }
    }

    /// Thumbnails at `times` (zoomed in past the keyframes' ones), decoded on a worker with its
    /// own open file; a newer request replaces what is left of an older one.
    pub fn detail_thumbnails(&mut self, generation: u64, path: PathBuf, times: Vec<f64>) {
        if self.tx_detail.is_none() {
            let (tx, rx) = crossbeam_channel::unbounded::<(u64, PathBuf, Vec<f64>)>();
            let msgs = self.msgs.clone();
            std::thread::Builder::new()
                .name("thumbnail detail".into())
                .spawn(move || detail_worker(&rx, &msgs))
                .map_err(|e| tracing::error!("cannot start the thumbnail thread: {e}"))
                .ok();
            self.tx_detail = Some(tx);
        }
        if let Some(tx) = &self.tx_detail {
            tx.send((generation, path, times)).ok();
        }
    }

    /// Writes `text` to `path` (the user's default settings) on a worker: temporary file,
    /// fsync, rename.
    pub fn save_settings(&self, path: PathBuf, text: String) {
        spawn_job(
            "settings",
            self.msgs.clone(),
            move || {
                let result = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .map_err(|e| e.to_string())
                    .and_then(|()| {
                        slopcannon_engine::temp_file::write_file(
                            &path,
                            text.as_bytes(),
                            slopcannon_engine::temp_file::Replace::Atomically,
                        )
                        .map_err(|e| e.to_string())
                    })
                    .map(|()| path.clone())
                    .map_err(|e| format!("cannot save the settings ({e}): {}", path.display()));
                Msg::SettingsSaved(result)
            },
            |why| Msg::SettingsSaved(Err(why)),
        );
    }

    /// Lists the models installed in `dir` (a directory read, so on a worker).
    pub fn list_models(&self, dir: PathBuf) {
        spawn_job(
            "models",
            self.msgs.clone(),
            move || Msg::Models(slopcannon_engine::speech::model::installed(&dir)),
            |_| Msg::Models(Vec::new()),
        );
    }

    /// Downloads model `name` from `base_url` into `dir` as `job`; progress and the end arrive
    /// as messages.
    pub fn download_model(&mut self, job: JobId, name: String, base_url: String, dir: PathBuf) {
        use slopcannon_engine::speech::download::{download_model, DownloadOptions};
        self.cancel_download();
        let cancel = CancelToken::new();
        self.download = Some((job, cancel.clone()));
        let events = self.msgs.clone();
        let sink = EventSink::new(move |ev| events.send(Msg::Engine(ev)));
        spawn_job(
            "download",
            self.msgs.clone(),
            move || {
                let opts = DownloadOptions {
                    base_url,
                    ..DownloadOptions::new(dir)
                };
                let result =
                    download_model(&name, &opts, job, &sink, &cancel).map_err(|e| e.to_string());
                Msg::Downloaded { job, result }
            },
            move |why| Msg::Downloaded {
                job,
                result: Err(why),
            },
        );
    }

    pub fn cancel_download(&mut self) {
        if let Some((_, cancel)) = self.download.take() {
            cancel.cancel();
        }
    }

    /// Where named whisper models and the transcript cache live (None: nowhere known).
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }
}

/// Decodes detail thumbnails, in time order (a zoomed-in stretch is often one GOP: the
/// grabber decodes on from one to the next). A newer request (the view moved) goes first;
/// what is left of older ones follows, so every time asked for is delivered once.
fn detail_worker(rx: &crossbeam_channel::Receiver<(u64, PathBuf, Vec<f64>)>, msgs: &MsgSender) {
    use slopcannon_engine::media::grab::FrameGrabber;
    use slopcannon_engine::media::keyframes::Thumbnail;
    let mut grabber: Option<(PathBuf, FrameGrabber)> = None;
    let cancel = CancelToken::new();
    // (generation, path, times not yet decoded), newest first.
    let mut queue: Vec<(u64, PathBuf, Vec<f64>)> = Vec::new();
    loop {
        if queue.is_empty() {
            match rx.recv() {
                Ok(req) => queue.push(req),
                Err(_) => return,
            }
        }
        while let Ok(req) = rx.try_recv() {
            queue.insert(0, req);
        }
        // Another file's requests are stale.
        let newest = queue[0].0;
        queue.retain(|(g, _, _)| *g == newest);
        let (generation, path, mut times) = queue.remove(0);
        if grabber.as_ref().is_none_or(|(p, _)| *p != path) {
            match FrameGrabber::open(&path) {
                Ok(g) => grabber = Some((path.clone(), g)),
                Err(e) => {
                    tracing::debug!("detail thumbnails: {e}");
                    continue;
                }
            }
        }
        let Some((_, g)) = grabber.as_mut() else {
            continue;
        };
        times.sort_by(f64::total_cmp);
        while !times.is_empty() {
            if !rx.is_empty() {
                queue.push((generation, path.clone(), times));
                break; // the view moved on: its request first, then the rest of this one
            }
            let t = times.remove(0);
            match g.grab(t, THUMB_SIZE.0, THUMB_SIZE.1, &cancel) {
                Ok(frame) => msgs.send(Msg::Thumbnail {
                    generation,
                    thumb: Thumbnail {
                        t_secs: frame.pts_secs,
                        frame,
                    },
                }),
                Err(e) => tracing::debug!("detail thumbnail at {t:.3} s: {e}"),
            }
        }
    }
}
