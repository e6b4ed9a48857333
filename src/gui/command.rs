//! Commands: everything a person can ask the window to do, as data. Each carries its label and
//! keyboard shortcut, so buttons, menus and shortcut handling all read from one place.

use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Show the file dialog.
    OpenDialog,
    /// Open this file (from the dialog, a drop, or the command line).
    OpenPath(PathBuf),
    /// Move the playhead to this time (seconds).
    Seek(f64),
    /// Move the playhead by this many frames (negative = back).
    StepFrames(i64),
    /// Move the playhead by this many seconds.
    StepSecs(f64),
    SeekStart,
    SeekEnd,
    /// Drag the playhead: playback pauses, the keyframe shows at once, then the exact frame.
    Scrub(f64),
    /// Go to the previous / next keyframe.
    PrevKeyframe,
    NextKeyframe,
    /// Play / pause (Space, K).
    TogglePlay,
    /// The J/K/L shuttle: L faster forwards, J slower / backwards.
    Shuttle {
        faster: bool,
    },
    /// Play the selected clip once from its start to its end (P), or round and round (Shift+P).
    PlayClip {
        looping: bool,
    },
    ToggleMute,
    /// Volume, 0–1.
    SetVolume(f32),
    ToggleLog,
    ClearLog,
    /// Filter the log panel.
    SetLogView(super::state::LogView),
    /// Find Viral Clips in the open file.
    FindClips,
    CancelAnalysis,
    /// Select clip n (and move the playhead to its start).
    SelectClip(usize),
    /// Select the next / previous clip.
    NextClip,
    PrevClip,
    /// Set the selected clip's start / end to the playhead (trim).
    SetClipStart,
    SetClipEnd,
    /// Set the selected clip's bounds (seconds).
    SetClipBounds(f64, f64),
    /// Set clip n's bounds (dragging its edges or its body on the timeline); selects it.
    TrimClip {
        index: usize,
        start: f64,
        end: f64,
    },
    /// Show this part of the video on the timeline (zoom, pan).
    SetView(crate::gui::widgets::timeline_view::TimelineView),
    /// Zoom the timeline in (> 1) or out around the playhead (Ctrl+↑ / Ctrl+↓).
    ZoomTimeline(f64),
    /// Show the whole video on the timeline.
    FitTimeline,
    /// The timeline would show thumbnails at these times (zoomed in past the keyframes').
    WantThumbnails(Vec<f64>),
    /// Tick or untick clip n for export.
    ToggleChosen(usize),
    /// Label segment n.
    SetLabel(usize, String),
    /// Put the keyboard in the selected segment's label (Enter).
    FocusLabel,
    /// Undo / redo the last segment edit (Ctrl+Z; Ctrl+Shift+Z or Ctrl+Y).
    Undo,
    Redo,
    /// A segment of the person's own: the I / O marks, or 10 s from the playhead (N or +).
    AddSegment,
    /// Split the selected segment at the playhead (B).
    SplitSegment,
    /// Delete the selected segment (Delete or Backspace).
    DeleteSegment,
    /// A copy of the selected segment (Ctrl+D).
    DuplicateSegment,
    /// Move the selected segment up / down in export order (Alt+↑ / Alt+↓).
    MoveSegment {
        up: bool,
    },
    /// The transcript panel's search text.
    SetTranscriptSearch(String),
    /// Select words in the transcript (first, last), or none.
    SelectWords(
        Option<(
            super::panels::transcript::WordAt,
            super::panels::transcript::WordAt,
        )>,
    ),
    /// A segment on the bounds of the selected words.
    ClipWords {
        start: f64,
        end: f64,
    },
    /// Correct a word of the transcript (the captions use it).
    CorrectWord {
        at: super::panels::transcript::WordAt,
        text: String,
    },
    /// Show / hide the transcript panel (Ctrl+T).
    ToggleTranscript,
    /// Show / hide the settings window.
    ToggleSettings,
    /// Edit a setting's value in the settings window (not applied yet).
    EditSetting(&'static str, String),
    /// Use the edited settings for this session (validated like at start).
    ApplySettings,
    /// Save the settings as the user's defaults (applied first).
    SaveSettings,
    /// Show / hide the models window.
    ToggleModels,
    /// Close the window (Ctrl+Q): what it keeps between sessions is saved on the way out.
    Quit,
    /// Read the installed models again.
    ListModels,
    /// The model name to download.
    ChooseModel(String),
    DownloadModel,
    CancelDownload,
    /// Find Viral Clips with edited segments there: keep them, or replace everything.
    FindClipsKeeping {
        keep_edits: bool,
    },
    CancelFind,
    /// Export the ticked clips.
    ExportClips,
    CancelExport,
    /// Cancel one clip of the running export.
    CancelExportClip(usize),
    /// Open the folder the clips went to.
    ShowInFolder(PathBuf),
    /// Change what Find Viral Clips looks for.
    SetAnalysisChoices(super::state::AnalysisChoices),
    /// Change how clips are exported.
    SetExportChoices(super::state::ExportChoices),
    /// Ask for a background video for the stacked layout.
    PickBackground,
    /// Ask for the folder exports go to.
    PickExportFolder,
    /// Export into this folder (None: beside the video).
    SetExportFolder(Option<PathBuf>),
    /// Stack the clips over this looping video (None: no background).
    SetBackground(Option<PathBuf>),
    /// Ask for a caption style file (.toml / .json).
    PickCaptionStyle,
    /// Use the caption style in this file.
    LoadCaptionStyle(PathBuf),
}

