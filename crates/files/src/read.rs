//! Reading an input file within a limit, whatever the path turns out to be.
//!
//! A size taken from metadata is 0 for `/dev/zero` and a FIFO, and opening a FIFO waits for a
//! writer: a program that checks the size and then reads everything can be made to allocate
//! without end or to hang. Here only regular files are read (stdin only when the caller says so),
//! the file is opened without blocking and checked again once open, and at most `limit + 1`
//! bytes are ever read, so "over the limit" is known without reading the rest.

use std::fs::File;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The path is not a regular file.
    #[error("cannot read the {what} {}: it is {kind}, not a regular file", .path.display())]
    NotAFile {
        /// What the file was to be (`"image"`, `"answers file"`...).
        what: &'static str,
        /// The path given.
        path: PathBuf,
        /// What it is instead (`"a folder"`, `"a FIFO"`...).
        kind: &'static str,
    },
    /// The file is larger than the limit for its kind.
    #[error("the {what} {} is larger than {limit} bytes, the limit for it", .path.display())]
    TooLarge {
        /// What the file was to be.
        what: &'static str,
        /// The path given (`-` for standard input).
        path: PathBuf,
        /// The limit, in bytes.
        limit: u64,
    },
    /// The operating system refused (missing file, permissions, a symlink loop...).
    #[error("cannot read the {what} {}: {source}", .path.display())]
    Io {
        /// What the file was to be.
        what: &'static str,
        /// The path given.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// The file is not UTF-8 text.
    #[error("the {what} {} is not UTF-8 text", .path.display())]
    NotText {
        /// What the file was to be.
        what: &'static str,
        /// The path given.
        path: PathBuf,
    },
}

/// The bytes of the regular file `path`, refused when over `limit` bytes. `what` names the file's
/// role in errors.
pub fn read_file(path: &Path, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io { what, path: path.to_path_buf(), source };
    let checked = std::fs::metadata(path).map_err(io)?;
    regular(&checked.file_type(), path, what)?;
    if checked.len() > limit {
        return Err(ReadError::TooLarge { what, path: path.to_path_buf(), limit });
    }
    // The path may have been replaced since it was checked: open without waiting for a FIFO's
    // writer, and check what was opened.
    let file = File::options().read(true).custom_flags(libc::O_NONBLOCK).open(path).map_err(io)?;
    let opened = file.metadata().map_err(io)?;
    regular(&opened.file_type(), path, what)?;
    let capacity = usize::try_from(opened.len().min(limit)).unwrap_or(0);
    read_limited(file, limit, capacity).map_err(|error| match error {
        Limited::Over => ReadError::TooLarge { what, path: path.to_path_buf(), limit },
        Limited::Io(source) => io(source),
    })
}

/// The text of the regular file `path` (UTF-8), refused when over `limit` bytes.
pub fn read_text_file(path: &Path, limit: u64, what: &'static str) -> Result<String, ReadError> {
    let bytes = read_file(path, limit, what)?;
    String::from_utf8(bytes).map_err(|_| ReadError::NotText { what, path: path.to_path_buf() })
}

/// Everything on standard input, refused when over `limit` bytes (named `-` in errors).
pub fn read_stdin(limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
    let path = PathBuf::from("-");
    read_limited(std::io::stdin().lock(), limit, 0).map_err(|error| match error {
        Limited::Over => ReadError::TooLarge { what, path, limit },
        Limited::Io(source) => ReadError::Io { what, path, source },
    })
}

enum Limited {
    Over,
    Io(std::io::Error),
}

fn read_limited(reader: impl std::io::Read, limit: u64, capacity: usize) -> Result<Vec<u8>, Limited> {
    let mut bytes = Vec::with_capacity(capacity);
    reader.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(Limited::Io)?;
    if bytes.len() as u64 > limit { Err(Limited::Over) } else { Ok(bytes) }
}

fn regular(file_type: &std::fs::FileType, path: &Path, what: &'static str) -> Result<(), ReadError> {
    let kind = if file_type.is_file() {
        return Ok(());
    } else if file_type.is_dir() {
        "a folder"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a file"
    };
    Err(ReadError::NotAFile { what, path: path.to_path_buf(), kind })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code.

    use super::*;

    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir().unwrap()
    }

    #[test]
    fn a_file_at_the_limit_is_read_and_one_byte_over_is_refused_naming_the_limit() {
        let dir = scratch();
        let path = dir.path().join("answers.txt");
        std::fs::write(&path, vec![b'a'; 10]).unwrap();
        assert_eq!(read_file(&path, 10, "answers file").unwrap().len(), 10);
        let err = read_file(&path, 9, "answers file").unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 9, .. }), "{err:?}");
        assert!(err.to_string().contains("larger than 9 bytes"), "{err}");
    }

    #[test]
    fn an_empty_file_is_empty() {
        let dir = scratch();
        let path = dir.path().join("empty");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(read_file(&path, 10, "image").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn devices_folders_and_fifos_are_refused_without_reading() {
        let err = read_file(Path::new("/dev/zero"), 1 << 20, "image").unwrap_err();
        assert!(matches!(err, ReadError::NotAFile { kind: "a character device", .. }), "{err:?}");
        let dir = scratch();
        let err = read_file(dir.path(), 1 << 20, "image").unwrap_err();
        assert!(matches!(err, ReadError::NotAFile { kind: "a folder", .. }), "{err:?}");
        let fifo = dir.path().join("f.png");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        // Returns at once: no writer is waited for.
        let err = read_file(&fifo, 1 << 20, "image").unwrap_err();
        assert!(matches!(err, ReadError::NotAFile { kind: "a FIFO", .. }), "{err:?}");
        assert!(err.to_string().contains("a FIFO, not a regular file"), "{err}");
    }

    #[test]
    fn a_symlink_is_followed_and_a_loop_is_an_error() {
        let dir = scratch();
        let target = dir.path().join("key");
        std::fs::write(&target, b"secret").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(read_file(&link, 100, "key").unwrap(), b"secret");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&a, &b).unwrap();
        std::os::unix::fs::symlink(&b, &a).unwrap();
        assert!(matches!(read_file(&a, 100, "key").unwrap_err(), ReadError::Io { .. }));
        let to_zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &to_zero).unwrap();
        assert!(matches!(read_file(&to_zero, 100, "key").unwrap_err(), ReadError::NotAFile { .. }));
    }

    #[test]
    fn text_must_be_utf8() {
        let dir = scratch();
        let path = dir.path().join("manual.toml");
        std::fs::write(&path, b"\xff\xfe").unwrap();
        assert!(matches!(read_text_file(&path, 100, "manual").unwrap_err(), ReadError::NotText { .. }));
        std::fs::write(&path, "é").unwrap();
        assert_eq!(read_text_file(&path, 100, "manual").unwrap(), "é");
    }

    #[test]
    fn a_missing_file_names_its_role_and_path() {
        let err = read_file(Path::new("/nonexistent/x.png"), 100, "image").unwrap_err();
        assert!(err.to_string().starts_with("cannot read the image /nonexistent/x.png: "), "{err}");
    }
}
