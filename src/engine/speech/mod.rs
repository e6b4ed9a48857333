//! Speech: whisper transcription with word timestamps, the model store, the transcript cache,
//! and subtitles (.ass karaoke, .srt, .vtt) for clips.

pub mod cache;
pub mod download;
pub mod model;
pub mod subtitles;
pub mod transcript;
pub mod whisper;

pub use transcript::{Segment, Transcript, Word};
pub use whisper::{transcribe, SpeechError, TranscribeOptions, Transcribed};
