//! `ReactorDriver`: the `Park` layer that waits for I/O events.
//!
//! Parking blocks in `epoll_wait` (through mio) with the timeout the layer above asks for,
//! so a timer layer stacks on top: `TimerDriver<ReactorDriver<ThreadParker>>` parks here
//! with the time to its next deadline. Events are fetched in batches of 1024 and dispatched
//! under one lock of the slab; wakers are called after the lock is released.

use std::fmt;
use std::io;
use std::task::Waker;
use std::time::Duration;

use weave_core::loom::sync::Arc;
use weave_core::{Park, ThreadParker, Unpark};

use crate::handle::Handle;
use crate::reactor::Reactor;
use crate::ready::Ready;
use crate::slab::WAKER_TOKEN;

/// Events fetched per `epoll_wait`.
const EVENTS_PER_POLL: usize = 1024;

/// The reactor's driver: a [`Park`] layer whose park waits for I/O.
///
/// `P` is the layer below. The reactor is the layer that sleeps, so `P` is never slept on:
/// after each wait the driver polls it with `park_timeout(Duration::ZERO)`, and the
/// driver's unparker unparks it too. With nothing below, use [`ThreadParker`] (the default).
///
/// Dropping the driver shuts the reactor down: pending and future waits on its sockets fail
/// with an error (never hang).
///
/// ```
/// use weave_executor::LocalExecutor;
/// use weave_reactor::ReactorDriver;
///
/// let driver = ReactorDriver::new().unwrap();
/// let handle = driver.handle();
/// let ex = LocalExecutor::with_park(driver);
/// let _guard = handle.enter(); // sockets created on this thread use this reactor
/// let addr = ex.block_on(async {
///     let listener = weave_reactor::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
///     listener.local_addr().unwrap()
/// });
/// assert!(addr.ip().is_loopback());
/// ```
pub struct ReactorDriver<P: Park = ThreadParker> {
    poll: mio::Poll,
    events: mio::Events,
    inner: P,
    reactor: Arc<Reactor>,
    wake: Vec<Waker>,
}

/// Wakes a [`ReactorDriver`] (and the layer below it) from any thread.
///
/// Cheap when the driver is not asleep in `epoll_wait`: one atomic swap, no system call.
pub struct ReactorUnparker<U> {
    reactor: Arc<Reactor>,
    inner: U,
}

impl<U: Clone> Clone for ReactorUnparker<U> {
    fn clone(&self) -> Self {
        ReactorUnparker {
            reactor: self.reactor.clone(),
            inner: self.inner.clone(),
        }
    }
}

impl<U> fmt::Debug for ReactorUnparker<U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorUnparker").finish_non_exhaustive()
    }
}

impl<P: Park> fmt::Debug for ReactorDriver<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReactorDriver")
            .field("reactor", &self.reactor)
            .finish_non_exhaustive()
    }
}

impl ReactorDriver<ThreadParker> {
    /// A reactor over a fresh epoll instance, with a plain [`ThreadParker`] below.
    pub fn new() -> io::Result<ReactorDriver<ThreadParker>> {
        ReactorDriver::with_park(ThreadParker::new())
    }
}

impl<P: Park> ReactorDriver<P> {
    /// A reactor stacked on `inner`.
    ///
    /// ```
    /// let driver = weave_reactor::ReactorDriver::with_park(weave_core::ThreadParker::new()).unwrap();
    /// # drop(driver);
    /// ```
    pub fn with_park(inner: P) -> io::Result<ReactorDriver<P>> {
        let poll = mio::Poll::new()?;
        let registry = poll.registry().try_clone()?;
        let waker = mio::Waker::new(poll.registry(), WAKER_TOKEN)?;
        Ok(ReactorDriver {
            poll,
            events: mio::Events::with_capacity(EVENTS_PER_POLL),
            inner,
            reactor: Arc::new(Reactor::new(registry, waker)),
            wake: Vec::new(),
        })
    }

    /// A handle for registering sources with this reactor (see [`Handle::enter`]).
    pub fn handle(&self) -> Handle {
        Handle::from_reactor(self.reactor.clone())
    }

    /// The layer below.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    /// Waits for events (up to `timeout`; `None` = until one arrives or an unpark) and
    /// wakes the tasks they concern.
    fn turn(&mut self, timeout: Option<Duration>) {
        // A zero timeout never sleeps, so it needs no sleep state (busy workers poll the
        // driver this way often; it must stay one syscall).
        let sleeps = timeout != Some(Duration::ZERO);
        if !sleeps && !self.reactor.has_sources() {
            // Nothing registered, nothing to collect: a busy executor with no I/O (message
            // passing between tasks) skips the `epoll_wait` it would make every batch.
            self.inner.park_timeout(Duration::ZERO);
            return;
        }
        let timeout = if sleeps && !self.reactor.park.enter_park() {
            Some(Duration::ZERO) // an unpark is pending: just collect what is ready
        } else {
            timeout
        };
        let result = self.poll.poll(&mut self.events, timeout);
        if sleeps {
            self.reactor.park.leave_park();
        }
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("weave-reactor: epoll_wait failed: {e}"),
        }
        self.dispatch();
        self.inner.park_timeout(Duration::ZERO);
    }

    fn dispatch(&mut self) {
        if self.events.is_empty() {
            return;
        }
        {
            let slab = self.reactor.slab.lock().unwrap();
            for event in self.events.iter() {
                if event.token() == WAKER_TOKEN {
                    continue;
                }
                // A stale token (its registration dropped after epoll fetched the event)
                // finds nothing, or a slot of another generation: the event is dropped.
                if let Some(io) = slab.get(event.token()) {
                    io.set_readiness(Ready::from_mio(event), &mut self.wake);
                }
            }
        }
        for waker in self.wake.drain(..) {
            waker.wake();
        }
    }
}

impl<P: Park> Park for ReactorDriver<P> {
    type Unparker = ReactorUnparker<P::Unparker>;

    fn unparker(&self) -> Self::Unparker {
        ReactorUnparker {
            reactor: self.reactor.clone(),
            inner: self.inner.unparker(),
        }
    }

    fn park(&mut self) {
        self.turn(None);
    }

    fn park_timeout(&mut self, timeout: Duration) {
        self.turn(Some(timeout));
    }
}

impl<U: Unpark> Unpark for ReactorUnparker<U> {
    fn unpark(&self) {
        self.inner.unpark();
        self.reactor.unpark();
    }
}

impl<P: Park> Drop for ReactorDriver<P> {
    fn drop(&mut self) {
        self.reactor.shut_down();
    }
}
