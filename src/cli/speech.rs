//! `slopcannon transcribe FILE` and `slopcannon models`: speech to text and the model store.

use crate::settings::Settings;
use std::process::ExitCode;

/// Arguments of `transcribe`.
#[derive(Debug, clap::Args)]
pub struct TranscribeArgs {
    /// The video or audio file to transcribe.
    pub file: std::path::PathBuf,
}

/// Arguments of `models`.
#[derive(Debug, clap::Args)]
pub struct ModelsArgs {}

pub fn transcribe(args: &TranscribeArgs, _settings: &Settings) -> anyhow::Result<ExitCode> {
    anyhow::bail!("transcription is not built yet: {}", args.file.display())
}

pub fn models(_args: &ModelsArgs, _settings: &Settings) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the model store is not built yet")
}
