//! The player: plays the open file in the preview with sound, frame-exact against its clock.
//!
//! [`Player`] lives on the UI thread. `play` starts the video worker decoding ahead (at the
//! size the preview shows) and the sound (the master clock when there is a device; else the
//! wall clock, silently, said once in the log); every UI frame `tick` reads the clock and
//! takes the frame that is due from the queue (late frames are dropped, early ones wait).
//! Stopping logs one line of statistics (frames shown and dropped, seconds played).

pub mod audio_out;
pub mod clock;
pub mod shuttle;
pub mod sync;
pub mod video;

use clock::PlayClock;
use crossbeam_channel::{Receiver, TryRecvError};
use slopcannon_engine::media::format_secs;
use slopcannon_engine::media::grab::RgbaFrame;
use slopcannon_engine::progress::CancelToken;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use sync::{decide, Decision};
use video::{VideoRequest, VideoWorker, PLAY_QUEUE};

use crate::gui::jobs::MsgSender;

/// What to play.
#[derive(Clone, Debug)]
pub struct PlayRequest {
    pub path: PathBuf,
    pub from_secs: f64,
    /// 1 = real time; negative plays backwards (keyframe by keyframe).
    pub speed: f64,
    pub max_size: (u32, u32),
    pub has_video: bool,
    pub has_audio: bool,
    pub duration_secs: f64,
    /// Stop here (P: the selected clip's end).
    pub end_secs: Option<f64>,
    /// Shift+P: at `end_secs`, start again from `from_secs`.
    pub looping: bool,
}

/// What one stretch of playback did.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayStats {
    pub shown: u64,
    pub dropped: u64,
    pub from_secs: f64,
    pub to_secs: f64,
    pub wall_secs: f64,
    pub speed: f64,
    pub clock: &'static str,
}

impl PlayStats {
    /// Frames shown per second of wall time.
    pub fn shown_per_sec(&self) -> f64 {
        self.shown as f64 / self.wall_secs.max(1e-6)
    }

    /// Share of the frames that were dropped, in percent.
    pub fn dropped_pct(&self) -> f64 {
        self.dropped as f64 * 100.0 / (self.shown + self.dropped).max(1) as f64
    }

    /// The log line (users paste it into bug reports; the GUI benchmark reads it).
    pub fn line(&self) -> String {
        format!(
            "playback: {} frames shown, {} dropped ({:.1} %), {:.2} s played in {:.2} s ({:.1} frames/s) from {} at {}, {} clock",
            self.shown,
            self.dropped,
            self.dropped_pct(),
            (self.to_secs - self.from_secs).abs(),
            self.wall_secs,
            self.shown_per_sec(),
            format_secs(self.from_secs),
            shuttle::label(self.speed),
            self.clock,
        )
    }
}

/// Playback in progress.
pub struct Playing {
    pub request: PlayRequest,
    clock: PlayClock,
    frames: Option<Receiver<RgbaFrame>>,
    queue: VecDeque<RgbaFrame>,
    started: Instant,
    shown: u64,
    dropped: u64,
    position: f64,
}

impl Playing {
    pub fn speed(&self) -> f64 {
        self.request.speed
    }
}

/// What a UI frame should show.
#[derive(Debug, Default)]
pub struct Tick {
    /// The playhead.
    pub position: f64,
    /// A new frame to show.
    pub frame: Option<RgbaFrame>,
    /// When the next frame is due (repaint then).
    pub next_in: Option<Duration>,
    /// Playback reached its end (the file's, or the clip's); it has stopped.
    pub ended: Option<PlayStats>,
    /// Reverse shuttle: ask for the keyframe at the position when the last one has arrived.
    pub want_keyframe: bool,
}

enum Sound {
    /// Not opened yet (opened at the first play).
    Untried,
    Open(audio_out::AudioOut),
    /// No device (or turned off): silent, on the wall clock.
    Absent,
}

pub struct Player {
    video: VideoWorker,
    sound: Sound,
    pub playing: Option<Playing>,
    pub volume: f32,
    pub muted: bool,
}

impl Player {
    /// `sound`: try the output device (false: `SLOP_AUDIO_OUTPUT=off`).
    pub fn new(msgs: MsgSender, sound: bool) -> Player {
        Player {
            video: VideoWorker::start(msgs),
            sound: if sound { Sound::Untried } else { Sound::Absent },
            playing: None,
            volume: 1.0,
            muted: false,
        }
    }

    /// Whether sound plays through a device (false before the first play).
    pub fn has_sound_device(&self) -> bool {
        matches!(self.sound, Sound::Open(_))
    }

    /// Asks for the still frame at `t_secs` (answered with `Msg::Frame`).
    pub fn still(
        &mut self,
        generation: u64,
        path: PathBuf,
        t_secs: f64,
        max_size: (u32, u32),
        keyframe_only: bool,
    ) {
        self.video.send(VideoRequest::Still {
            generation,
            path,
            t_secs,
            max_size,
            keyframe_only,
            cancel: CancelToken::new(),
        });
    }

