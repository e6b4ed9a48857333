//! Test media, generated with the FFmpeg CLI (lavfi sources) on first use and cached under
//! `target/tmp/fixtures` (shared by every test binary of the workspace). Deterministic: the same commands always give the same files.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

static GENERATING: Mutex<()> = Mutex::new(());

/// Path of the fixture `name`, generating it when missing.
pub fn fixture(name: &str) -> PathBuf {
    let dir = crate::tmp_root().join("fixtures");
    std::fs::create_dir_all(&dir).expect("create fixtures dir");
    let path = dir.join(name);
    if path.exists() {
        return path;
    }
    // Fixtures made from other fixtures: make those first, outside the lock.
    match name {
        "truncated.mp4" => drop(fixture("cfr.mp4")),
        "rotated.mp4" => drop(fixture("video_only.mp4")),
        _ => {}
    }
    let _guard = GENERATING.lock().unwrap_or_else(|e| e.into_inner());
    if path.exists() {
        return path;
    }
    let tmp = dir.join(format!("{name}.{}.tmp", std::process::id()));
    let tmp = tmp.with_extension(format!(
        "tmp.{}",
        Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin")
    ));
    make(name, &tmp);
    std::fs::rename(&tmp, &path).expect("rename fixture");
    path
}

pub fn ffmpeg(args: &[&str], out: &Path) {
    let status = Command::new("ffmpeg")
        .args(["-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .arg(out)
        .status()
        .expect("run ffmpeg (install it with scripts/setup.sh)");
    assert!(status.success(), "ffmpeg failed for {}", out.display());
}

#[rustfmt::skip]
fn make(name: &str, out: &Path) {
    match name {
        // 10 s, 320x240 at 30 fps, x264 with B-frames and a keyframe every 60 frames,
        // plus a 440 Hz stereo tone at 48 kHz.
        "cfr.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=10",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=10",
                "-ac", "2", "-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-g", "60",
                "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-shortest",
            ],
            out,
        ),
        // 1 s (30 frames) at 30 fps: a stacked background shorter than the clips over it.
        "loop_1s.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30:duration=1",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
            ],
            out,
        ),
        // 60 frames at 1/30 s, then 60 frames at 1/10 s (Matroska, millisecond time base).
        "vfr.mkv" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30:duration=4",
                "-vf", "setpts='if(lt(N,60),N/30,2+(N-60)/10)/TB'",
                "-fps_mode", "passthrough", "-c:v", "libx264", "-preset", "ultrafast",
            ],
            out,
        ),
        // 3 s of a 440 Hz tone, 44.1 kHz stereo AAC: exercises the resampler.
        "audio_only.m4a" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=3",
                "-ac", "2", "-c:a", "aac", "-b:a", "128k",
            ],
            out,
        ),
        // 2 s of silence, then 2 s of a 440 Hz sine at amplitude 0.5; 48 kHz mono AAC.
        "tone_at_2s.m4a" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "aevalsrc=0.5*sin(2*PI*440*t):s=48000:d=2,adelay=2000:all=1",
                "-c:a", "aac", "-b:a", "128k",
            ],
            out,
        ),
        // 6 s of video with a tone whose pitch says the time: 300 Hz in the first second,
        // 400 Hz in the next, … (the player's sound test checks it hears the playhead's).
        "tone_steps.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=6",
                "-f", "lavfi", "-i", "aevalsrc=0.4*sin(2*PI*(300+100*floor(t))*t):s=48000:d=6",
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", "-shortest",
            ],
            out,
        ),
        // 10 s of 720p with a single keyframe: a seek near the end decodes ~300 frames (the
        // player's cancel test has time to cancel it).
        "long_gop_720p.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=10",
                "-c:v", "libx264", "-preset", "ultrafast", "-bf", "3", "-g", "300",
                "-pix_fmt", "yuv420p",
            ],
            out,
        ),
        // 2 s of video, no audio.
        "video_only.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            ],
            out,
        ),
        // The same picture in MPEG-4 Part 2 (not H.264).
        "mpeg4.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=2",
                "-c:v", "mpeg4", "-q:v", "3",
            ],
            out,
        ),
        // About 70 s of espeak-ng speech: three or more transcription windows.
        "long_speech.wav" => {
            let status = Command::new("espeak-ng")
                .args(["-v", "en-us", "-s", "160", "-w"])
                .arg(out)
                .arg(LONG_SPEECH)
                .status()
                .expect("espeak-ng (installed by scripts/setup.sh)");
            assert!(status.success(), "espeak-ng failed");
        }
        // The same, tagged to be shown rotated.
        "rotated.mp4" => {
            let src = fixture("video_only.mp4");
            ffmpeg(
                &[
                    "-i", path_str(&src), "-c", "copy", "-metadata:s:v:0", "rotate=90",
                ],
                out,
            )
        }
        // 2 s red, then 2 s blue, 25 fps: which frame a grab returns is visible in its colour.
        "red_blue.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "color=c=red:size=160x120:rate=25:duration=2",
                "-f", "lavfi", "-i", "color=c=blue:size=160x120:rate=25:duration=2",
                "-filter_complex", "[0:v][1:v]concat=n=2:v=1:a=0,format=yuv420p[v]",
                "-map", "[v]", "-c:v", "libx264", "-preset", "ultrafast", "-g", "250",
            ],
            out,
        ),
        "empty.mp4" => std::fs::write(out, b"").expect("write"),
        // 64 KiB of deterministic pseudo-random bytes.
        "random.mp4" => {
            let mut x: u32 = 0x1234_5678;
            let bytes: Vec<u8> = (0..65536)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8
                })
                .collect();
            std::fs::write(out, bytes).expect("write");
        }
        // The first 40% of cfr.mp4: the moov atom (index), written last, is lost.
        "truncated.mp4" => {
            let full = std::fs::read(fixture("cfr.mp4")).expect("read cfr.mp4");
            std::fs::write(out, &full[..full.len() * 2 / 5]).expect("write");
        }
        // A Matroska file whose video codec id FFmpeg does not know: demuxes, cannot decode.
        "undecodable.mkv" => {
            let tmp = out.with_extension("src.mkv");
            ffmpeg(
                &[
                    "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=1",
                    "-c:v", "libx264", "-preset", "ultrafast",
                ],
                &tmp,
            );
            let data = std::fs::read(&tmp).expect("read");
            std::fs::remove_file(&tmp).ok();
            let from = b"V_MPEG4/ISO/AVC";
            let to = b"V_SLOPCANNON_XX";
            let pos = data
                .windows(from.len())
                .position(|w| w == from)
                .expect("codec id in mkv");
            let mut patched = data;
            patched[pos..pos + from.len()].copy_from_slice(to);
            std::fs::write(out, patched).expect("write");
        }
        other if crate::fixtures_analysis::make(other, out) => {}
        other if crate::fixtures_real::make(other, out) => {}
        other => panic!("unknown fixture {other}"),
    }
}

