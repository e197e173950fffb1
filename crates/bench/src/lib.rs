//! Weave against tokio and smol on the same workloads, in one run.
//!
//! Five CPU-bound workloads ([`workloads`]) run on six runtimes ([`runtimes`]): Weave's
//! `ThreadPool` and `LocalExecutor`, tokio's multi-thread and current-thread runtimes, and
//! smol's `async_executor` on two threads and on one. Each workload is written once, generic
//! over a small [`runtimes::Runtime`] adapter, so every runtime runs the same code with the
//! same parameters; [`suite`] lays out the matrix for the two front ends:
//!
//! - `cargo bench -p weave-bench --bench runtime`: criterion, one group per workload, one
//!   function per runtime (`spawn_many_local/weave_mt`, …), for profiling and for the CI smoke
//!   (`WEAVE_BENCH_QUICK=1 cargo bench -p weave-bench --bench runtime -- --test`).
//! - `cargo run --release -p weave-bench --bin report`: runs the runtimes interleaved, round by
//!   round, so drift on a shared machine hits all of them alike, and writes
//!   `docs/benchmarks.md` and `docs/benchmarks.svg` ([`report`]).
//!
//! `WEAVE_BENCH_QUICK=1` shrinks every workload 100× for either front end.
//!
//! # Not here
//! - I/O and timer benchmarks (echo, sleeps, timeouts): they need Weave's reactor and timer.
//! - Reference figures for the peers and the physical limits: `shared/PERF.md`, beside the
//!   repository; the report only repeats the limits.
//! - Correctness tests of the runtimes: the `tests` crate.

#![forbid(unsafe_code)]

pub mod http;
pub mod primitives;
pub mod python;
pub mod report;
pub mod runtimes;
pub mod suite;
pub mod workloads;
