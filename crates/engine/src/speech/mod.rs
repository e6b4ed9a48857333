//! Speech: whisper transcription with word timestamps, the model store, the transcript cache,
//! and subtitles (.ass karaoke, .srt, .vtt) for clips.

pub mod cache;
pub mod download;
pub mod model;
mod model_run;
mod pool;
mod quality;
pub mod subtitles;
pub mod transcript;
pub mod whisper;
mod windows;

pub use model::Compute;
pub use transcript::{Segment, Transcript, Word};
pub use whisper::{default_threads, transcribe, SpeechError, TranscribeOptions, Transcribed};
