//! The supplier's lead inbox: privacy, working a lead, filters, the buyer's grade, notes and
//! the CSV export. Leads are opened here by the domain hook the inquiry and quote services
//! call (`open_lead`); the flows that open them over HTTP have their own tests.

use domain::lead::{LeadSource, LeadStage, open_lead};
use e2e::{Account, Backend, TestApp, both_backends};
use serde_json::{Value, json};
use uuid::Uuid;

/// Opens a lead of `company` for `buyer` (a fresh source id) and returns nothing; the list
/// shows it.
async fn seed_lead(app: &TestApp, company: &str, buyer: &Account, source: LeadSource) {
    let company = Uuid::parse_str(company).unwrap();
    let buyer = Uuid::parse_str(&buyer.id).unwrap();
    app.with_db(move |conn| {
        open_lead(conn, company, buyer, source, Uuid::now_v7(), LeadStage::New).expect("lead")
    })
    .await;
}

fn ids(reply: &Value) -> Vec<String> {
    reply["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn leads_are_private_to_the_company(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let (other_owner, _) = app.verified_company(&operator).await;
    let buyer = app.signup("buyer").await;
    seed_lead(&app, &company, &buyer, LeadSource::Inquiry).await;
    let list = format!("/api/v1/companies/{company}/leads");

    let page = app.get(&list, staff.token()).await.expect(200).body;
    let lead = page["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(page["items"][0]["buyer_name"], "测试 Tester");
    assert_eq!(page["items"][0]["stage"], "new");
    assert_eq!(page["items"][0]["grade"], "regular");
    let one = format!("/api/v1/leads/{lead}");
    // The CRM is the company's own: the buyer, another supplier and operators get 404 on every
    // lead route; anonymous callers 401.
    for who in [&buyer, &other_owner, &operator] {
        app.get(&list, who.token()).await.expect(404);
        app.get(&format!("{list}.csv"), who.token())
            .await
            .expect(404);
        app.get(&one, who.token()).await.expect(404);
        app.patch(&one, who.token(), json!({"stage": "won"}))
            .await
            .expect(404);
        app.post(&format!("{one}/notes"), who.token(), json!({"body": "x"}))
            .await
            .expect(404);
    }
    app.get(&list, None).await.expect(401);
    app.get(&format!("/api/v1/leads/{}", Uuid::now_v7()), owner.token())
        .await
        .expect(404);
    // Unchanged by all of that.
    let detail = app.get(&one, owner.token()).await.expect(200).body;
    assert_eq!(detail["stage"], "new");
    assert_eq!(detail["notes"], json!([]));
}

async fn members_work_leads(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let outsider = app.signup("supplier").await;
    let big = app.signup("buyer").await;
    let small = app.signup("buyer").await;
    seed_lead(&app, &company, &big, LeadSource::Inquiry).await;
    seed_lead(&app, &company, &big, LeadSource::Quote).await;
    seed_lead(&app, &company, &small, LeadSource::Inquiry).await;
    let list = format!("/api/v1/companies/{company}/leads");
    let all = app.get(&list, owner.token()).await.expect(200).body;
    let lead_of = |buyer: &Account| -> Vec<String> {
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["buyer_id"] == buyer.id.as_str())
            .map(|l| l["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let big_leads = lead_of(&big);
    let small_lead = lead_of(&small)[0].clone();
    assert_eq!(big_leads.len(), 2);
    let one = format!("/api/v1/leads/{}", big_leads[0]);

    // Staff work the lead: stage, tags (lower-cased, deduplicated), follow-up date.
    let patched = app
        .patch(
            &one,
            staff.token(),
            json!({"stage": "negotiating", "tags": ["FOB", "fob", "样品"], "follow_up_on": "2026-12-01"}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(patched["stage"], "negotiating");
    assert_eq!(patched["tags"], json!(["fob", "样品"]));
    assert_eq!(patched["follow_up_on"], "2026-12-01");
    // The grade is the buyer's: it changes on both of the big buyer's leads, not the other's,
    // and a new lead of that buyer inherits it.
    app.patch(&one, staff.token(), json!({"grade": "vip"}))
        .await
        .expect(200);
    let vip = app
        .get(&format!("{list}?grade=vip"), owner.token())
        .await
        .expect(200)
        .body;
    let mut expected = big_leads.clone();
    expected.sort();
    let mut got = ids(&vip);
    got.sort();
    assert_eq!(got, expected);
    seed_lead(&app, &company, &big, LeadSource::Inquiry).await;
    let vip = app
        .get(&format!("{list}?grade=vip"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(ids(&vip).len(), 3);

    // Assignment: owners and admins only, to members only; null unassigns.
    app.patch(&one, staff.token(), json!({"assigned_to": staff.id}))
        .await
        .expect(403);
    let reply = app
        .patch(&one, owner.token(), json!({"assigned_to": outsider.id}))
        .await
        .expect(400);
    assert_eq!(reply.fields(), vec!["assigned_to"]);
    let assigned = app
        .patch(&one, owner.token(), json!({"assigned_to": staff.id}))
        .await
        .expect(200)
        .body;
    assert_eq!(assigned["assigned_to"], staff.id.as_str());
    assert_eq!(assigned["assigned_name"], "测试 Tester");
    // Re-sending the same assignee is not a reassignment, so staff may send it.
    app.patch(
        &one,
        staff.token(),
        json!({"assigned_to": staff.id, "stage": "won"}),
    )
    .await
    .expect(200);

    // Filters: stage, tag (any case), assignee, source, follow-up due, combined.
    let q = |query: &str| format!("{list}?{query}");
    let only = |reply: Value| ids(&reply);
    assert_eq!(
        only(
            app.get(&q("stage=won"), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![big_leads[0].clone()]
    );
    assert_eq!(
        only(app.get(&q("tag=FOB"), owner.token()).await.expect(200).body),
        vec![big_leads[0].clone()]
    );
    assert_eq!(
        only(
            app.get(&q("tag=%E6%A0%B7%E5%93%81"), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![big_leads[0].clone()]
    );
    assert!(only(app.get(&q("tag=fo"), owner.token()).await.expect(200).body).is_empty());
    assert_eq!(
        only(
            app.get(&q(&format!("assigned_to={}", staff.id)), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![big_leads[0].clone()]
    );
    assert_eq!(
        only(
            app.get(&q("source=quote"), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![big_leads[0].clone()],
        "the list is newest first, so the quote lead (opened second) comes first"
    );
    assert_eq!(
        only(
            app.get(&q("follow_up_before=2026-12-01"), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![big_leads[0].clone()]
    );
    assert!(
        only(
            app.get(&q("follow_up_before=2026-11-30"), owner.token())
                .await
                .expect(200)
                .body
        )
        .is_empty()
    );
    assert_eq!(
        only(
            app.get(&q("stage=new&grade=regular"), owner.token())
                .await
                .expect(200)
                .body
        ),
        vec![small_lead.clone()]
    );
    // Clearing.
    let cleared = app
        .patch(
            &one,
            owner.token(),
            json!({"assigned_to": null, "follow_up_on": null}),
        )
        .await
        .expect(200)
        .body;
    assert!(cleared["assigned_to"].is_null());
    assert!(cleared["follow_up_on"].is_null());
    assert_eq!(cleared["stage"], "won", "absent fields keep their value");

    // Bad input: 400 with the field.
    for (body, field) in [
        (json!({"stage": "closed"}), "stage"),
        (json!({"grade": "gold"}), "grade"),
        (json!({"follow_up_on": "01/12/2026"}), "follow_up_on"),
        (
            json!({"tags": ["a","b","c","d","e","f","g","h","i","j","k"]}),
            "tags",
        ),
        (json!({"tags": [""]}), "tags[0]"),
        (json!({"assigned_to": "nobody"}), "assigned_to"),
        (json!({"owner": "x"}), "owner"),
    ] {
        let reply = app
            .patch(&one, owner.token(), body.clone())
            .await
            .expect(400);
        assert_eq!(reply.fields(), vec![field], "{body}");
    }
    for query in [
        "stage=x",
        "grade=x",
        "source=x",
        "assigned_to=x",
        "follow_up_before=x",
        "limit=0",
    ] {
        app.get(&q(query), owner.token()).await.expect(400);
    }

    // Notes: private, in order, counted in the list.
    let notes = format!("{one}/notes");
    let note = app
        .post(
            &notes,
            staff.token(),
            json!({"body": "客户要求报FOB宁波价"}),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(note["author_id"], staff.id.as_str());
    app.post(&notes, owner.token(), json!({"body": "已报价"}))
        .await
        .expect(201);
    app.post(&notes, owner.token(), json!({"body": "  "}))
        .await
        .expect(400);
    let detail = app.get(&one, owner.token()).await.expect(200).body;
    let bodies: Vec<&str> = detail["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, vec!["客户要求报FOB宁波价", "已报价"]);
    let listed = app
        .get(&q("stage=won"), owner.token())
        .await
        .expect(200)
        .body;
    assert_eq!(listed["items"][0]["notes_count"], 2);
}

async fn leads_page_without_gaps(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    for _ in 0..7 {
        seed_lead(&app, &company, &buyer, LeadSource::Inquiry).await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get(
                &format!("/api/v1/companies/{company}/leads?limit=3&cursor={cursor}"),
                owner.token(),
            )
            .await
            .expect(200)
            .body;
        seen.extend(ids(&page));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen.len(), 7);
    assert_eq!(sorted.len(), 7);
    let mut newest_first = sorted.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
}

async fn leads_export_as_csv(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let buyer = app.signup("buyer").await;
    seed_lead(&app, &company, &buyer, LeadSource::Inquiry).await;
    seed_lead(&app, &company, &buyer, LeadSource::Quote).await;
    let list = format!("/api/v1/companies/{company}/leads");
    let lead = app.get(&list, owner.token()).await.expect(200).body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.patch(
        &format!("/api/v1/leads/{lead}"),
        owner.token(),
        json!({"tags": ["=HYPERLINK(\"http://x\")", "重点"], "stage": "quoted", "follow_up_on": "2027-01-05"}),
    )
    .await
    .expect(200);

    let reply = app
        .get(&format!("{list}.csv"), owner.token())
        .await
        .expect(200);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/csv; charset=utf-8")
    );
    assert!(
        reply
            .header("content-disposition")
            .unwrap()
            .contains("leads.csv")
    );
    let text = reply.body.as_str().expect("a CSV body").to_owned();
    assert!(text.starts_with('\u{feff}'), "UTF-8 byte-order mark first");
    let mut reader =
        csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        vec![
            "lead_id",
            "created_at",
            "source",
            "source_id",
            "subject",
            "buyer_name",
            "buyer_email",
            "stage",
            "grade",
            "tags",
            "assigned_to",
            "follow_up_on",
            "notes"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!(&first[0], lead.as_str());
    assert_eq!(&first[5], "测试 Tester");
    // Not shared in a thread: no address (see `buyer_email_is_shown_only_where_shared`).
    assert_eq!(&first[6], "");
    assert_eq!(&first[7], "quoted");
    assert_eq!(&first[9], "'=hyperlink(\"http://x\"); 重点");
    assert_eq!(&first[11], "2027-01-05");
    assert!(text.contains("\r\n"), "CRLF line ends");
    // Filters apply to the export too.
    let quoted = app
        .get(&format!("{list}.csv?stage=quoted"), owner.token())
        .await
        .expect(200);
    assert_eq!(quoted.body.as_str().unwrap().lines().count(), 2);
    app.get(&format!("{list}.csv?stage=bogus"), owner.token())
        .await
        .expect(400);
}

/// The whole path over HTTP: a buyer's inquiry opens a lead, assigning the thread assigns the
/// lead, the first reply moves it to `contacted`, and the export carries the inquiry's subject.
async fn inquiries_become_leads(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let staff = app.signup("supplier").await;
    app.add_member(&owner, &company, &staff, "staff").await;
    let buyer = app.signup("buyer").await;
    let thread = app
        .post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({"subject": "求购保温杯 10000只", "message": "请报FOB宁波价",
                   "targets": [{"type": "company", "id": company}]}),
        )
        .await
        .expect(201)
        .body["threads"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let list = format!("/api/v1/companies/{company}/leads");
    let lead = &app.get(&list, owner.token()).await.expect(200).body["items"][0];
    assert_eq!(lead["source"], "inquiry");
    assert_eq!(lead["source_id"], thread.as_str());
    assert_eq!(lead["subject"], "求购保温杯 10000只");
    assert_eq!(lead["stage"], "new");
    let lead_path = format!("/api/v1/leads/{}", lead["id"].as_str().unwrap());

    app.post(
        &format!("/api/v1/inquiries/{thread}/assign"),
        owner.token(),
        json!({"user_id": staff.id}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/inquiries/{thread}/messages"),
        staff.token(),
        json!({"body": "您好，FOB宁波 42.5元/只"}),
    )
    .await
    .expect(201);
    let lead = app.get(&lead_path, staff.token()).await.expect(200).body;
    assert_eq!(lead["assigned_to"], staff.id.as_str());
    assert_eq!(lead["stage"], "contacted");

    let csv = app
        .get(&format!("{list}.csv"), owner.token())
        .await
        .expect(200);
    let text = csv.body.as_str().unwrap();
    assert!(text.contains("求购保温杯 10000只"), "{text}");
    assert!(text.contains(",contacted,"), "{text}");
}

async fn buyer_email_is_shown_only_where_shared(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let (owner, company) = app.verified_company(&operator).await;
    let company = company["id"].as_str().unwrap().to_owned();
    let sharing = app.signup("buyer").await;
    let private = app.signup("buyer").await;
    for (buyer, share) in [(&sharing, true), (&private, false)] {
        app.post(
            "/api/v1/inquiries",
            buyer.token(),
            json!({
                "subject": "询价 Quotation request",
                "message": format!("请报价 {share}"),
                "targets": [{"type": "company", "id": company}],
                "share_email": share,
            }),
        )
        .await
        .expect(201);
    }
    // A lead from a quote shares nothing either.
    seed_lead(&app, &company, &sharing, LeadSource::Quote).await;

    let list = format!("/api/v1/companies/{company}/leads");
    let page = app.get(&list, owner.token()).await.expect(200).body;
    let mut seen: Vec<(String, String, Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["buyer_id"].as_str().unwrap().to_owned(),
                l["source"].as_str().unwrap().to_owned(),
                l["buyer_email"].clone(),
            )
        })
        .collect();
    seen.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut expected = vec![
        (
            sharing.id.clone(),
            "inquiry".to_owned(),
            json!(sharing.email),
        ),
        (sharing.id.clone(), "quote".to_owned(), Value::Null),
        (private.id.clone(), "inquiry".to_owned(), Value::Null),
    ];
    expected.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(seen, expected);

    let csv = app
        .get(&format!("{list}.csv"), owner.token())
        .await
        .expect(200)
        .body;
    let csv = csv.as_str().unwrap();
    assert!(csv.contains(&sharing.email), "{csv}");
    assert!(!csv.contains(&private.email), "{csv}");
}

both_backends!(
    leads_are_private_to_the_company,
    buyer_email_is_shown_only_where_shared,
    members_work_leads,
    leads_page_without_gaps,
    leads_export_as_csv,
    inquiries_become_leads
);
