//! Weave's timer: a hierarchical timing wheel, sleep, timeout and interval, and a Park layer; works under any executor.
//!
//! (Being built: see the issue tracker.)

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
