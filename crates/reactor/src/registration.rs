//! `Registration`: one source's membership in a reactor, and the wait-try-clear loop every
//! I/O operation runs.

use std::io;
use std::task::{ready, Context, Poll};

use mio::event::Source;
use mio::{Interest, Token};
use weave_core::budget;
use weave_core::loom::sync::Arc;

use crate::handle::Handle;
use crate::ready::{Direction, ReadyEvent};
use crate::scheduled_io::ScheduledIo;

/// A registered source's token and readiness. Dropping it frees the slab slot; the owner
/// deregisters the source from epoll before (see `Async`'s `Drop`).
#[derive(Debug)]
pub(crate) struct Registration {
    handle: Handle,
    token: Token,
    io: Arc<ScheduledIo>,
}

impl Registration {
    pub(crate) fn new(source: &mut impl Source, handle: Handle) -> io::Result<Registration> {
        let (token, io) = handle
            .reactor
            .register(source, Interest::READABLE | Interest::WRITABLE)?;
        Ok(Registration { handle, token, io })
    }

    pub(crate) fn handle(&self) -> &Handle {
        &self.handle
    }

    pub(crate) fn deregister(&self, source: &mut impl Source) -> io::Result<()> {
        self.handle.reactor.registry.deregister(source)
    }

    /// Ready once the source may be ready in `direction` (it may still say `WouldBlock`).
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.io.poll_ready(cx, direction)
    }

    pub(crate) fn clear(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }

    /// Runs `op` when the source is ready in `direction`, until it does not say
    /// `WouldBlock`, spending one unit of the task's budget on success.
    ///
    /// `op` gets the readiness it runs under and may clear it itself; a `WouldBlock`
    /// clears it here.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(ReadyEvent) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let coop = ready!(budget::poll_proceed(cx));
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match op(event) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear(event),
                result => {
                    coop.made_progress();
                    return Poll::Ready(result);
                }
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.handle.reactor.release(self.token);
    }
}
