//! The demo's local HTTP/1.1 server: hyper on a Weave `TcpListener`, one task per
//! connection, each response delayed like a remote server would be.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, Uri};
use weave::hyper::HyperIo;
use weave::net::TcpListener;
use weave::task::JoinHandle;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Config {
    /// How long every answer waits.
    pub(crate) latency: Duration,
    /// How long the deliberately slow URLs wait.
    pub(crate) slow: Duration,
}

/// The running server; stops when dropped.
pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    accept_loop: JoinHandle<()>,
}

impl Server {
    /// `count` URLs: `/item/N`, with every 20th `/fail/N` and every 50th `/slow/N`.
    pub(crate) fn urls(&self, count: usize) -> Vec<Uri> {
        (1..=count)
            .map(|n| {
                let path = if n % 50 == 0 {
                    "slow"
                } else if n % 20 == 0 {
                    "fail"
                } else {
                    "item"
                };
                format!("http://{}/{path}/{n}", self.addr)
                    .parse()
                    .expect("a valid URL")
            })
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

pub(crate) async fn start(config: Config) -> std::io::Result<Server> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let accept_loop = weave::spawn(async move {
        loop {
            let Ok((stream, _peer)) = listener.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            weave::spawn(async move {
                let service = service_fn(move |request| answer(request, config));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(HyperIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok(Server { addr, accept_loop })
}

async fn answer(
    request: Request<hyper::body::Incoming>,
    config: Config,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path();
    let (delay, status) = if path.starts_with("/slow/") {
        (config.slow, StatusCode::OK)
    } else if path.starts_with("/fail/") {
        (config.latency, StatusCode::INTERNAL_SERVER_ERROR)
    } else {
        (config.latency, StatusCode::OK)
    };
    weave::time::sleep(delay).await;
    let body = Bytes::from(format!(
        "{path}: {}\n",
        status.canonical_reason().unwrap_or("")
    ));
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    Ok(response)
}
