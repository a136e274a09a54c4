//! Runs every cell, collects mismatches, and checks the table against the OpenAPI document.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::Value;

use crate::matrix::table::{ACTORS, Actor, Row};
use crate::matrix::world::World;

pub struct Mismatch {
    pub row: String,
    pub actor: Actor,
    pub expected: u16,
    pub got: u16,
    pub code: String,
}

/// Sends every cell of every row; returns the number of cells and the mismatches.
pub async fn run_all(world: &World, rows: &[Row]) -> (usize, Vec<Mismatch>) {
    let mut cells = 0;
    let mut mismatches = Vec::new();
    for row in rows {
        for (actor, &expected) in ACTORS.iter().zip(row.expect.iter()) {
            let req = world.request(row, *actor).await;
            let reply = match (&req.raw, &req.upload) {
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
                        .header("Content-Type", "message/rfc822")
                        .body(raw.clone());
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
            };
            cells += 1;
            if reply.status != expected {
                mismatches.push(Mismatch {
                    row: row.label(),
                    actor: *actor,
                    expected,
                    got: reply.status,
                    code: reply.code().to_owned(),
                });
            }
        }
    }
    (cells, mismatches)
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
        let code = if m.code.is_empty() {
            String::new()
        } else {
            format!(" ({})", m.code)
        };
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

pub fn table_routes(rows: &[Row]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect()
}
