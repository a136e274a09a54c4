//! Closed sets of values as enums, taken from the domain's own enums.

use utoipa::Modify;

/// Where a closed set of names is accepted.
#[derive(Debug)]
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
    let currencies = names(&domain::catalog::currency_codes());
    let mut list = vec![
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
            Property("UpdateMeRequest", "language"),
            names(&["zh", "en"]),
        ),
        (
            Query("/api/v1/operator/enforcement", "kind"),
            blank_or(names_of(
                domain::enforcement::ActionKind::ALL,
                domain::enforcement::ActionKind::as_str,
            )),
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
            Query("/api/v1/listings", "kind"),
            blank_or(names_of(
                domain::listing::ListingKind::ALL,
                domain::listing::ListingKind::as_str,
            )),
        ),
        (
            Query("/api/v1/listings", "status"),
            blank_or(names_of(
                domain::listing::ListingState::ALL,
                domain::listing::ListingState::as_str,
            )),
        ),
        (
            Property("LeadPatchRequest", "stage"),
            names_of(
                domain::lead::LeadStage::ALL,
                domain::lead::LeadStage::as_str,
            ),
        ),
        (
            Property("LeadPatchRequest", "grade"),
            names_of(
                domain::lead::BuyerGrade::ALL,
                domain::lead::BuyerGrade::as_str,
            ),
        ),
        (
            Query("/api/v1/change-requests", "status"),
            blank_or(names_of(
                domain::review::ChangeStatus::ALL,
                domain::review::ChangeStatus::as_str,
            )),
        ),
        (
            Query("/api/v1/change-requests", "subject_type"),
            names(&["", "product", "listing", "company"]),
        ),
        (
            Query("/api/v1/companies/{id}/products", "status"),
            blank_or(names_of(
                domain::catalog::ProductStatus::ALL,
                domain::catalog::ProductStatus::as_str,
            )),
        ),
        (
            Query("/api/v1/listings/{id}/quotes", "sort"),
            blank_or(names_of(
                domain::quote::QuoteSort::ALL,
                domain::quote::QuoteSort::as_str,
            )),
        ),
        (
            Query("/api/v1/search/suppliers", "company_type"),
            blank_or(names_of(
                domain::company::CompanyType::ALL,
                domain::company::CompanyType::as_str,
            )),
        ),
        (
            Property("SavedSearchBody", "company_type"),
            blank_or(names_of(
                domain::company::CompanyType::ALL,
                domain::company::CompanyType::as_str,
            )),
        ),
        (
            Query("/api/v1/operator/email/jobs", "status"),
            blank_or(names_of(
                domain::email::JobStatus::ALL,
                domain::email::JobStatus::as_str,
            )),
        ),
        (
            Query("/api/v1/search/products", "currency"),
            blank_or(currencies.clone()),
        ),
        (
            Property("AcceptPolicyRequest", "kind"),
            domain::policy::PolicyKind::ALL
                .iter()
                .filter(|k| k.accepted_at_registration())
                .map(|k| k.as_str().into())
                .collect(),
        ),
        (
            Property("UploadForm", "purpose"),
            names_of(&domain::media::Purpose::ALL, domain::media::Purpose::as_str),
        ),
    ];
    // ISO 4217 codes with minor units, upper case (the server also takes lower case).
    for schema in [
        "ProductCreateRequest",
        "ProductRequest",
        "ListingCreateRequest",
        "ListingPatchRequest",
        "QuoteCreateRequest",
        "QuoteRequest",
        "SavedSearchBody",
    ] {
        list.push((Property(schema, "currency"), currencies.clone()));
    }
    // The lead list and its CSV export take the same filters.
    for path in [
        "/api/v1/companies/{id}/leads",
        "/api/v1/companies/{id}/leads.csv",
    ] {
        use domain::lead::{BuyerGrade, LeadSource, LeadStage};
        list.extend([
            (
                Query(path, "stage"),
                blank_or(names_of(LeadStage::ALL, LeadStage::as_str)),
            ),
            (
                Query(path, "grade"),
                blank_or(names_of(BuyerGrade::ALL, BuyerGrade::as_str)),
            ),
            (
                Query(path, "source"),
                blank_or(names_of(LeadSource::ALL, LeadSource::as_str)),
            ),
        ]);
    }
    list
}

pub(super) struct Choices;

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
            let named = format!("{at:?}");
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
                "openapi choices: no such schema property or parameter: {named}"
            );
        }
    }
}
