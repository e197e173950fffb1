//! I/O traits and helpers: `futures_io`'s traits with futures-util's extension traits and
//! adapters, re-exported so users (and the `weave` facade) need one import.
//!
//! futures-util's implementations are well kept and widely used; writing them again would
//! only add code to maintain.
//!
//! ```
//! use weave_reactor::io::{AsyncReadExt, AsyncWriteExt, BufReader, AsyncBufReadExt};
//!
//! # futures::executor::block_on(async {
//! let (mut a, b) = weave_reactor::net::UnixStream::pair()?;
//! a.write_all(b"one\ntwo\n").await?;
//! a.close().await?;
//! let mut lines = Vec::new();
//! let mut reader = BufReader::new(b);
//! let mut line = String::new();
//! while reader.read_line(&mut line).await? > 0 {
//!     lines.push(std::mem::take(&mut line));
//! }
//! assert_eq!(lines, ["one\n", "two\n"]);
//! # std::io::Result::Ok(()) }).unwrap();
//! ```

pub use futures_io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite};
pub use futures_util::io::{
    copy, copy_buf, empty, repeat, sink, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt,
    AsyncWriteExt, BufReader, BufWriter, Lines, ReadHalf, WriteHalf,
};
