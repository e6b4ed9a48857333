//! Files that change while they are read: one that grows (a recording still being written)
//! and one that shrinks (truncated by another program). Neither may hang or panic; the
//! growing one is read as far as it was when opened, the shrinking one gives what was read
//! (a shorter clip, as for a clip past the end) or a clear line.

use super::corpus::corpus;
use super::{clip_list, files_in, finish, read_back, row, said, start};
use crate::util::slopcannon;
use slopcannon_testkit::test_dir;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

/// Rewrites `file` in the background while a command runs: appends `rest` in 10 pieces, or
/// truncates it to `keep` bytes.
fn change_in_background(
    file: &Path,
    rest: Vec<u8>,
    keep: Option<u64>,
) -> std::thread::JoinHandle<()> {
    let file = file.to_path_buf();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        if let Some(keep) = keep {
            let f = std::fs::OpenOptions::new()
                .write(true)
                .open(&file)
                .expect("open");
            f.set_len(keep).expect("truncate");
            return;
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&file)
            .expect("open");
        for piece in rest.chunks(rest.len().div_ceil(10).max(1)) {
            f.write_all(piece).expect("append");
            f.flush().ok();
            std::thread::sleep(Duration::from_millis(50));
        }
    })
}

#[test]
fn hostile_a_file_that_grows_while_read() {
    let dir = test_dir("hostile_growing");
    let full = std::fs::read(corpus("long.ts")).expect("read");
    let first = full.len() / 4;
    for (command, args) in [
        (
            "analyze --no-speech",
            vec!["analyze", "--no-speech", "--min-len", "1", "--max-len", "2"],
        ),
        ("export 0.5–1.5", vec!["export", "--out", "out", "--clips"]),
    ] {
        let file = dir.join("growing.ts");
        std::fs::write(&file, &full[..first]).expect("write the first quarter");
        let mut cmd = slopcannon(&dir);
        cmd.arg(args[0]).arg(&file).args(&args[1..]);
        if args[0] == "export" {
            cmd.arg(clip_list(&dir, &[(0.5, 1.5)]));
        }
        let child = start(&mut cmd);
        let writer = change_in_background(&file, full[first..].to_vec(), None);
        let r = finish(child);
        writer.join().expect("writer");
        r.succeeds();
        let outcome = if args[0] == "export" {
            let files = files_in(&dir.join("out"));
            assert_eq!(files.len(), 1);
            let back = read_back(&files[0]);
            assert_eq!(back.frames, 30, "{back}");
            format!("exit 0: {back}")
        } else {
            // The first line: `FILE — N scene cuts, M clips (Full pass, …)`.
            let summary = r.out.lines().next().unwrap_or("");
            let clips = summary
                .split(", ")
                .nth(1)
                .and_then(|c| c.split(" (").next());
            assert!(
                clips.is_some_and(|c| c.ends_with(" clips") || c == "1 clip"),
                "{}",
                r.out
            );
            format!(
                "exit 0: {} of the part there when it was opened",
                clips.unwrap_or("")
            )
        };
        row(
            "a file that grows while read (MPEG-TS, 3 s → 12 s)",
            command,
            &outcome,
        );
    }
}

#[test]
fn hostile_a_file_that_shrinks_while_read() {
    let dir = test_dir("hostile_shrinking");
    let full = std::fs::read(corpus("long.ts")).expect("read");
    for (command, args) in [
        (
            "analyze --no-speech",
            vec!["analyze", "--no-speech", "--min-len", "1", "--max-len", "2"],
        ),
        ("export 10–11", vec!["export", "--out", "out", "--clips"]),
    ] {
        let file = dir.join("shrinking.ts");
        std::fs::write(&file, &full).expect("write");
        let mut cmd = slopcannon(&dir);
        cmd.arg(args[0]).arg(&file).args(&args[1..]);
        if args[0] == "export" {
            cmd.arg(clip_list(&dir, &[(10.0, 11.0)]));
        }
        let child = start(&mut cmd);
        let cutter = change_in_background(&file, Vec::new(), Some(full.len() as u64 / 4));
        let r = finish(child);
        cutter.join().expect("cutter");
        // Whichever came first, the read or the cut: a result, or one clear line.
        let files = files_in(&dir.join("out"));
        let outcome = match r.code {
            0 if args[0] == "export" => {
                // Read before or during the cut: the frames that were there (a source that
                // ends early gives a shorter clip, as a clip past the end does).
                let back = read_back(&files[0]);
                assert!((1..=30).contains(&back.frames), "{back}");
                format!("exit 0 (read before or during the cut): {back}")
            }
            0 => "exit 0: clips of what was there when read".to_string(),
            1 if r
                .out
                .contains("no video frames between 10.000 s and 11.000 s") =>
            {
                assert!(files.is_empty(), "{files:?}");
                "exit 1: \"no video frames between 10.000 s and 11.000 s\" (that part was cut away)"
                    .to_string()
            }
            code => said(code, r.error_line()),
        };
        row(
            "a file that shrinks while read (MPEG-TS, 12 s → 3 s)",
            command,
            &outcome,
        );
    }
}
