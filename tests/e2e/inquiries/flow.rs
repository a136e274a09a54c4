//! A thread's life: messages and status, spam, read markers and unread counts, assignment,
//! the inboxes.

use e2e::{Backend, TestApp, both_backends};
use serde_json::json;

use super::common::*;

async fn status_flow_messages_leads_and_notifications(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let thread = open_thread(&app, &buyer, &a.company).await;

    // The buyer's follow-up leaves it `new` and tells the company's owners and admins.
    write(&app, &buyer, &thread, "Also need a sample")
        .await
        .expect(201);
    let t = app
        .get(&thread_path(&thread, ""), a.owner.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["status"], "new");
    assert_eq!(t.body["inquiry"]["first_response_at"], json!(null));
    assert_eq!(
        recipients(&app, "inquiry_message", &thread).await,
        [a.owner.id.as_str()]
    );
    assert_eq!(
        lead_of(&app, &thread).await.map(|l| l.2),
        Some("new".into())
    );

    // Staff answers: `replied`, first response recorded, lead contacted, buyer notified.
    let reply = write(&app, &staff, &thread, "样品可以免费提供。Samples are free.")
        .await
        .expect(201);
    assert_eq!(reply.body["side"], "supplier");
    assert_eq!(reply.body["author_id"], staff.id.as_str());
    let t = app
        .get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["status"], "replied");
    let first = t.body["inquiry"]["first_response_at"].clone();
    assert!(first.is_string(), "{}", t.body);
    let messages = t.body["messages"].as_array().expect("messages");
    let sides: Vec<&str> = messages
        .iter()
        .map(|m| m["side"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(sides, ["buyer", "buyer", "supplier"]);
    // Attachments are uploads: `media::inquiries` covers them.
    assert_eq!(messages[0]["attachments"], json!([]));
    assert_eq!(messages[2]["body"], "样品可以免费提供。Samples are free.");
    assert_eq!(
        lead_of(&app, &thread).await.map(|l| l.2),
        Some("contacted".into())
    );
    let to_buyer: Vec<_> = notifications(&app)
        .await
        .into_iter()
        .filter(|(u, k, s, _)| u == &buyer.id && k == "inquiry_message" && s == &thread)
        .collect();
    assert_eq!(to_buyer.len(), 1);
    assert_eq!(to_buyer[0].3["from_side"], "supplier");

    // A later answer changes neither the first response nor the lead.
    write(&app, &a.owner, &thread, "Price list attached")
        .await
        .expect(201);
    let t = app
        .get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["first_response_at"], first);
    assert_eq!(
        lead_of(&app, &thread).await.map(|l| l.2),
        Some("contacted".into())
    );

    // Message validation.
    let r = app
        .post(
            &thread_path(&thread, "messages"),
            buyer.token(),
            json!({"body": " "}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["body"]);
    let r = app
        .post(
            &thread_path(&thread, "messages"),
            buyer.token(),
            json!({"body": "x", "attachments": ["ftp://x"]}),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["attachments[0]"]);

    // Either side closes; a closed thread takes no messages from either side.
    let r = app
        .post(&thread_path(&thread, "close"), buyer.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "closed");
    for who in [&buyer, &staff] {
        let r = write(&app, who, &thread, "One more thing")
            .await
            .expect(409);
        assert_eq!(r.code(), "inquiry_closed");
    }
    // Closing again changes nothing.
    let r = app
        .post(&thread_path(&thread, "close"), staff.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "closed");

    // The company closes too.
    let other = open_thread(&app, &buyer, &a.company).await;
    let r = app
        .post(&thread_path(&other, "close"), staff.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "closed");
    assert_eq!(r.body["viewer"], "supplier");
    assert_eq!(
        r.body["first_response_at"],
        json!(null),
        "closing is no response"
    );

    // A suspended company's threads take no messages from either side; the buyer still reads.
    let open = open_thread(&app, &buyer, &a.company).await;
    app.post(
        &format!("/api/v1/operator/companies/{}/suspend", a.company),
        operator.token(),
        json!({"reason": "licence under review"}),
    )
    .await
    .expect(200);
    for who in [&buyer, &staff] {
        let r = write(&app, who, &open, "Still there?").await.expect(409);
        assert_eq!(r.code(), "company_suspended");
    }
    app.get(&thread_path(&open, ""), buyer.token())
        .await
        .expect(200);
}

async fn spam_is_terminal_and_reads_as_closed_to_the_buyer(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let thread = open_thread(&app, &buyer, &a.company).await;
    let kept = open_thread(&app, &buyer, &a.company).await;

    let r = app
        .post(&thread_path(&thread, "spam"), buyer.token(), json!({}))
        .await
        .expect(403);
    assert_eq!(r.code(), "forbidden");
    let r = app
        .post(&thread_path(&thread, "spam"), staff.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "spam");
    assert!(
        r.body["first_response_at"].is_string(),
        "spam counts as a response"
    );
    assert_eq!(
        lead_of(&app, &thread).await.map(|l| l.2),
        Some("lost".into())
    );

    // The buyer sees a closed thread with no response, and cannot write in it.
    let t = app
        .get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["status"], "closed");
    assert_eq!(t.body["inquiry"]["first_response_at"], json!(null));
    assert!(!t.body.to_string().contains("spam"), "{}", t.body);
    let r = write(&app, &buyer, &thread, "Hello?").await.expect(409);
    assert_eq!(r.code(), "inquiry_closed");
    // Nor can the company (spam is terminal); closing it changes nothing.
    write(&app, &a.owner, &thread, "Sorry").await.expect(409);
    let r = app
        .post(&thread_path(&thread, "close"), a.owner.token(), json!({}))
        .await
        .expect(200);
    assert_eq!(r.body["status"], "spam");

    // Inbox filters: the buyer's `closed` includes it, `spam` is not a buyer status.
    let list = app
        .get(
            &format!("{INQUIRIES}?as=buyer&status=closed"),
            buyer.token(),
        )
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    assert_eq!(list.body["items"][0]["id"], thread.as_str());
    assert_eq!(list.body["items"][0]["status"], "closed");
    let r = app
        .get(&format!("{INQUIRIES}?as=buyer&status=spam"), buyer.token())
        .await
        .expect(400);
    assert_eq!(r.fields(), ["status"]);
    // Choices are exact, as the document's enum says: a padded value is not one.
    let r = app
        .get(
            &format!("{INQUIRIES}?as=buyer&status=%20closed"),
            buyer.token(),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["status"]);
    let list = app
        .get(
            &format!("{INQUIRIES}?as=supplier&status=spam"),
            staff.token(),
        )
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
    let list = app
        .get(
            &format!("{INQUIRIES}?as=supplier&status=new"),
            staff.token(),
        )
        .await
        .expect(200);
    assert_eq!(list.body["items"][0]["id"], kept.as_str());
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1));
}

