//! The window (eframe/egui).
use crate::settings::{Settings, SettingsError};
use std::path::PathBuf;
use std::process::ExitCode;
pub fn run(_settings: Result<Settings, SettingsError>, _file: Option<PathBuf>) -> ExitCode {
    ExitCode::SUCCESS
}
