//! Runs every cell, collects mismatches, and checks the table against the OpenAPI document.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

use crate::matrix::table::{ALL_ACTORS, Actor, KEY_SCOPES, Row};
use crate::matrix::world::World;

pub struct Mismatch {
    pub row: String,
    pub actor: Actor,
    pub expected: u16,
    pub got: u16,
    pub code: String,
    /// For a 404 with the wrong code: the codes the path allows.
    pub wanted_codes: Vec<&'static str>,
}

/// The resource a path parameter names, by the path segment before it, and the code its 404
/// answers with.
const NOT_FOUND_CODES: &[(&str, &str)] = &[
    ("api-keys", "api_key_not_found"),
    ("appeals", "appeal_not_found"),
    ("blocked-buyers", "block_not_found"),
    ("catalog-imports", "catalog_import_not_found"),
    ("change-requests", "change_request_not_found"),
    ("click", "invalid_link"),
    ("companies", "company_not_found"),
    ("deliveries", "webhook_delivery_not_found"),
    ("enforcement", "enforcement_action_not_found"),
    ("inquiries", "inquiry_not_found"),
    ("jobs", "email_job_not_found"),
    ("leads", "lead_not_found"),
    ("listings", "listing_not_found"),
    ("media", "media_not_found"),
    ("members", "member_not_found"),
    ("notifications", "notification_not_found"),
    ("policies", "policy_not_found"),
    ("open", "invalid_link"),
    ("products", "product_not_found"),
    ("quotes", "quote_not_found"),
    ("ratings", "rating_not_found"),
    ("reports", "report_not_found"),
    ("review-queue", "review_item_not_found"),
    ("rules", "rule_not_found"),
    ("storefronts", "company_not_found"),
    ("subscriptions", "subscription_not_found"),
    ("suppressions", "suppression_not_found"),
    ("takedowns", "takedown_not_found"),
    ("versions", "policy_not_found"),
    ("webhooks", "webhook_endpoint_not_found"),
];

/// The codes a 404 on `path` may carry: the not-found code of a resource the path names by a
/// parameter (so a 404 on `/companies/{id}/lead-reach` says the company was not found, not
/// something else). An unknown parameter context allows nothing, so a new route needs a row
/// in `NOT_FOUND_CODES`.
pub fn not_found_codes(path: &str) -> Vec<&'static str> {
    let parts: Vec<&str> = path.split('/').collect();
    parts
        .windows(2)
        .filter(|w| w[1].starts_with('{'))
        .filter_map(|w| {
            NOT_FOUND_CODES
                .iter()
                .find(|(segment, _)| *segment == w[0])
                .map(|(_, code)| *code)
        })
        .collect()
}

/// Sends every cell of every row; returns the number of cells and the mismatches.
///
/// The rows run one after another; the cells of a row (one per actor) run at the same time:
/// each acts on its own fresh objects or reads shared ones, so their order never mattered, and
/// the time of the matrix follows the number of rows, not rows × actors.
pub async fn run_all(world: &World, rows: &[Row]) -> (usize, Vec<Mismatch>) {
    let mut cells = 0;
    let mut mismatches = Vec::new();
    for row in rows {
        let outcomes = e2e::join_all(ALL_ACTORS.iter().map(|actor| async move {
            (
                *actor,
                row.expected(*actor),
                run_cell(world, row, *actor).await,
            )
        }))
        .await;
        for (actor, expected, reply) in outcomes {
            cells += 1;
            // A key the gate refuses: the code says why.
            let key_refused = match actor {
                Actor::KeyAWithoutScope => true,
                Actor::KeyA => row.key_scope().is_none(),
                _ => false,
            };
            let wanted_codes = if key_refused {
                vec![row.key_refusal()]
            } else {
                not_found_codes(row.path)
            };
            let wrong_code = (reply.status == 404 || (key_refused && reply.status == 403))
                && !wanted_codes.contains(&reply.code());
            if reply.status != expected || wrong_code {
                mismatches.push(Mismatch {
                    row: row.label(),
                    actor,
                    expected,
                    got: reply.status,
                    code: reply.code().to_owned(),
                    wanted_codes: if wrong_code { wanted_codes } else { vec![] },
                });
            }
        }
    }
    (cells, mismatches)
}

