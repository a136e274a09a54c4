//! The role-by-route matrix: every route of the API (the OpenAPI document and the table must
//! list the same ones) against anonymous, a buyer, A's owner, admin and staff, B's owner, an
//! operator and two API keys of A (one with every scope, one without the route's scope); plus
//! mass assignment and cross-company references. Every scenario runs on SQLite
//! and on PostgreSQL.

mod cross_company;
mod mass_assignment;
mod run;
mod table;
mod world;

use cross_company::{admins_manage_staff_only, cross_company_references};
use e2e::{Backend, both_backends};
use mass_assignment::mass_assignment_is_refused;

async fn role_by_route(b: Backend) {
    let world = world::World::build(b).await;
    let rows = table::rows();
    let (cells, mismatches) = run::run_all(&world, &rows).await;
    println!("matrix: {} rows, {cells} cells", rows.len());
    assert!(mismatches.is_empty(), "{}", run::report(cells, &mismatches));
}

async fn every_route_has_a_row(b: Backend) {
    let app = world::spawn(b).await;
    let spec = app.get("/openapi.json", None).await.expect(200).body;
    let documented = run::spec_routes(&spec);
    let tabled = run::table_routes(&table::rows());
    let missing: Vec<_> = documented.difference(&tabled).collect();
    let extra: Vec<_> = tabled.difference(&documented).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "the matrix and the OpenAPI document disagree\n  routes without a matrix row: {missing:?}\n  rows for undocumented routes: {extra:?}"
    );
    assert_eq!(
        run::spec_key_scopes(&spec),
        run::table_key_scopes(),
        "the scopes of the matrix and the document's api_key requirements disagree"
    );
    assert!(
        documented.len() >= 29,
        "suspiciously few routes: {documented:?}"
    );
}

both_backends!(
    role_by_route,
    every_route_has_a_row,
    mass_assignment_is_refused,
    cross_company_references,
    admins_manage_staff_only,
);

/// Every status a row expects is one the OpenAPI document lists for that route, so the
/// document cannot leave out an answer the server is known to give (the document may list
/// more: errors no actor of this world meets, such as 400 and 429).
#[test]
fn openapi_lists_every_expected_status() {
    let spec: serde_json::Value =
        serde_json::from_str(&api::openapi::openapi_json()).expect("spec is JSON");
    let mut missing = Vec::new();
    for row in table::rows() {
        let op = &spec["paths"][row.path][row.method.to_lowercase()];
        for (actor, status) in table::ACTORS.iter().zip(row.expect) {
            // The client follows the click redirect, so the row sees the target's 200; the
            // route itself answers 302.
            let status = match (row.target, status) {
                (table::Target::FreshClickToken, 200) => 302,
                _ => status,
            }
            .to_string();
            if op["responses"].get(&status).is_none() {
                missing.push(format!("{} {} {status} ({actor})", row.method, row.path));
            }
        }
    }
    missing.dedup_by(|a, b| a.split(" (").next() == b.split(" (").next());
    assert!(
        missing.is_empty(),
        "statuses the matrix expects but the OpenAPI document does not list:\n  {}",
        missing.join("\n  ")
    );
}
