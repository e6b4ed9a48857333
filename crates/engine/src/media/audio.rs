//! Audio decode to 16 kHz mono `f32` (swresample), streamed in fixed-size chunks so that a
//! long file never sits in memory whole unless [`read_audio`] is asked for it.

use super::decode::decode_stream;
use super::error::MediaError;
use super::open::{best_stream, open_audio_decoder, open_input, seek_before, stream_origin};
use crate::progress::CancelToken;
use ff::util::channel_layout::ChannelLayout;
use ffmpeg_next as ff;
use std::ops::ControlFlow;
use std::path::Path;

/// The analysis and speech sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// A frame that starts this much later than the samples so far reach is after a gap in the
/// stream (dropped packets, joined recordings): the gap is filled with silence, so every later
/// sample keeps its time. Smaller differences are the resampler's delay and rounding.
const GAP_SECS: f64 = 0.1;
/// A jump longer than this is taken for a broken timestamp, not a real gap, and not filled.
const MAX_GAP_SECS: f64 = 30.0 * 60.0;

#[derive(Clone, Debug)]
pub struct AudioOptions {
    pub start_secs: f64,
    /// Exclusive end; `None` = to the end of the stream.
    pub end_secs: Option<f64>,
    /// Samples per chunk handed to the callback (the last chunk may be shorter).
    pub chunk_samples: usize,
    /// Output sample rate: [`SAMPLE_RATE`] for analysis and speech, the sound card's for playback.
    pub rate: u32,
}

impl Default for AudioOptions {
    fn default() -> Self {
        AudioOptions {
            start_secs: 0.0,
            end_secs: None,
            chunk_samples: SAMPLE_RATE as usize * 10,
            rate: SAMPLE_RATE,
        }
    }
}

/// A run of mono samples (16 kHz unless the options asked for another rate).
#[derive(Clone, Debug, PartialEq)]
pub struct AudioChunk {
    /// Index of the first sample, counted at `rate` from the start of the stream.
    pub start_sample: u64,
    pub samples: Vec<f32>,
    pub rate: u32,
}

impl AudioChunk {
    pub fn start_secs(&self) -> f64 {
        self.start_sample as f64 / f64::from(self.rate.max(1))
    }
}

/// What an audio pass saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AudioStats {
    pub source_rate: u32,
    pub source_channels: u32,
    /// Samples delivered (at the options' rate).
    pub samples: u64,
}

