//! The physical limit of the HTTP rows: a hand-written HTTP/1.1 responder on mio, with no
//! runtime and no HTTP library, loaded by the same `wrk` as the hyper servers.
//!
//! It does the least a server can: one edge-triggered poll per thread, `recv` until a short
//! read, count the requests that ended (a blank line ends a body-less `GET`), and answer them
//! all with one `send` of a canned response as long as hyper's. Whatever rate it reaches is
//! what this machine, this kernel and this load generator allow; a runtime can only approach
//! it. With two threads, the first accepts and deals connections out in turn.

use std::io::{self, ErrorKind, Read, Write};
use std::net::SocketAddr;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Registry, Token, Waker};

/// hyper's answer to the benchmark's handler, byte for byte in length (its `date` header
/// changes every second; the length does not).
const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-length: 13\r\ndate: Mon, 07 Dec 2026 10:00:00 GMT\r\n\r\nHello, World!";

/// Where a request ends: the blank line after its headers.
const REQUEST_END: &[u8; 4] = b"\r\n\r\n";

/// The listener's token, on the first thread.
const LISTENER: Token = Token(usize::MAX);
/// The token of the waker that tells a thread a connection is waiting in its inbox.
const INBOX: Token = Token(usize::MAX - 1);

/// How often an idle loop looks whether it should stop.
const STOP_CHECK: Duration = Duration::from_millis(20);

/// Serves on 127.0.0.1 with `threads` loops until `stopped` is closed; sends the address
/// once it listens.
pub(super) fn serve(
    threads: usize,
    address: mpsc::Sender<SocketAddr>,
    stopped: async_channel::Receiver<()>,
) {
    assert!(threads >= 1, "the mio server needs at least one thread");
    let mut listener = TcpListener::bind("127.0.0.1:0".parse().expect("an address")).expect("bind");
    let mut first = EventLoop::new();
    first
        .poll
        .registry()
        .register(&mut listener, LISTENER, Interest::READABLE)
        .expect("register the listener");
    let mut others = Vec::new();
    let mut handles = Vec::new();
    for _ in 1..threads {
        let (deliver, inbox) = mpsc::channel();
        let mut event_loop = EventLoop::new();
        event_loop.inbox = Some(inbox);
        let waker = Waker::new(event_loop.poll.registry(), INBOX).expect("waker");
        others.push((deliver, waker));
        let stopped = stopped.clone();
        handles.push(thread::spawn(move || event_loop.run(&stopped)));
    }
    first.acceptor = Some(Acceptor {
        listener,
        others,
        next: 0,
    });
    address
        .send(first.listener_address())
        .expect("the bench stopped waiting for the server");
    first.run(&stopped);
    for handle in handles {
        handle.join().expect("a mio server thread panicked");
    }
}

/// One thread's poll and the connections it serves.
struct EventLoop {
    poll: Poll,
    connections: Vec<Option<Connection>>,
    /// The first thread accepts.
    acceptor: Option<Acceptor>,
    /// The other threads receive connections here.
    inbox: Option<mpsc::Receiver<TcpStream>>,
}

/// The first thread's listener, and where the other threads' connections go.
struct Acceptor {
    listener: TcpListener,
    others: Vec<(mpsc::Sender<TcpStream>, Waker)>,
    /// Whose turn the next connection is: 0 is this thread, `i` is `others[i - 1]`.
    next: usize,
}

/// One client's socket.
struct Connection {
    stream: TcpStream,
    /// How much of [`REQUEST_END`] the bytes read so far end with.
    matched: usize,
    /// Responses the socket did not take yet (only when its send buffer was full).
    unsent: Vec<u8>,
}

impl EventLoop {
    fn new() -> EventLoop {
        EventLoop {
            poll: Poll::new().expect("mio poll"),
            connections: Vec::new(),
            acceptor: None,
            inbox: None,
        }
    }

    fn listener_address(&self) -> SocketAddr {
        let acceptor = self.acceptor.as_ref().expect("the first thread accepts");
        acceptor.listener.local_addr().expect("local_addr")
    }

    fn run(mut self, stopped: &async_channel::Receiver<()>) {
        let mut events = Events::with_capacity(1024);
        let mut buffer = vec![0u8; 64 * 1024];
        while !stopped.is_closed() {
            match self.poll.poll(&mut events, Some(STOP_CHECK)) {
                Ok(()) => {}
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(error) => panic!("mio poll: {error}"),
            }
            for event in events.iter() {
                match event.token() {
                    LISTENER => self.accept(),
                    INBOX => self.take_delivered(),
                    Token(index) => {
                        let keep = match &mut self.connections[index] {
                            Some(connection) => {
                                connection.on_ready(&mut buffer, self.poll.registry(), index)
                            }
                            None => true,
                        };
                        if !keep {
                            self.connections[index] = None;
                        }
                    }
                }
            }
        }
    }

