//! Coordinating tasks: locks, events, semaphores, queues and channels (asyncio's `Lock`,
//! `Event`, `Semaphore`, `Queue`, and futures you set by hand).
//!
//! Re-exported from `weave-sync`; they rely only on wakers, so they also work across
//! runtimes and under any executor.
//!
//! ```
//! use std::sync::Arc;
//! use weave::sync::{mpsc, Mutex};
//!
//! weave::block_on(async {
//!     let total = Arc::new(Mutex::new(0));
//!     let (tx, mut rx) = mpsc::channel(16);
//!     for i in 1..=3 {
//!         let (tx, total) = (tx.clone(), total.clone());
//!         weave::spawn(async move {
//!             *total.lock().await += i;
//!             tx.send(i).await.unwrap();
//!         });
//!     }
//!     drop(tx);
//!     let mut received = 0;
//!     while let Some(_) = rx.recv().await {
//!         received += 1;
//!     }
//!     assert_eq!((received, *total.lock().await), (3, 6));
//! });
//! ```

pub use weave_sync::*;
