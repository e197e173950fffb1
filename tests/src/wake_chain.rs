//! `spawn_wake_chain`: parked tasks that wake one another as they are destroyed.

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;

use weave_core::{JoinHandle, Spawn};

use crate::{counted, mailbox, Sender};

/// What a chain task returns if it is ever polled past its wait: only a task polled after
/// its executor began shutting down gets there, and `assert_all_cancelled` then shows it.
const POLLED_DURING_SHUTDOWN: &str = "polled during shutdown";

/// The tasks of [`spawn_wake_chain`] and what observes them.
#[derive(Debug)]
pub struct WakeChain {
    /// One handle per task, in spawn order.
    pub handles: Vec<JoinHandle<&'static str>>,
    /// How many of the chain's futures are alive.
    pub live: Arc<AtomicUsize>,
    /// How many tasks have been polled (and are now waiting).
    pub started: Arc<AtomicUsize>,
    /// The sender the last task waits on; keep it until the executor is gone.
    pub last: Sender<()>,
}

impl WakeChain {
    /// True once every task was polled and waits on its mailbox.
    pub fn all_started(&self) -> bool {
        self.started.load(SeqCst) == self.handles.len()
    }
}

/// Spawns `len` tasks where task `i` waits on its own mailbox and owns the sender of task
/// `i - 1`'s: destroying task `i` wakes task `i - 1`. At shutdown every cancellation then
/// wakes a neighbour that is itself being shut down, newest to oldest.
///
/// ```
/// use weave_executor::LocalExecutor;
/// use weave_tests::{spawn_wake_chain, yield_until};
///
/// let ex = LocalExecutor::new();
/// let chain = spawn_wake_chain(3, &ex.handle());
/// ex.block_on(yield_until(|| chain.all_started()));
/// drop(ex);
/// assert_eq!(chain.live.load(std::sync::atomic::Ordering::SeqCst), 0);
/// ```
pub fn spawn_wake_chain(len: usize, spawner: &impl Spawn) -> WakeChain {
    assert!(len > 0, "empty chain");
    let live = Arc::new(AtomicUsize::new(0));
    let started = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::with_capacity(len);
    let mut wakes_previous: Option<Sender<()>> = None;
    for _ in 0..len {
        let (tx, mut rx) = mailbox::<()>();
        let started = started.clone();
        let previous = wakes_previous.replace(tx);
        handles.push(spawner.spawn(counted(&live, async move {
            let _previous = previous; // dropped with this future: wakes the task before us
            started.fetch_add(1, SeqCst);
            rx.recv().await;
            POLLED_DURING_SHUTDOWN
        })));
    }
    WakeChain {
        handles,
        live,
        started,
        last: wakes_previous.expect("len > 0"),
    }
}
