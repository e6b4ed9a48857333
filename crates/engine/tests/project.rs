//! Projects survive `kill -9`: a child process saves a growing project over and over and is
//! killed at 25 moments; every time, the file on disk loads whole and is one of the saves,
//! later saves never go back, and nothing a killed writer left stays behind.

use slopcannon_engine::project::{Project, Segment};
use slopcannon_engine::speech::{Segment as TranscriptSegment, Transcript, Word};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

/// The child's folder, given through the environment.
const DIR_VAR: &str = "PROJECT_KILL_TEST_DIR";

/// A project whose `n` segments are all labelled `save n`, with a 5 000-word transcript (a
/// half-hour talk: a save takes long enough to be killed in the middle of one).
fn project(video: &Path, n: u64) -> Project {
    let segments = (0..n)
        .map(|i| Segment {
            id: i + 1,
            start: i as f64,
            end: i as f64 + 0.5,
            label: format!("save {n}"),
            chosen: true,
            ..Segment::default()
        })
        .collect();
    let mut p = Project::new(video, segments);
    let words = (0..5_000)
        .map(|i| Word {
            start: i as f64 * 0.3,
            end: i as f64 * 0.3 + 0.25,
            word: format!(" word{i}"),
        })
        .collect();
    p.transcript = Some(Arc::new(Transcript {
        segments: vec![TranscriptSegment {
            start: 0.0,
            end: 6000.0,
            text: String::new(),
            words,
        }],
        ..Transcript::default()
    }));
    p
}

/// Run by the test below in a child process (ignored in a normal run): saves forever, each
/// save one segment more than the one on disk.
#[test]
#[ignore = "the child of projects_survive_kill_9; runs only when that test starts it"]
fn project_saver_child() {
    let Some(dir) = std::env::var_os(DIR_VAR) else {
        return;
    };
    let dir = Path::new(&dir);
    let video = dir.join("talk.mp4");
    let mut n = Project::load(dir, &video)
        .ok()
        .flatten()
        .map_or(0, |p| p.segments.len() as u64);
    loop {
        n += 1;
        let mut p = project(&video, n);
        p.stamp_video();
        p.save(dir).expect("save");
    }
}

#[test]
fn projects_survive_kill_9() {
    let dir = slopcannon_testkit::test_dir("project_kill");
    let video = dir.join("talk.mp4");
    std::fs::write(&video, b"stands for a video").expect("write");
    let exe = std::env::current_exe().expect("test binary");
    let mut last = 0;
    for k in 0..25u64 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "project::project_saver_child",
                "--ignored",
                "--nocapture",
            ])
            .env(DIR_VAR, &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start the child");
        // Kill at moments spread over the child's start-up and its saves.
        std::thread::sleep(Duration::from_millis(50 + (k * 97) % 450));
        child.kill().expect("kill -9");
        child.wait().expect("wait");
        match Project::load(&dir, &video).expect("the last save loads") {
            None => assert_eq!(last, 0, "a saved project vanished after kill {k}"),
            Some(p) => {
                let n = p.segments.len() as u64;
                assert!(n >= last, "went back from save {last} to {n}");
                let whole = p.segments.iter().all(|s| s.label == format!("save {n}"))
                    && p.transcript
                        .as_ref()
                        .is_some_and(|t| t.words().count() == 5_000);
                assert!(whole, "save {n} is not whole after kill {k}");
                last = n;
            }
        }
    }
    eprintln!("{last} saves over 25 kills");
    assert!(last >= 10, "the child saved only {last} times in 25 runs");
    let projects = dir.join("projects");
    let left: Vec<_> = std::fs::read_dir(&projects)
        .expect("projects")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left behind by killed writers: {left:?}");
}
