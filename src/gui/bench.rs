//! `slopcannon bench gui FILE`: the real window, driven through phases by a script inside the
//! app, measuring what a person notices — frames shown and dropped while playing (idle, during
//! an analysis, during an export), UI frame time (our `logic` + `ui` per frame), seek latency
//! (the command a click on the timeline sends → the exact frame uploaded; between seeks the
//! window draws only the frames the app asks for, as after a click), how soon the
//! waveform and thumbnails are there after open, and the timeline's drawing time with the
//! curves, the waveform and 2000 clips at full and at maximum zoom. Prints a table (or JSON)
//! and closes the window. Run it under Xvfb with `scripts/bench-gui.sh`.

use super::app::SlopApp;
use super::command::Command;
use super::widgets::timeline_view::{TimelineView, MIN_SPAN_SECS};
use slopcannon_engine::analysis::scoring::Clip;
use slopcannon_engine::stats::median;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// What to measure.
#[derive(Clone, Debug)]
pub struct BenchPlan {
    pub play_secs: f64,
    pub seeks: usize,
    pub json: bool,
    /// Only how soon the waveform and thumbnails are there (e.g. for a 2-hour file).
    pub open_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Opening,
    Idle,
    Playing,
    Seeking,
    PlayingDuringAnalysis,
    WaitAnalysis,
    PlayingDuringExport,
    TimelineFull,
    TimelineZoomed,
    Done,
}

/// Per-phase results.
#[derive(Clone, Debug, Default, serde::Serialize)]
struct Row {
    frames: usize,
    ui_median_ms: f64,
    ui_p99_ms: f64,
    ui_worst_ms: f64,
    shown_per_sec: Option<f64>,
    dropped_pct: Option<f64>,
    stats: Option<String>,
}

#[derive(Debug, Default, serde::Serialize)]
struct Report {
    file: String,
    load_start: String,
    load_end: String,
    waveform_ready_secs: Option<f64>,
    thumbnails_ready_secs: Option<f64>,
    thumbnails: usize,
    seek_median_ms: f64,
    seek_p95_ms: f64,
    seek_worst_ms: f64,
    seeks: usize,
    /// Where the seeks went (the script times the ffmpeg CLI's exact seek to the same ones).
    seek_positions: Vec<f64>,
    timeline_full_median_ms: f64,
    timeline_full_worst_ms: f64,
    timeline_zoomed_median_ms: f64,
    timeline_zoomed_worst_ms: f64,
    phases: BTreeMap<String, Row>,
}

pub struct Bench {
    plan: BenchPlan,
    phase: Phase,
    since: Instant,
    opened: Instant,
    frame_ms: Vec<f64>,
    timeline_ms: Vec<f64>,
    seek_target: Option<(f64, Instant)>,
    seek_ms: Vec<f64>,
    rng: u64,
    report: Report,
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Median, the `q` quantile and the worst of `v` (zeros when empty).
fn ms_stats(v: &[f64], q: f64) -> (f64, f64, f64) {
    if v.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let (pq, worst) = (
        s[((s.len() - 1) as f64 * q).round() as usize],
        s[s.len() - 1],
    );
    (median(&mut s), pq, worst)
}

impl Bench {
    pub fn new(plan: BenchPlan) -> Bench {
        let now = Instant::now();
        Bench {
            plan,
            phase: Phase::Opening,
            since: now,
            opened: now,
            frame_ms: Vec::new(),
            timeline_ms: Vec::new(),
            seek_target: None,
            seek_ms: Vec::new(),
            rng: 0x5eed_1234_abcd_ef01,
            report: Report {
                load_start: load(),
                ..Report::default()
            },
        }
    }

    fn random(&mut self) -> f64 {
        // xorshift64*: reproducible positions from run to run.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One UI frame took `ms` of our code's time; the timeline drew in `timeline_ms`.
    pub fn frame(&mut self, ms: f64, timeline_ms: Option<f64>) {
        self.frame_ms.push(ms);
        if let Some(t) = timeline_ms {
            self.timeline_ms.push(t);
        }
    }

    fn close_phase(&mut self, name: &str, app: &SlopApp) {
        let (med, p99, worst) = ms_stats(&self.frame_ms, 0.99);
        let mut row = Row {
            frames: self.frame_ms.len(),
            ui_median_ms: med,
            ui_p99_ms: p99,
            ui_worst_ms: worst,
            ..Row::default()
        };
        if matches!(
            self.phase,
            Phase::Playing | Phase::PlayingDuringAnalysis | Phase::PlayingDuringExport
        ) {
            if let Some(s) = &app.state.last_play {
                row.shown_per_sec = Some(s.shown_per_sec());
                row.dropped_pct = Some(s.dropped_pct());
                row.stats = Some(s.line());
            }
        }
        self.report.phases.insert(name.to_string(), row);
        self.frame_ms.clear();
    }

    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        self.since = Instant::now();
        self.frame_ms.clear();
        self.timeline_ms.clear();
    }

