//! Parsing `flavor = "..", worker_threads = N, start_paused = bool, crate = ".."`.

use proc_macro2::Span;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Lit, MetaNameValue, Path, Token};

/// Which runtime the attribute builds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flavor {
    MultiThread,
    CurrentThread,
}

/// The attribute's arguments, validated.
pub(crate) struct Args {
    pub(crate) flavor: Flavor,
    pub(crate) worker_threads: Option<(usize, Span)>,
    pub(crate) start_paused: Option<(bool, Span)>,
    pub(crate) krate: Path,
}

impl Args {
    pub(crate) fn parse(tokens: proc_macro2::TokenStream, default: Flavor) -> syn::Result<Args> {
        let pairs = Punctuated::<MetaNameValue, Token![,]>::parse_terminated
            .parse2(tokens)
            .map_err(|e| {
                syn::Error::new(
                    e.span(),
                    "expected `name = value` arguments, e.g. `flavor = \"current_thread\"`, \
                     `worker_threads = 4`, `start_paused = true` or `crate = \"weave\"`",
                )
            })?;
        let mut flavor = None;
        let mut worker_threads = None;
        let mut start_paused = None;
        let mut krate = None;
        for pair in pairs {
            let name = pair
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let span = syn::spanned::Spanned::span(&pair.value);
            match name.as_str() {
                "flavor" => {
                    flavor = Some(match string(&pair.value)?.as_str() {
                        "multi_thread" => Flavor::MultiThread,
                        "current_thread" => Flavor::CurrentThread,
                        other => {
                            return Err(syn::Error::new(
                                span,
                                format!(
                                    "unknown runtime flavor `{other}`; expected \
                                     \"multi_thread\" or \"current_thread\""
                                ),
                            ))
                        }
                    })
                }
                "worker_threads" => {
                    let n = integer(&pair.value)?;
                    if n == 0 {
                        return Err(syn::Error::new(span, "`worker_threads` must be at least 1"));
                    }
                    worker_threads = Some((n, span));
                }
                "start_paused" => start_paused = Some((boolean(&pair.value)?, span)),
                "crate" => krate = Some(syn::parse_str::<Path>(&string(&pair.value)?)?),
                _ => {
                    return Err(syn::Error::new_spanned(
                        &pair.path,
                        "unknown argument; expected `flavor`, `worker_threads`, \
                         `start_paused` or `crate`",
                    ))
                }
            }
        }
        let flavor = flavor.unwrap_or(default);
        if let (Flavor::CurrentThread, Some((_, span))) = (flavor, worker_threads) {
            return Err(syn::Error::new(
                span,
                "`worker_threads` only applies to `flavor = \"multi_thread\"`; a current-thread \
                 runtime runs everything on the calling thread",
            ));
        }
        if let (Flavor::MultiThread, Some((true, span))) = (flavor, start_paused) {
            return Err(syn::Error::new(
                span,
                "`start_paused = true` needs `flavor = \"current_thread\"`: a paused clock \
                 auto-advances only when the one thread running tasks is idle",
            ));
        }
        Ok(Args {
            flavor,
            worker_threads,
            start_paused,
            krate: krate.unwrap_or_else(|| syn::parse_quote!(::weave)),
        })
    }
}

fn literal(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        _ => None,
    }
}

fn string(value: &Expr) -> syn::Result<String> {
    match literal(value) {
        Some(Lit::Str(s)) => Ok(s.value()),
        _ => Err(syn::Error::new_spanned(value, "expected a string literal")),
    }
}

fn integer(value: &Expr) -> syn::Result<usize> {
    match literal(value) {
        Some(Lit::Int(i)) => i.base10_parse(),
        _ => Err(syn::Error::new_spanned(
            value,
            "expected an integer literal",
        )),
    }
}

fn boolean(value: &Expr) -> syn::Result<bool> {
    match literal(value) {
        Some(Lit::Bool(b)) => Ok(b.value),
        _ => Err(syn::Error::new_spanned(value, "expected `true` or `false`")),
    }
}
