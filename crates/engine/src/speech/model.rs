//! Whisper models: resolving `SLOP_WHISPER_MODEL` (a path, or a name looked up in the app's
//! model folder) to the files to try, best first — the preferred quantisation, then the other
//! files of that model, then smaller installed models as fallbacks.

use std::path::{Path, PathBuf};

/// Which quantisation of a model to prefer when several files of it are installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compute {
    Int8,
    Float16,
    Float32,
}

impl Compute {
    /// Every choice, by the name a person types.
    pub const ALL: [(&'static str, Compute); 3] = [
        ("int8", Compute::Int8),
        ("float16", Compute::Float16),
        ("float32", Compute::Float32),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Compute::Int8 => "int8",
            Compute::Float16 => "float16",
            Compute::Float32 => "float32",
        }
    }

    pub fn from_name(name: &str) -> Option<Compute> {
        Compute::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    }
}

/// Model names from largest to smallest (the fallback order).
pub const SIZES: [&str; 10] = [
    "large-v3",
    "large-v2",
    "medium",
    "medium.en",
    "small",
    "small.en",
    "base",
    "base.en",
    "tiny",
    "tiny.en",
];

/// The folder where named models live: `<data dir>/models`.
pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("models")
}

/// An installed model file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ModelFile {
    pub name: String,
    /// `f16`, `q8_0`, `q5_1`, … (from the file name).
    pub quantisation: String,
    pub path: PathBuf,
    pub size_bytes: u64,
}

/// Lists `ggml-*.bin` files in `dir`.
pub fn installed(dir: &Path) -> Vec<ModelFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<ModelFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let file = path.file_name()?.to_str()?.to_string();
            let stem = file.strip_prefix("ggml-")?.strip_suffix(".bin")?;
            let (name, quant) = match stem.rsplit_once('-') {
                Some((n, q)) if q.starts_with('q') => (n.to_string(), q.to_string()),
                _ => (stem.to_string(), "f16".to_string()),
            };
            let size_bytes = e.metadata().ok()?.len();
            Some(ModelFile {
                name,
                quantisation: quant,
                path,
                size_bytes,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The files to try for `setting` (a path or a name), best first.
pub fn candidates(setting: &str, compute: Compute, dir: &Path) -> Vec<PathBuf> {
    let as_path = Path::new(setting);
    if setting.ends_with(".bin") || as_path.components().count() > 1 {
        // A path: that file first, then smaller installed models beside it.
        let mut v = vec![as_path.to_path_buf()];
        let beside = as_path.parent().unwrap_or(Path::new("."));
        v.extend(fallbacks(
            setting_name(as_path).as_deref().unwrap_or(""),
            compute,
            beside,
        ));
        v.dedup();
        return v;
    }
    let installed = installed(dir);
    let mut v = ordered_files(setting, compute, &installed);
    v.extend(fallbacks(setting, compute, dir));
    v.dedup();
    v
}

fn setting_name(path: &Path) -> Option<String> {
    let stem = path
        .file_stem()?
        .to_str()?
        .strip_prefix("ggml-")?
        .to_string();
    Some(match stem.rsplit_once('-') {
        Some((n, q)) if q.starts_with('q') => n.to_string(),
        _ => stem,
    })
}

/// The files of model `name`, the preferred quantisation first.
fn ordered_files(name: &str, compute: Compute, installed: &[ModelFile]) -> Vec<PathBuf> {
    let mut files: Vec<&ModelFile> = installed.iter().filter(|m| m.name == name).collect();
    let rank = |q: &str| -> u8 {
        match (compute, q) {
            (Compute::Int8, "q8_0") => 0,
            (Compute::Int8, "f16") => 1,
            (Compute::Float16 | Compute::Float32, "f16") => 0,
            (Compute::Float16 | Compute::Float32, "q8_0") => 1,
            _ => 2,
        }
    };
    files.sort_by_key(|m| rank(&m.quantisation));
    files.into_iter().map(|m| m.path.clone()).collect()
}

/// Installed models smaller than `name`, largest first.
fn fallbacks(name: &str, compute: Compute, dir: &Path) -> Vec<PathBuf> {
    let installed = installed(dir);
    let pos = SIZES.iter().position(|s| *s == name).map_or(0, |p| p + 1);
    SIZES[pos..]
        .iter()
        .flat_map(|n| ordered_files(n, compute, &installed))
        .collect()
}

/// What to tell a person whose model `asked` (a path or a name, as set) was not found in
/// `dir` or where it points.
pub fn how_to_get_a_model(dir: &Path, asked: &str) -> String {
    let as_path = Path::new(asked);
    if asked.ends_with(".bin") || as_path.components().count() > 1 {
        return format!(
            "no whisper model found: {asked} is not a file (--model or SLOP_WHISPER_MODEL). \
             Point it at a ggml model file, or run `slopcannon models download tiny.en` and \
             leave it unset"
        );
    }
    let name = if asked.trim().is_empty() {
        "tiny.en"
    } else {
        asked
    };
    format!(
        "no whisper model found: {name} is not installed in {}. Run `slopcannon models \
         download {name}`, put a ggml model (e.g. ggml-{name}.bin from the whisper.cpp model \
         repository) there, or point SLOP_WHISPER_MODEL at one",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_with_quantisation_preference_and_fallbacks() {
        let dir = std::env::temp_dir().join(format!("slop-models-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        for f in [
            "ggml-tiny.en.bin",
            "ggml-tiny.en-q8_0.bin",
            "ggml-base.en-q5_1.bin",
        ] {
            std::fs::write(dir.join(f), b"x").expect("write");
        }
        let c = candidates("tiny.en", Compute::Int8, &dir);
        assert_eq!(
            c,
            vec![
                dir.join("ggml-tiny.en-q8_0.bin"),
                dir.join("ggml-tiny.en.bin")
            ]
        );
        let c = candidates("tiny.en", Compute::Float16, &dir);
        assert_eq!(c[0], dir.join("ggml-tiny.en.bin"));
        // base.en falls back to tiny.en.
        let c = candidates("base.en", Compute::Int8, &dir);
        assert_eq!(c[0], dir.join("ggml-base.en-q5_1.bin"));
        assert_eq!(c[1], dir.join("ggml-tiny.en-q8_0.bin"));
        let m = installed(&dir);
        assert_eq!(m.len(), 3);
        assert!(m
            .iter()
            .any(|f| f.name == "base.en" && f.quantisation == "q5_1"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
