//! Recent files: the videos opened last (most recent first, each once, at most
//! [`MAX_RECENT`]), kept between sessions by `persist.rs`. Files that are gone are marked
//! missing (a worker looks, `jobs::Jobs::check_files`; the UI thread never touches the disk).
//! Pure, unit-tested.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// How many recent files are kept.
pub const MAX_RECENT: usize = 10;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecentFiles {
    /// Most recent first, no duplicates, absolute where the path could be made so.
    paths: Vec<PathBuf>,
    /// Those a worker found missing (shown greyed).
    missing: HashSet<PathBuf>,
}

impl RecentFiles {
    /// The list as saved: duplicates after the first and anything past [`MAX_RECENT`] dropped.
    pub fn from_paths(paths: Vec<PathBuf>) -> RecentFiles {
        let mut recent = RecentFiles::default();
        for p in paths.into_iter().rev() {
            recent.opened(&p);
        }
        recent
    }

    /// `path` was opened: it goes first (once), and is not missing.
    pub fn opened(&mut self, path: &Path) {
        // Relative paths are the command line's: made absolute, they open from anywhere later.
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.paths.retain(|p| *p != path);
        self.missing.remove(&path);
        self.paths.insert(0, path);
        self.paths.truncate(MAX_RECENT);
    }

    /// Most recent first.
    pub fn paths(&self) -> &[PathBuf] {
        &self.paths
    }

    pub fn is_missing(&self, path: &Path) -> bool {
        self.missing.contains(path)
    }

    /// A worker's answer: these files are not there (any others are).
    pub fn set_missing(&mut self, missing: Vec<PathBuf>) {
        self.missing = missing
            .into_iter()
            .filter(|p| self.paths.contains(p))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abs(name: &str) -> PathBuf {
        PathBuf::from("/videos").join(name)
    }

    #[test]
    fn the_newest_comes_first_once_and_the_list_is_bounded() {
        let mut r = RecentFiles::default();
        for i in 0..12 {
            r.opened(&abs(&format!("{i}.mp4")));
        }
        r.opened(&abs("5.mp4"));
        let names: Vec<String> = r
            .paths()
            .iter()
            .map(|p| p.file_name().unwrap_or_default().to_string_lossy().into())
            .collect();
        assert_eq!(
            names,
            ["5", "11", "10", "9", "8", "7", "6", "4", "3", "2"].map(|n| format!("{n}.mp4"))
        );
    }

    #[test]
    fn a_saved_list_loads_in_its_order_without_duplicates() {
        let r = RecentFiles::from_paths(vec![abs("b.mp4"), abs("a.mp4"), abs("b.mp4")]);
        assert_eq!(r.paths(), [abs("b.mp4"), abs("a.mp4")]);
    }

    #[test]
    fn relative_paths_become_absolute() {
        let mut r = RecentFiles::default();
        r.opened(Path::new("clip.mp4"));
        let cwd = std::env::current_dir().expect("cwd");
        assert_eq!(r.paths(), [cwd.join("clip.mp4")]);
        r.opened(&cwd.join("clip.mp4"));
        assert_eq!(r.paths().len(), 1, "the same file once");
    }

    #[test]
    fn a_missing_file_is_marked_until_it_is_opened_again() {
        let mut r = RecentFiles::from_paths(vec![abs("a.mp4"), abs("b.mp4")]);
        r.set_missing(vec![abs("b.mp4"), abs("not-in-the-list.mp4")]);
        assert!(r.is_missing(&abs("b.mp4")));
        assert!(!r.is_missing(&abs("a.mp4")));
        assert!(!r.is_missing(&abs("not-in-the-list.mp4")));
        r.opened(&abs("b.mp4"));
        assert!(!r.is_missing(&abs("b.mp4")));
    }
}
