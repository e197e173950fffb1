//! The whole matrix, workloads × runtimes, as plain values both front ends iterate.
//!
//! `benches/runtime.rs` (criterion) and `src/bin/report.rs` (the interleaved report) must run
//! exactly the same thing; they both start from [`suite`] and [`RuntimeKind::ALL`].

use std::time::{Duration, Instant};

use crate::runtimes::{Runtime, SmolCt, SmolMt, TokioCt, TokioMt, WeaveCt, WeaveMt};
use crate::workloads::{
    ChainedSpawn, Limit, PingPong, Scale, SpawnManyLocal, SpawnManyRemote, Workload, YieldMany,
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
    scale: Scale,
    bind: fn(Scale, RuntimeKind) -> Box<dyn Case>,
}

impl Entry {
    fn of<W: Workload>(scale: Scale) -> Self {
        Self {
            name: W::NAME,
            unit: W::UNIT,
            about: W::ABOUT,
            items: W::new(scale).items(),
            limit: W::LIMIT,
            scale,
            bind: |scale, kind| kind.bind(W::new(scale)),
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

/// The five workloads at `scale`, in the order of every table.
pub fn suite(scale: Scale) -> [Entry; 5] {
    [
        Entry::of::<SpawnManyLocal>(scale),
        Entry::of::<SpawnManyRemote>(scale),
        Entry::of::<YieldMany>(scale),
        Entry::of::<PingPong>(scale),
        Entry::of::<ChainedSpawn>(scale),
    ]
}
