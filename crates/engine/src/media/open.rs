//! Opening inputs and decoders: the one place that turns a path into an FFmpeg demuxer (or an
//! output file into a muxer) and a stream into an opened decoder, with precise errors and sane
//! threading. Paths reach FFmpeg as their bytes (a name need not be UTF-8) behind the `file:`
//! protocol (a file called `http:x.mp4` or `concat:a|b` is that local file, never a protocol).

use super::error::{check_file, open_error, MediaError};
use ffmpeg_next as ff;
use std::ffi::CString;
use std::path::Path;
use std::sync::Once;

/// Initialises FFmpeg once per process, its messages forwarded to the log
/// ([`super::ffmpeg_log`]).
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if let Err(e) = ff::init() {
            tracing::error!("FFmpeg failed to initialise: {e}");
        }
        super::ffmpeg_log::install();
    });
}

/// Opens `path` for demuxing after checking it is a readable, non-empty file.
pub fn open_input(path: &Path) -> Result<ff::format::context::Input, MediaError> {
    init();
    check_file(path)?;
    let url = file_url(path).ok_or_else(|| MediaError::Open {
        path: path.to_path_buf(),
        reason: "the name holds a NUL byte".into(),
    })?;
    super::ffmpeg_log::held_back(|| demuxer(&url)).map_err(|e| open_error(path, e))
}

/// `path` as a `file:` URL of its bytes: what FFmpeg is given to open. `None` for a path
/// with a NUL byte, which no file can have.
pub fn file_url(path: &Path) -> Option<CString> {
    use std::os::unix::ffi::OsStrExt as _;
    let mut url = b"file:".to_vec();
    url.extend_from_slice(path.as_os_str().as_bytes());
    CString::new(url).ok()
}

/// `avformat_open_input` + `avformat_find_stream_info` on `url` (ffmpeg-next's `input` takes
/// only UTF-8 paths and panics on others).
fn demuxer(url: &CString) -> Result<ff::format::context::Input, ff::Error> {
    let mut ctx = std::ptr::null_mut();
    // SAFETY: `ctx` starts null as FFmpeg asks; `url` is NUL-terminated. On success the
    // context is handed to `Input`, which closes it; on failure it is closed here.
    unsafe {
        let r = ff::ffi::avformat_open_input(
            &mut ctx,
            url.as_ptr(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        );
        if r < 0 {
            return Err(ff::Error::from(r));
        }
        let r = ff::ffi::avformat_find_stream_info(ctx, std::ptr::null_mut());
        if r < 0 {
            ff::ffi::avformat_close_input(&mut ctx);
            return Err(ff::Error::from(r));
        }
        Ok(ff::format::context::Input::wrap(ctx))
    }
}

/// A muxer of `format` (e.g. `mp4`) writing to `path`, opened by its bytes behind `file:`.
pub fn open_output(path: &Path, format: &str) -> Result<ff::format::context::Output, ff::Error> {
    init();
    let (Some(url), Ok(format)) = (file_url(path), CString::new(format)) else {
        return Err(ff::Error::InvalidData);
    };
    let mut ctx = std::ptr::null_mut();
    // SAFETY: `ctx` starts null; `format` and `url` are NUL-terminated. On success the context
    // (with its open I/O) is handed to `Output`, which closes both; on failure it is freed here.
    unsafe {
        let r = ff::ffi::avformat_alloc_output_context2(
            &mut ctx,
            std::ptr::null_mut(),
            format.as_ptr(),
            url.as_ptr(),
        );
        if r < 0 || ctx.is_null() {
            return Err(ff::Error::from(r.min(-1)));
        }
        let r = ff::ffi::avio_open(&mut (*ctx).pb, url.as_ptr(), ff::ffi::AVIO_FLAG_WRITE);
        if r < 0 {
            ff::ffi::avformat_free_context(ctx);
            return Err(ff::Error::from(r));
        }
        Ok(ff::format::context::Output::wrap(ctx))
    }
}

/// Which kind of stream, for messages.
pub fn kind_name(medium: ff::media::Type) -> &'static str {
    match medium {
        ff::media::Type::Video => "video",
        ff::media::Type::Audio => "audio",
        ff::media::Type::Subtitle => "subtitle",
        ff::media::Type::Data => "data",
        ff::media::Type::Attachment => "attachment",
        _ => "unknown",
    }
}

/// The index of the best stream of `medium` (FFmpeg's choice), skipping cover-art pictures.
pub fn best_stream(
    input: &ff::format::context::Input,
    medium: ff::media::Type,
    path: &Path,
) -> Result<usize, MediaError> {
    let is_cover = |s: &ff::format::stream::Stream| {
        s.disposition()
            .contains(ff::format::stream::Disposition::ATTACHED_PIC)
    };
    input
        .streams()
        .best(medium)
        .filter(|s| !is_cover(s))
        .or_else(|| {
            input
                .streams()
                .find(|s| s.parameters().medium() == medium && !is_cover(s))
        })
        .map(|s| s.index())
        .ok_or(MediaError::NoStream {
            path: path.to_path_buf(),
            kind: kind_name(medium),
        })
}

/// The codec's short name (`h264`, `aac`, `none`) from a stream's parameters.
pub fn codec_name(params: &ff::codec::Parameters) -> String {
    let id = params.id();
    match ff::codec::decoder::find(id) {
        Some(c) => c.name().to_string(),
        None => format!("{id:?}").to_lowercase(),
    }
}

