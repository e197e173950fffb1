//! Weave's channels and locks against tokio's and async-channel/async-lock, all on the same
//! executor: tokio's multi-thread runtime with 2 workers (the primitives are executor-agnostic,
//! so this isolates the primitive's cost).
//!
//! `cargo bench -p weave-sync --bench sync` runs criterion. On a noisy machine, set
//! `SYNC_BENCH_INTERLEAVED=7` instead: every scenario then runs once per round, peers side by
//! side, for 7 rounds, and the median of each is printed with the Weave/peer ratios (load
//! that comes and goes hits all of them alike). `SYNC_BENCH_FILTER=mpsc_bounded` narrows it.

// `criterion_group!` generates an undocumented function.
#![allow(missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{criterion_group, Criterion, Throughput};
use tokio::runtime::Runtime;

const CAP: usize = 1024;
const LOCK_TASKS: usize = 8;

/// `WEAVE_BENCH_QUICK=1` (the workspace's smoke-test switch) shrinks the workloads 100×.
fn quick() -> bool {
    std::env::var_os("WEAVE_BENCH_QUICK").is_some()
}

fn messages() -> u64 {
    if quick() {
        10_000
    } else {
        1_000_000
    }
}

fn locks_per_task() -> usize {
    if quick() {
        1_000
    } else {
        100_000
    }
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

/// `producers` tasks send `messages()` in total; the caller's task receives them all.
macro_rules! mpsc_run {
    ($rt:expr, $producers:expr, $make:expr, |$tx:ident, $v:ident| $send:expr, |$rx:ident| $recv:expr) => {{
        let producers: u64 = $producers;
        $rt.block_on(async {
            // async-channel's receiver needs no `mut`; tokio's and Weave's do.
            #[allow(unused_mut)]
            let ($tx, mut $rx) = $make;
            for _ in 0..producers {
                let $tx = $tx.clone();
                tokio::spawn(async move {
                    for $v in 0..messages() / producers {
                        $send;
                    }
                });
            }
            drop($tx);
            let mut n = 0u64;
            while $recv.is_some() {
                n += 1;
            }
            assert_eq!(n, messages() / producers * producers);
        })
    }};
}

/// `LOCK_TASKS` tasks each take and release the primitive `locks_per_task()` times.
macro_rules! contention_run {
    ($rt:expr, $make:expr, |$p:ident| $take:expr) => {{
        $rt.block_on(async {
            let $p = Arc::new($make);
            let handles: Vec<_> = (0..LOCK_TASKS)
                .map(|_| {
                    let $p = $p.clone();
                    tokio::spawn(async move {
                        for _ in 0..locks_per_task() {
                            let guard = $take;
                            drop(guard);
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        })
    }};
}

type Scenario = (&'static str, &'static str, fn(&Runtime));

/// (group, implementation, run once). Weave first in each group.
fn scenarios() -> Vec<Scenario> {
    vec![
        ("mpsc_bounded_1p", "weave", |rt| {
            mpsc_run!(
                rt,
                1,
                weave_sync::mpsc::channel::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_bounded_1p", "tokio", |rt| {
            mpsc_run!(
                rt,
                1,
                tokio::sync::mpsc::channel::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_bounded_1p", "async-channel", |rt| {
            mpsc_run!(
                rt,
                1,
                async_channel::bounded::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await.ok()
            )
        }),
        ("mpsc_bounded_8p", "weave", |rt| {
            mpsc_run!(
                rt,
                8,
                weave_sync::mpsc::channel::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_bounded_8p", "tokio", |rt| {
            mpsc_run!(
                rt,
                8,
                tokio::sync::mpsc::channel::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_bounded_8p", "async-channel", |rt| {
            mpsc_run!(
                rt,
                8,
                async_channel::bounded::<u64>(CAP),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await.ok()
            )
        }),
        ("mpsc_unbounded_1p", "weave", |rt| {
            mpsc_run!(
                rt,
                1,
                weave_sync::mpsc::unbounded_channel::<u64>(),
                |tx, v| tx.send(v).unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_unbounded_1p", "tokio", |rt| {
            mpsc_run!(
                rt,
                1,
                tokio::sync::mpsc::unbounded_channel::<u64>(),
                |tx, v| tx.send(v).unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_unbounded_1p", "async-channel", |rt| {
            mpsc_run!(
                rt,
                1,
                async_channel::unbounded::<u64>(),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await.ok()
            )
        }),
        ("mpsc_unbounded_8p", "weave", |rt| {
            mpsc_run!(
                rt,
                8,
                weave_sync::mpsc::unbounded_channel::<u64>(),
                |tx, v| tx.send(v).unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_unbounded_8p", "tokio", |rt| {
            mpsc_run!(
                rt,
                8,
                tokio::sync::mpsc::unbounded_channel::<u64>(),
                |tx, v| tx.send(v).unwrap(),
                |rx| rx.recv().await
            )
        }),
        ("mpsc_unbounded_8p", "async-channel", |rt| {
            mpsc_run!(
                rt,
                8,
                async_channel::unbounded::<u64>(),
                |tx, v| tx.send(v).await.unwrap(),
                |rx| rx.recv().await.ok()
            )
        }),
        ("mutex_contended", "weave", |rt| {
            contention_run!(rt, weave_sync::Mutex::new(0u64), |m| m.lock().await)
        }),
        ("mutex_contended", "tokio", |rt| {
            contention_run!(rt, tokio::sync::Mutex::new(0u64), |m| m.lock().await)
        }),
        ("mutex_contended", "async-lock", |rt| {
            contention_run!(rt, async_lock::Mutex::new(0u64), |m| m.lock().await)
        }),
        ("semaphore_contended_1", "weave", |rt| {
            contention_run!(rt, weave_sync::Semaphore::new(1), |s| s
                .acquire()
                .await
                .unwrap())
        }),
        ("semaphore_contended_1", "tokio", |rt| {
            contention_run!(rt, tokio::sync::Semaphore::new(1), |s| s
                .acquire()
                .await
                .unwrap())
        }),
        ("semaphore_contended_1", "async-lock", |rt| {
            contention_run!(rt, async_lock::Semaphore::new(1), |s| s.acquire().await)
        }),
        ("semaphore_contended_4", "weave", |rt| {
            contention_run!(rt, weave_sync::Semaphore::new(4), |s| s
                .acquire()
                .await
                .unwrap())
        }),
        ("semaphore_contended_4", "tokio", |rt| {
            contention_run!(rt, tokio::sync::Semaphore::new(4), |s| s
                .acquire()
                .await
                .unwrap())
        }),
        ("semaphore_contended_4", "async-lock", |rt| {
            contention_run!(rt, async_lock::Semaphore::new(4), |s| s.acquire().await)
        }),
    ]
}

fn elements(group: &str) -> u64 {
    if group.starts_with("mpsc") {
        messages()
    } else {
        (LOCK_TASKS * locks_per_task()) as u64
    }
}

fn criterion_benches(c: &mut Criterion) {
    let rt = runtime();
    let all = scenarios();
    let mut groups: Vec<&str> = all.iter().map(|s| s.0).collect();
    groups.dedup();
    for group in groups {
        let mut g = c.benchmark_group(group);
        g.throughput(Throughput::Elements(elements(group)));
        g.sample_size(10).measurement_time(Duration::from_secs(3));
        for (_, name, run) in all.iter().filter(|s| s.0 == group) {
            g.bench_function(*name, |b| b.iter(|| run(&rt)));
        }
        g.finish();
    }
}

/// Runs every scenario once per round, `rounds` times, and prints medians and ratios.
fn interleaved(rounds: usize) {
    let rt = runtime();
    // `SYNC_BENCH_FILTER=mpsc` keeps the groups whose name contains it.
    let filter = std::env::var("SYNC_BENCH_FILTER").unwrap_or_default();
    let all: Vec<Scenario> = scenarios()
        .into_iter()
        .filter(|s| s.0.contains(filter.as_str()))
        .collect();
    for (_, _, run) in &all {
        run(&rt); // warm-up
    }
    let mut samples = vec![Vec::new(); all.len()];
    for _ in 0..rounds {
        for (i, (_, _, run)) in all.iter().enumerate() {
            let start = Instant::now();
            run(&rt);
            samples[i].push(start.elapsed());
        }
    }
    let median = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2]
    };
    let medians: Vec<Duration> = samples.iter_mut().map(median).collect();
    println!("| group | impl | median (ms) | ns/op | Weave/this |");
    println!("|---|---|---|---|---|");
    for (i, (group, name, _)) in all.iter().enumerate() {
        let weave = all
            .iter()
            .position(|s| s.0 == *group && s.1 == "weave")
            .map(|w| medians[w])
            .unwrap();
        println!(
            "| {group} | {name} | {:.1} | {:.1} | {:.2} |",
            medians[i].as_secs_f64() * 1e3,
            medians[i].as_nanos() as f64 / elements(group) as f64,
            weave.as_secs_f64() / medians[i].as_secs_f64(),
        );
    }
}

criterion_group!(benches, criterion_benches);

fn main() {
    match std::env::var("SYNC_BENCH_INTERLEAVED") {
        Ok(rounds) => interleaved(rounds.parse().expect("SYNC_BENCH_INTERLEAVED=<rounds>")),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
