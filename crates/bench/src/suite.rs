//! The whole matrix, workloads × runtimes, as plain values both front ends iterate.
//!
//! `benches/runtime.rs` (criterion) and `src/bin/report.rs` (the interleaved report) must run
//! exactly the same thing; they both start from [`suite`] and [`RuntimeKind::ALL`].

use std::time::{Duration, Instant};

use crate::runtimes::{Runtime, SmolCt, SmolMt, TokioCt, TokioMt, WeaveCt, WeaveMt};
use crate::workloads::{
    idle_bytes_per_task, ChainedSpawn, IdleTasks, JoinAll, JoinSet, Limit, Mpsc, MutexContention,
    PingPong, Scale, SemaphoreContention, Sleeps, SpawnManyLocal, SpawnManyRemote, TcpEcho,
    TimeoutCancel, Workload, YieldMany,
};

/// One of the six runtimes, as a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeKind {
    /// [`WeaveMt`].
    WeaveMt,
    /// [`WeaveCt`].
    WeaveCt,
    /// [`TokioMt`].
    TokioMt,
    /// [`TokioCt`].
    TokioCt,
    /// [`SmolMt`].
    SmolMt,
    /// [`SmolCt`].
    SmolCt,
}

impl RuntimeKind {
    /// All six, in the order of every table.
    pub const ALL: [Self; 6] = [
        Self::WeaveMt,
        Self::WeaveCt,
        Self::TokioMt,
        Self::TokioCt,
        Self::SmolMt,
        Self::SmolCt,
    ];

    /// Its [`Runtime::NAME`], e.g. `weave_mt`.
    ///
    /// ```
    /// use weave_bench::suite::RuntimeKind;
    ///
    /// assert_eq!(RuntimeKind::SmolCt.name(), "smol_ct");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::WeaveMt => WeaveMt::NAME,
            Self::WeaveCt => WeaveCt::NAME,
            Self::TokioMt => TokioMt::NAME,
            Self::TokioCt => TokioCt::NAME,
            Self::SmolMt => SmolMt::NAME,
            Self::SmolCt => SmolCt::NAME,
        }
    }

    /// Its [`Runtime::MULTI_THREAD`].
    pub fn is_multi_thread(self) -> bool {
        match self {
            Self::WeaveMt => WeaveMt::MULTI_THREAD,
            Self::WeaveCt => WeaveCt::MULTI_THREAD,
            Self::TokioMt => TokioMt::MULTI_THREAD,
            Self::TokioCt => TokioCt::MULTI_THREAD,
            Self::SmolMt => SmolMt::MULTI_THREAD,
            Self::SmolCt => SmolCt::MULTI_THREAD,
        }
    }

    /// The runtime named `name` ([`RuntimeKind::name`]), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Builds this runtime and measures the resident bytes per idle task
    /// ([`idle_bytes_per_task`]); run it in a fresh process.
    pub fn idle_bytes_per_task(self, tasks: usize) -> f64 {
        match self {
            Self::WeaveMt => idle_bytes_per_task::<WeaveMt>(tasks),
            Self::WeaveCt => idle_bytes_per_task::<WeaveCt>(tasks),
            Self::TokioMt => idle_bytes_per_task::<TokioMt>(tasks),
            Self::TokioCt => idle_bytes_per_task::<TokioCt>(tasks),
            Self::SmolMt => idle_bytes_per_task::<SmolMt>(tasks),
            Self::SmolCt => idle_bytes_per_task::<SmolCt>(tasks),
        }
    }

    /// Builds this runtime and binds `workload` to it.
    pub fn bind<W: Workload>(self, workload: W) -> Box<dyn Case> {
        match self {
            Self::WeaveMt => Bound::<W, WeaveMt>::boxed(workload),
            Self::WeaveCt => Bound::<W, WeaveCt>::boxed(workload),
            Self::TokioMt => Bound::<W, TokioMt>::boxed(workload),
            Self::TokioCt => Bound::<W, TokioCt>::boxed(workload),
            Self::SmolMt => Bound::<W, SmolMt>::boxed(workload),
            Self::SmolCt => Bound::<W, SmolCt>::boxed(workload),
        }
    }
}

/// A workload bound to a built runtime, ready to run again and again.
pub trait Case {
    /// Runs the workload once and returns how long it took, runtime construction excluded.
    fn run(&self) -> Duration;
}

/// The one [`Case`]: a workload and the runtime it runs on.
struct Bound<W, R> {
    workload: W,
    runtime: R,
}