async fn read_markers_and_unread_counts(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let bb = supplier(&app, &operator).await;
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let created = send(
        &app,
        &buyer,
        vec![company(&a.company), company(&bb.company)],
        "Two companies",
    )
    .await
    .expect(201);
    let (ta, tb) = (thread_id(&created.body, 0), thread_id(&created.body, 1));

    assert_eq!(unread(&app, &buyer).await, (0, 0), "the buyer wrote last");
    assert_eq!(unread(&app, &a.owner).await, (0, 1));
    assert_eq!(unread(&app, &staff).await, (0, 1), "one marker per company");
    assert_eq!(unread(&app, &bb.owner).await, (0, 1));
    let list = app.get(INQUIRIES, staff.token()).await.expect(200);
    assert_eq!(
        list.body["as"], "supplier",
        "members default to their company's inbox"
    );
    assert_eq!(list.body["items"][0]["unread"], true);

    // Reading moves the company's marker (staff reads for the whole company).
    app.post(&thread_path(&ta, "read"), staff.token(), json!({}))
        .await
        .expect(204);
    assert_eq!(unread(&app, &a.owner).await, (0, 0));
    assert_eq!(unread(&app, &bb.owner).await, (0, 1), "B's thread is apart");
    // Operators have no side to mark.
    app.post(&thread_path(&ta, "read"), operator.token(), json!({}))
        .await
        .expect(403);

    // The company writes: unread for the buyer, not for the company.
    write(&app, &a.owner, &ta, "Quote attached")
        .await
        .expect(201);
    assert_eq!(unread(&app, &buyer).await, (1, 0));
    assert_eq!(unread(&app, &a.owner).await, (0, 0));
    let list = app
        .get(&format!("{INQUIRIES}?as=buyer"), buyer.token())
        .await
        .expect(200);
    let flags: Vec<(String, bool)> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap_or("").to_owned(),
                i["unread"] == true,
            )
        })
        .collect();
    assert_eq!(flags, [(tb.clone(), false), (ta.clone(), true)]);
    app.post(&thread_path(&ta, "read"), buyer.token(), json!({}))
        .await
        .expect(204);
    assert_eq!(unread(&app, &buyer).await, (0, 0));
    let t = app
        .get(&thread_path(&ta, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["unread"], false);

    // The buyer answers: unread for the company again; writing counts as reading.
    write(&app, &buyer, &ta, "Thanks, can you do 4.50?")
        .await
        .expect(201);
    assert_eq!(unread(&app, &a.owner).await, (0, 1));
    assert_eq!(unread(&app, &buyer).await, (0, 0));
    // A supplier writing to another company counts on its buyer side.
    let t = open_thread(&app, &a.owner, &bb.company).await;
    assert_eq!(unread(&app, &a.owner).await, (0, 1));
    write(&app, &bb.owner, &t, "Hello neighbour")
        .await
        .expect(201);
    assert_eq!(unread(&app, &a.owner).await, (1, 1));
    assert_eq!(
        unread(&app, &bb.owner).await,
        (0, 1),
        "B read its own thread by writing"
    );
}

