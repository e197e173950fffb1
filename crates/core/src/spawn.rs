//! `Spawn` and `LocalSpawn`: anything that can start a task and hand back its `JoinHandle`.

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;

use crate::task::{Builder, JoinHandle};

/// Starts `Send + 'static` futures as tasks. Implemented by every Weave executor handle, so
/// code written against it (a `JoinSet`, a `TaskGroup`, a server's accept loop) runs on any
/// of them unchanged.
///
/// The method is generic (no boxing): spawning through the trait costs the same as
/// spawning through the executor directly.
///
/// ```
/// use weave_core::{JoinHandle, Spawn};
/// use weave_executor::{LocalExecutor, ThreadPool};
///
/// fn double_on(spawner: &impl Spawn, x: u64) -> JoinHandle<u64> {
///     spawner.spawn(async move { x * 2 })
/// }
///
/// let pool = ThreadPool::new(2);
/// assert_eq!(pool.block_on(double_on(&pool.handle(), 21)).unwrap(), 42);
/// let local = LocalExecutor::new();
/// assert_eq!(local.block_on(double_on(&local.handle(), 4)).unwrap(), 8);
/// ```
pub trait Spawn {
    /// Spawns `future`; the returned handle resolves to its output.
    #[track_caller]
    fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.spawn_with(future, Builder::new())
    }

    /// Spawns `future` with the name and location held by `builder`.
    fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;
}

/// Starts `!Send` futures on the current thread's executor.
///
/// ```
/// use std::rc::Rc;
/// use weave_core::LocalSpawn;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let shared = Rc::new(5); // not Send
/// let handle = ex.spawn_local(async move { *shared + 1 });
/// assert_eq!(ex.block_on(handle).unwrap(), 6);
/// ```
pub trait LocalSpawn {
    /// Spawns a `!Send` `future` on this thread's executor.
    #[track_caller]
    fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.spawn_local_with(future, Builder::new())
    }

    /// Spawns a `!Send` `future` with the metadata in `builder`.
    fn spawn_local_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static;
}

macro_rules! forward_spawn {
    ($($ptr:ty),*) => {$(
        impl<S: Spawn + ?Sized> Spawn for $ptr {
            fn spawn_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
            where
                F: Future + Send + 'static,
                F::Output: Send + 'static,
            {
                (**self).spawn_with(future, builder)
            }
        }

        impl<S: LocalSpawn + ?Sized> LocalSpawn for $ptr {
            fn spawn_local_with<F>(&self, future: F, builder: Builder) -> JoinHandle<F::Output>
            where
                F: Future + 'static,
                F::Output: 'static,
            {
                (**self).spawn_local_with(future, builder)
            }
        }
    )*};
}

forward_spawn!(&S, Box<S>, Rc<S>, Arc<S>);
