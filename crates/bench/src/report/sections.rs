//! Sections of docs/benchmarks.md written by other runs (`--http`, `--python`): each sits
//! between `<!-- section:NAME -->` and `<!-- /section:NAME -->`, is replaced by the run that
//! owns it, and is carried over when the main report regenerates the rest of the page.

/// The sections other runs own, in page order.
pub const SECTIONS: [&str; 2] = ["http", "python"];

fn markers(name: &str) -> (String, String) {
    (
        format!("<!-- section:{name} -->\n"),
        format!("<!-- /section:{name} -->\n"),
    )
}

/// The section `name` of `page`, markers included, if it has one.
pub fn extract<'a>(page: &'a str, name: &str) -> Option<&'a str> {
    let (open, close) = markers(name);
    let start = page.find(&open)?;
    let end = page[start..].find(&close)? + start + close.len();
    Some(&page[start..end])
}

/// `page` with section `name` set to `body` (replaced in place, or appended).
///
/// ```
/// use weave_bench::report::sections::{extract, splice};
///
/// let page = splice("# Page\n", "http", "old\n");
/// let page = splice(&page, "http", "new\n");
/// assert_eq!(page, "# Page\n<!-- section:http -->\nnew\n<!-- /section:http -->\n");
/// assert!(extract(&page, "python").is_none());
/// ```
pub fn splice(page: &str, name: &str, body: &str) -> String {
    let (open, close) = markers(name);
    let section = format!("{open}{body}{close}");
    match extract(page, name) {
        Some(old) => page.replacen(old, &section, 1),
        None => format!("{page}{section}"),
    }
}

/// `new_page` with every section of `old_page` appended, in [`SECTIONS`] order.
pub fn carry_over(old_page: &str, mut new_page: String) -> String {
    for name in SECTIONS {
        if let Some(section) = extract(old_page, name) {
            new_page.push_str(section);
        }
    }
    new_page
}
