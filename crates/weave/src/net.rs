//! Networking: TCP, UDP and Unix-domain sockets on the runtime's reactor (asyncio's
//! `open_connection`, `start_server`, datagram endpoints).
//!
//! Re-exported from `weave-reactor`, which also works without this facade. Every stream
//! implements `futures_io::AsyncRead`/`AsyncWrite`; the helpers (`read_exact`, `write_all`,
//! `lines`, ...) are in [`weave::io`](crate::io).
//!
//! ```
//! use weave::io::{AsyncReadExt, AsyncWriteExt};
//! use weave::net::{TcpListener, TcpStream};
//!
//! weave::block_on(async {
//!     let listener = TcpListener::bind("127.0.0.1:0").await?;
//!     let addr = listener.local_addr()?;
//!     let client = weave::spawn(async move {
//!         let mut stream = TcpStream::connect(addr).await?;
//!         stream.write_all(b"ping").await?;
//!         std::io::Result::Ok(())
//!     });
//!     let (mut served, _) = listener.accept().await?;
//!     let mut buf = [0; 4];
//!     served.read_exact(&mut buf).await?;
//!     assert_eq!(&buf, b"ping");
//!     client.await.unwrap()
//! })
//! .unwrap();
//! ```

pub use weave_reactor::net::*;
pub use weave_reactor::Async;
