//! Hostile and odd inputs through `probe`, `analyze --no-speech` and `export`: files that
//! cannot be read give one clear line; damaged, odd or lying files give the right output.

use super::corpus::{corpus, cut};
use super::{clip_list, files_in, read_back, row, run, said, Run};
use crate::util::slopcannon;
use slopcannon_testkit::{fixture, test_dir};
use std::path::Path;

fn probe(dir: &Path, file: &Path) -> Run {
    run(slopcannon(dir).arg("probe").arg(file))
}

/// `analyze --no-speech` with short clips; returns the run and its JSON report (on success).
fn analyze(dir: &Path, file: &Path) -> (Run, Option<serde_json::Value>) {
    let json = dir.join("analysis.json");
    std::fs::remove_file(&json).ok();
    let r = run(slopcannon(dir)
        .arg("analyze")
        .arg(file)
        .args([
            "--no-speech",
            "--min-len",
            "1",
            "--max-len",
            "2",
            "--max-clips",
            "3",
        ])
        .arg("--json")
        .arg(&json));
    let v = (r.code == 0).then(|| {
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("JSON")
    });
    (r, v)
}

/// Asserts the report's clips lie inside its duration; returns (duration, clip count).
fn clips_inside(v: &serde_json::Value) -> (f64, usize) {
    let duration = v["video"]["duration_secs"].as_f64().expect("duration");
    let clips = v["clips"].as_array().expect("clips");
    for c in clips {
        let end = c["end"].as_f64().expect("end");
        assert!(
            end <= duration + 0.05,
            "clip ends at {end} s of {duration} s"
        );
    }
    (duration, clips.len())
}

fn export(dir: &Path, file: &Path, spans: &[(f64, f64)], mode: &str, out: &str) -> Run {
    run(slopcannon(dir)
        .arg("export")
        .arg(file)
        .arg("--clips")
        .arg(clip_list(dir, spans))
        .args(["--mode", mode, "--out", out]))
}

/// Each file: every command exits 1 with one line naming the problem.
#[test]
fn hostile_unreadable_inputs_give_one_clear_line_in_every_command() {
    let dir = test_dir("hostile_unreadable");
    let av = corpus("av.mp4");
    let missing_index = "index (moov atom) is missing or incomplete";
    let no_av = "no audio or video stream";
    let cases: Vec<(String, std::path::PathBuf, [&str; 3])> = vec![
        (
            "zero bytes".into(),
            fixture("empty.mp4"),
            ["file is empty (0 bytes)"; 3],
        ),
        (
            "64 KiB of random bytes".into(),
            fixture("random.mp4"),
            ["not a media file FFmpeg recognises"; 3],
        ),
        (
            "MP4 (index at the end) cut at 10%".into(),
            cut(&av, 0.1, &dir, "end_10.mp4"),
            [missing_index; 3],
        ),
        (
            "MP4 (index at the end) cut at 50%".into(),
            cut(&av, 0.5, &dir, "end_50.mp4"),
            [missing_index; 3],
        ),
        (
            "MP4 (index at the end) cut at 90%".into(),
            cut(&av, 0.9, &dir, "end_90.mp4"),
            [missing_index; 3],
        ),
        (
            "MP4 cut inside its index (99.7%)".into(),
            cut(&av, 0.997, &dir, "end_99.mp4"),
            [missing_index; 3],
        ),
        (
            "a container with no streams (subtitles only)".into(),
            corpus("subtitles_only.mkv"),
            [no_av, no_av, "no video stream"],
        ),
        (
            "an MP4 index with no tracks".into(),
            corpus("no_tracks.mp4"),
            [no_av, no_av, "no video stream"],
        ),
    ];
    for (what, file, [p, a, e]) in cases {
        let r = probe(&dir, &file);
        row(&what, "probe", &said(r.code, r.fails_with(p)));
        let (r, _) = analyze(&dir, &file);
        row(&what, "analyze --no-speech", &said(r.code, r.fails_with(a)));
        let r = export(&dir, &file, &[(0.5, 1.5)], "smart", "out");
        row(&what, "export", &said(r.code, r.fails_with(e)));
        assert!(
            files_in(&dir.join("out")).is_empty(),
            "{what}: nothing written"
        );
    }
}

