//! The timeline, headless (egui_kittest) on real files: Ctrl+wheel zooms keeping the time
//! under the pointer, a double-click shows the whole video, the wheel pans; dragging a clip's
//! edge near a scene cut snaps onto it and Shift stops the snap; the body moves the clip; a
//! click seeks; the waveform and thumbnails are there after open.

use crate::player::{open, run_until};
use egui::{pos2, vec2, Event, Modifiers, MouseWheelUnit, PointerButton};
use egui_kittest::Harness;
use slopcannon::gui::app::SlopApp;
use slopcannon::gui::widgets::timeline::Geometry;
use slopcannon_engine::analysis::scenes::CutKind;
use slopcannon_engine::analysis::scoring::Clip;
use slopcannon_engine::analysis::Scene;
use slopcannon_testkit::fixture;

fn geometry(h: &mut Harness<'static, SlopApp>) -> Geometry {
    h.run_steps(2);
    h.state().timeline.expect("the timeline is drawn")
}

fn wheel(h: &mut Harness<'static, SlopApp>, at: egui::Pos2, dy: f32, modifiers: Modifiers) {
    h.hover_at(at);
    h.step();
    h.event_modifiers(
        Event::MouseWheel {
            unit: MouseWheelUnit::Line,
            delta: vec2(0.0, dy),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Unknown,
            modifiers,
        },
        modifiers,
    );
    // egui eases scrolling and zooming over a few frames.
    h.run_steps(30);
}

fn click(h: &mut Harness<'static, SlopApp>, at: egui::Pos2) {
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos: at,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
}

/// Drags from `from` to `to` through a few steps (the pointer has to travel for a drag).
fn drag(h: &mut Harness<'static, SlopApp>, from: egui::Pos2, via: &[egui::Pos2], to: egui::Pos2) {
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    for p in via.iter().chain([&to]) {
        h.hover_at(*p);
        h.step();
    }
    h.drop_at(to);
    h.run_steps(2);
}

fn time_under(h: &Harness<'static, SlopApp>, g: &Geometry, x: f32) -> f64 {
    let v = h.state().state.view;
    v.t0 + f64::from(x - g.rect.left()) / f64::from(g.rect.width()) * v.span()
}

#[test]
fn gui_ctrl_wheel_zooms_around_the_pointer_double_click_fits_the_wheel_pans() {
    let mut h = open(&fixture("cfr.mp4"), false);
    let g = geometry(&mut h);
    assert_eq!(
        h.state().state.view.span(),
        10.0,
        "opens showing the whole video"
    );
    let x = g.axis.x_of(2.5) as f32;
    let at = pos2(x, g.clips.center().y);
    wheel(&mut h, at, 3.0, Modifiers::CTRL);
    let v = h.state().state.view;
    assert!(v.span() < 9.0, "zoomed in: {v:?}");
    assert!((time_under(&h, &g, x) - 2.5).abs() < 1e-6, "{v:?}");
    // Further in, then out: the time under the pointer stays.
    wheel(&mut h, at, 5.0, Modifiers::CTRL);
    assert!(h.state().state.view.span() < v.span());
    assert!((time_under(&h, &g, x) - 2.5).abs() < 1e-6);
    // The ruler's labels follow the zoom.
    let zoomed = h.state().state.view;
    // The plain wheel pans (the time under the pointer changes, the span does not).
    wheel(&mut h, at, -3.0, Modifiers::NONE);
    let panned = h.state().state.view;
    assert!(
        (panned.span() - zoomed.span()).abs() < 1e-9,
        "{panned:?} {zoomed:?}"
    );
    assert!(panned.t0 > zoomed.t0, "{panned:?} after {zoomed:?}");
    // A double-click shows the whole video again.
    click(&mut h, at);
    click(&mut h, at);
    h.run_steps(2);
    assert_eq!(h.state().state.view.span(), 10.0);
    // Ctrl+↑ / Ctrl+↓ zoom around the playhead.
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::ArrowUp);
    h.run_steps(2);
    assert_eq!(h.state().state.view.span(), 5.0);
    h.key_press_modifiers(Modifiers::COMMAND, egui::Key::ArrowDown);
    h.run_steps(2);
    assert_eq!(h.state().state.view.span(), 10.0);
}

