//! Every server of the HTTP section answers real requests, including a request split across
//! two sends and two requests pipelined in one, so the limit rows measure a working server.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use weave_bench::http::SERVERS;

/// Reads until `count` whole responses arrived; returns what was read.
fn read_responses(stream: &mut TcpStream, count: usize) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    while String::from_utf8_lossy(&received)
        .matches("Hello, World!")
        .count()
        < count
    {
        let read = stream.read(&mut buffer).expect("read a response");
        assert!(read > 0, "the server closed the connection early");
        received.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8(received).expect("responses are text")
}

#[test]
fn every_server_answers_split_and_pipelined_requests() {
    for server in SERVERS {
        let running = server.start();
        // Several connections, so the two-thread limit serves some on each thread.
        for _ in 0..3 {
            let mut stream = TcpStream::connect(running.addr).expect("connect");
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .expect("read timeout");
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: a\r")
                .expect("send");
            stream.flush().expect("flush");
            std::thread::sleep(Duration::from_millis(5));
            stream.write_all(b"\n\r\n").expect("send");
            let first = read_responses(&mut stream, 1);
            assert!(
                first.starts_with("HTTP/1.1 200 OK\r\n"),
                "{}: {first:?}",
                server.name()
            );
            assert!(first
                .to_ascii_lowercase()
                .contains("content-length: 13\r\n"));

            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")
                .expect("send");
            let pipelined = read_responses(&mut stream, 2);
            assert_eq!(
                pipelined.matches("HTTP/1.1 200 OK").count(),
                2,
                "{}: {pipelined:?}",
                server.name()
            );
        }
        drop(running);
    }
}
