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
    root().join("src")
}

/// The workspace's top folder.
fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_engine_depends_on_no_gui_cli_or_settings_crate() {
    // A compile-time fact: the engine cannot name a crate it does not depend on, directly or
    // through another dependency. `cargo tree` lists everything it links.
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "slopcannon-engine",
            "--edges",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
            "--locked",
        ])
        .current_dir(root())
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.contains("ffmpeg-next"), "the tree was read: {tree}");
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or_default();
        for banned in [
            "egui",
            "eframe",
            "rfd",
            "clap",
            "indicatif",
            "envy",
            "dotenvy",
        ] {
            assert_ne!(name, banned, "the engine links {banned}");
        }
    }
}

#[test]
fn the_engine_never_reads_slop_variables() {
    for file in rust_files(&root().join("crates/engine/src")) {
        let text = std::fs::read_to_string(&file).expect("read");
        for pattern in ["env::var", "env::vars", "var_os("] {
            assert!(
                !text.contains(pattern),
                "{} reads the environment ({pattern}): settings belong to the app",
                file.display()
            );
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
    files.extend(rust_files(&root().join("tests")));
    files.extend(rust_files(&root().join("crates")));
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(
            text.starts_with("//!"),
            "{} has no //! header",
            file.display()
        );
    }
}
