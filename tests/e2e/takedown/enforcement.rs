//! Enforcement: hiding and unhiding items (with a takedown in force alongside), warning,
//! suspending and terminating companies (everything public gone at once and from search as soon as the index applies the change, no reinstatement
//! but by an upheld appeal), what the company sees, appeals, and upheld reports that hide.

use std::time::Instant;

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::*;

async fn hide_and_unhide_items(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Dugongflask").await;
    let outsider = app.signup("supplier").await;
    let offer = sell_offer(&app, &shop, "Dugongpanel").await;
    app.wait_for_index().await;

    let hide = format!("/api/v1/operator/products/{}/hide", shop.product);
    app.post(&hide, op.token(), json!({"reason": ""}))
        .await
        .expect(400);
    app.post(&hide, shop.owner.token(), reason("x"))
        .await
        .expect(403);
    app.post(
        "/api/v1/operator/products/0192f0c4-0000-7000-8000-000000000000/hide",
        op.token(),
        reason("x"),
    )
    .await
    .expect(404);
    let action = app
        .post(&hide, op.token(), reason("商品图片使用他人注册商标"))
        .await
        .expect(201)
        .body;
    let since = Instant::now();
    assert_eq!(action["kind"], "hide");
    assert_eq!(action["subject_type"], "product");
    assert_eq!(action["company_id"], shop.company.as_str());
    assert_eq!(action["source"], "operator");
    assert_eq!(action["in_force"], true);
    product_search_after_indexing(&app, &shop.word, &shop.product, false, since).await;
    assert_product_public(&app, &shop, &shop.product, false).await;
    app.get(
        &format!("/api/v1/products/{}", shop.product),
        shop.staff.token(),
    )
    .await
    .expect(200);
    assert_eq!(
        app.post(&hide, op.token(), reason("again"))
            .await
            .expect(409)
            .code(),
        "already_hidden"
    );
    // The company sees it, with the reason; outsiders do not.
    let seen = app
        .get(
            &format!("/api/v1/companies/{}/enforcement", shop.company),
            shop.staff.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(seen["items"][0]["id"], action["id"]);
    assert_eq!(seen["items"][0]["reason"], "商品图片使用他人注册商标");
    app.get(
        &format!("/api/v1/companies/{}/enforcement", shop.company),
        outsider.token(),
    )
    .await
    .expect(404);
    let action_path = format!("/api/v1/enforcement/{}", action["id"].as_str().unwrap());
    app.get(&action_path, shop.staff.token()).await.expect(200);
    app.get(&action_path, outsider.token()).await.expect(404);
    assert!(
        notification_kinds(&app, &shop.owner)
            .await
            .contains(&"enforcement_action".into())
    );
    // The audit entry has before, after and the reason.
    let audit = app
        .get(
            &format!(
                "/api/v1/operator/audit?subject_id={}&action=hide",
                shop.product
            ),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["before"]["hidden"], false);
    assert_eq!(audit["items"][0]["after"]["hidden"], true);
    assert_eq!(audit["items"][0]["reason"], "商品图片使用他人注册商标");

    let unhide = format!("/api/v1/operator/products/{}/unhide", shop.product);
    let done = app
        .post(&unhide, op.token(), reason("整改完成"))
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    assert_eq!(done["hidden"], false);
    assert_eq!(done["reversed"][0]["reversal"], "unhide");
    assert_eq!(done["reversed"][0]["in_force"], false);
    product_search_after_indexing(&app, &shop.word, &shop.product, true, since).await;
    assert_product_public(&app, &shop, &shop.product, true).await;
    assert_eq!(
        app.post(&unhide, op.token(), reason("again"))
            .await
            .expect(409)
            .code(),
        "not_hidden"
    );

    // A listing the same way.
    let action = app
        .post(
            &format!("/api/v1/operator/listings/{offer}/hide"),
            op.token(),
            reason("虚假宣传"),
        )
        .await
        .expect(201)
        .body;
    let since = Instant::now();
    listing_search_after_indexing(&app, "Dugongpanel", &offer, false, since).await;
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/listings/{offer}"), shop.owner.token())
        .await
        .expect(200);
    assert_eq!(action["subject_type"], "listing");
    app.post(
        &format!("/api/v1/operator/listings/{offer}/unhide"),
        op.token(),
        reason("已核实"),
    )
    .await
    .expect(200);
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(200);

    // Operators list actions by kind and company (the id trimmed, as every filter is).
    let listed = app
        .get(
            &format!(
                "/api/v1/operator/enforcement?company_id=%20{}%20&kind=hide",
                shop.company
            ),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    let in_force = app
        .get("/api/v1/operator/enforcement?in_force=true", op.token())
        .await
        .expect(200)
        .body;
    assert!(in_force["items"].as_array().unwrap().is_empty());
    app.get("/api/v1/operator/enforcement?kind=ban", op.token())
        .await
        .expect(400);
    audit_intact(&app, &op).await;
}

/// Two causes hold the item (a notice the operator accepted, and an operator's hide); lifting
/// the hide leaves the takedown in force.
async fn a_takedown_keeps_an_unhidden_item_down(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Quollflask").await;
    let holder = app.signup("buyer").await;
    let id = app
        .post(
            "/api/v1/takedowns",
            holder.token(),
            notice("product", &shop.product),
        )
        .await
        .expect(201)
        .body["notice"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/operator/products/{}/hide", shop.product),
        op.token(),
        reason("待核实"),
    )
    .await
    .expect(201);
    app.post(
        &format!("/api/v1/operator/takedowns/{id}/accept"),
        op.token(),
        note("成立"),
    )
    .await
    .expect(200);
    let done = app
        .post(
            &format!("/api/v1/operator/products/{}/unhide", shop.product),
            op.token(),
            reason("运营复核"),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(done["hidden"], true, "the takedown still holds it");
    assert_product_public(&app, &shop, &shop.product, false).await;
}

async fn warn_suspend_and_terminate_a_company(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Kowariflask").await;
    let offer = sell_offer(&app, &shop, "Kowaripanel").await;
    let buyer = app.signup("buyer").await;
    app.wait_for_index().await;
    let company = format!("/api/v1/operator/companies/{}", shop.company);

    let warning = app
        .post(
            &format!("{company}/warn"),
            op.token(),
            reason("多次发布重复信息"),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(warning["kind"], "warn");
    assert!(
        notification_kinds(&app, &shop.admin)
            .await
            .contains(&"enforcement_action".into())
    );
    assert!(
        !notification_kinds(&app, &shop.staff)
            .await
            .contains(&"enforcement_action".into())
    );
    app.get(&format!("/api/v1/storefronts/{}", shop.slug), None)
        .await
        .expect(200);

    // The existing suspension is one of the measures the company sees, and may appeal.
    app.post(
        &format!("{company}/suspend"),
        op.token(),
        reason("资质待核"),
    )
    .await
    .expect(200);
    let seen = app
        .get(
            &format!("/api/v1/companies/{}/enforcement", shop.company),
            shop.owner.token(),
        )
        .await
        .expect(200)
        .body;
    let kinds: Vec<&str> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["suspend", "warn"]);
    let suspension = seen["items"][0]["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("{company}/reinstate"),
        op.token(),
        reason("资质已核"),
    )
    .await
    .expect(200);
    let action = app
        .get(
            &format!("/api/v1/enforcement/{suspension}"),
            shop.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(action["in_force"], false);
    assert_eq!(action["reversal"], "reinstate");
    assert_eq!(
        app.post(
            &format!("/api/v1/enforcement/{suspension}/appeal"),
            shop.owner.token(),
            json!({"statement": "x"})
        )
        .await
        .expect(409)
        .code(),
        "not_appealable"
    );

    // Termination: storefront, products, listings and the supplier leave everything public.
    let terminated = app
        .post(
            &format!("{company}/terminate"),
            op.token(),
            reason("售假屡教不改"),
        )
        .await
        .expect(201)
        .body;
    let since = Instant::now();
    product_search_after_indexing(&app, &shop.word, &shop.product, false, since).await;
    listing_search_after_indexing(&app, "Kowaripanel", &offer, false, since).await;
    supplier_search_after_indexing(&app, "Ningbo", &shop.company, false, since).await;
    app.get(&format!("/api/v1/storefronts/{}", shop.slug), None)
        .await
        .expect(404);
    app.get(
        &format!("/api/v1/companies/{}", shop.company),
        buyer.token(),
    )
    .await
    .expect(404);
    app.get(&format!("/api/v1/products/{}", shop.product), None)
        .await
        .expect(404);
    app.get(&format!("/api/v1/listings/{offer}"), None)
        .await
        .expect(404);
    let c = app
        .get(
            &format!("/api/v1/companies/{}", shop.company),
            shop.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(c["status"], "terminated");
    let c = app
        .get(&format!("/api/v1/companies/{}", shop.company), op.token())
        .await
        .expect(200)
        .body;
    assert_eq!(c["status"], "terminated");
    // Final: the ordinary routes refuse.
    for (action, code) in [
        ("reinstate", "invalid_state"),
        ("suspend", "invalid_state"),
        ("verify", "invalid_state"),
    ] {
        let r = app
            .post(&format!("{company}/{action}"), op.token(), reason("x"))
            .await
            .expect(409);
        assert_eq!(r.code(), code, "{action}");
    }
    assert_eq!(
        app.post(&format!("{company}/terminate"), op.token(), reason("again"))
            .await
            .expect(409)
            .code(),
        "company_terminated"
    );
    let audit = app
        .get(
            &format!(
                "/api/v1/operator/audit?subject_id={}&action=terminate",
                shop.company
            ),
            op.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(audit["items"][0]["before"]["terminated"], false);
    assert_eq!(audit["items"][0]["after"]["terminated"], true);
    assert_eq!(audit["items"][0]["reason"], "售假屡教不改");

    // Appeal: owners and admins only, once; an upheld appeal brings everything back.
    let appeal_path = format!(
        "/api/v1/enforcement/{}/appeal",
        terminated["id"].as_str().unwrap()
    );
    let statement = json!({"statement": "涉事商品系员工误传，已全部下架并整改",
                           "evidence_urls": ["https://evidence.example.com/rectification.pdf"]});
    app.post(&appeal_path, shop.staff.token(), statement.clone())
        .await
        .expect(403);
    app.post(&appeal_path, buyer.token(), statement.clone())
        .await
        .expect(404);
    app.post(&appeal_path, shop.owner.token(), json!({"statement": ""}))
        .await
        .expect(400);
    let appeal = app
        .post(&appeal_path, shop.owner.token(), statement.clone())
        .await
        .expect(201)
        .body;
    assert_eq!(
        app.post(&appeal_path, shop.admin.token(), statement)
            .await
            .expect(409)
            .code(),
        "already_appealed"
    );
    let decided = app
        .post(
            &format!(
                "/api/v1/operator/appeals/{}/decide",
                appeal["id"].as_str().unwrap()
            ),
            op.token(),
            json!({"outcome": "upheld", "note": "整改到位，恢复经营"}),
        )
        .await
        .expect(200)
        .body;
    let since = Instant::now();
    assert_eq!(decided["status"], "upheld");
    product_search_after_indexing(&app, &shop.word, &shop.product, true, since).await;
    app.get(&format!("/api/v1/storefronts/{}", shop.slug), None)
        .await
        .expect(200);
    let seen = app
        .get(
            &format!("/api/v1/companies/{}/enforcement", shop.company),
            shop.staff.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(seen["items"][0]["kind"], "terminate");
    assert_eq!(seen["items"][0]["in_force"], false);
    assert_eq!(seen["items"][0]["reversal"], "appeal");
    assert_eq!(seen["items"][0]["appeal"]["status"], "upheld");
    assert_eq!(
        seen["items"][0]["appeal"]["decision_note"],
        "整改到位，恢复经营"
    );
    // Reinstating works again for a later suspension.
    app.post(&format!("{company}/suspend"), op.token(), reason("再核"))
        .await
        .expect(200);
    app.post(&format!("{company}/reinstate"), op.token(), reason("已核"))
        .await
        .expect(200);
    audit_intact(&app, &op).await;
}

async fn an_upheld_report_can_hide_the_item(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let shop = shop(&app, &op, "Possumflask").await;
    let reporter = app.signup("buyer").await;
    app.wait_for_index().await;
    let file = |subject_type: &str, id: &str| json!({"subject_type": subject_type, "subject_id": id, "reason": "counterfeit"});
    let on_product = app
        .post(
            "/api/v1/reports",
            reporter.token(),
            file("product", &shop.product),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_company = app
        .post(
            "/api/v1/reports",
            reporter.token(),
            file("company", &shop.company),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let resolve = |id: &str| format!("/api/v1/operator/reports/{id}/resolve");
    let r = app
        .post(
            &resolve(&on_product),
            op.token(),
            json!({"outcome": "dismissed", "note": "x", "hide_item": true}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["hide_item"]);
    let r = app
        .post(
            &resolve(&on_company),
            op.token(),
            json!({"outcome": "upheld", "note": "x", "hide_item": true}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["hide_item"]);
    app.post(
        &resolve(&on_product),
        op.token(),
        json!({"outcome": "upheld", "note": "假冒商品，已下架", "hide_item": true}),
    )
    .await
    .expect(200);
    let since = Instant::now();
    product_search_after_indexing(&app, &shop.word, &shop.product, false, since).await;
    assert_product_public(&app, &shop, &shop.product, false).await;
    let seen = app
        .get(
            &format!("/api/v1/companies/{}/enforcement", shop.company),
            shop.owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(seen["items"][0]["source"], "report");
    assert_eq!(seen["items"][0]["report_id"], on_product.as_str());
    assert_eq!(seen["items"][0]["reason"], "假冒商品，已下架");
    // The report still reads as upheld for the reporter.
    let mine = app
        .get("/api/v1/reports", reporter.token())
        .await
        .expect(200)
        .body;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == on_product.as_str() && r["status"] == "upheld")
    );
}

both_backends!(
    hide_and_unhide_items,
    a_takedown_keeps_an_unhidden_item_down,
    warn_suspend_and_terminate_a_company,
    an_upheld_report_can_hide_the_item,
);
