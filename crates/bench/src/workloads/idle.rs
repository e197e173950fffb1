//! Idle tasks: many tasks parked, each on its own oneshot channel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::Primitives;
use crate::runtimes::Runtime;

/// From inside a task, spawn `tasks` tasks that each wait on their own oneshot channel (the
/// runtime's own; smol: `async_channel::bounded(1)`), then fire every channel and join every
/// task (ns/task). [`idle_bytes_per_task`] measures the memory the parked tasks take.
///
/// ```
/// use weave_bench::runtimes::{Runtime, WeaveMt};
/// use weave_bench::workloads::{IdleTasks, Workload};
///
/// IdleTasks { tasks: 100 }.run(&WeaveMt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct IdleTasks {
    /// How many tasks park (100,000 at full scale).
    pub tasks: usize,
}

impl Workload for IdleTasks {
    const NAME: &'static str = "idle_wake";
    const UNIT: &'static str = "task";
    const ABOUT: &'static str = "tasks spawned from inside a task, each parking on its own \
         oneshot channel, then every channel fired and every task joined";
    const LIMIT: Limit = Limit::None;

    fn new(scale: Scale) -> Self {
        Self {
            tasks: scale.size(100_000),
        }
    }

    fn items(&self) -> u64 {
        self.tasks as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let tasks = self.tasks;
        run_in_task(runtime, async move {
            let (senders, handles) = park::<R>(tasks, &Arc::default());
            for sender in senders {
                <R::Primitives>::fire(sender);
            }
            for handle in handles {
                handle.await;
            }
        });
    }
}

type Parked<R> = (
    Vec<<<R as Runtime>::Primitives as Primitives>::OneshotSender>,
    Vec<<R as Runtime>::JoinHandle>,
);

/// Spawns `tasks` tasks, each counting itself in `parked` and then waiting on its own oneshot.
fn park<R: Runtime>(tasks: usize, parked: &Arc<AtomicUsize>) -> Parked<R> {
    let mut senders = Vec::with_capacity(tasks);
    let mut handles = Vec::with_capacity(tasks);
    for _ in 0..tasks {
        let (sender, receiver) = <R::Primitives>::oneshot();
        let parked = parked.clone();
        senders.push(sender);
        handles.push(R::spawn(async move {
            parked.fetch_add(1, Ordering::Relaxed);
            <R::Primitives>::fired(receiver).await;
        }));
    }
    (senders, handles)
}

/// The resident memory of this process, from `/proc/self/statm` (4 KiB pages).
pub fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("cannot read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("malformed /proc/self/statm");
    pages * 4096
}

/// Builds `R`, parks `tasks` tasks each on its own oneshot channel (after one smaller warm-up
/// round), and returns the growth of resident memory per parked task: task, future, channel
/// and the two handles the spawner keeps (sender and join handle), all included.
///
/// Run it in a fresh process per runtime (the report binary re-executes itself with `--idle`),
/// so that no other runtime's freed memory is reused.
pub fn idle_bytes_per_task<R: Runtime>(tasks: usize) -> f64 {
    let runtime = R::build();
    IdleTasks {
        tasks: tasks / 10 + 1,
    }
    .run(&runtime);
    let before = resident_bytes();
    let parked = Arc::new(AtomicUsize::new(0));
    let (senders, handles) = runtime.block_on(async {
        let spawned = park::<R>(tasks, &parked);
        while parked.load(Ordering::Relaxed) < tasks {
            <R::Primitives>::sleep(Duration::from_millis(1)).await;
        }
        spawned
    });
    let after = resident_bytes();
    runtime.block_on(async move {
        for sender in senders {
            <R::Primitives>::fire(sender);
        }
        for handle in handles {
            handle.await;
        }
    });
    after.saturating_sub(before) as f64 / tasks as f64
}
