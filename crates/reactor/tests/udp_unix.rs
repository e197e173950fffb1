//! UDP and Unix sockets through the public API.

use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use weave_executor::LocalExecutor;
use weave_reactor::net::{UdpSocket, UnixDatagram, UnixListener, UnixStream};
use weave_reactor::ReactorDriver;

struct TempPath(std::path::PathBuf);

impl TempPath {
    fn new(tag: &str) -> TempPath {
        let p =
            std::env::temp_dir().join(format!("weave-reactor-{tag}-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&p);
        TempPath(p)
    }
}

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn udp_round_trips_between_two_sockets() {
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    ex.block_on(async {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = server.local_addr().unwrap();
        let echo = ex.spawn(async move {
            let mut buf = [0u8; 1500];
            for _ in 0..1_000 {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                server.send_to(&buf[..n], from).await.unwrap();
            }
        });
        let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        client.connect(addr).await.unwrap();
        let mut buf = [0u8; 1500];
        for i in 0..1_000u32 {
            // Lock-step, so loopback never drops a datagram for lack of buffer space.
            client.send(&i.to_le_bytes()).await.unwrap();
            let n = client.recv(&mut buf).await.unwrap();
            assert_eq!(&buf[..n], i.to_le_bytes());
        }
        echo.await.unwrap();
        assert_eq!(client.peer_addr().unwrap(), addr);
    });
}

#[test]
fn udp_peek_leaves_the_datagram_queued() {
    futures::executor::block_on(async {
        let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let b = UdpSocket::bind("[::1]:0")
            .await
            .or(UdpSocket::bind("127.0.0.1:0").await)
            .unwrap();
        let b_addr = b.local_addr().unwrap();
        let a = if b_addr.is_ipv6() {
            UdpSocket::bind("[::1]:0").await.unwrap()
        } else {
            a
        };
        a.send_to(b"peek", b_addr).await.unwrap();
        let mut buf = [0u8; 8];
        let (n, from) = b.peek_from(&mut buf).await.unwrap();
        assert_eq!((&buf[..n], from), (&b"peek"[..], a.local_addr().unwrap()));
        let (n, _) = b.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"peek");
        a.set_broadcast(true).unwrap();
        assert!(a.broadcast().unwrap() || b_addr.is_ipv6());
    });
}

#[test]
fn unix_streams_through_a_listener() {
    let path = TempPath::new("stream");
    let driver = ReactorDriver::new().unwrap();
    let _guard = driver.handle().enter();
    let ex = LocalExecutor::with_park(driver);
    ex.block_on(async {
        let listener = UnixListener::bind(&path.0).unwrap();
        let server = ex.spawn(async move {
            let mut incoming = listener.incoming();
            for _ in 0..10 {
                let mut s = incoming.next().await.unwrap().unwrap();
                let mut got = Vec::new();
                s.read_to_end(&mut got).await.unwrap();
                s.write_all(&got).await.unwrap();
            }
        });
        for i in 0..10u8 {
            let mut c = UnixStream::connect(&path.0).await.unwrap();
            let msg = vec![i; 100_000];
            // Write everything, half-close, then read it all back.
            c.write_all(&msg).await.unwrap();
            c.close().await.unwrap();
            let mut back = Vec::new();
            c.read_to_end(&mut back).await.unwrap();
            assert_eq!(back, msg);
        }
        server.await.unwrap();
    });
}

#[test]
fn unix_datagrams_by_path_and_pair() {
    let path = TempPath::new("dgram");
    futures::executor::block_on(async {
        let server = UnixDatagram::bind(&path.0).unwrap();
        let client = UnixDatagram::unbound().unwrap();
        client.send_to(b"to a path", &path.0).await.unwrap();
        let mut buf = [0u8; 32];
        let (n, _) = server.recv_from(&mut buf).await.unwrap();
        assert_eq!(&buf[..n], b"to a path");
        let (a, b) = UnixDatagram::pair().unwrap();
        for i in 0..100u8 {
            a.send(&[i; 3]).await.unwrap();
            assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
            assert_eq!(&buf[..3], &[i; 3]);
        }
    });
}
