//! Export on generated media: exact durations and first frames, portrait layouts, burned
//! subtitles, the looping stacked background, retries with fallbacks, permanent errors,
//! cancel without partial files, never-overwrite, parallel workers, and the CLI.

use slopcannon_engine::captions::{clip_ass, Canvas, CaptionStyle};
use slopcannon_engine::export::background::PreparedBackground;
use slopcannon_engine::export::{
    export_clips, ClipRequest, CutMode, ExportErrorKind, ExportOptions, JobResult, Portrait,
};
use slopcannon_engine::media::grab::{grab_frame, RgbaFrame};
use slopcannon_engine::media::probe;
use slopcannon_engine::media::sampler::{sample_frames, SamplerOptions, Stride};
use slopcannon_engine::progress::{CancelToken, Event, EventSink, JobId};
use slopcannon_engine::speech::Word;
use slopcannon_testkit::{band_mad, fixture, rgb_mad, test_dir, white_in_top_fifth};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn clip(start: f64, end: f64) -> ClipRequest {
    ClipRequest {
        start,
        end,
        subtitles: None,
        ..ClipRequest::default()
    }
}

fn opts(dir: &Path) -> ExportOptions {
    ExportOptions {
        out_dir: dir.to_path_buf(),
        workers: 2,
        backoff: Duration::from_millis(1),
        ..ExportOptions::default()
    }
}

fn export(source: &Path, clips: &[ClipRequest], o: &ExportOptions) -> Vec<JobResult> {
    export_clips(
        source,
        clips,
        o,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect("export runs")
}

/// Frame count and times of a file's video, decoded with the engine.
fn frame_times(path: &Path) -> Vec<f64> {
    let mut times = Vec::new();
    let o = SamplerOptions {
        stride: Stride::Every(1),
        exact: true,
        max_width: 64,
        ..SamplerOptions::default()
    };
    sample_frames(path, &o, &CancelToken::new(), |f| {
        times.push(f.pts_secs);
        ControlFlow::Continue(())
    })
    .expect("decode output");
    times
}

fn mad(a: &RgbaFrame, b: &RgbaFrame) -> f64 {
    assert_eq!((a.width, a.height), (b.width, b.height));
    let sum: u64 = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.pixels.len() as f64
}

/// The output's audio (AAC, copied from the source) starts at the clip's first sample: its
/// first 100 ms decode to the source's samples from `start` on.
fn audio_starts_at(out: &Path, src: &Path, start: f64) {
    let pcm = |args: &[&str]| -> Vec<i16> {
        let o = std::process::Command::new("ffmpeg")
            .args(["-hide_banner", "-v", "error"])
            .args(args)
            .args(["-vn", "-ac", "1", "-f", "s16le", "-t", "0.1", "-"])
            .output()
            .expect("run ffmpeg");
        o.stdout
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect()
    };
    let ours = pcm(&["-i", out.to_str().expect("utf-8")]);
    let at = format!("{start}");
    let theirs = pcm(&["-ss", &at, "-i", src.to_str().expect("utf-8")]);
    assert_eq!(ours.len(), 4800);
    let worst = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap_or(u16::MAX);
    assert!(worst <= 2, "audio differs from the source by up to {worst}");
}

#[test]
fn reencode_is_frame_exact_with_the_right_duration() {
    let dir = test_dir("export_exact");
    let src = fixture("cfr.mp4");
    // 1.5 s and 4.5 s are mid-GOP: the seek lands earlier and the extra frames are dropped.
    let o = ExportOptions {
        mode: CutMode::Reencode,
        ..opts(&dir)
    };
    let r = export(&src, &[clip(1.5, 4.5), clip(6.0, 9.0)], &o);
    for (res, (start, _)) in r.iter().zip([(1.5, 4.5), (6.0, 9.0)]) {
        let out = res.output.as_ref().expect("written");
        assert_eq!(res.attempts, 1);
        assert_eq!(res.mode, "reencode");
        let times = frame_times(out);
        assert_eq!(times.len(), 90, "3 s at 30 fps");
        assert!(times[0].abs() < 1e-3, "starts at 0: {}", times[0]);
        let info = probe(out).expect("probe output");
        let d = info.duration_secs.expect("duration");
        assert!((d - 3.0).abs() <= 1.0 / 30.0 + 0.03, "duration {d}");
        assert_eq!(info.audio().map(|(s, _)| s.codec.as_str()), Some("aac"));
        audio_starts_at(out, &src, start);
        // The first frame is the source frame at `start` (re-encoded: small differences).
        let first = grab_frame(out, 0.0, 320, 240).expect("grab output");
        let want = grab_frame(&src, start, 320, 240).expect("grab source");
        let before = grab_frame(&src, start - 1.0 / 30.0, 320, 240).expect("grab source");
        let exact = mad(&first, &want);
        assert!(
            exact < 4.0,
            "first frame differs from the source frame by {exact}"
        );
        assert!(
            mad(&first, &before) > exact * 2.0,
            "and is not the frame before"
        );
    }
}

/// FFmpeg's own decoder reads `path` from end to end without a complaint.
fn decodes_cleanly(path: &Path) {
    let out = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-i"])
        .arg(path)
        .args(["-f", "null", "-"])
        .output()
        .expect("run ffmpeg");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && err.trim().is_empty(), "{err}");
}

