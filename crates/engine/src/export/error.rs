//! `ExportError`: what went wrong with one clip, and whether trying again can help. The retry
//! policy matches on [`ExportErrorKind`], never on message text.

use crate::media::MediaError;
use crate::progress::Cancelled;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportErrorKind {
    /// The input is missing or unreadable: retrying cannot help.
    Input,
    /// The disk is full: retrying cannot help.
    NoSpace,
    /// The settings are invalid (e.g. a preset x264 rejects): retrying cannot help.
    Settings,
    /// An encoder, filter or muxer failed: a retry with safer settings may succeed.
    Encode,
    /// The job was cancelled.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ExportError {
    pub kind: ExportErrorKind,
    pub message: String,
}

impl ExportError {
    /// True when another attempt could succeed.
    pub fn is_retryable(&self) -> bool {
        self.kind == ExportErrorKind::Encode
    }

    /// The same error, naming `to` where it named `from` (a clip's final file instead of its
    /// hidden temporary file: the person never sees the latter).
    pub(crate) fn naming(mut self, from: &Path, to: &Path) -> ExportError {
        self.message = self
            .message
            .replace(&from.display().to_string(), &to.display().to_string());
        self
    }

    pub(crate) fn media(path: &Path, what: &str) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Input,
            message: format!("{what}: {}", path.display()),
        }
    }

    pub(crate) fn setup(message: String) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Encode,
            message,
        }
    }

    pub(crate) fn bad_settings(message: String) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Settings,
            message,
        }
    }

    pub(crate) fn filter(path: &Path, e: ffmpeg_next::Error) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Encode,
            message: format!("filter graph failed ({e}): {}", path.display()),
        }
    }

    pub(crate) fn encoder(what: &str, e: ffmpeg_next::Error) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Encode,
            message: format!("{what} encoder failed: {e}"),
        }
    }

    /// A write or mux error on the output; ENOSPC becomes [`ExportErrorKind::NoSpace`].
    pub(crate) fn io(out: &Path, e: ffmpeg_next::Error) -> ExportError {
        let no_space = matches!(e, ffmpeg_next::Error::Other { errno } if errno == libc::ENOSPC);
        ExportError {
            kind: if no_space {
                ExportErrorKind::NoSpace
            } else {
                ExportErrorKind::Encode
            },
            message: if no_space {
                format!("no space left on the disk: {}", out.display())
            } else {
                format!("cannot write the clip ({e}): {}", out.display())
            },
        }
    }

    pub(crate) fn file(out: &Path, e: &std::io::Error) -> ExportError {
        let no_space = e.raw_os_error() == Some(libc::ENOSPC);
        ExportError {
            kind: if no_space {
                ExportErrorKind::NoSpace
            } else {
                ExportErrorKind::Input
            },
            message: format!("{e}: {}", out.display()),
        }
    }

    pub(crate) fn empty(path: &Path, start: f64, end: f64) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Input,
            message: format!(
                "no video frames between {start:.3} s and {end:.3} s: {}",
                path.display()
            ),
        }
    }
}

impl From<MediaError> for ExportError {
    fn from(e: MediaError) -> ExportError {
        match e {
            MediaError::Cancelled(_) => ExportError::from(Cancelled),
            // A source that does not decode is damaged: another attempt reads the same bytes.
            MediaError::Ffmpeg { .. } => ExportError {
                kind: ExportErrorKind::Encode,
                message: e.to_string(),
            },
            other => ExportError {
                kind: ExportErrorKind::Input,
                message: other.to_string(),
            },
        }
    }
}

impl From<Cancelled> for ExportError {
    fn from(_: Cancelled) -> ExportError {
        ExportError {
            kind: ExportErrorKind::Cancelled,
            message: "cancelled".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_that_does_not_decode_is_not_retried_as_an_encoder_failure() {
        let e = ExportError::from(MediaError::Decode {
            path: "damaged.mp4".into(),
            stream: 0,
            kind: "video",
            reason: "invalid data".into(),
        });
        assert_eq!(e.kind, ExportErrorKind::Input);
        assert!(!e.is_retryable());
        assert!(e.message.ends_with("damaged.mp4"), "{}", e.message);
        assert!(ExportError::encoder("video", ffmpeg_next::Error::Bug).is_retryable());
    }
}
