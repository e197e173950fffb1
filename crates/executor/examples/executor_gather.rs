//! The smallest Weave program: tasks on a work-stealing pool, awaited in order
//! (asyncio's `gather`). Run with `cargo run --release -p weave-executor --example executor_gather`.

use std::time::Instant;

use weave_core::task::yield_now;
use weave_executor::ThreadPool;

async fn say_hello(name: &'static str, rounds: u32) -> String {
    for _ in 0..rounds {
        yield_now().await;
    }
    let plural = if rounds == 1 { "" } else { "s" };
    format!("hello, {name} (after {rounds} yield{plural})")
}

fn main() {
    let pool = ThreadPool::new(2);
    let started = Instant::now();
    let greetings = pool.block_on(async {
        let tasks = [("asyncio", 3), ("tokio", 2), ("weave", 1)]
            .map(|(name, rounds)| weave_executor::spawn(say_hello(name, rounds)));
        let mut out = Vec::new();
        for task in tasks {
            out.push(task.await.expect("task failed"));
        }
        out
    });
    for line in greetings {
        println!("{line}");
    }

    let count = 100_000u64;
    let total = pool.block_on(async move {
        let handles: Vec<_> = (0..count)
            .map(|i| weave_executor::spawn(async move { i }))
            .collect();
        let mut total = 0;
        for h in handles {
            total += h.await.unwrap();
        }
        total
    });
    assert_eq!(total, count * (count - 1) / 2);
    println!(
        "{count} tasks spawned and joined; total {total}; {:?} in all",
        started.elapsed()
    );
}
