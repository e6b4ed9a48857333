//! `slopcannon analyze FILE`: find clips, print them as a table or the documented JSON
//! (see README: `video`, `pass`, `scenes`, `clips`, `curves`, `timings`, `warnings`), and
//! with `--project P.json` write them into a project (`export --project` reads it; the
//! segments edited in an earlier project stay, like the window's "keep my edits").

use super::bars::Bars;
use crate::settings::Settings;
use anyhow::Context as _;
use slopcannon_engine::analysis::{
    analyze as run_analysis, Analysis, AnalyzeOptions, Pass, Ranking,
};
use slopcannon_engine::media::format_secs;
use slopcannon_engine::progress::JobId;
use slopcannon_engine::project::{self, Project, ProjectError};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `analyze`.
#[derive(Debug, clap::Args)]
pub struct AnalyzeArgs {
    /// The video to analyse.
    pub file: PathBuf,
    /// Also write the JSON report to this file (`-`: print it instead of the table).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// How many clips to pick.
    #[arg(long, default_value_t = 5)]
    pub max_clips: usize,
    /// Shortest clip, seconds.
    #[arg(long, default_value_t = 15.0)]
    pub min_len: f64,
    /// Longest clip, seconds.
    #[arg(long, default_value_t = 60.0)]
    pub max_len: f64,
    /// Do not transcribe speech (faster; no transcript-based features).
    #[arg(long)]
    pub no_speech: bool,
    /// Stop after the quick pass (audio + keyframes): a first ranking within seconds.
    #[arg(long)]
    pub quick: bool,
    /// Video workers (default: SLOP_MAX_ANALYSIS_WORKERS).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Change a scoring weight, e.g. `--weight motion=2` (repeatable). Names: loudness,
    /// loudness_peak, onsets, motion, cuts, silence, speech, emphasis.
    #[arg(long = "weight", value_name = "NAME=VALUE")]
    pub weights: Vec<String>,
    /// Write (or update) this project file: the clips as segments, the scene cuts, the
    /// transcript and what a re-ranking needs. An existing project of the same video keeps
    /// its edited segments, labels, corrected transcript and export settings.
    #[arg(long, value_name = "PROJECT.json")]
    pub project: Option<PathBuf>,
}

/// Builds the engine options from arguments and settings.
pub fn options(args: &AnalyzeArgs, settings: &Settings) -> anyhow::Result<AnalyzeOptions> {
    anyhow::ensure!(
        args.min_len > 0.0 && args.max_len >= args.min_len,
        "--min-len must be > 0 and ≤ --max-len (got {} and {})",
        args.min_len,
        args.max_len
    );
    anyhow::ensure!(args.max_clips >= 1, "--max-clips must be at least 1");
    anyhow::ensure!(args.workers != Some(0), "--workers must be at least 1");
    let mut opts = AnalyzeOptions {
        workers: args.workers.unwrap_or(settings.max_analysis_workers).max(1),
        quick_only: args.quick,
        speech: (!args.no_speech).then(|| super::speech::options(settings, None, true)),
        ..settings.analyze_options()
    };
    opts.select.max_clips = args.max_clips;
    opts.select.min_len_secs = args.min_len;
    opts.select.max_len_secs = args.max_len;
    for w in &args.weights {
        let (name, value) = w
            .split_once('=')
            .with_context(|| format!("--weight {w}: expected NAME=VALUE"))?;
        let value: f32 = value
            .trim()
            .parse()
            .with_context(|| format!("--weight {w}: the value is not a number"))?;
        anyhow::ensure!(
            opts.select.weights.set(name.trim(), value),
            "--weight {w}: unknown weight; known: {}",
            slopcannon_engine::analysis::Weights::NAMES.join(", ")
        );
    }
    Ok(opts)
}