/// What `long_speech.wav` says.
pub const LONG_SPEECH: &str = "The meeting will start at ten o'clock tomorrow morning. \
    Please remember to bring the quarterly report and your laptop. \
    We are going to talk about the new product launch and the marketing plan. \
    The weather was sunny and warm for most of the week. \
    She opened the window and listened to the birds in the garden. \
    Our team finished the project two days before the deadline. \
    Can you believe how fast the years go by? \
    This is the most important thing I will say today. \
    He bought fresh bread, cheese and apples at the market. \
    The train to the city leaves every twenty minutes. \
    The library opens at nine and closes late on Thursdays. \
    My brother plays the guitar in a small band downtown. \
    Nobody expected the storm to arrive so early in the evening. \
    The children built a tall castle of sand near the water. \
    Remember to water the plants before you leave for the airport. \
    A good cup of coffee makes every morning a little better. \
    The museum has a new exhibition about ancient ships and sailors. \
    We should plan the next trip to the mountains together.";

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 fixture path")
}

/// One stretch of the noisy talk: what was said, when, and how.
#[derive(Clone, Debug)]
pub struct Stretch {
    pub start: f64,
    pub end: f64,
    /// Shouted under a cheering crowd (true), or calm over a quiet room.
    pub excited: bool,
    pub text: String,
}

/// The noisy talk (`scripts/make-noisy-talk.py`, 3 minutes): calm stretches under pink noise
/// and music at +12 dB, excited ones shouted under a babbling, cheering crowd at +6 and +3 dB;
/// its 16 kHz WAV and the stretches, made once and cached under `target/tmp/fixtures`.
pub fn noisy_talk() -> (PathBuf, Vec<Stretch>) {
    let dir = crate::tmp_root().join("fixtures").join("noisy-talk");
    let wav = dir.join("talk.wav");
    {
        let _guard = GENERATING.lock().unwrap_or_else(|e| e.into_inner());
        if !wav.exists() {
            let script = crate::workspace_root().join("scripts/make-noisy-talk.py");
            let status = Command::new("python3")
                .arg(&script)
                .arg(&dir)
                .arg("3")
                .status()
                .expect("run python3 (install it with scripts/setup.sh)");
            assert!(status.success(), "{} failed", script.display());
        }
    }
    let tsv = std::fs::read_to_string(dir.join("stretches.tsv")).expect("read stretches.tsv");
    let stretches = tsv
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, '\t').collect();
            assert_eq!(f.len(), 4, "stretches.tsv line: {l}");
            Stretch {
                start: f[0].parse().expect("start"),
                end: f[1].parse().expect("end"),
                excited: f[2] == "excited",
                text: f[3].to_string(),
            }
        })
        .collect();
    (wav, stretches)
}
