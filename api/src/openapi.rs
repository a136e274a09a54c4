//! The OpenAPI document: paths come from the `#[utoipa::path]` of each registered handler, so
//! a route cannot exist undocumented. `openapi/openapi.json` is this document, committed; a
//! test fails when they differ (`UPDATE_OPENAPI=1` rewrites the file).

use actix_web::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::{ErrorBody, ErrorDetail, FieldErrorBody};
use crate::routes::responses::{
    BadRequest, OperatorOnly, PayloadTooLarge, Unauthorized, UnsupportedMediaType,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Tradefair API",
        description = "B2B marketplace backend: accounts, companies and storefronts, product catalog. \
                       Errors always have the shape `{\"error\": {\"code\", \"message\", \"fields\"}}`; \
                       docs/errors.md lists the codes.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(
        schemas(ErrorBody, ErrorDetail, FieldErrorBody),
        responses(BadRequest, Unauthorized, OperatorOnly, UnsupportedMediaType, PayloadTooLarge)
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "health"), (name = "auth"), (name = "companies"), (name = "catalog"),
        (name = "products"), (name = "storefronts"), (name = "search"),
        (name = "listings", description = "Sell offers and buy requests"),
        (name = "quotes", description = "Quotes on buy requests"),
        (name = "inquiries", description = "Inquiry threads between buyers and companies, blocked buyers"),
        (name = "leads", description = "The supplier's lead inbox (CRM)"),
        (name = "notifications"), (name = "reports", description = "Reports and transparency"),
        (name = "lead e-mail", description = "Lead subscriptions, e-mail consent and preferences, the links in lead e-mails"),
        (name = "email", description = "E-mail delivery: bounce reports, open and click tracking"),
        (name = "credit", description = "Credit profile, ratings and penalty points"),
        (name = "change requests", description = "Edits of published products and open listings, as their owners see them"),
        (name = "takedowns", description = "IP notice and takedown, counter-notices"),
        (name = "enforcement", description = "Measures against items and companies, appeals"),
        (name = "privacy", description = "Leaving the platform, data export and erasure"),
        (name = "media", description = "Uploads (images, licence scans, attachments) and their variants"),
        (name = "policies", description = "Terms of service, privacy notice and the platform's rules, in published versions"),
        (name = "api keys", description = "A company's API keys: `Authorization: Bearer tfk_…`, acting as the company within the key's scopes; a route's `api_key` security requirement names the scope it needs, routes without one refuse keys"),
        (name = "catalog-import", description = "Catalog import and export: the template, uploads of CSV or .xlsx files processed in the background, their progress and error files, the catalog as a spreadsheet"),
        (name = "webhooks", description = "A company's signed webhooks (Standard Webhooks): endpoints, secrets, the delivery log and replay"),
        (name = "operator", description = "Operators only")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from `POST /api/v1/auth/login`"))
                    .build(),
            ),
        );
        // The mail server is no account: it authenticates with a shared secret, sent the
        // same way as an access token, so the one route that takes it names both schemes.
        components.add_security_scheme(
            "bounce_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The shared secret `TRADEFAIR_BOUNCE_TOKEN`"))
                    .build(),
            ),
        );
    }
}

/// The `api_key` scheme, and on every route that accepts keys the scope it needs (from
/// `auth::api_key::ROUTE_SCOPES`, the table the server enforces).
struct ApiKeyScopes;

impl Modify for ApiKeyScopes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("tfk_…")
                    .description(Some(
                        "A company's API key (`POST /api/v1/companies/{id}/api-keys`); the scope \
                         is the one the route needs",
                    ))
                    .build(),
            ),
        );
        for (method, path, scope) in crate::auth::api_key::ROUTE_SCOPES {
            let Some(item) = openapi.paths.paths.get_mut(*path) else {
                continue;
            };
            let operation = match *method {
                "GET" => item.get.as_mut(),
                "POST" => item.post.as_mut(),
                "PATCH" => item.patch.as_mut(),
                "PUT" => item.put.as_mut(),
                "DELETE" => item.delete.as_mut(),
                _ => None,
            };
            if let Some(op) = operation {
                op.security
                    .get_or_insert_with(Vec::new)
                    .push(SecurityRequirement::new("api_key", [scope.as_str()]));
            }
        }
    }
}

