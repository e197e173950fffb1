//! An echo server: every connection gets its bytes back until it closes.
//!
//! ```sh
//! cargo run -p weave-reactor --example reactor_echo_server -- 127.0.0.1:7878
//! # in another shell: nc 127.0.0.1 7878
//! ```
//!
//! One thread: a `LocalExecutor` parked in a `ReactorDriver`, one task per connection.

use futures::io::copy;
use weave_core::Spawn;
use weave_executor::LocalExecutor;
use weave_reactor::net::TcpListener;
use weave_reactor::ReactorDriver;

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7878".to_owned());
    let driver = ReactorDriver::new()?;
    let _reactor = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    let spawner = ex.handle();
    ex.block_on(async {
        let listener = TcpListener::bind(addr.as_str()).await?;
        println!("echoing on {}", listener.local_addr()?);
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                // EMFILE and friends: report and keep serving the others.
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    continue;
                }
            };
            spawner.spawn(async move {
                let (reader, mut writer) = stream.into_split();
                match copy(reader, &mut writer).await {
                    Ok(n) => println!("{peer}: echoed {n} bytes"),
                    Err(e) => eprintln!("{peer}: {e}"),
                }
            });
        }
    })
}
