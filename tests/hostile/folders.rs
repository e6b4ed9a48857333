//! Output folders that cannot take the clips — a read-only mount, a file in the folder's
//! place, a full disk — and names that would leave the folder: one clear line, nothing left
//! behind, nothing written outside.

use super::corpus::corpus;
use super::{clip_list, files_in, read_back, row, run, said};
use crate::util::slopcannon;
use slopcannon_testkit::{fixture, test_dir};
use std::path::{Path, PathBuf};

/// A tmpfs mounted for one test (as root: `chmod` does not stop root, a read-only mount
/// does), unmounted when dropped. `None`, said on stderr, when `mount` is refused.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(dir: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(dir).expect("mount point");
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: `mount -t tmpfs -o {options}` was refused (not root?)");
            return None;
        }
        Some(Mount(dir.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        std::process::Command::new("umount")
            .arg(&self.0)
            .status()
            .ok();
    }
}

fn export_into(dir: &Path, src: &Path, out: &Path, spans: &[(f64, f64)]) -> super::Run {
    run(slopcannon(dir)
        .arg("export")
        .arg(src)
        .arg("--clips")
        .arg(clip_list(dir, spans))
        .args(["--mode", "reencode", "--out"])
        .arg(out))
}

#[test]
fn hostile_an_output_folder_that_cannot_be_written() {
    let dir = test_dir("hostile_folders");
    let src = corpus("av.mp4");
    if let Some(ro) = Mount::tmpfs(&dir.join("ro"), "ro,size=1m") {
        let r = export_into(&dir, &src, &ro.0, &[(0.5, 1.5)]);
        let line = r.fails_with("cannot write into the output folder (Read-only file system)");
        row(
            "output folder on a read-only mount",
            "export",
            &said(r.code, line),
        );
        let r = export_into(&dir, &src, &ro.0.join("sub"), &[(0.5, 1.5)]);
        let line = r.fails_with("cannot create the output folder (Read-only file system)");
        row(
            "output folder to be made on a read-only mount",
            "export",
            &said(r.code, line),
        );
    }
    let file = dir.join("not-a-folder");
    std::fs::write(&file, b"x").expect("write");
    let r = export_into(&dir, &src, &file, &[(0.5, 1.5)]);
    row(
        "a file in place of the output folder",
        "export",
        &said(
            r.code,
            r.fails_with("the output folder is a file, not a folder"),
        ),
    );
    let r = export_into(&dir, &src, &file.join("sub"), &[(0.5, 1.5)]);
    row(
        "output folder below a file",
        "export",
        &said(
            r.code,
            r.fails_with("cannot create the output folder (Not a directory)"),
        ),
    );
    assert_eq!(
        std::fs::read(&file).expect("read"),
        b"x",
        "the file is untouched"
    );
}

#[test]
fn hostile_a_full_disk_fails_the_clip_cleanly() {
    let dir = test_dir("hostile_full_disk");
    let Some(full) = Mount::tmpfs(&dir.join("full"), "size=1m") else {
        return;
    };
    // One frame of noise (~200 KB) fits; two seconds of it (~12 MB) cannot.
    let r = run(slopcannon(&dir)
        .arg("export")
        .arg(corpus("noise.mp4"))
        .arg("--clips")
        .arg(clip_list(&dir, &[(0.0, 0.03), (0.0, 2.0)]))
        .args(["--mode", "reencode", "--workers", "1", "--out"])
        .arg(&full.0));
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(
        r.out.contains("clip 2 FAILED: no space left on the disk"),
        "{}",
        r.out
    );
    assert!(
        !r.out.contains(".part"),
        "the message names the clip, not a temp file: {}",
        r.out
    );
    let files = files_in(&full.0);
    assert_eq!(files.len(), 1, "only the clip that fit: {files:?}");
    let back = read_back(&files[0]);
    assert_eq!(back.frames, 1, "{back}");
    row(
        "a full disk (tmpfs of 1 MiB)",
        "export 2 clips",
        &format!("exit 1: clip 1 {back}; clip 2 \"no space left on the disk\", no partial file"),
    );
}

