//! [`AppState::update`]: what a [`Command`] does to the plain state, and the [`Effect`]s the
//! app must then run (jobs, the player, the settings, closing the window). Pure but for the
//! clock and job ids it is given or draws: every edit is testable without a window.

use super::command::Command;
use super::effect::Effect;
use super::jobs::PickFor;
use super::player::{shuttle, PlayRequest};
use super::segments::{Refused, Segments};
use super::state::{
    AppState, ExportRow, PlaybackView, RunningAnalysis, RunningDownload, RunningExport,
};
use super::widgets::timeline_view::TimelineView;
use crate::settings::{Layer, Settings, Source};
use slopcannon_engine::analysis::AnalyzeOptions;
use slopcannon_engine::export::ClipRequest;
use slopcannon_engine::progress::JobId;
use std::path::Path;
use std::time::Instant;

/// A segment added at the playhead (N) without in / out marks is this long.
pub const NEW_SEGMENT_SECS: f64 = 10.0;

/// Detail thumbnails kept at most (each 160×90 RGBA, 56 KiB as a texture).
pub const MAX_THUMBNAILS: usize = 1500;

/// What a command may read from outside the state: the player, the settings in use, the
/// folders and the clock, as the app has them when the command runs.
pub struct UpdateContext<'a> {
    /// What plays now (None: stopped).
    pub playing: Option<PlayRequest>,
    /// The preview's size on screen in pixels (frames are scaled to it).
    pub preview_px: (u32, u32),
    /// The settings in use (the settings window can change them for the session).
    pub settings: &'a Settings,
    /// The layers the settings were read from (the settings window adds its edits on top).
    pub settings_layers: &'a [Layer],
    /// Where "Save as my defaults" writes (None: no config folder).
    pub user_defaults: Option<&'a Path>,
    /// Where named whisper models and the transcript cache live.
    pub data_dir: Option<&'a Path>,
    /// Where exports go when none is chosen (None: beside the video).
    pub export_dir: Option<&'a Path>,
    /// Where the models window downloads from.
    pub model_base_url: &'a str,
    pub now: Instant,
}

impl AppState {
    /// Runs `cmd` on the state; returns what the app must do outside it, in order.
    #[must_use]
    pub fn update(&mut self, cmd: Command, ctx: &UpdateContext<'_>) -> Vec<Effect> {
        let mut fx = Vec::new();
        // A bad setting blocks all work; quitting still works.
        if self.settings_error.is_some() && cmd != Command::Quit {
            return fx;
        }
        self.run_command(cmd, ctx, &mut fx);
        fx
    }

