//! The hostile corpus, generated at test time with the FFmpeg CLI (lavfi sources) or by
//! editing bytes, and cached under `target/tmp/hostile` like the testkit's fixtures. Small and
//! fast: a few seconds of 320×240 each. Inputs the testkit already makes (empty, random bytes,
//! audio-only, video-only, rotated, VFR) are its fixtures.

use slopcannon_testkit::fixtures::{ffmpeg, path_str};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

static GENERATING: Mutex<()> = Mutex::new(());

/// Path of the corpus file `name`, generating it when missing.
pub fn corpus(name: &str) -> PathBuf {
    let dir = slopcannon_testkit::tmp_root().join("hostile");
    std::fs::create_dir_all(&dir).expect("create corpus dir");
    let path = dir.join(name);
    // Files made from other corpus files: those first, outside the lock.
    let sources: &[&str] = match name {
        "front.mp4" | "huge_declared.mp4" | "huge_declared.mkv" => &["av.mp4"],
        "jump.ts" | "back.ts" => &["part_0.ts", "part_50.ts", "part_100.ts"],
        _ => &[],
    };
    for s in sources {
        corpus(s);
    }
    let _guard = GENERATING.lock().unwrap_or_else(|e| e.into_inner());
    if !path.exists() {
        let ext = Path::new(name)
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("bin");
        let tmp = dir.join(format!("tmp-{}-{name}.{ext}", std::process::id()));
        make(name, &tmp, &dir);
        std::fs::rename(&tmp, &path).expect("rename corpus file");
    }
    path
}

/// The first `fraction` of `src`'s bytes, written to `dir/name`.
pub fn cut(src: &Path, fraction: f64, dir: &Path, name: &str) -> PathBuf {
    let bytes = std::fs::read(src).expect("read");
    let path = dir.join(name);
    std::fs::write(&path, &bytes[..(bytes.len() as f64 * fraction) as usize]).expect("write");
    path
}

#[rustfmt::skip]
fn make(name: &str, out: &Path, dir: &Path) {
    let testsrc = |secs: u32| format!("testsrc2=size=320x240:rate=30:duration={secs}");
    match name {
        // 4 s, 320×240 at 30 fps (a keyframe a second) and a tone; the index at the end.
        "av.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", &testsrc(4), "-f", "lavfi", "-i", "sine=frequency=440:duration=4",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-shortest",
            ],
            out,
        ),
        // The same with the index at the front.
        "front.mp4" => ffmpeg(
            &["-i", path_str(&dir.join("av.mp4")), "-c", "copy", "-movflags", "+faststart"],
            out,
        ),
        "one_frame.mp4" => ffmpeg(
            &["-f", "lavfi", "-i", &testsrc(1), "-frames:v", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"],
            out,
        ),
        "odd_1918x1078.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=1918x1078:rate=30:duration=2",
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "35", "-pix_fmt", "yuv420p",
            ],
            out,
        ),
        "hevc_10bit_4k.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=30:duration=2",
                "-c:v", "libx265", "-preset", "ultrafast", "-crf", "40", "-pix_fmt", "yuv420p10le",
                "-x265-params", "log-level=error",
            ],
            out,
        ),
        // Only a subtitle stream: a container with no audio or video.
        "subtitles_only.mkv" => {
            let srt = dir.join("one.srt");
            std::fs::write(&srt, "1\n00:00:00,000 --> 00:00:01,000\nhello\n").expect("write srt");
            ffmpeg(&["-i", path_str(&srt)], out);
        }
        // An MP4 with an index of no tracks at all (ftyp + moov holding only its header).
        "no_tracks.mp4" => std::fs::write(out, no_tracks_mp4()).expect("write"),
        // av.mp4 whose headers declare 596 hours (mvhd, mdhd, tkhd) or Matroska 111 hours.
        "huge_declared.mp4" => {
            let bytes = std::fs::read(dir.join("av.mp4")).expect("read");
            std::fs::write(out, huge_mp4_durations(bytes)).expect("write");
        }
        "huge_declared.mkv" => {
            let mkv = dir.join("av.mkv");
            ffmpeg(&["-i", path_str(&dir.join("av.mp4")), "-c", "copy"], &mkv);
            let bytes = std::fs::read(&mkv).expect("read");
            std::fs::write(out, huge_mkv_duration(bytes)).expect("write");
        }
        // 3 s MPEG-TS parts whose timestamps start 0, 50 or 100 s later (a long keyframe
        // interval: a seek that lands between keyframes decodes nothing).
        "part_0.ts" | "part_50.ts" | "part_100.ts" => {
            let offset = name.trim_start_matches("part_").trim_end_matches(".ts");
            ffmpeg(
                &[
                    "-f", "lavfi", "-i", &testsrc(3), "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                    "-c:v", "libx264", "-preset", "ultrafast", "-g", "250", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", "-output_ts_offset", offset,
                ],
                out,
            );
        }
        // Timestamps that jump 97 s forward, and ones that go 50 s back.
        "jump.ts" => concat(&[dir.join("part_0.ts"), dir.join("part_100.ts")], out),
        "back.ts" => concat(&[dir.join("part_100.ts"), dir.join("part_50.ts")], out),
        // 12 s of MPEG-TS (readable from any prefix) for the growing and shrinking files.
        "long.ts" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=12",
                "-f", "lavfi", "-i", "sine=frequency=440:duration=12",
                "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-c:a", "aac", "-shortest",
            ],
            out,
        ),
        // 2 s of noise at 640×360: megabytes however it is encoded (the full-disk case).
        "noise.mp4" => ffmpeg(
            &[
                "-f", "lavfi", "-i", "nullsrc=size=640x360:rate=30:duration=2",
                "-vf", "geq=lum='random(1)*255':cb=128:cr=128",
                "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p",
            ],
            out,
        ),
        other => panic!("unknown corpus file {other}"),
    }
}

