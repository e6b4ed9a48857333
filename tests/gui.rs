//! The real app, headless (egui_kittest): open a file through the Open button, see the probe
//! summary and the preview, step frames with the keyboard; bad files and bad settings show
//! their errors in the window. Workers are real threads decoding real files.

use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use slopcannon::gui::app::{AppDeps, SlopApp};
use slopcannon::gui::jobs::PickFor;
use slopcannon::gui::panels::clips::export_button_text;
use slopcannon_testkit::fixture;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn harness(deps: AppDeps) -> Harness<'static, SlopApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| SlopApp::new(cc, deps))
}

/// A picker that answers with `path` and counts how often it was asked.
fn picker(path: PathBuf, asked: Arc<AtomicU32>) -> AppDeps {
    AppDeps::new(Arc::new(move |_| {
        asked.fetch_add(1, Ordering::SeqCst);
        Some(path.clone())
    }))
}

/// Steps the app until `done` holds, failing after 20 s of wall time.
fn step_until(h: &mut Harness<'static, SlopApp>, what: &str, done: impl Fn(&SlopApp) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    h.step();
}

#[test]
fn gui_open_button_shows_probe_summary_and_preview() {
    let asked = Arc::new(AtomicU32::new(0));
    let mut h = harness(picker(fixture("cfr.mp4"), asked.clone()));
    h.step();
    h.get_by_label("Open…").click();
    step_until(&mut h, "the first preview frame", |app| {
        app.textures().preview().is_some() && app.state.preview_secs.is_some()
    });
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert!(h
        .query_all_by_label_contains("320×240 h264 30 fps")
        .next()
        .is_some());
    assert!(h.query_by_label("Preview frame at 0:00.000").is_some());
    let tex = h.state().textures().preview().expect("texture");
    assert_eq!(tex.size(), [320, 240]);

    // → steps one frame; Shift+→ one second.
    h.key_press(egui::Key::ArrowRight);
    step_until(&mut h, "frame 1", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 1.0 / 30.0).abs() < 1e-3)
    });
    assert!(h.query_by_label("Preview frame at 0:00.033").is_some());
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    step_until(&mut h, "1.033 s", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 31.0 / 30.0).abs() < 1e-3)
    });
    assert!(h.query_by_label_contains("0:01.033 / 0:10.000").is_some());
}

#[test]
fn gui_bad_file_shows_the_error_in_the_window() {
    let asked = Arc::new(AtomicU32::new(0));
    let mut h = harness(picker(fixture("random.mp4"), asked));
    h.step();
    h.get_by_label("Open…").click();
    step_until(&mut h, "the error", |app| app.state.error.is_some());
    assert!(h
        .query_by_label_contains("not a media file FFmpeg recognises")
        .is_some());
    assert!(h.state().textures().preview().is_none());
}

#[test]
fn gui_file_argument_and_audio_only_file() {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(fixture("audio_only.m4a"));
    let mut h = harness(deps);
    step_until(&mut h, "the probe", |app| app.state.info().is_some());
    assert!(h
        .query_all_by_label_contains("aac 44.1 kHz stereo")
        .next()
        .is_some());
    assert!(h.query_by_label_contains("Audio only").is_some());
}

#[test]
fn gui_bad_setting_is_shown_and_blocks_work() {
    let asked = Arc::new(AtomicU32::new(0));
    let mut deps = picker(fixture("cfr.mp4"), asked.clone());
    deps.settings_error = Some("SLOP_FFMPEG_CRF=\"99\": expected an integer 0–51".into());
    let mut h = harness(deps);
    h.run_steps(3);
    assert!(h
        .query_by_label_contains("SLOP_FFMPEG_CRF=\"99\": expected an integer 0–51")
        .is_some());
    h.get_by_label("Open…").click();
    h.run_steps(3);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "no dialog while settings are bad"
    );
}

