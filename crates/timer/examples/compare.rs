//! Weave's timer beside tokio's (one thread and two) and smol's (one thread) on the issue's
//! workloads:
//! `cargo run --release -p weave-timer --example compare`.
//!
//! - timers: 100_000 tasks each sleeping a seeded random 1–50 ms; total time and overshoot
//!   past 50 ms (the time from the last deadline to the last wake-up).
//! - timeout_cancel: 1_000_000 `timeout(1 s, f)` where `f` is pending at its first poll
//!   and ready at the second (so each timeout registers a timer and cancels it).
//!
//! Set `N_SLEEPS` / `N_TIMEOUTS` to change the sizes, `SHARDS` the pool's wheel shards.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use weave_core::ThreadParker;
use weave_executor::{LocalExecutor, ThreadPool};
use weave_timer::{Handle, TimerDriver};

fn size(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seeded random sleep lengths, 1..=50 ms.
fn durations(n: u64) -> Vec<Duration> {
    let mut x = 0x2545_f491_4f6c_dd1du64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_millis(1 + x % 50)
        })
        .collect()
}

/// Pending once (waking itself), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Enters the timer around each poll (what the runtime does on every worker).
struct WithTimer<F: ?Sized> {
    handle: Handle,
    future: Pin<Box<F>>,
}

impl<F: Future + ?Sized> Future for WithTimer<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _enter = self.handle.enter();
        self.future.as_mut().poll(cx)
    }
}

/// (total, overshoot) for the sleeping tasks.
async fn sleeps_weave(
    spawn: impl Fn(Pin<Box<dyn Future<Output = Instant> + Send>>) -> weave_core::JoinHandle<Instant>,
    n: u64,
) -> (Duration, Duration) {
    let start = Instant::now();
    let handles: Vec<_> = durations(n)
        .into_iter()
        .map(|d| {
            spawn(Box::pin(async move {
                weave_timer::sleep(d).await;
                Instant::now()
            }))
        })
        .collect();
    let mut last = start;
    for h in handles {
        last = last.max(h.await.unwrap());
    }
    (
        start.elapsed(),
        last.duration_since(start)
            .saturating_sub(Duration::from_millis(50)),
    )
}

async fn sleeps_tokio(n: u64) -> (Duration, Duration) {
    let start = Instant::now();
    let handles: Vec<_> = durations(n)
        .into_iter()
        .map(|d| {
            tokio::spawn(async move {
                tokio::time::sleep(d).await;
                Instant::now()
            })
        })
        .collect();
    let mut last = start;
    for h in handles {
        last = last.max(h.await.unwrap());
    }
    (
        start.elapsed(),
        last.duration_since(start)
            .saturating_sub(Duration::from_millis(50)),
    )
}

async fn timeouts_weave(n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        weave_timer::timeout(Duration::from_secs(1), YieldOnce(false))
            .await
            .unwrap();
    }
    start.elapsed() / n as u32
}

async fn timeouts_tokio(n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        tokio::time::timeout(Duration::from_secs(1), YieldOnce(false))
            .await
            .unwrap();
    }
    start.elapsed() / n as u32
}

async fn sleeps_smol(ex: &smol::LocalExecutor<'_>, n: u64) -> (Duration, Duration) {
    let start = Instant::now();
    let handles: Vec<_> = durations(n)
        .into_iter()
        .map(|d| {
            ex.spawn(async move {
                smol::Timer::after(d).await;
                Instant::now()
            })
        })
        .collect();
    let mut last = start;
    for h in handles {
        last = last.max(h.await);
    }
    (
        start.elapsed(),
        last.duration_since(start)
            .saturating_sub(Duration::from_millis(50)),
    )
}

async fn timeouts_smol(n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        // smol has no `timeout`; this is what `async_io::Timer` users write.
        let r = smol::future::or(
            async {
                YieldOnce(false).await;
                Ok(())
            },
            async {
                smol::Timer::after(Duration::from_secs(1)).await;
                Err(())
            },
        )
        .await;
        r.unwrap();
    }
    start.elapsed() / n as u32
}

fn main() {
    let n_sleeps = size("N_SLEEPS", 100_000);
    let n_timeouts = size("N_TIMEOUTS", 1_000_000);
    println!("| runtime | {n_sleeps} sleeps: total (ms) | overshoot (ms) | timeout register+cancel (ns) |");
    println!("|---|---|---|---|");

    {
        let driver =
            TimerDriver::with_clock_and_shards(ThreadParker::new(), weave_core::SystemClock, 1);
        let _timer = driver.handle().enter();
        let ex = LocalExecutor::with_park(driver);
        let (total, over) = ex.block_on(sleeps_weave(|f| ex.spawn(f), n_sleeps));
        let per = ex.block_on(timeouts_weave(n_timeouts));
        row("weave local", total, over, per);
    }
    {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (total, over) = rt.block_on(sleeps_tokio(n_sleeps));
        let per = rt.block_on(timeouts_tokio(n_timeouts));
        row("tokio current_thread", total, over, per);
    }
    {
        let ex = smol::LocalExecutor::new();
        let (total, over) = smol::block_on(ex.run(sleeps_smol(&ex, n_sleeps)));
        let per = smol::block_on(ex.run(timeouts_smol(n_timeouts)));
        row("smol LocalExecutor", total, over, per);
    }
    {
        // `SHARDS` overrides the wheel shard count (default: one per CPU, at most 8).
        let driver = match std::env::var("SHARDS").ok().and_then(|v| v.parse().ok()) {
            Some(shards) => TimerDriver::with_clock_and_shards(
                ThreadParker::new(),
                weave_core::SystemClock,
                shards,
            ),
            None => TimerDriver::new(ThreadParker::new()),
        };
        let handle = driver.handle();
        let pool = ThreadPool::with_driver(2, driver);
        let h = handle.clone();
        let (total, over) = pool.block_on(sleeps_weave(
            |f| {
                pool.spawn(WithTimer {
                    handle: h.clone(),
                    future: f,
                })
            },
            n_sleeps,
        ));
        let per = pool
            .block_on(pool.spawn(WithTimer {
                handle: handle.clone(),
                future: Box::pin(timeouts_weave(n_timeouts)),
            }))
            .unwrap();
        row("weave pool(2)", total, over, per);
    }
    {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            .build()
            .unwrap();
        let (total, over) = rt.block_on(sleeps_tokio(n_sleeps));
        let per = rt.block_on(async { tokio::spawn(timeouts_tokio(n_timeouts)).await.unwrap() });
        row("tokio multi_thread(2)", total, over, per);
    }
}

fn row(name: &str, total: Duration, over: Duration, per: Duration) {
    println!(
        "| {name} | {:.1} | {:.1} | {} |",
        total.as_secs_f64() * 1e3,
        over.as_secs_f64() * 1e3,
        per.as_nanos()
    );
}
