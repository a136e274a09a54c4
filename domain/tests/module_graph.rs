//! The top-level modules of `domain` form a layered graph: no module reaches, through
//! `crate::` paths, a module that reaches back to it. This test reads `domain/src`, collects the
//! `crate::<module>` references of every top-level module outside test code (including grouped
//! `use crate::{a, b::c}`), and fails with the offending cycle.
//!
//! Print the graph (`module -> deps`, lowest layer first):
//! `cargo test -p domain --test module_graph -- --nocapture`

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level modules: every directory and `.rs` file of `src` but `lib.rs`.
fn modules(src: &Path) -> BTreeSet<String> {
    fs::read_dir(src)
        .expect("read src")
        .filter_map(|e| {
            let e = e.expect("entry");
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                Some(name)
            } else {
                name.strip_suffix(".rs")
                    .filter(|m| *m != "lib")
                    .map(str::to_owned)
            }
        })
        .collect()
}

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        for e in fs::read_dir(path).expect("read dir") {
            rust_files(&e.expect("entry").path(), out);
        }
    } else if path.extension().is_some_and(|x| x == "rs") {
        out.push(path.to_owned());
    }
}

/// The source without comments and without the items marked `#[cfg(test)]`.
fn production_code(src: &str) -> String {
    let mut out = String::new();
    let mut lines = src.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            // Skip the next item: up to its `;` or its closing brace.
            let mut depth = 0i32;
            let mut opened = false;
            for l in lines.by_ref() {
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                opened |= l.contains('{');
                if (!opened && l.trim_end().ends_with(';')) || (opened && depth <= 0) {
                    break;
                }
            }
            continue;
        }
        let code = line.split("//").next().unwrap_or("");
        out.push_str(code);
        out.push('\n');
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The first path segments named after `crate::`, including each path of a group
/// `crate::{a, b::{c, d}}` (the segments directly inside the outer braces).
fn crate_refs(code: &str) -> BTreeSet<String> {
    let mut refs = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let preceded = rest[..at].chars().next_back().is_some_and(is_ident);
        rest = &rest[at + "crate::".len()..];
        if preceded {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut segment_start = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                if depth == 1 {
                    if is_ident(c) {
                        if segment_start {
                            name.push(c);
                        }
                    } else {
                        if !name.is_empty() {
                            refs.insert(std::mem::take(&mut name));
                            segment_start = false;
                        }
                        if c == ',' {
                            segment_start = true;
                        }
                    }
                }
            }
            if !name.is_empty() {
                refs.insert(name);
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                refs.insert(name);
            }
        }
    }
    refs
}

fn graph() -> Graph {
    let src = src_dir();
    let mods = modules(&src);
    let mut graph = Graph::new();
    for m in &mods {
        let mut files = Vec::new();
        let dir = src.join(m);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        } else {
            files.push(src.join(format!("{m}.rs")));
        }
        let deps = graph.entry(m.clone()).or_default();
        for f in files {
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            if name == "tests.rs" || f.components().any(|c| c.as_os_str() == "tests") {
                continue;
            }
            let code = production_code(&fs::read_to_string(&f).expect("read source"));
            deps.extend(
                crate_refs(&code)
                    .into_iter()
                    .filter(|d| d != m && mods.contains(d)),
            );
        }
    }
    graph
}

/// A cycle of the graph, if there is one (depth-first search; the path from the repeated module).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        m: &str,
        graph: &Graph,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(m) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = path.iter().position(|p| p == m).unwrap_or(0);
                let mut cycle = path[from..].to_vec();
                cycle.push(m.to_owned());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(m.to_owned(), Mark::Open);
        path.push(m.to_owned());
        for d in graph.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, graph, marks, path) {
                return Some(c);
            }
        }
        path.pop();
        marks.insert(m.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for m in graph.keys() {
        if let Some(c) = visit(m, graph, &mut marks, &mut Vec::new()) {
            return Some(c);
        }
    }
    None
}

/// The modules in layers: each module's layer is one above its highest dependency.
fn layers(graph: &Graph) -> BTreeMap<String, usize> {
    fn layer(m: &str, graph: &Graph, memo: &mut BTreeMap<String, usize>) -> usize {
        if let Some(&l) = memo.get(m) {
            return l;
        }
        let l = graph
            .get(m)
            .into_iter()
            .flatten()
            .map(|d| layer(d, graph, memo) + 1)
            .max()
            .unwrap_or(0);
        memo.insert(m.to_owned(), l);
        l
    }
    let mut memo = BTreeMap::new();
    for m in graph.keys() {
        layer(m, graph, &mut memo);
    }
    memo
}

#[test]
fn the_top_level_modules_form_no_cycle() {
    let graph = graph();
    assert!(graph.len() > 20, "found only {} modules", graph.len());
    if let Some(cycle) = find_cycle(&graph) {
        panic!(
            "the domain's top-level modules import each other in a cycle: {}\n\
             Point the reaction one way (see docs/architecture.md): a seam in `seams`, \
             a `review::Reviewable`, or move the shared type down.",
            cycle.join(" -> ")
        );
    }
    let layers = layers(&graph);
    let mut ordered: Vec<_> = graph.iter().collect();
    ordered.sort_by_key(|(m, _)| (layers[*m], (*m).clone()));
    for (m, deps) in ordered {
        let deps: Vec<_> = deps.iter().map(String::as_str).collect();
        println!("{:>2} {m} -> {}", layers[m], deps.join(", "));
    }
}

#[test]
fn references_are_found_in_paths_and_groups() {
    let code = production_code(
        "use crate::a::X;\nuse crate::{b, c::{D, E}, d::f};\nfn g() { crate::e::h(); }\n\
         // crate::commented\n#[cfg(test)]\nmod tests {\n    use crate::hidden;\n}\n\
         fn k() { my_crate::not_this(); }\n",
    );
    let refs: Vec<_> = crate_refs(&code).into_iter().collect();
    assert_eq!(refs, ["a", "b", "c", "d", "e"]);
}

#[test]
fn a_cycle_is_found() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    if let Some(d) = g.get_mut("c") {
        d.clear();
    }
    assert_eq!(find_cycle(&g), None);
}
