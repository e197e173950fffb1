//! TCP echo over loopback: the runtime's own sockets, and the hand-written mio loops that bound
//! it from below.

mod mio_loop;

use std::time::Duration;

use super::{run_in_task, Limit, Scale, Workload};
use crate::primitives::Primitives;
use crate::runtimes::Runtime;

/// `CONNECTIONS` client tasks each connect to an echo server on 127.0.0.1 (one task per
/// accepted connection) and make `round_trips` round trips of a `SIZE`-byte message: write
/// it, read it back whole (ns/round trip). Everything is on the runtime under test: its
/// listener, streams, and `TCP_NODELAY` on every socket.
///
/// ```
/// use weave_bench::runtimes::{Runtime, TokioCt};
/// use weave_bench::workloads::{TcpEcho, Workload};
///
/// TcpEcho::<10, 1024> { round_trips: 5 }.run(&TokioCt::build());
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TcpEcho<const CONNECTIONS: usize, const SIZE: usize> {
    /// How many round trips each connection makes.
    pub round_trips: usize,
}

impl<const CONNECTIONS: usize, const SIZE: usize> TcpEcho<CONNECTIONS, SIZE> {
    /// Whether the hand-written mio loops run this size: they write each message with one
    /// `send`, which messages up to a few KiB always fit in.
    pub const HAS_MIO_LOOP: bool = SIZE <= 4096;
}

impl<const CONNECTIONS: usize, const SIZE: usize> Workload for TcpEcho<CONNECTIONS, SIZE> {
    const NAME: &'static str = match (CONNECTIONS, SIZE) {
        (50, 64) => "tcp_echo_50x64B",
        (10, 1024) => "tcp_echo_10x1KiB",
        (10, 102_400) => "tcp_echo_10x100KiB",
        _ => "tcp_echo",
    };
    const UNIT: &'static str = "round trip";
    const ABOUT: &'static str = "client tasks each making round trips of a fixed-size message \
         to an echo server task on loopback, on the runtime's own sockets (smol: `smol::net`); \
         limits: the hand-written edge-triggered mio loops of PERF.md, run in the same rounds \
         (one thread for the current-thread rows, server and clients on two threads for the \
         multi-thread rows)";
    const LIMIT: Limit = if Self::HAS_MIO_LOOP {
        Limit::Measured
    } else {
        Limit::None
    };

    fn new(scale: Scale) -> Self {
        // About 0.1–1 s per run at full scale.
        let full = match SIZE {
            0..=100 => 2_000,
            101..=2048 => 2_000,
            _ => 200,
        };
        Self {
            round_trips: scale.size(full),
        }
    }

    fn items(&self) -> u64 {
        (CONNECTIONS * self.round_trips) as u64
    }

    fn run<R: Runtime>(&self, runtime: &R) {
        let round_trips = self.round_trips;
        run_in_task(runtime, async move {
            let (listener, addr) = <R::Primitives>::bind().await;
            R::spawn_detached(<R::Primitives>::serve_echo::<R>(listener, CONNECTIONS));
            let clients: Vec<_> = (0..CONNECTIONS)
                .map(|_| R::spawn(<R::Primitives>::echo_client(addr, round_trips, SIZE)))
                .collect();
            for client in clients {
                client.await;
            }
        });
    }

    fn run_limit(&self, two_threads: bool) -> Option<Duration> {
        Self::HAS_MIO_LOOP.then(|| mio_loop::run(CONNECTIONS, self.round_trips, SIZE, two_threads))
    }
}
