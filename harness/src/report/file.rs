//! Result files are written whole or not at all: into a temporary file in
//! the destination's directory, then renamed over the destination.
//!
//! The temporary file is created private (mode 0600); it is opened up to
//! 0644 before the rename, as a file written directly would be, so a report
//! directory can be served or shared as it is.

use std::io::{self, Write};
use std::path::Path;

/// Writes `contents` to `path` so that readers see the old file or the whole new one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    make_readable(temp.as_file())?;
    temp.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Whether `path` names a file that can be created: its directory exists
/// (none means the current one) and it is not itself a directory. Checked
/// before a long run so that the run is not wasted.
pub fn destination_exists(path: &Path) -> bool {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty());
    dir.is_none_or(Path::is_dir) && !path.is_dir()
}

#[cfg(unix)]
fn make_readable(file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn make_readable(_: &std::fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old contents that are longer").unwrap();
        write_atomically(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_readable_by_others_as_a_direct_write_would_be() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.html");
        write_atomically(&path, b"<html>").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o644);
    }

    #[test]
    fn a_missing_directory_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.json");
        assert!(write_atomically(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
