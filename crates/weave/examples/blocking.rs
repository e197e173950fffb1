//! A blocking call moved off the event loop with `spawn_blocking` (asyncio's
//! `to_thread`/`run_in_executor`), so the loop keeps ticking meanwhile.

use std::time::Duration;

fn slow_checksum(data: Vec<u8>) -> u64 {
    // Stands for a CPU-heavy or blocking call (a sync database driver, a big hash).
    std::thread::sleep(Duration::from_millis(300));
    data.iter().map(|&b| u64::from(b)).sum()
}

#[weave::main(flavor = "current_thread")]
async fn main() {
    let work = weave::spawn_blocking(|| slow_checksum(vec![7; 1000]));
    let mut ticks = 0;
    while !work.is_finished() {
        weave::time::sleep(Duration::from_millis(50)).await;
        ticks += 1;
        println!("the loop ticks: {ticks}");
    }
    println!(
        "checksum {} (the loop ticked {ticks} times meanwhile)",
        work.await.unwrap()
    );
}
