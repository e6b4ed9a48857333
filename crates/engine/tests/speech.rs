//! Transcription with the real tiny.en models in ../shared/models: word error rate on real
//! speech (jfk.wav) and on espeak-ng speech in a video, word timestamps, the cache, model
//! fallback, the no-model error, and cancel.

use slopcannon_engine::progress::{CancelToken, EventSink, JobId};
use slopcannon_engine::speech::transcript::word_error_rate;
use slopcannon_engine::speech::Compute;
use slopcannon_engine::speech::{transcribe, TranscribeOptions, Transcribed};
use slopcannon_testkit::fixtures_analysis::{SPEECH_A, SPEECH_B};
use slopcannon_testkit::http::{serve, sha1sum};
use slopcannon_testkit::{fixture, model, shared, test_dir};
use std::path::Path;
use std::time::{Duration, Instant};

fn opts(model: &str, models_dir: &Path, cache: Option<&Path>) -> TranscribeOptions {
    TranscribeOptions {
        model: model.to_string(),
        compute: Compute::Int8,
        models_dir: models_dir.to_path_buf(),
        threads: 1, // steady on 2 busy cores; 2 threads stall (see shared/models/README.md)
        cache_dir: cache.map(Path::to_path_buf),
        more_threads: None,
    }
}

fn run(path: &Path, o: &TranscribeOptions) -> Transcribed {
    transcribe(
        path,
        o,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect("transcribe")
}

const JFK: &str = "And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.";

#[test]
fn jfk_word_error_rate_with_the_tiny_models() {
    let dir = test_dir("speech_jfk");
    for file in ["ggml-tiny.en-q8_0.bin", "ggml-tiny.en.bin"] {
        let model = model(file);
        let t = run(
            &shared("samples/jfk.wav"),
            &opts(&model.to_string_lossy(), &dir, None),
        );
        let wer = word_error_rate(JFK, &t.transcript.text());
        assert!(wer <= 0.05, "{file}: WER {wer}: {}", t.transcript.text());
        // Word timestamps: monotonic, inside their segment, within the 11 s clip.
        let mut prev = 0.0;
        for s in &t.transcript.segments {
            for w in &s.words {
                assert!(w.start >= prev - 1e-9 && w.end >= w.start, "{w:?}");
                assert!(
                    w.start >= s.start - 1e-9 && w.end <= s.end + 1e-9,
                    "{w:?} in {s:?}"
                );
                prev = w.end;
            }
        }
        assert!(prev <= 11.1);
        let words: Vec<String> = t
            .transcript
            .words()
            .map(|w| w.word.to_lowercase())
            .collect();
        assert!(words.first().is_some_and(|w| w == "and"));
        // "ask" first comes after the pause, around 3.3 s.
        let ask = t
            .transcript
            .words()
            .find(|w| w.word.to_lowercase().starts_with("ask"))
            .expect("ask");
        assert!((2.5..4.5).contains(&ask.start), "{ask:?}");
    }
}

/// Issue 12: speech under noise. On the noisy talk (calm stretches under music and pink noise,
/// shouted ones under a babbling, cheering crowd at +6 and +3 dB) every stretch keeps about
/// its own number of words, at its own time (none dropped, nothing invented over it, no word
/// piled up at another stretch's instant), and the word error rate stays near what was
/// measured (0.172 with tiny.en q8_0; faster-whisper tiny.en, beam 5: 0.143).
#[test]
fn speech_under_noise_keeps_the_words_of_every_stretch_at_their_time() {
    let (wav, stretches) = slopcannon_testkit::fixtures::noisy_talk();
    let dir = test_dir("speech_noisy");
    let mut o = opts(
        &model("ggml-tiny.en-q8_0.bin").to_string_lossy(),
        &dir,
        None,
    );
    o.threads = 2; // two windows side by side, one thread each
    let t = run(&wav, &o);
    let text = t.transcript.text();
    let reference: Vec<&str> = stretches.iter().map(|s| s.text.as_str()).collect();
    let wer = word_error_rate(&reference.join(" "), &text);
    assert!(wer <= 0.22, "WER {wer}: {text}");
    for s in &stretches {
        let said = s.text.split_whitespace().count();
        let heard: Vec<&str> = t
            .transcript
            .words()
            .filter(|w| {
                let mid = (w.start + w.end) / 2.0;
                mid >= s.start - 0.5 && mid <= s.end + 0.5
            })
            .map(|w| w.word.as_str())
            .collect();
        let kind = if s.excited { "excited" } else { "calm" };
        assert!(
            heard.len() * 10 >= said * 6 && heard.len() * 10 <= said * 14,
            "the {kind} stretch at {:.1}-{:.1} s says {said} words, the transcript has {} \
             there: {heard:?}\n(said: {})",
            s.start,
            s.end,
            heard.len(),
            s.text
        );
    }
}

#[test]
fn speech_in_a_video_is_transcribed_with_the_silence_skipped_and_cached() {
    let dir = test_dir("speech_video");
    let model = model("ggml-tiny.en-q8_0.bin");
    let cache = dir.join("cache");
    let o = opts(&model.to_string_lossy(), &dir, Some(&cache));
    let video = fixture("speech.mp4");
    let first = run(&video, &o);
    assert!(!first.from_cache);
    assert!(first.windows >= 1);
    let text = first.transcript.text();
    let wer = word_error_rate(&format!("{SPEECH_A} {SPEECH_B}"), &text);
    // tiny.en hears espeak's "of" as "on" and writes "ten" as "10" (see shared/samples).
    assert!(wer <= 0.2, "WER {wer}: {text}");
    // The second sentence starts after the 3 s pause, on the file's timeline.
    let meeting = first
        .transcript
        .words()
        .find(|w| w.word.to_lowercase().starts_with("meeting"))
        .expect("meeting");
    let first_end = first
        .transcript
        .words()
        .find(|w| w.word.to_lowercase().starts_with("system"))
        .expect("system")
        .end;
    assert!(
        meeting.start > first_end + 2.5,
        "{meeting:?} after {first_end}"
    );

    let second = run(&video, &o);
    assert!(second.from_cache, "the cache hit skips the model");
    assert_eq!(second.windows, 0);
    assert_eq!(second.transcript, first.transcript);
}

#[test]
fn windows_transcribed_side_by_side_come_back_in_order() {
    let dir = test_dir("speech_parallel");
    let model = model("ggml-tiny.en-q8_0.bin");
    let audio = fixture("long_speech.wav");
    let one = run(&audio, &opts(&model.to_string_lossy(), &dir, None));
    let two = run(
        &audio,
        &TranscribeOptions {
            threads: 2, // two windows at a time, one thread each
            ..opts(&model.to_string_lossy(), &dir, None)
        },
    );
    assert!(one.windows >= 3, "{} windows", one.windows);
    assert_eq!((one.workers, two.workers), (1, 2));
    assert_eq!(two.windows, one.windows);
    assert_eq!(two.transcript, one.transcript, "same words, same order");
    // Started with one thread, given two (as the analysis does when its video pass ends):
    // a second worker joins, and the words are the same.
    let grown = run(
        &audio,
        &TranscribeOptions {
            more_threads: Some(std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(2))),
            ..opts(&model.to_string_lossy(), &dir, None)
        },
    );
    assert_eq!(grown.workers, 2);
    assert_eq!(grown.transcript, one.transcript);
    let words: Vec<_> = two.transcript.words().collect();
    assert!(
        words.windows(2).all(|w| w[0].end <= w[1].start + 1e-6),
        "word times rise across the windows"
    );
    let wer = word_error_rate(
        slopcannon_testkit::fixtures::LONG_SPEECH,
        &two.transcript.text(),
    );
    assert!(wer <= 0.15, "WER {wer}: {}", two.transcript.text());
}