/// A faststart MP4 cut short declares 4 s but holds less: the commands see what is there.
#[test]
fn hostile_front_indexed_mp4_cut_short_is_read_up_to_the_cut() {
    let dir = test_dir("hostile_front_cut");
    let front = corpus("front.mp4");
    for pct in [30u32, 60, 90] {
        let what = format!("MP4 (index at the front) cut at {pct}%");
        let file = cut(
            &front,
            f64::from(pct) / 100.0,
            &dir,
            &format!("front_{pct}.mp4"),
        );
        let r = probe(&dir, &file);
        r.succeeds();
        assert!(r.out.contains("the header says 0:04.000"), "{}", r.out);
        let (r, v) = analyze(&dir, &file);
        r.succeeds();
        let (duration, n) = clips_inside(&v.expect("report"));
        let expected = 4.0 * f64::from(pct) / 100.0;
        assert!(
            (duration - expected).abs() < 0.8,
            "{what}: {duration} s, about {expected}"
        );
        assert!(
            r.err.contains("the file's header says 0:04.000"),
            "{}",
            r.err
        );
        row(
            &what,
            "probe; analyze --no-speech",
            &format!("exit 0: duration {duration:.2} s (header: 4 s), {n} clips inside it"),
        );
        let out = format!("out_{pct}");
        let r = export(&dir, &file, &[(0.2, 0.7), (3.6, 3.9)], "reencode", &out);
        let files = files_in(&dir.join(&out));
        assert_eq!(
            files.len(),
            1,
            "{what}: the clip inside the data: {files:?}"
        );
        let back = read_back(&files[0]);
        assert_eq!(back.frames, 15, "{what}: {back}");
        assert_eq!(r.code, 1, "the clip past the cut fails: {}", r.out);
        assert!(
            r.out.contains("no video frames between 3.600 s and "),
            "{}",
            r.out
        );
        row(
            &what,
            "export 0.2–0.7, 3.6–3.9",
            &format!(
                "exit 1: clip 1 {back}; clip 2 \"no video frames between 3.600 s and 3.900 s\""
            ),
        );
    }
}

/// Headers that declare hundreds of hours for 4 s of media.
#[test]
fn hostile_huge_declared_durations_are_the_real_length() {
    let dir = test_dir("hostile_huge");
    for (what, name, header) in [
        (
            "MP4 declaring 596 h (mvhd/mdhd/tkhd)",
            "huge_declared.mp4",
            "596:31:23.632",
        ),
        (
            "Matroska declaring 111 h (Duration)",
            "huge_declared.mkv",
            "111:45:00.000",
        ),
    ] {
        let file = corpus(name);
        let r = probe(&dir, &file);
        r.succeeds();
        assert!(
            r.out.contains(&format!("the header says {header}")),
            "{}",
            r.out
        );
        let t0 = std::time::Instant::now();
        let (r, v) = analyze(&dir, &file);
        r.succeeds();
        let secs = t0.elapsed().as_secs_f64();
        let (duration, n) = clips_inside(&v.expect("report"));
        assert!((duration - 4.0).abs() < 0.1, "{what}: {duration} s");
        assert!(
            secs < 15.0,
            "{what}: analysed in {secs:.1} s (4 s of media)"
        );
        row(
            what,
            "probe; analyze --no-speech",
            &format!("exit 0: duration {duration:.2} s, {n} clips inside it, {secs:.1} s"),
        );
        let out = format!("out_{name}");
        export(&dir, &file, &[(3.0, 3.5)], "smart", &out).succeeds();
        let files = files_in(&dir.join(&out));
        assert_eq!(files.len(), 1);
        let back = read_back(&files[0]);
        assert_eq!(back.frames, 15, "{back}");
        row(what, "export 3.0–3.5", &format!("exit 0: {back}"));
    }
}

