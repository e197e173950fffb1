//! `Async<T>`: any file descriptor, made awaitable (asyncio's `add_reader`/`add_writer`).

use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};
use mio::unix::SourceFd;

use crate::handle::Handle;
use crate::ready::Direction;
use crate::registration::Registration;

/// An I/O source registered with a reactor: a socket, pipe, eventfd, tty or anything else
/// with a file descriptor that `epoll` accepts.
///
/// [`Async::new`] switches the descriptor to non-blocking mode and registers it (with the
/// current reactor, see [`Handle::current`]). Then [`read_with`](Async::read_with) /
/// [`write_with`](Async::write_with) run a non-blocking operation, retrying it each time the
/// reactor reports readiness while it says `WouldBlock`. If `&T` implements `Read` or
/// `Write`, `Async<T>` and `&Async<T>` implement `futures_io::AsyncRead`/`AsyncWrite`.
///
/// Readiness is remembered until an operation through `read_with`/`write_with` (or the
/// `AsyncRead`/`AsyncWrite` impls) hits `WouldBlock`: [`readable`](Async::readable)
/// returns at once while the last operation has not. One waiting task per direction is
/// woken; a second task waiting in the same direction replaces the first.
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use weave_reactor::Async;
///
/// # futures::executor::block_on(async {
/// let (a, mut b) = UnixStream::pair()?;
/// let a = Async::new(a)?;
/// b.write_all(b"ping")?;
/// let mut buf = [0u8; 4];
/// let n = a.read_with(|s| (&*s).read(&mut buf)).await?;
/// assert_eq!(&buf[..n], b"ping");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct Async<T: AsFd> {
    io: Option<T>,
    registration: Registration,
}

impl<T: AsFd + fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .finish_non_exhaustive()
    }
}

impl<T: AsFd> Async<T> {
    /// Makes `io` non-blocking and registers it with the current reactor.
    pub fn new(io: T) -> io::Result<Async<T>> {
        Async::with_handle(io, &Handle::current())
    }

    /// Makes `io` non-blocking and registers it with `handle`'s reactor.
    ///
    /// ```
    /// let driver = weave_reactor::ReactorDriver::new().unwrap();
    /// let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    /// let a = weave_reactor::Async::with_handle(a, &driver.handle()).unwrap();
    /// # drop(a);
    /// ```
    pub fn with_handle(io: T, handle: &Handle) -> io::Result<Async<T>> {
        socket2::SockRef::from(&io).set_nonblocking(true)?;
        Async::registered(io, handle)
    }

    /// Registers `io`, which the caller already made non-blocking.
    pub(crate) fn registered(io: T, handle: &Handle) -> io::Result<Async<T>> {
        let fd = io.as_fd().as_raw_fd();
        let registration = Registration::new(&mut SourceFd(&fd), handle.clone())?;
        Ok(Async {
            io: Some(io),
            registration,
        })
    }

    /// The reactor this source is registered with.
    pub(crate) fn registration_handle(&self) -> Handle {
        self.registration.handle().clone()
    }

    /// The wrapped source.
    pub fn get_ref(&self) -> &T {
        self.io.as_ref().expect("Async used after into_inner")
    }

    /// The wrapped source, mutably. Do not replace its descriptor: the registration is for
    /// the one it had.
    pub fn get_mut(&mut self) -> &mut T {
        self.io.as_mut().expect("Async used after into_inner")
    }

    /// Deregisters the source and returns it (still in non-blocking mode).
    ///
    /// ```
    /// let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    /// let a = weave_reactor::Async::new(a).unwrap();
    /// let std_stream = a.into_inner().unwrap();
    /// std_stream.set_nonblocking(false).unwrap();
    /// ```
    pub fn into_inner(mut self) -> io::Result<T> {
        let io = self.io.take().expect("Async used after into_inner");
        let fd = io.as_fd().as_raw_fd();
        self.registration.deregister(&mut SourceFd(&fd))?;
        Ok(io)
    }

