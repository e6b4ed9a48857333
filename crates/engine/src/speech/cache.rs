//! The transcript cache: a transcript is stored under a key made from the media file's content
//! (its size and three 1 MiB samples: start, middle, end — cheap even for a multi-GB file) and
//! the model file (name and size), so re-analysing the same video does not transcribe again.

use super::transcript::Transcript;
use crate::stats::Fnv1a;
use crate::temp_file::{write_file, Replace};
use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};

const SAMPLE: u64 = 1 << 20;

/// The cache key of `media` transcribed with `model`, or None if the file cannot be read.
pub fn key(media: &Path, model: &Path) -> Option<String> {
    let mut f = std::fs::File::open(media).ok()?;
    let size = f.metadata().ok()?.len();
    let mut h = Fnv1a::default();
    h.write(&size.to_le_bytes());
    let mut buf = vec![0u8; SAMPLE as usize];
    for at in [
        0,
        size.saturating_sub(SAMPLE) / 2,
        size.saturating_sub(SAMPLE),
    ] {
        f.seek(SeekFrom::Start(at)).ok()?;
        let n = f.read(&mut buf).ok()?;
        h.write(&buf[..n]);
    }
    let model_name = model.file_name()?.to_string_lossy().into_owned();
    let model_size = std::fs::metadata(model).ok()?.len();
    h.write(model_name.as_bytes())
        .write(&model_size.to_le_bytes());
    Some(format!("{:016x}", h.finish()))
}

fn entry(dir: &Path, media: &Path, model: &Path) -> Option<PathBuf> {
    Some(
        dir.join("transcripts")
            .join(format!("{}.json", key(media, model)?)),
    )
}

/// The cached transcript, if any.
pub fn load(dir: &Path, media: &Path, model: &Path) -> Option<Transcript> {
    let path = entry(dir, media, model)?;
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Stores a transcript (temp file + rename).
pub fn save(dir: &Path, media: &Path, model: &Path, t: &Transcript) -> Result<(), String> {
    let path = entry(dir, media, model)
        .ok_or_else(|| format!("cannot key the cache for {}", media.display()))?;
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("cannot create the cache ({e}): {}", parent.display()))?;
    let text = serde_json::to_string(t).map_err(|e| e.to_string())?;
    write_file(&path, text.as_bytes(), Replace::Atomically)
        .map_err(|e| format!("cannot write the cache ({e}): {}", path.display()))
}
