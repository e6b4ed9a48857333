//! Sound: the default output device through `cpal` (ALSA on Linux), fed by a decoder thread.
//!
//! The device's callback takes mono samples (at the device's rate, from the engine's audio
//! decoder) from a small queue, writes them to every channel at the chosen volume, and counts
//! them into an [`AudioPosition`], the master clock of playback. The decoder thread keeps about
//! half a second queued ahead.

use super::clock::AudioPosition;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use slopcannon_engine::media::audio::{decode_audio, AudioOptions};
use slopcannon_engine::progress::CancelToken;
use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Seconds of sound the decoder keeps queued ahead of the device.
const AHEAD_SECS: f64 = 0.5;

/// What the callback and the decoder thread share.
struct Shared {
    queue: Mutex<VecDeque<f32>>,
    /// The position of the playback in progress (None: idle, the device plays silence).
    position: Mutex<Option<Arc<AudioPosition>>>,
    /// Gain as f32 bits (0 when muted).
    gain: AtomicU32,
}

/// An open output device.
pub struct AudioOut {
    stream: cpal::Stream,
    shared: Arc<Shared>,
    rate: u32,
    feeder: Option<CancelToken>,
    pub device_name: String,
}

impl AudioOut {
    /// Opens the default output device, or says why there is none.
    pub fn open() -> Result<AudioOut, String> {
        let host = cpal::default_host();
        let device = host
            .default_output_device()
            .ok_or_else(|| "no output device".to_string())?;
        let device_name = device
            .description()
            .map(|d| d.name().to_string())
            .unwrap_or_else(|_| "default".into());
        let supported = device.default_output_config().map_err(|e| e.to_string())?;
        let rate = supported.sample_rate();
        let channels = usize::from(supported.channels().max(1));
        let shared = Arc::new(Shared {
            queue: Mutex::new(VecDeque::new()),
            position: Mutex::new(None),
            gain: AtomicU32::new(1.0f32.to_bits()),
        });
        let config: cpal::StreamConfig = supported.config();
        let device_name = format!(
            "{device_name} ({} Hz, {channels} channels, {})",
            rate,
            supported.sample_format()
        );
        let stream = match supported.sample_format() {
            cpal::SampleFormat::F32 => build::<f32>(&device, config, channels, shared.clone()),
            cpal::SampleFormat::I16 => build::<i16>(&device, config, channels, shared.clone()),
            cpal::SampleFormat::I32 => build::<i32>(&device, config, channels, shared.clone()),
            cpal::SampleFormat::U16 => build::<u16>(&device, config, channels, shared.clone()),
            other => return Err(format!("unsupported sample format {other}")),
        }?;
        Ok(AudioOut {
            stream,
            shared,
            rate,
            feeder: None,
            device_name,
        })
    }

    /// Starts playing `path` from `from_secs`; returns the position that clocks it.
    pub fn start(&mut self, path: PathBuf, from_secs: f64) -> Arc<AudioPosition> {
        self.stop();
        let position = Arc::new(AudioPosition::new(self.rate));
        if let Ok(mut p) = self.shared.position.lock() {
            *p = Some(position.clone());
        }
        let cancel = CancelToken::new();
        self.feeder = Some(cancel.clone());
        let shared = self.shared.clone();
        let rate = self.rate;
        std::thread::Builder::new()
            .name("audio decode".into())
            .spawn({
                let position = position.clone();
                move || feed(&path, from_secs, rate, &shared, &position, &cancel)
            })
            .map_err(|e| tracing::error!("cannot start the audio decode thread: {e}"))
            .ok();
        if let Err(e) = self.stream.play() {
            tracing::warn!("sound output: {e}");
        }
        position
    }

    /// Stops the sound at once (what is queued is dropped).
    pub fn stop(&mut self) {
        if let Some(cancel) = self.feeder.take() {
            cancel.cancel();
        }
        if let Ok(mut p) = self.shared.position.lock() {
            *p = None;
        }
        if let Ok(mut q) = self.shared.queue.lock() {
            q.clear();
        }
        self.stream.pause().ok();
    }

    /// Sets the gain (0 = silent, 1 = as recorded).
    pub fn set_gain(&self, gain: f32) {
        self.shared
            .gain
            .store(gain.clamp(0.0, 2.0).to_bits(), Ordering::Relaxed);
    }
}

impl Drop for AudioOut {
    fn drop(&mut self) {
        self.stop();
    }
}

fn build<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    channels: usize,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, String>
where
    T: cpal::SizedSample + cpal::FromSample<f32>,
{
    let stream = device
        .build_output_stream(
            config,
            move |out: &mut [T], info: &cpal::OutputCallbackInfo| {
                let ts = info.timestamp();
                let latency = ts.playback.duration_since(ts.callback);
                let gain = f32::from_bits(shared.gain.load(Ordering::Relaxed));
                let mut taken = 0u64;
                if let Ok(mut q) = shared.queue.lock() {
                    for frame in out.chunks_mut(channels) {
                        let s = q.pop_front();
                        taken += u64::from(s.is_some());
                        let v = T::from_sample(s.unwrap_or(0.0) * gain);
                        frame.fill(v);
                    }
                } else {
                    out.fill(T::from_sample(0.0));
                }
                if let Ok(p) = shared.position.lock() {
                    if let Some(p) = p.as_ref() {
                        p.advance(taken, latency, Instant::now());
                    }
                }
            },
            |e| tracing::debug!("sound output: {e}"),
            None,
        )
        .map_err(|e| e.to_string())?;
    Ok(stream)
}

/// Decodes `path` from `from_secs` at `rate` into the queue, staying about half a second ahead.
fn feed(
    path: &std::path::Path,
    from_secs: f64,
    rate: u32,
    shared: &Shared,
    position: &AudioPosition,
    cancel: &CancelToken,
) {
    let opts = AudioOptions {
        start_secs: from_secs,
        rate,
        chunk_samples: (rate / 50) as usize,
        ..AudioOptions::default()
    };
    let ahead = (f64::from(rate) * AHEAD_SECS) as usize;
    let result = decode_audio(path, &opts, cancel, |chunk| {
        loop {
            if cancel.is_cancelled() {
                return ControlFlow::Break(());
            }
            let queued = shared.queue.lock().map_or(0, |q| q.len());
            if queued < ahead {
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        if let Ok(mut q) = shared.queue.lock() {
            position.queued(chunk.samples.len() as u64);
            q.extend(chunk.samples);
        }
        ControlFlow::Continue(())
    });
    position.finish();
    if let Err(e) = result {
        if !cancel.is_cancelled() {
            tracing::warn!("sound: {e}");
        }
    }
}
