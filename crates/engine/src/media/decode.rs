//! The packet → decoder → frame loop shared by the sampler, the audio reader and the frame
//! grabber: one stream, cancel checked once per packet, bad packets counted instead of fatal.

use super::error::MediaError;
use super::open::{is_again_or_eof, kind_name};
use crate::progress::CancelToken;
use ffmpeg_next as ff;
use std::ops::{ControlFlow, DerefMut};
use std::path::Path;

/// What one decode loop saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Packets of the stream sent to the decoder.
    pub packets: u64,
    /// Frames the decoder produced.
    pub frames: u64,
    /// Packets or frames the decoder rejected.
    pub errors: u64,
}

/// Feeds every packet of stream `index` to `decoder` and hands each decoded frame to
/// `on_frame` until it returns `Break`, the input ends, or `cancel` fires.
///
/// A stream whose packets all fail to decode is an error; a few bad packets are not.
pub fn decode_stream<F>(
    input: &mut ff::format::context::Input,
    index: usize,
    decoder: &mut ff::codec::decoder::Opened,
    frame: &mut F,
    cancel: &CancelToken,
    path: &Path,
    on_frame: impl FnMut(&mut F) -> ControlFlow<()>,
) -> Result<DecodeStats, MediaError>
where
    F: DerefMut<Target = ff::Frame>,
{
    decode_stream_filtered(
        input,
        index,
        decoder,
        frame,
        cancel,
        path,
        |_| true,
        on_frame,
    )
}

/// [`decode_stream`] that sends only the packets of the stream `keep` accepts (the thumbnail
/// strip drops keyframes too close to the last one before they cost a decode). Packets not
/// kept are not counted.
#[allow(clippy::too_many_arguments)]
pub fn decode_stream_filtered<F>(
    input: &mut ff::format::context::Input,
    index: usize,
    decoder: &mut ff::codec::decoder::Opened,
    frame: &mut F,
    cancel: &CancelToken,
    path: &Path,
    mut keep: impl FnMut(&ff::Packet) -> bool,
    mut on_frame: impl FnMut(&mut F) -> ControlFlow<()>,
) -> Result<DecodeStats, MediaError>
where
    F: DerefMut<Target = ff::Frame>,
{
    let mut stats = DecodeStats::default();
    let mut last_error: Option<ff::Error> = None;
    let medium = input
        .stream(index)
        .map(|s| s.parameters().medium())
        .unwrap_or(ff::media::Type::Unknown);
    let mut stopped = false;
    'packets: for (stream, packet) in input.packets() {
        cancel.check()?;
        if stream.index() != index || !keep(&packet) {
            continue;
        }
        stats.packets += 1;
        if let Err(e) = decoder.send_packet(&packet) {
            if !is_again_or_eof(&e) {
                stats.errors += 1;
                last_error = Some(e);
                continue;
            }
        }
        loop {
            match decoder.receive_frame(frame) {
                Ok(()) => {
                    stats.frames += 1;
                    if on_frame(frame).is_break() {
                        stopped = true;
                        break 'packets;
                    }
                }
                Err(e) if is_again_or_eof(&e) => break,
                Err(e) => {
                    stats.errors += 1;
                    last_error = Some(e);
                    break;
                }
            }
        }
    }
    if !stopped {
        // Drain the frames the decoder still holds (B-frame reordering, frame threads).
        if decoder.send_eof().is_ok() {
            loop {
                cancel.check()?;
                match decoder.receive_frame(frame) {
                    Ok(()) => {
                        stats.frames += 1;
                        if on_frame(frame).is_break() {
                            break;
                        }
                    }
                    Err(_) => break,
                }
            }
        }
    }
    if stats.frames == 0 && stats.errors > 0 {
        return Err(MediaError::Decode {
            path: path.to_path_buf(),
            stream: index,
            kind: kind_name(medium),
            reason: last_error.map_or_else(|| "no frame decoded".to_string(), |e| e.to_string()),
        });
    }
    if stats.errors > 0 {
        tracing::warn!(
            "{} of {} {} packets failed to decode: {}",
            stats.errors,
            stats.packets,
            kind_name(medium),
            path.display()
        );
    }
    Ok(stats)
}