fn concat(parts: &[PathBuf], out: &Path) {
    let mut bytes = Vec::new();
    for p in parts {
        bytes.extend(std::fs::read(p).expect("read part"));
    }
    std::fs::write(out, bytes).expect("write");
}

/// `ftyp` + a `moov` holding only an `mvhd` (no `trak`).
fn no_tracks_mp4() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend(20u32.to_be_bytes());
    b.extend(b"ftypisom");
    b.extend(0x200u32.to_be_bytes());
    b.extend(b"isom");
    b.extend(116u32.to_be_bytes());
    b.extend(b"moov");
    b.extend(108u32.to_be_bytes());
    b.extend(b"mvhd");
    let mut mvhd = vec![0u8; 100];
    mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes()); // time scale
    mvhd[20..24].copy_from_slice(&0x0001_0000u32.to_be_bytes()); // rate 1.0
    mvhd[24..26].copy_from_slice(&0x0100u16.to_be_bytes()); // volume 1.0
    for (i, v) in [(36, 0x0001_0000u32), (52, 0x0001_0000), (68, 0x4000_0000)] {
        mvhd[i..i + 4].copy_from_slice(&v.to_be_bytes()); // identity matrix
    }
    mvhd[96..100].copy_from_slice(&2u32.to_be_bytes()); // next track id
    b.extend(mvhd);
    b
}

/// Every version-0 `mvhd`, `mdhd` and `tkhd` duration set to 0x7ffffff0 ticks.
fn huge_mp4_durations(mut d: Vec<u8>) -> Vec<u8> {
    for (atom, at) in [(b"mvhd", 16usize), (b"mdhd", 16), (b"tkhd", 20)] {
        let mut i = 0;
        while let Some(p) = d[i..].windows(4).position(|w| w == atom) {
            let box_at = i + p;
            let field = box_at + 4 + at;
            if d.get(box_at + 4) == Some(&0) && field + 4 <= d.len() {
                d[field..field + 4].copy_from_slice(&0x7fff_fff0u32.to_be_bytes());
            }
            i = box_at + 4;
        }
    }
    d
}

/// The Matroska `Duration` element (an 8-byte float) multiplied by 100 000.
fn huge_mkv_duration(mut d: Vec<u8>) -> Vec<u8> {
    let at = d
        .windows(3)
        .position(|w| w == [0x44, 0x89, 0x88])
        .expect("a Duration element in the mkv")
        + 3;
    let mut f = [0u8; 8];
    f.copy_from_slice(&d[at..at + 8]);
    let huge = f64::from_be_bytes(f) * 100_000.0;
    d[at..at + 8].copy_from_slice(&huge.to_be_bytes());
    d
}