/// The commands that have a fixed label and shortcut. Shift+arrow comes before the plain
/// arrow: egui matches shortcuts ignoring an extra Shift, so the more specific one must win.
pub const SHORTCUT_COMMANDS: [Command; 36] = [
    Command::OpenDialog,
    Command::Quit,
    Command::Redo,
    Command::Undo,
    Command::DuplicateSegment,
    Command::MoveSegment { up: true },
    Command::MoveSegment { up: false },
    Command::AddSegment,
    Command::SplitSegment,
    Command::DeleteSegment,
    Command::FocusLabel,
    Command::ZoomTimeline(2.0),
    Command::ZoomTimeline(0.5),
    Command::ExportClips,
    Command::FindClips,
    Command::CancelAnalysis,
    Command::NextClip,
    Command::PrevClip,
    Command::SetClipStart,
    Command::SetClipEnd,
    Command::StepSecs(-1.0),
    Command::StepSecs(1.0),
    Command::PrevKeyframe,
    Command::NextKeyframe,
    Command::StepFrames(-1),
    Command::StepFrames(1),
    Command::SeekStart,
    Command::SeekEnd,
    Command::TogglePlay,
    Command::Shuttle { faster: false },
    Command::Shuttle { faster: true },
    Command::PlayClip { looping: true },
    Command::PlayClip { looping: false },
    Command::ToggleMute,
    Command::ToggleLog,
    Command::ToggleTranscript,
];

