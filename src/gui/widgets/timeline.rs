//! The timeline under the preview, in tracks: the ruler, keyframe thumbnails, the waveform of
//! the whole file (silent stretches shaded), the analysis curves (score, loudness, motion),
//! the clips (drag an edge to trim, the body to move; edges snap to scene cuts, pauses and word
//! bounds unless Shift is held), the words when zoomed in far enough to read, scene-cut ticks
//! and the playhead.
//!
//! Ctrl+wheel zooms around the pointer, the wheel or dragging empty space pans, a double-click
//! shows the whole video. A click seeks; dragging the ruler or the playhead scrubs (pausing).

use super::ruler;
use super::snap::snap;
use super::time_axis::TimeAxis;
use super::timeline_view::TimelineView;
use super::word_lane::draw_words;
use crate::gui::command::Command;
use crate::gui::state::AppState;
use crate::gui::textures::Textures;
use egui::{pos2, vec2, Color32, Rect, Sense, Stroke};

const RULER_H: f32 = 18.0;
const THUMBS_H: f32 = 40.0;
const WAVE_H: f32 = 40.0;
const CURVES_H: f32 = 28.0;
const CLIPS_H: f32 = 24.0;
const WORDS_H: f32 = 16.0;
/// How close (points) to a clip's edge a press grabs the edge rather than the body.
const EDGE_GRAB_PX: f32 = 6.0;
/// How close (points) an edge must come to a cut, pause or word bound to snap onto it.
const SNAP_PX: f64 = 8.0;
/// Waveform columns quieter than this (peak, full scale = 1) are shaded as silence.
const SILENCE_PEAK: f32 = 0.01;
/// Labelled ruler ticks are at least this far apart (points).
const LABEL_MIN_PX: f64 = 80.0;

pub const CLIP_COLOR: Color32 = Color32::from_rgb(255, 170, 40);

/// Where the timeline was drawn (tests and the benchmark aim the pointer with it).
#[derive(Clone, Copy, Debug)]
pub struct Geometry {
    pub rect: Rect,
    pub axis: TimeAxis,
    pub ruler: Rect,
    pub clips: Rect,
    /// How long drawing (and the input handling) took, in ms.
    pub draw_ms: f64,
}

/// What a press on the timeline grabbed.
#[derive(Clone, Copy, Debug)]
enum Drag {
    Scrub,
    /// Panning: the time under the pointer stays under it.
    Pan {
        grabbed_t: f64,
        view: TimelineView,
    },
    /// One edge of clip `index`; `other` is the edge that stays.
    Edge {
        index: usize,
        start: bool,
        other: f64,
    },
    /// The whole clip: `offset` from its start to the pointer, `len` its length.
    Body {
        index: usize,
        offset: f64,
        len: f64,
    },
}

/// The tracks present for the open file.
struct Rows {
    ruler: Rect,
    thumbs: Option<Rect>,
    wave: Option<Rect>,
    curves: Rect,
    clips: Rect,
    words: Option<Rect>,
}

fn rows(rect: Rect, state: &AppState) -> Rows {
    let mut y = rect.top();
    let mut take = |h: f32| {
        let r = Rect::from_x_y_ranges(rect.x_range(), y..=y + h);
        y += h;
        r
    };
    let ruler = take(RULER_H);
    let thumbs = state.has_video().then(|| take(THUMBS_H));
    let wave = state
        .info()
        .is_some_and(|i| i.audio().is_some())
        .then(|| take(WAVE_H));
    let curves = take(CURVES_H);
    let clips = take(CLIPS_H);
    let words = state.clips.transcript.is_some().then(|| take(WORDS_H));
    Rows {
        ruler,
        thumbs,
        wave,
        curves,
        clips,
        words,
    }
}

/// The timeline's height with the tracks the open file has.
pub fn height(state: &AppState) -> f32 {
    let r = rows(Rect::from_min_size(pos2(0.0, 0.0), vec2(1.0, 1.0)), state);
    r.words.or(Some(r.clips)).map_or(0.0, |w| w.bottom())
}

