//! The real window under Xvfb: start the binary on a fixture, wait until the first preview
//! frame has been shown, screenshot the screen, and check that it shows the window with the
//! picture in it (not blank, not black); press Space (xdotool) and check that the picture
//! moves. The screenshot is kept as `target/tmp/smoke.ppm`. A second run plays into an ALSA
//! file sink (`~/.asoundrc`) and checks that the sound written is the file's at the playhead.
//! A third closes the window with Ctrl+Q and finds what it keeps between sessions saved.

use slopcannon_testkit::{fixture, test_dir};
use std::process::Command;

/// A PPM (P6) image.
pub struct Ppm {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

pub fn read_ppm(bytes: &[u8]) -> Ppm {
    // Header: "P6\n<w> <h>\n<max>\n" (ImageMagick writes exactly this form).
    let mut fields = Vec::new();
    let mut pos = 0;
    while fields.len() < 4 {
        while bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let start = pos;
        while !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..pos]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    assert_eq!(fields[3], "255", "8-bit PPM");
    let width: usize = fields[1].parse().expect("width");
    let height: usize = fields[2].parse().expect("height");
    Ppm {
        width,
        height,
        rgb: bytes[pos + 1..].to_vec(),
    }
}

#[test]
fn smoke_real_window_under_xvfb_shows_the_video() {
    let dir = test_dir("smoke");
    let video = fixture("cfr.mp4");
    let shot = dir.join("shot.ppm");
    let log = dir.join("app.log");
    let (a, b) = (dir.join("playing-1.ppm"), dir.join("playing-2.ppm"));
    let script = format!(
        r#"
        SLOP_LOG=debug SLOP_AUDIO_OUTPUT=off "{bin}" "{video}" 2>"{log}" &
        pid=$!
        {wait_for_frame}
        sleep 1
        import -window root -depth 8 "{shot}"
        {focus}
        xdotool key space
        sleep 0.7
        import -window root -depth 8 "{a}"
        sleep 1
        import -window root -depth 8 "{b}"
        xdotool key space
        sleep 0.3
        kill $pid
        wait $pid
        "#,
        bin = env!("CARGO_BIN_EXE_slopcannon"),
        video = video.display(),
        log = log.display(),
        shot = shot.display(),
        a = a.display(),
        b = b.display(),
        wait_for_frame = wait_for_frame(&log),
        focus = FOCUS,
    );
    let app_log = xvfb(&dir, &script, &log);
    assert!(
        app_log.contains("preview frame at 0.000 s"),
        "app log:\n{app_log}"
    );
    let img = read_ppm(&std::fs::read(&shot).expect("screenshot"));
    std::fs::copy(
        &shot,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("smoke.ppm"),
    )
    .ok();
    assert_eq!((img.width, img.height), (1280, 800));

    let pixels: Vec<[u8; 3]> = img
        .rgb
        .chunks_exact(3)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    let mut distinct: Vec<[u8; 3]> = pixels.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() > 50, "not blank: {} colours", distinct.len());
    let dark = pixels.iter().filter(|p| p.iter().all(|c| *c < 8)).count();
    assert!(dark < pixels.len() * 9 / 10, "not black");
    // testsrc2's colour bars are in the preview: strongly saturated red, green and blue.
    let count = |f: &dyn Fn(&[u8; 3]) -> bool| pixels.iter().filter(|p| f(p)).count();
    let red = count(&|p| p[0] > 200 && p[1] < 40 && p[2] < 40);
    let green = count(&|p| p[1] > 200 && p[0] < 40 && p[2] < 40);
    let blue = count(&|p| p[2] > 200 && p[0] < 40 && p[1] < 40);
    assert!(
        red > 2000 && green > 2000 && blue > 2000,
        "bars: r {red} g {green} b {blue}"
    );

