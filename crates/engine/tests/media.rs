//! The media layer on generated files: probe values, sampler frames, range seeks, VFR,
//! audio decode, frame grabs, the timeline's waveform, keyframes and thumbnails.

use slopcannon_engine::media::audio::{decode_audio, read_audio, AudioOptions, SAMPLE_RATE};
use slopcannon_engine::media::grab::{grab_frame, FrameGrabber};
use slopcannon_engine::media::keyframes::{keyframe_times, thumbnails, Thumbnail};
use slopcannon_engine::media::probe;
use slopcannon_engine::media::sampler::{sample_frames, SampledFrame, SamplerOptions, Stride};
use slopcannon_engine::media::waveform::Waveform;
use slopcannon_engine::progress::CancelToken;
use slopcannon_testkit::fixture;
use std::ops::ControlFlow;
use std::path::Path;

fn sample(path: &Path, opts: SamplerOptions) -> Vec<SampledFrame> {
    let mut frames = Vec::new();
    sample_frames(path, &opts, &CancelToken::new(), |f| {
        frames.push(f);
        ControlFlow::Continue(())
    })
    .expect("sampling works");
    frames
}

fn opts(stride: Stride, exact: bool) -> SamplerOptions {
    SamplerOptions {
        stride,
        exact,
        ..SamplerOptions::default()
    }
}

#[test]
fn probe_reports_what_was_generated() {
    let info = probe(&fixture("cfr.mp4")).expect("probe");
    assert!(info.container.contains("mp4"), "{}", info.container);
    let d = info.duration_secs.expect("duration");
    assert!((d - 10.0).abs() < 0.05, "duration {d}");
    let (vs, v) = info.video().expect("video stream");
    assert_eq!(vs.codec, "h264");
    assert_eq!((v.width, v.height), (320, 240));
    assert_eq!(v.frame_rate, Some(30.0));
    assert_eq!(v.avg_frame_rate, Some(30.0));
    assert_eq!(v.frames, Some(300));
    assert_eq!(v.pixel_format, "yuv420p");
    assert_eq!(v.rotation_deg, 0);
    assert!(!v.vfr);
    let (as_, a) = info.audio().expect("audio stream");
    assert_eq!(as_.codec, "aac");
    assert_eq!(a.sample_rate, 48000);
    assert_eq!(a.channels, 2);
    assert!(info.bit_rate.is_some());

    let audio = probe(&fixture("audio_only.m4a")).expect("probe audio-only");
    assert!(audio.video().is_none());
    assert_eq!(
        audio.audio().map(|(_, a)| (a.sample_rate, a.channels)),
        Some((44100, 2))
    );

    let video = probe(&fixture("video_only.mp4")).expect("probe video-only");
    assert!(video.audio().is_none());
    assert_eq!(video.video().map(|(_, v)| v.frame_rate), Some(Some(25.0)));
}

#[test]
fn probe_says_vfr_only_for_variable_rate_files() {
    // B-frames in a pyramid are read long after the frames they sit between, so the first
    // packets' timestamps have holes until the rest arrive: still constant rate.
    let dir = slopcannon_testkit::test_dir("probe_vfr");
    for (name, rate, x264) in [
        ("pyramid.mp4", "30", "b-pyramid=normal:bframes=3"),
        ("ntsc.mp4", "30000/1001", "b-pyramid=strict:bframes=3"),
    ] {
        let out = dir.join(name);
        slopcannon_testkit::fixtures::ffmpeg(
            &[
                "-f",
                "lavfi",
                "-i",
                &format!("testsrc2=size=160x120:rate={rate}:duration=10"),
                "-c:v",
                "libx264",
                "-preset",
                "medium",
                "-g",
                "250",
                "-x264-params",
                x264,
            ],
            &out,
        );
        let info = probe(&out).expect("probe");
        let (_, v) = info.video().expect("video");
        assert!(!v.vfr, "{name} is constant rate: {v:?}");
        assert!(!info.summary().contains("VFR"), "{}", info.summary());
    }
    let info = probe(&fixture("vfr.mkv")).expect("probe");
    assert!(
        info.video().is_some_and(|(_, v)| v.vfr),
        "the VFR fixture is VFR"
    );
}

