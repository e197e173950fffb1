//! The child's pipes, registered with the reactor.

use std::fs::File;
use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::OwnedFd;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_io::{AsyncRead, AsyncWrite};

use crate::net::Async;

/// Wraps a pipe end as a non-blocking, reactor-registered file.
fn register(fd: impl Into<OwnedFd>) -> io::Result<Async<File>> {
    Async::new(File::from(fd.into()))
}

macro_rules! pipe_end {
    ($(#[$doc:meta])* $name:ident, $std:ty) => {
        $(#[$doc])*
        #[derive(Debug)]
        pub struct $name {
            inner: Async<File>,
        }

        impl $name {
            pub(super) fn new(std: $std) -> io::Result<$name> {
                Ok($name { inner: register(std)? })
            }
        }
    };
}

pipe_end!(
    /// The child's standard input: write to it (`AsyncWrite`); drop it to send EOF.
    ChildStdin,
    std::process::ChildStdin
);
pipe_end!(
    /// The child's standard output (`AsyncRead`).
    ChildStdout,
    std::process::ChildStdout
);
pipe_end!(
    /// The child's standard error (`AsyncRead`).
    ChildStderr,
    std::process::ChildStderr
);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_close(cx)
    }
}

macro_rules! async_read {
    ($name:ident) => {
        impl AsyncRead for $name {
            fn poll_read(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.inner).poll_read(cx, buf)
            }

            fn poll_read_vectored(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &mut [IoSliceMut<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.inner).poll_read_vectored(cx, bufs)
            }
        }
    };
}

async_read!(ChildStdout);
async_read!(ChildStderr);