    // Space played it: a second apart, the picture differs (testsrc2 moves), and the log has
    // the playback statistics.
    let a = read_ppm(&std::fs::read(&a).expect("screenshot while playing"));
    let b = read_ppm(&std::fs::read(&b).expect("screenshot a second later"));
    let picture = |img: &Ppm| -> Vec<u8> {
        // The preview's area: below the top bar, above the transport and timeline.
        let (y0, y1) = (60, img.height / 2);
        img.rgb[y0 * img.width * 3..y1 * img.width * 3].to_vec()
    };
    let (pa, pb) = (picture(&a), picture(&b));
    let changed = pa
        .iter()
        .zip(&pb)
        .filter(|(x, y)| x.abs_diff(**y) > 24)
        .count();
    assert!(
        changed > 5000,
        "the picture moved while playing: {changed} values changed"
    );
    assert!(
        app_log.contains("playback: ") && app_log.contains(" frames shown, "),
        "app log:\n{app_log}"
    );
}

#[test]
fn smoke_ctrl_q_closes_the_window_and_keeps_its_state() {
    let dir = test_dir("smoke-quit");
    let video = fixture("cfr.mp4");
    let log = dir.join("app.log");
    let script = format!(
        r#"
        SLOP_LOG=debug SLOP_AUDIO_OUTPUT=off "{bin}" "{video}" 2>"{log}" &
        pid=$!
        {wait_for_frame}
        sleep 0.5
        {focus}
        xdotool key ctrl+q
        for i in $(seq 1 100); do
          kill -0 $pid 2>/dev/null || break
          sleep 0.1
        done
        if kill -0 $pid 2>/dev/null; then echo "TEST: still running" >>"{log}"; kill $pid; fi
        wait $pid
        echo "TEST: exit $?" >>"{log}"
        "#,
        bin = env!("CARGO_BIN_EXE_slopcannon"),
        video = video.display(),
        log = log.display(),
        wait_for_frame = wait_for_frame(&log),
        focus = FOCUS,
    );
    let app_log = xvfb(&dir, &script, &log);
    let last: Vec<&str> = app_log.lines().filter(|l| l.starts_with("TEST:")).collect();
    assert_eq!(last, ["TEST: exit 0"], "Ctrl+Q closed the window by itself");
    // What it kept: the window's place, egui's memory (panel sizes) and ours, with the file.
    let kept = std::fs::read_to_string(
        dir.join(".local/share/slopcannon")
            .join(slopcannon::gui::WINDOW_STATE_FILE),
    )
    .expect("the window's state was saved in the data folder");
    for key in [
        "\"window\"",
        "\"egui\"",
        "\"slopcannon/export_choices\"",
        "\"slopcannon/analysis_choices\"",
        "\"slopcannon/recent_files\"",
    ] {
        assert!(kept.contains(key), "{key} kept");
    }
    assert!(
        kept.contains(&video.display().to_string()),
        "the file is a recent one"
    );
}

/// Focuses the app's window so that keys reach it (there is no window manager).
pub const FOCUS: &str =
    r#"WIN=$(xdotool search --pid $pid | tail -1); xdotool windowfocus --sync $WIN"#;

/// Waits (up to 30 s) until the app logged its first preview frame.
pub fn wait_for_frame(log: &std::path::Path) -> String {
    format!(
        r#"for i in $(seq 1 300); do
          grep -q "preview frame at" "{log}" && break
          kill -0 $pid 2>/dev/null || break
          sleep 0.1
        done"#,
        log = log.display()
    )
}

/// Runs `script` under a fresh Xvfb screen (1280×800) in `dir`, which is also `HOME` (the
/// window keeps its state under it, never in the person's data folder); returns the app's log.
pub fn xvfb(dir: &std::path::Path, script: &str, log: &std::path::Path) -> String {
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "bash", "-c", script])
        .current_dir(dir)
        .env("HOME", dir)
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .status()
        .expect("xvfb-run (installed by scripts/setup.sh)");
    let app_log = std::fs::read_to_string(log).unwrap_or_default();
    assert!(status.code().is_some(), "xvfb-run ran: {app_log}");
    app_log
}

