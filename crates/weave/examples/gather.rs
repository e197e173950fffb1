//! asyncio.gather: three "fetches" with different delays run at once, so the whole takes
//! about as long as the slowest, and the results come back in argument order.

use std::time::{Duration, Instant};

async fn fetch(name: &'static str, delay_ms: u64) -> String {
    weave::time::sleep(Duration::from_millis(delay_ms)).await;
    format!("{name} after {delay_ms} ms")
}

#[weave::main]
async fn main() {
    let started = Instant::now();
    let results = weave::future::join_all([
        fetch("first", 300),
        fetch("second", 100),
        fetch("third", 200),
    ])
    .await;
    for line in &results {
        println!("{line}");
    }
    println!(
        "total: {} ms (the slowest alone is 300 ms)",
        started.elapsed().as_millis()
    );
}
