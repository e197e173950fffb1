//! Weave's sync primitives and channels (Mutex, Semaphore, Event, Queue, mpsc, oneshot, broadcast, watch); executor-agnostic.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod barrier;
pub mod broadcast;
mod event;
pub mod mpsc;
mod mutex;
mod notify;
mod once_cell;
pub mod oneshot;
mod rwlock;
mod semaphore;
mod util;
mod wait_list;
pub mod watch;

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use event::{Event, Wait};
pub use mutex::{MappedMutexGuard, Mutex, MutexGuard, OwnedMutexGuard, TryLockError};
pub use notify::{Notified, Notify};
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};
pub use semaphore::{AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError};