/// Decodes the first audio stream of `path` to mono f32 at `opts.rate` (16 kHz by default) and
/// streams it in chunks.
pub fn decode_audio(
    path: &Path,
    opts: &AudioOptions,
    cancel: &CancelToken,
    mut on_chunk: impl FnMut(AudioChunk) -> ControlFlow<()>,
) -> Result<AudioStats, MediaError> {
    let mut input = open_input(path)?;
    let index = best_stream(&input, ff::media::Type::Audio, path)?;
    let (tb, origin) = {
        let stream = input.stream(index).ok_or(MediaError::NoStream {
            path: path.to_path_buf(),
            kind: "audio",
        })?;
        (f64::from(stream.time_base()), stream_origin(&stream))
    };
    let mut decoder = open_audio_decoder(&input, index, path)?;
    if opts.start_secs > 0.0 {
        seek_before(&mut input, origin as f64 * tb + opts.start_secs, path)?;
    }
    let out_rate = opts.rate.max(1);
    let rate = f64::from(out_rate);
    let first_wanted = (opts.start_secs.max(0.0) * rate).round() as u64;
    let end_sample = opts.end_secs.map(|e| (e * rate).round() as u64);
    let chunk_len = opts.chunk_samples.max(1);

    let mut stats = AudioStats::default();
    let mut resampler: Option<Resampler> = None;
    let mut pos: Option<u64> = None; // 16 kHz index of the next resampled sample
    let mut buf: Vec<f32> = Vec::with_capacity(chunk_len);
    let mut buf_start: u64 = first_wanted;
    let mut ended = false; // the range end was reached or the caller stopped
    let mut user_stopped = false;
    let mut failure: Option<MediaError> = None;
    let mut frame = ff::frame::Audio::empty();

    // Appends resampled samples starting at 16 kHz index `at`, emitting full chunks.
    // `Break(true)`: the caller asked to stop; `Break(false)`: the range ends here.
    let mut push = |samples: &[f32],
                    at: u64,
                    buf: &mut Vec<f32>,
                    buf_start: &mut u64,
                    stats: &mut AudioStats|
     -> ControlFlow<bool> {
        let mut i = 0usize;
        if at < first_wanted {
            i = (first_wanted - at).min(samples.len() as u64) as usize;
        }
        while i < samples.len() {
            let sample_pos = at + i as u64;
            if end_sample.is_some_and(|e| sample_pos >= e) {
                return ControlFlow::Break(false);
            }
            if buf.is_empty() {
                *buf_start = sample_pos;
            }
            let room = chunk_len - buf.len();
            let mut take = room.min(samples.len() - i);
            if let Some(e) = end_sample {
                take = take.min((e - sample_pos) as usize);
            }
            buf.extend_from_slice(&samples[i..i + take]);
            i += take;
            stats.samples += take as u64;
            if buf.len() == chunk_len {
                let chunk = AudioChunk {
                    start_sample: *buf_start,
                    samples: std::mem::replace(buf, Vec::with_capacity(chunk_len)),
                    rate: out_rate,
                };
                if on_chunk(chunk).is_break() {
                    return ControlFlow::Break(true);
                }
            }
        }
        ControlFlow::Continue(())
    };

    let decoded = decode_stream(
        &mut input,
        index,
        &mut decoder,
        &mut frame,
        cancel,
        path,
        |frame| {
            default_layout_if_missing(frame);
            if stats.source_rate == 0 {
                stats.source_rate = frame.rate();
                stats.source_channels = u32::from(frame.channels());
            }
            let at_pts = frame
                .timestamp()
                .or(frame.pts())
                .map(|pts| (((pts - origin) as f64 * tb).max(0.0) * rate).round() as u64);
            match (pos, at_pts) {
                (None, _) => pos = Some(at_pts.unwrap_or(0)),
                (Some(next), Some(at)) if at > next + (GAP_SECS * rate) as u64 => {
                    let gap = at - next;
                    if gap as f64 > MAX_GAP_SECS * rate {
                        tracing::warn!(
                            "audio timestamps jump by {:.0} s at {:.1} s; taken as broken, not filled: {}",
                            gap as f64 / rate,
                            next as f64 / rate,
                            path.display()
                        );
                    } else {
                        // Silence for the gap, a chunk's worth at a time.
                        let zeros = vec![0.0f32; chunk_len.min(gap as usize)];
                        let mut filled = 0u64;
                        while filled < gap {
                            let n = (gap - filled).min(zeros.len() as u64) as usize;
                            if let ControlFlow::Break(by_caller) = push(
                                &zeros[..n],
                                next + filled,
                                &mut buf,
                                &mut buf_start,
                                &mut stats,
                            ) {
                                ended = true;
                                user_stopped = by_caller;
                                return ControlFlow::Break(());
                            }
                            filled += n as u64;
                        }
                        pos = Some(at);
                    }
                }
                _ => {}
            }
            let rs = match resampler.as_mut() {
                Some(r) if r.matches(frame) => r,
                _ => match Resampler::new(frame, out_rate, path) {
                    Ok(r) => resampler.insert(r),
                    Err(e) => {
                        failure = Some(e);
                        return ControlFlow::Break(());
                    }
                },
            };
            let out = match rs.run(frame, path) {
                Ok(out) => out,
                Err(e) => {
                    failure = Some(e);
                    return ControlFlow::Break(());
                }
            };
            let at = pos.unwrap_or(0);
            pos = Some(at + out.len() as u64);
            match push(&out, at, &mut buf, &mut buf_start, &mut stats) {
                ControlFlow::Continue(()) => ControlFlow::Continue(()),
                ControlFlow::Break(by_caller) => {
                    ended = true;
                    user_stopped = by_caller;
                    ControlFlow::Break(())
                }
            }
        },
    );
    decoded?;
    if let Some(e) = failure {
        return Err(e);
    }
    if !ended {
        if let Some(rs) = resampler.as_mut() {
            let tail = rs.flush(path)?;
            let at = pos.unwrap_or(0);
            if let ControlFlow::Break(by_caller) =
                push(&tail, at, &mut buf, &mut buf_start, &mut stats)
            {
                user_stopped = by_caller;
            }
        }
    }
    if !buf.is_empty() && !user_stopped {
        let _ = on_chunk(AudioChunk {
            start_sample: buf_start,
            samples: buf,
            rate: out_rate,
        });
    }
    Ok(stats)
}