#[test]
fn smart_cut_copies_the_gops_inside_and_is_frame_exact_at_both_ends() {
    let dir = test_dir("export_smart");
    let src = fixture("cfr.mp4");
    // IDR frames every 2 s and three B-frames between references: 1.5 s is inside the
    // first GOP (re-encoded up to the IDR at 2 s), 7.7 s is inside the GOP at 6 s, and its
    // last frame (7.667 s) is a B-frame that needs the P-frame after it.
    let (start, end) = (1.5, 7.7);
    let r = export(&src, &[clip(start, end)], &opts(&dir));
    let res = &r[0];
    let out = res.output.as_ref().expect("written");
    assert_eq!(res.mode, "smart", "{res:?}");
    assert!(res.fallbacks.is_empty(), "{:?}", res.fallbacks);
    let times = frame_times(out);
    assert_eq!(times.len(), 186, "frames 45..=230 of the source");
    assert!(times[0].abs() < 1e-3, "starts at 0: {}", times[0]);
    assert!(
        times
            .windows(2)
            .all(|w| (w[1] - w[0] - 1.0 / 30.0).abs() < 1e-3),
        "one frame every 1/30 s across the seams"
    );
    decodes_cleanly(out);
    let info = probe(out).expect("probe output");
    let d = info.duration_secs.expect("duration");
    assert!((d - 6.2).abs() <= 1.0 / 30.0 + 0.03, "duration {d}");
    assert_eq!(info.video().map(|(s, _)| s.codec.as_str()), Some("h264"));
    assert_eq!(info.audio().map(|(s, _)| s.codec.as_str()), Some("aac"));
    audio_starts_at(out, &src, start);

    let frame = |p: &Path, t: f64| grab_frame(p, t, 320, 240).expect("grab");
    // First frame: re-encoded, so close to the source frame at `start`, not the one before.
    let first = frame(out, 0.0);
    let exact = mad(&first, &frame(&src, start));
    assert!(exact < 4.0, "first frame differs by {exact}");
    assert!(mad(&first, &frame(&src, start - 1.0 / 30.0)) > exact * 2.0);
    // Last frame: the source frame just before `end`, not the one at `end`.
    let last_out = 185.0 / 30.0 + 0.005;
    let last = frame(out, last_out);
    let exact = mad(&last, &frame(&src, 230.0 / 30.0 + 0.005));
    assert!(exact < 4.0, "last frame differs by {exact}");
    assert!(mad(&last, &frame(&src, 231.0 / 30.0 + 0.005)) > exact * 2.0);
    // Inside the copied GOPs the pictures are the source's own, bit for bit.
    for t_out in [0.5, 2.0, 4.4] {
        let d = mad(
            &frame(out, t_out + 0.005),
            &frame(&src, start + t_out + 0.005),
        );
        assert_eq!(d, 0.0, "copied frame at {t_out} s differs by {d}");
    }
}

#[test]
fn smart_cut_with_loudnorm_copies_the_video_and_reencodes_the_audio() {
    let dir = test_dir("export_smart_loudnorm");
    let src = fixture("cfr.mp4");
    let o = ExportOptions {
        loudnorm: true,
        ..opts(&dir)
    };
    let r = export(&src, &[clip(1.5, 4.5)], &o);
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(r[0].mode, "smart+loudnorm");
    assert_eq!(frame_times(out).len(), 90);
    let info = probe(out).expect("probe");
    let (audio, _) = info.audio().expect("audio");
    assert_eq!(audio.codec, "aac");
    let d = audio.duration_secs.expect("audio duration");
    assert!((d - 3.0).abs() < 0.05, "audio lasts {d} s");
}

#[test]
fn smart_cut_inside_one_gop_and_without_audio() {
    let dir = test_dir("export_smart_head");
    // One IDR frame at 0, no B-frames, no audio: 0.6–1.6 s is all re-encoded; 0–1 s is
    // all copied.
    let src = fixture("video_only.mp4");
    let r = export(&src, &[clip(0.6, 1.6), clip(0.0, 1.0)], &opts(&dir));
    for res in &r {
        let out = res.output.as_ref().expect("written");
        assert_eq!(res.mode, "smart", "{res:?}");
        assert_eq!(frame_times(out).len(), 25, "1 s at 25 fps");
        decodes_cleanly(out);
        let first = grab_frame(out, 0.0, 160, 120).expect("grab");
        let want = grab_frame(&src, res.start, 160, 120).expect("grab");
        assert!(mad(&first, &want) < 4.0);
        assert!(
            (res.duration_secs - 1.0).abs() < 0.02,
            "{}",
            res.duration_secs
        );
    }
    // A clip that runs past the end of the 2 s source: what exists is written, and the result
    // gives the real length (frames 38..=49).
    let r = export(&src, &[clip(1.5, 3.0)], &opts(&dir));
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(frame_times(out).len(), 12);
    assert!(
        (r[0].duration_secs - 0.48).abs() < 0.02,
        "{}",
        r[0].duration_secs
    );
}

#[test]
fn smart_cut_falls_back_to_reencode_for_other_codecs_and_says_why() {
    let dir = test_dir("export_smart_fallback");
    let src = fixture("mpeg4.mp4");
    let r = export(&src, &[clip(0.6, 1.6)], &opts(&dir));
    let res = &r[0];
    let out = res.output.as_ref().expect("written");
    assert_eq!(res.attempts, 1);
    assert!(res.mode.starts_with("reencode"), "{}", res.mode);
    assert!(
        res.fallbacks
            .iter()
            .any(|f| f.contains("smart cut not possible") && f.contains("not H.264")),
        "{:?}",
        res.fallbacks
    );
    assert_eq!(frame_times(out).len(), 25);
}

#[test]
fn portrait_pad_and_crop_never_stretch() {
    let dir = test_dir("export_portrait");
    let src = fixture("cfr.mp4");
    let pad = export(
        &src,
        &[clip(2.0, 3.0)],
        &ExportOptions {
            portrait: Some(Portrait::Pad),
            ..opts(&dir)
        },
    );
    let out = pad[0].output.as_ref().expect("written");
    let (_, v) = probe(out)
        .expect("probe")
        .video()
        .map(|(s, v)| (s.clone(), v.clone()))
        .expect("video");
    assert_eq!((v.width, v.height), (1080, 1920));
    let f = grab_frame(out, 0.5, 1080, 1920).expect("grab");
    // 4:3 fitted to 1080 wide is 810 high: bars of 555 above and below.
    let black = |y: u32| {
        (0..1080).step_by(40).all(|x| {
            f.pixel(x, y)
                .is_some_and(|p| p[0] < 20 && p[1] < 20 && p[2] < 20)
        })
    };
    assert!(
        black(10) && black(540) && black(1380) && black(1900),
        "bars are black"
    );
    assert!(!black(700) && !black(1200), "the picture is between them");

    let crop = export(
        &src,
        &[clip(2.0, 3.0)],
        &ExportOptions {
            portrait: Some(Portrait::Crop),
            ..opts(&dir)
        },
    );
    let f = grab_frame(crop[0].output.as_ref().expect("written"), 0.5, 1080, 1920).expect("grab");
    let dark_rows = (0..1920)
        .step_by(64)
        .filter(|y| {
            (0..1080).step_by(60).all(|x| {
                f.pixel(x, *y)
                    .is_some_and(|p| p[0] < 20 && p[1] < 20 && p[2] < 20)
            })
        })
        .count();
    assert_eq!(dark_rows, 0, "crop fills the frame");
}

