//! The command line: clap definitions and `main`. Each subcommand turns its arguments into
//! engine options once and calls the engine; no media work happens here.
//!
//! Exit codes: 0 = ok, 1 = bad input or a failed job, 2 = usage or settings error.

mod analyze;
mod bars;
mod bench;
mod export;
mod report;
pub(crate) mod speech;
mod test_fault;

use crate::settings::Settings;
use clap::{Parser, Subcommand};
use slopcannon_engine::progress::CancelToken;
use std::path::PathBuf;
use std::process::ExitCode;

/// Find the moments in a long video that work as short clips, trim them, and export them.
///
/// With no subcommand, opens the window (with FILE loaded, if given).
#[derive(Debug, Parser)]
#[command(name = "slopcannon", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A video to open in the window.
    pub file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the window (optionally with FILE loaded).
    Gui {
        /// A video to open.
        file: Option<PathBuf>,
    },
    /// Show what a media file holds: container, duration, streams.
    Probe {
        file: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the effective settings and where each came from (default, environment, .env).
    Config {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Find the clips most likely to work as shorts.
    Analyze(analyze::AnalyzeArgs),
    /// Transcribe speech with word timestamps (whisper).
    Transcribe(speech::TranscribeArgs),
    /// List, check or download whisper models.
    Models(speech::ModelsArgs),
    /// Export clips (smart cut, re-encode, 9:16 portrait, subtitles).
    Export(export::ExportArgs),
    /// Measure speed against a reference run of the FFmpeg command line.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Frames/s of the analysis sampler (stride 1, auto stride, keyframes) vs `ffmpeg -f null`.
    Decode {
        file: PathBuf,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Repeat each measurement this many times and report the median.
        #[arg(long, default_value_t = 1)]
        runs: u32,
    },
    /// The real window, driven by a script: playback (idle, during an analysis, during an
    /// export), UI frame time, seek latency, the timeline's tracks and drawing time. Needs a
    /// display (scripts/bench-gui.sh runs it under Xvfb).
    Gui {
        file: PathBuf,
        /// Seconds of playback per phase.
        #[arg(long, default_value_t = 20.0)]
        play_secs: f64,
        /// Random seeks to time.
        #[arg(long, default_value_t = 50)]
        seeks: usize,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Only measure how soon the waveform and thumbnails are there after open.
        #[arg(long)]
        open_only: bool,
    },
}

/// The cancel token of a CLI job, cancelled by Ctrl+C (SIGINT) or SIGTERM: the job stops as a
/// cancel does — no partial files, and an export says which clips were written. A second
/// signal ends the process at once.
pub(crate) fn interruptible() -> CancelToken {
    static TOKEN: std::sync::OnceLock<CancelToken> = std::sync::OnceLock::new();
    TOKEN
        .get_or_init(|| {
            let token = CancelToken::new();
            let on_signal = token.clone();
            if let Err(e) = ctrlc::set_handler(move || {
                if on_signal.is_cancelled() {
                    std::process::exit(130);
                }
                eprintln!("cancelling… (again to quit at once)");
                on_signal.cancel();
            }) {
                tracing::warn!("Ctrl+C will not cancel cleanly: {e}");
            }
            token
        })
        .clone()
}

/// Parses arguments, loads settings, runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = Settings::load();
    match cli.command {
        None => crate::gui::run(settings, cli.file, None),
        Some(Command::Gui { file }) => crate::gui::run(settings, file, None),
        Some(Command::Bench {
            what:
                BenchCommand::Gui {
                    file,
                    play_secs,
                    seeks,
                    json,
                    open_only,
                },
        }) => crate::gui::run(
            settings,
            Some(file),
            Some(crate::gui::bench::BenchPlan {
                play_secs,
                seeks,
                json,
                open_only,
            }),
        ),
        Some(command) => {
            let settings = match settings {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            };
            crate::logging::init(settings.log, None);
            log_panics();
            settings.log_dotenv();
            for var in &settings.unknown {
                tracing::warn!("unknown setting {var} ignored (see config.example.env)");
            }
            match run(command, &settings) {
                Ok(code) => code,
                Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// A panic (a bug) is logged as one error line instead of Rust's default text, unless
/// `RUST_BACKTRACE` asks for the details; a job that catches it (an export's clip) goes on.
fn log_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        let text = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        let at = info
            .location()
            .map(|l| format!(" ({}:{})", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!("internal error (a bug, please report it): {text}{at}");
    }));
}

fn run(command: Command, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Gui { .. } => Ok(ExitCode::SUCCESS),
        Command::Probe { file, json } => report::probe(&file, json),
        Command::Config { json } => report::config(settings, json),
        Command::Analyze(args) => analyze::analyze(&args, settings),
        Command::Transcribe(args) => speech::transcribe(&args, settings),
        Command::Models(args) => speech::models(&args, settings),
        Command::Export(args) => export::export(&args, settings),
        Command::Bench { what } => match what {
            BenchCommand::Decode { file, json, runs } => {
                bench::decode(&file, settings, json, runs.max(1))
            }
            // Handled in `main` (the window needs the unloaded settings).
            BenchCommand::Gui { .. } => Ok(ExitCode::SUCCESS),
        },
    }
}

/// Writes `text` to stdout; a closed pipe (`slopcannon probe x | head`) is reported as an
/// `io::Error` of kind `BrokenPipe`, which `main` turns into a quiet success.
pub(crate) fn print(text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
