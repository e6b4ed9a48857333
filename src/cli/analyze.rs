//! `slopcannon analyze FILE`: find clips, print them as text or the documented JSON.

use crate::settings::Settings;
use std::process::ExitCode;

/// Arguments of `analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The video to analyse.
    pub file: std::path::PathBuf,
}

pub fn analyze(args: &AnalyzeArgs, _settings: &Settings) -> anyhow::Result<ExitCode> {
    anyhow::bail!("analysis is not built yet: {}", args.file.display())
}