#[test]
fn probe_reads_rotation_like_ffprobe() {
    let path = fixture("rotated.mp4");
    let info = probe(&path).expect("probe");
    // ffprobe prints the display matrix angle counter-clockwise; we report the clockwise turn.
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args(["stream_side_data=rotation", "-of", "csv=p=0"])
        .arg(&path)
        .output()
        .expect("ffprobe");
    let ccw: i32 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("ffprobe rotation");
    assert_ne!(ccw, 0);
    let (_, v) = info.video().expect("video");
    assert_eq!(v.rotation_deg, (-ccw).rem_euclid(360));
}

#[test]
fn sampler_stride_1_yields_every_frame_with_exact_times() {
    let frames = sample(&fixture("cfr.mp4"), opts(Stride::Every(1), true));
    assert_eq!(frames.len(), 300);
    for (i, f) in frames.iter().enumerate() {
        assert_eq!(f.frame_idx, i as u64);
        assert!(
            (f.pts_secs - i as f64 / 30.0).abs() < 1e-3,
            "frame {i} at {}",
            f.pts_secs
        );
        assert_eq!((f.width, f.height), (256, 192));
        assert_eq!(f.luma.len(), 256 * 192);
        assert_eq!(f.hue.len(), f.luma.len());
    }
    // Keyframes every 60 frames, as encoded.
    let keys: Vec<u64> = frames
        .iter()
        .filter(|f| f.key)
        .map(|f| f.frame_idx)
        .collect();
    assert_eq!(keys, vec![0, 60, 120, 180, 240]);
}

#[test]
fn sampler_stride_5_exact_and_fast() {
    let exact = sample(&fixture("cfr.mp4"), opts(Stride::Every(5), true));
    let idx: Vec<u64> = exact.iter().map(|f| f.frame_idx).collect();
    assert_eq!(idx, (0..300).step_by(5).collect::<Vec<u64>>());

    // Dropping non-reference frames: one frame per stride window, never before its target.
    let fast = sample(&fixture("cfr.mp4"), opts(Stride::Every(5), false));
    assert!(
        fast.len() >= 55 && fast.len() <= 60,
        "{} frames",
        fast.len()
    );
    let mut windows: Vec<u64> = fast.iter().map(|f| f.frame_idx / 5).collect();
    let n = windows.len();
    windows.dedup();
    assert_eq!(windows.len(), n, "at most one frame per window");
    for f in &fast {
        assert!((f.pts_secs - f.frame_idx as f64 / 30.0).abs() < 1e-3);
    }
}

#[test]
fn sampler_auto_stride_is_two_frames_per_second() {
    let frames = sample(&fixture("cfr.mp4"), opts(Stride::Auto, true));
    let idx: Vec<u64> = frames.iter().map(|f| f.frame_idx).collect();
    assert_eq!(idx, (0..300).step_by(15).collect::<Vec<u64>>());
    let fast = sample(&fixture("cfr.mp4"), opts(Stride::Auto, false));
    assert!(
        fast.len() >= 19 && fast.len() <= 20,
        "{} frames",
        fast.len()
    );

    let keys = sample(&fixture("cfr.mp4"), opts(Stride::Keyframes, false));
    let idx: Vec<u64> = keys.iter().map(|f| f.frame_idx).collect();
    assert_eq!(idx, vec![0, 60, 120, 180, 240]);
}

