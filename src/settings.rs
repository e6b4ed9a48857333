//! Settings: every `SLOP_*` variable, read once at start-up into one typed [`Settings`] struct.
//!
//! Values come from the process environment and from a `.env` file in the working directory
//! (the environment wins, as with `dotenvy`). `envy` maps variable names onto [`RawSettings`];
//! each raw string is then validated here so that a bad value produces a [`SettingsError`] that
//! names the variable, the value and what it accepts. Nothing else in the crate reads `SLOP_*`
//! variables: `main` loads [`Settings`] and passes it (or option structs built from it) down.

use serde::{Deserialize, Serialize};
use slopcannon_engine::analysis;
use slopcannon_engine::export::{self, background};
use slopcannon_engine::speech::{self, Compute};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The x264 preset names accepted by `SLOP_FFMPEG_PRESET`.
pub const X264_PRESETS: [&str; 10] = [
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
    "placebo",
];

/// Every variable this program reads, in the order `slopcannon config` prints them.
pub const VARIABLES: [&str; 13] = [
    "SLOP_MAX_EXPORT_WORKERS",
    "SLOP_MAX_ANALYSIS_WORKERS",
    "SLOP_FRAME_SKIP",
    "SLOP_FFMPEG_PRESET",
    "SLOP_FFMPEG_CRF",
    "SLOP_WHISPER_MODEL",
    "SLOP_WHISPER_DEVICE",
    "SLOP_WHISPER_COMPUTE",
    "SLOP_WHISPER_THREADS",
    "SLOP_EXPORT_RETRIES",
    "SLOP_STACKED_CACHE_MB",
    "SLOP_AUDIO_OUTPUT",
    "SLOP_LOG",
];

/// `SLOP_*` name/value pairs from one place, tagged with where they came from.
pub type Layer = (Source, Vec<(String, String)>);

/// Where the effective value of one setting came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Default,
    /// The user's saved defaults (`~/.config/slopcannon/settings.env`, from the window).
    #[serde(rename = "your defaults")]
    UserDefaults,
    #[serde(rename = ".env")]
    DotEnv,
    Environment,
    /// Changed in the window's Settings for this session.
    Session,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Source::Default => "default",
            Source::UserDefaults => "your defaults",
            Source::DotEnv => ".env",
            Source::Environment => "environment",
            Source::Session => "this session",
        })
    }
}

/// A bad setting: which variable, what it held, what it accepts. Printed as
/// `SLOP_FFMPEG_CRF="99": expected an integer 0–51`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{var}={value:?}: expected {accepted}")]
pub struct SettingsError {
    pub var: String,
    pub value: String,
    pub accepted: String,
}

/// Whisper's compute device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WhisperDevice {
    Cpu,
}

/// Log verbosity, as `SLOP_LOG` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    /// The matching `tracing` level.
    pub fn as_tracing(self) -> tracing::Level {
        match self {
            LogLevel::Error => tracing::Level::ERROR,
            LogLevel::Warn => tracing::Level::WARN,
            LogLevel::Info => tracing::Level::INFO,
            LogLevel::Debug => tracing::Level::DEBUG,
            LogLevel::Trace => tracing::Level::TRACE,
        }
    }
}

/// The validated settings, plus where each came from.
#[derive(Clone, Debug, Serialize)]
pub struct Settings {
    pub max_export_workers: usize,
    pub max_analysis_workers: usize,
    /// `None` means auto: about two analysed frames per second of video.
    pub frame_skip: Option<u32>,
    pub ffmpeg_preset: String,
    pub ffmpeg_crf: u8,
    /// A model name (`tiny.en`) or a path to a ggml file.
    pub whisper_model: String,
    pub whisper_device: WhisperDevice,
    pub whisper_compute: Compute,
    pub whisper_threads: usize,
    /// Attempts per export job (1 = no retry).
    pub export_retries: u32,
    /// Memory for the stacked background's prepared frames, in MiB (0 = none); `None` means
    /// auto (see [`Settings::stacked_cache_bytes`]).
    pub stacked_cache_mb: Option<usize>,
    /// Play the window's sound on the default output device (`auto`), or never (`off`: play
    /// silently against the wall clock).
    pub audio_output: bool,
    pub log: LogLevel,
    /// Variable name → where its value came from.
    #[serde(skip)]
    pub sources: BTreeMap<&'static str, Source>,
    /// Variables starting with `SLOP_` that this program does not know (likely typos).
    #[serde(skip)]
    pub unknown: Vec<String>,
}

