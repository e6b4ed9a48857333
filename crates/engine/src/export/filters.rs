//! Filter-graph descriptions for an export: trim to the clip, the 9:16 layouts (pad, blur,
//! crop — never stretch), the stacked layout with a looping background, and loudness
//! normalisation: string building, unit-tested; and [`build_graph`], the one place that turns
//! such a description into a configured libavfilter graph. (Subtitles are burned after the
//! graph, by `burn.rs`.)

use super::error::ExportError;
use ffmpeg_next as ff;
use std::path::Path;

/// A configured filter graph: `source` (a `buffer` or `abuffer` filter with its arguments,
/// named `in`; `None` for a graph that makes its own frames, e.g. `movie=`) → `spec` → `sink`
/// (`buffersink` or `abuffersink`, named `out`). Errors name `path`.
pub fn build_graph(
    source: Option<(&str, &str)>,
    sink: &str,
    spec: &str,
    path: &Path,
) -> Result<ff::filter::Graph, ExportError> {
    let filter_err = |e: ff::Error| ExportError::filter(path, e);
    let find = |name: &str| {
        ff::filter::find(name)
            .ok_or_else(|| ExportError::setup(format!("FFmpeg has no {name} filter")))
    };
    let mut graph = ff::filter::Graph::new();
    if let Some((filter, args)) = source {
        graph.add(&find(filter)?, "in", args).map_err(filter_err)?;
    }
    graph.add(&find(sink)?, "out", "").map_err(filter_err)?;
    let parsed = match source {
        Some(_) => graph
            .output("in", 0)
            .and_then(|p| p.input("out", 0))
            .and_then(|p| p.parse(spec)),
        None => graph.input("out", 0).and_then(|p| p.parse(spec)),
    };
    parsed.map_err(filter_err)?;
    graph.validate().map_err(filter_err)?;
    Ok(graph)
}

/// The `buffer` source's arguments for frames of `width`×`height` in `format`, timestamps in
/// `tb`, pixel aspect `sar` (square when unknown).
pub fn buffer_args(
    width: u32,
    height: u32,
    format: ff::format::Pixel,
    tb: ff::Rational,
    sar: ff::Rational,
) -> String {
    let sar = if sar.numerator() > 0 && sar.denominator() > 0 {
        sar
    } else {
        ff::Rational::new(1, 1)
    };
    let fmt: ff::ffi::AVPixelFormat = format.into();
    format!(
        "video_size={width}x{height}:pix_fmt={}:time_base={}/{}:pixel_aspect={}/{}",
        fmt as i32,
        tb.numerator(),
        tb.denominator(),
        sar.numerator(),
        sar.denominator()
    )
}

/// Output size of the portrait layouts.
pub const PORTRAIT_W: u32 = 1080;
pub const PORTRAIT_H: u32 = 1920;

/// How a landscape picture is fitted into 9:16.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Portrait {
    /// Fit inside, black bars above and below.
    Pad,
    /// Fit inside, over a blurred copy of itself that fills the frame.
    Blur,
    /// Fill the frame, cutting off the sides.
    Crop,
}

impl Portrait {
    pub fn parse(s: &str) -> Option<Portrait> {
        match s {
            "pad" => Some(Portrait::Pad),
            "blur" => Some(Portrait::Blur),
            "crop" => Some(Portrait::Crop),
            _ => None,
        }
    }
}

/// Everything that shapes the picture of one export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VideoLayout<'a> {
    pub portrait: Option<Portrait>,
    /// A background video for the lower half (loops); implies 1080×1920.
    pub stacked: Option<&'a Path>,
    /// An `.ass` file to burn in (after the graph, see `burn.rs`).
    pub subtitles: Option<&'a Path>,
    /// The stacked background's lower halves come prepared from memory
    /// (`background.rs`): the graph makes only the upper half.
    pub background_in_memory: bool,
}

/// Cuts a picture to the aspect of one stacked half around its centre, then scales it to
/// the half (fewer pixels through the scaler than scaling first and cropping after).
pub fn half_fill() -> String {
    let (w, half) = (PORTRAIT_W, PORTRAIT_H / 2);
    format!("crop=w='min(iw,ih*{w}/{half})':h='min(ih,iw*{half}/{w})',scale={w}:{half},setsar=1")
}

/// The stacked background as a constant-rate source: `movie` looping forever, its frames
/// numbered on its own rate, resampled to the clip's `num/den`, cut and scaled to the lower
/// half. A clip's graph and the batch's prepared frames (`background.rs`) both use this, so
/// their pictures are the same.
pub fn background_at_rate(bg: &Path, num: i32, den: i32) -> String {
    format!(
        "movie=filename={}:loop=0,setpts=N/FRAME_RATE/TB,fps={num}/{den},{}",
        escape_path(bg),
        half_fill()
    )
}

/// Escapes a value for a filter option, then for the filter-graph description (FFmpeg's two
/// levels of quoting), so any path can be passed.
pub fn escape_path(p: &Path) -> String {
    let level1 = escape(&p.to_string_lossy(), &['\\', '\'', ':']);
    escape(&level1, &['\\', '\'', '[', ']', ',', ';'])
}

fn escape(s: &str, special: &[char]) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The filter that turns a picture stored with a clockwise display rotation upright (what
/// players and the FFmpeg command line do), or nothing.
pub fn upright(rotation_deg: i32) -> &'static str {
    match rotation_deg.rem_euclid(360) {
        90 => ",transpose=clock",
        180 => ",hflip,vflip",
        270 => ",transpose=cclock",
        _ => "",
    }
}

