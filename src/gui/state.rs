//! `AppState`: everything the window shows, as plain data, and [`AppState::apply`], which
//! folds worker messages into it (commands: `reducer.rs`). No egui here: the textures are
//! `SlopApp`'s (`textures.rs`).

use super::command::Command;
use super::jobs::{Msg, PickFor};
use super::segments::{History, Segments};
use crate::logging::LogLine;
use slopcannon_engine::analysis::scoring::{Clip, SelectOptions};
use slopcannon_engine::analysis::{Features, Pass, Ranking, Scene, Weights};
use slopcannon_engine::export::ExportErrorKind;
use slopcannon_engine::media::frame_rate;
use slopcannon_engine::media::grab::RgbaFrame;
use slopcannon_engine::media::probe::MediaInfo;
use slopcannon_engine::progress::{Event, JobId, Progress, Stage};
use slopcannon_engine::project::Segment;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Instant;

/// How many log lines the panel keeps.
pub const LOG_CAPACITY: usize = 1000;

/// The file that is open (or being opened).
#[derive(Debug, Default)]
pub struct OpenFile {
    pub path: PathBuf,
    /// Increases with every open, so late results for an earlier file are ignored.
    pub generation: u64,
    pub info: Option<MediaInfo>,
    pub probing: bool,
}

/// A running "Find Viral Clips" job.
#[derive(Debug)]
pub struct RunningAnalysis {
    pub job: JobId,
    /// The file generation it analyses (a new file makes it stale).
    pub generation: u64,
    pub started: Instant,
    /// The newest progress per stage, in the order stages first reported.
    pub progress: Vec<Progress>,
    pub cancelling: bool,
    /// How it ranks (the choices when it started): a ranking it sends is ranked again from
    /// its features when the choices have changed since.
    pub select: SelectOptions,
    /// How it reads the video.
    pub read: ReadChoices,
}

impl RunningAnalysis {
    /// Overall fraction done: the video decode dominates when there is video.
    pub fn fraction(&self) -> f32 {
        let of = |stage: Stage| {
            self.progress
                .iter()
                .find(|p| p.stage == stage)
                .and_then(Progress::fraction)
        };
        of(Stage::Decode)
            .or_else(|| of(Stage::Audio))
            .unwrap_or(0.0) as f32
    }

    /// Time left, from the slowest stage that knows.
    pub fn eta(&self) -> Option<std::time::Duration> {
        self.progress
            .iter()
            .filter(|p| !p.finished)
            .filter_map(|p| p.eta)
            .max()
    }
}

/// A running export.
#[derive(Debug)]
pub struct RunningExport {
    pub job: JobId,
    pub clips: usize,
    pub progress: Option<Progress>,
    pub cancelling: bool,
    /// One row per clip, in export order.
    pub rows: Vec<ExportRow>,
}

/// A clip in the export queue.
#[derive(Clone, Debug)]
pub struct ExportRow {
    /// `#2  1:05.000 – 1:20.000`.
    pub title: String,
    pub fraction: f64,
    pub attempts: u32,
    /// When it started (for its ETA).
    pub started: Option<Instant>,
    /// Set when it ended: what was written, or why not.
    pub outcome: Option<Result<String, String>>,
    pub cancelling: bool,
}

impl ExportRow {
    /// Time left, from how fast it has gone so far.
    pub fn eta(&self) -> Option<std::time::Duration> {
        let started = self.started?;
        if self.outcome.is_some() || self.fraction < 0.02 {
            return None;
        }
        let spent = started.elapsed().as_secs_f64();
        Some(std::time::Duration::from_secs_f64(
            spent * (1.0 - self.fraction) / self.fraction,
        ))
    }
}

/// The last export's rows and folder, kept after it ends ("show in folder").
#[derive(Clone, Debug)]
pub struct FinishedExport {
    pub dir: PathBuf,
    pub rows: Vec<ExportRow>,
}

/// How clips are exported (the export panel's choices): the project's export settings, so
/// what is chosen here is saved with the project.
pub type ExportChoices = slopcannon_engine::project::ExportSettings;

/// The export panel's preview: the frame at the playhead as the export will write it.
#[derive(Default)]
pub struct ExportPreviewView {
    /// The newest preview asked for.
    pub asked: Option<u64>,
    /// The id of the one on screen.
    pub shown: Option<u64>,
    /// The id of the one in the app's texture (uploaded on the UI thread when it is not
    /// `shown`).
    pub uploaded: Option<u64>,
    /// The newest frame rendered (tests compare it with the export).
    pub frame: Option<std::sync::Arc<RgbaFrame>>,
    pub error: Option<String>,
}

impl std::fmt::Debug for ExportPreviewView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportPreviewView")
            .field("asked", &self.asked)
            .field("shown", &self.shown)
            .field("error", &self.error)
            .finish()
    }
}