#[test]
fn a_broken_model_falls_back_to_a_smaller_one_and_no_model_says_how_to_get_one() {
    let dir = test_dir("speech_models");
    std::fs::write(dir.join("ggml-base.en.bin"), b"not a model").expect("write");
    std::fs::copy(
        model("ggml-tiny.en-q5_1.bin"),
        dir.join("ggml-tiny.en-q5_1.bin"),
    )
    .expect("copy");
    let t = run(&shared("samples/jfk.wav"), &opts("base.en", &dir, None));
    assert_eq!(t.model_path, dir.join("ggml-tiny.en-q5_1.bin"));
    assert!(word_error_rate(JFK, &t.transcript.text()) <= 0.05);

    let empty = test_dir("speech_no_models");
    let err = transcribe(
        &shared("samples/jfk.wav"),
        &opts("tiny.en", &empty, None),
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect_err("no model");
    assert!(
        err.to_string().starts_with("no whisper model found"),
        "{err}"
    );
    assert!(err.to_string().contains(&empty.display().to_string()));
    assert!(
        err.to_string().contains("tiny.en is not installed in"),
        "{err}"
    );
    // A path that is not a file is named, not answered with the generic hint.
    let missing = empty.join("nope/ggml-base.en.bin");
    let err = transcribe(
        &shared("samples/jfk.wav"),
        &opts(&missing.to_string_lossy(), &empty, None),
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect_err("no such file");
    assert!(
        err.to_string()
            .contains(&format!("{} is not a file", missing.display())),
        "{err}"
    );
}

#[test]
fn cancel_stops_transcription_within_a_second() {
    let dir = test_dir("speech_cancel");
    let model = model("ggml-tiny.en.bin");
    let o = opts(&model.to_string_lossy(), &dir, None);
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let worker = std::thread::spawn(move || {
        transcribe(
            &shared("samples/jfk.wav"),
            &o,
            JobId::next(),
            &EventSink::discard(),
            &c2,
        )
    });
    std::thread::sleep(Duration::from_millis(400));
    let t0 = Instant::now();
    cancel.cancel();
    let result = worker.join().expect("no panic");
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "took {:?}",
        t0.elapsed()
    );
    let err = result.expect_err("cancelled");
    assert!(err.is_cancelled(), "{err}");
}

#[test]
fn model_download_resumes_after_a_broken_connection_and_checks_the_sum() {
    use slopcannon_engine::speech::download::{download_model, DownloadOptions};
    let source = model("ggml-tiny.en-q5_1.bin");
    let data = std::fs::read(&source).expect("model");
    let dir = test_dir("speech_download");
    let (url, server) = serve(data.clone(), 1);
    let opts = DownloadOptions {
        base_url: url,
        models_dir: dir.clone(),
        sha1: Some(sha1sum(&source)),
        attempts: 3,
        backoff: Duration::from_millis(10),
    };
    let path = download_model(
        "tiny.en-q5_1",
        &opts,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect("download");
    assert_eq!(path, dir.join("ggml-tiny.en-q5_1.bin"));
    assert_eq!(
        std::fs::read(&path).expect("read"),
        data,
        "identical to the source"
    );
    let ranges = server.join().expect("server");
    assert_eq!(ranges.len(), 1, "the second request resumed: {ranges:?}");
    assert_eq!(
        ranges[0].to_ascii_lowercase(),
        format!("range: bytes={}-", data.len() / 2)
    );
    assert!(!dir.join("ggml-tiny.en-q5_1.bin.part").exists());
    // The downloaded model works.
    let t = run(
        &shared("samples/jfk.wav"),
        &self::opts("tiny.en", &dir, None),
    );
    assert!(word_error_rate(JFK, &t.transcript.text()) <= 0.05);

    // A corrupted download is rejected and deleted.
    let mut bad = data.clone();
    bad[1000] ^= 0xff;
    let dir2 = test_dir("speech_download_bad");
    let (url, server) = serve(bad, 0);
    let opts = DownloadOptions {
        base_url: url,
        models_dir: dir2.clone(),
        ..opts
    };
    let err = download_model(
        "tiny.en-q5_1",
        &opts,
        JobId::next(),
        &EventSink::discard(),
        &CancelToken::new(),
    )
    .expect_err("corrupt");
    assert!(
        err.to_string().starts_with("the download is corrupt"),
        "{err}"
    );
    server.join().ok();
    assert_eq!(
        std::fs::read_dir(&dir2).expect("dir").count(),
        0,
        "nothing left behind"
    );
}

#[test]
fn whispers_notes_for_sound_without_speech_are_not_words() {
    // 30 s of a quiet hum (loud enough to be transcribed, not speech: whisper calls its
    // window [BLANK_AUDIO]), then a sentence.
    let dir = test_dir("speech_blank");
    let talk = dir.join("talk.wav");
    let status = std::process::Command::new("espeak-ng")
        .args(["-s", "150", "-w"])
        .arg(&talk)
        .arg("Welcome back to the show. Today we are testing a tool that finds clips.")
        .status()
        .expect("espeak-ng (installed by scripts/setup.sh)");
    assert!(status.success());
    let path = dir.join("hum_then_talk.wav");
    slopcannon_testkit::fixtures::ffmpeg(
        &[
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=220:sample_rate=16000:duration=30,volume=0.05",
            "-i",
            slopcannon_testkit::fixtures::path_str(&talk),
            "-filter_complex",
            "[1]aresample=16000[t];[0][t]concat=n=2:v=0:a=1",
        ],
        &path,
    );
    let model = model("ggml-tiny.en-q8_0.bin");
    let t = run(&path, &opts(&model.to_string_lossy(), &dir, None));
    let text = t.transcript.text();
    assert!(text.to_lowercase().contains("welcome"), "{text}");
    for s in &t.transcript.segments {
        assert!(!s.text.contains('['), "a note became a segment: {s:?}");
        for w in &s.words {
            assert!(!w.word.contains('['), "a note became a word: {w:?}");
        }
    }
}
