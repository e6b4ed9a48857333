//! Speech: whisper transcription with word timestamps, the model store, the transcript cache,
//! and subtitles (.ass karaoke, .srt, .vtt) for clips.
