//! The physical limit of echo: hand-written, edge-triggered mio loops with no runtime (from
//! `crates/reactor/examples/tcp_echo_bench.rs`, PERF.md's ceiling).
//!
//! Each readable edge gets `recv`s until a short read (the socket is drained), each whole
//! message one `send`: 2 sends and 2 recvs per round trip, the minimum. Messages are written
//! with one `send` each, so sizes stay within what a loopback socket buffer always takes.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token};

/// One socket and, on the client side, how far it is through its round trips.
struct Conn {
    stream: mio::net::TcpStream,
    /// Bytes of the current reply received so far (clients).
    got: usize,
    /// Round trips still to make (clients).
    left: usize,
}

/// What a loop does with the bytes it reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Client,
    Server,
}

/// Runs `connections` × `round_trips` round trips of `size` bytes on one thread (server and
/// clients in one poll) or two (server and clients each in their own), and returns how long
/// the round trips took (setup excluded).
pub(super) fn run(
    connections: usize,
    round_trips: usize,
    size: usize,
    two_threads: bool,
) -> Duration {
    let (mut clients, mut servers) = connect(connections, round_trips);
    if two_threads {
        let mut server_poll = Poll::new().expect("mio poll");
        register(&server_poll, &mut servers, 0);
        let done = Arc::new(AtomicBool::new(false));
        let server_done = done.clone();
        let server = thread::spawn(move || {
            drive(
                &mut server_poll,
                &mut servers,
                Side::Server,
                size,
                &server_done,
            );
        });
        let mut poll = Poll::new().expect("mio poll");
        register(&poll, &mut clients, 0);
        let start = Instant::now();
        drive(&mut poll, &mut clients, Side::Client, size, &done);
        let elapsed = start.elapsed();
        // The server stops on the flag (it polls with a timeout), not on EOF, which its
        // short-read shortcut may not see.
        done.store(true, Ordering::Relaxed);
        server.join().expect("the mio server thread panicked");
        elapsed
    } else {
        let mut poll = Poll::new().expect("mio poll");
        let n = clients.len();
        register(&poll, &mut clients, 0);
        register(&poll, &mut servers, n);
        let message = vec![7u8; size];
        let mut buffer = vec![0u8; 64 * 1024];
        let mut events = Events::with_capacity(1024);
        let start = Instant::now();
        for client in clients.iter_mut() {
            client.stream.write_all(&message).expect("send");
        }
        let mut active = n;
        while active > 0 {
            if !wait(&mut poll, &mut events, None) {
                continue;
            }
            for event in events.iter() {
                let token = event.token().0;
                let (conn, side) = if token < n {
                    (&mut clients[token], Side::Client)
                } else {
                    (&mut servers[token - n], Side::Server)
                };
                active -= on_readable(conn, side, size, &message, &mut buffer);
            }
        }
        start.elapsed()
    }
}

/// `connections` connected pairs of non-blocking, `TCP_NODELAY` sockets: (clients, servers).
fn connect(connections: usize, round_trips: usize) -> (Vec<Conn>, Vec<Conn>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    let mut clients = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..connections {
        let client = TcpStream::connect(addr).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        for stream in [&client, &server] {
            stream.set_nodelay(true).expect("nodelay");
            stream.set_nonblocking(true).expect("nonblocking");
        }
        let conn = |stream, left| Conn {
            stream: mio::net::TcpStream::from_std(stream),
            got: 0,
            left,
        };
        clients.push(conn(client, round_trips));
        servers.push(conn(server, 0));
    }
    (clients, servers)
}

/// Registers `conns` for readable edges, with tokens from `first` on.
fn register(poll: &Poll, conns: &mut [Conn], first: usize) {
    for (index, conn) in conns.iter_mut().enumerate() {
        poll.registry()
            .register(&mut conn.stream, Token(first + index), Interest::READABLE)
            .expect("register");
    }
}

/// Waits for events; `false` if interrupted by a signal or timed out (nothing to do).
fn wait(poll: &mut Poll, events: &mut Events, timeout: Option<Duration>) -> bool {
    match poll.poll(events, timeout) {
        Ok(()) => !events.is_empty(),
        Err(error) if error.kind() == io::ErrorKind::Interrupted => false,
        Err(error) => panic!("mio poll: {error}"),
    }
}

/// One side's loop, until every client is done (clients) or `done` is set (server).
fn drive(poll: &mut Poll, conns: &mut [Conn], side: Side, size: usize, done: &AtomicBool) {
    let message = vec![7u8; size];
    let mut buffer = vec![0u8; 64 * 1024];
    if side == Side::Client {
        for conn in conns.iter_mut() {
            conn.stream.write_all(&message).expect("send");
        }
    }
    let mut events = Events::with_capacity(1024);
    let mut active = conns.len();
    let timeout = (side == Side::Server).then(|| Duration::from_millis(20));
    while active > 0 && !done.load(Ordering::Relaxed) {
        if !wait(poll, &mut events, timeout) {
            continue;
        }
        for event in events.iter() {
            let conn = &mut conns[event.token().0];
            let finished = on_readable(conn, side, size, &message, &mut buffer);
            active = active.saturating_sub(finished);
        }
    }
}

/// Drains a readable socket: a server echoes what it reads; a client counts whole replies and
/// sends the next message. Returns 1 if this connection just finished (EOF, or a client's
/// last reply), else 0.
fn on_readable(
    conn: &mut Conn,
    side: Side,
    size: usize,
    message: &[u8],
    buffer: &mut [u8],
) -> usize {
    if side == Side::Client && conn.left == 0 {
        return 0;
    }
    loop {
        let read = match conn.stream.read(buffer) {
            Ok(0) => return 1,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::WouldBlock => return 0,
            Err(error) => panic!("recv: {error}"),
        };
        match side {
            Side::Server => conn.stream.write_all(&buffer[..read]).expect("send"),
            Side::Client => {
                conn.got += read;
                while conn.got >= size {
                    conn.got -= size;
                    conn.left -= 1;
                    if conn.left == 0 {
                        return 1;
                    }
                    conn.stream.write_all(message).expect("send");
                }
            }
        }
        if read < buffer.len() {
            return 0; // drained: wait for the next edge
        }
    }
}
