//! The workloads, each a [`Workload`] generic over the [`Runtime`] it runs on.
//!
//! Every workload has the same parameters on every runtime. The five executor workloads
//! (spawning, yielding, ping-pong, chains) send every message through `async_channel`, so the
//! executor is the only thing that differs; the others (channels, locks, timers, joins, TCP
//! echo, idle tasks) use each runtime's own primitives ([`crate::primitives`]). Sizes follow
//! the peer table of the team's performance reference (`shared/PERF.md`, beside the
//! repository), so the numbers can be read beside it; [`Scale::Quick`] shrinks each one 100×
//! for smoke runs.

mod chained_spawn;
mod idle;
mod joins;
mod locks;
mod mpsc;
mod ping_pong;
mod spawn_many_local;
mod spawn_many_remote;
mod tcp_echo;
mod timers;
mod yield_many;

use std::future::Future;
use std::time::Duration;

pub use chained_spawn::ChainedSpawn;
pub use idle::{idle_bytes_per_task, resident_bytes, IdleTasks};
pub use joins::{JoinAll, JoinSet};
pub use locks::{MutexContention, SemaphoreContention, CONTENDERS, PERMITS};
pub use mpsc::{Mpsc, CAPACITY};
pub use ping_pong::PingPong;
pub use spawn_many_local::SpawnManyLocal;
pub use spawn_many_remote::SpawnManyRemote;
pub use tcp_echo::TcpEcho;
pub use timers::{Sleeps, TimeoutCancel, LONGEST_SLEEP_MS};
pub use yield_many::YieldMany;

use crate::runtimes::Runtime;

/// The environment variable that selects [`Scale::Quick`] when set to `1`.
pub const QUICK_ENV: &str = "WEAVE_BENCH_QUICK";

/// How big the workloads are.
///
/// ```
/// use weave_bench::workloads::Scale;
///
/// assert_eq!(Scale::Full.size(100_000), 100_000);
/// assert_eq!(Scale::Quick.size(100_000), 1_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// The sizes of the peer table in PERF.md.
    Full,
    /// Every size divided by 100: a smoke run that only checks everything works.
    Quick,
}

impl Scale {
    /// [`Scale::Quick`] if `WEAVE_BENCH_QUICK=1`, else [`Scale::Full`].
    pub fn from_env() -> Self {
        match std::env::var(QUICK_ENV) {
            Ok(value) if value == "1" => Self::Quick,
            _ => Self::Full,
        }
    }

    /// `full` at this scale (never below 1).
    pub fn size(self, full: usize) -> usize {
        match self {
            Self::Full => full,
            Self::Quick => (full / 100).max(1),
        }
    }
}

/// Which hand-written, runtime-free loop bounds a workload from below (PERF.md, "What is
/// physically possible").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// No such loop applies.
    None,
    /// Each item is one spawn: 18 ns on one thread, 74 ns thread-safe.
    Spawn,
    /// Each item is one yield: 1.7 ns.
    Yield,
    /// Each item is one message over a two-thread channel (std `sync_channel(1024)`): 12 ns.
    Channel,
    /// Each item is a timer inserted and removed (64-slot hashed wheel, 3.9 ns) plus one
    /// yield (1.7 ns): 5.6 ns.
    TimerCancel,
    /// A hand-written loop measured in the same run ([`Workload::run_limit`]): its figure is
    /// in the report, not here.
    Measured,
}

impl Limit {
    /// The limit in ns per item, for a single-threaded or a multi-threaded runtime.
    ///
    /// ```
    /// use weave_bench::workloads::Limit;
    ///
    /// assert_eq!(Limit::Spawn.ns_per_item(true), Some(74.0));
    /// assert_eq!(Limit::None.ns_per_item(false), None);
    /// ```
    pub fn ns_per_item(self, multi_thread: bool) -> Option<f64> {
        match (self, multi_thread) {
            (Self::None | Self::Measured, _) => None,
            (Self::Spawn, false) => Some(18.0),
            (Self::Spawn, true) => Some(74.0),
            (Self::Yield, _) => Some(1.7),
            (Self::Channel, _) => Some(12.0),
            (Self::TimerCancel, _) => Some(5.6),
        }
    }
}

/// One benchmark workload: fixed parameters, run the same way on every runtime.
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioCt};
/// use weave_bench::workloads::{Scale, SpawnManyLocal, Workload};
///
/// let workload = SpawnManyLocal::new(Scale::Quick);
/// workload.run(&TokioCt::build());
/// assert_eq!(workload.items(), 1_000);
/// ```
pub trait Workload: Copy + Send + 'static {
    /// The name the benchmarks and the report use, e.g. `yield_many`.
    const NAME: &'static str;
    /// What one item is, for "ns per …" (e.g. `task`); the whole unit if not
    /// [`Workload::PER_ITEM`].
    const UNIT: &'static str;
    /// Whether the figure is ns per item (the default) or [`Workload::score`]'s own unit.
    const PER_ITEM: bool = true;
    /// One line for the report: what the workload does, without its sizes.
    const ABOUT: &'static str;
    /// What physically bounds it from below.
    const LIMIT: Limit;

    /// The workload at `scale`.
    fn new(scale: Scale) -> Self;

    /// How many items one run does: the elapsed time divides by this.
    fn items(&self) -> u64;

    /// Runs the workload once on `runtime`, returning when every task it spawned has finished.
    fn run<R: Runtime>(&self, runtime: &R);

    /// The figure one run of `elapsed` scores (lower is better): ns per item by default.
    fn score(&self, elapsed: Duration) -> f64 {
        elapsed.as_nanos() as f64 / self.items() as f64
    }

    /// For [`Limit::Measured`]: runs the hand-written loop that bounds this workload, on one
    /// thread or on two, and returns how long it took; `None` if there is none.
    fn run_limit(&self, two_threads: bool) -> Option<Duration> {
        let _ = two_threads;
        None
    }
}

/// Blocks on `root` run as a task of `runtime` (not as the `block_on` future itself), so
/// that on multi-threaded runtimes the workload starts on a worker, as it would in a server.
fn run_in_task<R, F>(runtime: &R, root: F)
where
    R: Runtime,
    F: Future<Output = ()> + Send + 'static,
{
    runtime.block_on(async move { R::spawn(root).await });
}
