//! Clips of a file with sound and no picture (a podcast, a recorded talk): each clip's audio
//! alone, in an M4A (MP4 audio) file (with captions or a title, an MP4 with the short's
//! picture from `audio_short` beside it) — the source's packets copied where MP4 holds them as
//! they are (AAC, MP3; with one packet of pre-roll, see `audio_copy`), else decoded, trimmed
//! to the sample and encoded to AAC (see `clip_audio`).

use super::audio_short::Picture;
use super::clip_audio::{AudioTarget, ClipAudio};
use super::error::ExportError;
use super::transcode::{ClipSpec, TranscodeStats};
use crate::media::open::{best_stream, init, open_input, open_output, seek_before};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::path::Path;

/// The extension of an audio clip's file.
pub const AUDIO_EXTENSION: &str = "m4a";

/// What a source holds, as far as exporting goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// A picture (and maybe sound): every layout.
    Video,
    /// Sound alone: clips are cut as audio.
    AudioOnly,
}

/// Opens `src` once: a video stream makes it [`SourceKind::Video`], else an audio stream
/// [`SourceKind::AudioOnly`]; neither is the "no video stream" error.
pub fn source_kind(src: &Path) -> Result<SourceKind, ExportError> {
    let input = open_input(src)?;
    if best_stream(&input, ff::media::Type::Video, src).is_ok() {
        return Ok(SourceKind::Video);
    }
    match best_stream(&input, ff::media::Type::Audio, src) {
        Ok(_) => Ok(SourceKind::AudioOnly),
        // Say what a video export misses: the picture.
        Err(_) => Err(best_stream(&input, ff::media::Type::Video, src)
            .err()
            .map_or_else(
                || ExportError::media(src, "no stream to export"),
                ExportError::from,
            )),
    }
}

/// Whether a clip of a file with no picture is a 9:16 short (its sound's bars and captions,
/// see `audio_short`) rather than audio alone: when it has captions or a title. A 9:16
/// layout alone (a project's setting made for a video, say) gives audio.
pub fn makes_a_short(opts: &super::ExportOptions, clip: &super::ClipRequest) -> bool {
    is_a_short(
        opts.captions.is_some() || clip.subtitles.is_some(),
        super::title_of(opts, clip),
    )
}

/// [`makes_a_short`] from what it depends on (the window asks before any export): burned
/// text (captions or a subtitle file), or a title.
pub fn is_a_short(burned_text: bool, title: Option<&str>) -> bool {
    burned_text || title.is_some()
}

/// A source's audio stream, opened for one clip.
pub(super) struct AudioSource {
    /// The demuxer, sought to just before the clip.
    pub input: ff::format::context::Input,
    pub index: usize,
    pub tb: ff::Rational,
    /// The clip on the stream's own timeline, in seconds.
    pub span: (f64, f64),
}

/// Opens `spec.source`'s audio stream and seeks to just before the clip.
pub(super) fn open_audio_source(spec: &ClipSpec<'_>) -> Result<AudioSource, ExportError> {
    init();
    let src = spec.source;
    let mut input = open_input(src)?;
    let index = best_stream(&input, ff::media::Type::Audio, src)?;
    let (tb, origin) = {
        let s = input
            .stream(index)
            .ok_or_else(|| ExportError::media(src, "the audio stream disappeared"))?;
        (s.time_base(), super::source::origin_secs(&s))
    };
    let span = (origin + spec.start, origin + spec.end);
    seek_before(&mut input, span.0, src)?;
    Ok(AudioSource {
        input,
        index,
        tb,
        span,
    })
}

/// Whether `packet` (timestamps in `tb`) holds sound of `[start, end)` (seconds).
pub(super) fn covers(packet: &ff::Packet, tb: ff::Rational, (start, end): (f64, f64)) -> bool {
    let lasts = packet.duration().max(0) as f64 * f64::from(tb);
    packet
        .pts()
        .map(|p| p as f64 * f64::from(tb))
        .is_some_and(|t| t < end && t + lasts > start)
}

/// `name` with its extension made [`AUDIO_EXTENSION`] (`talk_01.mp4` → `talk_01.m4a`).
pub fn audio_file_name(name: &str) -> String {
    let stem = Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.{AUDIO_EXTENSION}")
}

/// Writes `[spec.start, spec.end)` of the source's sound (seconds from its first sample)
/// into `out` (the caller writes to a temp path and renames): an M4A, or with `short` an MP4
/// with the short's picture (`audio_short`) beside the sound.
pub fn sound_clip(
    spec: &ClipSpec<'_>,
    out: &Path,
    short: bool,
    cancel: &CancelToken,
    on_progress: &mut dyn FnMut(f64),
) -> Result<TranscodeStats, ExportError> {
    let src = spec.source;
    let AudioSource {
        mut input,
        index: aidx,
        tb: atb,
        span: (start_abs, end_abs),
    } = open_audio_source(spec)?;
    let mut octx = open_output(out, "mp4").map_err(|e| ExportError::io(out, e))?;
    let global_header = octx
        .format()
        .flags()
        .contains(ff::format::Flags::GLOBAL_HEADER);
    let mut picture = short
        .then(|| Picture::open(spec, &mut octx, global_header, out, cancel))
        .transpose()?;
    let mut audio = ClipAudio::open(
        &AudioTarget {
            input: &input,
            index: Some(aidx),
            span: (start_abs, end_abs),
            global_header,
            out,
        },
        spec,
        &mut octx,
    )?;
    octx.write_header().map_err(|e| ExportError::io(out, e))?;
    let clip_len = (spec.end - spec.start).max(1e-3);
    let mut reached = false;
    for (stream, packet) in input.packets() {
        cancel.check()?;
        if stream.index() != aidx {
            continue;
        }
        let at = packet.pts().map(|p| p as f64 * f64::from(atb));
        reached |= covers(&packet, atb, (start_abs, end_abs));
        audio.push(packet, end_abs, &mut octx, out)?;
        if let Some(t) = at {
            if let Some(p) = picture.as_mut() {
                p.keep_up(t - start_abs, &mut octx, out)?;
            }
            on_progress(((t - start_abs) / clip_len).clamp(0.0, 1.0));
        }
        if audio.done() {
            break;
        }
    }
    cancel.check()?;
    let stats = match picture.as_mut() {
        Some(p) => p.finish(&mut octx, out)?,
        None => TranscodeStats::default(),
    };
    audio.finish(&mut octx, out)?;
    octx.write_trailer().map_err(|e| ExportError::io(out, e))?;
    on_progress(1.0);
    if !reached {
        return Err(ExportError::media(
            src,
            &format!("no sound between {:.3} s and {:.3} s", spec.start, spec.end),
        ));
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::audio_file_name;

    #[test]
    fn an_audio_clip_is_named_like_a_video_clip_with_its_own_extension() {
        assert_eq!(
            audio_file_name("talk_01_00m05s-00m20s.mp4"),
            "talk_01_00m05s-00m20s.m4a"
        );
        assert_eq!(audio_file_name("the bit"), "the bit.m4a");
        assert_eq!(audio_file_name("a.b.MP4"), "a.b.m4a");
    }
}
