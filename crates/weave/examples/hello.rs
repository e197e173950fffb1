//! asyncio's first example: a coroutine that sleeps, awaited by `main`.
//!
//! ```python
//! async def say_hello(name, delay):
//!     await asyncio.sleep(delay)
//!     print(f"hello, {name}")
//! asyncio.run(say_hello("world", 0.1))
//! ```

use std::time::Duration;

async fn say_hello(name: &str, delay: Duration) {
    weave::time::sleep(delay).await;
    println!("hello, {name}");
}

#[weave::main]
async fn main() {
    say_hello("world", Duration::from_millis(100)).await;
}
