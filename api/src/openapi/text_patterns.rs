//! What the server's text validation accepts, as patterns and lengths.

use utoipa::Modify;

/// Free texts are trimmed of whitespace and invisible characters and refuse control, line
/// separator and direction-control characters (`domain::validate::Validator`); a length alone
/// would let a generated client or schemathesis send `" "` or `"a\u0001"`, which the server
/// refuses. A DTO field marks its kind with a custom format: `line` (one-line text: names,
/// titles, reasons for `v.text`), `lines` (`v.multiline`: tabs and line breaks allowed) or `html`
/// (`v.html`: not trimmed, the characters of `lines`). This replaces the marker with the pattern
/// that says the same: the text after trimming is at least `minLength` long (blank is accepted,
/// and means "none", without one), and holds no refused character. Filters the server trims and
/// takes blank as "none" mark themselves `uuid_or_blank`, `date_or_blank` or `member_or_blank`.
/// Invisible characters outside the Basic Multilingual Plane (tags, variation selectors
/// supplement) are trimmed by the server but not named here: ECMA-262 patterns without the `u`
/// flag cannot name them.
pub(super) struct TextPatterns;

/// `char::is_whitespace`: what `str::trim` takes off.
macro_rules! whitespace {
    () => {
        "\\t\\n\\u000b\\u000c\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
    };
}
const WHITESPACE: &str = whitespace!();
/// Trimmed at either end: `char::is_whitespace` and `domain::text::is_invisible` (its BMP part).
const TRIMMED: &str = concat!(
    whitespace!(),
    "\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180b-\\u180f\\u200b-\\u200f\\u2060-\\u2065\\u206a-\\u206f\\u2800\\u3164\
\\ufe00-\\ufe0f\\ufeff\\uffa0"
);
/// Refused inside a one-line text: controls (tab and line breaks included), line and paragraph
/// separators, direction controls and direction marks.
const REFUSED_LINE: &str = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\u200e\\u200f\\u061c";
/// Refused inside a multi-line text: as above, but tab, line feed and carriage return are kept
/// and direction marks allowed.
const REFUSED_LINES: &str = "\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";

/// `domain::validate::is_http_url`: http or https, a host, no whitespace or control character.
const HTTP_URL: &str =
    "^https?://[^/?#\\s\\u0000-\\u001f\\u007f-\\u009f][^\\s\\u0000-\\u001f\\u007f-\\u009f]*$";

const UUID: &str = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/// A calendar-shaped day; impossible days (February 30) are the server's 400 (an allowance).
const DAY: &str = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])";

/// Filters the server trims and takes blank as "no filter": `format: uuid` or `date` would make
/// a client (and schemathesis) count `""` or `" "` as invalid, which the server accepts.
fn blank_or(value: &str) -> String {
    format!("^[{WHITESPACE}]*({value})?[{WHITESPACE}]*$")
}

fn text_pattern(kind: &str, min_length: usize) -> Option<String> {
    match kind {
        "url" => return Some(HTTP_URL.to_owned()),
        "uuid_or_blank" => return Some(blank_or(UUID)),
        "date_or_blank" => return Some(blank_or(DAY)),
        // The inbox's assignee filter: a member's id, yourself or nobody.
        "member_or_blank" => return Some(blank_or(&format!("me|none|{UUID}"))),
        // `domain::company::is_valid_slug`: lowercase letters and digits in hyphen-joined runs
        // (its 3–60 length and reserved words are the server's 400 `invalid_slug`).
        "slug_or_blank" => return Some(blank_or("[a-z0-9]+(-[a-z0-9]+)*")),
        // A company licence's expiry (`domain::company` `licence_expiry`): a day or long-term;
        // a past or calendar-impossible day is the server's 400.
        "licence_expiry_or_blank" => return Some(blank_or(&format!("long_term|长期|{DAY}"))),
        _ => {}
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
    ("CounterNoticeRequest", "evidence_attachments", "uuid", 0, 0),
    ("NoticeRequest", "evidence_attachments", "uuid", 0, 0),
    ("ReportRequest", "evidence_attachments", "uuid", 0, 0),
    ("CreateInquiryRequest", "attachments", "uuid", 0, 0),
    ("MessageRequest", "attachments", "uuid", 0, 0),
    ("ListingCreateRequest", "attachments", "uuid", 0, 0),
    ("ListingPatchRequest", "attachments", "uuid", 0, 0),
    ("QuoteCreateRequest", "attachments", "uuid", 0, 0),
    ("QuoteRequest", "attachments", "uuid", 0, 0),
    ("ProductCreateRequest", "images", "uuid", 0, 0),
    ("ProductRequest", "images", "uuid", 0, 0),
    (
        "LeadPatchRequest",
        "tags",
        "line",
        1,
        domain::lead::MAX_TAG_CHARS,
    ),
    ("ProductCreateRequest", "keywords", "line", 1, 50),
    ("ProductRequest", "keywords", "line", 1, 50),
    ("CompanyCreateRequest", "main_products", "line", 1, 50),
    ("CompanyRequest", "main_products", "line", 1, 50),
];

/// The array property `schema.property` of the components; panics (at start-up, and in the
/// document test) when a rename left a table below pointing at nothing.
fn array_property<'a>(
    openapi: &'a mut utoipa::openapi::OpenApi,
    schema: &str,
    property: &str,
) -> &'a mut utoipa::openapi::schema::Array {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;
    let target = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut(schema))
        .and_then(|s| match s {
            RefOr::T(Schema::Object(o)) => o.properties.get_mut(property),
            _ => None,
        });
    let Some(RefOr::T(Schema::Array(array))) = target else {
        panic!("openapi: no array {schema}.{property}");
    };
    array
}

/// `SynonymGroups.groups`: each group 2 to 10 terms (told apart ignoring case, which no
/// keyword says), each a one-line text of 1 to 50 characters.
fn mark_synonym_terms(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};
    let groups = array_property(openapi, "SynonymGroups", "groups");
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

/// Arrays whose items the server refuses to see twice (400 `duplicate`), which utoipa's field
/// attributes cannot mark: (schema, property).
const UNIQUE_ITEMS: &[(&str, &str)] = &[
    ("BulkDecisionRequest", "ids"),
    ("CreateApiKeyRequest", "scopes"),
    ("CreateWebhookRequest", "event_types"),
];

fn mark_text_items(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat};
    mark_synonym_terms(openapi);
    for (schema, property) in UNIQUE_ITEMS {
        array_property(openapi, schema, property).unique_items = true;
    }
    // An upload's form has `purpose` and `file` and nothing else (400 `unknown_field`).
    if let Some(RefOr::T(Schema::Object(form))) = openapi
        .components
        .as_mut()
        .and_then(|c| c.schemas.get_mut("UploadForm"))
    {
        form.additional_properties = Some(Box::new(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    }
    for (schema, property, kind, min, max) in TEXT_ITEMS {
        let array = array_property(openapi, schema, property);
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
