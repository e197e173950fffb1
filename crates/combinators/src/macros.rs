//! `join!`, `try_join!` and `select!`, as declarative macros.
//!
//! Each macro gives every branch a name from a fixed list (`_0` .. `_63`), munching the list
//! alongside the branches, since `macro_rules!` cannot make identifiers. That list also
//! bounds a macro to 64 branches (`select!` keeps its disabled branches in a `u64`).
//!
//! `select!` must know whether a finished branch's output matches its pattern *before* it
//! gives up on the other branches, without moving the output. It checks the pattern against
//! a reference to the output, with `mut` and `ref` stripped (`__select_clean!`), then matches
//! the moved output with the pattern as written outside the polling closure, so handlers can
//! `return`, `break`, `continue`, `?` and `.await` as if written in place. tokio's `select!`
//! does the same check with a proc-macro helper; here a token muncher with an explicit stack
//! does it.

/// Waits for every future and returns a tuple of their outputs, in argument order.
///
/// The futures run concurrently on the calling task (no spawning); each wake polls the
/// branches that are not finished yet. Must be used inside an `async` context.
///
/// ```
/// use weave_combinators::join;
///
/// futures::executor::block_on(async {
///     let (a, b, c) = join!(async { 1 }, async { "two" }, std::future::ready(3.0));
///     assert_eq!((a, b, c), (1, "two", 3.0));
/// });
/// ```
#[macro_export]
macro_rules! join {
    ($($future:expr),+ $(,)?) => {
        $crate::__join_impl!(@munch [_0 _1 _2 _3 _4 _5 _6 _7 _8 _9 _10 _11 _12 _13 _14 _15 _16 _17 _18 _19 _20 _21 _22 _23 _24 _25 _26 _27 _28 _29 _30 _31 _32 _33 _34 _35 _36 _37 _38 _39 _40 _41 _42 _43 _44 _45 _46 _47 _48 _49 _50 _51 _52 _53 _54 _55 _56 _57 _58 _59 _60 _61 _62 _63] [] $($future,)+)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __join_impl {
    (@munch [$($unused:ident)*] [$(($name:ident $future:expr))+]) => {{
        $(
            let mut $name = ::core::pin::pin!($crate::__private::MaybeDone::new(
                ::core::future::IntoFuture::into_future($future),
            ));
        )+
        ::core::future::poll_fn(|cx| {
            let mut all_done = true;
            $( all_done &= $name.as_mut().poll_done(cx); )+
            if !all_done {
                return ::core::task::Poll::Pending;
            }
            ::core::task::Poll::Ready(($(
                $name.as_mut().take_output().expect("join!: output taken once"),
            )+))
        })
        .await
    }};
    (@munch [$name:ident $($names:ident)*] [$($done:tt)*] $future:expr, $($rest:tt)*) => {
        $crate::__join_impl!(@munch [$($names)*] [$($done)* ($name $future)] $($rest)*)
    };
}

/// Waits for every future of `Result` output: `Ok` with a tuple of the values in argument
/// order, or the first `Err` to happen, at which point the other futures are dropped.
///
/// All futures must share the error type.
///
/// ```
/// use weave_combinators::try_join;
///
/// futures::executor::block_on(async {
///     let ok: Result<(u8, &str), ()> = try_join!(async { Ok(1) }, async { Ok("x") });
///     assert_eq!(ok, Ok((1, "x")));
///
///     let failed: Result<(u8, u8), &str> =
///         try_join!(async { Err("boom") }, std::future::pending::<Result<u8, &str>>());
///     assert_eq!(failed, Err("boom"));
/// });
/// ```
#[macro_export]
macro_rules! try_join {
    ($($future:expr),+ $(,)?) => {
        $crate::__try_join_impl!(@munch [_0 _1 _2 _3 _4 _5 _6 _7 _8 _9 _10 _11 _12 _13 _14 _15 _16 _17 _18 _19 _20 _21 _22 _23 _24 _25 _26 _27 _28 _29 _30 _31 _32 _33 _34 _35 _36 _37 _38 _39 _40 _41 _42 _43 _44 _45 _46 _47 _48 _49 _50 _51 _52 _53 _54 _55 _56 _57 _58 _59 _60 _61 _62 _63] [] $($future,)+)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __try_join_impl {
    (@munch [$($unused:ident)*] [$(($name:ident $future:expr))+]) => {{
        $(
            let mut $name = ::core::pin::pin!($crate::__private::MaybeDone::new(
                ::core::future::IntoFuture::into_future($future),
            ));
        )+
        ::core::future::poll_fn(|cx| {
            let mut all_done = true;
            $(
                if $name.as_mut().poll_done(cx) {
                    if $crate::__private::is_err($name.as_mut().output_mut()) {
                        return ::core::task::Poll::Ready(::core::result::Result::Err(
                            $crate::__private::unwrap_err($name.as_mut().take_output()),
                        ));
                    }
                } else {
                    all_done = false;
                }
            )+
            if !all_done {
                return ::core::task::Poll::Pending;
            }
            ::core::task::Poll::Ready(::core::result::Result::Ok(($(
                $crate::__private::unwrap_ok($name.as_mut().take_output()),
            )+)))
        })
        .await
    }};
    (@munch [$name:ident $($names:ident)*] [$($done:tt)*] $future:expr, $($rest:tt)*) => {
        $crate::__try_join_impl!(@munch [$($names)*] [$($done)* ($name $future)] $($rest)*)
    };
}

/// Waits on several futures at once and runs the handler of the first to finish; the
/// others are dropped (cancelled).
///
/// ```text
/// select! {
///     biased;                                   // optional: poll in written order
///     <pattern> = <future>, if <condition> => <handler>,
///     <pattern> = <future> => <handler>,
///     else => <handler>,                        // optional: runs when every branch is disabled
/// }
/// ```
///
/// - Every future expression is evaluated (in order) before anything is polled. A branch
///   whose `if` condition is false is disabled: its future is never polled.
/// - Branches are polled starting from a random one on every poll, so none is favoured
///   when several are ready; `biased;` polls them in written order instead.
/// - A branch whose output does not match its pattern becomes disabled and the others keep
///   running. When every branch is disabled the `else` handler runs; without an `else` the
///   macro panics.
/// - Handlers run in the enclosing function, so `return`, `?`, `break` and `.await` in them
///   act there.
///
/// ```
/// use weave_combinators::select;
///
/// futures::executor::block_on(async {
///     let (tx, rx) = futures::channel::oneshot::channel::<u32>();
///     tx.send(7).unwrap();
///     let value = select! {
///         Ok(v) = rx => v,
///         _ = std::future::pending::<()>() => unreachable!(),
///     };
///     assert_eq!(value, 7);
///
///     let mut rounds = 0;
///     loop {
///         select! {
///             biased;
///             _ = std::future::ready(()), if rounds < 3 => rounds += 1,
///             else => break,
///         }
///     }
///     assert_eq!(rounds, 3);
/// });
/// ```
#[macro_export]
macro_rules! select {
    (biased; $($tokens:tt)*) => {
        $crate::__select_impl!(@parse [true] [_0 _1 _2 _3 _4 _5 _6 _7 _8 _9 _10 _11 _12 _13 _14 _15 _16 _17 _18 _19 _20 _21 _22 _23 _24 _25 _26 _27 _28 _29 _30 _31 _32 _33 _34 _35 _36 _37 _38 _39 _40 _41 _42 _43 _44 _45 _46 _47 _48 _49 _50 _51 _52 _53 _54 _55 _56 _57 _58 _59 _60 _61 _62 _63] [] [] $($tokens)*)
    };
    ($($tokens:tt)*) => {
        $crate::__select_impl!(@parse [false] [_0 _1 _2 _3 _4 _5 _6 _7 _8 _9 _10 _11 _12 _13 _14 _15 _16 _17 _18 _19 _20 _21 _22 _23 _24 _25 _26 _27 _28 _29 _30 _31 _32 _33 _34 _35 _36 _37 _38 _39 _40 _41 _42 _43 _44 _45 _46 _47 _48 _49 _50 _51 _52 _53 _54 _55 _56 _57 _58 _59 _60 _61 _62 _63] [] [] $($tokens)*)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __select_impl {
    // All branches read.
    (@parse $biased:tt $names:tt $branches:tt $else:tt) => {
        $crate::__select_impl!(@emit $biased $branches $else)
    };
    // The `else` branch.
    (@parse $biased:tt $names:tt $branches:tt [] else => $handler:block $(,)? $($rest:tt)*) => {
        $crate::__select_impl!(@parse $biased $names $branches [$handler] $($rest)*)
    };
    (@parse $biased:tt $names:tt $branches:tt [] else => $handler:expr $(, $($rest:tt)*)?) => {
        $crate::__select_impl!(@parse $biased $names $branches [$handler] $($($rest)*)?)
    };
    // A branch: collect its pattern, token by token, up to the `=`.
    (@parse $biased:tt $names:tt $branches:tt $else:tt $($rest:tt)+) => {
        $crate::__select_impl!(@pattern $biased $names $branches $else [] $($rest)+)
    };
    (@pattern $biased:tt $names:tt $branches:tt $else:tt [$($pattern:tt)+] = $($rest:tt)+) => {
        $crate::__select_impl!(@future $biased $names $branches $else [$($pattern)+] $($rest)+)
    };
    (@pattern $biased:tt $names:tt $branches:tt $else:tt [$($pattern:tt)*] $token:tt $($rest:tt)*) => {
        $crate::__select_impl!(@pattern $biased $names $branches $else [$($pattern)* $token] $($rest)*)
    };
    // Its future and optional condition.
    (@future $biased:tt $names:tt $branches:tt $else:tt $pattern:tt $future:expr, if $condition:expr => $($rest:tt)+) => {
        $crate::__select_impl!(@handler $biased $names $branches $else $pattern [$future] [$condition] $($rest)+)
    };
    (@future $biased:tt $names:tt $branches:tt $else:tt $pattern:tt $future:expr => $($rest:tt)+) => {
        $crate::__select_impl!(@handler $biased $names $branches $else $pattern [$future] [true] $($rest)+)
    };
    // Its handler: a block (comma optional) or an expression (comma before the next branch).
    (@handler $biased:tt [$name:ident $($names:ident)*] [$($branches:tt)*] $else:tt $pattern:tt $future:tt $condition:tt $handler:block $(,)? $($rest:tt)*) => {
        $crate::__select_impl!(@parse $biased [$($names)*] [$($branches)* ($name $pattern $future $condition $handler)] $else $($rest)*)
    };
    (@handler $biased:tt [$name:ident $($names:ident)*] [$($branches:tt)*] $else:tt $pattern:tt $future:tt $condition:tt $handler:expr $(, $($rest:tt)*)?) => {
        $crate::__select_impl!(@parse $biased [$($names)*] [$($branches)* ($name $pattern $future $condition $handler)] $else $($($rest)*)?)
    };
    (@handler $biased:tt [] $($rest:tt)*) => {
        ::core::compile_error!("select!: at most 64 branches")
    };

    (@else) => {
        ::core::panic!("select!: every branch is disabled and there is no `else` branch")
    };
    (@else $handler:tt) => {
        $handler
    };

    (@emit [$biased:expr] [$(($name:ident [$($pattern:tt)+] [$future:expr] [$condition:expr] $handler:tt))+] [$($else:tt)?]) => {{
        #[allow(non_camel_case_types, dead_code)]
        enum __Branch { $($name,)+ }
        #[allow(non_camel_case_types)]
        enum __Out<$($name,)+> { $($name($name),)+ Disabled }
        const __COUNT: u32 = [$(__Branch::$name as u32),+].len() as u32;
        const __ALL: u64 = (!0u64) >> (64 - __COUNT);

        let mut __disabled: u64 = 0;
        $(
            let mut $name = ::core::pin::pin!(::core::future::IntoFuture::into_future($future));
            if !$condition {
                __disabled |= 1u64 << (__Branch::$name as u32);
            }
        )+
        let __out = ::core::future::poll_fn(|cx| {
            let start = if $biased { 0 } else { $crate::__private::random_below(__COUNT) };
            for k in 0..__COUNT {
                let mut branch = start + k;
                if branch >= __COUNT {
                    branch -= __COUNT;
                }
                let bit = 1u64 << branch;
                if __disabled & bit != 0 {
                    continue;
                }
                $(
                    if branch == __Branch::$name as u32 {
                        if let ::core::task::Poll::Ready(out) =
                            ::core::future::Future::poll($name.as_mut(), cx)
                        {
                            #[allow(unused_variables, unreachable_patterns)]
                            match &out {
                                $crate::__select_clean!(@ [] [] $($pattern)+) => {}
                                _ => {
                                    // Wrong shape: this branch is out, the others go on.
                                    __disabled |= bit;
                                    continue;
                                }
                            }
                            return ::core::task::Poll::Ready(__Out::$name(out));
                        }
                        continue;
                    }
                )+
            }
            if __disabled == __ALL {
                ::core::task::Poll::Ready(__Out::Disabled)
            } else {
                ::core::task::Poll::Pending
            }
        })
        .await;
        #[allow(unreachable_patterns, unused_variables)]
        match __out {
            $( __Out::$name($($pattern)+) => $handler, )+
            __Out::Disabled => $crate::__select_impl!(@else $($else)?),
            _ => ::core::unreachable!("select!: only a branch whose pattern matched is chosen"),
        }
    }};
}

/// Strips `mut` and `ref` from a pattern, so it can be matched against a reference to the
/// value (default binding modes then bind by reference). Walks nested groups with an
/// explicit stack: a group's contents may hold several comma-separated patterns, which a
/// nested macro call in pattern position could not produce.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_clean {
    // Finished: no tokens, no open group.
    (@ [$($done:tt)*] []) => { $($done)* };
    // A group ended: wrap it and go back to its parent's tokens.
    (@ [$($done:tt)*] [{ paren [$($outer:tt)*] [$($after:tt)*] } $($stack:tt)*]) => {
        $crate::__select_clean!(@ [$($outer)* ($($done)*)] [$($stack)*] $($after)*)
    };
    (@ [$($done:tt)*] [{ bracket [$($outer:tt)*] [$($after:tt)*] } $($stack:tt)*]) => {
        $crate::__select_clean!(@ [$($outer)* [$($done)*]] [$($stack)*] $($after)*)
    };
    (@ [$($done:tt)*] [{ brace [$($outer:tt)*] [$($after:tt)*] } $($stack:tt)*]) => {
        $crate::__select_clean!(@ [$($outer)* {$($done)*}] [$($stack)*] $($after)*)
    };
    (@ $done:tt $stack:tt mut $($rest:tt)*) => {
        $crate::__select_clean!(@ $done $stack $($rest)*)
    };
    (@ $done:tt $stack:tt ref $($rest:tt)*) => {
        $crate::__select_clean!(@ $done $stack $($rest)*)
    };
    (@ [$($done:tt)*] [$($stack:tt)*] ($($inner:tt)*) $($rest:tt)*) => {
        $crate::__select_clean!(@ [] [{ paren [$($done)*] [$($rest)*] } $($stack)*] $($inner)*)
    };
    (@ [$($done:tt)*] [$($stack:tt)*] [$($inner:tt)*] $($rest:tt)*) => {
        $crate::__select_clean!(@ [] [{ bracket [$($done)*] [$($rest)*] } $($stack)*] $($inner)*)
    };
    (@ [$($done:tt)*] [$($stack:tt)*] {$($inner:tt)*} $($rest:tt)*) => {
        $crate::__select_clean!(@ [] [{ brace [$($done)*] [$($rest)*] } $($stack)*] $($inner)*)
    };
    (@ [$($done:tt)*] $stack:tt $token:tt $($rest:tt)*) => {
        $crate::__select_clean!(@ [$($done)* $token] $stack $($rest)*)
    };
}
