//! The six runtimes under test, each behind the same small [`Runtime`] adapter.
//!
//! A workload spawns, awaits join handles, yields and blocks on a future through this adapter;
//! channels, locks, timers and sockets come from the runtime's [`Runtime::Primitives`]. Each
//! adapter uses its runtime the way that runtime's own documentation does: `tokio::spawn`,
//! `weave::spawn`, and for smol an `async_executor` executor driven by `smol::block_on` (timers
//! and sockets from async-io's reactor). Every task these benchmarks spawn
//! returns `()`, so the join handles are plain `Future<Output = ()>`s; a task that fails makes
//! the benchmark panic, never report a number.
//!
//! | adapter | runtime | threads running tasks |
//! |---|---|---|
//! | [`WeaveMt`] | `weave` multi-thread runtime | 2 workers |
//! | [`WeaveCt`] | `weave` current-thread runtime | the calling thread |
//! | [`TokioMt`] | tokio `multi_thread`, `enable_all` | 2 workers |
//! | [`TokioCt`] | tokio `current_thread`, `enable_all` | the calling thread |
//! | [`SmolMt`] | `async_executor::Executor` | 2 threads, each `smol::block_on(ex.run(stop))` |
//! | [`SmolCt`] | `async_executor::LocalExecutor` | the calling thread |

use std::cell::RefCell;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread;

use async_executor::{Executor, LocalExecutor, Task};

use crate::primitives::Primitives;

/// How many worker threads every multi-threaded runtime gets.
pub const WORKERS: usize = 2;

/// What a workload needs from a runtime.
///
/// Built once per benchmark (outside the timed region) with [`Runtime::build`], then used for
/// many runs; dropping it shuts the runtime down.
///
/// ```
/// use weave_bench::runtimes::{Runtime, WeaveCt};
///
/// let rt = WeaveCt::build();
/// let answer = rt.block_on(async {
///     WeaveCt::spawn(async { WeaveCt::yield_now().await }).await;
///     42
/// });
/// assert_eq!(answer, 42);
/// ```
pub trait Runtime: Sized + 'static {
    /// The name the benchmarks and the report use, e.g. `tokio_mt`.
    const NAME: &'static str;

    /// Whether tasks run on worker threads (`true`) or on the thread that blocks (`false`).
    const MULTI_THREAD: bool;

    /// Awaits the end of a spawned task.
    type JoinHandle: Future<Output = ()> + Send + Unpin + 'static;

    /// The runtime's own channels, locks, timers and sockets.
    type Primitives: Primitives;

    /// Builds the runtime, starting its threads if it has any.
    fn build() -> Self;

    /// Runs `future` to completion on the calling thread; [`Runtime::spawn`] works inside it.
    fn block_on<F: Future>(&self, future: F) -> F::Output;

    /// Spawns from outside the runtime (the benchmark thread, not inside `block_on`).
    fn spawn_remote<F>(&self, future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static;

    /// Spawns onto the runtime driving the current thread (inside a task or `block_on`).
    fn spawn<F>(future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static;

    /// Like [`Runtime::spawn`], but nobody awaits the task: it runs to completion on its own.
    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static;

    /// The runtime's own way for a task to yield once.
    fn yield_now() -> impl Future<Output = ()> + Send;
}

/// Turns a `Result`-returning join handle into one that yields `()` and panics on failure.
#[derive(Debug)]
pub struct Joined<H>(H);

impl<H, E> Future for Joined<H>
where
    H: Future<Output = Result<(), E>> + Unpin,
    E: Debug,
{
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|result| result.expect("benchmark task failed"))
    }
}

/// Weave's multi-thread runtime (`weave::runtime::Builder::new_multi_thread`) with [`WORKERS`]
/// workers, timers and I/O enabled.
#[derive(Debug)]
pub struct WeaveMt {
    runtime: weave::Runtime,
}

/// Weave's current-thread runtime (`weave::runtime::Builder::new_current_thread`), timers and
/// I/O enabled.
#[derive(Debug)]
pub struct WeaveCt {
    runtime: weave::Runtime,
}

/// Implements [`Runtime`] for a Weave adapter; only the builder differs between the two.
macro_rules! weave_runtime {
    ($adapter:ident, $name:literal, $multi_thread:literal, $builder:expr) => {
        impl Runtime for $adapter {
            const NAME: &'static str = $name;
            const MULTI_THREAD: bool = $multi_thread;
            type JoinHandle = Joined<weave::task::JoinHandle<()>>;
            type Primitives = crate::primitives::Weave;

            fn build() -> Self {
                Self {
                    runtime: $builder.build().expect("cannot build the Weave runtime"),
                }
            }

            fn block_on<F: Future>(&self, future: F) -> F::Output {
                self.runtime.block_on(future)
            }

            fn spawn_remote<F>(&self, future: F) -> Self::JoinHandle
            where
                F: Future<Output = ()> + Send + 'static,
            {
                Joined(self.runtime.spawn(future))
            }

            fn spawn<F>(future: F) -> Self::JoinHandle
            where
                F: Future<Output = ()> + Send + 'static,
            {
                Joined(weave::spawn(future))
            }

            fn spawn_detached<F>(future: F)
            where
                F: Future<Output = ()> + Send + 'static,
            {
                drop(weave::spawn(future));
            }

            fn yield_now() -> impl Future<Output = ()> + Send {
                weave::task::yield_now()
            }
        }
    };
}

weave_runtime!(
    WeaveMt,
    "weave_mt",
    true,
    weave::runtime::Builder::new_multi_thread().worker_threads(WORKERS)
);
weave_runtime!(
    WeaveCt,
    "weave_ct",
    false,
    weave::runtime::Builder::new_current_thread()
);

