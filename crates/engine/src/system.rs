//! What the machine offers this process: cores and available memory. The engine's defaults
//! (workers, encoder threads, the stacked background's memory budget) are worked out from
//! these, and the app's settings start from the same numbers.

/// Number of CPU cores this process may use (at least 1).
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// `MemAvailable` from `/proc/meminfo`, in bytes (Linux), if it can be read.
pub fn available_memory() -> Option<usize> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb.saturating_mul(1024))
}