    fn run_command(&mut self, cmd: Command, ctx: &UpdateContext<'_>, fx: &mut Vec<Effect>) {
        let frame_secs = 1.0 / self.fps();
        match cmd {
            Command::Quit => fx.push(Effect::Quit),
            Command::OpenDialog => fx.push(Effect::PickFile(PickFor::Source)),
            Command::PickBackground => fx.push(Effect::PickFile(PickFor::Background)),
            Command::PickExportFolder => fx.push(Effect::PickFile(PickFor::ExportFolder)),
            Command::PickCaptionStyle => fx.push(Effect::PickFile(PickFor::CaptionStyle)),
            Command::LoadCaptionStyle(path) => fx.push(Effect::LoadCaptionStyle(path)),
            Command::SetExportFolder(dir) => self.export_choices.out_dir = dir,
            Command::SetBackground(path) => {
                if let Some(p) = &path {
                    tracing::info!("stacked shorts over {}", p.display());
                }
                self.export_choices.background = path;
            }
            Command::OpenPath(path) => {
                self.stop_playing(ctx, fx);
                if self.analysis.take().is_some() {
                    fx.push(Effect::CancelAnalysis);
                }
                let generation = self.begin_open(path.clone());
                fx.push(Effect::Probe { generation, path });
            }
            Command::Seek(t) => match ctx.playing.clone() {
                // Playing on from there (a click on the timeline while playing).
                Some(req) => self.play(
                    PlayRequest {
                        from_secs: t.clamp(0.0, self.duration_secs()),
                        ..req
                    },
                    fx,
                ),
                None => self.seek(t, fx),
            },
            Command::Scrub(t) => {
                self.stop_playing(ctx, fx);
                self.seek(t, fx);
            }
            Command::StepFrames(n) => {
                self.stop_playing(ctx, fx);
                // Land on frame boundaries: the frame shown now, plus n.
                let shown = self.preview_secs.unwrap_or(self.playhead_secs);
                let target = ((shown / frame_secs).round() + n as f64) * frame_secs;
                self.seek(target, fx);
            }
            Command::StepSecs(s) => {
                self.stop_playing(ctx, fx);
                self.seek(self.playhead_secs + s, fx);
            }
            Command::SeekStart => {
                self.stop_playing(ctx, fx);
                self.seek(0.0, fx);
            }
            Command::SeekEnd => {
                self.stop_playing(ctx, fx);
                self.seek(self.duration_secs() - frame_secs * 0.5, fx);
            }
            Command::PrevKeyframe | Command::NextKeyframe => {
                self.stop_playing(ctx, fx);
                match self.keyframe_from_playhead(cmd == Command::NextKeyframe) {
                    Some(k) => self.seek(k, fx),
                    None if self.keyframes.is_empty() => {
                        self.status = "Keyframes are not known yet".into();
                    }
                    None => {}
                }
            }
            Command::TogglePlay => {
                if ctx.playing.is_some() {
                    self.stop_playing(ctx, fx);
                } else {
                    self.play_at(self.playhead_secs, 1.0, ctx, fx);
                }
            }
            Command::Shuttle { faster } => {
                let speed = ctx.playing.as_ref().map_or(0.0, |p| p.speed);
                let next = shuttle::step(speed, faster);
                if next == 0.0 {
                    self.stop_playing(ctx, fx);
                } else {
                    self.play_at(self.playhead_secs, next, ctx, fx);
                }
            }
            Command::PlayClip { looping } => {
                if let Some(c) = self.selected_segment() {
                    let (start, end) = (c.start, c.end);
                    if let Some(req) = self.play_request(start, 1.0, ctx) {
                        self.play(
                            PlayRequest {
                                end_secs: Some(end),
                                looping,
                                ..req
                            },
                            fx,
                        );
                    }
                } else {
                    self.status = "Select a clip to play it".into();
                }
            }
            Command::ToggleMute => {
                self.muted = !self.muted;
                fx.push(self.volume_effect());
            }
            Command::SetVolume(v) => {
                self.volume = v.clamp(0.0, 1.0);
                self.muted = false;
                fx.push(self.volume_effect());
            }
            Command::ToggleLog => self.show_log = !self.show_log,
            Command::ClearLog => self.log.clear(),
            Command::SetLogView(view) => self.log_view = view,
            Command::FindClips => {
                if self.clips.segments.edited() > 0 && self.analysis.is_none() {
                    self.confirm_find = true; // the window asks first
                } else {
                    self.find_clips(ctx, fx);
                }
            }
            Command::FindClipsKeeping { keep_edits } => {
                self.confirm_find = false;
                self.replace_edits = !keep_edits;
                self.find_clips(ctx, fx);
            }
            Command::CancelFind => self.confirm_find = false,
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
            Command::FocusLabel => self.focus_label = true,
            Command::SetTranscriptSearch(text) => self.transcript_search = text,
            Command::SelectWords(sel) => self.word_selection = sel,
            Command::ClipWords { start, end } => {
                if self
                    .edit("Clip words", |s, d| s.add(start, end, d))
                    .is_some()
                {
                    self.word_selection = None;
                    self.seek(start, fx);
                }
            }
            Command::CorrectWord { at: (si, wi), text } => self.correct_word(si, wi, &text),
            Command::ToggleTranscript => self.show_transcript = !self.show_transcript,
            Command::ToggleSettings => {
                let v = &mut self.settings_view;
                v.open = !v.open;
                v.effective = ctx.settings.effective();
                v.draft = v
                    .effective
                    .iter()
                    .map(|(k, val, _)| (*k, val.clone()))
                    .collect();
                v.error = None;
            }
            Command::EditSetting(var, value) => {
                self.settings_view.draft.insert(var, value);
            }
            Command::ApplySettings => {
                if let Some(s) = self.apply_settings(ctx) {
                    fx.push(Effect::UseSettings(Box::new(s)));
                }
            }
            Command::SaveSettings => {
                if let Some(s) = self.apply_settings(ctx) {
                    self.save_settings(&s, ctx, fx);
                    fx.push(Effect::UseSettings(Box::new(s)));
                }
            }
            Command::ToggleModels => {
                self.models.open = !self.models.open;
                if self.models.open {
                    self.run_command(Command::ListModels, ctx, fx);
                }
            }
            Command::ListModels => {
                if let Some(dir) = self.models.dir.clone() {
                    fx.push(Effect::ListModels(dir));
                }
            }
            Command::ChooseModel(name) => self.models.choice = name,
            Command::DownloadModel => {
                let Some(dir) = self.models.dir.clone() else {
                    return;
                };
                if self.models.download.is_some() {
                    return;
                }
                let name = self.models.choice.trim().to_string();
                let job = JobId::next();
                fx.push(Effect::DownloadModel {
                    job,
                    name: name.clone(),
                    base_url: ctx.model_base_url.to_string(),
                    dir,
                });
                self.models.result = None;
                self.models.download = Some(RunningDownload {
                    job,
                    name,
                    progress: None,
                    cancelling: false,
                });
            }
            Command::CancelDownload => {
                if let Some(d) = self.models.download.as_mut() {
                    d.cancelling = true;
                    fx.push(Effect::CancelDownload);
                }
            }
            Command::Undo => self.step_history(true),
            Command::Redo => self.step_history(false),
            Command::AddSegment => {
                let t = self.playhead_secs;
                let (start, end) = match (self.mark_in, self.mark_out) {
                    (Some(i), Some(o)) if o > i => (i, o),
                    _ => (t, t + NEW_SEGMENT_SECS),
                };
                if self
                    .edit("Add segment", |s, d| s.add(start, end, d))
                    .is_some()
                {
                    self.mark_in = None;
                    self.mark_out = None;
                }
            }
            Command::SplitSegment => {
                let t = self.playhead_secs;
                match self.clips.segments.selected {
                    Some(id) => {
                        self.edit("Split segment", |s, _| s.split(id, t));
                    }
                    None => self.status = "Select a segment to split".into(),
                }
            }
            Command::DeleteSegment => {
                if let Some(id) = self.clips.segments.selected {
                    self.edit("Delete segment", |s, _| s.delete(id));
                }
            }
            Command::DuplicateSegment => {
                if let Some(id) = self.clips.segments.selected {
                    self.edit("Duplicate segment", |s, _| s.duplicate(id));
                }
            }
            Command::MoveSegment { up } => {
                if let Some(id) = self.clips.segments.selected {
                    let what = if up {
                        "Move segment up"
                    } else {
                        "Move segment down"
                    };
                    self.edit(what, |s, _| s.shift(id, up));
                }
            }
            Command::SetExportChoices(c) => self.export_choices = c,
            Command::SetAnalysisChoices(c) => {
                let rerank = c.select_options() != self.analysis_choices.select_options();
                self.analysis_choices = c;
                // Weights, count and lengths rank again at once from the cached features
                // (the segments the person edited stay).
                if rerank {
                    self.rerank();
                }
            }
            Command::ExportClips => self.export_clips(ctx, fx),
            Command::CancelExportClip(i) => {
                if let Some(row) = self.export.as_mut().and_then(|e| e.rows.get_mut(i)) {
                    row.cancelling = true;
                    fx.push(Effect::CancelExportClip(i));
                }
            }
            Command::ShowInFolder(dir) => fx.push(Effect::ShowInFolder(dir)),
            Command::CancelExport => {
                if let Some(run) = self.export.as_mut() {
                    run.cancelling = true;
                    fx.push(Effect::CancelExport);
                }
            }
            Command::CancelAnalysis => {
                // Esc: the analysis if one runs, else the export.
                if let Some(run) = self.analysis.as_mut() {
                    run.cancelling = true;
                    fx.push(Effect::CancelAnalysis);
                } else if self.export.is_some() {
                    self.run_command(Command::CancelExport, ctx, fx);
                } else if self.confirm_find {
                    self.confirm_find = false;
                }
            }
            Command::SelectClip(i) => {
                if let Some(seg) = self.segments().get(i) {
                    let (id, start) = (seg.id, seg.start);
                    self.clips.segments.selected = Some(id);
                    self.seek(start, fx);
                }
            }
            Command::NextClip | Command::PrevClip => {
                let n = self.segments().len();
                if n > 0 {
                    let at = self.clips.segments.selected_index();
                    let next = match (at, cmd == Command::NextClip) {
                        (None, _) => 0,
                        (Some(i), true) => (i + 1).min(n - 1),
                        (Some(i), false) => i.saturating_sub(1),
                    };
                    self.run_command(Command::SelectClip(next), ctx, fx);
                }
            }
            Command::SetClipStart => {
                let t = self.mark_time();
                self.mark_in = Some(t);
                if let Some(c) = self.selected_segment() {
                    let end = c.end;
                    self.run_command(Command::SetClipBounds(t, end), ctx, fx);
                }
            }
            Command::SetClipEnd => {
                let t = self.mark_time();
                self.mark_out = Some(t);
                if let Some(c) = self.selected_segment() {
                    let start = c.start;
                    self.run_command(Command::SetClipBounds(start, t), ctx, fx);
                }
            }
            Command::TrimClip { index, start, end } => {
                if let Some(id) = self.id_at(index) {
                    self.clips.segments.selected = Some(id);
                    let what = format!("Trim segment #{}", index + 1);
                    self.edit_coalescing(&what, id, |s, d| s.trim(id, start, end, d));
                }
            }
            Command::SetView(view) => self.view = view.clamped(self.duration_secs()),
            Command::ZoomTimeline(f) => {
                let d = self.duration_secs();
                self.view = self.view.zoomed(f, self.playhead_secs, d);
            }
            Command::WantThumbnails(times) => self.want_thumbnails(times, fx),
            Command::FitTimeline => {
                self.view = TimelineView::fit(self.duration_secs());
            }
            Command::SetClipBounds(start, end) => {
                if let Some(id) = self.clips.segments.selected {
                    let n = self.clips.segments.selected_index().map_or(0, |i| i + 1);
                    let what = format!("Trim segment #{n}");
                    self.edit_coalescing(&what, id, |s, d| s.trim(id, start, end, d));
                }
            }
        }
    }

