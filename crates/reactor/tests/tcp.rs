//! TCP behaviour through the public API, under Weave executors and standalone.

mod common;

use std::io::ErrorKind;
use std::net::Shutdown;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;

use common::{echo, echo_client, with_reactor};
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use weave_core::Spawn;
use weave_executor::{LocalExecutor, ThreadPool};
use weave_reactor::net::{TcpListener, TcpStream, UnixStream};
use weave_reactor::{Async, Handle, ReactorDriver};

#[test]
fn echo_200_clients_x_100_messages_on_a_local_executor() {
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    let spawner = ex.handle();
    ex.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawner.clone();
        ex.spawn(async move {
            let mut incoming = listener.incoming();
            while let Some(stream) = incoming.next().await {
                server.spawn(echo(stream.unwrap()));
            }
        });
        let clients: Vec<_> = (0..200)
            .map(|i| ex.spawn(echo_client(addr, i, 100)))
            .collect();
        for c in clients {
            c.await.unwrap().unwrap();
        }
    });
}

#[test]
fn echo_200_clients_x_100_messages_on_a_two_worker_pool() {
    let driver = ReactorDriver::new().unwrap();
    let handle = driver.handle();
    let pool = ThreadPool::with_driver(2, driver);
    let spawner = pool.handle();
    let h = handle.clone();
    pool.block_on(with_reactor(&handle, async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = spawner.clone();
        spawner.spawn(with_reactor(&h, async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                server.spawn(echo(stream));
            }
        }));
        let clients: Vec<_> = (0..200)
            .map(|i| spawner.spawn(with_reactor(&h, echo_client(addr, i, 100))))
            .collect();
        for c in clients {
            c.await.unwrap().unwrap();
        }
    }));
    pool.shutdown();
}

/// xorshift: reproducible bytes without a dependency.
fn fill(state: &mut u64, buf: &mut [u8]) {
    for b in buf {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *b = *state as u8;
    }
}

fn checksum(sum: u64, buf: &[u8]) -> u64 {
    buf.iter().fold(sum, |s, &b| {
        s.wrapping_mul(1_099_511_628_211).wrapping_add(b as u64)
    })
}

#[test]
fn a_64_mib_transfer_arrives_intact() {
    const TOTAL: usize = 64 << 20;
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    ex.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let receiver = ex.spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let (mut sum, mut total) = (0u64, 0usize);
            let mut buf = vec![0u8; 100_000]; // not a divisor of the chunk size
            loop {
                let n = stream.read(&mut buf).await.unwrap();
                if n == 0 {
                    return (sum, total);
                }
                sum = checksum(sum, &buf[..n]);
                total += n;
            }
        });
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let (mut state, mut sum) = (0x9E37_79B9_7F4A_7C15u64, 0u64);
        let mut chunk = vec![0u8; 64 * 1024];
        for _ in 0..TOTAL / chunk.len() {
            fill(&mut state, &mut chunk);
            sum = checksum(sum, &chunk);
            stream.write_all(&chunk).await.unwrap();
        }
        stream.close().await.unwrap();
        assert_eq!(receiver.await.unwrap(), (sum, TOTAL));
    });
}

#[test]
fn half_close_lets_the_peer_finish_writing() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"request").await.unwrap();
        client.shutdown(Shutdown::Write).unwrap();
        let mut request = Vec::new();
        server.read_to_end(&mut request).await.unwrap(); // ends at the FIN
        assert_eq!(request, b"request");
        server.write_all(b"response after your FIN").await.unwrap();
        drop(server);
        let mut response = String::new();
        client.read_to_string(&mut response).await.unwrap();
        assert_eq!(response, "response after your FIN");
        // Writing after our own shutdown fails with an error, not a hang.
        assert_eq!(
            client.write_all(b"x").await.unwrap_err().kind(),
            ErrorKind::BrokenPipe
        );
    });
}

#[test]
fn connecting_to_a_closed_port_is_refused() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = futures::executor::block_on(TcpStream::connect(("127.0.0.1", port))).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn binding_a_taken_address_reports_addr_in_use() {
    futures::executor::block_on(async {
        let first = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let err = TcpListener::bind(first.local_addr().unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse);
    });
}

#[test]
fn a_reset_connection_reports_connection_reset() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        server.set_linger(Some(std::time::Duration::ZERO)).unwrap();
        drop(server); // RST
        let mut buf = [0u8; 8];
        let err = client.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset);
    });
}

#[test]
fn standalone_under_futures_block_on_uses_the_background_reactor() {
    assert!(Handle::try_current().is_none());
    futures::executor::block_on(async {
        let listener = TcpListener::bind("localhost:0").await.unwrap(); // name resolved on the pool
        let addr = listener.local_addr().unwrap();
        let (client, server) = futures::join!(echo_client(addr, 1, 50), async {
            let (stream, _) = listener.accept().await.unwrap();
            echo(stream).await
        });
        client.unwrap();
        server.unwrap();
    });
}