    /// Starts playing (stopping what played before); returns that playback's statistics.
    pub fn play(&mut self, request: PlayRequest, now: Instant) -> Option<PlayStats> {
        let before = self.stop(now);
        let forward = request.speed > 0.0;
        let frames = (forward && request.has_video).then(|| {
            let (tx, rx) = crossbeam_channel::bounded(PLAY_QUEUE);
            self.video.send(VideoRequest::Play {
                path: request.path.clone(),
                from_secs: request.from_secs,
                max_size: request.max_size,
                frames: tx,
                cancel: CancelToken::new(),
            });
            rx
        });
        let real_time = (request.speed - 1.0).abs() < 1e-9;
        let gain = if self.muted { 0.0 } else { self.volume };
        let clock = match self.sound_device() {
            Some(out) if real_time && request.has_audio => {
                out.set_gain(gain);
                let position = out.start(request.path.clone(), request.from_secs);
                PlayClock::audio(request.from_secs, position, now)
            }
            _ => PlayClock::wall(request.from_secs, request.speed, now),
        };
        tracing::debug!(
            "playing from {} at {} on the {} clock",
            format_secs(request.from_secs),
            shuttle::label(request.speed),
            if clock.is_audio() {
                "sound card's"
            } else {
                "wall"
            }
        );
        self.playing = Some(Playing {
            position: request.from_secs,
            request,
            clock,
            frames,
            queue: VecDeque::new(),
            started: now,
            shown: 0,
            dropped: 0,
        });
        before
    }

    /// The output device, opened on first use.
    fn sound_device(&mut self) -> Option<&mut audio_out::AudioOut> {
        if matches!(self.sound, Sound::Untried) {
            self.sound = match audio_out::AudioOut::open() {
                Ok(out) => {
                    tracing::info!("sound plays on {}", out.device_name);
                    Sound::Open(out)
                }
                Err(e) => {
                    tracing::info!(
                        "no sound output ({e}): playback is silent and follows the wall clock"
                    );
                    Sound::Absent
                }
            };
        }
        match &mut self.sound {
            Sound::Open(out) => Some(out),
            _ => None,
        }
    }

    /// Stops playback; logs and returns its statistics.
    pub fn stop(&mut self, now: Instant) -> Option<PlayStats> {
        let p = self.playing.take()?;
        self.video.stop();
        if let Sound::Open(out) = &mut self.sound {
            out.stop();
        }
        let stats = PlayStats {
            shown: p.shown,
            dropped: p.dropped,
            from_secs: p.request.from_secs,
            to_secs: p.position,
            wall_secs: now.saturating_duration_since(p.started).as_secs_f64(),
            speed: p.request.speed,
            clock: if p.clock.is_audio() {
                "sound card"
            } else {
                "wall"
            },
        };
        tracing::info!("{}", stats.line());
        Some(stats)
    }

    pub fn set_volume(&mut self, volume: f32, muted: bool) {
        self.volume = volume.clamp(0.0, 1.0);
        self.muted = muted;
        if let Sound::Open(out) = &self.sound {
            out.set_gain(if muted { 0.0 } else { self.volume });
        }
    }

    /// Advances playback to `now`: the playhead, and the frame to show if one is due.
    pub fn tick(&mut self, now: Instant) -> Option<Tick> {
        let p = self.playing.as_mut()?;
        let was_audio = p.clock.is_audio();
        let mut pos = p.clock.now(now);
        if was_audio && !p.clock.is_audio() {
            // The sound ran out (a shorter track): the device need not play silence.
            if let Sound::Open(out) = &mut self.sound {
                out.stop();
            }
        }
        let speed = p.request.speed;
        let mut ended = false;
        if let Some(rx) = &p.frames {
            while p.queue.len() < PLAY_QUEUE {
                match rx.try_recv() {
                    Ok(f) => p.queue.push_back(f),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        p.frames = None;
                        break;
                    }
                }
            }
        }
        let mut tick = Tick::default();
        let end = p.request.end_secs.unwrap_or(p.request.duration_secs);
        while let Some(front) = p.queue.front() {
            if end > 0.0 && front.pts_secs >= end - 1e-6 {
                break; // past the end asked for (a clip is [start, end))
            }
            match decide(front.pts_secs, p.queue.get(1).map(|f| f.pts_secs), pos) {
                Decision::Show => {
                    tick.frame = p.queue.pop_front();
                    p.shown += 1;
                    break;
                }
                Decision::Drop => {
                    p.queue.pop_front();
                    p.dropped += 1;
                }
                Decision::Wait(_) => break,
            }
        }
        if let Some(next) = p.queue.front() {
            tick.next_in = Some(Duration::from_secs_f64(
                ((next.pts_secs - pos) / speed).clamp(0.0, 0.1),
            ));
        }
        let decoding_done = p.frames.is_none() && p.queue.is_empty();
        if p.request.has_video && speed > 0.0 && decoding_done {
            ended = true; // the end of the file's pictures
        }
        if speed > 0.0 && end > 0.0 && pos >= end {
            pos = end;
            ended = true;
        }
        if speed < 0.0 {
            tick.want_keyframe = true;
            if pos <= 0.0 {
                pos = 0.0;
                ended = true;
            }
        }
        p.position = pos;
        tick.position = pos;
        if ended {
            if p.request.looping && p.request.end_secs.is_some() {
                // Shift+P: round again from the clip's start.
                let again = p.request.clone();
                tick.position = again.from_secs;
                self.play(again, now);
            } else {
                tick.ended = self.stop(now);
            }
        }
        Some(tick)
    }
}