/// The variables as strings, before validation; `envy` fills it from `SLOP_*` names.
#[derive(Debug, Default, Deserialize)]
pub struct RawSettings {
    pub max_export_workers: Option<String>,
    pub max_analysis_workers: Option<String>,
    pub frame_skip: Option<String>,
    pub ffmpeg_preset: Option<String>,
    pub ffmpeg_crf: Option<String>,
    pub whisper_model: Option<String>,
    pub whisper_device: Option<String>,
    pub whisper_compute: Option<String>,
    pub whisper_threads: Option<String>,
    pub export_retries: Option<String>,
    pub stacked_cache_mb: Option<String>,
    pub audio_output: Option<String>,
    pub log: Option<String>,
}

impl Settings {
    /// Bytes an export may keep of a stacked background: `SLOP_STACKED_CACHE_MB`, or on
    /// auto the engine's [`background::auto_budget`].
    pub fn stacked_cache_bytes(&self) -> usize {
        match self.stacked_cache_mb {
            Some(mb) => mb.saturating_mul(1 << 20),
            None => background::auto_budget(),
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_pairs(Vec::new(), Vec::new()).unwrap_or_else(|e| {
            // Defaults are constants checked by a unit test; this branch cannot be reached.
            unreachable!("built-in defaults rejected: {e}")
        })
    }
}

impl Settings {
    /// Reads, lowest priority first: the user's saved defaults, `./.env` (if present), the
    /// process environment.
    pub fn load() -> Result<Settings, SettingsError> {
        Settings::from_layers(Settings::load_layers()?)
    }

    /// The layers [`Settings::load`] reads, lowest priority first (the window adds its
    /// session edits on top and validates them the same way).
    pub fn load_layers() -> Result<Vec<Layer>, SettingsError> {
        let env: Vec<(String, String)> = std::env::vars()
            .filter(|(k, _)| k.starts_with("SLOP_"))
            .collect();
        let user = match user_defaults_path() {
            Some(p) => read_dotenv(&p)?,
            None => Vec::new(),
        };
        let dotenv = read_dotenv(Path::new(".env"))?;
        Ok(vec![
            (Source::UserDefaults, user),
            (Source::DotEnv, dotenv),
            (Source::Environment, env),
        ])
    }

    /// Builds settings from environment pairs and `.env` pairs (environment wins).
    pub fn from_pairs(
        env: Vec<(String, String)>,
        dotenv: Vec<(String, String)>,
    ) -> Result<Settings, SettingsError> {
        Settings::from_layers(vec![(Source::DotEnv, dotenv), (Source::Environment, env)])
    }

