//! Weave's blocking thread pool (asyncio's to_thread) and the fs module built on it.
//!
//! (Being built: see the issue tracker.)

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