#[test]
fn range_seek_gives_the_same_frames_as_a_full_pass() {
    let path = fixture("cfr.mp4");
    for (stride, exact) in [(Stride::Every(1), true), (Stride::Every(5), false)] {
        let full = sample(&path, opts(stride, exact));
        // 3.5 s is mid-GOP: the seek lands on the keyframe at 2.0 s and decodes forward.
        let ranged = sample(
            &path,
            SamplerOptions {
                start_secs: 3.5,
                end_secs: Some(7.0),
                ..opts(stride, exact)
            },
        );
        let expected: Vec<&SampledFrame> = full
            .iter()
            .filter(|f| f.frame_idx >= 105 && f.frame_idx < 210)
            .collect();
        assert!(!ranged.is_empty());
        assert_eq!(ranged.len(), expected.len(), "{stride:?}");
        for (a, b) in ranged.iter().zip(expected) {
            assert_eq!(a, b, "frame {} differs", a.frame_idx);
        }
    }
    // Splitting the whole file into two ranges gives back the full pass.
    let full = sample(&path, opts(Stride::Every(1), true));
    let mut halves = sample(
        &path,
        SamplerOptions {
            end_secs: Some(5.0),
            ..opts(Stride::Every(1), true)
        },
    );
    halves.extend(sample(
        &path,
        SamplerOptions {
            start_secs: 5.0,
            ..opts(Stride::Every(1), true)
        },
    ));
    assert_eq!(halves.len(), full.len());
    assert!(halves == full);
}

#[test]
fn vfr_timestamps_are_kept() {
    let path = fixture("vfr.mkv");
    let (_, v) = probe(&path)
        .expect("probe")
        .video()
        .map(|(s, v)| (s.clone(), v.clone()))
        .expect("video");
    assert!(v.vfr, "VFR detected");
    let frames = sample(&path, opts(Stride::Every(1), true));
    // The reference: ffprobe's decoded frame times for the same file.
    let out = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries"])
        .args(["frame=pts_time", "-of", "csv=p=0"])
        .arg(&path)
        .output()
        .expect("ffprobe");
    let expected: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    assert!(expected.len() >= 120, "{} reference frames", expected.len());
    assert_eq!(frames.len(), expected.len());
    for (f, t) in frames.iter().zip(&expected) {
        assert!(
            (f.pts_secs - t).abs() < 1e-6,
            "frame {}: {} vs {t}",
            f.frame_idx,
            f.pts_secs
        );
    }
    // The generated file really is VFR: 1/30 s gaps, then 1/10 s gaps.
    assert!((frames[1].pts_secs - frames[0].pts_secs - 0.033).abs() < 0.0015);
    assert!((frames[100].pts_secs - frames[99].pts_secs - 0.1).abs() < 0.0015);
    let times: Vec<f64> = frames.iter().map(|f| f.pts_secs).collect();
    assert!(times.windows(2).all(|w| w[1] > w[0]), "increasing");
}

/// The magnitude spectrum peak of `samples` (length = sample rate → 1 Hz bins).
fn peak_hz(samples: &[f32]) -> f64 {
    peak_hz_at(samples, f64::from(SAMPLE_RATE))
}

fn peak_hz_at(samples: &[f32], rate: f64) -> f64 {
    use rustfft::num_complex::Complex;
    let n = samples.len();
    let mut buf: Vec<Complex<f32>> = samples.iter().map(|s| Complex::new(*s, 0.0)).collect();
    rustfft::FftPlanner::new()
        .plan_fft_forward(n)
        .process(&mut buf);
    let (bin, _) = buf[..n / 2]
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.norm().total_cmp(&b.1.norm()))
        .expect("bins");
    bin as f64 * rate / n as f64
}

#[test]
fn a_gap_in_the_audio_keeps_every_later_sample_at_its_time() {
    // 4 s of 440 Hz whose second half is stamped 3 s later: packets 0–2 s, then 5–7 s.
    let dir = slopcannon_testkit::test_dir("audio_gap");
    let path = dir.join("gap.mkv");
    slopcannon_testkit::fixtures::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:sample_rate=48000:duration=4",
            "-af",
            "asetpts='PTS+if(gte(T,2),3/TB,0)'",
            "-c:a",
            "pcm_s16le",
        ],
        &path,
    );
    let all = read_audio(&path, &AudioOptions::default(), &CancelToken::new()).expect("decode");
    let secs = all.len() as f64 / 16000.0;
    assert!(
        (secs - 7.0).abs() < 0.06,
        "{secs} s: the gap is kept as silence"
    );
    let rms = |from: f64, to: f64| {
        let s = &all[(from * 16000.0) as usize..(to * 16000.0) as usize];
        (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt()
    };
    assert!(rms(0.5, 1.5) > 0.05, "tone before the gap");
    assert!(
        rms(2.2, 4.8) < 1e-4,
        "silence in the gap: {}",
        rms(2.2, 4.8)
    );
    assert!(
        rms(5.2, 6.8) > 0.05,
        "the tone after the gap is at its own time"
    );
    assert!(
        (peak_hz(&all[(5.5 * 16000.0) as usize..(6.5 * 16000.0) as usize]) - 440.0).abs() <= 1.0
    );
}

