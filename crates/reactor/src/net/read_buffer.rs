//! Small reads through a scratch buffer, so a stream socket makes no `recv` that can only
//! say `WouldBlock`.
//!
//! Edge-triggered readiness is cleared after a *short* read (the kernel buffer was
//! drained). A read of exactly the requested size cannot tell, so the next read pays a
//! `recv` that fails with `WouldBlock` before the task sleeps: one wasted syscall per
//! message in request/response protocols that `read_exact` small frames (tokio's extra
//! `recv` per echo round trip, PERF.md). Reads smaller than the scratch buffer therefore
//! `recv` into a per-thread scratch buffer: the result is short, readiness is cleared, and
//! bytes beyond what the caller asked for wait in a per-socket leftover buffer, allocated
//! only while it holds bytes. Large reads go straight to the caller's buffer.

use std::cell::RefCell;
use std::io;
use std::sync::Mutex;
use std::task::{ready, Context, Poll};

use weave_core::budget;

/// Reads below this size go through the scratch buffer.
pub(crate) const SCRATCH: usize = 16 * 1024;

thread_local! {
    static SCRATCH_BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Bytes received from the socket and not yet handed to a reader.
#[derive(Debug, Default)]
pub(crate) struct ReadBuffer {
    leftover: Mutex<Leftover>,
}

#[derive(Debug, Default)]
struct Leftover {
    bytes: Vec<u8>,
    pos: usize,
}

impl Leftover {
    fn take_into(&mut self, dst: &mut [u8]) -> usize {
        let n = (self.bytes.len() - self.pos).min(dst.len());
        dst[..n].copy_from_slice(&self.bytes[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.bytes.len() {
            // Free the memory: an idle connection keeps no buffer.
            self.bytes = Vec::new();
            self.pos = 0;
        }
        n
    }
}

impl ReadBuffer {
    /// Reads into `dst`, from leftover bytes first, otherwise through `recv`
    /// (`poll_recv(cx, buf)`, a stream read that clears readiness on a short read).
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        dst: &mut [u8],
        mut poll_recv: impl FnMut(&mut Context<'_>, &mut [u8]) -> Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        // Held across the (non-blocking) recv, so concurrent readers of `&Stream` see the
        // bytes in order.
        let mut leftover = self.leftover.lock().unwrap_or_else(|e| e.into_inner());
        if leftover.pos < leftover.bytes.len() {
            // Served from memory, but still an operation: spend budget, so a reader of a
            // socket that always has bytes waiting yields like any other.
            ready!(budget::poll_proceed(cx)).made_progress();
            return Poll::Ready(Ok(leftover.take_into(dst)));
        }
        if dst.is_empty() || dst.len() >= SCRATCH {
            return poll_recv(cx, dst);
        }
        SCRATCH_BUF.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.len() < SCRATCH {
                scratch.resize(SCRATCH, 0);
            }
            let n = ready!(poll_recv(cx, &mut scratch[..]))?;
            let given = n.min(dst.len());
            dst[..given].copy_from_slice(&scratch[..given]);
            if n > given {
                leftover.bytes.extend_from_slice(&scratch[given..n]);
            }
            Poll::Ready(Ok(given))
        })
    }

    /// Copies leftover bytes into `dst` without consuming them; `None` if there are none.
    pub(crate) fn peek(&self, dst: &mut [u8]) -> Option<usize> {
        let leftover = self.leftover.lock().unwrap_or_else(|e| e.into_inner());
        let available = &leftover.bytes[leftover.pos..];
        if available.is_empty() {
            return None;
        }
        let n = available.len().min(dst.len());
        dst[..n].copy_from_slice(&available[..n]);
        Some(n)
    }

    /// True if bytes were received but not yet read.
    pub(crate) fn has_leftover(&self) -> bool {
        let leftover = self.leftover.lock().unwrap_or_else(|e| e.into_inner());
        leftover.pos < leftover.bytes.len()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    /// A fake socket: hands out `data` in `recv`s of at most its buffer size.
    fn recv_from(
        data: &mut Vec<u8>,
    ) -> impl FnMut(&mut Context<'_>, &mut [u8]) -> Poll<io::Result<usize>> + '_ {
        move |_, buf| {
            let n = data.len().min(buf.len());
            buf[..n].copy_from_slice(&data[..n]);
            data.drain(..n);
            Poll::Ready(Ok(n))
        }
    }

    #[test]
    fn small_reads_keep_the_surplus_in_order_and_free_it_when_drained() {
        let rb = ReadBuffer::default();
        let mut cx = Context::from_waker(Waker::noop());
        let mut socket: Vec<u8> = (0..100u8).collect();
        let mut out = Vec::new();
        let mut dst = [0u8; 7];
        while out.len() < 100 {
            let Poll::Ready(Ok(n)) = rb.poll_read(&mut cx, &mut dst, recv_from(&mut socket)) else {
                panic!("the fake socket is always ready");
            };
            out.extend_from_slice(&dst[..n]);
            if out.len() == 7 {
                assert!(
                    socket.is_empty(),
                    "one recv took everything into the scratch buffer"
                );
                let mut peeked = [0u8; 3];
                assert_eq!(rb.peek(&mut peeked), Some(3));
                assert_eq!(peeked, [7, 8, 9]);
            }
        }
        assert_eq!(out, (0..100u8).collect::<Vec<_>>());
        assert!(!rb.has_leftover());
        assert_eq!(rb.leftover.lock().unwrap().bytes.capacity(), 0);
    }

    #[test]
    fn large_reads_bypass_the_scratch_buffer() {
        let rb = ReadBuffer::default();
        let mut cx = Context::from_waker(Waker::noop());
        let mut socket = vec![1u8; SCRATCH * 2];
        let mut dst = vec![0u8; SCRATCH];
        let Poll::Ready(Ok(n)) = rb.poll_read(&mut cx, &mut dst, recv_from(&mut socket)) else {
            panic!("ready");
        };
        assert_eq!(n, SCRATCH);
        assert!(!rb.has_leftover());
    }
}
