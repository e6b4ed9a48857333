//! One frame of an export, made now: the window's live 9:16 preview. The source frame at the
//! playhead goes through the export's own pieces — the layout's filter graph
//! ([`video_graph`]), the stacked background's frame for that moment (the batch's prepared
//! frames, [`PreparedBackground`]), the captions burned by libass at the clip time of that
//! frame ([`SubtitleBurner`]) — so the picture equals the exported one, up to the encoder's
//! loss. A [`Previewer`] keeps the file, the background and the caption renderer between
//! frames, so a new playhead or style costs one decode and one graph run. A file with sound
//! and no picture previews its 9:16 short: the sound's bars and the captions over the plain
//! picture (`audio_short`).

use super::audio_only::SourceKind;
use super::background::PreparedBackground;
use super::burn::SubtitleBurner;
use super::error::ExportError;
use super::filters::{background_at_rate, buffer_args, build_graph, video_graph, VideoLayout};
use super::sound_bars::SoundBars;
use super::source::{open_source, SourceVideo};
use super::Portrait;
use crate::captions::{titled_clip_ass, Canvas, CaptionStyle};
use crate::media::grab::{FrameGrabber, RgbaConverter, RgbaFrame};
use crate::progress::CancelToken;
use crate::speech::Word;
use ffmpeg_next as ff;
use std::path::{Path, PathBuf};

/// What to preview: the clip, the playhead in it, and the export's look.
#[derive(Clone, Debug)]
pub struct PreviewRequest<'a> {
    /// The clip, seconds of the source.
    pub clip_start: f64,
    pub clip_end: f64,
    /// The playhead, seconds of the source (moved into the clip).
    pub at: f64,
    pub portrait: Option<Portrait>,
    pub stacked: Option<&'a Path>,
    /// The transcript's words and the style to burn them in (no words: a title alone).
    pub captions: Option<(&'a [Word], &'a CaptionStyle)>,
    /// The clip's title (its label, when the export burns it), in the captions' style.
    pub title: Option<&'a str>,
    /// The picture returned fits inside this (aspect kept).
    pub max_width: u32,
    pub max_height: u32,
}

/// A rendered preview frame and where in the clip it is.
#[derive(Clone, Debug)]
pub struct PreviewFrame {
    pub image: RgbaFrame,
    /// Seconds from the clip's first frame (what the exported file shows at that time).
    pub clip_secs: f64,
    /// Width × height of the exported picture.
    pub export_size: (u32, u32),
}

/// Keeps one source (and its background and caption renderer) ready for preview frames.
pub struct Previewer {
    source: PathBuf,
    /// The source's picture: its frames and what the export needs to know of its stream.
    /// None for a file with sound and no picture.
    picture: Option<(FrameGrabber, SourceVideo)>,
    /// The stacked background's frames for a clip length: (background, clip seconds, frames).
    background: Option<(PathBuf, f64, Option<PreparedBackground>)>,
    /// The last caption script and its renderer (fonts load once).
    burner: Option<(String, (u32, u32), SubtitleBurner)>,
    /// A file with no picture: the sound's bars of the last clip previewed (its start, end).
    bars: Option<((f64, f64), SoundBars)>,
    converter: RgbaConverter,
}

impl Previewer {
    pub fn open(source: &Path) -> Result<Previewer, ExportError> {
        crate::media::open::init();
        let picture = match super::audio_only::source_kind(source)? {
            SourceKind::AudioOnly => None,
            SourceKind::Video => {
                let (input, vidx, _) = open_source(source)?;
                let video = SourceVideo::of(&input, vidx, source)?;
                drop(input);
                Some((FrameGrabber::open(source)?, video))
            }
        };
        Ok(Previewer {
            source: source.to_path_buf(),
            picture,
            background: None,
            burner: None,
            bars: None,
            converter: RgbaConverter::default(),
        })
    }

    pub fn source(&self) -> &Path {
        &self.source
    }

