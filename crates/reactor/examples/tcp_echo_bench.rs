//! tcp_echo: an echo server and N client connections, each making M round trips of S-byte
//! messages (the uvloop/vmbench method), on Weave, tokio, and a hand-written edge-triggered
//! mio loop (the ceiling of PERF.md). Prints round trips per second.
//!
//! ```sh
//! cargo run --release -p weave-reactor --example tcp_echo_bench -- MODE [CONNS] [MSGS] [SIZE]
//! ```
//! MODE: `weave-ct` (LocalExecutor + ReactorDriver), `weave-mt` (ThreadPool::with_driver(2)),
//! `tokio-ct`, `tokio-mt` (2 workers), `mio` (one thread), `mio-2t` (server and clients on
//! two threads). Defaults: 50 connections, 2000 round trips, 64 bytes.

use std::future::Future;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use futures::{AsyncReadExt, AsyncWriteExt};
use weave_core::Spawn;
use weave_reactor::net::{TcpListener, TcpStream};
use weave_reactor::{Handle, ReactorDriver};

struct Args {
    conns: usize,
    msgs: usize,
    size: usize,
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mode = argv
        .first()
        .map(String::as_str)
        .unwrap_or("weave-ct")
        .to_owned();
    let num = |i: usize, d: usize| argv.get(i).map(|s| s.parse().unwrap()).unwrap_or(d);
    let args = Args {
        conns: num(1, 50),
        msgs: num(2, 2000),
        size: num(3, 64),
    };
    let secs = match mode.as_str() {
        "weave-ct" => weave_ct(&args),
        "weave-mt" => weave_mt(&args),
        "tokio-ct" => tokio_bench(&args, false),
        "tokio-mt" => tokio_bench(&args, true),
        "mio" => mio_loop(&args, false),
        "mio-2t" => mio_loop(&args, true),
        other => panic!("unknown mode {other}"),
    };
    let total = (args.conns * args.msgs) as f64;
    println!(
        "{mode}: {} conns x {} round trips x {} B: {:.1}k round trips/s",
        args.conns,
        args.msgs,
        args.size,
        total / secs / 1000.0
    );
}

/// Enters the reactor around every poll (what the `weave` runtime does on its workers).
struct WithReactor<F>(Handle, Pin<Box<F>>);

impl<F: Future> Future for WithReactor<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _g = self.0.enter();
        self.1.as_mut().poll(cx)
    }
}

async fn weave_echo(mut s: TcpStream) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = s.read(&mut buf).await.unwrap();
        if n == 0 {
            return;
        }
        s.write_all(&buf[..n]).await.unwrap();
    }
}

async fn weave_client(addr: SocketAddr, msgs: usize, size: usize) {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let msg = vec![7u8; size];
    let mut buf = vec![0u8; size];
    for _ in 0..msgs {
        s.write_all(&msg).await.unwrap();
        s.read_exact(&mut buf).await.unwrap();
    }
}

fn weave_ct(a: &Args) -> f64 {
    let driver = ReactorDriver::new().unwrap();
    let _g = driver.handle().enter();
    let ex = weave_executor::LocalExecutor::with_park(driver);
    let spawner = ex.handle();
    ex.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let conns = a.conns;
        ex.spawn(async move {
            for _ in 0..conns {
                let (s, _) = listener.accept().await.unwrap();
                s.set_nodelay(true).unwrap();
                spawner.spawn(weave_echo(s));
            }
        });
        let start = Instant::now();
        let clients: Vec<_> = (0..a.conns)
            .map(|_| ex.spawn(weave_client(addr, a.msgs, a.size)))
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        start.elapsed().as_secs_f64()
    })
}

