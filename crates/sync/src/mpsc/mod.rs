//! Multi-producer, single-consumer channels, bounded ([`channel`]) and unbounded
//! ([`unbounded_channel`]).
//!
//! Names and behaviour follow `tokio::sync::mpsc`. The channel closes when every sender is
//! gone (the receiver then drains what is queued and gets `None`) or when the receiver calls
//! `close` or drops (sends fail and return the value in [`SendError`](error::SendError)).
//!
//! ```
//! use weave_sync::mpsc;
//!
//! # futures::executor::block_on(async {
//! let (tx, mut rx) = mpsc::channel(16);
//! let producer = async move {
//!     for i in 0..3 {
//!         tx.send(i).await.unwrap();
//!     }
//! };
//! let consumer = async {
//!     let mut got = Vec::new();
//!     while let Some(v) = rx.recv().await {
//!         got.push(v);
//!     }
//!     got
//! };
//! let ((), got) = futures::join!(producer, consumer);
//! assert_eq!(got, [0, 1, 2]);
//! # });
//! ```
//!
//! # Cancel safety
//!
//! | method | in `select!` |
//! |---|---|
//! | `Receiver::recv`, `recv_many` | safe: a dropped future took nothing |
//! | `Sender::reserve`, `reserve_owned` | safe: place and slot go to the next sender |
//! | `Sender::send` | the place is given back, but the value inside the future is lost |

mod bounded;
mod chan;
pub mod error;
mod unbounded;

pub use bounded::{channel, OwnedPermit, Permit, Receiver, Sender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender};
