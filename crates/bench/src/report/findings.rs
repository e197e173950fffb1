//! What limits Weave where a target is missed: written from profiles of the report's own
//! workloads (perf record, and the report at other sizes), printed under each table.
//!
//! These are findings about the code, not about one run's numbers; revisit them when the
//! figures above them change.

/// The finding for workload `name`, if one has been written.
pub(super) fn finding(name: &str) -> Option<&'static str> {
    Some(match name {
        "join_set" => {
            "Instructions (callgrind on the report binary, weave_ct, warm-up plus one round of 100,000 \
             tasks): 408M before this work, 250M now, smol's plain `Vec` of tasks 272M. Two changes in \
             weave-combinators: `JoinSet` yields once before it registers a waker on children it \
             has just spawned (most have finished when it comes back, and cost one poll instead of \
             a waker allocation, a registration in the task and a wake), and the children's \
             wakers are allocated a block at a time (crates/combinators/src/ready/wakers.rs). \
             What is left is the task itself (allocate, schedule, run, free; malloc and free alone \
             are a quarter of the instructions). smol has no join set: its row awaits a `Vec` of \
             tasks in order, a floor rather than a peer. Next step: a per-thread free list of task \
             cells of the common sizes."
        }
        "mutex" => {
            "smol's `async_lock::Mutex` takes an uncontended lock with one compare-exchange and \
             no budget (~12 ns). Weave's `Mutex::lock` (crates/sync/src/mutex.rs:79) awaits the \
             semaphore's `Acquire`, whose `poll` spends a unit of the cooperative budget \
             *before* trying the compare-exchange (crates/sync/src/semaphore.rs:462), so every \
             128th lock, free or not, makes the task yield and go round the scheduler; tokio \
             does the same (its `Mutex` is a batch semaphore with coop). On two workers Weave \
             ties or beats tokio and both lose to the spin-then-park `async_lock`. Next step (sync \
             crate): try `try_acquire_raw` first and spend budget only when the lock has to \
             be waited for."
        }
        "semaphore" => {
            "Same shape as `mutex`: `async_lock::Semaphore` acquires with one compare-exchange \
             (13 ns), Weave's `Semaphore::acquire` builds a waiter-capable future and spends \
             the budget (25 ns); Weave is 3.7× faster than tokio. Next step: the same \
             try-first fast path."
        }
        "timeout_cancel" => {
            "Instructions per timeout (callgrind on the report binary, 1,000,000 timeouts plus the \
             warm-up, one thread): Weave 1,005, tokio 1,227, smol 1,625; the cost is spread \
             over the timer's register and deregister (~250), the `Sleep` and `Timeout` futures \
             (~300), one trip through the scheduler (~250) and one clock read, with no single \
             hot spot. Wall-clock ratios move between 0.77 and 1.4× tokio_ct across full runs, \
             more than the 18 % instruction gap, so the time goes elsewhere than instructions \
             (the clock read, cache misses). Next step: `perf stat` cycles and cache misses per \
             timeout on both runtimes, on a machine where perf counters are available."
        }
        "join_all_10k" | "join_all_100k" => {
            "Instructions (callgrind on the report binary, weave_ct against tokio_ct's \
             `futures::future::join_all`, warm-up plus one round of 100,000 children pending \
             once): 71M against 223M. It was 166M: a third went to allocating and freeing one \
             `Arc` waker per child; the wakers now live in one block per `join_all` \
             (crates/combinators/src/ready/wakers.rs) and are lent to each poll without touching \
             a reference count. What remains per child: two polls, one wake through the \
             `Mutex<Vec<usize>>` ready queue (an uncontended lock) and the budget checks."
        }
        "tcp_echo_50x64B" => {
            "Between runs on this shared machine both Weave rows move around the targets (three \
             full runs: weave_mt at 72, 85 and 90 % of the two-thread mio loop, weave_ct at \
             101, 91 and 94 % of the single-thread one), with tokio within a few percent of Weave in \
             the same rounds. Not the syscalls: strace -c \
             -f over 2,000 round trips counts the same for weave_mt and tokio_mt, 2 `sendto` \
             and 3 `recvfrom` per round trip (one says EAGAIN: the client's `read_exact` of \
             exactly 64 bytes cannot tell that the socket is drained, so the next read probes; \
             the reactor's short-read shortcut in crates/reactor/src/async_io.rs \
             `poll_read_stream` already saves the server's). So the gap is scheduling: where \
             the reactor's wake-ups run and how often the two workers park and wake each \
             other (see spawn_many_local). Next step: perf sched on weave_mt here."
        }
        "tcp_echo_10x1KiB" => {
            "85–97 % of the mio loops across full runs, at parity with tokio: kernel-bound, as \
             PERF.md expects; the 95 % single-thread target is met in some runs, not in \
             others."
        }
        "ping_pong" => {
            "Not profiled yet. Messages go through `async_channel` on every runtime, so the \
             difference is the executor's wake path (a task woken by the task running on the \
             same thread). Weave is 0.88–1.25× tokio across full runs. Next step: perf this workload and \
             compare with tokio's LIFO-slot wake."
        }
        "spawn_many_local" => {
            "Bimodal between runs: weave_mt took 312, 276 and 130 ns/task in three full runs \
             (0.64–1.46× smol_mt), weave_ct 94–138 ns (0.78–1.11× smol_ct). In the slow runs \
             the idle worker churns: strace -c -f over 4 runs (400k spawns) counts 10,206 \
             `epoll_wait` and 6,725 eventfd `write`s for weave_mt (one park/unpark cycle per \
             ~40–60 spawns: the spawning worker wakes the parked one, which steals a few \
             tasks, runs dry and parks in the driver again), against 9,852 futex calls and 18 \
             writes for smol_mt; perf puts ~25 % of weave_mt's samples in the kernel's \
             context switch (`finish_task_switch`, `_raw_spin_unlock_irq`) and \
             `Idle::worker_to_notify` on the profile. Next step (executor): let a worker that \
             runs dry search (spin and steal) a little before parking, and skip the wake when \
             a worker is already searching, as tokio and Go do."
        }
        "mpsc_bounded_1p" | "mpsc_bounded_8p" => {
            "On two workers Weave meets the target (0.3–0.75× the faster peer); on one thread \
             it is 0.9–1.46× smol's `async_channel` (a lock-free `concurrent-queue`) across \
             full runs. Not \
             profiled yet. Next step: callgrind on `weave_sync::mpsc::Sender::send` against \
             `async_channel`'s on one thread."
        }
        _ => return None,
    })
}
