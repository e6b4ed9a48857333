//! The hostile-input corpus and the fault set, through the real binary (`probe`, `analyze
//! --no-speech`, `export`): every case runs with a time limit (a hang fails the test), must not
//! panic, and ends with its clear one-line message or a correct output (read back with
//! ffprobe); no hidden temporary file is left in an output folder. Each case prints one row
//! `| input or fault | command | outcome |` (prefixed `HOSTILE-ROW`), which
//! `scripts/hostile.sh` collects into the table.

mod changing;
mod corpus;
mod faults;
mod folders;
mod inputs;
mod security;
mod signals;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// No case may take longer than this; a process still running is killed and the test fails.
pub const LIMIT: Duration = Duration::from_secs(60);

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub out: String,
    pub err: String,
}

impl Run {
    /// The one `error: …` line on stderr (asserting there is exactly one).
    pub fn error_line(&self) -> &str {
        let lines: Vec<&str> = self
            .err
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        assert_eq!(lines.len(), 1, "one error line: {}", self.err);
        lines[0]
    }

    /// Asserts exit code 1 and one error line holding `words`; returns the line.
    pub fn fails_with(&self, words: &str) -> &str {
        assert_eq!(self.code, 1, "exit code 1: {}", self.err);
        let line = self.error_line();
        assert!(line.contains(words), "{words:?} in {line}");
        line
    }

    /// Asserts exit code 0.
    pub fn succeeds(&self) -> &Self {
        assert_eq!(self.code, 0, "exit code 0: {}", self.err);
        self
    }
}

/// Starts `cmd` with its output piped (see [`finish`]).
pub fn start(cmd: &mut Command) -> Child {
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start slopcannon")
}

/// Waits for `child` at most [`LIMIT`] (killing it and failing after), collects its output
/// and asserts it did not panic.
pub fn finish(mut child: Child) -> Run {
    let t0 = Instant::now();
    let reader = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut p) = pipe {
                p.read_to_end(&mut bytes).ok();
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let out = reader(child.stdout.take().map(|p| Box::new(p) as _));
    let err = reader(child.stderr.take().map(|p| Box::new(p) as _));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if t0.elapsed() > LIMIT {
            child.kill().ok();
            child.wait().ok();
            panic!("hung: killed after {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        out: out.join().unwrap_or_default(),
        err: err.join().unwrap_or_default(),
    };
    assert!(
        !run.err.contains("panicked at") && !run.out.contains("panicked at"),
        "no panic: {}",
        run.err
    );
    run
}

/// Runs `cmd` to its end within [`LIMIT`].
pub fn run(cmd: &mut Command) -> Run {
    finish(start(cmd))
}

/// Prints the case's table row (a `|` inside a cell escaped for markdown).
pub fn row(input: &str, command: &str, outcome: &str) {
    let cell = |s: &str| s.replace('|', "\\|");
    println!(
        "HOSTILE-ROW | {} | {} | {} |",
        cell(input),
        cell(command),
        cell(outcome)
    );
}

/// The row's outcome for a failure: `exit 1: <the message without "error: " and the path>`.
pub fn said(code: i32, line: &str) -> String {
    let text = line.trim_start_matches("error: ");
    let text = text.rsplit_once(": /").map_or(text, |(words, _)| words);
    format!("exit {code}: {text}")
}

/// The files of `dir` (none when it does not exist), asserting none is hidden (a temporary
/// `.…part` or `.…ass` left behind).
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    for f in &files {
        let hidden = f
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        assert!(!hidden, "a hidden file was left: {}", f.display());
    }
    files
}

/// What ffprobe reads back from an exported file: duration (s), video frames, width, height.
pub struct ReadBack {
    pub secs: f64,
    pub frames: u64,
    pub width: u32,
    pub height: u32,
}

impl std::fmt::Display for ReadBack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.2} s, {} frames, {}×{}",
            self.secs, self.frames, self.width, self.height
        )
    }
}

/// Reads `file` back with the ffprobe CLI (frames counted by decoding).
pub fn read_back(file: &Path) -> ReadBack {
    let out = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args([
            "-show_entries",
            "stream=width,height,nb_read_frames:format=duration",
        ])
        .args(["-of", "default=noprint_wrappers=1"])
        .arg(file)
        .output()
        .expect("run ffprobe");
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |key: &str| -> f64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("{key} of {}: {text}", file.display()))
    };
    ReadBack {
        secs: get("duration"),
        frames: get("nb_read_frames") as u64,
        width: get("width") as u32,
        height: get("height") as u32,
    }
}

/// Writes a plain clip list `[{"start", "end"}, …]` into `dir` and returns its path.
pub fn clip_list(dir: &Path, spans: &[(f64, f64)]) -> PathBuf {
    let items: Vec<String> = spans
        .iter()
        .map(|(s, e)| format!(r#"{{"start": {s}, "end": {e}}}"#))
        .collect();
    let path = dir.join("clips.json");
    std::fs::write(&path, format!("[{}]", items.join(", "))).expect("write clip list");
    path
}
