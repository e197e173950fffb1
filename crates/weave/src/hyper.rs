//! Running [hyper](https://docs.rs/hyper) 1.x on Weave: hyper is runtime-agnostic and asks
//! for its I/O, task spawning and timers through the traits in `hyper::rt`; these are
//! Weave's implementations of them (like `hyper-util`'s `TokioIo` and `TokioExecutor`).
//! The `fetch` example is a whole client and server built on them.
//!
//! ```
//! use bytes::Bytes;
//! use http_body_util::{BodyExt, Empty, Full};
//! use weave::hyper::{HyperExecutor, HyperIo};
//!
//! weave::block_on(async {
//!     let (client, server) = weave::net::UnixStream::pair()?;
//!     // Server: one connection, answering every request with "hello".
//!     weave::spawn(async move {
//!         let service = hyper::service::service_fn(|_request| async {
//!             Ok::<_, std::convert::Infallible>(hyper::Response::new(Full::new(Bytes::from("hello"))))
//!         });
//!         let _ = hyper::server::conn::http1::Builder::new()
//!             .serve_connection(HyperIo::new(server), service)
//!             .await;
//!     });
//!     // Client: the connection runs as its own task, the sender issues requests.
//!     let (mut sender, connection) =
//!         hyper::client::conn::http1::handshake(HyperIo::new(client)).await.unwrap();
//!     hyper::rt::Executor::execute(&HyperExecutor, async move {
//!         let _ = connection.await;
//!     });
//!     let request = hyper::Request::get("/").body(Empty::<Bytes>::new()).unwrap();
//!     let response = sender.send_request(request).await.unwrap();
//!     let body = response.into_body().collect().await.unwrap().to_bytes();
//!     assert_eq!(&body[..], b"hello");
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

/// Wraps a `futures_io` stream so hyper can read and write it.
///
/// ```
/// use weave::hyper::HyperIo;
///
/// let io = HyperIo::new(futures::io::Cursor::new(Vec::<u8>::new()));
/// let inner: futures::io::Cursor<Vec<u8>> = io.into_inner();
/// assert!(inner.get_ref().is_empty());
/// ```
#[derive(Debug)]
pub struct HyperIo<T> {
    inner: T,
    /// Initialised bytes to read into before copying to hyper's buffer; allocated on the
    /// first read and reused (zeroing a stack buffer on every poll showed up in profiles).
    scratch: Vec<u8>,
}

impl<T> HyperIo<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> HyperIo<T> {
        HyperIo {
            inner,
            scratch: Vec::new(),
        }
    }

    /// The wrapped stream.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// A reference to the wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }
}

/// How much one `poll_read` copies at most. hyper's read buffer starts at 8 KiB, so this
/// covers a whole read in the common case.
const READ_CHUNK: usize = 8 * 1024;

impl<T: AsyncRead + Unpin> hyper::rt::Read for HyperIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        // futures-io reads into initialised memory and hyper hands out uninitialised memory;
        // going through a scratch buffer keeps this module free of `unsafe` for one memcpy.
        let this = self.get_mut();
        if this.scratch.is_empty() {
            this.scratch = vec![0; READ_CHUNK];
        }
        let len = buf.remaining().min(READ_CHUNK);
        match Pin::new(&mut this.inner).poll_read(cx, &mut this.scratch[..len]) {
            Poll::Ready(Ok(n)) => {
                buf.put_slice(&this.scratch[..n]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> hyper::rt::Write for HyperIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_close(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
}

/// Spawns hyper's background futures (HTTP/1 client connections, server upgrades) onto the
/// current Weave runtime.
///
/// ```
/// use hyper::rt::Executor;
///
/// weave::block_on(async {
///     let (tx, rx) = weave::sync::oneshot::channel();
///     weave::hyper::HyperExecutor.execute(async move {
///         let _ = tx.send("ran as a task");
///     });
///     assert_eq!(rx.await.unwrap(), "ran as a task");
/// });
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HyperExecutor;

impl<F> hyper::rt::Executor<F> for HyperExecutor
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    #[track_caller]
    fn execute(&self, future: F) {
        drop(crate::spawn(future));
    }
}