    fn volume_effect(&self) -> Effect {
        Effect::SetVolume {
            volume: self.volume,
            muted: self.muted,
        }
    }

    /// Puts `text` in place of word `wi` of transcript segment `si`.
    fn correct_word(&mut self, si: usize, wi: usize, text: &str) {
        let Some(t) = self.clips.transcript.as_mut() else {
            return;
        };
        let t = std::sync::Arc::make_mut(t);
        if let Some(w) = t.segments.get_mut(si).and_then(|s| s.words.get_mut(wi)) {
            // Keep whisper's leading space (the captions join words by it).
            let lead = if w.word.starts_with(' ') { " " } else { "" };
            w.word = format!("{lead}{}", text.trim());
            let seg = &mut t.segments[si];
            seg.text = seg.words.iter().map(|w| w.word.as_str()).collect();
            self.clips.version += 1;
        }
    }

    /// Asks for the detail thumbnails at `times` not asked for yet, while there is room.
    fn want_thumbnails(&mut self, times: Vec<f64>, fx: &mut Vec<Effect>) {
        let Some(generation) = self.ready_generation() else {
            return;
        };
        let fresh: Vec<f64> = times
            .into_iter()
            .filter(|t| self.thumbs_asked.insert(t.to_bits()))
            .collect();
        let room = MAX_THUMBNAILS.saturating_sub(self.thumbs_asked.len());
        if !fresh.is_empty() && room > 0 {
            if let Some(file) = &self.file {
                fx.push(Effect::DetailThumbnails {
                    generation,
                    path: file.path.clone(),
                    times: fresh,
                });
            }
        }
    }

