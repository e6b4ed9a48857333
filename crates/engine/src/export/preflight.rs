//! What a batch checks before its first clip, so a mistake is one clear line at once rather
//! than a failure per clip (or a file named for what it does not hold): the source decodes,
//! a stacked layout's background has a picture, and every clip starts inside the source — one
//! that runs past the end is cut there (and said), so its name and length agree.

use super::error::ExportError;
use super::{ClipRequest, ExportOptions};
use crate::media::format_secs;
use crate::media::probe::{probe, probe_decodable};
use crate::progress::CancelToken;
use std::path::Path;

/// A clip may end this far past the source's end (rounding) without a word said.
const END_SLACK_SECS: f64 = 0.05;

/// `clips` as the batch exports them (see the module docs), or why it cannot start.
pub(super) fn checked_clips(
    source: &Path,
    clips: &[ClipRequest],
    opts: &ExportOptions,
    cancel: &CancelToken,
) -> Result<Vec<ClipRequest>, ExportError> {
    let info = probe_decodable(source, cancel)?;
    if let Some(bg) = &opts.stacked {
        let has_picture = probe(bg).map_err(ExportError::from)?.video().is_some();
        if !has_picture {
            return Err(ExportError::bad_settings(format!(
                "the background has no picture (a stacked short shows a video below the clip): {}",
                bg.display()
            )));
        }
    }
    let Some(duration) = info.duration_secs.filter(|d| *d > 0.0) else {
        return Ok(clips.to_vec());
    };
    clips
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if c.start >= duration {
                return Err(ExportError::bad_settings(format!(
                    "clip {} starts at {}, after the end of the source ({}): {}",
                    i + 1,
                    format_secs(c.start),
                    format_secs(duration),
                    source.display()
                )));
            }
            let mut c = c.clone();
            if c.end > duration {
                if c.end > duration + END_SLACK_SECS {
                    tracing::warn!(
                        "clip {} ends at {}, after the end of the source ({}): cut there",
                        i + 1,
                        format_secs(c.end),
                        format_secs(duration)
                    );
                }
                c.end = duration;
            }
            Ok(c)
        })
        .collect()
}
