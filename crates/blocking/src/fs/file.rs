//! `File`: a `std::fs::File` whose operations run on the blocking pool.
//!
//! The design is tokio's: the file is either idle, holding a buffer, or busy with one
//! operation on the pool that owns the buffer until it finishes. Reads fetch at least
//! [`READ_AHEAD`] bytes, so many small reads cost one thread hop; writes are copied into the
//! buffer and written behind (the call returns at once, a failure is reported by the next
//! write, `flush` or `close`). Before writing or seeking, unread read-ahead bytes are given
//! back by seeking the OS cursor backwards, so the file position is always what a
//! synchronous user would expect.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use futures_io::{AsyncRead, AsyncSeek, AsyncWrite};
use weave_core::JoinHandle;

use super::{asyncify, join_error_to_io, Metadata, OpenOptions, Permissions};

/// The least a read fetches from the OS.
pub(crate) const READ_AHEAD: usize = 32 * 1024;
/// The most one read or write moves per thread hop.
pub(crate) const MAX_BUF: usize = 2 * 1024 * 1024;

/// An open file. Implements `futures_io::{AsyncRead, AsyncWrite, AsyncSeek}`.
///
/// Writes are written behind: call `flush` (or `close`) and check its result before relying
/// on the data being in the file. Dropping a `File` with a write in flight lets that write
/// finish on the pool, but its error, if any, is lost.
///
/// ```
/// use futures::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
/// use std::io::SeekFrom;
/// use weave_blocking::fs::File;
///
/// # futures::executor::block_on(async {
/// let path = std::env::temp_dir().join(format!("weave-file-doc-{}", std::process::id()));
/// let mut f = File::create(&path).await?;
/// f.write_all(b"hello world").await?;
/// f.flush().await?;
/// let mut f = File::open(&path).await?;
/// f.seek(SeekFrom::Start(6)).await?;
/// let mut s = String::new();
/// f.read_to_string(&mut s).await?;
/// assert_eq!(s, "world");
/// # weave_blocking::fs::remove_file(&path).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct File {
    std: Arc<std::fs::File>,
    state: State,
    /// A write-behind failure not yet reported to the caller.
    write_error: Option<io::Error>,
}

enum State {
    /// No operation in flight. `None` only transiently, while a method holds the buffer.
    Idle(Option<Buf>),
    Busy(JoinHandle<(Op, Buf)>),
}

/// What a finished pool operation produced.
enum Op {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
}

/// Bytes read ahead and not yet handed out are `bytes[pos..]`.
#[derive(Default)]
struct Buf {
    bytes: Vec<u8>,
    pos: usize,
}

impl Buf {
    fn unread(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn copy_to(&mut self, dst: &mut [u8]) -> usize {
        let n = self.unread().min(dst.len());
        dst[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        n
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.pos = 0;
    }

    fn read_from(&mut self, mut file: &std::fs::File, len: usize) -> io::Result<usize> {
        self.clear();
        self.bytes.resize(len, 0);
        let result = loop {
            match file.read(&mut self.bytes) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        self.bytes.truncate(*result.as_ref().unwrap_or(&0));
        result
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("std", &self.std)
            .finish_non_exhaustive()
    }
}

impl File {
    /// Opens a file for reading.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let err = weave_blocking::fs::File::open("/no/such/file").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # });
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        asyncify(move || std::fs::File::open(path))
            .await
            .map(File::from_std)
    }

    /// Opens a file for writing, creating it or truncating it.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let p = std::env::temp_dir().join(format!("weave-create-{}", std::process::id()));
    /// let f = weave_blocking::fs::File::create(&p).await?;
    /// assert_eq!(f.metadata().await?.len(), 0);
    /// # weave_blocking::fs::remove_file(&p).await?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        asyncify(move || std::fs::File::create(path))
            .await
            .map(File::from_std)
    }

    /// Options to open a file with ([`OpenOptions::new`]).
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file.
    ///
    /// ```
    /// let std = std::fs::File::open(std::env::current_exe().unwrap()).unwrap();
    /// let _f = weave_blocking::fs::File::from_std(std);
    /// ```
    pub fn from_std(std: std::fs::File) -> File {
        File {
            std: Arc::new(std),
            state: State::Idle(Some(Buf::default())),
            write_error: None,
        }
    }

    /// Waits for in-flight operations, then hands back the std file (with its OS cursor where
    /// this `File`'s position is).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let f = weave_blocking::fs::File::open(std::env::current_exe()?).await?;
    /// let std: std::fs::File = f.into_std().await;
    /// # drop(std); std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn into_std(mut self) -> std::fs::File {
        // Errors of a write-behind are dropped, as `std::fs::File`'s drop drops them.
        let _ = std::future::poll_fn(|cx| self.poll_settle(cx)).await;
        let std = self.std.clone();
        drop(self);
        Arc::try_unwrap(std).unwrap_or_else(|arc| {
            arc.try_clone()
                .expect("weave-blocking: cannot duplicate the file descriptor")
        })
    }

