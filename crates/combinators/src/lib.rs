//! Weave's combinators and structured concurrency: join!, select!, join_all, as_completed, JoinSet, TaskGroup.
//!
//! (Being built: see the issue tracker.)

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
