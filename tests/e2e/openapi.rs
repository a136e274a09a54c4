//! The committed spec is exactly what the code generates (`UPDATE_OPENAPI=1` rewrites it), it
//! is valid OpenAPI 3.1 by a real validator, and every operation says what it answers.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");

/// Set by `scripts/services.sh` (which installs the pinned validator into a venv).
const VALIDATOR_VAR: &str = "TRADEFAIR_TEST_OPENAPI_VALIDATOR";

#[test]
fn committed_spec_matches_code() {
    let generated = api::openapi::openapi_json();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(SPEC_PATH, &generated).expect("write openapi/openapi.json");
        return;
    }
    let committed = std::fs::read_to_string(SPEC_PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json differs from the code; run `UPDATE_OPENAPI=1 cargo nextest run -p e2e openapi` and commit the file"
    );
}

/// A response as written, or the component a `$ref` names.
fn resolve<'a>(spec: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str() {
        Some(r) => {
            let name = r
                .strip_prefix("#/components/responses/")
                .unwrap_or_else(|| panic!("response $ref {r} is not a response component"));
            let target = &spec["components"]["responses"][name];
            assert!(target.is_object(), "response $ref {r} names nothing");
            target
        }
        None => response,
    }
}

#[test]
fn every_operation_is_documented() {
    let spec: Value = serde_json::from_str(&api::openapi::openapi_json()).expect("spec is JSON");
    let declared_tags: BTreeSet<&str> = spec["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t["name"].as_str().expect("tag name"))
        .collect();
    let schemes = spec["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let paths = spec["paths"].as_object().expect("paths");
    assert!(paths.len() >= 20, "only {} paths documented", paths.len());
    let mut operation_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let at = format!("{method} {path}");
            let summary = op["summary"].as_str().unwrap_or_default();
            assert!(!summary.is_empty(), "{at} has no summary");
            // utoipa takes the doc comment's first paragraph; a one-line paragraph keeps the
            // operation lists of Swagger UI and of generated clients readable.
            assert!(
                !summary.contains('\n'),
                "{at}: the summary is more than one line (its doc comment needs a one-line first paragraph)"
            );

            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{at} has no operationId");
            if let Some(other) = operation_ids.insert(id, at.clone()) {
                panic!("{at} and {other} share the operationId {id}");
            }

            let tags = op["tags"].as_array().map(Vec::as_slice).unwrap_or_default();
            assert!(!tags.is_empty(), "{at} has no tag");
            for tag in tags {
                let tag = tag.as_str().unwrap_or_default();
                assert!(
                    declared_tags.contains(tag),
                    "{at} has the tag {tag:?}, which the document does not declare"
                );
            }

            // Each security requirement names declared schemes; `{}` makes signing in optional.
            let security = op["security"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            for requirement in security {
                for scheme in requirement
                    .as_object()
                    .expect("security requirement")
                    .keys()
                {
                    assert!(
                        schemes.contains_key(scheme),
                        "{at} names the undeclared security scheme {scheme}"
                    );
                }
            }

            let responses = op["responses"].as_object().expect("responses");
            assert!(!responses.is_empty(), "{at} documents no response");
            // A route that can refuse an access token takes one, so it declares how (login and
            // refresh answer 401 for bad credentials in the body, described inline instead).
            if responses.get("401").and_then(|r| r["$ref"].as_str())
                == Some("#/components/responses/Unauthorized")
            {
                assert!(
                    !security.is_empty(),
                    "{at} refuses tokens but declares no security"
                );
            }
            for (status, response) in responses {
                let response = resolve(&spec, response);
                let description = response["description"].as_str().unwrap_or_default();
                assert!(
                    !description.trim().is_empty(),
                    "{at} {status} has no description"
                );
                if status.starts_with('4') || status.starts_with('5') {
                    let schema = &response["content"]["application/json"]["schema"]["$ref"];
                    assert_eq!(
                        schema, "#/components/schemas/ErrorBody",
                        "{at} {status} has no error body"
                    );
                }
            }
        }
    }
}

/// Runs the validator on one file: (whether it passed, what it printed).
fn validate(validator: &str, file: &Path) -> (bool, String) {
    let out = Command::new(validator)
        .arg("--validation-errors")
        .arg("all")
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{VALIDATOR_VAR}={validator} does not run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn committed_spec_is_valid_openapi() {
    let validator = std::env::var(VALIDATOR_VAR).unwrap_or_else(|_| {
        panic!(
            "{VALIDATOR_VAR} is not set: it is the path of openapi-spec-validator, which \
             `eval \"$(scripts/services.sh)\"` installs and exports"
        )
    });
    let spec_path = Path::new(SPEC_PATH);
    let (ok, output) = validate(&validator, spec_path);
    assert!(ok, "openapi/openapi.json is not valid OpenAPI:\n{output}");

    // The same document with one response description removed must fail, so a validator that
    // accepts anything (or checks the wrong file) cannot make this test pass.
    let mut spec: Value =
        serde_json::from_str(&std::fs::read_to_string(spec_path).expect("read the spec"))
            .expect("spec is JSON");
    let removed = spec["paths"]
        .as_object_mut()
        .expect("paths")
        .values_mut()
        .flat_map(|item| item.as_object_mut().expect("path item").values_mut())
        .flat_map(|op| {
            op["responses"]
                .as_object_mut()
                .expect("responses")
                .values_mut()
        })
        .find_map(|response| response.as_object_mut()?.remove("description"));
    assert!(
        removed.is_some(),
        "no inline response description to remove"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let broken = dir.path().join("openapi.json");
    std::fs::write(&broken, serde_json::to_string_pretty(&spec).expect("JSON"))
        .expect("write the broken copy");
    let (ok, output) = validate(&validator, &broken);
    assert!(
        !ok,
        "the validator accepted a document with a response lacking its description:\n{output}"
    );
    assert!(
        output.contains("'description' is a required property"),
        "the validator failed the broken copy for another reason:\n{output}"
    );
}
