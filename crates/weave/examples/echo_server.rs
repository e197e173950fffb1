//! An echo server (asyncio's `start_server` example) and a few clients talking to it.

use futures::io::{AsyncReadExt, AsyncWriteExt};
use weave::net::{TcpListener, TcpStream};

#[weave::main]
async fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    println!("echo server on {addr}");
    weave::spawn(async move {
        loop {
            let (mut stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    continue;
                }
            };
            weave::spawn(async move {
                let mut buf = [0u8; 1024];
                loop {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if stream.write_all(&buf[..n]).await.is_err() {
                                break;
                            }
                        }
                    }
                }
                println!("{peer} disconnected");
            });
        }
    });

    let clients: Vec<_> = (0..3)
        .map(|i| {
            weave::spawn(async move {
                let mut stream = TcpStream::connect(addr).await?;
                let message = format!("hello from client {i}");
                stream.write_all(message.as_bytes()).await?;
                let mut echoed = vec![0u8; message.len()];
                stream.read_exact(&mut echoed).await?;
                std::io::Result::Ok(String::from_utf8_lossy(&echoed).into_owned())
            })
        })
        .collect();
    for client in clients {
        println!("echoed: {}", client.await.unwrap()?);
    }
    Ok(())
}