/// Odd but valid inputs: analysed, and exported to the right frames and size.
#[test]
fn hostile_odd_inputs_export_the_right_frames() {
    let dir = test_dir("hostile_odd");
    struct Case {
        what: &'static str,
        file: std::path::PathBuf,
        span: (f64, f64),
        mode: &'static str,
        frames: u64,
        size: (u32, u32),
    }
    let case = |what, file, span, mode, frames, size| Case {
        what,
        file,
        span,
        mode,
        frames,
        size,
    };
    let cases = [
        case(
            "video only (no audio)",
            fixture("video_only.mp4"),
            (0.5, 1.5),
            "smart",
            25,
            (160, 120),
        ),
        case(
            "a 1-frame video",
            corpus("one_frame.mp4"),
            (0.0, 1.0),
            "smart",
            1,
            (320, 240),
        ),
        case(
            "odd size 1918×1078",
            corpus("odd_1918x1078.mp4"),
            (0.5, 1.5),
            "smart",
            30,
            (1918, 1078),
        ),
        case(
            "odd size 1918×1078",
            corpus("odd_1918x1078.mp4"),
            (0.5, 1.5),
            "reencode",
            30,
            (1918, 1078),
        ),
        case(
            "10-bit HEVC 4K (3840×2160)",
            corpus("hevc_10bit_4k.mp4"),
            (0.5, 1.5),
            "smart",
            30,
            (3840, 2160),
        ),
        case(
            "rotated phone video (display matrix 90°)",
            fixture("rotated.mp4"),
            (0.5, 1.5),
            "reencode",
            25,
            (120, 160),
        ),
        case(
            "VFR (30 fps, then 10 fps)",
            fixture("vfr.mkv"),
            (1.0, 3.0),
            "reencode",
            40,
            (160, 120),
        ),
        case(
            "MPEG-TS, timestamps jump 97 s forward",
            corpus("jump.ts"),
            (0.5, 1.5),
            "smart",
            30,
            (320, 240),
        ),
        case(
            "MPEG-TS, timestamps jump 97 s forward",
            corpus("jump.ts"),
            (100.5, 101.5),
            "smart",
            30,
            (320, 240),
        ),
        case(
            "MPEG-TS, timestamps go 50 s back",
            corpus("back.ts"),
            (0.5, 1.5),
            "smart",
            30,
            (320, 240),
        ),
        case(
            "MPEG-TS, timestamps go 50 s back",
            corpus("back.ts"),
            (2.5, 4.5),
            "reencode",
            15,
            (320, 240),
        ),
    ];
    for (i, c) in cases.iter().enumerate() {
        let (r, v) = analyze(&dir, &c.file);
        r.succeeds();
        if c.what.contains("jump") {
            assert!(
                r.err
                    .contains("the video's timestamps jump from 0:02.967 to 1:39.977"),
                "{}",
                r.err
            );
            let clips = v
                .as_ref()
                .and_then(|v| v["clips"].as_array())
                .expect("clips");
            for clip in clips {
                let mid = (clip["start"].as_f64().unwrap_or(0.0)
                    + clip["end"].as_f64().unwrap_or(0.0))
                    / 2.0;
                assert!(!(3.5..99.5).contains(&mid), "no clip in the gap: {clip}");
            }
        }
        let (duration, n) = clips_inside(&v.expect("report"));
        let warned = if c.what.contains("jump") {
            "; warns \"the video's timestamps jump from 0:02.967 to 1:39.977\" and picks no clip there"
        } else {
            ""
        };
        row(
            c.what,
            "probe; analyze --no-speech",
            &format!("exit 0: duration {duration:.2} s, {n} clips{warned}"),
        );
        probe(&dir, &c.file).succeeds();
        let out = format!("out_{i}");
        export(&dir, &c.file, &[c.span], c.mode, &out).succeeds();
        let files = files_in(&dir.join(&out));
        assert_eq!(files.len(), 1, "{}: {files:?}", c.what);
        let back = read_back(&files[0]);
        assert_eq!(back.frames, c.frames, "{}: {back}", c.what);
        assert_eq!((back.width, back.height), c.size, "{}: {back}", c.what);
        row(
            c.what,
            &format!("export --mode {} {}–{}", c.mode, c.span.0, c.span.1),
            &format!("exit 0: {back}"),
        );
    }
    let audio = fixture("audio_only.m4a");
    let (r, v) = analyze(&dir, &audio);
    r.succeeds();
    let (duration, n) = clips_inside(&v.expect("report"));
    assert!(
        r.err.contains("no video stream: scored on the sound only"),
        "{}",
        r.err
    );
    row(
        "audio only",
        "analyze --no-speech",
        &format!("exit 0: duration {duration:.2} s, {n} clips, \"scored on the sound only\""),
    );
    // Sound and no picture: the clip is audio.
    let r = export(&dir, &audio, &[(0.5, 1.5)], "smart", "out_audio");
    r.succeeds();
    let files = files_in(&dir.join("out_audio"));
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("m4a"));
    let secs = slopcannon_engine::media::probe(&files[0])
        .ok()
        .and_then(|i| i.duration_secs)
        .unwrap_or(0.0);
    assert!((secs - 1.0).abs() < 0.03, "{secs}");
    row(
        "audio only",
        "export",
        &format!("exit 0: one .m4a of {secs:.2} s (audio: no picture to lay out)"),
    );
}

