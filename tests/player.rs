//! The player, headless (egui_kittest) on real files: Space plays on the clock and stops,
//! the J/K/L shuttle, P plays the selected clip and stops at its end (Shift+P loops),
//! audio-only files play, and a machine without a sound device plays on the wall clock.

use egui_kittest::Harness;
use slopcannon::gui::app::{AppDeps, SlopApp};
use slopcannon::gui::command::Command;
use slopcannon::gui::player::PlayStats;
use slopcannon_engine::analysis::scoring::Clip;
use slopcannon_testkit::fixture;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub fn open(path: &Path, sound: bool) -> Harness<'static, SlopApp> {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(path.to_path_buf());
    deps.settings.audio_output = sound;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        // egui's time advances by this per step: at 60 Hz, as a real window, so double-clicks
        // and eased scrolling behave as they do for a person.
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    run_until(&mut h, "the file to open", |app| {
        app.state.ready_generation().is_some()
            && (!app.state.has_video() || app.state.preview_secs.is_some())
    });
    h
}

/// Steps the app (in real time) until `done`, failing after 20 s.
pub fn run_until(h: &mut Harness<'static, SlopApp>, what: &str, done: impl Fn(&SlopApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(4));
    }
}

/// Steps the app for `secs` of wall time; returns the preview times seen.
fn run_for(h: &mut Harness<'static, SlopApp>, secs: f64) -> Vec<f64> {
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let mut seen = Vec::new();
    while Instant::now() < end {
        h.step();
        if let Some(t) = h.state().state.preview_secs {
            if seen.last() != Some(&t) {
                seen.push(t);
            }
        }
        std::thread::sleep(Duration::from_millis(4));
    }
    seen
}

fn press(h: &mut Harness<'static, SlopApp>, key: egui::Key) {
    h.key_press(key);
    h.step();
}

fn stats(h: &Harness<'static, SlopApp>) -> PlayStats {
    h.state()
        .state
        .last_play
        .clone()
        .expect("playback statistics")
}

fn speed(h: &Harness<'static, SlopApp>) -> Option<f64> {
    h.state().state.playback.map(|p| p.speed)
}

#[test]
fn gui_space_plays_the_video_on_the_clock_and_space_stops_it() {
    // cfr.mp4: 10 s at 30 fps, with sound. On the wall clock (sound off) the playhead must
    // follow the time that passed.
    let mut h = open(&fixture("cfr.mp4"), false);
    let started = Instant::now();
    press(&mut h, egui::Key::Space);
    assert_eq!(speed(&h), Some(1.0));
    let seen = run_for(&mut h, 1.5);
    press(&mut h, egui::Key::Space);
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(speed(&h), None, "Space stops");
    let at = h.state().state.playhead_secs;
    assert!(
        at <= wall + 0.05 && at >= wall - 0.3,
        "playhead {at} after {wall} s"
    );
    // The picture moved on with it, frame after frame, in order.
    assert!(seen.len() >= 15, "{} frames shown: {seen:?}", seen.len());
    assert!(seen.windows(2).all(|w| w[1] > w[0]), "{seen:?}");
    let shown = h.state().state.preview_secs.expect("frame");
    assert!((shown - at).abs() < 0.1, "frame {shown} at playhead {at}");
    // One line of statistics when it stops.
    let s = stats(&h);
    assert_eq!(s.clock, "wall");
    assert!(s.shown >= 15, "{s:?}");
    assert!(s.line().starts_with("playback: "), "{}", s.line());
    assert!(s.line().contains(" frames shown, "), "{}", s.line());
    // Stopped means stopped.
    let still = h.state().state.playhead_secs;
    run_for(&mut h, 0.3);
    assert_eq!(h.state().state.playhead_secs, still);
    // K plays and pauses too.
    press(&mut h, egui::Key::K);
    assert_eq!(speed(&h), Some(1.0));
    press(&mut h, egui::Key::K);
    assert_eq!(speed(&h), None);
}