/// Writes a 1080×1920 karaoke `.ass` into `dir`: "Hello world" for the first 2 s, bottom
/// centre with a 300 px margin, each word lasting `centis` hundredths of a second.
fn karaoke_ass(dir: &Path, centis: u32) -> PathBuf {
    let ass = dir.join("words.ass");
    std::fs::write(
        &ass,
        format!(
            "[Script Info]\nScriptType: v4.00+\nPlayResX: 1080\nPlayResY: 1920\n\n[V4+ Styles]\n\
             Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
             Style: Default,DejaVu Sans,110,&H00FFFFFF,&H0000FFFF,&H00000000,&H80000000,1,0,0,0,100,100,0,0,1,6,0,2,60,60,300,1\n\n[Events]\n\
             Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n\
             Dialogue: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,{{\\k{centis}}}Hello {{\\k{centis}}}world\n"
        ),
    )
    .expect("write ass");
    ass
}

#[test]
fn burned_subtitles_are_visible() {
    let dir = test_dir("export_subs");
    let ass = karaoke_ass(&dir, 50);
    let src = fixture("cfr.mp4");
    let base = ExportOptions {
        portrait: Some(Portrait::Pad),
        ..opts(&dir)
    };
    let plain = export(&src, &[clip(2.0, 3.0)], &base);
    let with = export(
        &src,
        &[ClipRequest {
            start: 2.0,
            end: 3.0,
            subtitles: Some(ass),
            ..ClipRequest::default()
        }],
        &base,
    );
    assert_eq!(with[0].mode, "reencode+portrait-pad+subtitles");
    let a = grab_frame(plain[0].output.as_ref().expect("plain"), 0.5, 1080, 1920).expect("grab");
    let b = grab_frame(with[0].output.as_ref().expect("subtitled"), 0.5, 1080, 1920).expect("grab");
    // Bottom-centre alignment, 300 px margin: the text sits around y 1500–1620.
    assert!(
        band_mad(&a, &b, 1480, 1640) > 10.0,
        "text in the subtitle area"
    );
    assert!(band_mad(&a, &b, 100, 400) < 1.0, "nothing elsewhere");
}

#[test]
fn stacked_background_loops_under_a_longer_clip() {
    let dir = test_dir("export_stacked");
    let bg = fixture("video_only.mp4"); // 2 s
    let r = export(
        &fixture("cfr.mp4"),
        &[clip(1.0, 6.0)],
        &ExportOptions {
            stacked: Some(bg),
            ..opts(&dir)
        },
    );
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(
        frame_times(out).len(),
        150,
        "5 s at 30 fps: the clip sets the length"
    );
    let at = |t: f64| grab_frame(out, t, 540, 960).expect("grab");
    let (f05, f15, f25, f45) = (at(0.5), at(1.5), at(2.5), at(4.5));
    // Bottom half: the 2 s background at 0.5 s, 2.5 s and 4.5 s is the same picture.
    assert!(band_mad(&f05, &f25, 490, 950) < 3.0, "looped at 2.5 s");
    assert!(
        band_mad(&f05, &f45, 490, 950) < 3.0,
        "looped again at 4.5 s"
    );
    assert!(band_mad(&f05, &f15, 490, 950) > 3.0, "it moves in between");
    // The top half follows the clip and does not repeat.
    assert!(band_mad(&f05, &f25, 10, 470) > 3.0);

    // A variable-frame-rate clip (30 fps for 2 s, then 10 fps) keeps its own frames: the
    // halves are joined by overlay on the clip's clock, never with extra frames.
    let r = export(
        &fixture("vfr.mkv"),
        &[clip(0.0, 4.0)],
        &ExportOptions {
            stacked: Some(fixture("video_only.mp4")),
            ..opts(&dir)
        },
    );
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(
        frame_times(out).len(),
        80,
        "60 frames at 30 fps + 20 at 10 fps"
    );
}

#[test]
fn a_stacked_background_kept_in_memory_gives_the_same_pictures_as_decoding_it_per_clip() {
    let dir = test_dir("export_stacked_memory");
    let src = fixture("cfr.mp4");
    let frame_bytes = 1080 * 960 * 3 / 2;
    let cancel = CancelToken::new();
    // A 25 fps background kept as the longest clip's 152 frames; a 1 s background at the
    // clip's own 30 fps kept as its one loop of 30 frames (the clip's 152 would not fit).
    for (bg, budget, looped, frames) in [
        (fixture("video_only.mp4"), 200 * frame_bytes, false, 152),
        (fixture("loop_1s.mp4"), 100 * frame_bytes, true, 30),
    ] {
        let prepared = PreparedBackground::prepare(&bg, (30, 1), 5.0, budget, &cancel)
            .expect("prepare")
            .expect("fits the budget");
        assert_eq!((prepared.is_loop(), prepared.len()), (looped, frames));
        let run = |budget: usize| {
            let r = export(
                &src,
                &[clip(1.0, 6.0)],
                &ExportOptions {
                    stacked: Some(bg.clone()),
                    background_budget: budget,
                    workers: 1,
                    ..opts(&dir)
                },
            );
            r[0].output.clone().expect("written")
        };
        let (memory, decoded) = (run(budget), run(0));
        assert_eq!(frame_times(&memory).len(), 150);
        // Across the background's loop points (1 s and 2 s): the same pictures.
        for t in [0.0, 0.95, 1.0, 2.05, 4.95] {
            let a = grab_frame(&memory, t, 540, 960).expect("grab");
            let b = grab_frame(&decoded, t, 540, 960).expect("grab");
            assert!(
                mad(&a, &b) < 0.01,
                "{} at {t} s: {}",
                bg.display(),
                mad(&a, &b)
            );
        }
    }
    // A loop shorter than the clip is kept as the loop even when the clip's frames would fit.
    let prepared =
        PreparedBackground::prepare(&fixture("loop_1s.mp4"), (30, 1), 5.0, 1 << 30, &cancel)
            .expect("prepare")
            .expect("fits");
    assert_eq!((prepared.is_loop(), prepared.len()), (true, 30));
    // Too long for the budget at another frame rate: not kept.
    assert!(PreparedBackground::prepare(
        &fixture("video_only.mp4"),
        (30, 1),
        5.0,
        100 * frame_bytes,
        &cancel
    )
    .expect("prepare")
    .is_none());
}

