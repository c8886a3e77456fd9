//! Replacing a file's contents so that it is always either the old or the new
//! text: written to a temporary file in the same directory, flushed to disk,
//! given the original's permissions, then renamed over it. On any error the
//! temporary file is removed and the original is left as it was.

use std::io::{self, Write};
use std::path::Path;

/// Replaces the contents of `path` (a symlink is followed: its target is replaced).
pub fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().ok_or_else(|| io::Error::other("has no parent directory"))?;
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut temp = tempfile::Builder::new().prefix(".leakls-fix-").tempfile_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().set_permissions(permissions)?;
    temp.as_file().sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    // The rename itself is durable once the directory is flushed; a failure
    // here no longer risks the file's contents, so it is not reported.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_through_a_symlink_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.go");
        std::fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        {
            let link = dir.path().join("link.go");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            replace_file(&link, b"new").unwrap();
            assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        }
        #[cfg(not(unix))]
        replace_file(&real, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().starts_with(".leakls-fix-")), "{names:?}");
    }
}
