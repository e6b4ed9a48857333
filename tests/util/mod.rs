//! Shared test helpers: generated fixtures, a fresh directory per test, and a command runner
//! for the real `slopcannon` binary with every `SLOP_*` variable removed.

pub mod fixtures;
pub mod fixtures_analysis;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

pub use fixtures::fixture;

/// Mean absolute difference of a horizontal band `[y0, y1)` of two frames.
pub fn band_mad(
    a: &slopcannon::engine::media::grab::RgbaFrame,
    b: &slopcannon::engine::media::grab::RgbaFrame,
    y0: u32,
    y1: u32,
) -> f64 {
    let row = a.width as usize * 4;
    let (s, e) = (y0 as usize * row, y1 as usize * row);
    let sum: u64 = a.pixels[s..e]
        .iter()
        .zip(&b.pixels[s..e])
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / (e - s) as f64
}

/// A fresh, empty directory for one test under `target/tmp`.
pub fn test_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "t-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("create test dir");
    dir
}

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
