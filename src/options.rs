//! The one place where [`Settings`] become engine options: the CLI and the window start from
//! these and add what their own arguments or controls choose.

use crate::settings::Settings;
use slopcannon_engine::analysis::AnalyzeOptions;
use slopcannon_engine::export::ExportOptions;
use slopcannon_engine::media::sampler::Stride;
use slopcannon_engine::speech::model::models_dir;
use slopcannon_engine::speech::TranscribeOptions;
use std::path::{Path, PathBuf};

impl Settings {
    /// Export options: x264 preset and CRF, workers, attempts and the stacked background's
    /// memory budget from the settings; everything else the engine's defaults.
    pub fn export_options(&self) -> ExportOptions {
        ExportOptions {
            preset: self.ffmpeg_preset.clone(),
            crf: self.ffmpeg_crf,
            workers: self.max_export_workers,
            attempts: self.export_retries,
            background_budget: self.stacked_cache_bytes(),
            ..ExportOptions::default()
        }
    }

    /// Analysis options: stride and workers from the settings; no speech (see
    /// [`Settings::transcribe_options`]).
    pub fn analyze_options(&self) -> AnalyzeOptions {
        AnalyzeOptions {
            stride: self.frame_skip.map_or(Stride::Auto, Stride::Every),
            workers: self.max_analysis_workers,
            ..AnalyzeOptions::default()
        }
    }

    /// Transcription options: the model (`model` overrides `SLOP_WHISPER_MODEL`), looked up in
    /// `data_dir`'s model folder; transcripts cached in its `cache` folder when `cache` is set.
    pub fn transcribe_options(
        &self,
        data_dir: Option<&Path>,
        model: Option<&str>,
        cache: bool,
    ) -> TranscribeOptions {
        TranscribeOptions {
            model: model.unwrap_or(&self.whisper_model).to_string(),
            compute: self.whisper_compute,
            models_dir: data_dir.map_or_else(|| PathBuf::from("models"), models_dir),
            threads: self.whisper_threads,
            more_threads: None,
            cache_dir: data_dir.filter(|_| cache).map(|d| d.join("cache")),
        }
    }
}
