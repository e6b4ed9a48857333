//! `slopcannon export FILE --clips CLIPS.json --out DIR`: batch export of clips, with a
//! summary table (or `--json`). CLIPS.json is `analyze --json` output (its `clips`) or a plain
//! `[{"start": s, "end": s}]` list.

use super::bars::Bars;
use crate::settings::Settings;
use anyhow::Context as _;
use slopcannon_engine::export::{
    export_clips, ClipRequest, CutMode, ExportErrorKind, ExportOptions, Portrait,
};
use slopcannon_engine::media::format_secs;
use slopcannon_engine::progress::JobId;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The source video.
    pub file: PathBuf,
    /// The clips: `analyze --json` output or a `[{"start": s, "end": s}]` list.
    #[arg(long, value_name = "CLIPS.json")]
    pub clips: PathBuf,
    /// Output folder (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// For clips whose picture is kept as it is: `smart` copies the GOPs inside the clip and
    /// re-encodes only the partial GOPs at its ends (frame-exact, nearly copy speed; other
    /// codecs than H.264 are re-encoded, and the table says so); `reencode` encodes every
    /// frame (libx264 + AAC). --portrait, --stacked and subtitles always re-encode.
    #[arg(long, default_value = "smart", value_parser = ["smart", "reencode"])]
    pub mode: String,
    /// 9:16 1080×1920 output: `pad` (bars), `blur` (over a blurred copy) or `crop`.
    #[arg(long, value_name = "pad|blur|crop", value_parser = ["pad", "blur", "crop"])]
    pub portrait: Option<String>,
    /// Stacked 1080×1920: the clip on top, this video (looping) below.
    #[arg(long, value_name = "BG_VIDEO")]
    pub stacked: Option<PathBuf>,
    /// Burn this .ass subtitle file into every clip.
    #[arg(long, value_name = "FILE.ass", conflicts_with = "captions")]
    pub subtitles: Option<PathBuf>,
    /// Burn word-by-word karaoke subtitles made from the transcript in CLIPS.json (analyze
    /// output made without --no-speech).
    #[arg(long)]
    pub captions: bool,
    /// How the captions look: a preset (karaoke, clean, boxed, classic) or a style file
    /// (.toml or .json; any field left out takes the karaoke preset's value; see the README).
    #[arg(
        long,
        value_name = "NAME|FILE",
        default_value = "karaoke",
        requires = "captions"
    )]
    pub caption_style: String,
    /// Normalise loudness (EBU R128, one pass).
    #[arg(long)]
    pub loudnorm: bool,
    /// Parallel jobs (default: SLOP_MAX_EXPORT_WORKERS).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Replace existing files instead of adding a suffix.
    #[arg(long)]
    pub overwrite: bool,
    /// File name template. Fields: {video} (the source's name), {num} (the clip's number, 2
    /// digits), {start} and {end} (like 05m03s).
    #[arg(long, default_value = slopcannon_engine::export::output::DEFAULT_TEMPLATE)]
    pub name: String,
    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
    /// Test hook: inject a fault (see `test_fault.rs`).
    #[arg(long, hide = true, value_name = "FAULT")]
    pub test_fault: Option<String>,
}

#[derive(serde::Deserialize)]
struct Span {
    start: f64,
    end: f64,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ClipsFile {
    Analysis {
        clips: Vec<Span>,
        transcript: Option<slopcannon_engine::speech::Transcript>,
    },
    List(Vec<Span>),
}

/// Clip spans `(start, end)` and the transcript, as read from CLIPS.json.
type ClipList = (
    Vec<(f64, f64)>,
    Option<slopcannon_engine::speech::Transcript>,
);

/// Reads CLIPS.json in either form: the clip spans, and the transcript when it has one.
pub fn read_clips(path: &Path) -> anyhow::Result<ClipList> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the clip list: {}", path.display()))?;
    let parsed: ClipsFile = serde_json::from_str(&text).with_context(|| {
        format!(
            "not a clip list (expected analyze --json output or [{{\"start\", \"end\"}}]): {}",
            path.display()
        )
    })?;
    let (spans, transcript) = match parsed {
        ClipsFile::Analysis { clips, transcript } => (clips, transcript),
        ClipsFile::List(clips) => (clips, None),
    };
    for (i, s) in spans.iter().enumerate() {
        anyhow::ensure!(
            s.start >= 0.0 && s.end > s.start,
            "clip {} ends before it starts ({} – {}): {}",
            i + 1,
            s.start,
            s.end,
            path.display()
        );
    }
    Ok((
        spans.into_iter().map(|s| (s.start, s.end)).collect(),
        transcript,
    ))
}

