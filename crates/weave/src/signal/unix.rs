//! Any Unix signal as a stream (tokio's `signal::unix`).

use std::io::{self, Read};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};

use signal_hook::low_level::{self, pipe};
use signal_hook::SigId;

use crate::net::Async;

/// Which signal: the usual ones by name, any other by number.
///
/// ```
/// use weave::signal::unix::SignalKind;
///
/// assert_eq!(SignalKind::terminate().as_raw_value(), 15);
/// assert_eq!(SignalKind::from_raw(10), SignalKind::user_defined1());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignalKind(i32);

impl SignalKind {
    /// Any signal by number (`libc::SIGxxx`).
    pub const fn from_raw(signum: i32) -> SignalKind {
        SignalKind(signum)
    }
    /// Its number.
    pub const fn as_raw_value(self) -> i32 {
        self.0
    }
    /// SIGINT: Ctrl-C.
    pub const fn interrupt() -> SignalKind {
        SignalKind(signal_hook::consts::SIGINT)
    }
    /// SIGTERM: the polite request to stop (`kill`, service managers).
    pub const fn terminate() -> SignalKind {
        SignalKind(signal_hook::consts::SIGTERM)
    }
    /// SIGHUP: the terminal went away; daemons use it for "reload".
    pub const fn hangup() -> SignalKind {
        SignalKind(signal_hook::consts::SIGHUP)
    }
    /// SIGQUIT: Ctrl-\.
    pub const fn quit() -> SignalKind {
        SignalKind(signal_hook::consts::SIGQUIT)
    }
    /// SIGCHLD: a child process changed state.
    pub const fn child() -> SignalKind {
        SignalKind(signal_hook::consts::SIGCHLD)
    }
    /// SIGUSR1.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(signal_hook::consts::SIGUSR1)
    }
    /// SIGUSR2.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(signal_hook::consts::SIGUSR2)
    }
    /// SIGWINCH: the terminal was resized.
    pub const fn window_change() -> SignalKind {
        SignalKind(signal_hook::consts::SIGWINCH)
    }
}

/// A stream of deliveries of one signal, from [`signal`]. Dropping it removes its handler.
///
/// ```
/// use weave::signal::unix::{raise, signal, SignalKind};
///
/// weave::block_on(async {
///     let mut usr1 = signal(SignalKind::user_defined1())?;
///     raise(SignalKind::user_defined1())?;
///     assert_eq!(usr1.recv().await, Some(()));
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
#[derive(Debug)]
pub struct Signal {
    kind: SignalKind,
    id: SigId,
    receiver: Async<UnixStream>,
}

/// How many live [`Signal`]s listen to each signal number (for [`is_listened`]).
static LISTENERS: Mutex<Vec<(i32, usize)>> = Mutex::new(Vec::new());

/// Starts listening for `kind` on the current runtime's reactor.
///
/// Errors for signals that cannot be handled: SIGKILL, SIGSTOP, and the fault signals
/// SIGSEGV, SIGBUS, SIGILL, SIGFPE, which a handler must not return from. Outside a
/// runtime the stream is driven by the reactor's background thread, like any Weave socket.
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    // signal-hook panics on these; a bad signal number is the caller's input, so an error.
    if signal_hook::consts::FORBIDDEN.contains(&kind.0) || kind.0 == signal_hook::consts::SIGBUS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "cannot listen for signal {}: SIGKILL and SIGSTOP cannot be caught, and a \
                 handler must not return from SIGSEGV, SIGBUS, SIGILL or SIGFPE",
                kind.0
            ),
        ));
    }
    let (sender, receiver) = UnixStream::pair()?;
    // The handler writes into a full buffer without blocking: a dropped byte is a
    // coalesced delivery, never a stuck signal handler.
    sender.set_nonblocking(true)?;
    let receiver = Async::new(receiver)?;
    let id = pipe::register(kind.0, sender).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot listen for signal {}: {e}", kind.0),
        )
    })?;
    let mut listeners = LISTENERS.lock().unwrap_or_else(|e| e.into_inner());
    match listeners.iter_mut().find(|(signum, _)| *signum == kind.0) {
        Some((_, count)) => *count += 1,
        None => listeners.push((kind.0, 1)),
    }
    Ok(Signal { kind, id, receiver })
}

/// True while some [`Signal`] (or a pending [`ctrl_c`](super::ctrl_c)) listens for `kind`
/// in this process.
pub fn is_listened(kind: SignalKind) -> bool {
    LISTENERS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|&(signum, count)| signum == kind.0 && count > 0)
}

/// Sends `kind` to this process (as `kill -<kind> <own pid>` would).
pub fn raise(kind: SignalKind) -> io::Result<()> {
    low_level::raise(kind.0)
}

impl Signal {
    /// Which signal this stream listens for.
    pub fn kind(&self) -> SignalKind {
        self.kind
    }

    /// Waits for the next delivery. Several deliveries since the last `recv` count as one.
    /// Never returns `None` (the type mirrors a stream's end for `select!` loops).
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// The poll form of [`recv`](Signal::recv).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let drained = self.receiver.poll_read_with(cx, |mut stream| {
            let mut bytes = [0u8; 64];
            // The first read decides: `WouldBlock` means no delivery yet (wait for the
            // next edge). Then drain the rest so later deliveries make a fresh edge.
            if stream.read(&mut bytes)? == 0 {
                // The handler's end is gone: no more deliveries can come.
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            while matches!(stream.read(&mut bytes), Ok(n) if n > 0) {}
            Ok(())
        });
        match drained {
            Poll::Ready(Ok(())) => Poll::Ready(Some(())),
            // The socket pair cannot fail while both ends live; treat an error as the end.
            Poll::Ready(Err(_)) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl futures_core::Stream for Signal {
    type Item = ();

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.get_mut().poll_recv(cx)
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        low_level::unregister(self.id);
        let mut listeners = LISTENERS.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, count)) = listeners.iter_mut().find(|(s, _)| *s == self.kind.0) {
            *count -= 1;
        }
    }
}
