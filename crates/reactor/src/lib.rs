//! Weave's I/O reactor: readiness-based I/O on [mio] (epoll), awaitable file descriptors
//! ([`Async`]), TCP/UDP/Unix sockets ([`net`]), and the [`ReactorDriver`] `Park` layer that
//! lets any Weave executor wait for I/O while idle.
//!
//! ```
//! use futures::{AsyncReadExt, AsyncWriteExt};
//! use weave_executor::LocalExecutor;
//! use weave_reactor::net::{TcpListener, TcpStream};
//! use weave_reactor::ReactorDriver;
//!
//! let driver = ReactorDriver::new().unwrap();
//! let _guard = driver.handle().enter();
//! let ex = LocalExecutor::with_park(driver);
//! ex.block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let server = ex.spawn(async move {
//!         let (mut stream, _) = listener.accept().await?;
//!         let mut buf = [0u8; 5];
//!         stream.read_exact(&mut buf).await?;
//!         stream.write_all(&buf).await?; // echo
//!         std::io::Result::Ok(())
//!     });
//!     let mut client = TcpStream::connect(addr).await?;
//!     client.write_all(b"hello").await?;
//!     let mut reply = [0u8; 5];
//!     client.read_exact(&mut reply).await?;
//!     assert_eq!(&reply, b"hello");
//!     server.await.unwrap()
//! })
//! .unwrap();
//! ```
//!
//! How it works: each registered source owns a slot in a slab (its token carries a
//! generation, so a stale event never reaches a slot's next owner) holding one atomic
//! readiness word with a tick and one waker per direction; see `ready.rs`,
//! `scheduled_io.rs` and `slab.rs`. The driver fetches up to 1024 events per `epoll_wait`.
//! With no reactor entered on the thread ([`Handle::enter`]), sockets use a background
//! reactor thread, so they work under any executor, `futures::executor::block_on` included.
//!
//! ## Not here
//! - Timers and timeouts: `weave-timer` (its `TimerDriver` stacks on [`ReactorDriver`]).
//! - Files: `weave_blocking::fs` (regular files are always "ready" to epoll; they run on
//!   the blocking pool instead).
//! - A runtime that wires executor, timer and reactor together: the `weave` facade.
//! - io_uring, Windows (IOCP) and TLS.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod async_io;
mod driver;
mod handle;
pub mod io;
pub mod net;
mod park_state;
mod reactor;
mod ready;
mod registration;
mod scheduled_io;
mod slab;

pub use async_io::Async;
pub use driver::{ReactorDriver, ReactorUnparker};
pub use handle::{EnterGuard, Handle};

#[cfg(all(test, loom))]
mod loom_tests;
