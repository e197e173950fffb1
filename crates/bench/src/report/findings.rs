//! What limits Weave where a target is missed: written from profiles of the report's own
//! workloads (perf record, and the report at other sizes), printed under each table.
//!
//! These are findings about the code, not about one run's numbers; revisit them when the
//! figures above them change.

/// The finding for workload `name`, if one has been written.
pub(super) fn finding(name: &str) -> Option<&'static str> {
    Some(match name {
        "sleeps" => {
            "Profile of weave_mt (perf, 100k tasks): the timer wheel's `advance` was 14-17 % of \
             samples, nearly all of it one cache miss per timer while walking a slot's linked \
             list: the entries live in the tasks, and each entry's address was in the previous \
             one, so the misses came one after the other. Since 2026-12-07 a slot is an array of \
             entry pointers (a cancelled timer leaves a tombstone), so the CPU overlaps those \
             misses: four interleaved A/B runs each gave weave_mt / faster peer 0.91-1.29 \
             before and 0.62-0.72 after, weave_ct 0.40-0.59 before and 0.26-0.34 after, with \
             9 % fewer L1 data misses and 2 % more instructions under callgrind (weave_ct). \
             The same day `TaskList::remove` (10-11 %: unlinking a task from an intrusive list \
             touched two cold neighbours) became a one-slot write in a slab; ~8 % remains, \
             mostly the shard lock's cache line moving between the workers. Next steps: each \
             worker firing its own wheel shard (the driver's `process` holds a shard's lock \
             through its walk, and the other worker's registrations wait on it), and spreading \
             the first polls of a spawn burst over both workers."
        }
        "chained_spawn" => {
            "Each link is one spawn from a task plus a wake of the next; on one thread Weave is \
             0.46× tokio and 0.73× smol. On two workers the chain hops between workers when the \
             idle one steals the freshly spawned link, and the ratio swings with it (0.58, 0.89 \
             and 0.72× the faster peer in three runs; 0.30–0.79 in six A/B runs). Next step: \
             keep a freshly spawned task in the LIFO slot out of reach of thieves for its first \
             poll."
        }
        "tcp_echo_10x1KiB" => {
            "Kernel-bound, at parity with tokio (0.97–1.05×) and ahead of smol (0.76–0.81×): \
             84–97 % of the mio loops across full runs, so the 95 % (one thread) and 85 % (two \
             threads) marks of the 64-byte workload are met in some runs and missed in others \
             here; the syscalls per round trip are the mio loop's."
        }
        "join_set" => {
            "Instructions (callgrind on the report binary, weave_ct, warm-up plus one round of 100,000 \
             tasks): 408M before the 2026-12-06 work, ~242M now, smol's plain `Vec` of tasks 272M. \
             `JoinSet` yields once before it registers a waker on children it has just spawned \
             (most have finished when it comes back, and cost one poll), and the children's \
             wakers are allocated a block at a time (crates/combinators/src/ready/wakers.rs). \
             With fewer instructions than smol, what is left is memory: callgrind's cache \
             simulation counts 323k last-level misses for weave_ct against smol's 198k, from \
             the task cells and the set's per-child tables (slot, wake entry, pointer). On \
             2026-12-07 the task header went from 80 to 64 bytes (the cell of a trivial task \
             from the 128- to the 112-byte malloc class: 290k misses) and a wake entry from 24 to 16 \
             bytes: 270k. Dropping the per-child pointer table (finding a slot's entry through \
             the blocks instead) cut them to 254k but cost 5 % more instructions and was not \
             kept. smol has no join set: its row awaits a `Vec` of tasks in order, a floor rather \
             than a peer. Next step: a per-thread free list of task cells, so a burst of spawns \
             reuses warm memory instead of growing the heap."
        }
        "mutex" => {
            "On one thread an uncontended lock and unlock is ~95 instructions (callgrind on the \
             report binary, 1.6M locks: 151M for the run, 377M before this work, async-lock \
             249M). `Mutex::lock` returns a hand-written future whose first poll inlines into \
             the caller: one unit of the cooperative budget (still charged on a free lock, as \
             tokio does, so a loop that only locks yields every 128 locks), then one \
             compare-exchange; the unlock is one inlined compare-exchange, the queue work is out \
             of line, and a hand-over to one waiter no longer allocates. On two workers the \
             figure used to swing between ~10 ns, when the eight tasks never collided, and \
             100–170 ns: strict FIFO hand-off turned one collision into a convoy where every \
             lock cost a wake and a task switch (tokio's strictly fair mutex stays there). Now \
             an unlock with tasks queued wakes the first of them to retry and a running task \
             may take the lock first, a bounded number of times (after 4 lost retries the lock \
             is handed over in order, like Go's starvation mode). Six interleaved A/B pairs of \
             5-round runs (mutex, semaphore, 8-producer mpsc; weave_mt, tokio_mt, smol_mt) on \
             2026-12-07: weave_mt / smol_mt 0.49–0.67 (median 0.56) against 0.54–3.02 (median \
             0.65) before, and no round above 30 ns where four of six runs before had rounds \
             at 100–203 ns; the one-thread instruction count is unchanged (151M)."
        }
        "semaphore" => {
            "An acquire and release is ~107 instructions on one thread (callgrind: 171M for the run, \
             380M before this work, async-lock 300M): `acquire` is one inlined poll (a budget \
             unit, then a compare-exchange) and the release an inlined compare-exchange; a \
             hand-over to one waiter no longer allocates. What remains is mostly the budget's \
             thread-local access and the benchmark's own async wrapper. On two workers the \
             semaphore barges like the mutex (a release wakes the first queued task to retry), \
             which made no measurable difference here: 16 interleaved A/B pairs on 2026-12-07 \
             gave weave_mt / smol_mt 0.42–1.01 (median 0.54) before and 0.38–0.74 (median 0.52) \
             after; two batches of eight disagreed on the sign."
        }
        "timeout_cancel" => {
            "Instructions per timeout (callgrind on the report binary, 1,000,000 timeouts plus the \
             warm-up, one thread): Weave 921, tokio 1,227, smol 1,625. Weave's were 967 until \
             2026-12-07: a pending `Sleep` or `Timeout` poll read and restored the cooperative \
             budget's thread-local for nothing (a pending poll spends no budget), and the \
             deadline became a tick through `as_millis`'s u128; now the budget is asked only \
             once the deadline has passed, and ticks are u64 (three interleaved A/B pairs: \
             weave_ct / faster peer 0.79-0.80 before, 0.71-0.76 after). What remains is spread \
             over the timer's register and deregister (two uncontended lock round trips and \
             std's `Instant` subtraction), the `Sleep` and `Timeout` futures, one trip through \
             the scheduler and one clock read, with no single hot spot; each timeout also \
             clones and drops the task's waker and the timer handle's `Arc`, four atomic \
             read-modify-writes that tokio pays too. The multi-thread ratio swings most \
             (0.38-0.85 across those six runs) with where the timer's task lands."
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
            "Kernel-bound: strace -c -f over 2,000 round trips counts the same syscalls for \
             weave_mt and tokio_mt, 2 `sendto` and 3 `recvfrom` per round trip (one says EAGAIN: \
             the client's `read_exact` of exactly 64 bytes cannot tell that the socket is \
             drained; the reactor's short-read shortcut already saves the server's). On two \
             workers the gap to the mio loop was scheduling: the idle worker parked and was \
             woken over and over. With the searching worker yielding before it parks \
             (see spawn_many_local), weave_mt reached 87–105 % of the two-thread mio loop in \
             three report runs (72–93 % before); futex calls fell from 6.5k to ~100 per 200k \
             round trips while eventfd writes rose from 1.3k to 4.6k and 16.8k `sched_yield`s \
             appeared. Next step: poll the I/O driver, not `sched_yield`, while searching."
        }
        "yield_many" => {
            "A yield on the pool is four atomic read-modify-writes (the local queue pop and \
             three task-state transitions) plus the SeqCst fence of the idle protocol on each \
             push (~1.5–2 ns, 4 % of perf samples). Dropping that fence for work a worker \
             queues on itself was measured (median weave_mt / min(peers) 0.73 → 0.70 over 8 \
             interleaved runs) and not kept: without it, a task queued just as the other \
             worker parks could wait behind a long-running task instead of being stolen. On \
             this shared machine weave_mt only sometimes gets both cores (1.0–1.5 CPUs used), \
             which is most of the run-to-run spread."
        }
        "ping_pong" => {
            "Instructions (callgrind on the report binary, one thread): ~550M for weave_ct against \
             603M for tokio_ct; only ~19 % of Weave's are executor code, the rest is \
             `async_channel`, `event_listener` and malloc, which every runtime here shares. So \
             what the executor can win is order, not instructions. Two changes on 2026-12-07: \
             the LocalExecutor's hand-off (a task that wakes another and then waits lets it run \
             next, up to 15 in a row), under which callgrind's cache simulation counts 0.70M \
             L1 data misses instead of 7.67M for the same instruction count, since a pair's \
             channels and tasks are still in cache; and the reactor now skips the zero-timeout \
             `epoll_wait` of a busy executor while no source is registered (6,590 calls per two \
             runs before, none now). Interleaved runs of weave_ct / faster peer went from \
             0.84-0.99 to 0.65-0.71. On two workers (weave_mt, 2-3 % pool code under perf) a \
             woken task takes the LIFO slot; the slot used to yield to the queue after 3 polls \
             in a row (tokio's bound), which split bouncing pairs across the workers. Since \
             2026-12-07 it allows 15, the LocalExecutor's bound: four interleaved runs each \
             gave weave_mt / tokio_mt 0.93-1.16 with 3 and 0.81-0.89 with 15. Both flavours \
             still swing ±0.2 from run to run on this loaded host."
        }
        "spawn_many_local" => {
            "The idle worker used to go through one park/unpark cycle per ~50 spawns (an eventfd \
             write on the spawner, an `epoll_wait` and two context switches: 10,206 \
             `epoll_wait` and 6,725 eventfd writes per 400k spawns under strace). A searching \
             worker that finds nothing now yields its thread and looks again up to 32 times \
             before it parks (crates/executor/src/pool/worker.rs, `SEARCH_YIELDS`); while it \
             searches, spawners skip the wake altogether, so a steady stream of spawns makes \
             almost no syscalls: `perf stat` counts 53k context switches per ten 100k-task runs \
             before and 6–13k after, and weave_mt's CPU time fell ~40 %. Over 8 interleaved \
             report runs on the loaded machine weave_mt / min(peers) went from a median of 0.86 \
             to 0.62. The price is CPU while nearly idle (see the constant's docs). What is left \
             is memory: weave_ct runs 0.71x smol_ct's instructions (193M against 272M, callgrind) \
             but 100k live tasks are written to fresh heap. The task header shrank from 80 to \
             48 bytes on 2026-12-07 (spawn location and name in one tagged word; the task list \
             keeps a slot index instead of two links), so a trivial task's cell is 88 bytes, \
             glibc's 96-byte class instead of 128: callgrind's cache simulation counts 191k \
             last-level misses per warm-up plus round instead of 240k (smol 198k), and four \
             interleaved A/B runs gave weave_ct / faster peer 0.66-1.15 (median 0.86) before \
             the last step and 0.58-0.63 after. What is left is the allocator: glibc returns the \
             freed cells to the OS after each round (a 10 MB `brk` shrink under strace) and \
             the next round faults them back in, 2,500 page faults per round for weave_ct \
             against none for smol_ct, whose heap top stays pinned by memory it keeps; with \
             `GLIBC_TUNABLES=glibc.malloc.trim_threshold=1000000000` weave_ct alone ran 114 \
             ns/task instead of 227 (five rounds each). Weave leaves that policy to the global allocator (jemalloc or \
             mimalloc keep freed memory for reuse) rather than caching cells itself."
        }
        "mpsc_bounded_1p" | "mpsc_bounded_8p" => {
            "A bounded send is one inlined poll (a budget unit, the capacity compare-exchange, the \
             push) and a receive from the receiver's private buffer is inlined: callgrind on one \
             thread, 2M messages, 507M instructions for 1 producer (758M before this work) \
             against `async_channel`'s 1,120M. On two workers with 8 producers the producers on \
             both workers collide on the queue's lock; perf (weave_mt, 2026-12-07) put a third \
             of the time there: the std mutex's lock and unlock instructions (30 % of samples \
             in `Chan::push`), its contended path (12 %) and the `futex` wake calls a contended \
             futex mutex makes on every unlock (~16 %), for a critical section of one \
             `push_back`. The queue is now behind a test-and-test-and-set spin lock with \
             crossbeam's backoff (crates/sync/src/spin_lock.rs; it yields its thread past the \
             spin limit, so a preempted holder is not starved): two interleaved A/B pairs gave \
             weave_mt / faster peer 1.01-1.28 before and 0.42-0.53 after, and callgrind counts \
             20 % fewer instructions on one thread (mpsc_unbounded_1p weave_ct: 297M -> 239M). \
             Tried and not kept: crossbeam's lock-free `SegQueue` for the messages fixed the \
             two-worker case as well (0.45-0.51) but cost every one-thread and one-producer \
             case 2-3× (a push and a pop are each two read-modify-writes, where the receiver \
             now takes the whole queue in one swap)."
        }
        _ => return None,
    })
}
