//! Catalog import and export: a file of products becomes products through the background
//! worker with the product API's rules, matched by SKU so a second import updates; refused rows
//! are listed in the error file; the export reads back with the same values and imports again.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::time::{Duration, Instant};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use e2e::{Account, Backend, Reply, TestApp, both_backends, id_of};
use serde_json::{Value, json};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const HEADER: &str = "货号 (sku),中文标题 (title_zh),title_en,类目 (category_id),unit,moq,price_on_request,currency,price_tiers,lead_time_days,place_of_origin,keywords,attributes,images,description";

/// Sends `bytes` as a file with `content_type`.
async fn upload(
    app: &TestApp,
    token: Option<&str>,
    company: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Reply {
    let mut request = app
        .http
        .post(app.url(&format!(
            "/api/v1/companies/{company}/catalog-imports?file_name=products"
        )))
        .header("content-type", content_type)
        .body(bytes);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("upload sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("body");
    Reply {
        status,
        body: serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned())),
        headers,
    }
}

/// A file's bytes, as downloaded.
async fn download(app: &TestApp, token: Option<&str>, path: &str) -> (u16, Vec<u8>) {
    let mut request = app.http.get(app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.bytes().await.expect("body").to_vec())
}

/// Asks the server for the import until it is finished, waiting for a pass of the import
/// worker between looks.
async fn finished(app: &TestApp, token: Option<&str>, company: &str, import: &Value) -> Value {
    let path = format!(
        "/api/v1/companies/{company}/catalog-imports/{}",
        id_of(import)
    );
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let now = app.get(&path, token).await.expect(200).body;
        if now["status"] == "completed" || now["status"] == "failed" {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {now}"
        );
        let left = deadline.saturating_duration_since(Instant::now());
        app.wait_for_passes_within(e2e::Loop::CatalogImports, 1, left)
            .await;
    }
}

/// One good product row for `sku`.
fn good_row(sku: &str, title_en: &str) -> String {
    format!(
        "{sku},保温杯 {sku},{title_en},home-goods.drinkware,piece,100,false,CNY,100:49.90; 1000:42.50,15,浙江永康,保温杯; flask,材质=304不锈钢,,<p>双层真空</p>"
    )
}

/// A file of `rows` rows where every row `i` with `i % 40 == 7` is bad in one of four ways;
/// the bad rows' numbers as a spreadsheet shows them (the header is row 1).
fn file_with_bad_rows(rows: usize, changed_title: &str) -> (String, BTreeSet<i64>) {
    let mut file = format!("{HEADER}\r\n");
    let mut bad = BTreeSet::new();
    for i in 0..rows {
        let sku = format!("SKU-{i:05}");
        let title = if i == 0 {
            changed_title
        } else {
            "Vacuum flask"
        };
        let row = good_row(&sku, title);
        let row = if i % 40 == 7 {
            bad.insert(i as i64 + 2);
            match (i / 40) % 4 {
                0 => row.replace(",100,false,", ",many,false,"),
                1 => row.replace(",piece,", ",,"),
                2 => row.replace(",CNY,", ",RMB,"),
                _ => row.replace("home-goods.drinkware", "no-such.category"),
            }
        } else {
            row
        };
        file.push_str(&row);
        file.push_str("\r\n");
    }
    (file, bad)
}

async fn product_count(app: &TestApp, company: &str) -> usize {
    let id = uuid::Uuid::parse_str(company).unwrap();
    app.with_db(move |conn| {
        domain::catalog::all_live_products_of_company(conn, id)
            .expect("products")
            .len()
    })
    .await
}

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect()
}