/// The segments of the open file (found clips and the person's own), the scene cuts, and
/// what the analysis said.
#[derive(Debug, Default)]
pub struct ClipList {
    pub pass: Option<Pass>,
    pub segments: Segments,
    pub scenes: Vec<Scene>,
    /// Increases whenever the segments change (found, edited): they are saved then.
    pub version: u64,
    /// What was said in the video, when speech was transcribed.
    pub transcript: Option<std::sync::Arc<slopcannon_engine::speech::Transcript>>,
    /// The analysis' curves (score, loudness, motion), for the timeline.
    pub curves: Option<std::sync::Arc<slopcannon_engine::analysis::Curves>>,
    /// What the last ranking was made from: a change of weights, count or lengths ranks again
    /// from it at once.
    pub features: Option<std::sync::Arc<Features>>,
    /// How the video was read for those features (a change needs a new analysis).
    pub read: Option<ReadChoices>,
}

/// The settings window: every `SLOP_*` setting, its value and where it came from, edited
/// for the session or saved as the user's defaults.
#[derive(Debug, Default)]
pub struct SettingsView {
    pub open: bool,
    /// (variable, effective value, where it came from), in `VARIABLES` order.
    pub effective: Vec<(&'static str, String, crate::settings::Source)>,
    /// The values being edited (variable → text).
    pub draft: std::collections::BTreeMap<&'static str, String>,
    /// Why the draft was refused (the same message a bad variable gives at start).
    pub error: Option<String>,
    /// Where the defaults were saved, or why not.
    pub saved: Option<Result<String, String>>,
}

/// What Find Viral Clips looks for (the options menu beside it); kept between sessions.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct AnalysisChoices {
    pub max_clips: usize,
    pub min_len_secs: f64,
    pub max_len_secs: f64,
    /// How much each feature counts.
    pub weights: Weights,
    /// Transcribe speech (words, captions, sentence-aware bounds).
    pub speech: bool,
    /// The whisper model (a name or a path); empty: `SLOP_WHISPER_MODEL`.
    pub model: String,
}

impl Default for AnalysisChoices {
    fn default() -> Self {
        let d = SelectOptions::default();
        AnalysisChoices {
            max_clips: d.max_clips,
            min_len_secs: d.min_len_secs,
            max_len_secs: d.max_len_secs,
            weights: d.weights,
            speech: true,
            model: String::new(),
        }
    }
}

impl AnalysisChoices {
    /// How clips are ranked: what can change without reading the video again.
    pub fn select_options(&self) -> SelectOptions {
        let min_len_secs = self.min_len_secs.max(1.0);
        SelectOptions {
            max_clips: self.max_clips.max(1),
            min_len_secs,
            max_len_secs: self.max_len_secs.max(min_len_secs),
            weights: self.weights.clone(),
            ..SelectOptions::default()
        }
    }

    /// How the video is read (with the frame stride from the settings): a change here needs a
    /// new analysis.
    pub fn read_choices(&self, stride: slopcannon_engine::media::sampler::Stride) -> ReadChoices {
        ReadChoices {
            speech: self.speech,
            model: self.model.trim().to_string(),
            stride,
        }
    }
}

/// What decides the features an analysis reads from the video.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadChoices {
    pub speech: bool,
    pub model: String,
    pub stride: slopcannon_engine::media::sampler::Stride,
}

/// The models window.
#[derive(Debug, Default)]
pub struct ModelsView {
    pub open: bool,
    /// Where named models live (None: no data folder).
    pub dir: Option<PathBuf>,
    pub installed: Vec<slopcannon_engine::speech::model::ModelFile>,
    /// The name to download.
    pub choice: String,
    pub download: Option<RunningDownload>,
    /// How the last download ended: the installed path, or why not.
    pub result: Option<Result<String, String>>,
}

/// A model download in progress.
#[derive(Debug)]
pub struct RunningDownload {
    pub job: JobId,
    pub name: String,
    pub progress: Option<Progress>,
    pub cancelling: bool,
}

/// Which log lines the panel shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LogView {
    /// Lines at this level or more severe.
    pub min_level: tracing::Level,
    /// Only lines containing this (ignoring case); empty: all.
    pub search: String,
}

impl Default for LogView {
    fn default() -> Self {
        LogView {
            min_level: tracing::Level::DEBUG,
            search: String::new(),
        }
    }
}

impl LogView {
    pub fn shows(&self, line: &LogLine) -> bool {
        // tracing orders levels by verbosity: ERROR < WARN < … < TRACE.
        line.level <= self.min_level
            && (self.search.is_empty()
                || line
                    .message
                    .to_lowercase()
                    .contains(&self.search.to_lowercase()))
    }
}

/// A thumbnail on the timeline (its texture is the app's, by `t_secs`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Thumb {
    pub t_secs: f64,
    /// Width and height in pixels.
    pub size: [usize; 2],
}

