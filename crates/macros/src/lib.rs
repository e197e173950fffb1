//! `#[weave::main]` and `#[weave::test]`: run an `async fn` on a Weave runtime.
//!
//! Use them through the `weave` facade (`#[weave::main]`), which re-exports them; this
//! crate only rewrites the function, the runtime is the facade's. The body becomes an
//! `async` block handed to `Runtime::block_on`:
//!
//! ```ignore
//! #[weave::main]
//! async fn main() {
//!     weave::time::sleep(std::time::Duration::from_millis(10)).await;
//!     println!("hello");
//! }
//! // expands to (roughly):
//! fn main() {
//!     weave::runtime::Builder::new_multi_thread()
//!         .build()
//!         .expect("failed to start the Weave runtime")
//!         .block_on(async { /* body */ })
//! }
//! ```
//!
//! Arguments, all optional:
//!
//! | argument | `main` | `test` | meaning |
//! |---|---|---|---|
//! | `flavor = "multi_thread"` | default | | work-stealing pool |
//! | `flavor = "current_thread"` | | default | everything on the calling thread |
//! | `worker_threads = N` | ✓ | ✓ (multi_thread only) | pool size |
//! | `start_paused = true` | ✓ | ✓ (current_thread only) | paused clock with auto-advance |
//! | `crate = "path"` | ✓ | ✓ | where the facade is, if renamed |
//!
//! Mistakes (a missing `async`, arguments to `main`, an unknown option, `worker_threads` on a
//! current-thread runtime) are compile errors that say what to change.
//!
//! ## Not here
//! - The runtime itself: `weave::runtime`.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod args;
mod expand;

use proc_macro::TokenStream;

/// Runs `async fn main` on a Weave runtime (multi-thread unless told otherwise).
///
/// See the crate docs for the arguments; use it as `#[weave::main]`.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into(), expand::Kind::Main).into()
}

/// Runs an `async fn` test on a fresh Weave runtime (current-thread unless told otherwise).
///
/// See the crate docs for the arguments; use it as `#[weave::test]`.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::expand(args.into(), item.into(), expand::Kind::Test).into()
}
