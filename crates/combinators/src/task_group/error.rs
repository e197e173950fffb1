//! `TaskGroupError`: every failure of a group's children, the first one first.

use std::any::Any;
use std::error::Error;
use std::fmt;

/// How one child of a [`TaskGroup`](crate::TaskGroup) failed.
pub enum ChildError<E> {
    /// The child returned `Err(error)`.
    Failed {
        /// The child's position in spawn order.
        index: usize,
        /// What it returned.
        error: E,
    },
    /// The child panicked.
    Panicked {
        /// The child's position in spawn order.
        index: usize,
        /// The panic payload; re-raise it with `std::panic::resume_unwind(payload)`.
        payload: Box<dyn Any + Send + 'static>,
    },
}

impl<E> ChildError<E> {
    /// The failed child's position in spawn order.
    pub fn index(&self) -> usize {
        match self {
            ChildError::Failed { index, .. } | ChildError::Panicked { index, .. } => *index,
        }
    }

    /// The error the child returned, if it returned one (rather than panicking).
    pub fn error(&self) -> Option<&E> {
        match self {
            ChildError::Failed { error, .. } => Some(error),
            ChildError::Panicked { .. } => None,
        }
    }

    /// True if the child panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self, ChildError::Panicked { .. })
    }

    /// The panic message, when the payload is a string (as `panic!("...")` makes it).
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            ChildError::Panicked { payload, .. } => payload
                .downcast_ref::<&'static str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str)),
            ChildError::Failed { .. } => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for ChildError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Failed { index, error } => f
                .debug_struct("Failed")
                .field("index", index)
                .field("error", error)
                .finish(),
            ChildError::Panicked { index, .. } => f
                .debug_struct("Panicked")
                .field("index", index)
                .field("message", &self.panic_message())
                .finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for ChildError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChildError::Failed { index, error } => write!(f, "child {index} failed: {error}"),
            ChildError::Panicked { index, .. } => match self.panic_message() {
                Some(message) => write!(f, "child {index} panicked: {message}"),
                None => write!(f, "child {index} panicked"),
            },
        }
    }
}

/// Why [`TaskGroup::join`](crate::TaskGroup::join) has no values to return: every child
/// failure, in the order they happened (so [`first`](TaskGroupError::first) is the one
/// that cancelled the rest), and how many children were cancelled.
///
/// A group cancelled from outside, with no failure, gives an error with no failures and
/// [`is_cancelled`](TaskGroupError::is_cancelled) true.
///
/// ```
/// use weave_combinators::TaskGroup;
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let err = ex.block_on(async {
///     let group = TaskGroup::with_spawner(ex.handle());
///     group.spawn(async { Err::<(), _>("disk full") });
///     group.spawn(std::future::pending());
///     group.join().await.unwrap_err()
/// });
/// assert_eq!(err.first_error(), Some(&"disk full"));
/// assert_eq!(err.cancelled(), 1);
/// assert_eq!(err.to_string(), "task group failed: 1 child failed, 1 cancelled; first: child 0 failed: disk full");
/// ```
pub struct TaskGroupError<E> {
    failures: Vec<ChildError<E>>,
    cancelled: usize,
}

impl<E> TaskGroupError<E> {
    pub(crate) fn new(failures: Vec<ChildError<E>>, cancelled: usize) -> TaskGroupError<E> {
        TaskGroupError {
            failures,
            cancelled,
        }
    }

    /// The first failure to happen (the one that cancelled the siblings); `None` when the
    /// group was only cancelled.
    pub fn first(&self) -> Option<&ChildError<E>> {
        self.failures.first()
    }

    /// The first error a child returned (skipping panics).
    pub fn first_error(&self) -> Option<&E> {
        self.failures.iter().find_map(ChildError::error)
    }

    /// Takes the first failure.
    pub fn into_first(self) -> Option<ChildError<E>> {
        self.failures.into_iter().next()
    }

    /// Every failure, in the order they happened.
    pub fn failures(&self) -> &[ChildError<E>] {
        &self.failures
    }

    /// Takes every failure, in the order they happened.
    pub fn into_failures(self) -> Vec<ChildError<E>> {
        self.failures
    }

    /// How many children were cancelled before finishing.
    pub fn cancelled(&self) -> usize {
        self.cancelled
    }

    /// True when no child failed: the group was cancelled (`cancel()`, from outside).
    pub fn is_cancelled(&self) -> bool {
        self.failures.is_empty()
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroupError")
            .field("failures", &self.failures)
            .field("cancelled", &self.cancelled)
            .finish()
    }
}

impl<E: fmt::Display> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failures.first() {
            None => write!(
                f,
                "task group cancelled: {} {} cancelled",
                self.cancelled,
                plural(self.cancelled)
            ),
            Some(first) => write!(
                f,
                "task group failed: {} {} failed, {} cancelled; first: {first}",
                self.failures.len(),
                plural(self.failures.len()),
                self.cancelled
            ),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "child"
    } else {
        "children"
    }
}

impl<E: Error + 'static> Error for TaskGroupError<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.first_error().map(|e| e as &(dyn Error + 'static))
    }
}