/// Playback as the panels show it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PlaybackView {
    pub speed: f64,
    /// Playing a clip: where it stops (or loops).
    pub end_secs: Option<f64>,
    pub looping: bool,
}

#[derive(Default)]
pub struct AppState {
    /// A settings error: shown instead of the editor, and the exit code becomes 2.
    pub settings_error: Option<String>,
    pub file: Option<OpenFile>,
    /// The last error to show in the window (bad file, failed preview).
    pub error: Option<String>,
    pub playhead_secs: f64,
    /// Increases with every seek; the preview shows only the newest request's frame.
    pub seek_generation: u64,
    /// The frame under the playhead, waiting to be uploaded as a texture.
    pub pending_frame: Option<RgbaFrame>,
    /// Time of the frame shown in the preview.
    pub preview_secs: Option<f64>,
    /// Since when the newest seek's exact frame is awaited (the status bar's spinner waits a
    /// moment); `None` once it is shown.
    pub preview_loading: Option<Instant>,
    /// None while paused.
    pub playback: Option<PlaybackView>,
    /// 0–1, and whether the sound is muted.
    pub volume: f32,
    pub muted: bool,
    /// The whole file's waveform, once decoded.
    pub waveform: Option<std::sync::Arc<slopcannon_engine::media::waveform::Waveform>>,
    /// The thumbnails uploaded as textures, in time order.
    pub thumbnails: Vec<Thumb>,
    /// Detail thumbnails asked for (as `f64` bits), so each is asked once.
    pub thumbs_asked: std::collections::HashSet<u64>,
    /// Thumbnails decoded but not yet uploaded as textures (done on the UI thread).
    pub pending_thumbs: Vec<slopcannon_engine::media::keyframes::Thumbnail>,
    /// The part of the video the timeline shows.
    pub view: crate::gui::widgets::timeline_view::TimelineView,
    /// Keyframe times of the open video (Alt+← / →), once known.
    pub keyframes: Vec<f64>,
    /// What the last stretch of playback did (frames shown and dropped, seconds, clock).
    pub last_play: Option<crate::gui::player::PlayStats>,
    pub log: VecDeque<LogLine>,
    pub log_view: LogView,
    pub models: ModelsView,
    pub settings_view: SettingsView,
    pub show_log: bool,
    pub show_transcript: bool,
    pub status: String,
    pub analysis: Option<RunningAnalysis>,
    pub clips: ClipList,
    pub export: Option<RunningExport>,
    pub export_choices: ExportChoices,
    pub export_preview: ExportPreviewView,
    pub analysis_choices: AnalysisChoices,
    /// The videos opened last (the Recent menu, the empty window).
    pub recent: super::recent::RecentFiles,
    /// Undo / redo of the segment edits.
    pub history: History,
    /// The last export's queue, after it ended.
    pub last_export: Option<FinishedExport>,
    /// Find Viral Clips was asked for while there are edited segments: the window asks
    /// whether to keep them.
    pub confirm_find: bool,
    /// The next ranking replaces every segment, edited ones too (the person said so).
    pub replace_edits: bool,
    /// The in / out marks (I / O), for adding a segment (N).
    pub mark_in: Option<f64>,
    pub mark_out: Option<f64>,
    /// The label field of the selected segment should take the keyboard (Enter).
    pub focus_label: bool,
    /// The transcript panel's search text and selected words (first, last).
    pub transcript_search: String,
    pub word_selection: Option<(
        crate::gui::panels::transcript::WordAt,
        crate::gui::panels::transcript::WordAt,
    )>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            show_log: true,
            show_transcript: true,
            volume: 1.0,
            status: "Open a video to start (Ctrl+O, or drop a file on the window).".into(),
            ..AppState::default()
        }
    }

    pub fn info(&self) -> Option<&MediaInfo> {
        self.file.as_ref().and_then(|f| f.info.as_ref())
    }

    pub fn duration_secs(&self) -> f64 {
        self.info().and_then(|i| i.duration_secs).unwrap_or(0.0)
    }

    /// Frames per second of the open video (the engine's rule; its fallback when unknown).
    pub fn fps(&self) -> f64 {
        self.info()
            .map_or(f64::from(frame_rate::FALLBACK_FPS), MediaInfo::fps)
    }

    pub fn has_video(&self) -> bool {
        self.info().is_some_and(|i| i.video().is_some())
    }

    pub fn push_log(&mut self, line: LogLine) {
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(line);
    }

    /// Starts opening `path`; returns the new file generation.
    pub fn begin_open(&mut self, path: PathBuf) -> u64 {
        let generation = self.file.as_ref().map_or(1, |f| f.generation + 1);
        self.file = Some(OpenFile {
            path: path.clone(),
            generation,
            info: None,
            probing: true,
        });
        self.error = None;
        self.playhead_secs = 0.0;
        self.export_preview = ExportPreviewView::default();
        self.preview_secs = None;
        self.pending_frame = None;
        self.playback = None;
        self.keyframes.clear();
        self.waveform = None;
        self.thumbnails.clear();
        self.thumbs_asked.clear();
        self.pending_thumbs.clear();
        // Keep the version counter: a new file's empty list must not look like an edit.
        self.clips = ClipList {
            version: self.clips.version,
            ..ClipList::default()
        };
        self.history.clear();
        self.confirm_find = false;
        self.replace_edits = false;
        self.mark_in = None;
        self.mark_out = None;
        self.word_selection = None;
        self.status = format!("Opening {}…", path.display());
        generation
    }

    /// The file generation, if a file is open and probed.
    pub fn ready_generation(&self) -> Option<u64> {
        self.file
            .as_ref()
            .filter(|f| f.info.is_some())
            .map(|f| f.generation)
    }

    /// The selected segment.
    pub fn selected_segment(&self) -> Option<&Segment> {
        self.clips.segments.selected()
    }

    /// The word bound (a start or an end) nearest to `t` within `tolerance` seconds: I / O
    /// and dragged edges land on word bounds.
    pub fn word_bound_near(&self, t: f64, tolerance: f64) -> Option<f64> {
        let words = self.clips.transcript.as_ref()?;
        crate::gui::widgets::snap::snap(t, words.words().flat_map(|w| [w.start, w.end]), tolerance)
    }

    /// The segments in the list's order.
    pub fn segments(&self) -> &[Segment] {
        &self.clips.segments.items
    }

    /// The segment the export preview shows: the one under the playhead, else the selected.
    pub fn preview_segment(&self) -> Option<&Segment> {
        let t = self.playhead_secs;
        self.segments()
            .iter()
            .find(|g| g.start <= t && t < g.end)
            .or_else(|| self.selected_segment())
    }

    /// The title the export burns on `seg` (`export::title_from`), if any.
    pub fn title_for<'a>(&self, seg: &'a Segment) -> Option<&'a str> {
        slopcannon_engine::export::title_from(self.export_choices.title, &seg.label)
    }

    /// Whether `seg` of a file with no picture is exported as a 9:16 short, not as audio
    /// (`audio_only::makes_a_short`'s rule).
    pub fn sound_short(&self, seg: &Segment) -> bool {
        let captions = self.export_choices.captions && self.clips.transcript.is_some();
        slopcannon_engine::export::audio_only::is_a_short(captions, self.title_for(seg))
    }

    /// Moves the playhead (clamped to the file); returns the new seek generation.
    pub fn begin_seek(&mut self, t_secs: f64) -> u64 {
        let max = self.duration_secs();
        self.playhead_secs = t_secs.clamp(0.0, max.max(0.0));
        self.seek_generation += 1;
        self.preview_loading = Some(Instant::now());
        self.seek_generation
    }

    /// Whether `generation` is the open file's.
    pub fn is_current(&self, generation: u64) -> bool {
        self.file
            .as_ref()
            .is_some_and(|f| f.generation == generation)
    }

    /// Playback starts: stills still on their way are stale.
    pub fn begin_play(&mut self, view: PlaybackView) {
        self.seek_generation += 1;
        self.preview_loading = None;
        self.playback = Some(view);
    }

    /// The keyframe before (`forward` = false) or after the playhead.
    pub fn keyframe_from_playhead(&self, forward: bool) -> Option<f64> {
        let at = self.preview_secs.unwrap_or(self.playhead_secs);
        let eps = 1e-3;
        if forward {
            self.keyframes.iter().copied().find(|k| *k > at + eps)
        } else {
            self.keyframes.iter().rev().copied().find(|k| *k < at - eps)
        }
    }

    /// Folds one worker message into the state; returns a command to run next, if any
    /// (e.g. show the first frame once a video has been probed).
    #[must_use]
    pub fn apply(&mut self, msg: Msg) -> Option<Command> {
        match msg {
            Msg::Log(line) => self.push_log(line),
            Msg::Probed {
                generation,
                path,
                result,
                saved,
            } => {
                let Some(file) = self.file.as_mut().filter(|f| f.generation == generation) else {
                    return None; // a result for a file that is no longer open
                };
                file.probing = false;
                match result {
                    Ok(info) => {
                        self.status = format!("{} — {}", path.display(), info.summary());
                        tracing::info!("opened {}: {}", path.display(), info.summary());
                        let has_video = info.video().is_some();
                        self.view = crate::gui::widgets::timeline_view::TimelineView::fit(
                            info.duration_secs.unwrap_or(0.0),
                        );
                        file.info = Some(info);
                        self.recent.opened(&path);
                        let saved = saved.unwrap_or_else(|e| {
                            // Kept aside: a new project starts; the old file stays for the person.
                            tracing::warn!("{e}");
                            self.error = Some(e);
                            None
                        });
                        if let Some(project) = saved {
                            let note = format!(
                                "restored {} from the last session",
                                crate::wording::count(project.segments.len(), "segment")
                            );
                            tracing::info!("{note}");
                            self.status = format!("{} — {note}", self.status);
                            self.export_choices = project.export;
                            let any = !project.segments.is_empty();
                            self.clips = ClipList {
                                pass: project.pass.or(any.then_some(Pass::Full)),
                                segments: Segments::from_saved(project.segments),
                                scenes: project.scenes,
                                version: self.clips.version,
                                transcript: project.transcript,
                                curves: project.curves,
                                features: project.features,
                                read: None,
                            };
                            if has_video && any {
                                return Some(Command::SelectClip(0));
                            }
                        }
                        return has_video.then_some(Command::Seek(0.0));
                    }
                    Err(e) => {
                        tracing::error!("{e}");
                        self.status = format!("Could not open {}", path.display());
                        self.error = Some(e);
                    }
                }
            }
            Msg::Frame {
                generation,
                t_secs: _,
                exact,
                result,
            } => {
                if generation != self.seek_generation {
                    return None; // superseded by a newer seek
                }
                // A keyframe shown on the way: the exact frame is still coming.
                if exact {
                    self.preview_loading = None;
                } else {
                    self.preview_loading.get_or_insert_with(Instant::now);
                }
                match result {
                    Ok(frame) => {
                        tracing::debug!("preview frame at {:.3} s", frame.pts_secs);
                        self.preview_secs = Some(frame.pts_secs);
                        self.pending_frame = Some(frame);
                    }
                    Err(e) => {
                        tracing::warn!("preview: {e}");
                        self.error = Some(e);
                    }
                }
            }
            Msg::Keyframes { generation, times } => {
                if self.is_current(generation) {
                    self.keyframes = times;
                }
            }
            Msg::Thumbnail { generation, thumb } => {
                if self.is_current(generation) {
                    self.pending_thumbs.push(thumb);
                }
            }
            Msg::Waveform { generation, result } => {
                if self.is_current(generation) {
                    match result {
                        Ok(w) => self.waveform = Some(w),
                        Err(e) => tracing::warn!("waveform: {e}"),
                    }
                }
            }
            Msg::Models(list) => self.models.installed = list,
            Msg::Missing(paths) => self.recent.set_missing(paths),
            Msg::Autosaved(result) => match result {
                Err(e) => {
                    self.status = "Autosave failed: your edits are not saved".into();
                    self.error = Some(e);
                }
                Ok(()) => {
                    if self
                        .error
                        .as_deref()
                        .is_some_and(|e| e.starts_with("cannot save the project"))
                    {
                        self.error = None;
                    }
                    self.status = "Autosave works again".into();
                }
            },
            Msg::SettingsSaved(result) => {
                self.settings_view.saved =
                    Some(result.map(|p| format!("Saved as your defaults in {}", p.display())));
            }
            Msg::Engine(Event::Progress(p))
                if self
                    .models
                    .download
                    .as_ref()
                    .is_some_and(|d| d.job == p.job) =>
            {
                if let Some(d) = self.models.download.as_mut() {
                    d.progress = Some(p);
                }
            }
            Msg::Downloaded { job, result } => {
                if self.models.download.as_ref().is_some_and(|d| d.job == job) {
                    let run = self.models.download.take();
                    let name = run.map(|r| r.name).unwrap_or_default();
                    self.models.result = Some(match result {
                        Ok(path) => {
                            let line = format!("{name} installed: {}", path.display());
                            tracing::info!("{line}");
                            Ok(line)
                        }
                        Err(e) => {
                            tracing::warn!("{e}");
                            Err(e)
                        }
                    });
                    return Some(Command::ListModels);
                }
            }
            Msg::Picked(PickFor::Source, path) => return path.map(Command::OpenPath),
            Msg::Picked(PickFor::ExportFolder, path) => {
                return path.map(|p| Command::SetExportFolder(Some(p)));
            }
            Msg::Picked(PickFor::Background, path) => {
                return path.map(|p| Command::SetBackground(Some(p)))
            }
            Msg::Picked(PickFor::CaptionStyle, path) => return path.map(Command::LoadCaptionStyle),
            Msg::CaptionStyle(Ok((style, from))) => {
                tracing::info!("caption style from {from}");
                self.export_choices.caption_style = style;
                self.export_choices.caption_style_name = from;
                self.export_choices.captions = true;
            }
            Msg::CaptionStyle(Err(e)) => {
                tracing::warn!("{e}");
                self.error = Some(e);
            }
            Msg::ExportPreview { id, result } => {
                if self.export_preview.shown.is_some_and(|s| s > id) {
                    return None; // a newer one is on screen
                }
                match result {
                    Ok(frame) => {
                        self.export_preview.shown = Some(id);
                        self.export_preview.frame = Some(std::sync::Arc::new(frame));
                        self.export_preview.error = None;
                    }
                    Err(e) => {
                        tracing::warn!("export preview: {e}");
                        self.export_preview.error = Some(e);
                    }
                }
            }
            Msg::Engine(Event::Item(u)) if self.export.as_ref().is_some_and(|e| e.job == u.job) => {
                if let Some(row) = self.export.as_mut().and_then(|e| e.rows.get_mut(u.index)) {
                    if row.started.is_none() {
                        row.started = Some(Instant::now());
                    }
                    row.fraction = u.fraction;
                    row.attempts = u.attempts;
                    if u.outcome.is_some() {
                        row.outcome = u.outcome;
                    }
                }
            }
            Msg::Engine(Event::Progress(p))
                if self.export.as_ref().is_some_and(|e| e.job == p.job) =>
            {
                if let Some(e) = self.export.as_mut() {
                    e.progress = Some(p);
                }
            }
            Msg::Exported { job, result } => {
                let run = self.export.take_if(|r| r.job == job)?;
                match result {
                    Ok((dir, results)) => {
                        let mut rows = run.rows.clone();
                        for (row, r) in rows.iter_mut().zip(&results) {
                            // Each clip's outcome came with its last progress report; a row
                            // without one says what the result says (no file look-up here:
                            // this is the UI thread).
                            row.outcome.get_or_insert_with(|| match &r.output {
                                Some(p) => Ok(p.display().to_string()),
                                None => {
                                    Err(r.error.clone().unwrap_or_else(|| "not written".into()))
                                }
                            });
                            row.fraction = 1.0;
                            row.attempts = r.attempts;
                        }
                        self.last_export = Some(FinishedExport {
                            dir: dir.clone(),
                            rows,
                        });
                        // The last error line was about something before: this one finished.
                        self.error = None;
                        let ok = results.iter().filter(|r| r.output.is_some()).count();
                        let cancelled = results
                            .iter()
                            .filter(|r| r.error_kind == Some(ExportErrorKind::Cancelled))
                            .count();
                        let failed = results.len() - ok - cancelled;
                        self.status = if cancelled > 0 {
                            format!(
                                "Export cancelled: {ok} of {} written to {}",
                                crate::wording::count(results.len(), "clip"),
                                dir.display()
                            )
                        } else if failed == 0 {
                            format!(
                                "Exported {} to {}",
                                crate::wording::count(ok, "clip"),
                                dir.display()
                            )
                        } else {
                            format!(
                                "Exported {} to {}; {failed} failed (see the log)",
                                crate::wording::count(ok, "clip"),
                                dir.display()
                            )
                        };
                        for r in results.iter().filter(|r| {
                            r.output.is_none() && r.error_kind != Some(ExportErrorKind::Cancelled)
                        }) {
                            tracing::error!(
                                "clip {} failed: {}",
                                r.index + 1,
                                r.error.as_deref().unwrap_or("unknown error")
                            );
                        }
                        tracing::info!("{}", self.status);
                    }
                    Err(e) if run.cancelling => {
                        self.status = "Export cancelled".into();
                        tracing::info!("export cancelled ({e})");
                    }
                    Err(e) => {
                        self.status = "Export failed".into();
                        tracing::error!("export failed: {e}");
                        self.error = Some(e);
                    }
                }
            }
            Msg::Engine(Event::Progress(p)) => {
                if let Some(run) = self.analysis.as_mut().filter(|r| r.job == p.job) {
                    match run.progress.iter_mut().find(|q| q.stage == p.stage) {
                        Some(q) => *q = p,
                        None => run.progress.push(p),
                    }
                }
            }
            // Events this window does not show (none today; the engine may add kinds).
            Msg::Engine(_) => {}
            Msg::Ranked(Ranking {
                job,
                pass,
                clips,
                features,
            }) => {
                let run = self.analysis.as_ref().filter(|r| r.job == job)?;
                let select = run.select.clone();
                self.clips.read = Some(run.read.clone());
                self.clips.features = Some(features);
                // The quick ranking has no transcript (the full one comes with the result).
                let clips = self.ranked_with_choices(clips, &select, None);
                self.set_clips(pass, clips, None);
            }
            Msg::Analyzed { job, result } => {
                let run = self.analysis.take_if(|r| r.job == job)?;
                let secs = run.started.elapsed().as_secs_f64();
                match result {
                    Ok(analysis) => {
                        self.error = None;
                        let n = analysis.clips.len();
                        for w in &analysis.warnings {
                            tracing::warn!("{w}");
                        }
                        // The person's corrected transcript stays (see `merge_transcript`).
                        self.clips.transcript = slopcannon_engine::project::merge_transcript(
                            self.clips.transcript.as_ref(),
                            analysis.transcript,
                        );
                        self.clips.curves = Some(std::sync::Arc::new(analysis.curves));
                        self.clips.features = Some(analysis.features);
                        self.clips.read = Some(run.read);
                        let transcript = self.clips.transcript.clone();
                        let clips = self.ranked_with_choices(
                            analysis.clips,
                            &run.select,
                            transcript.as_deref(),
                        );
                        let kept = self.set_clips(analysis.pass, clips, Some(analysis.scenes));
                        let filler = self
                            .segments()
                            .iter()
                            .filter(|s| s.filler && !s.edited)
                            .count();
                        self.status = format!(
                            "Found {} and {} in {secs:.1} s",
                            crate::wording::count(n, "clip"),
                            crate::wording::count(self.clips.scenes.len(), "scene cut")
                        );
                        if filler > 0 {
                            self.status += &format!(
                                "; {} unticked (nothing in {} stands out)",
                                filler,
                                if filler == 1 { "it" } else { "them" }
                            );
                        }
                        if kept > 0 {
                            self.status += &format!("; {}", kept_note(kept));
                        }
                        tracing::info!("{}", self.status);
                        if n > 0 && self.clips.segments.selected.is_none() {
                            return Some(Command::SelectClip(0));
                        }
                    }
                    Err(AnalysisFailure::Cancelled) => {
                        self.status = "Analysis cancelled".into();
                        tracing::info!("analysis cancelled after {secs:.1} s");
                    }
                    Err(AnalysisFailure::Failed(e)) => {
                        tracing::error!("analysis failed: {e}");
                        self.status = "Analysis failed".into();
                        self.error = Some(e);
                    }
                }
            }
        }
        None
    }

    /// `clips`, ranked with `select`, or — when the choices have changed since — the ranking
    /// the choices give, from the cached features (the score curve follows).
    fn ranked_with_choices(
        &mut self,
        clips: Vec<Clip>,
        select: &SelectOptions,
        transcript: Option<&slopcannon_engine::speech::Transcript>,
    ) -> Vec<Clip> {
        let now = self.analysis_choices.select_options();
        match self.clips.features.clone() {
            Some(features) if now != *select => self.rank_from(&features, transcript, &now),
            _ => clips,
        }
    }

    /// Ranks from `features` with `select`; the timeline's score curve follows.
    fn rank_from(
        &mut self,
        features: &Features,
        transcript: Option<&slopcannon_engine::speech::Transcript>,
        select: &SelectOptions,
    ) -> Vec<Clip> {
        let t = Instant::now();
        let ranked = features.rank(transcript, select);
        if let Some(curves) = self.clips.curves.as_mut() {
            std::sync::Arc::make_mut(curves).score = ranked.interest;
        }
        tracing::debug!(
            "ranked again from the cached features in {:.1} ms",
            t.elapsed().as_secs_f64() * 1000.0
        );
        ranked.clips
    }

    /// The analysis choices changed: when a ranking's features are cached, ranks again from
    /// them at once (no new decode), keeping the segments the person edited. False when
    /// there is nothing to rank from.
    pub fn rerank(&mut self) -> bool {
        let (Some(features), Some(pass)) = (self.clips.features.clone(), self.clips.pass) else {
            return false;
        };
        let select = self.analysis_choices.select_options();
        // A running analysis' rankings have no transcript yet (it comes with the result; the
        // one here is an earlier run's).
        let transcript = self
            .clips
            .transcript
            .clone()
            .filter(|_| pass == Pass::Full && self.analysis.is_none());
        let clips = self.rank_from(&features, transcript.as_deref(), &select);
        let n = clips.len();
        let kept = self.set_clips(pass, clips, None);
        if self.analysis.is_none() {
            self.status = format!(
                "Ranked {} again with the new options",
                crate::wording::count(n, "clip")
            );
            if kept > 0 {
                self.status += &format!("; {}", kept_note(kept));
            }
        }
        true
    }

    /// Whether Find Viral Clips can rank from the cached features instead of reading the
    /// video again: they were read with the same `read` choices.
    pub fn can_rank_from_cache(&self, read: &ReadChoices) -> bool {
        self.clips.features.is_some()
            && self.clips.pass == Some(Pass::Full)
            && self.clips.read.as_ref() == Some(read)
    }

    /// A ranking arrived: the segments the person edited stay (and the status says so), the
    /// untouched found ones are replaced — unless the person asked for a clean slate. The
    /// selection stays on its segment, or moves to the found clip over it.
    fn set_clips(&mut self, pass: Pass, clips: Vec<Clip>, scenes: Option<Vec<Scene>>) -> usize {
        let previous = self.selected_segment().map(|c| (c.start, c.end));
        let list = &mut self.clips.segments;
        let kept = if std::mem::take(&mut self.replace_edits) {
            list.replace_with_ranking(&clips);
            0
        } else {
            list.merge_ranking(&clips)
        };
        if list.selected.is_none() {
            list.selected = previous.and_then(|(s, e)| {
                list.items
                    .iter()
                    .map(|c| (c.id, (c.end.min(e) - c.start.max(s)).max(0.0)))
                    .filter(|(_, overlap)| *overlap > 0.0)
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(id, _)| id)
            });
        }
        if kept > 0 {
            let note = kept_note(kept);
            tracing::info!("{note}");
            self.status = note;
        }
        self.clips.pass = Some(pass);
        if let Some(scenes) = scenes {
            self.clips.scenes = scenes;
        }
        self.clips.version += 1;
        kept
    }
}

