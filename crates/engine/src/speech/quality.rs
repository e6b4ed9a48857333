//! Doubts about one decoded window, pure functions: whisper's words must cover the window's
//! speech. A window whose voiced audio has no words for seconds (a dropped stretch), too few
//! words for its voiced seconds (a sentence spread over speech it did not hear), repeated text
//! (a high compression ratio) or a low average log-probability is decoded again (see
//! `model_run::run_window`) — the checks whisper's reference decoder makes, plus coverage.
//!
//! Times are seconds from the start of the audio whisper heard.

use super::transcript::{Segment, Word};
use super::windows::rms_dbfs;
use crate::media::audio::SAMPLE_RATE;
use std::io::Write as _;

/// Analysis frames of 20 ms.
const FRAME_SECS: f64 = 0.02;
/// A frame is voiced when it is this much louder than the window's noise floor (dB)...
const VOICED_ABOVE_FLOOR_DB: f64 = 6.0;
/// ...and louder than this (dBFS).
const VOICED_MIN_DBFS: f64 = -45.0;
/// A word covers the voiced audio this far around it (s): the pauses between words.
const WORD_REACH: f64 = 0.6;
/// Voiced audio without a word for this long is a dropped stretch (s).
const MAX_UNCOVERED_SECS: f64 = 3.0;
/// Fewest words per voiced second over a [`DENSITY_SPAN`]-second span (calm speech says about
/// 2.5, shouting under a crowd about 3).
const MIN_WORDS_PER_VOICED_SEC: f64 = 0.7;
const DENSITY_SPAN: f64 = 8.0;
/// Whisper's own limits: gzip compression ratio of the text and average token log-probability.
const MAX_COMPRESSION_RATIO: f64 = 2.4;
const MIN_AVG_LOGPROB: f64 = -1.0;

/// One whisper decoding of a window.
#[derive(Clone, Debug, Default)]
pub(super) struct Decoded {
    pub segments: Vec<Segment>,
    /// Mean log-probability of the text tokens (0 when there are none).
    pub avg_logprob: f64,
}

/// Why a decoding is not trusted.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Doubt {
    /// Voiced audio from `start` to `end` has no word.
    Uncovered { start: f64, end: f64 },
    /// `words` words over `voiced` voiced seconds starting at `start`.
    TooFewWords {
        start: f64,
        words: usize,
        voiced: f64,
    },
    /// The text repeats itself (gzip compression ratio).
    Repetitive(f64),
    /// Average token log-probability below whisper's threshold.
    Unsure(f64),
    /// The words of the segment at `start` have no usable times (whisper piled them up at
    /// one instant, or stretched one word over seconds).
    BadTimes { start: f64 },
}

/// The voiced 20-ms frames of `samples`: louder than the noise floor (the 10th percentile of
/// frame levels) by [`VOICED_ABOVE_FLOOR_DB`].
pub(super) fn voiced_frames(samples: &[f32]) -> Vec<bool> {
    let frame = (f64::from(SAMPLE_RATE) * FRAME_SECS) as usize;
    let levels: Vec<f64> = samples.chunks(frame).map(rms_dbfs).collect();
    if levels.is_empty() {
        return Vec::new();
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f64::total_cmp);
    let floor = sorted[sorted.len() / 10];
    levels
        .iter()
        .map(|&l| l > VOICED_MIN_DBFS && l > floor + VOICED_ABOVE_FLOOR_DB)
        .collect()
}

