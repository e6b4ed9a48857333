//! Output file names: from a template, never those of an existing file (a `_2`, `_3` …
//! suffix instead, unless asked to overwrite). Files are written through
//! [`crate::temp_file`], so a cancelled, failed or killed job leaves no partial file under
//! the final name. A name never leaves the output folder: a template with a path separator
//! or a leading `.` is refused ([`check_template`]), and the fields' values (the video's name)
//! are cleaned of separators and of a leading `.` (a hidden file would pass for one of our
//! temporary files). [`prepare_dir`] checks the folder can be written before any work starts.

use super::error::{ExportError, ExportErrorKind};
use std::path::{Path, PathBuf};

/// The default name template. Fields: `{video}` (source file stem), `{num}` (clip number, 2
/// digits), `{start}` / `{end}` (like `05m03s`, filename-safe), `{label}` (the segment's
/// label, `clip` when it has none).
pub const DEFAULT_TEMPLATE: &str = "{video}_{num}_{start}-{end}.mp4";

/// `05m03s`, or `1h05m03s` past an hour (whole seconds, rounded down).
pub fn time_tag(secs: f64) -> String {
    let s = secs.max(0.0).floor() as u64;
    if s >= 3600 {
        format!("{}h{:02}m{:02}s", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}m{:02}s", s / 60, s % 60)
    }
}

/// Fills the template for clip number `n`; characters that are unsafe in file names become
/// `_`.
pub fn file_name(template: &str, video: &Path, n: usize, clip: &super::ClipRequest) -> String {
    let (start, end) = (clip.start, clip.end);
    let label = match clip.label.trim() {
        "" => "clip",
        l => l,
    };
    let stem = video
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "clip".to_string());
    let num = format!("{n:02}");
    // In the order of FIELDS (the list `check_template` knows).
    let values = [
        stem.as_str(),
        num.as_str(),
        &time_tag(start),
        &time_tag(end),
        label,
        num.as_str(),
    ];
    let name = FIELDS
        .iter()
        .zip(values)
        .fold(template.to_string(), |name, (field, value)| {
            name.replace(field, value)
        });
    let name: String = name
        .chars()
        .map(|c| {
            if matches!(
                c,
                '/' | '\\' | '\0' | ':' | '*' | '?' | '"' | '<' | '>' | '|'
            ) {
                '_'
            } else {
                c
            }
        })
        .collect();
    // Not hidden, and never `.` or `..`.
    match name.strip_prefix('.') {
        Some(rest) => format!("_{rest}"),
        None if name.is_empty() => "clip".to_string(),
        None => name,
    }
}

/// Refuses a template that would name a file outside the output folder or a hidden one.
pub fn check_template(template: &str) -> Result<(), ExportError> {
    let refuse = |why: &str| {
        Err(ExportError::bad_settings(format!(
            "the file name template {template:?} {why}: clips are written into the output folder only"
        )))
    };
    if template.trim().is_empty() {
        return refuse("is empty");
    }
    if template.contains('/') || template.contains('\\') {
        return refuse("holds a path separator (/ or \\)");
    }
    if template.starts_with('.') {
        return refuse("starts with \".\" (a hidden file)");
    }
    // A field misspelt would be kept as text in every name; a name not ending in .mp4
    // would hold MP4 data under another type (or none).
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let field = after.find('}').map_or(after, |close| &after[..=close]);
        if !FIELDS.contains(&field) {
            return Err(ExportError::bad_settings(format!(
                "the file name template {template:?} has an unknown field {field}: the fields are {}",
                FIELDS[..FIELDS.len() - 1].join(" ")
            )));
        }
        rest = &after[field.len()..];
    }
    if !template.to_ascii_lowercase().ends_with(".mp4") {
        return Err(ExportError::bad_settings(format!(
            "the file name template {template:?} does not end in .mp4 (the clips are MP4 files; a file with no picture gets .m4a)"
        )));
    }
    Ok(())
}

/// The template's fields ([`file_name`] fills them in this order); the last, `{n}`, is
/// `{num}`'s earlier, shorter name (clap's help cannot show it: `{n}` is its line break),
/// still understood.
const FIELDS: [&str; 6] = ["{video}", "{num}", "{start}", "{end}", "{label}", "{n}"];

