//! The window's side windows, headless (egui_kittest), for real: the models window downloads
//! from a loopback server with progress (resuming a broken connection), installs the file and
//! lists it, and rejects a download whose checksum is wrong.

use crate::player::run_until;
use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use slopcannon::gui::app::{AppDeps, SlopApp};
use slopcannon::gui::command::Command;
use slopcannon_testkit::http::serve;
use slopcannon_testkit::test_dir;
use std::sync::Arc;

fn window(data: &std::path::Path, url: &str) -> Harness<'static, SlopApp> {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.data_dir = Some(data.to_path_buf());
    deps.model_base_url = url.to_string();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps))
}

#[test]
fn gui_the_models_window_downloads_with_progress_and_rejects_a_corrupt_file() {
    let dir = test_dir("gui_models");
    let data = std::fs::read(slopcannon_testkit::model("ggml-tiny.en-q5_1.bin")).expect("model");
    let models = dir.join("models");

    // A name without a published checksum, served by a server whose first connection breaks
    // half-way: the progress shows the half, the download resumes and installs the file.
    let (url, server) = serve(data.clone(), 1);
    let mut h = window(&dir, &url);
    h.run_steps(2);
    h.get_by_label("Models…").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("none yet").is_some());
    h.state_mut()
        .send(Command::ChooseModel("my-test-model".into()));
    h.run_steps(2);
    h.get_by_label("Download").click();
    // The progress bar moves while it runs (the broken connection and the pause before the
    // retry leave it part-way for a while).
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !(h.state().state.models.download.is_none() && h.state().state.models.result.is_some()) {
        assert!(
            std::time::Instant::now() < deadline,
            "the download timed out"
        );
        if let Some(f) = h
            .state()
            .state
            .models
            .download
            .as_ref()
            .and_then(|d| d.progress.as_ref())
            .and_then(|p| p.fraction())
        {
            seen.push(f);
        }
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    assert!(
        seen.iter().any(|f| *f > 0.05 && *f < 0.95),
        "part-way progress shown: {:?}",
        seen.first()
    );
    let ranges = server.join().expect("server");
    assert_eq!(ranges.len(), 1, "one resumed request: {ranges:?}");
    let installed = models.join("ggml-my-test-model.bin");
    assert_eq!(std::fs::read(&installed).expect("installed"), data);
    let result = h.state().state.models.result.clone().expect("result");
    assert!(
        result.as_ref().is_ok_and(|l| l.contains("installed")),
        "{result:?}"
    );
    run_until(&mut h, "the list", |app| {
        !app.state.models.installed.is_empty()
    });
    h.run_steps(2);
    assert!(h
        .query_all_by_label_contains("my-test-model")
        .next()
        .is_some());

    // A published name whose bytes do not match its SHA-1 (the file here is not upstream's):
    // refused, said so, and nothing is left behind.
    let (url, server) = serve(data.clone(), 0);
    let mut h = window(&dir, &url);
    h.state_mut().send(Command::ToggleModels);
    h.state_mut()
        .send(Command::ChooseModel("tiny.en-q5_1".into()));
    h.state_mut().send(Command::DownloadModel);
    h.step();
    // While it runs the window shows a progress bar.
    assert!(h.state().state.models.download.is_some());
    run_until(&mut h, "the refused download", |app| {
        app.state.models.download.is_none() && app.state.models.result.is_some()
    });
    server.join().ok();
    let result = h.state().state.models.result.clone().expect("result");
    let err = result.expect_err("a corrupt download is an error");
    assert!(err.contains("corrupt"), "{err}");
    assert!(!models.join("ggml-tiny.en-q5_1.bin").exists());
    assert!(!models.join("ggml-tiny.en-q5_1.bin.part").exists());
    h.run_steps(2);
    assert!(
        h.query_all_by_label_contains("corrupt").next().is_some(),
        "the window says so"
    );
}

