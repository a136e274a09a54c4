//! Search through the API: Chinese, English, mixed, traditional and misspelled queries; every
//! filter, sort and facet; paging; freshness after publish and suspension; restart, rebuild
//! and two servers agreeing.

use std::collections::HashSet;

use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};

struct Catalog {
    op: Account,
    a_owner: Account,
    a: String,
    b: String,
    flask: String,
    led: String,
    bolt: String,
    kids_flask: String,
    tshirt: String,
    cnc: String,
}

fn product(
    zh: &str,
    en: &str,
    category: &str,
    moq: i64,
    currency: &str,
    tiers: &[(i64, &str)],
) -> Value {
    let mut body = json!({
        "title_zh": zh, "title_en": en, "category_id": category, "unit": "piece", "moq": moq,
        "keywords": [], "attributes": [], "description": "", "images": []
    });
    if tiers.is_empty() {
        body["price_on_request"] = json!(true);
    } else {
        body["currency"] = json!(currency);
        body["price_tiers"] = json!(
            tiers
                .iter()
                .map(|(q, p)| json!({"min_quantity": q, "unit_price": p}))
                .collect::<Vec<_>>()
        );
    }
    body
}

/// A: verified manufacturer in 浙江省 (CNY). B: unverified trading company in 广东省 whose
/// products an operator approved.
async fn catalog(app: &TestApp) -> Catalog {
    let op = app.operator().await;
    let (a_owner, a) = app.verified_company(&op).await;
    let a = a["id"].as_str().unwrap().to_owned();
    app.patch(&format!("/api/v1/companies/{a}"), a_owner.token(), json!({"english_name": "Ningbo Haitian Drinkware Co., Ltd.", "main_products": ["保温杯", "LED panel light"]})).await.expect(200);
    let b_owner = app.signup("supplier").await;
    let mut body = e2e::fixtures::company_body(None);
    body["legal_name"] = json!("深圳明亮贸易有限公司");
    body["english_name"] = json!("Shenzhen Bright Trading Co., Ltd.");
    body["province"] = json!("广东省");
    body["city"] = json!("深圳市");
    body["company_type"] = json!("trading_company");
    body["main_products"] = json!(["T恤", "thermos"]);
    let b = app
        .post("/api/v1/companies", b_owner.token(), body)
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let flask = app
        .publish(
            &a_owner,
            &a,
            product(
                "304不锈钢真空保温杯 500ml",
                "304 Stainless Steel Vacuum Flask 500ml",
                "home-goods.drinkware",
                100,
                "CNY",
                &[(100, "49.90"), (1000, "42.50")],
            ),
        )
        .await;
    let led = app
        .publish(
            &a_owner,
            &a,
            product(
                "LED平板灯 600x600 40W",
                "LED Panel Light 600x600 40W",
                "lighting.led-panel-lights",
                50,
                "CNY",
                &[(50, "85.00")],
            ),
        )
        .await;
    let bolt = app
        .publish(
            &a_owner,
            &a,
            product(
                "M8 镀锌六角螺栓 GB5782",
                "M8 Zinc Plated Hex Bolt",
                "hardware-tools.fasteners",
                1000,
                "CNY",
                &[(1000, "0.35"), (10000, "0.28")],
            ),
        )
        .await;
    let kids_flask = app
        .publish(
            &b_owner,
            &b,
            product(
                "不锈钢保温杯 儿童款",
                "Kids Stainless Steel Thermos",
                "home-goods.drinkware",
                500,
                "CNY",
                &[(500, "25.00"), (5000, "20.00")],
            ),
        )
        .await;
    let tshirt = app
        .publish(
            &b_owner,
            &b,
            product(
                "纯棉圆领T恤 180g",
                "Cotton Crew Neck T-Shirt 180gsm",
                "textiles-apparel.t-shirts",
                300,
                "USD",
                &[(300, "4.20"), (3000, "3.50")],
            ),
        )
        .await;
    let cnc = app
        .publish(
            &b_owner,
            &b,
            product(
                "CNC立式加工中心 VMC850",
                "",
                "machinery.cnc-machine-tools",
                1,
                "CNY",
                &[],
            ),
        )
        .await;
    for id in [&kids_flask, &tshirt, &cnc] {
        app.post(
            &format!("/api/v1/operator/products/{id}/approve"),
            op.token(),
            json!({}),
        )
        .await
        .expect(200);
    }
    app.wait_for_index().await;
    Catalog {
        op,
        a_owner,
        a,
        b,
        flask,
        led,
        bolt,
        kids_flask,
        tshirt,
        cnc,
    }
}