/// On every operation with a JSON request body, the errors its extractor (`crate::body`) answers
/// before the handler runs, where the route does not describe them itself: 400 (a body that does
/// not parse, an unknown field), 413 and 415. Generated clients and schemathesis take an
/// undocumented status for a broken contract.
struct JsonBodyErrors;

impl Modify for JsonBodyErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, RefOr};
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                let takes_json = matches!(
                    &op.request_body,
                    Some(RefOr::T(body)) if body.content.contains_key("application/json")
                );
                if !takes_json {
                    continue;
                }
                for (status, component) in [
                    ("400", "BadRequest"),
                    ("413", "PayloadTooLarge"),
                    ("415", "UnsupportedMediaType"),
                ] {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| {
                            RefOr::Ref(Ref::new(format!("#/components/responses/{component}")))
                        });
                }
            }
        }
    }
}

/// Free texts are trimmed of whitespace and invisible characters and refuse control, line
/// separator and direction-control characters (`domain::validate::Validator`); a length alone
/// would let a generated client or schemathesis send `" "` or `"a\u0001"`, which the server
/// refuses. A DTO field marks its kind with a custom format: `line` (one-line text: names,
/// titles, reasons for `v.text`), `lines` (`v.multiline`: tabs and line breaks allowed) or `html`
/// (`v.html`: not trimmed, the characters of `lines`). This replaces the marker with the pattern
/// that says the same: the text after trimming is at least `minLength` long (blank is accepted,
/// and means "none", without one), and holds no refused character.
/// Invisible characters outside the Basic Multilingual Plane (tags, variation selectors
/// supplement) are trimmed by the server but not named here: ECMA-262 patterns without the `u`
/// flag cannot name them.
struct TextPatterns;

/// Trimmed at either end: `char::is_whitespace` and `domain::text::is_invisible` (its BMP part).
const TRIMMED: &str = "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\
\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2060-\\u2065\\u206a-\\u206f\\u2800\\u3164\
\\ufe00-\\ufe0f\\ufeff\\uffa0";
/// Refused inside a one-line text: controls (tab and line breaks included), line and paragraph
/// separators, direction controls and direction marks.
const REFUSED_LINE: &str = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c";
/// Refused inside a multi-line text: as above, but tab, line feed and carriage return are kept
/// and direction marks allowed.
const REFUSED_LINES: &str = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";

/// `domain::validate::is_http_url`: http or https, a host, no whitespace or control character.
const HTTP_URL: &str =
    "^https?://[^/?#\\s\\u0000-\\u001f\\u007f-\\u009f][^\\s\\u0000-\\u001f\\u007f-\\u009f]*$";

fn text_pattern(kind: &str, min_length: usize) -> Option<String> {
    if kind == "url" {
        return Some(HTTP_URL.to_owned());
    }
    let refused = match kind {
        "line" => REFUSED_LINE,
        "lines" | "html" => REFUSED_LINES,
        _ => return None,
    };
    if kind == "html" {
        return Some(format!("^[^{refused}]*$"));
    }
    let edge = format!("[^{TRIMMED}{refused}]");
    let inner = format!("[^{refused}]*");
    let core = match min_length {
        0 => format!("(?:{edge}(?:{inner}{edge})?[{TRIMMED}]*)?"),
        1 => format!("{edge}(?:{inner}{edge})?[{TRIMMED}]*"),
        // Between the first and last visible character, at least `min - 2` more.
        min => format!("{edge}[^{refused}]{{{},}}{edge}[{TRIMMED}]*", min - 2),
    };
    Some(format!("^[{TRIMMED}]*{core}$"))
}

fn text_patterns_in(schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            if let Some(SchemaFormat::Custom(kind)) = &object.format
                && let Some(pattern) = text_pattern(kind, object.min_length.unwrap_or(0))
            {
                object.pattern = Some(pattern);
                object.format = None;
            }
            for property in object.properties.values_mut() {
                text_patterns_in(property);
            }
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                text_patterns_in(items);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(text_patterns_in),
        Schema::AllOf(all) => all.items.iter_mut().for_each(text_patterns_in),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(text_patterns_in),
        _ => {}
    }
}