/// Creates the output folder if missing and checks a file can be created in it, so a folder
/// that cannot be written fails the batch at once with one clear line (a read-only disk, a
/// file where the folder should be, no space, no permission).
pub fn prepare_dir(dir: &Path) -> Result<(), ExportError> {
    let fail = |what: &str, e: &std::io::Error| {
        let kind = if e.raw_os_error() == Some(libc::ENOSPC) {
            ExportErrorKind::NoSpace
        } else {
            ExportErrorKind::Input
        };
        ExportError {
            kind,
            message: format!("{what} ({}): {}", reason(e), dir.display()),
        }
    };
    if dir.exists() && !dir.is_dir() {
        return Err(ExportError {
            kind: ExportErrorKind::Input,
            message: format!(
                "the output folder is a file, not a folder: {}",
                dir.display()
            ),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| fail("cannot create the output folder", &e))?;
    crate::temp_file::TempFile::create(&dir.join("write-check"), "check")
        .map(drop)
        .map_err(|e| fail("cannot write into the output folder", &e))
}

/// An I/O error as words, without Rust's ` (os error N)`.
pub(crate) fn reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The final path for `name` in `dir`: `name` itself, or with `_2`, `_3` … before the
/// extension when a file of that name exists (unless `overwrite`). `taken` holds names already
/// promised to other jobs of the same batch.
pub fn unique_path(dir: &Path, name: &str, overwrite: bool, taken: &[PathBuf]) -> PathBuf {
    let first = dir.join(name);
    let free = |p: &PathBuf| !taken.contains(p) && (overwrite || !p.exists());
    if free(&first) {
        return first;
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) => (s.to_string(), format!(".{e}")),
        None => (name.to_string(), String::new()),
    };
    (2..)
        .map(|i| dir.join(format!("{stem}_{i}{ext}")))
        .find(free)
        .unwrap_or(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: f64, end: f64, label: &str) -> crate::export::ClipRequest {
        crate::export::ClipRequest {
            start,
            end,
            label: label.into(),
            subtitles: None,
        }
    }

    #[test]
    fn names_and_suffixes() {
        assert_eq!(
            file_name(
                "{label}-{num}.mp4",
                Path::new("a.mkv"),
                2,
                &span(0.0, 1.0, " the/bit ")
            ),
            "the_bit-02.mp4"
        );
        assert_eq!(
            file_name(
                "{label}-{num}.mp4",
                Path::new("a.mkv"),
                3,
                &span(0.0, 1.0, "")
            ),
            "clip-03.mp4"
        );
        assert_eq!(
            file_name(
                DEFAULT_TEMPLATE,
                Path::new("/v/My talk.mp4"),
                3,
                &span(303.4, 323.9, "")
            ),
            "My talk_03_05m03s-05m23s.mp4"
        );
        assert_eq!(time_tag(3725.0), "1h02m05s");
        assert_eq!(
            file_name(
                "{video}-{n}.mp4",
                Path::new("a.mkv"),
                7,
                &span(0.0, 1.0, "")
            ),
            "a-07.mp4"
        );
        assert_eq!(
            file_name(
                "{video}:{num}.mp4",
                Path::new("a.mkv"),
                1,
                &span(0.0, 1.0, "")
            ),
            "a_01.mp4"
        );
        let dir = std::env::temp_dir().join(format!("slop-out-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join("a.mp4"), b"x").expect("write");
        assert_eq!(unique_path(&dir, "a.mp4", false, &[]), dir.join("a_2.mp4"));
        assert_eq!(unique_path(&dir, "a.mp4", true, &[]), dir.join("a.mp4"));
        assert_eq!(
            unique_path(&dir, "a.mp4", false, &[dir.join("a_2.mp4")]),
            dir.join("a_3.mp4")
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn names_stay_in_the_folder_and_are_not_hidden() {
        for bad in [
            "../{num}.mp4",
            "/tmp/x{num}.mp4",
            "a\\b.mp4",
            ".{num}.mp4",
            "..",
            " ",
        ] {
            let e = check_template(bad).expect_err(bad);
            assert!(e.message.contains("output folder only"), "{}", e.message);
        }
        check_template(DEFAULT_TEMPLATE).expect("the default is fine");
        check_template("{label} {n}.MP4").expect("any field, any case of .mp4");
        for (bad, says) in [
            (
                "{lable}.mp4",
                "unknown field {lable}: the fields are {video} {num}",
            ),
            ("{num.mp4", "unknown field {num.mp4"),
            ("{num}", "does not end in .mp4"),
            ("{num}.mkv", "does not end in .mp4"),
        ] {
            let e = check_template(bad).expect_err(bad);
            assert!(e.message.contains(says), "{bad}: {}", e.message);
        }
        assert_eq!(
            file_name(
                DEFAULT_TEMPLATE,
                Path::new("/v/.secret.mp4"),
                1,
                &span(0.0, 1.0, "")
            ),
            "_secret_01_00m00s-00m01s.mp4"
        );
        assert_eq!(
            file_name("{video}", Path::new("/"), 1, &span(0.0, 1.0, "")),
            "clip"
        );
    }
}
