//! I/O traits and helpers: `futures_io`'s `AsyncRead`/`AsyncWrite`/`AsyncBufRead` with the
//! extension traits users know from futures-util (`read_exact`, `read_to_end`,
//! `write_all`, `lines`, `copy`, `BufReader`, `BufWriter`, `split`).
//!
//! ```
//! use weave::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//! use futures::StreamExt;
//!
//! weave::block_on(async {
//!     let (mut tx, rx) = weave::net::UnixStream::pair()?;
//!     tx.write_all(b"first\nsecond\n").await?;
//!     tx.close().await?;
//!     let lines: Vec<String> = BufReader::new(rx).lines().map(Result::unwrap).collect().await;
//!     assert_eq!(lines, ["first", "second"]);
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```

pub use weave_reactor::io::*;
