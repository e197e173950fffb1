//! `MaybeDone`: a future that keeps its output once finished, the slot `join!` and
//! `try_join!` keep for each branch until all are done.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// A future, then its output, then nothing once the output was taken.
    #[doc(hidden)]
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplace]
    pub enum MaybeDone<F: Future> {
        /// Still running.
        Future { #[pin] future: F },
        /// Finished; the output waits to be taken.
        Done { output: F::Output },
        /// The output was taken.
        Gone,
    }
}

impl<F: Future> MaybeDone<F> {
    /// Wraps a future that has not run yet.
    pub fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Future { future }
    }

    /// Polls the future if it is still running; true once it has finished.
    pub fn poll_done(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Future { future } => match future.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return false,
            },
            MaybeDoneProj::Done { .. } | MaybeDoneProj::Gone => return true,
        };
        self.project_replace(MaybeDone::Done { output });
        true
    }

    /// Polls the future if it is still running: `None` if it is not (finished already).
    pub fn poll_running(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Option<Poll<()>> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Future { future } => match future.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Some(Poll::Pending),
            },
            MaybeDoneProj::Done { .. } | MaybeDoneProj::Gone => return None,
        };
        self.project_replace(MaybeDone::Done { output });
        Some(Poll::Ready(()))
    }

    /// The output, if finished and not taken.
    pub fn output_mut(self: Pin<&mut Self>) -> Option<&mut F::Output> {
        match self.project() {
            MaybeDoneProj::Done { output } => Some(output),
            _ => None,
        }
    }

    /// Takes the output, if finished and not taken yet.
    pub fn take_output(mut self: Pin<&mut Self>) -> Option<F::Output> {
        match self.as_mut().project() {
            MaybeDoneProj::Done { .. } => {}
            _ => return None,
        }
        match self.project_replace(MaybeDone::Gone) {
            MaybeDoneReplace::Done { output } => Some(output),
            _ => unreachable!("checked above"),
        }
    }
}
