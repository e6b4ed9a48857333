//! `MediaError`: everything that can go wrong opening, probing or decoding a media file,
//! worded for the person who chose the file. Messages put the path last.

use crate::progress::Cancelled;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("file not found: {}", .0.display())]
    NotFound(PathBuf),
    #[error("is a directory, not a media file: {}", .0.display())]
    IsDirectory(PathBuf),
    #[error("file is empty (0 bytes): {}", .0.display())]
    Empty(PathBuf),
    #[error("cannot read file ({reason}): {}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("not a media file FFmpeg recognises (unknown format or corrupt header): {}", .0.display())]
    UnknownFormat(PathBuf),
    #[error("damaged or truncated MP4/MOV: its index (moov atom) is missing or incomplete, so nothing can be read: {}", .0.display())]
    MissingIndex(PathBuf),
    #[error("cannot open media ({reason}): {}", path.display())]
    Open { path: PathBuf, reason: String },
    #[error("no {kind} stream: {}", path.display())]
    NoStream { path: PathBuf, kind: &'static str },
    #[error("no decoder for codec '{codec}' of stream {stream} ({kind}): {}", path.display())]
    NoDecoder {
        path: PathBuf,
        stream: usize,
        kind: &'static str,
        codec: String,
    },
    #[error("could not decode {kind} stream {stream} ({reason}): {}", path.display())]
    Decode {
        path: PathBuf,
        stream: usize,
        kind: &'static str,
        reason: String,
    },
    #[error("time {at_secs:.3} s is outside the media (duration {duration_secs:.3} s): {}", path.display())]
    OutOfRange {
        path: PathBuf,
        at_secs: f64,
        duration_secs: f64,
    },
    #[error("FFmpeg failed ({reason}): {}", path.display())]
    Ffmpeg { path: PathBuf, reason: String },
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

impl MediaError {
    /// True when the work stopped because it was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(self, MediaError::Cancelled(_))
    }

    pub(crate) fn ffmpeg(path: &Path, e: ffmpeg_next::Error) -> MediaError {
        MediaError::Ffmpeg {
            path: path.to_path_buf(),
            reason: e.to_string(),
        }
    }
}

/// Checks that `path` is a non-empty regular file before FFmpeg sees it, so the common
/// mistakes get precise messages instead of FFmpeg's generic ones.
pub(crate) fn check_file(path: &Path) -> Result<(), MediaError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(MediaError::NotFound(path.to_path_buf()))
        }
        Err(e) => {
            return Err(MediaError::Unreadable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })
        }
    };
    if meta.is_dir() {
        return Err(MediaError::IsDirectory(path.to_path_buf()));
    }
    if meta.len() == 0 {
        return Err(MediaError::Empty(path.to_path_buf()));
    }
    if let Err(e) = std::fs::File::open(path) {
        return Err(MediaError::Unreadable {
            path: path.to_path_buf(),
            reason: e.to_string(),
        });
    }
    Ok(())
}

/// Turns FFmpeg's failure to open `path` into the most precise message we can give.
pub(crate) fn open_error(path: &Path, e: ffmpeg_next::Error) -> MediaError {
    if looks_like_mp4(path) {
        return MediaError::MissingIndex(path.to_path_buf());
    }
    match e {
        ffmpeg_next::Error::InvalidData => MediaError::UnknownFormat(path.to_path_buf()),
        other => MediaError::Open {
            path: path.to_path_buf(),
            reason: other.to_string(),
        },
    }
}

/// True when `path` is an ISO-BMFF file (MP4/MOV) cut short: a top-level box (the media data,
/// or the index itself) claims more bytes than the file has. Such a file opens with no streams
/// when the cut falls inside its index, which is then the message to give.
pub(crate) fn mp4_cut_short(path: &Path) -> bool {
    use std::io::{Read as _, Seek as _, SeekFrom};
    if !looks_like_mp4(path) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(len) = f.metadata().map(|m| m.len()) else {
        return false;
    };
    let mut at = 0u64;
    // A bounded walk: real files have a handful of top-level boxes.
    for _ in 0..10_000 {
        if at >= len {
            return false;
        }
        let mut head = [0u8; 16];
        if f.seek(SeekFrom::Start(at)).is_err() || f.read_exact(&mut head[..8]).is_err() {
            return true;
        }
        let size = match u32::from_be_bytes([head[0], head[1], head[2], head[3]]) {
            // To the end of the file.
            0 => return false,
            1 => {
                if f.read_exact(&mut head[8..16]).is_err() {
                    return true;
                }
                let mut b = [0u8; 8];
                b.copy_from_slice(&head[8..16]);
                u64::from_be_bytes(b)
            }
            n => u64::from(n),
        };
        if size < 8 {
            return false;
        }
        match at.checked_add(size) {
            Some(next) if next <= len => at = next,
            _ => return true,
        }
    }
    false
}

/// True when the file starts like an ISO-BMFF file (`....ftyp`), which FFmpeg then failed to open.
fn looks_like_mp4(path: &Path) -> bool {
    use std::io::Read as _;
    let mut head = [0u8; 12];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head[4..8] == b"ftyp"
}
