//! The export panel, headless (egui_kittest) on a real file: with a 9:16 layout and styled
//! captions it previews the clip under the playhead, and that preview is the exported file's
//! frame at the same moment; a change of style brings a new preview.

use crate::player::run_until;
use egui_kittest::kittest::Queryable as _;
use egui_kittest::Harness;
use slopcannon::gui::app::{AppDeps, SlopApp};
use slopcannon::gui::command::Command;
use slopcannon::gui::jobs::PickFor;
use slopcannon::gui::panels::clips::export_button_text;
use slopcannon_engine::captions::{CaptionStyle, Colour};
use slopcannon_engine::export::Portrait;
use slopcannon_engine::media::grab::{grab_frame, RgbaFrame};
use slopcannon_engine::speech::{Segment, Transcript, Word};
use slopcannon_testkit::{fixture, rgb_mad, test_dir, white_in_top_fifth};
use std::sync::Arc;
use std::time::Instant;

/// Pixels near pure green below the picture (on the padding, where the captions are).
fn greens(f: &RgbaFrame) -> usize {
    f.pixels
        .chunks_exact(4)
        .skip(700 * f.width as usize)
        .filter(|p| p[1] > 180 && p[0] < 90 && p[2] < 90)
        .count()
}

/// Exports the ticked clips (the window's Export) and waits for the batch to end; the files
/// in `out` then.
fn export_and_wait(
    h: &mut Harness<'static, SlopApp>,
    out: &std::path::Path,
) -> Vec<std::path::PathBuf> {
    h.state_mut().send(Command::ExportClips);
    run_until(h, "the export to start", |app| app.state.export.is_some());
    run_until(h, "the export", |app| {
        app.state.export.is_none() && app.state.status.starts_with("Exported")
    });
    std::fs::read_dir(out)
        .expect("out")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect()
}

/// The window, `height` px tall, with `cfr.mp4` open (`deps` says where exports go), and on it
/// a transcript of three words (1.5–3.0 s), a clip on them from the I/O marks, and a 9:16
/// layout with bars and captions.
fn window_with_a_captioned_clip(mut deps: AppDeps, height: f32) -> Harness<'static, SlopApp> {
    deps.open = Some(fixture("cfr.mp4"));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, height))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    run_until(&mut h, "the file to open", |app| {
        app.state.preview_secs.is_some()
    });
    let words: Vec<Word> = ["Previews", "never", "lie"]
        .iter()
        .enumerate()
        .map(|(i, w)| Word {
            start: 1.5 + i as f64 * 0.5,
            end: 1.9 + i as f64 * 0.5,
            word: format!(" {w}"),
        })
        .collect();
    h.state_mut().state.clips.transcript = Some(Arc::new(Transcript {
        language: "en".into(),
        model: "test".into(),
        segments: vec![Segment {
            start: 1.5,
            end: 3.0,
            text: " Previews never lie".into(),
            words,
        }],
    }));
    // A clip from the I/O marks, 9:16 with bars, captions with a green spoken word.
    h.state_mut().state.mark_in = Some(1.0);
    h.state_mut().state.mark_out = Some(4.0);
    h.state_mut().send(Command::AddSegment);
    let mut choices = h.state().state.export_choices.clone();
    choices.portrait = Some(Portrait::Pad);
    choices.captions = true;
    h.state_mut().send(Command::SetExportChoices(choices));
    h
}

