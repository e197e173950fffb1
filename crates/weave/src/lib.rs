//! Weave: an async runtime built from small crates.
//!
//! What Python's `asyncio` gives its users (an event loop, tasks, `gather`, `sleep`,
//! timeouts, queues, sockets, offloading blocking work), the Rust way:
//!
//! ```
//! #[weave::main]
//! async fn main() {
//!     let task = weave::spawn(async { "hello from a task" });
//!     println!("{}", task.await.unwrap());
//! }
//! # main();
//! ```
//!
//! | asyncio | Weave |
//! |---|---|
//! | `asyncio.run(main())` | [`weave::run(main())`](run) or `#[weave::main]` |
//! | `loop.run_until_complete(f)` | [`Runtime::block_on`] |
//! | `asyncio.create_task(c)` | [`weave::spawn(f)`](spawn) |
//! | `asyncio.gather(*aws)` | [`future::join_all`], [`join!`] |
//! | `asyncio.wait(..., FIRST_COMPLETED)`, `as_completed` | [`select!`], [`future::select_all`], [`future::as_completed`] |
//! | `asyncio.TaskGroup` | [`task::TaskGroup`] |
//! | `asyncio.sleep`, `wait_for`, `timeout` | [`time::sleep`], [`time::timeout`] |
//! | `Lock`, `Event`, `Semaphore`, `Queue` | [`sync::Mutex`], [`sync::Event`], [`sync::Semaphore`], [`sync::Queue`] |
//! | `open_connection`, `start_server` | [`net::TcpStream::connect`], [`net::TcpListener::bind`] |
//! | `to_thread`, `run_in_executor` | [`spawn_blocking`] |
//! | `create_subprocess_exec` | [`process::Command`] |
//! | `add_signal_handler` | [`signal::ctrl_c`], [`signal::unix::signal`] |
//! | `all_tasks` | [`task::dump`] |
//!
//! docs/asyncio-guide.md in the repository walks through each with runnable code.
//!
//! ## Features
//! All on by default (`full`); turn `default-features` off and pick to trim:
//! `time`, `net` (sockets and `io`), `sync`, `fs`, `signal`, `process`, `macros`, and `hyper`
//! (adapters so hyper 1.x runs on Weave). The runtime, tasks, `future` and `spawn_blocking`
//! are always there.
//!
//! ## Not here
//! Each part is its own crate, usable without this facade: `weave-core` (tasks and the
//! small traits), `weave-executor` (executors), `weave-timer`, `weave-reactor`,
//! `weave-blocking`, `weave-sync`, `weave-combinators`, `weave-macros`. Code that must run
//! under any executor should depend on those and on `weave_core::Spawn`, not on this crate.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "fs")]
pub mod fs;
pub mod future;
#[cfg(feature = "hyper")]
pub mod hyper;
#[cfg(feature = "net")]
pub mod io;
#[cfg(feature = "net")]
pub mod net;
#[cfg(feature = "process")]
pub mod process;
pub mod runtime;
#[cfg(feature = "signal")]
pub mod signal;
mod spawn;
#[cfg(feature = "sync")]
pub mod sync;
pub mod task;
#[cfg(feature = "time")]
pub mod time;

use std::future::Future;

pub use runtime::Runtime;
pub use spawn::{spawn, spawn_blocking, spawn_local};
pub use weave_combinators::{join, select, try_join};

#[cfg(feature = "macros")]
pub use weave_macros::{main, test};

/// Runs `future` on a new multi-thread runtime, then shuts it down (asyncio's `run`):
/// tasks still running when `future` returns are cancelled.
///
/// Panics inside a runtime (await the future there instead) or if the runtime cannot start.
///
/// ```
/// let answer = weave::run(async {
///     let task = weave::spawn(async { 21 * 2 });
///     task.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    let rt = Runtime::new().expect("weave::run: failed to start the runtime");
    rt.block_on(future)
}

/// Runs `future` on a new current-thread runtime (timers and I/O included), then shuts it
/// down: the smallest way to call async code from ordinary code.
///
/// ```
/// assert_eq!(weave::block_on(async { 1 + 1 }), 2);
/// ```
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    let rt = runtime::Builder::new_current_thread()
        .build()
        .expect("weave::block_on: failed to start the runtime");
    rt.block_on(future)
}

/// Runs every code block of `docs/asyncio-guide.md` as a doc test, so the guide stays true.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/asyncio-guide.md")]
pub struct AsyncioGuide;

/// Runs the README's code blocks as doc tests, so its first example keeps working.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct Readme;
