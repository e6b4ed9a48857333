//! `SlopApp`, the `eframe::App`: `logic` drains worker messages and runs commands; `ui` only
//! draws the panels from [`AppState`] and collects the commands they return.

use super::command::{Command, SHORTCUT_COMMANDS};
use super::jobs::{FilePicker, Jobs, Msg, MsgSender, PickFor, Waker};
use super::panels;
use super::state::{AppState, RunningAnalysis, RunningExport};
use crate::settings::Settings;
use crossbeam_channel::{Receiver, Sender};
use slopcannon_engine::analysis::AnalyzeOptions;
use slopcannon_engine::export::{ClipRequest, ExportOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The largest preview frame requested from the decoder.
pub const PREVIEW_MAX: (u32, u32) = (960, 540);

/// What the app needs from outside: the message channel (shared with the log forwarder),
/// how to pick a file, and what to open first.
pub struct AppDeps {
    pub tx: Sender<Msg>,
    pub rx: Receiver<Msg>,
    pub waker: Waker,
    pub picker: FilePicker,
    pub settings: Settings,
    pub settings_error: Option<String>,
    pub open: Option<PathBuf>,
    /// Where clip lists are saved between sessions (None: nowhere).
    pub data_dir: Option<PathBuf>,
    /// Where exports go (None: `slopcannon-clips` beside the video).
    pub export_dir: Option<PathBuf>,
}

impl AppDeps {
    /// A fresh channel and waker, with the given file picker.
    pub fn new(picker: FilePicker) -> AppDeps {
        let (tx, rx) = crossbeam_channel::unbounded();
        AppDeps {
            tx,
            rx,
            waker: Waker::default(),
            picker,
            settings: Settings::default(),
            settings_error: None,
            open: None,
            data_dir: None,
            export_dir: None,
        }
    }
}

pub struct SlopApp {
    pub state: AppState,
    settings: Settings,
    /// The clip-list version last handed to the saver.
    saved_version: u64,
    export_dir: Option<PathBuf>,
    jobs: Jobs,
    rx: Receiver<Msg>,
    commands: Vec<Command>,
}

impl SlopApp {
    pub fn new(cc: &eframe::CreationContext<'_>, deps: AppDeps) -> SlopApp {
        deps.waker.set(&cc.egui_ctx);
        let mut state = AppState::new();
        state.settings_error = deps.settings_error;
        let mut app = SlopApp {
            state,
            settings: deps.settings,
            saved_version: 0,
            export_dir: deps.export_dir,
            jobs: Jobs::new(
                MsgSender::new(deps.tx, deps.waker),
                deps.picker,
                deps.data_dir,
            ),
            rx: deps.rx,
            commands: Vec::new(),
        };
        if let Some(path) = deps.open {
            app.send(Command::OpenPath(path));
        }
        app
    }

    /// Queues a command; it runs at the start of the next frame.
    pub fn send(&mut self, cmd: Command) {
        self.commands.push(cmd);
    }

    fn run(&mut self, cmd: Command) {
        if self.state.settings_error.is_some() {
            return;
        }
        let frame_secs = 1.0 / self.state.fps();
        match cmd {
            Command::OpenDialog => self.jobs.pick_file(PickFor::Source),
            Command::PickBackground => self.jobs.pick_file(PickFor::Background),
            Command::SetBackground(path) => {
                if let Some(p) = &path {
                    tracing::info!("stacked shorts over {}", p.display());
                }
                self.state.export_choices.background = path;
            }
            Command::OpenPath(path) => {
                if self.state.analysis.take().is_some() {
                    self.jobs.cancel_analysis();
                }
                let generation = self.state.begin_open(path.clone());
                self.jobs.probe(generation, path);
            }
            Command::Seek(t) => self.seek(t),
            Command::StepFrames(n) => {
                // Land on frame boundaries: the frame shown now, plus n.
                let shown = self.state.preview_secs.unwrap_or(self.state.playhead_secs);
                let target = ((shown / frame_secs).round() + n as f64) * frame_secs;
                self.seek(target);
            }
            Command::StepSecs(s) => self.seek(self.state.playhead_secs + s),
            Command::SeekStart => self.seek(0.0),
            Command::SeekEnd => self.seek(self.state.duration_secs() - frame_secs * 0.5),
            Command::ToggleLog => self.state.show_log = !self.state.show_log,
            Command::ClearLog => self.state.log.clear(),
            Command::FindClips => self.find_clips(),
            Command::ToggleChosen(i) => {
                if !self.state.unchosen.remove(&i) {
                    self.state.unchosen.insert(i);
                }
            }
            Command::SetExportChoices(c) => self.state.export_choices = c,
            Command::ExportClips => self.export_clips(),
            Command::CancelExport => {
                if let Some(run) = self.state.export.as_mut() {
                    run.cancelling = true;
                    self.jobs.cancel_export();
                }
            }
            Command::CancelAnalysis => {
                if let Some(run) = self.state.analysis.as_mut() {
                    run.cancelling = true;
                    self.jobs.cancel_analysis();
                }
            }
            Command::SelectClip(i) => {
                if let Some(clip) = self.state.clips.clips.get(i) {
                    let start = clip.start;
                    self.state.clips.selected = Some(i);
                    self.seek(start);
                }
            }
            Command::NextClip | Command::PrevClip => {
                let n = self.state.clips.clips.len();
                if n > 0 {
                    let next = match (self.state.clips.selected, cmd == Command::NextClip) {
                        (None, _) => 0,
                        (Some(i), true) => (i + 1).min(n - 1),
                        (Some(i), false) => i.saturating_sub(1),
                    };
                    self.run(Command::SelectClip(next));
                }
            }
            Command::SetClipStart => {
                if let Some(c) = self.state.selected_clip() {
                    let end = c.end;
                    self.run(Command::SetClipBounds(self.state.playhead_secs, end));
                }
            }
            Command::SetClipEnd => {
                if let Some(c) = self.state.selected_clip() {
                    let start = c.start;
                    self.run(Command::SetClipBounds(start, self.state.playhead_secs));
                }
            }
            Command::SetClipBounds(start, end) => {
                let duration = self.state.duration_secs();
                let min_len = 1.0 / self.state.fps();
                if let Some(c) = self
                    .state
                    .clips
                    .selected
                    .and_then(|i| self.state.clips.clips.get_mut(i))
                {
                    let start = start.clamp(0.0, duration);
                    let end = end.clamp(0.0, duration);
                    if end - start >= min_len {
                        c.start = start;
                        c.end = end;
                        self.state.clips.version += 1;
                    } else {
                        self.state.status = "A clip must end after it starts".into();
                    }
                }
            }
        }
    }

    /// Exports the ticked clips next to the video, in `<video folder>/slopcannon-clips`.
    fn export_clips(&mut self) {
        if self.state.export.is_some() {
            return;
        }
        let Some(path) = self.state.file.as_ref().map(|f| f.path.clone()) else {
            return;
        };
        let clips: Vec<ClipRequest> = self
            .state
            .clips
            .clips
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.state.unchosen.contains(i))
            .map(|(_, c)| ClipRequest {
                start: c.start,
                end: c.end,
                subtitles: None,
            })
            .collect();
        if clips.is_empty() {
            self.state.status = "No clips ticked for export".into();
            return;
        }
        let out_dir = self.export_dir.clone().unwrap_or_else(|| {
            path.parent()
                .unwrap_or(std::path::Path::new("."))
                .join("slopcannon-clips")
        });
        let opts = ExportOptions {
            out_dir,
            portrait: self.state.export_choices.portrait,
            stacked: self.state.export_choices.background.clone(),
            loudnorm: self.state.export_choices.loudnorm,
            captions: self
                .state
                .clips
                .transcript
                .clone()
                .filter(|_| self.state.export_choices.captions),
            ..self.settings.export_options()
        };
        let n = clips.len();
        let job = self.jobs.export(path, clips, opts);
        self.state.export = Some(RunningExport {
            job,
            clips: n,
            progress: None,
            cancelling: false,
        });
        self.state.status = format!("Exporting {n} clips…");
    }

    /// Starts "Find Viral Clips" on the open file.
    fn find_clips(&mut self) {
        if self.state.analysis.is_some() {
            return;
        }
        let Some(generation) = self.state.ready_generation() else {
            self.state.status = "Open a video first".into();
            return;
        };
        let Some(path) = self.state.file.as_ref().map(|f| f.path.clone()) else {
            return;
        };
        let speech = self
            .settings
            .transcribe_options(self.jobs.data_dir(), None, true);
        let opts = AnalyzeOptions {
            speech: Some(speech),
            ..self.settings.analyze_options()
        };
        let job = self.jobs.analyze(path, opts);
        self.state.analysis = Some(RunningAnalysis {
            job,
            generation,
            started: Instant::now(),
            progress: Vec::new(),
            cancelling: false,
        });
        self.state.status = "Finding clips…".into();
    }

    fn seek(&mut self, t: f64) {
        if !self.state.has_video() {
            return;
        }
        let generation = self.state.begin_seek(t);
        if let Some(file) = &self.state.file {
            self.jobs.preview(
                generation,
                &file.path,
                self.state.playhead_secs,
                PREVIEW_MAX,
            );
        }
    }

    fn handle_input(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.send(Command::OpenPath(path));
        }
        if ctx.egui_wants_keyboard_input() {
            return; // typing in a text field: arrows move the cursor, not the playhead
        }
        for cmd in SHORTCUT_COMMANDS {
            if let Some(sc) = cmd.shortcut() {
                if ctx.input_mut(|i| i.consume_shortcut(&sc)) {
                    self.send(cmd);
                }
            }
        }
    }
}

