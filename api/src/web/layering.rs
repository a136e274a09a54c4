//! Page modules and JSON route modules share plumbing (state, config, errors, auth) but never
//! import each other, so either can change without breaking the other.

fn sources(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack =
        vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src")).join(dir)];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read dir") {
                stack.push(entry.expect("entry").path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            out.push((path.display().to_string(), text));
        }
    }
    out
}

#[test]
fn pages_and_json_routes_do_not_import_each_other() {
    let web = sources("web");
    let routes = sources("routes");
    assert!(web.len() > 5 && routes.len() > 20, "found the sources");
    for (file, text) in &web {
        for needle in ["crate::routes", "super::routes", "api::routes"] {
            assert!(
                !text.contains(needle) || file.ends_with("layering.rs"),
                "{file} uses {needle}"
            );
        }
    }
    for (file, text) in &routes {
        for needle in ["crate::web::", "crate::web;", "api::web"] {
            assert!(!text.contains(needle), "{file} uses {needle}");
        }
    }
}
