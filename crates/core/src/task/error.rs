//! `JoinError`: why a task produced no output.

use std::any::Any;
use std::fmt;

use super::header::Header;
use super::Id;

/// A task ended without an output: it was cancelled (aborted, or its executor shut down),
/// or it panicked.
///
/// ```
/// use weave_executor::LocalExecutor;
///
/// let ex = LocalExecutor::new();
/// let handle = ex.spawn(async { panic!("boom") });
/// let err = ex.block_on(handle).unwrap_err();
/// assert!(err.is_panic());
/// assert!(err.to_string().contains("panicked"));
/// ```
pub struct JoinError {
    // Boxed: the error lives in every task's output slot, so a pointer-sized error keeps
    // each task allocation small; errors are rare enough to pay the allocation.
    inner: Box<Inner>,
}

struct Inner {
    id: Id,
    /// Copied from the task only when it has a name: unnamed tasks pay nothing.
    name: Option<Box<str>>,
    repr: Repr,
}

enum Repr {
    Cancelled,
    Panic(Box<dyn Any + Send + 'static>),
}

impl JoinError {
    fn new(task: &Header, repr: Repr) -> JoinError {
        JoinError {
            inner: Box::new(Inner {
                id: task.id,
                name: task.name().map(Into::into),
                repr,
            }),
        }
    }

    pub(crate) fn cancelled(task: &Header) -> JoinError {
        JoinError::new(task, Repr::Cancelled)
    }

    pub(crate) fn panic(task: &Header, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError::new(task, Repr::Panic(payload))
    }

    /// True if the task was cancelled (aborted, or dropped by a shutdown).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.inner.repr, Repr::Cancelled)
    }

    /// True if the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.inner.repr, Repr::Panic(_))
    }

    /// The panic payload; panics if the task was cancelled instead.
    ///
    /// Resume the panic on the awaiting task with `std::panic::resume_unwind(err.into_panic())`.
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError::into_panic` called on a cancelled task's error")
    }

    /// The panic payload, or the error back if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        if self.is_cancelled() {
            return Err(self);
        }
        match self.inner.repr {
            Repr::Panic(payload) => Ok(payload),
            Repr::Cancelled => unreachable!("checked above"),
        }
    }

    /// The id of the task that failed.
    pub fn id(&self) -> Id {
        self.inner.id
    }

    /// The name of the task that failed, if it was spawned with one.
    pub fn name(&self) -> Option<&str> {
        self.inner.name.as_deref()
    }
}

/// Displays as `task 7` or `task 7 ("fetch")`.
struct TaskLabel<'a>(&'a JoinError);

impl fmt::Display for TaskLabel<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0.inner.name {
            Some(name) => write!(f, "task {} ({name:?})", self.0.inner.id),
            None => write!(f, "task {}", self.0.inner.id),
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let task = TaskLabel(self);
        match &self.inner.repr {
            Repr::Cancelled => write!(f, "{task} was cancelled"),
            Repr::Panic(payload) => match panic_message(payload.as_ref()) {
                Some(msg) => write!(f, "{task} panicked with message {msg:?}"),
                None => write!(f, "{task} panicked"),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.inner.id;
        match &self.inner.repr {
            Repr::Cancelled => write!(f, "JoinError::Cancelled({id:?})"),
            Repr::Panic(payload) => match panic_message(payload.as_ref()) {
                Some(msg) => write!(f, "JoinError::Panic({id:?}, {msg:?}, ..)"),
                None => write!(f, "JoinError::Panic({id:?}, ..)"),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(err: JoinError) -> std::io::Error {
        std::io::Error::other(err.to_string())
    }
}
