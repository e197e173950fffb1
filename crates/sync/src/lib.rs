//! Weave's sync primitives and channels (Mutex, Semaphore, Event, Queue, mpsc, oneshot, broadcast, watch); executor-agnostic.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod mpsc;
mod mutex;
mod semaphore;
mod util;
mod wait_list;

pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use semaphore::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};
