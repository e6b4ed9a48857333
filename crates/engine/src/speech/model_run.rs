//! The whisper-rs (whisper.cpp) calls of a transcription: loading the first model that loads,
//! whisper's log hook, one run over a window with word timestamps, and a window's run on a
//! worker (silence skipped, long pauses cut out, doubtful decodings decoded again with beam
//! search and shorter windows, times put back on the file's timeline).

use super::pool::WindowJob;
use super::quality::{self, voiced_frames, Decoded};
use super::transcript::{is_non_speech, Segment, Word};
use super::whisper::SpeechError;
use super::windows::{compact_silences, is_silent, map_time, quietest_cut};
use crate::media::audio::SAMPLE_RATE;
use crate::progress::CancelToken;
use std::path::PathBuf;
use std::sync::Once;

/// Sends whisper.cpp's log to `tracing` (once per process).
pub(super) fn install_log_hook() {
    static HOOKS: Once = Once::new();
    HOOKS.call_once(whisper_rs::install_logging_hooks);
}

/// A transcribed window: its segments on the file's timeline, the detected language
/// (multilingual models) and whether it was decoded again; None when the window was silent
/// and skipped.
pub(super) type WindowText = Option<WindowResult>;

pub(super) struct WindowResult {
    pub segments: Vec<Segment>,
    pub language: Option<String>,
    /// The first decoding was doubted (see `quality`) and the window decoded again.
    pub redecoded: bool,
}

/// How whisper searches for the text.
#[derive(Clone, Copy, Debug)]
enum Search {
    /// One candidate per step (fast; whisper's temperature fallback still applies).
    Greedy,
    /// Beam search over five candidates, as whisper's reference decoder does.
    Beam,
}

/// A stretch of speech without words is decoded again with this much audio around it (s).
const GAP_MARGIN: f64 = 0.5;
/// Audio shorter than this is not split into shorter windows when decoded again (s).
const MIN_SPLIT_SECS: f64 = 8.0;

/// One window on a worker: skip it when silent, cut out long pauses, run whisper, check that
/// the words cover the speech (decoding again when they do not) and put the times back on the
/// file's timeline.
pub(super) fn run_window(
    state: &mut whisper_rs::WhisperState,
    job: &WindowJob,
    threads: usize,
    english_only: bool,
    cancel: &CancelToken,
) -> Result<WindowText, whisper_rs::WhisperError> {
    if is_silent(&job.samples) {
        return Ok(None);
    }
    // Long pauses are cut out before whisper sees the audio (its timestamps drift over
    // silence); `map` takes times in the compacted audio back to the file's timeline.
    let (compact, map) = compact_silences(&job.samples);
    let rate = f64::from(SAMPLE_RATE);
    let at = job.start_sample as f64 / rate;
    let mut run = |audio: &[f32], search: Search| {
        whisper_window(state, audio, search, threads, english_only, cancel)
    };
    let first = run(&compact, Search::Greedy)?;
    let voiced = voiced_frames(&compact);
    let doubts = quality::doubts(&voiced, &first);
    // A window without a word is one whisper heard no speech in (music, noise): decoding it
    // again would only invite invented text. Words whose times whisper piled up are spread
    // over their segment below; that alone is not worth another decoding either (a beam
    // search costs about twice a greedy one).
    let heard_speech = first.segments.iter().any(|s| !s.words.is_empty());
    let redecoded = heard_speech
        && doubts
            .iter()
            .any(|d| !matches!(d, quality::Doubt::BadTimes { .. }));
    let best = if !redecoded {
        first
    } else {
        tracing::debug!("window at {at:.1} s: {doubts:?}; decoding it again");
        let beam = run(&compact, Search::Beam)?;
        let mut best = quality::better(&voiced, &first, &beam).clone();
        // Speech still without words: decode each such stretch on its own.
        let gaps = quality::uncovered(&quality::doubts(&voiced, &best));
        if !gaps.is_empty() {
            let mut filled = best.clone();
            for (start, end) in gaps {
                let a = ((start - GAP_MARGIN).max(0.0) * rate) as usize;
                let b = (((end + GAP_MARGIN) * rate) as usize).min(compact.len());
                let part = run(&compact[a..b], Search::Greedy)?;
                filled = quality::filled(filled, part, a as f64 / rate, (start, end));
            }
            best = quality::better(&voiced, &best, &filled).clone();
        }
        if !quality::doubts(&voiced, &best).is_empty()
            && compact.len() as f64 >= MIN_SPLIT_SECS * rate
        {
            // Shorter windows: two halves cut at the quietest moment near the middle.
            let cut = quietest_cut(&compact, compact.len() * 2 / 5, compact.len() * 3 / 5);
            let a = run(&compact[..cut], Search::Greedy)?;
            let b = run(&compact[cut..], Search::Greedy)?;
            let halves = quality::joined(a, b, cut as f64 / rate);
            best = quality::better(&voiced, &best, &halves).clone();
        }
        let left = quality::doubts(&voiced, &best);
        if !left.is_empty() {
            tracing::debug!("window at {at:.1} s still doubtful: {left:?}");
        }
        best
    };
    let lang = if english_only {
        None
    } else {
        whisper_rs::get_lang_str(state.full_lang_id_from_state()).map(str::to_string)
    };
    let mut best = best;
    quality::spread_bunched(&mut best);
    let to_file = |t: f64| at + map_time(&map, t);
    let segments = best
        .segments
        .into_iter()
        .map(|mut seg| {
            seg.start = to_file(seg.start);
            seg.end = to_file(seg.end);
            for w in &mut seg.words {
                w.start = to_file(w.start);
                w.end = to_file(w.end);
            }
            seg
        })
        .collect();
    Ok(Some(WindowResult {
        segments,
        language: lang,
        redecoded,
    }))
}

