//! Calling async code from ordinary code: asyncio's `loop.run_until_complete`, twice on
//! the same loop; a task started by the first call keeps running and the second finishes it.

use std::time::Duration;

use weave::runtime::Builder;

async fn add(a: u32, b: u32) -> u32 {
    weave::time::sleep(Duration::from_millis(10)).await;
    a + b
}

fn main() {
    let rt = Builder::new_current_thread()
        .build()
        .expect("the runtime starts");

    let first = rt.block_on(add(1, 2));
    println!("first run_until_complete: {first}");

    // Started now, finished by a later block_on on the same runtime.
    let background = rt.spawn(add(20, 22));

    let second = rt.block_on(async { add(first, 4).await });
    println!("second run_until_complete: {second}");
    println!("the background task: {}", rt.block_on(background).unwrap());
}