async fn an_import_reports_bad_rows_and_a_second_import_updates(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_poll_ms = 50).await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let (file, bad) = file_with_bad_rows(2_000, "Vacuum flask");
    assert_eq!(bad.len(), 50);
    let queued = upload(&app, owner.token(), &company, "text/csv", file.into_bytes())
        .await
        .expect(202)
        .body;
    assert_eq!(queued["rows_total"], 2_000);
    assert_eq!(queued["file_name"], "products");
    let done = finished(&app, owner.token(), &company, &queued).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["rows_done"], 2_000);
    assert_eq!(done["created"], 1_950);
    assert_eq!(done["updated"], 0);
    assert_eq!(done["failed"], 50);
    assert_eq!(product_count(&app, &company).await, 1_950);

    // The error file lists exactly the bad rows, with the product API's field codes.
    let (status, errors) =
        download(&app, owner.token(), done["errors_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let records = csv_records(&errors);
    assert_eq!(records[0], ["row", "field", "code", "message"]);
    let rows: BTreeSet<i64> = records[1..].iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(rows, bad);
    let codes: BTreeSet<(String, String)> = records[1..]
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    for expected in [
        ("moq", "invalid_type"),
        ("unit", "required"),
        ("currency", "invalid_currency"),
        ("category_id", "unknown_category"),
    ] {
        assert!(
            codes.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{expected:?} in {codes:?}"
        );
    }

    // The same file again, with one value changed: every good row updates its product.
    let (file, _) = file_with_bad_rows(2_000, "Vacuum flask (new edition)");
    let again = upload(
        &app,
        owner.token(),
        &company,
        "text/csv; charset=utf-8",
        file.into_bytes(),
    )
    .await
    .expect(202)
    .body;
    let done = finished(&app, owner.token(), &company, &again).await;
    assert_eq!(done["created"], 0, "{done}");
    assert_eq!(done["updated"], 1_950);
    assert_eq!(done["failed"], 50);
    assert_eq!(product_count(&app, &company).await, 1_950);
    let id = uuid::Uuid::parse_str(&company).unwrap();
    let first = app
        .with_db(move |conn| {
            domain::catalog::product_id_by_sku(conn, id, "SKU-00000")
                .expect("query")
                .expect("product")
        })
        .await;
    let product = app
        .get(&format!("/api/v1/products/{first}"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(product["title_en"], "Vacuum flask (new edition)");
    assert_eq!(product["sku"], "SKU-00000");
    assert_eq!(product["price_tiers"][1]["unit_price"], "42.50");
}

/// An .xlsx with typed cells (numbers and a boolean) as a person makes it.
fn workbook(rows: &[[&str; 4]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in [
        "sku",
        "title_en",
        "moq",
        "price_on_request",
        "category_id",
        "unit",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    for (r, [sku, title, moq, _]) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *sku).unwrap();
        sheet.write_string(r, 1, *title).unwrap();
        sheet
            .write_number(r, 2, moq.parse::<f64>().unwrap())
            .unwrap();
        sheet.write_boolean(r, 3, true).unwrap();
        sheet.write_string(r, 4, "home-goods.drinkware").unwrap();
        sheet.write_string(r, 5, "piece").unwrap();
    }
    book.save_to_buffer().unwrap()
}

async fn an_xlsx_import_and_the_templates_work(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_poll_ms = 50).await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let bytes = workbook(&[
        ["X-1", "Teapot", "20", ""],
        ["X-2", "Cup", "500", ""],
        ["X-3", "Mug", "0", ""],
    ]);
    let queued = upload(&app, owner.token(), &company, XLSX, bytes)
        .await
        .expect(202)
        .body;
    assert_eq!(queued["format"], "xlsx");
    let done = finished(&app, owner.token(), &company, &queued).await;
    assert_eq!(
        (done["created"].clone(), done["failed"].clone()),
        (json!(2), json!(1)),
        "{done}"
    );
    let (_, errors) = download(&app, owner.token(), done["errors_url"].as_str().unwrap()).await;
    let records = csv_records(&errors);
    assert_eq!(records[1][..3], ["4", "moq", "out_of_range"]);
    let id = uuid::Uuid::parse_str(&company).unwrap();
    let products = app
        .with_db(move |conn| domain::catalog::all_live_products_of_company(conn, id).unwrap())
        .await;
    assert_eq!(products[1].sku.as_deref(), Some("X-2"));
    assert_eq!(products[1].moq, 500);
    assert!(products[1].price_on_request);

    // The templates: the same header, in both forms, for anyone.
    let (status, csv) = download(&app, None, "/api/v1/catalog-import/template.csv").await;
    assert_eq!(status, 200);
    let header = csv_records(&csv).remove(0);
    assert_eq!(header[0], "货号 (sku)");
    assert_eq!(header.len(), 15);
    let (status, xlsx) = download(&app, None, "/api/v1/catalog-import/template.xlsx").await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("a workbook");
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let first: Vec<String> = range
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(first, header);
}

async fn an_export_reads_back_and_imports_again(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_poll_ms = 50).await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let mut file = format!("{HEADER}\r\n");
    file.push_str(&good_row("A-1", "Flask"));
    file.push_str("\r\n");
    // Text a spreadsheet would run as a formula, commas, quotes and Chinese survive.
    file.push_str("A-2,\"=HYPERLINK(\"\"x\"\")\",\"-5% off, \"\"today\"\"\",home-goods.drinkware,箱,1,true,,,,,,,,\r\n");
    let queued = upload(&app, owner.token(), &company, "text/csv", file.into_bytes())
        .await
        .expect(202)
        .body;
    let done = finished(&app, owner.token(), &company, &queued).await;
    assert_eq!(done["created"], 2, "{done}");

    let (status, csv) = download(
        &app,
        owner.token(),
        &format!("/api/v1/companies/{company}/catalog.csv"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(csv.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(csv.clone()).unwrap();
    assert!(
        text.contains("'=HYPERLINK"),
        "formula cells are neutralized: {text}"
    );
    let records = csv_records(&csv);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1][0], "A-1");
    assert_eq!(records[1][1], "保温杯 A-1");
    assert_eq!(records[1][8], "100:49.90; 1000:42.50");
    assert_eq!(records[1][11], "保温杯; flask");
    assert_eq!(records[1][12], "材质=304不锈钢");
    assert_eq!(records[2][1], "'=HYPERLINK(\"x\")");
    assert_eq!(records[2][2], "'-5% off, \"today\"");
    assert_eq!(records[2][4], "箱");
    assert_eq!(records[2][6], "true");

    let (status, xlsx) = download(
        &app,
        owner.token(),
        &format!("/api/v1/companies/{company}/catalog.xlsx"),
    )
    .await;
    assert_eq!(status, 200);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).expect("a workbook");
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<Vec<String>> = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    c => c.to_string(),
                })
                .collect()
        })
        .collect();
    assert_eq!(cells[0], records[0]);
    assert_eq!(cells[1], records[1]);
    // No apostrophes in the workbook: its text cells are never formulas.
    assert_eq!(cells[2][1], "=HYPERLINK(\"x\")");
    assert_eq!(cells[2][2], "-5% off, \"today\"");

    // The export imports again: every row updates its product, nothing else changes.
    let again = upload(&app, owner.token(), &company, "text/csv", csv)
        .await
        .expect(202)
        .body;
    let done = finished(&app, owner.token(), &company, &again).await;
    assert_eq!(
        (
            done["updated"].clone(),
            done["created"].clone(),
            done["failed"].clone()
        ),
        (json!(2), json!(0), json!(0)),
        "{done}"
    );
    let (_, csv_again) = download(
        &app,
        owner.token(),
        &format!("/api/v1/companies/{company}/catalog.csv"),
    )
    .await;
    assert_eq!(csv_records(&csv_again), records);
}

