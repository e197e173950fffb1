//! The errors of [`Queue`](super::Queue) and its siblings.

use std::fmt;

/// `put` on a closed queue: the item comes back.
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct PutError<T>(pub T);

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PutError(..)")
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue closed")
    }
}

impl<T> std::error::Error for PutError<T> {}

/// Why `try_put` failed: the item comes back.
#[derive(PartialEq, Eq, Clone, Copy)]
pub enum TryPutError<T> {
    /// The queue is at capacity.
    Full(T),
    /// The queue is closed.
    Closed(T),
}

impl<T> TryPutError<T> {
    /// The item that was not queued.
    pub fn into_inner(self) -> T {
        match self {
            TryPutError::Full(v) | TryPutError::Closed(v) => v,
        }
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("Full(..)"),
            TryPutError::Closed(_) => f.write_str("Closed(..)"),
        }
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryPutError::Full(_) => f.write_str("queue full"),
            TryPutError::Closed(_) => f.write_str("queue closed"),
        }
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// `get` on a closed queue that has been drained (asyncio's `QueueShutDown`).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct GetError(pub(crate) ());

impl fmt::Display for GetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue closed and empty")
    }
}

impl std::error::Error for GetError {}

/// Why `try_get` returned no item.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum TryGetError {
    /// Nothing queued now.
    Empty,
    /// Closed and drained.
    Closed,
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryGetError::Empty => f.write_str("queue empty"),
            TryGetError::Closed => f.write_str("queue closed and empty"),
        }
    }
}

impl std::error::Error for TryGetError {}
