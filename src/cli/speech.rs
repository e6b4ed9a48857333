//! `slopcannon transcribe FILE` and `slopcannon models`: speech to text and the model store.

use super::bars::Bars;
use crate::settings::{Settings, Source};
use anyhow::Context as _;
use slopcannon_engine::progress::JobId;
use slopcannon_engine::project::data_dir;
use slopcannon_engine::speech::download::{download_model, DownloadOptions};
use slopcannon_engine::speech::model::{installed, models_dir};
use slopcannon_engine::speech::subtitles::{clip_srt, clip_vtt, file_style};
use slopcannon_engine::speech::{transcribe as run_transcribe, TranscribeOptions};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `transcribe`.
#[derive(Debug, clap::Args)]
pub struct TranscribeArgs {
    /// The video or audio file to transcribe.
    pub file: PathBuf,
    /// Write the transcript (segments and words) as JSON to this file (`-` = stdout).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write SubRip subtitles to this file.
    #[arg(long, value_name = "OUT")]
    pub srt: Option<PathBuf>,
    /// Write WebVTT subtitles to this file.
    #[arg(long, value_name = "OUT")]
    pub vtt: Option<PathBuf>,
    /// A model name or ggml file (default: SLOP_WHISPER_MODEL).
    #[arg(long)]
    pub model: Option<String>,
    /// Do not read or write the transcript cache.
    #[arg(long)]
    pub no_cache: bool,
}

/// Arguments of `models`: with no action, list the installed models.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub action: Option<ModelsAction>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ModelsAction {
    /// Download a model (e.g. tiny.en, base.en, small) from the whisper.cpp model repository,
    /// with resume and a checksum check.
    Download {
        name: String,
        /// Base URL to download from.
        #[arg(long, default_value = slopcannon_engine::speech::download::DEFAULT_BASE_URL)]
        url: String,
        /// Expected SHA-1 (default: whisper.cpp's published checksum for NAME).
        #[arg(long)]
        sha1: Option<String>,
    },
}

/// `models download NAME`: fetches the model into the model folder with a progress bar.
fn download(name: &str, url: &str, sha1: Option<&str>, dir: PathBuf) -> anyhow::Result<ExitCode> {
    let opts = DownloadOptions {
        base_url: url.to_string(),
        sha1: sha1.map(str::to_string),
        ..DownloadOptions::new(dir)
    };
    let bars = Bars::new(true);
    let sink = bars.sink(|_| {});
    let result = download_model(name, &opts, JobId::next(), &sink, &super::interruptible());
    bars.clear();
    let path = match result {
        Err(e @ slopcannon_engine::speech::download::DownloadError::Network { .. }) => {
            anyhow::bail!(
                "{e}\nNo network here? Fetch ggml-{name}.bin from {url} on another machine and \
                 copy it into {}, or point SLOP_WHISPER_MODEL at it",
                opts.models_dir.display()
            )
        }
        r => r?,
    };
    super::print(&format!("{name}: {}\n", path.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// Builds the engine options from settings (and an optional model override).
pub(crate) fn options(settings: &Settings, model: Option<&str>, cache: bool) -> TranscribeOptions {
    settings.transcribe_options(data_dir().as_deref(), model, cache)
}

pub fn transcribe(args: &TranscribeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let mut opts = options(settings, args.model.as_deref(), !args.no_cache);
    // On its own (no video pass beside it to leave a core for), a transcription takes every
    // core unless SLOP_WHISPER_THREADS says how many: 1.9× faster on 2 cores.
    if settings
        .sources
        .get("SLOP_WHISPER_THREADS")
        .is_none_or(|s| *s == Source::Default)
    {
        opts.threads = slopcannon_engine::system::cores();
    }
    let to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    let bars = Bars::new(!to_stdout);
    let sink = bars.sink(|_| {});
    let result = run_transcribe(
        &args.file,
        &opts,
        JobId::next(),
        &sink,
        &super::interruptible(),
    );
    bars.clear();
    let done = result?;
    let t = &done.transcript;
    let words: Vec<_> = t.words().cloned().collect();
    // No cue outlasts the last word (it would outlast the file).
    let end = words.last().map_or(0.0, |w| w.end);
    let style = file_style();
    if let Some(p) = &args.srt {
        std::fs::write(p, clip_srt(&words, 0.0, end, &style))
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &args.vtt {
        std::fs::write(p, clip_vtt(&words, 0.0, end, &style))
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    if let Some(p) = &args.json {
        let text = serde_json::to_string_pretty(t)? + "\n";
        if to_stdout {
            super::print(&text)?;
            return Ok(ExitCode::SUCCESS);
        }
        std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let mut out = String::new();
    for s in &t.segments {
        writeln!(out, "[{:>8.2} → {:>8.2}] {}", s.start, s.end, s.text)?;
    }
    writeln!(
        out,
        "({}, {}; model {}{})",
        crate::wording::count(t.segments.len(), "segment"),
        crate::wording::count(words.len(), "word"),
        done.model_path.display(),
        if done.from_cache {
            ", from the cache"
        } else {
            ""
        }
    )?;
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn models(args: &ModelsArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let dir = data_dir()
        .map(|d| models_dir(&d))
        .unwrap_or_else(|| PathBuf::from("models"));
    if let Some(ModelsAction::Download { name, url, sha1 }) = &args.action {
        return download(name, url, sha1.as_deref(), dir);
    }
    let list = installed(&dir);
    let mut out = format!(
        "models in {} (SLOP_WHISPER_MODEL={}):\n",
        dir.display(),
        settings.whisper_model
    );
    let set = Path::new(&settings.whisper_model);
    let set_is_file = set.is_file();
    if set_is_file {
        writeln!(
            out,
            "  SLOP_WHISPER_MODEL names a file, and it is used: {}",
            set.display()
        )?;
    }
    if list.is_empty() && !set_is_file {
        out.push_str(
            "  none installed. `slopcannon models download tiny.en` fetches one (75 MB; also \
             tiny.en-q8_0, base.en, small.en, …), or copy a ggml model \
             (e.g. ggml-tiny.en-q8_0.bin) there, or set SLOP_WHISPER_MODEL to its path.\n",
        );
    }
    for m in list {
        writeln!(
            out,
            "  {:<12} {:<6} {:>6.1} MB  {}",
            m.name,
            m.quantisation,
            m.size_bytes as f64 / 1e6,
            m.path.display()
        )?;
    }
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
