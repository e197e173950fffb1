//! Deliberate panics: keep them out of the test output, and read their messages.

use std::any::Any;
use std::panic;
use std::sync::{Mutex, Once};

/// How the messages of panics a test provokes on purpose begin.
static EXPECTED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// Silences panics whose message starts with one of `prefixes`, for the rest of the test
/// binary; every other panic is still reported by the default hook.
///
/// Prefixes, not substrings: a failed assertion often quotes the deliberate panic's
/// message (`"unexpected: {message}"`), and must not be silenced with it. So start such
/// assertion messages with words of their own.
///
/// ```
/// weave_tests::expect_panics_starting_with(&["on purpose"]);
/// let result = std::panic::catch_unwind(|| panic!("on purpose: 1")); // prints nothing
/// assert!(result.is_err());
/// ```
pub fn expect_panics_starting_with(prefixes: &[&'static str]) {
    static INSTALL: Once = Once::new();
    EXPECTED.lock().unwrap().extend_from_slice(prefixes);
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = panic_message(info.payload());
            let expected = EXPECTED
                .lock()
                .map(|prefixes| prefixes.iter().any(|p| message.starts_with(p)))
                .unwrap_or(false);
            if !expected {
                default(info);
            }
        }));
    });
}

/// The message of a panic payload (`panic!` with a literal or with format arguments), or
/// `""` for any other payload type.
///
/// ```
/// let payload = std::panic::catch_unwind(|| panic!("code {}", 7)).unwrap_err();
/// assert_eq!(weave_tests::panic_message(&*payload), "code 7");
/// ```
pub fn panic_message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("")
}