async fn create_key(app: &TestApp, by: &Account, company: &str, scopes: &[&str]) -> String {
    app.post(
        &format!("/api/v1/companies/{company}/api-keys"),
        by.token(),
        json!({"name": "ERP sync", "scopes": scopes}),
    )
    .await
    .expect(201)
    .body["secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn import_scopes_and_companies_are_enforced(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_poll_ms = 50).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = id_of(&company);
    let (other, other_company) = app.verified_company(&operator).await;
    let other_company = id_of(&other_company);
    let file = format!("{HEADER}\r\n{}\r\n", good_row("K-1", "Flask")).into_bytes();

    let reader = create_key(&app, &owner, &company, &["catalog:read"]).await;
    let refused = upload(&app, Some(&reader), &company, "text/csv", file.clone()).await;
    assert_eq!(
        (refused.status, refused.code()),
        (403, "scope_missing"),
        "{}",
        refused.body
    );
    let writer = create_key(&app, &owner, &company, &["catalog:write"]).await;
    let queued = upload(&app, Some(&writer), &company, "text/csv", file.clone())
        .await
        .expect(202)
        .body;
    let done = finished(&app, Some(&reader), &company, &queued).await;
    assert_eq!(done["created"], 1, "{done}");
    let (status, _) = download(
        &app,
        Some(&reader),
        &format!("/api/v1/companies/{company}/catalog.csv"),
    )
    .await;
    assert_eq!(status, 200);
    // The writer key reads nothing.
    let (status, _) = download(
        &app,
        Some(&writer),
        &format!("/api/v1/companies/{company}/catalog.xlsx"),
    )
    .await;
    assert_eq!(status, 403);

    // Another company's owner sees neither the import nor its errors nor the catalog.
    let import = format!(
        "/api/v1/companies/{company}/catalog-imports/{}",
        id_of(&queued)
    );
    let r = app.get(&import, other.token()).await;
    assert_eq!((r.status, r.code()), (404, "company_not_found"));
    let (status, _) = download(&app, other.token(), &format!("{import}/errors.csv")).await;
    assert_eq!(status, 404);
    let (status, _) = download(
        &app,
        other.token(),
        &format!("/api/v1/companies/{company}/catalog.csv"),
    )
    .await;
    assert_eq!(status, 404);
    let r = upload(&app, other.token(), &company, "text/csv", file).await;
    assert_eq!((r.status, r.code()), (403, "forbidden"));
    // An import of this company asked for under another company's path is not found.
    let r = app
        .get(
            &format!(
                "/api/v1/companies/{other_company}/catalog-imports/{}",
                id_of(&queued)
            ),
            other.token(),
        )
        .await;
    assert_eq!((r.status, r.code()), (404, "catalog_import_not_found"));
}

async fn bad_files_are_refused_with_clear_errors(b: Backend) {
    // No worker: the first upload stays queued, so a second one meets it.
    let app = TestApp::spawn_with(b, |c| {
        c.import_worker = false;
        c.import_max_bytes = 200_000;
    })
    .await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let send = |content_type: &'static str, bytes: Vec<u8>| {
        let app = &app;
        let owner = &owner;
        let company = company.clone();
        async move { upload(app, owner.token(), &company, content_type, bytes).await }
    };
    let r = send("text/csv", b"sku,price,unit\nA,1,piece\n".to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "unknown_column"), "{}", r.body);
    assert!(
        r.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("\"price\"")
    );
    let r = send("text/csv", b"title_en,unit\nA,piece\n".to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "missing_column"));
    assert!(r.body["error"]["message"].as_str().unwrap().contains("sku"));
    let r = send("text/csv", b"sku\n".to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "no_rows"));
    let r = send(XLSX, b"PK\x03\x04 not really a workbook".to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "unreadable_file"));
    let r = send("text/csv", b"sku\n\xff\xfe\x00\n".to_vec()).await;
    assert_eq!((r.status, r.code()), (400, "unreadable_file"));
    let r = send("image/png", b"\x89PNG\r\n".to_vec()).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let r = send("text/csv", vec![b'a'; 200_001]).await;
    assert_eq!((r.status, r.code()), (413, "upload_too_large"));
    let mut many = String::from("sku\n");
    for i in 0..=10_000 {
        many.push_str(&format!("{i}\n"));
    }
    let r = send("text/csv", many.into_bytes()).await;
    assert_eq!((r.status, r.code()), (400, "too_many_rows"));
    let file = format!("{HEADER}\r\n{}\r\n", good_row("Q-1", "Flask")).into_bytes();
    let queued = send("text/csv", file.clone()).await.expect(202).body;
    assert_eq!(queued["status"], "queued");
    let r = send("text/csv", file).await;
    assert_eq!((r.status, r.code()), (409, "import_in_progress"));
}