#[test]
fn gui_the_export_panel_previews_the_short_as_it_is_exported() {
    let dir = test_dir("gui_export_preview");
    let out = dir.join("out");
    let style_file = dir.join("green.toml");
    std::fs::write(
        &style_file,
        "active_colour = \"#00FF00\"\nbox = true\nfont = \"Inter\"\nsize = 72\npop = 1.0\n",
    )
    .expect("style file");
    let picked = style_file.clone();
    let mut deps = AppDeps::new(Arc::new(move |purpose| {
        (purpose == PickFor::CaptionStyle).then(|| picked.clone())
    }));
    deps.export_dir = Some(out.clone());
    let mut h = window_with_a_captioned_clip(deps, 900.0);
    h.state_mut().send(Command::Seek(2.1));
    h.run_steps(2);
    assert!(
        h.query_by_label("Caption style").is_some(),
        "the style control is shown"
    );
    // The style comes from a file picked in the dialog (read on a worker).
    crate::util::click_in_view(&mut h, "Style file…");
    run_until(&mut h, "the style file", |app| {
        app.state.export_choices.caption_style.active_colour == Colour::rgb(0, 255, 0)
    });
    let mut choices = h.state().state.export_choices.clone();
    assert_eq!(choices.caption_style_name, style_file.display().to_string());
    run_until(&mut h, "the export preview", |app| {
        let p = &app.state.export_preview;
        p.frame.is_some() && p.asked.is_some() && p.asked == p.shown
    });
    assert!(
        h.query_by_label("Export preview").is_some(),
        "drawn in the panel"
    );
    let preview = h
        .state()
        .state
        .export_preview
        .frame
        .clone()
        .expect("preview");
    assert_eq!((preview.width, preview.height), (540, 960));
    assert!(
        greens(&preview) > 200,
        "the spoken word is green in the preview"
    );

    // Export the clip: its frame at the same moment is the preview.
    assert!(h.query_by_label(&export_button_text(1)).is_some());
    let file = export_and_wait(&mut h, &out).pop().expect("a file");
    let exported = grab_frame(&file, preview.pts_secs, 540, 960).expect("exported frame");
    let d = rgb_mad(&preview, &exported);
    assert!(d < 2.5, "the preview differs from the export by {d:.2}");

    // Another style: a new preview comes, and it is visibly different.
    choices.caption_style = CaptionStyle::preset("karaoke").expect("karaoke");
    h.state_mut().send(Command::SetExportChoices(choices));
    let changed = Instant::now();
    run_until(&mut h, "the restyled preview", |app| {
        let p = &app.state.export_preview;
        p.asked == p.shown && p.frame.as_ref().is_some_and(|f| !Arc::ptr_eq(f, &preview))
    });
    println!(
        "restyled export preview on screen {:.0} ms after the change",
        changed.elapsed().as_secs_f64() * 1000.0
    );
    let restyled = h
        .state()
        .state
        .export_preview
        .frame
        .clone()
        .expect("preview");
    assert_eq!(greens(&restyled), 0, "no green word in the karaoke style");
    assert!(rgb_mad(&restyled, &preview) > 1.0);
}

/// "Title" in the export panel burns the clip's label at the top: the preview shows it
/// (and not without a label), and the exported short has it.
#[test]
fn gui_title_burns_the_clips_label_at_the_top() {
    let dir = test_dir("gui_export_title");
    let out = dir.join("out");
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.export_dir = Some(out.clone());
    let mut h = window_with_a_captioned_clip(deps, 900.0);
    let mut choices = h.state().state.export_choices.clone();
    choices.captions = false;
    h.state_mut().send(Command::SetExportChoices(choices));
    h.state_mut().send(Command::Seek(2.1));
    h.run_steps(2);
    // White in the bar above the picture (the pad's bars are black).
    let top_white = white_in_top_fifth;
    let preview_now = |h: &mut Harness<'static, SlopApp>, what: &str| {
        let before = h.state().state.export_preview.frame.clone();
        run_until(h, what, |app| {
            let p = &app.state.export_preview;
            p.asked == p.shown
                && p.frame
                    .as_ref()
                    .is_some_and(|f| before.as_ref().is_none_or(|b| !Arc::ptr_eq(f, b)))
        });
        h.state()
            .state
            .export_preview
            .frame
            .clone()
            .expect("preview")
    };
    crate::util::click_in_view(&mut h, "Title: each clip's label at the top");
    h.run_steps(2);
    assert!(h.state().state.export_choices.title, "the box ticks titles");
    let unlabelled = preview_now(&mut h, "the preview without a label");
    assert_eq!(top_white(&unlabelled), 0, "no label, no title");
    h.state_mut().send(Command::SetLabel(0, "Big news".into()));
    let titled = preview_now(&mut h, "the titled preview");
    assert!(
        top_white(&titled) > 100,
        "the title in the preview: {}",
        top_white(&titled)
    );

    let file = export_and_wait(&mut h, &out).pop().expect("a file");
    let exported = grab_frame(&file, titled.pts_secs, 540, 960).expect("exported frame");
    assert!(top_white(&exported) > 100, "the title in the file");
    let d = rgb_mad(&titled, &exported);
    assert!(d < 2.5, "the preview differs from the export by {d:.2}");
}

