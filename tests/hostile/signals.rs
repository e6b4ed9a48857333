//! SIGINT (Ctrl+C) and SIGTERM to the CLI in the middle of an analysis and of an export: the
//! job stops as a cancel does, within a margin that holds on a slow machine (5 s; the cancel
//! itself is checked once per packet), leaves no partial file, and an export says which clips
//! were written.

use super::{files_in, finish, row, start};
use crate::util::slopcannon;
use slopcannon_testkit::{fixture, test_dir};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long the process may take to end after the signal.
const MARGIN: Duration = Duration::from_secs(5);

fn signal(pid: u32, sig: &str) {
    let ok = std::process::Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "kill -{sig}");
}

/// The finished clips in `dir` (not the hidden temporary ones).
fn visible_mp4s(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "mp4")
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect()
}

fn cancel_export(sig: &str) {
    let dir = test_dir(&format!("hostile_export_{sig}"));
    let out = dir.join("out");
    std::fs::write(
        dir.join("clips.json"),
        r#"[{"start": 0, "end": 1}, {"start": 30, "end": 50}, {"start": 60, "end": 80}, {"start": 90, "end": 110}]"#,
    )
    .expect("write clips");
    let child = start(
        slopcannon(&dir)
            .arg("export")
            .arg(fixture("planted.mp4"))
            .args([
                "--clips",
                "clips.json",
                "--mode",
                "reencode",
                "--portrait",
                "blur",
            ])
            .args(["--workers", "1", "--out"])
            .arg(&out),
    );
    // Once the short first clip is written, the second is being encoded: interrupt then.
    let t0 = Instant::now();
    while visible_mp4s(&out).is_empty() {
        assert!(t0.elapsed() < super::LIMIT, "the first clip never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    signal(child.id(), sig);
    let sent = Instant::now();
    let r = finish(child);
    let took = sent.elapsed();
    assert!(took < MARGIN, "stopped {took:?} after SIG{sig}");
    assert_eq!(r.code, 1, "{}", r.err);
    let files = files_in(&out);
    assert!(
        r.err
            .contains(&format!("cancelled: {} of 4 clips written", files.len())),
        "the message counts the files that are there: {}",
        r.err
    );
    assert!((1..=3).contains(&files.len()), "{files:?}");
    for f in &files {
        let back = super::read_back(f);
        assert!(back.secs > 0.9, "a written clip is whole: {back}");
    }
    row(
        &format!("SIG{sig} during an export (4 clips)"),
        "export",
        &format!(
            "exit 1 in {:.1} s: \"cancelled: {} of 4 clips written\", no partial file",
            took.as_secs_f64(),
            files.len()
        ),
    );
}

fn cancel_analysis(sig: &str) {
    let dir = test_dir(&format!("hostile_analyze_{sig}"));
    let json = dir.join("analysis.json");
    let child = start(
        slopcannon(&dir)
            .arg("analyze")
            .arg(fixture("planted.mp4"))
            .args(["--no-speech", "--workers", "1", "--json"])
            .arg(&json),
    );
    std::thread::sleep(Duration::from_millis(700));
    signal(child.id(), sig);
    let sent = Instant::now();
    let r = finish(child);
    let took = sent.elapsed();
    assert!(took < MARGIN, "stopped {took:?} after SIG{sig}");
    let line = r.fails_with("cancelled");
    assert!(!json.exists(), "no report from a cancelled analysis");
    assert!(files_in(&dir).iter().all(|f| !f.ends_with("analysis.json")));
    row(
        &format!("SIG{sig} during an analysis"),
        "analyze --no-speech",
        &format!(
            "exit 1 in {:.1} s: \"{}\", no report written",
            took.as_secs_f64(),
            line.trim_start_matches("error: ")
        ),
    );
}

#[test]
fn hostile_sigint_cancels_an_export_and_says_which_clips_were_written() {
    cancel_export("INT");
}

#[test]
fn hostile_sigterm_cancels_an_export_and_says_which_clips_were_written() {
    cancel_export("TERM");
}

#[test]
fn hostile_sigint_cancels_an_analysis() {
    cancel_analysis("INT");
}

#[test]
fn hostile_sigterm_cancels_an_analysis() {
    cancel_analysis("TERM");
}