#[test]
fn gui_log_panel_shows_engine_log_lines() {
    let deps = AppDeps::new(Arc::new(|_| None));
    let tx = deps.tx.clone();
    let mut h = harness(deps);
    tx.send(slopcannon::gui::jobs::Msg::Log(
        slopcannon::logging::LogLine::new(tracing::Level::WARN, "a line from a worker"),
    ))
    .expect("send");
    h.run_steps(2);
    assert!(h.query_by_label_contains("a line from a worker").is_some());
}

#[test]
fn gui_find_viral_clips_lists_clips_and_trims_the_selected_one() {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(fixture("planted.mp4"));
    let mut h = harness(deps);
    step_until(&mut h, "the probe", |app| {
        app.state.ready_generation().is_some()
    });
    h.get_by_label("Find Viral Clips").click();
    step_until(&mut h, "the analysis to finish", |app| {
        app.state.analysis.is_none()
            && app.state.clips.pass == Some(slopcannon_engine::analysis::Pass::Full)
    });
    let clips = &h.state().state.clips;
    assert_eq!(clips.segments.items.len(), 5);
    assert_eq!(
        clips.segments.selected_index(),
        Some(0),
        "the best clip is selected"
    );
    assert!(h.query_by_label_contains("#1  ").is_some());
    assert!(h.query_by_label_contains("Found 5 clips").is_some());
    // The playhead went to the first clip's start.
    let first = h.state().state.clips.segments.items[0].clone();
    assert!((h.state().state.playhead_secs - first.start).abs() < 1e-6);

    // ↓ selects the next clip; I trims its start to the playhead moved 2 s in.
    h.key_press(egui::Key::ArrowDown);
    step_until(&mut h, "clip 2", |app| {
        app.state.clips.segments.selected_index() == Some(1)
    });
    let second = h.state().state.clips.segments.items[1].clone();
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run_steps(2);
    h.key_press(egui::Key::I);
    h.run_steps(2);
    let trimmed = h.state().state.clips.segments.items[1].clone();
    assert!(
        (trimmed.start - (second.start + 2.0)).abs() < 1e-6,
        "{trimmed:?} vs {second:?}"
    );
    assert_eq!(trimmed.end, second.end);
}

#[test]
fn gui_analysis_can_be_cancelled() {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(fixture("planted.mp4"));
    let mut h = harness(deps);
    step_until(&mut h, "the probe", |app| {
        app.state.ready_generation().is_some()
    });
    h.get_by_label("Find Viral Clips").click();
    h.run_steps(2);
    assert!(h.state().state.analysis.is_some());
    h.get_by_label("Cancel").click();
    step_until(&mut h, "the cancel", |app| app.state.analysis.is_none());
    assert!(h.query_by_label_contains("Analysis cancelled").is_some());
    assert!(h.state().state.error.is_none());
}

