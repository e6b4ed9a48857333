//! Fixtures for the analysis tests: known hard cuts between different sources, a fade through
//! black, fast motion without cuts, a long calm file with planted highlights, and one with
//! highlights of known, different strength.

use crate::fixtures::ffmpeg;
use std::path::Path;

/// Every segment is normalised to this before concatenation.
const NORM: &str = "scale=320:180,setsar=1,fps=30,format=yuv420p";

/// Makes `name` at `out` if it is an analysis fixture; false otherwise.
pub fn make(name: &str, out: &Path) -> bool {
    match name {
        // Five 2 s segments at 30 fps; hard cuts at frames 60, 120, 180, 240.
        // Segment 3 is a fast pan and segment 4 is full-frame noise: lots of change, no cut.
        // x264 without scene-cut keyframes and with B-frames, so cut frames can be frames
        // the decoder drops at a stride (the detector must still find them exactly).
        "cuts.mp4" => {
            let segs = [
                "testsrc2=size=320x180:rate=30:duration=2".to_string(),
                "smptebars=size=320x180:rate=30:duration=2".to_string(),
                "testsrc2=size=1280x180:rate=30:duration=2,crop=320:180:x='n*15':y=0".to_string(),
                "color=c=0x3050a0:size=320x180:rate=30:duration=2,noise=alls=80:allf=t".to_string(),
                "mandelbrot=size=320x180:rate=30,trim=duration=2".to_string(),
            ];
            concat(
                &segs,
                None,
                &["-x264-params", "scenecut=0:keyint=90", "-bf", "3"],
                out,
            );
        }
        // 2 s picture fading out over its last 0.5 s, 0.5 s black, 2 s bars fading in.
        "fade.mp4" => {
            let segs = [
                "testsrc2=size=320x180:rate=30:duration=2,fade=t=out:st=1.5:d=0.5".to_string(),
                "color=c=black:size=320x180:rate=30:duration=0.5".to_string(),
                "smptebars=size=320x180:rate=30:duration=2,fade=t=in:st=0:d=0.5".to_string(),
            ];
            concat(&segs, None, &[], out);
        }
        // 180 s, 160x90: calm (still bars, a quiet tone) with three planted 15 s highlights at
        // 30 s, 100 s and 150 s — loud noise, fast motion, a cut every 1.5 s.
        "planted.mp4" => {
            let mut video = Vec::new();
            let mut audio = Vec::new();
            let calm = |secs: f64, video: &mut Vec<String>, audio: &mut Vec<String>| {
                video.push(format!("smptebars=size=320x180:rate=30:duration={secs}"));
                audio.push(format!(
                    "sine=frequency=220:sample_rate=16000:duration={secs},volume=0.05"
                ));
            };
            let hot = |video: &mut Vec<String>, audio: &mut Vec<String>| {
                let sources = [
                    "testsrc2=size=1280x180:rate=30:duration=1.5,crop=320:180:x='n*20':y=0",
                    "color=c=0xa03020:size=320x180:rate=30:duration=1.5,noise=alls=70:allf=t",
                    "mandelbrot=size=320x180:rate=30,trim=duration=1.5",
                    "testsrc=size=320x180:rate=30:duration=1.5,hue=H=t*6",
                ];
                for i in 0..10 {
                    video.push(sources[i % sources.len()].to_string());
                }
                audio.push(
                    "anoisesrc=sample_rate=16000:amplitude=0.6:duration=15:seed=7".to_string(),
                );
            };
            calm(30.0, &mut video, &mut audio);
            hot(&mut video, &mut audio);
            calm(55.0, &mut video, &mut audio);
            hot(&mut video, &mut audio);
            calm(35.0, &mut video, &mut audio);
            hot(&mut video, &mut audio);
            calm(15.0, &mut video, &mut audio);
            concat(&video, Some(&audio), &["-preset", "ultrafast"], out);
        }
        // 281 s of filler (a test card, pink noise whose level drifts) with four highlights
        // of known strength, strongest first: see [`RANKED`]. Each is louder (white noise),
        // pans faster and cuts more often than the next.
        "ranked.mp4" => {
            let mut video = Vec::new();
            let mut audio = Vec::new();
            let mut at = 0.0;
            for (i, h) in RANKED.iter().enumerate() {
                let filler = h.start - at;
                video.push(format!("testsrc2=size=320x180:rate=30:duration={filler}"));
                audio.push(format!(
                    "anoisesrc=sample_rate=16000:amplitude=0.05:color=pink:duration={filler}:seed={i},\
                     volume='0.75+0.25*sin(2*PI*t/7)':eval=frame"
                ));
                let pieces = (h.secs / h.cut_every).round() as usize;
                for p in 0..pieces {
                    let src = if p % 2 == 0 { "testsrc2" } else { "testsrc" };
                    video.push(format!(
                        "{src}=size=1280x180:rate=30:duration={},crop=320:180:x='n*{}':y=0",
                        h.cut_every, h.pan
                    ));
                }
                audio.push(format!(
                    "anoisesrc=sample_rate=16000:amplitude={}:duration={}:seed={}",
                    h.amplitude,
                    h.secs,
                    100 + i
                ));
                at = h.start + h.secs;
            }
            let tail = RANKED_SECS - at;
            video.push(format!("testsrc2=size=320x180:rate=30:duration={tail}"));
            audio.push(format!(
                "anoisesrc=sample_rate=16000:amplitude=0.05:color=pink:duration={tail}:seed=9"
            ));
            concat(&video, Some(&audio), &["-preset", "ultrafast"], out);
        }
        // Two espeak-ng sentences with 3 s of silence between them, under a test picture.
        "speech.mp4" => {
            let dir = out.parent().unwrap_or(Path::new("."));
            let wav = |name: &str, text: &str| {
                let p = dir.join(format!("{name}.{}.wav", std::process::id()));
                let status = std::process::Command::new("espeak-ng")
                    .args(["-v", "en-us", "-s", "130", "-w"])
                    .arg(&p)
                    .arg(text)
                    .status()
                    .expect("espeak-ng (installed by scripts/setup.sh)");
                assert!(status.success());
                p
            };
            let a = wav("a", SPEECH_A);
            let b = wav("b", SPEECH_B);
            let args: Vec<String> = vec![
                "-i".into(),
                a.display().to_string(),
                "-f".into(),
                "lavfi".into(),
                "-i".into(),
                "anullsrc=r=22050:cl=mono:d=3".into(),
                "-i".into(),
                b.display().to_string(),
                "-f".into(),
                "lavfi".into(),
                "-i".into(),
                "testsrc2=size=160x90:rate=10:duration=30".into(),
                "-filter_complex".into(),
                "[0:a][1:a][2:a]concat=n=3:v=0:a=1[a]".into(),
                "-map".into(),
                "3:v".into(),
                "-map".into(),
                "[a]".into(),
                "-shortest".into(),
                "-c:v".into(),
                "libx264".into(),
                "-preset".into(),
                "ultrafast".into(),
                "-c:a".into(),
                "aac".into(),
            ];
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            ffmpeg(&refs, out);
            std::fs::remove_file(a).ok();
            std::fs::remove_file(b).ok();
        }
        _ => return false,
    }
    true
}

