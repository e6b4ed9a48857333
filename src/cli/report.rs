//! Text and JSON output of the `probe` and `config` subcommands.
//!
//! `probe --json` prints [`MediaInfo`](slopcannon_engine::media::MediaInfo) as documented in the
//! README: times in seconds as floats, absent values as `null`.

use crate::settings::Settings;
use slopcannon_engine::media::format_secs;
use slopcannon_engine::media::probe::probe_decodable;
use slopcannon_engine::progress::CancelToken;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub fn probe(path: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let info = probe_decodable(path, &CancelToken::new())?;
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&info)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    writeln!(out, "{}", info.path.display())?;
    writeln!(out, "  {}", info.summary())?;
    writeln!(
        out,
        "  container: {} ({}), {} bytes{}",
        info.container,
        info.container_long,
        info.size_bytes,
        info.bit_rate
            .map(|b| format!(", {:.0} kb/s", b as f64 / 1000.0))
            .unwrap_or_default()
    )?;
    if let Some(d) = info.duration_secs {
        writeln!(out, "  duration: {} ({d:.3} s)", format_secs(d))?;
    }
    if let Some(d) = info.declared_duration_secs {
        writeln!(
            out,
            "  warning: the header says {}, but the data ends at the time above (truncated or damaged file)",
            format_secs(d)
        )?;
    }
    for s in &info.streams {
        let mut line = format!("  #{} {} {}", s.index, s.kind, s.codec);
        if !s.decodable {
            line.push_str(" (no decoder)");
        }
        if let Some(v) = &s.video {
            line.push_str(&format!(" {}×{} {}", v.width, v.height, v.pixel_format));
            if v.frame_rate.is_some() || v.avg_frame_rate.is_some() {
                line.push_str(&format!(" {:.3} fps", v.fps()));
            }
            if v.vfr {
                line.push_str(" VFR");
            }
            if v.rotation_deg != 0 {
                line.push_str(&format!(" rotated {}°", v.rotation_deg));
            }
        }
        if let Some(a) = &s.audio {
            line.push_str(&format!(
                " {} Hz {} ch {}",
                a.sample_rate, a.channels, a.sample_format
            ));
        }
        writeln!(out, "{line}")?;
    }
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}

pub fn config(settings: &Settings, json: bool) -> anyhow::Result<ExitCode> {
    let rows = settings.effective();
    if json {
        let map: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(var, value, source)| {
                (
                    var.to_string(),
                    serde_json::json!({ "value": value, "source": source.to_string() }),
                )
            })
            .collect();
        super::print(&format!("{}\n", serde_json::to_string_pretty(&map)?))?;
    } else {
        let mut out = String::new();
        for (var, value, source) in rows {
            writeln!(out, "{var:<27} {value:<12} ({source})")?;
        }
        for var in &settings.unknown {
            writeln!(out, "{var:<27} (unknown, ignored)")?;
        }
        super::print(&out)?;
    }
    Ok(ExitCode::SUCCESS)
}
