//! `slopcannon bench decode FILE`: frames/s of the analysis sampler at stride 1, at the auto
//! stride and keyframes-only, and — in the same run, on the same file — the wall time of
//! `ffmpeg -threads 2 -i FILE -f null -`, with ratios. Medians over `--runs`.

use crate::settings::Settings;
use anyhow::Context as _;
use slopcannon_engine::media::probe;
use slopcannon_engine::media::sampler::{
    sample_frames_with_signatures, FrameSignature, SamplerOptions, Stride,
};
use slopcannon_engine::progress::CancelToken;
use slopcannon_engine::stats::median;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(Debug, serde::Serialize)]
struct Row {
    name: String,
    wall_secs: f64,
    /// Frames the decoder produced.
    decoded_frames: u64,
    /// Frames handed to analysis.
    sampled_frames: u64,
    /// Video frames covered per second of wall time (source frames / wall).
    source_fps: f64,
    /// ffmpeg CLI wall / this wall: > 1 means faster than the CLI.
    speedup_vs_ffmpeg: Option<f64>,
}

pub fn decode(path: &Path, settings: &Settings, json: bool, runs: u32) -> anyhow::Result<ExitCode> {
    let info = probe(path)?;
    let (_, video) = info
        .video()
        .with_context(|| format!("no video stream: {}", path.display()))?;
    let duration = info.duration_secs.unwrap_or(0.0);
    let fps = video.fps();
    let source_frames = (duration * fps).round().max(1.0);
    let threads = slopcannon_engine::system::cores().min(2);
    let stride_auto = settings.analyze_options().stride;

    // (name, stride, exact, signatures of every frame)
    let passes: [(&str, Stride, bool, bool); 5] = [
        ("sampler stride 1", Stride::Every(1), true, false),
        ("sampler auto stride", stride_auto, false, false),
        (
            "sampler auto stride, all frames decoded",
            stride_auto,
            true,
            false,
        ),
        ("  + signature of every frame", stride_auto, true, true),
        ("sampler keyframes only", Stride::Keyframes, false, false),
    ];
    let mut rows = Vec::new();
    for (name, stride, exact, signatures) in passes {
        let mut walls = Vec::new();
        let mut counts = (0, 0);
        for _ in 0..runs {
            let opts = SamplerOptions {
                stride,
                threads,
                exact,
                ..SamplerOptions::default()
            };
            let t0 = Instant::now();
            let mut sigs = 0u64;
            let mut count_sig = |_| sigs += 1;
            let on_sig: Option<&mut dyn FnMut(FrameSignature)> =
                signatures.then_some(&mut count_sig as &mut dyn FnMut(FrameSignature));
            let stats =
                sample_frames_with_signatures(path, &opts, &CancelToken::new(), on_sig, |_| {
                    ControlFlow::Continue(())
                })?;
            walls.push(t0.elapsed().as_secs_f64());
            counts = (stats.decoded, stats.sampled);
        }
        let wall = median(&mut walls);
        let label = match stride {
            Stride::Every(n) => format!("{name} (every {n})"),
            Stride::Auto => format!(
                "{name} (every {})",
                slopcannon_engine::media::sampler::auto_stride(fps)
            ),
            Stride::Keyframes => name.to_string(),
        };
        rows.push(Row {
            name: label,
            wall_secs: wall,
            decoded_frames: counts.0,
            sampled_frames: counts.1,
            source_fps: source_frames / wall,
            speedup_vs_ffmpeg: None,
        });
    }

    let mut walls = Vec::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let status = Command::new("ffmpeg")
            .args(["-hide_banner", "-loglevel", "error", "-threads", "2", "-i"])
            .arg(path)
            .args(["-map", "0:v:0", "-f", "null", "-"])
            .stdin(Stdio::null())
            .status()
            .context("running the reference `ffmpeg` (is the ffmpeg CLI installed?)")?;
        walls.push(t0.elapsed().as_secs_f64());
        anyhow::ensure!(status.success(), "reference ffmpeg failed: {status}");
    }
    let ffmpeg_wall = median(&mut walls);
    for row in &mut rows {
        row.speedup_vs_ffmpeg = Some(ffmpeg_wall / row.wall_secs);
    }
    rows.push(Row {
        name: "ffmpeg -threads 2 -i FILE -f null - (video)".into(),
        wall_secs: ffmpeg_wall,
        decoded_frames: source_frames as u64,
        sampled_frames: 0,
        source_fps: source_frames / ffmpeg_wall,
        speedup_vs_ffmpeg: Some(1.0),
    });

    if json {
        let out = serde_json::json!({
            "file": path, "duration_secs": duration, "fps": fps, "runs": runs, "rows": rows,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "bench decode: {} ({:.1} s, {}×{} {:.3} fps, {} runs, medians)",
            path.display(),
            duration,
            video.width,
            video.height,
            fps,
            runs
        );
        println!(
            "{:<44} {:>9} {:>9} {:>9} {:>11} {:>9}",
            "pass", "wall s", "decoded", "sampled", "source f/s", "vs ffmpeg"
        );
        for r in &rows {
            println!(
                "{:<44} {:>9.3} {:>9} {:>9} {:>11.0} {:>8.2}×",
                r.name,
                r.wall_secs,
                r.decoded_frames,
                r.sampled_frames,
                r.source_fps,
                r.speedup_vs_ffmpeg.unwrap_or(0.0)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
