//! Weave against tokio and smol on the same workloads, in one run.
//!
//! Twenty workloads ([`workloads`]) run on six runtimes ([`runtimes`]): Weave's multi-thread
//! and current-thread runtimes (the `weave` facade, timers and I/O enabled), tokio's
//! `multi_thread` and `current_thread` (`enable_all`), and smol's `async_executor` on two
//! threads and on one. Each workload is written once, generic over a small
//! [`runtimes::Runtime`] adapter and the runtime's own channels, locks, timers and sockets
//! ([`primitives`]), so every runtime runs the same code with the same parameters; [`suite`]
//! lays out the matrix for the two front ends:
//!
//! - `cargo bench -p weave-bench --bench runtime`: criterion, one group per workload, one
//!   function per runtime (`spawn_many_local/weave_mt`, …), for profiling and for the CI smoke
//!   (`WEAVE_BENCH_QUICK=1 cargo bench -p weave-bench --bench runtime -- --test`).
//! - `cargo run --release -p weave-bench --bin report`: runs the runtimes interleaved, round by
//!   round, so drift on a shared machine hits all of them alike, measures idle memory per task
//!   in a child process per runtime, and writes `docs/benchmarks.md` and
//!   `docs/benchmarks.svg` ([`report`]). `report --http` ([`http`]: hyper under wrk) and
//!   `report --python PYTHON` ([`python`]: asyncio and uvloop) add their own sections.
//!
//! `WEAVE_BENCH_QUICK=1` shrinks every workload 100× for either front end.
//!
//! # Not here
//! - Reference figures for the peers and the physical limits: `shared/PERF.md`, beside the
//!   repository; the report repeats the limits, and measures the TCP echo ones (hand-written
//!   mio loops) in the same run.
//! - Correctness tests of the runtimes: the `tests` crate.
//! - Per-crate micro-benchmarks (one primitive against its peers without a runtime around
//!   it): each crate's own `benches/`.

#![forbid(unsafe_code)]

pub mod http;
pub mod primitives;
pub mod python;
pub mod report;
pub mod runtimes;
pub mod suite;
pub mod workloads;
