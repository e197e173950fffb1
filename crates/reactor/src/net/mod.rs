//! TCP, UDP and Unix sockets on the reactor, with `futures_io` traits (asyncio's streams
//! and transports).
//!
//! Every socket registers with the current reactor when created ([`Handle::current`](crate::Handle::current)),
//! is `Unpin + Send + Sync`, and deregisters when dropped. Operations spend the task's
//! cooperative budget, so an always-ready socket still lets other tasks run.

#[macro_use]
mod stream_impls;
mod addr;
mod read_buffer;
mod split;
mod tcp_listener;
mod tcp_stream;
mod udp;
mod unix;

pub use self::addr::{lookup_host, ToSocketAddrs};
pub use self::split::{
    HalfClose, OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf,
};
pub use self::tcp_listener::{Incoming, TcpListener};
pub use self::tcp_stream::TcpStream;
pub use self::udp::UdpSocket;
pub use self::unix::{UnixDatagram, UnixIncoming, UnixListener, UnixStream};

// API.md promises sockets are `Unpin + Send + Sync`; this stops compiling if one is not.
const _: fn() = || {
    fn check<T: Unpin + Send + Sync>() {}
    check::<TcpListener>();
    check::<TcpStream>();
    check::<UdpSocket>();
    check::<UnixListener>();
    check::<UnixStream>();
    check::<UnixDatagram>();
    check::<OwnedReadHalf<TcpStream>>();
    check::<OwnedWriteHalf<TcpStream>>();
    check::<crate::Async<std::net::TcpStream>>();
    // Pools move their driver to a worker thread.
    fn send<T: Send>() {}
    send::<crate::ReactorDriver>();
};