async fn assignment_rules(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let other = supplier(&app, &operator).await;
    let admin = app.signup("supplier").await;
    let staff = app.signup("supplier").await;
    app.add_member(&a.owner, &a.company, &admin, "admin").await;
    app.add_member(&a.owner, &a.company, &staff, "staff").await;
    let thread = open_thread(&app, &buyer, &a.company).await;
    let assign = |user: serde_json::Value| json!({"user_id": user});

    // Owners and admins assign; staff, the buyer and operators may not.
    for who in [&staff, &buyer, &operator] {
        let r = app
            .post(
                &thread_path(&thread, "assign"),
                who.token(),
                assign(json!(staff.id)),
            )
            .await
            .expect(403);
        assert_eq!(r.code(), "forbidden");
    }
    let r = app
        .post(
            &thread_path(&thread, "assign"),
            a.owner.token(),
            assign(json!(staff.id)),
        )
        .await
        .expect(200);
    assert_eq!(r.body["assigned_to"], staff.id.as_str());
    let notes: Vec<_> = notifications(&app)
        .await
        .into_iter()
        .filter(|(u, k, s, _)| u == &staff.id && k == "inquiry_received" && s == &thread)
        .collect();
    assert_eq!(notes.len(), 1, "the assignee hears of it");
    assert_eq!(notes[0].3["assigned"], true);

    // The assignee must be a member.
    for outsider in [&other.owner.id, &buyer.id] {
        let r = app
            .post(
                &thread_path(&thread, "assign"),
                admin.token(),
                assign(json!(outsider)),
            )
            .await
            .expect(400);
        assert_eq!(r.fields(), ["user_id"]);
        assert_eq!(r.body["error"]["fields"][0]["code"], "not_a_member");
    }
    // The buyer does not see who it is assigned to; the company does.
    let t = app
        .get(&thread_path(&thread, ""), buyer.token())
        .await
        .expect(200);
    assert_eq!(t.body["inquiry"]["assigned_to"], json!(null));

    // Filters.
    let mine = app
        .get(&format!("{INQUIRIES}?assigned_to=me"), staff.token())
        .await
        .expect(200);
    assert_eq!(mine.body["items"][0]["id"], thread.as_str());
    let unassigned = app
        .get(&format!("{INQUIRIES}?assigned_to=none"), a.owner.token())
        .await
        .expect(200);
    assert_eq!(unassigned.body["items"], json!([]));
    let by_id = app
        .get(
            &format!("{INQUIRIES}?assigned_to={}", staff.id),
            a.owner.token(),
        )
        .await
        .expect(200);
    assert_eq!(by_id.body["items"].as_array().map(Vec::len), Some(1));
    let r = app
        .get(
            &format!("{INQUIRIES}?as=buyer&assigned_to=me"),
            buyer.token(),
        )
        .await
        .expect(400);
    assert_eq!(r.fields(), ["assigned_to"]);

    // A buyer's message now goes to the assignee only.
    write(&app, &buyer, &thread, "Any news?").await.expect(201);
    assert_eq!(
        recipients(&app, "inquiry_message", &thread).await,
        [staff.id.as_str()]
    );

    // An admin reassigns to themselves (no notification to oneself), then unassigns.
    let before = count_rows(&app, "notifications").await;
    let r = app
        .post(
            &thread_path(&thread, "assign"),
            admin.token(),
            assign(json!(admin.id)),
        )
        .await
        .expect(200);
    assert_eq!(r.body["assigned_to"], admin.id.as_str());
    assert_eq!(count_rows(&app, "notifications").await, before);
    let r = app
        .post(
            &thread_path(&thread, "assign"),
            admin.token(),
            assign(json!(null)),
        )
        .await
        .expect(200);
    assert_eq!(r.body["assigned_to"], json!(null));
    write(&app, &buyer, &thread, "Hello again")
        .await
        .expect(201);
    let mut last = recipients(&app, "inquiry_message", &thread).await;
    last.drain(..1);
    assert_eq!(
        last,
        [a.owner.id.clone(), admin.id.clone()],
        "back to owners and admins"
    );
}

