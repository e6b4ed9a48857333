//! `Effect`: what the app must do outside the plain state after a command — start or cancel a
//! worker job, drive the player, use new settings, close the window. [`AppState::update`]
//! returns them; `SlopApp::apply` runs them.
//!
//! [`AppState::update`]: super::state::AppState::update

use super::jobs::PickFor;
use super::player::PlayRequest;
use crate::settings::Settings;
use slopcannon_engine::analysis::AnalyzeOptions;
use slopcannon_engine::export::{ClipRequest, ExportOptions};
use slopcannon_engine::progress::JobId;
use std::path::PathBuf;

#[derive(Clone, Debug)]
pub enum Effect {
    /// Close the window (at the end of this frame's logic).
    Quit,
    /// Show the file dialog for this purpose.
    PickFile(PickFor),
    /// Read a caption style file.
    LoadCaptionStyle(PathBuf),
    /// Probe the file being opened as `generation`.
    Probe { generation: u64, path: PathBuf },
    /// Stop the running analysis.
    CancelAnalysis,
    /// Start "Find Viral Clips" as `job`.
    StartAnalysis {
        job: JobId,
        path: PathBuf,
        opts: Box<AnalyzeOptions>,
    },
    /// Start exporting `clips` of `path` as `job`.
    StartExport {
        job: JobId,
        path: PathBuf,
        clips: Vec<ClipRequest>,
        opts: Box<ExportOptions>,
    },
    /// Stop the running export.
    CancelExport,
    /// Stop one clip of the running export (its position in the queue).
    CancelExportClip(usize),
    /// Show this folder in the file manager.
    ShowInFolder(PathBuf),
    /// List the models in this folder.
    ListModels(PathBuf),
    /// Download model `name` from `base_url` into `dir` as `job`.
    DownloadModel {
        job: JobId,
        name: String,
        base_url: String,
        dir: PathBuf,
    },
    /// Stop the running download.
    CancelDownload,
    /// Use these settings for the rest of the session.
    UseSettings(Box<Settings>),
    /// Write the user's defaults file.
    SaveSettings { path: PathBuf, text: String },
    /// Decode thumbnails of the file opened as `generation` at these times.
    DetailThumbnails {
        generation: u64,
        path: PathBuf,
        times: Vec<f64>,
    },
    /// Fetch the still frame at `at_secs` for seek `seek_generation`.
    ShowFrame {
        seek_generation: u64,
        path: PathBuf,
        at_secs: f64,
    },
    /// Start playing (stopping what plays).
    Play(Box<PlayRequest>),
    /// Stop playing.
    StopPlaying,
    /// Set the sound's volume.
    SetVolume { volume: f32, muted: bool },
}