/// Audio at least this long is transcribed with flash attention (s): a whisper state then
/// takes about half the memory (tiny.en: ~70 MB instead of ~140 MB) for ~13 % more time, and
/// the analysis of a long input holds more beside it (issue 14: 2 hours within 400 MB).
const FLASH_ATTENTION_FROM_SECS: f64 = 30.0 * 60.0;

/// Loads the first model that loads, saying which ones failed; with flash attention for
/// audio of `duration_secs` from [`FLASH_ATTENTION_FROM_SECS`] on.
pub(super) fn load_first(
    files: &[PathBuf],
    duration_secs: Option<f64>,
) -> Result<(whisper_rs::WhisperContext, PathBuf), SpeechError> {
    let flash = duration_secs.is_some_and(|d| d >= FLASH_ATTENTION_FROM_SECS);
    let params = || {
        let mut p = whisper_rs::WhisperContextParameters::default();
        p.flash_attn(flash);
        p
    };
    if flash {
        tracing::info!("whisper: flash attention (a long input: half the memory per window)");
    }
    let mut last = String::new();
    for (i, f) in files.iter().enumerate() {
        match whisper_rs::WhisperContext::new_with_params(f, params()) {
            Ok(ctx) => {
                if i > 0 {
                    tracing::warn!("using the fallback model {}", f.display());
                }
                return Ok((ctx, f.clone()));
            }
            Err(e) => {
                tracing::warn!(
                    "the model failed to load ({e}), trying the next one: {}",
                    f.display()
                );
                last = format!("{e}: {}", f.display());
            }
        }
    }
    Err(SpeechError::NoModel(format!(
        "no model could be loaded (last: {last})"
    )))
}

