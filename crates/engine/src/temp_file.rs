//! Writing a file so that it appears whole or not at all — the one place for the rule.
//!
//! A writer gets a hidden temporary file beside the destination, created with `create_new`
//! under a name no other writer has (two exports into one folder never share one); a dropped
//! [`TempFile`] deletes it. [`TempFile::persist`] moves it into place: with [`Replace::Never`]
//! by a rename that fails rather than replace a file that appeared meanwhile
//! (`renameat2(RENAME_NOREPLACE)` on Linux; a hard link and an unlink where that is not
//! supported), with [`Replace::Atomically`] by a plain rename over the old file. A process
//! killed mid-write (`kill -9`, a power cut) cannot delete its temporary file; the next
//! writer into that folder does ([`remove_stale`]).

use std::fs::File;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What [`TempFile::persist`] does when the destination exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Replace {
    /// Fail with [`io::ErrorKind::AlreadyExists`], even for a file that appeared a moment ago.
    Never,
    /// Replace it in one step (readers see the old file or the new one, never a mix).
    Atomically,
}

/// A temporary file, removed when dropped unless [`TempFile::persist`] moved it into place.
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
    armed: bool,
}

impl TempFile {
    /// Creates a new, empty temporary file for `dest`: hidden, in `dest`'s folder (so the
    /// final rename stays on one filesystem), named `.NAME.PID-N.ext`.
    pub fn create(dest: &Path, ext: &str) -> io::Result<(TempFile, File)> {
        static N: AtomicU64 = AtomicU64::new(0);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        loop {
            let n = N.fetch_add(1, Ordering::Relaxed);
            let path = dest.with_file_name(format!(".{name}.{}-{n}.{ext}", std::process::id()));
            match File::options().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((TempFile { path, armed: true }, file)),
                // Left by a process that had our pid before: take the next number.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the finished file to `dest`.
    pub fn persist(mut self, dest: &Path, replace: Replace) -> io::Result<()> {
        match replace {
            Replace::Never => rename_no_replace(&self.path, dest)?,
            Replace::Atomically => std::fs::rename(&self.path, dest)?,
        }
        self.armed = false;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if self.armed {
            std::fs::remove_file(&self.path).ok();
        }
    }
}

/// Deletes the temporary files in `dir` that processes no longer running left behind (names
/// as [`TempFile::create`] makes them: `.NAME.PID-N.EXT`). Returns how many went.
pub fn remove_stale(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(writer_pid) else {
            continue;
        };
        if pid != std::process::id()
            && !process_runs(pid)
            && std::fs::remove_file(entry.path()).is_ok()
        {
            tracing::debug!(
                "removed {}, left by a process that ended",
                entry.path().display()
            );
            removed += 1;
        }
    }
    removed
}

/// The writer's pid in a temporary file's name `.NAME.PID-N.EXT`.
fn writer_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let (stem, _ext) = rest.rsplit_once('.')?;
    let (_, tag) = stem.rsplit_once('.')?;
    let (pid, n) = tag.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

fn process_runs(pid: u32) -> bool {
    #[cfg(target_os = "linux")]
    {
        Path::new("/proc").join(pid.to_string()).exists()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = pid;
        true // cannot tell: keep the file
    }
}

/// Writes `bytes` to `dest` through a temporary file, flushed to disk before the rename, so
/// that after a crash `dest` holds the old content or the new, never a part.
pub fn write_file(dest: &Path, bytes: &[u8], replace: Replace) -> io::Result<()> {
    let (tmp, mut file) = TempFile::create(dest, "tmp")?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    tmp.persist(dest, replace)
}

/// Renames `from` to `to` unless `to` exists, in one step where the system allows it.
pub fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let c = |p: &Path| {
            std::ffi::CString::new(p.as_os_str().as_bytes())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))
        };
        let (f, t) = (c(from)?, c(to)?);
        // SAFETY: both are valid NUL-terminated paths; AT_FDCWD resolves them as given.
        let rc = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                f.as_ptr(),
                libc::AT_FDCWD,
                t.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        };
        if rc == 0 {
            return Ok(());
        }
        let err = io::Error::last_os_error();
        // Filesystems (and kernels) without RENAME_NOREPLACE say EINVAL or ENOSYS; every
        // other error is the answer.
        if !matches!(err.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(err);
        }
    }
    // A hard link fails when `to` exists, atomically; then the old name goes.
    match std::fs::hard_link(from, to) {
        Ok(()) => {
            // The file is in place under its new name; a stale old name is only untidy.
            if let Err(e) = std::fs::remove_file(from) {
                tracing::warn!("{} left behind ({e})", from.display());
            }
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        // No hard links here (some filesystems): check, then rename — the best left.
        Err(_) if to.exists() => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} exists", to.display()),
        )),
        Err(_) => std::fs::rename(from, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("slop-temp-{name}-{}", std::process::id()));
        std::fs::remove_dir_all(&d).ok();
        std::fs::create_dir_all(&d).expect("dir");
        d
    }

    #[test]
    fn two_writers_get_different_files_and_a_dropped_one_is_removed() {
        let d = dir("names");
        let dest = d.join("a.mp4");
        let (a, _) = TempFile::create(&dest, "part").expect("a");
        let (b, _) = TempFile::create(&dest, "part").expect("b");
        assert_ne!(a.path(), b.path());
        assert!(a
            .path()
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".a.mp4.")));
        let kept = a.path().to_path_buf();
        drop(a);
        assert!(!kept.exists(), "a dropped temporary file is removed");
        b.persist(&dest, Replace::Never).expect("persist");
        assert!(dest.exists());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn files_left_by_processes_that_ended_are_removed() {
        let d = dir("stale");
        let dead = d.join(".a.mp4.999999999-3.part"); // no such pid
        let mine = d.join(format!(".a.mp4.{}-0.part", std::process::id()));
        let alive = d.join(".a.mp4.1-0.part"); // init runs
        let other = d.join(".hidden-but-not-ours.txt");
        for p in [&dead, &mine, &alive, &other] {
            std::fs::write(p, b"x").expect("write");
        }
        assert_eq!(writer_pid(".a.mp4.999999999-3.part"), Some(999_999_999));
        assert_eq!(writer_pid("a.mp4"), None);
        assert_eq!(remove_stale(&d), 1);
        assert!(!dead.exists() && mine.exists() && alive.exists() && other.exists());
        std::fs::remove_dir_all(&d).ok();
    }

    #[test]
    fn never_replaces_a_file_that_appeared_meanwhile() {
        let d = dir("noreplace");
        let dest = d.join("a.mp4");
        let (tmp, mut f) = TempFile::create(&dest, "part").expect("tmp");
        f.write_all(b"new").expect("write");
        std::fs::write(&dest, b"someone else's").expect("write");
        let tmp_path = tmp.path().to_path_buf();
        let e = tmp
            .persist(&dest, Replace::Never)
            .expect_err("must not replace");
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&dest).expect("read"), b"someone else's");
        assert!(!tmp_path.exists(), "the failed temporary file is removed");

        write_file(&dest, b"replaced", Replace::Atomically).expect("replace");
        assert_eq!(std::fs::read(&dest).expect("read"), b"replaced");
        let left: Vec<_> = std::fs::read_dir(&d).expect("dir").collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
        std::fs::remove_dir_all(&d).ok();
    }
}
