//! Result files are written whole or not at all: into a temporary file in
//! the destination's directory, then renamed over the destination.
//!
//! Only a regular file (or nothing) at the destination is ever replaced: a
//! symbolic link, a directory, a FIFO or a socket is refused, so the rename
//! never swaps a device node or a link for a file of ours. A character
//! device (`/dev/null`, a terminal) is written directly, as a user who
//! names one expects, and so is a symbolic link to a character device or a
//! pipe (`/dev/stdout`, `/dev/stderr`), which is never replaced. [`check_destination`] says all this before any work
//! starts, and proves the directory writable by creating and removing a
//! temporary file there.
//!
//! The temporary file is created private (mode 0600); it is opened up to
//! 0644 before the rename, as a file written directly would be, so a report
//! directory can be served or shared as it is. While it exists its path is
//! registered, so an interrupt ([`remove_temporaries`]) leaves none behind.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary files being written, removed if the process is interrupted.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Writes `contents` to `path` so that readers see the old file or the whole new one.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    match Existing::at(path)? {
        Existing::Nothing | Existing::RegularFile => replace(path, contents),
        Existing::CharacterDevice => std::fs::OpenOptions::new()
            .write(true)
            .open(path)?
            .write_all(contents),
        Existing::Other(what) => Err(io::Error::other(format!(
            "it is {what}, not a regular file, and is not replaced"
        ))),
    }
}

/// Refuses, with a one-line reason, a destination [`write_atomically`]
/// would refuse or could not write: checked before a long run so that the
/// run is not wasted.
pub fn check_destination(path: &Path) -> Result<(), String> {
    let cannot = |why: String| format!("cannot write '{}': {why}", path.display());
    match Existing::at(path).map_err(|err| cannot(err.to_string()))? {
        Existing::CharacterDevice => return Ok(()),
        Existing::Other(what) => return Err(cannot(format!("it is {what}, not a regular file"))),
        Existing::Nothing | Existing::RegularFile => {}
    }
    let dir = directory_of(path);
    if !dir.is_dir() {
        return Err(cannot(format!(
            "its directory '{}' does not exist",
            dir.display()
        )));
    }
    tempfile::NamedTempFile::new_in(dir)
        .map(drop)
        .map_err(|err| cannot(format!("its directory is not writable ({err})")))
}

/// Removes every temporary file still being written; for an interrupt handler.
pub fn remove_temporaries() {
    let paths = IN_FLIGHT
        .lock()
        .map(|paths| paths.clone())
        .unwrap_or_default();
    for path in paths {
        let _ = std::fs::remove_file(path);
    }
}

/// What is at a destination, without following a symbolic link.
enum Existing {
    Nothing,
    RegularFile,
    CharacterDevice,
    Other(&'static str),
}

impl Existing {
    fn at(path: &Path) -> io::Result<Existing> {
        let meta = match std::fs::symlink_metadata(path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(Existing::Nothing),
            other => other?,
        };
        let kind = meta.file_type();
        Ok(if kind.is_file() {
            Existing::RegularFile
        } else if kind.is_symlink() {
            Existing::behind_link(path)
        } else if kind.is_dir() {
            Existing::Other("a directory")
        } else {
            special(&kind)
        })
    }
}

impl Existing {
    /// A link to a stream is written through: to a character device or a
    /// pipe, or one of the process's own descriptors (`/dev/stdout` when
    /// the shell redirected it to a file). Any other link is refused.
    fn behind_link(path: &Path) -> Existing {
        let own_descriptor = ["/dev/stdout", "/dev/stderr", "/dev/fd/", "/proc/self/fd/"]
            .iter()
            .any(|alias| path.to_string_lossy().starts_with(alias));
        let target = std::fs::metadata(path).map(|meta| special(&meta.file_type()));
        match target {
            Ok(Existing::CharacterDevice) | Ok(Existing::Other("a FIFO")) => {
                Existing::CharacterDevice
            }
            Ok(_) if own_descriptor => Existing::CharacterDevice,
            _ => Existing::Other("a symbolic link"),
        }
    }
}

#[cfg(unix)]
fn special(kind: &std::fs::FileType) -> Existing {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_char_device() {
        Existing::CharacterDevice
    } else if kind.is_fifo() {
        Existing::Other("a FIFO")
    } else if kind.is_socket() {
        Existing::Other("a socket")
    } else {
        Existing::Other("a block device")
    }
}

#[cfg(not(unix))]
fn special(_: &std::fs::FileType) -> Existing {
    Existing::Other("not a regular file")
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The temporary-file-then-rename write, with the temporary registered.
fn replace(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut temp = tempfile::NamedTempFile::new_in(directory_of(path))?;
    let registered = temp.path().to_owned();
    if let Ok(mut paths) = IN_FLIGHT.lock() {
        paths.push(registered.clone());
    }
    let written = (|| {
        temp.write_all(contents)?;
        temp.as_file().sync_all()?;
        make_readable(temp.as_file())?;
        temp.persist(path).map_err(|err| err.error)?;
        Ok(())
    })();
    if let Ok(mut paths) = IN_FLIGHT.lock() {
        paths.retain(|p| *p != registered);
    }
    written
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

    #[cfg(unix)]
    #[test]
    fn a_symlink_or_fifo_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target.json");
        std::fs::write(&target, "kept").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(
            check_destination(&link)
                .unwrap_err()
                .contains("a symbolic link")
        );
        assert!(write_atomically(&link, b"x").is_err());
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert!(check_destination(&fifo).unwrap_err().contains("a FIFO"));
        assert!(write_atomically(&fifo, b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_character_device_is_written_directly_and_stays_a_device() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        let is_device =
            |path| std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device());
        if !is_device(null) {
            return; // some sandboxes have a plain file there
        }
        check_destination(null).unwrap();
        write_atomically(null, b"discarded").unwrap();
        assert!(is_device(null));
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("stdout");
        std::os::unix::fs::symlink(null, &link).unwrap();
        write_atomically(&link, b"through the link").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_destination_in_a_missing_or_unwritable_directory_is_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing").join("out.json");
        assert!(
            check_destination(&missing)
                .unwrap_err()
                .contains("does not exist")
        );
        let proc_file = Path::new("/proc/self/x");
        if Path::new("/proc/self").is_dir() {
            assert!(check_destination(proc_file).is_err());
        }
        check_destination(&dir.path().join("new.json")).unwrap();
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the probe is removed"
        );
    }

    #[test]
    fn temporaries_in_flight_are_removed_on_request_and_forgotten_after_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let stray = dir.path().join(".tmpstray");
        std::fs::write(&stray, "partial").unwrap();
        IN_FLIGHT.lock().unwrap().push(stray.clone());
        remove_temporaries();
        assert!(!stray.exists());
        IN_FLIGHT.lock().unwrap().retain(|p| *p != stray);
        write_atomically(&dir.path().join("out.json"), b"x").unwrap();
        let registered = IN_FLIGHT.lock().unwrap().clone();
        assert!(
            registered.iter().all(|p| !p.starts_with(dir.path())),
            "{registered:?}"
        );
    }

    #[test]
    fn a_missing_directory_is_an_error_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("out.json");
        assert!(write_atomically(&path, b"x").is_err());
        assert!(!path.exists());
    }
}
