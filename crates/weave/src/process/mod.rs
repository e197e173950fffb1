//! Child processes with an async `wait` and piped stdio (asyncio's
//! `create_subprocess_exec`).
//!
//! ```
//! use weave::process::Command;
//!
//! weave::block_on(async {
//!     let output = Command::new("echo").arg("hello").output().await?;
//!     assert!(output.status.success());
//!     assert_eq!(output.stdout, b"hello\n");
//!     std::io::Result::Ok(())
//! })
//! .unwrap();
//! ```
//!
//! Waiting costs no thread: a child's exit raises SIGCHLD, which the runtime's reactor
//! sees (see [`signal`](crate::signal)), and the waiting task then reaps the child. A
//! [`Child`] dropped before it was reaped is handed to a reaper thread that collects it
//! when it exits, so no zombie is left behind (set [`Command::kill_on_drop`] to stop it
//! instead).

mod child;
mod command;
mod reaper;
mod stdio;

pub use child::Child;
pub use command::Command;
pub use std::process::{ExitStatus, Output, Stdio};
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};
