//! `Textures`: the images the window draws from the GPU — the preview frame, the export
//! panel's preview and the timeline's thumbnails. `SlopApp` owns them beside the plain
//! [`AppState`], which keeps only what they show (frames waiting to be uploaded, the
//! thumbnails' times, which export preview is uploaded); they are dropped when another file
//! opens.

use super::state::{AppState, Thumb};
use slopcannon_engine::media::grab::RgbaFrame;
use std::collections::HashMap;

#[derive(Default)]
pub struct Textures {
    /// The file generation these textures are of (another file drops them all).
    generation: u64,
    /// The frame under the playhead.
    preview: Option<egui::TextureHandle>,
    /// The export panel's preview (the state's `export_preview.uploaded` says which one).
    export_preview: Option<egui::TextureHandle>,
    /// The timeline's thumbnails, by their time (as `f64` bits), as in `AppState::thumbnails`.
    thumbnails: HashMap<u64, egui::TextureHandle>,
}

impl Textures {
    /// The frame under the playhead, once one has arrived.
    pub fn preview(&self) -> Option<&egui::TextureHandle> {
        self.preview.as_ref()
    }

    /// The export panel's preview, once one has arrived.
    pub fn export_preview(&self) -> Option<&egui::TextureHandle> {
        self.export_preview.as_ref()
    }

    /// The thumbnail at `t_secs` (a time in `AppState::thumbnails`).
    pub fn thumbnail(&self, t_secs: f64) -> Option<&egui::TextureHandle> {
        self.thumbnails.get(&t_secs.to_bits())
    }

    /// Uploads what the state has waiting (the preview frame, a new export preview, decoded
    /// thumbnails), after dropping the last file's textures when another file opened.
    pub fn upload(&mut self, ctx: &egui::Context, state: &mut AppState) {
        let generation = state.file.as_ref().map_or(0, |f| f.generation);
        if generation != self.generation {
            *self = Textures {
                generation,
                ..Textures::default()
            };
        }
        let p = &mut state.export_preview;
        if p.shown != p.uploaded {
            if let Some(frame) = &p.frame {
                upload(ctx, &mut self.export_preview, "export preview", frame);
            }
            p.uploaded = p.shown;
        }
        if let Some(frame) = state.pending_frame.take() {
            upload(ctx, &mut self.preview, "preview", &frame);
        }
        for thumb in std::mem::take(&mut state.pending_thumbs) {
            let at = state
                .thumbnails
                .partition_point(|t| t.t_secs < thumb.t_secs);
            if state
                .thumbnails
                .get(at)
                .is_some_and(|t| (t.t_secs - thumb.t_secs).abs() < 1e-6)
            {
                continue; // a detail thumbnail landed on a frame there is one of
            }
            let f = thumb.frame;
            let image = egui::ColorImage::from_rgba_premultiplied(
                [f.width as usize, f.height as usize],
                &f.pixels,
            );
            let name = format!("thumb {:.3}", thumb.t_secs);
            let texture = ctx.load_texture(name, image, egui::TextureOptions::LINEAR);
            self.thumbnails.insert(thumb.t_secs.to_bits(), texture);
            state.thumbnails.insert(
                at,
                Thumb {
                    t_secs: thumb.t_secs,
                    size: [f.width as usize, f.height as usize],
                },
            );
        }
    }
}

/// Puts a video frame into `slot`'s texture (made on first use). Video frames are opaque:
/// unmultiplied is premultiplied, so this is a plain copy (the unmultiplied constructor would
/// convert every pixel).
fn upload(
    ctx: &egui::Context,
    slot: &mut Option<egui::TextureHandle>,
    name: &str,
    frame: &RgbaFrame,
) {
    let image = egui::ColorImage::from_rgba_premultiplied(
        [frame.width as usize, frame.height as usize],
        &frame.pixels,
    );
    match slot.as_mut() {
        Some(tex) => tex.set(image, egui::TextureOptions::LINEAR),
        None => *slot = Some(ctx.load_texture(name, image, egui::TextureOptions::LINEAR)),
    }
}
