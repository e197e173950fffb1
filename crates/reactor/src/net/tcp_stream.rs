//! `TcpStream`: a connected TCP socket.

use std::fmt;
use std::io::{self, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_io::AsyncRead;
use socket2::{Domain, SockRef, Socket, Type};

use super::addr::{each_addr, ToSocketAddrs};
use super::read_buffer::ReadBuffer;
use super::split::{self, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::{Async, Handle};

/// `connect(2)` on a non-blocking socket answers "in progress".
#[cfg(target_os = "linux")]
pub(crate) const EINPROGRESS: i32 = 115;
#[cfg(not(target_os = "linux"))]
pub(crate) const EINPROGRESS: i32 = 36;

/// A TCP connection. Implements `futures_io::{AsyncRead, AsyncWrite}`, also through `&TcpStream`
/// (so one task can read while another writes).
///
/// Reads smaller than 16 KiB receive into a per-thread scratch buffer and keep any surplus
/// in the stream until the next read, so a `read_exact` of a small frame costs one `recv`
/// instead of two (the second only finding `WouldBlock`). Writes are not buffered.
///
/// ```
/// use futures::{AsyncReadExt, AsyncWriteExt};
/// use weave_reactor::net::{TcpListener, TcpStream};
///
/// # futures::executor::block_on(async {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let mut client = TcpStream::connect(listener.local_addr()?).await?;
/// client.set_nodelay(true)?;
/// let (mut server, _) = listener.accept().await?;
/// client.write_all(b"ping").await?;
/// client.close().await?; // half-close: sends FIN, can still read
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await?;
/// assert_eq!(got, b"ping");
/// server.write_all(b"pong").await?;
/// let mut reply = [0u8; 4];
/// client.read_exact(&mut reply).await?;
/// assert_eq!(&reply, b"pong");
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub struct TcpStream {
    io: Async<std::net::TcpStream>,
    buffer: ReadBuffer,
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}

impl TcpStream {
    pub(crate) fn from_async(io: Async<std::net::TcpStream>) -> TcpStream {
        TcpStream {
            io,
            buffer: ReadBuffer::default(),
        }
    }

    /// Connects to `addr`, trying each resolved address in turn (host names are resolved on
    /// the blocking pool). A closed port gives `ConnectionRefused`.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// // Bind then drop a listener to find a port nobody listens on.
    /// let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    /// let err = weave_reactor::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn connect(addr: impl ToSocketAddrs) -> io::Result<TcpStream> {
        let handle = Handle::current();
        each_addr(addr, |addr| TcpStream::connect_one(addr, handle.clone())).await
    }

    async fn connect_one(addr: SocketAddr, handle: Handle) -> io::Result<TcpStream> {
        let socket = Socket::new(
            Domain::for_address(addr),
            Type::STREAM.nonblocking().cloexec(),
            None,
        )?;
        match socket.connect(&addr.into()) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(EINPROGRESS) => {}
            Err(e) => return Err(e),
        }
        let io = Async::registered(std::net::TcpStream::from(socket), &handle)?;
        // The connection is settled (established or failed) when the socket turns writable.
        io.writable().await?;
        if let Some(e) = io.get_ref().take_error()? {
            return Err(e);
        }
        Ok(TcpStream {
            io,
            buffer: ReadBuffer::default(),
        })
    }

    /// Wraps a connected std stream (made non-blocking here), registering it with the
    /// current reactor.
    ///
    /// ```
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    /// let std = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    /// let stream = weave_reactor::net::TcpStream::from_std(std).unwrap();
    /// assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
    /// ```
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: Async::new(stream)?,
            buffer: ReadBuffer::default(),
        })
    }

    /// Deregisters the stream and returns the std socket (still non-blocking).
    ///
    /// Fails if bytes already received are waiting in this stream's small-read buffer
    /// (read them first): handing out the socket would silently lose them.
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        if self.buffer.has_leftover() {
            return Err(leftover_error());
        }
        self.io.into_inner()
    }

    /// The remote address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm: small writes go out at once).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Reads `TCP_NODELAY`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets `SO_LINGER`: `Some(d)` makes close wait up to `d` for unsent data (`Some(ZERO)`
    /// resets the connection on close); `None` restores the default.
    pub fn set_linger(&self, linger: Option<Duration>) -> io::Result<()> {
        SockRef::from(self.io.get_ref()).set_linger(linger)
    }

    /// Reads `SO_LINGER`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        SockRef::from(self.io.get_ref()).linger()
    }

    /// Sets `IP_TTL`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Reads `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Shuts down the read side, the write side (sends FIN) or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Reads without consuming: the next read sees the same bytes.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(n) = self.buffer.peek(buf) {
            return Ok(n);
        }
        self.io.read_with(|s| s.peek(buf)).await
    }

    /// Waits until the stream is readable (see [`Async::readable`]); at once if received
    /// bytes wait in the small-read buffer.
    pub async fn readable(&self) -> io::Result<()> {
        if self.buffer.has_leftover() {
            return Ok(());
        }
        self.io.readable().await
    }

    /// Waits until the stream is writable.
    pub async fn writable(&self) -> io::Result<()> {
        self.io.writable().await
    }

    /// Borrowed read and write halves, to read and write concurrently from one task (e.g. under `join!`).
    ///
    /// ```
    /// use futures::{AsyncReadExt, AsyncWriteExt};
    /// # futures::executor::block_on(async {
    /// let listener = weave_reactor::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut client = weave_reactor::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// let (mut reader, mut writer) = server.split();
    /// client.write_all(b"echo").await?;
    /// let mut buf = [0u8; 4];
    /// reader.read_exact(&mut buf).await?;
    /// writer.write_all(&buf).await?;
    /// client.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"echo");
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub fn split(&mut self) -> (ReadHalf<'_, TcpStream>, WriteHalf<'_, TcpStream>) {
        split::split(self)
    }

    /// Owned halves, movable to different tasks. Dropping the write half shuts down the
    /// write side; [`OwnedReadHalf::reunite`] puts them back together.
    pub fn into_split(self) -> (OwnedReadHalf<TcpStream>, OwnedWriteHalf<TcpStream>) {
        split::into_split(self)
    }
}

pub(crate) fn leftover_error() -> io::Error {
    io::Error::other(
        "bytes already received are buffered in the Weave stream; read them before into_std",
    )
}

impl split::HalfClose for TcpStream {
    fn shutdown_write(&self) -> io::Result<()> {
        match self.shutdown(Shutdown::Write) {
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            other => other,
        }
    }
}

impl AsyncRead for &TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this: &TcpStream = *self;
        this.buffer
            .poll_read(cx, buf, |cx, buf| this.io.poll_read_stream(cx, buf))
    }

    fn poll_read_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.buffer.has_leftover() {
            // Hand out buffered bytes first, into the first non-empty slice.
            return match bufs.iter_mut().find(|b| !b.is_empty()) {
                Some(b) => self.as_mut().poll_read(cx, b),
                None => Poll::Ready(Ok(0)),
            };
        }
        self.io
            .poll_read_with(cx, |mut s| io::Read::read_vectored(&mut s, bufs))
    }
}

stream_io_impls!(TcpStream);

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;
    fn try_from(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}