    /// Accepts every pending connection, dealing them out to the threads in turn.
    fn accept(&mut self) {
        loop {
            let acceptor = self
                .acceptor
                .as_mut()
                .expect("only the first thread listens");
            let stream = match acceptor.listener.accept() {
                Ok((stream, _)) => stream,
                Err(error) if error.kind() == ErrorKind::WouldBlock => return,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                // A connection reset before it was accepted: the next one may be fine.
                Err(_) => continue,
            };
            stream.set_nodelay(true).ok();
            let turn = acceptor.next;
            acceptor.next = (turn + 1) % (acceptor.others.len() + 1);
            if turn == 0 {
                self.add(stream);
            } else {
                let (deliver, waker) = &acceptor.others[turn - 1];
                deliver
                    .send(stream)
                    .expect("a mio server thread stopped early");
                waker.wake().expect("wake a mio server thread");
            }
        }
    }

    /// Registers the connections the first thread handed over.
    fn take_delivered(&mut self) {
        while let Some(stream) = self.inbox.as_ref().and_then(|inbox| inbox.try_recv().ok()) {
            self.add(stream);
        }
    }

    fn add(&mut self, mut stream: TcpStream) {
        let index = match self.connections.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                self.connections.push(None);
                self.connections.len() - 1
            }
        };
        // Readable only: a writable edge matters only once a send would block.
        self.poll
            .registry()
            .register(&mut stream, Token(index), Interest::READABLE)
            .expect("register a connection");
        self.connections[index] = Some(Connection {
            stream,
            matched: 0,
            unsent: Vec::new(),
        });
    }
}

impl Connection {
    /// Reads what arrived and answers every request that ended; `false` once the client is
    /// gone.
    fn on_ready(&mut self, buffer: &mut [u8], registry: &Registry, index: usize) -> bool {
        loop {
            match self.stream.read(buffer) {
                Ok(0) => return false,
                Ok(read) => {
                    for _ in 0..complete_requests(&mut self.matched, &buffer[..read]) {
                        self.unsent.extend_from_slice(RESPONSE);
                    }
                    // A short read drained the socket; new bytes bring a new edge.
                    if read < buffer.len() {
                        break;
                    }
                }
                Err(error) if error.kind() == ErrorKind::WouldBlock => break,
                Err(error) if error.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return false,
            }
        }
        match self.flush() {
            Ok(true) => true,
            Ok(false) => {
                // Full send buffer: wait for the writable edge that follows room freeing up.
                registry
                    .reregister(
                        &mut self.stream,
                        Token(index),
                        Interest::READABLE | Interest::WRITABLE,
                    )
                    .is_ok()
            }
            Err(_) => false,
        }
    }

    /// Sends what is unsent; `Ok(false)` if the socket would block before the end.
    fn flush(&mut self) -> io::Result<bool> {
        let mut sent = 0;
        let result = loop {
            if sent == self.unsent.len() {
                break Ok(true);
            }
            match self.stream.write(&self.unsent[sent..]) {
                Ok(0) => break Err(ErrorKind::WriteZero.into()),
                Ok(n) => sent += n,
                Err(error) if error.kind() == ErrorKind::WouldBlock => break Ok(false),
                Err(error) if error.kind() == ErrorKind::Interrupted => {}
                Err(error) => break Err(error),
            }
        };
        self.unsent.drain(..sent);
        result
    }
}

/// How many requests end in `bytes`, given that the bytes before them ended with `matched`
/// bytes of [`REQUEST_END`]; updates `matched` for the next read. Requests may be split
/// across reads or several may share one (pipelining).
fn complete_requests(matched: &mut usize, bytes: &[u8]) -> usize {
    let mut complete = 0;
    for &byte in bytes {
        *matched = if byte == REQUEST_END[*matched] {
            *matched + 1
        } else if byte == b'\r' {
            1
        } else {
            0
        };
        if *matched == REQUEST_END.len() {
            complete += 1;
            *matched = 0;
        }
    }
    complete
}

#[cfg(test)]
mod tests {
    use super::complete_requests;

    #[test]
    fn requests_split_across_reads_and_pipelined_are_all_counted() {
        let mut matched = 0;
        assert_eq!(
            complete_requests(&mut matched, b"GET / HTTP/1.1\r\nHost: a\r\n\r"),
            0
        );
        assert_eq!(matched, 3);
        assert_eq!(
            complete_requests(&mut matched, b"\nGET / HTTP/1.1\r\n\r\nGET /"),
            2
        );
        assert_eq!(
            complete_requests(&mut matched, b" HTTP/1.1\r\n\r\r\n\r\n"),
            1
        );
        assert_eq!(matched, 0);
    }

    #[test]
    fn a_lone_line_break_ends_no_request() {
        let mut matched = 0;
        assert_eq!(
            complete_requests(&mut matched, b"GET /\r\nA: b\r\nC: d\r\n"),
            0
        );
        assert_eq!(complete_requests(&mut matched, b"\n\n\r\r\n"), 0);
        assert_eq!(complete_requests(&mut matched, b"\r\n"), 1);
    }
}