#[test]
fn audio_decodes_at_the_sound_cards_rate_for_playback() {
    // Playback asks for the output device's rate: same tone, same times, more samples.
    let path = fixture("audio_only.m4a");
    let opts = AudioOptions {
        start_secs: 1.0,
        rate: 48_000,
        chunk_samples: 4800,
        ..AudioOptions::default()
    };
    let mut first = None;
    let mut all = Vec::new();
    decode_audio(&path, &opts, &CancelToken::new(), |c| {
        assert_eq!(c.rate, 48_000);
        first.get_or_insert(c.start_secs());
        all.extend_from_slice(&c.samples);
        std::ops::ControlFlow::Continue(())
    })
    .expect("decode");
    assert_eq!(first, Some(1.0));
    let secs = all.len() as f64 / 48_000.0;
    assert!((secs - 2.0).abs() < 0.06, "{secs} s of audio");
    let one_second = &all[..48_000];
    let spectrum_peak = peak_hz_at(one_second, 48_000.0);
    assert!((spectrum_peak - 440.0).abs() <= 1.0, "{spectrum_peak} Hz");
}

#[test]
fn audio_decodes_to_16k_mono_with_the_tone_at_440_hz() {
    let path = fixture("audio_only.m4a");
    let all = read_audio(&path, &AudioOptions::default(), &CancelToken::new()).expect("decode");
    let secs = all.len() as f64 / 16000.0;
    assert!((secs - 3.0).abs() < 0.06, "{secs} s of audio");
    let one_second = &all[8000..24000];
    assert!((peak_hz(one_second) - 440.0).abs() <= 1.0);
    let rms = (one_second.iter().map(|s| s * s).sum::<f32>() / 16000.0).sqrt();
    // lavfi's sine has amplitude 1/8: RMS 0.088.
    assert!((rms - 0.088).abs() < 0.01, "rms {rms}");

    // Chunks are contiguous and of the requested size; a range gives only its samples.
    let mut starts = Vec::new();
    let mut total = 0;
    decode_audio(
        &path,
        &AudioOptions {
            start_secs: 1.0,
            end_secs: Some(2.5),
            chunk_samples: 4000,
            ..AudioOptions::default()
        },
        &CancelToken::new(),
        |c| {
            starts.push((c.start_sample, c.samples.len()));
            total += c.samples.len();
            ControlFlow::Continue(())
        },
    )
    .expect("decode range");
    assert_eq!(total, 24000);
    assert_eq!(starts.first(), Some(&(16000, 4000)));
    assert!(starts.windows(2).all(|w| w[0].0 + w[0].1 as u64 == w[1].0));

    // The tone in an A/V file, from 48 kHz stereo.
    let av = read_audio(
        &fixture("cfr.mp4"),
        &AudioOptions::default(),
        &CancelToken::new(),
    )
    .expect("decode av");
    assert!((peak_hz(&av[16000..32000]) - 440.0).abs() <= 1.0);
}