#[test]
fn hostile_names_cannot_leave_the_output_folder() {
    let dir = test_dir("hostile_names");
    let src = corpus("av.mp4");
    for template in [
        "../{num}.mp4",
        "/tmp/x{num}.mp4",
        "sub\\{num}.mp4",
        ".{num}.mp4",
    ] {
        let r = run(slopcannon(&dir)
            .arg("export")
            .arg(&src)
            .arg("--clips")
            .arg(clip_list(&dir, &[(0.5, 1.5)]))
            .args(["--out", "out", "--name", template]));
        let line = r.fails_with("clips are written into the output folder only");
        row(
            &format!("template {template}"),
            "export --name",
            &said(r.code, line),
        );
    }
    assert!(!dir.join("01.mp4").exists() && !Path::new("/tmp/x01.mp4").exists());
    assert!(files_in(&dir.join("out")).is_empty());
    // A video whose own name is hidden: the clip's name is not.
    let hidden = dir.join(".secret.mp4");
    std::fs::copy(&src, &hidden).expect("copy");
    let r = run(slopcannon(&dir)
        .arg("export")
        .arg(&hidden)
        .arg("--clips")
        .arg(clip_list(&dir, &[(0.5, 1.5)]))
        .args(["--out", "out2"]));
    r.succeeds();
    let files = files_in(&dir.join("out2"));
    assert_eq!(files.len(), 1);
    let name = files[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    assert_eq!(name.as_deref(), Some("_secret_01_00m00s-00m01s.mp4"));
    row(
        "a video named .secret.mp4",
        "export",
        "exit 0: _secret_01_00m00s-00m01s.mp4 (not hidden)",
    );
}

/// Mistakes in what a batch is asked for are one line before any clip is written: a field
/// misspelt or a name not ending in .mp4, a clip that starts after the end (one that ends
/// past it is cut there, named for what it holds), a background with no picture, a source
/// that does not decode.
#[test]
fn hostile_batch_mistakes_are_refused_before_any_clip() {
    let dir = test_dir("hostile_batch_mistakes");
    let src = corpus("av.mp4"); // 4 s
    let export = |spans: &[(f64, f64)], extra: &[&str]| {
        run(slopcannon(&dir)
            .arg("export")
            .arg(&src)
            .arg("--clips")
            .arg(clip_list(&dir, spans))
            .args(["--out", "out"])
            .args(extra))
    };
    for (template, says) in [
        (
            "{lable}.mp4",
            "has an unknown field {lable}: the fields are {video} {num} {start} {end} {label}",
        ),
        ("{num}", "does not end in .mp4"),
        ("{num}.mkv", "does not end in .mp4"),
    ] {
        let r = export(&[(0.5, 1.5)], &["--name", template]);
        let line = r.fails_with(says);
        row(
            &format!("template {template}"),
            "export --name",
            &said(r.code, line),
        );
    }
    // A clip after the end is said before the batch; the others are written.
    let r = export(&[(0.5, 1.5), (5.0, 6.0)], &["--name", "after-{num}.mp4"]);
    assert_eq!(r.code, 1, "{}", r.err);
    let warned =
        "clip 2 starts at 0:05.000, after the end of the source (0:04.000): it cannot be written";
    let (warning, first) = (r.err.find(warned), r.err.find("clip 1 written"));
    assert!(
        warning.is_some() && warning < first,
        "said first: {}",
        r.err
    );
    assert_eq!(files_in(&dir.join("out")).len(), 1);
    row(
        "a clip after the end",
        "export",
        "exit 1: said before the batch; the clip before it written",
    );
    std::fs::remove_dir_all(dir.join("out")).ok();
    let bg = fixture("tone_at_2s.m4a");
    let r = export(&[(0.5, 1.5)], &["--stacked", &bg.to_string_lossy()]);
    let line = r.fails_with("the background has no picture");
    row(
        "a background with no picture",
        "export --stacked",
        &said(r.code, line),
    );
    let undecodable = fixture("undecodable.mkv");
    let r = run(slopcannon(&dir)
        .arg("export")
        .arg(&undecodable)
        .arg("--clips")
        .arg(clip_list(&dir, &[(0.5, 1.5)]))
        .args(["--out", "out"]));
    let line = r.fails_with("no decoder for codec");
    row("a source with no decoder", "export", &said(r.code, line));
    assert!(files_in(&dir.join("out")).is_empty());

    // Past the end: cut there, and the name says so.
    let r = export(&[(2.0, 9.0)], &[]);
    r.succeeds();
    assert!(
        r.err
            .contains("clip 1 ends at 0:09.000, after the end of the source (0:04.000): cut there"),
        "{}",
        r.err
    );
    let files = files_in(&dir.join("out"));
    let name = files[0]
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    assert_eq!(name.as_deref(), Some("av_01_00m02s-00m04s.mp4"));
    let back = read_back(&files[0]);
    assert!((back.secs - 2.0).abs() < 0.05, "{back}");
    row(
        "a clip past the end",
        "export",
        &format!("exit 0: cut at the end, {back}"),
    );
}