#[test]
fn gui_dragging_a_clip_edge_snaps_to_a_cut_and_shift_stops_the_snap() {
    let mut h = open(&fixture("cfr.mp4"), false);
    h.state_mut().state.clips.segments.merge_ranking(&[Clip {
        start: 2.0,
        end: 5.0,
        score: 90.0,
        reasons: Vec::new(),
        features: Default::default(),
        filler: false,
    }]);
    h.state_mut().state.clips.scenes = vec![Scene {
        time: 6.0,
        frame: 180,
        kind: CutKind::Hard,
    }];
    let g = geometry(&mut h);
    let y = g.clips.center().y;
    let x = |t: f64| g.axis.x_of(t) as f32;
    // The end edge, dropped 3 points past the cut: it lands on the cut.
    drag(
        &mut h,
        pos2(x(5.0), y),
        &[pos2(x(5.5), y)],
        pos2(x(6.0) + 3.0, y),
    );
    let c = h.state().state.clips.segments.items[0].clone();
    assert_eq!((c.start, c.end), (2.0, 6.0), "snapped onto the cut");
    assert_eq!(h.state().state.clips.segments.selected_index(), Some(0));
    // The same with Shift held: exactly where the pointer is.
    h.event(Event::ModifiersChanged(Modifiers::SHIFT));
    drag(
        &mut h,
        pos2(x(6.0), y),
        &[pos2(x(7.0), y)],
        pos2(x(6.0) + 3.0, y),
    );
    h.event(Event::ModifiersChanged(Modifiers::NONE));
    h.step();
    let c = h.state().state.clips.segments.items[0].clone();
    let want = g.axis.t_of(f64::from(x(6.0) + 3.0));
    assert!(
        (c.end - want).abs() < 1e-6 && c.end > 6.01,
        "not snapped: {c:?}"
    );
    // The body moves the whole clip, its length kept.
    let len = c.end - c.start;
    drag(&mut h, pos2(x(3.0), y), &[pos2(x(3.5), y)], pos2(x(4.0), y));
    let m = h.state().state.clips.segments.items[0].clone();
    assert!((m.end - m.start - len).abs() < 1e-9, "{m:?}");
    assert!((m.start - 3.0).abs() < 0.05, "moved by 1 s: {m:?}");
}

#[test]
fn gui_a_click_on_the_timeline_seeks_and_the_tracks_are_there_after_open() {
    let mut h = open(&fixture("cfr.mp4"), false);
    run_until(&mut h, "the waveform and the thumbnails", |app| {
        app.state.waveform.is_some() && !app.state.keyframes.is_empty()
    });
    h.step();
    // cfr.mp4 has a keyframe every 2 s: the keyframe times, and a thumbnail of each (the
    // strip may add detail between them).
    assert_eq!(h.state().state.keyframes, [0.0, 2.0, 4.0, 6.0, 8.0]);
    let times: Vec<f64> = h
        .state()
        .state
        .thumbnails
        .iter()
        .map(|t| t.t_secs)
        .collect();
    for k in [0.0, 2.0, 4.0, 6.0, 8.0] {
        assert!(times.contains(&k), "a thumbnail at {k}: {times:?}");
        let texture = h.state().textures().thumbnail(k).expect("its texture");
        let thumb = h.state().state.thumbnails.iter().find(|t| t.t_secs == k);
        assert_eq!(thumb.map(|t| t.size), Some(texture.size()));
    }
    let w = h.state().state.waveform.clone().expect("waveform");
    assert!((w.duration_secs() - 10.0).abs() < 0.1);
    // The 440 Hz tone is there (lavfi's sine peaks at 1/8).
    let cols = w.columns(1.0, 2.0, 4);
    assert!(
        cols.iter().all(|(lo, hi)| *hi > 0.1 && *lo < -0.1),
        "{cols:?}"
    );
    let g = geometry(&mut h);
    click(&mut h, pos2(g.axis.x_of(7.0) as f32, g.clips.center().y));
    run_until(&mut h, "the seek", |app| {
        app.state
            .preview_secs
            .is_some_and(|t| (t - 7.0).abs() < 0.05)
    });
    // Alt+← goes to the keyframe before, Alt+→ to the one after.
    h.key_press_modifiers(Modifiers::ALT, egui::Key::ArrowLeft);
    run_until(&mut h, "the keyframe before", |app| {
        app.state.preview_secs == Some(6.0)
    });
    h.key_press_modifiers(Modifiers::ALT, egui::Key::ArrowRight);
    run_until(&mut h, "the keyframe after", |app| {
        app.state.preview_secs == Some(8.0)
    });
}

#[test]
fn gui_zooming_in_fills_the_thumbnail_strip_with_more_detail() {
    // One keyframe in 10 s: one keyframe thumbnail; zoomed to 2 s, the strip asks for frames
    // between the keyframes (one per thumbnail width) and gets them.
    use slopcannon::gui::command::Command;
    use slopcannon::gui::widgets::timeline_view::TimelineView;
    let mut h = open(&fixture("long_gop_720p.mp4"), false);
    run_until(&mut h, "the keyframe thumbnails", |app| {
        !app.state.keyframes.is_empty()
    });
    assert_eq!(h.state().state.keyframes, [0.0]);
    h.state_mut()
        .send(Command::SetView(TimelineView { t0: 4.0, t1: 6.0 }));
    run_until(&mut h, "detail thumbnails", |app| {
        app.state
            .thumbnails
            .iter()
            .filter(|t| (4.0..=6.0).contains(&t.t_secs))
            .count()
            >= 3
    });
    let times: Vec<f64> = h
        .state()
        .state
        .thumbnails
        .iter()
        .map(|t| t.t_secs)
        .collect();
    assert!(
        times.windows(2).all(|w| w[1] > w[0]),
        "in order, no duplicates: {times:?}"
    );
}