    /// Builds settings from layers of `SLOP_*` pairs, lowest priority first; each value
    /// remembers the layer it came from.
    pub fn from_layers(layers: Vec<Layer>) -> Result<Settings, SettingsError> {
        let mut merged: BTreeMap<String, (String, Source)> = BTreeMap::new();
        for (source, pairs) in layers {
            for (k, v) in pairs.into_iter().filter(|(k, _)| k.starts_with("SLOP_")) {
                merged.insert(k, (v, source));
            }
        }
        let unknown: Vec<String> = merged
            .keys()
            .filter(|k| !VARIABLES.contains(&k.as_str()))
            .cloned()
            .collect();
        let raw: RawSettings = envy::prefixed("SLOP_")
            .from_iter(
                merged
                    .iter()
                    .filter(|(k, _)| VARIABLES.contains(&k.as_str()))
                    .map(|(k, (v, _))| (k.clone(), v.clone())),
            )
            .map_err(|e| SettingsError {
                var: "SLOP_*".into(),
                value: String::new(),
                accepted: format!("readable settings ({e})"),
            })?;
        let mut sources = BTreeMap::new();
        for var in VARIABLES {
            let source = merged.get(var).map_or(Source::Default, |(_, s)| *s);
            sources.insert(var, source);
        }
        Ok(Settings {
            max_export_workers: int_in(
                "SLOP_MAX_EXPORT_WORKERS",
                &raw.max_export_workers,
                1,
                64,
                export::default_workers() as u64,
            )? as usize,
            max_analysis_workers: int_in(
                "SLOP_MAX_ANALYSIS_WORKERS",
                &raw.max_analysis_workers,
                1,
                64,
                analysis::DEFAULT_WORKERS as u64,
            )? as usize,
            frame_skip: auto_or_int("SLOP_FRAME_SKIP", &raw.frame_skip, 1, u32::MAX as u64)?
                .map(|n| n as u32),
            ffmpeg_preset: one_of(
                "SLOP_FFMPEG_PRESET",
                &raw.ffmpeg_preset,
                &X264_PRESETS,
                export::DEFAULT_PRESET,
            )?
            .to_string(),
            ffmpeg_crf: int_in(
                "SLOP_FFMPEG_CRF",
                &raw.ffmpeg_crf,
                0,
                51,
                u64::from(export::DEFAULT_CRF),
            )? as u8,
            whisper_model: match raw.whisper_model.as_deref().map(str::trim) {
                None => "tiny.en".to_string(),
                Some("") => {
                    return Err(err(
                        "SLOP_WHISPER_MODEL",
                        "",
                        "a model name (tiny.en, base.en, small, …) or a path to a ggml .bin file",
                    ))
                }
                Some(v) => v.to_string(),
            },
            whisper_device: match one_of(
                "SLOP_WHISPER_DEVICE",
                &raw.whisper_device,
                &["cpu", "cuda"],
                "cpu",
            )? {
                "cuda" => {
                    return Err(err(
                        "SLOP_WHISPER_DEVICE",
                        "cuda",
                        "cpu (this build of slopcannon has no GPU support)",
                    ))
                }
                _ => WhisperDevice::Cpu,
            },
            whisper_compute: {
                let names = Compute::ALL.map(|(name, _)| name);
                let name = one_of(
                    "SLOP_WHISPER_COMPUTE",
                    &raw.whisper_compute,
                    &names,
                    Compute::Int8.name(),
                )?;
                Compute::from_name(name).unwrap_or(Compute::Int8)
            },
            whisper_threads: int_in(
                "SLOP_WHISPER_THREADS",
                &raw.whisper_threads,
                1,
                1024,
                speech::default_threads() as u64,
            )? as usize,
            export_retries: int_in(
                "SLOP_EXPORT_RETRIES",
                &raw.export_retries,
                1,
                10,
                u64::from(export::DEFAULT_ATTEMPTS),
            )? as u32,
            stacked_cache_mb: auto_or_int(
                "SLOP_STACKED_CACHE_MB",
                &raw.stacked_cache_mb,
                0,
                1 << 20,
            )?
            .map(|n| n as usize),
            audio_output: one_of(
                "SLOP_AUDIO_OUTPUT",
                &raw.audio_output,
                &["auto", "off"],
                "auto",
            )? == "auto",
            log: match one_of(
                "SLOP_LOG",
                &raw.log,
                &["error", "warn", "info", "debug", "trace"],
                "info",
            )? {
                "error" => LogLevel::Error,
                "warn" => LogLevel::Warn,
                "debug" => LogLevel::Debug,
                "trace" => LogLevel::Trace,
                _ => LogLevel::Info,
            },
            sources,
            unknown,
        })
    }

    /// Logs, at start, each value a `.env` in the current folder set (info level): a folder
    /// someone else made can point the app at files (`SLOP_WHISPER_MODEL`, …), and the person
    /// sees it here and in `slopcannon config`.
    pub fn log_dotenv(&self) {
        for (var, value, source) in self.effective() {
            if source == Source::DotEnv {
                tracing::info!("setting from ./.env: {var}={value}");
            }
        }
    }

