//! Operators' rule management.

use diesel::prelude::*;

use super::ScreeningError;
use super::engine::compile_pattern;
use super::model::{Rule, RuleAction, RuleCategory, RuleKind, RuleRow};
use super::normalize::skeleton_of;
use crate::access::{Actor, PlatformAction, may_on_platform};
use crate::clock::now;
use crate::db::schema::screening_rules;
use crate::db::{self, DbConnection};
use crate::ids::new_id;
use crate::json_col::to_json;
use crate::validate::Validator;

pub const MAX_EXCEPTIONS: usize = 20;

/// A rule as an operator writes it; on PATCH absent fields keep their value.
#[derive(Debug, Clone, Default)]
pub struct RuleInput {
    pub kind: Option<String>,
    pub text: Option<String>,
    pub action: Option<String>,
    pub category: Option<String>,
    pub exceptions: Option<Vec<String>>,
    pub note: Option<String>,
    pub enabled: Option<bool>,
}

fn choice<T: Copy>(
    v: &mut Validator,
    field: &str,
    new: Option<&str>,
    old: Option<T>,
    parse: fn(&str) -> Option<T>,
    names: fn() -> String,
) -> Option<T> {
    match new {
        Some(text) => {
            let parsed = parse(text.trim());
            if parsed.is_none() {
                v.push(
                    field,
                    "invalid_choice",
                    format!("must be one of: {}", names()),
                );
            }
            parsed
        }
        None => {
            if old.is_none() {
                v.push(field, "required", "is required");
            }
            old
        }
    }
}

fn validate(input: RuleInput, old: Option<&RuleRow>) -> Result<RuleRow, ScreeningError> {
    let mut v = Validator::new();
    let kind = choice(
        &mut v,
        "kind",
        input.kind.as_deref(),
        old.and_then(|o| RuleKind::parse(&o.kind)),
        RuleKind::parse,
        RuleKind::names,
    );
    let action = choice(
        &mut v,
        "action",
        input.action.as_deref(),
        old.and_then(|o| RuleAction::parse(&o.action)),
        RuleAction::parse,
        RuleAction::names,
    );
    let category = choice(
        &mut v,
        "category",
        input.category.as_deref(),
        old.and_then(|o| RuleCategory::parse(&o.category)),
        RuleCategory::parse,
        RuleCategory::names,
    );
    let text = match (&input.text, old) {
        (Some(t), _) => v.text("text", t, 1, 200),
        (None, Some(o)) => o.text.clone(),
        (None, None) => {
            v.push("text", "required", "is required");
            String::new()
        }
    };
    match kind {
        // One folded character would match far too much ordinary text.
        Some(RuleKind::Term) if !text.is_empty() && skeleton_of(&text).chars().count() < 2 => {
            v.push(
                "text",
                "too_short",
                "a term needs at least 2 letters, digits or characters",
            );
        }
        Some(RuleKind::Pattern) if !text.is_empty() => match compile_pattern(&text) {
            Ok(re) if re.is_match("") => v.push(
                "text",
                "matches_empty",
                "the pattern must not match empty text",
            ),
            Ok(_) => {}
            Err(_) => v.push(
                "text",
                "invalid_pattern",
                "is not a valid regular expression",
            ),
        },
        _ => {}
    }
    let exceptions = match input.exceptions {
        Some(list) => {
            if list.len() > MAX_EXCEPTIONS {
                v.push(
                    "exceptions",
                    "too_many",
                    format!("at most {MAX_EXCEPTIONS} exceptions"),
                );
            }
            list.iter()
                .enumerate()
                .map(|(i, e)| v.text(&format!("exceptions[{i}]"), e, 1, 100))
                .collect::<Vec<_>>()
        }
        None => old
            .map(|o| crate::json_col::from_json(&o.exceptions))
            .unwrap_or_default(),
    };
    let note = v.multiline_or_keep(
        "note",
        input.note.as_deref(),
        old.and_then(|o| o.note.as_ref()),
        500,
    );
    v.finish().map_err(ScreeningError::Validation)?;
    let at = now();
    Ok(RuleRow {
        id: old
            .map(|o| o.id.clone())
            .unwrap_or_else(|| new_id().to_string()),
        kind: kind.map(|k| k.as_str()).unwrap_or_default().to_owned(),
        text,
        action: action.map(|a| a.as_str()).unwrap_or_default().to_owned(),
        category: category.map(|c| c.as_str()).unwrap_or_default().to_owned(),
        exceptions: to_json(&exceptions),
        note,
        enabled: input.enabled.or(old.map(|o| o.enabled)).unwrap_or(true),
        created_by: old.map(|o| o.created_by.clone()).unwrap_or_default(),
        created_at: old.map(|o| o.created_at).unwrap_or(at),
        updated_at: at,
    })
}

/// What the audit log keeps of a rule, before and after a change: everything an operator can
/// set (an object, as the audit entry's schema says; `{}` before a rule existed).
fn audited_state(row: &RuleRow) -> serde_json::Value {
    serde_json::json!({
        "kind": row.kind,
        "text": row.text,
        "action": row.action,
        "category": row.category,
        "exceptions": crate::json_col::from_json::<Vec<String>>(&row.exceptions),
        "note": row.note,
        "enabled": row.enabled,
    })
}

fn operator_only(actor: &Actor) -> Result<(), ScreeningError> {
    // The HTTP layer lets only operators reach these routes; this keeps the domain honest too.
    if may_on_platform(actor, PlatformAction::Moderate) {
        Ok(())
    } else {
        Err(ScreeningError::NotFound)
    }
}

pub fn list_rules(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<Rule>, ScreeningError> {
    operator_only(actor)?;
    Ok(screening_rules::table
        .order(screening_rules::id.asc())
        .select(RuleRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Rule::from)
        .collect())
}

pub fn create_rule(
    conn: &mut DbConnection,
    actor: &Actor,
    input: RuleInput,
) -> Result<Rule, ScreeningError> {
    operator_only(actor)?;
    let mut row = validate(input, None)?;
    row.created_by = actor.user_id.to_string();
    db::transaction(conn, |conn| {
        diesel::insert_into(screening_rules::table)
            .values(&row)
            .execute(conn)?;
        crate::moderation::record_transition(
            conn,
            "screening_rule",
            crate::ids::parse_db_id(&row.id),
            "create",
            &row.text,
            actor.user_id,
            serde_json::json!({}),
            audited_state(&row),
        )?;
        Ok(Rule::from(row))
    })
}

/// Edits a rule; `enabled: false` switches it off (rules are never deleted: stored outcomes
/// refer to them).
pub fn update_rule(
    conn: &mut DbConnection,
    actor: &Actor,
    id: uuid::Uuid,
    input: RuleInput,
) -> Result<Rule, ScreeningError> {
    operator_only(actor)?;
    db::transaction(conn, |conn| {
        let old = screening_rules::table
            .find(id.to_string())
            .select(RuleRow::as_select())
            .first(conn)
            .optional()?
            .ok_or(ScreeningError::NotFound)?;
        let row = validate(input, Some(&old))?;
        diesel::update(screening_rules::table.find(id.to_string()))
            .set(&row)
            .execute(conn)?;
        let action = match (old.enabled, row.enabled) {
            (true, false) => "disable",
            (false, true) => "enable",
            _ => "update",
        };
        crate::moderation::record_transition(
            conn,
            "screening_rule",
            id,
            action,
            &row.text,
            actor.user_id,
            audited_state(&old),
            audited_state(&row),
        )?;
        Ok(Rule::from(row))
    })
}