async fn ids(app: &TestApp, query: &str) -> Vec<String> {
    let reply = app
        .get(&format!("/api/v1/search/products?{query}"), None)
        .await
        .expect(200);
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

fn set(items: &[&String]) -> HashSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn found(app: &TestApp, q: &str) -> HashSet<String> {
    ids(app, &format!("q={}", enc(q)))
        .await
        .into_iter()
        .collect()
}

async fn chinese_english_mixed_traditional_and_misspelled(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    assert_eq!(
        found(&app, "不锈钢保温杯").await,
        set(&[&c.flask, &c.kids_flask]),
        "unspaced Chinese"
    );
    assert_eq!(
        found(&app, "不鏽鋼保溫杯").await,
        set(&[&c.flask, &c.kids_flask]),
        "traditional script"
    );
    assert_eq!(
        found(&app, "stainless steel flask").await,
        set(&[&c.flask]),
        "English, all words"
    );
    assert_eq!(
        found(&app, "Stainless Steel Flasks").await,
        set(&[&c.flask]),
        "case and plural"
    );
    assert_eq!(
        found(&app, "LED panel 600x600").await,
        set(&[&c.led]),
        "mixed with a size"
    );
    assert_eq!(
        found(&app, "ＬＥＤ平板灯").await,
        set(&[&c.led]),
        "full-width Latin"
    );
    assert_eq!(
        found(&app, "M8 螺栓").await,
        set(&[&c.bolt]),
        "model number with Chinese"
    );
    assert_eq!(found(&app, "vmc850").await, set(&[&c.cnc]), "model number");
    assert_eq!(
        found(&app, "500 ml").await,
        set(&[&c.flask]),
        "spaced size finds 500ml"
    );
    assert_eq!(
        found(&app, "stainles steel").await,
        set(&[&c.flask, &c.kids_flask]),
        "one typo"
    );
    assert_eq!(
        found(&app, "thermoss").await,
        set(&[&c.kids_flask]),
        "one typo"
    );
    assert!(
        found(&app, "挖掘机").await.is_empty(),
        "nothing about excavators"
    );
    // No product has every word: the best partial matches, flagged.
    let partial = app
        .get(
            &format!("/api/v1/search/products?q={}", enc("保温杯 挖掘机")),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(partial["matched_all_terms"], false);
    assert!(partial["total"].as_u64().unwrap() >= 2);
    // Highlights mark the matched words and escape the rest.
    let hit = app
        .get(
            &format!("/api/v1/search/products?q={}", enc("保温杯")),
            None,
        )
        .await
        .expect(200)
        .body;
    assert!(
        hit["items"][0]["highlight"]
            .as_str()
            .unwrap()
            .contains("<b>"),
        "{}",
        hit["items"][0]
    );
    // Verified suppliers rank higher on equal text.
    let order = ids(&app, &format!("q={}", enc("不锈钢保温杯"))).await;
    assert_eq!(order.len(), 2);
}

/// The README's example, as written: LED panels by price in CNY. A panel priced in USD at a
/// smaller amount (9.90, 990 minor units) is not sorted among the CNY prices.
async fn readme_price_sort_in_cny(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let panel = |price: &str, currency: &str| {
        product(
            "LED平板灯 600x600 36W",
            "LED Panel Light 600x600 36W",
            "lighting.led-panel-lights",
            50,
            currency,
            &[(50, price)],
        )
    };
    let cheap = app.publish(&c.a_owner, &c.a, panel("60.00", "CNY")).await;
    let usd = app.publish(&c.a_owner, &c.a, panel("9.90", "USD")).await;
    app.wait_for_index().await;
    let reply = app
        .get(
            "/api/v1/search/products?q=LED+panel+600x600&sort=price_asc&currency=CNY",
            None,
        )
        .await
        .expect(200)
        .body;
    let items = reply["items"].as_array().unwrap();
    let got: Vec<(&str, &str, &str)> = items
        .iter()
        .map(|h| {
            (
                h["id"].as_str().unwrap(),
                h["price_min"].as_str().unwrap_or(""),
                h["currency"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let ids: Vec<&str> = got.iter().map(|g| g.0).collect();
    assert_eq!(
        ids,
        vec![cheap.as_str(), c.led.as_str(), usd.as_str()],
        "{got:?}"
    );
}

async fn filters_sorts_and_facets(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let all = set(&[&c.flask, &c.led, &c.bolt, &c.kids_flask, &c.tshirt, &c.cnc]);
    assert_eq!(
        ids(&app, "").await.into_iter().collect::<HashSet<_>>(),
        all,
        "empty q browses"
    );
    assert_eq!(
        ids(&app, "category=home-goods.drinkware")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.flask, &c.kids_flask])
    );
    assert_eq!(
        ids(&app, "category=home-goods")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.flask, &c.kids_flask])
    );
    assert_eq!(
        ids(&app, &format!("region={}", enc("广东省")))
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.kids_flask, &c.tshirt, &c.cnc])
    );
    assert_eq!(
        ids(&app, "verified=true")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.flask, &c.led, &c.bolt])
    );
    assert_eq!(
        ids(&app, "company_type=trading_company")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.kids_flask, &c.tshirt, &c.cnc])
    );
    assert_eq!(
        ids(&app, "moq_max=100")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.flask, &c.led, &c.cnc])
    );
    assert_eq!(
        ids(&app, "price_max=30&currency=CNY")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.bolt, &c.kids_flask])
    );
    assert_eq!(
        ids(&app, "price_min=45&price_max=90&currency=cny")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.flask, &c.led])
    );
    assert_eq!(
        ids(&app, "price_min=4&currency=USD")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        set(&[&c.tshirt])
    );
    let filtered = format!(
        "q={}&verified=true&category=home-goods.drinkware",
        enc("保温杯")
    );
    assert_eq!(ids(&app, &filtered).await, vec![c.flask.clone()]);

    // Prices are compared within one currency: CNY by price, then the USD T-shirt (USD 3.50,
    // 350 minor units, would sit between 0.28 and 20.00 CNY if amounts were compared), then
    // price on request.
    let by_price = ids(&app, "sort=price_asc&currency=CNY").await;
    assert_eq!(
        by_price,
        vec![
            c.bolt.clone(),
            c.kids_flask.clone(),
            c.flask.clone(),
            c.led.clone(),
            c.tshirt.clone(),
            c.cnc.clone()
        ],
        "price on request sorts last"
    );
    let by_price_desc = ids(&app, "sort=price_desc&currency=cny").await;
    assert_eq!(
        by_price_desc,
        vec![
            c.led.clone(),
            c.flask.clone(),
            c.kids_flask.clone(),
            c.bolt.clone(),
            c.tshirt.clone(),
            c.cnc.clone()
        ]
    );
    // The requested currency first, whichever it is.
    let in_usd = ids(&app, "sort=price_asc&currency=USD").await;
    assert_eq!(in_usd.first(), Some(&c.tshirt));
    assert_eq!(in_usd[1], c.bolt);
    assert_eq!(in_usd.last(), Some(&c.cnc));
    // Without a currency: by currency code (CNY before USD), each by price.
    let by_code = ids(&app, "sort=price_asc").await;
    assert_eq!(by_code, by_price);
    let by_price_desc = ids(&app, "sort=price_desc").await;
    assert_eq!(by_price_desc.last(), Some(&c.cnc));
    let newest = ids(&app, "sort=newest").await;
    let names = [
        (&c.flask, "flask"),
        (&c.led, "led"),
        (&c.bolt, "bolt"),
        (&c.kids_flask, "kids"),
        (&c.tshirt, "tshirt"),
        (&c.cnc, "cnc"),
    ];
    let named: Vec<&str> = newest
        .iter()
        .map(|id| {
            names
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| *n)
                .unwrap_or("?")
        })
        .collect();
    assert_eq!(newest.first(), Some(&c.cnc), "approved last; got {named:?}");

    let body = app
        .get("/api/v1/search/products", None)
        .await
        .expect(200)
        .body;
    assert_eq!(body["total"], 6);
    assert_eq!(body["total_is_estimate"], false);
    let facet = |name: &str, value: &str| {
        body["facets"][name]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["value"] == value)
            .map(|f| f["count"].as_u64().unwrap())
    };
    assert_eq!(facet("category", "home-goods"), Some(2));
    assert_eq!(facet("region", "浙江省"), Some(3));
    assert_eq!(facet("verified", "true"), Some(3));
    assert_eq!(facet("verified", "false"), Some(3));
    assert_eq!(facet("company_type", "manufacturer"), Some(3));
    let children = app
        .get("/api/v1/search/products?category=home-goods", None)
        .await
        .expect(200)
        .body;
    assert_eq!(
        children["facets"]["category"][0]["value"],
        "home-goods.drinkware"
    );
    assert!(body["took_ms"].as_f64().is_some());
}

