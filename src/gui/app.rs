//! `SlopApp`, the `eframe::App`: `logic` drains worker messages and runs commands; `ui` only
//! draws the panels from [`AppState`] and collects the commands they return.

use super::command::{Command, SHORTCUT_COMMANDS};
use super::jobs::{FilePicker, Jobs, Msg, MsgSender, PickFor, Waker};
use super::panels;
use super::player::{shuttle, PlayRequest, Player};
use super::segments::{Refused, Segments};
use super::state::{AppState, PlaybackView, RunningAnalysis, RunningExport};
use super::widgets::timeline_view::TimelineView;
use crate::settings::Settings;
use crossbeam_channel::{Receiver, Sender};
use slopcannon_engine::analysis::AnalyzeOptions;
use slopcannon_engine::export::ClipRequest;
use slopcannon_engine::project::Project;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A segment added at the playhead (N) without in / out marks is this long.
const NEW_SEGMENT_SECS: f64 = 10.0;

/// Detail thumbnails kept at most (each 160×90 RGBA, 56 KiB as a texture).
const MAX_THUMBNAILS: usize = 1500;

/// The preview frame size asked for before the panel has been laid out.
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
    /// `slopcannon bench gui`: the script that drives the window and measures it.
    pub bench: Option<super::bench::BenchPlan>,
    /// Where the models window downloads from (tests point it at a local server).
    pub model_base_url: String,
    /// The layers the settings were read from (the settings window adds its edits on top).
    pub settings_layers: Vec<crate::settings::Layer>,
    /// Where "Save as my defaults" writes (None: no config folder).
    pub user_defaults: Option<PathBuf>,
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
            bench: None,
            model_base_url: slopcannon_engine::speech::download::DEFAULT_BASE_URL.to_string(),
            settings_layers: Vec::new(),
            user_defaults: None,
        }
    }
}

pub struct SlopApp {
    pub state: AppState,
    settings: Settings,
    /// What was last handed to autosave: the file's generation, the clip-list version and
    /// the export choices (a change of any is saved).
    saved: (u64, u64, super::state::ExportChoices),
    autosave: super::autosave::Autosave,
    export_dir: Option<PathBuf>,
    jobs: Jobs,
    player: Player,
    /// The preview's size on screen in pixels: frames are scaled straight to it.
    preview_px: (u32, u32),
    /// Where the timeline was last drawn (tests and the benchmark aim the pointer with it).
    pub timeline: Option<crate::gui::widgets::timeline::Geometry>,
    bench: Option<super::bench::Bench>,
    model_base_url: String,
    settings_layers: Vec<crate::settings::Layer>,
    user_defaults: Option<PathBuf>,
    /// When this frame's `logic` started (the benchmark's UI frame time).
    frame_started: Instant,
    rx: Receiver<Msg>,
    commands: Vec<Command>,
    /// Renders the export panel's preview.
    export_preview: super::export_preview::ExportPreviewWorker,
    /// Quit was asked for: the window closes at the end of this frame's logic.
    quit: bool,
}

impl SlopApp {
    pub fn new(cc: &eframe::CreationContext<'_>, deps: AppDeps) -> SlopApp {
        deps.waker.set(&cc.egui_ctx);
        let mut state = AppState::new();
        state.settings_error = deps.settings_error;
        state.models.dir = deps
            .data_dir
            .as_deref()
            .map(slopcannon_engine::speech::model::models_dir);
        state.models.choice = deps.settings.whisper_model.clone();
        if let Some(storage) = cc.storage {
            super::persist::restore(storage, &mut state);
        }
        let msgs = MsgSender::new(deps.tx, deps.waker);
        let mut app = SlopApp {
            state,
            player: Player::new(msgs.clone(), deps.settings.audio_output),
            export_preview: super::export_preview::ExportPreviewWorker::start(msgs.clone()),
            settings: deps.settings,
            saved: (0, 0, Default::default()),
            autosave: super::autosave::Autosave::start(deps.data_dir.clone(), msgs.clone()),
            export_dir: deps.export_dir,
            jobs: Jobs::new(msgs, deps.picker, deps.data_dir),
            preview_px: PREVIEW_MAX,
            timeline: None,
            bench: deps.bench.map(super::bench::Bench::new),
            model_base_url: deps.model_base_url,
            settings_layers: deps.settings_layers,
            user_defaults: deps.user_defaults,
            frame_started: Instant::now(),
            rx: deps.rx,
            commands: Vec::new(),
            quit: false,
        };
        if !app.state.recent.paths().is_empty() {
            app.jobs.check_files(app.state.recent.paths().to_vec());
        }
        if let Some(path) = deps.open {
            app.send(Command::OpenPath(path));
        }
        app
    }