pub fn timeline_ui(
    ui: &mut egui::Ui,
    state: &AppState,
    textures: &Textures,
    cmds: &mut Vec<Command>,
) -> Option<Geometry> {
    let started = std::time::Instant::now();
    let duration = state.duration_secs();
    let (rect, response) = ui.allocate_exact_size(
        vec2(ui.available_width(), height(state)),
        Sense::click_and_drag(),
    );
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
    if duration <= 0.0 || rect.width() < 2.0 {
        return None;
    }
    let view = state.view.clamped(duration);
    let axis = TimeAxis {
        t0: view.t0,
        t1: view.t1,
        x0: f64::from(rect.left()),
        x1: f64::from(rect.right()),
    };
    let rows = rows(rect, state);
    let mut geometry = Geometry {
        rect,
        axis,
        ruler: rows.ruler,
        clips: rows.clips,
        draw_ms: 0.0,
    };
    interact(ui, state, &response, &geometry, view, cmds);

    draw_ruler(&painter, ui, &rows, &axis);
    if let Some(r) = rows.thumbs {
        draw_thumbnails(&painter, state, textures, r, &axis);
        let wanted = wanted_thumbnails(state, r, &axis);
        if !wanted.is_empty() {
            cmds.push(Command::WantThumbnails(wanted));
        }
    }
    if let Some(r) = rows.wave {
        draw_waveform(&painter, ui, state, r, &axis);
    }
    draw_curves(&painter, state, rows.curves, &axis);
    draw_clips(&painter, state, rows.clips, &axis);
    if let Some(r) = rows.words {
        draw_words(&painter, ui, state, r, &axis);
    }
    // Scene cuts across every track below the ruler; then the playhead over everything.
    let below = Rect::from_x_y_ranges(rect.x_range(), rows.ruler.bottom()..=rect.bottom());
    let cut_stroke = Stroke::new(1.0, ui.visuals().weak_text_color());
    for cut in state.clips.scenes.iter().filter(|c| in_view(c.time, &axis)) {
        let x = axis.x_of(cut.time) as f32;
        painter.line_segment([pos2(x, below.top()), pos2(x, below.bottom())], cut_stroke);
    }
    if in_view(state.playhead_secs, &axis) {
        let x = axis.x_of(state.playhead_secs) as f32;
        painter.line_segment(
            [pos2(x, rect.top()), pos2(x, rect.bottom())],
            Stroke::new(2.0, ui.visuals().strong_text_color()),
        );
    }
    if let Some(pos) = response.hover_pos() {
        let t = axis.t_of(f64::from(pos.x));
        let thumb = state
            .thumbnails
            .iter()
            .rev()
            .find(|th| th.t_secs <= t + 1e-9)
            .and_then(|th| textures.thumbnail(th.t_secs))
            .map(|tex| tex.id());
        response.clone().on_hover_ui_at_pointer(|ui| {
            ui.monospace(slopcannon_engine::media::format_secs(t));
            if let Some(id) = thumb {
                ui.image((id, vec2(160.0, 90.0)));
            }
        });
    }
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Slider, true, "Timeline"));
    geometry.draw_ms = started.elapsed().as_secs_f64() * 1000.0;
    Some(geometry)
}

fn in_view(t: f64, axis: &TimeAxis) -> bool {
    t >= axis.t0 && t <= axis.t1
}

