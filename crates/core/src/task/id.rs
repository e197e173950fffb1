//! Task identity and spawn-time metadata.

use std::cell::Cell;
use std::fmt;
use std::num::NonZeroU64;
use std::panic::Location;
// A plain counter, not a protocol: std's atomic even under loom keeps ids unique across models.
use std::sync::atomic::{AtomicU64, Ordering};

/// A task's identifier, unique among all tasks of the process for its lifetime.
///
/// ```
/// use weave_core::task::Id;
/// let (a, b) = (Id::next(), Id::next());
/// assert_ne!(a, b);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    /// Allocates a fresh id (ids are never reused).
    ///
    /// Each thread reserves ids in blocks from one global counter, so spawning on several
    /// threads at once does not fight over a shared cache line: ids are unique, but not
    /// ordered by spawn time across threads.
    pub fn next() -> Id {
        const BLOCK: u64 = 1024;
        static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);
        // Plain std thread-local even under loom: ids are not part of any modelled protocol.
        std::thread_local! {
            static RESERVED: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
        }
        let id = RESERVED
            .try_with(|reserved| {
                let (next, end) = reserved.get();
                if next < end {
                    reserved.set((next + 1, end));
                    return next;
                }
                let start = NEXT_BLOCK.fetch_add(BLOCK, Ordering::Relaxed);
                reserved.set((start + 1, start + BLOCK));
                start
            })
            // During thread teardown: take a block of one.
            .unwrap_or_else(|_| NEXT_BLOCK.fetch_add(1, Ordering::Relaxed));
        Id(NonZeroU64::new(id).expect("task ids exhausted"))
    }

    /// The id as a number.
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.0)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How to spawn a task: its optional name and where it was spawned from.
///
/// `Builder::new()` records the caller's location (`#[track_caller]`), so a task spawned
/// through a `Builder` reports the line that built it. Spawning through any [`Spawn`]
/// implementation:
///
/// ```
/// use weave_core::task::Builder;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = Builder::new().name("fetch").spawn_on(async { 7 }, &ex.handle());
/// assert_eq!(ex.block_on(handle).unwrap(), 7);
/// ```
///
/// [`Spawn`]: crate::Spawn
#[derive(Clone, Debug)]
pub struct Builder {
    pub(crate) name: Option<Box<str>>,
    pub(crate) location: &'static Location<'static>,
}

impl Builder {
    /// A builder with no name, located at the caller.
    #[track_caller]
    pub fn new() -> Builder {
        Builder {
            name: None,
            location: Location::caller(),
        }
    }

    /// Names the task (shown in `JoinError` messages and task dumps).
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = Some(name.into().into_boxed_str());
        self
    }

    /// The name given with [`Builder::name`], if any.
    pub fn get_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Where the builder was created.
    pub fn location(&self) -> &'static Location<'static> {
        self.location
    }

    /// Spawns `future` through `spawner` with this metadata.
    pub fn spawn_on<F, S>(self, future: F, spawner: &S) -> crate::task::JoinHandle<F::Output>
    where
        F: std::future::Future + Send + 'static,
        F::Output: Send + 'static,
        S: crate::Spawn + ?Sized,
    {
        spawner.spawn_with(future, self)
    }

    /// Spawns a `!Send` `future` through `spawner` with this metadata.
    pub fn spawn_local_on<F, S>(self, future: F, spawner: &S) -> crate::task::JoinHandle<F::Output>
    where
        F: std::future::Future + 'static,
        F::Output: 'static,
        S: crate::LocalSpawn + ?Sized,
    {
        spawner.spawn_local_with(future, self)
    }
}

impl Default for Builder {
    #[track_caller]
    fn default() -> Self {
        Builder::new()
    }
}
