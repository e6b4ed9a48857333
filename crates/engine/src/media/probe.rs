//! `probe`: what a media file holds — container, duration, bit rate and every stream — without
//! decoding pictures. VFR is detected from the packet timestamps of the first seconds.

use super::decode::decode_stream;
use super::error::MediaError;
use super::open::{
    best_stream, codec_name, kind_name, open_audio_decoder, open_input, open_video_decoder,
};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use serde::Serialize;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

/// A rational number as FFmpeg keeps it (`num/den`), with its value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ratio {
    pub num: i32,
    pub den: i32,
}

impl Ratio {
    pub fn value(self) -> Option<f64> {
        (self.den != 0 && self.num != 0).then(|| f64::from(self.num) / f64::from(self.den))
    }
}

impl From<ff::Rational> for Ratio {
    fn from(r: ff::Rational) -> Ratio {
        Ratio {
            num: r.numerator(),
            den: r.denominator(),
        }
    }
}

/// Everything `probe` reports about one file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MediaInfo {
    #[serde(serialize_with = "super::path_text::lossy")]
    pub path: PathBuf,
    /// Demuxer short name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`.
    pub container: String,
    pub container_long: String,
    /// Seconds of media: the container's duration, or where the packets really end when
    /// that is earlier (a truncated or damaged file; see [`super::extent`]).
    pub duration_secs: Option<f64>,
    /// The container's own duration when it claims more than the file holds (then
    /// `duration_secs` is the measured one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_duration_secs: Option<f64>,
    /// Overall bit rate in bits per second, when known.
    pub bit_rate: Option<u64>,
    pub size_bytes: u64,
    pub streams: Vec<StreamInfo>,
}