/// Zoom, pan, seek, scrub and clip dragging.
fn interact(
    ui: &egui::Ui,
    state: &AppState,
    response: &egui::Response,
    g: &Geometry,
    view: TimelineView,
    cmds: &mut Vec<Command>,
) {
    let duration = state.duration_secs();
    let px_per_sec = f64::from(g.rect.width()) / view.span();
    let id = response.id.with("drag");
    if response.hovered() {
        let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta()));
        if (zoom - 1.0).abs() > 1e-4 {
            let anchor = response
                .hover_pos()
                .map_or(state.playhead_secs, |p| g.axis.t_of(f64::from(p.x)));
            cmds.push(Command::SetView(view.zoomed(
                f64::from(zoom),
                anchor,
                duration,
            )));
        } else if scroll != egui::Vec2::ZERO {
            let dx = if scroll.x.abs() > scroll.y.abs() {
                scroll.x
            } else {
                scroll.y
            };
            cmds.push(Command::SetView(
                view.panned(-f64::from(dx) / px_per_sec, duration),
            ));
        }
    }
    if response.double_clicked() {
        cmds.push(Command::FitTimeline);
        return;
    }
    let shift = ui.input(|i| i.modifiers.shift);
    if response.drag_started() {
        let press = ui
            .input(|i| i.pointer.press_origin())
            .or(response.interact_pointer_pos());
        if let Some(p) = press {
            let drag = grab(state, g, p, view);
            ui.data_mut(|d| d.insert_temp(id, drag));
        }
    }
    let drag: Option<Drag> = ui.data(|d| d.get_temp(id));
    if let (Some(drag), Some(p)) = (drag, response.interact_pointer_pos()) {
        if response.dragged() {
            let t = g.axis.t_of(f64::from(p.x));
            let tolerance = SNAP_PX / px_per_sec;
            let snapped = |t: f64| {
                if shift {
                    t
                } else {
                    snap(t, snap_targets(state), tolerance).unwrap_or(t)
                }
            };
            match drag {
                Drag::Scrub => cmds.push(Command::Scrub(t)),
                Drag::Pan { grabbed_t, view } => {
                    // The time grabbed stays under the pointer.
                    let x_frac = (f64::from(p.x) - g.axis.x0) / (g.axis.x1 - g.axis.x0);
                    let t0 = grabbed_t - x_frac * view.span();
                    cmds.push(Command::SetView(view.panned(t0 - view.t0, duration)));
                }
                Drag::Edge {
                    index,
                    start,
                    other,
                } => {
                    let e = snapped(t).clamp(0.0, duration);
                    let (s, en) = if start { (e, other) } else { (other, e) };
                    cmds.push(Command::TrimClip {
                        index,
                        start: s,
                        end: en,
                    });
                }
                Drag::Body { index, offset, len } => {
                    let s = snapped(t - offset).clamp(0.0, (duration - len).max(0.0));
                    cmds.push(Command::TrimClip {
                        index,
                        start: s,
                        end: s + len,
                    });
                }
            }
        }
    }
    if response.drag_stopped() {
        ui.data_mut(|d| d.remove::<Drag>(id));
    }
    if response.clicked() {
        if let Some(p) = response.interact_pointer_pos() {
            let t = g.axis.t_of(f64::from(p.x));
            match clip_at(state, g, p) {
                Some((index, _)) if state.clips.segments.selected_index() != Some(index) => {
                    cmds.push(Command::SelectClip(index));
                }
                _ => cmds.push(Command::Seek(t)),
            }
        }
    }
}

/// What a press at `p` grabs: a clip's edge or body, the ruler or playhead (scrub), or empty
/// space (pan).
fn grab(state: &AppState, g: &Geometry, p: egui::Pos2, view: TimelineView) -> Drag {
    let t = g.axis.t_of(f64::from(p.x));
    if let Some((index, edge)) = clip_at(state, g, p) {
        let c = &state.segments()[index];
        return match edge {
            Some(true) => Drag::Edge {
                index,
                start: true,
                other: c.end,
            },
            Some(false) => Drag::Edge {
                index,
                start: false,
                other: c.start,
            },
            None => Drag::Body {
                index,
                offset: t - c.start,
                len: c.end - c.start,
            },
        };
    }
    let playhead_x = g.axis.x_of(state.playhead_secs) as f32;
    if g.ruler.contains(p) || (p.x - playhead_x).abs() <= 4.0 {
        return Drag::Scrub;
    }
    Drag::Pan { grabbed_t: t, view }
}

/// The clip under `p` in the clips track, and whether `p` is on its start edge (Some(true)),
/// its end edge (Some(false)) or its body (None). The selected clip wins where clips meet.
fn clip_at(state: &AppState, g: &Geometry, p: egui::Pos2) -> Option<(usize, Option<bool>)> {
    if !g.clips.contains(p) {
        return None;
    }
    let selected = state.clips.segments.selected_index();
    let order = selected
        .into_iter()
        .chain((0..state.segments().len()).filter(|i| Some(*i) != selected));
    for i in order {
        let Some(c) = state.segments().get(i) else {
            continue;
        };
        let (x0, x1) = (g.axis.x_of(c.start) as f32, g.axis.x_of(c.end) as f32);
        if p.x < x0 - EDGE_GRAB_PX || p.x > x1 + EDGE_GRAB_PX {
            continue;
        }
        let edge = if (p.x - x0).abs() <= EDGE_GRAB_PX && (p.x - x0).abs() <= (p.x - x1).abs() {
            Some(true)
        } else if (p.x - x1).abs() <= EDGE_GRAB_PX {
            Some(false)
        } else {
            None
        };
        return Some((i, edge));
    }
    None
}

/// Where an edge snaps: scene cuts and word bounds (so the ends of the pauses between words).
fn snap_targets(state: &AppState) -> impl Iterator<Item = f64> + '_ {
    let cuts = state.clips.scenes.iter().map(|c| c.time);
    let words = state
        .clips
        .transcript
        .iter()
        .flat_map(|t| t.segments.iter())
        .flat_map(|s| s.words.iter())
        .flat_map(|w| [w.start, w.end]);
    cuts.chain(words)
}

