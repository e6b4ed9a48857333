//! Reading and writing project files. A save goes through [`crate::temp_file::write_file`]
//! (temporary file, fsync, rename, then the folder fsynced), so after a crash or a `kill -9`
//! the file on disk is the last save, whole. A file that cannot be read — broken, made by a
//! newer slopcannon — is never overwritten: [`load_or_keep_aside`] renames it to `NAME.bad`
//! (`NAME.2.bad`, … when that exists) and says so; a project of a video that has changed
//! since is kept aside the same way, as `NAME.old`.

use super::{Project, Segment, VERSION};
use crate::temp_file::{rename_no_replace, write_file, Replace};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot save the project ({reason}): {}", path.display())]
    Save { path: PathBuf, reason: String },
    #[error("cannot read the project ({reason}): {}", path.display())]
    Load { path: PathBuf, reason: String },
    /// The file could not be used and was renamed so that nothing overwrites it.
    #[error("the saved project could not be used ({reason}); it was kept as {}", kept.display())]
    KeptAside {
        path: PathBuf,
        kept: PathBuf,
        reason: String,
    },
}

/// The user's data folder for slopcannon (`~/.local/share/slopcannon` on Linux).
pub fn data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "slopcannon").map(|d| d.data_dir().to_path_buf())
}

/// Where the window keeps the project of `video` inside `data_dir`.
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

/// A video's size and modification time (seconds), (0, 0) when it cannot be read.
pub(super) fn file_stamp(video: &Path) -> (u64, u64) {
    let meta = std::fs::metadata(video).ok();
    let size = meta.as_ref().map_or(0, |m| m.len());
    let mtime = meta
        .and_then(|m| m.modified().ok())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    (size, mtime)
}

/// Why a file's text is not a project this build can use.
fn parse(text: &str) -> Result<Project, String> {
    #[derive(serde::Deserialize)]
    struct Version {
        #[serde(default)]
        version: u32,
    }
    let v: Version = serde_json::from_str(text).map_err(|e| format!("not a project: {e}"))?;
    if v.version > VERSION {
        return Err(format!(
            "made by a newer slopcannon: format {}, this one reads up to {VERSION}",
            v.version
        ));
    }
    let mut project: Project =
        serde_json::from_str(text).map_err(|e| format!("not a project: {e}"))?;
    if project.segments.is_empty() && !project.clips.is_empty() {
        // Version 1: found clips, all ticked.
        project.segments = std::mem::take(&mut project.clips)
            .iter()
            .zip(1..)
            .map(|(c, id)| Segment::found(id, c))
            .collect();
    }
    for (i, s) in project.segments.iter().enumerate() {
        if !(s.start.is_finite() && s.end.is_finite() && s.start >= 0.0 && s.end > s.start) {
            return Err(format!(
                "segment {} ends before it starts ({} – {})",
                i + 1,
                s.start,
                s.end
            ));
        }
    }
    project.version = VERSION;
    Ok(project)
}

impl Project {
    /// Reads the project in `path` (a file the person named: nothing is renamed).
    pub fn read(path: &Path) -> Result<Project, ProjectError> {
        let err = |reason: String| ProjectError::Load {
            path: path.to_path_buf(),
            reason,
        };
        let text = std::fs::read(path).map_err(|e| err(e.to_string()))?;
        let text = String::from_utf8(text).map_err(|_| err("not UTF-8 text".into()))?;
        parse(&text).map_err(err)
    }

    /// Writes the project to `path` (temporary file, fsync, rename: whole or not at all).
    pub fn write(&self, path: &Path) -> Result<(), ProjectError> {
        let err = |reason: String| ProjectError::Save {
            path: path.to_path_buf(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
        }
        let mut this = std::borrow::Cow::Borrowed(self);
        if this.version != VERSION {
            this.to_mut().version = VERSION;
        }
        let text = serde_json::to_vec(&*this).map_err(|e| err(e.to_string()))?;
        write_file(path, &text, Replace::Atomically).map_err(|e| err(e.to_string()))?;
        // The rename is durable once the folder is.
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = std::fs::File::open(dir) {
                d.sync_all().ok();
            }
        }
        Ok(())
    }

    /// Writes the project of its video into `data_dir` (where the window keeps projects).
    pub fn save(&self, data_dir: &Path) -> Result<PathBuf, ProjectError> {
        let path = project_path(data_dir, &self.video);
        self.write(&path)?;
        Ok(path)
    }

    /// The window's saved project of `video`: None when there is none. A file that cannot be
    /// used is renamed aside (never overwritten by the next save) and the error says where.
    pub fn load(data_dir: &Path, video: &Path) -> Result<Option<Project>, ProjectError> {
        load_or_keep_aside(&project_path(data_dir, video), Some(video))
    }
}

/// Reads `path` as a project: None when there is no file. A file that is not a usable
/// project, or (with `video`) one saved for a different state of the video, is renamed to
/// `NAME.bad` / `NAME.old` so that the next save cannot overwrite it; the error names it.
pub fn load_or_keep_aside(
    path: &Path,
    video: Option<&Path>,
) -> Result<Option<Project>, ProjectError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Saves a killed process left half-written.
        crate::temp_file::remove_stale(dir);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ProjectError::Load {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    let parsed = String::from_utf8(bytes)
        .map_err(|_| "not UTF-8 text".to_string())
        .and_then(|text| parse(&text));
    let (why, ext) = match parsed {
        Ok(p) if video.is_none_or(|v| same_video(&p.video, v) && p.matches_video()) => {
            return Ok(Some(p))
        }
        Ok(_) => ("the video changed since it was saved".to_string(), "old"),
        Err(why) => (why, "bad"),
    };
    let kept = keep_aside(path, ext).map_err(|e| ProjectError::Load {
        path: path.to_path_buf(),
        reason: format!("{why}; and it could not be renamed aside: {e}"),
    })?;
    Err(ProjectError::KeptAside {
        path: path.to_path_buf(),
        kept,
        reason: why,
    })
}

/// Whether two paths name the same video: the same file after links are followed, or — for
/// a file that is not there (any more) — the same absolute path.
pub fn same_video(a: &Path, b: &Path) -> bool {
    let real = |p: &Path| {
        std::fs::canonicalize(p)
            .or_else(|_| std::path::absolute(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    real(a) == real(b)
}

/// Renames `path` to `NAME.EXT`, or `NAME.2.EXT`, `NAME.3.EXT` … — never over a file.
fn keep_aside(path: &Path, ext: &str) -> std::io::Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into());
    let mut i = 1;
    loop {
        let to = if i == 1 {
            path.with_file_name(format!("{name}.{ext}"))
        } else {
            path.with_file_name(format!("{name}.{i}.{ext}"))
        };
        match rename_no_replace(path, &to) {
            Ok(()) => return Ok(to),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && i < 10_000 => i += 1,
            Err(e) => return Err(e),
        }
    }
}
