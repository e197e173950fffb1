//! Files and directories on the blocking pool (asyncio's `to_thread` around `open`).
//!
//! Each function runs its `std::fs` counterpart on the current [`BlockingPool`](crate::BlockingPool)
//! and returns the same `io::Result`, so error kinds (`NotFound`, `PermissionDenied`, ...) are
//! exactly std's. [`File`] keeps an internal buffer so small reads are served without a
//! thread hop; [`read_dir`] yields entries in batches.
//!
//! ```
//! # futures::executor::block_on(async {
//! let dir = std::env::temp_dir().join(format!("weave-fs-doc-{}", std::process::id()));
//! weave_blocking::fs::create_dir_all(&dir).await?;
//! let path = dir.join("hello.txt");
//! weave_blocking::fs::write(&path, "hello").await?;
//! assert_eq!(weave_blocking::fs::read_to_string(&path).await?, "hello");
//! weave_blocking::fs::remove_dir_all(&dir).await?;
//! # std::io::Result::Ok(()) }).unwrap();
//! ```

mod file;
mod open_options;
mod read_dir;

use std::io;
use std::path::{Path, PathBuf};

pub use self::file::File;
pub use self::open_options::OpenOptions;
pub use self::read_dir::{read_dir, DirEntry, ReadDir};
pub use std::fs::{FileType, Metadata, Permissions};

/// Runs `f` on the blocking pool and hands back its result. A panic in `f` is resumed
/// here; a pool that shut down before running `f` gives an error.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match crate::spawn_blocking(f).await {
        Ok(result) => result,
        Err(e) => Err(join_error_to_io(e)),
    }
}

/// A panic is resumed on the caller's thread (as if `std::fs` had panicked there);
/// cancellation only happens when the pool shut down.
pub(crate) fn join_error_to_io(e: weave_core::JoinError) -> io::Error {
    match e.try_into_panic() {
        Ok(payload) => std::panic::resume_unwind(payload),
        Err(_) => io::Error::other("the blocking pool shut down before the file operation ran"),
    }
}

/// Reads a whole file into a vector.
///
/// ```
/// # futures::executor::block_on(async {
/// let err = weave_blocking::fs::read("/no/such/file").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// # });
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads a whole UTF-8 file into a string.
///
/// ```
/// # futures::executor::block_on(async {
/// let p = std::env::temp_dir().join(format!("weave-rts-{}", std::process::id()));
/// weave_blocking::fs::write(&p, "text").await?;
/// assert_eq!(weave_blocking::fs::read_to_string(&p).await?, "text");
/// weave_blocking::fs::remove_file(&p).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` to a file, creating or truncating it.
///
/// ```
/// # futures::executor::block_on(async {
/// let p = std::env::temp_dir().join(format!("weave-write-{}", std::process::id()));
/// weave_blocking::fs::write(&p, b"bytes").await?;
/// assert_eq!(weave_blocking::fs::read(&p).await?, b"bytes");
/// weave_blocking::fs::remove_file(&p).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies a file's contents and permissions; returns the number of bytes copied.
///
/// (`no_run` only because miri, which runs this crate's doc tests, lacks the
/// `copy_file_range` syscall; the unit tests run it.)
///
/// ```no_run
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("weave-cp-a-{}", std::process::id())), dir.join(format!("weave-cp-b-{}", std::process::id())));
/// weave_blocking::fs::write(&a, "abc").await?;
/// assert_eq!(weave_blocking::fs::copy(&a, &b).await?, 3);
/// weave_blocking::fs::remove_file(&a).await?;
/// weave_blocking::fs::remove_file(&b).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::copy(from, to)).await
}

/// Renames a file or directory, replacing `to` if it exists (std's rules).
///
/// ```
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir();
/// let (a, b) = (dir.join(format!("weave-mv-a-{}", std::process::id())), dir.join(format!("weave-mv-b-{}", std::process::id())));
/// weave_blocking::fs::write(&a, "x").await?;
/// weave_blocking::fs::rename(&a, &b).await?;
/// assert!(weave_blocking::fs::metadata(&a).await.is_err());
/// weave_blocking::fs::remove_file(&b).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::rename(from, to)).await
}

/// Creates a directory and all missing parents.
///
/// ```
/// # futures::executor::block_on(async {
/// let d = std::env::temp_dir().join(format!("weave-mkdir-{}", std::process::id())).join("a/b");
/// weave_blocking::fs::create_dir_all(&d).await?;
/// assert!(weave_blocking::fs::metadata(&d).await?.is_dir());
/// weave_blocking::fs::remove_dir_all(d.parent().unwrap().parent().unwrap()).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Creates one directory (its parent must exist).
///
/// ```
/// # futures::executor::block_on(async {
/// let d = std::env::temp_dir().join(format!("weave-mkdir1-{}", std::process::id()));
/// weave_blocking::fs::create_dir(&d).await?;
/// weave_blocking::fs::remove_dir(&d).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Removes a file.
///
/// ```
/// # futures::executor::block_on(async {
/// let err = weave_blocking::fs::remove_file("/no/such/file").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// # });
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory.
///
/// ```
/// # futures::executor::block_on(async {
/// let err = weave_blocking::fs::remove_dir("/no/such/dir").await.unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
/// # });
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory and everything in it.
///
/// ```
/// # futures::executor::block_on(async {
/// let d = std::env::temp_dir().join(format!("weave-rmrf-{}", std::process::id()));
/// weave_blocking::fs::create_dir_all(d.join("x/y")).await?;
/// weave_blocking::fs::remove_dir_all(&d).await?;
/// assert!(weave_blocking::fs::metadata(&d).await.is_err());
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Reads a path's metadata, following symlinks.
///
/// ```
/// # futures::executor::block_on(async {
/// let m = weave_blocking::fs::metadata(std::env::temp_dir()).await?;
/// assert!(m.is_dir());
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Reads a path's metadata without following a final symlink.
///
/// ```
/// # futures::executor::block_on(async {
/// let m = weave_blocking::fs::symlink_metadata(std::env::temp_dir()).await?;
/// assert!(m.is_dir() || m.file_type().is_symlink());
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// The canonical, absolute form of a path with symlinks resolved.
///
/// ```
/// # futures::executor::block_on(async {
/// let p = weave_blocking::fs::canonicalize(".").await?;
/// assert!(p.is_absolute());
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Changes a path's permissions.
///
/// ```
/// # futures::executor::block_on(async {
/// let p = std::env::temp_dir().join(format!("weave-perm-{}", std::process::id()));
/// weave_blocking::fs::write(&p, "x").await?;
/// let mut perms = weave_blocking::fs::metadata(&p).await?.permissions();
/// perms.set_readonly(true);
/// weave_blocking::fs::set_permissions(&p, perms).await?;
/// assert!(weave_blocking::fs::metadata(&p).await?.permissions().readonly());
/// weave_blocking::fs::remove_file(&p).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

#[cfg(all(test, not(loom)))]
mod tests;
