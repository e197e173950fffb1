//! Weave's I/O reactor on mio: readiness registration, Async<T>, TCP/UDP/Unix sockets, and a Park layer; works under any executor.
//!
//! (Being built: see the issue tracker.)

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
