//! The audit log: operator decisions are appended with the state before and after, in order,
//! hash-chained; SQL cannot change entries, and a change made around that (triggers off) or a
//! removed entry is found by `tradefair audit verify` and by the operator endpoint.

use diesel::prelude::*;
use diesel::sql_query;
use domain::db::DbConnection;
use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

async fn audit_entries(app: &TestApp, op: &e2e::Account, query: &str) -> serde_json::Value {
    app.get(&format!("/api/v1/operator/audit{query}"), op.token())
        .await
        .expect(200)
        .body
}

fn run_verify(app: &TestApp) -> (bool, String) {
    let data = tempfile::tempdir().expect("dir");
    let out = std::process::Command::new(e2e::binary::tradefair_binary())
        .args(["audit", "verify"])
        .env("TRADEFAIR_DATA_DIR", data.path())
        .env("DATABASE_URL", &app.db.url)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run tradefair audit verify");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Switches the append-only triggers off, as someone with direct database access could.
fn disable_triggers(conn: &mut DbConnection) {
    match conn {
        DbConnection::Sqlite(_) => {
            sql_query("DROP TRIGGER audit_log_no_update")
                .execute(conn)
                .expect("drop");
            sql_query("DROP TRIGGER audit_log_no_delete")
                .execute(conn)
                .expect("drop");
        }
        DbConnection::Pg(_) => {
            sql_query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
                .execute(conn)
                .expect("disable");
        }
    }
}

async fn decisions_are_chained_and_tampering_is_found(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company_id = company["id"].as_str().unwrap().to_owned();
    let product = app
        .publish(&owner, &company_id, e2e::fixtures::product_body())
        .await;
    app.post(
        &format!("/api/v1/operator/products/{product}/reject"),
        op.token(),
        json!({"reason": "图片与描述不符"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/operator/companies/{company_id}/suspend"),
        op.token(),
        json!({"reason": "营业执照过期"}),
    )
    .await
    .expect(200);

    let all = audit_entries(&app, &op, "").await;
    let items = all["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["suspend", "reject", "verify"], "newest first");
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert_eq!(seqs, vec![3, 2, 1]);
    let reject = &items[1];
    assert_eq!(reject["subject_type"], "product");
    assert_eq!(reject["subject_id"], product.as_str());
    assert_eq!(reject["actor_id"], op.id.as_str());
    assert_eq!(reject["before"], json!({"status": "published"}));
    assert_eq!(reject["after"], json!({"status": "rejected"}));
    assert_eq!(reject["reason"], "图片与描述不符");
    assert_eq!(items[0]["before"]["suspended"], false);
    assert_eq!(items[0]["after"]["suspended"], true);

    // Filters and paging.
    let by_subject = audit_entries(&app, &op, &format!("?subject_id={company_id}")).await;
    assert_eq!(by_subject["items"].as_array().unwrap().len(), 2);
    let page = audit_entries(&app, &op, "?limit=2").await;
    assert_eq!(page["next_before_seq"], 2);
    let rest = audit_entries(&app, &op, "?limit=2&before_seq=2").await;
    assert_eq!(rest["items"][0]["seq"], 1);
    assert!(rest["next_before_seq"].is_null());
    let by_action = audit_entries(&app, &op, "?action=verify").await;
    assert_eq!(by_action["items"].as_array().unwrap().len(), 1);
    app.get("/api/v1/operator/audit?from=yesterday", op.token())
        .await
        .expect(400);

    // Intact.
    let check = app
        .get("/api/v1/operator/audit/verify", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(check["intact"], true);
    assert_eq!(check["entries"], 3);
    let (ok, out) = run_verify(&app);
    assert!(ok, "{out}");
    assert!(out.contains("intact: 3 entries"), "{out}");

    // SQL cannot change or remove an entry.
    let refused = app
        .with_db(|conn| {
            let update =
                sql_query("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2")
                    .execute(conn)
                    .is_err();
            let delete = sql_query("DELETE FROM audit_log WHERE seq = 3")
                .execute(conn)
                .is_err();
            (update, delete)
        })
        .await;
    assert_eq!(refused, (true, true));

    // Around the triggers: a changed reason is found at its entry.
    app.with_db(|conn| {
        disable_triggers(conn);
        sql_query("UPDATE audit_log SET reason = 'nothing happened' WHERE seq = 2")
            .execute(conn)
            .expect("tamper");
    })
    .await;
    let check = app
        .get("/api/v1/operator/audit/verify", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(check["intact"], false);
    assert_eq!(check["broken_seq"], 2);
    let (ok, out) = run_verify(&app);
    assert!(!ok, "verify must fail: {out}");
    assert!(out.contains("BROKEN at entry 2"), "{out}");
}

async fn a_removed_entry_is_found(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    for _ in 0..3 {
        app.verified_company(&op).await;
    }
    app.with_db(|conn| {
        disable_triggers(conn);
        sql_query("DELETE FROM audit_log WHERE seq = 2")
            .execute(conn)
            .expect("remove");
    })
    .await;
    let check = app
        .get("/api/v1/operator/audit/verify", op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(check["intact"], false);
    assert_eq!(check["broken_seq"], 2);
    assert_eq!(check["problem"], "entry missing");
}

both_backends!(
    decisions_are_chained_and_tampering_is_found,
    a_removed_entry_is_found
);