    /// Moves the script on; returns commands for the app and whether the window should close.
    pub fn step(&mut self, app: &SlopApp, ctx: &egui::Context) -> (Vec<Command>, bool) {
        if self.phase == Phase::Seeking {
            // Frames come as for a person's click: when the player's worker sends one. This
            // only bounds the wait for a seek that never shows.
            ctx.request_repaint_after(Duration::from_millis(250));
        } else {
            ctx.request_repaint(); // keep frames coming: the measurements are per frame
        }
        let s = &app.state;
        let elapsed = self.since.elapsed().as_secs_f64();
        let duration = s.duration_secs();
        let mut cmds = Vec::new();
        match self.phase {
            Phase::Opening => {
                if s.ready_generation().is_none() {
                    if elapsed > 60.0 {
                        tracing::error!("bench: the file did not open");
                        return (cmds, true);
                    }
                    return (cmds, false);
                }
                let t = self.opened.elapsed().as_secs_f64();
                if s.waveform.is_some() && self.report.waveform_ready_secs.is_none() {
                    self.report.waveform_ready_secs = Some(t);
                }
                let has_audio = s.info().is_some_and(|i| i.audio().is_some());
                let thumbs_done = !s.keyframes.is_empty() || !s.has_video();
                if thumbs_done && self.report.thumbnails_ready_secs.is_none() {
                    self.report.thumbnails_ready_secs = Some(t);
                    self.report.thumbnails = s.thumbnails.len();
                }
                let ready = thumbs_done && (s.waveform.is_some() || !has_audio);
                if ready || elapsed > 300.0 {
                    if let Some(f) = &s.file {
                        self.report.file = f.path.display().to_string();
                    }
                    if self.plan.open_only {
                        self.report.load_end = load();
                        self.enter(Phase::Done);
                        self.print();
                        return (cmds, true);
                    }
                    self.enter(Phase::Idle);
                }
            }
            Phase::Idle => {
                if elapsed > 3.0 {
                    self.close_phase("idle", app);
                    self.enter(Phase::Playing);
                    cmds.push(Command::SeekStart);
                    cmds.push(Command::TogglePlay);
                }
            }
            Phase::Playing | Phase::PlayingDuringAnalysis | Phase::PlayingDuringExport => {
                if elapsed > self.plan.play_secs || s.playback.is_none() && elapsed > 1.0 {
                    if s.playback.is_some() {
                        cmds.push(Command::TogglePlay);
                        return (cmds, false); // the statistics come with the stop
                    }
                    let name = match self.phase {
                        Phase::Playing => "playing",
                        Phase::PlayingDuringAnalysis => "playing during analysis",
                        _ => "playing during export",
                    };
                    self.close_phase(name, app);
                    match self.phase {
                        Phase::Playing => self.enter(Phase::Seeking),
                        Phase::PlayingDuringAnalysis => self.enter(Phase::WaitAnalysis),
                        _ => {
                            cmds.push(Command::CancelExport);
                            self.enter(Phase::TimelineFull);
                        }
                    }
                }
            }
            Phase::Seeking => {
                let frame = 1.0 / s.fps();
                match self.seek_target {
                    Some((t, at)) => {
                        let exact = s.preview_loading.is_none()
                            && s.pending_frame.is_none()
                            && s.preview_secs
                                .is_some_and(|p| p <= t + 1e-6 && p > t - frame * 1.01);
                        if exact {
                            self.seek_ms.push(at.elapsed().as_secs_f64() * 1000.0);
                            self.seek_target = None;
                        } else if at.elapsed() > Duration::from_secs(10) {
                            tracing::warn!("bench: seek to {t:.3} s not shown after 10 s");
                            self.seek_ms.push(10_000.0);
                            self.seek_target = None;
                        }
                    }
                    None if self.seek_ms.len() < self.plan.seeks => {
                        let t = self.random() * (duration - 1.0).max(0.0);
                        // On a frame boundary, as a click lands after the frame rounding.
                        let t = (t / frame).floor() * frame;
                        self.seek_target = Some((t, Instant::now()));
                        self.report.seek_positions.push(t);
                        cmds.push(Command::Seek(t));
                    }
                    None => {
                        let (med, p95, worst) = ms_stats(&self.seek_ms, 0.95);
                        self.report.seek_median_ms = med;
                        self.report.seek_p95_ms = p95;
                        self.report.seek_worst_ms = worst;
                        self.report.seeks = self.seek_ms.len();
                        self.close_phase("seeking", app);
                        self.enter(Phase::PlayingDuringAnalysis);
                        cmds.push(Command::FindClips);
                        cmds.push(Command::SeekStart);
                        cmds.push(Command::TogglePlay);
                    }
                }
            }
            Phase::WaitAnalysis => {
                if s.analysis.is_none() || elapsed > 600.0 {
                    self.enter(Phase::PlayingDuringExport);
                    cmds.push(Command::ExportClips);
                    cmds.push(Command::SeekStart);
                    cmds.push(Command::TogglePlay);
                }
            }
            Phase::TimelineFull => {
                if elapsed < 0.2 {
                    return (cmds, false);
                }
                if self.timeline_ms.len() >= 120 {
                    let (med, _, worst) = ms_stats(&self.timeline_ms, 0.99);
                    self.report.timeline_full_median_ms = med;
                    self.report.timeline_full_worst_ms = worst;
                    self.enter(Phase::TimelineZoomed);
                    let mid = duration / 2.0;
                    cmds.push(Command::SetView(TimelineView {
                        t0: mid,
                        t1: mid + MIN_SPAN_SECS,
                    }));
                    cmds.push(Command::Seek(mid + MIN_SPAN_SECS / 2.0));
                }
            }
            Phase::TimelineZoomed => {
                if elapsed > 0.2 && self.timeline_ms.len() >= 120 {
                    let (med, _, worst) = ms_stats(&self.timeline_ms, 0.99);
                    self.report.timeline_zoomed_median_ms = med;
                    self.report.timeline_zoomed_worst_ms = worst;
                    self.report.load_end = load();
                    self.enter(Phase::Done);
                    self.print();
                    return (cmds, true);
                }
            }
            Phase::Done => return (cmds, true),
        }
        (cmds, false)
    }

