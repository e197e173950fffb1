//! Rewriting the `async fn` into a plain `fn` that builds a runtime and blocks on the body.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use crate::args::{Args, Flavor};

/// Which attribute is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Main,
    Test,
}

pub(crate) fn expand(args: TokenStream, item: TokenStream, kind: Kind) -> TokenStream {
    let function: ItemFn = match syn::parse2(item.clone()) {
        Ok(function) => function,
        Err(e) => return with_item(e, item),
    };
    let default = match kind {
        Kind::Main => Flavor::MultiThread,
        Kind::Test => Flavor::CurrentThread,
    };
    match Args::parse(args, default).and_then(|args| rewrite(function.clone(), args, kind)) {
        Ok(tokens) => tokens,
        Err(e) => with_item(e, placeholder(function)),
    }
}

/// The function as a plain `fn` with a diverging body, emitted beside our error so the
/// user sees only that error (not "`main` is not allowed to be async" or "no `main`").
/// The program does not compile, so the body never runs.
fn placeholder(mut function: ItemFn) -> TokenStream {
    function.sig.asyncness = None;
    function.sig.inputs.clear();
    function.block = syn::parse_quote!({ ::core::unreachable!() });
    quote! { #function }
}

fn with_item(error: syn::Error, item: TokenStream) -> TokenStream {
    let error = error.to_compile_error();
    quote! { #error #item }
}

fn rewrite(mut function: ItemFn, args: Args, kind: Kind) -> syn::Result<TokenStream> {
    let name = match kind {
        Kind::Main => "#[weave::main]",
        Kind::Test => "#[weave::test]",
    };
    if function.sig.asyncness.take().is_none() {
        return Err(syn::Error::new(
            function.sig.fn_token.span(),
            format!("the `async` keyword is missing from the function declaration; {name} runs an `async fn`"),
        ));
    }
    if !function.sig.inputs.is_empty() {
        return Err(syn::Error::new(
            function.sig.inputs.span(),
            format!("{name} functions cannot take arguments"),
        ));
    }
    if !function.sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            function.sig.generics.span(),
            format!("{name} functions cannot be generic"),
        ));
    }
    if kind == Kind::Test {
        if let Some(attr) = function.attrs.iter().find(|a| a.path().is_ident("test")) {
            return Err(syn::Error::new(
                attr.span(),
                "remove `#[test]`: #[weave::test] already marks the function as a test",
            ));
        }
    }

    let krate = &args.krate;
    let mut builder = match args.flavor {
        Flavor::MultiThread => quote! { #krate::runtime::Builder::new_multi_thread() },
        Flavor::CurrentThread => quote! { #krate::runtime::Builder::new_current_thread() },
    };
    if let Some((n, span)) = args.worker_threads {
        builder = quote_spanned! {span=> #builder.worker_threads(#n) };
    }
    if let Some((paused, span)) = args.start_paused {
        builder = quote_spanned! {span=> #builder.start_paused(#paused) };
    }

    let body = &function.block;
    let output = &function.sig.output;
    // The body keeps its `return`s and `?`s: it is the body of an async block whose type is
    // the function's return type.
    let body_ty = match output {
        syn::ReturnType::Default => quote! { () },
        syn::ReturnType::Type(_, ty) => quote! { #ty },
    };
    let block = quote! {
        {
            let body = async move #body;
            #builder
                .build()
                .expect("failed to start the Weave runtime")
                .block_on::<_>(async move { let value: #body_ty = body.await; value })
        }
    };
    function.block = syn::parse2(block)?;
    let test_attr = match kind {
        Kind::Test => quote! { #[::core::prelude::v1::test] },
        Kind::Main => quote! {},
    };
    Ok(quote! { #test_attr #function })
}