    /// Reads the file's metadata.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Flushes pending writes and asks the OS to persist data and metadata (`fsync`).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// use futures::AsyncWriteExt;
    /// let p = std::env::temp_dir().join(format!("weave-sync-{}", std::process::id()));
    /// let mut f = weave_blocking::fs::File::create(&p).await?;
    /// f.write_all(b"durable").await?;
    /// f.sync_all().await?;
    /// # weave_blocking::fs::remove_file(&p).await?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn sync_all(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Like [`sync_all`](File::sync_all) but may skip metadata (`fdatasync`).
    pub async fn sync_data(&mut self) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes (the position does not move).
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let p = std::env::temp_dir().join(format!("weave-setlen-{}", std::process::id()));
    /// let mut f = weave_blocking::fs::File::create(&p).await?;
    /// f.set_len(10).await?;
    /// assert_eq!(f.metadata().await?.len(), 10);
    /// # weave_blocking::fs::remove_file(&p).await?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn set_len(&mut self, size: u64) -> io::Result<()> {
        std::future::poll_fn(|cx| self.poll_settle(cx)).await?;
        self.discard_read_ahead().await?;
        let std = self.std.clone();
        asyncify(move || std.set_len(size)).await
    }

    /// Changes the file's permissions.
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Gives read-ahead bytes back to the OS cursor (must be idle).
    async fn discard_read_ahead(&mut self) -> io::Result<()> {
        let unread = match &mut self.state {
            State::Idle(Some(buf)) => {
                let unread = buf.unread();
                buf.clear();
                unread
            }
            _ => 0,
        };
        if unread > 0 {
            let std = self.std.clone();
            asyncify(move || (&*std).seek(SeekFrom::Current(-(unread as i64)))).await?;
        }
        Ok(())
    }

    /// Waits until no operation is in flight; reports a pending write-behind error.
    fn poll_settle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let State::Busy(handle) = &mut self.state {
            let (op, buf) = ready!(Pin::new(handle).poll(cx)).map_err(join_error_to_io)?;
            self.state = State::Idle(Some(buf));
            if let Op::Write(Err(e)) = op {
                return Poll::Ready(Err(e));
            }
        }
        Poll::Ready(match self.write_error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        })
    }

    /// Takes the idle buffer. Only called in the `Idle` state.
    fn take_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => buf.take().unwrap_or_default(),
            State::Busy(_) => unreachable!("File buffer taken while an operation is in flight"),
        }
    }

    fn start(
        &mut self,
        op: impl FnOnce(&std::fs::File, &mut Buf) -> Op + Send + 'static,
        mut buf: Buf,
    ) {
        let std = self.std.clone();
        self.state = State::Busy(crate::spawn_blocking(move || {
            let op = op(&std, &mut buf);
            (op, buf)
        }));
    }
}

use std::future::Future as _;

impl AsyncRead for File {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if dst.is_empty() {
            return Poll::Ready(Ok(0));
        }
        loop {
            match &mut this.state {
                State::Idle(Some(buf)) if buf.unread() > 0 => {
                    return Poll::Ready(Ok(buf.copy_to(dst)));
                }
                State::Idle(_) => {
                    let buf = this.take_buf();
                    let len = dst.len().clamp(READ_AHEAD, MAX_BUF);
                    this.start(move |file, buf| Op::Read(buf.read_from(file, len)), buf);
                }
                State::Busy(handle) => {
                    let (op, mut buf) =
                        ready!(Pin::new(handle).poll(cx)).map_err(join_error_to_io)?;
                    let result = match op {
                        Op::Read(Ok(_)) => Ok(buf.copy_to(dst)),
                        Op::Read(Err(e)) => Err(e),
                        other => {
                            // A write-behind or seek finished first: keep a write error
                            // for the next write or flush, then start the read.
                            if let Op::Write(Err(e)) = other {
                                this.write_error = Some(e);
                            }
                            this.state = State::Idle(Some(buf));
                            continue;
                        }
                    };
                    this.state = State::Idle(Some(buf));
                    return Poll::Ready(result);
                }
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if let Some(e) = this.write_error.take() {
            return Poll::Ready(Err(e));
        }
        loop {
            match &mut this.state {
                State::Idle(_) => {
                    let mut buf = this.take_buf();
                    // Unread read-ahead: the OS cursor is past the logical position.
                    let rewind = buf.unread() as i64;
                    buf.clear();
                    let n = src.len().min(MAX_BUF);
                    buf.bytes.extend_from_slice(&src[..n]);
                    this.start(
                        move |mut file, buf| {
                            let result = (|| {
                                if rewind > 0 {
                                    file.seek(SeekFrom::Current(-rewind))?;
                                }
                                file.write_all(&buf.bytes)
                            })();
                            buf.clear();
                            Op::Write(result)
                        },
                        buf,
                    );
                    return Poll::Ready(Ok(n));
                }
                State::Busy(handle) => {
                    let (op, buf) = ready!(Pin::new(handle).poll(cx)).map_err(join_error_to_io)?;
                    this.state = State::Idle(Some(buf));
                    if let Op::Write(Err(e)) = op {
                        return Poll::Ready(Err(e));
                    }
                }
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_settle(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_settle(cx)
    }
}

impl AsyncSeek for File {
    fn poll_seek(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        pos: SeekFrom,
    ) -> Poll<io::Result<u64>> {
        let this = &mut *self;
        loop {
            match &mut this.state {
                State::Idle(_) => {
                    let mut buf = this.take_buf();
                    // The OS cursor is `unread` bytes ahead of the caller's position.
                    let pos = match pos {
                        SeekFrom::Current(off) => SeekFrom::Current(off - buf.unread() as i64),
                        other => other,
                    };
                    buf.clear();
                    this.start(move |mut file, _| Op::Seek(file.seek(pos)), buf);
                }
                State::Busy(handle) => {
                    let (op, buf) = ready!(Pin::new(handle).poll(cx)).map_err(join_error_to_io)?;
                    this.state = State::Idle(Some(buf));
                    match op {
                        // Only `poll_seek` starts seeks, so this one answers the caller.
                        Op::Seek(result) => return Poll::Ready(result),
                        Op::Write(Err(e)) => return Poll::Ready(Err(e)),
                        Op::Write(Ok(())) | Op::Read(_) => {}
                    }
                }
            }
        }
    }
}