    /// `(variable, effective value, source)` for every setting, in [`VARIABLES`] order.
    pub fn effective(&self) -> Vec<(&'static str, String, Source)> {
        let value = |var: &str| -> String {
            match var {
                "SLOP_MAX_EXPORT_WORKERS" => self.max_export_workers.to_string(),
                "SLOP_MAX_ANALYSIS_WORKERS" => self.max_analysis_workers.to_string(),
                "SLOP_FRAME_SKIP" => self
                    .frame_skip
                    .map_or_else(|| "auto".to_string(), |n| n.to_string()),
                "SLOP_FFMPEG_PRESET" => self.ffmpeg_preset.clone(),
                "SLOP_FFMPEG_CRF" => self.ffmpeg_crf.to_string(),
                "SLOP_WHISPER_MODEL" => self.whisper_model.clone(),
                "SLOP_WHISPER_DEVICE" => "cpu".to_string(),
                "SLOP_WHISPER_COMPUTE" => self.whisper_compute.name().to_string(),
                "SLOP_WHISPER_THREADS" => self.whisper_threads.to_string(),
                "SLOP_EXPORT_RETRIES" => self.export_retries.to_string(),
                "SLOP_STACKED_CACHE_MB" => self
                    .stacked_cache_mb
                    .map_or_else(|| "auto".to_string(), |n| n.to_string()),
                "SLOP_AUDIO_OUTPUT" => if self.audio_output { "auto" } else { "off" }.to_string(),
                "SLOP_LOG" => format!("{:?}", self.log).to_lowercase(),
                _ => String::new(),
            }
        };
        VARIABLES
            .iter()
            .map(|var| {
                let source = self.sources.get(var).copied().unwrap_or(Source::Default);
                (*var, value(var), source)
            })
            .collect()
    }
}

/// Where the window saves the user's defaults: `settings.env` in the user's config folder
/// (`~/.config/slopcannon` on Linux), `SLOP_*` lines like a `.env`.
pub fn user_defaults_path() -> Option<std::path::PathBuf> {
    directories::ProjectDirs::from("", "", "slopcannon")
        .map(|d| d.config_dir().join("settings.env"))
}

/// The `SLOP_*` lines of a settings file: one `NAME=value` per line, values quoted when
/// they hold spaces or quotes, so [`read_dotenv`] reads back exactly these pairs.
pub fn write_pairs(pairs: &[(String, String)]) -> String {
    let mut out =
        String::from("# slopcannon settings saved from the window (see config.example.env)\n");
    for (k, v) in pairs {
        let plain = !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-/:+,@%".contains(c));
        if plain {
            out += &format!("{k}={v}\n");
        } else if !v.contains(['\'', '\n', '\\']) {
            // Single quotes: taken literally ($ and " included; dotenvy reads a backslash
            // in them as an escape).
            out += &format!("{k}='{v}'\n");
        } else {
            // Double quotes, escaped, on one line (a line break as \n).
            let escaped = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$")
                .replace('\n', "\\n");
            out += &format!("{k}=\"{escaped}\"\n");
        }
    }
    out
}

/// Reads the `SLOP_*` lines of a `.env` file without touching the process environment.
/// Other lines belong to other tools (a desktop launch runs in `$HOME`, where they keep
/// theirs) and are never parsed, so their syntax cannot stop this program. A missing file is
/// not an error; an unreadable one, or a malformed `SLOP_*` line, is.
pub fn read_dotenv(path: &Path) -> Result<Vec<(String, String)>, SettingsError> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let bytes = std::fs::read(path).map_err(|e| SettingsError {
        var: ".env".into(),
        value: path.display().to_string(),
        accepted: format!("a readable KEY=VALUE file ({e})"),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    let ours: Vec<&str> = text
        .lines()
        .filter(|line| {
            let t = line.trim_start();
            t.strip_prefix("export ")
                .unwrap_or(t)
                .trim_start()
                .starts_with("SLOP_")
        })
        .collect();
    let joined = ours.join("\n");
    let iter = dotenvy::from_read_iter(joined.as_bytes());
    let mut pairs = Vec::new();
    for item in iter {
        let (k, v) = item.map_err(|e| SettingsError {
            var: ".env".into(),
            value: path.display().to_string(),
            accepted: format!("KEY=VALUE lines ({e})"),
        })?;
        pairs.push((k, v));
    }
    Ok(pairs)
}

fn err(var: &str, value: &str, accepted: &str) -> SettingsError {
    SettingsError {
        var: var.to_string(),
        value: value.to_string(),
        accepted: accepted.to_string(),
    }
}

fn int_in(
    var: &str,
    raw: &Option<String>,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, SettingsError> {
    let Some(text) = raw else {
        return Ok(default);
    };
    let accepted = if max >= 1024 {
        format!("an integer ≥ {min}")
    } else {
        format!("an integer {min}–{max}")
    };
    match text.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(err(var, text, &accepted)),
    }
}

/// `auto` (or unset, or empty) as `None`, else an integer in `min..=max`.
fn auto_or_int(
    var: &str,
    raw: &Option<String>,
    min: u64,
    max: u64,
) -> Result<Option<u64>, SettingsError> {
    let text = match raw.as_deref().map(str::trim) {
        None | Some("") => return Ok(None),
        Some(t) if t.eq_ignore_ascii_case("auto") => return Ok(None),
        Some(t) => t,
    };
    match text.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
        _ => Err(err(
            var,
            raw.as_deref().unwrap_or_default(),
            &format!("auto or an integer {min}–{max}"),
        )),
    }
}

fn one_of<'a>(
    var: &str,
    raw: &Option<String>,
    accepted: &[&'a str],
    default: &'a str,
) -> Result<&'a str, SettingsError> {
    let Some(text) = raw else {
        return Ok(default);
    };
    let wanted = text.trim().to_ascii_lowercase();
    accepted
        .iter()
        .find(|a| **a == wanted)
        .copied()
        .ok_or_else(|| err(var, text, &format!("one of {}", accepted.join(", "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_defaults_read_back_and_rank_below_dotenv_and_the_environment() {
        let pairs = vec![
            ("SLOP_FFMPEG_CRF".to_string(), "20".to_string()),
            (
                "SLOP_WHISPER_MODEL".to_string(),
                "/models/my model $HOME \\ \"x\".bin".to_string(),
            ),
            ("SLOP_FFMPEG_PRESET".to_string(), "it's".to_string()),
        ];
        let dir = std::env::temp_dir().join(format!("slop-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("settings.env");
        std::fs::write(&file, write_pairs(&pairs)).expect("write");
        assert_eq!(read_dotenv(&file).expect("read back"), pairs);
        std::fs::remove_dir_all(&dir).ok();
        // The user's defaults lose to .env, which loses to the environment and the session.
        let s = Settings::from_layers(vec![
            (
                Source::UserDefaults,
                vec![
                    ("SLOP_FFMPEG_CRF".into(), "20".into()),
                    ("SLOP_EXPORT_RETRIES".into(), "3".into()),
                ],
            ),
            (
                Source::DotEnv,
                vec![("SLOP_FFMPEG_CRF".into(), "21".into())],
            ),
            (
                Source::Session,
                vec![("SLOP_MAX_EXPORT_WORKERS".into(), "1".into())],
            ),
        ])
        .expect("valid");
        assert_eq!(
            (s.ffmpeg_crf, s.export_retries, s.max_export_workers),
            (21, 3, 1)
        );
        assert_eq!(s.sources["SLOP_FFMPEG_CRF"], Source::DotEnv);
        assert_eq!(s.sources["SLOP_EXPORT_RETRIES"], Source::UserDefaults);
        assert_eq!(s.sources["SLOP_MAX_EXPORT_WORKERS"], Source::Session);
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_valid_and_documented() {
        let s = Settings::from_pairs(vec![], vec![]).expect("defaults");
        assert_eq!(s.ffmpeg_crf, 23);
        assert_eq!(s.ffmpeg_preset, "ultrafast");
        assert_eq!(s.frame_skip, None);
        assert_eq!(s.export_retries, 2);
        assert_eq!(s.max_analysis_workers, 2);
        let cores = slopcannon_engine::system::cores();
        assert_eq!(s.max_export_workers, cores.min(4));
        assert_eq!(s.whisper_threads, cores.saturating_sub(1).max(1));
        assert!(s.sources.values().all(|s| *s == Source::Default));
        // Auto: a quarter of the available memory, at most 2 GiB.
        assert_eq!(s.stacked_cache_mb, None);
        let auto = s.stacked_cache_bytes();
        assert!(auto > 0 && auto <= 2 << 30, "{auto}");
        let set =
            Settings::from_pairs(vec![("SLOP_STACKED_CACHE_MB".into(), "300".into())], vec![])
                .expect("valid");
        assert_eq!(set.stacked_cache_bytes(), 300 << 20);
    }

    #[test]
    fn bad_values_name_variable_value_and_accepted() {
        let check = |var: &str, value: &str, expected: &str| {
            let e = Settings::from_pairs(env(&[(var, value)]), vec![]).unwrap_err();
            assert_eq!(e.to_string(), expected);
        };
        check(
            "SLOP_FFMPEG_CRF",
            "99",
            "SLOP_FFMPEG_CRF=\"99\": expected an integer 0–51",
        );
        check(
            "SLOP_MAX_EXPORT_WORKERS",
            "0",
            "SLOP_MAX_EXPORT_WORKERS=\"0\": expected an integer 1–64",
        );
        check(
            "SLOP_FRAME_SKIP",
            "-3",
            "SLOP_FRAME_SKIP=\"-3\": expected auto or an integer 1–4294967295",
        );
        check(
            "SLOP_FFMPEG_PRESET",
            "warp",
            "SLOP_FFMPEG_PRESET=\"warp\": expected one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo",
        );
        check(
            "SLOP_WHISPER_DEVICE",
            "cuda",
            "SLOP_WHISPER_DEVICE=\"cuda\": expected cpu (this build of slopcannon has no GPU support)",
        );
        check(
            "SLOP_LOG",
            "loud",
            "SLOP_LOG=\"loud\": expected one of error, warn, info, debug, trace",
        );
        check(
            "SLOP_STACKED_CACHE_MB",
            "lots",
            "SLOP_STACKED_CACHE_MB=\"lots\": expected auto or an integer 0–1048576",
        );
    }

    #[test]
    fn environment_beats_dotenv_and_sources_are_recorded() {
        let s = Settings::from_pairs(
            env(&[("SLOP_FFMPEG_CRF", "30")]),
            env(&[("SLOP_FFMPEG_CRF", "10"), ("SLOP_FRAME_SKIP", "7")]),
        )
        .expect("valid");
        assert_eq!(s.ffmpeg_crf, 30);
        assert_eq!(s.frame_skip, Some(7));
        assert_eq!(s.sources["SLOP_FFMPEG_CRF"], Source::Environment);
        assert_eq!(s.sources["SLOP_FRAME_SKIP"], Source::DotEnv);
        assert_eq!(s.sources["SLOP_LOG"], Source::Default);
    }

    #[test]
    fn unknown_slop_variables_are_reported() {
        let s = Settings::from_pairs(env(&[("SLOP_FRAME_SKP", "3")]), vec![]).expect("valid");
        assert_eq!(s.unknown, vec!["SLOP_FRAME_SKP".to_string()]);
    }

    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// What the window saves reads back exactly, whatever the values hold.
        #[test]
        fn saved_pairs_read_back_exactly(values in prop::collection::vec(any::<String>(), 1..5)) {
            let dir = std::env::temp_dir().join(format!("slop-pairs-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            let file = dir.join("settings.env");
            let pairs: Vec<(String, String)> = values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("SLOP_TEST_{i}"), v.replace('\0', "")))
                .collect();
            std::fs::write(&file, write_pairs(&pairs)).expect("write");
            let back = read_dotenv(&file);
            std::fs::remove_dir_all(&dir).ok();
            prop_assert_eq!(back.expect("reads back"), pairs);
        }

        /// Any `.env` text: our pairs or an error naming the file, never a panic.
        #[test]
        fn any_dotenv_text_is_read_or_refused(text in "(SLOP_[A-Z]{1,4}=[ -~]{0,12}\n|[ -~\n]{0,20}){0,6}") {
            let dir = std::env::temp_dir().join(format!("slop-anyenv-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("dir");
            let file = dir.join(".env");
            std::fs::write(&file, &text).expect("write");
            let r = read_dotenv(&file);
            std::fs::remove_dir_all(&dir).ok();
            if let Err(e) = r {
                prop_assert_eq!(e.var, ".env");
            }
        }
    }

    #[test]
    fn values_the_property_test_found_read_back() {
        // A backslash in single quotes was read as an escape (the file would not load); a line
        // break in quotes was cut at the line.
        let dir = std::env::temp_dir().join(format!("slop-found-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let file = dir.join("settings.env");
        for v in ["\\", "C:\\models\\", "a\nb", "it's\n$HOME"] {
            let pairs = vec![("SLOP_WHISPER_MODEL".to_string(), v.to_string())];
            std::fs::write(&file, write_pairs(&pairs)).expect("write");
            assert_eq!(read_dotenv(&file).expect("reads"), pairs, "{v:?}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn other_tools_lines_in_dotenv_never_stop_us() {
        let dir = std::env::temp_dir().join(format!("slop-dotenv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let env = dir.join(".env");
        std::fs::write(
            &env,
            "# someone else's settings\nOTHER_TOOL=\"unterminated\nBROKEN LINE WITHOUT EQUALS\n\
             export SLOP_FFMPEG_CRF=20\nSLOP_LOG='debug'\n",
        )
        .expect("write");
        let pairs = read_dotenv(&env).expect("other tools' lines are skipped");
        assert_eq!(
            pairs,
            vec![
                ("SLOP_FFMPEG_CRF".to_string(), "20".to_string()),
                ("SLOP_LOG".to_string(), "debug".to_string())
            ]
        );
        // A broken line of ours is still an error that names the file.
        std::fs::write(&env, "SLOP_LOG=\"debug\n").expect("write");
        let e = read_dotenv(&env).expect_err("our own broken line");
        assert_eq!(e.var, ".env");
        assert!(e.value.ends_with(".env"), "{e:?}");
        std::fs::remove_dir_all(&dir).ok();
    }
}