#[test]
fn burned_subtitles_match_ffmpegs_ass_filter() {
    let dir = test_dir("export_subs_ffmpeg");
    let ass = karaoke_ass(&dir, 30);
    let src = fixture("cfr.mp4");
    let ours = export(
        &src,
        &[ClipRequest {
            start: 2.0,
            end: 3.0,
            subtitles: Some(ass.clone()),
            ..ClipRequest::default()
        }],
        &ExportOptions {
            portrait: Some(Portrait::Pad),
            ..opts(&dir)
        },
    );
    let ours = ours[0].output.clone().expect("written");
    let reference = dir.join("ffmpeg.mp4");
    let vf = format!(
        "scale=1080:1920:force_original_aspect_ratio=decrease,pad=1080:1920:(ow-iw)/2:(oh-ih)/2:black,setsar=1,ass={}",
        ass.display()
    );
    slopcannon_testkit::fixtures::ffmpeg(
        &[
            "-ss",
            "2",
            "-i",
            slopcannon_testkit::fixtures::path_str(&src),
            "-t",
            "1",
            "-vf",
            &vf,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-crf",
            "23",
            "-an",
        ],
        &reference,
    );
    // At 0.8 s both words are sung (white on a black outline: the same in any colour
    // matrix): the text band matches FFmpeg's up to encoding noise.
    let a = grab_frame(&ours, 0.8, 1080, 1920).expect("grab");
    let b = grab_frame(&reference, 0.8, 1080, 1920).expect("grab");
    let white = |f: &RgbaFrame| {
        f.pixels[1440 * 1080 * 4..1680 * 1080 * 4]
            .chunks_exact(4)
            .filter(|p| p[0] > 220 && p[1] > 220 && p[2] > 220)
            .count()
    };
    assert!(
        white(&a) > 2000 && white(&b) > 2000,
        "{} {}",
        white(&a),
        white(&b)
    );
    let text = band_mad(&a, &b, 1440, 1680);
    eprintln!("text band vs FFmpeg's ass filter: {text:.3}");
    assert!(text < 1.5, "text band differs from FFmpeg's by {text}");
}

#[test]
fn an_encoder_failure_is_retried_with_safer_settings() {
    let dir = test_dir("export_retry");
    let src = fixture("cfr.mp4");
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let sink = EventSink::new(move |ev| {
        if let Event::Progress(p) = ev {
            seen.lock().expect("lock").push(p);
        }
    });
    let o = ExportOptions {
        fail_attempts: 1,
        attempts: 2,
        ..opts(&dir)
    };
    let r = export_clips(
        &src,
        &[clip(1.0, 2.0)],
        &o,
        JobId::next(),
        &sink,
        &CancelToken::new(),
    )
    .expect("export");
    assert!(r[0].output.is_some(), "{:?}", r[0].error);
    assert_eq!(r[0].attempts, 2);
    assert_eq!(r[0].fallbacks.len(), 1);
    assert!(
        r[0].fallbacks[0].contains("smart cut → re-encode, preset ultrafast → superfast"),
        "{:?}",
        r[0].fallbacks
    );
    assert!(r[0].mode.starts_with("reencode"), "{}", r[0].mode);
    assert!(
        r[0].fallbacks[0].contains("injected encoder failure"),
        "the reason is recorded"
    );
    let last = events
        .lock()
        .expect("lock")
        .last()
        .cloned()
        .expect("progress");
    assert!(
        last.finished && last.retried == 1 && last.failed == 0,
        "{last:?}"
    );

    // Out of attempts: failed, with the attempts counted, and no file.
    let o = ExportOptions {
        fail_attempts: 5,
        attempts: 3,
        ..opts(&dir)
    };
    let r = export(&src, &[clip(1.0, 2.0)], &o);
    assert!(r[0].output.is_none());
    assert_eq!(r[0].attempts, 3);
    assert_eq!(r[0].error_kind, Some(ExportErrorKind::Encode));
}

#[test]
fn a_missing_input_fails_at_once_without_retry() {
    let dir = test_dir("export_missing");
    let o = ExportOptions {
        attempts: 5,
        ..opts(&dir)
    };
    // The source is checked once, before any clip: the batch fails with one error.
    let e = export_clips(
        &dir.join("gone.mp4"),
        &[clip(0.0, 1.0), clip(1.0, 2.0)],
        &o,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect_err("a missing source fails the batch");
    assert_eq!(e.kind, ExportErrorKind::Input);
    assert!(e.message.starts_with("file not found"), "{}", e.message);
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert!(files.is_empty(), "{files:?}");
}

#[test]
fn cancel_leaves_no_partial_files() {
    let dir = test_dir("export_cancel");
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let sink = EventSink::new(move |ev| {
        if let Event::Progress(p) = ev {
            if p.done > 0 {
                c2.cancel();
            }
        }
    });
    let clips: Vec<ClipRequest> = (0..4)
        .map(|i| clip(f64::from(i) * 2.0, f64::from(i) * 2.0 + 2.0))
        .collect();
    let o = ExportOptions {
        portrait: Some(Portrait::Blur),
        workers: 1,
        ..opts(&dir)
    };
    let r = export_clips(
        &fixture("cfr.mp4"),
        &clips,
        &o,
        JobId::next(),
        &sink,
        &cancel,
    );
    let results = r.expect("a cancelled batch still answers for every clip");
    assert_eq!(results.len(), 4);
    assert!(
        results
            .iter()
            .any(|j| j.error_kind == Some(ExportErrorKind::Cancelled)),
        "cancelled"
    );
    let written: Vec<_> = results.iter().filter_map(|j| j.output.clone()).collect();
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        written.len(),
        "the folder holds exactly the clips the results name"
    );
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(!name.ends_with(".part"), "partial file left: {name}");
        // Anything that was finished is whole.
        assert_eq!(frame_times(&path).len(), 60, "{name} is complete");
    }
}

#[test]
fn cancel_during_the_wait_before_a_retry_stops_at_once() {
    let dir = test_dir("export_cancel_backoff");
    let cancel = CancelToken::new();
    let o = ExportOptions {
        fail_attempts: 1,
        attempts: 2,
        backoff: Duration::from_secs(30),
        workers: 1,
        ..opts(&dir)
    };
    let c2 = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        c2.cancel();
    });
    let t0 = std::time::Instant::now();
    let r = export_clips(
        &fixture("cfr.mp4"),
        &[clip(0.0, 1.0)],
        &o,
        JobId::next(),
        &EventSink::discard(),
        &cancel,
    );
    canceller.join().expect("canceller");
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "the 30 s wait before the retry was cut short: {:?}",
        t0.elapsed()
    );
    let nothing = r.map_or(true, |results| results.iter().all(|j| j.output.is_none()));
    assert!(nothing, "the cancelled clip was not written");
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        0,
        "no file left"
    );
}

