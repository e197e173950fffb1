//! Weave's primitives: `weave::sync`, `weave::time`, `weave::future`, `weave::task`, `weave::net`.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use weave::io::{AsyncReadExt, AsyncWriteExt};
use weave::net::{TcpListener, TcpStream};
use weave::sync::{mpsc, oneshot};

use super::{Primitives, ECHO_BUFFER};
use crate::runtimes::Runtime;

/// Weave's own primitives (for `weave_mt` and `weave_ct`).
#[derive(Debug)]
pub struct Weave;

impl Primitives for Weave {
    type BoundedSender = mpsc::Sender<u64>;
    type BoundedReceiver = mpsc::Receiver<u64>;
    type UnboundedSender = mpsc::UnboundedSender<u64>;
    type UnboundedReceiver = mpsc::UnboundedReceiver<u64>;
    type OneshotSender = oneshot::Sender<()>;
    type OneshotReceiver = oneshot::Receiver<()>;
    type Mutex = weave::sync::Mutex<u64>;
    type Semaphore = weave::sync::Semaphore;
    type Listener = TcpListener;

    fn bounded(capacity: usize) -> (Self::BoundedSender, Self::BoundedReceiver) {
        mpsc::channel(capacity)
    }

    async fn send(sender: &Self::BoundedSender, value: u64) {
        sender.send(value).await.expect("receiver gone");
    }

    async fn recv(receiver: &mut Self::BoundedReceiver) -> Option<u64> {
        receiver.recv().await
    }

    fn unbounded() -> (Self::UnboundedSender, Self::UnboundedReceiver) {
        mpsc::unbounded_channel()
    }

    fn send_unbounded(sender: &Self::UnboundedSender, value: u64) {
        sender.send(value).expect("receiver gone");
    }

    async fn recv_unbounded(receiver: &mut Self::UnboundedReceiver) -> Option<u64> {
        receiver.recv().await
    }

    fn oneshot() -> (Self::OneshotSender, Self::OneshotReceiver) {
        oneshot::channel()
    }

    fn fire(sender: Self::OneshotSender) {
        sender.send(()).expect("receiver gone");
    }

    async fn fired(receiver: Self::OneshotReceiver) {
        receiver.await.expect("sender gone");
    }

    fn mutex() -> Self::Mutex {
        weave::sync::Mutex::new(0)
    }

    async fn increment(mutex: &Self::Mutex) {
        *mutex.lock().await += 1;
    }

    async fn value(mutex: &Self::Mutex) -> u64 {
        *mutex.lock().await
    }

    fn semaphore(permits: usize) -> Self::Semaphore {
        weave::sync::Semaphore::new(permits)
    }

    async fn acquire_release(semaphore: &Self::Semaphore) {
        drop(semaphore.acquire().await.expect("semaphore closed"));
    }

    async fn sleep(duration: Duration) {
        weave::time::sleep(duration).await;
    }

    async fn timeout<F>(duration: Duration, future: F) -> Option<F::Output>
    where
        F: Future + Send,
        F::Output: Send,
    {
        weave::time::timeout(duration, future).await.ok()
    }

    fn join_all<F>(futures: Vec<F>) -> impl Future<Output = Vec<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        weave::future::join_all(futures)
    }

    async fn join_set<R: Runtime<Primitives = Self>>(tasks: usize) {
        let mut set = weave::task::JoinSet::new();
        for _ in 0..tasks {
            set.spawn(async {});
        }
        while let Some(joined) = set.join_next().await {
            joined.expect("benchmark task failed");
        }
    }

    async fn bind() -> (Self::Listener, SocketAddr) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local_addr");
        (listener, addr)
    }

    async fn serve_echo<R: Runtime<Primitives = Self>>(listener: TcpListener, connections: usize) {
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).expect("nodelay");
            R::spawn_detached(async move {
                let mut buffer = vec![0; ECHO_BUFFER];
                loop {
                    let read = stream.read(&mut buffer).await.expect("echo read");
                    if read == 0 {
                        return;
                    }
                    stream.write_all(&buffer[..read]).await.expect("echo write");
                }
            });
        }
    }

    async fn echo_client(addr: SocketAddr, round_trips: usize, size: usize) {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let message = vec![7; size];
        let mut buffer = vec![0; size];
        for _ in 0..round_trips {
            stream.write_all(&message).await.expect("client write");
            stream.read_exact(&mut buffer).await.expect("client read");
        }
    }
}
