//! The real binary: probe output, bad inputs with their messages and exit codes, settings.

use crate::util::{run, slopcannon};
use slopcannon_testkit::{fixture, test_dir};

#[test]
fn probe_json_is_documented_shape() {
    let dir = test_dir("probe_json");
    let path = fixture("cfr.mp4");
    let (code, out, err) = run(slopcannon(&dir).arg("probe").arg(&path).arg("--json"));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v["streams"][0]["kind"], "video");
    assert_eq!(v["streams"][0]["video"]["width"], 320);
    assert_eq!(v["streams"][0]["video"]["frames"], 300);
    assert_eq!(v["streams"][1]["audio"]["sample_rate"], 48000);
    assert!(v["duration_secs"]
        .as_f64()
        .is_some_and(|d| (d - 10.0).abs() < 0.05));

    let (code, out, _) = run(slopcannon(&dir).arg("probe").arg(&path));
    assert_eq!(code, 0);
    assert!(out.contains("320×240 h264 30 fps"), "{out}");
}

/// Each bad input: exit code 1 and exactly one line naming the file and the problem.
#[test]
fn bad_inputs_give_one_clear_line() {
    let dir = test_dir("bad_inputs");
    let missing = dir.join("missing.mp4");
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (missing, "file not found"),
        (dir.clone(), "is a directory"),
        (fixture("empty.mp4"), "file is empty (0 bytes)"),
        (fixture("random.mp4"), "not a media file FFmpeg recognises"),
        (fixture("truncated.mp4"), "index (moov atom) is missing"),
        (fixture("undecodable.mkv"), "no decoder for codec"),
    ];
    for (path, expected) in cases {
        let (code, out, err) = run(slopcannon(&dir).arg("probe").arg(&path));
        assert_eq!(code, 1, "{}: {err}", path.display());
        assert_eq!(out, "");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 1, "one line for {}: {err}", path.display());
        assert!(lines[0].starts_with("error: "), "{err}");
        assert!(lines[0].contains(expected), "{expected:?} in {err}");
        assert!(
            lines[0].ends_with(&path.display().to_string()),
            "path last: {err}"
        );
    }
}

#[test]
fn bad_input_audio_only_and_video_only_probe_fine() {
    let dir = test_dir("av_only");
    for name in ["audio_only.m4a", "video_only.mp4"] {
        let (code, out, err) = run(slopcannon(&dir).arg("probe").arg(fixture(name)));
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains(name));
    }
}