/// tokio's `multi_thread` runtime with [`WORKERS`] workers.
#[derive(Debug)]
pub struct TokioMt {
    runtime: tokio::runtime::Runtime,
}

/// tokio's `current_thread` runtime.
#[derive(Debug)]
pub struct TokioCt {
    runtime: tokio::runtime::Runtime,
}

/// Implements [`Runtime`] for a tokio adapter; only the builder differs between the two.
macro_rules! tokio_runtime {
    ($adapter:ident, $name:literal, $multi_thread:literal, $builder:expr) => {
        impl Runtime for $adapter {
            const NAME: &'static str = $name;
            const MULTI_THREAD: bool = $multi_thread;
            type JoinHandle = Joined<tokio::task::JoinHandle<()>>;
            type Primitives = crate::primitives::Tokio;

            fn build() -> Self {
                Self {
                    runtime: $builder.build().expect("cannot build the tokio runtime"),
                }
            }

            fn block_on<F: Future>(&self, future: F) -> F::Output {
                self.runtime.block_on(future)
            }

            fn spawn_remote<F>(&self, future: F) -> Self::JoinHandle
            where
                F: Future<Output = ()> + Send + 'static,
            {
                Joined(self.runtime.spawn(future))
            }

            fn spawn<F>(future: F) -> Self::JoinHandle
            where
                F: Future<Output = ()> + Send + 'static,
            {
                Joined(tokio::spawn(future))
            }

            fn spawn_detached<F>(future: F)
            where
                F: Future<Output = ()> + Send + 'static,
            {
                drop(tokio::spawn(future));
            }

            fn yield_now() -> impl Future<Output = ()> + Send {
                tokio::task::yield_now()
            }
        }
    };
}

tokio_runtime!(
    TokioMt,
    "tokio_mt",
    true,
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
);
tokio_runtime!(
    TokioCt,
    "tokio_ct",
    false,
    tokio::runtime::Builder::new_current_thread().enable_all()
);

thread_local! {
    /// The `SmolMt` executor of this thread: set on its workers, and around `block_on`.
    static SMOL_MT: RefCell<Option<Arc<Executor<'static>>>> = const { RefCell::new(None) };
    /// The `SmolCt` executor of this thread, set around `block_on`.
    static SMOL_CT: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
}

/// `async_executor::Executor` run by [`WORKERS`] threads, each in `smol::block_on(ex.run(stop))`.
///
/// `block_on` runs its future on the calling thread without running tasks there, like tokio's
/// multi-threaded `block_on`.
#[derive(Debug)]
pub struct SmolMt {
    executor: Arc<Executor<'static>>,
    stop: async_channel::Sender<()>,
    workers: Vec<thread::JoinHandle<()>>,
}

impl SmolMt {
    fn current<T>(with: impl FnOnce(&Executor<'static>) -> T) -> T {
        SMOL_MT.with(|current| with(current.borrow().as_ref().expect("not inside smol_mt")))
    }
}

impl Runtime for SmolMt {
    const NAME: &'static str = "smol_mt";
    const MULTI_THREAD: bool = true;
    type JoinHandle = Task<()>;
    type Primitives = crate::primitives::Smol;

    fn build() -> Self {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let workers = (0..WORKERS)
            .map(|index| {
                let executor = executor.clone();
                let stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("smol-worker-{index}"))
                    .spawn(move || {
                        SMOL_MT.with(|current| *current.borrow_mut() = Some(executor.clone()));
                        // Runs tasks until `Drop` closes the channel.
                        smol::block_on(executor.run(stopped.recv())).ok();
                    })
                    .expect("cannot start a smol worker")
            })
            .collect();
        Self {
            executor,
            stop,
            workers,
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let outer = SMOL_MT.with(|current| current.replace(Some(self.executor.clone())));
        let output = smol::block_on(future);
        SMOL_MT.with(|current| *current.borrow_mut() = outer);
        output
    }

    fn spawn_remote<F>(&self, future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.executor.spawn(future)
    }

    fn spawn<F>(future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Self::current(|executor| executor.spawn(future))
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Self::current(|executor| executor.spawn(future).detach());
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}

impl Drop for SmolMt {
    fn drop(&mut self) {
        self.stop.close();
        for worker in self.workers.drain(..) {
            worker.join().expect("a smol worker panicked");
        }
    }
}

/// `async_executor::LocalExecutor`, driven by `smol::block_on(ex.run(future))`.
#[derive(Debug)]
pub struct SmolCt {
    executor: Rc<LocalExecutor<'static>>,
}

impl SmolCt {
    fn current<T>(with: impl FnOnce(&LocalExecutor<'static>) -> T) -> T {
        SMOL_CT.with(|current| with(current.borrow().as_ref().expect("not inside smol_ct")))
    }
}

impl Runtime for SmolCt {
    const NAME: &'static str = "smol_ct";
    const MULTI_THREAD: bool = false;
    type JoinHandle = Task<()>;
    type Primitives = crate::primitives::Smol;

    fn build() -> Self {
        Self {
            executor: Rc::new(LocalExecutor::new()),
        }
    }

    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let outer = SMOL_CT.with(|current| current.replace(Some(self.executor.clone())));
        let output = smol::block_on(self.executor.run(future));
        SMOL_CT.with(|current| *current.borrow_mut() = outer);
        output
    }

    fn spawn_remote<F>(&self, future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.executor.spawn(future)
    }

    fn spawn<F>(future: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Self::current(|executor| executor.spawn(future))
    }

    fn spawn_detached<F>(future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Self::current(|executor| executor.spawn(future).detach());
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }
}