#[test]
fn existing_files_are_never_overwritten() {
    let dir = test_dir("export_no_overwrite");
    let src = fixture("cfr.mp4");
    let first = export(&src, &[clip(0.0, 1.0)], &opts(&dir));
    let first_path = first[0].output.clone().expect("written");
    let before = std::fs::read(&first_path).expect("read");
    let second = export(&src, &[clip(0.0, 1.0)], &opts(&dir));
    let second_path = second[0].output.clone().expect("written");
    assert_ne!(first_path, second_path);
    assert!(second_path
        .to_string_lossy()
        .ends_with("cfr_01_00m00s-00m01s_2.mp4"));
    assert_eq!(
        std::fs::read(&first_path).expect("read"),
        before,
        "untouched"
    );
    let third = export(
        &src,
        &[clip(0.0, 1.0)],
        &ExportOptions {
            overwrite: true,
            ..opts(&dir)
        },
    );
    assert_eq!(
        third[0].output.as_ref(),
        Some(&first_path),
        "--overwrite replaces"
    );
}

#[test]
fn four_workers_run_jobs_side_by_side_and_keep_the_order() {
    let dir = test_dir("export_workers");
    let src = fixture("cfr.mp4");
    let clips: Vec<ClipRequest> = (0..4)
        .map(|i| clip(f64::from(i) * 2.0, f64::from(i) * 2.0 + 1.5))
        .collect();
    let overlaps = |r: &[JobResult]| {
        r.iter().enumerate().any(|(i, a)| {
            r.iter()
                .skip(i + 1)
                .any(|b| a.started_secs < b.finished_secs && b.started_secs < a.finished_secs)
        })
    };
    let four = export(
        &src,
        &clips,
        &ExportOptions {
            workers: 4,
            ..opts(&dir)
        },
    );
    assert!(overlaps(&four), "jobs ran at the same time: {four:#?}");
    assert_eq!(
        four.iter().map(|r| r.index).collect::<Vec<_>>(),
        vec![0, 1, 2, 3]
    );
    assert!(four.iter().all(|r| r.output.is_some()));
    let one = export(
        &src,
        &clips,
        &ExportOptions {
            workers: 1,
            ..opts(&dir)
        },
    );
    assert!(!overlaps(&one), "one worker runs one job at a time");
}

#[test]
fn rotated_sources_are_exported_upright() {
    let dir = test_dir("export_rotated");
    let r = export(&fixture("rotated.mp4"), &[clip(0.0, 1.0)], &opts(&dir));
    let out = r[0].output.as_ref().expect("written");
    let (_, v) = probe(out)
        .expect("probe")
        .video()
        .map(|(s, v)| (s.clone(), v.clone()))
        .expect("video");
    assert_eq!((v.width, v.height, v.rotation_deg), (120, 160, 0));
}

/// The default caption font is the bundled one, registered with libass from memory: it is not
/// installed, yet its captions differ clearly from DejaVu Sans's and from the fallback
/// fontconfig gives a family it does not know (what libass would draw without it).
#[test]
fn captions_use_the_bundled_font_that_is_not_installed() {
    let family = CaptionStyle::default().font;
    let fc_list = std::process::Command::new("fc-list")
        .output()
        .expect("fc-list runs");
    assert!(
        !String::from_utf8_lossy(&fc_list.stdout)
            .to_lowercase()
            .contains(&family.to_lowercase()),
        "{family} is installed on this system, so this test would prove nothing"
    );
    let dir = test_dir("export_bundled_font");
    let words: Vec<Word> = [("Bundled", 0.0), ("fonts", 0.3), ("everywhere", 0.6)]
        .into_iter()
        .map(|(word, t)| Word {
            start: t,
            end: t + 0.3,
            word: word.into(),
        })
        .collect();
    let captioned = |name: &str, font: &str| {
        let ass = dir.join(format!("{name}.ass"));
        let style = CaptionStyle {
            font: font.into(),
            ..CaptionStyle::preset("classic").expect("classic")
        };
        std::fs::write(&ass, clip_ass(&words, 0.0, 1.0, &style, Canvas::PORTRAIT))
            .expect("write ass");
        ClipRequest {
            start: 2.0,
            end: 3.0,
            subtitles: Some(ass),
            ..ClipRequest::default()
        }
    };
    let clips = [
        captioned("bundled", &family),
        captioned("dejavu", "DejaVu Sans"),
        captioned("unknown", "No Such Font Family"),
    ];
    let r = export(
        &fixture("cfr.mp4"),
        &clips,
        &ExportOptions {
            portrait: Some(Portrait::Pad),
            ..opts(&dir)
        },
    );
    // Mid-caption (no fade), on the black padding below the picture: one line, 320 px above
    // the bottom edge.
    let (y0, y1) = (1400, 1700);
    let frames: Vec<RgbaFrame> = r
        .iter()
        .map(|j| {
            let out = j.output.as_ref().expect("written");
            grab_frame(out, 0.5, 1080, 1920).expect("grab")
        })
        .collect();
    for (f, c) in frames.iter().zip(["bundled", "dejavu", "unknown"]) {
        let lit = f.pixels[y0 * 1080 * 4..y1 * 1080 * 4]
            .chunks_exact(4)
            .filter(|p| p[0] > 200 && p[1] > 200)
            .count();
        assert!(lit > 2000, "{c}: caption drawn ({lit} bright pixels)");
    }
    let vs_dejavu = band_mad(&frames[0], &frames[1], y0 as u32, y1 as u32);
    let vs_fallback = band_mad(&frames[0], &frames[2], y0 as u32, y1 as u32);
    eprintln!(
        "caption band, bundled font vs DejaVu Sans: {vs_dejavu:.2}, vs fallback: {vs_fallback:.2}"
    );
    assert!(
        vs_dejavu > 5.0,
        "{family} looks like DejaVu Sans: {vs_dejavu}"
    );
    assert!(
        vs_fallback > 5.0,
        "{family} looks like fontconfig's fallback: {vs_fallback}"
    );
}