/// A highlight of `ranked.mp4`.
#[derive(Clone, Copy, Debug)]
pub struct Highlight {
    pub start: f64,
    pub secs: f64,
    /// White noise amplitude (the filler's pink noise: 0.05).
    pub amplitude: f64,
    /// Pan speed, pixels per frame (the filler does not pan).
    pub pan: u32,
    /// Seconds between cuts.
    pub cut_every: f64,
}

/// `ranked.mp4`'s highlights, strongest first; the second lasts 45 s (longer than a 25 s
/// clip), the others 12 s.
pub const RANKED: [Highlight; 4] = [
    Highlight {
        start: 40.0,
        secs: 12.0,
        amplitude: 0.5,
        pan: 16,
        cut_every: 1.5,
    },
    Highlight {
        start: 92.0,
        secs: 45.0,
        amplitude: 0.3,
        pan: 10,
        cut_every: 3.0,
    },
    Highlight {
        start: 177.0,
        secs: 12.0,
        amplitude: 0.2,
        pan: 6,
        cut_every: 4.0,
    },
    Highlight {
        start: 229.0,
        secs: 12.0,
        amplitude: 0.1,
        pan: 3,
        cut_every: 6.0,
    },
];

/// `ranked.mp4`'s length, seconds.
pub const RANKED_SECS: f64 = 281.0;

/// What `speech.mp4` says.
pub const SPEECH_A: &str = "Hello, this is a test of the speech recognition system.";
pub const SPEECH_B: &str = "The meeting will start at ten o'clock tomorrow morning.";

/// Concatenates lavfi video sources (and optionally audio sources) into an H.264/AAC MP4.
fn concat(video: &[String], audio: Option<&[String]>, x264: &[&str], out: &Path) {
    let mut args: Vec<String> = Vec::new();
    for v in video {
        args.extend(["-f".into(), "lavfi".into(), "-i".into(), v.clone()]);
    }
    let audio = audio.unwrap_or(&[]);
    for a in audio {
        args.extend(["-f".into(), "lavfi".into(), "-i".into(), a.clone()]);
    }
    let mut graph = String::new();
    for i in 0..video.len() {
        graph.push_str(&format!("[{i}:v]{NORM},setpts=PTS-STARTPTS[v{i}];"));
    }
    for i in 0..video.len() {
        graph.push_str(&format!("[v{i}]"));
    }
    graph.push_str(&format!("concat=n={}:v=1:a=0[v]", video.len()));
    if !audio.is_empty() {
        graph.push(';');
        for i in 0..audio.len() {
            graph.push_str(&format!("[{}:a]", video.len() + i));
        }
        graph.push_str(&format!("concat=n={}:v=0:a=1[a]", audio.len()));
    }
    args.extend(["-filter_complex".into(), graph, "-map".into(), "[v]".into()]);
    if !audio.is_empty() {
        args.extend(["-map".into(), "[a]".into(), "-c:a".into(), "aac".into()]);
    }
    args.extend(["-c:v".into(), "libx264".into()]);
    args.extend(x264.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ffmpeg(&refs, out);
}