#[test]
fn gui_jkl_shuttle_doubles_slows_and_plays_backwards() {
    let mut h = open(&fixture("cfr.mp4"), false);
    h.state_mut().send(Command::Seek(4.0));
    run_until(&mut h, "the seek", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 4.0).abs() < 0.02)
    });
    press(&mut h, egui::Key::L);
    assert_eq!(speed(&h), Some(1.0));
    press(&mut h, egui::Key::L);
    assert_eq!(speed(&h), Some(2.0));
    let (t0, w0) = (h.state().state.playhead_secs, Instant::now());
    run_for(&mut h, 0.8);
    let moved = h.state().state.playhead_secs - t0;
    let wall = w0.elapsed().as_secs_f64();
    assert!(
        moved > wall * 2.0 - 0.25 && moved < wall * 2.0 + 0.1,
        "moved {moved} s in {wall} s at 2×"
    );
    press(&mut h, egui::Key::J);
    assert_eq!(speed(&h), Some(1.0));
    press(&mut h, egui::Key::J);
    assert_eq!(speed(&h), Some(0.5));
    press(&mut h, egui::Key::J);
    assert_eq!(speed(&h), None, "J from ½× stops");
    // Backwards: the playhead goes back, showing keyframes on the way.
    let t1 = h.state().state.playhead_secs;
    press(&mut h, egui::Key::J);
    assert_eq!(speed(&h), Some(-1.0));
    let seen = run_for(&mut h, 1.0);
    let t2 = h.state().state.playhead_secs;
    assert!(t2 < t1 - 0.7, "backwards from {t1} to {t2}");
    assert!(
        seen.iter()
            .any(|t| (t - 4.0).abs() < 1e-6 || (t - 2.0).abs() < 1e-6),
        "keyframes (every 2 s) shown on the way: {seen:?}"
    );
    press(&mut h, egui::Key::K);
    assert_eq!(speed(&h), None);
}

#[test]
fn gui_p_plays_the_selected_clip_and_stops_at_its_end_shift_p_loops() {
    let mut h = open(&fixture("cfr.mp4"), false);
    let clip = Clip {
        start: 2.0,
        end: 3.0,
        score: 90.0,
        reasons: Vec::new(),
        features: Default::default(),
        filler: false,
    };
    h.state_mut().state.clips.segments.merge_ranking(&[clip]);
    h.state_mut().send(Command::SelectClip(0));
    h.step();
    let started = Instant::now();
    press(&mut h, egui::Key::P);
    assert_eq!(h.state().state.playback.and_then(|p| p.end_secs), Some(3.0));
    run_until(&mut h, "the clip's end", |app| app.state.playback.is_none());
    let took = started.elapsed().as_secs_f64();
    assert!(took > 0.97 && took < 2.0, "a 1 s clip played in {took} s");
    let at = h.state().state.playhead_secs;
    assert!((at - 3.0).abs() < 1e-9, "stops at the clip's end: {at}");
    let shown = h.state().state.preview_secs.expect("frame");
    assert!(
        shown > 2.9 && shown < 3.0,
        "the clip's last frame shows: {shown}"
    );

    // Shift+P: round and round, never past the end.
    h.state_mut().send(Command::SelectClip(0));
    h.step();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::P);
    h.step();
    let end = Instant::now() + Duration::from_millis(2500);
    let mut wrapped = false;
    let mut last = 2.0;
    while Instant::now() < end {
        h.step();
        let t = h.state().state.playhead_secs;
        assert!((2.0..=3.0).contains(&t), "looping inside the clip: {t}");
        wrapped |= t < last - 0.5;
        last = t;
        std::thread::sleep(Duration::from_millis(4));
    }
    assert!(wrapped, "it went round");
    assert!(h.state().state.playback.is_some_and(|p| p.looping));
    press(&mut h, egui::Key::Space);
    assert_eq!(speed(&h), None);
}

#[test]
fn gui_audio_only_files_play_and_stop_at_their_end() {
    // audio_only.m4a: 3 s, no picture.
    let mut h = open(&fixture("audio_only.m4a"), false);
    h.state_mut().send(Command::Seek(2.0));
    h.step();
    assert_eq!(h.state().state.playhead_secs, 2.0);
    press(&mut h, egui::Key::Space);
    run_until(&mut h, "the end of the sound", |app| {
        app.state.playback.is_none()
    });
    let at = h.state().state.playhead_secs;
    assert!((at - 3.0).abs() < 0.05, "stopped at the end: {at}");
}

