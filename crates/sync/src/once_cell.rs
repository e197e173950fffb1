//! [`OnceCell`]: a value set once, possibly by an async initializer.
//!
//! Initializers take turns through a one-permit [`Semaphore`]: the first caller runs its
//! initializer while later callers queue; if it is cancelled or fails, the permit passes to
//! the next caller, which tries its own. Once the value is written the semaphore is closed,
//! which wakes every queued caller to read it.

use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;

use weave_core::loom::cell::UnsafeCell;
use weave_core::loom::sync::atomic::{AtomicBool, Ordering};

use crate::semaphore::{Semaphore, TryAcquireError};

/// A cell written at most once.
///
/// ```
/// use weave_sync::OnceCell;
///
/// # futures::executor::block_on(async {
/// static CONFIG: std::sync::OnceLock<OnceCell<String>> = std::sync::OnceLock::new();
/// let cell = CONFIG.get_or_init(OnceCell::new);
/// let v = cell.get_or_init(|| async { "loaded".to_string() }).await;
/// assert_eq!(v, "loaded");
/// // A second initializer does not run.
/// let v = cell.get_or_init(|| async { unreachable!() }).await;
/// assert_eq!(v, "loaded");
/// # });
/// ```
pub struct OnceCell<T> {
    /// Set (Release) after `value` is written; readers Acquire it before reading.
    initialized: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// One permit: the right to run an initializer. Closed once the value is in.
    turn: Semaphore,
}

// SAFETY: the cell hands out `&T` to any thread (needs `T: Sync`) and a value written by one
// thread is read or dropped by another (needs `T: Send`). Writes happen once, under the
// `turn` permit, before `initialized` is published.
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}
// SAFETY: the cell owns its `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}

/// Why [`OnceCell::set`] failed; the value comes back.
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already holds a value.
    AlreadyInitialized(T),
    /// An initializer is running right now.
    Initializing(T),
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitialized(_) => f.write_str("cell already initialized"),
            SetError::Initializing(_) => f.write_str("cell is being initialized"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SetError<T> {}

impl<T> OnceCell<T> {
    /// An empty cell.
    pub fn new() -> Self {
        Self {
            initialized: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            turn: Semaphore::new_strict(1),
        }
    }

    /// A cell holding `value`.
    ///
    /// ```
    /// let cell = weave_sync::OnceCell::new_with(3);
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn new_with(value: T) -> Self {
        let cell = Self::new();
        let set = cell.set(value);
        debug_assert!(set.is_ok());
        cell
    }

    /// The value, if set.
    ///
    /// ```
    /// let cell = weave_sync::OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set(1).unwrap();
    /// assert_eq!(cell.get(), Some(&1));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized.load(Ordering::Acquire) {
            // SAFETY: `initialized` is set only after the value was written (Release/Acquire
            // order that write before this read), and it is never written again.
            Some(self.value.with(|ptr| unsafe { (*ptr).assume_init_ref() }))
        } else {
            None
        }
    }

    /// Whether the value is set.
    pub fn initialized(&self) -> bool {
        self.initialized.load(Ordering::Acquire)
    }

    /// Stores `value` if the cell is empty and no initializer is running.
    ///
    /// ```
    /// use weave_sync::{OnceCell, SetError};
    /// let cell = OnceCell::new();
    /// cell.set(1).unwrap();
    /// assert_eq!(cell.set(2), Err(SetError::AlreadyInitialized(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        match self.turn.try_acquire_raw(1) {
            Ok(()) => {
                self.write(value);
                Ok(())
            }
            Err(TryAcquireError::Closed) => Err(SetError::AlreadyInitialized(value)),
            Err(TryAcquireError::NoPermits) => Err(SetError::Initializing(value)),
        }
    }

    /// Writes the value; the caller holds the `turn` permit (which this consumes).
    fn write(&self, value: T) -> &T {
        debug_assert!(!self.initialized.load(Ordering::Relaxed));
        // SAFETY: we hold the only `turn` permit and the cell is not initialized, so no
        // reader touches `value` (they wait for `initialized`) and no other writer exists.
        self.value.with_mut(|ptr| unsafe {
            (*ptr).write(value);
        });
        self.initialized.store(true, Ordering::Release);
        // Wake every queued initializer: they find the semaphore closed and read the value.
        self.turn.close();
        self.get().expect("just initialized")
    }

    /// The value, running `init` to produce it if the cell is empty. Concurrent callers wait
    /// for the first initializer instead of running theirs.
    ///
    /// Cancel-safe: if the running initializer is dropped (or panics), the next waiting
    /// caller runs its own.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = weave_sync::OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 7 }).await, 7);
    /// # });
    /// ```
    pub async fn get_or_init<F, Fut>(&self, init: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        match self
            .get_or_try_init(|| async { Ok::<T, std::convert::Infallible>(init().await) })
            .await
        {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// Like [`get_or_init`](OnceCell::get_or_init) with a fallible initializer; on `Err`
    /// the cell stays empty and the next caller gets its turn.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let cell = weave_sync::OnceCell::<u8>::new();
    /// assert_eq!(cell.get_or_try_init(|| async { Err("nope") }).await, Err("nope"));
    /// assert_eq!(cell.get_or_try_init(|| async { Ok::<_, ()>(1) }).await, Ok(&1));
    /// # });
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, init: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        if self.turn.acquire_raw(1).await.is_err() {
            // Closed: someone initialized the cell while we waited.
            return Ok(self.get().expect("closed only once initialized"));
        }
        // Our turn. Give it back if we are dropped or fail before writing.
        struct Turn<'a>(Option<&'a Semaphore>);
        impl Drop for Turn<'_> {
            fn drop(&mut self) {
                if let Some(sem) = self.0 {
                    sem.release(1);
                }
            }
        }
        let mut turn = Turn(Some(&self.turn));
        let value = init().await?;
        turn.0 = None;
        Ok(self.write(value))
    }

    /// Consumes the cell, returning the value if set.
    ///
    /// ```
    /// let cell = weave_sync::OnceCell::new_with("x");
    /// assert_eq!(cell.into_inner(), Some("x"));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Empties the cell, returning the value if set.
    pub fn take(&mut self) -> Option<T> {
        if !self.initialized.swap(false, Ordering::Acquire) {
            return None;
        }
        self.turn = Semaphore::new_strict(1);
        // SAFETY: it was initialized (checked above) and `&mut self` rules out readers; the
        // flag is now false, so the value will not be read or dropped again.
        Some(
            self.value
                .with_mut(|ptr| unsafe { (*ptr).assume_init_read() }),
        )
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}
