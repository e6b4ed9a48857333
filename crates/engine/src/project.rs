//! `Project`: the segments of one video — the clips found and the person's own, with their
//! trims, labels and ticks — saved beside the app's data so that closing the window, a crash
//! or reopening the file loses nothing. Plain data, versioned, written to a temporary file and
//! renamed into place. Version 1 files (found clips only) load as segments.

use crate::analysis::scoring::Clip;
use crate::analysis::Scene;
use crate::temp_file::{write_file, Replace};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The format version written by this build.
pub const VERSION: u32 = 2;

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
}

impl Segment {
    /// A found clip as a segment (ticked, untouched).
    pub fn found(id: u64, clip: &Clip) -> Segment {
        Segment {
            id,
            start: clip.start,
            end: clip.end,
            score: clip.score,
            reasons: clip.reasons.clone(),
            label: String::new(),
            chosen: true,
            edited: false,
            own: false,
        }
    }

    pub fn len_secs(&self) -> f64 {
        self.end - self.start
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Project {
    pub version: u32,
    pub video: PathBuf,
    /// Size and modification time of the video when the clips were found: a changed file
    /// does not get stale clips.
    pub video_size: u64,
    pub video_mtime_secs: u64,
    pub segments: Vec<Segment>,
    /// Version 1 kept only the found clips: read, then turned into segments.
    #[serde(skip_serializing)]
    pub clips: Vec<Clip>,
    pub scenes: Vec<Scene>,
    /// The transcript, so captions work after a restart without transcribing again.
    pub transcript: Option<crate::speech::Transcript>,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot save the clip list ({reason}): {}", path.display())]
    Save { path: PathBuf, reason: String },
    #[error("cannot read the saved clip list ({reason}): {}", path.display())]
    Load { path: PathBuf, reason: String },
}

/// The user's data folder for slopcannon (`~/.local/share/slopcannon` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "slopcannon").map(|d| d.data_dir().to_path_buf())
}

/// Where the project of `video` is kept inside `data_dir`.
pub fn project_path(data_dir: &Path, video: &Path) -> PathBuf {
    let canonical = std::fs::canonicalize(video).unwrap_or_else(|_| video.to_path_buf());
    // A hash of the path: stable across runs and platforms.
    let h = crate::stats::Fnv1a::default()
        .write(canonical.to_string_lossy().as_bytes())
        .finish();
    let stem = video
        .file_stem()
        .map(|s| {
            s.to_string_lossy()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(40)
                .collect::<String>()
        })
        .unwrap_or_default();
    data_dir
        .join("projects")
        .join(format!("{stem}-{h:016x}.json"))
}

fn file_stamp(video: &Path) -> (u64, u64) {
    let meta = std::fs::metadata(video).ok();
    let size = meta.as_ref().map_or(0, |m| m.len());
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    (size, mtime)
}

impl Project {
    pub fn new(
        video: &Path,
        segments: Vec<Segment>,
        scenes: &[Scene],
        transcript: Option<crate::speech::Transcript>,
    ) -> Project {
        let (video_size, video_mtime_secs) = file_stamp(video);
        Project {
            version: VERSION,
            video: video.to_path_buf(),
            video_size,
            video_mtime_secs,
            segments,
            clips: Vec::new(),
            scenes: scenes.to_vec(),
            transcript,
        }
    }

    /// Writes the project for its video into `data_dir` (temp file, then rename).
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, ProjectError> {
        let path = project_path(data_dir, &self.video);
        let err = |reason: String| ProjectError::Save {
            path: path.clone(),
            reason,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| err(e.to_string()))?;
        write_file(&path, text.as_bytes(), Replace::Atomically).map_err(|e| err(e.to_string()))?;
        Ok(path)
    }

    /// The saved project of `video`, if there is one and the video has not changed since.
    pub fn load(data_dir: &Path, video: &Path) -> Result<Option<Project>, ProjectError> {
        let path = project_path(data_dir, video);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ProjectError::Load {
                    path,
                    reason: e.to_string(),
                })
            }
        };
        let mut project: Project = serde_json::from_str(&text).map_err(|e| ProjectError::Load {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        if project.segments.is_empty() && !project.clips.is_empty() {
            // Version 1: found clips, all ticked.
            project.segments = std::mem::take(&mut project.clips)
                .iter()
                .zip(1..)
                .map(|(c, id)| Segment::found(id, c))
                .collect();
        }
        let stamp = file_stamp(video);
        if project.version > VERSION || (project.video_size, project.video_mtime_secs) != stamp {
            return Ok(None);
        }
        Ok(Some(project))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_and_ignores_a_changed_video() {
        let dir = std::env::temp_dir().join(format!("slop-project-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let video = dir.join("talk.mp4");
        std::fs::write(&video, b"not really a video").expect("write");
        let clip = Clip {
            start: 1.0,
            end: 16.0,
            score: 90.0,
            reasons: vec!["loud".into()],
            features: Default::default(),
        };
        let mut seg = Segment::found(7, &clip);
        seg.label = "the good bit".into();
        seg.chosen = false;
        let p = Project::new(&video, vec![seg.clone()], &[], None);
        let saved = p.save(&dir).expect("save");
        assert!(saved.starts_with(dir.join("projects")));
        assert_eq!(Project::load(&dir, &video).expect("load"), Some(p.clone()));
        // A version 1 file (clips only) loads as ticked segments.
        let v1 = serde_json::json!({
            "version": 1, "video": video, "video_size": p.video_size,
            "video_mtime_secs": p.video_mtime_secs, "clips": [clip], "scenes": [],
        });
        std::fs::write(&saved, v1.to_string()).expect("write v1");
        let old = Project::load(&dir, &video)
            .expect("load v1")
            .expect("v1 project");
        assert_eq!(old.segments, vec![Segment::found(1, &clip)]);
        assert!(old.segments[0].chosen && !old.segments[0].edited);
        std::fs::write(&video, b"a different video now").expect("write");
        assert_eq!(Project::load(&dir, &video).expect("load"), None);
        std::fs::write(&saved, b"{ broken").expect("write");
        let e = Project::load(&dir, &video).expect_err("broken file");
        assert!(e.to_string().contains("cannot read the saved clip list"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