#[test]
fn gui_the_settings_window_rejects_a_bad_value_applies_a_good_one_and_saves_it() {
    use slopcannon::settings::{read_dotenv, Source};
    let dir = test_dir("gui_settings");
    let file = dir.join("config/settings.env");
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.user_defaults = Some(file.clone());
    deps.settings_layers = vec![(
        Source::UserDefaults,
        vec![("SLOP_EXPORT_RETRIES".into(), "3".into())],
    )];
    deps.settings =
        slopcannon::settings::Settings::from_layers(deps.settings_layers.clone()).expect("valid");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    h.run_steps(2);
    h.get_by_label("Settings…").click();
    h.run_steps(3);
    // Every setting, with where it came from.
    for var in slopcannon::settings::VARIABLES {
        assert!(h.query_by_label(var).is_some(), "{var} listed");
    }
    assert!(h.query_all_by_label("your defaults").next().is_some());
    // CRF 99 is refused with the message a bad variable gives at start.
    h.state_mut()
        .send(Command::EditSetting("SLOP_FFMPEG_CRF", "99".into()));
    h.run_steps(2);
    h.get_by_label("Apply for this session").click();
    h.run_steps(3);
    let err = h
        .state()
        .state
        .settings_view
        .error
        .clone()
        .expect("refused");
    assert!(
        err.contains("SLOP_FFMPEG_CRF=\"99\"") && err.contains("0–51"),
        "{err}"
    );
    assert!(h
        .query_by_label_contains("expected an integer 0–51")
        .is_some());
    assert_eq!(h.state().settings().ffmpeg_crf, 23, "unchanged");
    // 20 is taken for the session…
    h.state_mut()
        .send(Command::EditSetting("SLOP_FFMPEG_CRF", "20".into()));
    h.run_steps(2);
    h.get_by_label("Apply for this session").click();
    h.run_steps(3);
    assert!(h.state().state.settings_view.error.is_none());
    assert_eq!(h.state().settings().ffmpeg_crf, 20);
    assert_eq!(
        h.state().settings().sources["SLOP_FFMPEG_CRF"],
        Source::Session
    );
    // … and saved as the defaults, next to what was there.
    h.get_by_label("Save as my defaults").click();
    run_until(&mut h, "the save", |app| {
        app.state.settings_view.saved.is_some()
    });
    let saved = read_dotenv(&file).expect("the defaults file");
    assert_eq!(
        saved,
        vec![
            ("SLOP_EXPORT_RETRIES".to_string(), "3".to_string()),
            ("SLOP_FFMPEG_CRF".to_string(), "20".to_string()),
        ]
    );
}

#[test]
fn gui_the_export_queue_shows_each_clip_and_cancels_one() {
    use slopcannon_testkit::fixture;
    let out = test_dir("gui_export_queue");
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.open = Some(fixture("cfr.mp4"));
    deps.export_dir = Some(out.clone());
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    run_until(&mut h, "the file", |app| app.state.preview_secs.is_some());
    for t in [0.0, 3.0, 6.0] {
        h.state_mut()
            .state
            .clips
            .segments
            .add(t, t + 2.0, 10.0)
            .expect("add");
    }
    assert_eq!(h.state().state.segments().len(), 3);
    h.state_mut().send(Command::ExportClips);
    h.state_mut().send(Command::CancelExportClip(2));
    h.step();
    let rows = h.state().state.export.as_ref().map(|e| e.rows.len());
    assert_eq!(rows, Some(3), "a row per clip");
    run_until(&mut h, "the export", |app| app.state.export.is_none());
    let done = h
        .state()
        .state
        .last_export
        .clone()
        .expect("the finished queue");
    assert_eq!(done.dir, out);
    let outcomes: Vec<_> = done.rows.iter().map(|r| r.outcome.clone()).collect();
    assert!(
        matches!(&outcomes[0], Some(Ok(l)) if l.contains(".mp4: 2.0")),
        "{outcomes:?}"
    );
    assert!(matches!(&outcomes[1], Some(Ok(_))), "{outcomes:?}");
    assert_eq!(outcomes[2], Some(Err("cancelled".into())));
    assert_eq!(
        std::fs::read_dir(&out).expect("dir").count(),
        2,
        "two files written"
    );
    h.run_steps(2);
    assert!(h.query_by_label("Show in folder").is_some());
    assert!(h
        .query_all_by_label_contains("not written: cancelled")
        .next()
        .is_some());
    assert!(
        h.state()
            .state
            .status
            .contains("Export cancelled: 2 of 3 clips written"),
        "{}",
        h.state().state.status
    );
}

#[test]
fn gui_export_goes_to_the_folder_chosen_with_the_names_and_mode_asked_for() {
    use slopcannon::gui::jobs::PickFor;
    use slopcannon_testkit::fixture;
    let out = test_dir("gui_export_folder");
    let answer = out.clone();
    let mut deps = AppDeps::new(Arc::new(move |purpose| {
        (purpose == PickFor::ExportFolder).then(|| answer.clone())
    }));
    deps.open = Some(fixture("cfr.mp4"));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    run_until(&mut h, "the file", |app| app.state.preview_secs.is_some());
    h.state_mut()
        .state
        .clips
        .segments
        .add(1.0, 3.0, 10.0)
        .expect("add");
    h.run_steps(2);
    crate::util::click_in_view(&mut h, "Folder…");
    run_until(&mut h, "the folder", |app| {
        app.state.export_choices.out_dir.as_deref() == Some(out.as_path())
    });
    let mut choices = h.state().state.export_choices.clone();
    choices.template = "{num}-{video}.mp4".into();
    choices.reencode = true;
    h.state_mut().send(Command::SetExportChoices(choices));
    h.state_mut().send(Command::ExportClips);
    h.step();
    run_until(&mut h, "the export", |app| app.state.export.is_none());
    let written = out.join("01-cfr.mp4");
    assert!(
        written.is_file(),
        "{:?}",
        std::fs::read_dir(&out).map(|d| d.count())
    );
    let row = h.state().state.last_export.clone().expect("done").rows[0].clone();
    let line = row.outcome.expect("outcome").expect("written");
    assert!(
        line.starts_with("01-cfr.mp4: 2.0") && line.contains("(reencode)"),
        "{line}"
    );
}