/// Everything that makes `d` doubtful as the transcription of audio with these voiced frames.
pub(super) fn doubts(voiced: &[bool], d: &Decoded) -> Vec<Doubt> {
    let mut out = Vec::new();
    let words: Vec<(f64, f64)> = d
        .segments
        .iter()
        .flat_map(|s| s.words.iter().map(|w| (w.start, w.end)))
        .collect();
    let t = |i: usize| i as f64 * FRAME_SECS;
    // Frames no word reaches.
    let covered: Vec<bool> = (0..voiced.len())
        .map(|i| {
            let x = t(i) + FRAME_SECS / 2.0;
            words
                .iter()
                .any(|&(a, b)| x >= a - WORD_REACH && x <= b + WORD_REACH)
        })
        .collect();
    // Runs of voiced, uncovered frames (unvoiced frames inside a run do not end it, covered
    // ones do).
    let mut run: Option<(usize, usize)> = None; // (first, last voiced)
    let flush = |run: &mut Option<(usize, usize)>, out: &mut Vec<Doubt>| {
        if let Some((a, b)) = run.take() {
            if t(b + 1) - t(a) >= MAX_UNCOVERED_SECS {
                out.push(Doubt::Uncovered {
                    start: t(a),
                    end: t(b + 1),
                });
            }
        }
    };
    for i in 0..voiced.len() {
        if covered[i] {
            flush(&mut run, &mut out);
        } else if voiced[i] {
            run = Some(run.map_or((i, i), |(a, _)| (a, i)));
        }
    }
    flush(&mut run, &mut out);
    // Word density over spans of DENSITY_SPAN seconds, half-overlapping.
    let span = (DENSITY_SPAN / FRAME_SECS) as usize;
    let mut at = 0;
    while at < voiced.len() {
        let end = (at + span).min(voiced.len());
        let secs = voiced[at..end].iter().filter(|v| **v).count() as f64 * FRAME_SECS;
        if secs >= DENSITY_SPAN / 2.0 {
            let n = words
                .iter()
                .filter(|&&(a, b)| {
                    let mid = (a + b) / 2.0;
                    mid >= t(at) && mid < t(end)
                })
                .count();
            if (n as f64) < MIN_WORDS_PER_VOICED_SEC * secs {
                out.push(Doubt::TooFewWords {
                    start: t(at),
                    words: n,
                    voiced: secs,
                });
            }
        }
        if end == voiced.len() {
            break;
        }
        at += span / 2;
    }
    let text: String = d
        .segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let ratio = d
        .segments
        .iter()
        .map(|s| compression_ratio(&s.text))
        .fold(compression_ratio(&text), f64::max);
    if ratio > MAX_COMPRESSION_RATIO || repeats_a_phrase(&text) {
        out.push(Doubt::Repetitive(ratio));
    }
    for seg in d.segments.iter().filter(|s| bunched(s)) {
        out.push(Doubt::BadTimes { start: seg.start });
    }
    if !words.is_empty() && d.avg_logprob < MIN_AVG_LOGPROB {
        out.push(Doubt::Unsure(d.avg_logprob));
    }
    out
}

/// A word lasting less than this has no duration (s)...
const INSTANT: f64 = 0.02;
/// ...and one lasting longer than this is stretched over others (s).
const LONGEST_WORD: f64 = 2.5;

/// True when `seg`'s word times are unusable for captions: at least four words and half of
/// them instants, or one word stretched over [`LONGEST_WORD`] seconds.
fn bunched(seg: &Segment) -> bool {
    let n = seg.words.len();
    let instants = seg
        .words
        .iter()
        .filter(|w| w.end - w.start < INSTANT)
        .count();
    let stretched = seg.words.iter().any(|w| w.end - w.start > LONGEST_WORD);
    n >= 4 && (instants * 2 >= n || stretched)
}

/// Gives the words of every segment whose times are unusable ([`bunched`]) times spread over
/// the segment in proportion to their length (the words are right, their times are not).
pub(super) fn spread_bunched(d: &mut Decoded) {
    for seg in d.segments.iter_mut().filter(|s| bunched(s)) {
        let chars: Vec<f64> = seg
            .words
            .iter()
            .map(|w| w.word.chars().count() as f64 + 1.0)
            .collect();
        let total: f64 = chars.iter().sum();
        let span = (seg.end - seg.start).max(0.0);
        let mut at = seg.start;
        for (w, c) in seg.words.iter_mut().zip(chars) {
            w.start = at;
            at += span * c / total;
            w.end = at;
        }
    }
}

/// Words in a phrase that must not come back [`MAX_PHRASE_REPEATS`] times in one window
/// (whisper's loops: "I'm the only one who's been working on the community" three times).
const PHRASE_WORDS: usize = 4;
const MAX_PHRASE_REPEATS: usize = 3;

