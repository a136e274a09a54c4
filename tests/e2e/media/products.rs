//! Product images: attached by id (own or a colleague's uploads only), served publicly while the
//! product is, and no longer once it is hidden, unpublished or its company suspended.

use e2e::media::{Storage, jpeg};
use e2e::{Backend, TestApp, media_backends};
use serde_json::{Value, json};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_default().to_owned()
}

/// A verified company with a published product showing two uploaded images.
async fn shop(app: &TestApp) -> (e2e::Account, String, String, Vec<Value>) {
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cover = app
        .upload(owner.token(), "product_image", &jpeg(900, 600, 1))
        .await
        .expect(201)
        .body;
    let side = app
        .upload(owner.token(), "product_image", &jpeg(600, 900, 2))
        .await
        .expect(201)
        .body;
    let mut body = e2e::fixtures::product_body();
    body["images"] = json!([id(&cover), id(&side)]);
    let product = app.publish(&owner, &id(&company), body).await;
    (owner, id(&company), product, vec![cover, side])
}

async fn published_product_images_are_public_and_cacheable(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let (_, _, product, images) = shop(&app).await;
    let read = app
        .get(&format!("/api/v1/products/{product}"), None)
        .await
        .expect(200)
        .body;
    assert_eq!(read["status"], "published");
    let shown = read["images"].as_array().cloned().unwrap_or_default();
    assert_eq!(shown.len(), 2);
    assert_eq!(shown[0]["id"], images[0]["id"], "the first is the cover");
    let thumb = shown[0]["thumbnail_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, headers, bytes) = app.get_raw(&thumb, None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(headers.get("content-disposition").is_none());
    let img = image::load_from_memory(&bytes).expect("decodes");
    assert_eq!((img.width(), img.height()), (256, 171));
    let etag = headers["etag"].to_str().unwrap_or_default().to_owned();
    let (status, headers, _) = app.get_raw(&thumb, None, &[("if-none-match", &etag)]).await;
    assert_eq!(status, 304);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    let medium = shown[1]["medium_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _, part) = app.get_raw(&medium, None, &[("range", "bytes=0-1")]).await;
    assert_eq!(status, 206);
    assert_eq!(part, [0xFF, 0xD8]);
    app.get(&format!("/api/v1/media/{}", id(&images[1])), None)
        .await
        .expect(200);
}

/// Search results (API and page) show the cover's thumbnail, which anyone may load.
async fn search_results_show_the_cover_thumbnail(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let (owner, company, product, images) = shop(&app).await;
    // A product without pictures has none in the results.
    let mut plain = e2e::fixtures::product_body();
    plain["title_en"] = json!("Plain Vacuum Flask 500ml");
    let bare = app.publish(&owner, &company, plain).await;
    app.wait_for_index().await;
    let hits = app
        .get("/api/v1/search/products?q=vacuum+flask", None)
        .await
        .expect(200)
        .body;
    let items = hits["items"].as_array().cloned().unwrap_or_default();
    let hit = |pid: &str| {
        items
            .iter()
            .find(|h| h["id"] == pid)
            .cloned()
            .unwrap_or_else(|| panic!("{pid} not found in {hits}"))
    };
    let thumb = format!("/api/v1/media/{}/thumbnail", id(&images[0]));
    assert_eq!(hit(&product)["thumbnail_url"], thumb.as_str());
    assert_eq!(hit(&bare)["thumbnail_url"], Value::Null);
    let (status, headers, _) = app.get_raw(&thumb, None, &[]).await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("image/")
    );
    let page = app
        .http
        .get(app.url("/en/search?q=vacuum+flask"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("body")
        .replace("&#x2f;", "/");
    assert!(
        page.contains(&format!("<img class=\"thumb\" src=\"{thumb}\"")),
        "{page}"
    );
    assert_eq!(
        page.matches("<img class=\"thumb\"").count(),
        1,
        "only the product with a picture"
    );
}

async fn hidden_products_images_are_no_longer_served(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let (owner, company, product, images) = shop(&app).await;
    let url = format!("/api/v1/media/{}/thumbnail", id(&images[0]));
    let op = app.operator().await;
    app.post(
        &format!("/api/v1/operator/products/{product}/hide"),
        op.token(),
        json!({"reason": "商品图片使用他人注册商标"}),
    )
    .await
    .expect(201);
    let (status, _, _) = app.get_raw(&url, None, &[]).await;
    assert_eq!(status, 404, "hidden product");
    // Its company still reads it, privately.
    let (status, headers, _) = app.get_raw(&url, owner.token(), &[]).await;
    assert_eq!(status, 200);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap_or_default()
            .starts_with("private")
    );
    app.post(
        &format!("/api/v1/operator/products/{product}/unhide"),
        op.token(),
        json!({"reason": "申诉成立"}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&url, None, &[]).await.0, 200, "shown again");
    // Unpublished by its owner, then the company suspended.
    app.post(
        &format!("/api/v1/products/{product}/unpublish"),
        owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&url, None, &[]).await.0, 404, "unpublished");
    app.post(
        &format!("/api/v1/products/{product}/publish"),
        owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&url, None, &[]).await.0, 200, "published again");
    app.post(
        &format!("/api/v1/operator/companies/{company}/suspend"),
        op.token(),
        json!({"reason": "售假投诉成立"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get_raw(&url, None, &[]).await.0,
        404,
        "company suspended"
    );
}

async fn only_own_or_colleagues_product_images_can_be_attached(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let company = id(&company);
    let colleague = app.signup("supplier").await;
    app.add_member(&owner, &company, &colleague, "staff").await;
    let stranger = app.signup("supplier").await;
    let theirs = app.upload_image(&colleague, "product_image", 50, 50).await;
    let foreign = app.upload_image(&stranger, "product_image", 50, 50).await;
    let logo = app.upload_image(&owner, "company_logo", 50, 50).await;
    let products = format!("/api/v1/companies/{company}/products");
    let with = |images: Value| {
        let mut body = e2e::fixtures::product_body();
        body["images"] = images;
        body
    };
    let r = app
        .post(
            &products,
            owner.token(),
            with(json!([id(&theirs), id(&foreign)])),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["images[1]"]);
    assert_eq!(r.body["error"]["fields"][0]["code"], "unknown_media");
    let r = app
        .post(&products, owner.token(), with(json!([id(&logo)])))
        .await
        .expect(400);
    assert_eq!(r.body["error"]["fields"][0]["code"], "wrong_purpose");
    let r = app
        .post(&products, owner.token(), with(json!(["not-an-id"])))
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["images[0]"]);
    let eleven: Vec<String> = (0..11).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    let r = app
        .post(&products, owner.token(), with(json!(eleven)))
        .await
        .expect(400);
    assert!(r.fields().contains(&"images".to_owned()));
    // A colleague's upload is fine, and attached media are not orphans.
    let p = app
        .post(&products, owner.token(), with(json!([id(&theirs)])))
        .await
        .expect(201)
        .body;
    assert_eq!(p["images"][0]["id"], theirs["id"]);
    let pool = domain::db::connect_pool(&app.db.url, 2).expect("pool");
    let store = api::media::MediaStore::from_config(&app.config).expect("store");
    domain::clock::advance(time::Duration::hours(25));
    let removed = api::media::remove_orphans(&pool, &store, std::time::Duration::from_secs(86_400))
        .await
        .expect("clean-up");
    assert_eq!(
        removed, 2,
        "the stranger's and the logo went, the attached image stayed"
    );
    app.get(&format!("/api/v1/media/{}", id(&theirs)), owner.token())
        .await
        .expect(200);
    // A draft's images are for its company only.
    let (status, _, _) = app
        .get_raw(
            &format!("/api/v1/media/{}/thumbnail", id(&theirs)),
            None,
            &[],
        )
        .await;
    assert_eq!(status, 404);
}

async fn demo_products_get_generated_pictures(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    // Demo companies are owned by demo accounts (addresses under the demo domain).
    let demo_email = format!("owner-{}@{}", id(&company), domain::demo::DEMO_DOMAIN);
    let email = owner.email.clone();
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use domain::db::schema::users;
        diesel::update(users::table.filter(users::email.eq(email)))
            .set(users::email.eq(demo_email))
            .execute(conn)
            .expect("a demo address")
    })
    .await;
    let published = app
        .publish(&owner, &id(&company), e2e::fixtures::product_body())
        .await;
    let draft = id(&app.product(&owner, &id(&company)).await);
    // Somebody else's product on the same marketplace is never pictured.
    let (other, their_company) = app.verified_company(&op).await;
    let theirs = id(&app.product(&other, &id(&their_company)).await);
    let pool = domain::db::connect_pool(&app.db.url, 2).expect("pool");
    let store = api::media::MediaStore::from_config(&app.config).expect("store");
    let drawn = api::media::demo::picture_demo_products(&pool, &store, &app.config.data_dir)
        .await
        .expect("pictures");
    assert_eq!(drawn, 2);
    let again = api::media::demo::picture_demo_products(&pool, &store, &app.config.data_dir)
        .await
        .expect("pictures");
    assert_eq!(again, 0, "pictured products are left alone");
    let untouched = app
        .get(&format!("/api/v1/products/{theirs}"), other.token())
        .await
        .expect(200)
        .body;
    assert_eq!(untouched["images"], json!([]), "{untouched}");
    let read = app
        .get(&format!("/api/v1/products/{published}"), None)
        .await
        .expect(200)
        .body;
    let thumb = read["images"][0]["thumbnail_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, _, bytes) = app.get_raw(&thumb, None, &[]).await;
    assert_eq!(status, 200);
    let img = image::load_from_memory(&bytes).expect("decodes");
    assert_eq!((img.width(), img.height()), (256, 192));
    // The same title draws the same picture: the draft's is the same bytes.
    let d = app
        .get(&format!("/api/v1/products/{draft}"), owner.token())
        .await
        .expect(200)
        .body;
    let (_, _, other) = app
        .get_raw(
            d["images"][0]["thumbnail_url"].as_str().unwrap_or_default(),
            owner.token(),
            &[],
        )
        .await;
    assert_eq!(other, bytes);
    assert_eq!(
        api::media::demo::picture_for("保温杯"),
        api::media::demo::picture_for("保温杯")
    );
    assert_ne!(
        api::media::demo::picture_for("保温杯"),
        api::media::demo::picture_for("注塑机")
    );
}

