//! `OpenOptions`: std's builder, with `open` on the blocking pool.

use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use super::{asyncify, File};

/// How to open a file (std's `OpenOptions`, opened on the blocking pool).
///
/// ```
/// use futures::AsyncWriteExt;
/// use weave_blocking::fs::OpenOptions;
///
/// # futures::executor::block_on(async {
/// let p = std::env::temp_dir().join(format!("weave-oo-{}", std::process::id()));
/// let mut f = OpenOptions::new().create(true).append(true).open(&p).await?;
/// f.write_all(b"line\n").await?;
/// f.flush().await?;
/// # weave_blocking::fs::remove_file(&p).await?;
/// # std::io::Result::Ok(()) }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions::new()
    }
}

impl OpenOptions {
    /// All options off.
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Open for reading.
    pub fn read(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.read(yes);
        self
    }

    /// Open for writing.
    pub fn write(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.write(yes);
        self
    }

    /// Open for appending (implies write).
    pub fn append(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.append(yes);
        self
    }

    /// Truncate to zero length when opening.
    pub fn truncate(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.truncate(yes);
        self
    }

    /// Create the file if it does not exist.
    pub fn create(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.create(yes);
        self
    }

    /// Create the file, failing with `AlreadyExists` if it exists.
    pub fn create_new(&mut self, yes: bool) -> &mut OpenOptions {
        self.0.create_new(yes);
        self
    }

    /// The Unix permission bits a newly created file gets (before the umask).
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        self.0.mode(mode);
        self
    }

    /// Extra `open(2)` flags.
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        self.0.custom_flags(flags);
        self
    }

    /// Opens `path` with these options.
    ///
    /// ```
    /// # futures::executor::block_on(async {
    /// let p = std::env::current_exe()?;
    /// let err = weave_blocking::fs::OpenOptions::new().write(true).create_new(true).open(&p).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    /// # std::io::Result::Ok(()) }).unwrap();
    /// ```
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let (options, path) = (self.0.clone(), path.as_ref().to_owned());
        asyncify(move || options.open(path))
            .await
            .map(File::from_std)
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}
