//! `slopcannon export FILE --clips CLIPS.json --out DIR` or `export --project P.json`: batch
//! export of clips, with a summary table (or `--json`). CLIPS.json is `analyze --json` output
//! (its `clips`) or a plain `[{"start": s, "end": s}]` list; a project (`analyze --project`,
//! or one the window saved) gives its ticked segments, labels, transcript and export
//! settings, which the flags given here add to.

use super::bars::Bars;
use crate::settings::Settings;
use anyhow::Context as _;
use slopcannon_engine::captions::CaptionStyle;
use slopcannon_engine::export::{export_clips, ClipRequest, ExportErrorKind, Portrait};
use slopcannon_engine::media::format_secs;
use slopcannon_engine::progress::JobId;
use slopcannon_engine::project::{ExportSettings, Project};
use slopcannon_engine::speech::Transcript;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["clips", "project"])))]
pub struct ExportArgs {
    /// The source video (with --project: the project's video when left out).
    #[arg(required_unless_present = "project")]
    pub file: Option<PathBuf>,
    /// The clips: `analyze --json` output or a `[{"start": s, "end": s}]` list.
    #[arg(long, value_name = "CLIPS.json")]
    pub clips: Option<PathBuf>,
    /// A project (`analyze --project`, or the window's): its ticked segments in order, their
    /// labels, its transcript and its export settings (the flags below add to them).
    #[arg(long, value_name = "PROJECT.json", conflicts_with = "clips")]
    pub project: Option<PathBuf>,
    /// Output folder (created if missing; with --project, the project's when left out, else
    /// slopcannon-clips beside the video, as the window does).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// For clips whose picture is kept as it is: `smart` copies the GOPs inside the clip and
    /// re-encodes only the partial GOPs at its ends (frame-exact, nearly copy speed; other
    /// codecs than H.264 are re-encoded, and the table says so); `reencode` encodes every
    /// frame (libx264 + AAC). --portrait, --stacked and subtitles always re-encode. [default:
    /// smart]
    #[arg(long, value_parser = ["smart", "reencode"])]
    pub mode: Option<String>,
    /// 9:16 1080×1920 output: `pad` (bars), `blur` (over a blurred copy) or `crop`.
    #[arg(long, value_name = "pad|blur|crop", value_parser = ["pad", "blur", "crop"])]
    pub portrait: Option<String>,
    /// Stacked 1080×1920: the clip on top, this video (looping) below.
    #[arg(long, value_name = "BG_VIDEO")]
    pub stacked: Option<PathBuf>,
    /// Burn this .ass subtitle file into every clip.
    #[arg(long, value_name = "FILE.ass", conflicts_with_all = ["captions", "title"])]
    pub subtitles: Option<PathBuf>,
    /// Burn word-by-word karaoke subtitles made from the transcript in CLIPS.json (analyze
    /// output made without --no-speech) or in the project.
    #[arg(long)]
    pub captions: bool,
    /// Burn each clip's label as a title at the top (a project's segment labels, or "label"
    /// in a plain CLIPS.json list; a clip without one gets none), in the caption style.
    #[arg(long)]
    pub title: bool,
    /// How the captions look: a preset (karaoke, clean, boxed, classic) or a style file
    /// (.toml or .json; any field left out takes the karaoke preset's value; see the README).
    /// [default: the project's, else karaoke]
    #[arg(long, value_name = "NAME|FILE")]
    pub caption_style: Option<String>,
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
    /// digits), {start} and {end} (like 05m03s), {label} (the segment's label, or clip).
    /// [default: the project's, else {video}_{num}_{start}-{end}.mp4]
    #[arg(long)]
    pub name: Option<String>,
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
    /// A plain list's own label (the template's `{label}`, `--title`); analyze's clips have none.
    #[serde(default)]
    label: String,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum ClipsFile {
    Analysis {
        clips: Vec<Span>,
        transcript: Option<Transcript>,
    },
    List(Vec<Span>),
}

/// Clip spans `(start, end, label)` and the transcript, as read from CLIPS.json.
type ClipList = (Vec<(f64, f64, String)>, Option<Transcript>);

/// Reads CLIPS.json in either form: the clip spans, and the transcript when it has one.
pub fn read_clips(path: &Path) -> anyhow::Result<ClipList> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the clip list: {}", path.display()))?;
    let not_a_list = || {
        format!(
            "not a clip list (expected analyze --json output or [{{\"start\": seconds, \"end\": seconds}}]): {}",
            path.display()
        )
    };
    let value: serde_json::Value = serde_json::from_str(&text).with_context(not_a_list)?;
    // Which clip is wrong, and how, rather than serde's "no variant matched".
    let items = match &value {
        serde_json::Value::Array(items) => items.as_slice(),
        serde_json::Value::Object(o) => match o.get("clips") {
            Some(serde_json::Value::Array(items)) => items.as_slice(),
            _ => anyhow::bail!(not_a_list()),
        },
        _ => anyhow::bail!(not_a_list()),
    };
    for (i, item) in items.iter().enumerate() {
        if let Err(e) = serde_json::from_value::<Span>(item.clone()) {
            anyhow::bail!(
                "clip {} is not {{\"start\": seconds, \"end\": seconds}} ({e}): {}",
                i + 1,
                path.display()
            );
        }
    }
    let parsed: ClipsFile = serde_json::from_value(value).with_context(not_a_list)?;
    let (spans, transcript) = match parsed {
        ClipsFile::Analysis { clips, transcript } => (clips, transcript),
        ClipsFile::List(clips) => (clips, None),
    };
    for (i, s) in spans.iter().enumerate() {
        anyhow::ensure!(
            s.start.is_finite() && s.start >= 0.0,
            "clip {} starts before the video does ({}): {}",
            i + 1,
            s.start,
            path.display()
        );
        anyhow::ensure!(
            s.end > s.start,
            "clip {} ends before it starts ({} – {}): {}",
            i + 1,
            s.start,
            s.end,
            path.display()
        );
    }
    Ok((
        spans
            .into_iter()
            .map(|s| (s.start, s.end, s.label))
            .collect(),
        transcript,
    ))
}