pub fn export(args: &ExportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (spans, transcript) = read_clips(&args.clips)?;
    let captions = if args.captions {
        Some(std::sync::Arc::new(transcript.with_context(|| {
            format!(
                "--captions needs a transcript: run analyze without --no-speech (and with a whisper model): {}",
                args.clips.display()
            )
        })?))
    } else {
        None
    };
    let caption_style = slopcannon_engine::captions::CaptionStyle::load(&args.caption_style)?;
    anyhow::ensure!(
        !spans.is_empty(),
        "the clip list is empty: {}",
        args.clips.display()
    );
    for p in [&args.stacked, &args.subtitles].into_iter().flatten() {
        anyhow::ensure!(p.is_file(), "file not found: {}", p.display());
    }
    let mut opts = ExportOptions {
        out_dir: args.out.clone(),
        template: args.name.clone(),
        overwrite: args.overwrite,
        mode: if args.mode == "reencode" {
            CutMode::Reencode
        } else {
            CutMode::Smart
        },
        portrait: args.portrait.as_deref().and_then(Portrait::parse),
        stacked: args.stacked.clone(),
        loudnorm: args.loudnorm,
        workers: args.workers.unwrap_or(settings.max_export_workers).max(1),
        captions,
        caption_style,
        ..settings.export_options()
    };
    if let Some(fault) = &args.test_fault {
        super::test_fault::apply(fault, &mut opts)?;
    }
    let clips: Vec<ClipRequest> = spans
        .iter()
        .map(|(start, end)| ClipRequest {
            start: *start,
            end: *end,
            subtitles: args.subtitles.clone(),
        })
        .collect();
    let bars = Bars::new(!args.json);
    let sink = bars.sink(|_| {});
    let results = export_clips(
        &args.file,
        &clips,
        &opts,
        JobId::next(),
        &sink,
        &super::interruptible(),
    );
    bars.clear();
    let results = results?;
    let failed = results.iter().filter(|r| r.output.is_none()).count();
    let cancelled = results
        .iter()
        .filter(|r| r.error_kind == Some(ExportErrorKind::Cancelled))
        .count();
    if args.json {
        super::print(&(serde_json::to_string_pretty(&results)? + "\n"))?;
    } else {
        let mut out = String::new();
        writeln!(
            out,
            "{:<44} {:>10} {:>11} {:<24} {:>8} {:>7}",
            "file", "duration", "size", "mode", "attempts", "seconds"
        )?;
        for r in &results {
            let name = r
                .output
                .as_ref()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| match r.error_kind {
                    Some(ExportErrorKind::Cancelled) => format!("clip {} cancelled", r.index + 1),
                    _ => format!(
                        "clip {} FAILED: {}",
                        r.index + 1,
                        r.error.as_deref().unwrap_or("")
                    ),
                });
            writeln!(
                out,
                "{:<44} {:>10} {:>11} {:<24} {:>8} {:>7.1}",
                name,
                format_secs(if r.output.is_some() {
                    r.duration_secs
                } else {
                    r.end - r.start
                }),
                format!("{}×{}", r.width, r.height),
                r.mode,
                r.attempts,
                r.secs()
            )?;
            for f in &r.fallbacks {
                writeln!(out, "    note: {f}")?;
            }
        }
        super::print(&out)?;
    }
    if cancelled > 0 {
        tracing::warn!(
            "cancelled: {} of {} clips written",
            results.len() - failed,
            results.len()
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
