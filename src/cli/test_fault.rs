//! `export --test-fault FAULT` (hidden): faults injected into a real export through the
//! engine's test hooks, so the fault tests (`tests/hostile/`) run the real binary.
//! `fail-once[:N]` (the first attempt fails with a retryable encoder error), `fail-always[:N]`
//! (every attempt does), `panic[:N]` (the job panics, as a bug would); N is the clip's number
//! (from 1), all clips when left out (`panic` alone: clip 1).

use slopcannon_engine::export::ExportOptions;

/// Sets the hooks of `opts` that `fault` names.
pub fn apply(fault: &str, opts: &mut ExportOptions) -> anyhow::Result<()> {
    let (what, clip) = match fault.split_once(':') {
        Some((w, n)) => {
            let n: usize = n.trim().parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                anyhow::anyhow!("--test-fault {fault}: N is a clip number from 1")
            })?;
            (w, Some(n - 1))
        }
        None => (fault, None),
    };
    match what {
        "fail-once" | "fail-always" => {
            opts.fail_attempts = if what == "fail-once" { 1 } else { u32::MAX };
            opts.fail_clips = clip.into_iter().collect();
        }
        "panic" => opts.panic_clip = Some(clip.unwrap_or(0)),
        _ => anyhow::bail!(
            "--test-fault {fault}: expected fail-once[:N], fail-always[:N] or panic[:N]"
        ),
    }
    Ok(())
}
