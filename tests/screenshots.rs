//! Screenshots of the main states, from the real window under Xvfb: the empty window, the
//! clips found (Ctrl+F), the export panel's 9:16 caption preview, and the export queue
//! (Ctrl+E). The window starts from a kept state (the storage file `persist.rs` reads:
//! speech with a real tiny model, 9:16 with bars and karaoke-fill captions, one recent file),
//! so the keys alone reach every state. The video is the speech fixture in grey, so that the
//! captions' orange in the export panel can only be the captions'. Each shot is checked for what it must show, then written
//! as a PNG ~960 px wide under `target/tmp/screenshots` (`scripts/screenshots.sh` copies them
//! into `docs/screenshots/`).

use crate::persist::MemStorage;
use crate::smoke::{read_ppm, wait_for_frame, xvfb, Ppm, FOCUS};
use slopcannon::gui::recent::RecentFiles;
use slopcannon::gui::state::{AnalysisChoices, AppState};
use slopcannon_engine::captions::{CaptionStyle, Colour, Highlight};
use slopcannon_engine::export::Portrait;
use slopcannon_testkit::{fixture, model, test_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The spoken words' colour in the captions (the picture is grey; the timeline's clip bars
/// are orange too, but outside the clips panel).
const ACTIVE: Colour = Colour::rgb(255, 140, 0);

/// Writes the window's kept state as the app's storage file (RON: a map of RON strings).
fn seed_storage(home: &Path, video: &Path, out: &Path) {
    let mut state = AppState::new();
    state.analysis_choices = AnalysisChoices {
        max_clips: 2,
        min_len_secs: 3.0,
        max_len_secs: 8.0,
        speech: true,
        model: model("ggml-tiny.en-q8_0.bin").display().to_string(),
        ..AnalysisChoices::default()
    };
    let c = &mut state.export_choices;
    c.portrait = Some(Portrait::Pad);
    c.captions = true;
    c.caption_style = CaptionStyle {
        active_colour: ACTIVE,
        highlight: Highlight::Fill,
        ..CaptionStyle::preset("karaoke").expect("preset")
    };
    c.caption_style_name = "karaoke".into();
    // None: beside the video (`out`), so the shot shows no test folder.
    c.out_dir = None;
    assert_eq!(c.out_dir_for(video), out);
    state.recent = RecentFiles::from_paths(vec![video.to_path_buf()]);
    let mut storage = MemStorage::default();
    slopcannon::gui::persist::keep(&mut storage, &state);
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let entries: Vec<String> = storage
        .0
        .iter()
        .map(|(k, v)| format!("    {}: {},", quote(k), quote(v)))
        .collect();
    let dir = home.join(".local/share/slopcannon");
    std::fs::create_dir_all(&dir).expect("data dir");
    std::fs::write(
        dir.join(slopcannon::gui::WINDOW_STATE_FILE),
        format!("{{\n{}\n}}\n", entries.join("\n")),
    )
    .expect("storage file");
}

/// A rectangle of the screen: x0, y0, x1, y1.
type Area = (usize, usize, usize, usize);

/// The clips panel (right; the export panel with its preview is at its foot).
const RIGHT_PANEL: Area = (960, 40, 1280, 770);
/// The middle of the main preview.
const CENTRE: Area = (420, 80, 900, 420);

fn pixels(img: &Ppm, (x0, y0, x1, y1): Area) -> impl Iterator<Item = [u8; 3]> + '_ {
    (y0..y1.min(img.height)).flat_map(move |y| {
        (x0..x1.min(img.width)).map(move |x| {
            let i = (y * img.width + x) * 3;
            [img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]]
        })
    })
}

fn count(img: &Ppm, area: Area, f: impl Fn(&[u8; 3]) -> bool) -> usize {
    pixels(img, area).filter(|p| f(p)).count()
}

