//! Company members: who may add and remove whom; a company never loses its last owner.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

async fn owners_and_admins_manage_members(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let id = company["id"].as_str().unwrap();
    let members = format!("/api/v1/companies/{id}/members");
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    let later = app.signup("supplier").await;

    let added = app
        .post(
            &members,
            owner.token(),
            json!({"email": admin.email.to_uppercase(), "role": "admin"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(added["role"], "admin");
    // Admins add staff, not admins or owners.
    app.post(
        &members,
        admin.token(),
        json!({"email": staff.email, "role": "staff"}),
    )
    .await
    .expect(201);
    assert_eq!(
        app.post(
            &members,
            admin.token(),
            json!({"email": later.email, "role": "admin"})
        )
        .await
        .expect(403)
        .code(),
        "forbidden"
    );
    // Staff manage nobody.
    app.post(
        &members,
        staff.token(),
        json!({"email": later.email, "role": "staff"}),
    )
    .await
    .expect(403);
    // Only supplier accounts in no other company.
    let buyer = app.signup("buyer").await;
    assert_eq!(
        app.post(
            &members,
            owner.token(),
            json!({"email": buyer.email, "role": "staff"})
        )
        .await
        .expect(400)
        .code(),
        "not_a_supplier_account"
    );
    let other_owner = app.signup("supplier").await;
    app.company(&other_owner).await;
    assert_eq!(
        app.post(
            &members,
            owner.token(),
            json!({"email": other_owner.email, "role": "staff"})
        )
        .await
        .expect(409)
        .code(),
        "already_in_company"
    );
    assert_eq!(
        app.post(
            &members,
            owner.token(),
            json!({"email": "nobody@example.com", "role": "staff"})
        )
        .await
        .expect(404)
        .code(),
        "account_not_found"
    );
    assert_eq!(
        app.post(
            &members,
            owner.token(),
            json!({"email": later.email, "role": "boss"})
        )
        .await
        .expect(400)
        .fields(),
        vec!["role"]
    );

    let list = app.get(&members, staff.token()).await.expect(200).body;
    let roles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, vec!["owner", "admin", "staff"]);
    // Outsiders do not see the member list; operators do.
    app.get(&members, other_owner.token()).await.expect(404);
    let op = app.operator().await;
    app.get(&members, op.token()).await.expect(200);

    // Staff cannot remove the admin; the admin removes staff; the owner removes the admin.
    app.delete(&format!("{members}/{}", admin.id), staff.token())
        .await
        .expect(403);
    app.delete(&format!("{members}/{}", staff.id), admin.token())
        .await
        .expect(204);
    app.delete(&format!("{members}/{}", admin.id), owner.token())
        .await
        .expect(204);
    app.delete(&format!("{members}/{}", admin.id), owner.token())
        .await
        .expect(404);
    // Removed members lose access to private data at once.
    app.get(&members, admin.token()).await.expect(404);
}

async fn a_company_keeps_an_owner(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let id = company["id"].as_str().unwrap();
    let members = format!("/api/v1/companies/{id}/members");
    assert_eq!(
        app.delete(&format!("{members}/{}", owner.id), owner.token())
            .await
            .expect(409)
            .code(),
        "last_owner"
    );
    let second = app.signup("supplier").await;
    app.add_member(&owner, id, &second, "owner").await;
    // With two owners one may leave, and then the other is the last.
    app.delete(&format!("{members}/{}", owner.id), owner.token())
        .await
        .expect(204);
    assert_eq!(
        app.delete(&format!("{members}/{}", second.id), second.token())
            .await
            .expect(409)
            .code(),
        "last_owner"
    );
    // The account that left may start or join another company.
    app.company(&owner).await;
}

async fn staff_may_leave(b: Backend) {
    let app = TestApp::spawn(b).await;
    let owner = app.signup("supplier").await;
    let company = app.company(&owner).await;
    let id = company["id"].as_str().unwrap();
    let staff = app.signup("supplier").await;
    app.add_member(&owner, id, &staff, "staff").await;
    app.delete(
        &format!("/api/v1/companies/{id}/members/{}", staff.id),
        staff.token(),
    )
    .await
    .expect(204);
    let me = app.get("/api/v1/me", staff.token()).await.expect(200).body;
    assert!(me["company"].is_null());
}

both_backends!(
    owners_and_admins_manage_members,
    a_company_keeps_an_owner,
    staff_may_leave
);