async fn paging_has_no_duplicates_or_gaps(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(
                &format!("/api/v1/search/products?limit=4&sort=newest&cursor={cursor}"),
                None,
            )
            .await
            .expect(200)
            .body;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 6);
    let _ = c;
}

async fn bad_parameters_are_400(b: Backend) {
    let app = TestApp::spawn(b).await;
    for (query, field) in [
        ("sort=cheapest", "sort"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("price_min=-1&currency=CNY", "price_min"),
        ("price_min=10", "currency"),
        ("price_min=10&price_max=5&currency=CNY", "price_min"),
        ("price_max=1.234&currency=CNY", "price_max"),
        // An unknown currency is refused even without a price bound (it orders price sorts).
        ("sort=price_asc&currency=XYZ", "currency"),
        ("price_max=5&currency=XYZ", "currency"),
        ("company_type=factory", "company_type"),
        ("cursor=garbage", "cursor"),
    ] {
        let reply = app
            .get(&format!("/api/v1/search/products?{query}"), None)
            .await
            .expect(400);
        assert!(
            reply.fields().contains(&field.to_owned()),
            "{query}: {}",
            reply.body
        );
    }
    app.get("/api/v1/search/products?moq_max=-5", None)
        .await
        .expect(400);
    app.get("/api/v1/search/products?verified=maybe", None)
        .await
        .expect(400);
    let long = "保".repeat(201);
    let reply = app
        .get(&format!("/api/v1/search/products?q={}", enc(&long)), None)
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["q"]);
    // The limit (the document's maxLength 200) counts what was sent, padding included, on
    // every search and on the search page.
    let padded = format!("保{}", " ".repeat(200));
    for path in [
        "/api/v1/search/products",
        "/api/v1/search/suppliers",
        "/api/v1/search/listings",
        "/api/v1/search/suggest",
    ] {
        let reply = app
            .get(&format!("{path}?q={}", enc(&padded)), None)
            .await
            .expect(400);
        assert_eq!(reply.fields(), vec!["q"], "{path}");
    }
    let page = app
        .get(&format!("/zh/search?q={}", enc(&padded)), None)
        .await;
    assert_eq!(page.status, 400);
    app.get(
        &format!("/api/v1/search/products?q={}", enc(&"保".repeat(200))),
        None,
    )
    .await
    .expect(200);
    app.get("/api/v1/search/suggest?limit=50", None)
        .await
        .expect(400);
    app.get("/api/v1/search/suppliers?limit=500", None)
        .await
        .expect(400);
}