/// The last lines of the app's log (its first lines hold a window-attribute dump).
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(25)..]
        .iter()
        .map(|l| l.chars().take(200).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The speech fixture's picture in grey (its sound as it is).
fn grey_talk(dir: &Path) -> PathBuf {
    let out = dir.join("talk.mp4");
    let src = fixture("speech.mp4");
    slopcannon_testkit::fixtures::ffmpeg(
        &[
            "-i",
            slopcannon_testkit::fixtures::path_str(&src),
            "-vf",
            "hue=s=0,scale=640:360",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "copy",
        ],
        &out,
    );
    out
}

fn saturated(p: &[u8; 3]) -> bool {
    let (max, min) = (p.iter().max(), p.iter().min());
    max.zip(min).is_some_and(|(a, b)| a - b > 100)
}

fn orange(p: &[u8; 3]) -> bool {
    p[0] > 215 && (95..185).contains(&p[1]) && p[2] < 70
}

/// Values that differ by more than 24 between two shots, in `area`.
fn changed(a: &Ppm, b: &Ppm, area: Area) -> usize {
    pixels(a, area)
        .zip(pixels(b, area))
        .map(|(p, q)| (0..3).filter(|&i| p[i].abs_diff(q[i]) > 24).count())
        .sum()
}

/// Writes `shot` as `name`.png, 960 px wide, under `target/tmp/screenshots`; returns it.
fn png(shot: &Path, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    let out = dir.join(format!("{name}.png"));
    let status = Command::new("convert")
        .arg(shot)
        .args([
            "-resize", "960x", "-strip", "+dither", "-colors", "256", "-define",
        ])
        .arg("png:compression-level=9")
        .arg(&out)
        .status()
        .expect("convert (ImageMagick, installed by scripts/setup.sh)");
    assert!(status.success(), "convert {name}");
    let size = std::fs::metadata(&out).expect("png").len();
    assert!(size < 150_000, "{name}.png is {size} bytes");
    out
}

#[test]
fn smoke_screenshots_of_the_main_states() {
    let dir = test_dir("screenshots");
    let video = grey_talk(&dir);
    let out = dir.join("slopcannon-clips");
    seed_storage(&dir, &video, &out);
    let shot = |n: &str| dir.join(format!("{n}.ppm"));
    let (empty_log, log) = (dir.join("empty.log"), dir.join("app.log"));
    let script = format!(
        r#"
        export SLOP_LOG=debug SLOP_AUDIO_OUTPUT=off
        # Waits (up to $2 half-seconds) until the log has a line matching $1.
        wait_for() {{
          for i in $(seq 1 $2); do
            grep -q "$1" "{log}" && return 0
            kill -0 $pid 2>/dev/null || return 1
            sleep 0.5
          done
          return 1
        }}
        "{bin}" 2>"{empty_log}" &
        pid=$!
        for i in $(seq 1 300); do
          xdotool search --pid $pid >/dev/null 2>&1 && break
          sleep 0.1
        done
        sleep 1
        {focus}
        xdotool key ctrl+l
        sleep 1
        import -window root -depth 8 "{empty}"
        kill $pid
        wait $pid

        "{bin}" "{video}" 2>"{log}" &
        pid=$!
        {wait_for_frame}
        sleep 0.5
        {focus}
        xdotool key ctrl+l ctrl+f
        wait_for "Found [0-9]* clips" 240
        sleep 3
        import -window root -depth 8 "{clips}"
        # One second into the first clip: words spoken so far are filled in orange.
        n=$(grep -c "export preview at" "{log}")
        xdotool key shift+Right
        for i in $(seq 1 120); do
          [ "$(grep -c "export preview at" "{log}")" -gt "$n" ] && break
          sleep 0.5
        done
        sleep 1
        import -window root -depth 8 "{captions}"
        xdotool key ctrl+e
        sleep 2
        import -window root -depth 8 "{queue}"
        wait_for "Exported [0-9]* clips" 360
        sleep 1
        kill $pid
        wait $pid
        "#,
        bin = env!("CARGO_BIN_EXE_slopcannon"),
        video = video.display(),
        log = log.display(),
        empty_log = empty_log.display(),
        empty = shot("empty").display(),
        clips = shot("clips").display(),
        captions = shot("captions").display(),
        queue = shot("queue").display(),
        wait_for_frame = wait_for_frame(&log),
        focus = FOCUS,
    );
    let app_log = xvfb(&dir, &script, &log);
    let read = |n: &str| read_ppm(&std::fs::read(shot(n)).unwrap_or_else(|e| panic!("{n}: {e}")));
    let (empty, clips, captions, queue) = (
        read("empty"),
        read("clips"),
        read("captions"),
        read("queue"),
    );

    // Empty: the window is drawn (egui's panels, text), and there is no picture yet.
    let whole = (0, 0, empty.width, empty.height);
    assert_eq!((empty.width, empty.height), (1280, 800));
    let lit = count(&empty, whole, |p| p.iter().any(|c| *c > 120));
    assert!(
        lit > 1000,
        "the empty window shows its text: {lit} light pixels"
    );
    let coloured = count(&empty, whole, saturated);
    assert!(coloured < 2000, "no picture before a file: {coloured}");

    // Clips found: the analysis said so, the picture is in the preview, the clip list is
    // drawn where the empty window had nothing.
    assert!(app_log.contains("Found "), "app log:\n{}", tail(&app_log));
    let picture = changed(&empty, &clips, CENTRE);
    assert!(picture > 50_000, "the picture: {picture} values changed");
    let list = changed(&empty, &clips, RIGHT_PANEL);
    assert!(list > 20_000, "the clip list: {list} values changed");

    // The caption preview: the spoken words' orange is in the export panel, and the source
    // picture has none of it (so it is the captions').
    let (burned, source) = (
        count(&captions, RIGHT_PANEL, orange),
        count(&captions, CENTRE, orange),
    );
    assert!(
        burned > 40 && source < 10,
        "captions in the preview: {burned} orange pixels (source {source})\n{}",
        tail(&app_log)
    );

    // The queue: the export ran and wrote 9:16 shorts; the panel changed with its rows.
    assert!(
        app_log.contains("Exported "),
        "app log:\n{}",
        tail(&app_log)
    );
    let files: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("out dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    assert!(!files.is_empty(), "shorts written to {}", out.display());
    let info = slopcannon_engine::media::probe(&files[0]).expect("probe");
    assert_eq!(
        info.video().map(|(_, v)| (v.width, v.height)),
        Some((1080, 1920))
    );
    let rows = changed(&captions, &queue, RIGHT_PANEL);
    assert!(rows > 2000, "the queue's rows: {rows} values changed");

    for (name, _) in [
        ("empty", &empty),
        ("clips", &clips),
        ("captions", &captions),
        ("queue", &queue),
    ] {
        png(&shot(name), name);
    }
}