#[test]
fn gui_without_a_sound_device_playback_is_silent_on_the_wall_clock() {
    // Sound on (the default): with no device here (CI, a server), playback still runs, on the
    // wall clock; with one, the sound card clocks it.
    let has_device = Path::new("/dev/snd").exists();
    let mut h = open(&fixture("cfr.mp4"), true);
    press(&mut h, egui::Key::Space);
    run_for(&mut h, 0.7);
    press(&mut h, egui::Key::Space);
    let s = stats(&h);
    assert_eq!(s.clock == "sound card", has_device, "{s:?}");
    assert!(s.shown >= 5, "{s:?}");
    assert!(h.state().state.playhead_secs > 0.3);
}

#[test]
fn a_newer_seek_cancels_the_decode_of_an_older_one() {
    // One keyframe in 10 s of 720p: the exact frame at 9.9 s needs ~300 frames decoded. A
    // seek to 0.5 s sent right after wins: the older one shows its keyframe at once (something
    // to look at), but its exact frame is never decoded to the end.
    use slopcannon::gui::jobs::{Msg, MsgSender, Waker};
    use slopcannon::gui::player::video::{VideoRequest, VideoWorker};
    use slopcannon_engine::progress::CancelToken;
    let path = fixture("long_gop_720p.mp4");
    let (tx, rx) = crossbeam_channel::unbounded();
    let mut worker = VideoWorker::start(MsgSender::new(tx, Waker::default()));
    let still = |generation: u64, t_secs: f64| VideoRequest::Still {
        generation,
        path: path.clone(),
        t_secs,
        max_size: (320, 180),
        keyframe_only: false,
        cancel: CancelToken::new(),
    };
    // Open the file first, so the race below is between decodes only.
    worker.send(still(1, 0.0));
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("first frame");
    assert!(matches!(
        first,
        Msg::Frame {
            generation: 1,
            exact: true,
            result: Ok(_),
            ..
        }
    ));
    worker.send(still(2, 9.9));
    // Wait for its keyframe: the decode towards 9.9 s has started.
    let key = rx.recv_timeout(Duration::from_secs(20)).expect("keyframe");
    match key {
        Msg::Frame {
            generation: 2,
            exact: false,
            result: Ok(f),
            ..
        } => assert_eq!(f.pts_secs, 0.0),
        other => panic!("expected the keyframe first, got {other:?}"),
    }
    let sent = Instant::now();
    worker.send(still(3, 0.5));
    let mut got = Vec::new();
    while let Ok(msg) = rx.recv_timeout(Duration::from_secs(3)) {
        if let Msg::Frame {
            generation,
            exact,
            result,
            ..
        } = msg
        {
            got.push((generation, exact, result.map(|f| f.pts_secs)));
            if generation == 3 && exact {
                break;
            }
        }
    }
    assert!(
        sent.elapsed() < Duration::from_secs(2),
        "the newer seek waited {:?}",
        sent.elapsed()
    );
    assert_eq!(got.last(), Some(&(3, true, Ok(0.5))), "{got:?}");
    assert!(
        !got.iter().any(|(g, exact, _)| *g == 2 && *exact),
        "the older decode was cancelled: {got:?}"
    );
}

#[test]
fn gui_two_key_presses_in_one_frame_both_count() {
    // A busy machine (or key repeat) can deliver two presses in one frame: both move on.
    let mut h = open(&fixture("cfr.mp4"), false);
    for _ in 0..2 {
        for pressed in [true, false] {
            h.input_mut().events.push(egui::Event::Key {
                key: egui::Key::ArrowRight,
                pressed,
                modifiers: egui::Modifiers::SHIFT,
                repeat: false,
                physical_key: None,
            });
        }
    }
    h.step();
    assert_eq!(h.state().state.playhead_secs, 2.0);
}