impl eframe::App for SlopApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Drain worker messages within a time budget, so a flood never stalls a frame.
        let start = Instant::now();
        while let Ok(msg) = self.rx.try_recv() {
            if matches!(msg, Msg::Picked(..)) {
                self.jobs.picked();
            }
            if let Some(cmd) = self.state.apply(msg) {
                self.send(cmd);
            }
            if start.elapsed() > Duration::from_millis(8) {
                ctx.request_repaint();
                break;
            }
        }
        if let Some(frame) = self.state.pending_frame.take() {
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [frame.width as usize, frame.height as usize],
                &frame.pixels,
            );
            match self.state.preview.as_mut() {
                Some(tex) => tex.set(image, egui::TextureOptions::LINEAR),
                None => {
                    self.state.preview =
                        Some(ctx.load_texture("preview", image, egui::TextureOptions::LINEAR));
                }
            }
        }
        self.handle_input(ctx);
        for cmd in std::mem::take(&mut self.commands) {
            self.run(cmd);
        }
        if self.state.clips.version != self.saved_version {
            self.saved_version = self.state.clips.version;
            if let Some(file) = &self.state.file {
                self.jobs.save_project(
                    file.path.clone(),
                    self.state.clips.clips.clone(),
                    self.state.clips.scenes.clone(),
                    self.state.clips.transcript.clone(),
                );
            }
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut cmds = Vec::new();
        panels::top_bar::top_bar_ui(ui, &self.state, &mut cmds);
        panels::status_bar::status_bar_ui(ui, &self.state);
        if self.state.show_log {
            panels::log::log_ui(ui, &self.state, &mut cmds);
        }
        if !self.state.clips.clips.is_empty() || self.state.analysis.is_some() {
            panels::clips::clips_ui(ui, &self.state, &mut cmds);
        }
        panels::preview::preview_ui(ui, &self.state, &mut cmds);
        self.commands.extend(cmds);
        if !self.commands.is_empty() || !self.rx.is_empty() {
            ui.ctx().request_repaint();
        }
    }
}