/// What to export, read from CLIPS.json or a project: the video, the clips, the transcript
/// and the export settings the flags start from.
struct Job {
    video: PathBuf,
    clips: Vec<ClipRequest>,
    transcript: Option<Arc<Transcript>>,
    settings: ExportSettings,
    /// Where the clips came from (for messages).
    from: PathBuf,
}

fn read_job(args: &ExportArgs) -> anyhow::Result<Job> {
    if let Some(path) = &args.project {
        let project = Project::read(path)?;
        let video = match &args.file {
            Some(f) => {
                anyhow::ensure!(
                    slopcannon_engine::project::same_video(f, &project.video),
                    "{} is the project of {}, not of {}",
                    path.display(),
                    project.video.display(),
                    f.display()
                );
                f.clone()
            }
            None => project.video.clone(),
        };
        anyhow::ensure!(
            video.is_file(),
            "the project's video is not there (moved or deleted?): {}",
            video.display()
        );
        if !project.matches_video() {
            tracing::warn!(
                "{} changed since the project was saved: its segments may not fit it",
                video.display()
            );
        }
        let clips = project
            .chosen()
            .map(|s| ClipRequest {
                start: s.start,
                end: s.end,
                label: s.label.clone(),
                subtitles: args.subtitles.clone(),
            })
            .collect();
        return Ok(Job {
            video,
            clips,
            transcript: project.transcript.clone(),
            settings: project.export,
            from: path.clone(),
        });
    }
    let from = args
        .clips
        .clone()
        .context("--clips or --project is needed")?;
    let video = args.file.clone().context("the video is needed")?;
    let (spans, transcript) = read_clips(&from)?;
    let clips = spans
        .iter()
        .map(|(start, end, label)| ClipRequest {
            start: *start,
            end: *end,
            label: label.clone(),
            subtitles: args.subtitles.clone(),
        })
        .collect();
    Ok(Job {
        video,
        clips,
        transcript: transcript.map(Arc::new),
        settings: ExportSettings::default(),
        from,
    })
}