/// True when some phrase of [`PHRASE_WORDS`] words comes [`MAX_PHRASE_REPEATS`] times or more.
fn repeats_a_phrase(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect()
        })
        .filter(|w: &String| !w.is_empty())
        .collect();
    let mut seen: std::collections::HashMap<&[String], usize> = Default::default();
    words.windows(PHRASE_WORDS).any(|p| {
        let n = seen.entry(p).or_default();
        *n += 1;
        *n >= MAX_PHRASE_REPEATS
    })
}

/// Bytes of `text` over bytes of its gzip compression (whisper's repetition measure); 0 for
/// text too short to judge.
pub(super) fn compression_ratio(text: &str) -> f64 {
    if text.len() < 40 {
        return 0.0;
    }
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    if enc.write_all(text.as_bytes()).is_err() {
        return 0.0;
    }
    match enc.finish() {
        Ok(z) if !z.is_empty() => text.len() as f64 / z.len() as f64,
        _ => 0.0,
    }
}

/// The uncovered stretches among `doubts`, as (start, end).
pub(super) fn uncovered(doubts: &[Doubt]) -> Vec<(f64, f64)> {
    doubts
        .iter()
        .filter_map(|d| match d {
            Doubt::Uncovered { start, end } => Some((*start, *end)),
            _ => None,
        })
        .collect()
}

/// `d` with the words `part` (decoded from audio starting `offset` seconds in) found inside
/// the gap `(start, end)` added as segments of their own, in time order.
pub(super) fn filled(mut d: Decoded, part: Decoded, offset: f64, gap: (f64, f64)) -> Decoded {
    let inside = |t: f64| t >= gap.0 - WORD_REACH && t <= gap.1 + WORD_REACH;
    let before: usize = d.segments.iter().map(|s| s.words.len()).sum();
    // A segment with words on both sides of the gap becomes two, so that the words found
    // inside it go between them.
    let mid = (gap.0 + gap.1) / 2.0;
    d.segments = std::mem::take(&mut d.segments)
        .into_iter()
        .flat_map(|seg| {
            let k = seg.words.partition_point(|w| w.end <= mid);
            if k == 0 || k == seg.words.len() {
                return vec![seg];
            }
            let mut late = seg.words;
            let early = late.drain(..k).collect();
            vec![segment_of(early), segment_of(late)]
        })
        .collect();
    let mut added = 0usize;
    for mut seg in part.segments {
        for w in &mut seg.words {
            w.start += offset;
            w.end += offset;
        }
        seg.words.retain(|w| inside((w.start + w.end) / 2.0));
        if seg.words.is_empty() {
            continue;
        }
        added += seg.words.len();
        d.segments.push(segment_of(seg.words));
    }
    d.segments.sort_by(|a, b| a.start.total_cmp(&b.start));
    let total = (before + added) as f64;
    if total > 0.0 {
        d.avg_logprob = (d.avg_logprob * before as f64 + part.avg_logprob * added as f64) / total;
    }
    d
}

