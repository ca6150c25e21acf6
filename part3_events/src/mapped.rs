//! A file's text without reading it: the file is mapped into memory, and
//! its pages come straight from the kernel's page cache.
//!
//! [`Document::load`](crate::Document::load) reads the file into a fresh
//! buffer: on this project's machine, 8 to 30 ms for the contest's 30 MB
//! file, mostly the kernel handing out and filling 7,300 new pages. A
//! mapping costs about 2 ms: the pages are already in memory (the file
//! was just written or read), and `mmap` only points our addresses at
//! them. The two-thread source starts parsing that much sooner.
//!
//! The price is a promise no compiler can check: nobody may change or
//! cut the file while it is mapped. If they do, the text we checked to be
//! UTF-8 changes under our feet, or reading past the new end kills the
//! process with `SIGBUS`. That is why this is the crate's one `unsafe`
//! module, and why only the contest's source uses it, on a file that the
//! contest itself wrote.

use std::fs::File;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::rc::Rc;

use crate::error::{Position, XmlError};
use crate::xml::NOT_UTF8;

/// A whole file, mapped read-only: its bytes, not yet known to be text.
pub struct MappedFile {
    /// The mapping's address; for an empty file, which `mmap` cannot
    /// map, a dangling address that is never read nor unmapped.
    addr: *mut libc::c_void,
    len: usize,
}

impl MappedFile {
    /// Maps the file at `path`.
    pub fn open(path: &Path) -> Result<MappedFile, XmlError> {
        let read = |e| XmlError::read(path, e);
        let file = File::open(path).map_err(read)?;
        let meta = file.metadata().map_err(read)?;
        if meta.is_dir() {
            // What reading it would have said.
            return Err(read(io::Error::from_raw_os_error(libc::EISDIR)));
        }
        let len = usize::try_from(meta.len())
            .map_err(|_| read(io::Error::other("too big to map")))?;
        if len == 0 {
            return Ok(MappedFile {
                addr: std::ptr::NonNull::<u8>::dangling().as_ptr().cast(),
                len: 0,
            });
        }
        map(&file, len).map_err(read)
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        #[allow(unsafe_code)]
        // SAFETY: `addr` is a live read-only mapping of `len` bytes (see
        // `map`), unmapped only when `self` is dropped, which the borrow
        // of `self` prevents while the slice lives; or, with `len` 0, a
        // dangling but aligned and non-null address, which is all an
        // empty slice needs. That the bytes do not change is the promise
        // the module's documentation asks for.
        unsafe {
            std::slice::from_raw_parts(self.addr.cast::<u8>(), self.len)
        }
    }
}

/// A mapped file that has been checked to be UTF-8 text. It shares the
/// mapping, so the check can run while another thread reads the bytes.
pub struct MappedText {
    /// `file`'s address and length, copied here: reading the text is
    /// then one step from a `MappedText`, not two.
    addr: *const u8,
    len: usize,
    /// Keeps the mapping alive.
    _file: Rc<MappedFile>,
}

impl MappedText {
    /// Maps the file at `path` and checks that it is UTF-8. (Its line
    /// ends are left as they are: the mapping cannot be written.)
    pub fn open(path: &Path) -> Result<MappedText, XmlError> {
        MappedText::check(path, Rc::new(MappedFile::open(path)?))
    }

    /// Checks that `file`, mapped from `path`, is UTF-8 text.
    pub fn check(
        path: &Path,
        file: Rc<MappedFile>,
    ) -> Result<MappedText, XmlError> {
        let bytes = file.bytes();
        if let Err(e) = std::str::from_utf8(bytes) {
            let position = Position::of(bytes, e.valid_up_to());
            return Err(XmlError::at(path, position, NOT_UTF8));
        }
        let (addr, len) = (bytes.as_ptr(), bytes.len());
        Ok(MappedText {
            addr,
            len,
            _file: file,
        })
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        #[allow(unsafe_code)]
        // SAFETY: `addr` and `len` are those of `MappedFile::bytes` of
        // the file this holds, which stays mapped as long as `self` does;
        // `check`, the only way to make a `MappedText`, ran `from_utf8`
        // over those very bytes, and they cannot change since (the
        // module's promise).
        unsafe {
            let bytes = std::slice::from_raw_parts(self.addr, self.len);
            std::str::from_utf8_unchecked(bytes)
        }
    }
}

/// Maps `len` bytes of `file`, read-only, its pages filled in at once
/// (`MAP_POPULATE`) rather than one page fault at a time.
fn map(file: &File, len: usize) -> io::Result<MappedFile> {
    #[allow(unsafe_code)]
    // SAFETY: a new private read-only mapping at an address the kernel
    // chooses, of a file descriptor that is open for the call; it aliases
    // no memory of ours.
    let addr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            len,
            libc::PROT_READ,
            libc::MAP_PRIVATE | libc::MAP_POPULATE,
            file.as_raw_fd(),
            0,
        )
    };
    if addr == libc::MAP_FAILED {
        return Err(io::Error::last_os_error());
    }
    Ok(MappedFile { addr, len })
}

impl Drop for MappedFile {
    fn drop(&mut self) {
        if self.len != 0 {
            #[allow(unsafe_code)]
            // SAFETY: the mapping `map` made, unmapped once: no slice of
            // it outlives `self`.
            unsafe {
                libc::munmap(self.addr, self.len);
            }
        }
    }
}

impl AsRef<str> for MappedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir()
            .join(format!("part3-mapped-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn a_file_maps_to_its_text() {
        let path = file("ok", "<a>é</a>\n".as_bytes());
        let text = MappedText::open(&path).unwrap();
        assert_eq!(text.as_str(), "<a>é</a>\n");
        drop(text);
        let empty = file("empty", b"");
        assert_eq!(MappedText::open(&empty).unwrap().as_str(), "");
        for p in [path, empty] {
            std::fs::remove_file(p).unwrap();
        }
    }

    #[test]
    fn bad_files_are_refused() {
        let path = file("latin1", b"<a>\n\xe9</a>");
        let e = MappedText::open(&path).err().expect("not UTF-8");
        assert!(e.to_string().contains(":2:1: this is not UTF-8"), "{e}");
        std::fs::remove_file(&path).unwrap();
        let missing = MappedText::open(Path::new("no/such.xml")).err();
        assert!(missing.unwrap().to_string().starts_with("cannot read"));
    }
}
