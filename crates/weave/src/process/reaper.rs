//! Reaping children whose `Child` was dropped before they exited, so none stays a zombie.
//!
//! One thread, started on first use, sleeps on its own SIGCHLD pipe and tries every
//! adopted child after each delivery. It needs no runtime: a child may outlive the runtime
//! that started it.

use std::io::Read;
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, OnceLock};

static ORPHANS: Mutex<Vec<std::process::Child>> = Mutex::new(Vec::new());
static REAPER: OnceLock<()> = OnceLock::new();

/// Takes `child` over: it is reaped as soon as it exits.
pub(super) fn adopt(mut child: std::process::Child) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    REAPER.get_or_init(start);
    ORPHANS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(child);
    // It may have exited between the check above and the push, its SIGCHLD already
    // consumed by the reaper's previous sweep: sweep once more.
    sweep();
}

fn sweep() {
    ORPHANS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain_mut(|child| matches!(child.try_wait(), Ok(None)));
}

fn start() {
    let pipe = UnixStream::pair().and_then(|(mut reader, writer)| {
        // A full buffer drops the byte instead of blocking the signal handler; the
        // sweep after any byte reaps every exited child anyway.
        writer.set_nonblocking(true)?;
        signal_hook::low_level::pipe::register(signal_hook::consts::SIGCHLD, writer)?;
        std::thread::Builder::new()
            .name("weave-reaper".to_owned())
            .spawn(move || {
                let mut bytes = [0u8; 64];
                // Blocking reads: the thread sleeps until a SIGCHLD arrives.
                while reader.read(&mut bytes).is_ok() {
                    sweep();
                }
            })
    });
    if let Err(e) = pipe {
        // Without the reaper, dropped children stay zombies until this process exits:
        // a leak, not a crash, so say so and go on.
        eprintln!("weave::process: cannot start the child reaper ({e}); dropped children will not be reaped");
    }
}