/// A worker that dies after its first batch: the next worker, once the lease has run out,
/// resumes after the last committed row; the dead worker's batch is never counted twice.
async fn an_import_resumes_after_a_crash_without_duplicates(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_worker = false).await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let mut file = format!("{HEADER}\r\n");
    for i in 0..250 {
        file.push_str(&good_row(&format!("R-{i:03}"), "Flask"));
        file.push_str("\r\n");
    }
    let queued = upload(&app, owner.token(), &company, "text/csv", file.into_bytes())
        .await
        .expect(202)
        .body;
    // The first worker claims the import, commits one batch of 100 rows and dies.
    let lease = time::Duration::seconds(60);
    let (first, second) = app
        .with_db(move |conn| {
            use domain::catalog_import::{claim_import, process_batch, read_claimed};
            let job = claim_import(conn, lease).unwrap().expect("claimed");
            // Leased: nobody else claims it meanwhile.
            assert!(claim_import(conn, lease).unwrap().is_none());
            let sheet = read_claimed(conn, &job).unwrap().expect("readable");
            let first = process_batch(conn, &job, &sheet, &sheet.rows[..100], lease).unwrap();
            // The same worker's stale view of the job (a retry of the committed batch) writes
            // nothing.
            let second = process_batch(conn, &job, &sheet, &sheet.rows[..100], lease).unwrap();
            (first, second)
        })
        .await;
    assert_eq!(first.map(|o| o.created), Some(100));
    assert!(second.is_none());
    let path = format!(
        "/api/v1/companies/{company}/catalog-imports/{}",
        id_of(&queued)
    );
    let now = app.get(&path, owner.token()).await.expect(200).body;
    assert_eq!(
        (now["status"].clone(), now["rows_done"].clone()),
        (json!("running"), json!(100))
    );

    // After the lease, a new worker (a restarted server) takes over from row 100.
    domain::clock::advance(time::Duration::seconds(61));
    let worker = app
        .spawn_sibling(|c| {
            c.import_worker = true;
            c.import_poll_ms = 50;
        })
        .await;
    let done = finished(&worker, owner.token(), &company, &queued).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(
        (
            done["rows_done"].clone(),
            done["created"].clone(),
            done["updated"].clone(),
            done["failed"].clone()
        ),
        (json!(250), json!(250), json!(0), json!(0))
    );
    assert_eq!(product_count(&app, &company).await, 250);
}