/// JSON reports about a file whose name (and folder) are not UTF-8: written, with the name
/// lossy, instead of "path contains invalid UTF-8 characters".
#[test]
fn hostile_non_utf8_names_in_json_reports() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = test_dir("hostile_json_names");
    let folder = dir.join(std::ffi::OsStr::from_bytes(b"dossier \xe9"));
    std::fs::create_dir_all(&folder).expect("folder");
    let file = folder.join(std::ffi::OsStr::from_bytes(b"caf\xe9 clip.mp4"));
    std::fs::copy(corpus("av.mp4"), &file).expect("copy");
    let lossy = "caf\u{fffd} clip.mp4";
    let r = run(slopcannon(&dir).arg("probe").arg(&file).arg("--json"));
    r.succeeds();
    let v: serde_json::Value = serde_json::from_str(&r.out).expect("probe JSON");
    assert!(
        v["path"].as_str().is_some_and(|p| p.ends_with(lossy)),
        "{v}"
    );
    let r = run(slopcannon(&dir).arg("analyze").arg(&file).args([
        "--no-speech",
        "--min-len",
        "1",
        "--max-len",
        "2",
        "--json",
        "-",
    ]));
    r.succeeds();
    let v: serde_json::Value = serde_json::from_str(&r.out).expect("analyze JSON");
    assert!(
        v["video"]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with(lossy)),
        "{v}"
    );
    let r = run(slopcannon(&dir)
        .arg("export")
        .arg(&file)
        .arg("--clips")
        .arg(clip_list(&dir, &[(0.5, 1.5)]))
        .arg("--out")
        .arg(folder.join("out"))
        .arg("--json"));
    r.succeeds();
    let v: serde_json::Value = serde_json::from_str(&r.out).expect("export JSON");
    assert!(
        v[0]["output"]
            .as_str()
            .is_some_and(|p| p.contains("dossier \u{fffd}")),
        "{v}"
    );
    assert_eq!(files_in(&folder.join("out")).len(), 1);
    row(
        "non-UTF-8 file and folder names",
        "probe --json; analyze --json -; export --json",
        "exit 0: valid JSON, the names with U+FFFD for the bad bytes",
    );
}