impl Command {
    pub fn label(&self) -> String {
        match self {
            Command::OpenDialog => "Open…".into(),
            Command::OpenPath(p) => format!("Open {}", p.display()),
            Command::Seek(t) => format!("Go to {t:.3} s"),
            Command::StepFrames(n) if *n < 0 => "Previous frame".into(),
            Command::StepFrames(_) => "Next frame".into(),
            Command::StepSecs(s) if *s < 0.0 => "Back 1 s".into(),
            Command::StepSecs(_) => "Forward 1 s".into(),
            Command::SeekStart => "Go to start".into(),
            Command::SeekEnd => "Go to end".into(),
            Command::Scrub(t) => format!("Scrub to {t:.3} s"),
            Command::PrevKeyframe => "Previous keyframe".into(),
            Command::NextKeyframe => "Next keyframe".into(),
            Command::TogglePlay => "Play / pause".into(),
            Command::Shuttle { faster: true } => "Play faster (shuttle forwards)".into(),
            Command::Shuttle { faster: false } => "Play slower / backwards (shuttle)".into(),
            Command::PlayClip { looping: false } => "Play the selected clip".into(),
            Command::PlayClip { looping: true } => "Loop the selected clip".into(),
            Command::ToggleMute => "Mute / unmute".into(),
            Command::SetVolume(_) => "Volume".into(),
            Command::ToggleLog => "Show/hide log".into(),
            Command::ClearLog => "Clear log".into(),
            Command::SetLogView(_) => "Filter the log".into(),
            Command::FindClips => "Find Viral Clips".into(),
            Command::CancelAnalysis => "Cancel".into(),
            Command::SelectClip(n) => format!("Clip {}", n + 1),
            Command::NextClip => "Next clip".into(),
            Command::PrevClip => "Previous clip".into(),
            Command::SetClipStart => "Set clip start to playhead".into(),
            Command::SetClipEnd => "Set clip end to playhead".into(),
            Command::SetClipBounds(..) | Command::TrimClip { .. } => "Trim clip".into(),
            Command::SetView(_) => "Scroll the timeline".into(),
            Command::ZoomTimeline(f) if *f > 1.0 => "Zoom in".into(),
            Command::ZoomTimeline(_) => "Zoom out".into(),
            Command::FitTimeline => "Show the whole video".into(),
            Command::WantThumbnails(_) => "More thumbnails".into(),
            Command::ToggleChosen(_) => "Export this clip".into(),
            Command::SetLabel(..) => "Label".into(),
            Command::FocusLabel => "Label the selected segment".into(),
            Command::Undo => "Undo".into(),
            Command::Redo => "Redo".into(),
            Command::AddSegment => "Add a segment (I/O marks or at the playhead)".into(),
            Command::SplitSegment => "Split the segment at the playhead".into(),
            Command::DeleteSegment => "Delete the segment".into(),
            Command::DuplicateSegment => "Duplicate the segment".into(),
            Command::MoveSegment { up: true } => "Move the segment up".into(),
            Command::MoveSegment { up: false } => "Move the segment down".into(),
            Command::FindClipsKeeping { keep_edits: true } => "Find again, keep my edits".into(),
            Command::FindClipsKeeping { keep_edits: false } => {
                "Find again, replace everything".into()
            }
            Command::CancelFind => "Cancel".into(),
            Command::SetTranscriptSearch(_) => "Search the transcript".into(),
            Command::SelectWords(_) => "Select words".into(),
            Command::ClipWords { .. } => "Clip these words".into(),
            Command::CorrectWord { .. } => "Correct a word".into(),
            Command::ToggleTranscript => "Show/hide the transcript".into(),
            Command::ToggleSettings => "Settings…".into(),
            Command::EditSetting(var, _) => format!("Edit {var}"),
            Command::ApplySettings => "Apply for this session".into(),
            Command::SaveSettings => "Save as my defaults".into(),
            Command::ToggleModels => "Models…".into(),
            Command::Quit => "Quit".into(),
            Command::ListModels => "Installed models".into(),
            Command::ChooseModel(m) => format!("Model {m}"),
            Command::DownloadModel => "Download".into(),
            Command::CancelDownload => "Cancel download".into(),
            Command::ExportClips => "Export clips".into(),
            Command::CancelExport => "Cancel export".into(),
            Command::CancelExportClip(_) => "Cancel this clip".into(),
            Command::ShowInFolder(_) => "Show in folder".into(),
            Command::SetExportChoices(_) => "Export settings".into(),
            Command::SetAnalysisChoices(_) => "Find Viral Clips options".into(),
            Command::PickBackground => "Background video…".into(),
            Command::PickExportFolder => "Folder…".into(),
            Command::SetExportFolder(Some(p)) => format!("Export to {}", p.display()),
            Command::SetExportFolder(None) => "Export beside the video".into(),
            Command::SetBackground(Some(p)) => format!("Stack over {}", p.display()),
            Command::SetBackground(None) => "No background".into(),
            Command::PickCaptionStyle => "Style file…".into(),
            Command::LoadCaptionStyle(p) => format!("Caption style {}", p.display()),
        }
    }

