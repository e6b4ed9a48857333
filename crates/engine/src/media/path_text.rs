//! Paths in JSON output. JSON text is UTF-8 and serde refuses a path that is not ("path
//! contains invalid UTF-8 characters"), which would fail a whole report over one file name
//! from an old archive. These write such a path lossily (each invalid byte as U+FFFD), as the
//! text output shows it; a UTF-8 path is written exactly.

use serde::Serializer;
use std::path::{Path, PathBuf};

/// `#[serde(serialize_with = "…::lossy")]` for a path.
pub fn lossy<S: Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

/// `#[serde(serialize_with = "…::lossy_opt")]` for an optional path.
pub fn lossy_opt<S: Serializer>(path: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
    match path {
        Some(p) => s.serialize_some(&p.to_string_lossy()),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::ffi::OsStrExt as _;

    #[derive(serde::Serialize)]
    struct Named {
        #[serde(serialize_with = "super::lossy")]
        path: std::path::PathBuf,
        #[serde(serialize_with = "super::lossy_opt")]
        out: Option<std::path::PathBuf>,
    }

    #[test]
    fn a_non_utf8_path_is_written_lossily_and_a_utf8_one_exactly() {
        let named = Named {
            path: std::ffi::OsStr::from_bytes(b"caf\xe9.mp4").into(),
            out: Some("clips/a b.mp4".into()),
        };
        assert_eq!(
            serde_json::to_string(&named).expect("serialises"),
            r#"{"path":"caf\ufffd.mp4","out":"clips/a b.mp4"}"#.replace("\\ufffd", "\u{fffd}")
        );
    }
}
