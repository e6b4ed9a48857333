//! Architecture invariants from ARCHITECTURE.md, checked on the source tree.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn engine_never_imports_ui_or_cli_crates() {
    for file in rust_files(&src().join("engine")) {
        let text = std::fs::read_to_string(&file).expect("read");
        for krate in ["egui", "eframe", "clap", "indicatif", "rfd"] {
            for pattern in [format!("use {krate}"), format!("{krate}::")] {
                assert!(
                    !text.contains(&pattern),
                    "{} mentions {pattern}",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn gui_never_calls_ffmpeg() {
    for file in rust_files(&src().join("gui")) {
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(
            !text.contains("ffmpeg_next"),
            "{} uses ffmpeg_next",
            file.display()
        );
    }
}

#[test]
fn every_source_file_starts_with_a_doc_comment() {
    let mut files = rust_files(&src());
    files.extend(rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"),
    ));
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(
            text.starts_with("//!"),
            "{} has no //! header",
            file.display()
        );
    }
}