/// A segment made of `words` (at least one): their span and their text.
fn segment_of(words: Vec<Word>) -> Segment {
    Segment {
        start: words.first().map_or(0.0, |w| w.start),
        end: words.last().map_or(0.0, |w| w.end),
        text: words
            .iter()
            .map(|w| w.word.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        words,
    }
}

/// The decodings of two halves as one: `b` starts `offset` seconds after `a`.
pub(super) fn joined(a: Decoded, b: Decoded, offset: f64) -> Decoded {
    let count = |d: &Decoded| d.segments.iter().map(|s| s.words.len()).sum::<usize>() as f64;
    let (na, nb) = (count(&a), count(&b));
    let avg_logprob = if na + nb > 0.0 {
        (a.avg_logprob * na + b.avg_logprob * nb) / (na + nb)
    } else {
        0.0
    };
    let mut segments = a.segments;
    segments.extend(b.segments.into_iter().map(|mut s| {
        s.start += offset;
        s.end += offset;
        for w in &mut s.words {
            w.start += offset;
            w.end += offset;
        }
        s
    }));
    Decoded {
        segments,
        avg_logprob,
    }
}

/// Of two decodings of the same audio, the one to keep: fewer doubts, then more voiced
/// seconds covered, then the higher average log-probability.
pub(super) fn better<'a>(voiced: &[bool], a: &'a Decoded, b: &'a Decoded) -> &'a Decoded {
    let key = |d: &Decoded| {
        let doubts = doubts(voiced, d);
        let uncovered: f64 = doubts
            .iter()
            .map(|x| match x {
                Doubt::Uncovered { start, end } => end - start,
                _ => 0.0,
            })
            .sum();
        (doubts.len(), uncovered, -d.avg_logprob)
    };
    let (ka, kb) = (key(a), key(b));
    let a_wins = (ka.0, ka.1) < (kb.0, kb.1) || ((ka.0, ka.1) == (kb.0, kb.1) && ka.2 <= kb.2);
    if a_wins {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROSE: &str = "the first thing I learned is that you should listen to your customers \
        before you write any code most of the ideas we had in the beginning were wrong and that \
        was perfectly fine we spent a whole summer rewriting the storage layer because the old \
        one kept losing data my advice is simple ship something small watch how people use it";

    fn words_at(times: &[f64]) -> Decoded {
        let prose: Vec<&str> = PROSE.split_whitespace().collect();
        let word = |i: usize| prose[i % prose.len()].to_string();
        Decoded {
            segments: vec![Segment {
                start: times.first().copied().unwrap_or(0.0),
                end: times.last().copied().unwrap_or(0.0) + 0.3,
                text: (0..times.len()).map(word).collect::<Vec<_>>().join(" "),
                words: times
                    .iter()
                    .enumerate()
                    .map(|(i, &t)| Word {
                        start: t,
                        end: t + 0.3,
                        word: word(i),
                    })
                    .collect(),
            }],
            avg_logprob: -0.3,
        }
    }

    fn voiced_secs(secs: f64) -> Vec<bool> {
        vec![true; (secs / FRAME_SECS) as usize]
    }

    #[test]
    fn words_all_along_the_speech_raise_no_doubt() {
        let times: Vec<f64> = (0..50).map(|i| f64::from(i) * 0.4).collect();
        assert_eq!(doubts(&voiced_secs(20.0), &words_at(&times)), vec![]);
    }

    #[test]
    fn a_dropped_stretch_is_uncovered_speech() {
        // Words for the first 8 s, then 12 s of speech without a word.
        let times: Vec<f64> = (0..20).map(|i| f64::from(i) * 0.4).collect();
        let d = doubts(&voiced_secs(20.0), &words_at(&times));
        let un = d
            .iter()
            .find_map(|x| match x {
                Doubt::Uncovered { start, end } => Some((*start, *end)),
                _ => None,
            })
            .expect("an uncovered stretch");
        assert!(
            (un.0 - 8.5).abs() < 0.2 && (un.1 - 20.0).abs() < 0.05,
            "{un:?}"
        );
    }

    #[test]
    fn a_sentence_stretched_over_speech_has_too_few_words() {
        // Five words spread over 20 s of speech, every gap under the uncovered limit.
        let times = [0.0, 2.5, 5.0, 7.5, 10.0, 12.5, 15.0, 17.5];
        let d = doubts(&voiced_secs(20.0), &words_at(&times));
        assert!(
            d.iter().any(|x| matches!(x, Doubt::TooFewWords { .. })),
            "{d:?}"
        );
    }

    #[test]
    fn no_speech_no_words_no_doubt() {
        assert_eq!(
            doubts(&vec![false; 1000], &Decoded::default()),
            Vec::<Doubt>::new()
        );
    }

    #[test]
    fn repeated_text_compresses_well() {
        let loop_text = "I'm going to go to the store. ".repeat(12);
        assert!(compression_ratio(&loop_text) > MAX_COMPRESSION_RATIO);
        let prose = "The first thing I learned is that you should listen to your customers \
                     before you write any code, and most of our early ideas were wrong.";
        assert!(
            compression_ratio(prose) < MAX_COMPRESSION_RATIO,
            "{}",
            compression_ratio(prose)
        );
    }

    #[test]
    fn a_phrase_said_three_times_is_a_loop() {
        let looped = "Welcome to the community, I'm the only one who's been working on the \
                      community, and I'm the only one who's been working on the community. \
                      I'm the only one who's been working on the community.";
        assert!(repeats_a_phrase(looped));
        let mut d = words_at(&(0..50).map(|i| f64::from(i) * 0.4).collect::<Vec<_>>());
        d.segments[0].text = looped.into();
        assert!(matches!(
            doubts(&voiced_secs(20.0), &d)[..],
            [Doubt::Repetitive(_)]
        ));
        assert!(!repeats_a_phrase(
            "we did it, we actually did it, and then we did it again in the morning"
        ));
    }

    #[test]
    fn a_gap_is_filled_with_the_words_decoded_inside_it_only() {
        let around = words_at(&[0.0, 0.4, 0.8, 10.0, 10.4]);
        // Decoded from 4 s on: words at 4.5..8.5 (inside the gap 2..9.5) and one at 10.2,
        // which the first decoding already has.
        let part = words_at(&[0.5, 1.5, 2.5, 3.5, 4.5, 6.2]);
        let d = filled(around, part, 4.0, (2.0, 9.5));
        let starts: Vec<f64> = d
            .segments
            .iter()
            .flat_map(|s| s.words.iter().map(|w| w.start))
            .collect();
        assert_eq!(
            starts,
            vec![0.0, 0.4, 0.8, 4.5, 5.5, 6.5, 7.5, 8.5, 10.0, 10.4]
        );
        assert!(doubts(&voiced_secs(10.5), &d).is_empty());
    }

    #[test]
    fn words_piled_at_one_instant_are_doubted_and_spread_over_their_segment() {
        let mut d = words_at(&[137.0, 137.8, 144.0, 144.0, 144.0, 144.0]);
        let seg = &mut d.segments[0];
        seg.words[1].end = 144.0; // one word over six seconds, the rest at one instant
        for w in &mut seg.words[2..] {
            w.end = w.start;
        }
        seg.end = 144.0;
        assert!(matches!(
            doubts(&[], &d)[..],
            [Doubt::BadTimes { start }] if start == 137.0
        ));
        spread_bunched(&mut d);
        let w = &d.segments[0].words;
        assert_eq!(w[0].start, 137.0);
        assert!((w[5].end - 144.0).abs() < 1e-9);
        assert!(w
            .windows(2)
            .all(|p| p[0].end <= p[1].start + 1e-9 && p[1].end > p[1].start));
        assert!(doubts(&[], &d).is_empty());
    }

    #[test]
    fn halves_join_on_one_timeline() {
        let d = joined(words_at(&[0.0, 1.0]), words_at(&[0.5]), 12.0);
        let starts: Vec<f64> = d.segments.iter().map(|s| s.start).collect();
        assert_eq!(starts, vec![0.0, 12.5]);
        assert_eq!(d.segments[1].words[0].start, 12.5);
    }

    #[test]
    fn the_better_decoding_covers_more() {
        let voiced = voiced_secs(20.0);
        let half = words_at(&(0..20).map(|i| f64::from(i) * 0.4).collect::<Vec<_>>());
        let full = words_at(&(0..50).map(|i| f64::from(i) * 0.4).collect::<Vec<_>>());
        assert!(std::ptr::eq(better(&voiced, &half, &full), &full));
        assert!(std::ptr::eq(better(&voiced, &full, &half), &full));
    }

    #[test]
    fn voiced_frames_stand_above_the_noise_floor() {
        let rate = SAMPLE_RATE as usize;
        let mut s: Vec<f32> = (0..rate * 4)
            .map(|i| 0.01 * ((i * 7919 % 200) as f32 / 100.0 - 1.0))
            .collect();
        for (i, x) in s[rate..rate * 2].iter_mut().enumerate() {
            *x += 0.3 * (i as f32 * 0.05).sin();
        }
        let v = voiced_frames(&s);
        let n = v.iter().filter(|x| **x).count();
        assert!((45..=55).contains(&n), "{n} voiced frames");
        assert!(v[60] && !v[10] && !v[150]);
    }
}