    /// The frame the export of `req`'s clip shows at the playhead.
    pub fn render(
        &mut self,
        req: &PreviewRequest<'_>,
        cancel: &CancelToken,
    ) -> Result<PreviewFrame, ExportError> {
        let src = self.source.clone();
        let Some((grabber, video)) = self.picture.as_mut() else {
            return self.render_sound_only(req, cancel);
        };
        let (tb, origin_secs, rotation) = (video.tb, video.origin_secs, video.rotation);
        let rate = f64::from(video.frame_rate).max(1.0);
        // The clip's first frame is the first at or after its start (the graph's trim).
        let first = (req.clip_start * rate - 1e-3).ceil() / rate;
        let last = ((req.clip_end * rate - 1e-3).ceil() - 1.0) / rate;
        let at = req.at.clamp(first, last.max(first));
        let (frame, secs) = grabber.decoded_at(at + 0.25 / rate, cancel)?;
        let clip_secs = (secs - first).max(0.0);
        let n = (clip_secs * rate).round() as u64;

        // The layout's graph, run on this one frame. A stacked layout makes the upper half;
        // the background's frame `n` goes below it, as the export's prepared frames do.
        let cfr = video.cfr_rate.unwrap_or_else(|| {
            let r = video.frame_rate;
            (r.numerator(), r.denominator())
        });
        let layout = VideoLayout {
            portrait: req.portrait,
            stacked: req.stacked,
            subtitles: None,
            background_in_memory: req.stacked.is_some(),
        };
        let abs = origin_secs + secs;
        let half = 0.5 / rate;
        let spec = video_graph(abs - half, abs + half, rotation, Some(cfr), &layout);
        let args = buffer_args(
            frame.width(),
            frame.height(),
            frame.format(),
            tb,
            frame.aspect_ratio(),
        );
        let mut graph = build_graph(Some(("buffer", &args)), "buffersink", &spec, &src)?;
        let filter_err = |e: ff::Error| ExportError::filter(&src, e);
        {
            let mut input = graph
                .get("in")
                .ok_or_else(|| ExportError::setup("no video source".into()))?;
            let mut source = input.source();
            // The buffer source takes the frame's buffers: give it a new reference, the grabber
            // keeps its frame for the next preview.
            source.add(&frame.clone()).map_err(filter_err)?;
            source.flush().map_err(filter_err)?;
        }
        let mut top = ff::frame::Video::empty();
        graph
            .get("out")
            .ok_or_else(|| ExportError::setup("no video sink".into()))?
            .sink()
            .frame(&mut top)
            .map_err(filter_err)?;
        let picture = match req.stacked {
            Some(bg) => {
                let lower =
                    self.background_frame(bg, req.clip_end - req.clip_start, cfr, n, cancel)?;
                let mut out = ff::frame::Video::empty();
                super::compose::stack_over(&top, &lower, &mut out)?;
                out
            }
            None => top,
        };
        let size = (picture.width(), picture.height());
        let canvas = if req.portrait.is_some() || req.stacked.is_some() {
            Canvas::PORTRAIT
        } else {
            Canvas {
                width: size.0,
                height: size.1,
            }
        };
        self.finish(req, picture, clip_secs, canvas)
    }

    /// The short of a file with no picture at the playhead: the sound's bars and its
    /// captions over the plain picture, at the short's frame times.
    fn render_sound_only(
        &mut self,
        req: &PreviewRequest<'_>,
        cancel: &CancelToken,
    ) -> Result<PreviewFrame, ExportError> {
        let fps = f64::from(super::audio_short::FPS);
        let len = (req.clip_end - req.clip_start).max(0.0);
        let n = ((req.at - req.clip_start) * fps)
            .floor()
            .clamp(0.0, (len * fps - 1.0).max(0.0));
        let span = (req.clip_start, req.clip_end);
        let bars = match self.bars.take() {
            Some((s, bars)) if s == span => bars,
            _ => SoundBars::read(&self.source, span, cancel)?,
        };
        let mut picture = super::audio_short::backdrop()?;
        bars.draw(&mut picture, req.clip_start + n / fps);
        self.bars = Some((span, bars));
        self.finish(req, picture, n / fps, Canvas::PORTRAIT)
    }

    /// Burns `req`'s captions (on `canvas`) into `picture` at `clip_secs` and scales it.
    fn finish(
        &mut self,
        req: &PreviewRequest<'_>,
        mut picture: ff::frame::Video,
        clip_secs: f64,
        canvas: Canvas,
    ) -> Result<PreviewFrame, ExportError> {
        let size = (picture.width(), picture.height());
        if let Some((words, style)) = req.captions {
            let text = titled_clip_ass(
                words,
                req.clip_start,
                req.clip_end,
                style,
                canvas,
                req.title,
            );
            let reuse = matches!(&self.burner, Some((t, s, _)) if *t == text && *s == size);
            if !reuse {
                let burner = SubtitleBurner::from_text(&text, size.0, size.1)?;
                self.burner = Some((text, size, burner));
            }
            if let Some((_, _, burner)) = self.burner.as_mut() {
                burner.burn(&mut picture, (clip_secs * 1000.0).round() as i64)?;
            }
        }
        let image = self.converter.convert(
            &picture,
            clip_secs,
            req.max_width,
            req.max_height,
            0,
            &self.source,
        )?;
        Ok(PreviewFrame {
            image,
            clip_secs,
            export_size: size,
        })
    }

    /// The background's lower half under output frame `n` of a clip `clip_secs` long: from
    /// the frames a batch would prepare (kept for the next call), or, when they do not fit
    /// the memory budget, made by the chain a clip's own graph runs.
    fn background_frame(
        &mut self,
        bg: &Path,
        clip_secs: f64,
        rate: (i32, i32),
        n: u64,
        cancel: &CancelToken,
    ) -> Result<ff::frame::Video, ExportError> {
        let fresh = !matches!(&self.background, Some((p, len, _)) if p == bg && *len >= clip_secs);
        if fresh {
            let prepared = PreparedBackground::prepare(
                bg,
                rate,
                clip_secs,
                super::background::auto_budget(),
                cancel,
            )?;
            self.background = Some((bg.to_path_buf(), clip_secs, prepared));
        }
        if let Some((_, _, Some(p))) = &self.background {
            if let Some(f) = p.frame(n) {
                return Ok(f.clone());
            }
        }
        let spec = format!("{},format=yuv420p", background_at_rate(bg, rate.0, rate.1));
        let mut graph = build_graph(None, "buffersink", &spec, bg)?;
        let mut sink = graph
            .get("out")
            .ok_or_else(|| ExportError::setup("no background sink".into()))?;
        let mut f = ff::frame::Video::empty();
        for _ in 0..=n {
            cancel.check()?;
            sink.sink()
                .frame(&mut f)
                .map_err(|e| ExportError::filter(bg, e))?;
        }
        Ok(f)
    }
}