#[test]
fn one_clip_can_be_cancelled_and_every_clip_reports_its_progress_and_outcome() {
    // The window's export queue: a row per clip with its progress and result; cancel one.
    use slopcannon_engine::progress::ItemUpdate;
    use std::sync::{Arc, Mutex};
    let dir = test_dir("export_items");
    let clips: Vec<ClipRequest> = (0..3)
        .map(|i| clip(f64::from(i) * 3.0, f64::from(i) * 3.0 + 3.0))
        .collect();
    let updates: Arc<Mutex<Vec<ItemUpdate>>> = Arc::default();
    let seen = updates.clone();
    let sink = EventSink::new(move |ev| {
        if let Event::Item(u) = ev {
            seen.lock().expect("lock").push(u);
        }
    });
    let tokens: Vec<CancelToken> = (0..3).map(|_| CancelToken::new()).collect();
    tokens[1].cancel();
    let o = ExportOptions {
        portrait: Some(Portrait::Pad),
        workers: 1,
        clip_cancels: tokens,
        ..opts(&dir)
    };
    let results = export_clips(
        &fixture("cfr.mp4"),
        &clips,
        &o,
        JobId::next(),
        &sink,
        &CancelToken::new(),
    )
    .expect("export");
    assert!(results[0].output.is_some() && results[2].output.is_some());
    assert_eq!(results[1].error_kind, Some(ExportErrorKind::Cancelled));
    assert!(results[1].output.is_none());
    assert_eq!(std::fs::read_dir(&dir).expect("dir").count(), 2);
    let updates = updates.lock().expect("lock").clone();
    for i in 0..3 {
        let mine: Vec<&ItemUpdate> = updates.iter().filter(|u| u.index == i).collect();
        assert_eq!(
            mine.first().map(|u| u.fraction),
            Some(0.0),
            "clip {i} starts at 0"
        );
        let last = mine.last().expect("updates");
        assert_eq!(last.fraction, 1.0);
        let outcome = last.outcome.clone().expect("an outcome at the end");
        if i == 1 {
            assert_eq!(outcome, Err("cancelled".to_string()));
        } else {
            let line = outcome.expect("written");
            assert!(
                line.contains(".mp4: 3.0") && line.contains(" s, 1080×1920, "),
                "{line}"
            );
            // In between, it moved.
            assert!(
                mine.iter().any(|u| u.fraction > 0.0 && u.fraction < 1.0),
                "clip {i} reported progress"
            );
        }
    }
}

/// A preview of the clip 1.0–3.0 s at `at`, 540×960 at most.
fn request<'a>(
    at: f64,
    portrait: Option<Portrait>,
    stacked: Option<&'a Path>,
    words: &'a [Word],
    style: &'a CaptionStyle,
) -> slopcannon_engine::export::preview::PreviewRequest<'a> {
    slopcannon_engine::export::preview::PreviewRequest {
        clip_start: 1.0,
        clip_end: 3.0,
        at,
        portrait,
        stacked,
        captions: Some((words, style)),
        title: None,
        max_width: 540,
        max_height: 960,
    }
}

/// The window's live preview is the export's frame: blur and stacked layouts with captions,
/// previewed at a playhead inside the clip, equal the frame decoded from the exported file
/// at that clip time (up to the encoder's loss), and differ clearly from a wrong layout,
/// style or moment.
#[test]
fn the_preview_frame_equals_the_exported_frame() {
    use slopcannon_engine::export::preview::Previewer;
    let dir = test_dir("export_preview_equals");
    let src = fixture("cfr.mp4");
    let words: Vec<Word> = ["Previews", "never", "lie", "about", "captions"]
        .iter()
        .enumerate()
        .map(|(i, w)| Word {
            start: 1.2 + i as f64 * 0.35,
            end: 1.5 + i as f64 * 0.35,
            word: format!(" {w}"),
        })
        .collect();
    let transcript = slopcannon_engine::speech::Transcript {
        segments: vec![slopcannon_engine::speech::Segment {
            start: 1.2,
            end: 3.0,
            text: String::new(),
            words: words.clone(),
        }],
        ..Default::default()
    };
    let style = CaptionStyle::preset("boxed").expect("boxed");
    let bg = fixture("loop_1s.mp4");
    let (start, end) = (1.0, 3.0);
    let mut previewer = Previewer::open(&src).expect("previewer");
    for (name, portrait, stacked) in [
        ("blur", Some(Portrait::Blur), None),
        ("stacked", None, Some(bg.as_path())),
    ] {
        let out = dir.join(name);
        let r = export(
            &src,
            &[ClipRequest {
                start,
                end,
                subtitles: None,
                ..ClipRequest::default()
            }],
            &ExportOptions {
                portrait,
                stacked: stacked.map(Path::to_path_buf),
                captions: Some(std::sync::Arc::new(transcript.clone())),
                caption_style: style.clone(),
                ..opts(&out)
            },
        );
        let file = r[0].output.clone().expect("written");
        for at in [1.0, 1.5, 2.2, 2.95] {
            let p = previewer
                .render(
                    &request(at, portrait, stacked, &words, &style),
                    &CancelToken::new(),
                )
                .expect("preview");
            assert_eq!(p.export_size, (1080, 1920));
            let exported = grab_frame(&file, p.clip_secs, 540, 960).expect("exported frame");
            let same = rgb_mad(&p.image, &exported);
            assert!(
                same < 2.5,
                "{name} at {at}: preview differs from the export by {same:.2}"
            );
            // A moment a third of a second away, another style or another layout is visibly
            // different, so the bound above says something.
            let later = previewer
                .render(
                    &request(at - 0.33, portrait, stacked, &words, &style),
                    &CancelToken::new(),
                )
                .expect("preview");
            let other_style = CaptionStyle::preset("karaoke").expect("karaoke");
            let restyled = previewer
                .render(
                    &request(at, portrait, stacked, &words, &other_style),
                    &CancelToken::new(),
                )
                .expect("preview");
            let relaid = previewer
                .render(
                    &request(at, Some(Portrait::Crop), stacked, &words, &style),
                    &CancelToken::new(),
                )
                .expect("preview");
            for (what, other) in [("time", &later), ("style", &restyled), ("layout", &relaid)] {
                if matches!(what, "time" | "style") && at == 1.0 {
                    continue; // the clip's first frame (clamped), before the first word
                }
                if what == "layout" && stacked.is_some() {
                    continue; // stacked ignores the fit
                }
                let d = rgb_mad(&other.image, &exported);
                assert!(
                    d > same * 2.0 + 1.0,
                    "{name} at {at}: another {what} differs by only {d:.2} (same: {same:.2})"
                );
            }
        }
    }
}

/// Mono samples of `path`'s audio from `from` for `secs`, at 16 kHz, as the FFmpeg CLI
/// decodes them (edit lists applied).
fn pcm16k(path: &Path, from: f64, secs: f64) -> Vec<f32> {
    let o = std::process::Command::new("ffmpeg")
        .args(["-hide_banner", "-v", "error", "-i"])
        .arg(path)
        .args(["-ss", &format!("{from}"), "-t", &format!("{secs}")])
        .args(["-vn", "-ac", "1", "-ar", "16000", "-f", "s16le", "-"])
        .output()
        .expect("run ffmpeg");
    o.stdout
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
        .collect()
}