async fn suggestions_and_suppliers(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let s = app
        .get(&format!("/api/v1/search/suggest?q={}", enc("保温")), None)
        .await
        .expect(200)
        .body;
    let words: Vec<&str> = s["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(words.contains(&"保温杯"), "{words:?}");
    let s = app
        .get("/api/v1/search/suggest?q=stain", None)
        .await
        .expect(200)
        .body;
    assert!(
        s["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "stainless"),
        "{s}"
    );

    let r = app
        .get("/api/v1/search/suppliers?q=haitian", None)
        .await
        .expect(200)
        .body;
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    assert_eq!(r["items"][0]["id"], c.a.as_str());
    assert_eq!(r["items"][0]["verified"], true);
    assert_eq!(r["items"][0]["product_count"], 3);
    let r = app
        .get(
            &format!("/api/v1/search/suppliers?q={}", enc("保温杯")),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(r["items"][0]["id"], c.a.as_str(), "main products match");
    let r = app
        .get(
            &format!("/api/v1/search/suppliers?region={}", enc("广东省")),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    assert_eq!(r["items"][0]["id"], c.b.as_str());
    let r = app
        .get(
            "/api/v1/search/suppliers?company_type=trading_company&verified=false",
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(r["total"], 1);
}

async fn index_follows_publish_unpublish_and_suspension(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    // A new product appears.
    let new = app
        .publish(
            &c.a_owner,
            &c.a,
            product(
                "硅胶折叠水杯",
                "Silicone Collapsible Cup",
                "home-goods.drinkware",
                200,
                "CNY",
                &[(200, "9.90")],
            ),
        )
        .await;
    app.wait_for_index().await;
    assert!(found(&app, "折叠水杯").await.contains(&new));
    // Edits are searchable; unpublished and deleted products leave.
    app.patch(
        &format!("/api/v1/products/{new}"),
        c.a_owner.token(),
        json!({"title_en": "Silicone Travel Mug"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert!(found(&app, "travel mug").await.contains(&new));
    app.post(
        &format!("/api/v1/products/{new}/unpublish"),
        c.a_owner.token(),
        json!({}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert!(!found(&app, "travel mug").await.contains(&new));
    app.delete(&format!("/api/v1/products/{}", c.led), c.a_owner.token())
        .await
        .expect(204);
    app.wait_for_index().await;
    assert!(found(&app, "LED panel").await.is_empty());
    // Suspending A removes all its products and the supplier itself; reinstating brings them back.
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", c.a),
        c.op.token(),
        json!({"reason": "投诉成立"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert_eq!(found(&app, "不锈钢保温杯").await, set(&[&c.kids_flask]));
    assert!(
        app.get("/api/v1/search/suppliers?q=haitian", None)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    app.post(
        &format!("/api/v1/operator/companies/{}/reinstate", c.a),
        c.op.token(),
        json!({"reason": "整改完成"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert_eq!(
        found(&app, "不锈钢保温杯").await,
        set(&[&c.flask, &c.kids_flask])
    );
}

async fn restart_resumes_and_a_broken_index_is_rebuilt(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    app.stop().await;
    // While this server is down another one writes.
    let other = app.spawn_sibling(|_| {}).await;
    let new = other
        .publish(
            &c.a_owner,
            &c.a,
            product(
                "铝合金行李箱 20寸",
                "Aluminium Luggage 20 inch",
                "home-goods.storage",
                10,
                "CNY",
                &[(10, "199")],
            ),
        )
        .await;
    let restarted = app.restart().await;
    restarted.wait_for_index().await;
    assert!(
        found(&restarted, "行李箱").await.contains(&new),
        "resumed from its checkpoint"
    );
    assert!(found(&restarted, "保温杯").await.contains(&c.flask));
    restarted.stop().await;
    // A CURRENT that names a missing index: rebuilt at start, not a reason to fail.
    std::fs::write(
        app.config.data_dir.join("search/CURRENT"),
        "idx-does-not-exist",
    )
    .unwrap();
    let rebuilt = app.restart().await;
    rebuilt.wait_for_index().await;
    assert!(found(&rebuilt, "行李箱").await.contains(&new));
    assert_eq!(
        found(&rebuilt, "不锈钢保温杯").await,
        set(&[&c.flask, &c.kids_flask])
    );
}

async fn reindex_swaps_while_queries_run(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let before = found(&app, "保温杯").await;
    let url = app.db.url.clone();
    let data_dir = app.config.data_dir.clone();
    let rebuild = tokio::task::spawn_blocking(move || {
        let pool = domain::db::connect_pool(&url, 2).expect("pool");
        search::rebuild(&search::IndexStore::new(&data_dir), &pool)
            .expect("rebuild")
            .name
    });
    let mut answered = 0;
    while !rebuild.is_finished() {
        assert_eq!(found(&app, "保温杯").await, before);
        answered += 1;
    }
    let new_name = rebuild.await.unwrap();
    // The server follows the swap and keeps indexing into the new index.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.search.current().map(|i| i.name.clone()).ok().as_deref() != Some(new_name.as_str()) {
        assert!(
            std::time::Instant::now() < deadline,
            "server did not follow the swap"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(found(&app, "保温杯").await, before);
    let new = app
        .publish(
            &c.a_owner,
            &c.a,
            product(
                "玻璃水杯",
                "Glass Cup",
                "home-goods.drinkware",
                100,
                "CNY",
                &[(100, "5")],
            ),
        )
        .await;
    app.wait_for_index().await;
    assert!(found(&app, "玻璃水杯").await.contains(&new));
    assert!(answered >= 1);
}

async fn two_servers_agree(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let other = app.spawn_sibling(|_| {}).await;
    other.wait_for_index().await;
    assert_eq!(
        found(&other, "不锈钢保温杯").await,
        found(&app, "不锈钢保温杯").await
    );
    // A write through either server reaches both indexes.
    let new = other
        .publish(
            &c.a_owner,
            &c.a,
            product(
                "竹纤维餐盘",
                "Bamboo Fiber Plate",
                "home-goods.kitchenware",
                500,
                "CNY",
                &[(500, "3.5")],
            ),
        )
        .await;
    app.wait_for_index().await;
    other.wait_for_index().await;
    assert!(found(&app, "竹纤维").await.contains(&new));
    assert!(found(&other, "竹纤维").await.contains(&new));
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", c.b),
        c.op.token(),
        json!({"reason": "x"}),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    other.wait_for_index().await;
    assert_eq!(ids(&app, "").await, ids(&other, "").await);
    assert!(!found(&other, "T恤").await.contains(&c.tshirt));
}

/// Past the count bound the total and the facets are estimates, marked as such; the page of
/// results is still exact.
async fn counts_past_the_bound_are_estimates(b: Backend) {
    let exact = TestApp::spawn(b).await;
    let c = catalog(&exact).await;
    let reply = exact
        .get("/api/v1/search/products?limit=100", None)
        .await
        .expect(200);
    assert_eq!(reply.body["total"], 6);
    assert_eq!(reply.body["total_is_estimate"], false);
    let all = set(&[&c.flask, &c.led, &c.bolt, &c.kids_flask, &c.tshirt, &c.cnc]);
    exact.stop().await;

    // The same database, counted on a sample of 2 hits.
    let sampled = exact
        .spawn_sibling(|config| config.search_count_bound = 2)
        .await;
    sampled.wait_for_index().await;
    let reply = sampled
        .get("/api/v1/search/products?limit=100", None)
        .await
        .expect(200);
    assert_eq!(reply.body["total_is_estimate"], true, "{}", reply.body);
    let total = reply.body["total"].as_u64().unwrap();
    assert!(total >= 2, "{}", reply.body);
    let regions: u64 = reply.body["facets"]["region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].as_u64().unwrap())
        .sum();
    assert!(regions.abs_diff(total) <= 2, "{}", reply.body);
    assert_eq!(
        ids(&sampled, "limit=100")
            .await
            .into_iter()
            .collect::<HashSet<_>>(),
        all
    );
    // Under the bound nothing is estimated.
    let one = sampled
        .get(&format!("/api/v1/search/products?q={}", enc("螺栓")), None)
        .await
        .expect(200);
    assert_eq!(one.body["total_is_estimate"], false, "{}", one.body);
}

both_backends!(
    counts_past_the_bound_are_estimates,
    chinese_english_mixed_traditional_and_misspelled,
    filters_sorts_and_facets,
    readme_price_sort_in_cny,
    paging_has_no_duplicates_or_gaps,
    bad_parameters_are_400,
    suggestions_and_suppliers,
    index_follows_publish_unpublish_and_suspension,
    restart_resumes_and_a_broken_index_is_rebuilt,
    reindex_swaps_while_queries_run,
    two_servers_agree,
    operators_manage_bilingual_synonyms,
);

async fn operators_manage_bilingual_synonyms(b: Backend) {
    let app = TestApp::spawn(b).await;
    let c = catalog(&app).await;
    let ss = app
        .publish(
            &c.a_owner,
            &c.a,
            product(
                "",
                "Inoxa Vacuum Food Jar",
                "home-goods.drinkware",
                100,
                "CNY",
                &[(100, "30")],
            ),
        )
        .await;
    app.wait_for_index().await;
    assert_eq!(
        found(&app, "不锈钢").await,
        set(&[&c.flask, &c.kids_flask]),
        "before: Chinese finds Chinese (the shipped lists do not know the brand word Inoxa)"
    );
    let path = "/api/v1/operator/search/synonyms";
    let body = json!({"groups": [["不锈钢", "stainless steel", "Inoxa"], ["保温杯", "vacuum flask", "thermos"]]});
    let saved = app
        .call(reqwest::Method::PUT, path, c.op.token(), Some(&body))
        .await
        .expect(200)
        .body;
    assert_eq!(saved["groups"][0][1], "stainless steel");
    app.wait_for_index().await;
    // 不锈钢 now also finds the English-only "Inoxa" product; the English phrase finds the Chinese ones.
    assert_eq!(
        found(&app, "不锈钢").await,
        set(&[&c.flask, &c.kids_flask, &ss])
    );
    assert!(found(&app, "stainless steel").await.contains(&ss));
    assert_eq!(
        found(&app, "thermos").await,
        set(&[&c.flask, &c.kids_flask]),
        "保温杯 = vacuum flask = thermos"
    );
    assert_eq!(app.get(path, c.op.token()).await.expect(200).body, saved);
    // Bad groups name the field; buyers and suppliers may not touch synonyms.
    let bad = json!({"groups": [["只有一个"], ["a", "A"]]});
    let reply = app
        .call(reqwest::Method::PUT, path, c.op.token(), Some(&bad))
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["groups[0]", "groups[1]"]);
    app.call(reqwest::Method::PUT, path, c.a_owner.token(), Some(&body))
        .await
        .expect(403);
    // Clearing the set removes the operators' expansion; the shipped defaults stay.
    app.call(
        reqwest::Method::PUT,
        path,
        c.op.token(),
        Some(&json!({"groups": []})),
    )
    .await
    .expect(200);
    app.wait_for_index().await;
    assert_eq!(found(&app, "不锈钢").await, set(&[&c.flask, &c.kids_flask]));
}
