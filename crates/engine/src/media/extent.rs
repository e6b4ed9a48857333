//! Where a file's data really ends. A container's declared duration can lie: a truncated MP4
//! whose index is at the front still declares the whole length, and a damaged or edited
//! header can declare weeks for a clip of seconds. [`measured_end`] reads the packets that are
//! actually there (demux only, no decoding) near the declared end, and searches back when
//! nothing is there, so analysis and export never plan work for media that does not exist.

use ffmpeg_next as ff;

/// How far before the declared end the first look starts.
const TAIL_SECS: f64 = 3.0;
/// Packets read per look during the search back (enough to pass a few interleaved streams).
const LOOK_PACKETS: usize = 64;
/// Steps of the search for the last point that still has packets (halving the interval).
const SEARCH_STEPS: usize = 40;

/// Seconds from the file's start to the end of its last intact packet, or `None` when it
/// cannot be told (no seeking, no timestamps). `declared` is the container's duration.
/// Leaves `input` at an arbitrary position: seek before reading it again.
pub fn measured_end(input: &mut ff::format::context::Input, declared: f64) -> Option<f64> {
    let origin = start_secs(input);
    let tail = (declared - TAIL_SECS).max(0.0);
    if let Some(end) = end_after(input, origin, tail, usize::MAX) {
        return Some(end);
    }
    // Nothing after `tail`: the data stops earlier. Find the last seek point that still has
    // packets (bisection), then read from there to the end.
    let (mut lo, mut hi) = (0.0, tail);
    for _ in 0..SEARCH_STEPS {
        if hi - lo < 0.5 {
            break;
        }
        let mid = (lo + hi) / 2.0;
        if end_after(input, origin, mid, LOOK_PACKETS).is_some() {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    end_after(input, origin, lo, usize::MAX)
}

/// The file's first timestamp in seconds (0 when unknown): durations are counted from it.
fn start_secs(input: &ff::format::context::Input) -> f64 {
    // SAFETY: `input` owns a valid AVFormatContext for its whole lifetime.
    let start = unsafe { (*input.as_ptr()).start_time };
    if start == ff::ffi::AV_NOPTS_VALUE {
        0.0
    } else {
        start as f64 / f64::from(ff::ffi::AV_TIME_BASE)
    }
}

/// Seeks to `at` seconds (from the start) and reads up to `limit` packets: the latest end of
/// an intact packet among them, relative to the start; `None` when the seek fails or no
/// intact packet with a timestamp follows.
fn end_after(
    input: &mut ff::format::context::Input,
    origin: f64,
    at: f64,
    limit: usize,
) -> Option<f64> {
    let ts = crate::media::open::secs_to_av(origin + at);
    input.seek(ts, ..ts + 1).ok()?;
    let mut end: Option<f64> = None;
    for (stream, packet) in input.packets().take(limit) {
        if packet.is_corrupt() {
            continue;
        }
        let Some(t) = packet.pts().or(packet.dts()) else {
            continue;
        };
        let tb = f64::from(stream.time_base());
        if !tb.is_finite() || tb <= 0.0 {
            continue;
        }
        let secs = (t + packet.duration().max(0)) as f64 * tb - origin;
        end = Some(end.map_or(secs, |e: f64| e.max(secs)));
    }
    end
}