/// Pearson correlation of the common length of `a` and `b`.
fn correlation(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mean = |x: &[f32]| x.iter().sum::<f32>() / n.max(1) as f32;
    let (ma, mb) = (mean(a), mean(b));
    let cov: f32 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let var = |x: &[f32], m: f32| x.iter().map(|v| (v - m) * (v - m)).sum::<f32>();
    cov / (var(a, ma) * var(b, mb)).sqrt().max(1e-12)
}

fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// With titles on, a clip's label is burned at the top of its short (the preview shows it
/// the same); a clip without a label gets none and a file with no picture gets a short for it.
#[test]
fn a_clips_label_is_burned_as_its_title_at_the_top() {
    let dir = test_dir("export_title");
    let src = fixture("cfr.mp4");
    let titled = ExportOptions {
        portrait: Some(Portrait::Pad),
        title: true,
        ..opts(&dir)
    };
    let labelled = |start: f64, end: f64, label: &str| ClipRequest {
        label: label.into(),
        ..clip(start, end)
    };
    let r = export(
        &src,
        &[labelled(1.0, 2.0, "Big news"), labelled(3.0, 4.0, "  ")],
        &titled,
    );
    // White text in the bar above the picture (the pad's bars are black).
    let in_top_bar = white_in_top_fifth;
    let with = grab_frame(r[0].output.as_ref().expect("written"), 0.5, 270, 480).expect("grab");
    let without = grab_frame(r[1].output.as_ref().expect("written"), 0.5, 270, 480).expect("grab");
    assert!(
        in_top_bar(&with) > 150,
        "the title: {} px",
        in_top_bar(&with)
    );
    assert_eq!(in_top_bar(&without), 0, "no label, no title");
    assert_eq!(r[0].mode, "reencode+portrait-pad+subtitles");
    // The preview shows the title as the export does.
    let mut previewer =
        slopcannon_engine::export::preview::Previewer::open(&src).expect("previewer");
    let style = CaptionStyle::default();
    let preview = previewer
        .render(
            &slopcannon_engine::export::preview::PreviewRequest {
                clip_start: 1.0,
                clip_end: 2.0,
                at: 1.5,
                portrait: Some(Portrait::Pad),
                stacked: None,
                captions: Some((&[], &style)),
                title: Some("Big news"),
                max_width: 270,
                max_height: 480,
            },
            &CancelToken::new(),
        )
        .expect("preview");
    let exported = grab_frame(
        r[0].output.as_ref().expect("written"),
        preview.clip_secs,
        270,
        480,
    )
    .expect("exported frame");
    assert!(in_top_bar(&preview.image) > 150);
    let same = rgb_mad(&preview.image, &exported);
    assert!(
        same < 2.5,
        "the preview differs from the export by {same:.2}"
    );

    // A file with no picture and no captions: the title makes it a short.
    let tone = fixture("tone_at_2s.m4a");
    let r = export(
        &tone,
        &[labelled(1.5, 3.0, "Listen")],
        &opts_titled(&dir.join("sound")),
    );
    assert_eq!(r[0].mode, "audio-short+subtitles");
    let f = grab_frame(r[0].output.as_ref().expect("written"), 0.5, 270, 480).expect("grab");
    assert!(
        in_top_bar(&f) > 50,
        "the title over the sound: {} px",
        in_top_bar(&f)
    );
}

fn opts_titled(dir: &Path) -> ExportOptions {
    ExportOptions {
        title: true,
        ..opts(dir)
    }
}

/// A podcast short shows its sound: bars as loud as the sound, the heard ones (left of the
/// middle) in the accent colour, the ones to come dim, scrolling 240 px a second.
#[test]
fn a_podcast_short_shows_its_sound_as_bars_that_scroll_with_it() {
    use slopcannon_engine::speech::{Segment, Transcript};
    let dir = test_dir("export_sound_bars");
    // 2 s of silence, then a tone until 4 s.
    let tone = fixture("tone_at_2s.m4a");
    let word = Word {
        start: 2.0,
        end: 2.5,
        word: "Beep".into(),
    };
    let transcript = Transcript {
        segments: vec![Segment {
            start: 2.0,
            end: 2.5,
            text: "Beep".into(),
            words: vec![word],
        }],
        ..Transcript::default()
    };
    let shorts = ExportOptions {
        captions: Some(std::sync::Arc::new(transcript)),
        ..opts(&dir)
    };
    let r = export(&tone, &[clip(1.5, 3.5)], &shorts);
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(r[0].mode, "audio-short+subtitles");
    // The bar of the tenth of a second from `secs` (source time), in the frame at clip
    // time `clip_secs`: its height above the row's middle, and its colour there.
    let bar = |clip_secs: f64, secs: f64| -> (usize, [u8; 3]) {
        let f = grab_frame(out, clip_secs + 0.01, 1080, 1920).expect("grab");
        assert_eq!((f.width, f.height), (1080, 1920));
        let x = (540.0 + (secs - (1.5 + clip_secs)) * 240.0).round() as usize;
        let px = |y: usize| {
            let i = (y * 1080 + x) * 4;
            [f.pixels[i], f.pixels[i + 1], f.pixels[i + 2]]
        };
        let mid = (1920.0 * 0.36) as usize;
        let tall = (mid - 200..mid)
            .filter(|y| px(*y).iter().any(|c| *c > 45))
            .count();
        (tall, px(mid - 20))
    };
    // 0.2 s in (1.7 s): silence heard, the tone to come.
    let (heard, _) = bar(0.2, 1.25);
    let (to_come, dim) = bar(0.2, 2.35);
    assert!(heard < 10, "silence heard is a dot: {heard} px");
    assert!(to_come > 120, "the tone to come is tall: {to_come} px");
    assert!(
        dim.iter().all(|c| (45..110).contains(c)),
        "to come is dim grey: {dim:?}"
    );
    // 1.2 s in (2.7 s): the same tenth has been heard — it moved 240 px left, in the accent.
    let (heard, accent) = bar(1.2, 2.35);
    assert!(heard > 120, "the tone heard is tall: {heard} px");
    assert!(
        accent[0] > 200 && (120..200).contains(&accent[1]) && accent[2] < 100,
        "heard is the accent orange: {accent:?}"
    );
}

