//! What the window keeps between sessions, headless (egui_kittest): the export and analysis
//! choices and the recent files go through the app's `save` into a storage and come back in a
//! new window built from it (as eframe does at start); the recent files open from the empty
//! window and the Recent menu, most recent first (a file that did not open is not one), a
//! file that is gone greyed out; a panel's
//! size comes back with egui's memory. The tests' storage is in memory: kittest gives the app
//! no storage of its own, so nothing here reads or writes the person's.

use crate::player::run_until;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use egui_kittest::Harness;
use slopcannon::gui::app::{AppDeps, SlopApp};
use slopcannon::gui::command::Command;
use slopcannon::gui::state::AnalysisChoices;
use slopcannon_engine::captions::CaptionStyle;
use slopcannon_engine::export::Portrait;
use slopcannon_testkit::{fixture, test_dir};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// An `eframe::Storage` in memory.
#[derive(Default)]
pub struct MemStorage(pub HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

/// eframe's key for egui's memory (it saves and restores it itself, around the app).
const EGUI_MEMORY_KEY: &str = "egui";

/// The window built as eframe builds it at start: with `storage` (and egui's memory from it).
fn harness(storage: Option<&'static MemStorage>) -> Harness<'static, SlopApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            if let Some(s) = storage {
                if let Some(memory) = eframe::get_value::<egui::Memory>(s, EGUI_MEMORY_KEY) {
                    cc.egui_ctx.memory_mut(|m| *m = memory);
                }
                cc.storage = Some(s);
            }
            SlopApp::new(cc, AppDeps::new(Arc::new(|_| None)))
        })
}

