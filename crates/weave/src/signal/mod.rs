//! Signals: wait for Ctrl-C, or for any Unix signal as a stream (asyncio's
//! `loop.add_signal_handler`).
//!
//! ```no_run
//! #[weave::main]
//! async fn main() -> std::io::Result<()> {
//!     println!("press Ctrl-C to stop");
//!     weave::signal::ctrl_c().await?;
//!     println!("shutting down");
//!     Ok(())
//! }
//! ```
//!
//! How it works: each listener registers a tiny handler (through the `signal-hook` crate,
//! which chains with handlers others installed) that writes one byte into a socket pair;
//! the other end is registered with the runtime's reactor, so a signal becomes readiness
//! like any socket's. Deliveries that arrive while nobody is awaiting are coalesced into one
//! (as the operating system itself does for pending signals). Once a signal has had a
//! listener, its default action (for SIGINT, ending the process) no longer runs; this is the
//! usual trade-off of handling signals in-process.

pub mod unix;

use std::io;

/// Completes when the process receives Ctrl-C (SIGINT).
///
/// The handler is installed when the future is first polled: a Ctrl-C before that is not
/// seen (and ends the process, as it would without Weave).
///
/// ```
/// use weave::signal::{ctrl_c, unix::raise, unix::SignalKind};
///
/// weave::block_on(async {
///     let waiting = weave::spawn(ctrl_c());
///     // Give the task a chance to install its handler, then press "Ctrl-C".
///     while !weave::signal::unix::is_listened(SignalKind::interrupt()) {
///         weave::task::yield_now().await;
///     }
///     raise(SignalKind::interrupt()).unwrap();
///     waiting.await.unwrap().unwrap();
/// });
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    let mut interrupt = unix::signal(unix::SignalKind::interrupt())?;
    interrupt.recv().await;
    Ok(())
}