#[test]
fn a_file_with_sound_and_no_picture_gives_audio_clips_or_captioned_shorts() {
    let dir = test_dir("export_audio_only");
    // 2 s of silence, then a tone (AAC: its packets are copied).
    let tone = fixture("tone_at_2s.m4a");
    let r = export(&tone, &[clip(1.5, 3.0)], &opts(&dir));
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(out.extension().and_then(|e| e.to_str()), Some("m4a"));
    assert_eq!(r[0].mode, "audio");
    assert!(
        (r[0].duration_secs - 1.5).abs() < 0.03,
        "{}",
        r[0].duration_secs
    );
    let info = probe(out).expect("probe");
    assert!(info.video().is_none() && info.audio().is_some(), "{info:?}");
    // The tone starts 0.5 s into the clip.
    let silent = rms(&pcm16k(out, 0.0, 0.45));
    let sounding = rms(&pcm16k(out, 0.55, 0.9));
    assert!(
        silent < 0.01 && sounding > 0.3,
        "rms {silent} then {sounding}"
    );

    // PCM speech (re-encoded to AAC, cut to the sample). A 9:16 layout without captions
    // would be an empty picture: audio clips still.
    let wav = fixture("long_speech.wav");
    let nine_sixteen = ExportOptions {
        portrait: Some(Portrait::Pad),
        ..opts(&dir)
    };
    let r = export(&wav, &[clip(1.0, 3.0), clip(4.0, 4.5)], &nine_sixteen);
    for (res, want) in r.iter().zip([2.0, 0.5]) {
        let out = res.output.as_ref().expect("written");
        assert!((res.duration_secs - want).abs() < 0.03, "{res:?}");
        assert!(out.to_string_lossy().ends_with(".m4a"), "{}", out.display());
    }
    // AAC keeps the sound, not the waveform (noise-like bands are re-synthesised): compare
    // loudness envelopes, 20 ms frames. Ours from 0 s matches the source from 1.0 s, far
    // better than the source 0.1 s off.
    let envelope = |x: &[f32]| -> Vec<f32> { x.chunks(320).map(rms).collect() };
    let ours = envelope(&pcm16k(r[0].output.as_ref().expect("written"), 0.0, 2.0));
    let at = |from: f64| envelope(&pcm16k(&wav, from, 2.0));
    let (same, early, late) = (
        correlation(&ours, &at(1.0)),
        correlation(&ours, &at(0.9)),
        correlation(&ours, &at(1.1)),
    );
    assert!(
        same > 0.95 && same > early + 0.1 && same > late + 0.1,
        "envelope correlation with the source from 1.0 s {same:.3}, from 0.9 s {early:.3}, from 1.1 s {late:.3}"
    );

    // Captions asked for: a 9:16 short, the words over a plain picture, with the sound.
    use slopcannon_engine::speech::{Segment, Transcript};
    let words: Vec<Word> = ["Podcasts", "get", "captions"]
        .iter()
        .enumerate()
        .map(|(i, w)| Word {
            start: 1.5 + i as f64 * 0.4,
            end: 1.85 + i as f64 * 0.4,
            word: (*w).into(),
        })
        .collect();
    let transcript = Transcript {
        segments: vec![Segment {
            start: 1.5,
            end: 2.65,
            text: "Podcasts get captions".into(),
            words,
        }],
        ..Transcript::default()
    };
    let shorts = ExportOptions {
        captions: Some(std::sync::Arc::new(transcript.clone())),
        ..opts(&dir.join("shorts"))
    };
    let r = export(&wav, &[clip(1.0, 4.0)], &shorts);
    let out = r[0].output.as_ref().expect("written");
    assert_eq!(r[0].mode, "audio-short+subtitles");
    assert_eq!(out.extension().and_then(|e| e.to_str()), Some("mp4"));
    assert_eq!((r[0].width, r[0].height), (1080, 1920));
    assert_eq!(frame_times(out).len(), 90, "3 s at 30 fps");
    assert!(
        (r[0].duration_secs - 3.0).abs() < 0.05,
        "{}",
        r[0].duration_secs
    );
    let bright = |f: &RgbaFrame| {
        f.pixels
            .chunks_exact(4)
            .filter(|p| p[0] > 200 && p[1] > 200)
            .count()
    };
    // 0.5 s in: nothing said yet, a plain picture; 1.0 s in ("get"): the caption.
    let before = grab_frame(out, 0.2, 270, 480).expect("grab");
    let during = grab_frame(out, 1.0, 270, 480).expect("grab");
    assert_eq!(bright(&before), 0, "no caption before the words");
    assert!(
        bright(&during) > 100,
        "the caption is drawn: {}",
        bright(&during)
    );
    // The window's preview of the short is its frame.
    let mut previewer =
        slopcannon_engine::export::preview::Previewer::open(&wav).expect("previewer");
    let words: Vec<Word> = transcript.words().cloned().collect();
    let style = CaptionStyle::default();
    for at in [1.2, 2.0, 2.5] {
        let p = previewer
            .render(
                &slopcannon_engine::export::preview::PreviewRequest {
                    clip_start: 1.0,
                    clip_end: 4.0,
                    at,
                    portrait: None,
                    stacked: None,
                    captions: Some((&words, &style)),
                    title: None,
                    max_width: 270,
                    max_height: 480,
                },
                &CancelToken::new(),
            )
            .expect("preview");
        assert_eq!(p.export_size, (1080, 1920));
        let exported = grab_frame(out, p.clip_secs, 270, 480).expect("exported frame");
        let same = rgb_mad(&p.image, &exported);
        assert!(
            same < 2.5,
            "at {at}: the preview differs from the short by {same:.2}"
        );
        if at > 1.5 {
            assert!(bright(&p.image) > 100, "a caption in the preview at {at}");
        }
    }
    let envelope = |x: &[f32]| -> Vec<f32> { x.chunks(320).map(rms).collect() };
    let c = correlation(
        &envelope(&pcm16k(out, 0.0, 3.0)),
        &envelope(&pcm16k(&wav, 1.0, 3.0)),
    );
    assert!(
        c > 0.95,
        "the short's sound is the source's from 1.0 s: {c:.3}"
    );

    // No picture to stack over a background: said once, nothing written.
    let asked = ExportOptions {
        stacked: Some(fixture("cfr.mp4")),
        ..opts(&dir.join("stacked"))
    };
    let err = export_clips(
        &wav,
        &[clip(1.0, 3.0)],
        &asked,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect_err("refused");
    assert!(
        err.to_string()
            .contains("has sound and no picture, so a stacked layout cannot be made"),
        "{err}"
    );
    assert!(!dir.join("stacked").exists(), "nothing written");
}