async fn inbox_lists_page_and_filter(b: Backend) {
    let app = TestApp::spawn(b).await;
    let operator = app.operator().await;
    let buyer = app.signup("buyer").await;
    let a = supplier(&app, &operator).await;
    let mut threads = Vec::new();
    for _ in 0..3 {
        threads.push(open_thread(&app, &buyer, &a.company).await);
    }
    let page1 = app
        .get(&format!("{INQUIRIES}?limit=2"), buyer.token())
        .await
        .expect(200);
    assert_eq!(page1.body["as"], "buyer");
    let ids: Vec<&str> = page1.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        ids,
        [threads[2].as_str(), threads[1].as_str()],
        "newest first"
    );
    let cursor = page1.body["next_cursor"].as_str().expect("cursor");
    let page2 = app
        .get(
            &format!("{INQUIRIES}?limit=2&cursor={cursor}"),
            buyer.token(),
        )
        .await
        .expect(200);
    assert_eq!(page2.body["items"][0]["id"], threads[0].as_str());
    assert_eq!(page2.body["next_cursor"], json!(null));

    // A buyer has no supplier inbox; operators have no inbox of their own.
    let r = app
        .get(&format!("{INQUIRIES}?as=supplier"), buyer.token())
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));
    let r = app.get(INQUIRIES, operator.token()).await.expect(200);
    assert_eq!(r.body["items"], json!([]));
    // The company sees the three, with the buyer's name; as a buyer it has sent none.
    let r = app.get(INQUIRIES, a.owner.token()).await.expect(200);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(3));
    assert_eq!(r.body["items"][0]["buyer_name"], "测试 Tester");
    let r = app
        .get(&format!("{INQUIRIES}?as=buyer"), a.owner.token())
        .await
        .expect(200);
    assert_eq!(r.body["items"], json!([]));

    for bad in [
        "as=seller",
        "status=open",
        "limit=0",
        "cursor=zzz",
        "assigned_to=bob",
    ] {
        let r = app
            .get(&format!("{INQUIRIES}?{bad}"), a.owner.token())
            .await
            .expect(400);
        assert_eq!(r.code(), "validation_failed", "{bad}");
    }
    app.get(INQUIRIES, None).await.expect(401);
    app.get(&format!("{INQUIRIES}/unread"), None)
        .await
        .expect(401);
}

both_backends!(
    status_flow_messages_leads_and_notifications,
    spam_is_terminal_and_reads_as_closed_to_the_buyer,
    read_markers_and_unread_counts,
    assignment_rules,
    inbox_lists_page_and_filter,
);