    pub fn shortcut(&self) -> Option<egui::KeyboardShortcut> {
        use egui::{Key, KeyboardShortcut as S, Modifiers as M};
        Some(match self {
            Command::OpenDialog => S::new(M::COMMAND, Key::O),
            Command::Quit => S::new(M::COMMAND, Key::Q),
            Command::StepFrames(n) if *n < 0 => S::new(M::NONE, Key::ArrowLeft),
            Command::StepFrames(_) => S::new(M::NONE, Key::ArrowRight),
            Command::StepSecs(s) if *s < 0.0 => S::new(M::SHIFT, Key::ArrowLeft),
            Command::StepSecs(_) => S::new(M::SHIFT, Key::ArrowRight),
            Command::SeekStart => S::new(M::NONE, Key::Home),
            Command::SeekEnd => S::new(M::NONE, Key::End),
            Command::Undo => S::new(M::COMMAND, Key::Z),
            Command::Redo => S::new(M::COMMAND | M::SHIFT, Key::Z),
            Command::DuplicateSegment => S::new(M::COMMAND, Key::D),
            Command::MoveSegment { up: true } => S::new(M::ALT, Key::ArrowUp),
            Command::MoveSegment { up: false } => S::new(M::ALT, Key::ArrowDown),
            Command::AddSegment => S::new(M::NONE, Key::N),
            Command::SplitSegment => S::new(M::NONE, Key::B),
            Command::DeleteSegment => S::new(M::NONE, Key::Delete),
            Command::FocusLabel => S::new(M::NONE, Key::Enter),
            Command::ZoomTimeline(f) if *f > 1.0 => S::new(M::COMMAND, Key::ArrowUp),
            Command::ZoomTimeline(_) => S::new(M::COMMAND, Key::ArrowDown),
            Command::PrevKeyframe => S::new(M::ALT, Key::ArrowLeft),
            Command::NextKeyframe => S::new(M::ALT, Key::ArrowRight),
            Command::TogglePlay => S::new(M::NONE, Key::Space),
            Command::Shuttle { faster: true } => S::new(M::NONE, Key::L),
            Command::Shuttle { faster: false } => S::new(M::NONE, Key::J),
            Command::PlayClip { looping: true } => S::new(M::SHIFT, Key::P),
            Command::PlayClip { looping: false } => S::new(M::NONE, Key::P),
            Command::ToggleMute => S::new(M::NONE, Key::M),
            Command::ToggleLog => S::new(M::COMMAND, Key::L),
            Command::ToggleTranscript => S::new(M::COMMAND, Key::T),
            Command::FindClips => S::new(M::COMMAND, Key::F),
            Command::CancelAnalysis => S::new(M::NONE, Key::Escape),
            Command::NextClip => S::new(M::NONE, Key::ArrowDown),
            Command::PrevClip => S::new(M::NONE, Key::ArrowUp),
            Command::SetClipStart => S::new(M::NONE, Key::I),
            Command::SetClipEnd => S::new(M::NONE, Key::O),
            Command::ExportClips => S::new(M::COMMAND, Key::E),
            _ => return None,
        })
    }

    /// A second key for the same command: `,` / `.` step frames, K plays / pauses.
    pub fn alias_shortcut(&self) -> Option<egui::KeyboardShortcut> {
        use egui::{Key, KeyboardShortcut as S, Modifiers as M};
        Some(match self {
            Command::StepFrames(n) if *n < 0 => S::new(M::NONE, Key::Comma),
            Command::StepFrames(_) => S::new(M::NONE, Key::Period),
            Command::TogglePlay => S::new(M::NONE, Key::K),
            Command::Redo => S::new(M::COMMAND, Key::Y),
            Command::AddSegment => S::new(M::NONE, Key::Plus),
            Command::DeleteSegment => S::new(M::NONE, Key::Backspace),
            _ => return None,
        })
    }
}