/// Opens a decoder for stream `index` with `threads` frame threads (0 = FFmpeg's choice).
pub fn open_decoder(
    input: &ff::format::context::Input,
    index: usize,
    threads: usize,
    path: &Path,
) -> Result<ff::codec::decoder::Decoder, MediaError> {
    let stream = input.stream(index).ok_or(MediaError::NoStream {
        path: path.to_path_buf(),
        kind: "requested",
    })?;
    let params = stream.parameters();
    let kind = kind_name(params.medium());
    if ff::codec::decoder::find(params.id()).is_none() {
        return Err(MediaError::NoDecoder {
            path: path.to_path_buf(),
            stream: index,
            kind,
            codec: codec_name(&params),
        });
    }
    let mut ctx = ff::codec::context::Context::from_parameters(params)
        .map_err(|e| MediaError::ffmpeg(path, e))?;
    if threads != 1 {
        ctx.set_threading(ff::codec::threading::Config {
            kind: ff::codec::threading::Type::Frame,
            count: threads,
            ..Default::default()
        });
    }
    let mut decoder = ctx.decoder();
    decoder.set_packet_time_base(stream.time_base());
    Ok(decoder)
}

/// Opens the video decoder of stream `index`.
pub fn open_video_decoder(
    input: &ff::format::context::Input,
    index: usize,
    threads: usize,
    path: &Path,
) -> Result<ff::codec::decoder::Video, MediaError> {
    open_decoder(input, index, threads, path)?
        .video()
        .map_err(|e| MediaError::Decode {
            path: path.to_path_buf(),
            stream: index,
            kind: "video",
            reason: e.to_string(),
        })
}

/// Opens the audio decoder of stream `index`.
pub fn open_audio_decoder(
    input: &ff::format::context::Input,
    index: usize,
    path: &Path,
) -> Result<ff::codec::decoder::Audio, MediaError> {
    open_decoder(input, index, 1, path)?
        .audio()
        .map_err(|e| MediaError::Decode {
            path: path.to_path_buf(),
            stream: index,
            kind: "audio",
            reason: e.to_string(),
        })
}

/// Seconds → a timestamp in FFmpeg's `AV_TIME_BASE` (microseconds), for `Input::seek`.
pub fn secs_to_av(secs: f64) -> i64 {
    (secs * f64::from(ff::ffi::AV_TIME_BASE)).round() as i64
}

/// Seconds → a timestamp in time base `tb`, rounded the way libavfilter's `trim` rounds its
/// bounds (through microseconds), so a frame at exactly `secs` is included by both.
pub fn secs_to_ts(secs: f64, tb: ff::Rational) -> i64 {
    use ff::Rescale as _;
    secs_to_av(secs).rescale(ff::Rational::new(1, ff::ffi::AV_TIME_BASE), tb)
}

/// Seeks the demuxer to the keyframe at or before `secs` (all streams).
///
/// Demuxers without an index (MPEG-TS, raw streams) land on any packet, and a decoder fed from
/// there drops every frame up to the next keyframe (a whole clip, with long GOPs). So the first
/// video packet after the seek is checked; when it is not a keyframe the seek goes back
/// further (1, 2, 4 … 64 s before `secs`, then the start). A file that flags no keyframes at
/// all (not even its first packet) keeps the plain seek.
pub fn seek_before(
    input: &mut ff::format::context::Input,
    secs: f64,
    path: &Path,
) -> Result<(), MediaError> {
    let video = input
        .streams()
        .best(ff::media::Type::Video)
        .map(|s| s.index());
    let seek = |input: &mut ff::format::context::Input, t: f64| {
        let ts = secs_to_av(t.max(0.0));
        input
            .seek(ts, ..ts + 1)
            .map_err(|e| MediaError::ffmpeg(path, e))
    };
    seek(input, secs)?;
    let Some(video) = video else {
        return Ok(());
    };
    if secs <= 0.0 || first_video_is_key(input, video) {
        return seek(input, secs);
    }
    let mut back = 1.0;
    loop {
        let t = if back > 64.0 { 0.0 } else { secs - back };
        seek(input, t)?;
        if first_video_is_key(input, video) {
            return seek(input, t);
        }
        if t <= 0.0 {
            // Not even the start is flagged: the flags say nothing; keep the plain seek.
            return seek(input, secs);
        }
        back *= 2.0;
    }
}

/// True when the next packet of stream `video` (within a few hundred packets) is a keyframe,
/// or when there is none to look at. Consumes the packets it reads.
fn first_video_is_key(input: &mut ff::format::context::Input, video: usize) -> bool {
    input
        .packets()
        .take(500)
        .find(|(s, _)| s.index() == video)
        .is_none_or(|(_, p)| p.is_key())
}

/// True when a `receive_frame`/`send_packet` error only means "feed me more" or "drained".
pub fn is_again_or_eof(e: &ff::Error) -> bool {
    matches!(e, ff::Error::Eof)
        || matches!(e, ff::Error::Other { errno } if *errno == ff::util::error::EAGAIN)
}

/// The stream's first timestamp (0 when the container does not say), in its time base.
pub fn stream_origin(stream: &ff::format::stream::Stream) -> i64 {
    match stream.start_time() {
        ff::ffi::AV_NOPTS_VALUE => 0,
        start => start,
    }
}