    /// The settings window's draft, validated like the settings at start: the settings to
    /// use for this session, or None (and the message in the window) when a value is refused.
    fn apply_settings(&mut self, ctx: &UpdateContext<'_>) -> Option<Settings> {
        let view = &self.settings_view;
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
        let mut layers = ctx.settings_layers.to_vec();
        // Earlier session edits stay under the new ones.
        let earlier: Vec<(String, String)> = ctx
            .settings
            .effective()
            .into_iter()
            .filter(|(_, _, s)| *s == Source::Session)
            .map(|(k, v, _)| (k.to_string(), v))
            .collect();
        layers.push((Source::Session, earlier));
        layers.push((Source::Session, changed));
        match Settings::from_layers(layers) {
            Ok(s) => {
                let v = &mut self.settings_view;
                v.error = None;
                v.effective = s.effective();
                v.draft = v
                    .effective
                    .iter()
                    .map(|(k, val, _)| (*k, val.clone()))
                    .collect();
                tracing::info!("settings changed for this session");
                Some(s)
            }
            Err(e) => {
                self.settings_view.error = Some(e.to_string());
                None
            }
        }
    }

    /// Saves what the user has in their defaults with this session's `settings` on top.
    fn save_settings(
        &mut self,
        settings: &Settings,
        ctx: &UpdateContext<'_>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(path) = ctx.user_defaults else {
            self.settings_view.saved = Some(Err("No config folder to save the defaults in".into()));
            return;
        };
        let mut pairs: std::collections::BTreeMap<String, String> = ctx
            .settings_layers
            .iter()
            .filter(|(s, _)| *s == Source::UserDefaults)
            .flat_map(|(_, p)| p.iter().cloned())
            .collect();
        for (var, value, source) in settings.effective() {
            if source == Source::Session {
                pairs.insert(var.to_string(), value);
            }
        }
        let pairs: Vec<(String, String)> = pairs.into_iter().collect();
        fx.push(Effect::SaveSettings {
            path: path.to_path_buf(),
            text: crate::settings::write_pairs(&pairs),
        });
    }

    /// Where I / O put a mark: the playhead, or the word bound within a quarter second of it
    /// (a clip never starts or ends mid-word by accident).
    fn mark_time(&self) -> f64 {
        let t = self.playhead_secs;
        self.word_bound_near(t, 0.25).unwrap_or(t)
    }

    /// Undoes (or redoes) the last edit, saying which.
    fn step_history(&mut self, undo: bool) {
        let now = self.clips.segments.clone();
        let h = &mut self.history;
        let step = if undo { h.undo(now) } else { h.redo(now) };
        let (done, nothing) = if undo {
            ("Undid", "Nothing to undo")
        } else {
            ("Redid", "Nothing to redo")
        };
        match step {
            Some((what, list)) => {
                self.clips.segments = list;
                self.clips.version += 1;
                self.status = format!("{done}: {what}");
            }
            None => self.status = nothing.into(),
        }
    }

    /// The id of the segment at list position `i`.
    fn id_at(&self, i: usize) -> Option<u64> {
        self.segments().get(i).map(|s| s.id)
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
        let before = self.clips.segments.clone();
        let duration = self.duration_secs();
        match f(&mut self.clips.segments, duration) {
            Ok(v) => {
                match key {
                    Some(k) => self.history.record_coalescing(what, before, k),
                    None => self.history.record(what, before),
                }
                self.clips.version += 1;
                Some(v)
            }
            Err(Refused(why)) => {
                self.status = why;
                None
            }
        }
    }

    /// Starts "Find Viral Clips" on the open file (or ranks again from the cached features
    /// when nothing needs reading again).
    fn find_clips(&mut self, ctx: &UpdateContext<'_>, fx: &mut Vec<Effect>) {
        if self.analysis.is_some() {
            return;
        }
        let Some(generation) = self.ready_generation() else {
            self.status = "Open a video first".into();
            return;
        };
        let Some(path) = self.file.as_ref().map(|f| f.path.clone()) else {
            return;
        };
        let choices = &self.analysis_choices;
        let defaults = ctx.settings.analyze_options();
        let read = choices.read_choices(defaults.stride);
        if self.can_rank_from_cache(&read) {
            // Nothing to read again: the cached features rank with the current choices.
            self.rerank();
            self.status = "Ranked again from the last analysis (the video needs no new \
                 reading; change speech or the model to read it again)"
                .into();
            return;
        }
        let model = Some(read.model.as_str()).filter(|m| !m.is_empty());
        let speech = read
            .speech
            .then(|| ctx.settings.transcribe_options(ctx.data_dir, model, true));
        let opts = AnalyzeOptions {
            speech,
            select: choices.select_options(),
            ..defaults
        };
        let select = opts.select.clone();
        let job = JobId::next();
        fx.push(Effect::StartAnalysis {
            job,
            path,
            opts: Box::new(opts),
        });
        self.analysis = Some(RunningAnalysis {
            job,
            generation,
            started: ctx.now,
            progress: Vec::new(),
            cancelling: false,
            select,
            read,
        });
        self.status = "Finding clips…".into();
    }

    /// Exports the ticked clips (to the chosen folder, else `slopcannon-clips` beside the
    /// video).
    fn export_clips(&mut self, ctx: &UpdateContext<'_>, fx: &mut Vec<Effect>) {
        if self.export.is_some() {
            return;
        }
        let Some(path) = self.file.as_ref().map(|f| f.path.clone()) else {
            return;
        };
        let clips: Vec<ClipRequest> = self
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
            self.status = "No clips ticked for export".into();
            return;
        }
        let mut choices = self.export_choices.clone();
        if !self.has_video() {
            // Sound alone: audio clips, or with captions or titles 9:16 shorts of them; the
            // layouts (kept for the next video) do not apply.
            choices.portrait = None;
            choices.background = None;
        }
        // A test's folder when none is chosen.
        choices.out_dir = choices
            .out_dir
            .or_else(|| ctx.export_dir.map(Path::to_path_buf));
        let opts = choices.options(
            &path,
            self.clips.transcript.clone(),
            ctx.settings.export_options(),
        );
        let n = clips.len();
        let job = JobId::next();
        fx.push(Effect::StartExport {
            job,
            path,
            clips,
            opts: Box::new(opts),
        });
        let rows = self
            .clips
            .segments
            .items
            .iter()
            .enumerate()
            .filter(|(_, s)| s.chosen)
            .map(|(i, s)| ExportRow {
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
        self.last_export = None;
        self.export = Some(RunningExport {
            job,
            clips: n,
            progress: None,
            cancelling: false,
            rows,
        });
        self.status = format!("Exporting {}…", crate::wording::count(n, "clip"));
    }

    /// Moves the playhead to `t` and asks for the frame there (a file without video only
    /// moves the playhead). A zoomed timeline turns the page when the playhead lands outside
    /// it (a jump to a clip, a word, the end), as it does while playing.
    fn seek(&mut self, t: f64, fx: &mut Vec<Effect>) {
        if self.ready_generation().is_none() {
            return;
        }
        let duration = self.duration_secs();
        if !self.has_video() {
            // Audio only: the playhead moves, there is no picture to fetch.
            self.playhead_secs = t.clamp(0.0, duration.max(0.0));
            self.view = self.view.following(self.playhead_secs, duration);
            return;
        }
        let seek_generation = self.begin_seek(t);
        self.view = self.view.following(self.playhead_secs, duration);
        if let Some(file) = &self.file {
            fx.push(Effect::ShowFrame {
                seek_generation,
                path: file.path.clone(),
                at_secs: self.playhead_secs,
            });
        }
    }

    /// What playing the open file from `from_secs` at `speed` takes (None: nothing open).
    fn play_request(
        &self,
        from_secs: f64,
        speed: f64,
        ctx: &UpdateContext<'_>,
    ) -> Option<PlayRequest> {
        self.ready_generation()?;
        let file = self.file.as_ref()?;
        let info = file.info.as_ref()?;
        let duration_secs = self.duration_secs();
        Some(PlayRequest {
            path: file.path.clone(),
            from_secs: from_secs.clamp(0.0, duration_secs.max(0.0)),
            speed,
            max_size: ctx.preview_px,
            has_video: info.video().is_some(),
            has_audio: info.audio().is_some(),
            duration_secs,
            end_secs: None,
            looping: false,
        })
    }

    /// Plays from `from_secs` (from the start when at the end).
    fn play_at(
        &mut self,
        from_secs: f64,
        speed: f64,
        ctx: &UpdateContext<'_>,
        fx: &mut Vec<Effect>,
    ) {
        let end = self.duration_secs() - 0.5 / self.fps();
        let from = if speed > 0.0 && from_secs >= end {
            0.0
        } else {
            from_secs
        };
        if let Some(req) = self.play_request(from, speed, ctx) {
            self.play(req, fx);
        }
    }

    fn play(&mut self, req: PlayRequest, fx: &mut Vec<Effect>) {
        self.begin_play(PlaybackView {
            speed: req.speed,
            end_secs: req.end_secs,
            looping: req.looping,
        });
        self.playhead_secs = req.from_secs;
        fx.push(Effect::Play(Box::new(req)));
    }

    /// Stops playback (the app keeps what it did in `last_play` when it runs the effect).
    fn stop_playing(&mut self, ctx: &UpdateContext<'_>, fx: &mut Vec<Effect>) {
        if ctx.playing.is_some() {
            self.playback = None;
            fx.push(Effect::StopPlaying);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gui::state::OpenFile;
    use slopcannon_engine::media::probe::{MediaInfo, Ratio, StreamInfo, VideoInfo};
    use std::path::PathBuf;

    /// A probed 60-second, 25 fps video.
    fn open_video() -> AppState {
        let video = StreamInfo {
            index: 0,
            kind: "video",
            codec: "h264".into(),
            decodable: true,
            time_base: Ratio { num: 1, den: 25 },
            duration_secs: Some(60.0),
            bit_rate: None,
            video: Some(VideoInfo {
                width: 320,
                height: 180,
                rotation_deg: 0,
                pixel_format: "yuv420p".into(),
                frame_rate: Some(25.0),
                avg_frame_rate: Some(25.0),
                frames: None,
                vfr: false,
                sample_aspect: None,
            }),
            audio: None,
        };
        let mut s = AppState::new();
        s.file = Some(OpenFile {
            path: "talk.mp4".into(),
            generation: 1,
            info: Some(MediaInfo {
                path: "talk.mp4".into(),
                container: "mov,mp4,m4a,3gp,3g2,mj2".into(),
                container_long: "QuickTime / MOV".into(),
                duration_secs: Some(60.0),
                declared_duration_secs: None,
                bit_rate: None,
                size_bytes: 1,
                streams: vec![video],
            }),
            probing: false,
        });
        s
    }

    fn context(settings: &Settings, playing: Option<PlayRequest>) -> UpdateContext<'_> {
        UpdateContext {
            playing,
            preview_px: (640, 360),
            settings,
            settings_layers: &[],
            user_defaults: None,
            data_dir: None,
            export_dir: None,
            model_base_url: "http://127.0.0.1:1",
            now: Instant::now(),
        }
    }

    /// (start, end) of every segment, in list order.
    fn bounds(s: &AppState) -> Vec<(f64, f64)> {
        s.segments().iter().map(|g| (g.start, g.end)).collect()
    }

    fn play_request(fx: &[Effect]) -> Option<&PlayRequest> {
        fx.iter().find_map(|e| match e {
            Effect::Play(req) => Some(req.as_ref()),
            _ => None,
        })
    }

    #[test]
    fn a_segment_added_at_the_playhead_lasts_ten_seconds_or_spans_the_marks() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.playhead_secs = 5.0;
        let fx = s.update(Command::AddSegment, &ctx);
        assert!(fx.is_empty(), "an edit is a state change only: {fx:?}");
        assert_eq!(bounds(&s), vec![(5.0, 15.0)]);

        s.mark_in = Some(20.0);
        s.mark_out = Some(28.0);
        let _ = s.update(Command::AddSegment, &ctx);
        assert_eq!(bounds(&s), vec![(5.0, 15.0), (20.0, 28.0)]);
        assert_eq!(
            (s.mark_in, s.mark_out),
            (None, None),
            "the marks are used up"
        );
    }

    #[test]
    fn split_at_the_playhead_makes_two_segments() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.playhead_secs = 10.0;
        let _ = s.update(Command::AddSegment, &ctx);
        s.playhead_secs = 14.0;
        let _ = s.update(Command::SplitSegment, &ctx);
        assert_eq!(bounds(&s), vec![(10.0, 14.0), (14.0, 20.0)]);

        s.clips.segments.selected = None;
        let _ = s.update(Command::SplitSegment, &ctx);
        assert_eq!(s.segments().len(), 2);
        assert_eq!(s.status, "Select a segment to split");
    }

    #[test]
    fn delete_is_undone_and_redone() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.playhead_secs = 3.0;
        let _ = s.update(Command::AddSegment, &ctx);
        let version = s.clips.version;
        let _ = s.update(Command::DeleteSegment, &ctx);
        assert!(s.segments().is_empty());
        assert!(s.clips.version > version, "an edit is saved");

        let _ = s.update(Command::Undo, &ctx);
        assert_eq!(bounds(&s), vec![(3.0, 13.0)]);
        assert_eq!(s.status, "Undid: Delete segment");
        let _ = s.update(Command::Redo, &ctx);
        assert!(s.segments().is_empty());
        assert_eq!(s.status, "Redid: Delete segment");
        let _ = s.update(Command::Redo, &ctx);
        assert_eq!(s.status, "Nothing to redo");
    }

    #[test]
    fn toggle_play_plays_from_the_playhead_or_stops() {
        let settings = Settings::default();
        let mut s = open_video();
        s.playhead_secs = 12.5;
        let fx = s.update(Command::TogglePlay, &context(&settings, None));
        let req = play_request(&fx).expect("a play effect").clone();
        assert_eq!((req.from_secs, req.speed), (12.5, 1.0));
        assert_eq!(req.path, PathBuf::from("talk.mp4"));
        assert_eq!(req.max_size, (640, 360));
        assert_eq!(s.playback.map(|p| p.speed), Some(1.0));

        let fx = s.update(Command::TogglePlay, &context(&settings, Some(req)));
        assert!(matches!(fx.as_slice(), [Effect::StopPlaying]), "{fx:?}");
        assert_eq!(s.playback, None);
    }

    #[test]
    fn seek_while_playing_plays_on_from_there_and_while_stopped_shows_the_frame() {
        let settings = Settings::default();
        let mut s = open_video();
        let fx = s.update(Command::TogglePlay, &context(&settings, None));
        let mut playing = play_request(&fx).expect("playing").clone();
        playing.speed = 2.0;

        let fx = s.update(Command::Seek(30.0), &context(&settings, Some(playing)));
        let req = play_request(&fx).expect("plays on");
        assert_eq!((req.from_secs, req.speed), (30.0, 2.0));
        assert_eq!(s.playhead_secs, 30.0);

        let fx = s.update(Command::Seek(99.0), &context(&settings, None));
        match fx.as_slice() {
            [Effect::ShowFrame { at_secs, .. }] => assert_eq!(*at_secs, 60.0, "clamped"),
            other => panic!("expected one ShowFrame, got {other:?}"),
        }
    }

    #[test]
    fn a_jump_outside_the_zoomed_timeline_turns_its_page() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.playhead_secs = 40.0;
        let _ = s.update(Command::AddSegment, &ctx);
        s.view = TimelineView { t0: 0.0, t1: 5.0 };
        let _ = s.update(Command::Seek(3.0), &ctx);
        assert_eq!(
            s.view,
            TimelineView { t0: 0.0, t1: 5.0 },
            "in view: it stays"
        );

        let _ = s.update(Command::SelectClip(0), &ctx);
        assert_eq!(s.playhead_secs, 40.0);
        assert!(
            s.view.t0 < 40.0 && 40.0 + 4.0 < s.view.t1,
            "the clip's start near the left edge: {:?}",
            s.view
        );
        assert!((s.view.span() - 5.0).abs() < 1e-9, "the zoom is kept");

        let _ = s.update(Command::SeekStart, &ctx);
        assert_eq!(s.view.t0, 0.0, "{:?}", s.view);
    }

    #[test]
    fn set_clip_start_trims_the_selected_segment() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.playhead_secs = 10.0;
        let _ = s.update(Command::AddSegment, &ctx);
        s.playhead_secs = 12.0;
        let _ = s.update(Command::SetClipStart, &ctx);
        assert_eq!(bounds(&s), vec![(12.0, 20.0)]);
        assert_eq!(s.mark_in, Some(12.0));
        s.playhead_secs = 18.0;
        let _ = s.update(Command::SetClipEnd, &ctx);
        assert_eq!(bounds(&s), vec![(12.0, 18.0)]);
    }

    #[test]
    fn escape_without_an_analysis_cancels_the_export() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.export = Some(RunningExport {
            job: JobId::next(),
            clips: 1,
            progress: None,
            cancelling: false,
            rows: Vec::new(),
        });
        let fx = s.update(Command::CancelAnalysis, &ctx);
        assert!(matches!(fx.as_slice(), [Effect::CancelExport]), "{fx:?}");
        assert!(s.export.as_ref().is_some_and(|e| e.cancelling));
    }

    #[test]
    fn a_bad_setting_blocks_every_command_but_quit() {
        let settings = Settings::default();
        let ctx = context(&settings, None);
        let mut s = open_video();
        s.settings_error = Some("SLOP_WORKERS: not a number".into());
        s.playhead_secs = 5.0;
        for cmd in [
            Command::AddSegment,
            Command::TogglePlay,
            Command::OpenDialog,
            Command::FindClips,
        ] {
            assert!(s.update(cmd, &ctx).is_empty());
        }
        assert!(s.segments().is_empty());
        assert!(s.playback.is_none());
        assert!(matches!(
            s.update(Command::Quit, &ctx).as_slice(),
            [Effect::Quit]
        ));
    }

    #[test]
    fn export_starts_a_job_with_the_ticked_clips_and_the_state_tracks_it() {
        let settings = Settings::default();
        let ctx = UpdateContext {
            export_dir: Some(Path::new("/tmp/clips")),
            ..context(&settings, None)
        };
        let mut s = open_video();
        for t in [2.0, 20.0, 40.0] {
            s.playhead_secs = t;
            let _ = s.update(Command::AddSegment, &ctx);
        }
        let _ = s.update(Command::ToggleChosen(1), &ctx);
        let fx = s.update(Command::ExportClips, &ctx);
        let [Effect::StartExport {
            job, clips, opts, ..
        }] = fx.as_slice()
        else {
            panic!("expected one StartExport, got {fx:?}");
        };
        let spans: Vec<(f64, f64)> = clips.iter().map(|c| (c.start, c.end)).collect();
        assert_eq!(
            spans,
            vec![(2.0, 12.0), (40.0, 50.0)],
            "the unticked one stays"
        );
        assert_eq!(opts.out_dir, PathBuf::from("/tmp/clips"));
        let run = s.export.as_ref().expect("an export runs");
        assert_eq!((run.job, run.clips, run.rows.len()), (*job, 2, 2));
        assert_eq!(s.status, "Exporting 2 clips…");
        assert!(
            s.update(Command::ExportClips, &ctx).is_empty(),
            "one at a time"
        );
    }
}