    /// Queues a command; it runs at the start of the next frame.
    /// The settings in use (the settings window can change them for the session).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn send(&mut self, cmd: Command) {
        self.commands.push(cmd);
    }

    fn run(&mut self, cmd: Command) {
        // A bad setting blocks all work; quitting still works.
        if self.state.settings_error.is_some() && cmd != Command::Quit {
            return;
        }
        let frame_secs = 1.0 / self.state.fps();
        match cmd {
            Command::Quit => self.quit = true,
            Command::OpenDialog => self.jobs.pick_file(PickFor::Source),
            Command::PickBackground => self.jobs.pick_file(PickFor::Background),
            Command::PickExportFolder => self.jobs.pick_file(PickFor::ExportFolder),
            Command::PickCaptionStyle => self.jobs.pick_file(PickFor::CaptionStyle),
            Command::LoadCaptionStyle(path) => self.jobs.load_caption_style(path),
            Command::SetExportFolder(dir) => self.state.export_choices.out_dir = dir,
            Command::SetBackground(path) => {
                if let Some(p) = &path {
                    tracing::info!("stacked shorts over {}", p.display());
                }
                self.state.export_choices.background = path;
            }
            Command::OpenPath(path) => {
                self.stop_playing();
                if self.state.analysis.take().is_some() {
                    self.jobs.cancel_analysis();
                }
                let generation = self.state.begin_open(path.clone());
                self.jobs.probe(generation, path);
            }
            Command::Seek(t) => match self.player.playing.as_ref().map(|p| p.request.clone()) {
                // Playing on from there (a click on the timeline while playing).
                Some(req) => self.play(PlayRequest {
                    from_secs: t.clamp(0.0, self.state.duration_secs()),
                    ..req
                }),
                None => self.seek(t),
            },
            Command::Scrub(t) => {
                self.stop_playing();
                self.seek(t);
            }
            Command::StepFrames(n) => {
                self.stop_playing();
                // Land on frame boundaries: the frame shown now, plus n.
                let shown = self.state.preview_secs.unwrap_or(self.state.playhead_secs);
                let target = ((shown / frame_secs).round() + n as f64) * frame_secs;
                self.seek(target);
            }
            Command::StepSecs(s) => {
                self.stop_playing();
                self.seek(self.state.playhead_secs + s);
            }
            Command::SeekStart => {
                self.stop_playing();
                self.seek(0.0);
            }
            Command::SeekEnd => {
                self.stop_playing();
                self.seek(self.state.duration_secs() - frame_secs * 0.5);
            }
            Command::PrevKeyframe | Command::NextKeyframe => {
                self.stop_playing();
                match self
                    .state
                    .keyframe_from_playhead(cmd == Command::NextKeyframe)
                {
                    Some(k) => self.seek(k),
                    None if self.state.keyframes.is_empty() => {
                        self.state.status = "Keyframes are not known yet".into();
                    }
                    None => {}
                }
            }
            Command::TogglePlay => {
                if self.player.playing.is_some() {
                    self.stop_playing();
                } else {
                    self.play_at(self.state.playhead_secs, 1.0);
                }
            }
            Command::Shuttle { faster } => {
                let speed = self.player.playing.as_ref().map_or(0.0, |p| p.speed());
                let next = shuttle::step(speed, faster);
                if next == 0.0 {
                    self.stop_playing();
                } else {
                    self.play_at(self.state.playhead_secs, next);
                }
            }
            Command::PlayClip { looping } => {
                if let Some(c) = self.state.selected_segment() {
                    let (start, end) = (c.start, c.end);
                    if let Some(req) = self.play_request(start, 1.0) {
                        self.play(PlayRequest {
                            end_secs: Some(end),
                            looping,
                            ..req
                        });
                    }
                } else {
                    self.state.status = "Select a clip to play it".into();
                }
            }
            Command::ToggleMute => {
                self.state.muted = !self.state.muted;
                self.player.set_volume(self.state.volume, self.state.muted);
            }
            Command::SetVolume(v) => {
                self.state.volume = v.clamp(0.0, 1.0);
                self.state.muted = false;
                self.player.set_volume(self.state.volume, self.state.muted);
            }
            Command::ToggleLog => self.state.show_log = !self.state.show_log,
            Command::ClearLog => self.state.log.clear(),
            Command::SetLogView(view) => self.state.log_view = view,
            Command::FindClips => {
                if self.state.clips.segments.edited() > 0 && self.state.analysis.is_none() {
                    self.state.confirm_find = true; // the window asks first
                } else {
                    self.find_clips();
                }
            }
            Command::FindClipsKeeping { keep_edits } => {
                self.state.confirm_find = false;
                self.state.replace_edits = !keep_edits;
                self.find_clips();
            }
            Command::CancelFind => self.state.confirm_find = false,
            Command::ToggleChosen(i) => {
                if let Some(id) = self.id_at(i) {
                    self.edit("Tick / untick segment", |s, _| s.toggle_chosen(id));
                }
            }
            Command::SetLabel(i, label) => {
                if let Some(id) = self.id_at(i) {
                    let what = format!("Label segment #{}", i + 1);
                    self.edit_coalescing(&what, id, |s, _| s.set_label(id, &label));
                }
            }
            Command::FocusLabel => self.state.focus_label = true,
            Command::SetTranscriptSearch(text) => self.state.transcript_search = text,
            Command::SelectWords(sel) => self.state.word_selection = sel,
            Command::ClipWords { start, end } => {
                if self
                    .edit("Clip words", |s, d| s.add(start, end, d))
                    .is_some()
                {
                    self.state.word_selection = None;
                    self.seek(start);
                }
            }
            Command::CorrectWord { at: (si, wi), text } => {
                if let Some(t) = self.state.clips.transcript.as_mut() {
                    let t = std::sync::Arc::make_mut(t);
                    if let Some(w) = t.segments.get_mut(si).and_then(|s| s.words.get_mut(wi)) {
                        // Keep whisper's leading space (the captions join words by it).
                        let lead = if w.word.starts_with(' ') { " " } else { "" };
                        w.word = format!("{lead}{}", text.trim());
                        let seg = &mut t.segments[si];
                        seg.text = seg.words.iter().map(|w| w.word.as_str()).collect();
                        self.state.clips.version += 1;
                    }
                }
            }
            Command::ToggleTranscript => self.state.show_transcript = !self.state.show_transcript,
            Command::ToggleSettings => {
                let v = &mut self.state.settings_view;
                v.open = !v.open;
                v.effective = self.settings.effective();
                v.draft = v
                    .effective
                    .iter()
                    .map(|(k, val, _)| (*k, val.clone()))
                    .collect();
                v.error = None;
            }
            Command::EditSetting(var, value) => {
                self.state.settings_view.draft.insert(var, value);
            }
            Command::ApplySettings => {
                self.apply_settings();
            }
            Command::SaveSettings => {
                if self.apply_settings() {
                    match self.user_defaults.clone() {
                        Some(path) => {
                            // What the user has in their defaults, with this session's on top.
                            let mut pairs: std::collections::BTreeMap<String, String> = self
                                .settings_layers
                                .iter()
                                .filter(|(s, _)| *s == crate::settings::Source::UserDefaults)
                                .flat_map(|(_, p)| p.iter().cloned())
                                .collect();
                            for (var, value, source) in self.settings.effective() {
                                if source == crate::settings::Source::Session {
                                    pairs.insert(var.to_string(), value);
                                }
                            }
                            let pairs: Vec<(String, String)> = pairs.into_iter().collect();
                            self.jobs
                                .save_settings(path, crate::settings::write_pairs(&pairs));
                        }
                        None => {
                            self.state.settings_view.saved =
                                Some(Err("No config folder to save the defaults in".into()));
                        }
                    }
                }
            }
            Command::ToggleModels => {
                self.state.models.open = !self.state.models.open;
                if self.state.models.open {
                    self.run(Command::ListModels);
                }
            }
            Command::ListModels => {
                if let Some(dir) = self.state.models.dir.clone() {
                    self.jobs.list_models(dir);
                }
            }
            Command::ChooseModel(name) => self.state.models.choice = name,
            Command::DownloadModel => {
                let Some(dir) = self.state.models.dir.clone() else {
                    return;
                };
                if self.state.models.download.is_some() {
                    return;
                }
                let name = self.state.models.choice.trim().to_string();
                let job = self
                    .jobs
                    .download_model(name.clone(), self.model_base_url.clone(), dir);
                self.state.models.result = None;
                self.state.models.download = Some(super::state::RunningDownload {
                    job,
                    name,
                    progress: None,
                    cancelling: false,
                });
            }
            Command::CancelDownload => {
                if let Some(d) = self.state.models.download.as_mut() {
                    d.cancelling = true;
                    self.jobs.cancel_download();
                }
            }
            Command::Undo => self.step_history(true),
            Command::Redo => self.step_history(false),
            Command::AddSegment => {
                let t = self.state.playhead_secs;
                let (start, end) = match (self.state.mark_in, self.state.mark_out) {
                    (Some(i), Some(o)) if o > i => (i, o),
                    _ => (t, t + NEW_SEGMENT_SECS),
                };
                if self
                    .edit("Add segment", |s, d| s.add(start, end, d))
                    .is_some()
                {
                    self.state.mark_in = None;
                    self.state.mark_out = None;
                }
            }
            Command::SplitSegment => {
                let t = self.state.playhead_secs;
                match self.state.clips.segments.selected {
                    Some(id) => {
                        self.edit("Split segment", |s, _| s.split(id, t));
                    }
                    None => self.state.status = "Select a segment to split".into(),
                }
            }
            Command::DeleteSegment => {
                if let Some(id) = self.state.clips.segments.selected {
                    self.edit("Delete segment", |s, _| s.delete(id));
                }
            }
            Command::DuplicateSegment => {
                if let Some(id) = self.state.clips.segments.selected {
                    self.edit("Duplicate segment", |s, _| s.duplicate(id));
                }
            }
            Command::MoveSegment { up } => {
                if let Some(id) = self.state.clips.segments.selected {
                    let what = if up {
                        "Move segment up"
                    } else {
                        "Move segment down"
                    };
                    self.edit(what, |s, _| s.shift(id, up));
                }
            }
            Command::SetExportChoices(c) => self.state.export_choices = c,
            Command::SetAnalysisChoices(c) => {
                let rerank = c.select_options() != self.state.analysis_choices.select_options();
                self.state.analysis_choices = c;
                // Weights, count and lengths rank again at once from the cached features
                // (the segments the person edited stay).
                if rerank {
                    self.state.rerank();
                }
            }
            Command::ExportClips => self.export_clips(),
            Command::CancelExportClip(i) => {
                if let Some(row) = self.state.export.as_mut().and_then(|e| e.rows.get_mut(i)) {
                    row.cancelling = true;
                    self.jobs.cancel_export_clip(i);
                }
            }
            Command::ShowInFolder(dir) => self.jobs.show_in_folder(dir),
            Command::CancelExport => {
                if let Some(run) = self.state.export.as_mut() {
                    run.cancelling = true;
                    self.jobs.cancel_export();
                }
            }
            Command::CancelAnalysis => {
                // Esc: the analysis if one runs, else the export.
                if let Some(run) = self.state.analysis.as_mut() {
                    run.cancelling = true;
                    self.jobs.cancel_analysis();
                } else if self.state.export.is_some() {
                    self.run(Command::CancelExport);
                } else if self.state.confirm_find {
                    self.state.confirm_find = false;
                }
            }
            Command::SelectClip(i) => {
                if let Some(seg) = self.state.segments().get(i) {
                    let (id, start) = (seg.id, seg.start);
                    self.state.clips.segments.selected = Some(id);
                    self.seek(start);
                }
            }
            Command::NextClip | Command::PrevClip => {
                let n = self.state.segments().len();
                if n > 0 {
                    let at = self.state.clips.segments.selected_index();
                    let next = match (at, cmd == Command::NextClip) {
                        (None, _) => 0,
                        (Some(i), true) => (i + 1).min(n - 1),
                        (Some(i), false) => i.saturating_sub(1),
                    };
                    self.run(Command::SelectClip(next));
                }
            }
            Command::SetClipStart => {
                let t = self.mark_time();
                self.state.mark_in = Some(t);
                if let Some(c) = self.state.selected_segment() {
                    let end = c.end;
                    self.run(Command::SetClipBounds(t, end));
                }
            }
            Command::SetClipEnd => {
                let t = self.mark_time();
                self.state.mark_out = Some(t);
                if let Some(c) = self.state.selected_segment() {
                    let start = c.start;
                    self.run(Command::SetClipBounds(start, t));
                }
            }
            Command::TrimClip { index, start, end } => {
                if let Some(id) = self.id_at(index) {
                    self.state.clips.segments.selected = Some(id);
                    let what = format!("Trim segment #{}", index + 1);
                    self.edit_coalescing(&what, id, |s, d| s.trim(id, start, end, d));
                }
            }
            Command::SetView(view) => self.state.view = view.clamped(self.state.duration_secs()),
            Command::ZoomTimeline(f) => {
                let d = self.state.duration_secs();
                self.state.view = self.state.view.zoomed(f, self.state.playhead_secs, d);
            }
            Command::WantThumbnails(times) => {
                let Some(generation) = self.state.ready_generation() else {
                    return;
                };
                let fresh: Vec<f64> = times
                    .into_iter()
                    .filter(|t| self.state.thumbs_asked.insert(t.to_bits()))
                    .collect();
                let room = MAX_THUMBNAILS.saturating_sub(self.state.thumbs_asked.len());
                if !fresh.is_empty() && room > 0 {
                    if let Some(file) = &self.state.file {
                        self.jobs
                            .detail_thumbnails(generation, file.path.clone(), fresh);
                    }
                }
            }
            Command::FitTimeline => {
                self.state.view = TimelineView::fit(self.state.duration_secs());
            }
            Command::SetClipBounds(start, end) => {
                if let Some(id) = self.state.clips.segments.selected {
                    let n = self
                        .state
                        .clips
                        .segments
                        .selected_index()
                        .map_or(0, |i| i + 1);
                    let what = format!("Trim segment #{n}");
                    self.edit_coalescing(&what, id, |s, d| s.trim(id, start, end, d));
                }
            }
        }
    }

    /// The settings window's draft, validated like the settings at start and used for this
    /// session; false (and the message in the window) when a value is refused.
    fn apply_settings(&mut self) -> bool {
        let view = &self.state.settings_view;
        let changed: Vec<(String, String)> = view
            .draft
            .iter()
            .filter(|(var, value)| {
                view.effective
                    .iter()
                    .find(|(v, _, _)| v == *var)
                    .is_none_or(|(_, now, _)| now != *value)
            })
            .map(|(var, value)| (var.to_string(), value.clone()))
            .collect();
        let mut layers = self.settings_layers.clone();
        // Earlier session edits stay under the new ones.
        let earlier: Vec<(String, String)> = self
            .settings
            .effective()
            .into_iter()
            .filter(|(_, _, s)| *s == crate::settings::Source::Session)
            .map(|(k, v, _)| (k.to_string(), v))
            .collect();
        layers.push((crate::settings::Source::Session, earlier));
        layers.push((crate::settings::Source::Session, changed));
        match Settings::from_layers(layers) {
            Ok(s) => {
                self.settings = s;
                let v = &mut self.state.settings_view;
                v.error = None;
                v.effective = self.settings.effective();
                v.draft = v
                    .effective
                    .iter()
                    .map(|(k, val, _)| (*k, val.clone()))
                    .collect();
                tracing::info!("settings changed for this session");
                true
            }
            Err(e) => {
                self.state.settings_view.error = Some(e.to_string());
                false
            }
        }
    }

    /// Where I / O put a mark: the playhead, or the word bound within a quarter second of it
    /// (a clip never starts or ends mid-word by accident).
    fn mark_time(&self) -> f64 {
        let t = self.state.playhead_secs;
        self.state.word_bound_near(t, 0.25).unwrap_or(t)
    }

    /// Undoes (or redoes) the last edit, saying which.
    fn step_history(&mut self, undo: bool) {
        let now = self.state.clips.segments.clone();
        let h = &mut self.state.history;
        let step = if undo { h.undo(now) } else { h.redo(now) };
        let (done, nothing) = if undo {
            ("Undid", "Nothing to undo")
        } else {
            ("Redid", "Nothing to redo")
        };
        match step {
            Some((what, list)) => {
                self.state.clips.segments = list;
                self.state.clips.version += 1;
                self.state.status = format!("{done}: {what}");
            }
            None => self.state.status = nothing.into(),
        }
    }

    /// The id of the segment at list position `i`.
    fn id_at(&self, i: usize) -> Option<u64> {
        self.state.segments().get(i).map(|s| s.id)
    }

    /// Makes an edit of the segment list as one undo step named `what`; a refusal goes to the
    /// status line.
    fn edit<T>(
        &mut self,
        what: &str,
        f: impl FnOnce(&mut Segments, f64) -> Result<T, Refused>,
    ) -> Option<T> {
        self.edit_with(what, None, f)
    }

    /// An edit that joins the one before when it is of the same segment right after it (the
    /// frames of a drag, the keys of a label).
    fn edit_coalescing<T>(
        &mut self,
        what: &str,
        id: u64,
        f: impl FnOnce(&mut Segments, f64) -> Result<T, Refused>,
    ) -> Option<T> {
        self.edit_with(what, Some(id), f)
    }

    fn edit_with<T>(
        &mut self,
        what: &str,
        key: Option<u64>,
        f: impl FnOnce(&mut Segments, f64) -> Result<T, Refused>,
    ) -> Option<T> {
        let before = self.state.clips.segments.clone();
        let duration = self.state.duration_secs();
        match f(&mut self.state.clips.segments, duration) {
            Ok(v) => {
                match key {
                    Some(k) => self.state.history.record_coalescing(what, before, k),
                    None => self.state.history.record(what, before),
                }
                self.state.clips.version += 1;
                Some(v)
            }
            Err(Refused(why)) => {
                self.state.status = why;
                None
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
            .segments
            .chosen()
            .map(|c| ClipRequest {
                start: c.start,
                end: c.end,
                label: c.label.clone(),
                subtitles: None,
            })
            .collect();
        if clips.is_empty() {
            self.state.status = "No clips ticked for export".into();
            return;
        }
        let mut choices = self.state.export_choices.clone();
        // A test's folder when none is chosen.
        choices.out_dir = choices.out_dir.or_else(|| self.export_dir.clone());
        let opts = choices.options(
            &path,
            self.state.clips.transcript.clone(),
            self.settings.export_options(),
        );
        let n = clips.len();
        let job = self.jobs.export(path, clips, opts);
        let rows = self
            .state
            .clips
            .segments
            .items
            .iter()
            .enumerate()
            .filter(|(_, s)| s.chosen)
            .map(|(i, s)| super::state::ExportRow {
                title: format!(
                    "#{}  {} – {}",
                    i + 1,
                    slopcannon_engine::media::format_secs(s.start),
                    slopcannon_engine::media::format_secs(s.end)
                ),
                fraction: 0.0,
                attempts: 0,
                started: None,
                outcome: None,
                cancelling: false,
            })
            .collect();
        self.state.last_export = None;
        self.state.export = Some(RunningExport {
            job,
            clips: n,
            progress: None,
            cancelling: false,
            rows,
        });
        self.state.status = format!("Exporting {n} clips…");
    }

    /// Hands the open video's project to autosave when the segments, the transcript or the
    /// export choices changed since the last time (not when a file was just opened).
    fn autosave_if_changed(&mut self) {
        let Some(file) = self.state.file.as_ref().filter(|f| !f.probing) else {
            return;
        };
        let (generation, version) = (file.generation, self.state.clips.version);
        let choices = &self.state.export_choices;
        if self.saved.0 != generation {
            // Just opened (or restored from its project): nothing new to save yet.
            self.saved = (generation, version, choices.clone());
            return;
        }
        if (self.saved.1, &self.saved.2) == (version, choices) {
            return;
        }
        self.saved = (generation, version, choices.clone());
        let clips = &self.state.clips;
        let mut project = Project::new(&file.path, clips.segments.items.clone());
        project.pass = clips.pass;
        project.scenes = clips.scenes.clone();
        project.transcript = clips.transcript.clone();
        project.curves = clips.curves.clone();
        project.features = clips.features.clone();
        project.export = choices.clone();
        self.autosave.save(project);
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
        let choices = &self.state.analysis_choices;
        let defaults = self.settings.analyze_options();
        let read = choices.read_choices(defaults.stride);
        if self.state.can_rank_from_cache(&read) {
            // Nothing to read again: the cached features rank with the current choices.
            self.state.rerank();
            self.state.status = "Ranked again from the last analysis (the video needs no new \
                 reading; change speech or the model to read it again)"
                .into();
            return;
        }
        let model = Some(read.model.as_str()).filter(|m| !m.is_empty());
        let speech = read.speech.then(|| {
            self.settings
                .transcribe_options(self.jobs.data_dir(), model, true)
        });
        let opts = AnalyzeOptions {
            speech,
            select: choices.select_options(),
            ..defaults
        };
        let select = opts.select.clone();
        let job = self.jobs.analyze(path, opts);
        self.state.analysis = Some(RunningAnalysis {
            job,
            generation,
            started: Instant::now(),
            progress: Vec::new(),
            cancelling: false,
            select,
            read,
        });
        self.state.status = "Finding clips…".into();
    }

    fn seek(&mut self, t: f64) {
        if self.state.ready_generation().is_none() {
            return;
        }
        if !self.state.has_video() {
            // Audio only: the playhead moves, there is no picture to fetch.
            self.state.playhead_secs = t.clamp(0.0, self.state.duration_secs().max(0.0));
            return;
        }
        let generation = self.state.begin_seek(t);
        if let Some(file) = &self.state.file {
            self.player.still(
                generation,
                file.path.clone(),
                self.state.playhead_secs,
                self.preview_px,
                false,
            );
        }
    }

    /// Once a file is open: its thumbnails, keyframes and waveform for the timeline.
    fn start_tracks(&mut self) {
        let Some(generation) = self.state.ready_generation() else {
            return;
        };
        let (Some(file), Some(info)) = (self.state.file.as_ref(), self.state.info()) else {
            return;
        };
        self.jobs.tracks(
            generation,
            file.path.clone(),
            info.duration_secs.unwrap_or(0.0),
            info.video().is_some(),
            info.audio().is_some(),
        );
    }

    /// What playing the open file from `from_secs` at `speed` takes (None: nothing open).
    fn play_request(&self, from_secs: f64, speed: f64) -> Option<PlayRequest> {
        self.state.ready_generation()?;
        let file = self.state.file.as_ref()?;
        let info = file.info.as_ref()?;
        let duration_secs = self.state.duration_secs();
        Some(PlayRequest {
            path: file.path.clone(),
            from_secs: from_secs.clamp(0.0, duration_secs.max(0.0)),
            speed,
            max_size: self.preview_px,
            has_video: info.video().is_some(),
            has_audio: info.audio().is_some(),
            duration_secs,
            end_secs: None,
            looping: false,
        })
    }

    /// Plays from `from_secs` (from the start when at the end).
    fn play_at(&mut self, from_secs: f64, speed: f64) {
        let end = self.state.duration_secs() - 0.5 / self.state.fps();
        let from = if speed > 0.0 && from_secs >= end {
            0.0
        } else {
            from_secs
        };
        if let Some(req) = self.play_request(from, speed) {
            self.play(req);
        }
    }

    fn play(&mut self, req: PlayRequest) {
        self.state.begin_play(PlaybackView {
            speed: req.speed,
            end_secs: req.end_secs,
            looping: req.looping,
        });
        self.state.playhead_secs = req.from_secs;
        self.player.play(req, Instant::now());
    }

    fn stop_playing(&mut self) {
        if let Some(stats) = self.player.stop(Instant::now()) {
            self.state.playback = None;
            self.state.last_play = Some(stats);
        }
    }

    /// Moves playback on: the playhead, the frame that is due, the end.
    /// Asks the preview worker for the export panel's frame when what it shows changed: the
    /// clip under the playhead (else the selected one), the layout, the captions' style. Not
    /// while playing (the player needs the cores); the frame follows when playback stops.
    fn want_export_preview(&mut self) {
        let s = &self.state;
        let choices = &s.export_choices;
        let (Some(file), false) = (&s.file, s.playback.is_some()) else {
            return;
        };
        if s.export.is_some()
            || s.info().and_then(|i| i.video()).is_none()
            || !choices.changes_picture(s.clips.transcript.is_some())
        {
            return;
        }
        let t = s.playhead_secs;
        let seg = s
            .segments()
            .iter()
            .find(|g| g.start <= t && t < g.end)
            .or_else(|| s.selected_segment());
        let Some(seg) = seg else {
            return;
        };
        let job = super::export_preview::PreviewJob {
            path: file.path.clone(),
            clip: (seg.start, seg.end),
            at: t.clamp(seg.start, seg.end),
            portrait: choices.portrait,
            stacked: choices.background.clone(),
            captions: s
                .clips
                .transcript
                .clone()
                .filter(|_| choices.captions)
                .map(|tr| (tr, choices.caption_style.clone())),
        };
        if let Some(id) = self.export_preview.want(job) {
            self.state.export_preview.asked = Some(id);
        }
    }

    fn tick_player(&mut self, ctx: &egui::Context) {
        let Some(tick) = self.player.tick(Instant::now()) else {
            return;
        };
        self.state.playhead_secs = tick.position;
        self.state.view = self
            .state
            .view
            .following(tick.position, self.state.duration_secs());
        if let Some(frame) = tick.frame {
            self.state.preview_secs = Some(frame.pts_secs);
            self.state.pending_frame = Some(frame);
        }
        if tick.want_keyframe && !self.state.preview_loading && self.state.has_video() {
            // Backwards: the keyframe at the playhead, each time the last one has arrived.
            let generation = self.state.begin_seek(tick.position);
            if let Some(file) = &self.state.file {
                self.player.still(
                    generation,
                    file.path.clone(),
                    tick.position,
                    self.preview_px,
                    true,
                );
            }
        }
        if let Some(stats) = tick.ended {
            self.state.playback = None;
            self.state.last_play = Some(stats);
        } else {
            ctx.request_repaint_after(tick.next_in.unwrap_or(Duration::from_millis(16)));
        }
    }

    /// The preview's size in pixels (from its size in points), rounded up so that resizing
    /// the window a little does not rebuild the scaler for every frame.
    pub fn set_preview_size(&mut self, points: egui::Vec2, pixels_per_point: f32) {
        let px = |v: f32| -> u32 {
            let v = (v * pixels_per_point).clamp(64.0, 3840.0) as u32;
            v.div_ceil(32) * 32
        };
        self.preview_px = (px(points.x), px(points.y));
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
            for sc in [cmd.shortcut(), cmd.alias_shortcut()].into_iter().flatten() {
                // Every press counts: two can arrive in one frame (key repeat, a busy
                // machine); `consume_shortcut` would take them all as one.
                let presses =
                    ctx.input_mut(|i| i.count_and_consume_key(sc.modifiers, sc.logical_key));
                for _ in 0..presses {
                    self.send(cmd.clone());
                }
            }
        }
    }
}

