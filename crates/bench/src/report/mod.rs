//! The interleaved report: per-round samples in, `docs/benchmarks.md` and `.svg` out.
//!
//! `src/bin/report.rs` runs the rounds and fills one [`WorkloadResult`] per workload; this
//! module reduces them to medians and ratios ([`WorkloadResult::median`],
//! [`WorkloadResult::ratio`]) and renders them ([`markdown`], [`svg`]) with the machine they
//! ran on ([`Machine`]).

mod findings;
mod machine;
pub mod markdown;
pub mod sections;
pub mod svg;

use std::time::Duration;

pub use machine::Machine;

use crate::suite::{Entry, RuntimeKind};
use crate::workloads::{Limit, Scale};

/// The environment variable that overrides the number of rounds.
pub const ROUNDS_ENV: &str = "WEAVE_BENCH_ROUNDS";

/// The Weave / faster-peer ratio the issues ask for.
pub const TARGET_RATIO: f64 = 0.8;

/// How many interleaved rounds to run: `WEAVE_BENCH_ROUNDS` if set, else 7 (1 when quick).
pub fn rounds(scale: Scale) -> usize {
    let default = match scale {
        Scale::Full => 7,
        Scale::Quick => 1,
    };
    std::env::var(ROUNDS_ENV)
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .filter(|&rounds| rounds > 0)
        .unwrap_or(default)
}

/// Every sample of one workload: its figure ([`Entry::score`]), one per round, for each
/// runtime, and for the hand-written loops that bound it when it has them.
#[derive(Clone, Debug)]
pub struct WorkloadResult {
    /// The workload.
    pub entry: Entry,
    samples: [Vec<f64>; 6],
    /// The single-thread and the two-thread hand-written loops ([`Limit::Measured`]).
    limit_samples: [Vec<f64>; 2],
}

impl WorkloadResult {
    /// No samples yet.
    pub fn new(entry: Entry) -> Self {
        Self {
            entry,
            samples: Default::default(),
            limit_samples: Default::default(),
        }
    }

    /// Records that one run of the workload on `kind` took `elapsed`.
    pub fn record(&mut self, kind: RuntimeKind, elapsed: Duration) {
        let score = self.entry.score(elapsed);
        self.samples[kind as usize].push(score);
    }

    /// Records that one run of the hand-written loop (on two threads or one) took `elapsed`.
    pub fn record_limit(&mut self, two_threads: bool, elapsed: Duration) {
        let score = self.entry.score(elapsed);
        self.limit_samples[usize::from(two_threads)].push(score);
    }

    /// The recorded ns per item of `kind`, in the order they were recorded.
    pub fn samples(&self, kind: RuntimeKind) -> &[f64] {
        &self.samples[kind as usize]
    }

    /// The median ns per item of `kind` (NaN without samples).
    ///
    /// ```
    /// use std::time::Duration;
    /// use weave_bench::report::WorkloadResult;
    /// use weave_bench::suite::{suite, RuntimeKind};
    /// use weave_bench::workloads::Scale;
    ///
    /// let mut result = WorkloadResult::new(suite(Scale::Quick)[0]); // 1,000 tasks
    /// for micros in [30, 10, 20] {
    ///     result.record(RuntimeKind::TokioCt, Duration::from_micros(micros));
    /// }
    /// assert_eq!(result.median(RuntimeKind::TokioCt), 20.0);
    /// ```
    pub fn median(&self, kind: RuntimeKind) -> f64 {
        median(self.samples(kind))
    }

    /// Weave's median over the faster peer's, among the runtimes of the same threading:
    /// `weave_mt / min(tokio_mt, smol_mt)` or `weave_ct / min(tokio_ct, smol_ct)`.
    pub fn ratio(&self, multi_thread: bool) -> f64 {
        let (weave, tokio, smol) = if multi_thread {
            (
                RuntimeKind::WeaveMt,
                RuntimeKind::TokioMt,
                RuntimeKind::SmolMt,
            )
        } else {
            (
                RuntimeKind::WeaveCt,
                RuntimeKind::TokioCt,
                RuntimeKind::SmolCt,
            )
        };
        self.median(weave) / self.median(tokio).min(self.median(smol))
    }

    /// The physical limit for `kind` on this workload, in its unit, if one applies: PERF.md's
    /// figure, or the median of the hand-written loop measured in this run.
    pub fn limit(&self, kind: RuntimeKind) -> Option<f64> {
        match self.entry.limit {
            Limit::Measured => {
                let samples = &self.limit_samples[usize::from(kind.is_multi_thread())];
                (!samples.is_empty()).then(|| median(samples))
            }
            limit => limit.ns_per_item(kind.is_multi_thread()),
        }
    }
}

/// Resident memory per idle task, per runtime (medians over child processes).
#[derive(Clone, Debug)]
pub struct IdleResult {
    /// How many tasks were parked.
    pub tasks: usize,
    /// Bytes per parked task, indexed by `RuntimeKind as usize`.
    pub bytes_per_task: [f64; 6],
}

impl IdleResult {
    /// Bytes per task of `kind`.
    pub fn bytes(&self, kind: RuntimeKind) -> f64 {
        self.bytes_per_task[kind as usize]
    }

    /// Weave's bytes over the smaller peer's, of the same threading (target ≤ 0.75).
    pub fn ratio(&self, multi_thread: bool) -> f64 {
        let [weave, tokio, smol] = if multi_thread {
            [
                RuntimeKind::WeaveMt,
                RuntimeKind::TokioMt,
                RuntimeKind::SmolMt,
            ]
        } else {
            [
                RuntimeKind::WeaveCt,
                RuntimeKind::TokioCt,
                RuntimeKind::SmolCt,
            ]
        }
        .map(|kind| self.bytes(kind));
        weave / tokio.min(smol)
    }
}

/// The Weave / smaller-peer ratio of bytes per idle task the issue asks for.
pub const IDLE_TARGET_RATIO: f64 = 0.75;

/// The median of `samples` (NaN if empty).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        len if len % 2 == 1 => sorted[len / 2],
        len => (sorted[len / 2 - 1] + sorted[len / 2]) / 2.0,
    }
}
