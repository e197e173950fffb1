//! smol's primitives: the crates smol is made of (async-channel, async-lock, async-io's
//! `Timer` and sockets through `smol::net`), and `futures::future::join_all`.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use smol::net::{TcpListener, TcpStream};

use super::{Primitives, ECHO_BUFFER};
use crate::runtimes::Runtime;

/// smol's primitives (for `smol_mt` and `smol_ct`).
#[derive(Debug)]
pub struct Smol;

impl Primitives for Smol {
    type BoundedSender = async_channel::Sender<u64>;
    type BoundedReceiver = async_channel::Receiver<u64>;
    type UnboundedSender = async_channel::Sender<u64>;
    type UnboundedReceiver = async_channel::Receiver<u64>;
    type OneshotSender = async_channel::Sender<()>;
    type OneshotReceiver = async_channel::Receiver<()>;
    type Mutex = async_lock::Mutex<u64>;
    type Semaphore = async_lock::Semaphore;
    type Listener = TcpListener;

    fn bounded(capacity: usize) -> (Self::BoundedSender, Self::BoundedReceiver) {
        async_channel::bounded(capacity)
    }

    async fn send(sender: &Self::BoundedSender, value: u64) {
        sender.send(value).await.expect("receiver gone");
    }

    async fn recv(receiver: &mut Self::BoundedReceiver) -> Option<u64> {
        receiver.recv().await.ok()
    }

    fn unbounded() -> (Self::UnboundedSender, Self::UnboundedReceiver) {
        async_channel::unbounded()
    }

    fn send_unbounded(sender: &Self::UnboundedSender, value: u64) {
        sender.try_send(value).expect("receiver gone");
    }

    async fn recv_unbounded(receiver: &mut Self::UnboundedReceiver) -> Option<u64> {
        receiver.recv().await.ok()
    }

    fn oneshot() -> (Self::OneshotSender, Self::OneshotReceiver) {
        async_channel::bounded(1)
    }

    fn fire(sender: Self::OneshotSender) {
        sender.try_send(()).expect("receiver gone");
    }

    async fn fired(receiver: Self::OneshotReceiver) {
        receiver.recv().await.expect("sender gone");
    }

    fn mutex() -> Self::Mutex {
        async_lock::Mutex::new(0)
    }

    async fn increment(mutex: &Self::Mutex) {
        *mutex.lock().await += 1;
    }

    async fn value(mutex: &Self::Mutex) -> u64 {
        *mutex.lock().await
    }

    fn semaphore(permits: usize) -> Self::Semaphore {
        async_lock::Semaphore::new(permits)
    }

    async fn acquire_release(semaphore: &Self::Semaphore) {
        drop(semaphore.acquire().await);
    }

    async fn sleep(duration: Duration) {
        async_io::Timer::after(duration).await;
    }

    fn timeout<F>(duration: Duration, future: F) -> impl Future<Output = Option<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        futures_lite::future::or(async { Some(future.await) }, async move {
            async_io::Timer::after(duration).await;
            None
        })
    }

    fn join_all<F>(futures: Vec<F>) -> impl Future<Output = Vec<F::Output>> + Send
    where
        F: Future + Send,
        F::Output: Send,
    {
        futures::future::join_all(futures)
    }

    async fn join_set<R: Runtime<Primitives = Self>>(tasks: usize) {
        let set: Vec<_> = (0..tasks).map(|_| R::spawn(async {})).collect();
        for task in set {
            task.await;
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