/// One stream of a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamInfo {
    pub index: usize,
    /// `video`, `audio`, `subtitle`, `data`, `attachment` or `unknown`.
    pub kind: &'static str,
    /// Decoder short name (`h264`, `aac`), or FFmpeg's codec id when no decoder exists.
    pub codec: String,
    pub decodable: bool,
    pub time_base: Ratio,
    pub duration_secs: Option<f64>,
    pub bit_rate: Option<u64>,
    pub video: Option<VideoInfo>,
    pub audio: Option<AudioInfo>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VideoInfo {
    pub width: u32,
    pub height: u32,
    /// Clockwise rotation to apply for display (0, 90, 180 or 270), from the display matrix.
    pub rotation_deg: i32,
    pub pixel_format: String,
    /// Nominal frame rate (FFmpeg's `r_frame_rate`).
    pub frame_rate: Option<f64>,
    /// Average frame rate over the stream.
    pub avg_frame_rate: Option<f64>,
    /// Frame count from the container, when it stores one.
    pub frames: Option<u64>,
    /// True when frame durations differ over the first seconds of packets.
    pub vfr: bool,
    /// Sample aspect ratio, when not square.
    pub sample_aspect: Option<Ratio>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AudioInfo {
    pub sample_rate: u32,
    pub channels: u32,
    pub sample_format: String,
}

impl VideoInfo {
    /// Frames per second by the engine's one rule ([`super::frame_rate`]).
    pub fn fps(&self) -> f64 {
        super::frame_rate::fps(self.frame_rate, self.avg_frame_rate)
    }
}

impl MediaInfo {
    /// Frames per second of the first video stream by the engine's one rule
    /// ([`super::frame_rate`]); the rule's fallback for a file without video.
    pub fn fps(&self) -> f64 {
        self.video()
            .map_or(f64::from(super::frame_rate::FALLBACK_FPS), |(_, v)| v.fps())
    }

    /// The first video stream (the one analysis uses).
    pub fn video(&self) -> Option<(&StreamInfo, &VideoInfo)> {
        self.streams
            .iter()
            .find_map(|s| s.video.as_ref().map(|v| (s, v)))
    }

    /// The first audio stream.
    pub fn audio(&self) -> Option<(&StreamInfo, &AudioInfo)> {
        self.streams
            .iter()
            .find_map(|s| s.audio.as_ref().map(|a| (s, a)))
    }

    /// The container's name as a person knows it: the file's extension when the demuxer
    /// handles it (`mp4` rather than `mov,mp4,m4a,…`), else the demuxer's first name.
    pub fn container_short(&self) -> String {
        let names: Vec<&str> = self.container.split(',').collect();
        let ext = self
            .path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if names.contains(&ext.as_str()) {
            ext
        } else {
            names.first().copied().unwrap_or("").to_string()
        }
    }

    /// A one-line human summary, e.g. `mp4 · 10:00 · 1920×1080 h264 30 fps · aac 48 kHz stereo`.
    pub fn summary(&self) -> String {
        let mut parts = vec![self.container_short()];
        if let Some(d) = self.duration_secs {
            parts.push(super::format_secs(d));
        }
        if let Some((s, v)) = self.video() {
            let fps = if v.frame_rate.is_some() || v.avg_frame_rate.is_some() {
                format!(" {:.3} fps", v.fps()).replace(".000 fps", " fps")
            } else {
                String::new()
            };
            let vfr = if v.vfr { " VFR" } else { "" };
            parts.push(format!(
                "{}×{} {}{}{}",
                v.width, v.height, s.codec, fps, vfr
            ));
        }
        if let Some((s, a)) = self.audio() {
            let ch = match a.channels {
                1 => "mono".to_string(),
                2 => "stereo".to_string(),
                n => format!("{n} ch"),
            };
            parts.push(format!(
                "{} {} kHz {}",
                s.codec,
                f64::from(a.sample_rate) / 1000.0,
                ch
            ));
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    }
}

fn secs(ts: i64, tb: ff::Rational) -> Option<f64> {
    (ts != ff::ffi::AV_NOPTS_VALUE && ts > 0 && tb.denominator() != 0)
        .then(|| ts as f64 * f64::from(tb))
}

/// Probes `path`. Fails only when the file cannot be opened as media at all.
pub fn probe(path: &Path) -> Result<MediaInfo, MediaError> {
    super::ffmpeg_log::held_back(|| probe_file(path))
}

fn probe_file(path: &Path) -> Result<MediaInfo, MediaError> {
    let mut input = open_input(path)?;
    let size_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let declared =
        (input.duration() > 0).then(|| input.duration() as f64 / f64::from(ff::ffi::AV_TIME_BASE));
    let bit_rate = {
        // SAFETY: `input` owns a valid AVFormatContext for its whole lifetime.
        let br = unsafe { (*input.as_ptr()).bit_rate };
        (br > 0).then_some(br as u64)
    };
    let mut streams = Vec::new();
    for stream in input.streams() {
        streams.push(stream_info(&stream));
    }
    if let Some(idx) = streams.iter().position(|s| s.video.is_some()) {
        let vfr = detect_vfr(&mut input, streams[idx].index);
        if let Some(v) = streams[idx].video.as_mut() {
            v.vfr = vfr
                || match (v.frame_rate, v.avg_frame_rate) {
                    (Some(r), Some(a)) => (r - a).abs() / r > 0.01,
                    _ => false,
                };
        }
    }
    let measured = declared.and_then(|d| super::extent::measured_end(&mut input, d));
    let (duration_secs, declared_duration_secs) = match (declared, measured) {
        (Some(d), Some(m)) if m < d - (0.25 + 0.001 * d) => {
            tracing::debug!(
                "the file's header says {} but its data ends at {} (truncated or damaged): {}",
                super::format_secs(d),
                super::format_secs(m),
                path.display()
            );
            for s in &mut streams {
                s.duration_secs = s.duration_secs.map(|sd| sd.min(m));
            }
            (Some(m), Some(d))
        }
        (d, _) => (d, None),
    };
    let format = input.format();
    Ok(MediaInfo {
        path: path.to_path_buf(),
        container: format.name().to_string(),
        container_long: format.description().to_string(),
        duration_secs,
        declared_duration_secs,
        bit_rate,
        size_bytes,
        streams,
    })
}

fn stream_info(stream: &ff::format::stream::Stream) -> StreamInfo {
    let params = stream.parameters();
    let medium = params.medium();
    let tb = stream.time_base();
    // SAFETY: `params` points at the stream's live AVCodecParameters.
    let raw = unsafe { &*params.as_ptr() };
    let video = (medium == ff::media::Type::Video).then(|| {
        let sar = Ratio {
            num: raw.sample_aspect_ratio.num,
            den: raw.sample_aspect_ratio.den,
        };
        VideoInfo {
            width: raw.width.max(0) as u32,
            height: raw.height.max(0) as u32,
            rotation_deg: rotation_deg(stream),
            pixel_format: format_name(raw.format, |f| {
                // SAFETY: takes any integer; null for a value this FFmpeg does not know.
                unsafe { av_get_pix_fmt_name_raw(f) }
            }),
            frame_rate: Ratio::from(stream.rate()).value(),
            avg_frame_rate: Ratio::from(stream.avg_frame_rate()).value(),
            frames: (stream.frames() > 0).then_some(stream.frames() as u64),
            vfr: false,
            sample_aspect: (sar.num > 0 && sar.num != sar.den).then_some(sar),
        }
    });
    let audio = (medium == ff::media::Type::Audio).then(|| {
        AudioInfo {
            sample_rate: raw.sample_rate.max(0) as u32,
            channels: raw.ch_layout.nb_channels.max(0) as u32,
            sample_format: format_name(raw.format, |f| {
                // SAFETY: takes any integer; null for a value this FFmpeg does not know.
                unsafe { av_get_sample_fmt_name_raw(f) }
            }),
        }
    });
    StreamInfo {
        index: stream.index(),
        kind: kind_name(medium),
        codec: codec_name(&params),
        decodable: ff::codec::decoder::find(params.id()).is_some(),
        time_base: tb.into(),
        duration_secs: secs(stream.duration(), tb),
        bit_rate: (raw.bit_rate > 0).then_some(raw.bit_rate as u64),
        video,
        audio,
    }
}

extern "C" {
    // The same C functions ffmpeg-next binds, declared with a plain integer argument (the
    // C ABI passes an enum as an int), so no unknown value is ever an enum in Rust.
    #[link_name = "av_get_pix_fmt_name"]
    fn av_get_pix_fmt_name_raw(pix_fmt: i32) -> *const std::ffi::c_char;
    #[link_name = "av_get_sample_fmt_name"]
    fn av_get_sample_fmt_name_raw(sample_fmt: i32) -> *const std::ffi::c_char;
}

/// The name FFmpeg gives a pixel or sample format number, or `unknown`. The number stays an
/// integer until FFmpeg has looked at it: made into a Rust enum, a value the build-time
/// headers did not know would be undefined behaviour.
fn format_name(value: i32, name_of: impl Fn(i32) -> *const std::ffi::c_char) -> String {
    let name = name_of(value);
    if value < 0 || name.is_null() {
        return "unknown".to_string();
    }
    // SAFETY: FFmpeg returns a static NUL-terminated name.
    unsafe { std::ffi::CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned()
}

/// Clockwise display rotation in degrees from the stream's display matrix (or `rotate` tag).
pub(crate) fn rotation_deg(stream: &ff::format::stream::Stream) -> i32 {
    for sd in stream.side_data() {
        if sd.kind() == ff::codec::packet::side_data::Type::DisplayMatrix {
            let data = sd.data();
            if data.len() >= 36 {
                let m = |i: usize| {
                    let b = [
                        data[4 * i],
                        data[4 * i + 1],
                        data[4 * i + 2],
                        data[4 * i + 3],
                    ];
                    f64::from(i32::from_ne_bytes(b)) / 65536.0
                };
                let scale0 = m(0).hypot(m(3));
                let scale1 = m(1).hypot(m(4));
                if scale0 > 0.0 && scale1 > 0.0 {
                    // av_display_rotation_get returns minus this angle (counter-clockwise);
                    // this angle is the clockwise turn a player applies, like the `rotate` tag.
                    let clockwise = (m(1) / scale1).atan2(m(0) / scale0).to_degrees();
                    return normalise_rotation(clockwise);
                }
            }
        }
    }
    stream
        .metadata()
        .get("rotate")
        .and_then(|r| r.trim().parse::<f64>().ok())
        .map(normalise_rotation)
        .unwrap_or(0)
}

fn normalise_rotation(deg: f64) -> i32 {
    let r = (deg.round() as i64).rem_euclid(360) as i32;
    // Snap to the nearest quarter turn: only those are meaningful for display.
    ((r + 45) / 90 * 90) % 360
}

/// Looks at the timestamps of up to 240 video packets: VFR when the gaps between sorted
/// presentation times differ by more than 1.5 ms and one tick (containers with millisecond
/// time bases store 30 fps as 33/34 ms gaps, which is still constant frame rate).
fn detect_vfr(input: &mut ff::format::context::Input, index: usize) -> bool {
    let tb = input
        .stream(index)
        .map(|s| f64::from(s.time_base()))
        .unwrap_or(0.0);
    let mut pts: Vec<i64> = Vec::new();
    let mut last_dts = i64::MIN;
    for (stream, packet) in input.packets() {
        if stream.index() != index {
            continue;
        }
        if let Some(p) = packet.pts() {
            pts.push(p);
        }
        last_dts = last_dts.max(packet.dts().or(packet.pts()).unwrap_or(i64::MIN));
        if pts.len() >= 240 {
            break;
        }
    }
    // Packets come in decode order: a frame not read yet has a decode time after the last one
    // read, so only the frames shown up to then are all here. Later ones (B-frames that
    // come after their references) would leave holes that look like longer frames.
    pts.retain(|p| *p <= last_dts);
    pts.sort_unstable();
    pts.dedup();
    let gaps: Vec<i64> = pts.windows(2).map(|w| w[1] - w[0]).collect();
    match (gaps.iter().min(), gaps.iter().max()) {
        (Some(lo), Some(hi)) => hi - lo > 1 && (hi - lo) as f64 * tb > 0.0015,
        _ => false,
    }
}

/// [`probe`], then [`check_decodable`]: what opening a file for a person does (the CLI's
/// `probe`, the window's Open). FFmpeg's messages about a file this rejects stay out of the
/// log: the error says it.
pub fn probe_decodable(path: &Path, cancel: &CancelToken) -> Result<MediaInfo, MediaError> {
    super::ffmpeg_log::held_back(|| {
        let info = probe(path)?;
        check_decodable(path, cancel)?;
        Ok(info)
    })
}

/// Decodes the first frame of the best video and audio streams, so that a file whose streams
/// cannot be decoded is reported when it is opened, not halfway through an analysis.
/// A file with neither audio nor video is an error; one of the two is enough.
pub fn check_decodable(path: &Path, cancel: &CancelToken) -> Result<(), MediaError> {
    super::ffmpeg_log::held_back(|| check_streams(path, cancel))
}

fn check_streams(path: &Path, cancel: &CancelToken) -> Result<(), MediaError> {
    let input = open_input(path)?;
    let kinds = [ff::media::Type::Video, ff::media::Type::Audio];
    let present: Vec<(ff::media::Type, usize)> = kinds
        .iter()
        .filter_map(|k| best_stream(&input, *k, path).ok().map(|i| (*k, i)))
        .collect();
    drop(input);
    if present.is_empty() && super::error::mp4_cut_short(path) {
        return Err(MediaError::MissingIndex(path.to_path_buf()));
    }
    if present.is_empty() {
        return Err(MediaError::NoStream {
            path: path.to_path_buf(),
            kind: "audio or video",
        });
    }
    for (kind, index) in present {
        let mut input = open_input(path)?;
        if kind == ff::media::Type::Video {
            let mut decoder = open_video_decoder(&input, index, 1, path)?;
            let frame = ff::frame::Video::empty();
            first_frame(&mut input, index, kind, &mut decoder, frame, cancel, path)?;
        } else {
            let mut decoder = open_audio_decoder(&input, index, path)?;
            let frame = ff::frame::Audio::empty();
            first_frame(&mut input, index, kind, &mut decoder, frame, cancel, path)?;
        }
    }
    Ok(())
}

fn first_frame<F: std::ops::DerefMut<Target = ff::Frame>>(
    input: &mut ff::format::context::Input,
    index: usize,
    kind: ff::media::Type,
    decoder: &mut ff::codec::decoder::Opened,
    mut frame: F,
    cancel: &CancelToken,
    path: &Path,
) -> Result<(), MediaError> {
    let mut got = false;
    let stats = decode_stream(input, index, decoder, &mut frame, cancel, path, |_| {
        got = true;
        ControlFlow::Break(())
    })?;
    if got {
        return Ok(());
    }
    Err(MediaError::Decode {
        path: path.to_path_buf(),
        stream: index,
        kind: kind_name(kind),
        reason: if stats.packets == 0 {
            "the stream has no data".to_string()
        } else {
            format!("no frame in {} packets", stats.packets)
        },
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn format_numbers_this_ffmpeg_does_not_know_are_unknown_not_undefined() {
        let pix = |f| unsafe { super::av_get_pix_fmt_name_raw(f) };
        let sample = |f| unsafe { super::av_get_sample_fmt_name_raw(f) };
        assert_eq!(super::format_name(0, pix), "yuv420p");
        assert_eq!(super::format_name(8, sample), "fltp");
        assert_eq!(super::format_name(-1, pix), "unknown");
        assert_eq!(super::format_name(1_000_000, pix), "unknown");
        assert_eq!(super::format_name(1_000_000, sample), "unknown");
    }

    use super::normalise_rotation;

    #[test]
    fn rotation_snaps_to_quarter_turns() {
        assert_eq!(normalise_rotation(90.0), 90);
        assert_eq!(normalise_rotation(-90.0), 270);
        assert_eq!(normalise_rotation(180.4), 180);
        assert_eq!(normalise_rotation(359.0), 0);
        assert_eq!(normalise_rotation(0.0), 0);
    }
}
