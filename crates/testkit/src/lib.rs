//! Helpers shared by the engine's tests and the app's: media fixtures generated with the FFmpeg
//! CLI and cached under `target/tmp/fixtures`, a fresh folder per test, the real whisper models
//! of `../shared`, and picture comparisons.

pub mod fixtures;
pub mod fixtures_analysis;
pub mod fixtures_real;
pub mod http;

pub use fixtures::fixture;

use slopcannon_engine::media::grab::RgbaFrame;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The workspace's top folder (where the app's `Cargo.toml` is).
pub fn workspace_root() -> PathBuf {
    let testkit = Path::new(env!("CARGO_MANIFEST_DIR"));
    testkit
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| testkit.join("../.."), Path::to_path_buf)
}

/// `target/tmp` of the workspace (or of an absolute `CARGO_TARGET_DIR`): generated media and
/// test folders live here, outside the source tree.
pub fn tmp_root() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| workspace_root().join("target"));
    target.join("tmp")
}

/// A fresh, empty directory for one test under `target/tmp`.
pub fn test_dir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = tmp_root().join(format!(
        "t-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::remove_dir_all(&dir).ok();
    std::fs::create_dir_all(&dir).expect("create test dir");
    dir
}

/// A file of `../shared` beside the project (real speech samples and models).
pub fn shared(rel: &str) -> PathBuf {
    workspace_root().join("../shared").join(rel)
}

/// A real whisper model (e.g. `ggml-tiny.en-q8_0.bin`) from `../shared/models`, or from the
/// folder `SLOPCANNON_TEST_MODELS` names (`scripts/test.sh` downloads the tiny.en models there
/// with `slopcannon models download` when there is no `../shared`). Fails the test with a
/// message saying how to get it when it is not there: a speech test never passes without the
/// model it tests.
pub fn model(file: &str) -> PathBuf {
    let dir = std::env::var_os("SLOPCANNON_TEST_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| shared("models"));
    let path = dir.join(file);
    assert!(
        path.is_file(),
        "the whisper model {} is missing: put the project's shared/ folder beside the clone \
         (../shared/models), or run `slopcannon models download {}` (online) and set \
         SLOPCANNON_TEST_MODELS to ~/.local/share/slopcannon/models",
        path.display(),
        file.trim_start_matches("ggml-").trim_end_matches(".bin"),
    );
    path
}

/// Mean absolute RGB difference of two pictures of one size.
pub fn rgb_mad(a: &RgbaFrame, b: &RgbaFrame) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height), "same size");
    let sum: u64 = a
        .pixels
        .chunks_exact(4)
        .zip(b.pixels.chunks_exact(4))
        .map(|(p, q)| (0..3).map(|i| u64::from(p[i].abs_diff(q[i]))).sum::<u64>())
        .sum();
    sum as f64 / (a.pixels.len() / 4 * 3) as f64
}

/// White pixels (every channel above 200) in the top fifth of a picture: where a title is
/// burned on a 9:16 short (above the picture of a padded one, whose bars are black).
pub fn white_in_top_fifth(f: &RgbaFrame) -> usize {
    f.pixels[..(f.width * (f.height / 5)) as usize * 4]
        .chunks_exact(4)
        .filter(|p| p[0] > 200 && p[1] > 200 && p[2] > 200)
        .count()
}

/// Mean absolute difference of a horizontal band `[y0, y1)` of two frames.
pub fn band_mad(a: &RgbaFrame, b: &RgbaFrame, y0: u32, y1: u32) -> f64 {
    let row = a.width as usize * 4;
    let (s, e) = (y0 as usize * row, y1 as usize * row);
    let sum: u64 = a.pixels[s..e]
        .iter()
        .zip(&b.pixels[s..e])
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / (e - s) as f64
}