pub fn analyze(args: &AnalyzeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let opts = options(args, settings)?;
    let to_stdout = args.json.as_deref().is_some_and(|p| p.as_os_str() == "-");
    check_outputs(args, to_stdout)?;
    let bars = Bars::new(!to_stdout);
    let sink = bars.sink(|_| {});
    let rankings = |r: Ranking| {
        if r.pass == Pass::Quick {
            tracing::info!(
                "quick pass: {} ranked over the first {}",
                crate::wording::count(r.clips.len(), "clip"),
                format_secs(r.features.duration_secs)
            );
        }
    };
    let result = run_analysis(
        &args.file,
        &opts,
        JobId::next(),
        &sink,
        &rankings,
        &super::interruptible(),
    );
    bars.clear();
    let analysis = result?;
    for w in &analysis.warnings {
        tracing::warn!("{w}");
    }
    if let Some(path) = &args.project {
        write_project(path, &args.file, &analysis)?;
    }
    if let Some(out) = &args.json {
        let text = serde_json::to_string_pretty(&analysis)? + "\n";
        if to_stdout {
            super::print(&text)?;
            return Ok(ExitCode::SUCCESS);
        }
        std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    }
    let mut out = String::new();
    writeln!(
        out,
        "{} — {}, {} ({:?} pass, {:.1} s)",
        args.file.display(),
        crate::wording::count(analysis.scenes.len(), "scene cut"),
        crate::wording::count(analysis.clips.len(), "clip"),
        analysis.pass,
        analysis.timings.get("total").copied().unwrap_or(0.0)
    )?;
    for (i, c) in analysis.clips.iter().enumerate() {
        writeln!(
            out,
            "{:>2}. {} – {}  score {:>5.1}  {}",
            i + 1,
            format_secs(c.start),
            format_secs(c.end),
            c.score,
            c.reasons.join("; ")
        )?;
    }
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}

/// Before the analysis (minutes on a long video), what would refuse its result at the end:
/// a report into a folder that is not there, a project of another video.
fn check_outputs(args: &AnalyzeArgs, to_stdout: bool) -> anyhow::Result<()> {
    if let Some(out) = args.json.as_deref().filter(|_| !to_stdout) {
        let folder = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        anyhow::ensure!(
            folder.is_dir(),
            "cannot write {}: there is no folder {}",
            out.display(),
            folder.display()
        );
    }
    if let Some(path) = &args.project {
        // Only a readable project is checked here; one that cannot be used is kept aside
        // when the result is written.
        if let Ok(old) = Project::read(path) {
            anyhow::ensure!(
                project::same_video(&old.video, &args.file),
                "{} is the project of {}, not of {}: give another --project file",
                path.display(),
                old.video.display(),
                args.file.display()
            );
        }
    }
    Ok(())
}

/// Writes `analysis` into the project at `path`, merged into the one there (same video: its
/// edited segments, labels, corrected transcript and export settings stay). A file there
/// that is not a usable project is kept aside as `NAME.bad` first, and that is said.
fn write_project(path: &Path, video: &Path, analysis: &Analysis) -> anyhow::Result<()> {
    let old = match project::load_or_keep_aside(path, None) {
        Ok(old) => old,
        Err(e @ ProjectError::KeptAside { .. }) => {
            tracing::warn!("{e}");
            None
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(old) = &old {
        anyhow::ensure!(
            project::same_video(&old.video, video),
            "{} is the project of {}, not of {}: give another --project file",
            path.display(),
            old.video.display(),
            video.display()
        );
    }
    let fresh = old.as_ref().is_none_or(|p| !p.matches_video());
    let old = old.unwrap_or_default();
    let mut next = project::next_id(&old.segments);
    let (segments, kept) = project::merge_ranking(
        if fresh { &[] } else { &old.segments },
        &analysis.clips,
        || {
            next += 1;
            next - 1
        },
    );
    let mut p = Project::new(video, segments);
    p.pass = Some(analysis.pass);
    p.scenes = analysis.scenes.clone();
    p.transcript = project::merge_transcript(
        old.transcript.as_ref().filter(|_| !fresh),
        analysis.transcript.clone(),
    );
    p.curves = Some(std::sync::Arc::new(analysis.curves.clone()));
    p.features = Some(analysis.features.clone());
    p.export = old.export;
    p.stamp_video();
    p.write(path)?;
    tracing::info!(
        "project: {}, {} ticked for export{} in {}",
        crate::wording::count(p.segments.len(), "segment"),
        p.chosen().count(),
        if kept > 0 {
            format!(" (kept the {kept} you edited)")
        } else {
            String::new()
        },
        path.display()
    );
    Ok(())
}
