//! Hand-kept portable schema: `diesel print-schema` differs per backend, so this file is the
//! one both backends are checked against: the row structs select every column, and the e2e
//! tests run each of them on both backends.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        account_type -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        email_verified_at -> Nullable<Timestamp>,
        pending_email -> Nullable<Text>,
        token_version -> Integer,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        user_id -> Text,
        family_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    web_sessions (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        family_id -> Text,
        token_version -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        parent_id -> Nullable<Text>,
        name_zh -> Text,
        name_en -> Text,
        position -> Integer,
    }
}

diesel::table! {
    companies (id) {
        id -> Text,
        slug -> Text,
        legal_name -> Text,
        english_name -> Nullable<Text>,
        credit_code -> Text,
        legal_representative -> Text,
        registered_address -> Text,
        province -> Text,
        city -> Text,
        business_scope -> Text,
        year_established -> Nullable<Integer>,
        employee_range -> Nullable<Text>,
        company_type -> Text,
        main_products -> Text,
        contacts -> Text,
        logo_id -> Nullable<Text>,
        banner_id -> Nullable<Text>,
        description -> Text,
        certifications -> Text,
        verification_status -> Text,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<Text>,
        suspended_at -> Nullable<Timestamp>,
        status_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        response_rate_pct -> Nullable<Integer>,
        licence_scan_id -> Nullable<Text>,
        licence_expires_on -> Nullable<Date>,
        licence_warned_days -> Nullable<Integer>,
        credit_score -> Nullable<Integer>,
    }
}

diesel::table! {
    company_members (company_id, user_id) {
        company_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        company_id -> Text,
        status -> Text,
        title_zh -> Nullable<Text>,
        title_en -> Nullable<Text>,
        description -> Text,
        category_id -> Text,
        attributes -> Text,
        images -> Text,
        unit -> Text,
        moq -> BigInt,
        price_on_request -> Bool,
        currency -> Nullable<Text>,
        price_tiers -> Text,
        price_min_minor -> Nullable<BigInt>,
        price_max_minor -> Nullable<BigInt>,
        lead_time_days -> Nullable<Integer>,
        place_of_origin -> Nullable<Text>,
        keywords -> Text,
        review_note -> Nullable<Text>,
        published_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        changes_requested_at -> Nullable<Timestamp>,
        sku -> Nullable<Text>,
    }
}

