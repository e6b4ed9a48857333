//! What a batch checks before its first clip, so a mistake is one clear line at once rather
//! than a failure per clip (or a file named for what it does not hold): the source decodes,
//! and a stacked layout's background has a picture. A clip that runs past the source's end is
//! cut there (and said), so its name and length agree; one that starts after it is said at
//! once (its job fails; the others are written, as from a file cut short).

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
    Ok(clips
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = c.clone();
            if c.start >= duration {
                tracing::warn!(
                    "clip {} starts at {}, after the end of the source ({}): it cannot be written",
                    i + 1,
                    format_secs(c.start),
                    format_secs(duration)
                );
            } else if c.end > duration {
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
            c
        })
        .collect())
}
