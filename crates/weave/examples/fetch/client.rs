//! One HTTP/1.1 GET over a fresh connection, through hyper on Weave's sockets.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::{Request, Uri};
use weave::hyper::{HyperExecutor, HyperIo};
use weave::net::TcpStream;

/// What became of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A 2xx answer with this many body bytes.
    Ok(usize),
    /// A non-2xx answer.
    Status(u16),
    /// The deadline passed first.
    Timeout,
    /// Connecting, sending or reading failed.
    Failed(String),
}

impl Outcome {
    /// The summary row this outcome counts in.
    pub(crate) fn kind(&self) -> String {
        match self {
            Outcome::Ok(_) => "ok".to_owned(),
            Outcome::Status(code) => format!("http {code}"),
            Outcome::Timeout => "timeout".to_owned(),
            Outcome::Failed(_) => "error".to_owned(),
        }
    }
}

pub(crate) async fn get(url: &Uri) -> Outcome {
    match try_get(url).await {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

async fn try_get(url: &Uri) -> Result<Outcome, Box<dyn std::error::Error + Send + Sync>> {
    if url.scheme_str() != Some("http") {
        return Err(format!("{url}: only http:// URLs are supported").into());
    }
    let host = url.host().ok_or("URL without a host")?;
    let port = url.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host, port)).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(HyperIo::new(stream)).await?;
    // The connection drives the socket while `sender` issues the request.
    hyper::rt::Executor::execute(&HyperExecutor, async move {
        let _ = connection.await;
    });
    let authority = url.authority().map(|a| a.as_str()).unwrap_or(host);
    let request = Request::get(url.path_and_query().map_or("/", |p| p.as_str()))
        .header(hyper::header::HOST, authority)
        .body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok(if status.is_success() {
        Outcome::Ok(body.len())
    } else {
        Outcome::Status(status.as_u16())
    })
}
