//! Read and write halves of a stream socket (`TcpStream`, `UnixStream`).
//!
//! Reads and writes use separate waker slots, so the halves can wait at the same time in
//! different tasks. Borrowed halves cost nothing; owned halves share the socket through an
//! `Arc`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

/// A stream socket whose write side can be shut down alone. Implemented by
/// [`TcpStream`](super::TcpStream) and [`UnixStream`](super::UnixStream); sealed.
pub trait HalfClose: sealed::Sealed {
    #[doc(hidden)]
    fn shutdown_write(&self) -> io::Result<()>;
}

pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for super::super::TcpStream {}
    impl Sealed for super::super::UnixStream {}
}

/// The borrowed read half from `split()`.
#[derive(Debug)]
pub struct ReadHalf<'a, S>(&'a S);

/// The borrowed write half from `split()`. Closing it shuts down the write side.
#[derive(Debug)]
pub struct WriteHalf<'a, S>(&'a S);

/// The owned read half from `into_split()`.
pub struct OwnedReadHalf<S>(Arc<S>);

/// The owned write half from `into_split()`. Dropping it shuts down the write side (the
/// peer reads end of stream), as closing it does.
pub struct OwnedWriteHalf<S: HalfClose> {
    stream: Arc<S>,
    shutdown_on_drop: bool,
}

pub(crate) fn split<S>(stream: &mut S) -> (ReadHalf<'_, S>, WriteHalf<'_, S>) {
    (ReadHalf(stream), WriteHalf(stream))
}

pub(crate) fn into_split<S: HalfClose>(stream: S) -> (OwnedReadHalf<S>, OwnedWriteHalf<S>) {
    let stream = Arc::new(stream);
    (
        OwnedReadHalf(stream.clone()),
        OwnedWriteHalf {
            stream,
            shutdown_on_drop: true,
        },
    )
}

impl<S> fmt::Debug for OwnedReadHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedReadHalf").finish_non_exhaustive()
    }
}

impl<S: HalfClose> fmt::Debug for OwnedWriteHalf<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedWriteHalf").finish_non_exhaustive()
    }
}

/// The halves given to [`OwnedReadHalf::reunite`] came from different streams.
pub struct ReuniteError<S: HalfClose>(pub OwnedReadHalf<S>, pub OwnedWriteHalf<S>);

impl<S: HalfClose> fmt::Debug for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ReuniteError").finish_non_exhaustive()
    }
}

impl<S: HalfClose> fmt::Display for ReuniteError<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl<S: HalfClose> std::error::Error for ReuniteError<S> {}

impl<S: HalfClose> OwnedReadHalf<S> {
    /// Puts the halves back together into the stream.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let listener = weave_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weave_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (r, w) = stream.into_split();
    /// let stream = r.reunite(w).unwrap();
    /// # drop(stream);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn reunite(self, mut other: OwnedWriteHalf<S>) -> Result<S, ReuniteError<S>> {
        if !Arc::ptr_eq(&self.0, &other.stream) {
            return Err(ReuniteError(self, other));
        }
        other.shutdown_on_drop = false;
        let stream = other.stream.clone();
        drop(other);
        drop(self);
        Ok(Arc::try_unwrap(stream)
            .unwrap_or_else(|_| unreachable!("both halves were dropped, the Arc is unique")))
    }
}

impl<S: HalfClose> Drop for OwnedWriteHalf<S> {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.stream.shutdown_write();
        }
    }
}

impl<'a, S> AsyncRead for ReadHalf<'a, S>
where
    &'a S: AsyncRead,
{
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl<'a, S> AsyncWrite for WriteHalf<'a, S>
where
    &'a S: AsyncWrite,
{
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_close(cx)
    }
}

impl<S> AsyncRead for OwnedReadHalf<S>
where
    for<'a> &'a S: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.0).poll_read(cx, buf)
    }
}

impl<S: HalfClose> AsyncWrite for OwnedWriteHalf<S>
where
    for<'a> &'a S: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.stream).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.stream).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.stream).poll_close(cx)
    }
}
