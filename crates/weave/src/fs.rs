//! Files and directories (asyncio users reach for `aiofiles` or `to_thread`): every
//! operation runs on the runtime's blocking pool, because operating systems offer no
//! portable readiness for regular files.
//!
//! ```
//! weave::block_on(async {
//!     let dir = std::env::temp_dir().join(format!("weave-fs-doc-{}", std::process::id()));
//!     weave::fs::create_dir_all(&dir).await?;
//!     let path = dir.join("greeting.txt");
//!     weave::fs::write(&path, "hello").await?;
//!     assert_eq!(weave::fs::read_to_string(&path).await?, "hello");
//!     assert_eq!(weave::fs::metadata(&path).await?.len(), 5);
//!     weave::fs::remove_dir_all(&dir).await
//! })
//! .unwrap();
//! ```

pub use weave_blocking::fs::*;