    /// 2000 segments over the video, for the timeline's drawing time.
    pub fn many_clips(duration: f64) -> super::segments::Segments {
        let n = 2000;
        let step = duration / n as f64;
        let clips: Vec<Clip> = (0..n)
            .map(|i| Clip {
                start: i as f64 * step,
                end: i as f64 * step + step * 0.8,
                score: 50.0,
                reasons: Vec::new(),
                features: Default::default(),
                filler: false,
            })
            .collect();
        let mut s = super::segments::Segments::default();
        s.merge_ranking(&clips);
        s
    }

    /// Whether the next frames should draw the 2000 clips.
    pub fn wants_many_clips(&self) -> bool {
        matches!(self.phase, Phase::TimelineFull | Phase::TimelineZoomed)
    }

    fn print(&self) {
        let r = &self.report;
        if self.plan.json {
            match serde_json::to_string_pretty(r) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("error: {e}"),
            }
            return;
        }
        let mut out = String::new();
        out += &format!("slopcannon bench gui: {}\n", r.file);
        out += &format!(
            "load average at start {} / end {}\n\n",
            r.load_start, r.load_end
        );
        out += &format!(
            "{:<26} {:>7} {:>10} {:>8} {:>10} {:>9} {:>10}\n",
            "phase", "frames", "shown/s", "dropped", "UI median", "UI p99", "UI worst"
        );
        for name in [
            "idle",
            "playing",
            "seeking",
            "playing during analysis",
            "playing during export",
        ] {
            if let Some(row) = r.phases.get(name) {
                let shown = row.shown_per_sec.map_or("-".into(), |v| format!("{v:.1}"));
                let dropped = row.dropped_pct.map_or("-".into(), |v| format!("{v:.1} %"));
                out += &format!(
                    "{:<26} {:>7} {:>10} {:>8} {:>7.2} ms {:>6.2} ms {:>7.2} ms\n",
                    name,
                    row.frames,
                    shown,
                    dropped,
                    row.ui_median_ms,
                    row.ui_p99_ms,
                    row.ui_worst_ms
                );
            }
        }
        out += &format!(
            "\nseek latency over {} random positions (Seek → exact frame on screen): median {:.0} ms, p95 {:.0} ms, worst {:.0} ms\n",
            r.seeks, r.seek_median_ms, r.seek_p95_ms, r.seek_worst_ms
        );
        if !r.seek_positions.is_empty() {
            let list: Vec<String> = r.seek_positions.iter().map(|t| format!("{t:.4}")).collect();
            out += &format!("seek positions: {}\n", list.join(" "));
        }
        let secs = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.2} s"));
        out += &format!(
            "after open: waveform {}, thumbnails {} ({} of them)\n",
            secs(r.waveform_ready_secs),
            secs(r.thumbnails_ready_secs),
            r.thumbnails
        );
        out += &format!(
            "timeline drawing (curves, waveform, 2000 clips): full zoom median {:.2} ms, worst {:.2} ms; max zoom median {:.2} ms, worst {:.2} ms\n",
            r.timeline_full_median_ms, r.timeline_full_worst_ms, r.timeline_zoomed_median_ms, r.timeline_zoomed_worst_ms
        );
        for name in [
            "playing",
            "playing during analysis",
            "playing during export",
        ] {
            if let Some(line) = r.phases.get(name).and_then(|row| row.stats.as_ref()) {
                out += &format!("{name}: {line}\n");
            }
        }
        print!("{out}");
    }
}
