//! Address resolution off the reactor: literal addresses are parsed in place, host names
//! are resolved by `getaddrinfo` on the blocking pool (it blocks, sometimes for seconds).

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{Context, Poll};

use weave_core::JoinHandle;

/// Something that names one or more socket addresses: a `SocketAddr`, `(IpAddr, u16)`,
/// `"host:port"`, `("host", port)`, or a slice of addresses.
///
/// Like `std::net::ToSocketAddrs`, but resolving a host name does not block the caller:
/// it runs on the blocking pool. The trait is sealed; its method is an implementation
/// detail.
///
/// ```
/// # futures::executor::block_on(async {
/// let addrs: Vec<_> = weave_reactor::net::lookup_host(("127.0.0.1", 80)).await?.collect();
/// assert_eq!(addrs, ["127.0.0.1:80".parse().unwrap()]);
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub trait ToSocketAddrs: sealed::Sealed {}

mod sealed {
    pub trait Sealed {
        #[doc(hidden)]
        fn to_addrs(&self) -> super::Resolve;
    }
}

/// A resolution in progress: ready at once for literals, on the blocking pool otherwise.
#[doc(hidden)]
#[derive(Debug)]
pub enum Resolve {
    Ready(Option<io::Result<Vec<SocketAddr>>>),
    Blocking(JoinHandle<io::Result<Vec<SocketAddr>>>),
}

impl Future for Resolve {
    type Output = io::Result<Vec<SocketAddr>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut *self {
            Resolve::Ready(result) => {
                Poll::Ready(result.take().expect("Resolve polled after completion"))
            }
            Resolve::Blocking(handle) => Pin::new(handle).poll(cx).map(|joined| match joined {
                Ok(result) => result,
                Err(e) => Err(io::Error::other(format!(
                    "name resolution did not complete: {e}"
                ))),
            }),
        }
    }
}

fn ready(addrs: Vec<SocketAddr>) -> Resolve {
    Resolve::Ready(Some(Ok(addrs)))
}

fn resolve_blocking(host: String, port: Option<u16>) -> Resolve {
    Resolve::Blocking(weave_blocking::spawn_blocking(move || {
        let addrs = match port {
            Some(port) => std::net::ToSocketAddrs::to_socket_addrs(&(host.as_str(), port))?,
            None => std::net::ToSocketAddrs::to_socket_addrs(&host)?,
        };
        Ok(addrs.collect())
    }))
}

macro_rules! literal {
    ($($ty:ty),*) => {$(
        impl ToSocketAddrs for $ty {}
        impl sealed::Sealed for $ty {
            fn to_addrs(&self) -> Resolve {
                ready(std::net::ToSocketAddrs::to_socket_addrs(self).map(Iterator::collect).unwrap_or_default())
            }
        }
    )*};
}

literal!(
    SocketAddr,
    SocketAddrV4,
    SocketAddrV6,
    (IpAddr, u16),
    (Ipv4Addr, u16),
    (Ipv6Addr, u16)
);

impl ToSocketAddrs for str {}
impl sealed::Sealed for str {
    fn to_addrs(&self) -> Resolve {
        match self.parse::<SocketAddr>() {
            Ok(addr) => ready(vec![addr]),
            Err(_) => resolve_blocking(self.to_owned(), None),
        }
    }
}

impl ToSocketAddrs for String {}
impl sealed::Sealed for String {
    fn to_addrs(&self) -> Resolve {
        self.as_str().to_addrs()
    }
}

impl ToSocketAddrs for (&str, u16) {}
impl sealed::Sealed for (&str, u16) {
    fn to_addrs(&self) -> Resolve {
        match self.0.parse::<IpAddr>() {
            Ok(ip) => ready(vec![SocketAddr::new(ip, self.1)]),
            Err(_) => resolve_blocking(self.0.to_owned(), Some(self.1)),
        }
    }
}

impl ToSocketAddrs for (String, u16) {}
impl sealed::Sealed for (String, u16) {
    fn to_addrs(&self) -> Resolve {
        (self.0.as_str(), self.1).to_addrs()
    }
}

impl ToSocketAddrs for [SocketAddr] {}
impl sealed::Sealed for [SocketAddr] {
    fn to_addrs(&self) -> Resolve {
        ready(self.to_vec())
    }
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}
impl<T: ToSocketAddrs + ?Sized> sealed::Sealed for &T {
    fn to_addrs(&self) -> Resolve {
        (**self).to_addrs()
    }
}

/// Resolves `addr` to socket addresses, on the blocking pool if a host name needs it.
///
/// ```
/// # futures::executor::block_on(async {
/// let mut addrs = weave_reactor::net::lookup_host("localhost:8080").await?;
/// assert!(addrs.all(|a| a.ip().is_loopback() && a.port() == 8080));
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
pub async fn lookup_host(addr: impl ToSocketAddrs) -> io::Result<impl Iterator<Item = SocketAddr>> {
    Ok(resolve(&addr).await?.into_iter())
}

pub(crate) fn resolve<A: ToSocketAddrs + ?Sized>(addr: &A) -> Resolve {
    sealed::Sealed::to_addrs(addr)
}

/// Tries `op` on each address in turn; the last error if none works.
pub(crate) async fn each_addr<A, T, F, Fut>(addr: A, mut op: F) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: FnMut(SocketAddr) -> Fut,
    Fut: Future<Output = io::Result<T>>,
{
    let addrs = resolve(&addr).await?;
    let mut last = None;
    for addr in addrs {
        match op(addr).await {
            Ok(v) => return Ok(v),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "could not resolve to any address",
        )
    }))
}
