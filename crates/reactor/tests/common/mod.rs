//! Helpers shared by the reactor's integration tests.

#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::{AsyncReadExt, AsyncWriteExt};
use weave_reactor::net::TcpStream;
use weave_reactor::Handle;

/// Runs `future` with `handle` entered on whichever thread polls it, so sockets it creates
/// register with that reactor (what the `weave` runtime does on every worker).
pub(crate) fn with_reactor<F: Future>(handle: &Handle, future: F) -> WithReactor<F> {
    WithReactor {
        handle: handle.clone(),
        future: Box::pin(future),
    }
}

pub(crate) struct WithReactor<F> {
    handle: Handle,
    future: Pin<Box<F>>,
}

impl<F: Future> Future for WithReactor<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _guard = self.handle.enter();
        self.future.as_mut().poll(cx)
    }
}

/// Echoes everything until end of stream.
pub(crate) async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
    }
}

/// A 64-byte message naming client `i`, message `j`.
pub(crate) fn message(i: usize, j: usize) -> [u8; 64] {
    let mut m = [0u8; 64];
    for (k, b) in m.iter_mut().enumerate() {
        *b = (i * 31 + j * 7 + k) as u8;
    }
    m[..8].copy_from_slice(&(i as u32).to_le_bytes().repeat(2));
    m
}

/// One client: `messages` round trips of 64-byte messages, each checked.
pub(crate) async fn echo_client(
    addr: std::net::SocketAddr,
    i: usize,
    messages: usize,
) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut reply = [0u8; 64];
    for j in 0..messages {
        let m = message(i, j);
        stream.write_all(&m).await?;
        stream.read_exact(&mut reply).await?;
        assert_eq!(reply, m, "client {i} message {j} came back altered");
    }
    Ok(())
}