/// "kept the 2 segments you edited".
fn kept_note(kept: usize) -> String {
    format!(
        "kept the {kept} segment{} you edited",
        if kept == 1 { "" } else { "s" }
    )
}

/// How an analysis ended when it did not produce clips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalysisFailure {
    Cancelled,
    Failed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_view_filters_by_level_and_text() {
        let line = |level, text: &str| LogLine::new(level, text);
        let mut v = LogView::default();
        assert!(v.shows(&line(tracing::Level::DEBUG, "anything")));
        assert!(!v.shows(&line(tracing::Level::TRACE, "too chatty")));
        v.min_level = tracing::Level::WARN;
        assert!(v.shows(&line(tracing::Level::ERROR, "bad")));
        assert!(v.shows(&line(tracing::Level::WARN, "hmm")));
        assert!(!v.shows(&line(tracing::Level::INFO, "fine")));
        v.search = "PLAYBACK".into();
        assert!(v.shows(&line(tracing::Level::WARN, "playback: 3 dropped")));
        assert!(!v.shows(&line(tracing::Level::WARN, "export failed")));
    }

    fn frame(t: f64) -> RgbaFrame {
        RgbaFrame {
            width: 2,
            height: 2,
            pixels: vec![0; 16],
            pts_secs: t,
        }
    }

    #[test]
    fn stale_results_are_dropped() {
        let mut s = AppState::new();
        let g1 = s.begin_open("a.mp4".into());
        let g2 = s.begin_open("b.mp4".into());
        assert_eq!(g2, g1 + 1);
        let next = s.apply(Msg::Probed {
            generation: g1,
            path: "a.mp4".into(),
            result: Err("late".into()),
            saved: Ok(None),
        });
        assert_eq!(next, None);
        assert!(s.error.is_none(), "a result for a.mp4 does not touch b.mp4");

        let old = s.begin_seek(0.0);
        let new = s.begin_seek(0.0);
        let _ = s.apply(Msg::Frame {
            generation: old,
            t_secs: 0.0,
            exact: true,
            result: Ok(frame(1.0)),
        });
        assert!(s.pending_frame.is_none());
        let _ = s.apply(Msg::Frame {
            generation: new,
            t_secs: 2.0,
            exact: false,
            result: Ok(frame(1.0)),
        });
        // The keyframe on the way shows, and the exact frame is still awaited.
        assert_eq!(s.preview_secs, Some(1.0));
        assert!(s.preview_loading.is_some());
        let _ = s.apply(Msg::Frame {
            generation: new,
            t_secs: 2.0,
            exact: true,
            result: Ok(frame(2.0)),
        });
        assert_eq!(s.preview_secs, Some(2.0));
        assert!(s.preview_loading.is_none());
    }

    #[test]
    fn an_error_line_clears_when_the_next_export_succeeds() {
        let mut s = AppState::new();
        let failed = JobId::next();
        s.export = Some(RunningExport {
            job: failed,
            clips: 1,
            progress: None,
            cancelling: false,
            rows: Vec::new(),
        });
        let _ = s.apply(Msg::Exported {
            job: failed,
            result: Err("disk full".into()),
        });
        assert_eq!(s.error.as_deref(), Some("disk full"));
        let next = JobId::next();
        s.export = Some(RunningExport {
            job: next,
            clips: 0,
            progress: None,
            cancelling: false,
            rows: Vec::new(),
        });
        let _ = s.apply(Msg::Exported {
            job: next,
            result: Ok(("out".into(), Vec::new())),
        });
        assert_eq!(
            s.error, None,
            "the old error is gone once an export succeeds"
        );
    }

    #[test]
    fn log_is_bounded() {
        let mut s = AppState::new();
        for i in 0..LOG_CAPACITY + 10 {
            s.push_log(LogLine::new(tracing::Level::INFO, format!("{i}")));
        }
        assert_eq!(s.log.len(), LOG_CAPACITY);
        assert_eq!(s.log.front().map(|l| l.message.as_str()), Some("10"));
    }
}
