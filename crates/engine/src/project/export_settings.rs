//! How a project's segments are exported — the layout, loudness, captions and their style,
//! the folder and file names — as the person chose them (the window's export panel, or a
//! project file), and the one place where those choices become [`ExportOptions`].

use crate::captions::CaptionStyle;
use crate::export::{CutMode, ExportOptions, Portrait};
use crate::speech::Transcript;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportSettings {
    /// None: keep the source's size; Some: 9:16 with that fit.
    pub portrait: Option<Portrait>,
    pub loudnorm: bool,
    /// Burn word-by-word captions from the transcript.
    pub captions: bool,
    /// Burn each segment's label as a title at the top (in the caption style).
    pub title: bool,
    /// Stacked layout: the clip on top, this video looping below (9:16).
    pub background: Option<PathBuf>,
    /// Where the clips go (None: `slopcannon-clips` beside the video).
    pub out_dir: Option<PathBuf>,
    /// File-name template (empty: the default, [`crate::export::output::DEFAULT_TEMPLATE`]).
    pub template: String,
    /// Re-encode every frame instead of the smart cut (the original layout only).
    pub reencode: bool,
    /// How burned-in captions look.
    pub caption_style: CaptionStyle,
    /// The preset or file the style came from ("custom" once changed by hand).
    pub caption_style_name: String,
}

impl ExportSettings {
    /// Whether the export's picture may differ from the source's (a layout, titles — for the
    /// clips that have a label — or captions when there is a transcript to make them from).
    pub fn changes_picture(&self, has_transcript: bool) -> bool {
        self.portrait.is_some()
            || self.background.is_some()
            || self.title
            || (self.captions && has_transcript)
    }

    /// The folder the clips of `video` go to.
    pub fn out_dir_for(&self, video: &Path) -> PathBuf {
        self.out_dir.clone().unwrap_or_else(|| {
            video
                .parent()
                .unwrap_or(Path::new("."))
                .join("slopcannon-clips")
        })
    }

    /// `base` (the settings' defaults) with these choices on top; captions are made from
    /// `transcript` when they are asked for.
    pub fn options(
        &self,
        video: &Path,
        transcript: Option<Arc<Transcript>>,
        base: ExportOptions,
    ) -> ExportOptions {
        ExportOptions {
            out_dir: self.out_dir_for(video),
            template: if self.template.trim().is_empty() {
                base.template.clone()
            } else {
                self.template.trim().to_string()
            },
            mode: if self.reencode {
                CutMode::Reencode
            } else {
                base.mode
            },
            portrait: self.portrait,
            stacked: self.background.clone(),
            loudnorm: self.loudnorm,
            captions: transcript.filter(|_| self.captions),
            caption_style: self.caption_style.clone(),
            title: self.title,
            ..base
        }
    }
}