/// Makes the cell's fresh objects, then sends its request.
async fn run_cell(world: &World, row: &Row, actor: Actor) -> e2e::Reply {
    let req = world.request(row, actor).await;
    match (&req.raw, &req.upload) {
        (None, Some((content_type, body))) => {
            world
                .app
                .send_multipart(req.token.as_deref(), content_type.clone(), body.clone())
                .await
        }
        (None, None) => {
            world
                .app
                .call(
                    req.method,
                    &req.path,
                    req.token.as_deref(),
                    req.body.as_ref(),
                )
                .await
        }
        (Some(raw), _) => {
            let mut request = world
                .app
                .http
                .request(req.method, world.app.url(&req.path))
                .header("Content-Type", raw.0)
                .body(raw.1.clone());
            if let Some(token) = &req.token {
                request = request.bearer_auth(token);
            }
            let response = request.send().await.expect("request sent");
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            e2e::Reply {
                status,
                body,
                headers: Default::default(),
            }
        }
    }
}

/// A readable list of the failing cells, grouped by row.
pub fn report(cells: usize, mismatches: &[Mismatch]) -> String {
    let mut out = format!(
        "\n{} of {cells} matrix cells differ (route × actor: expected vs got)\n",
        mismatches.len()
    );
    let width = mismatches.iter().map(|m| m.row.len()).max().unwrap_or(0);
    let mut last = "";
    for m in mismatches {
        let row = if m.row == last { "" } else { m.row.as_str() };
        last = &m.row;
        let mut code = if m.code.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.code)
        };
        if !m.wanted_codes.is_empty() {
            let _ = write!(
                code,
                ", a {} here is {}",
                m.expected,
                m.wanted_codes.join(" or ")
            );
        }
        let _ = writeln!(
            out,
            "  {row:<width$}  × {:<17} expected {}  got {}{code}",
            m.actor.to_string(),
            m.expected,
            m.got,
        );
    }
    out
}

/// Every (METHOD, path) of the OpenAPI document.
pub fn spec_routes(spec: &Value) -> BTreeSet<(String, String)> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let paths = spec["paths"].as_object().expect("spec has paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|ops| ops.keys())
                .filter(|m| METHODS.contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

/// Every (METHOD, path, scope) of the document's `api_key` security requirements.
pub fn spec_key_scopes(spec: &Value) -> BTreeSet<(String, String, String)> {
    let paths = spec["paths"].as_object().expect("spec has paths");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().into_iter().flatten() {
            for requirement in op["security"].as_array().into_iter().flatten() {
                for scope in requirement["api_key"].as_array().into_iter().flatten() {
                    out.insert((
                        method.to_uppercase(),
                        path.clone(),
                        scope.as_str().unwrap_or_default().to_owned(),
                    ));
                }
            }
        }
    }
    out
}

pub fn table_key_scopes() -> BTreeSet<(String, String, String)> {
    KEY_SCOPES
        .iter()
        .map(|(m, p, s)| ((*m).to_owned(), (*p).to_owned(), (*s).to_owned()))
        .collect()
}

pub fn table_routes(rows: &[Row]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect()
}

#[test]
fn a_404_names_a_resource_of_its_path() {
    assert_eq!(
        not_found_codes("/api/v1/companies/{id}/lead-reach"),
        ["company_not_found"]
    );
    assert_eq!(
        not_found_codes("/api/v1/companies/{id}/members/{user_id}"),
        ["company_not_found", "member_not_found"]
    );
    assert!(not_found_codes("/api/v1/categories").is_empty());
}
