//! The workspace's one concurrency shim: std types normally, [loom] types under `--cfg loom`.
//!
//! Every Weave crate takes its atomics, cells, `Arc`, `Mutex`, `Condvar`, threads and
//! thread-locals from here, never from `std` directly. Building with
//! `RUSTFLAGS="--cfg loom"` therefore swaps the whole runtime onto loom's model-checked
//! types. The switch is `cfg(loom)`, not `cfg(all(test, loom))`, on purpose: a user who
//! model-checks their own code with `--cfg loom` gets Weave's primitives as loom types too,
//! so loom explores the interleavings inside Weave as well as inside their code.
//!
//! `UnsafeCell` follows loom's closure API (`with`, `with_mut`) in both builds so that loom
//! can check every access for data races.
//!
//! ```
//! use weave_core::loom::sync::atomic::{AtomicUsize, Ordering};
//! use weave_core::loom::sync::Arc;
//!
//! let hits = Arc::new(AtomicUsize::new(0));
//! hits.fetch_add(1, Ordering::Relaxed);
//! assert_eq!(hits.load(Ordering::Relaxed), 1);
//! ```
//!
//! [loom]: https://docs.rs/loom

#[cfg(not(loom))]
mod imp {
    pub mod sync {
        //! `std::sync` types (loom's under `--cfg loom`).
        pub use std::sync::{Arc, Condvar, Mutex, MutexGuard, WaitTimeoutResult};

        pub mod atomic {
            //! `std::sync::atomic` types (loom's under `--cfg loom`).
            pub use std::sync::atomic::{
                fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
            };
        }
    }

    pub mod cell {
        //! An `UnsafeCell` with loom's closure-based access API.

        /// `std::cell::UnsafeCell` behind loom's `with`/`with_mut` API, so the same code
        /// builds against loom, which checks each access for races.
        #[derive(Debug, Default)]
        #[repr(transparent)]
        pub struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

        impl<T> UnsafeCell<T> {
            /// Wraps `value`.
            pub const fn new(value: T) -> Self {
                Self(std::cell::UnsafeCell::new(value))
            }

            /// Unwraps the value.
            pub fn into_inner(self) -> T {
                self.0.into_inner()
            }
        }

        impl<T: ?Sized> UnsafeCell<T> {
            /// Gives `f` a shared raw pointer to the value.
            #[inline(always)]
            pub fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
                f(self.0.get())
            }

            /// Gives `f` a mutable raw pointer to the value.
            #[inline(always)]
            pub fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
                f(self.0.get())
            }
        }
    }

    pub mod thread {
        //! `std::thread` (loom's under `--cfg loom`).
        pub use std::thread::{
            current, panicking, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId,
        };
    }

    pub mod hint {
        //! `std::hint::spin_loop` (loom's under `--cfg loom`).
        pub use std::hint::spin_loop;
    }
}

#[cfg(loom)]
mod imp {
    pub mod sync {
        //! loom's `sync` types.
        pub use loom::sync::{Arc, Condvar, Mutex, MutexGuard, WaitTimeoutResult};

        pub mod atomic {
            //! loom's atomics.
            pub use loom::sync::atomic::{
                fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
            };
        }
    }

    pub mod cell {
        //! loom's `UnsafeCell`.
        pub use loom::cell::UnsafeCell;
    }

    pub mod thread {
        //! loom's threads.
        pub use loom::thread::{current, spawn, yield_now, Builder, JoinHandle, Thread, ThreadId};
        pub use std::thread::panicking;
    }

    pub mod hint {
        //! loom's `spin_loop`, which yields to the model's scheduler.
        pub use loom::hint::spin_loop;
    }

    pub use loom::model;

    #[doc(hidden)]
    pub use loom as __loom;
}

pub use imp::*;

/// `thread_local!` for the shim: std's (with a `const` initializer) normally, loom's under
/// `--cfg loom`. Takes exactly one `static NAME: T = const { init };` declaration.
///
/// ```
/// use std::cell::Cell;
/// weave_core::loom::thread_local! {
///     static DEPTH: Cell<u32> = const { Cell::new(0) };
/// }
/// DEPTH.with(|d| d.set(d.get() + 1));
/// assert_eq!(DEPTH.with(Cell::get), 1);
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! __weave_thread_local {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const { $init:expr };) => {
        #[cfg(not(loom))]
        ::std::thread_local! {
            $(#[$attr])* $vis static $name: $t = const { $init };
        }
        #[cfg(loom)]
        $crate::loom::__loom::thread_local! {
            $(#[$attr])* $vis static $name: $t = $init;
        }
    };
}

#[doc(inline)]
pub use crate::__weave_thread_local as thread_local;
