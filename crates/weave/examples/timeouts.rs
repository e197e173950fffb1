//! asyncio.wait_for / asyncio.timeout: a deadline on an operation. When the deadline wins,
//! the operation is cancelled (its future dropped).

use std::time::Duration;

use weave::time::{sleep, timeout};

async fn slow_query() -> &'static str {
    sleep(Duration::from_millis(500)).await;
    "rows"
}

#[weave::main]
async fn main() {
    match timeout(Duration::from_millis(100), slow_query()).await {
        Ok(rows) => println!("query returned {rows}"),
        Err(elapsed) => println!("gave up: {elapsed}"),
    }
    match timeout(Duration::from_secs(1), slow_query()).await {
        Ok(rows) => println!("with a longer deadline the query returned {rows}"),
        Err(elapsed) => println!("gave up again: {elapsed}"),
    }
}
