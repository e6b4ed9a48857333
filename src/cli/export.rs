//! `slopcannon export FILE --clips CLIPS.json --out DIR`: batch export of clips.

use crate::settings::Settings;
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The source video.
    pub file: std::path::PathBuf,
}

pub fn export(args: &ExportArgs, _settings: &Settings) -> anyhow::Result<ExitCode> {
    anyhow::bail!("export is not built yet: {}", args.file.display())
}
