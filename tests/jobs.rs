//! The real binary running the main job: `analyze --json` has the documented shape, `export`
//! takes analyze output or a plain list, and `--captions` burns the transcript's words.
//! (Ctrl+C and SIGTERM during a job: `hostile/signals.rs`.)

use crate::util::{run, slopcannon};
use slopcannon_engine::media::grab::{grab_frame, RgbaFrame};
use slopcannon_testkit::{band_mad, fixture, model, test_dir, white_in_top_fifth};
use std::path::{Path, PathBuf};

#[test]
fn cli_analyze_json_has_the_documented_shape() {
    let dir = test_dir("analyze_json");
    let (code, out, err) = run(slopcannon(&dir)
        .arg("analyze")
        .arg(fixture("cuts.mp4"))
        .args([
            "--json",
            "-",
            "--min-len",
            "2",
            "--max-len",
            "4",
            "--max-clips",
            "2",
        ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["video"]["streams"][0]["video"]["width"], 320);
    let frames: Vec<u64> = v["scenes"]
        .as_array()
        .expect("scenes")
        .iter()
        .filter_map(|s| s["frame"].as_u64())
        .collect();
    assert_eq!(frames, vec![60, 120, 180, 240]);
    assert!(v["scenes"][0]["time"]
        .as_f64()
        .is_some_and(|t| (t - 2.0).abs() < 1e-3));
    let clips = v["clips"].as_array().expect("clips");
    assert_eq!(clips.len(), 2);
    for c in clips {
        let (s, e) = (
            c["start"].as_f64().expect("start"),
            c["end"].as_f64().expect("end"),
        );
        assert!(e - s >= 2.0 - 1e-6 && e - s <= 4.0 + 1e-6);
        assert!(c["score"]
            .as_f64()
            .is_some_and(|x| (0.0..=100.0).contains(&x)));
        assert!(c["reasons"].as_array().is_some_and(|r| !r.is_empty()));
    }
    assert_eq!(v["curves"]["step"], 1.0);
    assert_eq!(v["curves"]["motion"].as_array().map(Vec::len), Some(10));
    assert!(v["timings"]["total"].as_f64().is_some());

    let (code, _, err) = run(slopcannon(&dir)
        .arg("analyze")
        .arg(fixture("cuts.mp4"))
        .args(["--weight", "sparkle=2"]));
    assert_eq!(code, 1);
    assert!(err.contains("unknown weight"), "{err}");
}

#[test]
fn cli_export_takes_analyze_output_or_a_plain_list() {
    let dir = test_dir("export_cli");
    let src = fixture("cuts.mp4");
    let analysis = dir.join("analysis.json");
    let (code, _, err) = run(slopcannon(&dir)
        .arg("analyze")
        .arg(&src)
        .args([
            "--min-len",
            "2",
            "--max-len",
            "3",
            "--max-clips",
            "2",
            "--json",
        ])
        .arg(&analysis));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(slopcannon(&dir)
        .arg("export")
        .arg(&src)
        .arg("--clips")
        .arg(&analysis)
        .args(["--out", "clips", "--portrait", "crop"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1080×1920"), "{out}");
    assert_eq!(
        std::fs::read_dir(dir.join("clips"))
            .expect("out dir")
            .count(),
        2
    );

    std::fs::write(dir.join("list.json"), r#"[{"start": 0.5, "end": 1.5}]"#).expect("write");
    let (code, out, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "list.json",
        "--out",
        "plain",
        "--json",
    ]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v[0]["frames"], 30);
    assert_eq!(v[0]["attempts"], 1);

    // A plain list's labels name the files and, with --title, are burned at the top.
    std::fs::write(
        dir.join("labelled.json"),
        r#"[{"start": 0.5, "end": 1.5, "label": "Big news"}, {"start": 2.5, "end": 3.5}]"#,
    )
    .expect("write");
    let (code, _, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "labelled.json",
        "--out",
        "titled",
        "--portrait",
        "pad",
        "--title",
        "--caption-style",
        "boxed",
        "--name",
        "{label}-{num}.mp4",
    ]));
    assert_eq!(code, 0, "{err}");
    let top_bar_white = |name: &str| {
        let f = grab_frame(&dir.join("titled").join(name), 0.5, 270, 480).expect("grab");
        white_in_top_fifth(&f)
    };
    assert!(
        top_bar_white("Big news-01.mp4") > 100,
        "the title is burned"
    );
    assert_eq!(top_bar_white("clip-02.mp4"), 0, "no label, no title");
    // A subtitle file of its own is burned alone: asking for titles too is refused.
    let (code, _, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "labelled.json",
        "--out",
        "both",
        "--subtitles",
        "x.ass",
        "--title",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("'--subtitles <FILE.ass>' cannot be used with '--title'"),
        "{err}"
    );

    std::fs::write(dir.join("bad.json"), r#"{"nope": 1}"#).expect("write");
    let (code, _, err) = run(slopcannon(&dir)
        .arg("export")
        .arg(&src)
        .args(["--clips", "bad.json", "--out", "x"]));
    assert_eq!(code, 1);
    assert!(err.contains("not a clip list"), "{err}");
}

#[test]
fn captions_from_the_transcript_are_burned_word_by_word() {
    let dir = test_dir("export_captions");
    let src = fixture("speech.mp4");
    let model = model("ggml-tiny.en-q8_0.bin");
    let (code, _, err) = run(slopcannon(&dir)
        .env("SLOP_WHISPER_MODEL", &model)
        .env("SLOP_WHISPER_THREADS", "1")
        .arg("analyze")
        .arg(&src)
        .args([
            "--min-len",
            "3",
            "--max-len",
            "10",
            "--max-clips",
            "1",
            "--json",
            "a.json",
        ]));
    assert_eq!(code, 0, "{err}");
    for (out, extra) in [("plain", None), ("captioned", Some("--captions"))] {
        let mut cmd = slopcannon(&dir);
        cmd.arg("export")
            .arg(&src)
            .args(["--clips", "a.json", "--out", out, "--portrait", "pad"]);
        if let Some(flag) = extra {
            cmd.arg(flag);
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
    }
    let only = |d: &str| {
        let files: Vec<PathBuf> = std::fs::read_dir(dir.join(d))
            .expect("dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}: no leftover subtitle files");
        files[0].clone()
    };
    let (a, b) = (only("plain"), only("captioned"));
    let mut differs = false;
    for t in [0.5, 1.0, 1.5, 2.0] {
        let fa = grab_frame(&a, t, 1080, 1920).expect("grab");
        let fb = grab_frame(&b, t, 1080, 1920).expect("grab");
        differs |= band_mad(&fa, &fb, 1400, 1620) > 5.0;
        assert!(
            band_mad(&fa, &fb, 100, 400) < 1.0,
            "nothing above the captions"
        );
    }
    assert!(differs, "captions visible in the subtitle area");

    // A style file: green spoken word, magenta other words, at the top of the short.
    std::fs::write(
        dir.join("mine.toml"),
        "active_colour = \"#00FF00\"\ntext_colour = \"#FF00FF\"\nposition = \"top\"\npop = 1.0\n",
    )
    .expect("style");
    let (code, _, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "a.json",
        "--out",
        "styled",
        "--portrait",
        "pad",
        "--captions",
        "--caption-style",
        "mine.toml",
    ]));
    assert_eq!(code, 0, "{err}");
    let c = only("styled");
    let dur = |p: &PathBuf| {
        slopcannon_engine::media::probe(p)
            .expect("probe")
            .duration_secs
            .expect("duration")
    };
    assert!((dur(&c) - dur(&a)).abs() < 0.1, "same clip length");
    let count = |f: &RgbaFrame, y0: u32, y1: u32, want: fn([u8; 4]) -> bool| {
        (y0..y1)
            .flat_map(|y| (0..f.width).map(move |x| (x, y)))
            .filter(|&(x, y)| f.pixel(x, y).is_some_and(want))
            .count()
    };
    let green = |p: [u8; 4]| p[1] > 180 && p[0] < 90 && p[2] < 90;
    let magenta = |p: [u8; 4]| p[0] > 180 && p[2] > 180 && p[1] < 90;
    let (mut greens, mut magentas, mut low) = (0, 0, 0);
    for t in [0.5, 1.0, 1.5, 2.0, 2.5] {
        let f = grab_frame(&c, t, 1080, 1920).expect("grab");
        greens += count(&f, 150, 640, green);
        magentas += count(&f, 150, 640, magenta);
        low += count(&f, 1280, 1920, magenta);
    }
    assert!(
        greens > 500,
        "the spoken word in the active colour: {greens} px"
    );
    assert!(
        magentas > 500,
        "the other words in the text colour: {magentas} px"
    );
    assert_eq!(
        low, 0,
        "nothing at the bottom: the style put the captions on top"
    );
    let (code, _, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "a.json",
        "--out",
        "x",
        "--captions",
        "--caption-style",
        "shiny",
    ]));
    assert_eq!(code, 1);
    assert!(
        err.contains("no caption style named \"shiny\" (presets: karaoke, clean, boxed, classic"),
        "{err}"
    );

    std::fs::write(dir.join("list.json"), r#"[{"start": 0.5, "end": 1.5}]"#).expect("write");
    let (code, _, err) = run(slopcannon(&dir).arg("export").arg(&src).args([
        "--clips",
        "list.json",
        "--out",
        "x",
        "--captions",
    ]));
    assert_eq!(code, 1);
    assert!(
        err.contains(
            "--captions needs a transcript and this has none (a plain clip list never has one)"
        ),
        "{err}"
    );
}

/// `analyze --project` writes a project; a person's edits in it (a label, an untick, the
/// export settings) drive `export --project`; analysing again keeps them; a broken project
/// is kept aside by analyze and reported (not renamed) by export.
#[test]
fn cli_projects_carry_edits_labels_and_export_settings() {
    let dir = test_dir("cli_project");
    let src = fixture("cuts.mp4");
    let analyze = |dir: &Path| {
        run(slopcannon(dir).arg("analyze").arg(&src).args([
            "--no-speech",
            "--min-len",
            "1.5",
            "--max-len",
            "2",
            "--max-clips",
            "3",
            "--project",
            "p.json",
        ]))
    };
    let (code, _, err) = analyze(&dir);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("project: 3 segments, 2 ticked for export in p.json"),
        "{err}"
    );
    let read = || -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join("p.json")).expect("project"))
            .expect("json")
    };
    let mut p = read();
    assert_eq!(p["version"], 3);
    assert_eq!(p["pass"], "full");
    assert!(p["features"]["cuts"]
        .as_array()
        .is_some_and(|c| !c.is_empty()));
    let segs = p["segments"].as_array().expect("segments").clone();
    assert_eq!(segs.len(), 3, "{segs:?}");
    // Nothing stands out in the third (filler): it comes unticked.
    let ticked: Vec<Option<bool>> = segs.iter().map(|s| s["chosen"].as_bool()).collect();
    assert_eq!(ticked, [Some(true), Some(true), Some(false)], "{segs:?}");
    // The person's edits, as the window would save them.
    p["segments"][2]["chosen"] = true.into();
    p["segments"][2]["edited"] = true.into();
    p["segments"][0]["label"] = "best bit".into();
    p["segments"][0]["edited"] = true.into();
    p["segments"][1]["chosen"] = false.into();
    p["segments"][1]["edited"] = true.into();
    p["export"]["template"] = "{label}-{num}.mp4".into();
    p["export"]["portrait"] = "crop".into();
    // A transcript the person corrected (an earlier run with speech).
    p["transcript"] = serde_json::json!({
        "language": "en", "model": "ggml-tiny.en.bin",
        "segments": [{"start": 1.0, "end": 1.5, "text": " Slopcannon",
                      "words": [{"start": 1.0, "end": 1.5, "word": " Slopcannon"}]}]
    });
    std::fs::write(dir.join("p.json"), p.to_string()).expect("write");

    let (code, out, err) =
        run(slopcannon(&dir).args(["export", "--project", "p.json", "--out", "clips", "--json"]));
    assert_eq!(code, 0, "{err}");
    let results: serde_json::Value = serde_json::from_str(&out).expect("json");
    let mut names: Vec<String> = std::fs::read_dir(dir.join("clips"))
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["best bit-01.mp4", "clip-02.mp4"],
        "the ticked two, labelled"
    );
    for (r, s) in results
        .as_array()
        .expect("array")
        .iter()
        .zip([&segs[0], &segs[2]])
    {
        let want = s["end"].as_f64().expect("end") - s["start"].as_f64().expect("start");
        let got = r["duration_secs"].as_f64().expect("duration");
        assert!(
            (got - want).abs() < 0.05,
            "written {got} s for a {want} s segment"
        );
        assert_eq!(
            (r["width"].as_u64(), r["height"].as_u64()),
            (Some(1080), Some(1920))
        );
    }

    // Analysing again keeps the edited segments and the export settings.
    let (code, _, err) = analyze(&dir);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("kept the 3 you edited"), "{err}");
    let again = read();
    assert_eq!(again["segments"][0]["label"], "best bit");
    assert_eq!(again["segments"][1]["chosen"], false);
    assert_eq!(
        again["segments"][2]["chosen"], true,
        "the filler the person ticked"
    );
    assert_eq!(again["export"]["template"], "{label}-{num}.mp4");
    assert_eq!(
        again["transcript"]["segments"][0]["text"], " Slopcannon",
        "a run without speech keeps the corrected transcript"
    );

    // Another video's project, or a report into a folder that is not there, is refused
    // before any analysis.
    let (code, _, err) = run(slopcannon(&dir)
        .arg("analyze")
        .arg(fixture("cfr.mp4"))
        .args(["--no-speech", "--project", "p.json"]));
    assert_eq!(code, 1);
    assert!(err.contains("p.json is the project of"), "{err}");
    assert!(
        !err.contains("quick pass"),
        "refused before the analysis: {err}"
    );
    let (code, _, err) = run(slopcannon(&dir).arg("analyze").arg(&src).args([
        "--no-speech",
        "--json",
        "nowhere/a.json",
    ]));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot write nowhere/a.json: there is no folder nowhere"),
        "{err}"
    );
    assert!(
        !err.contains("quick pass"),
        "refused before the analysis: {err}"
    );

    // Another video's project is refused, not overwritten.
    let (code, _, err) = run(slopcannon(&dir)
        .arg("export")
        .arg(fixture("cfr.mp4"))
        .args(["--project", "p.json", "--out", "x"]));
    assert_eq!(code, 1);
    assert!(err.contains("p.json is the project of"), "{err}");

    // A broken project: export reports it and leaves it; analyze keeps it aside.
    std::fs::write(dir.join("p.json"), "{ broken").expect("write");
    let (code, _, err) =
        run(slopcannon(&dir).args(["export", "--project", "p.json", "--out", "y"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot read the project (not a project"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(dir.join("p.json")).expect("left"),
        b"{ broken"
    );
    let (code, _, err) = analyze(&dir);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("kept as"), "{err}");
    assert_eq!(
        std::fs::read(dir.join("p.json.bad")).expect("kept"),
        b"{ broken"
    );
    assert_eq!(read()["segments"].as_array().map(Vec::len), Some(3));
}

/// The `whisper: N window(s) at a time, T thread(s) each` line of a debug log.
fn whisper_plan(log: &str) -> (usize, usize) {
    let line = log
        .lines()
        .find(|l| l.contains("window(s) at a time"))
        .unwrap_or_else(|| panic!("no whisper plan in the log:\n{log}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    match numbers[..] {
        [windows, threads] => (windows, threads),
        _ => panic!("not a plan: {line}"),
    }
}

#[test]
fn cli_transcribe_takes_every_core_unless_told_how_many() {
    let dir = test_dir("transcribe_threads");
    let src = fixture("speech.mp4");
    let model = model("ggml-tiny.en-q8_0.bin");
    let transcribe = |threads: Option<&str>| {
        let mut cmd = slopcannon(&dir);
        cmd.env("SLOP_WHISPER_MODEL", &model)
            .env("SLOP_LOG", "debug")
            .args(["transcribe", "--no-cache", "--json", "-"])
            .arg(&src);
        if let Some(t) = threads {
            cmd.env("SLOP_WHISPER_THREADS", t);
        }
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("\"words\""), "a transcript: {out}");
        whisper_plan(&err)
    };
    let cores = slopcannon_engine::system::cores();
    let (windows, each) = transcribe(None);
    // Up to 4 windows side by side, the cores shared between them.
    assert_eq!(
        (windows, each),
        (cores.clamp(1, 4), (cores / cores.clamp(1, 4)).max(1)),
        "every one of the {cores} cores"
    );
    assert_eq!(
        transcribe(Some("1")),
        (1, 1),
        "SLOP_WHISPER_THREADS=1 is kept"
    );
}

/// `transcribe --srt` writes cues as players show them: the words as spoken (not the
/// shorts' capitals), at most two lines of about 42 characters, none past the last word.
#[test]
fn cli_transcribe_srt_has_sentence_case_two_line_cues_within_the_speech() {
    let dir = test_dir("transcribe_srt");
    let (code, out, err) = run(slopcannon(&dir)
        .env("SLOP_WHISPER_MODEL", model("ggml-tiny.en-q8_0.bin"))
        .env("SLOP_WHISPER_THREADS", "1")
        .args(["transcribe", "--json", "-", "--srt", "s.srt"])
        .arg(fixture("speech.mp4")));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    let last_word_end = json["segments"]
        .as_array()
        .and_then(|s| s.last())
        .and_then(|s| s["words"].as_array()?.last()?["end"].as_f64())
        .expect("a last word");
    let srt = std::fs::read_to_string(dir.join("s.srt")).expect("srt");
    let cues: Vec<&str> = srt.split("\n\n").filter(|c| !c.trim().is_empty()).collect();
    assert!(!cues.is_empty(), "{srt}");
    let secs = |t: &str| -> f64 {
        let (hms, ms) = t.trim().split_once(',').expect("h:m:s,ms");
        let p: Vec<f64> = hms.split(':').map(|x| x.parse().expect("n")).collect();
        p[0] * 3600.0 + p[1] * 60.0 + p[2] + ms.parse::<f64>().expect("ms") / 1000.0
    };
    for cue in &cues {
        let lines: Vec<&str> = cue.lines().collect();
        let (_, end) = lines[1].split_once(" --> ").expect("times");
        assert!(
            secs(end) <= last_word_end + 1e-3,
            "{cue} ends after {last_word_end}"
        );
        let text = &lines[2..];
        assert!((1..=2).contains(&text.len()), "{cue}");
        for l in text {
            assert!(l.chars().count() <= 48, "a long line: {l}");
        }
    }
    assert!(
        srt.chars().any(|c| c.is_lowercase()),
        "the words as spoken, not in capitals: {srt}"
    );
}