/// The job's export settings with the flags on top.
fn with_flags(mut s: ExportSettings, args: &ExportArgs) -> anyhow::Result<ExportSettings> {
    if let Some(out) = &args.out {
        s.out_dir = Some(out.clone());
    }
    anyhow::ensure!(
        s.out_dir.is_some() || args.project.is_some(),
        "--out is needed (the folder the clips go to)"
    );
    if let Some(mode) = &args.mode {
        s.reencode = mode == "reencode";
    }
    if let Some(p) = args.portrait.as_deref() {
        s.portrait = Portrait::parse(p);
    }
    if let Some(bg) = &args.stacked {
        s.background = Some(bg.clone());
    }
    s.loudnorm |= args.loudnorm;
    s.captions |= args.captions;
    s.title |= args.title;
    if let Some(style) = &args.caption_style {
        anyhow::ensure!(
            s.captions || s.title,
            "--caption-style needs --captions or --title"
        );
        s.caption_style = CaptionStyle::load(style)?;
        s.caption_style_name = style.clone();
    }
    if let Some(name) = &args.name {
        s.template = name.clone();
    }
    if args.subtitles.is_some() {
        // A subtitle file of its own replaces captions from the transcript, and titles.
        if s.title {
            tracing::warn!("--subtitles replaces the project's titles: none is burned");
        }
        s.captions = false;
        s.title = false;
    }
    Ok(s)
}

pub fn export(args: &ExportArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(args.workers != Some(0), "--workers must be at least 1");
    let job = read_job(args)?;
    let choices = with_flags(job.settings, args)?;
    anyhow::ensure!(
        !job.clips.is_empty(),
        "the clip list is empty{}: {}",
        if args.project.is_some() {
            " (no segment is ticked)"
        } else {
            ""
        },
        job.from.display()
    );
    anyhow::ensure!(
        !choices.captions || job.transcript.is_some(),
        "--captions needs a transcript and this has none (a plain clip list never has one): export from `analyze --json` output or a project made with speech (a whisper model, without --no-speech): {}",
        job.from.display()
    );
    for p in [&choices.background, &args.subtitles].into_iter().flatten() {
        anyhow::ensure!(p.is_file(), "file not found: {}", p.display());
    }
    let base = slopcannon_engine::export::ExportOptions {
        overwrite: args.overwrite,
        workers: args.workers.unwrap_or(settings.max_export_workers).max(1),
        ..settings.export_options()
    };
    let mut opts = choices.options(&job.video, job.transcript.clone(), base);
    if let Some(fault) = &args.test_fault {
        super::test_fault::apply(fault, &mut opts)?;
    }
    let clips = job.clips;
    let file = job.video;
    let bars = Bars::new(!args.json);
    let sink = bars.sink(|_| {});
    let results = export_clips(
        &file,
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
                if r.width == 0 {
                    "—".to_string() // no picture: an audio clip
                } else {
                    format!("{}×{}", r.width, r.height)
                },
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
            "cancelled: {} of {} written",
            results.len() - failed,
            crate::wording::count(results.len(), "clip")
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_text(text: &str) -> anyhow::Result<ClipList> {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("slop-clips-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("clips.json");
        std::fs::write(&path, text).expect("write");
        let r = read_clips(&path);
        std::fs::remove_dir_all(&dir).ok();
        r
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any clip list a person or a tool writes: exactly its spans when every span is a
        /// span, else an error that says which clip — never a panic.
        #[test]
        fn clip_lists_read_back_or_say_which_clip_is_wrong(
            spans in prop::collection::vec((-10.0f64..1e5, -5.0f64..1e4), 0..6),
            wrapped in any::<bool>(),
        ) {
            let list = serde_json::to_string(
                &spans.iter().map(|(s, l)| serde_json::json!({"start": s, "end": s + l}))
                    .collect::<Vec<_>>(),
            ).expect("json");
            let text = if wrapped { format!("{{\"clips\": {list}}}") } else { list };
            let bad = spans.iter().position(|(s, l)| *s < 0.0 || *l <= 0.0);
            match (read_text(&text), bad) {
                (Ok((got, _)), None) => prop_assert_eq!(
                    got.iter().map(|(s, e, _)| (*s, *e)).collect::<Vec<_>>(),
                    spans.iter().map(|(s, l)| (*s, s + l)).collect::<Vec<_>>()
                ),
                (Err(e), Some(i)) => {
                    let msg = e.to_string();
                    let why = if spans[i].0 < 0.0 { "starts before the video does" } else { "ends before it starts" };
                    prop_assert!(msg.starts_with(&format!("clip {} {why}", i + 1)), "{}", msg);
                }
                (r, bad) => prop_assert!(false, "{:?} for bad clip {:?}", r.map(|c| c.0), bad),
            }
        }

        /// Any text at all: a clip list or an error, never a panic.
        #[test]
        fn any_text_is_a_clip_list_or_an_error(text in "[\\[\\]{}\",:0-9a-z. e+-]{0,40}") {
            let _ = read_text(&text);
        }
    }
}
