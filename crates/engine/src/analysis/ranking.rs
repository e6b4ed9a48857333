//! Ranking from cached features: the per-step inputs an analysis scores from ([`Features`])
//! travel with its result, so new weights, a new clip count or new length limits rank again
//! at once — exactly as a fresh analysis with those options would — without reading the video
//! again.

use super::audio_features::AudioCurves;
use super::scenes::Cut;
use super::scoring::{score_curves, select_clips, Clip, ScoreInput, SelectOptions};
use crate::speech::Transcript;

/// What the scorer reads, before any weight is applied: the audio curves, the motion curve
/// and the scene cuts of one pass (the transcript travels beside them, in the analysis).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Features {
    pub duration_secs: f64,
    /// Seconds per curve value.
    pub step: f64,
    pub audio: Option<AudioCurves>,
    /// Motion per step, when there is video.
    pub motion: Option<Vec<f32>>,
    pub cuts: Vec<Cut>,
    /// The cuts come from keyframes only (the quick pass): fewer, approximate.
    pub approximate_cuts: bool,
    /// Spans of the video without a frame (see [`ScoreInput::frameless`]); empty when unknown.
    pub frameless: Vec<(f64, f64)>,
}

/// Clips and the interest curve they were picked from.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    pub clips: Vec<Clip>,
    /// Interest per step (the analysis' `curves.score`).
    pub interest: Vec<f32>,
}

impl Features {
    /// Scores and selects with `select` (weights, count, lengths). Pure.
    pub fn rank(&self, transcript: Option<&Transcript>, select: &SelectOptions) -> Ranked {
        let input = ScoreInput {
            duration_secs: self.duration_secs,
            step: self.step,
            audio: self.audio.as_ref(),
            motion: self.motion.as_deref(),
            cuts: &self.cuts,
            approximate_cuts: self.approximate_cuts,
            transcript,
            frameless: &self.frameless,
        };
        let curves = score_curves(&input, &select.weights);
        let clips = select_clips(&input, &curves, select);
        Ranked {
            clips,
            interest: curves.interest,
        }
    }
}
