//! docs/errors.md against the code: every error code the domain's error enums (their `code()`)
//! and the API's own errors can answer is documented, and every code the status table lists is
//! one of them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn sources(dir: &str) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    rust_files(&root().join(dir), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).expect("source file");
            (f, text)
        })
        .collect()
}

/// The text between a `{` at `open` and its matching `}`.
fn block(text: &str, open: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &text[open..open + i];
                }
            }
            _ => {}
        }
    }
    &text[open..]
}

fn quoted_codes(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .map(str::to_owned)
}

/// Codes in the `fn code` bodies of the domain's error enums (and of the inquiry spam rules).
fn domain_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for (_, text) in sources("domain/src") {
        let mut from = 0;
        while let Some(at) = text[from..].find("fn code(") {
            let start = from + at;
            let open = start + text[start..].find('{').expect("fn body");
            codes.extend(quoted_codes(block(&text, open)));
            from = open;
        }
    }
    codes
}

/// Codes the API answers by itself: the second argument of `ApiError::new` and the first of
/// `ApiError::unauthenticated`.
fn api_codes() -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    for (_, text) in sources("api/src") {
        for (marker, skip_status) in [("ApiError::new(", true), ("unauthenticated(", false)] {
            for (at, _) in text.match_indices(marker) {
                let args = &text[at + marker.len()..];
                let args = if skip_status {
                    match args.find(',') {
                        Some(comma) if args[..comma].contains("StatusCode::") => &args[comma + 1..],
                        _ => continue,
                    }
                } else {
                    args
                };
                let args = args.trim_start();
                if let Some(rest) = args.strip_prefix('"') {
                    let code = &rest[..rest.find('"').expect("closing quote")];
                    codes.insert(code.to_owned());
                }
            }
        }
    }
    codes
}

/// The text without its parenthesized remarks (`(see \`fields\`)` names no code).
fn without_remarks(text: &str) -> String {
    let mut depth = 0;
    text.chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

fn backticked(text: &str) -> BTreeSet<String> {
    quoted_codes(&text.replace('`', "\"")).collect()
}

#[test]
fn the_error_codes_document_matches_the_code() {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).expect("docs/errors.md");
    let documented = backticked(&doc);
    let domain = domain_codes();
    let api = api_codes();
    assert!(
        domain.len() > 50 && api.len() > 5,
        "suspiciously few codes found: {domain:?} {api:?}"
    );
    let answered: BTreeSet<String> = domain.union(&api).cloned().collect();
    let undocumented: Vec<_> = answered.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "codes the server answers that docs/errors.md does not list: {undocumented:?}"
    );
    // The status table and the list of the later areas' status codes name only real codes.
    let listed: String = doc
        .lines()
        .filter(|l| l.starts_with("| 4") || l.starts_with("| 5"))
        .chain(
            doc.split("Takedown, enforcement, appeals and retention add:")
                .nth(1)
                .and_then(|rest| rest.split("field-error codes").next()),
        )
        .collect::<Vec<_>>()
        .join("\n");
    let tabled = backticked(&without_remarks(&listed));
    let unknown: Vec<_> = tabled.difference(&answered).collect();
    assert!(
        unknown.is_empty(),
        "codes docs/errors.md lists with a status that nothing answers: {unknown:?}"
    );
}
