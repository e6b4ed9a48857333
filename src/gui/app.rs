//! `SlopApp`, the `eframe::App`: `logic` drains worker messages, runs commands (the state's
//! [`AppState::update`], then the [`Effect`]s it returns: jobs, the player) and uploads
//! frames; `ui` only draws the panels from [`AppState`] and collects the commands they return.

use super::command::{Command, SHORTCUT_COMMANDS};
use super::effect::Effect;
use super::jobs::{FilePicker, Jobs, Msg, MsgSender, Waker};
use super::panels;
use super::player::Player;
use super::reducer::UpdateContext;
use super::state::AppState;
use super::textures::Textures;
use crate::settings::Settings;
use crossbeam_channel::{Receiver, Sender};
use slopcannon_engine::project::Project;
use std::path::PathBuf;
use std::time::{Duration, Instant};

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
    /// The preview's, the export preview's and the thumbnails' textures.
    textures: Textures,
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
            textures: Textures::default(),
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

    /// The settings in use (the settings window can change them for the session).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The textures the panels draw (the preview, the export preview, the thumbnails).
    pub fn textures(&self) -> &Textures {
        &self.textures
    }

    /// Queues a command; it runs at the start of the next frame.
    pub fn send(&mut self, cmd: Command) {
        self.commands.push(cmd);
    }

    /// Runs a command: the state's update, then its effects.
    fn run(&mut self, cmd: Command) {
        let ctx = UpdateContext {
            playing: self.player.playing.as_ref().map(|p| p.request.clone()),
            preview_px: self.preview_px,
            settings: &self.settings,
            settings_layers: &self.settings_layers,
            user_defaults: self.user_defaults.as_deref(),
            data_dir: self.jobs.data_dir(),
            export_dir: self.export_dir.as_deref(),
            model_base_url: &self.model_base_url,
            now: Instant::now(),
        };
        let effects = self.state.update(cmd, &ctx);
        for effect in effects {
            self.apply(effect);
        }
    }

    /// Runs one effect of a command: a job, the player, the settings, closing.
    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Quit => self.quit = true,
            Effect::PickFile(purpose) => self.jobs.pick_file(purpose),
            Effect::LoadCaptionStyle(path) => self.jobs.load_caption_style(path),
            Effect::Probe { generation, path } => self.jobs.probe(generation, path),
            Effect::CancelAnalysis => self.jobs.cancel_analysis(),
            Effect::StartAnalysis { job, path, opts } => self.jobs.analyze(job, path, *opts),
            Effect::StartExport {
                job,
                path,
                clips,
                opts,
            } => self.jobs.export(job, path, clips, *opts),
            Effect::CancelExport => self.jobs.cancel_export(),
            Effect::CancelExportClip(i) => self.jobs.cancel_export_clip(i),
            Effect::ShowInFolder(dir) => self.jobs.show_in_folder(dir),
            Effect::ListModels(dir) => self.jobs.list_models(dir),
            Effect::DownloadModel {
                job,
                name,
                base_url,
                dir,
            } => self.jobs.download_model(job, name, base_url, dir),
            Effect::CancelDownload => self.jobs.cancel_download(),
            Effect::UseSettings(settings) => self.settings = *settings,
            Effect::SaveSettings { path, text } => self.jobs.save_settings(path, text),
            Effect::DetailThumbnails {
                generation,
                path,
                times,
            } => self.jobs.detail_thumbnails(generation, path, times),
            Effect::ShowFrame {
                seek_generation,
                path,
                at_secs,
            } => self
                .player
                .still(seek_generation, path, at_secs, self.preview_px, false),
            Effect::Play(req) => {
                self.player.play(*req, Instant::now());
            }
            Effect::StopPlaying => {
                if let Some(stats) = self.player.stop(Instant::now()) {
                    self.state.playback = None;
                    self.state.last_play = Some(stats);
                }
            }
            Effect::SetVolume { volume, muted } => self.player.set_volume(volume, muted),
        }
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

    /// Asks the preview worker for the export panel's frame when what it shows changed: the
    /// clip under the playhead (else the selected one), the layout, the captions' style. Not
    /// while playing (the player needs the cores); the frame follows when playback stops.
    fn want_export_preview(&mut self) {
        let s = &self.state;
        let choices = &s.export_choices;
        let (Some(file), false) = (&s.file, s.playback.is_some()) else {
            return;
        };
        let Some(info) = s.info() else {
            return;
        };
        let t = s.playhead_secs;
        let Some(seg) = s.preview_segment() else {
            return;
        };
        let title = s.title_for(seg).map(str::to_string);
        // A file with no picture: its 9:16 short, when captions or a title make one.
        let sound_only = info.video().is_none();
        let shows = if sound_only {
            s.sound_short(seg)
        } else {
            choices.changes_picture(s.clips.transcript.is_some())
        };
        if s.export.is_some() || !shows {
            return;
        }
        let job = super::export_preview::PreviewJob {
            path: file.path.clone(),
            clip: (seg.start, seg.end),
            at: t.clamp(seg.start, seg.end),
            portrait: choices.portrait.filter(|_| !sound_only),
            stacked: choices.background.clone().filter(|_| !sound_only),
            captions: s.clips.transcript.clone().filter(|_| choices.captions),
            title,
            style: choices.caption_style.clone(),
        };
        if let Some(id) = self.export_preview.want(job) {
            self.state.export_preview.asked = Some(id);
        }
    }

    /// Moves playback on: the playhead, the frame that is due, the end.
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
        if tick.want_keyframe && self.state.preview_loading.is_none() && self.state.has_video() {
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
        let start = Instant::now();
        self.frame_started = start;
        // The commands of the last frame's panels and of this frame's keys first: they were
        // meant for the state on screen (a row's index, the selection), which a message (a
        // new ranking) could change under them.
        self.handle_input(ctx);
        for cmd in std::mem::take(&mut self.commands) {
            self.run(cmd);
        }
        // Drain worker messages within a time budget, so a flood never stalls a frame.
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
        // What the messages asked for.
        for cmd in std::mem::take(&mut self.commands) {
            self.run(cmd);
        }
        self.tick_player(ctx);
        self.want_export_preview();
        self.textures.upload(ctx, &mut self.state);
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
            panels::clips::clips_ui(ui, &self.state, &self.textures, &mut cmds);
        }
        let layout = panels::preview::preview_ui(ui, &self.state, &self.textures, &mut cmds);
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
