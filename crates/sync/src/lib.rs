//! Weave's sync primitives and channels (Mutex, Semaphore, Event, Queue, mpsc, oneshot, broadcast, watch); executor-agnostic.
//!
//! (Being built: see the issue tracker.)

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