async fn company_logo_and_banner_are_public_while_the_company_is(b: Backend, s: Storage) {
    let app = TestApp::spawn_media(b, s).await;
    let op = app.operator().await;
    let owner = app.signup("supplier").await;
    let logo = app.upload_image(&owner, "company_logo", 300, 300).await;
    let banner = app.upload_image(&owner, "company_banner", 1600, 400).await;
    let mut body = e2e::fixtures::company_body(None);
    body["logo_id"] = logo["id"].clone();
    body["banner_id"] = json!(id(&banner));
    // A banner is not a logo.
    let mut wrong = body.clone();
    wrong["logo_id"] = banner["id"].clone();
    let r = app
        .post("/api/v1/companies", owner.token(), wrong)
        .await
        .expect(400);
    assert_eq!(r.fields(), vec!["logo_id"]);
    let company = app
        .post("/api/v1/companies", owner.token(), body)
        .await
        .expect(201)
        .body;
    let company_id = id(&company);
    assert_eq!(company["logo"]["id"], logo["id"]);
    let slug = company["slug"].as_str().unwrap_or_default().to_owned();
    let front = app
        .get(&format!("/api/v1/storefronts/{slug}"), None)
        .await
        .expect(200)
        .body;
    let banner_url = front["banner"]["medium_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (status, headers, bytes) = app.get_raw(&banner_url, None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(
        image::load_from_memory(&bytes).expect("decodes").width(),
        800
    );
    let logo_url = front["logo"]["thumbnail_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(app.get_raw(&logo_url, None, &[]).await.0, 200);
    app.post(
        &format!("/api/v1/operator/companies/{company_id}/suspend"),
        op.token(),
        json!({"reason": "售假投诉成立"}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&logo_url, None, &[]).await.0, 404, "suspended");
    assert_eq!(
        app.get_raw(&logo_url, owner.token(), &[]).await.0,
        200,
        "its owner still sees it"
    );
    app.post(
        &format!("/api/v1/operator/companies/{company_id}/reinstate"),
        op.token(),
        json!({"reason": "整改完成"}),
    )
    .await
    .expect(200);
    assert_eq!(app.get_raw(&logo_url, None, &[]).await.0, 200);
    // A replaced logo is no longer the company's public logo.
    let new_logo = app.upload_image(&owner, "company_logo", 200, 200).await;
    app.patch(
        &format!("/api/v1/companies/{company_id}"),
        owner.token(),
        json!({"logo_id": new_logo["id"]}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get_raw(&logo_url, None, &[]).await.0,
        404,
        "the old logo"
    );
}

media_backends!(
    company_logo_and_banner_are_public_while_the_company_is,
    demo_products_get_generated_pictures,
    published_product_images_are_public_and_cacheable,
    search_results_show_the_cover_thumbnail,
    hidden_products_images_are_no_longer_served,
    only_own_or_colleagues_product_images_can_be_attached,
);
