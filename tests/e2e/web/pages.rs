use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

async fn html(app: &TestApp, path: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let r = app.http.get(app.url(path)).send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    // minijinja's HTML escaping writes `/` in attributes as `&#x2f;`; read it as a browser does.
    let text = r.text().await.expect("body").replace("&#x2f;", "/");
    (status, text, headers)
}

/// The JSON-LD blocks of a page, parsed.
fn jsonld(page: &str) -> Vec<serde_json::Value> {
    page.split("<script type=\"application/ld+json\">")
        .skip(1)
        .map(|rest| {
            let end = rest.find("</script>").expect("closed script");
            serde_json::from_str(&rest[..end]).expect("valid JSON-LD")
        })
        .collect()
}

async fn product_page_is_findable_and_hidden_products_leave(b: Backend) {
    let app = TestApp::spawn_with(b, |c| {
        c.public_url = "https://b2b.example.cn".into();
        c.icp_number = Some("浙ICP备12345678号".into());
        c.operator_name = Some("示例网络科技有限公司".into());
        c.sitemap_urls_per_file = 4;
    })
    .await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap();
    let slug = company["slug"].as_str().unwrap();
    let mut body = e2e::fixtures::product_body();
    body["title_en"] = json!("Vacuum Flask 500ml");
    let id = app.publish(&owner, cid, body).await;
    let other = app
        .publish(&owner, cid, e2e::fixtures::product_body())
        .await;
    let third = app
        .publish(&owner, cid, e2e::fixtures::product_body())
        .await;
    app.wait_for_index().await;

    // `/` picks the language from Accept-Language.
    let no_redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = no_redirect
        .get(app.url("/"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(r.headers()["location"], "/en/");

    // Canonical with the slug, hreflang for both languages, JSON-LD Product with offers.
    let (status, page, headers) = html(&app, &format!("/en/product/{id}/vacuum-flask-500ml")).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(page.contains(&format!(
        "<link rel=\"canonical\" href=\"https://b2b.example.cn/en/product/{id}/vacuum-flask-500ml\">"
    )));
    for (tag, lang) in [("zh-CN", "zh"), ("en", "en"), ("x-default", "zh")] {
        assert!(
            page.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"{tag}\" href=\"https://b2b.example.cn/{lang}/product/{id}/vacuum-flask-500ml\">"
            )),
            "hreflang {tag}"
        );
    }
    assert!(page.contains("name=\"applicable-device\""));
    assert!(page.contains("浙ICP备12345678号") && page.contains("示例网络科技有限公司"));
    assert!(page.contains("<title>Vacuum Flask 500ml"));
    let ld = jsonld(&page);
    let product = ld
        .iter()
        .find(|v| v["@type"] == "Product")
        .expect("Product");
    assert_eq!(product["offers"]["@type"], "AggregateOffer");
    assert_eq!(product["offers"]["lowPrice"], "42.50");
    assert_eq!(product["offers"]["highPrice"], "49.90");
    assert_eq!(product["offers"]["priceCurrency"], "CNY");
    let crumbs = ld
        .iter()
        .find(|v| v["@type"] == "BreadcrumbList")
        .expect("breadcrumbs");
    assert!(crumbs["itemListElement"].as_array().unwrap().len() >= 3);
    // Another slug (or none) redirects to the canonical address.
    let r = no_redirect
        .get(app.url(&format!("/en/product/{id}/old-name")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 301);
    // The Chinese page shows the Chinese title.
    let (_, zh, _) = html(&app, &format!("/zh/product/{id}/vacuum-flask-500ml")).await;
    assert!(zh.contains("<html lang=\"zh-CN\">") && zh.contains("最小起订量"));

    // Storefront: licence facts and Organization.
    let (status, store, _) = html(&app, &format!("/zh/company/{slug}")).await;
    assert_eq!(status, 200);
    assert!(store.contains("宁波测试精密机械有限公司") && store.contains("王建国"));
    assert!(store.contains(company["credit_code"].as_str().unwrap()));
    assert!(jsonld(&store).iter().any(|v| v["@type"] == "Organization"));

    // Search finds it in both languages; the facets are links with counts.
    let (status, found, _) = html(&app, "/zh/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF").await;
    assert_eq!(status, 200);
    assert!(found.contains(&format!("/zh/product/{id}/vacuum-flask-500ml")));
    assert!(found.contains("(3)"), "facet counts: {found}");
    let (_, found_en, _) = html(&app, "/en/search?q=vacuum+flask").await;
    assert!(found_en.contains(&format!("/en/product/{id}/")));

    // The sitemap index has several files at 4 URLs (2 products) per file; every public
    // product is in one of them.
    let (status, index, _) = html(&app, "/sitemap.xml").await;
    assert_eq!(status, 200);
    let files: Vec<String> = index
        .split("<loc>")
        .skip(1)
        .map(|s| s[..s.find("</loc>").unwrap()].replace("https://b2b.example.cn", ""))
        .collect();
    // Suppliers, live listings, and two files of products.
    assert_eq!(files.len(), 4, "{index}");
    let mut all = String::new();
    for f in &files {
        let (status, text, _) = html(&app, f).await;
        assert_eq!(status, 200, "{f}");
        all.push_str(&text);
    }
    for p in [&id, &other, &third] {
        assert!(
            all.contains(&format!("/zh/product/{p}")),
            "{p} in the sitemap"
        );
    }
    assert!(all.contains(&format!("/en/company/{slug}")));
    assert!(all.contains("/zh/rules<") && all.contains("/en/transparency<"));

    // An operator hides a product: 404 page, gone from search and sitemap.
    app.post(
        &format!("/api/v1/operator/products/{other}/hide"),
        op.token(),
        json!({"reason": "虚假宣传"}),
    )
    .await
    .expect(201);
    app.get(&format!("/api/v1/products/{other}"), None)
        .await
        .expect(404);
    {
        app.wait_for_index().await;
        let (status, _, _) = html(&app, &format!("/zh/product/{other}")).await;
        assert_eq!(status, 404);
        let (_, found, _) = html(&app, "/zh/search?q=%E4%BF%9D%E6%B8%A9%E6%9D%AF").await;
        assert!(!found.contains(&other));
        let mut all = String::new();
        let (_, index, _) = html(&app, "/sitemap.xml").await;
        for s in index.split("<loc>").skip(1) {
            let f = s[..s.find("</loc>").unwrap()].replace("https://b2b.example.cn", "");
            all.push_str(&html(&app, &f).await.1);
        }
        assert!(!all.contains(&other), "hidden product left the sitemap");
    }

    // Deleted: 410; never existed: 404; nonsense: 404 page, not a stack trace.
    app.delete(&format!("/api/v1/products/{third}"), owner.token())
        .await
        .expect(204);
    assert_eq!(html(&app, &format!("/en/product/{third}")).await.0, 410);
    let (status, page, _) = html(&app, &format!("/en/product/{}", uuid::Uuid::now_v7())).await;
    assert_eq!(status, 404);
    assert!(page.contains("Page not found"));
    assert_eq!(html(&app, "/en/product/not-a-uuid").await.0, 404);
    assert_eq!(html(&app, "/zh/search?sort=bogus").await.0, 400);
    assert_eq!(html(&app, "/zh/no/such/page").await.0, 404);

    // The stylesheet has a hashed name and is immutable.
    let css = page
        .split("href=\"/assets/")
        .nth(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .unwrap();
    let (status, _, headers) = html(&app, &format!("/assets/{css}")).await;
    assert_eq!(status, 200);
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(html(&app, "/robots.txt").await.0, 200);
    // Home, directory and a category page render in both languages.
    for path in [
        "/zh/",
        "/en/",
        "/zh/suppliers",
        "/en/category/home-goods.drinkware",
    ] {
        assert_eq!(html(&app, path).await.0, 200, "{path}");
    }
}

/// The search page's price and order-quantity form: the same filter as the API's, the other
/// parameters carried along, bad amounts a 400 page.
async fn search_page_filters_by_price_and_order_quantity(b: Backend) {
    let app = TestApp::spawn(b).await;
    let op = app.operator().await;
    let (owner, company) = app.verified_company(&op).await;
    let cid = company["id"].as_str().unwrap();
    // 42.50–49.90 CNY from 100 pieces.
    let cheap = app
        .publish(&owner, cid, e2e::fixtures::product_body())
        .await;
    let mut body = e2e::fixtures::product_body();
    body["title_en"] = json!("Premium Vacuum Flask 500ml");
    body["moq"] = json!(5000);
    body["price_tiers"] = json!([{"min_quantity": 5000, "unit_price": "120.00"}]);
    let dear = app.publish(&owner, cid, body).await;
    app.wait_for_index().await;

    let link = |id: &str| format!("/en/product/{id}/");
    let (status, page, _) = html(&app, "/en/search?q=flask").await;
    assert_eq!(status, 200);
    assert!(page.contains(&link(&cheap)) && page.contains(&link(&dear)));
    // The form carries the query along.
    assert!(
        page.contains("<input type=\"hidden\" name=\"q\" value=\"flask\">"),
        "{page}"
    );

    let (_, page, _) = html(&app, "/en/search?q=flask&price_max=60&currency=CNY").await;
    assert!(
        page.contains(&link(&cheap)) && !page.contains(&link(&dear)),
        "{page}"
    );
    let (_, page, _) = html(&app, "/en/search?q=flask&price_min=100&currency=CNY").await;
    assert!(!page.contains(&link(&cheap)) && page.contains(&link(&dear)));
    // In another currency neither is priced.
    let (_, page, _) = html(&app, "/en/search?q=flask&price_min=1&currency=USD").await;
    assert!(!page.contains(&link(&cheap)) && !page.contains(&link(&dear)));
    let (_, page, _) = html(&app, "/en/search?q=flask&moq_max=1000").await;
    assert!(page.contains(&link(&cheap)) && !page.contains(&link(&dear)));
    // Paging links keep the filter.
    assert!(page.contains("moq_max=1000"));

    for bad in [
        "/en/search?q=flask&price_min=cheap",
        "/en/search?q=flask&price_min=80&price_max=10",
        "/en/search?q=flask&moq_max=-3",
    ] {
        assert_eq!(html(&app, bad).await.0, 400, "{bad}");
    }
}

both_backends!(
    product_page_is_findable_and_hidden_products_leave,
    search_page_filters_by_price_and_order_quantity,
);