#[test]
fn grab_returns_the_frame_shown_at_t() {
    let path = fixture("red_blue.mp4");
    let is_red = |p: [u8; 4]| p[0] > 200 && p[1] < 60 && p[2] < 60;
    let is_blue = |p: [u8; 4]| p[2] > 200 && p[0] < 60 && p[1] < 60;
    let f = grab_frame(&path, 1.0, 320, 320).expect("grab");
    assert_eq!((f.width, f.height), (160, 120));
    assert!(is_red(f.pixel(80, 60).expect("pixel")));
    assert!((f.pts_secs - 1.0).abs() < 1e-3);

    let mut g = FrameGrabber::open(&path).expect("open");
    let cancel = CancelToken::new();
    // Backwards, forwards, and across the cut at 2.0 s: the last frame at or before t.
    for (t, red) in [
        (3.0, false),
        (0.5, true),
        (1.96, true),
        (2.0, false),
        (3.9, false),
        (0.0, true),
    ] {
        let f = g.grab(t, 80, 80, &cancel).expect("grab");
        assert_eq!((f.width, f.height), (80, 60));
        let p = f.pixel(40, 30).expect("pixel");
        assert!(if red { is_red(p) } else { is_blue(p) }, "t={t}: {p:?}");
        assert!(
            f.pts_secs <= t + 1e-3 && f.pts_secs > t - 0.041,
            "t={t}: frame at {}",
            f.pts_secs
        );
    }
}

#[test]
fn the_grabber_plays_on_frame_by_frame_and_shows_keyframes_at_once() {
    // cfr.mp4: 30 fps, a keyframe every 60 frames (2 s), B-frames.
    let path = fixture("cfr.mp4");
    let mut g = FrameGrabber::open(&path).expect("open");
    let cancel = CancelToken::new();
    // A seek shows the keyframe before the time at once …
    let k = g.keyframe_at(3.5, 160, 120, &cancel).expect("keyframe");
    assert!(
        (k.pts_secs - 2.0).abs() < 1e-6,
        "keyframe at {}",
        k.pts_secs
    );
    // … and the exact frame follows, decoded on from there.
    let exact = g.grab(3.5, 160, 120, &cancel).expect("grab");
    assert!(
        (exact.pts_secs - 3.5).abs() < 1e-6,
        "frame at {}",
        exact.pts_secs
    );
    assert_ne!(k.pixels, exact.pixels);
    // Playback: every following frame in order, one frame period apart, to the end.
    let mut last = exact.pts_secs;
    let mut n = 0;
    while let Some(f) = g.next_frame(160, 120, &cancel).expect("next") {
        assert!(
            (f.pts_secs - last - 1.0 / 30.0).abs() < 1e-6,
            "{} after {last}",
            f.pts_secs
        );
        assert_eq!((f.width, f.height), (160, 120));
        last = f.pts_secs;
        n += 1;
    }
    assert_eq!(n, 300 - 106, "frames after 3.5 s");
    // A seek decodes towards its time without the non-reference frames well before it: the
    // frame it shows is still exactly the one playback (every frame decoded) shows.
    let mut play = FrameGrabber::open(&path).expect("open");
    let mut shown = vec![play.grab(0.0, 160, 120, &cancel).expect("first")];
    while let Some(f) = play.next_frame(160, 120, &cancel).expect("next") {
        shown.push(f);
    }
    assert_eq!(shown.len(), 300);
    for t in [3.5, 1.1, 7.9, 5.0, 0.6, 9.95] {
        let mut g = FrameGrabber::open(&path).expect("open");
        let f = g.grab(t, 160, 120, &cancel).expect("grab");
        let i = (t * 30.0 + 1e-6).floor() as usize;
        assert_eq!(f.pts_secs, shown[i].pts_secs, "t={t}");
        assert!(
            f.pixels == shown[i].pixels,
            "t={t}: the same picture as playback"
        );
    }
    // A cancelled token stops the decode.
    let stop = CancelToken::new();
    stop.cancel();
    assert!(g.grab(1.0, 160, 120, &stop).is_err());
}

#[test]
fn audio_only_and_video_only_are_valid_for_their_parts() {
    let err = sample_frames(
        &fixture("audio_only.m4a"),
        &SamplerOptions::default(),
        &CancelToken::new(),
        |_| ControlFlow::Continue(()),
    )
    .expect_err("no video");
    assert!(err.to_string().starts_with("no video stream: "), "{err}");
    let err = read_audio(
        &fixture("video_only.mp4"),
        &AudioOptions::default(),
        &CancelToken::new(),
    )
    .expect_err("no audio");
    assert!(err.to_string().starts_with("no audio stream: "), "{err}");
}

