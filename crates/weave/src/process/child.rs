//! `Child`: a running process whose exit can be awaited.

use std::fmt;
use std::io;
use std::process::{ExitStatus, Output};

use super::reaper;
use super::stdio::{ChildStderr, ChildStdin, ChildStdout};
use crate::io::AsyncReadExt;
use crate::signal::unix::{signal, Signal, SignalKind};

/// A child process started by [`Command::spawn`](super::Command::spawn).
///
/// ```
/// use weave::process::Command;
///
/// weave::block_on(async {
///     let mut child = Command::new("sleep").arg("30").spawn()?;
///     assert!(child.try_wait()?.is_none()); // still running
///     child.kill().await?;
///     assert!(!child.wait().await?.success());
///     std::io::Result::Ok(())
/// })
/// .unwrap();
/// ```
pub struct Child {
    /// `None` once reaped (its status is in `status`).
    child: Option<std::process::Child>,
    status: Option<ExitStatus>,
    id: u32,
    /// Listens for SIGCHLD from before the child started, so its exit cannot be missed.
    exits: Signal,
    kill_on_drop: bool,
    /// The child's stdin, if it was piped.
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, if it was piped.
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, if it was piped.
    pub stderr: Option<ChildStderr>,
}

impl Child {
    pub(super) fn spawn(
        command: &mut std::process::Command,
        kill_on_drop: bool,
    ) -> io::Result<Child> {
        let exits = signal(SignalKind::child())?;
        let mut child = command.spawn()?;
        let stdin = child.stdin.take().map(ChildStdin::new).transpose()?;
        let stdout = child.stdout.take().map(ChildStdout::new).transpose()?;
        let stderr = child.stderr.take().map(ChildStderr::new).transpose()?;
        Ok(Child {
            id: child.id(),
            child: Some(child),
            status: None,
            exits,
            kill_on_drop,
            stdin,
            stdout,
            stderr,
        })
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The exit status if the child has exited (reaping it), `None` if it still runs.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(status) = self.status {
            return Ok(Some(status));
        }
        let child = self.child.as_mut().expect("a child is reaped only once");
        if let Some(status) = child.try_wait()? {
            self.status = Some(status);
            self.child = None;
        }
        Ok(self.status)
    }

    /// Waits for the child to exit and returns its status. Closes the child's stdin first
    /// (as `std` does), so a child reading it sees EOF instead of waiting forever.
    ///
    /// Cancel-safe: dropping the future leaves the child running and waitable.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        loop {
            if let Some(status) = self.try_wait()? {
                return Ok(status);
            }
            // Any child's exit raises SIGCHLD; look again after each.
            self.exits.recv().await;
        }
    }

    /// Sends SIGKILL without waiting for the child to die.
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.child {
            Some(child) => child.kill(),
            // Already reaped: nothing left to kill.
            None => Ok(()),
        }
    }

    /// Sends SIGKILL and waits for the child to exit.
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await.map(drop)
    }

    /// Reads stdout and stderr to their ends while waiting for the child, and returns
    /// them with its status.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (stdout, stderr) = (self.stdout.take(), self.stderr.take());
        let read_out = async {
            let mut buf = Vec::new();
            if let Some(mut out) = stdout {
                out.read_to_end(&mut buf).await?;
            }
            io::Result::Ok(buf)
        };
        let read_err = async {
            let mut buf = Vec::new();
            if let Some(mut err) = stderr {
                err.read_to_end(&mut buf).await?;
            }
            io::Result::Ok(buf)
        };
        let (stdout, stderr) = crate::try_join!(read_out, read_err)?;
        let status = self.wait().await?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            if self.kill_on_drop {
                let _ = child.kill();
            }
            // Not reaped yet: someone must collect its exit status or it stays a zombie.
            reaper::adopt(child);
        }
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child")
            .field("id", &self.id)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