/// The smallest ordinary window (800 px tall, the log open): the export section takes its
/// share below the clip editor, which stays whole and editable; the section scrolls within
/// its share, and exporting (which shows less) does not shrink it.
#[test]
fn gui_at_800_px_with_the_log_open_the_export_section_leaves_the_clip_editor_usable() {
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.export_dir = Some(test_dir("gui_export_800px").join("out"));
    let mut h = window_with_a_captioned_clip(deps, 800.0);
    if !h.state().state.show_log {
        h.state_mut().send(Command::ToggleLog);
    }
    h.state_mut().send(Command::Seek(2.1));
    run_until(&mut h, "the export preview", |app| {
        let p = &app.state.export_preview;
        p.frame.is_some() && p.asked.is_some() && p.asked == p.shown
    });
    h.run_steps(3);
    assert!(h.state().state.show_log, "the log is open");

    let button = export_button_text(1);
    let export_top = [
        "Export preview",
        "Layout",
        "Names",
        "Caption style",
        &button,
    ]
    .iter()
    .filter_map(|l| h.query_by_label(l).map(|n| n.rect().min.y))
    .fold(f32::INFINITY, f32::min);
    let editor_bottom = ["start", "label", "End = playhead (O)"]
        .iter()
        .map(|l| h.get_by_label(l).rect().max.y)
        .fold(f32::NEG_INFINITY, f32::max);
    assert!(
        export_top >= editor_bottom,
        "the export section (from y {export_top}) covers the clip editor (to y {editor_bottom})"
    );

    // The editor takes typing.
    h.get_by_label("label").click();
    h.run_steps(2);
    h.get_by_label("label").type_text("kept");
    h.run_steps(3);
    let label = h.state().state.selected_segment().map(|s| s.label.clone());
    assert_eq!(
        label.as_deref(),
        Some("kept"),
        "the clip's label was edited"
    );

    for l in ["start", "Export preview", &button] {
        let r = h.get_by_label(l).rect();
        assert!(
            r.min.y >= 0.0 && r.max.y <= 800.0,
            "{l} is on screen: {r:?}"
        );
    }

    // Exporting shows less (the progress, then the queue): the section keeps its size.
    let before = h.get_by_label(&button).rect();
    h.state_mut().send(Command::ExportClips);
    run_until(&mut h, "the export", |app| {
        app.state.export.is_none() && app.state.last_export.is_some()
    });
    h.run_steps(3);
    assert!(h.query_by_label("Show in folder").is_some(), "exported");
    let after = h.get_by_label(&button).rect();
    assert!(
        (after.min.y - before.min.y).abs() < 1.0,
        "the export section kept its size: the Export button at {before:?}, then {after:?}"
    );
}