#[test]
fn smoke_sound_plays_the_files_audio_from_the_playhead() {
    // ALSA's default device becomes a file sink (raw samples, no pacing): what the player
    // hands the sound card is read here. tone_steps.mp4 says the time by pitch: 300 Hz
    // in its first second, 400 Hz in the next, … Two Shift+→ move the playhead to 2 s, so the
    // first sound played is 500 Hz, then 600 Hz.
    let dir = test_dir("smoke-sound");
    // A FIFO, read here: the sink writes silence at memory speed between decoded chunks
    // (hundreds of MB a second), which never touches the disk this way.
    let fifo = dir.join("out.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || -> Vec<[u8; 8]> {
            use std::io::Read;
            let mut f = std::fs::File::open(&fifo).expect("open the fifo");
            let mut frames = Vec::new();
            let mut buf = vec![0u8; 1 << 16];
            let mut carry: Vec<u8> = Vec::new();
            loop {
                let n = f.read(&mut buf).expect("read the fifo");
                if n == 0 {
                    break frames;
                }
                carry.extend_from_slice(&buf[..n]);
                let whole = carry.len() / 8 * 8;
                for fr in carry[..whole].chunks_exact(8) {
                    if fr.iter().any(|b| *b != 0) {
                        frames.push(fr.try_into().expect("8 bytes"));
                    }
                }
                carry.drain(..whole);
            }
        })
    };
    std::fs::write(
        dir.join(".asoundrc"),
        format!(
            "pcm.!default {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"raw\"\n}}\n",
            fifo.display()
        ),
    )
    .expect("asoundrc");
    let log = dir.join("app.log");
    let script = format!(
        r#"
        SLOP_LOG=debug "{bin}" "{video}" 2>"{log}" &
        pid=$!
        {wait_for_frame}
        sleep 0.5
        {focus}
        xdotool key shift+Right shift+Right
        sleep 0.5
        xdotool key space
        sleep 1
        xdotool key space
        sleep 0.3
        kill $pid
        wait $pid
        "#,
        bin = env!("CARGO_BIN_EXE_slopcannon"),
        video = fixture("tone_steps.mp4").display(),
        log = log.display(),
        wait_for_frame = wait_for_frame(&log),
        focus = FOCUS,
    );
    let app_log = xvfb(&dir, &script, &log);
    // If the app never opened the sink, unblock the reader (a writer that goes at once).
    {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc_o_nonblock())
            .open(&fifo)
            .ok();
    }
    // "sound plays on <device> (48000 Hz, 2 channels, f32)"
    let line = app_log
        .lines()
        .find(|l| l.contains("sound plays on"))
        .unwrap_or_else(|| panic!("the sound device opened:\n{app_log}"));
    let rate: f64 = line
        .split(" (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("rate in {line}"));
    let channels: usize = line
        .split(" Hz, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("channels in {line}"));
    assert!(line.ends_with("f32)"), "f32 samples: {line}");
    assert_eq!(channels, 2, "{line}");
    // Channel 0 of each stereo f32 frame that is not silence.
    let samples: Vec<f32> = reader
        .join()
        .expect("reader")
        .iter()
        .map(|f| f32::from_le_bytes([f[0], f[1], f[2], f[3]]))
        .filter(|s| *s != 0.0)
        .collect();
    assert!(
        samples.len() as f64 > rate * 1.5,
        "{} samples",
        samples.len()
    );
    // Pitch by zero crossings over 0.4 s: the start of second 2, then of second 3.
    let pitch = |from: f64| -> f64 {
        let (a, n) = ((from * rate) as usize, (0.4 * rate) as usize);
        let w = &samples[a..a + n];
        let crossings = w
            .windows(2)
            .filter(|p| (p[0] < 0.0) != (p[1] < 0.0))
            .count();
        crossings as f64 / 2.0 / 0.4
    };
    let (p2, p3) = (pitch(0.05), pitch(1.05));
    assert!(
        (p2 - 500.0).abs() < 15.0,
        "the sound at 2 s is 500 Hz: {p2}"
    );
    assert!((p3 - 600.0).abs() < 15.0, "then 600 Hz: {p3}");
    assert!(
        app_log.contains("sound card"),
        "the sound clocked playback:\n{app_log}"
    );
}

/// `O_NONBLOCK` on Linux (opening a FIFO for writing then fails instead of waiting when
/// nobody reads it).
fn libc_o_nonblock() -> i32 {
    0o4000
}