#[test]
fn gui_clips_survive_closing_the_window() {
    let data = slopcannon_testkit::test_dir("gui_project");
    let video = fixture("planted.mp4");
    let open = |data: &std::path::Path| {
        let mut deps = AppDeps::new(Arc::new(|_| None));
        deps.open = Some(video.clone());
        deps.data_dir = Some(data.to_path_buf());
        harness(deps)
    };
    let mut h = open(&data);
    step_until(&mut h, "the probe", |app| {
        app.state.ready_generation().is_some()
    });
    h.get_by_label("Find Viral Clips").click();
    step_until(&mut h, "the clips", |app| {
        app.state.analysis.is_none() && !app.state.clips.segments.items.is_empty()
    });
    // Trim the first clip, then close.
    h.key_press(egui::Key::I);
    let expected = {
        let first = &h.state().state.clips.segments.items[0];
        (first.start, first.end)
    };
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run_steps(2);
    h.key_press(egui::Key::I);
    h.run_steps(2);
    let trimmed = h.state().state.clips.segments.items[0].clone();
    assert!((trimmed.start - (expected.0 + 1.0)).abs() < 1e-6);
    let saved = slopcannon_engine::project::project_path(&data, &video);
    let saved_with = |h: &mut Harness<'static, SlopApp>, what: &str, text: &str| {
        // Autosave writes within 2 s of a change (the bound).
        let deadline = Instant::now() + Duration::from_secs(2);
        while !std::fs::read_to_string(&saved).is_ok_and(|t| t.contains(text)) {
            assert!(
                Instant::now() < deadline,
                "project saved with {what} within 2 s"
            );
            h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    saved_with(&mut h, "the trim", &format!("{}", trimmed.start));
    // Export and caption choices are saved with the project too.
    let mut choices = h.state().state.export_choices.clone();
    choices.portrait = Some(slopcannon_engine::export::Portrait::Blur);
    choices.caption_style =
        slopcannon_engine::captions::CaptionStyle::preset("boxed").expect("preset");
    choices.caption_style_name = "boxed".into();
    choices.template = "{label}-{num}.mp4".into();
    h.state_mut()
        .send(slopcannon::gui::command::Command::SetExportChoices(
            choices.clone(),
        ));
    saved_with(&mut h, "the export choices", "{label}-{num}.mp4");
    drop(h);

    // A new window on the same file shows the trimmed clips and the choices without
    // analysing again; the weights can rank again (the features came back too).
    let mut h = open(&data);
    step_until(&mut h, "restored clips", |app| {
        !app.state.clips.segments.items.is_empty()
    });
    let s = &h.state().state;
    assert!(s.analysis.is_none());
    assert_eq!(s.clips.segments.items[0].start, trimmed.start);
    assert_eq!(s.export_choices, choices);
    assert!(s.clips.features.is_some() && s.clips.curves.is_some());
    assert!(h.query_by_label_contains("restored").is_some());
    drop(h);

    // A project that cannot be read is kept aside, said in the window, and not overwritten.
    std::fs::write(&saved, b"{ not json").expect("break the project");
    let mut h = open(&data);
    step_until(&mut h, "the probe", |app| {
        app.state.ready_generation().is_some()
    });
    let bad = saved.with_file_name(format!(
        "{}.bad",
        saved.file_name().expect("name").to_string_lossy()
    ));
    let error = h.state().state.error.clone().unwrap_or_default();
    assert!(
        error.contains("could not be used (not a project") && error.contains(".bad"),
        "{error}"
    );
    assert!(h.state().state.clips.segments.items.is_empty());
    assert_eq!(std::fs::read(&bad).expect("kept aside"), b"{ not json");
    h.key_press(egui::Key::N);
    h.run_steps(2);
    assert_eq!(
        h.state().state.clips.segments.items.len(),
        1,
        "N adds a segment"
    );
    let deadline = Instant::now() + Duration::from_secs(2);
    while !saved.exists() {
        assert!(Instant::now() < deadline, "a new project is saved");
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(std::fs::read(&bad).expect("still kept"), b"{ not json");
}

#[test]
fn gui_exports_the_ticked_clips_as_shorts() {
    let out = slopcannon_testkit::test_dir("gui_export");
    // The dialog answers only for the background: a 1 s loop.
    let bg = fixture("loop_1s.mp4");
    let mut deps = AppDeps::new(Arc::new(move |purpose| {
        (purpose == PickFor::Background).then(|| bg.clone())
    }));
    deps.open = Some(fixture("cuts.mp4"));
    deps.export_dir = Some(out.clone());
    let mut h = harness(deps);
    step_until(&mut h, "the probe", |app| {
        app.state.ready_generation().is_some()
    });
    h.get_by_label("Find Viral Clips").click();
    step_until(&mut h, "the clips", |app| {
        app.state.analysis.is_none() && !app.state.clips.segments.items.is_empty()
    });
    // The cuts fixture is 10 s long: the default 15–60 s limits give one clip of the whole.
    let n = h.state().state.clips.segments.items.len();
    assert!(n >= 1);
    h.state_mut()
        .send(slopcannon::gui::command::Command::SetExportChoices(
            slopcannon::gui::state::ExportChoices {
                portrait: Some(slopcannon_engine::export::Portrait::Crop),
                loudnorm: false,
                captions: false,
                background: None,
                ..Default::default()
            },
        ));
    h.run_steps(2);
    assert_eq!(
        h.state().state.export_choices.portrait,
        Some(slopcannon_engine::export::Portrait::Crop)
    );
    // Stacked over a background chosen in the dialog (it replaces the crop layout).
    crate::util::click_in_view(&mut h, "Background video…");
    step_until(&mut h, "the background", |app| {
        app.state.export_choices.background.is_some()
    });
    assert!(h.query_by_label("Stacked over loop_1s.mp4").is_some());
    h.get_by_label(&export_button_text(n)).click();
    step_until(&mut h, "the export", |app| {
        app.state.export.is_none() && app.state.status.starts_with("Exported")
    });
    let files: Vec<_> = std::fs::read_dir(&out)
        .expect("out dir")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(files.len(), n);
    let info = slopcannon_engine::media::probe(&files[0].path()).expect("probe");
    assert_eq!(
        info.video().map(|(_, v)| (v.width, v.height)),
        Some((1080, 1920))
    );
    // The lower half is the 1 s background: the same picture a second later, another
    // picture half a second later.
    let grab = |t: f64| {
        slopcannon_engine::media::grab::grab_frame(&files[0].path(), t, 270, 480).expect("grab")
    };
    let (f0, f05, f1) = (grab(0.2), grab(0.7), grab(1.2));
    let looped = slopcannon_testkit::band_mad(&f0, &f1, 240, 480);
    let moved = slopcannon_testkit::band_mad(&f0, &f05, 240, 480);
    assert!(looped < 3.0, "looped: {looped}");
    assert!(moved > 3.0, "it moves: {moved}");
}

#[test]
fn gui_shows_the_words_at_the_playhead() {
    use slopcannon_engine::speech::{Segment, Transcript, Word};
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(fixture("cfr.mp4"));
    let mut h = harness(deps);
    step_until(&mut h, "the first frame", |app| {
        app.textures().preview().is_some()
    });
    let word = |w: &str, s: f64| Word {
        start: s,
        end: s + 0.4,
        word: w.into(),
    };
    h.state_mut().state.clips.transcript = Some(Arc::new(Transcript {
        language: "en".into(),
        model: "test".into(),
        segments: vec![Segment {
            start: 2.0,
            end: 3.2,
            text: "ask not what".into(),
            words: vec![word("ask", 2.0), word("not", 2.4), word("what", 2.8)],
        }],
    }));
    h.run_steps(2);
    assert!(
        h.query_by_label("ask not what").is_none(),
        "nothing said at 0 s"
    );
    h.state_mut()
        .send(slopcannon::gui::command::Command::Seek(2.5));
    step_until(&mut h, "the seek", |app| {
        app.state.preview_secs.is_some_and(|t| t > 2.4)
    });
    assert!(h.query_by_label("ask not what").is_some());
}

#[test]
fn a_job_that_panics_ends_and_the_window_goes_on() {
    // The first dialog crashes (as a broken desktop portal might); the window must not wait
    // for it for ever: the next Open works.
    let asked = Arc::new(AtomicU32::new(0));
    let count = asked.clone();
    let path = fixture("cfr.mp4");
    let mut h = harness(AppDeps::new(Arc::new(move |_| {
        if count.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the dialog crashed");
        }
        Some(path.clone())
    })));
    h.step();
    h.get_by_label("Open…").click();
    let deadline = Instant::now() + Duration::from_secs(20);
    while asked.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the dialog was never asked");
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    // Ask again until the window takes the click: it does once the crashed job's closing
    // message has arrived (before the fix it never did).
    while asked.load(Ordering::SeqCst) < 2 {
        assert!(
            Instant::now() < deadline,
            "Open stayed dead after the crash"
        );
        h.get_by_label("Open…").click();
        for _ in 0..10 {
            h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    step_until(&mut h, "the file opened after the crash", |app| {
        app.textures().preview().is_some()
    });
    assert_eq!(asked.load(Ordering::SeqCst), 2);
}