fn weave_mt(a: &Args) -> f64 {
    let driver = ReactorDriver::new().unwrap();
    let h = driver.handle();
    let pool = weave_executor::ThreadPool::with_driver(2, driver);
    let spawner = pool.handle();
    let (conns, msgs, size) = (a.conns, a.msgs, a.size);
    let h2 = h.clone();
    let secs = pool.block_on(WithReactor(
        h.clone(),
        Box::pin(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let server = spawner.clone();
            spawner.spawn(WithReactor(
                h2.clone(),
                Box::pin(async move {
                    for _ in 0..conns {
                        let (s, _) = listener.accept().await.unwrap();
                        s.set_nodelay(true).unwrap();
                        server.spawn(weave_echo(s));
                    }
                }),
            ));
            let start = Instant::now();
            let clients: Vec<_> = (0..conns)
                .map(|_| {
                    spawner.spawn(WithReactor(
                        h2.clone(),
                        Box::pin(weave_client(addr, msgs, size)),
                    ))
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            start.elapsed().as_secs_f64()
        }),
    ));
    pool.shutdown();
    secs
}

fn tokio_bench(a: &Args, multi: bool) -> f64 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let rt = if multi {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .unwrap();
    let (conns, msgs, size) = (a.conns, a.msgs, a.size);
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            for _ in 0..conns {
                let (mut s, _) = listener.accept().await.unwrap();
                s.set_nodelay(true).unwrap();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = s.read(&mut buf).await.unwrap();
                        if n == 0 {
                            return;
                        }
                        s.write_all(&buf[..n]).await.unwrap();
                    }
                });
            }
        });
        let start = Instant::now();
        let clients: Vec<_> = (0..conns)
            .map(|_| {
                tokio::spawn(async move {
                    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
                    s.set_nodelay(true).unwrap();
                    let msg = vec![7u8; size];
                    let mut buf = vec![0u8; size];
                    for _ in 0..msgs {
                        s.write_all(&msg).await.unwrap();
                        s.read_exact(&mut buf).await.unwrap();
                    }
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        start.elapsed().as_secs_f64()
    })
}

/// One side of the hand-written loop: a socket, how much of the current message it has.
struct Conn {
    stream: mio::net::TcpStream,
    got: usize,
    left: usize,
}

/// An edge-triggered mio loop: each readable edge gets one `recv` (a short read means the
/// socket is drained), each full message one `send`: 2 sends + 2 recvs per round trip.
fn drive(poll: &mut mio::Poll, conns: &mut [Conn], is_client: bool, size: usize, buf: &mut [u8]) {
    let msg = vec![7u8; size];
    if is_client {
        for c in conns.iter_mut() {
            c.stream.write_all(&msg).unwrap();
        }
    }
    let mut events = mio::Events::with_capacity(1024);
    let mut active = conns.len();
    while active > 0 {
        poll.poll(&mut events, None).unwrap();
        for ev in events.iter() {
            if !ev.is_readable() {
                continue;
            }
            let c = &mut conns[ev.token().0];
            loop {
                match c.stream.read(buf) {
                    Ok(0) => {
                        active -= 1;
                        break;
                    }
                    Ok(n) => {
                        if is_client {
                            c.got += n;
                            while c.got >= size {
                                c.got -= size;
                                c.left -= 1;
                                if c.left == 0 {
                                    active -= 1;
                                } else {
                                    c.stream.write_all(&msg).unwrap();
                                }
                            }
                        } else {
                            c.stream.write_all(&buf[..n]).unwrap();
                        }
                        if n < buf.len() {
                            break; // drained: wait for the next edge
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) => panic!("{e}"),
                }
            }
        }
        if is_client && active == 0 {
            break;
        }
    }
}

fn mio_loop(a: &Args, two_threads: bool) -> f64 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut clients = Vec::new();
    let mut servers = Vec::new();
    for _ in 0..a.conns {
        let c = std::net::TcpStream::connect(addr).unwrap();
        let (s, _) = listener.accept().unwrap();
        for x in [&c, &s] {
            x.set_nodelay(true).unwrap();
            x.set_nonblocking(true).unwrap();
        }
        clients.push(Conn {
            stream: mio::net::TcpStream::from_std(c),
            got: 0,
            left: a.msgs,
        });
        servers.push(Conn {
            stream: mio::net::TcpStream::from_std(s),
            got: 0,
            left: 0,
        });
    }
    let size = a.size;
    let register = |poll: &mio::Poll, conns: &mut [Conn]| {
        for (i, c) in conns.iter_mut().enumerate() {
            poll.registry()
                .register(&mut c.stream, mio::Token(i), mio::Interest::READABLE)
                .unwrap();
        }
    };
    if two_threads {
        let mut server_poll = mio::Poll::new().unwrap();
        register(&server_poll, &mut servers);
        let server = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            drive(&mut server_poll, &mut servers, false, size, &mut buf);
        });
        let mut poll = mio::Poll::new().unwrap();
        register(&poll, &mut clients);
        let start = Instant::now();
        let mut buf = vec![0u8; 64 * 1024];
        drive(&mut poll, &mut clients, true, size, &mut buf);
        let secs = start.elapsed().as_secs_f64();
        drop(clients); // EOF ends the server thread
        server.join().unwrap();
        secs
    } else {
        // One poll, one thread: server tokens offset by the number of clients.
        let mut poll = mio::Poll::new().unwrap();
        let n = clients.len();
        for (i, c) in clients.iter_mut().enumerate() {
            poll.registry()
                .register(&mut c.stream, mio::Token(i), mio::Interest::READABLE)
                .unwrap();
        }
        for (i, s) in servers.iter_mut().enumerate() {
            poll.registry()
                .register(&mut s.stream, mio::Token(n + i), mio::Interest::READABLE)
                .unwrap();
        }
        let msg = vec![7u8; size];
        let mut buf = vec![0u8; 64 * 1024];
        let mut events = mio::Events::with_capacity(1024);
        let start = Instant::now();
        for c in clients.iter_mut() {
            c.stream.write_all(&msg).unwrap();
        }
        let mut active = n;
        while active > 0 {
            poll.poll(&mut events, None).unwrap();
            for ev in events.iter() {
                let t = ev.token().0;
                if t < n {
                    let c = &mut clients[t];
                    if c.left == 0 {
                        continue;
                    }
                    let got = match c.stream.read(&mut buf) {
                        Ok(got) => got,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                        Err(e) => panic!("{e}"),
                    };
                    c.got += got;
                    while c.got >= size {
                        c.got -= size;
                        c.left -= 1;
                        if c.left == 0 {
                            active -= 1;
                        } else {
                            c.stream.write_all(&msg).unwrap();
                        }
                    }
                } else {
                    let s = &mut servers[t - n];
                    match s.stream.read(&mut buf) {
                        Ok(got) => s.stream.write_all(&buf[..got]).unwrap(),
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            }
        }
        start.elapsed().as_secs_f64()
    }
}
