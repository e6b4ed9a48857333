//! The process's allocator policy: big blocks (a video frame, a whisper buffer, a clip's
//! encoder) are mapped on their own and go back to the system when freed.
//!
//! glibc serves a block of at least `M_MMAP_THRESHOLD` bytes (128 KiB at start) by mapping it,
//! but raises that threshold to the size of every mapped block freed (up to 32 MiB). After
//! the first clip's frames are freed, the next clip's 3 MB frames come from the heap arenas
//! instead, which keep freed memory and fragment between the export's workers: a 2-hour
//! export's peak RSS was 386–417 MB, 344 MB with the threshold fixed, at the same speed
//! (FFmpeg's frame pools reuse their buffers within a clip). See BENCHMARKS.md.

/// Blocks of this size or more are always mapped on their own.
pub const MMAP_THRESHOLD: usize = 256 * 1024;

/// Fixes glibc's mmap threshold at [`MMAP_THRESHOLD`] (which also stops its dynamic raise);
/// called first thing in `main`. Elsewhere than glibc, nothing to do.
pub fn return_big_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes the allocator's parameters; called before other threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD as libc::c_int);
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// Whether glibc mapped the block at `ptr` on its own: the IS_MMAPPED bit (2) of its
    /// chunk's size word, just before the block. Read off the block itself, so other tests'
    /// allocations on other threads cannot change the answer (the process-wide
    /// `mallinfo2` counters they move did make this test flaky).
    fn is_mapped(ptr: *const u8) -> bool {
        // SAFETY: `ptr` is a live block from glibc's malloc; its chunk header (the size word)
        // is the machine word right before it.
        let size_word = unsafe { *(ptr as *const usize).sub(1) };
        size_word & 2 != 0
    }

    #[test]
    fn a_big_block_allocated_after_one_was_freed_is_still_mapped_on_its_own() {
        return_big_blocks();
        let size = 4 << 20;
        // Without the fixed threshold, freeing this mapped block raises the threshold above
        // 4 MiB and the next one comes from the heap (and stays there when freed).
        let first = std::hint::black_box(vec![1u8; size]);
        assert!(is_mapped(first.as_ptr()), "the first 4 MiB block is mapped");
        drop(first);
        let second = std::hint::black_box(vec![2u8; size]);
        assert!(
            is_mapped(second.as_ptr()),
            "the second 4 MiB block is mapped on its own"
        );
        // A small block comes from the heap: the check tells the two apart.
        let small = std::hint::black_box(vec![3u8; 1024]);
        assert!(!is_mapped(small.as_ptr()));
    }
}