#[test]
fn cancel_stops_sampling() {
    let cancel = CancelToken::new();
    let mut n = 0;
    let err = sample_frames(
        &fixture("cfr.mp4"),
        &opts(Stride::Every(1), true),
        &cancel,
        |_| {
            n += 1;
            if n == 10 {
                cancel.cancel();
            }
            ControlFlow::Continue(())
        },
    )
    .expect_err("cancelled");
    assert!(err.is_cancelled());
    assert!(n < 20, "stopped within a packet or two, saw {n}");
}

#[test]
fn rotated_video_is_grabbed_upright_like_the_ffmpeg_cli_shows_it() {
    let path = fixture("rotated.mp4");
    let ours = grab_frame(&path, 0.0, 1000, 1000).expect("grab");
    assert_eq!(
        (ours.width, ours.height),
        (120, 160),
        "portrait, as displayed"
    );
    // The FFmpeg CLI turns it upright by itself (autorotate): the same picture.
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "error", "-i"])
        .arg(&path)
        .args(["-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgba", "-"])
        .output()
        .expect("ffmpeg");
    assert_eq!(out.stdout.len(), 120 * 160 * 4);
    let diff: u64 = ours
        .pixels
        .iter()
        .zip(&out.stdout)
        .map(|(a, b)| u64::from(a.abs_diff(*b)))
        .sum();
    let mean = diff as f64 / out.stdout.len() as f64;
    assert!(
        mean < 8.0,
        "same orientation as the CLI (mean difference {mean})"
    );
}

#[test]
fn waveform_shows_a_tone_from_the_time_it_starts() {
    // 2 s of silence, then a 440 Hz sine at amplitude 0.5 for 2 s (AAC).
    let path = fixture("tone_at_2s.m4a");
    let mut progress = Vec::new();
    let w = Waveform::build(&path, &CancelToken::new(), |secs| progress.push(secs)).expect("build");
    let d = w.duration_secs();
    assert!((d - 4.0).abs() < 0.05, "duration {d}");
    assert!(progress.len() >= 4, "progress once a second: {progress:?}");
    assert!(progress.windows(2).all(|p| p[1] > p[0]), "{progress:?}");
    assert_eq!(progress.last().copied(), Some(d));

    // 0.1 s columns.
    let cols = w.columns(0.0, 4.0, 40);
    for (i, &(lo, hi)) in cols.iter().enumerate() {
        let t = i as f64 * 0.1;
        if t + 0.1 <= 1.9 {
            assert!(
                lo.abs() < 0.01 && hi.abs() < 0.01,
                "silence at {t:.1} s: {lo} {hi}"
            );
        }
        if t >= 2.1 && t + 0.1 <= 3.9 {
            assert!((hi - 0.5).abs() < 0.03, "tone peak at {t:.1} s: {hi}");
            assert!((lo + 0.5).abs() < 0.03, "tone trough at {t:.1} s: {lo}");
        }
    }
    // The onset, at 10 ms columns (finer than a bucket: level 0).
    let fine = w.columns(1.5, 2.5, 100);
    let onset = fine.iter().position(|c| c.1 > 0.25).expect("the tone") as f64 * 0.01 + 1.5;
    assert!((onset - 2.0).abs() < 0.04, "tone starts at {onset} s");
    // Past the end of the audio.
    assert_eq!(w.columns(4.1, 8.0, 10), vec![(0.0, 0.0); 10]);
    // The whole file at any width is the tone's envelope.
    let overview = w.columns(0.0, d, 3);
    assert!(
        overview[0].1.abs() < 0.01 && (overview[2].1 - 0.5).abs() < 0.03,
        "{overview:?}"
    );
}

#[test]
fn waveform_of_a_file_without_audio_is_a_clear_error() {
    let err = Waveform::build(&fixture("video_only.mp4"), &CancelToken::new(), |_| {})
        .expect_err("no audio");
    assert!(err.to_string().starts_with("no audio stream: "), "{err}");
    let cancel = CancelToken::new();
    cancel.cancel();
    let err = Waveform::build(&fixture("tone_at_2s.m4a"), &cancel, |_| {}).expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
}

