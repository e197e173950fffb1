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
            "On one thread an uncontended lock and unlock is ~95 instructions (callgrind on the \
             report binary, 1.6M locks: 151M for the run, 377M before this work, async-lock \
             249M). `Mutex::lock` returns a hand-written future whose first poll inlines into \
             the caller: one unit of the cooperative budget (still charged on a free lock, as \
             tokio does, so a loop that only locks yields every 128 locks), then one \
             compare-exchange; the unlock is one inlined compare-exchange, the queue work is out \
             of line, and a hand-over to one waiter no longer allocates. On two workers the \
             figure swings between ~10 ns, when the eight tasks never collide, and 100–170 ns: \
             strict FIFO hand-off (promised by `weave_sync::Mutex`) turns one collision into a \
             convoy where every lock costs a wake and a task switch; tokio's fair mutex behaves \
             the same (~110 ns), async-lock lets newcomers barge. Next step: a bounded spin \
             before queueing, which keeps FIFO among queued waiters but lets a lock released \
             within a few hundred nanoseconds be taken without a switch."
        }
        "semaphore" => {
            "An acquire and release is ~107 instructions on one thread (callgrind: 171M for the run, \
             380M before this work, async-lock 300M): `acquire` is one inlined poll (a budget \
             unit, then a compare-exchange) and the release an inlined compare-exchange; a \
             hand-over to one waiter no longer allocates. What remains is mostly the budget's \
             thread-local access and the benchmark's own async wrapper."
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
            "A bounded send is one inlined poll (a budget unit, the capacity compare-exchange, the \
             push) and a receive from the receiver's private buffer is inlined: callgrind on one \
             thread, 2M messages, 507M instructions for 1 producer (758M before this work) \
             against `async_channel`'s 1,120M. What remains per message: two budget checks (one \
             per side), the queue's std mutex lock and unlock (~63 instructions), and the \
             capacity compare-exchange (~25, a third read-modify-write per message where the \
             unbounded channel has two; removing it in an unsound experiment saved only 8 % of \
             the CPU time). Next step: fold the capacity count into the queue's lock and keep \
             the semaphore only for senders that wait."
        }
        _ => return None,
    })
}