impl<W: Workload, R: Runtime + 'static> Bound<W, R> {
    fn boxed(workload: W) -> Box<dyn Case> {
        Box::new(Self {
            workload,
            runtime: R::build(),
        })
    }
}

impl<W: Workload, R: Runtime> Case for Bound<W, R> {
    fn run(&self) -> Duration {
        let start = Instant::now();
        self.workload.run(&self.runtime);
        start.elapsed()
    }
}

/// One workload of the suite, with what the report needs to know about it.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// [`Workload::NAME`].
    pub name: &'static str,
    /// [`Workload::UNIT`].
    pub unit: &'static str,
    /// [`Workload::ABOUT`].
    pub about: &'static str,
    /// [`Workload::items`] at this scale.
    pub items: u64,
    /// [`Workload::LIMIT`].
    pub limit: Limit,
    /// [`Workload::PER_ITEM`].
    pub per_item: bool,
    scale: Scale,
    bind: fn(Scale, RuntimeKind) -> Box<dyn Case>,
    score: fn(Scale, Duration) -> f64,
    run_limit: fn(Scale, bool) -> Option<Duration>,
}

impl Entry {
    fn of<W: Workload>(scale: Scale) -> Self {
        Self {
            name: W::NAME,
            unit: W::UNIT,
            about: W::ABOUT,
            items: W::new(scale).items(),
            limit: W::LIMIT,
            per_item: W::PER_ITEM,
            scale,
            bind: |scale, kind| kind.bind(W::new(scale)),
            score: |scale, elapsed| W::new(scale).score(elapsed),
            run_limit: |scale, two_threads| W::new(scale).run_limit(two_threads),
        }
    }

    /// The figure a run of `elapsed` scores ([`Workload::score`]).
    pub fn score(&self, elapsed: Duration) -> f64 {
        (self.score)(self.scale, elapsed)
    }

    /// Runs the hand-written loop bounding this workload ([`Workload::run_limit`]).
    pub fn run_limit(&self, two_threads: bool) -> Option<Duration> {
        (self.run_limit)(self.scale, two_threads)
    }

    /// How the figure reads: `ns/task`, or the unit itself when not per item.
    ///
    /// ```
    /// use weave_bench::suite::suite;
    /// use weave_bench::workloads::Scale;
    ///
    /// assert_eq!(suite(Scale::Quick)[0].unit_label(), "ns/task");
    /// ```
    pub fn unit_label(&self) -> String {
        if self.per_item {
            format!("ns/{}", self.unit)
        } else {
            self.unit.to_owned()
        }
    }

    /// Builds `kind` and binds this workload to it.
    ///
    /// ```
    /// use weave_bench::suite::{suite, RuntimeKind};
    /// use weave_bench::workloads::Scale;
    ///
    /// let chained = &suite(Scale::Quick)[4];
    /// assert_eq!((chained.name, chained.items), ("chained_spawn", 100));
    /// let elapsed = chained.bind(RuntimeKind::TokioCt).run();
    /// assert!(elapsed.as_nanos() > 0);
    /// ```
    pub fn bind(&self, kind: RuntimeKind) -> Box<dyn Case> {
        (self.bind)(self.scale, kind)
    }
}

/// Every workload at `scale`, in the order of every table.
pub fn suite(scale: Scale) -> Vec<Entry> {
    vec![
        Entry::of::<SpawnManyLocal>(scale),
        Entry::of::<SpawnManyRemote>(scale),
        Entry::of::<YieldMany>(scale),
        Entry::of::<PingPong>(scale),
        Entry::of::<ChainedSpawn>(scale),
        Entry::of::<Mpsc<1, true>>(scale),
        Entry::of::<Mpsc<8, true>>(scale),
        Entry::of::<Mpsc<1, false>>(scale),
        Entry::of::<Mpsc<8, false>>(scale),
        Entry::of::<MutexContention>(scale),
        Entry::of::<SemaphoreContention>(scale),
        Entry::of::<Sleeps>(scale),
        Entry::of::<TimeoutCancel>(scale),
        Entry::of::<JoinAll<10_000>>(scale),
        Entry::of::<JoinAll<100_000>>(scale),
        Entry::of::<JoinSet>(scale),
        Entry::of::<IdleTasks>(scale),
        Entry::of::<TcpEcho<50, 64>>(scale),
        Entry::of::<TcpEcho<10, 1024>>(scale),
        Entry::of::<TcpEcho<10, 102_400>>(scale),
    ]
}