fn thumbs(path: &Path, w: u32, h: u32, spacing: f64) -> Vec<Thumbnail> {
    let mut all = Vec::new();
    let n = thumbnails(path, w, h, spacing, &CancelToken::new(), |t| {
        all.push(t);
        ControlFlow::Continue(())
    })
    .expect("thumbnails");
    assert_eq!(n, all.len());
    all
}

fn assert_times(got: &[f64], expected: &[f64]) {
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for (g, e) in got.iter().zip(expected) {
        assert!((g - e).abs() < 1e-6, "{got:?} vs {expected:?}");
    }
}

#[test]
fn keyframe_times_are_the_encoded_keyframes() {
    // cfr.mp4: 30 fps with B-frames, a keyframe every 60 frames.
    let times = keyframe_times(&fixture("cfr.mp4"), &CancelToken::new()).expect("keyframes");
    assert_times(&times, &[0.0, 2.0, 4.0, 6.0, 8.0]);
    let times = keyframe_times(&fixture("video_only.mp4"), &CancelToken::new()).expect("keys");
    assert_times(&times, &[0.0]);
}

#[test]
fn thumbnails_are_the_keyframes_at_the_size_asked() {
    let path = fixture("cfr.mp4");
    let all = thumbs(&path, 160, 90, 0.0);
    let times: Vec<f64> = all.iter().map(|t| t.t_secs).collect();
    assert_times(&times, &[0.0, 2.0, 4.0, 6.0, 8.0]);
    for t in &all {
        // 320×240 into 160×90: 120×90.
        assert_eq!((t.frame.width, t.frame.height), (120, 90));
        assert_eq!(t.frame.pixels.len(), 120 * 90 * 4);
        assert_eq!(t.frame.pts_secs, t.t_secs);
        // The very picture the preview shows at that time.
        let grabbed = grab_frame(&path, t.t_secs, 160, 90).expect("grab");
        assert_eq!(grabbed.pixels, t.frame.pixels, "at {} s", t.t_secs);
    }
    for pair in all.windows(2) {
        let mad = slopcannon_testkit::band_mad(&pair[0].frame, &pair[1].frame, 0, 90);
        assert!(
            mad > 5.0,
            "{} s and {} s differ: {mad}",
            pair[0].t_secs,
            pair[1].t_secs
        );
    }
    // Keyframes closer than 3 s to the last thumbnail are skipped.
    let spaced: Vec<f64> = thumbs(&path, 160, 90, 3.0)
        .iter()
        .map(|t| t.t_secs)
        .collect();
    assert_times(&spaced, &[0.0, 4.0, 8.0]);
    // A box narrower than the picture's aspect, with odd sides: the width decides.
    for t in thumbs(&path, 63, 1000, 0.0) {
        assert_eq!((t.frame.width, t.frame.height), (62, 48));
    }
    // The callback stops the pass.
    let mut seen = 0;
    let n = thumbnails(&path, 160, 90, 0.0, &CancelToken::new(), |_| {
        seen += 1;
        if seen == 2 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .expect("thumbnails");
    assert_eq!((n, seen), (2, 2));
}

#[test]
fn thumbnails_of_a_rotated_video_are_upright() {
    let path = fixture("rotated.mp4");
    let all = thumbs(&path, 160, 90, 0.0);
    assert_eq!(all.len(), 1, "one keyframe in 2 s");
    let f = &all[0].frame;
    // 160×120 shown turned a quarter: portrait, fitting 160×90.
    assert_eq!((f.width, f.height), (68, 90));
    let grabbed = grab_frame(&path, 0.0, 160, 90).expect("grab");
    assert_eq!(grabbed.pixels, f.pixels, "as the preview shows it");
}

#[test]
fn keyframes_and_thumbnails_cancel_and_need_a_video_stream() {
    let cancel = CancelToken::new();
    cancel.cancel();
    let path = fixture("cfr.mp4");
    let err = keyframe_times(&path, &cancel).expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
    let mut called = false;
    let err = thumbnails(&path, 160, 90, 0.0, &cancel, |_| {
        called = true;
        ControlFlow::Continue(())
    })
    .expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
    assert!(!called);

    let audio = fixture("audio_only.m4a");
    let err = keyframe_times(&audio, &CancelToken::new()).expect_err("no video");
    assert!(err.to_string().starts_with("no video stream: "), "{err}");
    let err = thumbnails(&audio, 160, 90, 0.0, &CancelToken::new(), |_| {
        ControlFlow::Continue(())
    })
    .expect_err("no video");
    assert!(err.to_string().starts_with("no video stream: "), "{err}");
}

/// Times the timeline's passes on the benchmark video (made with `scripts/make-bench-video.sh`
/// when missing). `cargo test -p slopcannon-engine [--release] -- --ignored --nocapture bench_timeline`
#[test]
#[ignore = "benchmark: the 10-minute 1080p video (generated when missing: minutes)"]
fn bench_timeline_tracks() {
    use std::time::Instant;
    let target = slopcannon_testkit::tmp_root()
        .parent()
        .map(Path::to_path_buf)
        .expect("target dir");
    let path = target.join("bench/bench-1080p-10min.mp4");
    if !path.exists() {
        let script = slopcannon_testkit::workspace_root().join("scripts/make-bench-video.sh");
        let status = std::process::Command::new("bash")
            .arg(script)
            .arg(&path)
            .status()
            .expect("bash");
        assert!(status.success(), "make-bench-video.sh failed");
    }
    let cancel = CancelToken::new();
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };

    let start = Instant::now();
    let w = Waveform::build(&path, &cancel, |_| {}).expect("waveform");
    let wave_secs = start.elapsed().as_secs_f64();
    let d = w.duration_secs();
    assert!((d - 600.0).abs() < 0.5, "duration {d}");

    let start = Instant::now();
    let keys = keyframe_times(&path, &cancel).expect("keyframes");
    let keys_secs = start.elapsed().as_secs_f64();

    let spacing = d / 1500.0;
    let start = Instant::now();
    let mut first: Option<f64> = None;
    let mut got = Vec::new();
    let n = thumbnails(&path, 160, 90, spacing, &cancel, |t| {
        first.get_or_insert_with(|| start.elapsed().as_secs_f64());
        got.push(t.t_secs);
        assert_eq!((t.frame.width, t.frame.height), (160, 90));
        ControlFlow::Continue(())
    })
    .expect("thumbnails");
    let thumb_secs = start.elapsed().as_secs_f64();
    // GOPs of 250 frames (8.3 s) are far wider than the spacing: every keyframe is a thumbnail.
    assert_times(&got, &keys);
    println!(
        "[{profile}] waveform: {wave_secs:.2} s for {d:.0} s of audio, {} levels, {} bytes \
         (2 h: ~{:.1} MB); keyframe_times: {keys_secs:.2} s ({} keyframes); \
         thumbnails 160x90, spacing {spacing:.2} s: {n} in {thumb_secs:.2} s (first after {:.3} s)",
        w.level_count(),
        w.memory_bytes(),
        w.memory_bytes() as f64 * 12.0 / 1e6,
        keys.len(),
        first.unwrap_or(f64::NAN),
    );
}

#[test]
fn waveform_of_a_steady_tone_has_no_holes_at_any_zoom() {
    // tone_steps.mp4 sounds for all of its 6 s: no column of any width may read as silence.
    use slopcannon_engine::media::waveform::Waveform;
    let w =
        Waveform::build(&fixture("tone_steps.mp4"), &CancelToken::new(), |_| {}).expect("waveform");
    for n in [37, 600, 1268, 5000] {
        let cols = w.columns(0.0, 5.98, n);
        let holes: Vec<usize> = (0..n).filter(|&i| cols[i].1 < 0.2).collect();
        assert!(holes.is_empty(), "{n} columns: silent at {holes:?}");
    }
}