/// Arrays of texts, whose items a field attribute cannot reach: (schema, property, kind,
/// minLength, maxLength of each item).
const TEXT_ITEMS: &[(&str, &str, &str, usize, usize)] = &[
    ("RuleRequest", "exceptions", "line", 1, 100),
    ("RuleCreateRequest", "exceptions", "line", 1, 100),
    ("ReportRequest", "evidence_urls", "url", 1, 2048),
    ("AppealRequest", "evidence_urls", "url", 1, 2048),
    ("NoticeRequest", "evidence_urls", "url", 1, 2048),
    ("CounterNoticeRequest", "evidence_urls", "url", 1, 2048),
    ("NoticeRequest", "evidence_attachments", "uuid", 0, 0),
    ("ReportRequest", "evidence_attachments", "uuid", 0, 0),
    ("CreateInquiryRequest", "attachments", "uuid", 0, 0),
    ("MessageRequest", "attachments", "uuid", 0, 0),
];

/// `SynonymGroups.groups`: each group 2 to 10 terms (told apart ignoring case, which no
/// keyword says), each a one-line text of 1 to 50 characters.
fn mark_synonym_terms(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};
    let groups = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("SynonymGroups"))
        .and_then(|s| match s {
            RefOr::T(Schema::Object(o)) => o.properties.get_mut("groups"),
            _ => None,
        });
    let Some(RefOr::T(Schema::Array(groups))) = groups else {
        panic!("openapi: no SynonymGroups.groups");
    };
    if let ArrayItems::RefOrSchema(group) = &mut groups.items
        && let RefOr::T(Schema::Array(group)) = group.as_mut()
    {
        group.min_items = Some(2);
        group.max_items = Some(10);
        group.unique_items = true;
        if let ArrayItems::RefOrSchema(term) = &mut group.items
            && let RefOr::T(Schema::Object(term)) = term.as_mut()
        {
            term.format = Some(SchemaFormat::Custom("line".to_owned()));
            term.min_length = Some(1);
            term.max_length = Some(50);
        }
    }
}

fn mark_text_items(openapi: &mut utoipa::openapi::OpenApi) {
    mark_synonym_terms(openapi);
    // An upload's form has `purpose` and `file` and nothing else (400 `unknown_field`).
    if let Some(utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(form))) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("UploadForm"))
    {
        form.additional_properties = Some(Box::new(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    }
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat};
    for (schema, property, kind, min, max) in TEXT_ITEMS {
        let target = openapi
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut(*schema))
            .and_then(|s| match s {
                RefOr::T(Schema::Object(o)) => o.properties.get_mut(*property),
                _ => None,
            });
        let Some(RefOr::T(Schema::Array(array))) = target else {
            panic!("openapi text items: no array {schema}.{property}");
        };
        if let ArrayItems::RefOrSchema(items) = &mut array.items
            && let RefOr::T(Schema::Object(item)) = items.as_mut()
        {
            if *kind == "uuid" {
                item.format = Some(SchemaFormat::KnownFormat(KnownFormat::Uuid));
            } else {
                item.format = Some(SchemaFormat::Custom((*kind).to_owned()));
                item.min_length = Some(*min);
                item.max_length = Some(*max);
            }
        }
    }
}

impl Modify for TextPatterns {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        mark_text_items(openapi);
        if let Some(components) = openapi.components.as_mut() {
            for schema in components.schemas.values_mut() {
                text_patterns_in(schema);
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                item.get.as_mut(),
                item.post.as_mut(),
                item.put.as_mut(),
                item.patch.as_mut(),
                item.delete.as_mut(),
            ];
            for op in operations.into_iter().flatten() {
                for parameter in op.parameters.iter_mut().flatten() {
                    if let utoipa::openapi::RefOr::T(parameter) = parameter
                        && let Some(schema) = parameter.schema.as_mut()
                    {
                        text_patterns_in(schema);
                    }
                }
                if let Some(utoipa::openapi::RefOr::T(body)) = op.request_body.as_mut() {
                    for content in body.content.values_mut() {
                        if let utoipa::openapi::RefOr::T(content) = content
                            && let Some(schema) = content.schema.as_mut()
                        {
                            text_patterns_in(schema);
                        }
                    }
                }
            }
        }
    }
}

