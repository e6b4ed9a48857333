//! What the window keeps between sessions in eframe's storage (`window.ron` in the data
//! folder; eframe adds the window's size and position and egui's memory — panel sizes): the
//! export choices in use when the window closed (the defaults for a video that has no project
//! yet; a video's own project overrides them when it is opened), the analysis choices and the
//! recent files. Written when eframe saves: on closing (Ctrl+Q, the window's close button)
//! and every 30 s.
//! Each under its own key, so a value that no longer reads loses only itself.

use super::recent::RecentFiles;
use super::state::{AnalysisChoices, AppState, ExportChoices};
use std::path::PathBuf;

/// The storage keys (eframe's own are `window` and `egui`).
pub const EXPORT_KEY: &str = "slopcannon/export_choices";
pub const ANALYSIS_KEY: &str = "slopcannon/analysis_choices";
pub const RECENT_KEY: &str = "slopcannon/recent_files";

/// Puts what was kept into `state` (what is absent or unreadable keeps its default).
pub fn restore(storage: &dyn eframe::Storage, state: &mut AppState) {
    if let Some(c) = eframe::get_value::<ExportChoices>(storage, EXPORT_KEY) {
        state.export_choices = c;
    }
    if let Some(c) = eframe::get_value::<AnalysisChoices>(storage, ANALYSIS_KEY) {
        state.analysis_choices = c;
    }
    if let Some(paths) = eframe::get_value::<Vec<PathBuf>>(storage, RECENT_KEY) {
        state.recent = RecentFiles::from_paths(paths);
    }
}

/// Writes what is kept from `state` (eframe flushes the storage to disk afterwards).
pub fn keep(storage: &mut dyn eframe::Storage, state: &AppState) {
    eframe::set_value(storage, EXPORT_KEY, &state.export_choices);
    eframe::set_value(storage, ANALYSIS_KEY, &state.analysis_choices);
    eframe::set_value(storage, RECENT_KEY, &state.recent.paths());
}
