//! `Project`: everything a person made of one video — the clips found and their own, with
//! trims, labels and ticks, the export and caption settings, and the analysis results (scene
//! cuts, the transcript with its corrections, the features a re-ranking starts from) — as one
//! versioned JSON file. The window autosaves it in the user's data folder; the CLI reads and
//! writes it with `--project FILE`. Files of older formats load; reading and writing, and
//! what happens to a file that cannot be read, is `store.rs`.

mod export_settings;
mod store;

pub use export_settings::ExportSettings;
pub use store::{data_dir, load_or_keep_aside, project_path, same_video, ProjectError};

use crate::analysis::ranking::Features;
use crate::analysis::scoring::Clip;
use crate::analysis::{Curves, Pass, Scene};
use crate::speech::Transcript;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The format version written by this build. 1: found clips; 2: segments, scenes and the
/// transcript; 3: export settings, the pass, the curves and the ranking features.
pub const VERSION: u32 = 3;

/// One span of the video to export: a clip the analysis found, or one the person made.
/// Its `id` stays with it through trims, re-rankings and undo, so ticks and labels follow it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Segment {
    pub id: u64,
    pub start: f64,
    pub end: f64,
    /// 0–100 for a found clip; 0 for the person's own.
    pub score: f64,
    /// Why the analysis picked it (empty for the person's own).
    pub reasons: Vec<String>,
    pub label: String,
    /// Ticked for export.
    pub chosen: bool,
    /// The person changed it (bounds, label, tick) or made it: a new ranking keeps it.
    pub edited: bool,
    /// Made by the person (not found by the analysis).
    pub own: bool,
    /// Found as filler (nothing in it stands out, see `Clip::filler`): it came unticked.
    pub filler: bool,
}

impl Segment {
    /// A found clip as a segment (untouched; ticked unless it is filler).
    pub fn found(id: u64, clip: &Clip) -> Segment {
        Segment {
            id,
            start: clip.start,
            end: clip.end,
            score: clip.score,
            reasons: clip.reasons.clone(),
            label: String::new(),
            chosen: !clip.filler,
            edited: false,
            own: false,
            filler: clip.filler,
        }
    }

    pub fn len_secs(&self) -> f64 {
        self.end - self.start
    }

    /// Whether the person has touched it: marked edited (the window marks every change), or
    /// — as in a project file edited by hand — given a label, or ticked otherwise than the
    /// analysis left it. A new ranking keeps it.
    pub fn touched(&self) -> bool {
        self.edited || self.own || !self.label.trim().is_empty() || self.chosen == self.filler
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    pub version: u32,
    pub video: PathBuf,
    /// Size and modification time of the video when the project was saved: a changed file
    /// does not get stale clips.
    pub video_size: u64,
    pub video_mtime_secs: u64,
    /// In export order.
    pub segments: Vec<Segment>,
    /// Version 1 kept only the found clips: read, then turned into segments.
    #[serde(skip_serializing)]
    pub clips: Vec<Clip>,
    /// Which ranking the found segments came from (None: none yet).
    pub pass: Option<Pass>,
    pub scenes: Vec<Scene>,
    /// The transcript (with the person's corrections), so captions work after a restart
    /// without transcribing again.
    pub transcript: Option<Arc<Transcript>>,
    /// The analysis' curves, for the timeline.
    pub curves: Option<Arc<Curves>>,
    /// What the ranking was made from: weights and lengths rank again from it, without
    /// reading the video.
    pub features: Option<Arc<Features>>,
    pub export: ExportSettings,
}

impl Project {
    /// A project of `video` (kept as an absolute path, so the project works from any
    /// folder) with these segments (everything else empty or default).
    pub fn new(video: &Path, segments: Vec<Segment>) -> Project {
        Project {
            version: VERSION,
            video: std::path::absolute(video).unwrap_or_else(|_| video.to_path_buf()),
            segments,
            ..Project::default()
        }
    }

    /// Notes the video's size and modification time (done when saving).
    pub fn stamp_video(&mut self) {
        (self.video_size, self.video_mtime_secs) = store::file_stamp(&self.video);
    }

    /// Whether the video still has the size and time it had when this was saved.
    pub fn matches_video(&self) -> bool {
        store::file_stamp(&self.video) == (self.video_size, self.video_mtime_secs)
    }

    /// The segments ticked for export, in order.
    pub fn chosen(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.chosen)
    }
}

/// A new ranking merged into `segments`: the segments the person edited (or made) stay as
/// they are and come first, found clips that overlap one of them are left out, and the
/// untouched found ones are replaced by the ranking (in its order). A found clip equal to an
/// untouched segment keeps that segment's id, so a selection does not jump; others get
/// `new_id()`. Returns the list and how many edited segments were kept.
pub fn merge_ranking(
    segments: &[Segment],
    clips: &[Clip],
    mut new_id: impl FnMut() -> u64,
) -> (Vec<Segment>, usize) {
    let mut items: Vec<Segment> = segments
        .iter()
        .filter(|s| s.touched())
        .map(|s| Segment {
            edited: true,
            ..s.clone()
        })
        .collect();
    let kept = items.len();
    let overlaps = |c: &Clip, items: &[Segment]| {
        items[..kept]
            .iter()
            .any(|s| c.start < s.end && s.start < c.end)
    };
    for c in clips {
        if overlaps(c, &items) {
            continue;
        }
        let same = segments.iter().find(|s| {
            !s.touched() && (s.start - c.start).abs() < 1e-6 && (s.end - c.end).abs() < 1e-6
        });
        let id = same.map_or_else(&mut new_id, |s| s.id);
        items.push(Segment::found(id, c));
    }
    (items, kept)
}

/// The transcript a new analysis of the same video leaves: the one there was — it may hold
/// the person's corrections — unless the new one comes from another model (asked for to get
/// a better one); a run without speech keeps the one there was. The one rule for the window
/// and `analyze --project`.
pub fn merge_transcript(
    old: Option<&Arc<Transcript>>,
    new: Option<Transcript>,
) -> Option<Arc<Transcript>> {
    match (old, new) {
        (Some(old), Some(new)) if new.model != old.model => {
            tracing::info!(
                "a new transcript (model {}, was {}): earlier corrections are not carried over",
                new.model,
                old.model
            );
            Some(Arc::new(new))
        }
        (Some(old), _) => Some(old.clone()),
        (None, new) => new.map(Arc::new),
    }
}

/// The id after the largest in `segments`.
pub fn next_id(segments: &[Segment]) -> u64 {
    segments.iter().map(|s| s.id).max().unwrap_or(0) + 1
}

#[cfg(test)]
mod tests;