fn draw_ruler(painter: &egui::Painter, ui: &egui::Ui, rows: &Rows, axis: &TimeAxis) {
    let r = rows.ruler;
    let px_per_sec = (axis.x1 - axis.x0) / (axis.t1 - axis.t0);
    let ticks = ruler::ticks(px_per_sec, LABEL_MIN_PX);
    let weak = Stroke::new(1.0, ui.visuals().weak_text_color());
    for t in ruler::tick_times(axis.t0, axis.t1, ticks.minor) {
        let x = axis.x_of(t) as f32;
        painter.line_segment([pos2(x, r.bottom() - 4.0), pos2(x, r.bottom())], weak);
    }
    let font = egui::FontId::monospace(10.0);
    let color = ui.visuals().text_color();
    for t in ruler::tick_times(axis.t0, axis.t1, ticks.major) {
        let x = axis.x_of(t) as f32;
        painter.line_segment([pos2(x, r.bottom() - 9.0), pos2(x, r.bottom())], weak);
        painter.text(
            pos2(x + 2.0, r.top() + 1.0),
            egui::Align2::LEFT_TOP,
            ruler::label(t, ticks.major),
            font.clone(),
            color,
        );
    }
}

/// More detail as you zoom: the times (on a grid of about one thumbnail's width, in powers of
/// two of a second so that zooming reuses them) that have no thumbnail near them. Empty when
/// the keyframes' thumbnails already fill the strip, or when so many would be needed that the
/// strip is zoomed out anyway.
fn wanted_thumbnails(state: &AppState, r: Rect, axis: &TimeAxis) -> Vec<f64> {
    let px_per_sec = (axis.x1 - axis.x0) / (axis.t1 - axis.t0);
    let slot_px = f64::from(r.height()) * 16.0 / 9.0;
    let slot = 2f64.powf((slot_px / px_per_sec).log2().ceil());
    let (k0, k1) = (
        (axis.t0 / slot).floor() as i64,
        (axis.t1 / slot).ceil() as i64,
    );
    if k1 - k0 > 64 {
        return Vec::new();
    }
    let duration = state.duration_secs();
    let near = |t: f64| {
        let i = state
            .thumbnails
            .partition_point(|th| th.t_secs < t - slot / 2.0);
        state
            .thumbnails
            .get(i)
            .is_some_and(|th| th.t_secs <= t + slot / 2.0)
    };
    (k0..=k1)
        .map(|k| k as f64 * slot)
        .filter(|t| *t >= 0.0 && *t < duration && !near(*t))
        .collect()
}

fn draw_thumbnails(
    painter: &egui::Painter,
    state: &AppState,
    textures: &Textures,
    r: Rect,
    axis: &TimeAxis,
) {
    let h = r.height() - 2.0;
    let mut next_free = f32::NEG_INFINITY;
    let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
    // The thumbnail before the view too, so the strip starts filled.
    let first = state
        .thumbnails
        .partition_point(|th| th.t_secs < axis.t0)
        .saturating_sub(1);
    for th in &state.thumbnails[first..] {
        if th.t_secs > axis.t1 {
            break;
        }
        let Some(texture) = textures.thumbnail(th.t_secs) else {
            continue;
        };
        let [tw, thh] = th.size;
        let w = h * tw as f32 / thh.max(1) as f32;
        let x = (axis.x_of(th.t_secs) as f32).max(r.left());
        if x < next_free {
            continue; // would cover the one before: at this zoom keyframes are too close
        }
        let dst = Rect::from_min_size(pos2(x, r.top() + 1.0), vec2(w, h));
        painter.image(texture.id(), dst, uv, Color32::WHITE);
        next_free = x + w;
    }
}