/// Decodes the whole range into memory. Only for short media or when the caller needs it all.
pub fn read_audio(
    path: &Path,
    opts: &AudioOptions,
    cancel: &CancelToken,
) -> Result<Vec<f32>, MediaError> {
    let mut all = Vec::new();
    decode_audio(path, opts, cancel, |chunk| {
        all.extend_from_slice(&chunk.samples);
        ControlFlow::Continue(())
    })?;
    Ok(all)
}

/// `layout`, or when it is unset (0) the default layout for `channels` (at least one): decoders
/// of some formats (raw PCM, …) leave the layout unset, and swresample and `abuffer` reject it.
pub fn layout_or_default(layout: ChannelLayout, channels: u16) -> ChannelLayout {
    if layout.is_empty() {
        ChannelLayout::default(i32::from(channels.max(1)))
    } else {
        layout
    }
}

/// Gives a decoded frame without a channel layout the default one for its channel count
/// (see [`layout_or_default`]).
pub fn default_layout_if_missing(frame: &mut ff::frame::Audio) {
    if frame.channel_layout().is_empty() {
        let layout = layout_or_default(frame.channel_layout(), frame.channels());
        frame.set_channel_layout(layout);
    }
}

/// swresample from a decoder's frames to mono f32 at `out_rate`; rebuilt if the input format
/// changes.
struct Resampler {
    ctx: ff::software::resampling::Context,
    src: (ff::format::Sample, u64, u32),
    out_rate: u32,
}

impl Resampler {
    fn new(frame: &ff::frame::Audio, out_rate: u32, path: &Path) -> Result<Resampler, MediaError> {
        let ctx = ff::software::resampling::Context::get(
            frame.format(),
            frame.channel_layout(),
            frame.rate(),
            ff::format::Sample::F32(ff::format::sample::Type::Packed),
            ChannelLayout::MONO,
            out_rate,
        )
        .map_err(|e| MediaError::ffmpeg(path, e))?;
        Ok(Resampler {
            ctx,
            src: (frame.format(), frame.channel_layout().bits(), frame.rate()),
            out_rate,
        })
    }

    fn matches(&self, frame: &ff::frame::Audio) -> bool {
        self.src == (frame.format(), frame.channel_layout().bits(), frame.rate())
    }

    fn out_frame(&self, in_samples: usize) -> ff::frame::Audio {
        let src_rate = u64::from(self.src.2.max(1));
        let buffered = self.ctx.delay().map_or(0, |d| d.output.max(0) as u64);
        let capacity =
            (in_samples as u64 * u64::from(self.out_rate)).div_ceil(src_rate) + buffered + 64;
        ff::frame::Audio::new(
            ff::format::Sample::F32(ff::format::sample::Type::Packed),
            capacity as usize,
            ChannelLayout::MONO,
        )
    }

    /// Converts one frame into a fresh output frame; returns its samples.
    fn run(&mut self, frame: &ff::frame::Audio, path: &Path) -> Result<Vec<f32>, MediaError> {
        let mut out = self.out_frame(frame.samples());
        self.ctx
            .run(frame, &mut out)
            .map_err(|e| MediaError::ffmpeg(path, e))?;
        Ok(samples_of(&out))
    }

    /// Drains what the resampler still holds.
    fn flush(&mut self, path: &Path) -> Result<Vec<f32>, MediaError> {
        let mut all = Vec::new();
        for _ in 0..16 {
            let mut out = self.out_frame(4096);
            self.ctx
                .flush(&mut out)
                .map_err(|e| MediaError::ffmpeg(path, e))?;
            if out.samples() == 0 {
                break;
            }
            all.extend(samples_of(&out));
        }
        Ok(all)
    }
}

fn samples_of(frame: &ff::frame::Audio) -> Vec<f32> {
    let n = frame.samples();
    if n == 0 {
        return Vec::new();
    }
    frame.plane::<f32>(0).iter().take(n).copied().collect()
}