    /// `Ready` once the reactor reported the source readable (or closed, or in error).
    pub fn poll_readable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Read)
            .map_ok(|_| ())
    }

    /// `Ready` once the reactor reported the source writable (or closed, or in error).
    pub fn poll_writable(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration
            .poll_ready(cx, Direction::Write)
            .map_ok(|_| ())
    }

    /// Waits until the source is reported readable.
    ///
    /// ```
    /// use std::io::Write;
    /// # futures::executor::block_on(async {
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = weave_reactor::Async::new(a)?;
    /// b.write_all(b"x")?;
    /// a.readable().await?;
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_readable(cx)).await
    }

    /// Waits until the source is reported writable.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = weave_reactor::Async::new(a)?;
    /// a.writable().await?; // an empty socket buffer is writable
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        poll_fn(|cx| self.poll_writable(cx)).await
    }

    /// Runs `op` (a non-blocking read-side operation) until it does not fail with
    /// `WouldBlock`, waiting for readability in between.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// [`read_with`](Async::read_with) with mutable access to the source.
    pub async fn read_with_mut<R>(
        &mut self,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        poll_fn(|cx| {
            let io = self.io.as_mut().expect("Async used after into_inner");
            self.registration.poll_io(cx, Direction::Read, |_| op(io))
        })
        .await
    }

    /// Runs `op` (a non-blocking write-side operation) until it does not fail with
    /// `WouldBlock`, waiting for writability in between.
    ///
    /// ```
    /// use std::io::Write;
    /// # futures::executor::block_on(async {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// let a = weave_reactor::Async::new(a)?;
    /// let n = a.write_with(|s| (&*s).write(b"hello")).await?;
    /// assert_eq!(n, 5);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
    }

    /// [`write_with`](Async::write_with) with mutable access to the source.
    pub async fn write_with_mut<R>(
        &mut self,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        poll_fn(|cx| {
            let io = self.io.as_mut().expect("Async used after into_inner");
            self.registration.poll_io(cx, Direction::Write, |_| op(io))
        })
        .await
    }

    /// The poll form of [`read_with`](Async::read_with).
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Read, |_| op(io))
    }

    /// The poll form of [`write_with`](Async::write_with).
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Write, |_| op(io))
    }

    /// A byte-stream read: a short read means the socket buffer was drained, so the
    /// readiness is cleared right away and the next read waits for the next edge instead
    /// of making a `recv` that would say `WouldBlock` (tokio's extra syscall per message).
    /// Only for stream sockets, where that inference holds.
    pub(crate) fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>>
    where
        for<'a> &'a T: Read,
    {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Read, |event| {
            let n = (&mut &*io).read(buf)?;
            if n > 0 && n < buf.len() && !event.ready.is_read_closed() {
                self.registration.clear(event);
            }
            Ok(n)
        })
    }

    /// A byte-stream write; a short write means the send buffer is full (see
    /// `poll_read_stream`).
    pub(crate) fn poll_write_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>
    where
        for<'a> &'a T: Write,
    {
        let io = self.get_ref();
        self.registration.poll_io(cx, Direction::Write, |event| {
            let n = (&mut &*io).write(buf)?;
            if n > 0 && n < buf.len() {
                self.registration.clear(event);
            }
            Ok(n)
        })
    }

    pub(crate) fn poll_write_vectored_stream(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        for<'a> &'a T: Write,
    {
        let io = self.get_ref();
        self.registration
            .poll_io(cx, Direction::Write, |_| (&mut &*io).write_vectored(bufs))
    }
}

impl<T: AsFd> AsFd for Async<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<T: AsFd> AsRawFd for Async<T> {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.get_ref().as_fd().as_raw_fd()
    }
}

impl<T: AsFd> Drop for Async<T> {
    fn drop(&mut self) {
        if let Some(io) = self.io.take() {
            let fd = io.as_fd().as_raw_fd();
            // Failure means epoll already forgot the fd; the slab slot is freed either way.
            let _ = self.registration.deregister(&mut SourceFd(&fd));
        }
    }
}

impl<T: AsFd> AsyncRead for Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read(buf))
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read_vectored(bufs))
    }
}

impl<T: AsFd> AsyncRead for &Async<T>
where
    for<'a> &'a T: Read,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_with(cx, |mut io| io.read(buf))
    }
}

impl<T: AsFd> AsyncWrite for Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write(buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write_vectored(bufs))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl<T: AsFd> AsyncWrite for &Async<T>
where
    for<'a> &'a T: Write,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |mut io| io.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_write_with(cx, |mut io| io.flush())
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
