//! The window (eframe/egui): a thin front over the engine.
//!
//! **Invariant:** nothing here calls FFmpeg; media work runs in `jobs` workers through the
//! engine, and the UI thread never blocks on them.

pub mod app;
pub mod autosave;
pub mod bench;
pub mod command;
pub mod effect;
pub mod export_preview;
pub mod jobs;
pub mod panels;
pub mod persist;
pub mod player;
pub mod recent;
pub mod reducer;
pub mod segments;
pub mod state;
pub mod textures;
pub mod widgets;

use crate::settings::{LogLevel, Settings, SettingsError};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// The app icon (`assets/slopcannon.png`, also the `.desktop` entry's), embedded.
const ICON_PNG: &[u8] = include_bytes!("../../assets/slopcannon.png");

/// The file in the data folder that keeps the window's state between sessions.
pub const WINDOW_STATE_FILE: &str = "window.ron";

/// The window icon, decoded from [`ICON_PNG`]; `None` (and a warning) if it cannot be, and
/// eframe keeps its default.
fn window_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(ICON_PNG)
        .inspect_err(|e| tracing::warn!("app icon not decoded ({e}); using the default"))
        .ok()
}

/// Opens the window. A settings error is shown in the window (and the exit code is 2).
/// With a `bench` plan, a script drives the window, prints its measurements and closes it.
pub fn run(
    settings: Result<Settings, SettingsError>,
    file: Option<PathBuf>,
    bench: Option<bench::BenchPlan>,
) -> ExitCode {
    let mut deps = app::AppDeps::new(jobs::system_file_picker());
    if bench.is_some() {
        // Exports go to a scratch folder, not beside the video.
        deps.export_dir =
            Some(std::env::temp_dir().join(format!("slopcannon-bench-gui-{}", std::process::id())));
    }
    let scratch = deps.export_dir.clone();
    deps.bench = bench;
    let level = settings.as_ref().map_or(LogLevel::Info, |s| s.log);
    let forward_tx = deps.tx.clone();
    let forward_waker = deps.waker.clone();
    crate::logging::init(
        level,
        Some(Arc::new(move |line| {
            if forward_tx.send(jobs::Msg::Log(line)).is_ok() {
                forward_waker.wake();
            }
        })),
    );
    if let Ok(s) = &settings {
        s.log_dotenv();
    }
    let failed_settings = settings.is_err();
    match settings {
        Ok(s) => {
            for var in &s.unknown {
                tracing::warn!("unknown setting {var} ignored (see config.example.env)");
            }
            deps.settings = s;
        }
        Err(e) => {
            eprintln!("error: {e}");
            deps.settings_error = Some(e.to_string());
        }
    }
    deps.open = file;
    deps.data_dir = slopcannon_engine::project::data_dir();
    deps.user_defaults = crate::settings::user_defaults_path();
    deps.settings_layers = Settings::load_layers().unwrap_or_default();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("slopcannon")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    // What the window keeps between sessions (`persist.rs`) lives beside the projects; a
    // benchmark keeps its own in its scratch folder, so it leaves the person's alone.
    let persistence_path = scratch
        .as_ref()
        .or(deps.data_dir.as_ref())
        .map(|d| d.join(WINDOW_STATE_FILE));
    let options = eframe::NativeOptions {
        viewport,
        persistence_path,
        ..Default::default()
    };
    let result = eframe::run_native(
        "slopcannon",
        options,
        Box::new(move |cc| Ok(Box::new(app::SlopApp::new(cc, deps)))),
    );
    if let Some(dir) = scratch {
        std::fs::remove_dir_all(dir).ok();
    }
    match result {
        Err(e) => {
            eprintln!("error: cannot open the window ({e}); the command line still works: slopcannon --help");
            ExitCode::from(1)
        }
        Ok(()) if failed_settings => ExitCode::from(2),
        Ok(()) => ExitCode::SUCCESS,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_icon_decodes() {
        let icon = super::window_icon().expect("icon decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
