//! The errors a JSON body's extractor answers, on every operation that takes one.

use utoipa::Modify;

/// On every operation with a JSON request body, the errors its extractor (`crate::body`) answers
/// before the handler runs, where the route does not describe them itself: 400 (a body that does
/// not parse, an unknown field), 413 and 415. Generated clients and schemathesis take an
/// undocumented status for a broken contract.
pub(super) struct JsonBodyErrors;

impl Modify for JsonBodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                let takes_json = matches!(
                    &op.request_body,
                    Some(RefOr::T(body)) if body.content.contains_key("application/json")
                );
                if !takes_json {
                    continue;
                }
                for (status, component) in [
                    ("400", "BadRequest"),
                    ("413", "PayloadTooLarge"),
                    ("415", "UnsupportedMediaType"),
                ] {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::Ref(Ref::new(format!("#/components/responses/{component}")))
                        });
                }
            }
        }
    }
}