#[test]
fn bad_setting_stops_with_the_variable_and_exit_2() {
    let dir = test_dir("bad_setting");
    let (code, _, err) = run(slopcannon(&dir).arg("config").env("SLOP_FFMPEG_CRF", "99"));
    assert_eq!(code, 2);
    assert_eq!(
        err.trim(),
        "error: SLOP_FFMPEG_CRF=\"99\": expected an integer 0–51"
    );

    std::fs::write(dir.join(".env"), "SLOP_MAX_ANALYSIS_WORKERS=many\n").expect("write .env");
    let (code, _, err) = run(slopcannon(&dir).args(["probe", "x.mp4"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("SLOP_MAX_ANALYSIS_WORKERS=\"many\": expected an integer 1–64"),
        "{err}"
    );
}

#[test]
fn config_shows_values_and_where_they_came_from() {
    let dir = test_dir("config");
    std::fs::write(dir.join(".env"), "SLOP_FFMPEG_CRF=30\nSLOP_LOG=debug\n").expect("write .env");
    let (code, out, err) = run(slopcannon(&dir).arg("config").env("SLOP_LOG", "warn"));
    assert_eq!(code, 0, "{err}");
    let line = |var: &str| {
        out.lines()
            .find(|l| l.starts_with(var))
            .unwrap_or_else(|| panic!("{var} in {out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("SLOP_FFMPEG_CRF"), "SLOP_FFMPEG_CRF 30 (.env)");
    assert_eq!(line("SLOP_LOG"), "SLOP_LOG warn (environment)");
    assert_eq!(
        line("SLOP_FFMPEG_PRESET"),
        "SLOP_FFMPEG_PRESET ultrafast (default)"
    );
}

#[test]
fn every_setting_is_documented_in_config_example() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config.example.env"))
        .expect("config.example.env");
    for var in slopcannon::settings::VARIABLES {
        assert!(doc.contains(&format!("{var}=")), "{var} documented");
    }
}

#[test]
fn help_is_available_for_every_command() {
    let dir = test_dir("help");
    for args in [
        vec!["--help"],
        vec!["probe", "--help"],
        vec!["config", "--help"],
        vec!["bench", "decode", "--help"],
        vec!["gui", "--help"],
    ] {
        let (code, out, _) = run(slopcannon(&dir).args(&args));
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
}

#[test]
fn ffmpegs_own_messages_about_a_damaged_file_reach_the_log() {
    let dir = test_dir("ffmpeg_log");
    // Every 97th byte of a stretch in the middle of the video data flipped: the index is
    // intact, so the file opens, but FFmpeg's H.264 parser meets broken NAL units.
    let mut bytes = std::fs::read(fixture("cfr.mp4")).expect("read fixture");
    let from = bytes.len() / 3;
    for i in (from..from + 40_000).step_by(97) {
        bytes[i] ^= 0x5a;
    }
    let damaged = dir.join("damaged.mp4");
    std::fs::write(&damaged, bytes).expect("write");
    let analyze = |level: Option<&str>| {
        let mut cmd = slopcannon(&dir);
        cmd.arg("analyze").arg(&damaged).arg("--no-speech");
        if let Some(level) = level {
            cmd.env("SLOP_LOG", level);
        }
        run(&mut cmd)
    };
    let (code, _, err) = analyze(None);
    assert_eq!(code, 0, "a few bad packets are not fatal: {err}");
    assert!(
        err.lines()
            .any(|l| l.contains("ffmpeg: [h264 @") && l.contains("NAL unit")),
        "FFmpeg's own words about the damage, with its prefix: {err}"
    );
    // At SLOP_LOG=trace FFmpeg says more (its verbose and debug lines too).
    let (_, _, verbose) = analyze(Some("trace"));
    assert!(
        verbose.lines().filter(|l| l.contains("ffmpeg:")).count()
            > err.lines().filter(|l| l.contains("ffmpeg:")).count(),
        "trace forwards more of FFmpeg's messages"
    );
}

#[test]
fn models_download_fetches_resumes_checks_and_lists_a_model() {
    use slopcannon_testkit::http::{serve, sha1sum};
    let dir = test_dir("models_download");
    let source = slopcannon_testkit::model("ggml-tiny.en-q5_1.bin");
    let data = std::fs::read(&source).expect("model");
    let sum = sha1sum(&source);
    let models = dir.join("data/slopcannon/models");
    let download = |name: &str, url: &str, sha1: &str| {
        run(slopcannon(&dir)
            .env("XDG_DATA_HOME", dir.join("data"))
            .args(["models", "download", name, "--url", url, "--sha1", sha1]))
    };

    // Nothing installed yet: the list says how to get a model.
    let (code, out, _) = run(slopcannon(&dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .arg("models"));
    assert_eq!(code, 0);
    assert!(
        out.contains("none installed") && out.contains("`slopcannon models download tiny.en`"),
        "{out}"
    );
    // No network: the error says how to get a model by hand.
    let (code, _, err) = download("tiny.en", "https://127.0.0.1:1/models", &sum);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("trying again in") && !err.contains("resuming"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "No network here? Fetch ggml-tiny.en.bin from https://127.0.0.1:1/models on another machine and copy it into {}",
            models.display()
        )),
        "{err}"
    );
    // A model file named by SLOP_WHISPER_MODEL is said to be the one used.
    let (code, out, _) = run(slopcannon(&dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .env("SLOP_WHISPER_MODEL", &source)
        .arg("models"));
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "SLOP_WHISPER_MODEL names a file, and it is used: {}",
            source.display()
        )) && !out.contains("none installed"),
        "{out}"
    );

    // The first connection breaks half-way; the command resumes it.
    let (url, server) = serve(data.clone(), 1);
    let (code, out, err) = download("tiny.en-q5_1", &url, &sum);
    assert_eq!(code, 0, "{err}");
    let path = models.join("ggml-tiny.en-q5_1.bin");
    assert!(out.contains(&path.display().to_string()), "{out}");
    assert_eq!(std::fs::read(&path).expect("read"), data, "the same bytes");
    assert_eq!(
        server.join().expect("server").len(),
        1,
        "one resumed request"
    );
    let (code, out, _) = run(slopcannon(&dir)
        .env("XDG_DATA_HOME", dir.join("data"))
        .arg("models"));
    assert_eq!(code, 0);
    assert!(
        out.lines()
            .any(|l| l.contains("tiny.en") && l.contains("q5_1")),
        "listed: {out}"
    );

    // A .part that is already whole: the server answers 416, the file is checked and kept.
    std::fs::write(models.join("ggml-tiny.en.bin.part"), &data).expect("write part");
    let (url, server) = serve(data.clone(), 0);
    let (code, _, err) = download("tiny.en", &url, &sum);
    assert_eq!(code, 0, "a complete part is done, not a failure: {err}");
    assert_eq!(server.join().expect("server").len(), 1);
    assert!(models.join("ggml-tiny.en.bin").is_file());
    assert!(!models.join("ggml-tiny.en.bin.part").exists());

    // Asked again for an installed model whose checksum holds: nothing to fetch.
    let (code, out, err) = download("tiny.en-q5_1", "http://127.0.0.1:9/nothing-here", &sum);
    assert_eq!(code, 0, "an installed model is not an error: {err}");
    assert!(out.contains("ggml-tiny.en-q5_1.bin"), "{out}");

    // A .part longer than the file is not this file: deleted, and the download starts again.
    let mut longer = data.clone();
    longer.extend_from_slice(b"left over from another version");
    std::fs::write(models.join("ggml-small.en.bin.part"), &longer).expect("write part");
    let (url, server) = serve(data.clone(), 1);
    let (code, _, err) = download("small.en", &url, &sum);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        server.join().expect("server").len(),
        1,
        "one range request, then a fresh one"
    );
    assert_eq!(
        std::fs::read(models.join("ggml-small.en.bin")).expect("read"),
        data
    );

    // A corrupted download is refused and nothing is left.
    let mut bad = data;
    bad[1000] ^= 0xff;
    let (url, _server) = serve(bad, 0);
    let (code, _, err) = download("base.en", &url, &sum);
    assert_eq!(code, 1);
    assert!(err.contains("corrupt") && err.contains("deleted"), "{err}");
    assert!(!models.join("ggml-base.en.bin").exists());
    assert!(!models.join("ggml-base.en.bin.part").exists());
}

#[test]
fn odd_file_names_open_the_local_file() {
    use std::os::unix::ffi::OsStrExt as _;
    let dir = test_dir("odd_names");
    // Not UTF-8 (Latin-1 "é"), names FFmpeg would read as protocols, and spaces.
    let names: [&[u8]; 4] = [
        b"caf\xe9 clip.mp4",
        b"http:x.mp4",
        b"concat:a|b.mp4",
        b"  spaced  name .mp4",
    ];
    for name in names {
        let path = dir.join(std::ffi::OsStr::from_bytes(name));
        std::fs::copy(fixture("cfr.mp4"), &path).expect("copy fixture");
        let (code, out, err) = run(slopcannon(&dir).arg("probe").arg(&path));
        assert_eq!(code, 0, "{}: {err}", path.display());
        assert!(out.contains("320×240"), "{}: {out}", path.display());
        crate::hostile::row(
            &format!("file name {:?}", String::from_utf8_lossy(name)),
            "probe",
            "exit 0: the local file (320×240), never a protocol",
        );
    }
    // The whole job on a non-UTF-8 name, into a non-UTF-8 folder.
    let src = dir.join(std::ffi::OsStr::from_bytes(b"caf\xe9 clip.mp4"));
    std::fs::write(dir.join("list.json"), r#"[{"start": 1.0, "end": 2.0}]"#).expect("write");
    let out_dir = dir.join(std::ffi::OsStr::from_bytes(b"sortie \xe9t\xe9"));
    let (code, _, err) = run(slopcannon(&dir).arg("analyze").arg(&src).args([
        "--no-speech",
        "--min-len",
        "2",
        "--max-len",
        "4",
    ]));
    assert_eq!(code, 0, "analyze: {err}");
    for mode in ["smart", "reencode"] {
        let (code, _, err) = run(slopcannon(&dir)
            .arg("export")
            .arg(&src)
            .args(["--clips", "list.json", "--mode", mode, "--out"])
            .arg(&out_dir));
        assert_eq!(code, 0, "export --mode {mode}: {err}");
    }
    let written: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("out dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    for file in written {
        let info = slopcannon_engine::media::probe(&file).expect("probe the export");
        let d = info.duration_secs.expect("duration");
        assert!((d - 1.0).abs() < 0.05, "{}: {d} s", file.display());
    }
    crate::hostile::row(
        "non-UTF-8 file and output folder names",
        "analyze; export --mode smart|reencode",
        "exit 0: both clips written (1.00 s each)",
    );
}

#[test]
fn export_help_lists_the_template_fields_on_one_line() {
    let dir = test_dir("export_help");
    let (code, out, _) = run(slopcannon(&dir).args(["export", "--help"]));
    assert_eq!(code, 0);
    let fields = out
        .lines()
        .skip_while(|l| !l.contains("--name"))
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    for field in ["{video}", "{num}", "{start}", "{end}"] {
        assert!(fields.contains(field), "{field} in: {fields}");
    }
}