diesel::table! {
    moderation_decisions (id) {
        id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        action -> Text,
        reason -> Text,
        actor_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        topic -> Text,
        entity_id -> Text,
        payload -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    listings (id) {
        id -> Text,
        kind -> Text,
        owner_id -> Text,
        company_id -> Nullable<Text>,
        status -> Text,
        title -> Text,
        description -> Text,
        category_id -> Text,
        quantity -> BigInt,
        unit -> Text,
        price_minor -> Nullable<BigInt>,
        currency -> Nullable<Text>,
        delivery_region -> Nullable<Text>,
        incoterm -> Nullable<Text>,
        valid_until -> Timestamp,
        attachments -> Text,
        quote_count -> Integer,
        max_quotes -> Integer,
        review_note -> Nullable<Text>,
        expiry_notified_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        changes_requested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    quotes (id) {
        id -> Text,
        listing_id -> Text,
        company_id -> Text,
        author_id -> Text,
        status -> Text,
        unit_price_minor -> BigInt,
        currency -> Text,
        moq -> BigInt,
        lead_time_days -> Integer,
        incoterm -> Nullable<Text>,
        valid_until -> Timestamp,
        message -> Text,
        revision -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        attachments -> Text,
    }
}

diesel::table! {
    quote_revisions (id) {
        id -> Text,
        quote_id -> Text,
        revision -> Integer,
        snapshot -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inquiries (id) {
        id -> Text,
        batch_id -> Text,
        buyer_id -> Text,
        company_id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        subject -> Text,
        quantity -> Nullable<BigInt>,
        unit -> Nullable<Text>,
        status -> Text,
        assigned_to -> Nullable<Text>,
        content_hash -> Text,
        first_response_at -> Nullable<Timestamp>,
        buyer_read_at -> Nullable<Timestamp>,
        supplier_read_at -> Nullable<Timestamp>,
        last_message_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        buyer_shares_email -> Bool,
    }
}

diesel::table! {
    inquiry_messages (id) {
        id -> Text,
        inquiry_id -> Text,
        author_id -> Text,
        side -> Text,
        body -> Text,
        attachments -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    buyer_blocks (company_id, buyer_id) {
        company_id -> Text,
        buyer_id -> Text,
        blocked_by -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    leads (id) {
        id -> Text,
        company_id -> Text,
        buyer_id -> Text,
        source_type -> Text,
        source_id -> Text,
        stage -> Text,
        tags -> Text,
        grade -> Text,
        assigned_to -> Nullable<Text>,
        follow_up_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lead_notes (id) {
        id -> Text,
        lead_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Text,
        payload -> Text,
        read_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    screening_rules (id) {
        id -> Text,
        kind -> Text,
        text -> Text,
        action -> Text,
        category -> Text,
        exceptions -> Text,
        note -> Nullable<Text>,
        enabled -> Bool,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    screening_results (subject_type, subject_id) {
        subject_type -> Text,
        subject_id -> Text,
        outcome -> Text,
        hits -> Text,
        screened_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> Text,
        before -> Text,
        after -> Text,
        reason -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        reporter_id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        reason -> Text,
        details -> Text,
        evidence_urls -> Text,
        status -> Text,
        resolution_note -> Nullable<Text>,
        handled_by -> Nullable<Text>,
        handled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        evidence_attachments -> Text,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(web_sessions -> users (user_id));
diesel::joinable!(company_members -> companies (company_id));
diesel::joinable!(company_members -> users (user_id));
diesel::joinable!(products -> companies (company_id));
diesel::joinable!(products -> categories (category_id));
diesel::joinable!(listings -> categories (category_id));
diesel::joinable!(quotes -> listings (listing_id));
diesel::joinable!(quotes -> companies (company_id));
diesel::joinable!(quote_revisions -> quotes (quote_id));
diesel::joinable!(inquiries -> companies (company_id));
diesel::joinable!(inquiry_messages -> inquiries (inquiry_id));
diesel::joinable!(leads -> companies (company_id));
diesel::joinable!(lead_notes -> leads (lead_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    refresh_tokens,
    web_sessions,
    categories,
    companies,
    company_members,
    products,
    moderation_decisions,
    outbox,
    search_synonyms,
    listings,
    quotes,
    quote_revisions,
    inquiries,
    inquiry_messages,
    buyer_blocks,
    leads,
    lead_notes,
    notifications,
    screening_rules,
    screening_results,
    audit_log,
    reports,
    app_secrets,
    email_preferences,
    consent_events,
    subscriptions,
    lead_matches,
    outbox_consumers,
    email_jobs,
    email_suppressions,
    email_address_failures,
    email_domain_pauses,
    email_events,
    penalties,
    ratings,
    credit_profiles,
    review_items,
    change_requests,
    item_holds,
    enforcement_actions,
    takedown_notices,
    takedown_events,
    appeals,
    company_closures,
);

diesel::table! {
    search_synonyms (id) {
        id -> Text,
        position -> Integer,
        terms -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    app_secrets (name) {
        name -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    email_preferences (user_id) {
        user_id -> Text,
        language -> Text,
        lead_consent -> Text,
        consent_requested_at -> Nullable<Timestamp>,
        consent_confirmed_at -> Nullable<Timestamp>,
        consent_withdrawn_at -> Nullable<Timestamp>,
        tracking_enabled -> Bool,
        unengaged_sends -> Integer,
        repermission_sent_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    consent_events (id) {
        id -> Text,
        user_id -> Text,
        email -> Text,
        event -> Text,
        method -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        name -> Text,
        query -> Text,
        target_id -> Nullable<Text>,
        frequency -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lead_matches (id) {
        id -> Text,
        user_id -> Text,
        subscription_id -> Nullable<Text>,
        item_type -> Text,
        item_id -> Text,
        company_id -> Text,
        frequency -> Text,
        status -> Text,
        drop_reason -> Nullable<Text>,
        email_job_id -> Nullable<Text>,
        matched_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox_consumers (name) {
        name -> Text,
        position -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    email_jobs (id) {
        id -> Text,
        message_id -> Text,
        dedupe_key -> Nullable<Text>,
        category -> Text,
        kind -> Text,
        user_id -> Nullable<Text>,
        to_address -> Text,
        to_domain -> Text,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        list_unsubscribe -> Nullable<Text>,
        tracking -> Bool,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_suppressions (address) {
        address -> Text,
        reason -> Text,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    email_address_failures (address) {
        address -> Text,
        soft_bounces -> Integer,
        first_failure_at -> Timestamp,
        last_failure_at -> Timestamp,
    }
}

diesel::table! {
    email_domain_pauses (domain) {
        domain -> Text,
        paused_until -> Timestamp,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    email_events (id) {
        id -> Text,
        job_id -> Text,
        user_id -> Nullable<Text>,
        event -> Text,
        detail -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    penalties (id) {
        id -> Text,
        company_id -> Text,
        points -> Integer,
        reason_code -> Text,
        note -> Text,
        report_id -> Nullable<Text>,
        subject_type -> Nullable<Text>,
        subject_id -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    ratings (id) {
        id -> Text,
        company_id -> Text,
        rater_id -> Text,
        source_type -> Text,
        source_id -> Text,
        stars -> Integer,
        comment -> Text,
        status -> Text,
        moderation_note -> Nullable<Text>,
        moderated_by -> Nullable<Text>,
        moderated_at -> Nullable<Timestamp>,
        reply -> Nullable<Text>,
        replied_by -> Nullable<Text>,
        replied_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    credit_profiles (company_id) {
        company_id -> Text,
        formula_version -> Integer,
        score -> Integer,
        verified -> Bool,
        days_on_platform -> Integer,
        response_rate_pct -> Nullable<Integer>,
        rating_count -> Integer,
        rating_sum -> Integer,
        upheld_complaints -> Integer,
        active_points -> Integer,
        penalty_level -> Text,
        computed_at -> Timestamp,
    }
}

diesel::table! {
    review_items (id) {
        id -> Text,
        kind -> Text,
        subject_id -> Text,
        target_type -> Text,
        target_id -> Text,
        company_id -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        category_id -> Nullable<Text>,
        title -> Text,
        screening -> Text,
        open_reports -> Integer,
        risk -> Text,
        status -> Text,
        entered_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        outcome -> Nullable<Text>,
        reason_code -> Nullable<Text>,
        note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        company_id -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        requested_by -> Text,
        status -> Text,
        base -> Text,
        proposed -> Text,
        changes -> Text,
        revision -> Integer,
        reason_code -> Nullable<Text>,
        note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    item_holds (id) {
        id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        source_type -> Text,
        source_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enforcement_actions (id) {
        id -> Text,
        kind -> Text,
        subject_type -> Text,
        subject_id -> Text,
        company_id -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        reason -> Text,
        source -> Text,
        report_id -> Nullable<Text>,
        actor_id -> Text,
        created_at -> Timestamp,
        reversed_at -> Nullable<Timestamp>,
        reversed_by -> Nullable<Text>,
        reversal -> Nullable<Text>,
        reversal_reason -> Nullable<Text>,
    }
}

diesel::table! {
    takedown_notices (id) {
        id -> Text,
        notifier_id -> Text,
        subject_type -> Text,
        subject_id -> Text,
        company_id -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        rights_type -> Text,
        rights_holder -> Text,
        registration_number -> Text,
        description -> Text,
        evidence_urls -> Text,
        good_faith -> Bool,
        status -> Text,
        counter_deadline -> Nullable<Timestamp>,
        counter_statement -> Nullable<Text>,
        counter_evidence_urls -> Nullable<Text>,
        countered_at -> Nullable<Timestamp>,
        countered_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        closed_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        evidence_attachments -> Text,
        counter_evidence_attachments -> Text,
    }
}

diesel::table! {
    takedown_events (id) {
        id -> Text,
        notice_id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        party -> Text,
        kind -> Text,
        note -> Text,
    }
}

diesel::table! {
    appeals (id) {
        id -> Text,
        target_type -> Text,
        target_id -> Text,
        company_id -> Nullable<Text>,
        owner_id -> Nullable<Text>,
        appellant_id -> Text,
        statement -> Text,
        evidence_urls -> Text,
        status -> Text,
        decision_note -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    company_closures (company_id) {
        company_id -> Text,
        closed_by -> Text,
        reason -> Text,
        members -> Text,
        closed_at -> Timestamp,
        purged_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    media (id) {
        id -> Text,
        owner_id -> Text,
        purpose -> Text,
        kind -> Text,
        source_type -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        variants -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    media_links (media_id, target_type, target_id) {
        media_id -> Text,
        target_type -> Text,
        target_id -> Text,
        position -> Integer,
        created_at -> Timestamp,
    }
}

diesel::joinable!(media_links -> media (media_id));
diesel::allow_tables_to_appear_in_same_query!(media, media_links);

diesel::table! {
    policy_documents (id) {
        id -> Text,
        kind -> Text,
        version -> Integer,
        title_zh -> Text,
        title_en -> Text,
        body_zh -> Text,
        body_en -> Text,
        change_note -> Text,
        published_by -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    policy_acceptances (id) {
        id -> Text,
        user_id -> Text,
        document_id -> Text,
        accepted_at -> Timestamp,
    }
}

diesel::joinable!(policy_acceptances -> policy_documents (document_id));
diesel::allow_tables_to_appear_in_same_query!(policy_documents, policy_acceptances);

diesel::table! {
    api_keys (id) {
        id -> Text,
        company_id -> Text,
        created_by -> Text,
        name -> Text,
        scopes -> Text,
        secret_hash -> Text,
        prefix -> Text,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Text,
        company_id -> Text,
        created_by -> Text,
        url -> Text,
        event_types -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_expires_at -> Nullable<Timestamp>,
        status -> Text,
        failing_since -> Nullable<Timestamp>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        endpoint_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_response_code -> Nullable<Integer>,
        last_latency_ms -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Text,
        delivery_id -> Text,
        attempted_at -> Timestamp,
        outcome -> Text,
        response_code -> Nullable<Integer>,
        latency_ms -> BigInt,
        error -> Nullable<Text>,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));
diesel::allow_tables_to_appear_in_same_query!(
    webhook_endpoints,
    webhook_deliveries,
    webhook_attempts
);

diesel::table! {
    catalog_imports (id) {
        id -> Text,
        company_id -> Text,
        created_by -> Text,
        format -> Text,
        file_name -> Nullable<Text>,
        content -> Binary,
        status -> Text,
        rows_total -> Integer,
        rows_done -> Integer,
        created_count -> Integer,
        updated_count -> Integer,
        failed_count -> Integer,
        lease_until -> Nullable<Timestamp>,
        error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    catalog_import_errors (id) {
        id -> Text,
        import_id -> Text,
        row_number -> Integer,
        field -> Text,
        code -> Text,
        message -> Text,
    }
}

diesel::joinable!(catalog_import_errors -> catalog_imports (import_id));
diesel::allow_tables_to_appear_in_same_query!(catalog_imports, catalog_import_errors);