impl eframe::App for SlopApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        // Drain worker messages within a time budget, so a flood never stalls a frame.
        let start = Instant::now();
        self.frame_started = start;
        while let Ok(msg) = self.rx.try_recv() {
            if matches!(msg, Msg::Picked(..)) {
                self.jobs.picked();
            }
            let probed = matches!(msg, Msg::Probed { .. });
            if let Some(cmd) = self.state.apply(msg) {
                self.send(cmd);
            }
            if probed {
                self.start_tracks();
            }
            if start.elapsed() > Duration::from_millis(8) {
                ctx.request_repaint();
                break;
            }
        }
        self.handle_input(ctx);
        for cmd in std::mem::take(&mut self.commands) {
            self.run(cmd);
        }
        self.tick_player(ctx);
        self.want_export_preview();
        let p = &mut self.state.export_preview;
        if p.shown != p.uploaded {
            if let Some(frame) = &p.frame {
                upload(ctx, &mut p.texture, "export preview", frame);
            }
            p.uploaded = p.shown;
        }
        if let Some(frame) = self.state.pending_frame.take() {
            upload(ctx, &mut self.state.preview, "preview", &frame);
        }

        for thumb in std::mem::take(&mut self.state.pending_thumbs) {
            let f = thumb.frame;
            let image = egui::ColorImage::from_rgba_premultiplied(
                [f.width as usize, f.height as usize],
                &f.pixels,
            );
            let name = format!("thumb {:.3}", thumb.t_secs);
            let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
            let at = self
                .state
                .thumbnails
                .partition_point(|t| t.t_secs < thumb.t_secs);
            if self
                .state
                .thumbnails
                .get(at)
                .is_some_and(|t| (t.t_secs - thumb.t_secs).abs() < 1e-6)
            {
                continue; // a detail thumbnail landed on a frame there is one of
            }
            self.state.thumbnails.insert(
                at,
                super::state::Thumb {
                    t_secs: thumb.t_secs,
                    texture,
                },
            );
        }
        if let Some(mut bench) = self.bench.take() {
            let (cmds, close) = bench.step(self, ctx);
            if bench.wants_many_clips() && self.state.segments().len() != 2000 {
                self.state.clips.segments =
                    super::bench::Bench::many_clips(self.state.duration_secs());
                // Not a person's edit: nothing to save.
                self.saved.1 = self.state.clips.version;
            }
            self.commands.extend(cmds);
            if close {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            self.bench = Some(bench);
        }
        self.autosave_if_changed();
        if std::mem::take(&mut self.quit) {
            // eframe then calls `save` and `on_exit` (the last edits are flushed there).
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        super::persist::keep(storage, &self.state);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.autosave_if_changed();
        if !self.autosave.flush(Duration::from_secs(5)) {
            tracing::error!("the last edits could not be saved in 5 s");
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let mut cmds = Vec::new();
        panels::top_bar::top_bar_ui(ui, &self.state, &mut cmds);
        panels::status_bar::status_bar_ui(ui, &self.state);
        if self.state.show_log {
            panels::log::log_ui(ui, &self.state, &mut cmds);
        }
        panels::models::models_ui(ui.ctx(), &self.state, &mut cmds);
        panels::settings::settings_ui(ui.ctx(), &self.state, &mut cmds);
        if self.state.show_transcript {
            panels::transcript::transcript_ui(ui, &self.state, &mut cmds);
        }
        if !self.state.segments().is_empty() || self.state.analysis.is_some() {
            panels::clips::clips_ui(ui, &self.state, &mut cmds);
        }
        let layout = panels::preview::preview_ui(ui, &self.state, &mut cmds);
        self.state.focus_label = false; // the label field has taken it (if it was drawn)
        if let Some(size) = layout.picture {
            self.set_preview_size(size, ui.ctx().pixels_per_point());
        }
        self.timeline = layout.timeline;
        if let Some(bench) = self.bench.as_mut() {
            let ms = self.frame_started.elapsed().as_secs_f64() * 1000.0;
            bench.frame(ms, layout.timeline.map(|g| g.draw_ms));
        }
        self.commands.extend(cmds);
        if !self.commands.is_empty() || !self.rx.is_empty() {
            ui.ctx().request_repaint();
        }
    }
}

/// Puts a video frame into `slot`'s texture (made on first use). Video frames are opaque:
/// unmultiplied is premultiplied, so this is a plain copy (the unmultiplied constructor would
/// convert every pixel).
fn upload(
    ctx: &egui::Context,
    slot: &mut Option<egui::TextureHandle>,
    name: &str,
    frame: &slopcannon_engine::media::grab::RgbaFrame,
) {
    let image = egui::ColorImage::from_rgba_premultiplied(
        [frame.width as usize, frame.height as usize],
        &frame.pixels,
    );
    match slot.as_mut() {
        Some(tex) => tex.set(image, egui::TextureOptions::LINEAR),
        None => *slot = Some(ctx.load_texture(name, image, egui::TextureOptions::LINEAR)),
    }
}