/// The window's shutdown save, as eframe does it: egui's memory, then the app's `save`.
fn save(h: &mut Harness<'static, SlopApp>) -> &'static MemStorage {
    let storage: &'static mut MemStorage = Box::leak(Box::default());
    h.ctx
        .memory(|m| eframe::set_value(storage, EGUI_MEMORY_KEY, m));
    eframe::App::save(h.state_mut(), storage);
    storage
}

fn open(h: &mut Harness<'static, SlopApp>, path: &Path) {
    h.state_mut().send(Command::OpenPath(path.to_path_buf()));
    run_until(h, "the file to open", |app| {
        app.state.ready_generation().is_some()
            && app.state.file.as_ref().is_some_and(|f| f.path == path)
    });
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The button labelled `label` (the open file's name is also a plain label in the top bar).
fn button<'h>(h: &'h Harness<'static, SlopApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_by_role_and_label(egui::accesskit::Role::Button, label)
}

/// The tops of the buttons named after `paths` (each must be shown once).
fn tops(h: &Harness<'static, SlopApp>, paths: &[&Path]) -> Vec<f32> {
    paths
        .iter()
        .map(|p| button(h, &name(p)).rect().top())
        .collect()
}

#[test]
fn gui_choices_and_recent_files_survive_a_restart() {
    let dir = test_dir("gui_persist");
    let gone = dir.join("gone.mp4");
    std::fs::copy(fixture("cfr.mp4"), &gone).expect("copy");
    let (older, newer) = (fixture("cfr.mp4"), fixture("video_only.mp4"));

    let mut h = harness(Some(Box::leak(Box::default())));
    h.step();
    assert_eq!(
        h.state().state.analysis_choices,
        AnalysisChoices::default(),
        "an empty storage gives the defaults"
    );
    for p in [&gone, &older, &newer] {
        open(&mut h, p);
    }
    let mut export = h.state().state.export_choices.clone();
    export.portrait = Some(Portrait::Blur);
    export.loudnorm = true;
    export.captions = true;
    export.caption_style = CaptionStyle::preset("boxed").expect("preset");
    export.caption_style_name = "boxed".into();
    export.template = "{label}-{num}.mp4".into();
    export.out_dir = Some(dir.join("shorts"));
    let mut analysis = AnalysisChoices {
        max_clips: 7,
        min_len_secs: 20.0,
        max_len_secs: 45.0,
        speech: false,
        model: "tiny.en".into(),
        ..AnalysisChoices::default()
    };
    analysis.weights.set("motion", 2.5);
    h.state_mut()
        .send(Command::SetExportChoices(export.clone()));
    h.state_mut()
        .send(Command::SetAnalysisChoices(analysis.clone()));
    h.run_steps(2);
    let storage = save(&mut h);
    drop(h);
    std::fs::remove_file(&gone).expect("remove");

    // A new window from that storage: the same choices, the files newest first, and the
    // empty window offers them; the one that is gone is greyed once the check has looked.
    let mut h = harness(Some(storage));
    h.step();
    let s = &h.state().state;
    assert_eq!(s.export_choices, export);
    assert_eq!(s.analysis_choices, analysis);
    assert_eq!(
        s.recent.paths(),
        [newer.clone(), older.clone(), gone.clone()]
    );
    assert!(h
        .query_by_label_contains("Open a video (Ctrl+O) or drop one here")
        .is_some());
    run_until(&mut h, "the missing file to be marked", |app| {
        app.state.recent.is_missing(&gone)
    });
    h.step();
    let t = tops(&h, &[&newer, &older, &gone]);
    assert!(t[0] < t[1] && t[1] < t[2], "newest first: {t:?}");
    assert!(button(&h, "gone.mp4").accesskit_node().is_disabled());
    assert!(!button(&h, &name(&older)).accesskit_node().is_disabled());

    // Clicking the older file opens it; a video without a project starts with the kept
    // export choices, and it moves to the top of the list.
    button(&h, &name(&older)).click();
    run_until(&mut h, "the recent file to open", |app| {
        app.state.ready_generation().is_some()
            && app.state.file.as_ref().is_some_and(|f| f.path == older)
    });
    let s = &h.state().state;
    assert_eq!(s.export_choices, export);
    assert_eq!(
        s.recent.paths(),
        [older.clone(), newer.clone(), gone.clone()]
    );
}

#[test]
fn gui_the_recent_menu_lists_opened_files_newest_first_and_opens_one() {
    let (older, newer) = (fixture("cfr.mp4"), fixture("audio_only.m4a"));
    let mut h = harness(None);
    h.step();
    assert!(
        button(&h, "Recent").accesskit_node().is_disabled(),
        "nothing to list yet"
    );
    open(&mut h, &older);
    open(&mut h, &newer);
    // A file that does not open is not a recent one.
    h.state_mut().send(Command::OpenPath(fixture("random.mp4")));
    run_until(&mut h, "the bad file's error", |app| {
        app.state.error.is_some()
    });
    assert_eq!(
        h.state().state.recent.paths(),
        [newer.clone(), older.clone()]
    );
    button(&h, "Recent").click();
    h.run_steps(2);
    let t = tops(&h, &[&newer, &older]);
    assert!(t[0] < t[1], "newest first: {t:?}");
    button(&h, &name(&older)).click();
    run_until(&mut h, "the older file to open", |app| {
        app.state.ready_generation().is_some()
            && app.state.file.as_ref().is_some_and(|f| f.path == older)
    });
    assert!(h
        .query_all_by_label_contains("320×240 h264 30 fps")
        .next()
        .is_some());
    let paths: Vec<PathBuf> = h.state().state.recent.paths().to_vec();
    assert_eq!(paths, [older, newer]);
}

#[test]
fn gui_a_resized_panel_keeps_its_size_after_a_restart() {
    let mut h = harness(None);
    h.run_steps(2);
    let log_top = |h: &Harness<'static, SlopApp>| h.get_by_label("Log").rect().top();
    let before = log_top(&h);
    // The log panel's top edge: where the pointer becomes the resize cursor.
    let x = 640.0;
    let edge = (0..24)
        .map(|d| before - d as f32)
        .find(|y| {
            h.hover_at(egui::pos2(x, *y));
            h.run_steps(2);
            h.output().platform_output.cursor_icon == egui::CursorIcon::ResizeVertical
        })
        .expect("the log panel's edge");
    h.drag_at(egui::pos2(x, edge));
    h.step();
    for dy in [20.0, 60.0, 100.0] {
        h.hover_at(egui::pos2(x, edge - dy));
        h.step();
    }
    h.drop_at(egui::pos2(x, edge - 100.0));
    h.run_steps(3);
    let dragged = log_top(&h);
    assert!(
        before - dragged > 80.0,
        "the drag made the log about 100 points taller: {before} → {dragged}"
    );
    let storage = save(&mut h);
    drop(h);

    let mut h = harness(Some(storage));
    h.run_steps(2);
    assert!(
        (log_top(&h) - dragged).abs() < 1.0,
        "restored at {dragged}: {}",
        log_top(&h)
    );
}

#[test]
fn gui_the_empty_window_says_what_to_do_and_its_button_opens_the_dialog() {
    let asked = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let count = asked.clone();
    let path = fixture("cfr.mp4");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            SlopApp::new(
                cc,
                AppDeps::new(Arc::new(move |_| {
                    count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    Some(path.clone())
                })),
            )
        });
    h.run_steps(2);
    assert!(h
        .query_by_label("Open a video (Ctrl+O) or drop one here")
        .is_some());
    // The main keys, as the shortcut handling reads them.
    for (keys, what) in [
        ("Ctrl+F", "find the moments worth a short"),
        ("Space", "play / pause"),
        ("Ctrl+E", "export the ticked clips"),
    ] {
        assert!(h.query_by_label(keys).is_some(), "{keys} shown");
        assert!(h.query_by_label(what).is_some(), "{what} shown");
    }
    button(&h, "Open a video…").click();
    run_until(&mut h, "the picked file to open", |app| {
        app.state.ready_generation().is_some()
    });
    assert_eq!(asked.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert!(h
        .query_by_label("Open a video (Ctrl+O) or drop one here")
        .is_none());
}
