//! Cross-company object references: B's owner names A's objects (and A's members name objects
//! they must not touch); the refusal is checked and so is the stored state afterwards.

use e2e::fixtures::product_body;
use e2e::{Account, Backend, TestApp};
use serde_json::{Value, json};

use crate::matrix::world::World;

async fn member_ids(app: &TestApp, by: &Account, company: &str) -> Vec<String> {
    let list = app
        .get(&format!("/api/v1/companies/{company}/members"), by.token())
        .await
        .expect(200)
        .body;
    let mut ids: Vec<String> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["user_id"].as_str().map(str::to_owned))
        .collect();
    ids.sort();
    ids
}

async fn product_ids(app: &TestApp, by: Option<&str>, company: &str, query: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/companies/{company}/products{query}"), by)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

pub async fn cross_company_references(b: Backend) {
    let w = World::build(b).await;
    let app = &w.app;
    let a = &w.company_a;

    // B's owner creates a product under A's id: 403, and nothing is stored in A or B.
    let a_before = product_ids(app, w.owner_a.token(), a, "?limit=100").await;
    let reply = app
        .post(
            &format!("/api/v1/companies/{a}/products"),
            w.owner_b.token(),
            product_body(),
        )
        .await;
    assert_eq!(reply.status, 403, "B creating in A: {}", reply.body);
    assert_eq!(
        product_ids(app, w.owner_a.token(), a, "?limit=100").await,
        a_before
    );
    assert_eq!(
        product_ids(app, w.owner_b.token(), &w.company_b, "").await,
        Vec::<Value>::new()
    );

    // B's owner removes A's staff, through A's path and through B's: refused, staff stays.
    let members_before = member_ids(app, &w.owner_a, a).await;
    let reply = app
        .delete(
            &format!("/api/v1/companies/{a}/members/{}", w.staff_a.id),
            w.owner_b.token(),
        )
        .await;
    assert_eq!(reply.status, 403, "B removing A's staff: {}", reply.body);
    let reply = app
        .delete(
            &format!("/api/v1/companies/{}/members/{}", w.company_b, w.staff_a.id),
            w.owner_b.token(),
        )
        .await;
    assert_eq!(
        reply.status, 404,
        "A's staff is no member of B: {}",
        reply.body
    );
    assert_eq!(member_ids(app, &w.owner_a, a).await, members_before);

    // Outsiders asking A's list for drafts get published items only (here: none).
    let outsiders: [(&str, Option<&str>); 3] = [
        ("supplier B owner", w.owner_b.token()),
        ("buyer", w.buyer.token()),
        ("anonymous", None),
    ];
    for (who, token) in outsiders {
        for query in [
            "?status=draft",
            "?status=pending_review",
            "",
            "?status=published",
        ] {
            let items = product_ids(app, token, a, query).await;
            for item in &items {
                assert_eq!(item["status"], "published", "{who} {query}: {item}");
                assert_ne!(item["id"], json!(w.draft_a), "{who} {query}: draft leaked");
            }
            let sees_published = items.iter().any(|i| i["id"] == json!(w.published_a));
            let should = !query.contains("draft") && !query.contains("pending");
            assert_eq!(sees_published, should, "{who} {query}: {items:?}");
        }
    }
    // …while A's staff sees the draft through the same query.
    let own = product_ids(app, w.staff_a.token(), a, "?status=draft").await;
    assert!(own.iter().any(|i| i["id"] == json!(w.draft_a)));

    // B's owner edits A's draft (404) and published product (403): both unchanged.
    for (id, status) in [(&w.draft_a, 404), (&w.published_a, 403)] {
        let path = format!("/api/v1/products/{id}");
        let before = app.get(&path, w.owner_a.token()).await.expect(200).body;
        let reply = app
            .patch(&path, w.owner_b.token(), json!({"title_en": "taken over"}))
            .await;
        assert_eq!(reply.status, status, "B editing {id}: {}", reply.body);
        assert_eq!(
            app.get(&path, w.owner_a.token()).await.expect(200).body,
            before
        );
    }

    // A's owner moderating A: the operator routes are not theirs.
    let reply = app
        .post(
            &format!("/api/v1/operator/companies/{a}/suspend"),
            w.owner_a.token(),
            json!({"reason": "self-service"}),
        )
        .await;
    assert_eq!(
        reply.status, 403,
        "owner suspending own company: {}",
        reply.body
    );
    let company = app
        .get(&format!("/api/v1/companies/{a}"), None)
        .await
        .expect(200);
    assert_eq!(company.body["status"], "verified");
}

/// Admins manage staff only; staff manage nobody; the last owner stays.
pub async fn admins_manage_staff_only(b: Backend) {
    let w = World::build(b).await;
    let app = &w.app;
    let a = &w.company_a;
    let members_path = format!("/api/v1/companies/{a}/members");

    for role in ["admin", "owner"] {
        let email = w.fresh_supplier_email().await;
        let reply = app
            .post(
                &members_path,
                w.admin_a.token(),
                json!({"email": email, "role": role}),
            )
            .await;
        assert_eq!(reply.status, 403, "admin adding {role}: {}", reply.body);
    }
    let second_admin = app.signup("supplier").await;
    app.add_member(&w.owner_a, a, &second_admin, "admin").await;
    let before = member_ids(app, &w.owner_a, a).await;
    for (target, who) in [(&w.owner_a.id, "owner"), (&second_admin.id, "admin")] {
        let reply = app
            .delete(&format!("{members_path}/{target}"), w.admin_a.token())
            .await;
        assert_eq!(reply.status, 403, "admin removing {who}: {}", reply.body);
    }
    for target in [&w.admin_a.id, &w.owner_a.id] {
        let reply = app
            .delete(&format!("{members_path}/{target}"), w.staff_a.token())
            .await;
        assert_eq!(reply.status, 403, "staff removing {target}: {}", reply.body);
    }
    assert_eq!(member_ids(app, &w.owner_a, a).await, before);

    let reply = app
        .delete(
            &format!("{members_path}/{}", w.owner_a.id),
            w.owner_a.token(),
        )
        .await;
    assert_eq!(reply.status, 409, "the last owner leaving: {}", reply.body);
    assert_eq!(reply.code(), "last_owner");

    // Members may leave.
    let reply = app
        .delete(
            &format!("{members_path}/{}", w.staff_a.id),
            w.staff_a.token(),
        )
        .await;
    assert_eq!(reply.status, 204, "staff leaving: {}", reply.body);
    assert!(!member_ids(app, &w.owner_a, a).await.contains(&w.staff_a.id));
}
