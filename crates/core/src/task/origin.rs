//! `Origin`: where a task was spawned and, if it has one, its name, in one word.
//!
//! Every task records its spawn location (for task dumps and `Debug`); few have a name. An
//! unnamed task stores the `&'static Location` itself; a named one points to a boxed
//! [`Named`] holding both. The pointer's lowest bit tells them apart: both pointees are
//! 8-byte aligned, so the bit is free. One word instead of two keeps a trivial task's
//! allocation in the 112-byte size class (see `raw::tests`).

use std::panic::Location;
use std::ptr::NonNull;

/// Set in the address of a pointer to a [`Named`].
const NAMED: usize = 1;

/// A named task's origin, boxed.
struct Named {
    name: Box<str>,
    location: &'static Location<'static>,
}

/// The spawn location and optional name of a task (see the module docs).
pub(crate) struct Origin(NonNull<()>);

// SAFETY: an `Origin` is either a shared `&'static Location` or an owned `Box<Named>`; both
// are `Send` and `Sync`, and `Origin` only hands out shared references to them.
unsafe impl Send for Origin {}
// SAFETY: as for `Send`.
unsafe impl Sync for Origin {}

impl Origin {
    pub(crate) fn new(location: &'static Location<'static>, name: Option<Box<str>>) -> Origin {
        // Both pointees need the tag bit free.
        const _: () = assert!(align_of::<Location<'static>>() > NAMED);
        const _: () = assert!(align_of::<Named>() > NAMED);
        match name {
            None => Origin(NonNull::from(location).cast()),
            Some(name) => {
                let named = NonNull::from(Box::leak(Box::new(Named { name, location })));
                Origin(named.cast::<()>().map_addr(|addr| addr | NAMED))
            }
        }
    }

    fn named(&self) -> Option<&Named> {
        if self.0.addr().get() & NAMED == 0 {
            return None;
        }
        let named = self
            .0
            .as_ptr()
            .map_addr(|addr| addr & !NAMED)
            .cast::<Named>();
        // SAFETY: a tagged pointer came from `Box::leak` in `new` (the untagged address
        // keeps its provenance) and is freed only by `drop`, which needs `&mut self`.
        Some(unsafe { &*named })
    }

    pub(crate) fn location(&self) -> &'static Location<'static> {
        match self.named() {
            Some(named) => named.location,
            // SAFETY: an untagged pointer is the `&'static Location` given to `new`.
            None => unsafe { self.0.cast::<Location<'static>>().as_ref() },
        }
    }

    pub(crate) fn name(&self) -> Option<&str> {
        self.named().map(|named| &*named.name)
    }
}

impl Drop for Origin {
    fn drop(&mut self) {
        if self.0.addr().get() & NAMED != 0 {
            let named = self
                .0
                .as_ptr()
                .map_addr(|addr| addr & !NAMED)
                .cast::<Named>();
            // SAFETY: a tagged pointer owns the box leaked in `new`; this is its only drop.
            drop(unsafe { Box::from_raw(named) });
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn an_unnamed_origin_keeps_its_location() {
        let here = Location::caller();
        let origin = Origin::new(here, None);
        assert!(std::ptr::eq(origin.location(), here));
        assert_eq!(origin.name(), None);
    }

    #[test]
    fn a_named_origin_keeps_both_and_frees_the_name() {
        let here = Location::caller();
        let origin = Origin::new(here, Some("worker".into()));
        assert!(std::ptr::eq(origin.location(), here));
        assert_eq!(origin.name(), Some("worker"));
        drop(origin); // miri checks the box is freed exactly once
    }

    #[test]
    fn an_origin_is_one_word() {
        assert_eq!(size_of::<Origin>(), size_of::<usize>());
    }
}
