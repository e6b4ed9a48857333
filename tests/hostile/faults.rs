//! Injected faults through the real binary (`export --test-fault`, a hidden test hook): an
//! encoder that fails once (retried, the fallback recorded), always (that clip fails, the
//! rest of the queue is written), and a job that panics (caught and reported as that clip's
//! failure; the queue goes on).

use super::corpus::corpus;
use super::{clip_list, files_in, read_back, row, run};
use crate::util::slopcannon;
use slopcannon_testkit::test_dir;

/// Exports three 1-s clips with `fault`; returns the run and its JSON results.
fn export_with(dir: &std::path::Path, fault: &str, out: &str) -> (super::Run, serde_json::Value) {
    let r = run(slopcannon(dir)
        // The app's panic line, not Rust's backtrace (what a user sees).
        .env_remove("RUST_BACKTRACE")
        .arg("export")
        .arg(corpus("av.mp4"))
        .arg("--clips")
        .arg(clip_list(dir, &[(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]))
        .args([
            "--workers",
            "1",
            "--json",
            "--test-fault",
            fault,
            "--out",
            out,
        ]));
    let v = serde_json::from_str(&r.out).unwrap_or_else(|e| panic!("JSON ({e}): {}", r.out));
    (r, v)
}

#[test]
fn hostile_an_encoder_that_fails_once_is_retried_and_says_so() {
    let dir = test_dir("hostile_fail_once");
    let (r, v) = export_with(&dir, "fail-once:2", "out");
    r.succeeds();
    assert_eq!(v[1]["attempts"], 2);
    let note = v[1]["fallbacks"][0].as_str().expect("a fallback note");
    assert!(
        note.contains("attempt 2: smart cut → re-encode")
            && note.contains("injected encoder failure"),
        "{note}"
    );
    assert_eq!(v[0]["attempts"], 1);
    let files = files_in(&dir.join("out"));
    assert_eq!(files.len(), 3);
    let back = read_back(&files[1]);
    assert_eq!(back.frames, 30, "{back}");
    row(
        "encoder fails once (clip 2)",
        "export --test-fault fail-once:2",
        &format!(
            "exit 0: 3 clips written; clip 2 attempts 2, fallback \"{}\"; {back}",
            note.split(" after").next().unwrap_or(note)
        ),
    );
}

#[test]
fn hostile_an_encoder_that_always_fails_fails_that_clip_only() {
    let dir = test_dir("hostile_fail_always");
    let (r, v) = export_with(&dir, "fail-always:2", "out");
    assert_eq!(r.code, 1, "{}", r.err);
    assert_eq!(v[1]["output"], serde_json::Value::Null);
    assert_eq!(v[1]["error_kind"], "encode");
    assert!(
        v[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("injected encoder failure")),
        "{v}"
    );
    assert_eq!(v[1]["attempts"], 2, "tried SLOP_EXPORT_RETRIES (2) times");
    let files = files_in(&dir.join("out"));
    assert_eq!(files.len(), 2, "clips 1 and 3 written: {files:?}");
    for f in &files {
        assert_eq!(read_back(f).frames, 30);
    }
    row("encoder always fails (clip 2)", "export --test-fault fail-always:2", "exit 1: clip 2 \"injected encoder failure (attempt 2)\" after 2 attempts; clips 1 and 3 written (30 frames each)");
}

#[test]
fn hostile_a_panicking_job_fails_its_clip_and_the_queue_goes_on() {
    let dir = test_dir("hostile_panic");
    let (r, v) = export_with(&dir, "panic:2", "out");
    assert_eq!(r.code, 1, "{}", r.err);
    let error = v[1]["error"].as_str().expect("error");
    assert!(
        error.contains("the export of this clip crashed")
            && error.contains("injected panic in clip 2"),
        "{error}"
    );
    assert!(
        r.err
            .contains("internal error (a bug, please report it): injected panic in clip 2"),
        "{}",
        r.err
    );
    let files = files_in(&dir.join("out"));
    assert_eq!(files.len(), 2, "clips 1 and 3 written: {files:?}");
    row("a worker panics (clip 2)", "export --test-fault panic:2", "exit 1: clip 2 \"the export of this clip crashed (a bug: injected panic in clip 2)\"; clips 1 and 3 written");
}