/// A product given a SKU between the batch's lookup of it and the batch's insert (a member
/// creating it while the import runs) makes that insert fail halfway through the row. The
/// batch is rolled back and run again with a savepoint per row, so the row updates that
/// product: nothing is lost, duplicated or reported as failed.
async fn a_sku_taken_meanwhile_turns_its_row_into_an_update(b: Backend) {
    let app = TestApp::spawn_with(b, |c| c.import_worker = false).await;
    let owner = app.signup("supplier").await;
    let company = id_of(&app.company(&owner).await);
    let company_id = uuid::Uuid::parse_str(&company).unwrap();
    let mut file = format!("{HEADER}\r\n");
    for sku in ["T-1", "T-2", "T-3"] {
        file.push_str(&good_row(sku, "Flask from the file"));
        file.push_str("\r\n");
    }
    upload(&app, owner.token(), &company, "text/csv", file.into_bytes())
        .await
        .expect(202);
    // The batch looks T-2 up: no product has it yet.
    let stale = app
        .with_db(move |conn| {
            let mut batch = domain::catalog::WriteBatch::sharing_transaction();
            domain::db::transaction(conn, |conn| batch.preload_skus(conn, company_id, &["T-2"]))
                .unwrap();
            batch
        })
        .await;
    let mut taken = e2e::fixtures::product_body();
    taken["sku"] = json!("T-2");
    let taken = app
        .post(
            &format!("/api/v1/companies/{company}/products"),
            owner.token(),
            taken,
        )
        .await
        .expect(201)
        .body;
    let lease = time::Duration::seconds(60);
    let outcome = app
        .with_db(move |conn| {
            use domain::catalog_import::{claim_import, process_batch_from, read_claimed};
            let job = claim_import(conn, lease).unwrap().expect("claimed");
            let sheet = read_claimed(conn, &job).unwrap().expect("readable");
            process_batch_from(conn, &job, &sheet, &sheet.rows, lease, stale).unwrap()
        })
        .await
        .expect("still this worker's");
    assert_eq!(
        (outcome.created, outcome.updated, outcome.failed),
        (2, 1, 0)
    );
    assert_eq!(product_count(&app, &company).await, 3);
    let now = app
        .get(
            &format!("/api/v1/products/{}", id_of(&taken)),
            owner.token(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(now["title_en"], "Flask from the file", "{now}");
}

both_backends!(
    a_sku_taken_meanwhile_turns_its_row_into_an_update,
    an_import_resumes_after_a_crash_without_duplicates,
    an_import_reports_bad_rows_and_a_second_import_updates,
    an_xlsx_import_and_the_templates_work,
    an_export_reads_back_and_imports_again,
    import_scopes_and_companies_are_enforced,
    bad_files_are_refused_with_clear_errors,
);
