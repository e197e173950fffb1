//! `read_dir`: directory entries as a `Stream`, fetched on the blocking pool in batches.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use futures_core::Stream;
use weave_core::JoinHandle;

use super::{asyncify, join_error_to_io, FileType, Metadata};

/// Entries fetched per thread hop.
const BATCH: usize = 32;

/// Lists a directory. The stream yields `io::Result<DirEntry>` in the OS's order.
///
/// ```
/// use futures::StreamExt;
///
/// # futures::executor::block_on(async {
/// let dir = std::env::temp_dir().join(format!("weave-ls-{}", std::process::id()));
/// weave_blocking::fs::create_dir_all(&dir).await?;
/// weave_blocking::fs::write(dir.join("a"), "").await?;
/// let mut entries = weave_blocking::fs::read_dir(&dir).await?;
/// let mut names = Vec::new();
/// while let Some(entry) = entries.next().await {
///     names.push(entry?.file_name());
/// }
/// assert_eq!(names, ["a"]);
/// # weave_blocking::fs::remove_dir_all(&dir).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = asyncify(move || std::fs::read_dir(path)).await?;
    Ok(ReadDir {
        state: State::Idle(Some(Batch {
            entries: VecDeque::new(),
            std,
            done: false,
        })),
    })
}

/// The stream returned by [`read_dir`].
pub struct ReadDir {
    state: State,
}

enum State {
    Idle(Option<Batch>),
    Busy(JoinHandle<Batch>),
}

struct Batch {
    entries: VecDeque<io::Result<std::fs::DirEntry>>,
    std: std::fs::ReadDir,
    done: bool,
}

impl fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

impl ReadDir {
    /// The next entry, or `None` at the end (the same as the `Stream`'s `next`).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let mut entries = weave_blocking::fs::read_dir(std::env::temp_dir()).await?;
    /// while let Some(entry) = entries.next_entry().await? {
    ///     let _ = entry.path();
    /// }
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl Stream for ReadDir {
    type Item = io::Result<DirEntry>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            match &mut self.state {
                State::Idle(batch) => {
                    let mut batch = batch.take().expect("ReadDir polled after a panic");
                    if let Some(entry) = batch.entries.pop_front() {
                        self.state = State::Idle(Some(batch));
                        return Poll::Ready(Some(entry.map(|e| DirEntry(Arc::new(e)))));
                    }
                    if batch.done {
                        self.state = State::Idle(Some(batch));
                        return Poll::Ready(None);
                    }
                    self.state = State::Busy(crate::spawn_blocking(move || {
                        batch.entries.extend(batch.std.by_ref().take(BATCH));
                        batch.done = batch.entries.len() < BATCH;
                        batch
                    }));
                }
                State::Busy(handle) => {
                    let batch = match ready!(Pin::new(handle).poll(cx)) {
                        Ok(batch) => batch,
                        Err(e) => return Poll::Ready(Some(Err(join_error_to_io(e)))),
                    };
                    self.state = State::Idle(Some(batch));
                }
            }
        }
    }
}

/// One directory entry. `metadata` and `file_type` may need a system call, so they are async.
#[derive(Clone)]
pub struct DirEntry(Arc<std::fs::DirEntry>);

impl fmt::Debug for DirEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl DirEntry {
    /// The entry's full path (the directory's path joined with the name).
    pub fn path(&self) -> PathBuf {
        self.0.path()
    }

    /// The entry's name within its directory.
    pub fn file_name(&self) -> OsString {
        self.0.file_name()
    }

    /// The entry's metadata (not following a symlink).
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let entry = self.0.clone();
        asyncify(move || entry.metadata()).await
    }

    /// The entry's file type.
    pub async fn file_type(&self) -> io::Result<FileType> {
        let entry = self.0.clone();
        asyncify(move || entry.file_type()).await
    }
}