/// The video graph from `[in]` to `[out]`: trim to `[start, end)` (seconds on the input's
/// timeline), timestamps from 0, upright, layout, yuv420p. `cfr_rate` is the source's frame
/// rate when it is constant: the stacked layout then joins the halves with `vstack` on a
/// shared frame clock (cheaper than padding and overlaying a full frame) — or, with the
/// background in memory, the graph ends at the upper half, timestamps = frame numbers.
pub fn video_graph(
    start: f64,
    end: f64,
    rotation_deg: i32,
    cfr_rate: Option<(i32, i32)>,
    layout: &VideoLayout<'_>,
) -> String {
    let (w, h) = (PORTRAIT_W, PORTRAIT_H);
    let mut g = format!(
        "[in]trim=start={start:.6}:end={end:.6},setpts=PTS-STARTPTS{}",
        upright(rotation_deg)
    );
    match (layout.stacked, layout.portrait) {
        (Some(bg_path), _) => {
            let half = h / 2;
            let fill = half_fill();
            let bg = escape_path(bg_path);
            match cfr_rate {
                Some((num, den)) if layout.background_in_memory => {
                    g.push_str(&format!(",{fill},settb={den}/{num},setpts=N"))
                }
                Some((num, den)) => g.push_str(&format!(
                    ",{fill},settb={den}/{num},setpts=N[top];\
                     {},settb={den}/{num},setpts=N[bottom];\
                     [top][bottom]vstack=shortest=1",
                    background_at_rate(bg_path, num, den)
                )),
                // Variable frame rate: the clip (padded to the full frame) drives the output,
                // one frame per clip frame; the background is laid over the lower half.
                None => g.push_str(&format!(
                    ",{fill},pad={w}:{h}:0:0:black[top];\
                     movie=filename={bg}:loop=0,setpts=N/FRAME_RATE/TB,{fill}[bottom];\
                     [top][bottom]overlay=x=0:y={half}:shortest=1"
                )),
            }
        }
        (None, Some(Portrait::Pad)) => g.push_str(&format!(
            ",scale={w}:{h}:force_original_aspect_ratio=decrease,\
             pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1"
        )),
        (None, Some(Portrait::Crop)) => g.push_str(&format!(
            ",scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1"
        )),
        (None, Some(Portrait::Blur)) => g.push_str(&format!(
            ",split=2[fg0][bg0];\
             [bg0]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},gblur=sigma=40[bg1];\
             [fg0]scale={w}:{h}:force_original_aspect_ratio=decrease[fg1];\
             [bg1][fg1]overlay=(W-w)/2:(H-h)/2,setsar=1"
        )),
        (None, None) => {}
    }
    g.push_str(",format=yuv420p[out]");
    g
}

/// The audio graph from `[in]` to `[out]`: trim, timestamps from 0, optional EBU R128
/// loudness normalisation (one pass), 48 kHz stereo.
pub fn audio_graph(start: f64, end: f64, loudnorm: bool) -> String {
    let mut g = format!("[in]atrim=start={start:.6}:end={end:.6},asetpts=PTS-STARTPTS");
    if loudnorm {
        g.push_str(",loudnorm=I=-16:TP=-1.5:LRA=11");
    }
    g.push_str(",aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo[out]");
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_escaped_twice() {
        assert_eq!(escape_path(Path::new("/tmp/a.ass")), "/tmp/a.ass");
        assert_eq!(
            escape_path(Path::new("/tmp/it's:here.ass")),
            r"/tmp/it\\\'s\\:here.ass"
        );
        assert_eq!(escape_path(Path::new("/x/[1],b.mp4")), r"/x/\[1\]\,b.mp4");
    }

    #[test]
    fn graphs() {
        let g = video_graph(1.5, 31.5, 0, None, &VideoLayout::default());
        assert_eq!(
            g,
            "[in]trim=start=1.500000:end=31.500000,setpts=PTS-STARTPTS,format=yuv420p[out]"
        );
        let pad = video_graph(
            0.0,
            1.0,
            0,
            None,
            &VideoLayout {
                portrait: Some(Portrait::Pad),
                ..Default::default()
            },
        );
        assert!(pad.contains("force_original_aspect_ratio=decrease,pad=1080:1920"));
        let sub = Path::new("/s.ass");
        let layout = VideoLayout {
            stacked: Some(Path::new("/bg.mp4")),
            subtitles: Some(sub),
            ..Default::default()
        };
        let vfr = video_graph(0.0, 1.0, 90, None, &layout);
        assert!(vfr.contains("movie=filename=/bg.mp4:loop=0,setpts"));
        assert!(vfr.contains("[top][bottom]overlay=x=0:y=960"));
        assert!(vfr.ends_with("shortest=1,format=yuv420p[out]"));
        assert!(vfr.starts_with(
            "[in]trim=start=0.000000:end=1.000000,setpts=PTS-STARTPTS,transpose=clock,"
        ));
        let cfr = video_graph(0.0, 1.0, 0, Some((30000, 1001)), &layout);
        assert!(cfr.contains("settb=1001/30000,setpts=N[top]"));
        assert!(cfr.contains("fps=30000/1001,crop="));
        assert!(cfr.contains("[top][bottom]vstack=shortest=1,format"));
        let top_only = video_graph(
            0.0,
            1.0,
            0,
            Some((30, 1)),
            &VideoLayout {
                background_in_memory: true,
                ..layout
            },
        );
        assert!(top_only.ends_with(",setsar=1,settb=1/30,setpts=N,format=yuv420p[out]"));
        assert!(!top_only.contains("movie"));
        assert!(audio_graph(0.0, 1.0, true).contains("loudnorm"));
    }
}