/// One whisper run over `samples`; segment and word times in seconds from their start.
fn whisper_window(
    state: &mut whisper_rs::WhisperState,
    samples: &[f32],
    search: Search,
    threads: usize,
    english_only: bool,
    cancel: &CancelToken,
) -> Result<Decoded, whisper_rs::WhisperError> {
    let strategy = match search {
        Search::Greedy => whisper_rs::SamplingStrategy::Greedy { best_of: 1 },
        // best_of applies to the temperature fallback's sampled candidates.
        Search::Beam => whisper_rs::SamplingStrategy::BeamSearch {
            beam_size: 5,
            patience: -1.0,
        },
    };
    let mut params = whisper_rs::FullParams::new(strategy);
    params.set_n_threads(threads.max(1) as i32);
    params.set_token_timestamps(true);
    params.set_no_context(true);
    params.set_print_progress(false);
    params.set_print_realtime(false);
    params.set_print_special(false);
    params.set_print_timestamps(false);
    params.set_language(Some(if english_only { "en" } else { "auto" }));
    // whisper-rs 0.16's `set_abort_callback_safe` hands its trampoline a pointer of the wrong
    // type (a boxed trait object read as the closure), so the callback returns garbage and
    // aborts the encoder. Use the raw callback with the cancel flag as user data instead.
    let flag: *const std::sync::atomic::AtomicBool = cancel.flag();
    // SAFETY: `flag` points into the CancelToken's Arc, which `cancel` keeps alive for the
    // whole `state.full` call below; the callback only reads it atomically.
    unsafe {
        params.set_abort_callback(Some(abort_if_cancelled));
        params.set_abort_callback_user_data(flag as *mut std::ffi::c_void);
    }
    state.full(params, samples)?;
    let mut segments = Vec::new();
    let (mut logprob_sum, mut tokens) = (0.0f64, 0usize);
    for seg in state.as_iter() {
        let (s0, s1) = (
            seg.start_timestamp() as f64 / 100.0,
            seg.end_timestamp() as f64 / 100.0,
        );
        let text = seg
            .to_str_lossy()
            .map(|t| t.trim().to_string())
            .unwrap_or_default();
        let mut words: Vec<Word> = Vec::new();
        for i in 0..seg.n_tokens() {
            let Some(tok) = seg.get_token(i) else {
                continue;
            };
            let Ok(piece) = tok.to_str_lossy() else {
                continue;
            };
            let piece = piece.to_string();
            // Special tokens look like `[_BEG_]`, `<|endoftext|>`, `[_TT_123]`.
            if piece.starts_with("[_") || piece.starts_with("<|") || piece.is_empty() {
                continue;
            }
            let data = tok.token_data();
            logprob_sum += f64::from(data.plog);
            tokens += 1;
            let (t0, t1) = (data.t0 as f64 / 100.0, data.t1 as f64 / 100.0);
            let starts_word = piece.starts_with(' ') || words.is_empty();
            let is_punct = piece.trim().chars().all(|c| c.is_ascii_punctuation());
            if starts_word && (!is_punct || words.is_empty()) {
                words.push(Word {
                    start: t0,
                    end: t1,
                    word: piece.trim().to_string(),
                });
            } else if let Some(w) = words.last_mut() {
                w.word.push_str(piece.trim());
                w.end = w.end.max(t1);
            }
        }
        // Monotonic and inside the segment.
        let mut prev_end = s0;
        for w in &mut words {
            w.start = w.start.clamp(prev_end, s1);
            w.end = w.end.clamp(w.start, s1);
            prev_end = w.end;
        }
        words.retain(|w| !is_non_speech(&w.word));
        // A segment spans its words: whisper's segment times include the pause before it.
        let (s0, s1) = match (words.first(), words.last()) {
            (Some(f), Some(l)) => (f.start, l.end),
            _ => (s0, s1),
        };
        // `[BLANK_AUDIO]`, `[Music]` and the like are whisper's notes, not speech.
        if !is_non_speech(&text) {
            segments.push(Segment {
                start: s0,
                end: s1.max(s0),
                text,
                words,
            });
        }
    }
    Ok(Decoded {
        segments,
        avg_logprob: if tokens == 0 {
            0.0
        } else {
            logprob_sum / tokens as f64
        },
    })
}

/// whisper.cpp's abort callback: true once the cancel flag behind `user_data` is set.
unsafe extern "C" fn abort_if_cancelled(user_data: *mut std::ffi::c_void) -> bool {
    if user_data.is_null() {
        return false;
    }
    // SAFETY: `user_data` is the AtomicBool of a CancelToken that outlives the call (see
    // `whisper_window`).
    let flag = unsafe { &*(user_data as *const std::sync::atomic::AtomicBool) };
    flag.load(std::sync::atomic::Ordering::Relaxed)
}