/// Where a closed set of names is accepted.
enum ChoiceAt {
    /// A property of a component schema (of its items, when it is an array).
    Property(&'static str, &'static str),
    /// A query parameter of every operation on a path.
    Query(&'static str, &'static str),
}

/// The names of a domain enum (`domain::text_enum!`).
fn names_of<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<serde_json::Value> {
    all.iter().map(|v| name(*v).into()).collect()
}

fn names(list: &[&'static str]) -> Vec<serde_json::Value> {
    list.iter().map(|n| (*n).into()).collect()
}

/// Every text field and parameter the server accepts only from a closed set, with the set. The
/// sets come from the very enums the server parses them with, so the document cannot drift
/// from them; the few sets the server spells out by hand are spelled out here the same way.
/// `""` is in a set where the server takes a blank value as "not given".
fn choices() -> Vec<(ChoiceAt, Vec<serde_json::Value>)> {
    use ChoiceAt::{Property, Query};
    use domain::appeal::AppealStatus;
    use domain::penalty::PenaltyReason;
    use domain::report::{ReportReason, ReportStatus, ReportSubject};
    use domain::review::{ClaimFilter, Decision, ReasonCode, ReviewKind, Risk};
    use domain::screening::{RuleAction, RuleCategory, RuleKind};
    use domain::takedown::{RightsType, TakedownStatus};
    // A filter that takes a blank value as "no filter".
    let blank_or = |mut names: Vec<serde_json::Value>| {
        names.insert(0, "".into());
        names
    };
    let penalty_reasons = names_of(PenaltyReason::ALL, PenaltyReason::as_str);
    let review_reasons = names_of(ReasonCode::ALL, ReasonCode::as_str);
    let only_true = vec![serde_json::Value::Bool(true)];
    vec![
        (
            Property("PenaltyRequest", "reason_code"),
            penalty_reasons.clone(),
        ),
        (
            Property("PenaltyRequest", "subject_type"),
            names(&["product", "listing", "company", "message"]),
        ),
        (Property("ResolvePenalty", "reason_code"), penalty_reasons),
        (
            Property("ResolveRequest", "outcome"),
            names(&["upheld", "dismissed"]),
        ),
        (
            Property("ReportRequest", "subject_type"),
            names_of(ReportSubject::ALL, ReportSubject::as_str),
        ),
        (
            Property("ReportRequest", "reason"),
            names_of(ReportReason::ALL, ReportReason::as_str),
        ),
        (
            Query("/api/v1/operator/reports", "status"),
            blank_or(names_of(ReportStatus::ALL, ReportStatus::as_str)),
        ),
        (
            Query("/api/v1/operator/reports", "subject_type"),
            blank_or(names_of(ReportSubject::ALL, ReportSubject::as_str)),
        ),
        (
            Property("RuleRequest", "kind"),
            names_of(RuleKind::ALL, RuleKind::as_str),
        ),
        (
            Property("RuleRequest", "action"),
            names_of(RuleAction::ALL, RuleAction::as_str),
        ),
        (
            Property("RuleRequest", "category"),
            names_of(RuleCategory::ALL, RuleCategory::as_str),
        ),
        (
            Property("RuleCreateRequest", "kind"),
            names_of(RuleKind::ALL, RuleKind::as_str),
        ),
        (
            Property("RuleCreateRequest", "action"),
            names_of(RuleAction::ALL, RuleAction::as_str),
        ),
        (
            Property("RuleCreateRequest", "category"),
            names_of(RuleCategory::ALL, RuleCategory::as_str),
        ),
        (
            Property("NoticeRequest", "subject_type"),
            names(&["product", "listing"]),
        ),
        (
            Property("NoticeRequest", "rights_type"),
            names_of(RightsType::ALL, RightsType::as_str),
        ),
        (Property("NoticeRequest", "good_faith"), only_true.clone()),
        (
            Property("CounterNoticeRequest", "good_faith"),
            only_true.clone(),
        ),
        (
            Query("/api/v1/operator/takedowns", "status"),
            blank_or(names_of(TakedownStatus::ALL, TakedownStatus::as_str)),
        ),
        (
            Property("AppealDecisionRequest", "outcome"),
            names(&["upheld", "rejected"]),
        ),
        (
            Query("/api/v1/operator/appeals", "status"),
            blank_or(names_of(AppealStatus::ALL, AppealStatus::as_str)),
        ),
        (
            Property("RejectDecisionBody", "reason_code"),
            review_reasons.clone(),
        ),
        (
            Property("RequestChangesDecisionBody", "reason_code"),
            blank_or(review_reasons.clone()),
        ),
        (
            Property("BulkDecisionRequest", "decision"),
            names_of(Decision::ALL, Decision::as_str),
        ),
        (
            Property("BulkDecisionRequest", "reason_code"),
            blank_or(review_reasons),
        ),
        (
            Query("/api/v1/operator/review-queue", "kind"),
            blank_or(names_of(ReviewKind::ALL, ReviewKind::as_str)),
        ),
        (
            Query("/api/v1/operator/review-queue", "risk"),
            blank_or(names_of(Risk::ALL, Risk::as_str)),
        ),
        (
            Query("/api/v1/operator/review-queue", "claimed"),
            blank_or(names_of(ClaimFilter::ALL, ClaimFilter::as_str)),
        ),
        (
            Property("RegisterRequest", "account_type"),
            names(&["buyer", "supplier"]),
        ),
        (Property("RegisterRequest", "accept_terms"), only_true),
        (
            Property("AddMemberRequest", "role"),
            names_of(
                domain::membership::MemberRole::ALL,
                domain::membership::MemberRole::as_str,
            ),
        ),
        (
            Property("TargetRequest", "type"),
            names_of(
                domain::inquiry::SubjectType::ALL,
                domain::inquiry::SubjectType::as_str,
            ),
        ),
        (
            Query("/api/v1/operator/ratings", "status"),
            blank_or(names_of(
                domain::rating::RatingStatus::ALL,
                domain::rating::RatingStatus::as_str,
            )),
        ),
        (
            Query("/api/v1/inquiries", "as"),
            names(&["", "buyer", "supplier"]),
        ),
        (
            Query("/api/v1/inquiries", "status"),
            blank_or(names_of(
                domain::inquiry::InquiryStatus::ALL,
                domain::inquiry::InquiryStatus::as_str,
            )),
        ),
        (
            Query("/api/v1/companies/{id}/buy-leads", "sort"),
            names(&["newest", "relevance"]),
        ),
        (
            Query("/api/v1/search/listings", "sort"),
            names(&["relevance", "newest"]),
        ),
        (
            Query("/api/v1/search/listings", "kind"),
            names(&["", "sell", "buy"]),
        ),
        (
            Query("/api/v1/search/products", "sort"),
            names(&["relevance", "newest", "price_asc", "price_desc"]),
        ),
        (
            Query("/api/v1/search/products", "company_type"),
            blank_or(names_of(
                domain::company::CompanyType::ALL,
                domain::company::CompanyType::as_str,
            )),
        ),
        (
            Property("CreateSubscription", "kind"),
            names(&["search", "supplier", "category", "buy_leads"]),
        ),
        (
            Property("CreateSubscription", "frequency"),
            names_of(
                domain::lead_alerts::Frequency::ALL,
                domain::lead_alerts::Frequency::as_str,
            ),
        ),
        (
            Property("UpdateSubscription", "frequency"),
            names_of(
                domain::lead_alerts::Frequency::ALL,
                domain::lead_alerts::Frequency::as_str,
            ),
        ),
        (
            Property("UpdateSubscription", "status"),
            names(&["active", "paused"]),
        ),
        (
            Property("UpdatePreferences", "language"),
            names(&["zh", "en"]),
        ),
        (
            Property("ListingCreateRequest", "kind"),
            names_of(
                domain::listing::ListingKind::ALL,
                domain::listing::ListingKind::as_str,
            ),
        ),
        (
            Property("ListingCreateRequest", "incoterm"),
            blank_or(names_of(
                domain::listing::Incoterm::ALL,
                domain::listing::Incoterm::as_str,
            )),
        ),
        (
            Property("ListingPatchRequest", "incoterm"),
            blank_or(names_of(
                domain::listing::Incoterm::ALL,
                domain::listing::Incoterm::as_str,
            )),
        ),
        (
            Property("QuoteRequest", "incoterm"),
            blank_or(names_of(
                domain::listing::Incoterm::ALL,
                domain::listing::Incoterm::as_str,
            )),
        ),
        (
            Property("QuoteCreateRequest", "incoterm"),
            blank_or(names_of(
                domain::listing::Incoterm::ALL,
                domain::listing::Incoterm::as_str,
            )),
        ),
        (
            Property("CompanyRequest", "company_type"),
            names_of(
                domain::company::CompanyType::ALL,
                domain::company::CompanyType::as_str,
            ),
        ),
        (
            Property("CompanyCreateRequest", "company_type"),
            names_of(
                domain::company::CompanyType::ALL,
                domain::company::CompanyType::as_str,
            ),
        ),
        (
            Property("CompanyRequest", "employee_range"),
            blank_or(names_of(
                domain::company::EmployeeRange::ALL,
                domain::company::EmployeeRange::as_str,
            )),
        ),
        (
            Property("CompanyCreateRequest", "employee_range"),
            blank_or(names_of(
                domain::company::EmployeeRange::ALL,
                domain::company::EmployeeRange::as_str,
            )),
        ),
        (
            Property("UploadForm", "purpose"),
            names_of(&domain::media::Purpose::ALL, domain::media::Purpose::as_str),
        ),
    ]
}

struct Choices;

fn set_choices(
    schema: &mut utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    names: &[serde_json::Value],
) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaType, Type};
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            let mut values = names.to_vec();
            // An optional property may be null (it means "not given"); an enum without null
            // would forbid that.
            if let SchemaType::Array(types) = &object.schema_type
                && types.contains(&Type::Null)
            {
                values.push(serde_json::Value::Null);
            }
            object.enum_values = Some(values);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                set_choices(items, names);
            }
        }
        _ => {}
    }
}

