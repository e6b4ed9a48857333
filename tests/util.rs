//! The real `slopcannon` binary, run with every `SLOP_*` variable removed.

use std::path::Path;
use std::process::{Command, Output};

/// The real binary, run in `dir` (so no stray `.env` is read) without any `SLOP_*` variable.
pub fn slopcannon(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slopcannon"));
    cmd.current_dir(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("SLOP_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Runs `cmd`, returning (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run slopcannon");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Clicks the widget labelled `label` as a person would: scrolled into view first (it may sit
/// below the fold of a scrolled panel), then a pointer click at its centre.
pub fn click_in_view(
    h: &mut egui_kittest::Harness<'static, slopcannon::gui::app::SlopApp>,
    label: &str,
) {
    use egui_kittest::kittest::Queryable as _;
    h.get_by_label(label).scroll_to_me();
    h.run_steps(3);
    h.get_by_label(label).click();
}