#[test]
fn owned_halves_work_from_different_tasks_and_reunite() {
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    ex.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (mut read, mut write) = client.into_split();
        let reader = ex.spawn(async move {
            let mut buf = [0u8; 3];
            read.read_exact(&mut buf).await.unwrap();
            (read, buf)
        });
        server.write_all(b"abc").await.unwrap();
        write.write_all(b"xyz").await.unwrap();
        let mut got = [0u8; 3];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"xyz");
        let (read, buf) = reader.await.unwrap();
        assert_eq!(&buf, b"abc");
        let client = read.reunite(write).unwrap();
        drop(client);
        assert_eq!(server.read(&mut got).await.unwrap(), 0);
    });
}

#[test]
fn dropping_the_owned_write_half_sends_end_of_stream() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let (_read, write) = client.into_split();
        drop(write);
        let mut buf = [0u8; 1];
        assert_eq!(server.read(&mut buf).await.unwrap(), 0);
    });
}

#[test]
fn vectored_writes_send_every_slice() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        let slices = [std::io::IoSlice::new(b"ab"), std::io::IoSlice::new(b"cd")];
        let n = client.write_vectored(&slices).await.unwrap();
        assert_eq!(n, 4);
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"abcd");
    });
}

#[test]
fn an_always_readable_socket_still_lets_other_tasks_run() {
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    let (mut reader, writer) = UnixStream::pair().unwrap();
    let writer = writer.into_std().unwrap();
    writer.set_nonblocking(false).unwrap();
    // 50,000 one-byte reads available at once: without a budget the reader would do all of
    // them in one poll before its neighbour ran.
    std::io::Write::write_all(&mut &writer, &[7u8; 50_000]).unwrap();
    let neighbour_ran = Arc::new(AtomicBool::new(false));
    let seen_before_done = ex.block_on(async {
        let mut byte = [0u8; 1];
        reader.read_exact(&mut byte).await.unwrap();
        // Spawned only once the reader runs: it can run before the reader is done only if
        // the reader yields.
        let flag = neighbour_ran.clone();
        ex.spawn(async move { flag.store(true, SeqCst) });
        for _ in 1..50_000 {
            reader.read_exact(&mut byte).await.unwrap();
        }
        neighbour_ran.load(SeqCst)
    });
    assert!(
        seen_before_done,
        "the reading task never yielded to its neighbour"
    );
}

#[test]
fn sockets_fail_with_an_error_once_their_reactor_is_gone() {
    let driver = ReactorDriver::new().unwrap();
    let handle = driver.handle();
    let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
    let a = Async::with_handle(a, &handle).unwrap();
    let (waiting, _c) = std::os::unix::net::UnixStream::pair().unwrap();
    let waiting = Async::with_handle(waiting, &handle).unwrap();
    let drop_thread = std::thread::spawn(move || {
        // A task blocked in a wait when the driver goes away is woken with an error.
        futures::executor::block_on(waiting.readable())
    });
    // Give the waiter a chance to block; correctness does not depend on it.
    std::thread::yield_now();
    drop(driver);
    assert!(handle.is_shut_down());
    assert!(drop_thread.join().unwrap().is_err());
    assert!(futures::executor::block_on(a.readable()).is_err());
    let (c, _d) = std::os::unix::net::UnixStream::pair().unwrap();
    assert!(
        Async::with_handle(c, &handle).is_err(),
        "registration after shutdown must fail"
    );
}

/// `EMFILE` on accept: the listener reports it and keeps working once descriptors are
/// freed. Runs itself in a child process whose descriptor limit `ulimit -n` lowered.
#[test]
fn emfile_on_accept_leaves_the_listener_usable() {
    const CHILD: &str = "WEAVE_REACTOR_EMFILE_CHILD";
    if std::env::var_os(CHILD).is_some() {
        return emfile_child();
    }
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" --exact emfile_on_accept_leaves_the_listener_usable --test-threads=1")
        .arg(exe)
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn emfile_child() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // The kernel completes the handshake into the backlog; no accept needed yet.
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        let mut hog = Vec::new();
        loop {
            match std::fs::File::open("/dev/null") {
                Ok(f) => hog.push(f),
                Err(e) if e.raw_os_error() == Some(24) => break,
                Err(e) => panic!("unexpected error filling the descriptor table: {e}"),
            }
        }
        let err = listener.accept().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(24), "expected EMFILE, got {err}");
        hog.truncate(hog.len() - 4);
        let (mut server, _) = listener.accept().await.unwrap();
        std::io::Write::write_all(&mut client, b"after EMFILE").unwrap();
        let mut buf = [0u8; 12];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"after EMFILE");
    });
}

#[test]
fn bytes_left_in_the_small_read_buffer_count_as_readable() {
    futures::executor::block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"0123456789").await.unwrap();
        let mut two = [0u8; 2];
        server.read_exact(&mut two).await.unwrap(); // takes all ten bytes off the socket
                                                    // The socket is drained, but eight bytes are readable: neither call may wait.
        let ready = futures::FutureExt::now_or_never(server.readable());
        assert!(
            matches!(ready, Some(Ok(()))),
            "readable() waited with bytes buffered"
        );
        let mut peeked = [0u8; 3];
        assert_eq!(server.peek(&mut peeked).await.unwrap(), 3);
        assert_eq!(&peeked, b"234");
        let mut rest = [0u8; 8];
        server.read_exact(&mut rest).await.unwrap();
        assert_eq!(&rest, b"23456789");
        assert!(server.into_std().is_ok(), "nothing buffered any more");
    });
}
