//! Screening an item's texts with the current rules, and keeping the outcome with the item.

use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use time::PrimitiveDateTime;

use super::engine::{Engine, Hit, outcome};
use super::model::{Rule, RuleAction, RuleRow};
use crate::clock::now;
use crate::db::DbConnection;
use crate::db::schema::{screening_results, screening_rules};
use crate::error::FieldError;
use crate::json_col::{from_json, to_json};

/// What screening found in one item.
#[derive(Debug, Clone, Default)]
pub struct Verdict {
    pub hits: Vec<Hit>,
}

impl Verdict {
    pub fn outcome(&self) -> Option<RuleAction> {
        outcome(&self.hits)
    }

    pub fn blocked(&self) -> bool {
        self.outcome() == Some(RuleAction::Block)
    }

    pub fn needs_review(&self) -> bool {
        self.outcome() == Some(RuleAction::Review)
    }

    /// One field error per blocking hit: the field, and the words as the writer wrote them.
    pub fn block_errors(&self) -> Vec<FieldError> {
        self.hits
            .iter()
            .filter(|h| h.action == RuleAction::Block)
            .map(|h| {
                FieldError::new(
                    h.field.clone(),
                    "blocked_content",
                    format!(
                        "contains content not allowed here ({}): {}",
                        h.category, h.excerpt
                    ),
                )
            })
            .collect()
    }
}

type Version = (i64, Option<PrimitiveDateTime>);

/// The compiled rules of this process, rebuilt when the rule table changes (every edit moves
/// `updated_at`, and rules are never deleted, so count and latest edit identify a version).
static ENGINE: Mutex<Option<(Version, Arc<Engine>)>> = Mutex::new(None);

/// The enabled rules as they are now (one query when they have not changed since the last
/// call). A run of writes in one transaction may keep it and screen with `Verdict::of`.
pub fn current_rules(conn: &mut DbConnection) -> QueryResult<Arc<Engine>> {
    let version: Version = screening_rules::table
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::max(screening_rules::updated_at),
        ))
        .first(conn)?;
    if let Some((v, engine)) = ENGINE.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
        && *v == version
    {
        return Ok(engine.clone());
    }
    let rules: Vec<Rule> = screening_rules::table
        .filter(screening_rules::enabled.eq(true))
        .select(RuleRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Rule::from)
        .collect();
    let engine = Arc::new(Engine::new(rules));
    *ENGINE.lock().unwrap_or_else(|p| p.into_inner()) = Some((version, engine.clone()));
    Ok(engine)
}

/// Screens the named texts of one item with the enabled rules.
pub fn screen(conn: &mut DbConnection, fields: &[(&str, &str)]) -> QueryResult<Verdict> {
    let rules = current_rules(conn)?;
    Ok(Verdict::of(&rules, fields))
}

impl Verdict {
    /// Screens the named texts of one item with `rules` (from `current_rules`).
    pub fn of(rules: &Engine, fields: &[(&str, &str)]) -> Verdict {
        if rules.rule_count() == 0 {
            return Verdict::default();
        }
        Verdict {
            hits: rules.screen(fields),
        }
    }
}

/// Keeps the verdict with the item (replacing the previous one); call it in the item's write
/// transaction.
pub fn record(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
    verdict: &Verdict,
) -> QueryResult<()> {
    diesel::delete(
        screening_results::table
            .filter(screening_results::subject_type.eq(subject_type))
            .filter(screening_results::subject_id.eq(subject_id)),
    )
    .execute(conn)?;
    insert(conn, subject_type, subject_id, verdict)?;
    // The review queue's risk of items about this subject reads the outcome.
    (crate::seams::reactions().screened)(conn, subject_type, subject_id)
}

/// `record` for an item created in this transaction: it has no verdict to replace and no
/// review item to reassess yet, so only the insert remains (two statements fewer per product
/// of a catalog import).
pub fn record_new(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
    verdict: &Verdict,
) -> QueryResult<()> {
    insert(conn, subject_type, subject_id, verdict)
}

fn insert(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
    verdict: &Verdict,
) -> QueryResult<()> {
    let outcome = verdict.outcome().map(|a| a.as_str()).unwrap_or("pass");
    diesel::insert_into(screening_results::table)
        .values((
            screening_results::subject_type.eq(subject_type),
            screening_results::subject_id.eq(subject_id),
            screening_results::outcome.eq(outcome),
            screening_results::hits.eq(to_json(&verdict.hits)),
            screening_results::screened_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The stored verdict of an item (empty when it was never screened).
pub fn stored(
    conn: &mut DbConnection,
    subject_type: &str,
    subject_id: &str,
) -> QueryResult<Verdict> {
    let hits: Option<String> = screening_results::table
        .filter(screening_results::subject_type.eq(subject_type))
        .filter(screening_results::subject_id.eq(subject_id))
        .select(screening_results::hits)
        .first(conn)
        .optional()?;
    Ok(Verdict {
        hits: hits.map(|h| from_json(&h)).unwrap_or_default(),
    })
}

/// Screens a text without storing anything (the operators' rule tester).
pub fn try_text(conn: &mut DbConnection, text: &str) -> QueryResult<Verdict> {
    screen(conn, &[("text", text)])
}