fn draw_waveform(
    painter: &egui::Painter,
    ui: &egui::Ui,
    state: &AppState,
    r: Rect,
    axis: &TimeAxis,
) {
    let Some(wave) = &state.waveform else {
        painter.text(
            r.left_center() + vec2(4.0, 0.0),
            egui::Align2::LEFT_CENTER,
            "waveform…",
            egui::FontId::proportional(11.0),
            ui.visuals().weak_text_color(),
        );
        return;
    };
    let n = r.width().max(1.0) as usize;
    let cols = wave.columns(axis.t0, axis.t1, n);
    let mid = r.center().y;
    let half = r.height() * 0.5 - 1.0;
    let color = Color32::from_rgb(90, 160, 230);
    let silent = Color32::from_rgba_unmultiplied(128, 128, 128, 40);
    let dx = r.width() / n as f32;
    // One mesh of abutting quads (no anti-aliased edges, so no seams between columns).
    let mut mesh = egui::Mesh::default();
    for (i, (lo, hi)) in cols.into_iter().enumerate() {
        if t_of_column(axis, i, n) > wave.duration_secs() {
            break;
        }
        let x0 = r.left() + i as f32 * dx;
        let xs = x0..=x0 + dx;
        if lo.abs().max(hi.abs()) < SILENCE_PEAK {
            mesh.add_colored_rect(Rect::from_x_y_ranges(xs, r.y_range()), silent);
            continue;
        }
        let y0 = mid - hi.clamp(-1.0, 1.0) * half;
        let y1 = (mid - lo.clamp(-1.0, 1.0) * half).max(y0 + 1.0);
        mesh.add_colored_rect(Rect::from_x_y_ranges(xs, y0..=y1), color);
    }
    painter.add(mesh);
}

fn t_of_column(axis: &TimeAxis, i: usize, n: usize) -> f64 {
    axis.t0 + (axis.t1 - axis.t0) * i as f64 / n as f64
}

/// The score, loudness and motion curves, each scaled to its own maximum; one min/max per
/// pixel column so any length draws in the same time.
fn draw_curves(painter: &egui::Painter, state: &AppState, r: Rect, axis: &TimeAxis) {
    let Some(curves) = &state.clips.curves else {
        return;
    };
    if curves.step <= 0.0 {
        return;
    }
    let lines: [(&[f32], Color32); 3] = [
        (&curves.loudness, Color32::from_rgb(90, 160, 230)),
        (&curves.motion, Color32::from_rgb(120, 200, 120)),
        (&curves.score, CLIP_COLOR),
    ];
    let n = (r.width().max(1.0) as usize).max(1);
    for (values, color) in lines {
        let max = values.iter().copied().fold(0.0f32, f32::max);
        if values.is_empty() || max <= 0.0 {
            continue;
        }
        let mut points = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (t_of_column(axis, i, n), t_of_column(axis, i + 1, n));
            let lo = ((a / curves.step).floor().max(0.0)) as usize;
            let hi = ((b / curves.step).ceil() as usize)
                .max(lo + 1)
                .min(values.len());
            if lo >= values.len() {
                break;
            }
            let v = values[lo..hi].iter().copied().fold(0.0f32, f32::max) / max;
            let x = r.left() + (i as f32 + 0.5) * r.width() / n as f32;
            points.push(pos2(x, r.bottom() - 2.0 - v * (r.height() - 4.0)));
        }
        painter.add(egui::Shape::line(points, Stroke::new(1.2, color)));
    }
}

fn draw_clips(painter: &egui::Painter, state: &AppState, r: Rect, axis: &TimeAxis) {
    let selected_id = state.clips.segments.selected;
    for (i, clip) in state.segments().iter().enumerate() {
        if clip.end < axis.t0 || clip.start > axis.t1 {
            continue;
        }
        let selected = selected_id == Some(clip.id);
        let alpha = match (selected, clip.chosen) {
            (true, _) => 220,
            (false, true) => 90,
            (false, false) => 35, // not for export
        };
        let [cr, cg, cb, _] = CLIP_COLOR.to_array();
        let x0 = axis.x_of(clip.start) as f32;
        let x1 = (axis.x_of(clip.end) as f32).max(x0 + 2.0);
        let band = Rect::from_x_y_ranges(x0..=x1, r.top() + 2.0..=r.bottom() - 2.0);
        painter.rect_filled(
            band,
            3.0,
            Color32::from_rgba_unmultiplied(cr, cg, cb, alpha),
        );
        if selected {
            painter.rect_stroke(
                band,
                3.0,
                Stroke::new(1.5, Color32::WHITE),
                egui::StrokeKind::Inside,
            );
        }
        if x1 - x0 > 24.0 {
            // The label stays inside its clip (a long one would run over the next).
            painter.with_clip_rect(band.shrink2(vec2(2.0, 0.0))).text(
                band.left_center() + vec2(4.0, 0.0),
                egui::Align2::LEFT_CENTER,
                match clip.label.trim() {
                    "" => format!("#{}", i + 1),
                    label => format!("#{} {label}", i + 1),
                },
                egui::FontId::proportional(11.0),
                Color32::BLACK,
            );
        }
    }
}