/// A file with sound and no picture: the panel offers no layouts (even when the remembered
/// choices have one) and the export writes the clip as audio; with a transcript and captions,
/// as a 9:16 short.
#[test]
fn gui_a_file_with_no_picture_exports_its_clips_as_audio_or_captioned_shorts() {
    let out = test_dir("gui_export_audio_only").join("out");
    let mut deps = AppDeps::new(Arc::new(|_| None));
    deps.export_dir = Some(out.clone());
    deps.open = Some(fixture("long_speech.wav"));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_step_dt(1.0 / 60.0)
        .build_eframe(|cc| SlopApp::new(cc, deps));
    run_until(&mut h, "the file to open", |app| app.state.info().is_some());
    h.state_mut().state.mark_in = Some(1.0);
    h.state_mut().state.mark_out = Some(3.5);
    h.state_mut().send(Command::AddSegment);
    let mut choices = h.state().state.export_choices.clone();
    choices.portrait = Some(Portrait::Blur);
    choices.captions = true;
    h.state_mut().send(Command::SetExportChoices(choices));
    h.run_steps(3);
    assert!(h
        .query_by_label("Sound only: each clip is written as audio (.m4a)")
        .is_some());
    assert!(h.query_by_label("Layout").is_none(), "no layouts offered");

    let files = export_and_wait(&mut h, &out);
    assert!(
        h.state().state.status.starts_with("Exported 1 clip to"),
        "{}",
        h.state().state.status
    );
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(files[0].extension().and_then(|e| e.to_str()), Some("m4a"));
    let info = slopcannon_engine::media::probe(&files[0]).expect("probe");
    assert!(info.video().is_none());
    let secs = info.duration_secs.expect("duration");
    assert!((secs - 2.5).abs() < 0.03, "{secs}");
    assert_eq!(
        h.state().state.export_choices.portrait,
        Some(Portrait::Blur),
        "the choice is kept for the next video"
    );

    // With a transcript, captions make 9:16 shorts: the words over a plain picture.
    h.state_mut().state.clips.transcript = Some(Arc::new(Transcript {
        language: "en".into(),
        model: "test".into(),
        segments: vec![Segment {
            start: 1.5,
            end: 2.5,
            text: " Sound gets shorts".into(),
            words: ["Sound", "gets", "shorts"]
                .iter()
                .enumerate()
                .map(|(i, w)| Word {
                    start: 1.5 + i as f64 * 0.3,
                    end: 1.8 + i as f64 * 0.3,
                    word: format!(" {w}"),
                })
                .collect(),
        }],
    }));
    h.run_steps(2);
    assert!(h
        .query_by_label(
            "Sound only: each clip is a 9:16 short, its sound as moving bars and its captions"
        )
        .is_some());
    assert!(
        h.query_by_label("Caption style").is_some(),
        "the style can be chosen"
    );
    // The panel previews the short at the playhead: the words over the plain picture.
    h.state_mut().send(Command::Seek(1.9));
    run_until(&mut h, "the short's preview", |app| {
        let p = &app.state.export_preview;
        p.frame.is_some() && p.asked.is_some() && p.asked == p.shown
    });
    h.run_steps(2);
    assert!(
        h.query_by_label("Export preview").is_some(),
        "drawn in the panel"
    );
    let preview = h
        .state()
        .state
        .export_preview
        .frame
        .clone()
        .expect("preview");
    assert_eq!((preview.width, preview.height), (540, 960));
    let short = export_and_wait(&mut h, &out)
        .into_iter()
        .find(|p| p.extension().and_then(|e| e.to_str()) == Some("mp4"))
        .expect("an .mp4 short");
    let frame = grab_frame(&short, 1.0, 270, 480).expect("the short's frame");
    assert_eq!((frame.width, frame.height), (270, 480), "9:16");

    // Titles without captions: a short only of a labelled clip, said of the clip shown.
    let mut choices = h.state().state.export_choices.clone();
    choices.captions = false;
    choices.title = true;
    h.state_mut().send(Command::SetExportChoices(choices));
    h.run_steps(2);
    assert!(h
        .query_by_label("Sound only: this clip has no label, so it is written as audio (.m4a)")
        .is_some());
    assert!(
        h.query_by_label("Export preview").is_none(),
        "no short to preview"
    );
    h.state_mut().send(Command::SetLabel(0, "Listen".into()));
    h.run_steps(2);
    assert!(h
        .query_by_label_contains("Sound only: this clip is a 9:16 short, its title")
        .is_some());
}
