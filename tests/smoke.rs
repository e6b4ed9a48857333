//! The real window under Xvfb: start the binary on a fixture, wait until the first preview
//! frame has been shown, screenshot the screen, and check that it shows the window with the
//! picture in it (not blank, not black). The screenshot is kept as `target/tmp/smoke.ppm`.

use slopcannon_testkit::{fixture, test_dir};
use std::process::Command;

/// A PPM (P6) image.
struct Ppm {
    width: usize,
    height: usize,
    rgb: Vec<u8>,
}

fn read_ppm(bytes: &[u8]) -> Ppm {
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
    let script = format!(
        r#"
        SLOP_LOG=debug "{bin}" "{video}" 2>"{log}" &
        pid=$!
        for i in $(seq 1 300); do
          grep -q "preview frame at" "{log}" && break
          kill -0 $pid 2>/dev/null || break
          sleep 0.1
        done
        sleep 1
        import -window root -depth 8 "{shot}"
        kill $pid
        wait $pid
        "#,
        bin = env!("CARGO_BIN_EXE_slopcannon"),
        video = video.display(),
        log = log.display(),
        shot = shot.display(),
    );
    let status = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "bash", "-c", &script])
        .current_dir(&dir)
        .status()
        .expect("xvfb-run (installed by scripts/setup.sh)");
    let app_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.code().is_some(), "xvfb-run ran: {app_log}");
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
}