impl Modify for Choices {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        use utoipa::openapi::schema::Schema;
        for (at, names) in choices() {
            let mut found = false;
            match at {
                ChoiceAt::Property(schema, property) => {
                    let object = openapi
                        .components
                        .as_mut()
                        .and_then(|c| c.schemas.get_mut(schema));
                    if let Some(RefOr::T(Schema::Object(object))) = object
                        && let Some(target) = object.properties.get_mut(property)
                    {
                        set_choices(target, &names);
                        found = true;
                    }
                }
                ChoiceAt::Query(path, name) => {
                    if let Some(item) = openapi.paths.paths.get_mut(path) {
                        for op in [
                            item.get.as_mut(),
                            item.post.as_mut(),
                            item.put.as_mut(),
                            item.patch.as_mut(),
                            item.delete.as_mut(),
                        ]
                        .into_iter()
                        .flatten()
                        {
                            for parameter in op.parameters.iter_mut().flatten() {
                                if let RefOr::T(parameter) = parameter
                                    && parameter.name == name
                                    && let Some(schema) = parameter.schema.as_mut()
                                {
                                    set_choices(schema, &names);
                                    found = true;
                                }
                            }
                        }
                    }
                }
            }
            // A renamed schema or parameter must not silently drop its set.
            assert!(
                found,
                "openapi choices: no such schema property or parameter"
            );
        }
    }
}

/// The whole document, built from the same route registration the server uses.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(crate::routes::configure)
        .split_for_parts();
    let mut spec = spec;
    // After the routes: it annotates their operations.
    ApiKeyScopes.modify(&mut spec);
    JsonBodyErrors.modify(&mut spec);
    TextPatterns.modify(&mut spec);
    Choices.modify(&mut spec);
    spec
}

/// The document as committed: pretty JSON with a trailing newline.
pub fn openapi_json() -> String {
    let mut text = openapi().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}
