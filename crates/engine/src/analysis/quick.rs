//! The quick ranking's inputs while they stream in: the audio features and the keyframes-only
//! pass each publish what they have found ([`Feeds`]); [`Feeds::so_far`] takes the part of the
//! video both have reached, so a quick ranking can be made every couple of seconds and
//! improves as more comes in (the first picks of a long video show within seconds).

use super::audio_features::AudioCurves;
use super::scenes::Cut;
use super::video::{motion_curve, KeyframeFeed};
use std::sync::Mutex;
use std::time::Duration;

/// How often a quick ranking is made while the audio and keyframes stream in.
pub const QUICK_EVERY: Duration = Duration::from_secs(2);

/// How often the audio thread publishes its curves so far.
pub const AUDIO_SNAPSHOT_EVERY: Duration = Duration::from_millis(500);

/// What the two quick sources have published.
#[derive(Default)]
pub struct Feeds {
    /// The audio curves so far and the seconds they cover (when the audio is done: all of
    /// them, covering the whole video).
    pub audio: Mutex<Option<(AudioCurves, f64)>>,
    pub keyframes: Mutex<KeyframeFeed>,
}

/// The inputs of a quick ranking over the first `covered_secs` of the video.
pub struct SoFar {
    pub covered_secs: f64,
    pub audio: Option<AudioCurves>,
    pub motion: Option<Vec<f32>>,
    pub cuts: Vec<Cut>,
}

/// Where each source stands: absent (the file has no such stream, or it failed), streaming,
/// or done (it covers the whole video).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Absent,
    Streaming,
    Done,
}

impl Feeds {
    /// The first seconds that every present source has reached, with what they found there;
    /// None before any source has reached anything.
    pub fn so_far(&self, audio: Source, video: Source, duration: f64, step: f64) -> Option<SoFar> {
        let audio_feed = match audio {
            Source::Absent => None,
            _ => self.audio.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        };
        let keys = match video {
            Source::Absent => None,
            _ => Some(
                self.keyframes
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone(),
            ),
        };
        let reach = |source: Source, secs: Option<f64>| match source {
            Source::Absent | Source::Done => duration,
            Source::Streaming => secs.unwrap_or(0.0),
        };
        let covered = reach(audio, audio_feed.as_ref().map(|(_, s)| *s))
            .min(reach(video, keys.as_ref().map(|k| k.covered_secs)))
            .min(duration);
        if covered <= 0.0 {
            return None;
        }
        let cuts: Vec<Cut> = keys
            .as_ref()
            .map(|k| {
                k.cuts
                    .iter()
                    .copied()
                    .filter(|c| c.time < covered)
                    .collect()
            })
            .unwrap_or_default();
        let motion = keys.map(|k| {
            let pairs: Vec<_> = k
                .motion
                .iter()
                .copied()
                .filter(|p| p.to_secs <= covered)
                .collect();
            motion_curve(&pairs, &cuts, covered, step)
        });
        Some(SoFar {
            covered_secs: covered,
            audio: audio_feed.map(|(a, _)| a),
            motion,
            cuts,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::scenes::CutKind;
    use crate::analysis::video::MotionPair;

    fn feeds(audio_secs: f64, key_secs: f64) -> Feeds {
        let audio = AudioCurves {
            step: 1.0,
            loudness_db: vec![-20.0; audio_secs as usize],
            flux: vec![0.0; audio_secs as usize],
            centroid_hz: vec![0.0; audio_secs as usize],
            zcr: vec![0.0; audio_secs as usize],
            silences: Vec::new(),
        };
        let cut = |t: f64| Cut {
            frame: (t * 30.0) as u64,
            time: t,
            kind: CutKind::Hard,
            strength: 50.0,
            prev_idx: 0,
            prev_secs: 0.0,
        };
        let keyframes = KeyframeFeed {
            cuts: vec![cut(20.0), cut(key_secs - 1.0)],
            motion: (0..key_secs as usize / 2)
                .map(|i| MotionPair {
                    from_secs: i as f64 * 2.0,
                    to_secs: i as f64 * 2.0 + 2.0,
                    mad: 3.0,
                })
                .collect(),
            covered_secs: key_secs,
        };
        Feeds {
            audio: Mutex::new(Some((audio, audio_secs))),
            keyframes: Mutex::new(keyframes),
        }
    }

    #[test]
    fn so_far_is_what_every_streaming_source_has_reached() {
        use Source::*;
        let f = feeds(100.0, 60.0);
        let part = f.so_far(Streaming, Streaming, 600.0, 1.0).expect("some");
        assert_eq!(part.covered_secs, 60.0);
        assert_eq!(part.motion.as_ref().map(Vec::len), Some(60));
        assert_eq!(part.cuts.len(), 2);
        // The keyframes are done: the audio decides.
        let part = f.so_far(Streaming, Done, 600.0, 1.0).expect("some");
        assert_eq!(part.covered_secs, 100.0);
        // The audio is absent (no stream, or it failed): the keyframes decide.
        let part = f.so_far(Absent, Streaming, 600.0, 1.0).expect("some");
        assert_eq!(part.covered_secs, 60.0);
        assert!(part.audio.is_none());
        let f = feeds(30.0, 60.0);
        let part = f.so_far(Streaming, Streaming, 600.0, 1.0).expect("some");
        assert_eq!(part.covered_secs, 30.0);
        assert_eq!(part.cuts.len(), 1, "cuts past what the audio reached wait");
        assert!(Feeds::default()
            .so_far(Streaming, Streaming, 600.0, 1.0)
            .is_none());
    }
}
